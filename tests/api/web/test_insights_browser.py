"""The insights dashboard (/insights) in a real headless Chromium, against the real API.

A support lead signs in with an admin key and sees the KPI tiles, four Plotly charts, the
knowledge gap and a CSV export of the seeded events (see this folder's ``conftest.py``: six
conversations, one ticket, two unanswered questions about one missing topic); the key stays for
the tab until "change key", and the page fits a phone screen.

Needs Debian's ``chromium`` and ``chromium-driver`` (the browser tests are skipped with the reason
when missing) and the ``selenium`` package. The screenshots go to ``var/artifacts/``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from tests.api.web.dashboard_page import (
    CHARTS,
    GAP_QUESTIONS,
    PT,
    Dashboard,
    LiveApi,
    page_screenshot,
    problems,
    screenshot,
)


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
