"""The identity exchange the channels share (channels/end_user_identity.py), against the stand-in API
through the real SupportApi client: what is cached, for how long, and within what bounds.
"""

import time
from datetime import timedelta
from typing import AsyncIterator

import pytest
import pytest_asyncio
from channel_harness import KNOWN_PHONE, PORTAL_JWT, PORTAL_USER, SupportApiStandIn, support_api_stand_in
from whatsapp_harness import Clock

from channels.end_user_identity import (
    EXPIRY_MARGIN_SECONDS,
    PHONE_CACHE_SECONDS,
    PhoneIdentities,
    PortalIdentities,
    expiry,
    identity_from,
)
from shared.support_api import SupportApi

PORTAL_PATH = "/api/v1/identity/portal"
PHONE_PATH = "/api/v1/identity/phone"


@pytest_asyncio.fixture
async def api() -> AsyncIterator[SupportApiStandIn]:
    async with support_api_stand_in() as stand_in:
        yield stand_in


def portal(api: SupportApiStandIn, clock: Clock, size: int = 100) -> PortalIdentities:
    return PortalIdentities(lambda: SupportApi(base_url=api.url, api_key="service-key"), clock, size)


def phones(api: SupportApiStandIn, clock: Clock) -> PhoneIdentities:
    return PhoneIdentities(lambda: SupportApi(base_url=api.url, api_key="service-key"), clock)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("2025-06-08T21:00:00Z", 1749416400.0),
        ("2025-06-08T21:00:00.250000Z", 1749416400.25),
        ("2025-06-08T21:00:00+00:00", 1749416400.0),
        ("2025-06-08T18:00:00-03:00", 1749416400.0),
        ("2025-06-08T21:00:00", 1749416400.0),  # no zone: the API's is UTC
    ],
)
def test_the_apis_expiry_is_read_as_pydantic_writes_it(value: str, seconds: float) -> None:
    assert expiry(value) == seconds


@pytest.mark.parametrize("value", [None, "", "tomorrow", 1749416400])
def test_an_unreadable_expiry_is_none(value: object) -> None:
    assert expiry(value) is None


def test_an_answer_without_a_token_is_no_identity() -> None:
    assert identity_from({"name": "Ana", "email": "ana@acme.com.br"}) is None
    assert identity_from({"token": "", "name": "Ana"}) is None
    assert identity_from({"token": "t", "name": "Ana", "extra": "dropped"}) == {
        "token": "t", "name": "Ana", "expires_at": None, "email": None, "company_code": None,
        "proof": None, "country": None, "language": None, "phone": None,
    }  # fmt: skip


@pytest.mark.asyncio
async def test_the_exchange_sends_the_service_key_and_answers_the_apis_identity(
    api: SupportApiStandIn,
) -> None:
    identity = await portal(api, Clock(time.time())).verify(PORTAL_JWT)
    assert identity is not None
    assert identity["token"] == "api-identity-1"
    assert {key: identity[key] for key in PORTAL_USER} == PORTAL_USER
    [call] = [call for call in api.calls if call["path"] == PORTAL_PATH]
    assert call["json"] == {"token": PORTAL_JWT}
    assert call["headers"]["X-API-Key"] == "service-key"


@pytest.mark.asyncio
async def test_a_portal_identity_is_cached_until_shortly_before_it_expires(api: SupportApiStandIn) -> None:
    clock = Clock(time.time())
    identities = portal(api, clock)
    await identities.verify(PORTAL_JWT)
    clock.now += 3600 - EXPIRY_MARGIN_SECONDS - 5  # the stand-in's identities last an hour
    assert (await identities.verify(PORTAL_JWT) or {})["token"] == "api-identity-1"
    clock.now += 10  # within the margin: asked again
    assert (await identities.verify(PORTAL_JWT) or {})["token"] == "api-identity-2"
    assert len(api.paths(PORTAL_PATH)) == 2


@pytest.mark.asyncio
async def test_an_identity_about_to_expire_is_not_cached(api: SupportApiStandIn) -> None:
    api.lifetime = timedelta(seconds=EXPIRY_MARGIN_SECONDS / 2)
    identities = portal(api, Clock(time.time()))
    await identities.verify(PORTAL_JWT)
    await identities.verify(PORTAL_JWT)
    assert len(api.paths(PORTAL_PATH)) == 2


@pytest.mark.asyncio
async def test_the_portal_cache_is_bounded_and_forgets_the_oldest(api: SupportApiStandIn) -> None:
    tokens = [f"{PORTAL_JWT}.{n}" for n in range(3)]
    api.portal_tokens.update({token: PORTAL_USER for token in tokens})
    identities = portal(api, Clock(time.time()), size=2)
    for token in tokens:
        await identities.verify(token)
    assert len(identities.cache) == 2
    await identities.verify(tokens[0])  # forgotten: asked again
    await identities.verify(tokens[2])  # still known
    assert [call["token"] for call in api.paths(PORTAL_PATH)] == [*tokens, tokens[0]]


@pytest.mark.asyncio
async def test_a_refused_portal_token_is_no_identity_and_is_not_cached(api: SupportApiStandIn) -> None:
    identities = portal(api, Clock(time.time()))
    assert await identities.verify("eyJ.forged.token") is None
    assert await identities.verify("eyJ.forged.token") is None
    assert len(identities.cache) == 0


@pytest.mark.asyncio
async def test_an_unreachable_api_is_no_identity(api: SupportApiStandIn) -> None:
    identities = PortalIdentities(lambda: SupportApi(base_url="http://127.0.0.1:9"), Clock(time.time()))
    assert await identities.verify(PORTAL_JWT) is None


@pytest.mark.asyncio
async def test_a_known_number_is_cached_for_a_few_minutes(api: SupportApiStandIn) -> None:
    clock = Clock(time.time())
    identities = phones(api, clock)
    assert (await identities.lookup(KNOWN_PHONE) or {})["proof"] == "whatsapp"
    clock.now += PHONE_CACHE_SECONDS - 1
    await identities.lookup(KNOWN_PHONE)
    assert len(api.paths(PHONE_PATH)) == 1
    clock.now += 2
    await identities.lookup(KNOWN_PHONE)
    assert api.paths(PHONE_PATH) == [{"phone": KNOWN_PHONE}] * 2


@pytest.mark.asyncio
async def test_an_unknown_number_is_no_identity_and_remembered(api: SupportApiStandIn) -> None:
    identities = phones(api, Clock(time.time()))
    assert await identities.lookup("+5521900000000") is None
    assert await identities.lookup("+5521900000000") is None
    assert len(api.paths(PHONE_PATH)) == 1
