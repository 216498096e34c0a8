"""The rehearsal's agent, its judge and its scoring (bot.rehearsal, bot.plans, bot.scoring) on crafted
calls; numbers are read by the real extractor, no Rasa involved. Each defect issue #10 lists has a test
here or in tests/test_e2e_rehearsal.py (over the real stack).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import replace
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import concerns, knowledge, plans, rehearsal, scoring
from bot.config import ROOT
from bot.entities import GUESSED_ROLE, extract
from bot.hardship import money
from bot.text import normalise

LEXICON = yaml.safe_load((ROOT / "data" / "lexicon" / "keywords.yml").read_text(encoding="utf-8"))
# The words of the rudeness floor: with no trained model here, a line is rude as those words have it.
CONCERN_WORDS = concerns.Lexicon.from_dict(
    yaml.safe_load((ROOT / "data" / "lexicon" / "concerns.yml").read_text(encoding="utf-8"))
)
# Calls a fair trainer scored, written apart from the scorer: 56, then 20 more as a fresh check
# (docs/performance.md has the scorer's agreement with each set when first run).
CALLS = [
    call
    for name in ("rehearsal_calls.yml", "rehearsal_calls_fresh.yml")
    for call in yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))["calls"]
]
# How far the scorer may be from a fair trainer's score on one call (points out of 100).
TOLERANCE = 15
# …and on average over all the calls.
MEAN_TOLERANCE = 6


@pytest.fixture(scope="module")
def rp() -> Dict[str, Any]:
    return knowledge.load(ROOT / "data" / "knowledge").roleplay


def turn(text: str, intent: str = "inform_situation", confidence: float = 0.5) -> rehearsal.Turn:
    """A message as the pipeline would read it: entities found by the real extractor, rudeness by the words."""
    found = extract(normalise(text), LEXICON)
    entities = tuple(
        {"entity": e.entity, "value": e.value, "role": e.role, "start": e.start, GUESSED_ROLE: e.guessed} for e in found
    )
    rude = concerns.rude_by_words(CONCERN_WORDS, normalise(text))
    return rehearsal.Turn(text, intent, confidence, entities, rude=rude)


def case_of(rp: Dict[str, Any], case_id: str) -> plans.Case:
    return plans.Case.from_dict(next(c for c in rp["cases"] if c["id"] == case_id))


Call = Tuple[rehearsal.AgentState, List[List[str]]]


def play(rp: Dict[str, Any], messages: List[Any], case: str = "job_loss", difficulty: str | None = "普通") -> Call:
    """Runs the agent over messages (text, (text, intent, confidence), or a Turn as read); returns the state
    and replies.
    """
    state, _ = rehearsal.start(rp, case_of(rp, case))
    replies = []
    for message in ([difficulty] if difficulty else []) + list(messages):
        if isinstance(message, rehearsal.Turn):
            t = message
        else:
            t = turn(*message) if isinstance(message, tuple) else turn(message)
        state, move = rehearsal.step(rp, state, t)
        replies.append(move.lines + ([f"<aside {move.aside}>"] if move.aside else []))
        if state.done:
            break
    return state, replies[1:] if difficulty else replies


def score(rp: Dict[str, Any], messages: List[str], **kw: Any) -> int:
    state, _ = play(rp, messages, **kw)
    return rehearsal.result(rp, state).total


def item(rp: Dict[str, Any], state: rehearsal.AgentState, name: str) -> scoring.ItemResult:
    return next(i for i in rehearsal.result(rp, state).items if i.id == name)


PREPARED = [
    "你好 我借了微粒贷现在欠两万逾期一个多月了 因为三月份公司裁员我失业了",
    "我现在每月收入3500左右",
    "每个月最多能还1500",
    "我想申请每月还1500 分15期 另外罚息能不能减免",
    "我可以提供离职证明和银行流水",
    "好的 麻烦发短信书面确认一下",
    "没有了 谢谢",
]


# --- the calls a fair trainer scored (tests/data/rehearsal_calls.yml) ------------------------------


def _trainer_call(rp: Dict[str, Any], call: Dict[str, Any]) -> Tuple[int, set]:
    state, _ = play(rp, call["messages"], case=call["case"], difficulty=call["difficulty"])
    result = rehearsal.result(rp, state)
    return result.total, {i.id for i in result.items if i.met}


@pytest.mark.parametrize("call", CALLS, ids=[c["id"] for c in CALLS])
def test_scores_agree_with_a_fair_trainer(rp, call: Dict[str, Any]) -> None:
    total, met = _trainer_call(rp, call)
    expected = call["expected"]
    assert abs(total - expected["total"]) <= TOLERANCE, (total, sorted(met), expected, call["why"])


def test_scores_agree_with_a_fair_trainer_on_average(rp) -> None:
    assert len(CALLS) >= 40
    gaps = [abs(_trainer_call(rp, c)[0] - c["expected"]["total"]) for c in CALLS]
    assert sum(gaps) / len(gaps) <= MEAN_TOLERANCE, sorted(gaps)[-5:]


# --- flow -----------------------------------------------------------------------------------------


def test_telling_the_case_without_a_difficulty_starts_a_normal_call_and_keeps_the_message(rp) -> None:
    state, replies = play(rp, ["我欠了两万 逾期一个月了 因为我失业了"], difficulty=None)
    assert state.difficulty == "normal" and "普通" in replies[0][0]
    assert "situation" in state.items, "what they typed is not thrown away"
    assert not any("先选个难度" in line for line in replies[0])


@pytest.mark.parametrize(
    "words, difficulty",
    [("随便", "normal"), ("都行", "normal"), ("凶一点", "strict"), ("温柔点的", "mild"), ("来个难点的", "strict")],
)
def test_a_difficulty_in_common_words(rp, words: str, difficulty: str) -> None:
    state, _ = play(rp, [words], difficulty=None)
    assert state.difficulty == difficulty


def test_a_start_message_that_names_the_difficulty_starts_the_call(rp) -> None:
    state, move = rehearsal.start(rp, case_of(rp, "illness"), "陪我练一下 严格一点的")
    assert state.difficulty == "strict" and "微粒贷客服" in move.lines[-1]


@pytest.mark.parametrize("goodbye", ["结束练习", "挂了", "再见", "不聊了", "退出", "拜拜", "再练一次"])
def test_hang_ups_end_the_call_with_a_score(rp, goodbye: str) -> None:
    state, replies = play(rp, ["我失业了还不上", goodbye])
    assert state.done and not state.aborted
    assert rehearsal.result(rp, state).total > 0


def test_a_goodbye_inside_a_sentence_is_no_hang_up(rp) -> None:
    state, _ = play(rp, ["催收天天打电话 我真的不想再见到他们了 我失业了"])
    assert not state.done


def test_quitting_before_the_call_started_is_not_scored(rp) -> None:
    state, replies = play(rp, ["结束练习"], difficulty=None)
    assert state.done and state.aborted and "不计分" in replies[0][0]
    state, _ = play(rp, ["结束练习"])
    assert state.aborted, "chose a difficulty, said nothing: nothing to score"


def test_the_agent_waits_for_the_answer_to_its_closing_question(rp) -> None:
    messages = PREPARED[:5]
    state, replies = play(rp, messages)
    assert "还有什么需要确认" in replies[-1][-1] and not state.done
    state, replies = play(rp, messages + ["对了 能不能把方案发个短信给我"])
    assert not state.done and "短信" in "".join(replies[-1]), "the request made at the close is answered"
    assert "record" in state.items
    state, replies = play(rp, messages + ["对了 能不能把方案发个短信给我", "没有了谢谢"])
    assert state.done and "感谢您的来电" in replies[-1][-1]


def test_a_new_call_remembers_nothing_of_the_last_one(rp) -> None:
    first, _ = play(rp, PREPARED[:3])
    assert first.income == 3500
    second, replies = play(rp, ["你好我失业了还不上"])
    assert second.income is None and "收入" in replies[-1][-1], "the second call asks the income again"


def test_cases_are_drawn_from_the_cards_and_the_users_own_numbers_win(rp) -> None:
    ids = {rehearsal.draw_case(rp, {}, random.Random(n)).id for n in range(40)}
    assert ids == {c["id"] for c in rp["cases"]}
    assert rehearsal.draw_case(rp, {}, random.Random(1), "想练一下 用生病住院的情况").id == "illness"
    for reason, card in (("疾病", "illness"), ("失业", "job_loss"), ("经营困难", "business"), ("家庭变故", "family")):
        assert rehearsal.draw_case(rp, {"hardship_reason": [reason]}, random.Random(1)).id == card, (
            "their reason's card"
        )
    own = rehearsal.draw_case(rp, {"amount": 8000, "overdue_days": 90}, random.Random(1))
    assert (own.owed, own.overdue_days) == (8000, 90)
    assert "8,000" in rehearsal.case_words(rp, own)


# --- understanding --------------------------------------------------------------------------------


def test_time_overdue_is_no_number_of_installments(rp) -> None:
    state, replies = play(rp, ["我逾期两个月了 因为生病住院"])
    assert state.case["overdue_days"] == 60 and "分 2 期" not in "".join(replies[0])


def test_other_spans_do_not_overwrite_the_time_overdue(rp) -> None:
    state, _ = play(rp, ["我失业半年了 逾期一个月"])
    assert state.case["overdue_days"] == 30


def test_the_users_own_rate_replaces_the_cards(rp) -> None:
    state, _ = play(rp, ["我欠两万 日息万分之三 失业了还不上"])
    assert state.the_case.daily_rate == 0.0003
    state, replies = play(rp, ["我欠两万 日息万分之三 失业了还不上", "收入3500", "能还1500", "每月还1500分14期"])
    assert "按日利率 0.03%" in "".join(replies[-1])


@pytest.mark.parametrize("difficulty", ["普通", "严格"])
def test_no_income_is_an_answer_not_asked_again(rp, difficulty: str) -> None:
    state, replies = play(rp, ["你好 我逾期了 还不上", "我现在失业了 没有收入"], difficulty=difficulty)
    assert state.no_income and state.income is None
    assert "收入" not in "".join(replies[-1]), replies[-1]


@pytest.mark.parametrize(
    "line, owed",
    [("先还两千 剩下的一万八 分十八期", 20000), ("首付五千 剩下的15000 每月一千", 20000), ("我欠的是两万五", 25000)],
)
def test_the_rest_after_a_sum_paid_now_is_not_the_whole_debt(rp, line: str, owed: int) -> None:
    """Round four: 先還兩千，剩下的一萬八 made the debt 18,000, and the 2,000 was taken off it again."""
    state, _ = play(rp, ["我失业了 还不上", line])
    assert state.the_case.owed == owed


@pytest.mark.parametrize("line", ["每个月八百稳一点", "一个月一千吧", "每月1200的话应该可以"])
def test_a_sum_a_month_once_the_pay_is_known_is_what_they_can_pay(rp, line: str) -> None:
    """Round four: a payment said after the income was written into the income field in 4 calls of 6."""
    state, _ = play(rp, ["我失业了 现在打零工", "一个月四千左右", "最多一千五吧", line])
    assert state.income == 4000 and state.affordable is not None and state.affordable < 4000


def test_the_debt_is_not_read_as_income(rp) -> None:
    state, _ = play(rp, ["我欠了三万 不是两万 因为生意亏了"])
    assert state.the_case.owed == 30000 and state.income is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("每月还1500分15期", plans.Plan(monthly=1500, installments=15)),
        ("两千，分五期行吗", plans.Plan(monthly=2000, installments=5)),
        ("先还三千剩下分十二期", plans.Plan(down=3000, installments=12)),
        ("我一次性还一万八 罚息能不能免了", plans.Plan(lump=18000, waiver=True)),
        ("能不能先缓三个月再按原计划还", plans.Plan(defer_days=90)),
        ("分二十四期每月一千", plans.Plan(monthly=1000, installments=24)),
        ("我欠两万 想分十期", plans.Plan(installments=10)),
        ("先缓3个月 然后每月1500分15期", plans.Plan(monthly=1500, installments=15, defer_days=90)),
        # round three: a sum gathered and paid once is one lump sum, not 15,000 a month as well
        ("欠三万左右 找亲戚凑了一万五 能不能我一次性还一万五 剩下的你们给我免了",
         plans.Plan(lump=15000, waiver=True)),
        ("我这个月已经还了700 今天再还一千 剩下的每月1300 分十期",
         plans.Plan(monthly=1300, installments=10, down=1000)),
        # family history_not_plan, writer a: the past is no plan; what they can pay now is the offer
        ("去年协商过一次 分了六期 都按时还完了 这次想再分十二期 每个月还一千二",
         plans.Plan(monthly=1200, installments=12)),
        ("以前每个月还两千多都没问题 现在工资降了一半 只能每月还八百", plans.Plan(monthly=800)),
    ],
)  # fmt: skip
def test_plans_in_any_common_form(rp, text: str, expected: plans.Plan) -> None:
    t = turn(text)
    assert plans.read(t.plain, t.entities, waiver="waiver" in scoring.evidence(rp, t.plain)) == expected


def test_numbers_told_one_at_a_time_earn_the_numbers_item_and_a_plan_keeps_the_income(rp) -> None:
    messages = [
        "你好 我上个月住院做了手术 微粒贷欠一万五 已经逾期20天了",
        "现在只有病假工资 一个月两千八左右",
        "每个月最多一千 我想申请把剩下的分成十五期 每期一千 罚息能不能减免一些",
        "可以 18期 每月一千",
    ]
    state, replies = play(rp, messages, case="illness")
    assert (state.income, state.affordable) == (2800, 1000), "the plan's 每月一千 is no income"
    assert "收入约 1,000" not in "".join(replies[-1])
    assert any("numbers" in said["items"] for said in state.said), state.said


def test_an_outside_question_that_also_answers_the_agent_is_heard(rp) -> None:
    asked = ["我欠了微粒贷 开店亏了 还不上", "我现在一个月大概4000"]
    state, replies = play(rp, asked + [("1500吧 能不能先还半年利息 本金以后再说", "faq", 0.95)], difficulty="温和")
    assert state.affordable == 1500 and state.plan is None, "1500 answers the question; 半年利息 is no term"
    assert replies[-1][-1] == "<aside faq>", "the question is still answered"
    state, _ = play(rp, asked + ["1500", "那我每月1500 分14期行吗", ("行 15期 话说你们还能再借吗", "faq", 0.95)])
    assert state.plan and state.plan.get("installments") == 15, state.plan


def test_a_short_plan_is_not_asked_for_again(rp) -> None:
    state, replies = play(rp, PREPARED[:3] + ["两千，分五期行吗"])
    assert state.plan and "具体" not in "".join(replies[-1])


# --- judgment -------------------------------------------------------------------------------------


def test_a_plan_above_income_is_refused_with_a_counter_offer(rp) -> None:
    state, replies = play(rp, ["我失业了 现在每月收入3000", "每月能还1000", "我每月还8000 分3期"])
    said = "".join(replies[-1])
    assert "执行不下去" in said and re.search(r"每月还 [\d,]+ 元，分 \d+ 期", said), said
    assert "plan" not in state.items


def test_a_plan_that_never_pays_off_earns_nothing_and_gets_figures(rp) -> None:
    state, replies = play(rp, ["我生意失败了欠五万", "每月收入6000", "每月还100 分12期可以吗"], case="business")
    said = "".join(replies[-1])
    assert "plan" not in state.items and "每月也要约" in said, said


def test_a_plan_short_of_the_interest_gets_the_installments_it_needs(rp) -> None:
    _, replies = play(rp, ["我失业了 欠两万", "收入3500", "每月1000分20期行吗"])
    assert re.search(r"按每月 1,000 元，需要分 \d+ 期左右", "".join(replies[-1])), replies[-1]


def test_normal_asks_for_proof_before_it_submits(rp) -> None:
    state, replies = play(rp, PREPARED[:4])
    assert state.status == "proof" and "材料" in replies[-1][-1]
    state, replies = play(rp, PREPARED[:5])
    assert state.status == "accepted" and "提交申请" in "".join(replies[-1])


def test_thanks_while_the_agent_waits_for_proof_get_its_answer_not_another_push(rp) -> None:
    state, replies = play(rp, PREPARED[:4] + [("好吧 谢谢你", "thank", 0.99)])
    assert state.status == "accepted" and "提交" in replies[-1][0], replies[-1]
    state, replies = play(rp, PREPARED[:4] + [("我再想想", "inform_situation", 0.5)])
    assert state.status == "proof", "anything else: the agent asks for the proof once more"


def test_strict_holds_out_over_several_turns_and_may_decline(rp) -> None:
    state, replies = play(rp, PREPARED[:5], difficulty="严格")
    assert state.status == "proof", "proof alone is not enough: strict holds out once more"
    state, _ = play(rp, PREPARED[:5] + ["我保证每个月按时还"], difficulty="严格")
    assert state.status == "accepted"
    bad = ["我失业了欠两万", "收入3500", "每月还200分10期", "每月300分12期", "每月400行吗"]
    state, replies = play(rp, bad, difficulty="严格")
    assert state.status == "declined" and "没法提交" in "".join(replies[-1])


def test_strict_does_not_accept_anything_after_one_refusal(rp) -> None:
    state, _ = play(rp, ["我失业了欠两万", "收入3500", "每月还200分10期", "每月还200分10期行不行"], difficulty="严格")
    assert state.status != "accepted"


def test_mild_proposes_figures_for_a_vague_plan_and_accepts_them(rp) -> None:
    state, replies = play(rp, ["我失业了欠两万", "收入3500", "能还1500", "能不能少还点 多分几期"], difficulty="温和")
    assert re.search(r"每月还 [\d,]+ 元左右，大约分 \d+ 期", replies[-1][-1]), replies[-1]
    state, replies = play(
        rp, ["我失业了欠两万", "收入3500", "能还1500", "能不能少还点 多分几期", "好的 可以"], difficulty="温和"
    )
    assert state.status == "accepted"


def test_the_rate_is_never_changed_and_a_waiver_never_promised(rp) -> None:
    _, replies = play(rp, ["利率能不能降低一点", "罚息能全部免掉吗"])
    text = "".join(line for reply in replies for line in reply)
    assert "没办法修改" in text
    assert "不能保证" in text and "一定免" not in text
    for difficulty in ("温和", "严格"):
        _, replies = play(rp, ["罚息能全部免掉吗"], difficulty=difficulty)
        assert re.search(r"审核|不能现在答应", "".join(replies[0]))


# --- character ------------------------------------------------------------------------------------


def test_insults_get_an_in_character_answer_and_repeated_abuse_ends_the_call(rp) -> None:
    state, replies = play(rp, ["你们就是吸血鬼"])
    assert "冷静" in "".join(replies[0]) or "文明" in "".join(replies[0])
    assert "12378" not in "".join(replies[0]), "the rude borrower is not cast as the victim"
    state, replies = play(rp, ["你们就是吸血鬼", "他妈的烦不烦", "滚蛋"])
    assert state.done and "挂断" in replies[-1][-1]
    assert rehearsal.result(rp, state).total == 0


def test_the_agent_never_says_the_same_line_twice_in_a_row(rp) -> None:
    _, replies = play(rp, ["嗯", "嗯", "嗯", "不知道", "不知道", "嗯"])
    for before, after in zip(replies, replies[1:], strict=False):
        assert before != after, after


@pytest.mark.parametrize("question", ["你工号多少", "你是真人吗", "你是机器人吧"])
def test_questions_about_the_agent_are_answered_in_character(rp, question: str) -> None:
    state, replies = play(rp, [question])
    assert "模拟" in replies[0][0] and not state.done


def test_an_outside_question_gets_a_short_aside_and_the_call_resumes(rp) -> None:
    state, replies = play(rp, [("逾期会上征信吗", "ask_overdue_consequence", 0.95)])
    assert replies[0][-1] == "<aside ask_overdue_consequence>" and not state.done
    assert not state.said, "an outside question is not a line of the call"
    _, move = rehearsal.step(rp, state, turn("逾期会上征信吗", "ask_overdue_consequence", 0.95))
    assert move.coach == 1, "the coach, not the agent, says the call resumes (round four: it broke the role)"


def test_the_agent_never_asks_for_personal_data(rp) -> None:
    _, replies = play(rp, PREPARED)
    text = "".join(line for reply in replies for line in reply)
    assert not re.search(r"身份证号|卡号|密码|验证码", text)


# --- scoring by meaning ---------------------------------------------------------------------------


def test_an_empty_call_scores_zero(rp) -> None:
    state, _ = play(rp, [])
    assert rehearsal.result(rp, state).total == 0


def test_a_rude_call_scores_well_below_the_same_call_said_politely(rp) -> None:
    rude = [PREPARED[0] + " 你们这帮混蛋天天催"] + PREPARED[1:]
    assert score(rp, PREPARED) - score(rp, rude) >= 25


@pytest.mark.parametrize(
    "message", ["分期 减免 证明 书面 失业 原因", "材料 流水 证明", "书面", "减免罚息 书面 短信 录音 证明"]
)
def test_bare_keywords_earn_nothing(rp, message: str) -> None:
    assert scoring.evidence(rp, normalise(message)) == set()


@pytest.mark.parametrize("message", ["没有材料", "我不知道要什么材料", "证明我拿不出来", "流水也开不出来 没有证明"])
def test_denied_materials_earn_nothing(rp, message: str) -> None:
    assert "materials" not in scoring.evidence(rp, normalise(message))


@pytest.mark.parametrize(
    "message, earned",
    [
        ("我有医院的出院小结和住院发票", "materials"),
        ("审核通过以后发个通知给我吧", "record"),
        ("我录个音可以吗", "record"),
        ("上个月摔断了腿一直没法上班", "situation"),
    ],
)
def test_paraphrases_count(rp, message: str, earned: str) -> None:
    assert earned in scoring.evidence(rp, normalise(message))


def test_the_debrief_quotes_the_user_and_models_what_was_missed(rp) -> None:
    state, _ = play(rp, PREPARED[:2] + ["结束练习"])
    _, text = rehearsal.debrief(rp, state)
    assert '你说："你好 我借了微粒贷' in text
    assert re.search(r"✘ 提出了可行的具体还款方案（0/20）建议：.*可以这样说：\"我想申请每月还 1,500 元", text), text


def test_agreeing_above_what_they_said_they_can_pay_earns_no_plan(rp) -> None:
    """Round four: "最多就六百 … 行吧 那就八百 我想办法" got the plan item; a fair trainer gives none."""
    state, _ = play(rp, PREPARED[:5] + ["好的 麻烦发短信书面确认一下"])
    assert next(i for i in rehearsal.result(rp, state).items if i.id == "plan").met
    state.affordable = 1000.0  # they had said 1,000 at most, and agreed 1,500
    assert not next(i for i in rehearsal.result(rp, state).items if i.id == "plan").met


def test_a_hang_up_line_still_earns_what_it_says(rp) -> None:
    """Round four: "方案通过了记得短信发我一份 再见" ended the call and the written-confirmation item was missed."""
    state, _ = play(rp, PREPARED[:5] + ["行 就这样 方案通过了记得短信发我一份 再见"])
    assert state.done and not state.aborted
    assert next(i for i in rehearsal.result(rp, state).items if i.id == "record").met


def test_the_debrief_says_what_the_agreed_plan_costs(rp) -> None:
    state, _ = play(rp, PREPARED)
    _, text = rehearsal.debrief(rp, state)
    interest = money(plans.cost(20000, 0.0005, 15))
    assert "这个方案可行" in text and f"总利息约 {interest} 元" in text


def test_a_plan_after_a_deferral_counts_the_deferred_months_interest(rp) -> None:
    """Round three: 先缓两个月 再每月还 left the two months' interest out of the plan's total."""
    case = plans.Case(owed=20000, overdue_days=30, daily_rate=0.0005, installments_left=12)
    limits = rp["judge"]
    plain = plans.judge(limits, case, plans.Plan(monthly=1500, installments=15), None, None)
    deferred = plans.judge(limits, case, plans.Plan(monthly=1500, installments=15, defer_days=60), None, None)
    assert deferred.feasible and deferred.values["deferred_interest"] == money(20000 * 0.0005 * 60)
    total = plans.cost(20000, 0.0005, 15) + 20000 * 0.0005 * 60
    assert deferred.values["interest"] == money(total) != plain.values["interest"]


# --- practice tools -------------------------------------------------------------------------------


def test_a_hint_for_the_current_moment(rp) -> None:
    _, replies = play(rp, ["我失业了还不上", "给我提示"])
    assert "收入" in replies[-1][0] and "3,500" in replies[-1][0], "the agent asked the income: the hint is about it"


def test_redo_takes_back_the_last_line(rp) -> None:
    state, replies = play(rp, ["我失业了还不上", "你们这些吸血鬼", "重说"])
    assert "不算" in replies[-1][0] and state.rude == 0 and len(state.said) == 1
    assert rehearsal.result(rp, state).items[-2].met, "calm again once the rude line is taken back"


@pytest.mark.parametrize(
    "line, offers",
    [
        ("要准备什么材料", False),
        ("那需要哪些证明啊", False),
        ("行 那我需要准备点啥证明", False),
        ("我可以提供证明", True),
        ("离职证明行吗", True),
        ("要什么材料？我有病历", True),
        ("我能提供收入证明，还要别的材料吗", True),
    ],
)
def test_asking_which_papers_offers_none(rp, line, offers) -> None:
    """Issue #21: the materials item was credited for asking what to bring."""
    assert ("materials" in scoring.evidence(rp, normalise(line))) == offers


