"""The rehearsal's agent and its scoring (bot.rehearsal), on crafted conversations; no Rasa involved."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
import yaml

from bot import knowledge, rehearsal
from bot.config import ROOT
from bot.entities import extract
from bot.text import normalise

LEXICON = yaml.safe_load((ROOT / "data" / "lexicon" / "keywords.yml").read_text(encoding="utf-8"))
SLOT_OF_ROLE = {"income": "monthly_income", "affordable": "affordable_payment"}


@pytest.fixture(scope="module")
def rp() -> Dict[str, Any]:
    return knowledge.load(ROOT / "data" / "knowledge").roleplay


def turn(text: str, intent: str = "inform_situation", confidence: float = 0.9) -> rehearsal.Turn:
    """A message as the pipeline would read it: entities found by the real extractor."""
    found = extract(normalise(text), LEXICON)
    entities = tuple({"entity": e.entity, "value": e.value, "role": e.role} for e in found)
    return rehearsal.Turn(text, intent, confidence, entities)


def play(rp: Dict[str, Any], messages: List[Any]) -> Tuple[rehearsal.AgentState, List[List[str]], Dict[str, Any]]:
    """Runs the agent over messages (text, or (text, intent)), filling slots as Rasa's mappings would."""
    state, _ = rehearsal.start(rp)
    slots: Dict[str, Any] = {}
    replies = []
    for message in messages:
        t = turn(*message) if isinstance(message, tuple) else turn(message)
        for e in t.entities:
            name = SLOT_OF_ROLE.get(e["role"], e["entity"]) if e["entity"] == "amount" else e["entity"]
            slots[name] = e["value"]
        state, move = rehearsal.step(rp, state, t, slots)
        replies.append(move.lines + ([f"<aside {move.aside}>"] if move.aside else []))
    return state, replies, slots


PREPARED = [
    "你好，我欠了两万，逾期一个月了，因为我失业了暂时还不上",
    "我现在每月收入3000",
    "每个月最多能还1000",
    "我想申请分24期，每月还1000，另外能不能减免罚息",
    "我可以提供失业证明和银行流水",
    "好的，麻烦把方案用短信发给我书面确认，我也会截图保存",
]
UNPREPARED = ["喂", "我还不上了", "不知道", "反正没钱", "你们看着办吧"]
ABUSIVE = ["你们这些骗子！！！", "利息这么高就是吸血鬼", "我就是不还，能把我怎么样", "滚，别再打电话了"]


def total(rp: Dict[str, Any], messages: List[str]) -> rehearsal.Score:
    return rehearsal.score(rp, [turn(m) for m in messages])


def test_a_prepared_polite_borrower_scores_high(rp) -> None:
    result = total(rp, PREPARED)
    assert result.total >= 80
    assert all(item.met for item in result.items), [i.id for i in result.items if not i.met]


@pytest.mark.parametrize("messages", [UNPREPARED, ABUSIVE], ids=["unprepared", "abusive"])
def test_an_unprepared_or_abusive_borrower_scores_low(rp, messages) -> None:
    assert total(rp, messages).total <= 40


def test_rudeness_costs_points_beyond_the_calm_item(rp) -> None:
    polite = total(rp, PREPARED)
    rude = total(rp, PREPARED + ["你们就是一群骗子"])
    assert not next(i for i in rude.items if i.id == "calm").met
    assert polite.total - rude.total == 15 + rp["penalty_per_rude_message"]


# Each rubric item, and the words in the prepared call that are its only evidence.
EVIDENCE = {
    "situation": {0: "你好，我欠了两万，逾期一个月了，暂时处理不了", 4: "我可以提供收入证明和银行流水"},
    "numbers": {1: "我现在有点工作", 2: "每个月能挤出一点"},
    "plan": {3: "另外能不能减免罚息"},
    "materials": {4: "我可以配合"},
    "waiver": {3: "我想申请分24期，每月还1000"},
    "record": {5: "好的"},
}


@pytest.mark.parametrize("item", sorted(EVIDENCE))
def test_each_item_flips_when_its_evidence_is_removed(rp, item: str) -> None:
    messages = list(PREPARED)
    for index, replacement in EVIDENCE[item].items():
        messages[index] = replacement
    result = total(rp, messages)
    assert {i.id: i.met for i in result.items} == {i["id"]: i["id"] != item for i in rp["rubric"]}
    weight = next(i["weight"] for i in rp["rubric"] if i["id"] == item)
    assert result.total == 100 - weight


