"""Events from the bot and the deflection insights computed from them (admin key)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import NowDep, PrincipalDep, SearcherDep, SessionDep, SettingsDep
from api.insights.events import record_event
from api.insights.gaps import gap_clusters
from api.insights.metrics import by_group, conversations, helpfulness, metrics
from api.insights.models import ConversationEvent
from api.insights.schemas import (
    ArticlesReport,
    EventCreated,
    EventIn,
    GapsReport,
    GroupBy,
    GroupMetrics,
    Summary,
)
from api.tickets.models import CsatResponse

router = APIRouter(tags=["insights"])
DEFAULT_DAYS = 30
# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...) typed by a customer
# as a question would become a live link): such text is exported with a leading ' that makes it text.
# The full-width forms count too, as some spreadsheets read them as their ASCII twins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@router.post("/events", status_code=201, response_model=EventCreated)
def post_event(data: EventIn, principal: PrincipalDep, session: SessionDep, now: NowDep) -> EventCreated:
    """Record what happened in a conversation (the bot's service key, or an admin key)."""
    if not (principal.is_service or principal.is_admin):
        raise HTTPException(403, "only the bot's service key or an admin key may record events")
    return EventCreated(id=record_event(session, data, now).id)


class Period(BaseModel):
    start: date
    end: date

    def window(self) -> tuple[datetime, datetime]:
        return datetime.combine(self.start, time.min, UTC), datetime.combine(self.end, time.max, UTC)


def admin_period(
    principal: PrincipalDep,
    now: NowDep,
    start: Annotated[date | None, Query(description="First day (UTC), default 30 days ago.")] = None,
    end: Annotated[date | None, Query(description="Last day (UTC), default today.")] = None,
) -> Period:
    if not principal.is_admin:
        raise HTTPException(403, "insights need an admin key")
    last = end or now.date()
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise HTTPException(422, [{"loc": ["query", "start"], "msg": "start must not be after end"}])
    return Period(start=first, end=last)


PeriodDep = Annotated[Period, Depends(admin_period)]


def _events(session: Session, period: Period) -> Sequence[ConversationEvent]:
    first, last = period.window()
    query = select(ConversationEvent).where(ConversationEvent.at >= first, ConversationEvent.at <= last)
    return session.scalars(query).all()


def _csat(session: Session, events: Sequence[ConversationEvent]) -> dict[int, int]:
    numbers = {e.ticket_number for e in events if e.ticket_number is not None}
    if not numbers:
        return {}
    rows = session.scalars(select(CsatResponse).where(CsatResponse.ticket_number.in_(numbers)))
    return {row.ticket_number: row.score for row in rows}


@router.get("/insights/summary", response_model=Summary)
def summary(
    period: PeriodDep, session: SessionDep, now: NowDep, settings: SettingsDep, group_by: GroupBy = "day"
) -> Summary:
    """Deflection rate, tickets and their completeness, handoffs, unanswered questions and CSAT."""
    events = _events(session, period)
    csat = _csat(session, events)
    window = timedelta(hours=settings.deflection_window_hours)
    chats = conversations(events)

    groups = by_group(chats, group_by, lambda group: metrics(group, csat, window, now))
    return Summary(
        start=period.start,
        end=period.end,
        group_by=group_by,
        deflection_window_hours=int(window.total_seconds() // 3600),
        overall=metrics(list(chats.values()), csat, window, now),
        groups=[GroupMetrics(key=key, **values.model_dump()) for key, values in groups],
    )


@router.get("/insights/articles", response_model=ArticlesReport)
def articles(period: PeriodDep, session: SessionDep, searcher: SearcherDep) -> ArticlesReport:
    """Per article: shown with a confident answer, solved, not solved."""
    titles = {article_id: article.title for article_id, article in searcher.index.articles.items()}
    rows = helpfulness(_events(session, period), titles)
    return ArticlesReport(start=period.start, end=period.end, articles=rows)


@router.get("/insights/gaps", response_model=GapsReport)
def gaps(period: PeriodDep, session: SessionDep, searcher: SearcherDep) -> GapsReport:
    """Questions with no confident answer, clustered by meaning: the articles to write next."""
    clusters = gap_clusters(list(_events(session, period)), searcher.index.embedder)
    return GapsReport(start=period.start, end=period.end, clusters=clusters)


@router.get("/insights/export.csv", response_class=Response)
def export_csv(
    period: PeriodDep,
    session: SessionDep,
    searcher: SearcherDep,
    now: NowDep,
    settings: SettingsDep,
    report: Literal["summary", "articles", "gaps"] = "summary",
    group_by: GroupBy = "day",
) -> Response:
    """One report as CSV (UTF-8 with a header row), for spreadsheets."""
    rows: list[dict[str, object]]
    if report == "summary":
        rows = [g.model_dump() for g in summary(period, session, now, settings, group_by).groups]
    elif report == "articles":
        rows = [a.model_dump() for a in articles(period, session, searcher).articles]
    else:
        rows = [
            {**c.model_dump(exclude={"examples", "languages"}), "languages": _pairs(c.languages),
             "examples": " | ".join(c.examples)}
            for c in gaps(period, session, searcher).clusters
        ]  # fmt: skip
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({name: _as_text_cell(value) for name, value in row.items()} for row in rows)
    filename = f"insights-{report}-{period.start}-{period.end}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _as_text_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert; numbers (ours, never text) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _pairs(counts: dict[str, int]) -> str:
    return " ".join(f"{key}:{value}" for key, value in sorted(counts.items()))
