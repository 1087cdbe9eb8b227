"""The embeddable chat widget in a real headless Chromium, against the real API, actions and Rasa.

A Spanish-speaking customer opens the demo portal, asks a question, gets an article card, says it
did not help and opens a ticket through the quick replies; the ticket exists in the API, and the
conversation survives a reload. Failures (server down, server too slow) show a Retry that works. A
screenshot sent with the paper clip goes through Rasa's REST channel to the API, which keeps it.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped with the reason when missing) and the
``selenium`` package. Screenshots go to ``var/artifacts/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from core.settings import ROOT
from tests.support.browser import headless_chromium, require_browser
from tests.support.live_stack import LiveStack, StackError

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "var" / "artifacts"
# A bot turn takes a few seconds (search, actions, API checks); leave room for a slow machine.
TURN_SECONDS = 60
STRINGS = json.loads((ROOT / "api" / "web" / "static" / "widget-i18n.json").read_text(encoding="utf-8"))
ES = STRINGS["es"]
STORAGE_KEY = "erp-support-widget:v1"  # as in widget.js
# The smallest PNG there is: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# Page-level traps, installed before any page script runs: anything the widget lets escape.

# What the bot asks in Spanish (bot/domain/ticket.yml) → how the customer answers: ("type", text)
# writes it in the input, ("click", title) presses the quick reply with that title.
TICKET_ANSWERS: list[tuple[str, tuple[str, str]]] = [
    ("¿Esto lo resuelve?", ("click", "No, abrir el ticket")),
    ("¿Cuál es su nombre y su e-mail?", ("type", "Lucía Gómez")),
    ("¿Cuál es su e-mail?", ("type", "lucia.gomez@hotelandino.com.ar")),
    ("código de cliente", ("type", "T54321")),
    ("¿Qué producto, módulo y versión", ("type", "Protheus")),
    ("¿En qué módulo", ("type", "Facturación")),
    ("¿Qué versión", ("type", "12.1.2410")),
    ("¿El problema ocurre en producción o en pruebas?", ("click", "Producción")),
    ("Resuma el problema", ("type", "La factura electrónica no se autoriza")),
    (
        "Describa el problema",
        ("type", "Al transmitir la factura (MATA460) aparece 'Rechazo 539: duplicidad' y no se autoriza."),
    ),
    ("¿Desde cuándo", ("type", "desde ayer, siempre")),
    ("impacto en su operación", ("click", "2 - Medio")),
    ("¿Y la urgencia?", ("click", "1 - Alta")),
    ("¿Tiene capturas, logs o archivos?", ("click", "No tengo adjuntos")),
    ("Revise el ticket antes de abrirlo", ("click", "Confirmar y abrir")),
]


@pytest.fixture(scope="module")
def stack(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    require_browser()  # before the 1-2 minute start-up, not after
    try:
        with LiveStack(index_dir, tmp_path_factory.mktemp("widget")) as live:
            yield live
    except StackError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    require_browser()
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), "1280,900", "es")
    try:
        yield browser
    finally:
        browser.quit()


class Widget:
    """The widget as a user sees it, with waits on its own state rather than on the clock."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver

    def wait(self, seconds: float = TURN_SECONDS) -> WebDriverWait[WebDriver]:
        return WebDriverWait(self.driver, seconds, ignored_exceptions=[StaleElementReferenceException])

    def load(self, url: str, *, fresh: bool) -> None:
        self.driver.get(url)
        if fresh:
            self.driver.execute_script("localStorage.clear()")
            self.driver.refresh()
        self.wait(30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".esw-root .esw-launcher"))

    def find(self, selector: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    @property
    def launcher(self) -> WebElement:
        return self.find(".esw-launcher")

    @property
    def panel(self) -> WebElement:
        return self.find(".esw-panel")

    @property
    def input(self) -> WebElement:
        return self.find(".esw-input")

    def open(self) -> None:
        if self.launcher.get_attribute("aria-expanded") != "true":
            self.launcher.click()
        self.wait(10).until(lambda d: self.panel.is_displayed())

    def messages(self, kind: str = "") -> list[WebElement]:
        # The local greeting is not a message: it goes away with the first one.
        kind_class = f".esw-msg--{kind}" if kind else ".esw-msg"
        return self.driver.find_elements(By.CSS_SELECTOR, f".esw-log {kind_class}:not(.esw-msg--intro)")

    def panel_box(self) -> tuple[int, int, int, int]:
        rect = self.panel.rect
        return (int(rect["x"]), int(rect["y"]), int(rect["width"]), int(rect["height"]))

    def sender(self) -> str:
        return str(
            self.driver.execute_script(f"return JSON.parse(localStorage.getItem('{STORAGE_KEY}')).sender")
        )

    def state(self) -> str:
        return str(self.find(".esw-root").get_attribute("data-state"))

    def turn(self, act: Any) -> list[WebElement]:
        """Do something that sends a message, wait for the answer, return the new bot bubbles."""
        before = len(self.messages("bot"))
        act()
        # The widget flips to "waiting" synchronously on send and back to "idle" once answered.
        self.wait().until(lambda d: self.state() == "idle")
        errors = self.messages("error")
        assert not errors, f"the widget showed an error: {errors[-1].text}"
        return self.messages("bot")[before:]

    def say(self, text: str) -> list[WebElement]:
        return self.turn(lambda: self.input.send_keys(text, Keys.ENTER))

    def click(self, title: str, in_bubble: WebElement | None = None) -> list[WebElement]:
        scope = in_bubble if in_bubble is not None else self.messages("bot")[-1]
        button = next(b for b in scope.find_elements(By.CSS_SELECTOR, ".esw-quick-button") if b.text == title)
        assert button.is_enabled(), f"quick reply {title!r} is disabled"
        return self.turn(button.click)


def text_of(element: WebElement) -> str:
    return str(element.get_attribute("textContent"))


def said(bubble: WebElement) -> str:
    """What a plain-text bubble says, without its screen-reader label and time."""
    return text_of(bubble.find_element(By.CSS_SELECTOR, ".esw-text"))


def transcript(widget: Widget) -> list[str]:
    return [text_of(m) for m in widget.messages()]


def problems(driver: WebDriver) -> list[str]:
    """Uncaught errors, unhandled rejections and SEVERE console entries since the last call."""
    found = [str(p) for p in driver.execute_script("return window.__problems || []")]
    console: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]  # untyped in selenium
    found += [entry["message"] for entry in console if entry["level"] == "SEVERE"]
    return found