def test_a_correction_replaces_what_was_heard_as_the_figure_denied(rp) -> None:
    """Issue #21: "不是三千 平均三千五" after the agent read back 3,000 as the income (of alternating figures,
    the lower is heard: family income_answer).
    """
    state, _ = play(rp, ["我失业了还不上", "好的时候四千 差的时候三千"])
    assert state.income == 3000
    state, replies = play(rp, ["我失业了还不上", "好的时候四千 差的时候三千", "不是三千 是平均三千五"])
    assert state.income == 3500 and "3,500" in "".join(replies[-1]), "the corrected income, read back"
    state, _ = play(rp, ["我失业了还不上", "收入三千五", "一个月一千五吧 最多了", "不是一千五 是一千二"])
    assert (state.income, state.affordable) == (3500, 1200)


@pytest.mark.parametrize(
    "line, shown",
    [
        # round three's calls: a screenshot or a receipt of one's papers is proof, not a record of the call
        ("有派出所的报案回执 工资流水也有", {"materials"}),
        ("银行流水可以拉 信用卡账单也能截图", {"materials"}),
        ("那方案批下来给我发个短信确认 我截图存着", {"record"}),
        ("这个电话我在录音", {"record"}),
        # a terse plan with its figures is a plan, not a list of rubric words
        ("每月1000 分18期 罚息能免吗", {"waiver"}),
        ("分期 减免 证明 书面", set()),
    ],
)
def test_evidence_is_read_for_what_the_words_are_about(rp, line, shown) -> None:
    assert scoring.evidence(rp, normalise(line)) == shown
    assert not scoring.stuffed(rp, normalise(line)) or not shown


