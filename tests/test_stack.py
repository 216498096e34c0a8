"""How the servers are started and kept up: settings go by environment (never the token on a command
line), the HTTP API is off unless a token is set, CORS is not '*', and a dead server is restarted again
and again whatever happens while it restarts.
"""

from dataclasses import replace
from pathlib import Path
from typing import Dict, List

import pytest

from bot import stack as stack_module
from bot.config import settings
from bot.rasa_server import token_from_header
from bot.stack import action_server_command, rasa_server_command, server_env, supervise, web_server_command


def test_api_is_off_without_a_token(monkeypatch) -> None:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "left-over")
    env = server_env(replace(settings(), auth_token=None))
    assert "RASA_AUTH_TOKEN" not in env


def test_the_token_goes_by_environment_never_on_a_command_line() -> None:
    config = replace(settings(), auth_token="s3cret-tok")
    assert server_env(config)["RASA_AUTH_TOKEN"] == "s3cret-tok"
    for command in (rasa_server_command(config), action_server_command(config), web_server_command(config)):
        assert not any("s3cret" in part for part in command)


def test_cors_is_restricted_to_configured_origins(monkeypatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:8080,https://example.org")
    env = server_env(settings())
    assert env["CORS_ORIGINS"] == "http://localhost:8080,https://example.org"
    assert "*" not in env["CORS_ORIGINS"].split(",")


def test_servers_get_ports_tracker_path_and_loopback(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("BIND_HOST", raising=False)
    env = server_env(replace(settings(), action_port=6001, tracker_db=tmp_path / "t.db"))
    assert env["ACTION_PORT"] == "6001" and env["TRACKER_DB"] == str(tmp_path / "t.db")
    assert env["BIND_HOST"] == "127.0.0.1"


@pytest.mark.parametrize(
    "header, token",
    [("Bearer abc", "abc"), ("bearer abc ", "abc"), ("Token abc", "abc"), ("Basic abc", None), ("", None)],
)
def test_token_from_header(header: str, token: str | None) -> None:
    assert token_from_header(header) == token


class FakeProcess:
    def __init__(self, alive: bool) -> None:
        self.returncode = None if alive else -9

    def poll(self) -> int | None:
        return self.returncode


class FakeStack:
    """Servers that die, and restarts that fail as told."""

    def __init__(self, failing_starts: Dict[str, int]) -> None:
        self.processes: Dict[str, FakeProcess] = {"actions": FakeProcess(True), "rasa": FakeProcess(False)}
        self.failing_starts = dict(failing_starts)
        self.starts: List[str] = []

    def stop(self, *roles: str) -> None:
        for role in roles:
            self.processes.pop(role, None)

    def start_role(self, role: str) -> None:
        self.starts.append(role)
        if self.failing_starts.get(role, 0) > 0:
            self.failing_starts[role] -= 1
            self.processes[role] = FakeProcess(False)  # died again during its restart
            raise RuntimeError(f"{role} exited with code 1 before it answered")
        self.processes[role] = FakeProcess(True)


def run_supervisor(fake: FakeStack, rounds: int) -> List[float]:
    """Runs the supervisor on a fake clock; returns when each restart was tried."""
    now = [0.0]
    tries: List[float] = []
    start_role = fake.start_role

    def timed_start(role: str) -> None:
        tries.append(now[0])
        start_role(role)

    fake.start_role = timed_start  # type: ignore[method-assign]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    supervise(fake, roles=("actions", "rasa"), sleep=sleep, clock=lambda: now[0], rounds=rounds)  # type: ignore[arg-type]
    return tries


def test_a_server_that_dies_during_its_restart_is_restarted_again_with_backoff(capsys) -> None:
    fake = FakeStack({"rasa": 4})
    tries = run_supervisor(fake, rounds=60)
    assert fake.processes["rasa"].poll() is None, "up in the end"
    assert fake.starts == ["rasa"] * 5, "the living server is left alone"
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    assert gaps == sorted(gaps) and gaps[-1] >= 8, f"waits longer after each failure: {gaps}"
    log = capsys.readouterr().err
    assert log.count("restart") >= 5 and "is up again" in log, "each restart is logged"


def test_the_supervisor_never_gives_up() -> None:
    fake = FakeStack({"rasa": 10_000})
    tries = run_supervisor(fake, rounds=600)
    assert len(tries) >= 15, "still trying after ten minutes"
    assert max(b - a for a, b in zip(tries, tries[1:], strict=False)) <= stack_module.MAX_BACKOFF + 1
