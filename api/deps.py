"""Dependencies injected into route handlers."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from api.auth import Principal, RateLimiter, find_principal
from api.identity.end_users import EndUser, IdentityRejected, IdentitySigner
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


def get_identity_signer(request: Request) -> IdentitySigner:
    signer: IdentitySigner = request.app.state.identity_signer
    return signer


SessionDep = Annotated[Session, Depends(get_session)]
NowDep = Annotated[datetime, Depends(get_now)]
IdentitySignerDep = Annotated[IdentitySigner, Depends(get_identity_signer)]


def _within(limiter: RateLimiter, caller: Hashable, who: str) -> None:
    wait = limiter.retry_after(caller)
    if wait:
        raise HTTPException(
            429, f"Too many requests from {who}; retry in {wait} s.", headers={"Retry-After": str(wait)}
        )


EndUserHeader = Annotated[
    str | None,
    Header(max_length=200, description="Who the channel serves (its conversation id): limited per end user."),
]


def get_principal(
    request: Request,
    session: SessionDep,
    x_api_key: Annotated[str | None, Header(description="Your API key.", max_length=200)] = None,
    x_end_user: EndUserHeader = None,
) -> Principal:
    if not x_api_key:
        raise HTTPException(401, "Missing X-API-Key header; ask your administrator for an API key.")
    principal = find_principal(session, x_api_key)
    if principal is None:
        raise HTTPException(401, "Unknown or revoked API key; check the X-API-Key header.")
    if principal.is_service and x_end_user:
        # A channel's key carries every customer's traffic: it is limited per customer it names.
        _within(request.app.state.end_user_limiter, (principal.key_id, x_end_user), "this end user")
    else:
        _within(request.app.state.rate_limiter, principal.key_id, "this API key")
    return principal


def limit_open_caller(
    request: Request,
    session: SessionDep,
    x_api_key: Annotated[str | None, Header(description="Optional API key.", max_length=200)] = None,
    x_end_user: EndUserHeader = None,
) -> None:
    """Endpoints open without a key are limited per client address; with a key, as keyed calls."""
    if x_api_key:
        get_principal(request, session, x_api_key, x_end_user)
        return
    address = request.client.host if request.client else "unknown"
    _within(request.app.state.client_limiter, address, "this address")


def get_end_user(
    signer: IdentitySignerDep,
    now: NowDep,
    x_end_user_token: Annotated[
        str | None, Header(max_length=4096, description="The verified customer's identity (/identity/*).")
    ] = None,
) -> EndUser | None:
    if not x_end_user_token:
        return None
    try:
        return signer.read(x_end_user_token, now)
    except IdentityRejected as exc:
        raise HTTPException(401, str(exc)) from exc


SearcherDep = Annotated[Searcher, Depends(get_searcher)]
SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
ServiceMetricsDep = Annotated[ServiceMetrics, Depends(get_service_metrics)]
RulesDep = Annotated[Rules, Depends(get_rules)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
EndUserDep = Annotated[EndUser | None, Depends(get_end_user)]
OpenCaller = Depends(limit_open_caller)