def test_a_terse_plan_with_figures_earns_the_plan_item(rp) -> None:
    """Round three: "每月1000 分18期 罚息能免吗" was taken for a keyword list in a replay: 0 for the plan."""
    lines = ["上个月住院动手术 工资只有两千八", "一千 多了真没有", "每月1000 分18期 罚息能免吗"]
    state, _ = play(rp, lines, case="illness")
    assert next(i for i in rehearsal.result(rp, state).items if i.id == "plan").met


def test_hints_and_take_backs_are_listed_and_counted(rp) -> None:
    state, _ = play(rp, ["给我提示", "我失业了还不上", "给我提示", "你们这些吸血鬼", "重说", "我现在每月收入3500"])
    assert (state.hints, state.takebacks) == (2, 1), "a take-back keeps the count of hints and take-backs"
    state.done = True
    _, text = rehearsal.debrief(rp, state)
    assert "用了 2 次提示、收回了 1 句话" in text
    calm, _ = play(rp, ["我失业了还不上"])
    assert "次提示" not in rehearsal.debrief(rp, calm)[1], "none used: nothing said of them"


@pytest.mark.parametrize("case_id", ["partial_payment", "overdue_again", "several_debts", "plan_broken"])
def test_the_newer_cases_keep_their_own_numbers_through_a_call(rp, case_id) -> None:
    """Issue #21: at least eight cases (a part paid, overdue again after a plan, several debts, a plan broken once),
    each with its own numbers, said back as the card has them.
    """
    card = case_of(rp, case_id)
    state, replies = play(rp, [card.reason_said, "结束练习"], case=case_id)
    said = "\n".join(replies[0])
    assert f"欠款 {money(card.owed)} 元" in said and f"已逾期 {card.overdue_days} 天" in said
    assert not card.history or card.history in said, "what the agent's records show, with the sums"
    assert state.the_case.owed == card.owed and state.the_case.income == card.income
    assert len(rp["cases"]) >= 8 and len({c["id"] for c in rp["cases"]}) == len(rp["cases"])


