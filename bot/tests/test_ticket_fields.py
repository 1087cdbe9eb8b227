"""The ticket's fields come from the form in domain/ticket.yml, and each has its words and questions."""

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from actions.labels import labels
from actions.ticket_fields import (
    CONTACT_FIELDS,
    FIELDS,
    FIELDS_THAT_MENTION_OTHERS,
    SHORT_FIELDS,
    reset_ticket,
)
from shared.languages import CODES

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def responses() -> Dict[str, Any]:
    found: Dict[str, Any] = {}
    for path in sorted(DOMAIN.glob("*.yml")):
        found.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return found


def test_the_fields_are_the_ticket_forms_required_slots() -> None:
    domain = yaml.safe_load((DOMAIN / "ticket.yml").read_text(encoding="utf-8"))
    assert list(FIELDS) == domain["forms"]["ticket_form"]["required_slots"]
    assert len(FIELDS) == len(set(FIELDS)) == 13


def test_the_groups_of_fields_name_only_fields() -> None:
    assert set(SHORT_FIELDS) | set(FIELDS_THAT_MENTION_OTHERS) | set(CONTACT_FIELDS) <= set(FIELDS)


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_has_a_label_in_each_language(field: str) -> None:
    assert set(CODES) <= set(labels()["fields"][field])


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_has_a_question_and_an_explanation(field: str) -> None:
    assert {f"utter_ask_{field}", f"utter_why_{field}"} <= set(responses())


def test_a_reset_keeps_who_the_contact_is() -> None:
    cleared = {event["name"] for event in reset_ticket()}
    assert cleared.isdisjoint(CONTACT_FIELDS)
    assert set(FIELDS) - set(CONTACT_FIELDS) <= cleared
    assert set(FIELDS) <= {event["name"] for event in reset_ticket(keep_contact=False)}
