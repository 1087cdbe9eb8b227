"""The widget's and the dashboard's script and stylesheet: kept in parts, served as one file each."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web import dashboard, web_pages, widget
from api.web.assets import Bundle
from core.settings import Settings

BUNDLES = {
    "/static/widget.js": widget.SCRIPT,
    "/static/widget.css": widget.STYLESHEET,
    "/static/insights.js": dashboard.SCRIPT,
}


def test_every_part_on_disk_is_served_once() -> None:
    listed = [path for bundle in BUNDLES.values() for path in bundle.paths]
    assert len(listed) == len(set(listed)), "a part is listed twice"
    assert all(path.is_file() for path in listed), [str(p) for p in listed if not p.is_file()]
    folders = {bundle.folder for bundle in BUNDLES.values()}
    on_disk = {path for folder in folders for path in folder.iterdir() if path.suffix in (".js", ".css")}
    assert on_disk == set(listed), f"parts on disk that no bundle serves: {sorted(on_disk - set(listed))}"


def test_a_script_is_one_closure_from_its_head_to_its_tail() -> None:
    scripts: list[Bundle] = [widget.SCRIPT, dashboard.SCRIPT]
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
