from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import NowDep, RulesDep
from api.tickets.priority import LEVELS, Level
from api.tickets.schemas import PriorityPreview
from core.languages import Language

router = APIRouter(tags=["tickets"])


@router.get("/priority/definitions")
def priority_definitions(rules: RulesDep, language: Language = "pt-BR") -> dict[str, dict[str, str]]:
    """What each impact and urgency level means, in the customer's language (to ask for them)."""
    return {
        field: {level: rules.priority.definition(field, level, language) for level in LEVELS}
        for field in ("impact", "urgency")
    }


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
        time_zone=calendar.timezone,
        first_response_due=calendar.add_business_hours(now, sla.first_response),
        resolution_due=calendar.add_business_hours(now, sla.resolution),
        impact_definition=rules.priority.definition("impact", impact, language),
        urgency_definition=rules.priority.definition("urgency", urgency, language),
    )
