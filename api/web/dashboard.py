"""The insights dashboard for the support organisation: its page, its three assets and Plotly.

The page itself holds no data: it asks for an admin API key and reads the insights JSON API
(``/api/v1/insights/...``) with it, so serving the page needs no key.

Plotly's browser bundle is the one inside the installed ``plotly`` PyPI package (pinned in
pyproject.toml), served from this origin: no CDN, nothing to vendor into the repository. The page
asks for it with ``?v=<plotly version>``, so the long-lived cache is safe across upgrades.

The page's script is kept in parts (``static/insights/``) and served as one file
(:mod:`api.web.assets`), in the order listed here, at the URL the page asks for.

The page holds an admin key, so it and its files are sent with :data:`SECURITY_HEADERS`: only this
origin's scripts run (the page has no inline script), styles come from this origin or from Plotly, it
talks only to this origin, no other site may frame it (clickjacking) and no Referer leaves it.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.web.assets import NO_CACHE, Bundle

router = APIRouter(tags=["dashboard"])
STATIC = Path(__file__).resolve().parent / "static"
SCRIPT = Bundle(
    STATIC / "insights",
    (
        "head.js",
        "helpers.js",
        "api.js",
        "page.js",
        "load.js",
        "tiles.js",
        "charts.js",
        "gaps.js",
        "export.js",
        "startup.js",
        "tail.js",
    ),
    "text/javascript; charset=utf-8",
)
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # Plotly adds <style> elements for its own rules (and its bundled map library's) as it loads: it
        # needs inline styles. Inline scripts stay refused, and the page writes text with textContent
        # only, never markup, so no one can inject a style either.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",  # the empty data: favicon; Plotly draws in SVG
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",  # the forms are read by the script, never submitted: no key in a URL
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
LONG_CACHE = {"Cache-Control": "public, max-age=31536000, immutable"}


def plotly_bundle() -> Path | None:
    """``plotly.min.js`` from the installed plotly package, or None when it is not there."""
    try:
        bundle = resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError:
        return None
    path = Path(str(bundle))
    return path if path.is_file() else None


def plotly_version() -> str:
    try:
        return metadata.version("plotly")
    except metadata.PackageNotFoundError:
        return "missing"


@lru_cache(maxsize=1)
def _page() -> str:
    page = (STATIC / "insights.html").read_text(encoding="utf-8")
    return page.replace("__PLOTLY_VERSION__", html.escape(plotly_version(), quote=True))


def _asset(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=media_type, headers={**NO_CACHE, **SECURITY_HEADERS})


@router.get("/insights", response_class=HTMLResponse, include_in_schema=False)
def insights_page() -> HTMLResponse:
    """Deflection metrics, article helpfulness and knowledge gaps, for an admin key holder."""
    return HTMLResponse(_page(), headers={**NO_CACHE, **SECURITY_HEADERS})


@router.get("/static/insights.js", include_in_schema=False)
def insights_script() -> Response:
    response = SCRIPT.response()
    response.headers.update(SECURITY_HEADERS)
    return response


@router.get("/static/insights.css", include_in_schema=False)
def insights_stylesheet() -> FileResponse:
    return _asset("insights.css", "text/css; charset=utf-8")


@router.get("/static/insights.i18n.json", include_in_schema=False)
def insights_strings() -> FileResponse:
    return _asset("insights.i18n.json", "application/json")


@router.get("/static/vendor/plotly.min.js", include_in_schema=False)
def plotly_script() -> FileResponse:
    bundle = plotly_bundle()
    if bundle is None:
        raise HTTPException(
            404,
            "plotly.min.js was not found in the installed plotly package (plotly/package_data/): "
            "install the pinned plotly from pyproject.toml (pip install -e .) to get the dashboard charts.",
        )
    headers = {**LONG_CACHE, **SECURITY_HEADERS}
    return FileResponse(bundle, media_type="text/javascript; charset=utf-8", headers=headers)
