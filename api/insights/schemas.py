"""Typed bodies of the events endpoint and the insights reports."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from core.languages import Language

EventKind = Literal["question", "feedback", "ticket_opened", "handoff", "article_viewed"]
GroupBy = Literal["day", "lang", "channel", "product"]


class ShownArticle(BaseModel):
    article_id: str = Field(min_length=1, max_length=200)
    score: float


class EventIn(BaseModel):
    """One thing that happened in a conversation, as the bot reports it."""

    kind: EventKind
    conversation: str = Field(min_length=1, max_length=200, description="The channel's sender id (hashed).")
    channel: Literal["web", "whatsapp", "api", "form"] = "web"
    lang: Language = "pt-BR"
    product: str | None = Field(None, max_length=80)
    question: str | None = Field(None, max_length=2000, description="kind question: the user's words.")
    articles: list[ShownArticle] = Field(default_factory=list, max_length=20)
    confident: bool | None = Field(None, description="kind question: whether an answer was given.")
    article_id: str | None = Field(
        None, max_length=200, description="kind feedback: the article judged; article_viewed: the one opened."
    )
    solved: bool | None = Field(None, description="kind feedback: did the answer solve it?")
    ticket_number: int | None = Field(None, ge=1, description="kind ticket_opened: the ticket.")

    @model_validator(mode="after")
    def fields_of_the_kind_are_present(self) -> Self:
        required = {
            "question": ("question", "confident"),
            "feedback": ("solved",),
            "ticket_opened": ("ticket_number",),
            "handoff": (),
            "article_viewed": ("article_id",),
        }[self.kind]
        missing = [name for name in required if getattr(self, name) is None]
        if missing:
            raise ValueError(f"an event of kind {self.kind!r} needs {', '.join(missing)}")
        return self


class EventCreated(BaseModel):
    id: int


class DeflectionMetrics(BaseModel):
    conversations: int = Field(description="Support conversations: at least one question asked.")
    answered: int = Field(description="Conversations where a confident answer was shown.")
    deflected: int = Field(description="Answered and confirmed solved, or no ticket within the window.")
    pending: int = Field(description="Answered, no feedback or ticket yet, window not over: not counted.")
    deflection_rate: float | None = Field(description="deflected / (conversations - pending).")
    tickets: int = Field(description="Tickets opened through the bot.")
    tickets_after_answer: int = Field(description="Tickets opened in a conversation that had an answer.")
    ticket_completeness: float | None = Field(description="Mean share of ticket fields filled, 0..1.")
    handoffs: int
    unanswered_questions: int = Field(description="Questions with no confident answer.")
    csat_average: float | None = Field(description="Mean CSAT (1 to 5) of the bot's tickets answered.")
    csat_responses: int


class GroupMetrics(DeflectionMetrics):
    key: str


class Summary(BaseModel):
    start: date
    end: date
    group_by: GroupBy
    deflection_window_hours: int
    overall: DeflectionMetrics
    groups: list[GroupMetrics]


class ArticleHelpfulness(BaseModel):
    article_id: str
    title: str
    shown: int
    solved: int
    not_solved: int
    viewed: int = Field(description="Times it was opened from a suggestion (the form: once per session).")
    helpfulness: float | None = Field(description="solved / (solved + not_solved).")


class ArticlesReport(BaseModel):
    start: date
    end: date
    articles: list[ArticleHelpfulness]


class GapCluster(BaseModel):
    label: str = Field(description="The question nearest the cluster's centre.")
    count: int
    examples: list[str]
    languages: dict[str, int]


class GapsReport(BaseModel):
    start: date
    end: date
    clusters: list[GapCluster]
