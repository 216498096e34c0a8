"""How the servers are started: the HTTP API is off unless a token is set; CORS is not '*'."""

from dataclasses import replace
from pathlib import Path

from bot.config import settings
from bot.stack import rasa_server_command, server_env


def test_api_is_off_without_a_token() -> None:
    command = rasa_server_command(replace(settings(), auth_token=None))
    assert "--enable-api" not in command and "--auth-token" not in command


def test_api_needs_the_token_when_set() -> None:
    command = rasa_server_command(replace(settings(), auth_token="s3cret"))
    assert command[command.index("--enable-api") + 1 : command.index("--enable-api") + 3] == ["--auth-token", "s3cret"]


def test_cors_is_restricted_to_configured_origins(monkeypatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:8080,https://example.org")
    command = rasa_server_command(settings())
    at = command.index("--cors")
    assert command[at + 1 : at + 3] == ["http://localhost:8080", "https://example.org"]
    assert "*" not in command


def test_servers_get_ports_and_tracker_path(tmp_path: Path) -> None:
    env = server_env(replace(settings(), action_port=6001, tracker_db=tmp_path / "t.db"))
    assert env["ACTION_PORT"] == "6001" and env["TRACKER_DB"] == str(tmp_path / "t.db")
