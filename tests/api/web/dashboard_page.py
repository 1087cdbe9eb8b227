"""The insights dashboard as the browser tests drive it: the live API's address and keys, the page.

Shared by ``test_insights_access_browser.py`` and ``test_insights_browser.py``; their fixtures
(the API on a free port, the seeded events, the browser) are in this folder's ``conftest.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from core.settings import ROOT

ARTIFACTS = ROOT / "var" / "artifacts"
STRINGS = json.loads((ROOT / "api" / "web" / "static" / "insights.i18n.json").read_text(encoding="utf-8"))
PT = STRINGS["pt-BR"]
KEY_STORAGE = "erp-insights:admin-key"  # as in insights.js
CHARTS = ("chart-deflection", "chart-volume", "chart-articles", "chart-csat")
SOLVED_ARTICLE = "pt-suporte-sla-prioridade"
UNSOLVED_ARTICLE = "pt-protheus-license-server-erro-licenca"
GAP_QUESTIONS = (
    ("pt-BR", "Como integrar o Protheus com o Pix para receber pagamentos?"),
    ("es", "¿Cómo integro Protheus con Pix para recibir pagos?"),
)


@dataclass
class LiveApi:
    url: str
    admin_key: str
    bot_key: str

    def get(self, path: str, key: str | None = None, **params: str) -> httpx.Response:
        headers = {"X-API-Key": key or self.admin_key}
        return httpx.get(f"{self.url}{path}", params=params, headers=headers, timeout=30)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", json=body, headers={"X-API-Key": self.bot_key}, timeout=30)


class Dashboard:
    """The page as a support lead sees it, with waits on its own state rather than on the clock."""

    def __init__(self, driver: WebDriver, url: str) -> None:
        self.driver = driver
        self.url = url

    def wait(self, seconds: float = 30) -> WebDriverWait[WebDriver]:
        return WebDriverWait(self.driver, seconds, ignored_exceptions=[StaleElementReferenceException])

    def find(self, selector: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def state(self) -> str:
        return str(self.driver.execute_script("return document.body.dataset.state"))

    def open_fresh(self) -> None:
        """The page with no key in the tab yet: it asks for one."""
        self.driver.get(f"{self.url}/insights")
        self.driver.execute_script("sessionStorage.clear()")
        self.driver.refresh()
        self.wait().until(lambda d: self.state() == "key")

    def settled(self, act: Any) -> str:
        """Do something that loads data; wait until the page is done with it; return its state."""
        self.driver.execute_script("document.body.dataset.state = 'acting'")
        act()
        self.wait(45).until(lambda d: self.state() in ("ready", "error", "key"))
        return self.state()

    def sign_in(self, key: str) -> str:
        field = self.find("#key-input")
        field.clear()
        return self.settled(lambda: field.send_keys(key, Keys.ENTER))

    def error(self) -> str:
        box = self.find("#error")
        return box.text if box.is_displayed() else ""

    def tile(self, name: str) -> str:
        return self.find(f'.kpi[data-kpi="{name}"] .kpi-value').text

    def trace(self, chart: str, index: int = 0) -> dict[str, Any]:
        trace: dict[str, Any] = self.driver.execute_script(
            "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');"
            "const trace = gd && gd.data && gd.data[arguments[1]];"
            "return trace ? {type: trace.type, x: trace.x, y: trace.y} : null;",
            f"#{chart}",
            index,
        )
        return trace or {}

    def charts_drawn(self) -> bool:
        return all(
            self.driver.find_elements(By.CSS_SELECTOR, f"#{c} .js-plotly-plot .main-svg") for c in CHARTS
        )

    def stored_key(self) -> str | None:
        value = self.driver.execute_script(f"return sessionStorage.getItem('{KEY_STORAGE}')")
        return None if value is None else str(value)


def problems(driver: WebDriver) -> list[str]:
    """Uncaught errors, unhandled rejections and SEVERE console entries since the last call."""
    found = [str(p) for p in driver.execute_script("return window.__problems || []")]
    console: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]  # untyped in selenium
    found += [entry["message"] for entry in console if entry["level"] == "SEVERE"]
    # Chrome logs every 4xx answer to fetch; the refused keys are expected to get theirs.
    return [m for m in found if not ("/api/v1/insights/" in m and any(f" {s} " in m for s in ("401", "403")))]


def screenshot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    return path


def page_screenshot(driver: WebDriver, name: str, width: int = 1400, min_height: int = 1800) -> Path:
    """The whole page at ``width``: the viewport is made as tall as the page for the shot."""
    height = max(min_height, int(driver.execute_script("return document.documentElement.scrollHeight")))
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.innerHeight") == height)
        return screenshot(driver, name)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
