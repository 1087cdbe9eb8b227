"""The portal's ticket form as its browser tests drive it: the form on a page, a portal on another origin.

Used by ``test_ticket_form_browser.py``; the live API and its keys come from this folder's
``conftest.py`` (:class:`LiveApi`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from core.settings import ROOT

ARTIFACTS = ROOT / "var" / "artifacts"
STRINGS = json.loads((ROOT / "api" / "web" / "static" / "ticket-form-i18n.json").read_text(encoding="utf-8"))
ES, PT = STRINGS["es"], STRINGS["pt-BR"]
DRAFT_KEY = "erp-support-ticket-form:v1"  # as in ticket-form.js
# What a Spanish-speaking customer of the demo portal types: every field valid.
COMPLETE = {
    "contact_name": "Lucía Gómez",
    "contact_email": "lucia.gomez@hotelandino.com.ar",
    "contact_phone": "+54 11 5295 9300",
    "company_code": "T54321",
    "product": "Protheus",
    "module": "Facturación",
    "version": "12.1.2410",
    "environment": "production",
    "summary": "No se autoriza la factura electrónica",
    "description": "Al transmitir la factura desde el MATA460 aparece el rechazo 539 por duplicidad.",
    "since_when": "desde ayer, siempre",
    "error_message": "Rejeição 539: Duplicidade de NF-e com diferença na chave de acesso",
    "impact": "high",
    "urgency": "medium",
}
RADIOS = ("environment", "impact", "urgency")


def text_of(element: WebElement) -> str:
    return str(element.get_attribute("textContent"))


class TicketForm:
    """The form as a customer sees it, with waits on its own state rather than on the clock."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver

    def wait(self, seconds: float = 30) -> WebDriverWait[WebDriver]:
        return WebDriverWait(self.driver, seconds, ignored_exceptions=[StaleElementReferenceException])

    def load(self, url: str) -> None:
        """The page with no draft kept in the tab, its form ready."""
        self.driver.get(url)
        self.driver.execute_script("sessionStorage.clear()")
        self.driver.refresh()
        self.wait_state("ready")

    def state(self) -> str:
        script = "const root = document.querySelector('.etf-root'); return root ? root.dataset.state : ''"
        return str(self.driver.execute_script(script))

    def wait_state(self, *states: str) -> str:
        self.wait().until(lambda d: self.state() in states)
        return self.state()

    def find(self, selector: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def field(self, name: str) -> WebElement:
        return self.find(f'.etf-root [data-field="{name}"]')

    def input(self, name: str) -> WebElement:
        return self.field(name).find_element(By.CSS_SELECTOR, ".etf-input")

    def radios(self, name: str) -> list[WebElement]:
        return self.field(name).find_elements(By.CSS_SELECTOR, "input[type=radio]")

    def set(self, name: str, value: str) -> None:
        if name in RADIOS:
            next(r for r in self.radios(name) if r.get_attribute("value") == value).click()
        elif name == "product":
            Select(self.input(name)).select_by_value(value)
        else:
            element = self.input(name)
            element.clear()
            element.send_keys(value)

    def fill(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            self.set(name, value)

    def values(self) -> dict[str, str]:
        """Every field's value as the page holds it."""
        found: dict[str, str] = self.driver.execute_script(
            """const values = {};
            for (const field of document.querySelectorAll('.etf-root [data-field]')) {
              const radios = field.querySelectorAll('input[type=radio]');
              values[field.dataset.field] = radios.length
                ? ([...radios].find((r) => r.checked) || {value: ''}).value
                : field.querySelector('.etf-input').value;
            }
            return values;"""
        )
        return found

    def error(self, name: str) -> str:
        """The message beside a field ("" when none is shown)."""
        message = self.field(name).find_element(By.CSS_SELECTOR, ".etf-error")
        return text_of(message) if message.is_displayed() else ""

    def cards(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, ".etf-cards .etf-card")

    def card(self, article_id: str) -> WebElement:
        """The card of that article, once it is shown."""

        def shown() -> list[WebElement]:
            return [c for c in self.cards() if c.get_attribute("data-article-id") == article_id]

        self.wait().until(lambda d: shown())
        return shown()[0]

    def submit(self) -> str:
        """Press the button; wait until the API answered; the form's state then."""
        self.find(".etf-submit").click()
        self.wait().until(lambda d: self.state() != "submitting")
        return self.state()

    def status(self) -> str:
        box = self.find(".etf-status")
        return box.text if box.is_displayed() else ""

    def active(self) -> WebElement:
        return self.driver.switch_to.active_element

    def draft(self) -> dict[str, Any] | None:
        saved = self.driver.execute_script(f"return sessionStorage.getItem('{DRAFT_KEY}')")
        return None if saved is None else dict(json.loads(str(saved)))

    def record_requests(self) -> None:
        """From now on, window.__etfRequests lists [method, url] of each API call the form makes."""
        self.driver.execute_script(
            """window.__etfRequests = []; const real = window.fetch;
            window.fetch = function (url, init) {
              window.__etfRequests.push([(init && init.method) || 'GET', String(url)]);
              return real.apply(this, arguments);
            };"""
        )

    def requests(self, part: str) -> list[str]:
        found: list[list[str]] = self.driver.execute_script("return window.__etfRequests || []")
        return [url for _, url in found if part in url]


def problems(driver: WebDriver, expected: tuple[str, ...] = ()) -> list[str]:
    """Uncaught errors, unhandled rejections and SEVERE console entries not ``expected``."""
    found = [str(p) for p in driver.execute_script("return window.__problems || []")]
    console: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]  # untyped in selenium
    found += [entry["message"] for entry in console if entry["level"] == "SEVERE"]
    return [problem for problem in found if not any(text in problem for text in expected)]


def screenshot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    return path


def portal_page(api_url: str, token: str) -> str:
    """A signed-in customer's page on another origin: the form's one tag, no data-language (the
    page's own language, Portuguese, applies)."""
    return f"""<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Portal</title></head>
<body><h1>Portal do cliente</h1><main id="form-here"></main>
<script src="{api_url}/static/ticket-form.js" data-target="#form-here"
  data-portal-token="{token}" defer></script>
</body></html>"""


@contextmanager
def portal(page: Callable[[], str]) -> Iterator[str]:
    """A customer portal on its own origin serving ``page()`` at ``/``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page().encode() if self.path == "/" else b"not found"
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
