"""bot.reply and bot.hardship on the real knowledge data: which answer a parse gets, follow-ups in
context, several concerns in one reply, and a plan in the user's own numbers.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any, Dict, List

import pytest
import yaml

from bot import calculator as calc
from bot import entities, hardship, reply
from bot.config import ROOT
from bot.knowledge import Knowledge
from bot.text import normalise


def parse(intent: str, topic: str | None = None, **extra: Any) -> Dict[str, Any]:
    return {"intent": {"name": intent}, "entities": extra.pop("entities", []), "topic": topic, **extra}


def amount(value: float, role: str | None = None) -> Dict[str, Any]:
    return {"entity": "amount", "value": value, **({"role": role} if role else {})}


def test_a_specific_question_gets_its_direct_answer_first(kb: Knowledge) -> None:
    result = reply.respond(kb, parse("faq", "faq/early_repayment_fee"), {}, None)
    assert result.topic == "faq/early_repayment_fee"
    assert result.answer.text.startswith(kb.main_entry("faq/early_repayment_fee").answer)


def test_a_quick_reply_names_its_key(kb: Knowledge) -> None:
    payload = {"intent": {"name": "faq"}, "entities": [{"entity": "faq_key", "value": "jail"}]}
    assert reply.respond(kb, payload, {}, None).topic == "faq/jail"
    button = kb.buttons(["faq/jail"])[0]
    assert button["payload"] == '/faq{"faq_key":"jail"}' and button["title"]


def test_a_new_number_asks_the_same_question_again(kb: Knowledge) -> None:
    def days(n: float) -> dict:
        return parse("follow_up", follow_up="same", entities=[{"entity": "overdue_days", "value": n}])

    week = reply.respond(kb, days(7), {"overdue_days": 7.0}, "faq/overdue_few_days")
    half_year = reply.respond(kb, days(180), {"overdue_days": 180.0}, "faq/overdue_few_days")
    assert week.topic == half_year.topic == "faq/overdue_few_days"
    assert "180" in half_year.answer.text and week.answer.text != half_year.answer.text


def test_a_new_number_after_general_advice_answers_for_that_number_only(kb: Knowledge) -> None:
    half_year = parse("follow_up", follow_up="same", entities=[{"entity": "overdue_days", "value": 180}])
    result = reply.respond(kb, half_year, {"overdue_days": 180.0}, "ask_overdue_help")
    assert result.answer.text.startswith("逾期约 180 天"), result.answer.text
    assert kb.main_entry("ask_overdue_help").answer not in result.answer.text, "not the whole card again"
    assert result.topic == "ask_overdue_help" and result.answer.buttons
    first = reply.respond(kb, parse("ask_overdue_help", "ask_overdue_help"), {"overdue_days": 7.0}, None)
    assert "逾期约 7 天" in first.answer.text, "the first answer uses the days told too"


def test_a_possible_follow_up_is_one_when_the_last_answer_answers_it(kb: Knowledge) -> None:
    asked = parse("ask_legal_rights", "ask_legal_rights", possible_follow_up="sue", concerns=["ask_legal_rights"])
    after_shaming = reply.respond(kb, asked, {}, "faq/public_shaming")
    assert after_shaming.answer.entry_ids == ["after_sue"] and after_shaming.topic == "faq/public_shaming"
    opening = after_shaming.answer.text.split("：", 1)[1]
    assert opening.startswith("能不能告") and "110" in opening.splitlines()[0] and "保证" in opening
    alone = reply.respond(kb, asked, {}, None)
    assert alone.topic == "ask_legal_rights", "no previous answer: the question the classifier read"
    after_rates = reply.respond(kb, asked, {}, "negotiate_rate")
    assert after_rates.topic == "ask_legal_rights", "the rate answer has no answer for suing: not a follow-up"


@pytest.mark.parametrize(
    "topic, opening",
    [
        ("limit_frozen", "额度为什么被冻结或降低，只有银行能告诉你"),
        ("spouse_debt", "这是要看具体情况的法律问题，这里没法替你判断"),
        ("enforcement", "不会因为逾期就直接被拍卖"),
        ("faq/private_offer", "不要发，也不要转：这里只是模拟助手"),
        ("call_for_me", "我不能替你打电话"),
    ],
)
def test_the_lexicon_only_topics_open_with_their_direct_answer(kb: Knowledge, topic: str, opening: str) -> None:
    result = reply.respond(kb, parse("faq", topic, concerns=[topic]), {}, None)
    assert result.topic == topic and result.answer.text.startswith(opening), result.answer.text
    assert "依据：" in result.answer.text and result.answer.buttons


def test_a_days_interest_at_the_rate_told(kb: Knowledge) -> None:
    text = "我在微粒贷借了两万五 日息万五 逾期三个月了 罚息怎么算 我算了一下一天要多少钱啊"
    entities = [amount(25000), {"entity": "daily_rate", "value": 0.0005}, {"entity": "overdue_days", "value": 90}]
    told = parse("inform_situation", None, text=text, entities=entities, concerns=["faq/penalty_interest"])
    told["several_concerns"] = True
    result = reply.respond(kb, told, {"amount": 25000.0, "daily_rate": 0.0005, "overdue_days": 90.0}, None)
    assert "一天的利息约 12.50 元" in result.answer.text and "30 天约 375.00 元" in result.answer.text
    assert "合同罚息日利率" in result.answer.text, "the penalty part is still there"
    no_question = parse("inform_situation", None, text="借了两万五 日息万五", entities=entities[:2])
    assert "一天的利息" not in reply.respond(kb, no_question, {}, None).answer.text


def test_a_vague_question_about_them_after_an_answer_is_that_answer_again(kb: Knowledge) -> None:
    vague = parse("ask_overdue_help", "ask_overdue_help", possible_follow_up="same", concerns=["ask_overdue_help"])
    result = reply.respond(kb, vague, {}, "faq/home_visit")
    entry = kb.main_entry("faq/home_visit")
    assert result.topic == "faq/home_visit" and result.answer.text.startswith(entry.answer)
    assert entry.items[0].text not in result.answer.text, "the answer in short and what is new, not the card again"
    assert entry.items[-1].text in result.answer.text
    assert reply.respond(kb, vague, {}, None).topic == "ask_overdue_help", "nothing before: the question as read"


def test_a_follow_up_cue_goes_to_the_topic_that_answers_it(kb: Knowledge) -> None:
    evidence = reply.respond(kb, parse("follow_up", follow_up="evidence"), {}, "faq/employer_calls")
    assert evidence.answer.entry_ids[0] == "faq_collection_evidence"
    assert evidence.answer.text.startswith(f"关于「{kb.label('faq/employer_calls')}」：")
    assert evidence.topic == "faq/employer_calls", "a follow-up does not change what the talk is about"
    refused = reply.respond(kb, parse("follow_up", follow_up="refused"), {}, "negotiate_repayment")
    assert refused.answer.entry_ids[0] == "faq_agent_refuses" and "12378" in refused.answer.text


def test_a_follow_up_no_entry_answers_repeats_the_topic_with_where_to_check(kb: Knowledge) -> None:
    result = reply.respond(kb, parse("follow_up", follow_up="duration"), {}, "faq/settlement_certificate")
    assert result.answer.text.startswith(kb.situation["follow_unknown"]["duration"])
    assert kb.label("faq/settlement_certificate") in result.answer.text


@pytest.mark.parametrize("danger, first_line_has", [("safety_crisis", "12356"), ("safety_anger", "110")])
def test_danger_told_again_gets_the_help_again_in_other_words(kb: Knowledge, danger: str, first_line_has: str) -> None:
    told = parse(danger, danger, concerns=[danger])
    first = reply.respond(kb, told, {}, None).answer.text
    again = reply.respond(kb, told, {}, danger).answer.text
    assert again != first and first_line_has in again.splitlines()[0], again
    assert "？" in again, "it asks how they are, not only tells"


def test_the_first_question_after_a_crisis_asks_how_they_are_first(kb: Knowledge) -> None:
    tips = parse("ask_negotiation_tips", "ask_negotiation_tips", concerns=["ask_negotiation_tips"])
    after = reply.respond(kb, tips, {}, "safety_crisis").answer.text
    assert after.startswith(kb.replies["check_in_first"]) and "12356" in after.splitlines()[0]
    assert kb.main_entry("ask_negotiation_tips").answer in after, "then the answer asked for"
    assert not reply.respond(kb, tips, {}, "faq/jail").answer.text.startswith(kb.replies["check_in_first"])
    threat = parse("safety_threat", "safety_threat", concerns=["safety_threat"])
    danger_first = reply.respond(kb, threat, {}, "safety_crisis").answer.text
    assert danger_first.startswith(kb.main_entry("safety_threat").answer), "new danger: its help, first"


def test_a_follow_up_after_help_in_danger_gets_that_help_first(kb: Knowledge) -> None:
    police = reply.respond(kb, parse("follow_up", follow_up="police"), {}, "faq/money_sent_scam")
    assert police.answer.text.startswith("关于「") and "马上打 110" in police.answer.text.splitlines()[0]
    assert kb.situation["follow_unknown"]["how"] not in police.answer.text
    recover = reply.respond(kb, parse("follow_up", follow_up="recover"), {}, "faq/money_sent_scam")
    assert recover.answer.entry_ids == ["after_scam_recover"] and recover.topic == "faq/money_sent_scam"
    # no scam before: "要报警吗" gets when to call 110, not the scam answer
    visit = reply.respond(kb, parse("follow_up", follow_up="police"), {}, "faq/home_visit")
    assert visit.answer.entry_ids == ["after_police"]


@pytest.mark.parametrize(
    "last_topic, text, first_words",
    [
        ("faq/fake_agent_transfer", "那我现在要怎么做", "马上挂断"),
        ("safety_threat", "我该怎么办", "110"),
        ("faq/penalty_interest", "那我现在要怎么做", "先别躲"),  # no danger before: what to do about the debt
        ("faq/fake_agent_transfer", "我逾期三个月了 欠两万 现在怎么办才好", "先别躲"),  # a question of its own
    ],
)  # fmt: skip
def test_what_now_right_after_danger_is_about_that_danger(
    kb: Knowledge, last_topic: str, text: str, first_words: str
) -> None:
    asked = parse("ask_overdue_help", "ask_overdue_help", text=text, concerns=["ask_overdue_help"])
    first_line = reply.respond(kb, asked, {}, last_topic).answer.text.splitlines()[0]
    assert first_words in first_line


def test_a_follow_up_without_context_asks_what_it_is_about(kb: Knowledge) -> None:
    result = reply.respond(kb, parse("follow_up", follow_up="same"), {}, None)
    assert result.answer.text == kb.situation["no_context"]


def test_several_concerns_echo_the_facts_once_and_answer_each_in_order(kb: Knowledge) -> None:
    slots = {"amount": 25000.0, "overdue_days": 40.0, "term_months": 10.0, "hardship_reason": ["收入下降"]}
    told = [amount(25000), {"entity": "overdue_days", "value": 40}]
    concerned = ["faq/family_calls", "ask_overdue_help"]
    result = reply.respond(
        kb, parse("inform_situation", None, entities=told, concerns=concerned, several_concerns=True), slots, None
    )
    text = result.answer.text
    assert text.count("25000") == 1 and "约 40 天" in text
    later = reply.respond(kb, parse("inform_situation", None, concerns=concerned, several_concerns=True), slots, None)
    assert "25000" not in later.answer.text, "facts told before are not said back on every turn"
    assert text.index(kb.label("faq/family_calls")) < text.index(kb.label("ask_overdue_help"))
    assert "工资流水" in text, "materials tailored to the stated reason"
    assert [b["payload"] for b in result.answer.buttons][:2] == ['/faq{"faq_key":"family_calls"}', "/ask_overdue_help"]


def test_safety_comes_before_the_echo(kb: Knowledge) -> None:
    payload = parse("safety_threat", "safety_threat", entities=[amount(8000)], concerns=["safety_threat", "faq/jail"],
                    several_concerns=True)  # fmt: skip
    text = reply.respond(kb, payload, {"amount": 8000.0}, None).answer.text
    assert "110" in text.splitlines()[0] and text.index("110") < text.index("8000")


def periods_at_top(kb: Knowledge, owed: float, monthly: float) -> int:
    """The installments a plan with no rate told proposes: with interest at the top of the published range."""
    return hardship.periods_needed(owed, monthly, None, kb.situation["hardship"]["assumed_daily_rate"])["n"]


def test_hardship_numbers_get_a_plan(kb: Knowledge) -> None:
    slots = {"monthly_income": 4200.0, "monthly_expenses": 2800.0, "installment_payment": 1600.0, "amount": 14000.0}
    entities: List[Dict[str, Any]] = [amount(4200, "income"), amount(2800, "expense"), amount(1600, "installment")]
    payload = parse("inform_situation", "negotiate_repayment", entities=entities,
                    concerns=["negotiate_repayment"], several_concerns=True)  # fmt: skip
    text = reply.respond(kb, payload, slots, None).answer.text
    assert "剩下约 1,400 元" in text and "多 200 元" in text
    assert "每月还约 1,400 元" in text and "书面确认" in text
    assert f"大约要分 {periods_at_top(kb, 14000, 1400)} 期" in text


def test_the_debt_told_after_a_plan_gets_the_installments(kb: Knowledge) -> None:
    slots = {"monthly_income": 4200.0, "monthly_expenses": 2800.0, "installment_payment": 1600.0, "amount": 22000.0}
    text = reply.respond(kb, parse("inform_situation", entities=[amount(22000, None)]), slots, None).answer.text
    assert "每月还约 1,400 元" in text and f"大约要分 {periods_at_top(kb, 22000, 1400)} 期" in text, text


def test_how_long_after_a_plan_is_the_plan_in_the_same_numbers(kb: Knowledge) -> None:
    slots = {"monthly_income": 4200.0, "monthly_expenses": 2800.0, "installment_payment": 1600.0, "amount": 14000.0}
    statement = parse("inform_situation", entities=[amount(4200, "income"), amount(2800, "expense")])
    topic = reply.respond(kb, statement, slots, None).topic
    text = reply.respond(kb, parse("follow_up", follow_up="duration"), slots, topic).answer.text
    assert f"大约要分 {periods_at_top(kb, 14000, 1400)} 期" in text


def plan_other_term_messages() -> List[Dict[str, Any]]:
    """The training half (writer a) of the family plan_other_term: "那分24期呢" after a plan."""
    path = ROOT / "tests" / "families" / "plan_other_term" / "a.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


@pytest.mark.parametrize("case", plan_other_term_messages(), ids=lambda c: c["text"])
def test_another_term_after_a_plan_is_that_term_in_the_same_numbers(kb: Knowledge, case: Dict[str, Any]) -> None:
    found = [asdict(e) for e in entities.extract(normalise(case["text"]))]
    terms = [e["value"] for e in found if e["entity"] == "term_months"]
    assert terms[:1] == [case["term_months"]], found
    slots = {"monthly_income": 4500.0, "monthly_expenses": 2500.0, "affordable_payment": 1500.0, "amount": 25000.0}
    asked = parse("follow_up", follow_up="same", entities=found)
    text = reply.respond(kb, asked, slots, "negotiate_repayment").answer.text
    n = case["term_months"]
    top = calc.to_fraction(kb.situation["hardship"]["assumed_daily_rate"])
    payment = calc.schedule(25000, top, n, "equal_installment").first.payment
    assert f"分 {n} 期" in text and f"每期约 {hardship.money(payment)} 元" in text, text
    plan_again = f"大约要分 {periods_at_top(kb, 25000, 1500)} 期"
    assert ("还得上" in text) == (payment <= 1500) and plan_again not in text, "never the plan again"


def test_another_term_with_the_rate_known_counts_the_interest(kb: Knowledge) -> None:
    slots = {"monthly_income": 4500.0, "monthly_expenses": 2500.0, "amount": 25000.0, "daily_rate": 0.0005}
    found = [{"entity": "term_months", "value": 24}]
    asked = parse("follow_up", follow_up="same", entities=found)
    text = reply.respond(kb, asked, slots, "negotiate_repayment").answer.text
    assert "分 24 期" in text and "每期约 1,248.10 元" in text and "总利息约 4,954.46 元" in text, text
    assert "不超过你每月能还的 2,000 元" in text  # what is left after the costs


@pytest.mark.parametrize(
    "budget, monthly",
    [
        (hardship.Budget(income=4200, expenses=2800, installment=1600), 1400),
        (hardship.Budget(income=3000, expenses=1000, affordable=800), 800),  # what they said wins
        # no lower amount follows from the numbers: say why, propose nothing
        (hardship.Budget(income=6000, expenses=1000, installment=1600), "just_enough"),
        (hardship.Budget(income=3500, expenses=2500, installment=1000), "just_enough"),  # nothing to live on
        (hardship.Budget(income=4000, installment=2000), "costs_unknown"),  # the whole income is no offer
        (hardship.Budget(income=3000, expenses=3500), "no_room"),
    ],
)
def test_monthly_amount_to_propose(budget: hardship.Budget, monthly: float | str) -> None:
    if isinstance(monthly, str):
        assert hardship.monthly_to_propose(budget) is None and hardship.no_offer(budget) == monthly
    else:
        assert hardship.monthly_to_propose(budget) == monthly


def test_no_offer_says_why_in_the_users_numbers(kb: Knowledge) -> None:
    words = kb.situation["hardship"]
    enough = hardship.plan(words, hardship.Budget(income=3500, expenses=2500, installment=1000, owed=12000))
    assert "够还现在每期的 1,000 元" in enough and "建议向客服提出" not in enough
    unknown = hardship.plan(words, hardship.Budget(income=4000, installment=2000))
    assert "每月最多能还多少" in unknown and "每月还约 2,000" not in unknown


def test_how_much_interest_right_after_a_calculation_is_its_figure(kb: Knowledge) -> None:
    slots = {"amount": 10000.0, "term_months": 12.0, "daily_rate": 0.0005}
    after = reply.respond(kb, parse("ask_interest_calc", "ask_interest_calc"), slots, "ask_interest_calc")
    assert "总利息 1,001.60 元" in after.answer.text, after.answer.text
    fresh = reply.respond(kb, parse("ask_interest_calc", "ask_interest_calc"), slots, "faq/penalty_interest")
    assert fresh.answer.entry_ids, "no calculation before: the explanation of how interest is worked out"


def test_the_rate_paid_is_worked_out_from_the_users_numbers(kb: Knowledge) -> None:
    # 借5000 用了20天 还了5060 多收了吗: 60 of interest over 20 days is 0.06% a day, 21.9% a year
    found = [amount(5000), {"entity": "days", "value": 20}, amount(5060, "paid")]
    result = reply.respond(kb, parse("inform_situation", entities=found), {"amount": 5000.0}, None)
    first = result.answer.text.splitlines()[0]
    assert "60.00 元是利息" in first and "日利率约 0.06%" in first and "年化约 21.9%" in first, first
    assert "95384" in first and result.topic == "ask_interest_calc"


def test_the_interest_for_the_days_used_is_worked_out(kb: Knowledge) -> None:
    # 借了1.2w 日息万五 用了一个半月 现在还清要多少钱: 12000 × 0.0005 × 45 = 270
    found = [amount(12000), {"entity": "daily_rate", "value": 0.0005}, {"entity": "days", "value": 45}]
    text = reply.respond(kb, parse("inform_situation", entities=found), {}, None).answer.text
    assert "利息 270.00 元" in text and "12,270.00" in text, text


def test_installments_with_a_known_rate_come_from_the_calculator() -> None:
    need = hardship.periods_needed(10000, 1000, 0.0005, 0.0005)
    assert not need["assumed"] and need["n"] == 11 and need["payment"] <= 1000
    assert hardship.periods_needed(10000, 100, 0.0005, 0.0005) is None  # 100 a month never pays 150 of interest
    low = hardship.periods_needed(10000, 1000, 0.0002, 0.0005)
    assert low["n"] == 11 and low["interest"] < need["interest"], "the rate told, not the assumed one"
    unknown = hardship.periods_needed(10000, 3000, None, 0.0005)
    assert unknown["assumed"] and unknown["n"] == 4 and unknown["interest"] > 0


def test_a_plan_without_a_rate_is_worked_at_the_top_of_the_range_and_says_so(kb: Knowledge) -> None:
    words = kb.situation["hardship"]
    text = hardship.plan(words, hardship.Budget(income=4000, owed=25000, affordable=1500))
    need = hardship.periods_needed(25000, 1500, None, words["assumed_daily_rate"])
    assert f"{need['n']} 期" in text and "0.05%" in text and "合同" in text and "不算利息" not in text, text
    # 300 a month is less than a month's interest at the top rate (375): no periods, the interest named
    never = hardship.plan(words, hardship.Budget(income=4000, owed=25000, affordable=300))
    assert "375" in never and "还不完" in never and not re.search(r"\d+ 期", never), never
    term = hardship.for_term(words, hardship.Budget(income=4000, owed=25000, affordable=1500), 24)
    assert "0.05%" in term and "不算利息" not in term, term


def test_no_invented_numbers_in_a_plan(kb: Knowledge) -> None:
    import re

    words = kb.situation["hardship"]
    text = hardship.plan(words, hardship.Budget(income=5000, expenses=2200, installment=1300, owed=9000))
    said = {"5,000", "2,200", "1,300", "9,000", "2,800", "7"}
    for number in re.findall(r"\d[\d,]*", text):
        assert number in said | {"30"}, f"{number} was neither given nor computed:\n{text}"


SLOT_SETS = [
    {},
    {"amount": 25000.0, "overdue_days": 40.0, "monthly_income": 4200.0, "hardship_reason": ["失业", "疾病"]},
    {"amount": 8000.0, "daily_rate": 0.0005, "term_months": 5.0, "affordable_payment": 100.0,
     "monthly_expenses": 5000.0, "monthly_income": 3000.0, "installment_payment": 1600.0, "overdue_days": 0.5},
]  # fmt: skip


@pytest.mark.parametrize("slots", SLOT_SETS)
def test_every_topic_renders_with_any_known_facts(kb: Knowledge, slots: Dict[str, Any]) -> None:
    """No answer may fail (a crash would reach the user as "busy"), whatever is known."""
    topics = sorted({t for e in kb.entries for t in e.intents})
    for topic in topics:
        assert kb.answer(topic, slots).text
        assert kb.brief(topic, slots) or not kb.main_entry(topic)
        for cue in ("same", "fee", "duration", "materials", "evidence", "refused", "where", "how"):
            assert reply.follow_up(kb, cue, slots, topic).answer.text
    assert kb.combined_answer(topics[:6], slots, ["x"], topics[:1]).text


def test_a_span_of_time_after_an_overdue_question_is_the_time_overdue(kb: Knowledge) -> None:
    payload = parse("follow_up", follow_up="same", entities=[{"entity": "days", "value": 180}])
    result = reply.respond(kb, payload, {"overdue_days": 2.0}, "faq/overdue_few_days")
    assert result.slots == {"overdue_days": 180.0} and "约 180 天" in result.answer.text


def test_a_rehearsal_request_with_another_question_answers_it_first(kb: Knowledge) -> None:
    parse = {"concerns": ["ask_materials", "negotiate_repayment", "safety_crisis"]}
    said = reply.asides(kb, parse, {}, ["negotiate_repayment"])
    assert len(said) == 1 and "材料" in said[0] and "借款合同" in said[0]


def test_more_gives_what_the_answer_left_out_typed_or_tapped(kb: Knowledge) -> None:
    first = reply.respond(kb, parse("report_harassment", "report_harassment"), {}, None)
    assert first.answer.buttons[0] == kb.more_button(), "the rest is one tap away"
    entry = kb.main_entry("report_harassment")
    tapped = {"intent": {"name": "follow_up"}, "entities": [{"entity": "follow_cue", "value": "more"}]}
    typed = parse("follow_up", follow_up="more")
    for message in (tapped, typed):
        more = reply.respond(kb, message, {}, first.topic)
        assert more.topic == "report_harassment"
        assert entry.items[3].text in more.answer.text and entry.items[0].text not in more.answer.text
        assert "12378 银行保险消费者投诉维权热线" in more.answer.text, "every source in full"


def test_a_stated_feeling_is_acknowledged_before_the_facts(kb: Knowledge) -> None:
    for feeling, clause in kb.replies["feelings"].items():
        result = reply.respond(kb, parse("negotiate_rate", "negotiate_rate", feeling=feeling), {}, None)
        assert result.answer.text.startswith(clause + kb.main_entry("negotiate_rate").answer)
    plain = reply.respond(kb, parse("negotiate_rate", "negotiate_rate"), {}, None)
    assert plain.answer.text.startswith(kb.main_entry("negotiate_rate").answer)


def test_help_in_danger_keeps_its_first_line_whatever_the_feeling(kb: Knowledge) -> None:
    scam = parse("faq", "faq/money_sent_scam", feeling="fear", urgent=["faq/money_sent_scam"])
    result = reply.respond(kb, scam, {}, None)
    assert result.answer.text.startswith(kb.main_entry("faq/money_sent_scam").answer)
    crisis = reply.respond(kb, parse("safety_crisis", "safety_crisis", feeling="hopeless"), {}, None)
    assert not crisis.answer.text.startswith(kb.replies["feelings"]["hopeless"])


def test_no_answer_is_given_twice_word_for_word(kb: Knowledge) -> None:
    asked = parse("report_harassment", "report_harassment")
    first = reply.respond(kb, asked, {}, None)
    again = reply.respond(kb, asked, {}, first.topic, [first.digest])
    assert again.answer.entry_ids == first.answer.entry_ids and again.answer.text != first.answer.text
    assert again.answer.text.startswith(kb.replies["said_before"] + kb.main_entry("report_harassment").answer)
    assert kb.main_entry("report_harassment").items[0].text not in again.answer.text, "in short, and what is new"
    angry = reply.respond(kb, {**asked, "feeling": "anger"}, {}, first.topic, [first.digest])
    assert angry.digest == again.digest, "a feeling acknowledged does not make the same answer new"


def test_a_follow_up_whose_answer_was_given_gets_what_to_check_where(kb: Knowledge) -> None:
    """"他们不听呢" then "那客服电话多少" after the collection answer: not the complaint card twice."""
    refused = reply.respond(kb, parse("follow_up", follow_up="refused"), {}, "report_harassment")
    where = reply.respond(kb, parse("follow_up", follow_up="where"), {}, "report_harassment", [refused.digest])
    assert where.answer.text != refused.answer.text
    assert where.answer.text.startswith(kb.situation["follow_unknown"]["where"]) and "95384" in where.answer.text
