"""What the portal's form sends, for the tests: a portal token, a session, a filled form, suggestions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi.testclient import TestClient

# Monday 2 March 2026, 15:00 UTC = 09:00 in Mexico City, 12:00 in São Paulo.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
PORTAL_SECRET = "portal-shared-secret-of-at-least-32-bytes"
IDENTITY_SECRET = "api-identity-secret-of-at-least-32-bytes"
ANA = {"name": "Ana Souza", "email": "Ana@Acme.com", "company_code": "ACME", "country": "BR"}


def portal_token(expires: datetime = NOW + timedelta(hours=1), **claims: Any) -> str:
    """The JWT the customer portal signs for its logged-in user (Ana by default)."""
    return jwt.encode({**ANA, "exp": expires, **claims}, PORTAL_SECRET, algorithm="HS256")


def open_session(client: TestClient, language: str = "es", **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/portal/sessions", json={"language": language, **body})
    assert response.status_code == 201, response.text
    opened: dict[str, Any] = response.json()
    return opened


def filled_form(**overrides: Any) -> dict[str, Any]:
    """The form as a Mexican customer fills it in, in her own words."""
    form = {
        "language": "es",
        "country": "mx",
        "contact_name": "Lucía Hernández",
        "contact_email": "Lucia@Hotel.mx",
        "contact_phone": "+52 55 1234 5678",
        "company_code": "HOTELMX",
        "product": "protheus",
        "module": "facturacion",
        "version": "12.1.2410",
        "environment": "producción",
        "summary": "Error al timbrar CFDI",
        "description": "Desde ayer el timbrado de CFDI devuelve el error 301 en producción.",
        "since_when": "desde ayer",
        "error_message": "301 - Documento inválido",
        "impact": "alta",
        "urgency": "media",
    }
    return {**form, **overrides}


def submit(client: TestClient, session: str, form: dict[str, Any], **headers: str) -> Any:
    return client.post("/api/v1/portal/tickets", json=form, headers={"X-Form-Session": session, **headers})


def suggestions(client: TestClient, session: str, q: str, language: str = "es", **params: str) -> Any:
    query = {"q": q, "language": language, "session": session, **params}
    return client.get("/api/v1/portal/suggestions", params=query)
