"""``make load``: Locust, headless, against the real stack started on free ports; prints the result.

Default: 50 users in mixed conversations (bot/tools/locustfile.py) for 5 minutes. Prints messages per
second, latency percentiles and failures, and exits non-zero if any message failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Dict, List

from bot.config import ROOT, settings
from bot.stack import Stack, free_port

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


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 50)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", 300)))
    parser.add_argument("--spawn-rate", type=int, default=5)
    args = parser.parse_args(argv)
    if not LOCUST.exists():
        print(f"{LOCUST} is missing: run `make load`, which installs it", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = replace(
            settings(),
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            tracker_db=work / "tracker.db",
            auth_token=None,
        )
        stack = Stack(config)
        try:
            stack.start_actions()
            stack.start_rasa()
            row = run_locust(stack.rasa_url, args.users, args.seconds, args.spawn_rate, work)
        finally:
            stack.stop()
    print("\n".join(["", "load test result:", *summary(row, args.users, args.seconds)]))
    return 1 if int(row["Failure Count"]) else 0


if __name__ == "__main__":
    sys.exit(main())
