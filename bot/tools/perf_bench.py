"""Performance on the real stack (part of ``make bench``): time from start to the first answer, memory
of each server, single-user latency over REST, and throughput with 16 users at once.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import requests

from bot.config import settings
from bot.stack import Stack, on_free_ports

MESSAGES = [
    "逾期了会怎么样", "我逾期了怎么办", "利息太高了能不能降", "能不能申请分期还款", "催收天天打电话骚扰我家人",
    "协商要准备什么材料", "微粒贷官方客服电话是多少", "我被裁员了，欠了两万五，逾期三个月了", "征信能修复吗",
    "借1万，日息万分之五，用365天，利息多少",
]  # fmt: skip


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def say(url: str, sender: str, message: str) -> float:
    """Sends one message; returns the seconds until the answer came back (fails on no answer)."""
    started = time.perf_counter()
    response = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not any(r.get("text") for r in response.json()):
        raise RuntimeError(f"no answer to {message!r}: {response.status_code} {response.text[:200]}")
    return elapsed


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def throughput(url: str, users: int, seconds: float) -> float:
    """Messages answered per second with ``users`` conversations sending back to back."""
    deadline = time.monotonic() + seconds

    def user(n: int) -> int:
        sender, count = f"bench-{n}-{uuid.uuid4().hex[:6]}", 0
        while time.monotonic() < deadline:
            say(url, sender, MESSAGES[count % len(MESSAGES)])
            count += 1
        return count

    started = time.monotonic()
    with ThreadPoolExecutor(users) as pool:
        total = sum(pool.map(user, range(users)))
    return total / (time.monotonic() - started)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = on_free_ports(settings(), Path(tmp) / "tracker.db")
        stack = Stack(config)
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        try:
            started = time.monotonic()
            stack.start()
            say(url, "bench-first", "你好")
            first_answer = time.monotonic() - started
            single = [say(url, f"bench-single-{n // 20}", MESSAGES[n % len(MESSAGES)]) for n in range(200)]
            rate = throughput(url, users=16, seconds=30)
            memory: Dict[str, float] = {role: rss_mb(p.pid) for role, p in stack.processes.items()}
        finally:
            stack.stop()
    lines = [
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        f"start to first answer: {first_answer:.1f} s (action server, Rasa server, page server)",
        "resident memory: " + ", ".join(f"{role} {mb:.0f} MB" for role, mb in memory.items()),
        f"single user, 200 messages: p50 {percentile(single, 50) * 1000:.0f} ms, "
        f"p95 {percentile(single, 95) * 1000:.0f} ms, mean {statistics.mean(single) * 1000:.0f} ms",
        f"16 users at once, 30 s: {rate:.1f} messages per second",
    ]
    print("\n".join(["", "performance on the real stack:", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
