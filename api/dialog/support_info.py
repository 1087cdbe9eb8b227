"""Maintenance notices and support contacts, kept as data files beside this module."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent


@lru_cache(maxsize=4)
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return data


def _in(texts: dict[str, Any], language: str) -> Any:
    return texts.get(language) or texts["en"]


def active_notices(product: str | None, at: datetime, language: str) -> list[dict[str, Any]]:
    """Notices announced by ``at`` whose window has not ended, for one product or all."""
    found = []
    for notice in _load("notices.yaml")["notices"]:
        if product and notice["product"].casefold() != product.casefold():
            continue
        if notice["announce_from"] <= at < notice["end"]:
            found.append(
                {
                    "id": notice["id"],
                    "product": notice["product"],
                    "start": notice["start"],
                    "end": notice["end"],
                    "ongoing": notice["start"] <= at,
                    "article_id": notice["article_id"],
                    "title": _in(notice["title"], language),
                    "summary": _in(notice["summary"], language),
                    "contingency": _in(notice["contingency"], language),
                }
            )
    return found


def contacts(country: str | None, language: str) -> dict[str, Any]:
    """Phone (for the country when it has a line, else all lines), e-mail, portal and hours."""
    data = _load("contacts.yaml")
    phones: dict[str, str] = data["phones"]
    code = (country or "").upper()
    return {
        "country": code or None,
        "phones": {code: phones[code]} if code in phones else phones,
        "email": data["email"],
        "licensing_email": data["licensing_email"],
        "portal": _in(data["portals"], language),
        "hours": _in(data["hours"], language),
    }
