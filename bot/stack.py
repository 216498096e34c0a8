"""Starts the whole bot: the action server, the Rasa server and the chat page, and stops them together.

``python -m bot.stack`` is what ``make run`` calls (Ctrl-C stops all); ``--shell`` chats in the
terminal instead of serving. Tests use ``Stack`` to start the same servers on free ports.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Callable, Dict, List, Sequence

from bot.config import ROOT, Settings, settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def on_free_ports(config: Settings, tracker_db: Path, auth_token: str | None = None) -> Settings:
    """The settings with every server on a free port, its own tracker store, and the page's origin
    allowed by CORS: for tests, ``make load`` and ``make bench``, beside anything already running.
    """
    web_port = free_port()
    return replace(
        config,
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=web_port,
        tracker_db=tracker_db,
        auth_token=auth_token,
        cors_origins=(f"http://localhost:{web_port}",),
    )


def server_env(config: Settings) -> dict:
    """The environment the servers run with: every setting goes by environment, none on a command line
    (``ps`` shows command lines to every user, and the auth token must not be there). endpoints.yml reads
    ACTION_PORT and TRACKER_DB.
    """
    env = dict(os.environ)
    env.update(
        ACTION_PORT=str(config.action_port),
        RASA_PORT=str(config.rasa_port),
        WEB_PORT=str(config.web_port),
        TRACKER_DB=str(config.tracker_db),
        KNOWLEDGE_DIR=str(config.knowledge_dir),
        RASA_MODEL=str(config.model),
        ENDPOINTS=str(config.endpoints),
        CORS_ORIGINS=",".join(config.cors_origins),
        BIND_HOST=config.bind_host,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    for name, value in (("RASA_AUTH_TOKEN", config.auth_token), ("RASA_PUBLIC_URL", config.rasa_public_url)):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def action_server_command(config: Settings) -> List[str]:
    return [str(BIN / "python"), "-m", "bot.action_server"]


def rasa_server_command(config: Settings) -> List[str]:
    return [str(BIN / "python"), "-m", "bot.rasa_server"]


def web_server_command(config: Settings) -> List[str]:
    return [str(BIN / "python"), "-m", "bot.web"]


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Waits until the URL answers 200; fails early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with code {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Stack:
    """The action server, the Rasa server and the page server as child processes."""

    config: Settings
    log: IO | None = None
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)  # by role: actions, rasa, web

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.config.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://localhost:{self.config.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.config.web_port}"

    def _spawn(self, role: str, command: List[str]) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_env(self.config),
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None,
        )
        self.processes[role] = process
        return process

    def start_actions(self, timeout: float = 60) -> None:
        wait_for(f"{self.action_url}/health", self._spawn("actions", action_server_command(self.config)), timeout)

    def start_rasa(self, timeout: float = 240) -> None:
        self.config.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        wait_for(f"{self.rasa_url}/", self._spawn("rasa", rasa_server_command(self.config)), timeout)

    def start_web(self, timeout: float = 30) -> None:
        wait_for(f"{self.web_url}/config.json", self._spawn("web", web_server_command(self.config)), timeout)

    def start(self) -> Stack:
        if not self.config.model.exists():
            raise FileNotFoundError(f"no trained model at {self.config.model}: run `make train`")
        self.start_actions()
        self.start_rasa()
        self.start_web()
        return self

    def start_role(self, role: str) -> None:
        {"actions": self.start_actions, "rasa": self.start_rasa, "web": self.start_web}[role]()

    def stop(self, *roles: str) -> None:
        """Stops the named servers (all by default), last started first."""
        chosen = [r for r in reversed(list(self.processes)) if not roles or r in roles]
        for role in chosen:
            if self.processes[role].poll() is None:
                self.processes[role].send_signal(signal.SIGINT)
        for role in chosen:
            process = self.processes.pop(role)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


ROLES = ("actions", "rasa", "web")
MAX_BACKOFF = 30.0  # seconds between tries for a server that keeps failing to start
STABLE_AFTER = 60.0  # a server up this long is well again: its next failure starts the backoff afresh


def supervise(
    stack: Stack,
    roles: Sequence[str] = ROLES,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rounds: int | None = None,
) -> None:
    """Restarts every server that is down, again and again, waiting longer (1, 2, 4 … 30 s) after each
    failed try; whatever happens during a restart is logged and tried again later. Returns only after
    ``rounds`` checks (tests); ``make run`` stops it with Ctrl-C.
    """
    failures: Dict[str, int] = {}
    next_try: Dict[str, float] = {}
    started: Dict[str, float] = {role: clock() for role in roles}
    while rounds is None or rounds > 0:
        rounds = None if rounds is None else rounds - 1
        sleep(1)
        for role in roles:
            process = stack.processes.get(role)
            now = clock()
            if process is not None and process.poll() is None:
                if now - started[role] >= STABLE_AFTER:
                    failures[role] = 0
                continue
            if now < next_try.get(role, 0.0):
                continue
            failures[role] = failures.get(role, 0) + 1
            code = "none" if process is None else process.returncode
            print(f"the {role} server is down (exit {code}); restart {failures[role]}", file=sys.stderr, flush=True)
            try:
                stack.stop(role)
                stack.start_role(role)
                started[role] = clock()
                print(f"the {role} server is up again", file=sys.stderr, flush=True)
            except Exception as error:  # noqa: BLE001 (anything: try again later)
                delay = min(MAX_BACKOFF, 2.0 ** (failures[role] - 1))
                next_try[role] = clock() + delay
                print(f"restarting the {role} server failed ({error}); next try in {delay:.0f} s", file=sys.stderr)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving")
    args = parser.parse_args(argv)
    # Ctrl-C and `kill` both stop everything (SIGINT may arrive ignored when started in the background).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    config = settings()
    stack = Stack(config)
    try:
        stack.start_actions()
        if args.shell:
            env = server_env(config)
            command = [str(BIN / "rasa"), "shell", "--model", str(config.model)]
            command += ["--endpoints", str(config.endpoints)]
            return subprocess.call(command, cwd=ROOT, env=env)
        stack.start_rasa()
        stack.start_web()
        print(
            f"\n微粒贷客服模拟助手 is up:\n"
            f"  web page {stack.web_url}\n"
            f'  REST     POST {stack.rasa_url}/webhooks/rest/webhook  {{"sender": "me", "message": "你好"}}\n'
            f"  socketio {stack.rasa_url}/socket.io\n"
            f"  actions  {stack.action_url}/health\n"
            f"  HTTP API {'on (token required)' if config.auth_token else 'off (set RASA_AUTH_TOKEN to enable)'}\n"
            f"  listening on {config.bind_host} (BIND_HOST)\n"
            f"Ctrl-C stops all.",
            flush=True,
        )
        # A server that dies is started again; the others keep serving meanwhile (the channels answer
        # "busy" while the action server is away).
        supervise(stack)
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
