"""A complete, valid ticket body for tests that need one (change any field with keyword arguments), and
the headers of a verified customer."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.identity.end_users import EndUser


def ticket_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "contact_name": "Ana Souza",
        "contact_email": "Ana@Acme.com",
        "company_code": "ACME",
        "product": "Protheus",
        "module": "Faturamento",
        "version": "12.1.2410",
        "environment": "production",
        "summary": "Erro ao transmitir NF-e em produção",
        "description": "Ao transmitir a NF-e pelo SPED, a rotina retorna rejeição 539 desde ontem.",
        "error_message": "Rejeição 539: duplicidade de NF-e com diferença na chave de acesso",
        "impact": "high",
        "urgency": "medium",
        "channel": "web",
        "language": "es",
        "country": "MX",
    }
    return {**body, **overrides}


def customer_headers(
    app: FastAPI, key: str, company_code: str = "ACME", email: str = "ana@acme.com", **claims: Any
) -> dict[str, str]:
    """A channel's headers for a verified customer (``ticket_body``'s Ana by default)."""
    user = EndUser(
        name=claims.pop("name", "Ana Souza"), email=email, company_code=company_code,
        proof=claims.pop("proof", "portal"), **claims,
    )  # fmt: skip
    token, _ = app.state.identity_signer.sign(user, app.state.clock.now())
    return {"X-API-Key": key, "X-End-User-Token": token}
