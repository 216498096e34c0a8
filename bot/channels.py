"""Rasa's REST and socketio channels with three guarantees; credentials.yml names these classes.

- personal numbers (mobile, ID card, bank card) are masked before the message reaches NLU, the tracker
  store or any log, and the user is reminded not to share them (``bot.privacy``);
- every message gets an answer: when the turn produced none (the action server is down, say), the
  user is told the service is busy and to try again; Rasa retries the action server on the next
  message, so the bot recovers by itself;
- a REST body that is not valid UTF-8 or not JSON is read leniently instead of failing with a 400.

The texts are ``replies`` in data/knowledge/replies.yml.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic.request import Request

from bot import knowledge, privacy
from bot.config import settings

logger = logging.getLogger(__name__)
Handler = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def replies() -> Dict[str, str]:
    return dict(knowledge.load(settings().knowledge_dir).replies)


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


def guarded(on_new_message: Handler) -> Handler:
    """``on_new_message`` with personal numbers masked first and an answer guaranteed."""

    async def handle(message: UserMessage) -> None:
        message.text, found = privacy.mask(message.text or "")
        output = CountingOutput(message.output_channel)
        message.output_channel = output
        if found:
            await output.inner.send_text_message(message.sender_id, replies()["privacy_masked"])
        try:
            await on_new_message(message)
        except Exception:  # logged with the masked text; the user still gets an answer below
            logger.exception("processing a message failed (sender %s)", message.sender_id)
        if output.sent == 0:
            logger.warning("no answer produced for sender %s: telling them the service is busy", message.sender_id)
            await output.inner.send_text_message(message.sender_id, replies()["busy"])

    return handle


def lenient_json(request: Request) -> Dict[str, Any]:
    """The request's JSON object, decoding invalid UTF-8 as U+FFFD; {} when it is not a JSON object."""
    cached = getattr(request.ctx, "lenient_json", None)
    if cached is None:
        try:
            cached = json.loads(request.body.decode("utf-8", errors="replace") or "{}")
        except ValueError:
            cached = {}
        cached = cached if isinstance(cached, dict) else {}
        request.ctx.lenient_json = cached
    return cached


class GuardedRestInput(RestInput):
    """``POST /webhooks/rest/webhook``, guarded."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Any:
        return super().blueprint(guarded(on_new_message))

    async def _extract_sender(self, req: Request) -> str | None:
        sender = lenient_json(req).get("sender")
        return None if sender is None else str(sender)

    def _extract_message(self, req: Request) -> str | None:
        message = lenient_json(req).get("message")
        return message if isinstance(message, str) else ("" if message is None else str(message))

    def _extract_input_channel(self, req: Request) -> str:
        return lenient_json(req).get("input_channel") or self.name()

    def get_metadata(self, request: Request) -> Dict[str, Any] | None:
        metadata = lenient_json(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None


class GuardedSocketIOInput(SocketIOInput):
    """The web page's socketio channel, guarded."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Any:
        return super().blueprint(guarded(on_new_message))