def test_debrief_text_has_the_score_line_tips_and_the_plan(rp) -> None:
    result = total(rp, UNPREPARED)
    text = rehearsal.debrief(rp, result, None)
    assert f"总分：{result.total}/100" in text.splitlines()
    assert "建议：" in text and "本次还没谈出具体方案" in text
    assert "每月还 1000 元" in rehearsal.debrief(rp, result, "每月还 1000 元")


def test_strict_agent_refuses_the_first_plan_then_accepts_a_concrete_affordable_one(rp) -> None:
    state, replies, slots = play(rp, ["严格"] + PREPARED[:4] + [PREPARED[4] + "，每月还1000分24期", PREPARED[5]])
    said = "\n".join(sum(replies, []))
    assert "不能直接同意" in "\n".join(replies[4]), "the first plan is refused"
    assert "提交申请：每月还 1000 元" in "\n".join(replies[5])
    assert "每月收入约 3000 元" in said and "每月能还约 1000 元" in said, "numbers echoed back"
    assert "罚息是按合同产生的" in said
    assert state.done and state.written


def test_strict_agent_will_not_accept_a_plan_above_income(rp) -> None:
    messages = [
        "严格",
        "我失业了",
        "每月收入2000",
        "每月能还3000",
        "我想分期每月还3000",
        "我可以提供失业证明，每月还3000",
    ]
    _, replies, _ = play(rp, messages)
    assert "执行不下去" in "\n".join(replies[-1])


def test_mild_agent_accepts_the_first_plan_and_helps_with_a_vague_one(rp) -> None:
    _, replies, _ = play(rp, ["温和", "我失业了还不上", "收入3000", "每月能还1000", "能不能延期"])
    assert "我帮您具体化一下" in "\n".join(replies[-1])
    _, replies, _ = play(rp, ["温和", "我失业了还不上", "收入3000", "每月能还1000", "我想每月还1000分24期"])
    assert "可以帮您提交申请" in "\n".join(replies[-1])


def test_agent_says_the_rate_is_set_by_the_system(rp) -> None:
    _, replies, _ = play(rp, ["普通", ("利息太高了，能不能把利率降低一点", "negotiate_rate")])
    assert "利率是系统根据信用评估定的" in "\n".join(replies[-1])


def test_outside_question_is_answered_then_the_call_resumes(rp) -> None:
    state, replies, _ = play(rp, ["普通", "我失业了", ("催收打我家人电话怎么办", "report_harassment")])
    assert replies[-1][-1] == "<aside report_harassment>"
    assert replies[-1][0] == rp["lines"]["resume"] and "收入" in replies[-1][1]
    assert not state.done


def test_agent_never_asks_for_personal_data(rp) -> None:
    lines = [v for line in rp["lines"].values() for v in (line.values() if isinstance(line, dict) else [line])]
    for text in lines + [rp["intro"]]:
        for secret in ("身份证号", "卡号", "密码", "验证码"):
            assert secret not in text or "不要" in text or "不核对" in text, text


def test_end_words_end_the_call_at_any_point(rp) -> None:
    state, replies, _ = play(rp, ["普通", "我失业了", "结束练习"])
    assert state.done and replies[-1] == []
    assert rehearsal.call_after_difficulty(rp, [turn("普通"), turn("我失业了"), turn("结束练习")]) == [turn("我失业了")]


def test_difficulty_is_asked_again_until_chosen(rp) -> None:
    state, replies, _ = play(rp, ["随便吧"])
    assert state.difficulty is None and replies[0] == [rp["ask_difficulty_again"]]
    state, _, _ = play(rp, ["随便吧", "严格"])
    assert state.difficulty == "strict"


def test_a_bare_number_answers_the_agents_question(rp) -> None:
    state, replies, _ = play(rp, ["普通", "我被裁员了", "靠打零工，一个月两千多", "500"])
    assert state.gave == ["affordable_payment", "monthly_income"] and "numbers" in state.heard
    assert "每月收入约 2000 元" in "\n".join(replies[2]) and "每月能还约 500 元" in "\n".join(replies[3])
    turns = rehearsal.call_after_difficulty(rp, [turn(m) for m in ["普通", "我被裁员了", "一个月两千多", "五百"]])
    assert next(i for i in rehearsal.score(rp, turns, state.heard).items if i.id == "numbers").met
    assert not next(i for i in rehearsal.score(rp, turns).items if i.id == "numbers").met


def test_strict_agent_accepts_the_plan_on_the_table_once_proof_is_offered(rp) -> None:
    _, replies, _ = play(rp, ["严格", "我失业了", "收入3000", "每月能还1000", "我想每月还1000分24期", "我有失业证明"])
    assert "不能直接同意" in "\n".join(replies[4])
    assert "提交申请：每月还 1000 元" in "\n".join(replies[5])