def screenshot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    return path


def test_a_spanish_customer_gets_an_article_card_and_opens_a_ticket(
    stack: LiveStack, driver: WebDriver
) -> None:
    widget = Widget(driver)
    widget.load(f"{stack.api_url}/demo", fresh=True)
    assert str(driver.execute_script("return navigator.language")).startswith("es")
    # Record what goes to Rasa, to check the language metadata on the first message only.
    driver.execute_script(
        """window.__eswBodies = []; const real = window.fetch;
        window.fetch = function (url, init) {
          if (String(url).includes('/webhooks/rest/webhook')) window.__eswBodies.push(JSON.parse(init.body));
          return real.apply(this, arguments);
        };"""
    )

    # Accessible structure, in Spanish.
    launcher = widget.launcher
    assert launcher.tag_name == "button" and launcher.get_attribute("aria-label") == ES["launcherOpen"]
    assert not widget.panel.is_displayed()
    widget.open()
    assert driver.switch_to.active_element == widget.input  # focus moves to the input
    assert widget.panel.get_attribute("role") == "dialog"
    assert widget.panel.get_attribute("aria-label") == "Asistente de soporte"
    log = widget.find(".esw-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert widget.input.get_attribute("placeholder") == "Escriba su pregunta…"
    send = widget.find(".esw-send")
    assert send.tag_name == "button" and send.get_attribute("aria-label") == "Enviar"
    assert launcher.get_attribute("aria-label") == ES["launcherClose"]
    assert "¡Hola!" in widget.find(".esw-msg--intro").text
    # Escape closes and gives focus back to the launcher; opening again focuses the input.
    widget.input.send_keys(Keys.ESCAPE)
    assert not widget.panel.is_displayed()
    assert driver.switch_to.active_element == widget.launcher
    widget.open()
    assert driver.switch_to.active_element == widget.input

    # A knowledge question gets an article card with the phone number and a link to the article.
    replies = widget.say("¿Cuál es el teléfono de soporte en Argentina?")
    assert said(widget.messages("user")[-1]) == "¿Cuál es el teléfono de soporte en Argentina?"
    cards = [c for r in replies for c in r.find_elements(By.CSS_SELECTOR, ".esw-card")]
    card = next(c for c in cards if "+54 11 5295 9300" in text_of(c))
    assert card.find_element(By.CSS_SELECTOR, ".esw-card-title").text
    link = card.find_element(By.CSS_SELECTOR, "a.esw-card-link")
    assert text_of(link) == f"{ES['readArticle']} {ES['newTab']}"  # says it opens a new tab
    assert str(link.get_attribute("href")).startswith("https://") and link.get_attribute("target") == "_blank"
    assert "Encontré esto" not in text_of(card)  # rendered as a card, not as the raw text
    for bubble in widget.messages():
        assert re.fullmatch(r"\d\d:\d\d", bubble.find_element(By.CSS_SELECTOR, "time").text)
    bodies = driver.execute_script("return window.__eswBodies")
    assert bodies[0]["metadata"] == {"language": driver.execute_script("return navigator.language")}

    # "No" to "did this solve it?": the title shows as the user's bubble, the group is disabled.
    asked = next(r for r in replies if "¿Esto resolvió su problema?" in text_of(r))
    replies = widget.click("No", in_bubble=asked)
    assert said(widget.messages("user")[-1]) == "No"
    assert all(not b.is_enabled() for b in asked.find_elements(By.CSS_SELECTOR, ".esw-quick-button"))
    assert "metadata" not in driver.execute_script("return window.__eswBodies")[1]
    offer = next(r for r in replies if "Abrir ticket" in text_of(r))

    # The ticket dialog, answered in Spanish through the input and the quick replies.
    replies = widget.click("Abrir ticket", in_bubble=offer)
    number = None
    for _ in range(40):
        turn = "\n".join(text_of(r) for r in replies)
        found = re.search(r"Ticket #(\d+) abierto", turn)
        if found:
            number = int(found.group(1))
            break
        step = next(
            (answer for reply in reversed(replies) for q, answer in TICKET_ANSWERS if q in text_of(reply)),
            None,
        )
        assert step is not None, f"unexpected bot turn:\n{turn}"
        kind, value = step
        replies = widget.say(value) if kind == "type" else widget.click(value)
        rejected = next((text_of(r) for r in replies if "Hmm, ese valor para" in text_of(r)), None)
        assert rejected is None, f"the bot rejected the answer {value!r} ({kind}): {rejected}"
    assert number is not None, "no ticket number after the dialog"
    assert f"Ticket #{number}" in widget.messages("bot")[-1].text

    ticket = httpx.get(
        f"{stack.api_url}/api/v1/tickets/{number}",
        headers={"X-API-Key": stack.create_key("widget-test-agent", "--admin")},
    )
    assert ticket.status_code == 200, ticket.text
    data = ticket.json()
    assert data["number"] == number and data["contact_email"] == "lucia.gomez@hotelandino.com.ar"
    assert data["impact"] == "medium" and data["urgency"] == "high" and data["environment"] == "production"
    screenshot(driver, "widget-ticket.png")

    # A reload keeps the sender and the last 50 messages, quick-reply state included.
    before = transcript(widget)[-50:]
    sender = widget.sender()
    driver.refresh()
    widget.wait(30).until(lambda d: len(widget.messages()) == len(before))
    widget.open()
    assert transcript(widget) == before and widget.sender() == sender
    assert f"Ticket #{number}" in text_of(widget.messages("bot")[-1])
    chosen = driver.find_elements(By.CSS_SELECTOR, ".esw-quick-button.esw-chosen")
    assert chosen and not any(button.is_enabled() for button in chosen)  # answered groups stay answered

    # Phone size (a 390x844 mobile viewport): the panel takes the whole screen.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        widget.wait(10).until(lambda d: d.execute_script("return window.innerWidth") == 390)
        width, height = driver.execute_script(
            "return [document.documentElement.clientWidth, window.innerHeight]"
        )
        widget.wait(10).until(lambda d: widget.panel_box() == (0, 0, width, height))
        assert not widget.launcher.is_displayed()  # covered anyway; hidden so focus can't go there
        screenshot(driver, "widget-phone.png")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    assert problems(driver) == []


def test_a_failed_or_slow_request_offers_a_retry_that_resends_the_message(
    stack: LiveStack, driver: WebDriver
) -> None:
    widget = Widget(driver)
    widget.load(f"{stack.api_url}/demo", fresh=True)
    # First request: the network fails. Second: the server never answers. Then the real server.
    driver.execute_script(
        """const real = window.fetch; let calls = 0;
        window.fetch = function (url, init) {
          if (!String(url).includes('/webhooks/rest/webhook')) return real.apply(this, arguments);
          calls += 1;
          if (calls === 1) return Promise.reject(new TypeError('Failed to fetch'));
          if (calls === 2) return new Promise((resolve, reject) => init.signal.addEventListener(
            'abort', () => reject(new DOMException('The user aborted a request.', 'AbortError'))));
          return real.apply(this, arguments);
        };"""
    )
    widget.open()
    widget.input.send_keys("hola", Keys.ENTER)
    widget.wait(10).until(lambda d: widget.messages("error"))
    error = widget.messages("error")[0]
    assert ES["errorDown"] in error.text
    error.find_element(By.CSS_SELECTOR, "button.esw-retry").click()

    # While the slow request waits: typing indicator on, input still usable.
    widget.wait(5).until(lambda d: widget.state() == "waiting")
    assert widget.find(".esw-typing").is_displayed()
    widget.input.send_keys("sigo aquí")
    assert widget.input.get_attribute("value") == "sigo aquí" and widget.input.is_enabled()
    widget.input.clear()

    # The 15 s timeout fires; Retry resends the same message, now to the real server.
    widget.wait(30).until(lambda d: widget.messages("error"))
    error = widget.messages("error")[0]
    assert ES["errorTimeout"] in error.text
    assert not widget.find(".esw-typing").is_displayed()
    replies = widget.turn(error.find_element(By.CSS_SELECTOR, "button.esw-retry").click)
    assert replies, "no reply after Retry"
    assert [said(m) for m in widget.messages("user")] == ["hola"]  # resent, not retyped
    assert problems(driver) == []


def test_a_screenshot_sent_with_the_paper_clip_is_kept_by_the_api(
    stack: LiveStack, driver: WebDriver, tmp_path: Path
) -> None:
    widget = Widget(driver)
    widget.load(f"{stack.api_url}/demo", fresh=True)
    # Record the channel's answers to uploads, to read the stored file's id.
    driver.execute_script(
        """window.__eswFiles = []; const real = window.fetch;
        window.fetch = function (url, init) {
          const answer = real.apply(this, arguments);
          if (String(url).includes('/webhooks/rest/files')) {
            answer.then((r) => r.clone().json()).then((body) => window.__eswFiles.push(body));
          }
          return answer;
        };"""
    )
    widget.open()
    path = tmp_path / "captura de pantalla.png"
    path.write_bytes(PNG)
    replies = widget.turn(lambda: widget.find(".esw-file").send_keys(str(path)))
    assert said(widget.messages("user")[-1]) == "captura de pantalla.png"
    assert [said(r) for r in replies] == [
        "Recibí el archivo captura de pantalla.png. Irá junto con el ticket que se abra en esta "
        "conversación; si quiere abrir un ticket ahora, solo dígalo."
    ]
    [answer] = driver.execute_script("return window.__eswFiles")
    assert answer["file"]["filename"] == "captura de pantalla.png" and answer["file"]["size"] == len(PNG)
    kept = httpx.get(
        f"{stack.api_url}/api/v1/files/{answer['file']['id']}",
        headers={"X-API-Key": stack.create_key("widget-files-agent", "--admin")},
    )
    assert kept.status_code == 200 and kept.content == PNG
    assert problems(driver) == []
