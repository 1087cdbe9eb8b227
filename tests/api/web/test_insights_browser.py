"""The insights dashboard (/insights) in a real headless Chromium, against the real API.

The API runs under uvicorn on a free port with a fresh SQLite database; the bot's events are
seeded through ``POST /api/v1/events`` with a service key: six conversations, three answered and
solved, one answered, not solved and followed by a real ticket, two unanswered questions (pt-BR
and es) about one missing topic. A support lead then signs in with an admin key and sees the KPI
tiles, four Plotly charts, the knowledge gap and a CSV export; wrong keys are refused clearly.

Needs Debian's ``chromium`` and ``chromium-driver`` (the browser tests are skipped with the reason
when missing) and the ``selenium`` package. The screenshot goes to ``var/artifacts/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from core.settings import ROOT
from tests.conftest import ARTICLES_DIR
from tests.support.browser import headless_chromium, require_browser
from tests.support.live_stack import free_port

ARTIFACTS = ROOT / "var" / "artifacts"
STARTUP_SECONDS = 90
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


# Page-level traps, installed before any page script runs: anything the page lets escape.


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


@pytest.fixture(scope="module")
def api(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    workdir = tmp_path_factory.mktemp("insights")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'support.db'}",
        "INDEX_DIR": str(index_dir),
        "KNOWLEDGE_DIR": str(ARTICLES_DIR),
        "API_PORT": str(port),
        "INDEX_WATCH_SECONDS": "0",
        "JOBS_INTERVAL_SECONDS": "0",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "PYTHONWARNINGS": "ignore",
    }

    def new_key(*arguments: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "api", "keys", "create", *arguments],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip

    admin_key, bot_key = new_key("support-lead", "--admin"), new_key("bot")
    log_path = workdir / "api.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    live = LiveApi(f"http://127.0.0.1:{port}", admin_key, bot_key)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{live.url}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                pytest.fail(f"the API did not start within {STARTUP_SECONDS} s; its log ends with:\n{tail}")
            time.sleep(0.3)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def ticket_body() -> dict[str, Any]:
    return {
        "contact_name": "Ana Souza",
        "contact_email": "ana.souza@acme.com.br",
        "company_code": "ACME",
        "product": "Protheus",
        "module": "Faturamento",
        "version": "12.1.2410",
        "environment": "production",
        "summary": "Erro de licença ao abrir o Protheus",
        "description": "Ao abrir o SIGAFAT aparece erro de licença desde hoje cedo, em todas as estações.",
        "error_message": "Não foi possível conectar ao License Server na porta 5555",
        "impact": "high",
        "urgency": "medium",
        "channel": "web",
        "language": "pt-BR",
        "country": "BR",
    }


@pytest.fixture(scope="module")
def seeded(api: LiveApi) -> int:
    """Six conversations through the events API, as the bot reports them; returns the ticket number."""
    run = uuid.uuid4().hex[:8]

    def event(kind: str, conversation: str, lang: str, channel: str = "web", **fields: Any) -> None:
        body = {"kind": kind, "conversation": f"{run}-{conversation}", "channel": channel, "lang": lang,
                "product": "Protheus", **fields}  # fmt: skip
        response = api.post("/api/v1/events", body)
        assert response.status_code == 201, (
            f"POST /api/v1/events {body}: {response.status_code} {response.text}"
        )
        assert isinstance(response.json()["id"], int)

    answered = [("c1", "pt-BR", "web"), ("c2", "es", "whatsapp"), ("c3", "pt-BR", "api")]
    for conversation, lang, channel in answered:
        event("question", conversation, lang, channel, question="Como é calculada a prioridade do chamado?",
              articles=[{"article_id": SOLVED_ARTICLE, "score": 0.91}], confident=True)  # fmt: skip
        event("feedback", conversation, lang, channel, article_id=SOLVED_ARTICLE, solved=True)

    event("question", "c4", "pt-BR", question="Erro de licença no Protheus, porta 5555",
          articles=[{"article_id": UNSOLVED_ARTICLE, "score": 0.88}], confident=True)  # fmt: skip
    event("feedback", "c4", "pt-BR", article_id=UNSOLVED_ARTICLE, solved=False)
    created = httpx.post(
        f"{api.url}/api/v1/tickets",
        json=ticket_body(),
        headers={"X-API-Key": api.bot_key, "Idempotency-Key": f"insights-{run}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    number = int(created.json()["number"])
    event("ticket_opened", "c4", "pt-BR", ticket_number=number)

    for index, (lang, question) in enumerate(GAP_QUESTIONS):
        event("question", f"gap{index}", lang, question=question, articles=[], confident=False)
    return number


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[WebDriver]:
    require_browser()
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), "1400,1800", "pt-BR")
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield browser
    finally:
        browser.quit()


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


def test_the_page_its_assets_and_plotly_are_served(api: LiveApi) -> None:
    page = httpx.get(f"{api.url}/insights")  # no key: the page holds no data
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'type="password"' in page.text and '<label for="key-input"' in page.text
    version = metadata.version("plotly")
    assert f'src="/static/vendor/plotly.min.js?v={version}"' in page.text

    plotly = httpx.get(f"{api.url}/static/vendor/plotly.min.js?v={version}")
    assert plotly.status_code == 200, plotly.text[:300]
    assert "javascript" in plotly.headers["content-type"]
    assert "max-age=31536000" in plotly.headers["cache-control"]
    assert len(plotly.content) > 1_000_000 and b"plotly" in plotly.content[:2000].lower()

    for name, kind in (("insights.js", "javascript"), ("insights.css", "text/css"),
                       ("insights.i18n.json", "application/json")):  # fmt: skip
        asset = httpx.get(f"{api.url}/static/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"], name
        assert asset.headers["cache-control"] == "no-cache"
    assert set(STRINGS) == {"pt-BR", "es", "en"}
    assert set(STRINGS["es"]) == set(PT) == set(STRINGS["en"]), "every language has every string"


def test_wrong_keys_are_refused_with_a_clear_message(api: LiveApi, driver: WebDriver) -> None:
    page = Dashboard(driver, api.url)
    page.open_fresh()
    assert driver.execute_script("return document.documentElement.lang") == "pt-BR"
    field = page.find("#key-input")
    assert field.get_attribute("type") == "password"
    assert page.find('label[for="key-input"]').text == PT["keyLabel"]
    assert driver.switch_to.active_element == field  # the one thing to do, focused
    assert page.find("#status").get_attribute("aria-live") == "polite"
    assert page.find("#error").get_attribute("aria-live") == "assertive"
    assert not page.find("#dashboard").is_displayed()

    # An unknown key (401), then the bot's service key (403): "not an admin key", nothing kept.
    for key, status in (("sk_not-a-real-key", 401), (api.bot_key, 403)):
        assert page.sign_in(key) == "key", page.error()
        assert page.error() == PT["errorNotAdmin"].replace("{status}", str(status))
        assert page.find("#key-input").get_attribute("aria-invalid") == "true"
        assert driver.switch_to.active_element == page.find("#key-input")
        assert page.stored_key() is None
        assert not page.find("#dashboard").is_displayed()
    screenshot(driver, "insights-key-refused.png")

    # The API cannot be reached: a network error, said as such.
    driver.execute_script(
        """const real = window.fetch;
        window.fetch = function (url) {
          if (String(url).includes('/api/v1/insights/')) {
            return Promise.reject(new TypeError('Failed to fetch'));
          }
          return real.apply(this, arguments);
        };"""
    )
    assert page.sign_in(api.admin_key) == "error"
    assert page.error() == PT["errorUnreachable"]
    driver.refresh()  # back to the real fetch
    assert problems(driver) == []


def test_a_support_lead_sees_deflection_charts_gaps_and_exports_csv(
    api: LiveApi, seeded: int, driver: WebDriver, downloads: Path
) -> None:
    page = Dashboard(driver, api.url)
    page.open_fresh()
    state = page.sign_in(api.admin_key)
    assert state == "ready", f"the dashboard did not load: {page.error()}"
    assert page.stored_key() == api.admin_key  # kept for this tab
    assert page.find("#dashboard").is_displayed() and not page.find("#key-section").is_displayed()
    page.wait().until(lambda d: page.charts_drawn())

    # KPI tiles, as the API computed them: 3 deflected of 6 decided conversations.
    summary = api.get("/api/v1/insights/summary", group_by="day").json()
    overall = summary["overall"]
    assert (overall["conversations"], overall["deflected"], overall["tickets"]) == (6, 3, 1), overall
    assert overall["deflection_rate"] == 0.5
    assert page.tile("deflection_rate") == "50%"
    assert page.tile("conversations") == "6"
    assert page.tile("tickets") == "1"
    assert page.tile("handoffs") == "0"
    completeness = overall["ticket_completeness"]
    assert completeness is not None and page.tile("ticket_completeness").endswith("%")
    assert page.find('.kpi[data-kpi="ticket_completeness"]').get_attribute("data-value") == str(completeness)
    assert page.tile("csat_average") == "—"  # no CSAT answers yet: null shown as a dash
    assert "0 respostas" in page.find('.kpi[data-kpi="csat_average"] .kpi-note').text

    # Charts: one heading each; grouped by day the deflection rate is a line.
    for chart in CHARTS:
        section = page.find(f"section#{chart}")
        assert section.find_element(By.CSS_SELECTOR, "h2").text
    assert page.find("#chart-deflection h2").text == PT["chartDeflection"].replace("{group}", "dia")
    deflection = page.trace("chart-deflection")
    assert deflection["type"] == "scatter" and deflection["y"] == [50]
    volume = (page.trace("chart-volume", 0), page.trace("chart-volume", 1))
    assert [trace["y"] for trace in volume] == [[6], [1]]
    articles = page.trace("chart-articles", 0)  # solved, most shown article first
    assert articles["type"] == "bar" and articles["x"][0] == 3
    assert page.trace("chart-articles", 1)["x"] == [0, 1]

    # The knowledge gap: both unanswered questions (pt-BR and es) in one cluster of 2.
    heading = page.find("#gaps h2").text
    assert heading == PT["gapsHeading"]
    rows = driver.find_elements(By.CSS_SELECTOR, "#gaps-table tbody tr")
    gap = next((row for row in rows if row.find_element(By.CSS_SELECTOR, ".gap-count").text == "2"), None)
    assert gap is not None, "no cluster of 2 in: " + " / ".join(row.text for row in rows)
    languages = gap.find_element(By.CSS_SELECTOR, ".gap-languages").text
    assert "pt-BR: 1" in languages and "es: 1" in languages
    examples = [li.text for li in gap.find_elements(By.CSS_SELECTOR, ".gap-examples li")]
    assert sorted(examples) == sorted(f"“{question}”" for _, question in GAP_QUESTIONS)

    # Grouped by language: bars per language, drawn again.
    assert page.settled(lambda: Select(page.find("#group-by")).select_by_value("lang")) == "ready", (
        page.error()
    )
    page.wait().until(lambda d: page.trace("chart-deflection").get("type") == "bar")
    by_language = page.trace("chart-deflection")
    assert by_language["x"] == ["es", "pt-BR"]
    assert by_language["y"] == [50, 50]  # es: c2 solved, gap not; pt-BR: c1, c3 of c1, c3, c4, gap
    assert page.find("#chart-deflection h2").text == PT["chartDeflection"].replace("{group}", "idioma")
    assert page.charts_drawn()
    shot = page_screenshot(driver, "insights-dashboard.png")
    assert shot.stat().st_size > 20_000

    # CSV export: fetched with the key in its header, saved as insights-summary-<today>.csv.
    page.find('#export button[data-report="summary"]').click()
    name = f"insights-summary-{datetime.now(UTC).date().isoformat()}.csv"
    page.wait(20).until(lambda d: (downloads / name).exists())
    csv_text = (downloads / name).read_text(encoding="utf-8")
    header, *lines = csv_text.strip().splitlines()
    assert "deflection_rate" in header.split(",") and len(lines) == 2, csv_text
    assert PT["exported"].replace("{file}", name) == page.find("#status").text

    # The key stays for the tab: a reload goes straight to the data; "change key" forgets it.
    assert page.settled(driver.refresh) == "ready"
    page.find("#change-key").click()
    page.wait().until(lambda d: page.state() == "key")
    assert page.stored_key() is None and not page.find("#dashboard").is_displayed()
    hidden_tile = page.find('.kpi[data-kpi="conversations"] .kpi-value')
    assert hidden_tile.get_attribute("textContent") == "—"  # the previous data is gone from the page

    # Phone width: nothing wider than the screen (Plotly redraws the charts to fit).
    assert page.sign_in(api.admin_key) == "ready", page.error()
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        page.wait(10).until(lambda d: d.execute_script("return window.innerWidth") == 390)
        overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        try:
            page.wait(10).until(lambda d: d.execute_script(overflow) <= 0)
        except TimeoutException:
            pytest.fail(f"the page is {driver.execute_script(overflow)}px wider than a phone screen")
        screenshot(driver, "insights-phone.png")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert problems(driver) == []
