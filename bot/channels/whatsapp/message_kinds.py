"""What a contact's WhatsApp message holds, read from Meta's webhook (``value.messages[]``).

Each message becomes an ``Inbound``: who wrote and what they sent. The sender is their phone number
(``from``) or, for a user who hides it behind a username, only a business-scoped user id (``BR.1502…``,
in ``from_user_id`` or the contact's ``user_id``): the channel answers either, so both are parsed.
Reactions, revoked messages, system notices and edits of anything but text need no answer and are
dropped here; an edited text is new text for the bot, marked as replacing the original.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

log = logging.getLogger(__name__)

MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")
# Message types that need no answer at all (a reaction is not a question).
SILENT_TYPES = ("reaction", "system", "revoke")


@dataclass(frozen=True)
class Said:
    """Text for the bot: typed, the id of a tapped button or row, or the new text of an edit."""

    text: str
    edits: Optional[str] = None  # the id of the message an edit replaces


@dataclass(frozen=True)
class Media:
    """A file Meta holds for us under ``media_id`` until the channel downloads it."""

    kind: str  # one of MEDIA_KINDS
    media_id: str
    mime_type: Optional[str]
    sha256: Optional[str]  # as Meta states it: base64 in webhooks, hex in the media endpoint
    caption: Optional[str] = None
    filename: Optional[str] = None  # documents only
    voice: bool = False  # an audio recorded as a voice message


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    name: Optional[str] = None
    address: Optional[str] = None
    url: Optional[str] = None


@dataclass(frozen=True)
class SharedContacts:
    """Contact cards, each as "Name (+55 11 98888-7777)": acknowledged, never stored."""

    cards: Tuple[str, ...]


@dataclass(frozen=True)
class Unreadable:
    """A kind of message the channel cannot read (a poll, an order, a type Meta does not pass on)."""

    kind: str


Content = Union[Said, Media, Location, SharedContacts, Unreadable]


@dataclass(frozen=True)
class Inbound:
    """One message of a delivery, reduced to what the channel needs."""

    sender_id: str  # the conversation id: the phone number, else the business-scoped user id
    phone: Optional[str]  # the digits Meta verified; None for a sender known by user id only
    message_id: str
    sent_at: float
    contact_name: Optional[str]
    content: Content


def is_phone_number(sender_id: str) -> bool:
    """Whether a sender id is a phone number (Meta's digits-only ``wa_id``), not a user id."""
    return sender_id.isascii() and sender_id.isdigit()


def _object(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> Optional[str]:
    return (value.strip() or None) if isinstance(value, str) else None


def message_text(message: Dict[str, Any]) -> Optional[str]:
    """What the contact said: typed text, or the id of the button or list row they tapped."""
    kind = message.get("type")
    if kind == "text":
        return _object(message.get("text")).get("body") or None
    if kind == "interactive":
        interactive = _object(message.get("interactive"))
        if interactive.get("type") in ("button_reply", "list_reply"):
            return _object(interactive.get(interactive["type"])).get("id") or None
    if kind == "button":  # a quick-reply button of a template message
        button = _object(message.get("button"))
        return button.get("payload") or button.get("text") or None
    return None


def media_of(kind: str, body: Dict[str, Any]) -> Optional[Media]:
    media_id = _text(body.get("id"))
    if media_id is None:
        return None
    return Media(
        kind=kind,
        media_id=media_id,
        mime_type=_text(body.get("mime_type")),
        sha256=_text(body.get("sha256")),
        caption=_text(body.get("caption")),
        filename=_text(body.get("filename")) if kind == "document" else None,
        voice=kind == "audio" and body.get("voice") is True,
    )


def location_of(body: Dict[str, Any]) -> Optional[Location]:
    try:
        latitude, longitude = float(body["latitude"]), float(body["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    return Location(
        latitude, longitude, _text(body.get("name")), _text(body.get("address")), _text(body.get("url"))
    )


def contacts_of(cards: Any) -> SharedContacts:
    shown = []
    for card in cards if isinstance(cards, list) else []:
        name = _text(_object(_object(card).get("name")).get("formatted_name"))
        phones = [_text(_object(phone).get("phone")) for phone in _object(card).get("phones") or []]
        numbers = ", ".join(phone for phone in phones if phone)
        shown.append(f"{name} ({numbers})" if name and numbers else name or numbers)
    return SharedContacts(tuple(card for card in shown if card))


def edited(edit: Dict[str, Any]) -> Optional[Said]:
    """The new text of an edited text message; None for an edit of anything else."""
    new = _object(edit.get("message"))
    text = message_text(new) if new.get("type") == "text" else None
    return Said(text, edits=_text(edit.get("original_message_id"))) if text else None


def content_of(message: Dict[str, Any]) -> Optional[Content]:
    """What a message holds; None when it needs no answer at all."""
    kind = str(message.get("type") or "")
    body = _object(message.get(kind))
    if kind in SILENT_TYPES:
        return None
    if kind == "edit":
        return edited(body)
    if kind == "unsupported":  # Meta currently delivers edits this way: they need no answer either
        return None if body.get("type") == "edit" else Unreadable(str(body.get("type") or kind))
    if kind in MEDIA_KINDS:
        return media_of(kind, body) or Unreadable(kind)
    if kind == "location":
        return location_of(body) or Unreadable(kind)
    if kind == "contacts":
        return contacts_of(message.get("contacts"))
    text = message_text(message)
    return Said(text) if text else Unreadable(kind)


def sender_of(message: Dict[str, Any], contacts: List[Dict[str, Any]]) -> Optional[str]:
    """The phone number (``from``), else the business-scoped user id of the message or its one contact."""
    sender = _text(message.get("from")) or _text(message.get("from_user_id"))
    if sender is None and len(contacts) == 1:
        sender = _text(contacts[0].get("user_id"))
    return sender


def inbound_messages(
    payload: Dict[str, Any], phone_number_id: str, clock: Callable[[], float]
) -> Iterator[Inbound]:
    """The contacts' messages in a webhook delivery; statuses and other notifications are skipped."""
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") != "messages":
                continue
            number = (value.get("metadata") or {}).get("phone_number_id")
            if phone_number_id and number and number != phone_number_id:
                log.warning(
                    "WhatsApp delivery for phone number id %s ignored (this channel serves %s)",
                    number,
                    phone_number_id,
                )
                continue
            contacts = [_object(contact) for contact in value.get("contacts") or []]
            for message in value.get("messages") or []:
                sender = sender_of(message, contacts)
                content = content_of(message)
                if sender is None or content is None:
                    continue
                contact = next(
                    (c for c in contacts if sender in (c.get("wa_id"), c.get("user_id"))),
                    contacts[0] if contacts else {},
                )
                try:
                    sent_at = float(message["timestamp"])
                except (KeyError, TypeError, ValueError):
                    sent_at = clock()
                yield Inbound(
                    sender_id=sender,
                    phone=sender if is_phone_number(sender) else None,
                    message_id=str(message.get("id") or ""),
                    sent_at=sent_at,
                    contact_name=_text(_object(contact.get("profile")).get("name")),
                    content=content,
                )