CAN_PAY_2000 = ["你好 我失业了还不上 欠两万", "我现在每月收入5000", "每月最多能还2000"]


def test_a_short_plan_is_countered_at_its_own_term_when_they_can_pay_that(rp) -> None:
    """Issue #21: 800 × 25 on 20,000 from someone who can pay 2,000 was countered at 800 × 32 (more interest)."""
    _, replies = play(rp, [*CAN_PAY_2000, "我想每月还800 分25期"])
    needed = round(plans.payment_for(20000, 0.0005, 25))
    assert f"每月还 {money(needed)} 元，分 25 期" in replies[-1][-1]
    _, replies = play(rp, [*CAN_PAY_2000[:2], "每月最多能还850", "我想每月还800 分25期"])
    assert "每月还 800 元，分 32 期" in replies[-1][-1], "beyond what they can pay: their payment, longer"


def test_strict_pushes_back_once_on_an_offer_well_below_what_they_can_pay(rp) -> None:
    state, replies = play(rp, [*CAN_PAY_2000, "我想每月还800 分32期"], difficulty="严格")
    assert "2,000" in replies[-1][0] and "800" in replies[-1][0] and state.counter["monthly"] == 2000
    state, replies = play(rp, [*CAN_PAY_2000, "我想每月还800 分32期", "我想每月还800 分32期"], difficulty="严格")
    assert "只报" not in "".join(replies[-1]), "asked once: then judged as any plan"
    _, replies = play(rp, [*CAN_PAY_2000, "我想每月还800 分32期"], difficulty="普通")
    assert "只报" not in "".join(replies[-1]), "a normal agent takes it"


