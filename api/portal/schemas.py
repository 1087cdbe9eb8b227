"""Request and response bodies of the portal's ticket form endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.tickets.schemas import ArticleShown, TicketOut
from core.languages import Language


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language = "pt-BR"
    portal_token: str | None = Field(
        None, max_length=4096, description="The JWT the portal signed for its logged-in user, if any."
    )


class FormIdentity(BaseModel):
    """The verified customer: contact fields to fill and lock, and the token to send on submit."""

    token: str = Field(description="Send as X-End-User-Token when submitting.")
    expires_at: datetime
    name: str
    email: str
    company_code: str
    phone: str | None
    country: str | None


class SessionOut(BaseModel):
    session: str = Field(description="Send as X-Form-Session (files, submit) and as ?session= (suggestions).")
    expires_at: datetime
    identity: FormIdentity | None


class EnvironmentOption(BaseModel):
    value: str
    label: str


class FieldRules(BaseModel):
    required: bool
    min_length: int | None = None
    max_length: int | None = None


class FormOptions(BaseModel):
    products: list[str]
    environments: list[EnvironmentOption]
    levels: list[str]
    level_labels: dict[str, str]
    definitions: dict[str, dict[str, str]] = Field(description="What each impact and urgency level means.")
    max_file_bytes: int
    file_types: list[str]
    max_files: int = Field(description="Files one form session may upload.")
    fields: dict[str, FieldRules]
    identity_fields: list[str] = Field(description="Filled from a verified identity, and locked.")


class SuggestionOut(BaseModel):
    article_id: str
    title: str
    section: str
    lines: str = Field(
        description="The lines that answer, plain text, one line per newline, at most 400 characters."
    )
    url: str
    lang: str
    token: str = Field(description="Send back to /suggestions/viewed and /suggestions/solved.")


class SuggestionsOut(BaseModel):
    query: str
    suggestions: list[SuggestionOut]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=8192)


class FormFileOut(BaseModel):
    id: str
    filename: str
    size: int = Field(description="Bytes.")
    sha256: str
    mime_type: str


class FormTicketIn(BaseModel):
    """The form as typed. Values are checked by the handler, with the chat's rules, so that every
    problem comes back at once and in the customer's language."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    country: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    company_code: str | None = None
    product: str | None = None
    module: str | None = None
    version: str | None = None
    environment: str | None = None
    summary: str | None = None
    description: str | None = None
    since_when: str | None = None
    error_message: str | None = None
    impact: str | None = None
    urgency: str | None = None
    articles_shown: list[ArticleShown] = Field(default_factory=list, max_length=50)


class FormTicketOut(TicketOut):
    next_steps: str = Field(description="What happens now, in the ticket's language.")
