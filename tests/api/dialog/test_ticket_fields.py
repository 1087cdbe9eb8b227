"""The ticket fields are one list: the bot's Rasa form asks exactly what the API's dialog rules check."""

from __future__ import annotations

from typing import Any

import yaml

from api.dialog.rules import DIALOG_FIELDS
from api.tickets.schemas import TicketCreate
from core.settings import ROOT

BOT_DOMAIN = ROOT / "bot" / "domain"


def _bot_domain() -> dict[str, Any]:
    """The domain files merged the way Rasa merges a domain folder (top-level keys combined)."""
    merged: dict[str, Any] = {}
    for path in sorted(BOT_DOMAIN.glob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


def test_the_ticket_form_asks_the_fields_the_api_checks_in_the_same_order() -> None:
    form = _bot_domain()["forms"]["ticket_form"]["required_slots"]
    assert tuple(form) == DIALOG_FIELDS


def test_every_field_the_dialog_asks_is_a_field_of_a_ticket() -> None:
    assert set(DIALOG_FIELDS) <= set(TicketCreate.model_fields)


def test_every_field_the_dialog_asks_is_a_slot_of_the_bot() -> None:
    slots = _bot_domain()["slots"]
    assert all(field in slots for field in DIALOG_FIELDS)


def test_every_required_ticket_detail_is_asked_by_the_dialog_or_known_from_the_conversation() -> None:
    # The channel, language and transcript come from the conversation itself, not from a question.
    from_conversation = {"channel", "language", "transcript"}
    required = {name for name, info in TicketCreate.model_fields.items() if info.is_required()}
    assert required - from_conversation <= set(DIALOG_FIELDS)
