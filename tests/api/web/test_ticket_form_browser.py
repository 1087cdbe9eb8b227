"""The portal's ticket form (/static/ticket-form.js, on /demo) in a real headless Chromium, against the API.

A Spanish-speaking customer describes a problem whose answer only a Portuguese article holds: the
article is suggested beside the form, and "this solved it" is a deflection of channel form in the
insights. A bad e-mail gets the chat's rule beside the field with everything else kept (a reload
too); a complete form opens the ticket (checked in the API) even after the connection dropped on the
first try; the PMS maintenance notice shows before submitting; the whole form works from the
keyboard; a customer signed in to the portal gets the contact filled and locked. Screenshots at
phone and desktop width go to ``var/artifacts/``.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped with the reason when missing). The API
is this folder's ``conftest.py`` one, started with a portal-token secret for the signed-in case.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from api.dialog.rules import rules_data
from tests.api.web.dashboard_page import LiveApi
from tests.api.web.ticket_form_page import (
    COMPLETE,
    ES,
    PT,
    TicketForm,
    portal,
    portal_page,
    problems,
    screenshot,
    text_of,
)
from tests.support.browser import headless_chromium, require_browser

pytestmark = pytest.mark.e2e

PORTAL_SECRET = "ticket-form-portal-secret-of-32-bytes-or-more"
# Spanish words; the answer is in a Portuguese article only (knowledge/articles/pt-BR/).
QUESTION = "El certificado digital A1 venció y no puedo emitir la factura electrónica desde esta mañana"
ANSWER = "pt-nfe-certificado-digital-a1"
# The seed's PMS notice has fixed dates (December 2021); the API's clock is the real one, so the
# form's notices request asks for a moment of that week, as tests/api/dialog does with ?at=.
NOTICE_MOMENT = "2021-12-19T20:00:00-03:00"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
REFUSED = ("/api/v1/portal/tickets - Failed to load resource: the server responded with a status of 422",)


@pytest.fixture(scope="module", autouse=True)
def api_environment() -> Iterator[None]:
    """What the module's API starts with besides conftest's (autouse: set before ``api`` reads it):
    the portal's HS256 secret, and no limit per client address, as every customer here is 127.0.0.1."""
    wanted = {"PORTAL_TOKEN_SECRET": PORTAL_SECRET, "CLIENT_RATE_LIMIT_PER_MINUTE": "0"}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    yield
    for name, value in before.items():
        if value is None:
            os.environ.pop(name)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    require_browser()
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), "1280,900", "es")
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def form(api: LiveApi, driver: WebDriver) -> TicketForm:
    page = TicketForm(driver)
    page.load(f"{api.url}/demo")
    return page


def press(driver: WebDriver, *keys: str) -> None:
    """Keys as the user types them, to whatever has the focus."""
    ActionChains(driver).send_keys(*keys).perform()


def form_channel(api: LiveApi) -> dict[str, int]:
    summary = api.get("/api/v1/insights/summary", group_by="channel").json()
    return next((g for g in summary["groups"] if g["key"] == "form"), {"answered": 0, "deflected": 0})


