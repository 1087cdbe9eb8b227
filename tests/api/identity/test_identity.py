"""Verifying who is chatting: the portal's signed token, a WhatsApp number, and the known contacts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.clock import ManualClock
from tests.support.api_app import keys_of_each_kind, running_api

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
PORTAL_SECRET = "portal-shared-secret-of-at-least-32-bytes"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    RSA_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
ANA = {
    "name": "Ana Souza",
    "email": "Ana@Acme.com",
    "company_code": "ACME",
    "country": "BR",
    "language": "pt-BR",
}


@pytest.fixture(scope="module")
def app(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    database = f"sqlite:///{tmp_path_factory.mktemp('identity') / 'support.db'}"
    with running_api(
        database, index_dir, ManualClock(NOW), portal_token_secret=PORTAL_SECRET,
        portal_token_public_key=PUBLIC_PEM, identity_secret="api-identity-secret-of-at-least-32-bytes",
    ) as application:  # fmt: skip
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def keys(app: FastAPI) -> dict[str, str]:
    return keys_of_each_kind(app)


def portal_token(
    algorithm: str = "HS256", expires: datetime = NOW + timedelta(hours=1), **claims: Any
) -> str:
    key: Any = PORTAL_SECRET if algorithm == "HS256" else RSA_KEY
    return jwt.encode({**ANA, "exp": expires, **claims}, key, algorithm=algorithm)


def verify(client: TestClient, key: str, token: str) -> Any:
    return client.post("/api/v1/identity/portal", json={"token": token}, headers={"X-API-Key": key})


@pytest.mark.parametrize("algorithm", ["HS256", "RS256"])
def test_a_portal_token_becomes_the_apis_identity_of_that_customer(
    client: TestClient, keys: dict[str, str], algorithm: str
) -> None:
    response = verify(client, keys["bot"], portal_token(algorithm))
    assert response.status_code == 200, response.text
    identity = response.json()
    assert (identity["email"], identity["company_code"], identity["proof"]) == (
        "ana@acme.com",
        "ACME",
        "portal",
    )
    assert datetime.fromisoformat(identity["expires_at"]) == NOW + timedelta(minutes=60)
    # The identity lets the bot read Ana's tickets: here, her (empty) list.
    headers = {"X-API-Key": keys["bot"], "X-End-User-Token": identity["token"]}
    assert client.get("/api/v1/tickets", headers=headers).json()["total"] == 0


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (portal_token(expires=NOW - timedelta(seconds=1)), "expired"),
        (
            jwt.encode({**ANA, "exp": NOW + timedelta(hours=1)}, "another-secret-of-at-least-32-bytes!!"),
            "not valid",
        ),
        (jwt.encode({**ANA, "exp": NOW + timedelta(hours=1)}, "", algorithm="none"), "'none'"),
        (
            jwt.encode(
                {**ANA, "exp": NOW + timedelta(hours=1)}, PUBLIC_PEM.encode().hex(), algorithm="HS384"
            ),
            "HS384",
        ),
        (jwt.encode({"name": "Ana", "exp": NOW + timedelta(hours=1)}, PORTAL_SECRET), "email"),
        (portal_token(company_code="ACME; DROP"), "company_code"),
        (jwt.encode({**ANA}, PORTAL_SECRET), "exp"),
    ],
    ids=["expired", "wrong-secret", "alg-none", "other-alg", "missing-claims", "bad-company", "no-expiry"],
)
def test_a_token_the_portal_did_not_sign_properly_proves_nothing(
    client: TestClient, keys: dict[str, str], token: str, reason: str
) -> None:
    response = verify(client, keys["bot"], token)
    assert response.status_code == 401
    assert reason in response.json()["detail"]


def test_only_the_channels_key_verifies_end_users(client: TestClient, keys: dict[str, str]) -> None:
    assert verify(client, keys["acme"], portal_token()).status_code == 403
    assert client.post("/api/v1/identity/portal", json={"token": portal_token()}).status_code == 401


def test_a_known_phone_is_its_contact_and_an_unknown_one_is_nobody(
    client: TestClient, keys: dict[str, str]
) -> None:
    admin, bot = {"X-API-Key": keys["admin"]}, {"X-API-Key": keys["bot"]}
    contact = {"name": "Carlos Pérez", "email": "carlos@hotel.mx", "company_code": "HOTELMX", "country": "MX"}
    assert (
        client.put("/api/v1/customer-contacts/5215512345678", json=contact, headers=admin).status_code == 200
    )
    known = client.post("/api/v1/identity/phone", json={"phone": "+52 1 55 1234 5678"}, headers=bot)
    assert known.status_code == 200
    assert (known.json()["company_code"], known.json()["proof"]) == ("HOTELMX", "whatsapp")
    unknown = client.post("/api/v1/identity/phone", json={"phone": "+52 1 55 0000 0000"}, headers=bot)
    assert unknown.status_code == 404 and "unverified" in unknown.json()["detail"]


def test_support_staff_manage_the_known_contacts(client: TestClient, keys: dict[str, str]) -> None:
    admin = {"X-API-Key": keys["admin"]}
    contact = {"name": "Dora Lima", "email": "dora@acme.com", "company_code": "ACME"}
    assert (
        client.put(
            "/api/v1/customer-contacts/5511977776666", json=contact, headers={"X-API-Key": keys["bot"]}
        ).status_code
        == 403
    )
    client.put("/api/v1/customer-contacts/5511977776666", json=contact, headers=admin)
    listed = client.get("/api/v1/customer-contacts", params={"company_code": "ACME"}, headers=admin).json()
    assert [item["phone"] for item in listed["items"]] == ["5511977776666"]
    assert client.delete("/api/v1/customer-contacts/5511977776666", headers=admin).status_code == 204
    bot = {"X-API-Key": keys["bot"]}
    assert (
        client.post("/api/v1/identity/phone", json={"phone": "+5511977776666"}, headers=bot).status_code
        == 404
    )
    bad = client.put(
        "/api/v1/customer-contacts/5511977776666", json={**contact, "email": "dora"}, headers=admin
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "email"]
