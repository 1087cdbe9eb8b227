"""Request and response bodies of the ticket API; validation messages name the rule broken."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field

from api.tickets.lifecycle import Action, Status, ThirdPartyType
from api.tickets.priority import Level
from core.languages import Language

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+\Z")
PHONE = re.compile(r"^\+?[0-9 ().-]{7,25}$")


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError("must be an e-mail address such as name@company.com")
    return value.lower()


def _phone(value: str) -> str:
    if not PHONE.match(value) or sum(char.isdigit() for char in value) < 7:
        raise ValueError("must be a phone number with at least 7 digits, e.g. +55 11 4003-0015")
    return value


def _link(value: str) -> str:
    if not re.match(r"^https?://\S+$", value):
        raise ValueError("must be an http(s) link")
    return value


Email = Annotated[str, Field(max_length=320), AfterValidator(_email)]
Phone = Annotated[str, AfterValidator(_phone)]
Link = Annotated[str, Field(max_length=2000), AfterValidator(_link)]
Channel = Literal["web", "whatsapp", "api", "email", "phone", "form"]


class TranscriptLine(BaseModel):
    role: Literal["user", "bot", "agent"]
    text: str = Field(max_length=5000)
    at: datetime | None = None


class ArticleShown(BaseModel):
    article_id: str = Field(max_length=200)
    title: str | None = Field(None, max_length=300)
    url: str | None = Field(None, max_length=2000)
    outcome: Literal["solved", "not_solved", "no_answer"] | None = None


class TicketCreate(BaseModel):
    """Everything support needs to work on a ticket without asking again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    contact_name: str = Field(min_length=2, max_length=200)
    contact_email: Email
    contact_phone: Phone | None = None
    company_code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    product: str = Field(min_length=2, max_length=80)
    module: str = Field(min_length=2, max_length=80)
    version: str = Field(min_length=1, max_length=40)
    environment: Literal["production", "test"]
    summary: str = Field(min_length=5, max_length=200)
    description: str = Field(min_length=10, max_length=10000)
    error_message: str | None = Field(None, max_length=5000)
    steps_to_reproduce: str | None = Field(None, max_length=5000)
    since_when: str | None = Field(None, max_length=200)
    impact: Level
    urgency: Level
    channel: Channel = "api"
    language: Language
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    attachments: list[Link] = Field(default_factory=list, max_length=20)
    transcript: list[TranscriptLine] = Field(default_factory=list, max_length=500)
    articles_shown: list[ArticleShown] = Field(default_factory=list, max_length=50)


class EventOut(BaseModel):
    at: datetime
    kind: str
    actor: str
    from_status: str | None
    to_status: str | None
    body: str | None


class CsatOut(BaseModel):
    score: int
    comment: str | None
    at: datetime


class TicketRef(BaseModel):
    number: int
    summary: str
    status: str


class FileOut(BaseModel):
    """A file the customer sent in the chat (a screenshot, a log), kept by the API."""

    id: str
    filename: str
    mime_type: str
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="SHA-256 of the content, hex.")
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Where support staff and the ticket's verified contact download it."""
        return f"/api/v1/files/{self.id}"


class TicketOut(BaseModel):
    number: int
    status: Status
    priority: str
    impact: str
    urgency: str
    company_code: str
    contact_name: str
    contact_email: str
    contact_phone: str | None
    verified: bool = Field(description="Contact and company were verified (portal token, known phone, key).")
    channel: str
    language: str
    country: str | None
    product: str
    module: str
    version: str
    environment: str
    summary: str
    description: str
    error_message: str | None
    steps_to_reproduce: str | None
    since_when: str | None
    third_party_type: str | None
    calendar: str
    time_zone: str = Field("UTC", description="Time zone of the support calendar, to show due times locally.")
    first_response_due: datetime
    resolution_due: datetime
    first_response_at: datetime | None
    status_deadline: datetime | None = Field(
        description="When a ticket pending the customer, or resolved, closes by itself."
    )
    resolved_at: datetime | None
    closed_at: datetime | None
    attachments: list[str] = Field(description="Links the customer gave.")
    files: list[FileOut] = Field(default_factory=list, description="Files the customer sent in the chat.")
    articles_shown: list[ArticleShown]
    transcript: list[TranscriptLine]
    follow_up_of: int | None
    created_at: datetime
    updated_at: datetime
    events: list[EventOut]
    csat: CsatOut | None
    similar_open_tickets: list[TicketRef] = Field(
        default_factory=list, description="Open tickets of the same company and product that look alike."
    )


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int
    page: int
    page_size: int


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    body: str = Field(min_length=1, max_length=10000)
    attachments: list[Link] = Field(default_factory=list, max_length=20)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Action
    note: str | None = Field(None, max_length=5000)
    third_party_type: ThirdPartyType | None = Field(
        None, description="Required with wait_third_party: the kind of development issue."
    )


class CsatIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=5000)


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    description: str = Field(min_length=10, max_length=10000)


class SimilarQuery(BaseModel):
    company_code: str = Field(min_length=1, max_length=40)
    product: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=3, max_length=10000)


class PriorityPreview(BaseModel):
    impact: Level
    urgency: Level
    priority: str
    calendar: str
    time_zone: str
    first_response_due: datetime
    resolution_due: datetime
    impact_definition: str
    urgency_definition: str
