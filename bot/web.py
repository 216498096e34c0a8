"""Serves the chat page (``web/dist``, built by ``make web``) and tells it where the bot is.

``GET /config.json`` gives the page the socketio address (the Rasa server on the same host as the page,
port ``RASA_PORT``), the welcome card's words and common questions (from data/knowledge), and the
masking rules of ``bot.privacy``, so that the page masks personal numbers by the server's own rules.
Every response carries a Content-Security-Policy: scripts only from this server, connections only to it
and the Rasa server, so nothing in a message can load or run code.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, List

from bot import knowledge, privacy
from bot.config import ROOT, settings

DIST = ROOT / "web" / "dist"


def page_config(kb: knowledge.Knowledge) -> dict:
    """What the page needs besides the socket address: the welcome card and the masking rules."""
    return {
        "welcome": {"text": kb.replies["greet"], "questions": kb.buttons(kb.menu)},
        "privacy": {
            "rules": [
                {"kind": kind, "pattern": pattern.pattern, "placeholder": privacy.PLACEHOLDER[kind]}
                for kind, pattern in privacy.KINDS
            ],
            "notice": kb.replies["privacy_masked"],
        },
    }


class PageHandler(SimpleHTTPRequestHandler):
    rasa_port = 5005
    config: dict = {}

    def _rasa_origin(self, scheme: str) -> str:
        host = (self.headers.get("Host") or "localhost").rsplit(":", 1)[0]
        return f"{scheme}://{host}:{self.rasa_port}"

    def end_headers(self) -> None:
        policy = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"connect-src 'self' {self._rasa_origin('http')} {self._rasa_origin('ws')}; "
            "media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if self.path.endswith(".html") or self.path in ("/", "/config.json"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] == "/config.json":
            body = json.dumps({"socketUrl": self._rasa_origin("http"), **self.config}, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        sys.stderr.write(f"web {self.address_string()} {format % args}\n")


def serve(port: int, rasa_port: int, directory: Path = DIST) -> ThreadingHTTPServer:
    """A server for the built page (not started: call ``serve_forever``)."""
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"no built page in {directory}: run `make web`")
    config = page_config(knowledge.load(settings().knowledge_dir))
    handler = type("Handler", (PageHandler,), {"rasa_port": rasa_port, "config": config})
    return ThreadingHTTPServer(("0.0.0.0", port), partial(handler, directory=str(directory)))


def main(argv: List[str] | None = None) -> int:
    config = settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=config.web_port)
    args = parser.parse_args(argv)
    with serve(args.port, config.rasa_port) as server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
