"""The bot's messages out through the Graph API's messages endpoint, within Meta's limits and window.

A message goes ``to`` a phone number, or to a ``recipient`` known only by a business-scoped user id
(Meta's rule: the two fields are not interchangeable).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import OutputChannel

from channels.whatsapp.config import WhatsAppConfig
from channels.whatsapp.memory import ChannelMemory
from channels.whatsapp.message_kinds import is_phone_number
from channels.whatsapp.wording import (
    BUTTON_ID_LIMIT,
    BUTTON_TITLE_LIMIT,
    INTERACTIVE_BODY_LIMIT,
    LIST_BUTTON_LIMIT,
    LIST_ROWS_MAX,
    REPLY_BUTTONS_MAX,
    ROW_DESCRIPTION_LIMIT,
    ROW_ID_LIMIT,
    ROW_TITLE_LIMIT,
    SECTION_TITLE_LIMIT,
    one_line,
    split_text,
    wording,
)

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15)


def sender_in_logs(sender_id: str) -> str:
    """A phone number or user id as logs show it: enough to correlate, not to identify."""
    return f"…{sender_id[-4:]}"


def addressed(recipient_id: str) -> Dict[str, str]:
    """The field a message is addressed with: ``to`` for a phone number, ``recipient`` for a user id."""
    return {"to" if is_phone_number(recipient_id) else "recipient": recipient_id}


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages through the Graph API's messages endpoint."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, config: WhatsAppConfig, memory: ChannelMemory) -> None:
        self.config = config
        self.memory = memory

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in split_text(text):
            await self._send(
                recipient_id, self._body(recipient_id, "text", {"preview_url": True, "body": part})
            )

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        """As a link: Meta would have to fetch or be sent the file, and the link previews anyway."""
        await self.send_text_message(recipient_id, image)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """1-3 buttons become reply buttons, more a list message: WhatsApp's only ways to offer choices."""
        choices = [
            (
                str(button.get("title") or button.get("payload")),
                str(button.get("payload") or button.get("title")),
            )
            for button in buttons
            if button.get("title") or button.get("payload")
        ]
        if not choices:
            await self.send_text_message(recipient_id, text)
            return
        words = wording(recipient_id)
        body = (text or "").strip()
        if not body or len(body) > INTERACTIVE_BODY_LIMIT:
            await self.send_text_message(recipient_id, body)
            body = words["choose"]
        interactive = self._reply_buttons(body, choices) or self._list(body, choices, words["options"])
        await self._send(recipient_id, self._body(recipient_id, "interactive", interactive))

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """A message Rasa cannot describe (a template with parameters, say), posted as the domain gives it."""
        await self._send(
            recipient_id, {"messaging_product": "whatsapp", **addressed(recipient_id), **json_message}
        )

    def _body(self, recipient_id: str, kind: str, content: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **addressed(recipient_id),
            "type": kind,
            kind: content,
        }

    def _reply_buttons(self, body: str, choices: List[Tuple[str, str]]) -> Optional[Dict[str, Any]]:
        """Reply buttons, if there are at most three and their shortened titles stay distinct."""
        titles = [one_line(title, BUTTON_TITLE_LIMIT) for title, _ in choices]
        if len(choices) > REPLY_BUTTONS_MAX or len(set(titles)) < len(titles):
            return None
        buttons = [
            {"type": "reply", "reply": {"id": self.memory.reply_id(payload, BUTTON_ID_LIMIT), "title": title}}
            for title, (_, payload) in zip(titles, choices, strict=True)
        ]
        return {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}

    def _list(self, body: str, choices: List[Tuple[str, str]], label: str) -> Dict[str, Any]:
        """A list message; a shortened row title is shown whole as the row's description."""
        if len(choices) > LIST_ROWS_MAX:
            log.warning(
                "WhatsApp lists hold %d rows: the last %d options were dropped",
                LIST_ROWS_MAX,
                len(choices) - LIST_ROWS_MAX,
            )
        rows = []
        for title, payload in choices[:LIST_ROWS_MAX]:
            row = {
                "id": self.memory.reply_id(payload, ROW_ID_LIMIT),
                "title": one_line(title, ROW_TITLE_LIMIT),
            }
            if len(" ".join(title.split())) > ROW_TITLE_LIMIT:
                row["description"] = one_line(title, ROW_DESCRIPTION_LIMIT)
            rows.append(row)
        return {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": one_line(label, LIST_BUTTON_LIMIT),
                "sections": [{"title": one_line(label, SECTION_TITLE_LIMIT), "rows": rows}],
            },
        }

    async def _send(self, recipient_id: str, body: Dict[str, Any]) -> None:
        """Posts a message, or the template instead once the contact's 24-hour window has closed."""
        if body.get("type") == "template" or self.memory.window_open(recipient_id):
            await self._post(recipient_id, body)
            return
        if not self.config.template_name:
            log.warning(
                "WhatsApp contact %s is outside the 24-hour window and WHATSAPP_TEMPLATE_NAME is unset: "
                "%s message not sent",
                sender_in_logs(recipient_id),
                body.get("type"),
            )
        elif self.memory.template_due(recipient_id):
            template = {
                "name": self.config.template_name,
                "language": {"code": self.config.template_language},
            }
            if await self._post(recipient_id, self._body(recipient_id, "template", template)):
                self.memory.template_sent(recipient_id)
        else:
            log.info(
                "WhatsApp contact %s already got the template since writing: %s message not sent",
                sender_in_logs(recipient_id),
                body.get("type"),
            )

    async def _post(self, recipient_id: str, body: Dict[str, Any]) -> bool:
        """POSTs to the messages endpoint; Graph API errors are logged, never raised into Rasa."""
        headers = {"Authorization": f"Bearer {self.config.access_token}"}
        recipient = sender_in_logs(recipient_id)
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.post(self.config.messages_url, json=body, headers=headers) as reply,
            ):
                if reply.status >= 400:
                    log.error(
                        "WhatsApp refused a %s message to %s (%s): %s",
                        body.get("type"),
                        recipient,
                        reply.status,
                        await reply.text(),
                    )
                    return False
                return True
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.error("WhatsApp %s message to %s not sent: %r", body.get("type"), recipient, exc)
            return False
