"""Paraphrase families: how many messages of each family the trained model reads as it must.

A family (``tests/families/<family>/<writer>.yml``) is many messages of one need, written by helpers who
never saw the code or the tests. Writers ``b`` and ``i`` are the held-out half: never read while fixing, never
used to choose settings. Every other writer (``a``, ``c``, ``d``…) is the training half.
``tests/families/expected.yml`` says what a family's messages must be read as.

``make families`` prints the held-out pass rate of each family and overall (``--split train`` for the
other half, ``--show`` to list the misread messages of the training half only).
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Sequence

import requests
import yaml

from bot.concerns import (
    DANGER_REPORTED,
    FEELING,
    FOLLOW_UP,
    FOLLOW_UP_INTENT,
    POSSIBLE_FOLLOW_UP,
    RUDE,
    SAFETY_PREFIX,
    URGENT,
    label_of,
)
from bot.config import ROOT, settings
from bot.stack import Stack, on_free_ports

FAMILIES = ROOT / "tests" / "families"
# Held-out writers: b for every family; i adds a second held-out writer to the safety families, so that
# each has at least 40 held-out messages.
HELD_OUT = ("b", "i")
# The numbers a message of a numbers family states (number_roles, budget_roles): what bot.entities must read.
NUMBERS = ("debt", "overdue_days", "income", "expenses", "affordable", "term_months", "daily_rate")
# … and of a plan said in a call (plan_offered, lump_sum_in_call): the sum paid at once now (a lump sum or a down
# payment), what is paid a month after it, the debt said with it, and money already paid before the call.
PLAN_NUMBERS = ("now", "monthly", "owed", "paid")
# What a message after an answer does (family follow_up_in_context) → the follow-ups that answer it: the rest
# of that answer ("more", or "same": bot.reply answers it with the answer in short and what it left out), the
# same question for the case it changes, one aspect of it (its cue), or a new question (no follow-up).
KINDS: Dict[str, Callable[[Any], tuple]] = {
    "more": lambda case: ("more", "same"),
    "same": lambda case: ("same",),
    "aspect": lambda case: (case.aspect,),
    "new": lambda case: (None,),
}
SPLITS = {"train": "every writer but b and i", "held_out": "writers b and i"}


@dataclass(frozen=True)
class Case:
    family: str
    writer: str
    text: str
    before: tuple = ()
    feeling: str | None = None  # the feeling the writer says the message states (family emotion_stated)
    numbers: tuple = ()  # ((name, value), …) the writer says it states, "none" for absent (NUMBERS)
    kind: str | None = None  # what the message does after the answer to ``before`` (family follow_up_in_context)
    aspect: str | None = None  # the aspect of that answer it asks about, for kind "aspect" (a follow-up cue)


def load(split: str, root: Path = FAMILIES) -> List[Case]:
    """Every message of one half of every family."""
    cases = []
    for path in sorted(root.glob("*/*.yml")):
        if path.stem == "expected" or (path.stem in HELD_OUT) != (split == "held_out"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["messages"]:
            before = tuple(item.get("before") or ())
            numbers = tuple((name, item[name]) for name in (*NUMBERS, *PLAN_NUMBERS) if name in item)
            cases.append(Case(
                path.parent.name, path.stem, item["text"], before, item.get("emotion"), numbers, item.get("kind"),
                item.get("aspect"),
            ))  # fmt: skip
    return cases


def expectations(root: Path = FAMILIES) -> Dict[str, Dict[str, Any]]:
    return yaml.safe_load((root / "expected.yml").read_text(encoding="utf-8"))


def danger_kinds(parse: Mapping[str, Any]) -> List[str]:
    """The danger kinds in a reading: a safety intent, and the concerns whose help comes first."""
    intent = (parse.get("intent") or {}).get("name") or ""
    kinds = list(parse.get(URGENT) or [])
    return kinds + [intent] if intent.startswith(SAFETY_PREFIX) and intent not in kinds else kinds


def follow_up_of(parse: Mapping[str, Any]) -> str | None:
    """The follow-up a message makes on its own: its cue, or "same" when it is one with no cue."""
    cue = parse.get(FOLLOW_UP) or parse.get(POSSIBLE_FOLLOW_UP)
    if cue or (parse.get("intent") or {}).get("name") == FOLLOW_UP_INTENT:
        return cue or "same"
    return None


def stated_numbers(parse: Mapping[str, Any], names: Sequence[str]) -> tuple:
    """The named numbers a reading holds, "none" for each it lacks, as the slots take them: the debt is
    the first amount with no other role (owed or borrowed); expenses are every cost added up.
    """
    found = parse.get("entities") or []

    def amounts(role: str | None) -> List[float]:
        return [e["value"] for e in found if e.get("entity") == "amount" and e.get("role") == role]

    def first(values: List[float]) -> Any:
        return values[0] if values else "none"

    values = {
        "debt": first(amounts(None)),
        "overdue_days": first([e["value"] for e in found if e.get("entity") == "overdue_days"]),
        "income": first(amounts("income")),
        "expenses": sum(amounts("expense")) if amounts("expense") else "none",
        "affordable": first(amounts("affordable")),
        "term_months": first([e["value"] for e in found if e.get("entity") == "term_months"]),
        # the rate of their own loan (a rate heard of has the role "heard": the rehearsal does not take it)
        "daily_rate": first([e["value"] for e in found if e.get("entity") == "daily_rate" and not e.get("role")]),
    }
    return tuple((name, values[name]) for name in names)


def stated_plan(parse: Mapping[str, Any], names: Sequence[str]) -> tuple:
    """A plan's numbers as the rehearsal reads them in a call (``bot.plans.read``): what is offered a month
    (``affordable`` or ``monthly``: a payment or an installment), over how many installments, what is paid at
    once now (``now``: a lump sum or a down payment), "none" for each it lacks; the income as ``stated_numbers``
    reads it; the debt the rehearsal takes from it while a plan is talked about (``owed``); money said to be
    paid already (``paid``).
    """
    from bot import plans, rehearsal

    text = parse.get("text") or ""
    plan = plans.read(text, parse.get("entities") or [])
    facts = rehearsal.facts_given(rehearsal.AgentState(asked="plan"), rehearsal.Turn.from_parse(text, parse))
    paid = [e["value"] for e in parse.get("entities") or [] if e.get("entity") == "amount" and e.get("role") == "paid"]

    def part(value: Any) -> Any:
        return "none" if value is None else value

    now = None if plan is None else plan.lump if plan.lump is not None else plan.down
    values = {
        "affordable": part(plan and plan.monthly),
        "monthly": part(plan and plan.monthly),
        "term_months": part(plan and plan.installments),
        "now": part(now),
        "income": dict(stated_numbers(parse, ["income"]))["income"],
        "owed": facts.get("owed", "none"),
        "paid": paid[0] if paid else "none",
    }
    return tuple((name, values[name]) for name in names)


def call_answer(parse: Mapping[str, Any], names: Sequence[str], asked: str) -> tuple:
    """The numbers a line said in a practice call, right after the agent asked ``asked`` (income, affordable…),
    as the rehearsal takes them (``bot.rehearsal.facts_given``), "none" for each it lacks.
    """
    from bot import rehearsal

    turn = rehearsal.Turn.from_parse(parse.get("text") or "", parse)
    state = rehearsal.AgentState(difficulty="normal", asked=asked)
    if asked == "correction":  # the agent had heard, in the field corrected, the figure the line says it is not
        wrong = turn.values(f"amount:{rehearsal.DENIED}")
        field = next((n for n in names if n in ("income", "affordable", "debt")), None)
        if wrong and field == "debt":  # the debt is the case's: a card that says the figure denied
            state.case = {**_roleplay()["cases"][0], "owed": float(wrong[0])}
        elif wrong and field:
            setattr(state, field, float(wrong[0]))
        state.asked = "plan"
    facts = rehearsal.facts_given(state, turn)
    facts = {"debt" if name == "owed" else name: value for name, value in facts.items()}
    return tuple((name, facts.get(name, "none")) for name in names)


@lru_cache(maxsize=1)
def _roleplay() -> Mapping[str, Any]:
    from bot import knowledge

    return knowledge.load(ROOT / "data" / "knowledge").roleplay


def passes(expected: Mapping[str, Any], parse: Mapping[str, Any], case: Case | None = None) -> bool:
    """``danger``: the reading holds one of these danger kinds (``none``: no danger kind at all), or is
    one of ``also`` (a scam offer answered by its own warning, "交八百包删征信" by the credit-repair one);
    ``intent``: the reading's intent (or ``faq/<key>``) is this one or one of ``also``, and it holds no
    danger kind; ``not``: intents it must never be (a question is no ``deny``); ``follow_up``: the
    follow-ups it may make (bot.reply answers "more" and "same" with the rest of the last answer);
    ``feeling: stated``: the reading holds the feeling the writer gave the message; ``numbers: stated``:
    the debt and days overdue the writer gave it, and no hotline, date or count in their place (with
    ``follow_up`` as well: a follow-up of those kinds, "那分24期呢" with its number of installments);
    ``plan: stated``: the plan the writer gave it, as the rehearsal reads it (``stated_plan``);
    ``call_answer: <question>``: the numbers the writer gave it, as the rehearsal takes them in answer to the
    agent's question (``call_answer``);
    ``follows: stated``: what the writer says it does after the answer before it (``KINDS``);
    ``rude``: whether the reading takes the line as rude to the agent (and, when not, no danger);
    ``reported``: no danger kind, or only a scam the reading marks as reported to the police.
    """
    found = danger_kinds(parse)
    if label_of(parse) in expected.get("not", ()):
        return False
    if expected.get("reported"):  # no danger, or a scam reported to the police (a call goes on)
        return not found or bool(parse.get(DANGER_REPORTED))
    if "rude" in expected:  # a line in a call: rude to the agent or not, as the reading has it
        return bool(parse.get(RUDE)) == expected["rude"] and (expected["rude"] or not found)
    if "danger" in expected:
        wanted = expected["danger"]
        if wanted == "none":
            return not found
        return any(kind in wanted for kind in found) or label_of(parse) in expected.get("also", ())
    if "intent" in expected:
        return label_of(parse) in (expected["intent"], *expected.get("also", ())) and not found
    if expected.get("feeling") == "stated":
        return parse.get(FEELING) == (case and case.feeling)
    if expected.get("follows") == "stated":
        return bool(case) and follow_up_of(parse) in KINDS[case.kind](case) and not found
    if "call_answer" in expected:
        return bool(case) and call_answer(parse, [n for n, _ in case.numbers], expected["call_answer"]) == case.numbers
    if expected.get("plan") == "stated":
        return bool(case) and stated_plan(parse, [name for name, _ in case.numbers]) == case.numbers
    if expected.get("numbers") == "stated":
        stated = bool(case) and stated_numbers(parse, [name for name, _ in case.numbers]) == case.numbers
        return stated and ("follow_up" not in expected or follow_up_of(parse) in expected["follow_up"])
    if "follow_up" in expected:
        return follow_up_of(parse) in expected["follow_up"] and not found
    raise ValueError(f"no check for {expected}")


def score(cases: Sequence[Case], parses: Sequence[Mapping[str, Any]], expected: Mapping[str, Mapping]) -> Dict:
    """Per family: (passed, total, misread cases with what they were read as)."""
    result: Dict[str, Dict[str, Any]] = {}
    for case, parse in zip(cases, parses, strict=True):
        row = result.setdefault(case.family, {"passed": 0, "total": 0, "misread": []})
        row["total"] += 1
        if passes(expected[case.family], parse, case):
            row["passed"] += 1
        else:
            names = [name for name, _ in case.numbers]
            asked = expected[case.family].get("call_answer")
            reader = stated_plan if expected[case.family].get("plan") else stated_numbers
            found_numbers = call_answer(parse, names, asked) if asked else reader(parse, names)
            read = f"read {found_numbers}, written {case.numbers}" if case.numbers else label_of(parse)
            if case.kind:
                read = f"{case.kind} {case.aspect or ''} read as {follow_up_of(parse)} ({label_of(parse)})"
            row["misread"].append((case.text, danger_kinds(parse), read))
    return result


def read(stack: Stack, case: Case, expected: Mapping[str, Any]) -> Dict[str, Any]:
    """What the running bot reads in a case's message: alone (Rasa's /model/parse), or after the turns before
    it (its own ``before``, else its family's: ask_more is "right after an answer"), played in a conversation
    of its own with the real actions, so that the reading sees what the bot last answered.
    """
    token = {"token": stack.config.auth_token}
    before = case.before or tuple(expected.get("before") or ())
    if not before:
        return requests.post(f"{stack.rasa_url}/model/parse", params=token, json={"text": case.text}, timeout=60).json()
    sender = f"family-{uuid.uuid4().hex[:12]}"
    for turn in before:
        requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": turn}, timeout=60)
    url = f"{stack.rasa_url}/conversations/{sender}/messages"
    tracker = requests.post(url, params=token, json={"text": case.text, "sender": "user"}, timeout=60).json()
    return tracker["latest_message"]


def read_all(stack: Stack, cases: Sequence[Case], expected: Mapping[str, Mapping]) -> List[Dict[str, Any]]:
    return [read(stack, case, expected[case.family]) for case in cases]


def main(argv: List[str] | None = None) -> int:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_.add_argument("--split", choices=sorted(SPLITS), default="held_out")
    parser_.add_argument("--show", action="store_true", help="list misread messages (training half only)")
    args = parser_.parse_args(argv)
    if args.show and args.split != "train":
        parser_.error("--show lists the training half only: the held-out half is never read while fixing")
    cases, expected = load(args.split), expectations()
    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet:
        stack = Stack(on_free_ports(settings(), Path(tmp) / "tracker.db", secrets.token_hex(16)), log=quiet)
        try:
            stack.start()
            result = score(cases, read_all(stack, cases, expected), expected)
        finally:
            stack.stop()
    print(f"paraphrase families, {args.split} half ({SPLITS[args.split]}):")
    for family, row in sorted(result.items()):
        print(f"  {family:22s} {row['passed']:3d}/{row['total']:3d}  {row['passed'] / row['total']:.0%}")
        if args.show:
            for text, found, intent in row["misread"]:
                print(f"      read as {found or 'no danger'} ({intent}): {text}")
    passed, total = sum(r["passed"] for r in result.values()), sum(r["total"] for r in result.values())
    print(f"  {'overall':22s} {passed:3d}/{total:3d}  {passed / total:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
