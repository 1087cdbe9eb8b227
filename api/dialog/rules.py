"""Checking customers' answers in the ticket dialog: validate and normalise one field.

The bot calls these through the API so that the dialog and the ticket API apply the same rules.

Usage::

    check_field("urgency", "alta", "pt-BR")        # FieldCheck(valid=True, value="high", …)
    check_field("contact_email", "ana@", "es")      # valid=False, message="no parece un e-mail …"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import TypeAdapter, ValidationError

from api.tickets.schemas import TicketCreate
from search.text import fold

RULES_PATH = Path(__file__).with_name("rules.yaml")
# Fields the dialog asks for, in order. since_when and attachments are optional in the API but
# asked anyway: support needs them to reproduce the problem. The description comes before the
# summary because the summary is written from it (and asked only when it cannot be).
DIALOG_FIELDS = (
    "contact_name", "contact_email", "company_code", "product", "module", "version", "environment",
    "description", "summary", "since_when", "impact", "urgency", "attachments",
)  # fmt: skip
# Fields whose answer is a name or a code: a yes/no there is a reply to something else.
_NAMED_VALUES = ("contact_name", "company_code", "product", "module", "version")
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class FieldCheck:
    field: str
    valid: bool
    value: Any = None
    rule: str | None = None
    message: str | None = None


@lru_cache(maxsize=1)
def rules_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    return data


def _message(rule: str, language: str, **values: Any) -> str:
    texts = rules_data()["messages"][rule]
    return str(texts.get(language) or texts["en"]).format(**values)


def folded_words(text: str) -> list[str]:
    return re.findall(r"[\w-]+", fold(text))


def match_table(text: str, table: dict[str, list[str]]) -> list[str]:
    """Keys of ``table`` whose words or phrases occur in ``text`` as whole words."""
    folded = " " + " ".join(folded_words(text)) + " "
    return [key for key, words in table.items() if any(f" {fold(str(w))} " in folded for w in words)]


def parse_level(text: str) -> str | None:
    found = match_table(text, rules_data()["levels"])
    return found[0] if len(found) == 1 else None


def parse_environment(text: str) -> str | None:
    found = match_table(text, rules_data()["environments"])
    return found[0] if len(found) == 1 else None


def _is_none(text: str) -> bool:
    none_words = {fold(str(w)) for w in rules_data()["none_words"]}
    return bool(set(folded_words(text)) & none_words) or text.strip() == "-"


def _api_rule(field: str, error: dict[str, Any], language: str) -> FieldCheck:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "string_too_short":
        return FieldCheck(
            field, False, rule="too_short", message=_message("too_short", language, min=ctx["min_length"])
        )
    if kind == "string_too_long":
        return FieldCheck(
            field, False, rule="too_long", message=_message("too_long", language, max=ctx["max_length"])
        )
    rule = {"contact_email": "email", "company_code": "company_code"}.get(field, "invalid")
    return FieldCheck(field, False, rule=rule, message=_message(rule, language))


def check_field(field: str, raw: str, language: str = "pt-BR") -> FieldCheck:
    """Validate and normalise one answer with the same rules as ticket creation."""
    if field not in DIALOG_FIELDS:
        raise KeyError(field)
    text = raw.strip()
    if field in ("impact", "urgency"):
        level = parse_level(text)
        if level:
            return FieldCheck(field, True, level)
        return FieldCheck(field, False, rule="level", message=_message("level", language))
    if field == "environment":
        environment = parse_environment(text)
        if environment:
            return FieldCheck(field, True, environment)
        return FieldCheck(field, False, rule="environment", message=_message("environment", language))
    if field == "attachments":
        links = _URL.findall(text)
        if links:
            return FieldCheck(field, True, links)
        if _is_none(text):
            return FieldCheck(field, True, [])
        return FieldCheck(field, False, rule="links", message=_message("links", language))
    not_values = {fold(str(w)) for w in rules_data()["not_values"]}
    if field in _NAMED_VALUES and set(folded_words(text)) & not_values:
        rule = "name" if field == "contact_name" else "not_a_value"
        return FieldCheck(field, False, rule=rule, message=_message(rule, language))
    if field == "since_when":
        field_info = TicketCreate.model_fields["since_when"]
        if len(text) < 2:
            return FieldCheck(field, False, rule="too_short", message=_message("too_short", language, min=2))
    else:
        field_info = TicketCreate.model_fields[field]
    adapter: TypeAdapter[Any] = TypeAdapter(Annotated[field_info.annotation, field_info])  # type: ignore[arg-type]
    try:
        return FieldCheck(field, True, adapter.validate_python(text))
    except ValidationError as exc:
        return _api_rule(field, dict(exc.errors()[0]), language)