def test_a_spanish_description_gets_a_portuguese_article_that_solves_it(
    api: LiveApi, driver: WebDriver, form: TicketForm
) -> None:
    assert form.find(".etf-root").get_attribute("lang") == "es"  # data-language of the demo's tag
    cards = form.find(".etf-cards")
    assert cards.get_attribute("aria-live") == "polite"
    form.record_requests()
    form.input("description").send_keys(QUESTION)

    card = form.card(ANSWER)
    assert "Certificado digital A1" in card.find_element(By.CSS_SELECTOR, ".etf-card-title").text
    assert card.find_element(By.CSS_SELECTOR, ".etf-card-lang").text == ES["articleLanguages"]["pt-BR"]
    assert "certificado" in card.find_element(By.CSS_SELECTOR, ".etf-card-lines").text.lower()
    link = card.find_element(By.CSS_SELECTOR, "a.etf-card-link")
    assert text_of(link) == f"{ES['openArticle']} {ES['newTab']}"
    assert link.get_attribute("target") == "_blank" and "noopener" in str(link.get_attribute("rel"))
    assert str(link.get_attribute("href")).startswith("https://")
    assert len(form.cards()) <= 3

    # The same text is never sent twice: typed on, then back to what was already answered.
    asked = len(form.requests("/portal/suggestions"))
    form.input("description").send_keys(" hoy")
    form.wait().until(lambda d: len(form.requests("/portal/suggestions")) == asked + 1)
    form.input("description").send_keys(Keys.BACKSPACE * 4)
    time.sleep(1.2)  # past the typing pause: a request would have gone by now
    sent = [parse_qs(urlsplit(url).query)["q"][0] for url in form.requests("/portal/suggestions")]
    assert len(sent) == asked + 1 and len(set(sent)) == len(sent), sent

    # Opening the article counts as viewed.
    card = form.card(ANSWER)
    main_tab = driver.current_window_handle
    card.find_element(By.CSS_SELECTOR, "a.etf-card-link").click()
    form.wait().until(lambda d: len(d.window_handles) == 2)
    driver.switch_to.window(next(h for h in driver.window_handles if h != main_tab))
    driver.close()
    driver.switch_to.window(main_tab)

    def viewed() -> int:
        rows = api.get("/api/v1/insights/articles").json()["articles"]
        return next((row["viewed"] for row in rows if row["article_id"] == ANSWER), 0)

    form.wait().until(lambda d: viewed() == 1)

    # "This solved it": thanks, an offer to stop there, and a deflection of channel form.
    before = form_channel(api)
    card.find_element(By.CSS_SELECTOR, ".etf-solved").click()
    form.wait().until(lambda d: card.find_elements(By.CSS_SELECTOR, ".etf-thanks"))
    assert card.find_element(By.CSS_SELECTOR, ".etf-thanks").text == ES["solvedThanks"]
    assert not card.find_elements(By.CSS_SELECTOR, ".etf-solved")
    offer = form.find(".etf-stop")
    assert offer.is_displayed() and form.active() == offer.find_element(By.CSS_SELECTOR, ".etf-stop-text")
    after = form_channel(api)
    assert (after["answered"], after["deflected"]) == (before["answered"] + 1, before["deflected"] + 1), after

    # Stopping there loses nothing: back to the form, the description is as typed.
    typed = form.values()
    offer.find_element(By.XPATH, f".//button[text()='{ES['stopHere']}']").click()
    assert form.state() == "stopped" and form.find(".etf-done-title").text == ES["stoppedTitle"]
    assert form.active() == form.find(".etf-done-title")
    form.find(".etf-done button").click()
    assert form.state() == "ready" and form.values() == typed and typed["description"] == QUESTION
    assert problems(driver) == []


def test_a_bad_email_shows_the_rule_beside_the_field_and_keeps_everything_typed(
    driver: WebDriver, form: TicketForm
) -> None:
    typed = {**COMPLETE, "contact_email": "lucia.gomez@hotelandino"}
    form.fill(typed)
    assert form.submit() == "ready"

    rule = rules_data()["messages"]["email"]["es"]  # the chat's own words for it
    assert form.error("contact_email") == rule
    email = form.input("contact_email")
    message_id = form.field("contact_email").find_element(By.CSS_SELECTOR, ".etf-error").get_attribute("id")
    assert email.get_attribute("aria-invalid") == "true"
    assert str(email.get_attribute("aria-describedby")).split()[0] == message_id  # read right after the label
    assert form.active() == email  # the first invalid field has the focus
    assert form.status() == ES["fixOne"]
    assert form.find(".etf-status").get_attribute("role") == "alert"
    assert form.values() == typed  # nothing lost
    assert [name for name in typed if form.error(name)] == ["contact_email"]

    # A reload keeps the draft; correcting the field takes its message away.
    driver.refresh()
    form.wait_state("ready")
    assert form.values() == typed
    form.set("contact_email", COMPLETE["contact_email"])
    assert form.error("contact_email") == ""
    assert form.input("contact_email").get_attribute("aria-invalid") is None
    assert problems(driver, REFUSED) == []


