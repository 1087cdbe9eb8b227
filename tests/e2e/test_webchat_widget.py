"""A third-party widget from npm, botfront's ``rasa-webchat`` 1.0.1, talking to the real bot.

Many ERP customers already embed this widget: it speaks Rasa's socket.io channel
(``session_request`` → ``session_confirm``, ``user_uttered`` → ``bot_uttered``) with its own bundled
socket.io client, not python-socketio's. So a customer opens it in headless Chromium on a portal
page served from ``tests/e2e/webchat/``, against the real API, action server and Rasa server, asks
a knowledge question and then opens a ticket, and reads the answers in the widget itself.

Needs ``make webchat`` (the npm package) and Debian's ``chromium`` and ``chromium-driver``; skipped
with the reason when either is missing, before the stack starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from core.settings import ROOT
from tests.support.browser import headless_chromium, require_browser
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

WEBCHAT_DIR = ROOT / "tests" / "e2e" / "webchat"
WIDGET = WEBCHAT_DIR / "node_modules" / "rasa-webchat"
# The first answer of a run waits for the models to warm up; the widget then adds its own delay.
ANSWER_SECONDS = 60
CONNECT_SECONDS = 30
# The widget shows each bot message after a delay of up to 3 s (its customMessageDelay).
SETTLED_SECONDS = 4.0


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the portal page and the widget's script without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def portal() -> Iterator[str]:
    """The portal page's address on the loopback interface (an origin Rasa's CORS allows).

    Session-scoped and requested before ``chat`` so that a missing widget or browser skips the
    test before the stack's 1-3 minute start.
    """
    require_browser()
    if not (WIDGET / "lib" / "index.js").exists():
        pytest.skip(f"{WIDGET} is missing: run `make webchat` (npm ci of tests/e2e/webchat)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(WEBCHAT_DIR)))
    thread = threading.Thread(target=server.serve_forever, name="webchat-portal", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[WebDriver]:
    browser = headless_chromium(tmp_path / "chromium-profile", "1280,900", "es")
    try:
        yield browser
    finally:
        browser.quit()


class Webchat:
    """rasa-webchat as the customer sees it: its launcher, its input, its message list."""

    def __init__(self, driver: WebDriver, stack: LiveStack, screens: Path) -> None:
        self.driver = driver
        self.stack = stack
        self.screens = screens

    def wait(self, seconds: float) -> WebDriverWait[WebDriver]:
        return WebDriverWait(self.driver, seconds, ignored_exceptions=[StaleElementReferenceException])

    def open(self, portal: str) -> None:
        """Loads the portal, opens the chat and waits for the greeting its ``initPayload`` asks for.

        The launcher only shows once the socket is connected (``hideWhenNotConnected``).
        """
        socket_url = self.stack.chat_url.split("/webhooks/")[0]
        self.driver.get(f"{portal}?socketUrl={socket_url}")
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-launcher"), CONNECT_SECONDS, "launcher")
        self.driver.find_element(By.CSS_SELECTOR, ".rw-launcher").click()
        self.until(lambda _: self.answers(), ANSWER_SECONDS, "the greeting")
        self.settle()

    def answers(self) -> list[str]:
        """The bot's bubbles in the message list, oldest first."""
        bubbles = self.driver.find_elements(By.CSS_SELECTOR, ".rw-messages-container .rw-response")
        return [bubble.text for bubble in bubbles]

    def quick_replies(self) -> list[str]:
        """The buttons under the last message (rasa-webchat hides those of earlier messages)."""
        return [reply.text for reply in self.driver.find_elements(By.CSS_SELECTOR, ".rw-replies .rw-reply")]

    def say(self, text: str, expected: str) -> str:
        """Types ``text`` and waits for a new bot bubble holding ``expected``; returns the new bubbles."""
        before = len(self.answers())
        field = self.driver.find_element(By.CSS_SELECTOR, ".rw-new-message")
        field.send_keys(text)
        field.send_keys(Keys.ENTER)
        self.until(lambda _: any(expected in bubble for bubble in self.answers()[before:]),
                   ANSWER_SECONDS, repr(expected))  # fmt: skip
        self.settle()
        return "\n".join(self.answers()[before:])

    def settle(self) -> None:
        """Waits until the widget has shown every message of the turn, so the next turn starts clean."""
        deadline = time.monotonic() + ANSWER_SECONDS
        shown = -1
        while shown != len(self.answers()) and time.monotonic() < deadline:
            shown = len(self.answers())
            time.sleep(SETTLED_SECONDS)

    def until(self, condition: Any, seconds: float, what: str) -> None:
        try:
            self.wait(seconds).until(condition)
        except TimeoutException:
            pytest.fail(f"{what} did not appear in the widget within {seconds}s\n{self.evidence()}")

    def screenshot(self, name: str) -> Path:
        path = self.screens / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def evidence(self) -> str:
        """What explains a missing answer: page text, browser console, escaped errors, Rasa's log."""
        shot = self.screenshot("webchat-failure")
        entries: list[dict[str, Any]] = self.driver.get_log("browser")  # type: ignore[no-untyped-call]  # untyped in selenium
        console = "\n".join(str(entry.get("message")) for entry in entries)
        problems = self.driver.execute_script("return window.__problems || []")
        page = self.driver.find_element(By.TAG_NAME, "body").text
        rasa_log = (self.stack.workdir / "rasa.log").read_text(errors="replace")[-4000:]
        return (
            f"screenshot: {shot}\n--- page text ---\n{page}\n--- browser console ---\n{console}\n"
            f"--- page errors ---\n{problems}\n--- rasa.log (end) ---\n{rasa_log}"
        )


def test_a_customer_on_the_rasa_webchat_widget_gets_the_answer_and_then_the_first_ticket_question(
    portal: str, chat: LiveStack, driver: WebDriver, tmp_path: Path
) -> None:
    webchat = Webchat(driver, chat, tmp_path)
    webchat.open(portal)
    # The portal's language reaches the bot in the widget's customData: greeted in Spanish.
    assert "Soy el asistente de soporte" in webchat.answers()[0]

    answer = webchat.say("¿Cuál es el teléfono de soporte en Argentina?", "+54 11 5295 9300")
    assert "Encontré esto" in answer
    assert "Sí, lo resolvió" in webchat.quick_replies()  # "did it solve it?", as buttons

    question = webchat.say("necesito abrir un ticket", "¿Cuál es su nombre y su e-mail?")
    assert "ana@empresa.com" in question
    webchat.screenshot("webchat-ticket")
