"""What an attacker or a careless client sends, against the real servers: nothing stops or stalls them,
nothing outside the page's origin gets in, and no personal number is kept in the tracker store or a log.
Each test reproduces one defect found in an audit (see docs/security.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
import uuid
from pathlib import Path
from typing import List

import pytest
import requests

from bot import channels
from bot.stack import Stack
from tests.conftest import Chat, SocketChat

BUSY = "服务现在有点忙"
JSON = {"Content-Type": "application/json"}


def webhook(stack: Stack) -> str:
    return f"{stack.rasa_url}/webhooks/rest/webhook"


def post_raw(stack: Stack, body: bytes, headers: dict | None = None) -> requests.Response:
    return requests.post(webhook(stack), data=body, headers={**JSON, **(headers or {})}, timeout=60)


def stored(stack: Stack) -> str:
    """Everything the tracker store holds: sender ids and every event."""
    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute("SELECT sender_id, data FROM events").fetchall()
    return "\n".join(f"{sender} {data}" for sender, data in rows)


def server_log(stack: Stack) -> str:
    return Path(stack.log.name).read_text(encoding="utf-8", errors="replace") if stack.log else ""


def answered_quickly(stack: Stack, limit: float = 5.0) -> float:
    """Another user's ordinary question is still answered, and how long it took."""
    start = time.monotonic()
    assert "主动联系官方客服" in Chat(stack).say("逾期了怎么办")
    took = time.monotonic() - start
    assert took < limit, f"an ordinary question took {took:.1f} s"
    return took


# 1. One anonymous request took Rasa down: a lone surrogate in the sender id made the SQL tracker store exit.


def test_a_lone_surrogate_sender_is_refused_and_the_server_stays_up(stack: Stack) -> None:
    rasa = stack.processes["rasa"]
    for _ in range(10):
        response = post_raw(stack, b'{"sender": "\\ud800x", "message": "hi"}')
        assert response.status_code == 400 and "sender" in response.json()["error"]
    assert rasa.poll() is None and stack.processes["rasa"] is rasa, "the Rasa server never stopped"
    answered_quickly(stack)


def test_a_lone_surrogate_inside_the_message_is_answered(stack: Stack, chat: Chat) -> None:
    response = post_raw(stack, json.dumps({"sender": chat.sender, "message": "\ud800逾期了怎么办"}).encode())
    assert response.status_code == 200
    texts = " ".join(reply.get("text") or "" for reply in response.json())
    assert texts and BUSY not in texts


@pytest.mark.parametrize(
    "sender, reason",
    [(["a list"], "string"), ({"a": 1}, "string"), ("", "1 to 128"), ("x" * 129, "1 to 128"), ("a\x00b", "control")],
    ids=["list", "object", "empty", "too-long", "control-character"],
)
def test_bad_sender_ids_are_refused(stack: Stack, sender: object, reason: str) -> None:
    response = requests.post(webhook(stack), json={"sender": sender, "message": "你好"}, timeout=60)
    assert response.status_code == 400 and reason in response.json()["error"]


def text_marker() -> str:
    """A unique marker with no digits: a random hex run can look like a phone or card number and be masked."""
    return uuid.uuid4().hex.translate(str.maketrans("0123456789", "ghijklmnop"))


def test_a_megabyte_sender_id_is_refused_and_not_stored(stack: Stack) -> None:
    marker = text_marker()
    response = requests.post(webhook(stack), json={"sender": marker + "x" * 1_000_000, "message": "你好"}, timeout=60)
    assert response.status_code == 400
    assert marker not in stored(stack)


def test_the_cut_is_above_the_length_the_bot_asks_to_shorten() -> None:
    """A message cut to the limit must still be seen as too long (else it would be answered as if whole)."""
    import yaml

    from bot.config import ROOT

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    max_chars = next(step["max_chars"] for step in pipeline if step.get("max_chars"))
    assert channels.MAX_MESSAGE_CHARS > max_chars


def test_a_long_message_is_cut_before_it_is_stored(stack: Stack, chat: Chat) -> None:
    reply = chat.say("我逾期了" * 500_000)  # 2 million characters
    assert "有点长" in reply, "the bot asks for a shorter message"
    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ?", (chat.sender,)).fetchall()
    texts = [json.loads(data).get("text") or "" for (data,) in rows if json.loads(data).get("event") == "user"]
    assert texts and max(len(text) for text in texts) <= channels.MAX_MESSAGE_CHARS


