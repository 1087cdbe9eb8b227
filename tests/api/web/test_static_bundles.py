"""The widget's, the ticket form's and the dashboard's scripts and stylesheets: kept in parts, served as one
file each."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web import dashboard, ticket_form, web_pages, widget
from api.web.assets import Bundle
from core.settings import Settings

BUNDLES = {
    "/static/widget.js": widget.SCRIPT,
    "/static/widget.css": widget.STYLESHEET,
    "/static/ticket-form.js": ticket_form.SCRIPT,
    "/static/ticket-form.css": ticket_form.STYLESHEET,
    "/static/insights.js": dashboard.SCRIPT,
}


SHARED = widget.STATIC / "shared"


def test_every_part_on_disk_is_served_once_and_shared_parts_by_both_embedded_scripts() -> None:
    listed = [path.resolve() for bundle in BUNDLES.values() for path in bundle.paths]
    own = [path for path in listed if path.parent != SHARED]
    assert len(own) == len(set(own)), "a part is listed twice"
    assert all(path.is_file() for path in listed), [str(p) for p in listed if not p.is_file()]
    folders = {bundle.folder for bundle in BUNDLES.values()} | {SHARED}
    on_disk = {path for folder in folders for path in folder.iterdir() if path.suffix in (".js", ".css")}
    assert on_disk == set(listed), f"parts on disk that no bundle serves: {sorted(on_disk - set(listed))}"
    for script in (widget.SCRIPT, ticket_form.SCRIPT):
        assert {path.resolve() for path in script.paths} >= set(SHARED.iterdir()), script.folder


def test_a_script_is_one_closure_from_its_head_to_its_tail() -> None:
    scripts: list[Bundle] = [widget.SCRIPT, ticket_form.SCRIPT, dashboard.SCRIPT]
    for bundle in scripts:
        assert (bundle.parts[0], bundle.parts[-1]) == ("head.js", "tail.js")
        text = bundle.text()
        assert text.count("(function () {\n") == 1 and text.endswith("\n})();\n"), bundle.folder


def test_each_url_serves_its_parts_in_order_revalidated_on_every_load() -> None:
    app = FastAPI()
    app.state.settings = Settings()
    app.include_router(web_pages)
    with TestClient(app) as client:
        for url, bundle in BUNDLES.items():
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["content-type"] == bundle.media_type
            assert response.headers["cache-control"] == "no-cache"
            assert response.headers["etag"].startswith('"') and response.headers["last-modified"]
            served = widget.script_text(Settings()) if bundle is widget.SCRIPT else bundle.text()
            assert response.text == served
            assert client.get(url).headers["etag"] == response.headers["etag"], "the ETag is stable"


def test_the_widget_refuses_in_the_browser_exactly_what_the_api_refuses() -> None:
    """The paper clip's size and types are the API's settings, written into the script it serves."""
    settings = Settings(max_attachment_bytes=5 * 1024 * 1024, attachment_types="image/png, application/PDF")
    script = widget.script_text(settings)
    assert widget.FILE_LIMITS_MARK in widget.SCRIPT.text() and widget.FILE_LIMITS_MARK not in script
    assert 'const FILE_LIMITS = {"maxBytes": 5242880, "types": ["application/pdf", "image/png"]};' in script


def test_the_ticket_form_has_its_strings_in_every_language() -> None:
    """Each language names every string the others do, and the strings file is served as JSON."""
    strings = json.loads(ticket_form.STRINGS.read_text(encoding="utf-8"))
    assert set(strings) == {"pt-BR", "es", "en"}

    def shape(value: object) -> object:
        return {key: shape(inner) for key, inner in value.items()} if isinstance(value, dict) else None

    assert shape(strings["es"]) == shape(strings["pt-BR"]) == shape(strings["en"])
    app = FastAPI()
    app.include_router(web_pages)
    with TestClient(app) as client:
        response = client.get("/static/ticket-form-i18n.json")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert response.json() == strings


def test_the_ticket_form_builds_every_node_as_text() -> None:
    """Article lines, notices and the API's messages can echo what someone typed: never parsed as HTML."""
    script = ticket_form.SCRIPT.text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
