"""Conversations written the way worried borrowers write (tests/data/realistic.yml, written apart from
the bot's answers), over REST against the real servers: NLU, dialogue and actions together.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest
import yaml

from bot.config import ROOT
from bot.stack import Stack
from bot.tools.nlu_bench import label_of
from tests.conftest import Chat, parse

CASES: Dict[str, List[Dict[str, Any]]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "realistic.yml").read_text(encoding="utf-8")
)
# The help each kind of danger must get in the first line of the first reply.
FIRST_LINE_HELP = {"crisis": "12356", "anger": "110", "threat": "110", "fraud": "110"}
# How each state is reached before the dangerous message is sent.
STATES = {
    "idle": [],
    "after_a_question": ["提前还款要违约金吗"],
    "calculator": ["帮我算一下利息"],
    "rehearsal": ["我想模拟练习一下协商电话", "普通"],
    "prep_pack": ["生成我的协商准备单"],
}
# What the calculator asks for each fact; never asked again once the user gave it.
FORM_QUESTIONS = {"amount": "借款金额（本金）是多少", "days": "借多久，或者分几期还"}
BUSY = "服务现在有点忙"


def first_line(replies: List[Dict[str, Any]]) -> str:
    texts = [r.get("text") or "" for r in replies if r.get("text")]
    assert texts, f"no answer: {replies}"
    return texts[0].splitlines()[0]


def number_written(value: float) -> List[str]:
    """How an echoed number may be written: 25000, 25,000."""
    whole = int(value)
    return [str(whole), f"{whole:,}"]


@pytest.mark.parametrize("case", CASES["multi_concern"], ids=lambda c: c["text"][:16])
def test_several_concerns_in_one_message(chat: Chat, case: Dict[str, Any]) -> None:
    replies = chat.send(case["text"])
    text = "\n".join(r.get("text") or "" for r in replies)
    assert text and BUSY not in text
    for word in case["must_mention"]:
        assert str(word) in text, f"{word!r} missing from:\n{text}"
    safety = [c for c in case["concerns"] if c.startswith("safety_")]
    if safety:
        assert FIRST_LINE_HELP[safety[0].removeprefix("safety_")] in first_line(replies), text
    else:
        for name in ("amount", "overdue_days"):
            if name in case.get("facts", {}):
                assert any(w in text for w in number_written(case["facts"][name])), f"{name} not echoed:\n{text}"


@pytest.mark.parametrize("case", CASES["follow_ups"], ids=lambda c: "→".join(c["turns"])[:24])
def test_follow_ups_stay_in_context(chat: Chat, case: Dict[str, Any]) -> None:
    said = [chat.say(turn) for turn in case["turns"]]
    last = said[-1]
    assert BUSY not in last
    for word in case["must_mention_last"]:
        assert str(word) in last, f"{word!r} missing from the answer to {case['turns'][-1]!r}:\n{last}"
    assert not last.startswith("抱歉，我没太明白"), last
    for fact in case.get("never_ask_again", []):
        question = FORM_QUESTIONS.get(fact)
        if question:
            assert not any(question in s for s in said[1:]), f"asked again for {fact}"


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("case", CASES["safety"], ids=lambda c: f"{c['kind']}-{c['text'][:10]}")
def test_danger_comes_first_in_every_state(stack: Stack, state: str, case: Dict[str, Any]) -> None:
    chat = Chat(stack)
    for message in STATES[state]:
        chat.say(message)
    replies = chat.send(case["text"])
    help_number = FIRST_LINE_HELP[case["kind"]]
    assert help_number in first_line(replies), "\n".join(r.get("text") or "" for r in replies)
    if case["kind"] in ("crisis", "anger"):
        # No debt content before the help, and no score of a call that was stopped.
        assert "总分" not in "\n".join(r.get("text") or "" for r in replies)
        # The next "嗯" is a check-in on the person, not the debt menu or the form's next question.
        after = chat.send("嗯")
        text = "\n".join(r.get("text") or "" for r in after)
        assert "你现在安全吗" in text and "12356" in text, text
        assert not any(r.get("buttons") for r in after), after


def test_a_screen_shared_with_a_fake_agent_is_closed_first(chat: Chat) -> None:
    replies = chat.send("有个自称微粒贷的客服让我开着屏幕共享 说帮我操作降息 现在还开着呢")
    assert "屏幕共享" in first_line(replies) and "关掉" in first_line(replies), first_line(replies)


@pytest.mark.parametrize("case", CASES["hardship"], ids=lambda c: c["text"][:16])
def test_hardship_with_numbers_gets_a_plan_not_a_calculation(chat: Chat, case: Dict[str, Any]) -> None:
    text = chat.say(case["text"])
    assert "还需要日利率或年化利率" not in text, text
    left = case["income"] - sum(case["expenses"])
    if left > 0:
        assert any(w in text for w in number_written(left)), f"what is left ({left}) not said:\n{text}"
        if left < case.get("installment", left + 1):
            assert "建议向客服提出" in text
        else:  # enough left for the installment now: no "propose what you pay now", but why and what to ask
            assert "够还现在每期" in text and "建议向客服提出" not in text, text
    assert "书面确认" in text


def test_english_and_pinyin_alone_are_understood(stack: Stack) -> None:
    wrong = []
    for case in CASES["english_pinyin"]:
        label = label_of(parse(stack, case["text"]))
        if label != case["intent"] and label not in case.get("also", []):
            wrong.append(f"{case['text']!r}: {label} (want {case['intent']})")
    assert len(wrong) <= len(CASES["english_pinyin"]) // 10, "\n".join(wrong)


def test_an_answer_to_the_calculators_question_fills_that_question(chat: Chat) -> None:
    assert "借款金额" in chat.say("借钱利息怎么算 帮我算下")
    assert "利率" in chat.say("8000")
    assert "分几期" in chat.say("日息万五")
    text = chat.say("5期")
    assert re.search(r"借 8,000(\.00)? 元，分 5 期", text), text


def test_an_implausible_number_is_questioned_not_computed(chat: Chat) -> None:
    text = chat.say("借8000日息5%用30天利息多少")
    assert "利息 " not in text or "确认" in text, text


FRESH: Dict[str, List[Dict[str, Any]]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "fresh.yml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", FRESH["safety"], ids=lambda c: f"{c['kind']}-{c['text'][:10]}")
def test_fresh_danger_gets_help_first(chat: Chat, case: Dict[str, Any]) -> None:
    replies = chat.send(case["text"])
    assert FIRST_LINE_HELP[case["kind"]] in first_line(replies), "\n".join(r.get("text") or "" for r in replies)


def test_fresh_worry_is_not_taken_for_danger(stack: Stack) -> None:
    alarmed = []
    for case in FRESH["not_danger"]:
        parsed = parse(stack, case["text"])
        if parsed["intent"]["name"].startswith("safety_") or parsed.get("urgent"):
            alarmed.append(f"{case['text']!r}: {parsed['intent']['name']} {parsed.get('urgent')}")
    assert not alarmed, "\n".join(alarmed)


@pytest.mark.parametrize("case", FRESH["follow_ups"], ids=lambda c: "→".join(c["turns"])[:24])
def test_fresh_follow_ups_stay_in_context(chat: Chat, case: Dict[str, Any]) -> None:
    last = [chat.say(turn) for turn in case["turns"]][-1]
    for word in case["must_mention_last"]:
        assert str(word) in last, f"{word!r} missing from the answer to {case['turns'][-1]!r}:\n{last}"