def test_the_debrief_weighs_the_plan_against_what_they_said_they_can_pay(rp) -> None:
    state, _ = play(rp, [*CAN_PAY_2000, "我想每月还800 分32期", "我有离职证明", "行"])
    assert state.status == "accepted"
    state.done = True
    _, text = rehearsal.debrief(rp, state)
    extra = plans.cost(20000, 0.0005, 32) - plans.cost(20000, 0.0005, 11)
    assert f"少付约 {money(extra)} 元" in text and "约 11 期还清" in text
    assert "每月约 800 元、分 32 期" in text, "the payment as agreed, not the schedule's 792"


# --- the coach and progress (issue #21, criteria 5 and 6) ------------------------------------------


def test_the_coach_speaks_the_intro_hints_and_redo_and_the_agent_the_call(rp) -> None:
    state, move = rehearsal.start(rp, case_of(rp, "job_loss"))
    assert set(move.speakers(state.started)) == {"coach"}, "before the call: the intro and the difficulty"
    state, move = rehearsal.step(rp, state, turn("普通"))
    assert move.speakers(state.started) == ["agent"], "the opening line is the agent's"
    state, move = rehearsal.step(rp, state, turn("我失业了还不上"))
    assert set(move.speakers(state.started)) == {"agent"}
    _, hint = rehearsal.step(rp, state, turn("给我提示"))
    assert hint.speakers(True) == ["coach"] and "3,500" in hint.lines[0]
    state, _ = rehearsal.step(rp, state, turn("你们这些吸血鬼"))
    state, redo = rehearsal.step(rp, state, turn("重说"))
    assert redo.speakers(state.started) == ["coach", "agent"], "the coach takes the line back; the agent asks again"


