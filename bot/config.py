"""Settings, read from environment variables with defaults. The one place for them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

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
    )
