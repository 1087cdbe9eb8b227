"""Dependencies injected into route handlers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from api.auth import Principal, RateLimiter, find_principal
from api.observability import ServiceMetrics
from api.tickets.service import Rules
from core.settings import Settings
from search.searcher import Searcher


def get_searcher(request: Request) -> Searcher:
    searcher: Searcher | None = getattr(request.app.state, "searcher", None)
    if searcher is None:
        raise HTTPException(503, "The search index is not loaded yet; retry in a few seconds.")
    return searcher


def get_settings_of_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_service_metrics(request: Request) -> ServiceMetrics:
    metrics: ServiceMetrics = request.app.state.service_metrics
    return metrics


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


def get_rules(request: Request) -> Rules:
    rules: Rules = request.app.state.rules
    return rules


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(
    request: Request,
    session: SessionDep,
    x_api_key: Annotated[str | None, Header(description="Your API key.")] = None,
) -> Principal:
    if not x_api_key:
        raise HTTPException(401, "Missing X-API-Key header; ask your administrator for an API key.")
    principal = find_principal(session, x_api_key)
    if principal is None:
        raise HTTPException(401, "Unknown API key; check the X-API-Key header.")
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.retry_after(principal.key_id)
    if wait:
        raise HTTPException(
            429, f"Too many requests for this API key; retry in {wait} s.", headers={"Retry-After": str(wait)}
        )
    return principal


SearcherDep = Annotated[Searcher, Depends(get_searcher)]
SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
ServiceMetricsDep = Annotated[ServiceMetrics, Depends(get_service_metrics)]
NowDep = Annotated[datetime, Depends(get_now)]
RulesDep = Annotated[Rules, Depends(get_rules)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