def test_a_complete_form_opens_the_ticket_even_after_the_connection_dropped(
    api: LiveApi, driver: WebDriver, form: TicketForm, tmp_path: Path
) -> None:
    typed = {**COMPLETE, "contact_email": "lucia.gomez+form@hotelandino.com.ar"}
    form.fill(typed)
    preview = form.find(".etf-preview")
    form.wait().until(lambda d: preview.get_attribute("data-state") == "ready")
    levels = {"impact": "high", "urgency": "medium"}
    expected = api.get("/api/v1/priority", **levels, language="es", country="MX").json()
    assert preview.get_attribute("data-priority") == expected["priority"]
    assert ES["priorityNames"][expected["priority"]] in preview.text and expected["time_zone"] in preview.text

    # A type the API refuses is refused here, before any upload.
    program = tmp_path / "instalador.exe"
    program.write_bytes(b"MZ")
    form.record_requests()
    form.find(".etf-file-input").send_keys(str(program))
    refusal = form.find(".etf-file-problems")
    assert text_of(refusal) == ES["fileType"].format(name="instalador.exe") and not form.requests("/files")
    assert refusal.get_attribute("role") == "alert"

    # Two screenshots chosen, one removed again: only the other joins the ticket.
    kept, dropped = tmp_path / "pantalla.png", tmp_path / "otra-pantalla.png"
    kept.write_bytes(PNG)
    dropped.write_bytes(PNG)
    form.find(".etf-file-input").send_keys(f"{kept}\n{dropped}")
    rows = ".etf-file-list .etf-file[data-file-id]"
    form.wait().until(lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) == 2)
    remove = form.find(".etf-file-list .etf-file:last-child .etf-file-remove")
    assert remove.get_attribute("aria-label") == ES["removeFile"].format(name="otra-pantalla.png")
    remove.click()
    assert [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".etf-file-name")] == ["pantalla.png"]

    # The first answer is lost on the way back (the API did open the ticket): nothing typed is lost,
    # and the retry gets the same ticket, not a second one.
    driver.execute_script(
        """const real = window.fetch; let dropped = false;
        window.fetch = function (url, init) {
          const answer = real.apply(this, arguments);
          if (dropped || !String(url).includes('/portal/tickets')) return answer;
          dropped = true;
          return answer.then(() => { throw new TypeError('Failed to fetch'); });
        };"""
    )
    assert form.submit() == "ready"
    assert form.status().startswith(ES["networkError"])
    assert form.values() == typed
    retry = form.find(".etf-retry")
    assert form.active() == retry
    retry.click()
    assert form.wait_state("done", "ready") == "done", form.status()

    heading = form.find(".etf-done-title")
    number = int(str(form.find(".etf-done").get_attribute("data-number")))
    assert heading.text == ES["doneTitle"].format(number=number) and form.active() == heading
    next_steps = form.find(".etf-next-steps").text
    assert f"#{number}" in next_steps and typed["contact_email"] in next_steps and "Nuevo" in next_steps
    assert not form.find(".etf-layout").is_displayed()
    screenshot(driver, "ticket-form-done.png")
    assert form.draft() is None  # the draft goes with the ticket opened

    ticket = api.get(f"/api/v1/tickets/{number}").json()
    assert ticket["channel"] == "form" and ticket["verified"] is False and ticket["language"] == "es"
    normalised = {"module": "Faturamento"}  # "Facturación" as the knowledge base names the module
    for name, value in typed.items():
        assert ticket[name] == normalised.get(name, value), name
    assert ticket["country"] == "MX" and ticket["priority"] == expected["priority"]
    assert [f["filename"] for f in ticket["files"]] == ["pantalla.png"]
    listed = api.get("/api/v1/tickets", contact_email=typed["contact_email"]).json()
    assert listed["total"] == 1  # the retry opened no second ticket
    assert problems(driver) == []