def test_a_replay_is_compared_with_the_last_attempt_item_by_item(rp) -> None:
    first, _ = play(rp, ["你好 我失业了还不上", "你们这些吸血鬼"])
    before = scoring.record(rehearsal.result(rp, first))
    assert before["items"]["calm"] == 0 and before["items"]["situation"] > 0
    state, _ = rehearsal.start(rp, case_of(rp, "job_loss"), previous=before)
    for message in ["普通", *PREPARED]:
        state, _ = rehearsal.step(rp, state, turn(message))
        if state.done:
            break
    state.done = True
    result, text = rehearsal.debrief(rp, state)
    assert f"总分 {before['total']} → {result.total}（+{result.total - before['total']}）" in text
    improved = next(line for line in text.splitlines() if line.startswith("这次做到了"))
    assert "全程保持冷静和礼貌" in improved and "如实说明" not in improved, "only what was missed before"
    card = rehearsal.score_card(rp, state, result)
    assert card["progress"] and card["items_points"]["calm"] == 15


def test_a_plan_on_the_table_when_the_call_ends_is_not_called_no_plan(rp) -> None:
    state, _ = play(rp, ["你好 我失业了 每月收入3500 我想每月还1500分15期", "结束练习"])
    result, text = rehearsal.debrief(rp, state)
    assert next(i for i in result.items if i.id == "plan").met
    assert "还没谈出具体方案" not in text and "还没谈到双方确认" in text and "1,500" in text


def test_a_first_attempt_has_nothing_to_compare(rp) -> None:
    state, _ = play(rp, PREPARED)
    _, text = rehearsal.debrief(rp, state)
    assert "和上次比" not in text


@pytest.mark.parametrize(
    "total, slips, difficulty, expected",
    [
        (90, (), "normal", "strict"),  # a good call: a step up
        (90, ("卡号发你",), "normal", "normal"),  # ...but not after a safety slip
        (95, (), "strict", "strict"),  # already the hardest
        (40, (), "strict", "normal"),  # a poor call: a step down
        (40, (), "mild", "mild"),
        (70, (), "normal", "normal"),
    ],
)
def test_the_next_difficulty_follows_the_score(rp, total, slips, difficulty, expected) -> None:
    result = scoring.Score(total, (), 0, 0, slips)
    assert scoring.next_difficulty(rp, result, difficulty) == expected


