"""Shared fixtures: the knowledge data, trackers for actions, and the real servers started once."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from typing import Any, Dict, Iterator, List

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import knowledge
from bot.config import ROOT, settings
from bot.stack import Stack, on_free_ports
from bot.text import to_simplified

SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def kb() -> knowledge.Knowledge:
    return knowledge.load(ROOT / "data" / "knowledge")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(intent: str, slots: Dict[str, Any] | None = None, text: str = "", **parse: Any) -> Tracker:
    """A tracker whose latest user message has the given intent and parse data, and these slots."""
    ranked = {"name": intent, "confidence": 0.99}
    latest = {"intent": ranked, "intent_ranking": [ranked], "entities": [], "text": text, **parse}
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": dict(slots or {}),
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Both servers on free ports with a fresh SQLite tracker store, started once per session."""
    workdir = tmp_path_factory.mktemp("stack")
    config = on_free_ports(settings(), workdir / "tracker.db", auth_token=secrets.token_hex(16))
    log_path = workdir / "servers.log"
    with open(log_path, "w") as log:
        running = Stack(config, log=log)
        try:
            running.start()
        except Exception as error:
            running.stop()
            raise RuntimeError("servers did not start; log:\n" + log_path.read_text()[-5000:]) from error
        yield running
        running.stop()


def parse(stack: Stack, text: str) -> Dict[str, Any]:
    """What the running NLU makes of one message (Rasa's /model/parse)."""
    url = f"{stack.rasa_url}/model/parse"
    response = requests.post(url, params={"token": stack.config.auth_token}, json={"text": text}, timeout=30)
    return response.json()


class Chat:
    """One conversation over the REST channel."""

    def __init__(self, stack: Stack, sender: str | None = None) -> None:
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = sender or f"test-{uuid.uuid4().hex[:8]}"

    def send(self, message: Any) -> List[Dict[str, Any]]:
        """The replies, their text in simplified characters: tests assert facts and words, whichever script the
        bot answered in (a message in traditional characters gets traditional; ``send_raw`` shows it).
        """
        return [{**r, "text": to_simplified(r["text"])} if r.get("text") else r for r in self.send_raw(message)]

    def send_raw(self, message: Any) -> List[Dict[str, Any]]:
        response = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def say(self, message: Any) -> str:
        """Sends a message and returns all reply text; fails if the bot went silent."""
        replies = self.send(message)
        text = "\n".join(r.get("text", "") for r in replies)
        assert text.strip(), f"no answer to {message!r}: {replies}"
        return text


@pytest.fixture
def chat(stack: Stack) -> Chat:
    return Chat(stack)


class SocketChat:
    """One conversation over the socketio channel (the web page's), with session persistence."""

    def __init__(self, stack: Stack, session_id: str) -> None:
        import socketio

        self.url, self.session_id = stack.rasa_url, session_id
        self.client = socketio.AsyncClient()
        self.replies: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.replies.put_nowait)

    async def __aenter__(self) -> SocketChat:
        confirmed = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", confirmed.set_result)
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": self.session_id})
        assert await asyncio.wait_for(confirmed, 30) == self.session_id
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.disconnect()

    async def send(self, message: str, replies: int = 1) -> List[Dict[str, Any]]:
        """Sends a message and waits for this many bot messages."""
        await self.client.emit("user_uttered", {"message": message, "session_id": self.session_id})
        return [await asyncio.wait_for(self.replies.get(), 60) for _ in range(replies)]
