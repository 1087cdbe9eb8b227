"""What the form's endpoints keep for the life of the app: their signers and the suggestion cache.

Made on first use, once per app: the keys derive from IDENTITY_SECRET (or, when it is unset, from a
secret of this start only, as the end-user identities do), so sessions survive a restart exactly
when identities do.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.portal.sessions import FormSessions
from api.portal.suggestions import Suggester, SuggestionTokens
from core.settings import Settings

_MAKING = threading.Lock()


@dataclass(frozen=True)
class PortalState:
    sessions: FormSessions
    tokens: SuggestionTokens
    suggester: Suggester


def portal_state(request: Request) -> PortalState:
    state: PortalState | None = getattr(request.app.state, "portal", None)
    if state is not None:
        return state
    with _MAKING:
        state = getattr(request.app.state, "portal", None)
        if state is None:
            settings: Settings = request.app.state.settings
            secret = settings.identity_secret or secrets.token_urlsafe(32)
            state = PortalState(FormSessions(secret), SuggestionTokens(secret), Suggester())
            request.app.state.portal = state
    return state


PortalDep = Annotated[PortalState, Depends(portal_state)]
