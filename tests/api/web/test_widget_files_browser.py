"""The widget's paper clip in a real headless Chromium, against a stand-in for Rasa's REST channel.

A customer picks a file: a small PNG is posted raw to ``{rasa}/webhooks/rest/files?sender=…`` with
its name, type and the portal token, shows as their message by its name (escaped) and the channel's
words as the bot's; a file over the limit is refused in the browser without any request; a refusal
from the channel is shown as its words, not as an error. The portal and Rasa are stand-ins
(``widget_stand_ins.py``) on two origins, so CORS is exercised as in production.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped with the reason when missing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from core.settings import ROOT
from tests.api.web.widget_stand_ins import (
    KEPT_TEXT,
    PORTAL_TOKEN,
    REFUSED_TEXT,
    RasaStandIn,
    portal,
    rasa_stand_in,
)
from tests.support.browser import headless_chromium, require_browser

ARTIFACTS = ROOT / "var" / "artifacts"
EN = json.loads((ROOT / "api" / "web" / "static" / "widget-i18n.json").read_text(encoding="utf-8"))["en"]
STORAGE_KEY = "erp-support-widget:v1"  # as in widget.js
MIB = 1024 * 1024
# The smallest PNG there is: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
# A name that would be markup if the widget wrote it as HTML.
PNG_NAME = "<img src=x onerror=alert(1)> tela & erro.png"


@pytest.fixture(scope="module")
def rasa() -> Iterator[RasaStandIn]:
    with rasa_stand_in() as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def portal_url(rasa: RasaStandIn) -> Iterator[str]:
    with portal(rasa.url) as url:
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    require_browser()
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), "1280,900", "en")
    try:
        yield browser
    finally:
        browser.quit()


def wait(driver: WebDriver, seconds: float = 15) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def open_widget(driver: WebDriver, url: str) -> None:
    driver.get(url)
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".esw-root .esw-launcher"))
    driver.find_element(By.CSS_SELECTOR, ".esw-launcher").click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".esw-panel").is_displayed())


def messages(driver: WebDriver, kind: str) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, f".esw-log .esw-msg--{kind}:not(.esw-msg--intro)")


def text_of(element: WebElement) -> str:
    return str(element.get_attribute("textContent"))


def said(bubble: WebElement) -> str:
    """What a bubble says, without its screen-reader label and time."""
    return text_of(bubble.find_element(By.CSS_SELECTOR, ".esw-text"))


def choose(driver: WebDriver, path: Path) -> None:
    """What the picker does when the customer chooses ``path``."""
    driver.find_element(By.CSS_SELECTOR, ".esw-file").send_keys(str(path))


def idle(driver: WebDriver) -> bool:
    return driver.find_element(By.CSS_SELECTOR, ".esw-root").get_attribute("data-state") == "idle"


def problems(driver: WebDriver, expected: tuple[str, ...] = ()) -> list[str]:
    """Uncaught errors, unhandled rejections and SEVERE console entries not ``expected``."""
    found = [str(p) for p in driver.execute_script("return window.__problems || []")]
    console: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]  # untyped in selenium
    found += [entry["message"] for entry in console if entry["level"] == "SEVERE"]
    return [problem for problem in found if not any(text in problem for text in expected)]


def test_a_chosen_png_is_posted_to_the_channel_and_shown_by_its_name(
    driver: WebDriver, rasa: RasaStandIn, portal_url: str, tmp_path: Path
) -> None:
    open_widget(driver, portal_url)
    problems(driver)  # start clean
    rasa.requests.clear()

    # The paper clip: a labelled button right before the text box, that opens the picker.
    clip = driver.find_element(By.CSS_SELECTOR, ".esw-attach")
    assert clip.tag_name == "button" and clip.is_displayed()
    assert clip.get_attribute("aria-label") == EN["attach"]
    picker = driver.find_element(By.CSS_SELECTOR, ".esw-file")
    assert picker.get_attribute("type") == "file"
    accepted = str(picker.get_attribute("accept")).split(",")
    assert {"image/png", "image/jpeg", "application/pdf", "text/plain", "application/zip", ".docx"} <= set(
        accepted
    )
    driver.find_element(By.CSS_SELECTOR, ".esw-input").send_keys(Keys.SHIFT, Keys.TAB)
    assert driver.switch_to.active_element == clip  # reached by keyboard
    driver.execute_script(
        "window.__picked = 0; document.querySelector('.esw-file').click = () => { window.__picked += 1; };"
    )
    clip.send_keys(Keys.ENTER)
    assert driver.execute_script("return window.__picked") == 1  # Enter opens the picker

    # The customer chooses a small PNG.
    path = tmp_path / PNG_NAME
    path.write_bytes(PNG)
    choose(driver, path)
    wait(driver).until(lambda d: messages(d, "bot") and idle(d))

    [posted] = [r for r in rasa.requests if r.method == "POST"]
    sender = driver.execute_script(f"return JSON.parse(localStorage.getItem('{STORAGE_KEY}')).sender")
    assert posted.path == "/webhooks/rest/files" and posted.query == {"sender": [sender]}
    assert posted.body == PNG  # raw, not multipart
    assert posted.headers["content-type"] == "image/png"
    assert "<" not in posted.headers["x-file-name"] and unquote(posted.headers["x-file-name"]) == PNG_NAME
    assert posted.headers["x-portal-token"] == PORTAL_TOKEN
    assert posted.headers["x-language"].startswith("en")
    assert posted.headers["origin"] == portal_url  # another origin: CORS as in production

    [mine] = messages(driver, "user")
    assert said(mine) == PNG_NAME  # the name as text
    assert mine.find_elements(By.CSS_SELECTOR, ".esw-text img") == []  # never as markup
    [reply] = messages(driver, "bot")
    assert said(reply) == KEPT_TEXT.format(name=PNG_NAME)
    assert reply.find_elements(By.CSS_SELECTOR, ".esw-text img") == []
    assert messages(driver, "error") == [] and messages(driver, "notice") == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "widget-file.png"))

    # A reload keeps the file's bubble.
    driver.refresh()
    wait(driver).until(lambda d: len(messages(d, "user")) == 1)
    assert said(messages(driver, "user")[0]) == PNG_NAME
    assert problems(driver) == []


@pytest.mark.parametrize(("page", "size", "limit"), [("/", MIB + 1, "1"), ("/default", 16 * MIB + 1, "16")])
def test_a_file_over_the_limit_is_refused_in_the_browser_without_any_request(
    driver: WebDriver, rasa: RasaStandIn, portal_url: str, tmp_path: Path, page: str, size: int, limit: str
) -> None:
    open_widget(driver, portal_url + page)
    rasa.requests.clear()
    path = tmp_path / "backup.zip"
    with path.open("wb") as file:  # sparse: nothing is written but its size
        file.truncate(size)
    choose(driver, path)
    wait(driver).until(lambda d: messages(d, "notice"))
    [notice] = messages(driver, "notice")
    assert said(notice) == EN["fileTooLarge"].format(name="backup.zip", mb=limit)
    assert messages(driver, "user") == [] and messages(driver, "bot") == []
    assert idle(driver)
    assert rasa.requests == []  # not even a preflight
    assert problems(driver) == []


def test_a_refusal_from_the_channel_is_shown_as_its_words_not_as_an_error(
    driver: WebDriver, rasa: RasaStandIn, portal_url: str, tmp_path: Path
) -> None:
    open_widget(driver, portal_url)
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ\x90\x00")
    choose(driver, path)
    wait(driver).until(lambda d: messages(d, "bot") and idle(d))
    assert said(messages(driver, "user")[0]) == "setup.exe"
    assert said(messages(driver, "bot")[0]) == REFUSED_TEXT
    assert messages(driver, "error") == []
    # Chromium logs any 4xx answer as a failed resource; nothing else may go wrong.
    assert problems(driver, expected=("status of 415",)) == []
