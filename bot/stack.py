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
from typing import IO, Dict, List

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
    """The environment the servers run with: endpoints.yml reads ACTION_PORT and TRACKER_DB, the page
    server RASA_PORT.
    """
    env = dict(os.environ)
    env.update(
        ACTION_PORT=str(config.action_port),
        RASA_PORT=str(config.rasa_port),
        TRACKER_DB=str(config.tracker_db),
        KNOWLEDGE_DIR=str(config.knowledge_dir),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


def action_server_command(config: Settings) -> List[str]:
    return [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(config.action_port)]


def rasa_server_command(config: Settings) -> List[str]:
    command = [
        str(BIN / "rasa"), "run",
        "--model", str(config.model),
        "--port", str(config.rasa_port),
        "--endpoints", str(config.endpoints),
        "--credentials", "credentials.yml",
        "--cors", *config.cors_origins,
    ]  # fmt: skip
    if config.auth_token:
        command += ["--enable-api", "--auth-token", config.auth_token]
    return command


def web_server_command(config: Settings) -> List[str]:
    return [str(BIN / "python"), "-m", "bot.web", "--port", str(config.web_port)]


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
            f"Ctrl-C stops all.",
            flush=True,
        )
        # A server that dies is started again; the others keep serving meanwhile (the channels answer
        # "busy" while the action server is away).
        while True:
            time.sleep(1)
            for role, process in list(stack.processes.items()):
                if process.poll() is not None:
                    print(f"the {role} server stopped (exit {process.returncode}); starting it again", file=sys.stderr)
                    stack.stop(role)
                    stack.start_role(role)
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
