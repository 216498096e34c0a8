"""Was this answer useful? The page's 有用 / 没用 under each answer, kept without the message, the answer's
text or anything personal: only which answer (its knowledge entry id), the choice, a reason from a short list
and the day. ``make feedback`` prints the answers marked 没用 most.

The page server (``bot.web``) takes one vote per POST /feedback; a body that is not exactly such a vote is
refused, and the store keeps at most ``MAX_ROWS`` votes (the oldest go first), so no client can fill a disk.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import List, Tuple

from bot.config import settings

REASONS = ("没回答我的问题", "太长了", "看不懂", "内容不对")
MAX_BODY_BYTES = 512
MAX_ROWS = 100_000
_ANSWER_ID = re.compile(r"[a-z0-9_/]{1,64}")


@dataclass(frozen=True)
class Vote:
    answer: str  # a knowledge entry id (faq_account_request) or "calculator"
    useful: bool
    reason: str = ""  # one of REASONS, or none


def parse(body: bytes) -> Vote:
    """A vote from a request body, or ValueError saying what is wrong with it."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError("too long")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError("not JSON") from error
    if not isinstance(data, dict) or set(data) - {"answer", "useful", "reason"}:
        raise ValueError("not a vote")
    answer, useful, reason = data.get("answer"), data.get("useful"), data.get("reason") or ""
    if not isinstance(answer, str) or not _ANSWER_ID.fullmatch(answer):
        raise ValueError("no answer id")
    if not isinstance(useful, bool):
        raise ValueError("useful must be true or false")
    if reason not in ("", *REASONS) or (useful and reason):
        raise ValueError("unknown reason")
    return Vote(answer, useful, reason)


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=5)
    db.execute("CREATE TABLE IF NOT EXISTS votes (day TEXT, answer TEXT, useful INTEGER, reason TEXT)")
    return db


def record(path: Path, vote: Vote, today: date | None = None) -> None:
    with _open(path) as db:
        db.execute(
            "INSERT INTO votes VALUES (?, ?, ?, ?)",
            ((today or date.today()).isoformat(), vote.answer, int(vote.useful), vote.reason),
        )
        db.execute("DELETE FROM votes WHERE rowid <= (SELECT MAX(rowid) FROM votes) - ?", (MAX_ROWS,))
    db.close()


def report(path: Path) -> List[Tuple[str, int, int, List[Tuple[str, int]]]]:
    """Each answer voted on: (id, 没用 votes, 有用 votes, reasons given with 没用 by count), most 没用 first."""
    if not path.exists():
        return []
    with _open(path) as db:
        rows = db.execute("SELECT answer, useful, reason FROM votes").fetchall()
    db.close()
    useless, useful, reasons = Counter(), Counter(), {}
    for answer, was_useful, reason in rows:
        (useful if was_useful else useless)[answer] += 1
        if reason:
            reasons.setdefault(answer, Counter())[reason] += 1
    answers = sorted(set(useless) | set(useful), key=lambda a: (-useless[a], useful[a], a))
    return [(a, useless[a], useful[a], reasons.get(a, Counter()).most_common()) for a in answers]


def main() -> int:
    path = settings().feedback_db
    rows = report(path)
    if not rows:
        print(f"no votes yet in {path}")
        return 0
    print(f"{'answer':32s} {'没用':>4s} {'有用':>4s}  reasons")
    for answer, useless, useful, reasons in rows:
        print(f"{answer:32s} {useless:5d} {useful:5d}  " + "，".join(f"{r} {n}" for r, n in reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
