"""Localised words for ticket replies, read from ``labels.yml`` beside this module."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict
from zoneinfo import ZoneInfo

import yaml

LABELS_PATH = Path(__file__).with_name("labels.yml")


@lru_cache(maxsize=1)
def labels() -> Dict[str, Any]:
    data: Dict[str, Any] = yaml.safe_load(LABELS_PATH.read_text(encoding="utf-8"))
    return data


def field_label(field: str, language: str) -> str:
    return str(labels()["fields"].get(field, {}).get(language, field))


def example_answer(field: str, language: str) -> str:
    return str(labels()["examples"].get(field, {}).get(language, ""))


def unverified_heading(language: str) -> str:
    return str(labels()["unverified_heading"][language])


def value_label(value: Any, language: str) -> str:
    """Levels and environments in words; lists joined; empty values as "none"."""
    if value in (None, "", []):
        return str(labels()["none"][language])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    entry = labels()["values"].get(value) if isinstance(value, str) else None
    return str(entry[language]) if entry else str(value)


def priority_label(priority: str, language: str) -> str:
    return str(labels()["priorities"].get(priority, {}).get(language, priority))


def status_texts(status: str, language: str) -> Dict[str, str]:
    entry = labels()["statuses"].get(status)
    if entry is None:
        return {"name": status, "meaning": ""}
    return {"name": entry["name"][language], "meaning": entry["meaning"][language]}


def country_name(code: str, language: str) -> str:
    return str(labels()["countries"].get(code, {}).get(language, code))


def local_time(iso: str, time_zone: str) -> str:
    """An API timestamp shown in the support calendar's zone: ``"03/03/2026 10:00 (America/Mexico_City)"``."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(time_zone))
    return f"{moment:%d/%m/%Y %H:%M} ({time_zone})"
