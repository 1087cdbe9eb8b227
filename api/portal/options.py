"""What the form offers and how long each field may be.

Taken from what the API already knows (the knowledge base's products, the maintenance notices, the
priority rules, the ticket schema's limits, the file settings), so the browser hard-codes none of it
and a new product or limit reaches the form without a change to it.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from api.dialog.support_info import active_notices
from api.tickets.priority import LEVELS
from api.tickets.schemas import TicketCreate
from api.tickets.service import Rules
from core.settings import Settings
from search.searcher import Searcher

FORM_PATH = Path(__file__).with_name("form.yaml")
# The ticket fields the form has, named exactly as in the ticket API.
FORM_FIELDS = (
    "contact_name", "contact_email", "contact_phone", "company_code", "product", "module", "version",
    "environment", "summary", "description", "since_when", "error_message", "impact", "urgency",
)  # fmt: skip
# Locked by a verified identity. The phone too: a verified ticket's phone becomes a known contact (a
# WhatsApp sender taken as this customer), so it must be the identity's, never one typed in the form.
CONTACT_FIELDS = ("contact_name", "contact_email", "company_code", "contact_phone")
MAX_FILES = 10  # files one form session may upload


@lru_cache(maxsize=1)
def form_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FORM_PATH.read_text(encoding="utf-8"))
    return data


def _in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["en"]


def message(rule: str, language: str) -> str:
    """Why a form field was refused, for the rules the chat's messages do not cover."""
    return _in(form_data()["messages"][rule], language)


def products(searcher: Searcher, now: datetime) -> list[str]:
    """Products of the knowledge base's articles and of current or upcoming notices."""
    process = {name.casefold() for name in form_data()["process_products"]}
    named = {article.product for article in searcher.index.articles.values() if article.product}
    named |= {notice["product"] for notice in active_notices(None, now, "en")}
    return sorted((name for name in named if name.casefold() not in process), key=str.casefold)


def field_limits() -> dict[str, dict[str, Any]]:
    """Whether each field is required and its length limits, as the ticket API checks them."""
    limits: dict[str, dict[str, Any]] = {}
    for name in FORM_FIELDS:
        info = TicketCreate.model_fields[name]
        lengths = {
            key: getattr(rule, key)
            for rule in info.metadata
            for key in ("min_length", "max_length")
            if getattr(rule, key, None) is not None
        }
        limits[name] = {"required": info.is_required(), **lengths}
    return limits


def form_options(
    searcher: Searcher, rules: Rules, settings: Settings, now: datetime, language: str
) -> dict[str, Any]:
    data = form_data()
    return {
        "products": products(searcher, now),
        "environments": [
            {"value": value, "label": _in(labels, language)} for value, labels in data["environments"].items()
        ],
        "levels": list(LEVELS),
        "level_labels": {level: _in(data["levels"][level], language) for level in LEVELS},
        "definitions": {
            field: {level: rules.priority.definition(field, level, language) for level in LEVELS}
            for field in ("impact", "urgency")
        },
        "max_file_bytes": settings.max_attachment_bytes,
        "file_types": sorted(settings.accepted_attachment_types),
        "max_files": MAX_FILES,
        "fields": field_limits(),
        "identity_fields": list(CONTACT_FIELDS),
    }