def test_the_debrief_says_what_to_practise_next(rp) -> None:
    state, _ = play(rp, ["你好 我失业了还不上 每个月能还一千五"])
    state.done = True
    result, text = rehearsal.debrief(rp, state)
    line = next(line for line in text.splitlines() if line.startswith("下次练"))
    practise = next(item["practise"] for item in rp["rubric"] if item["id"] == result.weakest.id)
    assert practise in line and "温和" in line, "a poor call at 普通: its weakest item, one step down"


# --- from 30 calls a helper played against the live stack ----------------------------------------


def test_a_plan_above_what_the_user_said_they_can_pay_is_questioned(rp) -> None:
    state, replies = play(rp, ["我失业了欠两万", "收入3500", "每月最多挤出1200", "先还3000 剩下的分12期"])
    said = "".join(replies[-1])
    assert "比您刚说的每月最多能还 1,200 元还多" in said and "plan" not in state.items, said


def test_a_plan_paying_far_more_than_needed_is_put_right(rp) -> None:
    state, replies = play(rp, ["我家里出事了", "收入5000", "能还2500", "我想每月还2500 分24期"], case="family")
    assert re.search(r"大约 \d 期就能还清，不用分 24 期", "".join(replies[-1])), replies[-1]
    assert state.plan["installments"] < 24


def test_a_lump_sum_above_the_debt_is_no_settlement(rp) -> None:
    _, replies = play(rp, ["我生病住院了", "一次性还四万 罚息能免吗"], case="illness")
    assert "比欠款还多" in "".join(replies[-1])


def test_a_counter_offer_above_what_they_can_pay_says_so(rp) -> None:
    _, replies = play(rp, ["我生意失败了", "收入6000", "最多能还800", "每月还800分12期"], case="business")
    assert "36 期内还不完" in "".join(replies[-1]), replies[-1]


def test_accepting_a_workable_counter_offer_agrees_a_plan(rp) -> None:
    messages = ["我失业了欠两万", "收入3500", "能还1500", "每月还1000分10期", "行 就按你说的"]
    state, _ = play(rp, messages, difficulty="温和")
    assert state.status == "accepted" and "plan" in state.items


def test_a_debt_restated_while_asked_the_income_is_the_debt(rp) -> None:
    state, _ = play(rp, ["我被裁员了", "先说一下 我欠的是三万 不是两万"])
    assert state.the_case.owed == 30000 and state.income is None


def offer(text: str, **reading: Any) -> rehearsal.Turn:
    """A line the reading took for an offer to hand the agent money or a code (``faq/private_offer``)."""
    return replace(turn(text, "faq", 0.9), topic="faq/private_offer", **reading)


@pytest.mark.parametrize(
    "line",
    [
        offer("我手机收到一个验证码 要报给你吗"),
        offer("第一期八百我现在就转给你 你给个账号", confidence=0.99),  # sure, yet no outside question
        replace(turn("我失业了 卡号发你 你直接扣吧"), concerns=("faq/private_offer",)),
    ],
)
def test_an_offer_of_money_or_a_code_is_stopped_in_character_and_the_call_goes_on(rp, line) -> None:
    state, _ = rehearsal.start(rp, case_of(rp, "job_loss"))
    state, _ = rehearsal.step(rp, state, turn("普通"))
    state, move = rehearsal.step(rp, state, line)
    assert "微粒贷页面" in move.lines[0] and "验证码" in move.lines[0] and move.aside is None
    assert not state.done and len(move.lines) >= 2  # the agent's next line follows
    assert state.said[-1]["slip"] == "faq/private_offer"


def test_the_debrief_names_an_offer_of_money_first_and_takes_points_off(rp) -> None:
    lines = ["我三个月前被裁员了 现在打零工 每月收入三千五", offer("第一期一千五我直接转你 你给个账号")]
    clean, _ = play(rp, lines[:1])
    slipped, _ = play(rp, lines)
    clean_score, slipped_score = rehearsal.result(rp, clean), rehearsal.result(rp, slipped)
    assert slipped_score.slips == (lines[1].text,) and slipped_score.slip_penalty == rp["penalty_per_slip"]
    assert slipped_score.total <= clean_score.total - rp["penalty_per_slip"] + 10  # at most the numbers item more
    _, text = rehearsal.debrief(rp, slipped)
    assert text.splitlines()[3].startswith("⚠") and "第一期一千五我直接转你" in text
    card = rehearsal.score_card(rp, slipped, slipped_score)
    assert card["slip"] and card["penalty"] == 0
    assert not rehearsal.score_card(rp, clean, clean_score)["slip"]


def test_a_scam_reported_in_a_call_is_no_slip_of_the_borrower(rp) -> None:
    reported = replace(turn("有人打电话说是你们的 让我转到安全账户"), topic="faq/fake_agent_transfer")
    state, _ = play(rp, [reported])
    assert not state.said[-1]["slip"] and not rehearsal.result(rp, state).slips


def test_a_hang_up_at_the_end_of_a_message_ends_the_call(rp) -> None:
    state, _ = play(rp, ["我失业了还不上", "你这什么态度 不跟你说了 挂了"])
    assert state.done and not state.aborted


def test_stopping_a_started_call_before_saying_anything(rp) -> None:
    state, replies = play(rp, ["不练了 我害怕"])
    assert state.aborted and "没有在进行" not in replies[0][0] and "不计分" in replies[0][0]


def test_nothing_agreed_is_not_called_settled(rp) -> None:
    _, replies = play(rp, ["我没钱"] + ["不知道"] * 12)
    text = "".join(line for reply in replies for line in reply)
    assert "方案先这样定" not in text and "准备好方案和材料可以再来电" in text


