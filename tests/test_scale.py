"""Scale out: two Rasa servers sharing a PostgreSQL tracker store and a Redis lock store
(endpoints.scale.yml), one action server. One conversation alternates between the servers; no turn is
lost or reordered, and two messages sent to both servers at once are processed one after the other.

PostgreSQL and Redis come from Debian (.ci/run installs postgresql and redis-server); the test starts
private instances of both on free ports and removes them afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from bot.config import ROOT, settings
from bot.stack import Stack, free_port
from bot.tools import shared_stores as stores


@pytest.fixture(scope="module")
def shared_stores_env() -> Iterator[dict]:
    if not stores.available():
        pytest.fail("PostgreSQL and Redis are needed: apt-get install postgresql redis-server (.ci/run does)")
    with stores.shared_stores() as env:
        yield env


@pytest.fixture(scope="module")
def two_servers(shared_stores_env: dict) -> Iterator[List[Stack]]:
    """One action server and two Rasa servers on endpoints.scale.yml."""
    saved = dict(os.environ)
    action_port = free_port()
    os.environ.update(shared_stores_env, ACTION_URL=f"http://localhost:{action_port}/webhook")
    base = replace(settings(), action_port=action_port, endpoints=ROOT / "endpoints.scale.yml", auth_token=None)
    stacks = [replace_stack(base) for _ in range(2)]
    log = open(Path(tempfile.gettempdir()) / f"wld-scale-{uuid.uuid4().hex[:6]}.log", "w")
    for stack in stacks:
        stack.log = log
    try:
        stacks[0].start_actions()
        for stack in stacks:  # one after the other: the first creates the tables in PostgreSQL
            stack.start_rasa()
        yield stacks
    finally:
        for stack in stacks:
            stack.stop()
        log.close()
        os.environ.clear()
        os.environ.update(saved)


def replace_stack(base) -> Stack:
    return Stack(replace(base, rasa_port=free_port(), web_port=free_port()))


def send(stack: Stack, sender: str, message: str) -> str:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    replies = requests.post(url, json={"sender": sender, "message": message}, timeout=120).json()
    text = "\n".join(r.get("text", "") for r in replies)
    assert text, f"no answer to {message!r}"
    return text


def stored_events(shared_stores: dict, sender: str) -> List[dict]:
    query = f"SELECT data FROM events WHERE sender_id = '{sender}' ORDER BY id"
    command = [f"{stores.PG_BIN}/psql", "-h", "127.0.0.1", "-p", shared_stores["DB_PORT"], "-U", "rasa", "-d", "rasa",
               "-At", "-c", query]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_one_conversation_alternating_between_two_servers(two_servers: List[Stack], shared_stores_env: dict) -> None:
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    messages = ["你好", "我被裁员了，欠了两万五，逾期三个月了", "那我需要准备什么材料", "利息太高了能不能降", "谢谢"]
    replies = [send(two_servers[n % 2], sender, message) for n, message in enumerate(messages)]
    assert "离职证明" in replies[2], "the second server knew what the user told the first"
    said = [e["text"] for e in stored_events(shared_stores_env, sender) if e["event"] == "user"]
    assert said == messages, "every turn stored once, in order"


def test_simultaneous_messages_are_processed_one_after_the_other(
    two_servers: List[Stack], shared_stores_env: dict
) -> None:
    """Both servers get a message for the same conversation at the same moment, again and again."""
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    send(two_servers[0], sender, "你好")
    rounds = 5
    with ThreadPoolExecutor(2) as pool:
        for _ in range(rounds):
            pairs = [(two_servers[0], "逾期了怎么办"), (two_servers[1], "催收骚扰我家人怎么办")]
            assert all(pool.map(lambda pair: send(pair[0], sender, pair[1]), pairs))
    kinds = [e["event"] for e in stored_events(shared_stores_env, sender) if e["event"] in ("user", "bot")]
    assert kinds.count("user") == 1 + 2 * rounds, "no turn lost"
    # The lock store serialises the turns: each user message is followed by its own answers.
    assert all(kinds[i + 1] == "bot" for i, kind in enumerate(kinds) if kind == "user"), kinds
