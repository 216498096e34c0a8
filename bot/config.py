"""Settings, read from environment variables with defaults. The one place for them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    model: Path
    rasa_port: int
    action_port: int
    web_port: int
    auth_token: str | None
    cors_origins: Tuple[str, ...]
    tracker_db: Path
    endpoints: Path  # endpoints.yml (SQLite, embedded) or endpoints.scale.yml (PostgreSQL + Redis)
    # Loopback unless a deployment opens it on purpose (0.0.0.0 listens on every interface).
    bind_host: str = "127.0.0.1"
    # The Rasa server as browsers reach it. Unset, it follows rasa_port (which tests change), so a stale
    # port never reaches the page; set it when the page is served to other machines.
    rasa_public_url: str | None = None
    # Votes on answers (bot.feedback); beside the tracker store unless set.
    feedback_path: Path | None = None

    def __post_init__(self) -> None:
        if self.rasa_public_url is not None:
            check_public_url(self.rasa_public_url)

    @property
    def feedback_db(self) -> Path:
        return self.feedback_path or self.tracker_db.parent / "feedback.db"

    @property
    def rasa_url(self) -> str:
        """The Rasa server's origin for browsers: the page's socketUrl and its CSP connect-src."""
        return (self.rasa_public_url or f"http://localhost:{self.rasa_port}").rstrip("/")


def check_public_url(url: str) -> None:
    """Refuses anything but a bare http(s) origin: it goes into a CSP header and socket.io would read a path as
    a namespace.
    """
    parts = urlsplit(url)
    try:
        bare = parts.path in ("", "/") and not (parts.query or parts.fragment or "@" in parts.netloc)
        plain = not any(c.isspace() or c in ";,'\"" for c in url)
        # parts.port raises ValueError for a port that is not a number
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0 and bare and plain
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"RASA_PUBLIC_URL must be an origin like https://chat.example.org:5005, not {url!r}")


def settings() -> Settings:
    """Current settings. Ports and paths can be changed for tests and deployments."""
    env = os.environ
    return Settings(
        knowledge_dir=Path(env.get("KNOWLEDGE_DIR", ROOT / "data" / "knowledge")),
        model=Path(env.get("RASA_MODEL", ROOT / "models" / "current.tar.gz")),
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=int(env.get("ACTION_PORT", "5055")),
        web_port=int(env.get("WEB_PORT", "8080")),
        # The HTTP API (--enable-api) is on only when a token is set, and then requires it.
        auth_token=env.get("RASA_AUTH_TOKEN") or None,
        # Origins allowed to call the Rasa server (REST and socketio): the chat page's, never "*".
        cors_origins=tuple(o for o in env.get("CORS_ORIGINS", "http://localhost:8080").split(",") if o),
        tracker_db=Path(env.get("TRACKER_DB", ROOT / "var" / "tracker.db")),
        endpoints=Path(env.get("ENDPOINTS", ROOT / "endpoints.yml")),
        bind_host=env.get("BIND_HOST") or "127.0.0.1",
        rasa_public_url=env.get("RASA_PUBLIC_URL") or None,
        feedback_path=Path(env["FEEDBACK_DB"]) if env.get("FEEDBACK_DB") else None,
    )
