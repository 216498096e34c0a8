"""Votes on answers (bot.feedback): only a well-formed vote is kept, the store is bounded, and the report puts the
answers marked 没用 most first.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot import feedback


def body(**vote: object) -> bytes:
    return json.dumps(vote).encode()


def test_a_vote_is_read() -> None:
    assert feedback.parse(body(answer="calculator", useful=True)) == feedback.Vote("calculator", True)
    said = feedback.parse(body(answer="faq/late_fee", useful=False, reason="看不懂"))
    assert said == feedback.Vote("faq/late_fee", False, "看不懂")


@pytest.mark.parametrize(
    "raw",
    [
        body(answer="x", useful=True, message="我欠了两万"),
        body(answer="我欠了两万", useful=True),
        body(answer="x" * 65, useful=True),
        body(answer="x", useful=1),
        body(answer="x", useful=True, reason="太长了"),
        body(answer="x", useful=False, reason="别的"),
        body(useful=True),
        b"null",
        b"{" * 1000,
        body(answer="x", useful=False, reason="太长了") + b" " * 600,
    ],
)
def test_anything_else_is_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        feedback.parse(raw)


def test_the_store_keeps_the_latest_votes_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedback, "MAX_ROWS", 3)
    db = tmp_path / "votes.db"
    for n in range(5):
        feedback.record(db, feedback.Vote(f"a{n}", False), today=date(2026, 12, 1))
    assert sorted(row[0] for row in feedback.report(db)) == ["a2", "a3", "a4"]


def test_the_report_puts_the_answers_marked_useless_most_first(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    votes = [("faq_a", False, "太长了"), ("faq_a", False, "太长了"), ("faq_a", True, ""), ("faq_b", False, "看不懂")]
    votes += [("faq_c", True, ""), ("faq_a", False, "")]
    for answer, useful, reason in votes:
        feedback.record(db, feedback.Vote(answer, useful, reason))
    expected = [("faq_a", 3, 1, [("太长了", 2)]), ("faq_b", 1, 0, [("看不懂", 1)]), ("faq_c", 0, 1, [])]
    assert feedback.report(db) == expected
    assert feedback.report(tmp_path / "none.db") == []
