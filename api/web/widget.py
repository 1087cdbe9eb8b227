"""The embeddable chat widget: its three static files and a demo customer-portal page.

The files are served by explicit routes rather than a ``StaticFiles`` mount so that the router
stays a plain ``APIRouter`` and each answer carries ``Cache-Control: no-cache``: a portal that
embeds the widget picks up a new release on its next page load (revalidated by ETag).
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SettingsDep

router = APIRouter(tags=["widget"])
STATIC = Path(__file__).resolve().parent / "static"
NO_CACHE = {"Cache-Control": "no-cache"}


def _asset(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=media_type, headers=NO_CACHE)


@router.get("/static/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    return _asset("widget.js", "text/javascript; charset=utf-8")


@router.get("/static/widget.css", include_in_schema=False)
def widget_stylesheet() -> FileResponse:
    return _asset("widget.css", "text/css; charset=utf-8")


@router.get("/static/widget-i18n.json", include_in_schema=False)
def widget_strings() -> FileResponse:
    return _asset("widget-i18n.json", "application/json")


@lru_cache(maxsize=1)
def _demo_template() -> str:
    return (STATIC / "demo.html").read_text(encoding="utf-8")


@router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
def demo_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """A customer-portal page that embeds the widget with its one script tag.

    The script's origin is the one this page was requested from, so the demo works whatever
    host name or port the API is reached by; the Rasa URL is the browser-facing one from settings.
    """
    api_origin = str(request.base_url).rstrip("/")
    page = (
        _demo_template()
        .replace("__API_ORIGIN__", html.escape(api_origin, quote=True))
        .replace("__RASA_URL__", html.escape(settings.rasa_url, quote=True))
    )
    return HTMLResponse(page, headers=NO_CACHE)