def test_the_pms_maintenance_notice_shows_before_submitting(
    api: LiveApi, driver: WebDriver, form: TicketForm
) -> None:
    now = api.get("/api/v1/notices", product="PMS", language="es").json()
    moment = {} if now else {"at": NOTICE_MOMENT}
    if not now:
        driver.execute_script(
            """const real = window.fetch, at = arguments[0];
            window.fetch = function (url, init) {
              if (String(url).includes('/api/v1/notices?')) url = url + '&at=' + encodeURIComponent(at);
              return real.call(this, url, init);
            };""",
            NOTICE_MOMENT,
        )
    [expected] = api.get("/api/v1/notices", product="PMS", language="es", **moment).json()

    box = form.find(".etf-notices")
    assert not box.is_displayed()
    form.set("product", "PMS")
    form.wait().until(lambda d: box.get_attribute("data-state") == "ready")
    assert box.is_displayed() and box.get_attribute("role") == "status"
    assert expected["title"] in box.find_element(By.CSS_SELECTOR, ".etf-notice-title").text
    assert box.find_element(By.CSS_SELECTOR, ".etf-notice-summary").text == expected["summary"]
    steps = [step.text for step in box.find_elements(By.CSS_SELECTOR, ".etf-notice-steps li")]
    assert steps == expected["contingency"] and len(steps) == 4
    assert box.location["y"] < form.find(".etf-submit").location["y"]  # seen before submitting

    form.set("product", "Protheus")
    form.wait().until(lambda d: box.get_attribute("data-state") == "ready")
    assert not box.is_displayed()
    assert problems(driver) == []


def test_the_whole_form_works_from_the_keyboard(api: LiveApi, driver: WebDriver, form: TicketForm) -> None:
    # A keyboard user follows the portal's "New ticket" link, then Tabs from field to field.
    link = driver.find_element(By.LINK_TEXT, "New ticket")
    driver.execute_script("arguments[0].focus()", link)
    press(driver, Keys.ENTER)

    def tab_to(name: str, then: str = "") -> None:
        press(driver, Keys.TAB)
        field = form.active().find_element(By.XPATH, "./ancestor::*[@data-field][1]")
        assert field.get_attribute("data-field") == name
        if then:
            press(driver, then)

    typed = {**COMPLETE, "contact_email": "lucia.gomez+teclado@hotelandino.com.ar"}
    tab_to("contact_name", typed["contact_name"])
    tab_to("contact_email", typed["contact_email"])
    tab_to("contact_phone", typed["contact_phone"])
    tab_to("company_code", typed["company_code"])
    tab_to("product", "Protheus")  # typing a name chooses it in a closed select
    tab_to("module", typed["module"])
    tab_to("version", typed["version"])
    tab_to("environment")
    press(driver, Keys.ARROW_DOWN, Keys.ARROW_UP)  # arrows move through the options and choose
    tab_to("summary", typed["summary"])
    tab_to("description", typed["description"])
    time.sleep(1.0)  # the typing pause: suggestions may add a way to them below the description
    form.wait().until(lambda d: form.find(".etf-aside").get_attribute("data-state") == "idle")
    if form.find(".etf-skip").is_displayed():
        press(driver, Keys.TAB)
        assert form.active() == form.find(".etf-skip")
    tab_to("since_when", typed["since_when"])
    tab_to("error_message", typed["error_message"])
    tab_to("impact", Keys.SPACE)  # the first option: high
    tab_to("urgency", Keys.ARROW_DOWN)  # the second: medium
    assert form.values() == typed
    press(driver, Keys.TAB)
    assert form.active() == form.find(".etf-file-input")
    press(driver, Keys.TAB)
    assert form.active() == form.find(".etf-submit")
    press(driver, Keys.ENTER)

    assert form.wait_state("done", "ready") == "done", form.status()
    heading = form.find(".etf-done-title")
    assert form.active() == heading  # announced: the confirmation has the focus
    number = int(str(form.find(".etf-done").get_attribute("data-number")))
    ticket = api.get(f"/api/v1/tickets/{number}").json()
    assert (ticket["contact_email"], ticket["environment"], ticket["impact"]) == (
        typed["contact_email"], "production", "high"
    )  # fmt: skip
    assert problems(driver) == []


