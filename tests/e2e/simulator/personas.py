"""Personas and the scripted conversations (persona + behaviours), loaded from conversations.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

Language = Literal["pt-BR", "es", "en"]
Expect = Literal["ticket", "cancelled", "handoff", "out_of_scope"]
Opening = Literal["plain", "rich", "handoff", "out_of_scope"]
DATA = Path(__file__).with_name("conversations.yaml")
STYLES = {"slang", "no_accents", "lower", "typos", "verbose", "taps", "numbers", "browser_language"}
BEHAVIOURS = {
    "correction", "kb_question", "bad_email", "bad_company", "cancel_resume", "cancel_restart",
    "give_up", "handoff_midform", "handoff_accept", "out_of_scope_first", "change_mind",
    "deny_text", "confirm_text",
}  # fmt: skip


@dataclass(frozen=True)
class Persona:
    id: str
    language: Language
    name: str
    email: str
    company: str
    product: str
    module: str
    version: str
    environment: Literal["production", "test"]
    summary: str
    description: str
    since_when: str
    impact: Literal["high", "medium", "low"]
    urgency: Literal["high", "medium", "low"]
    attachments: str | None
    style: frozenset[str] = frozenset()

    def value(self, name: str) -> str | None:
        """The persona's true answer for a ticket field."""
        values: dict[str, str | None] = {
            "contact_name": self.name, "contact_email": self.email, "company_code": self.company,
            "product": self.product, "module": self.module, "version": self.version,
            "environment": self.environment, "summary": self.summary, "description": self.description,
            "since_when": self.since_when, "impact": self.impact, "urgency": self.urgency,
            "attachments": self.attachments,
        }  # fmt: skip
        return values[name]


@dataclass(frozen=True)
class Behaviour:
    kind: str
    at: str | None = None  # the field being asked (or "summary", "next") when it happens
    field: str | None = None  # the field a correction or change of mind is about
    wrong: str | None = None  # the value given first, corrected later
    text: str | None = None  # the customer's own words, when scripted


@dataclass(frozen=True)
class Conversation:
    id: str
    persona: Persona
    opening: Opening
    expect: Expect
    opening_text: str | None = None
    behaviours: tuple[Behaviour, ...] = field(default_factory=tuple)

    def has(self, kind: str) -> bool:
        return any(behaviour.kind == kind for behaviour in self.behaviours)

    def behaviour(self, kind: str) -> Behaviour | None:
        return next((b for b in self.behaviours if b.kind == kind), None)


def _behaviour(raw: str | dict[str, Any]) -> Behaviour:
    options: dict[str, Any] = {}
    if isinstance(raw, str):
        kind = raw
    else:
        ((kind, given),) = raw.items()
        options = dict(given or {})
    if kind not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {kind!r}")
    return Behaviour(kind=kind, **options)


def _persona(key: str, raw: dict[str, Any]) -> Persona:
    style = frozenset(raw.pop("style", []))
    if style - STYLES:
        raise ValueError(f"persona {key}: unknown style {sorted(style - STYLES)}")
    values: dict[str, Any] = {k: None if v is None else str(v) for k, v in raw.items()}  # 11.8 is text
    return Persona(id=key, style=style, **values)


def load_conversations(path: Path = DATA) -> list[Conversation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    personas = {key: _persona(key, dict(raw)) for key, raw in data["personas"].items()}
    conversations = [
        Conversation(
            id=raw["id"],
            persona=personas[raw["persona"]],
            opening=raw.get("opening", "plain"),
            expect=raw.get("expect", "ticket"),
            opening_text=raw.get("opening_text"),
            behaviours=tuple(_behaviour(b) for b in raw.get("behaviours") or []),
        )
        for raw in data["conversations"]
    ]
    ids = [c.id for c in conversations]
    if len(set(ids)) != len(ids):
        raise ValueError("conversation ids must be unique")
    return conversations
