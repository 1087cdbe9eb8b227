"""A complete, valid ticket body for tests that need one (change any field with keyword arguments)."""

from __future__ import annotations

from typing import Any


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
