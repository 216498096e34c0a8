"""Serves the chat page (``web/dist``, built by ``make web``) and tells it where the bot is.

``GET /config.json`` gives the page the socketio address (``Settings.rasa_url``: ``RASA_PUBLIC_URL``, or
the Rasa server on localhost), the welcome card's words and common questions (from data/knowledge), and
the masking rules of ``bot.privacy``, so that the page masks personal numbers by the server's own rules.
Every response carries a Content-Security-Policy: scripts only from this server, connections only to it
and the Rasa server, so nothing in a message can load or run code. Both come from the settings, never
from the request (a forged ``Host`` header must not point the page elsewhere).

It serves files and nothing else: no directory listings, no redirects, a 400 for a path that is not
clean UTF-8 or holds control characters, no Python version in ``Server``, and a client has
``REQUEST_TIMEOUT`` seconds in all to send its request.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import sqlite3
import sys
import time
from dataclasses import replace
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, List
from urllib.parse import unquote

from bot import feedback, knowledge, privacy
from bot.config import ROOT, Settings, settings

DIST = ROOT / "web" / "dist"
REQUEST_TIMEOUT = 10.0  # seconds a client has to send its request line and headers


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
        "feedback": {"reasons": list(feedback.REASONS)},
    }


def csp(rasa_url: str) -> str:
    """The Content-Security-Policy: connections only to this server and the Rasa server (http and ws)."""
    socket_url = "ws" + rasa_url.removeprefix("http")  # http -> ws, https -> wss
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"connect-src 'self' {rasa_url} {socket_url}; "
        "media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )


class _DeadlineReader(io.RawIOBase):
    """Socket reads under one deadline for the whole request: a timeout per read alone lets a client that
    sends a byte every few seconds hold its thread for ever.
    """

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock, self.timeout = sock, timeout
        self.deadline = time.monotonic() + timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request not received in time")
        self.sock.settimeout(left)
        try:
            return self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(self.timeout)  # writes keep the plain per-operation timeout


class PageHandler(SimpleHTTPRequestHandler):
    server_version = "weilidai-sim"
    timeout = REQUEST_TIMEOUT  # also the socket timeout for writes (StreamRequestHandler.setup sets it)
    config_body = b"{}"
    policy = csp("http://localhost:5005")
    feedback_db = Path("var/feedback.db")

    def version_string(self) -> str:
        return self.server_version  # never the Python version (the base class appends it)

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        self._reader.deadline = time.monotonic() + self.timeout  # each request on a kept-alive connection
        super().handle_one_request()

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        path = getattr(self, "path", "")  # unset when the request line itself was refused
        if path.endswith(".html") or path.split("?")[0] in ("/", "/config.json"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self) -> BinaryIO | None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            name = unquote(path, errors="strict")
        except UnicodeDecodeError:
            name = ""
        # A NUL reaches open() as a ValueError that http.server does not catch, and drops the connection.
        if not name.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in name):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return None
        if name == "/config.json":
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(self.config_body)))
            self.end_headers()
            return io.BytesIO(self.config_body)
        # No directory but the root: http.server would list it, or redirect to "dir/" echoing the request path.
        if name != "/" and os.path.isdir(self.translate_path(path)):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        """One vote on an answer (bot.feedback): 204, or a 4xx saying what is wrong; nothing else is taken."""
        if self.path.split("?", 1)[0] != "/feedback":
            return self._refuse(HTTPStatus.NOT_FOUND)
        if self.headers.get_content_type() != "application/json":
            return self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            return self._refuse(HTTPStatus.LENGTH_REQUIRED)
        if not 0 < length <= feedback.MAX_BODY_BYTES:
            return self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            vote = feedback.parse(self.rfile.read(length))
        except ValueError as error:
            return self._refuse(HTTPStatus.BAD_REQUEST, str(error))
        try:
            feedback.record(self.feedback_db, vote)
        except sqlite3.Error:
            return self._refuse(HTTPStatus.SERVICE_UNAVAILABLE)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.end_headers()

    def _refuse(self, status: HTTPStatus, reason: str | None = None) -> None:
        self.close_connection = True  # a body left unread must not be read as the next request
        self.send_error(status, reason)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)  # the root without index.html, too
        return None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        # The request line is the client's text: escape control characters before they reach a terminal.
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in format % args)
        sys.stderr.write(f"web {self.address_string()} {message}\n")


def serve(config: Settings, directory: Path = DIST, request_timeout: float = REQUEST_TIMEOUT) -> ThreadingHTTPServer:
    """A server for the built page on ``config.bind_host``:``config.web_port`` (not started: call
    ``serve_forever``).
    """
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"no built page in {directory}: run `make web`")
    page = {"socketUrl": config.rasa_url, **page_config(knowledge.load(config.knowledge_dir))}
    attributes = {
        "config_body": json.dumps(page, ensure_ascii=False).encode(),
        "policy": csp(config.rasa_url),
        "timeout": request_timeout,
        "feedback_db": config.feedback_db,
    }
    handler = type("Handler", (PageHandler,), attributes)
    return ThreadingHTTPServer((config.bind_host, config.web_port), partial(handler, directory=str(directory)))


def main(argv: List[str] | None = None) -> int:
    config = settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=config.web_port)
    args = parser.parse_args(argv)
    with serve(replace(config, web_port=args.port)) as server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
