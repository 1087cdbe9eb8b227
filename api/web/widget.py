"""The embeddable chat widget: its script, stylesheet and strings, and a demo customer-portal page.

The files are served by explicit routes rather than a ``StaticFiles`` mount so that the router
stays a plain ``APIRouter`` and each answer carries ``Cache-Control: no-cache``: a portal that
embeds the widget picks up a new release on its next page load (revalidated by ETag).

The script and the stylesheet are kept in parts (``static/widget/``) and served as one file each
(:mod:`api.web.assets`), in the order listed here: a portal still embeds one script tag.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import SettingsDep
from api.web.assets import NO_CACHE, Bundle
from core.settings import Settings

router = APIRouter(tags=["widget"])
STATIC = Path(__file__).resolve().parent / "static"
# Parts both embedded scripts (the widget and the ticket form) use, right after their head.js.
SHARED_SCRIPT_PARTS = ("../shared/file_types.js", "../shared/embedding.js")
SCRIPT = Bundle(
    STATIC / "widget",
    (
        "head.js",
        *SHARED_SCRIPT_PARTS,
        "helpers.js",
        "state.js",
        "panel.js",
        "messages.js",
        "transport.js",
        "startup.js",
        "tail.js",
    ),
    "text/javascript; charset=utf-8",
)
STYLESHEET = Bundle(
    STATIC / "widget",
    ("base.css", "launcher.css", "panel.css", "messages.css", "typing.css", "form.css", "phone.css"),
    "text/css; charset=utf-8",
)


# Where head.js takes the API's file limits: written in as the script is served, so the paper clip
# refuses exactly what the API would (MAX_ATTACHMENT_BYTES, ATTACHMENT_TYPES) with no copy to keep equal.
FILE_LIMITS_MARK = "/* the API's file limits */ null"


def script_text(settings: Settings) -> str:
    limits = {"maxBytes": settings.max_attachment_bytes, "types": sorted(settings.accepted_attachment_types)}
    return SCRIPT.text().replace(FILE_LIMITS_MARK, json.dumps(limits), 1)


def _asset(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=media_type, headers=NO_CACHE)


@router.get("/static/widget.js", include_in_schema=False)
def widget_script(settings: SettingsDep) -> Response:
    return SCRIPT.response(script_text(settings))


@router.get("/static/widget.css", include_in_schema=False)
def widget_stylesheet() -> Response:
    return STYLESHEET.response()


@router.get("/static/widget-i18n.json", include_in_schema=False)
def widget_strings() -> FileResponse:
    return _asset("widget-i18n.json", "application/json")


@lru_cache(maxsize=1)
def _demo_template() -> str:
    return (STATIC / "demo.html").read_text(encoding="utf-8")


@router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
def demo_page(settings: SettingsDep) -> HTMLResponse:
    """A customer-portal page that embeds the widget with its one script tag.

    The script's URL is relative, so the demo works whatever host name or port the API is reached by
    without writing the request's Host header into the page (a forged Host would otherwise choose the
    script a cache hands to everyone); the Rasa URL is the browser-facing one from settings.
    """
    return HTMLResponse(_demo_page(settings.rasa_url), headers=NO_CACHE)


@lru_cache(maxsize=4)
def _demo_page(rasa_url: str) -> str:
    return _demo_template().replace("__RASA_URL__", html.escape(rasa_url, quote=True))