@pytest.mark.parametrize("metadata", [[1, 2], "text", {"big": "x" * 5000}], ids=["list", "string", "too-big"])
def test_bad_metadata_is_refused(stack: Stack, metadata: object) -> None:
    body = {"sender": "meta", "message": "你好", "metadata": metadata}
    response = requests.post(webhook(stack), json=body, timeout=60)
    assert response.status_code == 400 and "metadata" in response.json()["error"]


def test_deeply_nested_json_gets_a_polite_answer(stack: Stack) -> None:
    response = post_raw(stack, b"[" * 50_000 + b"]" * 50_000)
    assert response.status_code == 200 and response.json()[0]["text"]
    response = post_raw(stack, b'{"sender": "deep", "metadata": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    assert response.status_code < 500


def test_restart_typed_by_a_user_starts_over_instead_of_busy(stack: Stack, chat: Chat) -> None:
    assert "欠款约 25000 元" in chat.say("我被裁员了，欠了两万五")
    reply = chat.say("/restart")
    assert BUSY not in reply and "重新开始" in reply
    assert "欠款约 25000 元" not in chat.say("那我需要准备什么材料"), "the facts told before are forgotten"


# 4. Personal numbers leaked: grouped and dotted formats, metadata and sender ids were stored in clear.

PERSONAL_NUMBERS = [
    "13812345678",
    "+86 138 1234 5678",
    "+8613812345678",
    "138-1234-5678",
    "138.1234.5678",
    "138 123 45678",
    "１３８１２３４５６７８",
    "110101199003074518",
    "11010119900307451X",
    "110101 19900307 4518",
    "110101-1990-0307-4518",
    "110101900307451",
    "6222021234567890",
    "6222 0212 3456 7890",
    "622202 1234567890123",
    "6222-0212-3456-7890-123",
]


def digit_runs(number: str) -> List[str]:
    """How a number could be found if it were kept: as typed, and as its digits alone."""
    plain = number.translate(str.maketrans("１２３４５６７８９０", "1234567890"))
    return [number, re.sub(r"\D", "", plain)]


def assert_nowhere(stack: Stack, numbers: List[str]) -> None:
    kept, logged = stored(stack), server_log(stack)
    for number in numbers:
        for form in digit_runs(number):
            assert form not in kept, f"{form} is in the tracker store"
            assert form not in logged, f"{form} is in the servers' log"


def test_personal_numbers_over_rest_are_masked_everywhere(stack: Stack) -> None:
    for number in PERSONAL_NUMBERS:
        chat = Chat(stack)
        replies = chat.send(f"我的号码是{number}，逾期了怎么办")
        assert "隐藏" in replies[0]["text"], f"{number} was not masked"
        assert len(replies) >= 2
    assert_nowhere(stack, PERSONAL_NUMBERS)


async def test_personal_numbers_over_socketio_are_masked_everywhere(stack: Stack) -> None:
    async with SocketChat(stack, f"sock-{uuid.uuid4().hex[:8]}") as chat:
        for number in PERSONAL_NUMBERS[::3]:
            replies = await chat.send(f"卡号 {number} 帮我查一下", replies=2)  # the notice, then the answer
            assert "隐藏" in replies[0]["text"]
            while True:  # whatever else the answer had, before the next message
                try:
                    await asyncio.wait_for(chat.replies.get(), 1.5)
                except asyncio.TimeoutError:
                    break
    assert_nowhere(stack, PERSONAL_NUMBERS[::3])


def test_metadata_and_sender_ids_with_personal_numbers_are_masked(stack: Stack) -> None:
    body = {"sender": "user-13912345678", "message": "你好", "metadata": {"phone": "13712345678", "n": [1, "x"]}}
    response = requests.post(webhook(stack), json=body, timeout=60)
    assert response.status_code == 200 and response.json()
    assert_nowhere(stack, ["13912345678", "13712345678"])
    again = requests.post(webhook(stack), json={**body, "message": "我欠了两万五"}, timeout=60).json()
    assert again[0]["recipient_id"] == response.json()[0]["recipient_id"], "still one conversation"


# 5. A failed action wrote the whole tracker into an ERROR log line.


def test_a_failed_action_logs_no_conversation(stack: Stack) -> None:
    secret = "秘密内容" + text_marker()
    call = {"next_action": "action_interest_calc", "tracker": {"sender_id": secret, "latest_message": secret}}
    response = requests.post(f"{stack.action_url}/webhook", json=call, timeout=30)
    assert response.status_code == 500 and secret not in response.text
    time.sleep(0.5)
    log = server_log(stack)
    assert "action_interest_calc" in log, "the failure is logged, by the action's name"
    assert secret not in log and json.dumps(secret)[1:-1] not in log


async def test_errors_and_timeouts_are_logged_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    text = "我的情况是这样的" + text_marker()

    async def fails(message):  # an error whose message quotes what was typed
        raise ValueError(f"cannot read {message.text}")

    async def times_out(message):
        raise asyncio.CancelledError

    output = channels.CollectingOutputChannel()
    checked = channels.inbound("log-test", text)
    with caplog.at_level(logging.DEBUG, logger="bot.channels"):
        await channels.handle(fails, checked, output, "rest")
        with pytest.raises(asyncio.CancelledError):
            await channels.handle(times_out, checked, output, "rest")
    assert "ValueError" in caplog.text and "timed out" in caplog.text and "log-test" in caplog.text
    assert text not in caplog.text and text[-32:] not in caplog.text
    assert BUSY in output.messages[-1]["text"], "the failed turn still got an answer"


# 6. Any web page could drive a conversation: socketio took any origin, REST took text/plain.


def test_rest_needs_json_and_the_pages_origin(stack: Stack) -> None:
    body = json.dumps({"sender": "cors", "message": "你好"}).encode()
    assert post_raw(stack, body, {"Content-Type": "text/plain"}).status_code == 415
    assert post_raw(stack, body, {"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    assert post_raw(stack, body, {"Origin": "http://evil.example"}).status_code == 403
    assert post_raw(stack, body, {"Origin": stack.config.cors_origins[0]}).status_code == 200


async def test_socketio_refuses_other_origins(stack: Stack) -> None:
    import socketio

    client = socketio.AsyncClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(stack.rasa_url, headers={"Origin": "http://evil.example"}, transports=["polling"])
    allowed = socketio.AsyncClient()
    await allowed.connect(stack.rasa_url, headers={"Origin": stack.config.cors_origins[0]}, transports=["polling"])
    await allowed.disconnect()


async def test_socketio_bad_session_ids_get_a_new_session(stack: Stack) -> None:
    import socketio

    client = socketio.AsyncClient()
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    client.on("session_confirm", confirmed.set_result)
    await client.connect(stack.rasa_url, transports=["polling"])
    await client.emit("session_request", {"session_id": "\ud800x" + "y" * 500})
    session = await asyncio.wait_for(confirmed, 30)
    await client.disconnect()
    assert re.fullmatch(r"[0-9a-f]{32}", session)
    answered_quickly(stack)


async def test_a_socket_cannot_write_into_another_conversation(stack: Stack) -> None:
    victim = Chat(stack)
    victim.say("我被裁员了，欠了两万五")
    async with SocketChat(stack, f"own-{uuid.uuid4().hex[:8]}") as attacker:
        await attacker.client.emit("user_uttered", {"message": "我欠了九万九", "session_id": victim.sender})
        await asyncio.wait_for(attacker.replies.get(), 60)  # answered in the attacker's own conversation
    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ?", (victim.sender,)).fetchall()
    assert not any("九万九" in (json.loads(data).get("text") or "") for (data,) in rows)


# 5. Servers listen on loopback; the token is never on a command line and works in a header.


def listening_addresses(port: int) -> List[str]:
    """Local addresses in LISTEN state on this TCP port (Linux /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def test_servers_listen_on_loopback_only(stack: Stack) -> None:
    for port in (stack.config.rasa_port, stack.config.action_port, stack.config.web_port):
        addresses = listening_addresses(port)
        assert addresses and set(addresses) == {"0100007F"}, f"port {port} listens on {addresses}"


def test_the_token_is_not_on_any_command_line(stack: Stack) -> None:
    token = stack.config.auth_token
    assert token
    for process in stack.processes.values():
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        assert token not in command_line


def test_the_token_works_in_a_header(stack: Stack) -> None:
    status = f"{stack.rasa_url}/status"
    assert requests.get(status, headers={"Authorization": f"Bearer {stack.config.auth_token}"}).status_code == 200
    assert requests.get(status, headers={"Authorization": f"Token {stack.config.auth_token}"}).status_code == 200
    assert requests.get(status, params={"token": stack.config.auth_token}).status_code == 200
    assert requests.get(status, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert requests.get(status).status_code == 401
