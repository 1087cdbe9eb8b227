"""Form sessions: one signed token per opened form, naming a conversation the API made.

The conversation ties together what happens in one form: the files uploaded, the suggestions shown
and "this solved it", and the ticket. The browser only carries the token; since the API signed it,
nobody can attach files to, or record deflections in, a conversation they were not given.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from api.portal.signing import SignedTokens
from core.languages import Language

SESSION_LIFETIME = timedelta(hours=24)
PURPOSE = "form-session"


@dataclass(frozen=True)
class FormSession:
    conversation: str  # form-<32 hex>
    language: Language
    expires_at: datetime


class FormSessions:
    def __init__(self, secret: str) -> None:
        self._tokens = SignedTokens(secret, PURPOSE)

    def open(self, language: Language, now: datetime) -> tuple[str, FormSession]:
        """A new session for a form being opened now, and its token."""
        session = FormSession(f"form-{secrets.token_hex(16)}", language, now + SESSION_LIFETIME)
        return self._tokens.sign({"c": session.conversation, "l": language}, session.expires_at), session

    def read(self, token: str, now: datetime) -> FormSession:
        """The session a token names; ``TokenRejected`` when forged or expired."""
        payload = self._tokens.read(token, now)  # signed by this API: its fields are as it wrote them
        expires = datetime.fromtimestamp(payload["exp"], UTC)
        return FormSession(payload["c"], cast(Language, payload["l"]), expires)
