"""What the bot and channels need besides tickets: answer checks, field extraction, masking,
maintenance notices and support contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.deps import NowDep
from api.dialog.answers import read_answer
from api.dialog.extraction import extract_fields, field_named
from api.dialog.problem import read_problem
from api.dialog.rules import DIALOG_FIELDS, check_field
from api.dialog.support_info import active_notices, contacts
from api.masking import mask_sensitive
from core.languages import Language

router = APIRouter(tags=["dialog"])


class FieldAnswer(BaseModel):
    field: str = Field(description=f"One of: {', '.join(DIALOG_FIELDS)}")
    value: str = Field(max_length=10000)
    language: Language = "pt-BR"


class FieldCheckOut(BaseModel):
    field: str
    valid: bool
    value: Any = None
    rule: str | None = None
    message: str | None = Field(None, description="Why it is invalid, in the requested language.")


class FreeText(BaseModel):
    text: str = Field(max_length=10000)


@router.post("/dialog/check", response_model=FieldCheckOut)
def check(answer: FieldAnswer) -> FieldCheckOut:
    """Validate and normalise one answer of the ticket dialog with the ticket API's rules."""
    if answer.field not in DIALOG_FIELDS:
        raise HTTPException(422, f"field must be one of: {', '.join(DIALOG_FIELDS)}")
    result = check_field(answer.field, answer.value, answer.language)
    return FieldCheckOut(**vars(result))


class DialogAnswer(FieldAnswer):
    filled: list[str] = Field(default_factory=list, description="Fields the dialog already holds.")


class AnswerReadingOut(BaseModel):
    values: dict[str, Any] = Field(description="Valid, normalised values to keep, by field.")
    problem: FieldCheckOut | None = Field(None, description="Why the asked field's answer was refused.")


@router.post("/dialog/answer", response_model=AnswerReadingOut)
def answer(body: DialogAnswer) -> AnswerReadingOut:
    """Read one answer: the field asked (name and e-mail, or product, module and version, together)
    and any other detail the answer states that the dialog does not hold yet."""
    if body.field not in DIALOG_FIELDS:
        raise HTTPException(422, f"field must be one of: {', '.join(DIALOG_FIELDS)}")
    reading = read_answer(body.field, body.value, body.language, set(body.filled))
    problem = FieldCheckOut(**vars(reading.problem)) if reading.problem else None
    return AnswerReadingOut(values=reading.values, problem=problem)


@router.post("/dialog/extract")
def extract(body: FreeText) -> dict[str, Any]:
    """Ticket fields a message already states, which field it talks about if any, whether it asks
    for a ticket, and the problem it reports (with a title written from it)."""
    problem = read_problem(body.text)
    return {
        "fields": extract_fields(body.text),
        "field_named": field_named(body.text),
        "wants_ticket": problem.wants_ticket,
        "description": problem.description,
        "summary": problem.summary,
    }


class TextToMask(BaseModel):
    # As long as the longest chat message a channel accepts: every message is masked whole.
    text: str = Field(max_length=50000)


@router.post("/privacy/mask")
def mask(body: TextToMask) -> dict[str, Any]:
    """The text with passwords, card numbers and CPF/CNPJ replaced, and what was found."""
    masked = mask_sensitive(body.text)
    return {"text": masked.text, "kinds": list(masked.kinds)}


@router.get("/notices")
def notices(
    now: NowDep,
    product: str | None = None,
    at: Annotated[datetime | None, Query(description="Moment to check (default now).")] = None,
    language: Language = "pt-BR",
) -> list[dict[str, Any]]:
    """Current or upcoming scheduled maintenance, with contingency steps."""
    if at is not None and at.tzinfo is None:
        raise HTTPException(422, "at must include a time zone, e.g. 2021-12-19T20:00:00-03:00")
    return active_notices(product, at or now, language)


@router.get("/contacts")
def support_contacts(
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None, language: Language = "pt-BR"
) -> dict[str, Any]:
    """How to reach a person: phone for the country, e-mail, portal, service hours."""
    return contacts(country, language)
