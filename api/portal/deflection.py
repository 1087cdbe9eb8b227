"""What the form tells the insights: an article opened, "this solved it", a ticket opened anyway.

Recorded as conversation events of the session's conversation with channel ``form``, through the
same path as the bot's events (sender hashed, question masked), so the summary counts a form
deflection exactly like a chat one: a confident answer shown and confirmed solved.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.insights.events import conversation_key, record_event
from api.insights.models import ConversationEvent
from api.insights.schemas import EventIn, ShownArticle
from api.portal.suggestions import SuggestionClaim
from api.tickets.models import Ticket
from core.languages import Language

CHANNEL = "form"


def _recorded(session: Session, conversation: str, kind: str, article_id: str) -> bool:
    """Whether this article already got this event in this conversation (a click sent twice)."""
    found = session.scalar(
        select(ConversationEvent.id).where(
            ConversationEvent.conversation == conversation_key(conversation),
            ConversationEvent.kind == kind,
            ConversationEvent.article_id == article_id,
        )
    )
    return found is not None


def record_viewed(session: Session, claim: SuggestionClaim, now: datetime) -> None:
    """The customer opened a suggested article (once per session and article)."""
    if _recorded(session, claim.conversation, "article_viewed", claim.article_id):
        return
    event = EventIn(
        kind="article_viewed", conversation=claim.conversation, channel=CHANNEL, lang=claim.language,
        product=claim.product, article_id=claim.article_id,
    )  # fmt: skip
    record_event(session, event, now)


def record_solved(session: Session, claim: SuggestionClaim, now: datetime) -> None:
    """ "This solved it": the text typed as the question answered by the article, and the feedback."""
    if _recorded(session, claim.conversation, "feedback", claim.article_id):
        return
    question = EventIn(
        kind="question", conversation=claim.conversation, channel=CHANNEL, lang=claim.language,
        product=claim.product, question=claim.question, confident=True,
        articles=[ShownArticle(article_id=claim.article_id, score=claim.score)],
    )  # fmt: skip
    record_event(session, question, now)
    feedback = EventIn(
        kind="feedback", conversation=claim.conversation, channel=CHANNEL, lang=claim.language,
        product=claim.product, article_id=claim.article_id, solved=True,
    )  # fmt: skip
    record_event(session, feedback, now)


def record_ticket_opened(session: Session, conversation: str, ticket: Ticket, now: datetime) -> None:
    language = cast(Language, ticket.language)  # a ticket's language is always one of them
    event = EventIn(
        kind="ticket_opened", conversation=conversation, channel=CHANNEL, lang=language,
        product=ticket.product, ticket_number=ticket.number,
    )  # fmt: skip
    record_event(session, event, now)
