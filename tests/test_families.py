"""Paraphrase families (tests/families/): the held-out half is never trained on, and each family's
held-out pass rate stays at or above its floor in tests/families/expected.yml (the level measured when
the floor was set: it only rises, unless a new held-out writer joins the family). `make families` prints
the rates; docs/performance.md records them.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest

from bot.components import context_items
from bot.config import ROOT
from bot.stack import Stack
from bot.text import normalise
from bot.tools.families import Case, expectations, load, passes, read_all, score
from bot.tools.nlu_bench import load_examples, training_files

AMOUNT = {"entity": "amount", "value": 25000}
DAYS = {"entity": "overdue_days", "value": 40}
HOTLINE = {"entity": "amount", "value": 95384}  # 打95384没人接 read as the debt
RENT, FOOD = ({"entity": "amount", "value": v, "role": "expense"} for v in (1200, 1500))
SCAM_OFFER = {"danger": ["faq/fake_police"], "also": ["faq/fake_app"]}
MORE, NUMBERS = {"follow_up": ["more", "same"]}, {"numbers": "stated"}


def test_every_family_has_both_halves_and_an_expectation() -> None:
    expected = expectations()
    train, held_out = {c.family for c in load("train")}, {c.family for c in load("held_out")}
    assert train == held_out == set(expected), (train ^ held_out) | (held_out ^ set(expected))
    for family in held_out:
        assert sum(c.family == family for c in load("held_out")) >= 20, family


def test_the_held_out_half_is_not_trained_on() -> None:
    trained = {normalise(text) for text, _ in load_examples(training_files())}
    trained |= {normalise(item["text"]) for item in context_items(ROOT / "data" / "context")}  # the follow-up model's
    leaked = [c.text for c in load("held_out") if normalise(c.text) in trained]
    assert not leaked, leaked


@pytest.mark.parametrize(
    "expected, parse_data, ok",
    [
        ({"danger": ["safety_crisis"]}, {"intent": {"name": "safety_crisis"}, "urgent": []}, True),
        ({"danger": ["safety_crisis"]}, {"intent": {"name": "ask_overdue_help"}, "urgent": ["safety_crisis"]}, True),
        ({"danger": ["safety_crisis"]}, {"intent": {"name": "ask_overdue_help"}, "urgent": []}, False),
        ({"danger": "none"}, {"intent": {"name": "negotiate_repayment"}, "urgent": []}, True),
        ({"danger": "none"}, {"intent": {"name": "safety_crisis"}, "urgent": []}, False),
        ({"danger": "none"}, {"intent": {"name": "faq"}, "urgent": ["faq/money_sent_scam"]}, False),
        ({"intent": "negotiate_rate"}, {"intent": {"name": "negotiate_rate"}, "urgent": []}, True),
        ({"intent": "negotiate_rate"}, {"intent": {"name": "negotiate_rate"}, "urgent": ["safety_threat"]}, False),
        ({"intent": "faq/fake_app"}, {"intent": {"name": "faq"}, "topic": "faq/fake_app", "urgent": []}, True),
        ({"danger": "none", "not": ["deny"]}, {"intent": {"name": "deny"}, "urgent": []}, False),
        ({"danger": "none", "not": ["deny"]}, {"intent": {"name": "faq"}, "topic": "faq/extension"}, True),
    ],
)
def test_what_passes(expected: Dict[str, Any], parse_data: Dict[str, Any], ok: bool) -> None:
    assert passes(expected, parse_data) is ok


def case(**written: Any) -> Case:
    return Case("f", "a", "…", **written)


@pytest.mark.parametrize(
    "expected, parse_data, written, ok",
    [
        (SCAM_OFFER, {"intent": {"name": "faq"}, "topic": "faq/fake_app"}, {}, True),
        (MORE, {"intent": {"name": "follow_up"}, "follow_up": "more"}, {}, True),
        (MORE, {"intent": {"name": "follow_up"}, "follow_up": None}, {}, True),
        (MORE, {"intent": {"name": "ask_overdue_help"}, "follow_up": None}, {}, False),
        (MORE, {"intent": {"name": "follow_up"}, "follow_up": "fee"}, {}, False),
        ({"feeling": "stated"}, {"feeling": "shame"}, {"feeling": "shame"}, True),
        ({"feeling": "stated"}, {"feeling": None}, {"feeling": "shame"}, False),
        (NUMBERS, {"entities": [AMOUNT, DAYS]}, {"numbers": (("debt", 25000), ("overdue_days", 40))}, True),
        (NUMBERS, {"entities": [HOTLINE, AMOUNT, DAYS]}, {"numbers": (("debt", 25000), ("overdue_days", 40))}, False),
        (NUMBERS, {"entities": [DAYS]}, {"numbers": (("debt", "none"), ("overdue_days", 40))}, True),
        (NUMBERS, {"entities": [AMOUNT, RENT, FOOD]}, {"numbers": (("debt", 25000), ("expenses", 2700))}, True),
        (NUMBERS, {"entities": [AMOUNT, RENT]}, {"numbers": (("debt", 25000), ("expenses", 2700))}, False),
    ],
)  # fmt: skip
def test_what_passes_for_one_message(expected: Dict, parse_data: Dict, written: Dict, ok: bool) -> None:
    """Families whose messages each say what they hold (a feeling, the debt and days overdue)."""
    assert passes(expected, parse_data, case(**written)) is ok


def test_held_out_families_stay_above_their_floors(stack: Stack) -> None:
    cases = load("held_out")
    expected = expectations()
    result = score(cases, read_all(stack, cases, expected), expected)
    rates = {family: row["passed"] / row["total"] for family, row in result.items()}
    print("held-out family pass rates:", {f: round(r, 3) for f, r in sorted(rates.items())})
    below = {f: (round(r, 3), expected[f]["floor"]) for f, r in rates.items() if r < expected[f]["floor"]}
    assert not below, f"families below their floor (rate, floor): {below}"