def test_a_signed_in_customer_gets_the_contact_filled_and_locked(api: LiveApi, driver: WebDriver) -> None:
    claims = {"name": "Ana Souza", "email": "ana.souza@acme.com.br", "company_code": "ACME", "country": "BR"}
    token = jwt.encode({**claims, "exp": datetime.now(UTC) + timedelta(hours=1)}, PORTAL_SECRET, "HS256")
    form = TicketForm(driver)
    with portal(lambda: portal_page(api.url, token)) as url:
        form.load(url)  # another origin than the API's: CORS as a real portal has it
    assert form.find(".etf-root").get_attribute("lang") == "pt-BR"  # the page's <html lang>
    note = form.find(".etf-identity-note")
    assert note.is_displayed() and note.text == PT["identityNote"]
    locked = (("contact_name", "name"), ("contact_email", "email"), ("company_code", "company_code"))
    for name, claim in locked:
        field = form.input(name)
        assert field.get_attribute("value") == claims[claim] and field.get_attribute("readonly") == "true"
        assert field.get_attribute("aria-readonly") == "true"
        assert note.get_attribute("id") in str(field.get_attribute("aria-describedby")).split()
    assert form.input("contact_phone").get_attribute("readonly") is None

    form.input("contact_name").send_keys("Someone else")  # read-only: typing changes nothing
    rest = {k: v for k, v in COMPLETE.items() if k not in ("contact_name", "contact_email", "company_code")}
    problem = {"summary": "Nota fiscal rejeitada", "description": "A NF-e é rejeitada com o código 539."}
    form.fill({**rest, **problem})
    assert form.values()["contact_name"] == "Ana Souza"
    assert form.submit() == "done", form.status()
    number = int(str(form.find(".etf-done").get_attribute("data-number")))
    ticket = api.get(f"/api/v1/tickets/{number}").json()
    assert ticket["verified"] is True and ticket["company_code"] == "ACME" and ticket["country"] == "BR"
    assert (ticket["contact_name"], ticket["contact_email"]) == ("Ana Souza", "ana.souza@acme.com.br")

    # A token the API refuses: the customer is told why and goes on with an editable contact.
    with portal(lambda: portal_page(api.url, "not-a-portal-token")) as url:
        form.load(url)
    warning = form.find(".etf-alert--warning")
    assert warning.get_attribute("role") == "alert" and PT["identityRejected"].split("(")[0] in warning.text
    assert form.input("contact_name").get_attribute("readonly") is None
    assert not form.find(".etf-identity-note").is_displayed()
    assert problems(driver, ("/api/v1/portal/sessions",)) == []


def test_one_column_on_a_phone_and_suggestions_beside_the_form_on_a_desktop(
    driver: WebDriver, form: TicketForm
) -> None:
    form.input("summary").send_keys("Certificado A1 vencido")
    form.input("description").send_keys(QUESTION)
    form.card(ANSWER)
    main, aside = form.find(".etf-main"), form.find(".etf-aside")
    assert aside.rect["x"] >= main.rect["x"] + main.rect["width"]  # beside the form
    driver.execute_script("document.querySelector('#new-ticket-section').scrollIntoView()")
    screenshot(driver, "ticket-form-desktop.png")

    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        form.wait(10).until(lambda d: d.execute_script("return window.innerWidth") == 390)
        overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        assert driver.execute_script(overflow) <= 0, "the page is wider than a phone screen"
        name, email = form.input("contact_name"), form.input("contact_email")
        assert name.rect["x"] == email.rect["x"] and email.rect["y"] > name.rect["y"]  # one column
        assert aside.rect["y"] >= main.rect["y"] + main.rect["height"]  # the suggestions under the form
        driver.execute_script("document.querySelector('.etf-root').scrollIntoView()")
        screenshot(driver, "ticket-form-phone.png")
        driver.execute_script("document.querySelector('.etf-aside').scrollIntoView()")
        screenshot(driver, "ticket-form-phone-suggestions.png")
        # The way to them from the description, for keyboards and screen readers.
        skip = form.find(".etf-skip")
        assert skip.text == ES["seeSuggestionsMany"].format(count=len(form.cards())) or len(form.cards()) == 1
        skip.click()
        assert form.active() == form.find(".etf-aside-title")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert problems(driver) == []
