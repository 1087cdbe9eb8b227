"""The pages protect who uses them: the dashboard (which holds an admin key) cannot be framed, runs only
its own scripts and leaks no Referer; the demo portal never writes the request's Host into its page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

DASHBOARD_URLS = (
    "/insights",
    "/static/insights.js",
    "/static/insights.css",
    "/static/insights.i18n.json",
    "/static/vendor/plotly.min.js",
)
FORGED_HOST = "evil.example"


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


class Scripts(HTMLParser):
    """The page's script tags and inline event handlers (onclick=...), which a strict CSP refuses."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str | None] = []
        self.handlers: list[str] = []
        self._in_script = False
        self.inline_code = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self.sources.append(dict(attrs).get("src"))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_code += data.strip()


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_the_dashboard_and_its_files_cannot_be_framed_sniffed_or_leak_a_referer(
    client: TestClient, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert policy(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_the_dashboard_runs_only_scripts_from_its_own_origin(client: TestClient) -> None:
    rules = policy(client.get("/insights").headers["Content-Security-Policy"])
    assert rules["default-src"] == ["'none'"]
    assert rules["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    assert rules["connect-src"] == ["'self'"]  # the admin key goes to this API only
    assert set(rules["style-src"]) <= {"'self'", "'unsafe-inline'"}  # Plotly styles its charts inline
    assert rules["base-uri"] == ["'none'"]


def test_the_dashboard_page_needs_no_inline_script(client: TestClient) -> None:
    """What the policy refuses must not be what the page relies on."""
    page = Scripts()
    page.feed(client.get("/insights").text)
    assert page.sources and all(src and src.startswith("/static/") for src in page.sources)
    assert page.inline_code == "" and page.handlers == []


def test_the_demo_page_does_not_write_the_host_header_into_the_page(client: TestClient) -> None:
    forged = client.get("/demo", headers={"Host": FORGED_HOST})
    assert forged.status_code == 200
    assert FORGED_HOST not in forged.text
    assert forged.text == client.get("/demo").text  # the same page whatever the Host


def test_the_demo_page_loads_the_widget_and_the_ticket_form_from_where_the_page_came_from(
    client: TestClient,
) -> None:
    page = Scripts()
    page.feed(client.get("/demo").text)
    # Relative: resolved by the browser against the page.
    assert page.sources == ["/static/widget.js", "/static/ticket-form.js"]
    rasa_url = cast(FastAPI, client.app).state.settings.rasa_url
    assert f'data-rasa-url="{rasa_url}"' in client.get("/demo").text
