"""``make load``: Locust, headless, against the real stack started on free ports; prints the result.

Default: 50 users in mixed conversations (bot/tools/locustfile.py) for 5 minutes against the embedded
stack (one Rasa server, SQLite). ``--servers N`` runs N Rasa servers on endpoints.scale.yml (shared
PostgreSQL and Redis, one action server) behind nginx, round robin, as docs/scaling.md describes.
Prints messages per second, latency percentiles and failures; exits non-zero if any message failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Dict, List

from bot.config import ROOT, Settings, settings
from bot.stack import Stack, free_port, on_free_ports
from bot.tools.shared_stores import shared_stores

LOCUST = ROOT / ".venv-load" / "bin" / "locust"


def run_locust(host: str, users: int, seconds: int, spawn_rate: int, out: Path) -> Dict[str, str]:
    """Runs Locust and returns its aggregated statistics row."""
    command = [
        str(LOCUST), "-f", str(ROOT / "bot" / "tools" / "locustfile.py"), "--headless", "--host", host,
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
        "--csv", str(out / "load"), "--only-summary", "--exit-code-on-error", "0",
    ]  # fmt: skip
    subprocess.run(command, check=True)
    with open(out / "load_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return next(row for row in rows if row["Name"] == "Aggregated")


def summary(row: Dict[str, str], users: int, seconds: int) -> List[str]:
    return [
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        f"users: {users}, duration: {seconds} s",
        f"messages: {row['Request Count']}, failures: {row['Failure Count']}",
        f"messages per second: {float(row['Requests/s']):.1f}",
        f"latency ms: p50 {row['50%']}, p95 {row['95%']}, p99 {row['99%']}, max {float(row['Max Response Time']):.0f}",
    ]


NGINX_CONF = """
worker_processes 1;
error_log {work}/nginx-error.log warn;
pid {work}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  upstream rasa {{ {servers} keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://rasa; proxy_http_version 1.1; proxy_set_header Connection ""; }}
  }}
}}
"""


def start_scaled(servers: int, base: Settings, work: Path, cleanup: ExitStack) -> str:
    """N Rasa servers sharing PostgreSQL and Redis behind nginx; returns nginx's address."""
    os.environ.update(cleanup.enter_context(shared_stores()))
    os.environ["ACTION_URL"] = f"http://localhost:{base.action_port}/webhook"
    stacks = [
        Stack(replace(base, rasa_port=free_port(), endpoints=ROOT / "endpoints.scale.yml")) for _ in range(servers)
    ]
    for stack in reversed(stacks):
        cleanup.callback(stack.stop)
    stacks[0].start_actions()
    for stack in stacks:
        stack.start_rasa()
    port = free_port()
    upstream = " ".join(f"server 127.0.0.1:{s.config.rasa_port};" for s in stacks)
    (work / "nginx.conf").write_text(NGINX_CONF.format(work=work, servers=upstream, port=port))
    nginx = subprocess.Popen(["nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
    cleanup.callback(nginx.wait)
    cleanup.callback(nginx.terminate)
    return f"http://127.0.0.1:{port}"


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 50)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", 300)))
    parser.add_argument("--servers", type=int, default=int(os.environ.get("SERVERS", 0)),
                        help="N Rasa servers behind nginx on PostgreSQL + Redis (0: the embedded stack)")  # fmt: skip
    parser.add_argument("--spawn-rate", type=int, default=5)
    args = parser.parse_args(argv)
    if not LOCUST.exists():
        print(f"{LOCUST} is missing: run `make load`, which installs it", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as cleanup:
        work = Path(tmp)
        base = on_free_ports(settings(), work / "tracker.db")
        if args.servers:
            host = start_scaled(args.servers, base, work, cleanup)
        else:
            stack = Stack(base)
            cleanup.callback(stack.stop)
            stack.start_actions()
            stack.start_rasa()
            host = stack.rasa_url
        row = run_locust(host, args.users, args.seconds, args.spawn_rate, work)
    setup = f"{args.servers} Rasa servers behind nginx, PostgreSQL + Redis" if args.servers else "embedded stack"
    print("\n".join(["", f"load test result ({setup}):", *summary(row, args.users, args.seconds)]))
    return 1 if int(row["Failure Count"]) else 0


if __name__ == "__main__":
    sys.exit(main())
