"""Rasa's socket.io channel with the REST channel's rules (``masking_rest.py``).

Registered in credentials.yml as ``channels.masking_socketio.MaskingSocketIOInput:`` with the options
of Rasa's ``socketio:`` block; its name stays ``socketio`` and so do its events (``session_request``
→ ``session_confirm``, ``user_uttered`` → ``bot_uttered`` by default). Before Rasa sees a message:
a message without a conversation (``session_id`` when sessions persist) is refused, sizes are
capped, only ``language`` and ``portal_token`` are kept from the client's metadata, a portal token
is exchanged for the customer's ``identity``, ``input_channel`` is this channel's, and secrets are
masked. A message that cannot be masked, or is too long, is not handed on: the customer gets the
channel's own words as a ``bot_uttered``, as they do when the bot has not answered within
``CHANNEL_REPLY_SECONDS`` (its replies still follow). A refused message gets ``{"error": ...}`` as
the event's acknowledgement, for a client that asks for one.

Rasa's own handler calls ``AsyncServer.enter_room`` without awaiting it, which python-socketio 5
made a coroutine: with ``session_persistence`` the client never joined its session's room and got no
replies. This one awaits it.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.bounded_reply import channel_text, conversation_language, finished_within
from channels.end_user_identity import PortalIdentities
from channels.inbound_limits import Refused, checked_sender, too_long
from channels.secret_masking import MaskingUnavailable
from channels.web_inbound import WebMessage, made_safe, web_message
from shared.languages import channel_language
from shared.support_api import SupportApi

log = logging.getLogger(__name__)


class MaskingSocketIOInput(SocketIOInput):
    """Socket.io for the customer's browser: checked, masked and with a verified identity."""

    def __init__(
        self,
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        namespace: Optional[Text] = None,
        session_persistence: bool = False,
        socketio_path: Optional[Text] = "/socket.io",
        jwt_key: Optional[Text] = None,
        jwt_method: Optional[Text] = "HS256",
        metadata_key: Optional[Text] = "metadata",
        api_url: Optional[Text] = None,
    ) -> None:
        super().__init__(
            user_message_evt,
            bot_message_evt,
            namespace,
            session_persistence,
            socketio_path,
            jwt_key,
            jwt_method,
            metadata_key,
        )
        self.api_url = api_url
        self.identities = PortalIdentities(self.support_api)
        self.app: Any = None  # the Sanic app, once serving: the tracker store tells a conversation's language

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingSocketIOInput":
        given = credentials or {}
        return cls(
            given.get("user_message_evt", "user_uttered"),
            given.get("bot_message_evt", "bot_uttered"),
            given.get("namespace"),
            bool(given.get("session_persistence", False)),
            given.get("socketio_path", "/socket.io"),
            given.get("jwt_key"),
            given.get("jwt_method", "HS256"),
            given.get("metadata_key", "metadata"),
            given.get("api_url"),
        )

    def support_api(self) -> SupportApi:
        return SupportApi(base_url=self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # As Rasa's: CORS is left to Sanic's (rasa run --cors), not handled by socket.io itself.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # get_output_channel() sends through it

        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def remember_app(app: Any, _: Any) -> None:
            self.app = app

        async def stop_socketio(app: Any, _: Any) -> None:
            shutdown = getattr(sio, "shutdown", None)  # python-socketio >= 5.10: stop its background tasks
            if shutdown is not None:
                await shutdown()

        async def connect(sid: Text, environ: Dict[str, Any], auth: Any = None) -> bool:
            return self.allowed(auth)

        async def disconnect(sid: Text, reason: Any = None) -> None:
            log.debug("socket.io client %s disconnected", sid)

        async def session_request(sid: Text, data: Any = None) -> None:
            session_id = self.session_id(data)
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):  # a coroutine since python-socketio 5
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def user_message(sid: Text, data: Any = None) -> Optional[Dict[str, str]]:
            return await self.handle(sid, data, SocketIOOutput(sio, self.bot_message_evt), on_new_message)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.listener(remember_app, "before_server_start")
        webhook.listener(stop_socketio, "before_server_stop")
        sio.on("connect", connect, namespace=self.namespace)
        sio.on("disconnect", disconnect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, user_message, namespace=self.namespace)
        return webhook

    def allowed(self, auth: Any) -> bool:
        """Whether a client may connect: always, unless ``jwt_key`` asks for a signed token."""
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            return False
        return bool(decode_bearer_token(token, self.jwt_key, self.jwt_algorithm or "HS256"))

    @staticmethod
    def session_id(data: Any) -> str:
        """The session the client asks for, if it is a usable conversation id, else a new one."""
        asked = data.get("session_id") if isinstance(data, dict) else None
        try:
            return checked_sender(asked)
        except Refused:
            return uuid.uuid4().hex

    @staticmethod
    def session_id_given(value: Any) -> None:
        """Refuses a message outside a session (Rasa would only warn, for each such message)."""
        try:
            checked_sender(value)
        except Refused:
            raise Refused(
                "a 'session_id' (from session_request) of at most 128 characters is required"
            ) from None

    async def handle(
        self,
        sid: Text,
        data: Any,
        output: SocketIOOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> Optional[Dict[str, str]]:
        """Hands one ``user_uttered`` to Rasa if it may be stored; returns the refusal, if any."""
        try:
            if not isinstance(data, dict):
                raise Refused("a JSON object {message, session_id?, metadata?} was expected")
            sender = data.get("session_id") if self.session_persistence else sid
            if self.session_persistence:
                self.session_id_given(sender)
            metadata = data.get(self.metadata_key or "metadata")
            # rasa-webchat and other botfront widgets send their metadata as "customData".
            metadata = data.get("customData") if metadata is None else metadata
            message = web_message(sender, data.get("message"), metadata)
        except Refused as exc:
            log.warning("socket.io message from %s refused: %s", sid, exc)
            return {"error": str(exc)}
        if too_long(message.text):
            log.warning(
                "%d characters from %s: too long, not taken", len(str(message.text)), message.sender_id
            )
            await self._say(output, message, "too_long")
            return None
        try:
            text, metadata = await made_safe(message, self.identities, self.support_api)
        except MaskingUnavailable:
            await self._say(output, message, "not_kept")
            return None
        handling = on_new_message(
            UserMessage(text, output, message.sender_id, input_channel=self.name(), metadata=metadata)
        )
        if not await finished_within(handling):  # the bot's replies still follow when ready
            await self._say(output, message, "slow")
        return None

    async def _say(self, output: SocketIOOutput, message: WebMessage, key: str) -> None:
        """The channel's own words, in the conversation's language, as a bot message."""
        language = await conversation_language(self.app, message.sender_id) if self.app else None
        text = channel_text(key, language or channel_language(message.client.public()))
        await output.send_text_message(message.sender_id, text)
