"""Deflection metrics from conversation events.

A conversation is a *support conversation* once a question is asked in it. It is *deflected* when
a confident answer was shown and either the user confirmed it solved the problem, or no ticket
followed within the deflection window. While the window is still open, with no feedback and no
ticket, it is *pending* and left out of the rate. A conversation is grouped by its first question
(day, language, channel, product).

Usage::

    summary(events, csat, window=timedelta(hours=24), now=now, group_by="day")
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from api.insights.models import ConversationEvent
from api.insights.schemas import ArticleHelpfulness, DeflectionMetrics, GroupBy


@dataclass
class Conversation:
    events: list[ConversationEvent] = field(default_factory=list)

    @property
    def first_question(self) -> ConversationEvent | None:
        return next((e for e in self.events if e.kind == "question"), None)

    @property
    def first_answer(self) -> ConversationEvent | None:
        return next((e for e in self.events if e.kind == "question" and e.confident), None)

    def of_kind(self, kind: str) -> list[ConversationEvent]:
        return [e for e in self.events if e.kind == kind]


def conversations(events: Iterable[ConversationEvent]) -> dict[str, Conversation]:
    grouped: dict[str, Conversation] = defaultdict(Conversation)
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        grouped[event.conversation].events.append(event)
    return dict(grouped)


def group_key(conversation: Conversation, group_by: GroupBy) -> str:
    first = conversation.first_question or conversation.events[0]
    if group_by == "day":
        return first.at.date().isoformat()
    value = {"lang": first.lang, "channel": first.channel, "product": first.product}[group_by]
    return value or "—"


def metrics(
    chats: list[Conversation], csat: dict[int, int], window: timedelta, now: datetime
) -> DeflectionMetrics:
    """The metrics of a set of conversations; ``csat`` maps ticket number to its 1 to 5 score."""
    support = [c for c in chats if c.first_question is not None]
    answered = deflected = pending = 0
    for chat in support:
        answer = chat.first_answer
        if answer is None:
            continue
        answered += 1
        solved = any(e.solved for e in chat.of_kind("feedback"))
        ticket_soon = any(answer.at <= e.at <= answer.at + window for e in chat.of_kind("ticket_opened"))
        if solved or (not ticket_soon and now - answer.at >= window):
            deflected += 1
        elif not ticket_soon and not chat.of_kind("feedback"):
            pending += 1
    tickets = [e for c in chats for e in c.of_kind("ticket_opened")]
    after_answer = [
        e for c in chats for e in c.of_kind("ticket_opened") if c.first_answer and c.first_answer.at <= e.at
    ]
    completeness = [e.ticket_completeness for e in tickets if e.ticket_completeness is not None]
    scores = [csat[e.ticket_number] for e in tickets if e.ticket_number in csat]
    decided = len(support) - pending
    return DeflectionMetrics(
        conversations=len(support),
        answered=answered,
        deflected=deflected,
        pending=pending,
        deflection_rate=round(deflected / decided, 4) if decided else None,
        tickets=len(tickets),
        tickets_after_answer=len(after_answer),
        ticket_completeness=round(sum(completeness) / len(completeness), 4) if completeness else None,
        handoffs=sum(len(c.of_kind("handoff")) for c in chats),
        unanswered_questions=sum(1 for c in chats for e in c.of_kind("question") if not e.confident),
        csat_average=round(sum(scores) / len(scores), 2) if scores else None,
        csat_responses=len(scores),
    )


def by_group(
    chats: dict[str, Conversation],
    group_by: GroupBy,
    compute: Callable[[list[Conversation]], DeflectionMetrics],
) -> list[tuple[str, DeflectionMetrics]]:
    groups: dict[str, list[Conversation]] = defaultdict(list)
    for chat in chats.values():
        groups[group_key(chat, group_by)].append(chat)
    return [(key, compute(groups[key])) for key in sorted(groups)]


def helpfulness(events: Iterable[ConversationEvent], titles: dict[str, str]) -> list[ArticleHelpfulness]:
    """Per article: how often it was shown with a confident answer, opened, and the feedback it got."""
    shown: Counter[str] = Counter()
    solved: Counter[str] = Counter()
    not_solved: Counter[str] = Counter()
    viewed: Counter[str] = Counter()
    for event in events:
        if event.kind == "question" and event.confident:
            shown.update({article["article_id"] for article in event.articles})
        elif event.kind == "feedback" and event.article_id:
            (solved if event.solved else not_solved)[event.article_id] += 1
        elif event.kind == "article_viewed" and event.article_id:
            viewed[event.article_id] += 1
    articles = set(shown) | set(solved) | set(not_solved) | set(viewed)
    rows = [
        ArticleHelpfulness(
            article_id=article_id,
            title=titles.get(article_id, article_id),
            shown=shown[article_id],
            solved=solved[article_id],
            not_solved=not_solved[article_id],
            viewed=viewed[article_id],
            helpfulness=(
                round(solved[article_id] / (solved[article_id] + not_solved[article_id]), 4)
                if solved[article_id] + not_solved[article_id]
                else None
            ),
        )
        for article_id in articles
    ]
    return sorted(rows, key=lambda row: (-row.shown, -row.solved, row.article_id))
