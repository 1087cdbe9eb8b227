from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import NowDep, RulesDep
from api.tickets.priority import Level
from api.tickets.schemas import Language, PriorityPreview

router = APIRouter(prefix="/api/v1", tags=["tickets"])


@router.get("/priority", response_model=PriorityPreview)
def priority_preview(
    impact: Level,
    urgency: Level,
    rules: RulesDep,
    now: NowDep,
    language: Language = "pt-BR",
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
) -> PriorityPreview:
    """The priority a ticket would get and its due times if opened now (for the bot's summary)."""
    calendar = rules.calendars.for_customer(country, language)
    priority = rules.priority.priority(impact, urgency)
    sla = rules.priority.sla(priority)
    return PriorityPreview(
        impact=impact,
        urgency=urgency,
        priority=priority,
        calendar=calendar.name,
        first_response_due=calendar.add_business_hours(now, sla.first_response),
        resolution_due=calendar.add_business_hours(now, sla.resolution),
        impact_definition=rules.priority.definition("impact", impact, language),
        urgency_definition=rules.priority.definition("urgency", urgency, language),
    )
