"""Settings of the WhatsApp channel: WHATSAPP_* variables, else the channel's keys in credentials.yml."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any, Dict, List, Optional, Text

DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"
# Settings that may stay empty: without a memory URL the channel remembers in this process only.
OPTIONAL = ("memory_url",)


@dataclass(frozen=True)
class WhatsAppConfig:
    """Credentials and settings of one WhatsApp business phone number."""

    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""
    api_base: str = DEFAULT_API_BASE
    template_name: str = ""
    template_language: str = "pt_BR"
    memory_url: str = ""  # a SQLAlchemy URL (SQLite or PostgreSQL): the memory then survives a restart

    @classmethod
    def load(cls, credentials: Optional[Dict[Text, Any]] = None) -> WhatsAppConfig:
        """WHATSAPP_* variables, falling back to the lower-case keys given in credentials.yml."""
        given = credentials or {}
        values = {}
        for field in fields(cls):
            value = os.environ.get(f"WHATSAPP_{field.name.upper()}") or given.get(field.name)
            if value:
                values[field.name] = str(value)
        return cls(**values)

    @property
    def messages_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/{self.phone_number_id}/messages"

    def missing(self) -> List[str]:
        """The variables of the required settings left empty."""
        return [
            f"WHATSAPP_{field.name.upper()}"
            for field in fields(self)
            if field.name not in OPTIONAL and not getattr(self, field.name)
        ]
