"""The insights dashboard (/insights) in a real headless Chromium: the page, its assets, the key.

The page and its assets are served without a key, Plotly from the installed package; a wrong key
(unknown, or a service key that is not an admin one) and an unreachable API are refused clearly.
The fixtures (the real API on a free port, the browser) are in this folder's ``conftest.py``.

Needs Debian's ``chromium`` and ``chromium-driver`` (the browser tests are skipped with the reason
when missing) and the ``selenium`` package. The screenshot goes to ``var/artifacts/``.
"""

from __future__ import annotations

from importlib import metadata

import httpx
from selenium.webdriver.chrome.webdriver import WebDriver

from tests.api.web.dashboard_page import PT, STRINGS, Dashboard, LiveApi, problems, screenshot


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
