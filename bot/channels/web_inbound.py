"""What the web channels (REST and socket.io) do with a customer's message before Rasa sees it.

Both read the same three things from the client (conversation id, text, metadata), refuse what
``inbound_limits`` refuses, and hand Rasa the masked text with the metadata only a channel may
set: the client's language and, when its portal token was verified, the customer's ``identity``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from channels.end_user_identity import ApiFactory, PortalIdentities, end_user_metadata
from channels.inbound_limits import ClientMetadata, checked_sender, checked_text, client_metadata
from channels.secret_masking import mask_secrets, needs_masking


@dataclass(frozen=True)
class WebMessage:
    """A client's message, checked but not yet masked."""

    sender_id: str
    text: str
    client: ClientMetadata


def web_message(sender: Any, text: Any, metadata: Any) -> WebMessage:
    """The message a client sent; raises ``Refused`` for a missing sender or a wrong type or size."""
    return WebMessage(checked_sender(sender), checked_text(text), client_metadata(metadata))


async def made_safe(
    message: WebMessage, portal: PortalIdentities, api: ApiFactory
) -> Tuple[Optional[str], Dict[str, Any]]:
    """The masked text and the metadata to store; raises ``MaskingUnavailable``.

    The identity exchange and the masking run together, so a slow API delays the message once.
    """
    metadata_call = end_user_metadata(message.client, portal)
    if not needs_masking(message.text):
        return message.text, await metadata_call
    metadata, text = await asyncio.gather(
        metadata_call, mask_secrets(str(message.text), api().as_end_user(message.sender_id))
    )
    return text, metadata
