"""The portal's ticket form: its script, stylesheet and strings, embedded with one tag like the widget.

Served by explicit routes with ``Cache-Control: no-cache`` (revalidated by ETag), as the widget's
files are: a portal that embeds the form picks up a new release on its next page load. The script
and the stylesheet are kept in parts (``static/ticket-form/``) and served as one file each
(:mod:`api.web.assets`), in the order listed here. The form takes the API's limits and options from
``GET /api/v1/portal/form`` when it starts, so nothing is written into the script as it is served.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from api.web.assets import NO_CACHE, Bundle
from api.web.widget import SHARED_SCRIPT_PARTS, STATIC

router = APIRouter(tags=["ticket form"])
FOLDER = STATIC / "ticket-form"
SCRIPT = Bundle(
    FOLDER,
    (
        "head.js", *SHARED_SCRIPT_PARTS, "helpers.js", "transport.js", "draft.js", "fields.js", "layout.js",
        "suggestions.js", "preview.js", "files.js", "submit.js", "startup.js", "tail.js",
    ),
    "text/javascript; charset=utf-8",
)  # fmt: skip
STYLESHEET = Bundle(
    FOLDER,
    ("base.css", "layout.css", "fields.css", "suggestions.css", "preview.css", "phone.css"),
    "text/css; charset=utf-8",
)
STRINGS = STATIC / "ticket-form-i18n.json"


@router.get("/static/ticket-form.js", include_in_schema=False)
def ticket_form_script() -> Response:
    return SCRIPT.response()


@router.get("/static/ticket-form.css", include_in_schema=False)
def ticket_form_stylesheet() -> Response:
    return STYLESHEET.response()


@router.get("/static/ticket-form-i18n.json", include_in_schema=False)
def ticket_form_strings() -> FileResponse:
    return FileResponse(STRINGS, media_type="application/json", headers=NO_CACHE)