def test_model_lines_speak_as_the_borrower(rp) -> None:
    state, _ = play(rp, ["嗯", "结束练习"], case="illness")
    situation = item(rp, state, "situation")
    assert situation.model.startswith("我欠了 15,000 元") and "你上个月" not in situation.model


def test_after_a_rude_call_politeness_is_what_to_work_on(rp) -> None:
    state, _ = play(rp, ["我失业了", "他妈的 你们烦不烦", "结束练习"])
    assert rehearsal.result(rp, state).weakest.id == "calm"


def test_a_number_too_long_to_be_one_is_not_heard(rp) -> None:
    """400 digits read as a float are inf: no debt, income or plan is built on it."""
    text = "我欠了" + "1" * 400 + "元 失业了"
    state, _ = play(rp, [])
    parse = {"intent": {"name": "inform_situation", "confidence": 0.5}, "entities": list(turn(text).entities)}
    state, move = rehearsal.step(rp, state, rehearsal.Turn.from_parse(text, parse))
    assert move.lines and math.isfinite(state.the_case.owed)
    assert all(math.isfinite(v) for v in (state.income, state.affordable) if v is not None)


def test_a_down_payment_that_pays_the_whole_debt_is_a_lump_sum(rp) -> None:
    """Found by a borrower helper: 欠六千 (the rest) and 先还六千 crashed the agent (the summary had no payment)."""
    case = replace(case_of(rp, "job_loss"), owed=6000)
    verdict = plans.judge(rp["judge"], case, plans.Plan(down=6000), 3500, 1500)
    assert verdict.feasible and verdict.values["lump"] == money(6000)


@given(
    owed=st.integers(500, 80000),
    monthly=st.one_of(st.none(), st.integers(1, 90000)),
    installments=st.one_of(st.none(), st.integers(1, 60)),
    down=st.one_of(st.none(), st.integers(1, 90000)),
    lump=st.one_of(st.none(), st.integers(1, 90000)),
    defer=st.one_of(st.none(), st.integers(1, 400)),
    agreed=st.booleans(),
    difficulty=st.sampled_from(["温和", "普通", "严格"]),
)
@settings(max_examples=300, deadline=None)
def test_every_plan_gets_an_answer_in_words(rp, owed, monthly, installments, down, lump, defer, agreed, difficulty):
    """Whatever plan the reader hands the agent, on any debt, before or after a plan was agreed: lines and a
    debrief, no crash.
    """
    entities = [
        {"entity": name, "value": value, "role": role}
        for name, role, value in (
            ("amount", "installment", monthly),
            ("term_months", None, installments),
            ("amount", "down_payment", down),
            ("amount", "lump_sum", lump),
            ("days", "deferral", defer),
        )
        if value is not None
    ]
    state, _ = rehearsal.start(rp, replace(case_of(rp, "job_loss"), owed=owed))
    state, _ = rehearsal.step(rp, state, turn(difficulty))
    if agreed:
        state.status, state.plan = "accepted", plans.Plan(monthly=1500, installments=15).to_dict()
    offered = rehearsal.Turn("我想这样还 可以吗", "negotiate_repayment", 0.9, tuple(entities))
    state, move = rehearsal.step(rp, state, offered)
    assert move.lines and all(line.strip() for line in move.lines)
    state.status = "accepted"  # and the debrief of it, as if agreed
    assert rehearsal.debrief(rp, state)[1]


def test_a_question_mid_call_is_answered_in_character_and_its_facts_heard(rp) -> None:
    """Issue #21: "四千五左右 … 征信到底上没上啊" got the next question; the question goes unanswered no more."""
    told = replace(turn("四千五左右 七百可能稳一点 征信到底上没上啊"), concerns=("ask_overdue_consequence",))
    state, replies = play(rp, ["我失业了", told])
    assert "5 年" in replies[-1][0] and state.income == 4500, replies[-1]
    assert not state.done and len(replies[-1]) >= 2, "the agent's own line follows the answer"


def test_an_answer_given_in_full_is_not_pasted_again(rp) -> None:
    """Round three: the recording paragraph came back 4-6 times. Asked again, the question gets the answer's
    first sentence as said before; a side concern of a later line gets nothing more.
    """
    asked = replace(turn("我能自己录音吗"), topic="faq/call_recording")
    state, first = play(rp, ["我失业了", asked])
    state, again = rehearsal.step(rp, state, asked)
    paragraph = first[-1][0]
    assert "录音" in paragraph and paragraph not in again.lines and "说过" in again.lines[0], again.lines
    line = turn("每月1000 分18期 我都截图录音存着")
    aside = replace(line, topic="negotiate_repayment", concerns=("faq/call_recording",))
    state, move = rehearsal.step(rp, state, aside)
    assert not any("录音" in line and "说过" in line or line == paragraph for line in move.lines), move.lines


def test_a_question_at_the_close_is_answered_and_the_call_waits(rp) -> None:
    """The borrower asks at "还有什么需要确认的吗": answered, asked again, never closed on a question."""
    state, _ = play(rp, PREPARED[:-1])
    assert state.asked == "agreement" and not state.done
    for _ in range(4):  # more than the closing rounds: a question never closes the call
        asked = replace(turn("那会不会上门催收啊"), topic="faq/home_visit")
        state, move = rehearsal.step(rp, state, asked)
        assert not state.done and "出示证件" in move.lines[0]
    state, move = rehearsal.step(rp, state, turn("没有了 谢谢"))
    assert state.done


def test_a_rate_heard_of_does_not_replace_the_case_rate(rp) -> None:
    """Round four: "听说有人协商到0.03%" replaced the case card's rate; the rate of their own loan still does."""
    state, _ = play(rp, ["我失业了还不上", "听说有人协商到日息万分之三了 我这个能不能也降点"])
    assert state.the_case.daily_rate == 0.0005
    state, _ = play(rp, ["我失业了还不上", "我合同上写的是日息万分之四"])
    assert state.the_case.daily_rate == 0.0004
