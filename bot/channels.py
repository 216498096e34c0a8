"""The Rasa server's REST and socketio channels, with what comes in checked before anything keeps it.
credentials.yml names these classes.

- **What comes in is checked first** (``inbound``): a sender or session id is text of at most 128
  characters without control characters or lone surrogates (one such id made Rasa's SQL tracker store
  exit the whole server); metadata is a small JSON object; a message is cut to ``MAX_MESSAGE_CHARS``.
  Anything else is refused (REST: a 4xx with a reason; socketio: a polite message) and nothing is stored.
- **Personal numbers** (mobile, ID card, bank card) are masked in the message, the metadata and the
  sender id before NLU, the tracker store or any log sees them, and the user is reminded not to share
  them (``bot.privacy``).
- **Only the page's origin gets in**: socketio checks the same origin list as CORS; REST takes only
  ``application/json`` (a cross-site form or no-cors ``fetch`` cannot send it without a preflight, which
  CORS then refuses) and refuses a foreign ``Origin``.
- **Every message gets an answer**: when the turn produced none (the action server is down, say), the
  user is told the service is busy; Rasa retries the action server on the next message.
- **Logs hold no message text**: a failed or timed-out turn is logged with the sender id and the error's
  type and frames only.

The texts are ``replies`` in data/knowledge/replies.yml.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import knowledge, privacy
from bot.config import settings
from bot.text import to_traditional, writes_traditional

logger = logging.getLogger(__name__)
Handler = Callable[[UserMessage], Awaitable[Any]]

MAX_SENDER_CHARS = 128
# Nothing longer is ever stored. Above the NLU's own limit (config.yml, ChineseNormalizer max_chars), so
# that a message cut here is still known to be too long and the user is asked to shorten it.
MAX_MESSAGE_CHARS = 2000
MAX_METADATA_CHARS = 1000  # as JSON
MAX_SOCKET_PACKET_BYTES = 64 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@lru_cache(maxsize=1)
def replies() -> Dict[str, str]:
    return dict(knowledge.load(settings().knowledge_dir).replies)


class BadInput(ValueError):
    """What came in cannot be taken; the message says why (in English, for the API's caller)."""


def well_formed(text: str) -> str:
    """The text with lone UTF-16 surrogates (a JSON escape of D800 to DFFF without its pair) replaced by U+FFFD: nothing
    downstream can encode them.
    """
    return _SURROGATE.sub("\ufffd", text)


def sender_id(raw: Any) -> str:
    """A checked sender or session id. One that holds a personal number is replaced by a stable digest,
    so the conversation stays apart from others and the number is kept nowhere.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise BadInput("sender must be a string")
    sender = str(raw)
    if not sender or len(sender) > MAX_SENDER_CHARS:
        raise BadInput(f"sender must be 1 to {MAX_SENDER_CHARS} characters")
    if _SURROGATE.search(sender) or _CONTROL.search(sender):
        raise BadInput("sender must be well-formed text without control characters")
    if privacy.mask(sender)[1]:
        sender = "masked-" + hashlib.sha256(sender.encode()).hexdigest()[:32]
    return sender


def message_text(raw: Any) -> str:
    """The message as text, well-formed, cut a little past ``MAX_MESSAGE_CHARS`` (``inbound`` masks, then
    cuts to the limit).
    """
    if raw is None:
        return ""
    if isinstance(raw, (dict, list)):
        raise BadInput("message must be a string")
    # Cut with a margin first, so that a personal number across the limit is still masked whole later.
    return well_formed(str(raw)[: MAX_MESSAGE_CHARS + 40])


def _masked_values(value: Any) -> Any:
    """Every string in a JSON value well-formed and masked."""
    if isinstance(value, str):
        return privacy.mask(well_formed(value))[0]
    if isinstance(value, dict):
        return {_masked_values(str(k)): _masked_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_values(v) for v in value]
    return value


def metadata(raw: Any) -> Dict[str, Any] | None:
    """Checked metadata: a JSON object of at most ``MAX_METADATA_CHARS``, with personal numbers masked."""
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise BadInput("metadata must be a JSON object")
    try:
        size = len(json.dumps(raw, ensure_ascii=False))
    except (ValueError, TypeError, RecursionError) as error:
        raise BadInput("metadata must be plain JSON") from error
    if size > MAX_METADATA_CHARS:
        raise BadInput(f"metadata must be at most {MAX_METADATA_CHARS} characters of JSON")
    return _masked_values(raw)


@dataclass
class Inbound:
    """One checked incoming message: ``text`` is masked and cut, ``masked`` lists what was hidden."""

    sender: str
    text: str
    metadata: Dict[str, Any] | None = None
    masked: List[str] = field(default_factory=list)


def inbound(sender: Any, message: Any, meta: Any = None) -> Inbound:
    """Checks and masks what a channel received; raises ``BadInput``."""
    text, masked = privacy.mask(message_text(message))
    return Inbound(sender_id(sender), text[:MAX_MESSAGE_CHARS], metadata(meta), masked)


class CountingOutput(OutputChannel):
    """Passes everything to the real output channel and counts what the bot sent."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        return "counting"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


# Keys of a bot message whose values the page acts on rather than shows: never rewritten.
_NOT_SHOWN = frozenset({"payload", "recipient_id", "image", "attachment", "kind", "speaker"})


def in_traditional(value: Any) -> Any:
    """What a bot message shows (text, buttons' titles, cards, documents), in traditional characters."""
    if isinstance(value, str):
        return to_traditional(value)
    if isinstance(value, list):
        return [in_traditional(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _NOT_SHOWN else in_traditional(v) for k, v in value.items()}
    return value


class TraditionalOutput(OutputChannel):
    """Answers a message written in traditional characters in traditional characters (the bot's wording is
    simplified; the NLU reads either).
    """

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner

    @classmethod
    def name(cls) -> str:
        return "traditional"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.inner.send_response(recipient_id, in_traditional(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.inner.send_text_message(recipient_id, in_traditional(text), **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


async def handle(on_new_message: Handler, checked: Inbound, output: OutputChannel, channel: str) -> None:
    """Runs one checked message through the bot, answering in the user's script; the user always gets an answer."""
    if writes_traditional(checked.text):
        output = TraditionalOutput(output)
    counting = CountingOutput(output)
    if checked.masked:
        await output.send_text_message(checked.sender, replies()["privacy_masked"])
    message = UserMessage(checked.text, counting, checked.sender, input_channel=channel, metadata=checked.metadata)
    try:
        await on_new_message(message)
    except asyncio.CancelledError:  # the response timed out: say so without the text, then let it end
        logger.error("a turn timed out (sender %s)", checked.sender)
        raise
    except Exception as error:  # the user still gets an answer below
        logger.error("processing a message failed (sender %s): %s", checked.sender, privacy.error_summary(error))
    if counting.sent == 0:
        logger.warning("no answer produced for sender %s: telling them the service is busy", checked.sender)
        await output.send_text_message(checked.sender, replies()["busy"])


def lenient_json(request: Request) -> Dict[str, Any]:
    """The request's JSON object, decoding invalid UTF-8 as U+FFFD; {} when it is not a JSON object (or
    is nested too deep to read).
    """
    try:
        body = json.loads(request.body.decode("utf-8", errors="replace") or "{}")
    except (ValueError, RecursionError):
        body = {}
    return body if isinstance(body, dict) else {}


def _refused(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


class GuardedRestInput(InputChannel):
    """``POST /webhooks/rest/webhook`` with ``{"sender": "…", "message": "…", "metadata": {…}}``; the
    answer is the list of bot messages, as Rasa's own REST channel gives it.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)
        allowed = set(settings().cors_origins)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            origin = request.headers.get("origin")
            if origin and origin not in allowed:
                return _refused(403, "origin not allowed")
            if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
                return _refused(415, "send the body as application/json")
            body = lenient_json(request)
            try:
                checked = inbound(body.get("sender", "default"), body.get("message"), body.get("metadata"))
            except BadInput as error:
                return _refused(400, str(error))
            collector = CollectingOutputChannel()
            await handle(on_new_message, checked, collector, self.name())
            return response.json(collector.messages)

        return webhook


class GuardedSocketIOInput(InputChannel):
    """The web page's socketio channel (events ``session_request`` / ``user_uttered`` / ``bot_uttered``).

    Only origins in ``CORS_ORIGINS`` may connect; a socket may send only for the session it asked for, so
    nobody can write into another person's conversation by knowing its id.
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> GuardedSocketIOInput:
        credentials = credentials or {}
        events = credentials.get("user_message_evt", "user_uttered"), credentials.get("bot_message_evt", "bot_uttered")
        return cls(*events)

    def __init__(self, user_message_evt: str = "user_uttered", bot_message_evt: str = "bot_uttered") -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.sio: AsyncServer | None = None

    def get_output_channel(self) -> OutputChannel | None:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        allowed = set(settings().cors_origins)
        # The CORS headers come from the Rasa server's own CORS (the same list); engine.io adding them too
        # would send the header twice, which browsers refuse. The origin is checked on connect instead,
        # which covers the WebSocket transport too (CORS does not apply to it).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_SOCKET_PACKET_BYTES)
        self.sio = sio
        webhook = SocketBlueprint(sio, "/socket.io", "guarded_socketio_webhook", __name__)
        sessions: Dict[str, str] = {}  # socket id → the session id it asked for

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: Dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            return not origin or origin in allowed

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            try:
                session = uuid.uuid4().hex if requested is None else sender_id(requested)
            except BadInput:
                session = uuid.uuid4().hex  # a broken stored id: start a new conversation, not a dead socket
            sessions[sid] = session
            sio.enter_room(sid, session)
            await sio.emit("session_confirm", session, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            session = sessions.get(sid)
            output = SocketIOOutput(sio, self.bot_message_evt)
            data = data if isinstance(data, dict) else {}
            try:
                if session is None:
                    raise BadInput("no session: send session_request first")
                checked = inbound(session, data.get("message"), data.get("customData"))
            except BadInput:
                await sio.emit(self.bot_message_evt, {"text": replies()["bad_request"]}, room=sid)
                return
            await handle(on_new_message, checked, output, self.name())

        return webhook
