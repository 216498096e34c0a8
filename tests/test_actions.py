"""Every custom action, run with a real Tracker and CollectingDispatcher, checked for what it says."""

import asyncio
import signal
import time
from typing import Any, Dict, List

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import calculator as calculator_actions
from actions import common
from actions.answers import ActionAnswer
from actions.calculator import (
    ActionInterestCalc,
    AskAmount,
    AskPeriod,
    AskRate,
    ValidateInterestCalcForm,
    form_updates,
    user_answered_form,
)
from actions.common import get_knowledge, off_loop
from actions.menu import ActionFallback, ActionShowMenu
from actions.prep import ValidatePrepForm
from actions.rehearsal import ActionRehearsalDebrief, ValidateRehearsalForm, as_typed, check_in
from bot.config import ROOT
from tests.conftest import make_tracker

DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


async def run(action: Any, tracker: Any) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    assert all(e["event"] == "slot" for e in events), events
    return dispatcher.messages


@pytest.mark.parametrize(
    "intent, must_say",
    [
        ("negotiate_rate", "无法直接修改"),
        ("report_harassment", "12378"),
        ("ask_contact_channel", "95384"),
        ("request_human", "95384"),
        ("ask_credit_repair", "5 年"),
        ("start_rehearsal", "方案"),
    ],
)
async def test_answer_renders_the_entry_for_the_intent(intent: str, must_say: str) -> None:
    [message] = await run(ActionAnswer(), make_tracker(intent))
    assert must_say in message["text"]
    assert message["buttons"], "answers offer follow-up topics"
    assert all(b["payload"].startswith("/") for b in message["buttons"])


async def test_answer_is_tailored_by_slots() -> None:
    [message] = await run(ActionAnswer(), make_tracker("ask_materials", {"hardship_reason": ["疾病"]}))
    assert "诊断证明" in message["text"] and "离职证明" not in message["text"]


async def test_answer_for_an_intent_without_entry_falls_back_to_the_menu() -> None:
    [message] = await run(ActionAnswer(), make_tracker("greet"))
    assert message["text"].startswith("抱歉，我没太明白")
    assert len(message["buttons"]) == 7


async def test_record_situation_repeats_the_numbers() -> None:
    slots = {"amount": 25000.0, "overdue_days": 90.0, "affordable_payment": 1000.0}
    [message] = await run(ActionAnswer(), make_tracker("inform_situation", slots))
    for fact in ("欠款约 25000 元", "已逾期约 90 天", "每月最多能还约 1000 元"):
        assert fact in message["text"]
    assert message["buttons"][0]["payload"] == "/ask_overdue_help"


async def test_greeting_offers_the_menu() -> None:
    [message] = await run(ActionShowMenu(), make_tracker("greet"))
    assert "模拟助手" in message["text"] and "不是微众银行官方客服" in message["text"]
    assert [b["title"] for b in message["buttons"]][:2] == ["逾期了怎么办", "协商还款方案"]


async def test_affirm_asks_what_else() -> None:
    [message] = await run(ActionShowMenu(), make_tracker("affirm"))
    assert message["text"].startswith("好的。还有什么想了解的吗")


async def test_deny_is_fine_without_a_menu() -> None:
    [message] = await run(ActionShowMenu(), make_tracker("deny"))
    assert message["text"].startswith("好的，没问题") and not message["buttons"]


async def test_thanks_are_welcome_without_a_menu() -> None:
    [message] = await run(ActionShowMenu(), make_tracker("thank"))
    assert message["text"].startswith("不客气") and not message["buttons"]


@pytest.mark.parametrize("intent", ["affirm", "deny", "greet", "thank"])
async def test_after_a_crisis_the_next_short_reply_gets_a_check_in(intent: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent, {"last_topic": "safety_crisis"})
    events = await ActionShowMenu().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert message["text"].startswith("我还在这儿。你现在安全吗") and "12356" in message["text"]
    assert not message["buttons"], "no debt topics right after a crisis"
    assert events == [{"event": "slot", "timestamp": None, "name": "last_topic", "value": "safety_checked_in"}]
    [again] = await run(ActionShowMenu(), make_tracker(intent, {"last_topic": "safety_checked_in"}))
    assert "你现在安全吗" not in again["text"], "checked in once, not every time"


@pytest.mark.parametrize(
    "intent, parse, says",
    [
        ("nlu_fallback", {"input_issue": "empty"}, "空消息"),
        ("nlu_fallback", {"input_issue": "too_long"}, "有点长"),
        ("nlu_fallback", {"input_issue": "no_words"}, "表情或符号"),
        ("out_of_scope", {}, "超出了我能帮忙的范围"),
        ("nlu_fallback", {}, "没太明白"),
    ],
)
async def test_fallback_says_why(intent: str, parse: Dict[str, Any], says: str) -> None:
    [message] = await run(ActionFallback(), make_tracker(intent, **parse))
    assert says in message["text"]
    assert {"title": "模拟协商练习", "payload": "/start_rehearsal"} in message["buttons"]


def entities(**values: Any) -> List[Dict[str, Any]]:
    return [{"entity": name, "value": value} for name, value in values.items()]


@pytest.mark.parametrize(
    "slots, found, message, requested, expected",
    [
        # how does interest work / a rate to convert: answer at once
        ({}, {}, "利息怎么算", None, {"requested_slot": None}),
        ({"daily_rate": 0.0005}, {"daily_rate": 0.0005}, "万分之五", None,
         {"annual_rate": 0.1825, "requested_slot": None}),
        # figures wanted: ask for what is missing, in order
        ({}, {"calc_request": "start"}, "帮我算算", None, {"requested_slot": "amount"}),
        ({"amount": 20000.0}, {"amount": 20000}, "借了两万", None, {"requested_slot": "daily_rate"}),
        ({"amount": 20000.0, "annual_rate": 0.1825}, {"annual_rate": 0.1825}, "年化18.25%", "daily_rate",
         {"daily_rate": 0.0005, "requested_slot": "days"}),
        # a bare number answers the amount question; the latest period replaces the other kind
        ({}, {}, "20000", "amount", {"amount": 20000.0, "requested_slot": "daily_rate"}),
        ({"amount": 1.0, "daily_rate": 0.0005, "term_months": 10.0, "days": 30.0},
         {"days": 30}, "30天", "days",
         {"term_months": None, "requested_slot": None}),
        ({"amount": 1.0, "daily_rate": 0.0005, "term_months": 10.0, "days": 30.0},
         {"term_months": 10}, "分10期", "days",
         {"days": None, "requested_slot": None}),
        # nothing the form can use: no slot changes, so Rasa lets the rules answer the message
        ({"amount": 1.0}, {}, "催收天天打电话", "daily_rate", {"requested_slot": "daily_rate"}),
        # an answer to the question asked fills that question, whatever else it could be
        ({"amount": 8000.0}, {}, "0.05", "daily_rate",
         {"daily_rate": 0.0005, "annual_rate": 0.1825, "requested_slot": "days"}),
        ({"amount": 8000.0}, {}, "18", "daily_rate",
         {"annual_rate": 0.18, "daily_rate": 0.18 / 365, "requested_slot": "days"}),
        ({"amount": 8000.0, "daily_rate": 0.0005}, {}, "45", "days", {"days": 45.0, "term_months": None,
         "requested_slot": None}),
        ({}, {}, "八千", "amount", {"amount": 8000.0, "requested_slot": "daily_rate"}),
        # too odd to compute with: cleared and asked again
        ({"amount": 8000.0, "daily_rate": 0.05}, {"daily_rate": 0.05}, "日息5%", "daily_rate",
         {"daily_rate": None, "requested_slot": "daily_rate"}),
        ({"amount": 8000.0, "daily_rate": 0.0005, "days": 8000.0}, {"days": 8000}, "8000天", "days",
         {"days": None, "requested_slot": "days"}),
        ({"amount": 25000.0, "annual_rate": 0.24, "term_months": 480.0},
         {"amount": 25000, "annual_rate": 0.24, "term_months": 480}, "借了25000 年化24% 分480期", None,
         {"term_months": None, "daily_rate": 0.24 / 365, "requested_slot": "days"}),
        ({"amount": 25000.0, "daily_rate": 0.0005, "term_months": 1e20}, {"term_months": 10**20},
         "分99999999999999999999期", "days", {"term_months": None, "requested_slot": "days"}),
        ({"amount": float("inf")}, {"amount": float("inf")}, "借了" + "1" * 400, None,
         {"amount": None, "requested_slot": "amount"}),
    ],
)  # fmt: skip
def test_form_asks_for_what_is_missing(slots, found, message, requested, expected) -> None:
    updates, _ = form_updates(slots, found, message, requested)
    assert updates.keys() == expected.keys()
    for key, value in expected.items():
        assert updates[key] == (pytest.approx(value) if isinstance(value, float) else value), key


def test_user_answered_form_looks_back_to_the_form_start() -> None:
    start = {"event": "active_loop", "name": "interest_calc_form"}
    assert not user_answered_form([{"event": "user"}, start, {"event": "bot"}])
    assert user_answered_form([start, {"event": "bot"}, {"event": "user"}])
    assert not user_answered_form([{"event": "user"}])


async def test_validation_action_returns_slot_events() -> None:
    tracker = make_tracker("inform_situation", {"requested_slot": "amount"}, text="两万五")
    events = await ValidateInterestCalcForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert {"event": "slot", "name": "amount", "value": 25000.0} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]
    assert events[-1]["name"] == "requested_slot" and events[-1]["value"] == "daily_rate"


@pytest.mark.parametrize("action, says", [(AskAmount(), "两万五"), (AskRate(), "万分之五"), (AskPeriod(), "分10期")])
async def test_form_questions_come_with_examples(action: Any, says: str) -> None:
    [message] = await run(action, make_tracker("ask_interest_calc"))
    assert says in message["text"]
    assert action.name().startswith("action_ask_interest_calc_form_")


async def test_interest_question_without_numbers_explains_and_offers_to_calculate() -> None:
    [message] = await run(ActionInterestCalc(), make_tracker("ask_interest_calc", {"daily_rate": 0.0004}))
    assert "按日计息" in message["text"] and "日利率 0.04%" not in message["text"]
    assert message["buttons"][0]["payload"] == '/ask_interest_calc{"calc_request":"start"}'


async def test_interest_question_with_numbers_gives_the_figures() -> None:
    slots = {"amount": 10000.0, "daily_rate": 0.0005, "days": 365.0}
    tracker = make_tracker("ask_interest_calc", slots, entities=entities(amount=10000, daily_rate=0.0005, days=365))
    [message] = await run(ActionInterestCalc(), tracker)
    assert "利息 1,825.00 元" in message["text"]


async def test_whole_table_on_request() -> None:
    slots = {"amount": 10000.0, "daily_rate": 0.0005, "term_months": 20.0}
    tracker = make_tracker("ask_interest_calc", slots, entities=entities(calc_request="table"))
    [message] = await run(ActionInterestCalc(), tracker)
    assert "第 10 期：" in message["text"] and "略过" not in message["text"]


def rehearsal_tracker(text: str, state: Dict[str, Any] | None, events: List[Dict[str, Any]] | None = None, **slots):
    tracker = make_tracker("inform_situation", {"rehearsal": state, **slots}, text=text)
    if events is not None:
        tracker.events = events
    return tracker


async def test_rehearsal_starts_with_the_rules_a_case_card_and_the_difficulty_buttons() -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRehearsalForm().run(dispatcher, rehearsal_tracker("我想练习", None), DOMAIN)
    intro, card, ask = dispatcher.messages
    assert "结束练习" in intro["text"] and "这次练习的情况" in card["text"]
    assert [b["title"] for b in ask["buttons"]] == ["温和", "普通", "严格"]
    assert {"event": "slot", "name": "requested_slot", "value": "rehearsal_turn"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


async def test_rehearsal_end_words_with_no_call_on_start_nothing() -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRehearsalForm().run(dispatcher, rehearsal_tracker("结束练习", None), DOMAIN)
    [message] = dispatcher.messages
    assert "不计分" in message["text"] and not message["buttons"]
    assert {"event": "slot", "name": "requested_slot", "value": None} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


async def asked_in_a_call(text: str, intent: str) -> List[str]:
    """The agent's replies to a question asked in a call waiting for the reason (NLU sure of ``intent``)."""
    state = {"difficulty": "normal", "asked": "reason", "case": get_knowledge().roleplay["cases"][0]}
    tracker = rehearsal_tracker(text, state, requested_slot="rehearsal_turn")
    tracker.latest_message["intent"] = {"name": intent, "confidence": 0.95}
    dispatcher = CollectingDispatcher()
    await ValidateRehearsalForm().run(dispatcher, tracker, DOMAIN)
    return [m["text"] for m in dispatcher.messages]


async def test_rehearsal_agent_answers_an_outside_question_briefly_then_resumes() -> None:
    """A question the agent has no answer of its own for: the chat's direct answer, briefly, then the call."""
    texts = await asked_in_a_call("我想投诉你们该找谁", "ask_legal_rights")
    full = get_knowledge().answer("ask_legal_rights", {}).text
    assert texts[0] and texts[0] in full and len(texts[0]) < len(full) / 2, "a short answer, not the whole card"
    assert "接着练" in texts[1] and "原因" in texts[2]


async def test_rehearsal_agent_answers_a_question_of_its_own_in_character() -> None:
    """Calls to the family asked in a call: the agent's own answer (roleplay.yml answers), and the call goes on."""
    texts = await asked_in_a_call("催收打我家人电话怎么办", "report_harassment")
    assert "无关的人" in texts[0] and "接着练" not in "".join(texts), texts
    assert "？" in texts[-1], "then the agent's next question"


@pytest.mark.parametrize("unsure, call_goes_on", [(True, True), (False, False)])
async def test_an_unsure_crisis_in_a_call_gets_the_help_first_and_the_call_goes_on(unsure, call_goes_on) -> None:
    """Round two: "我这段时间天天晚上睡不着觉…" read as a crisis (the classifier alone, unsure) ended a call. Unsure:
    the help first, then the agent; sure: the crisis answer, and the call ends for the user's safety.
    """
    state = {"difficulty": "normal", "asked": "reason", "case": get_knowledge().roleplay["cases"][0]}
    tracker = rehearsal_tracker("我这段时间天天晚上睡不着觉 一直在想这个事", state, requested_slot="rehearsal_turn")
    tracker.latest_message.update(intent={"name": "safety_crisis", "confidence": 0.4}, danger_unsure=unsure)
    dispatcher = CollectingDispatcher()
    events = await ValidateRehearsalForm().run(dispatcher, tracker, DOMAIN)
    texts = [m["text"] for m in dispatcher.messages]
    assert "12356" in texts[0], "the help first, either way"
    [kept] = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "rehearsal"]
    assert (not kept.get("done")) is call_goes_on and (len(texts) > 1) is call_goes_on
    if call_goes_on:
        assert "？" in texts[-1] and kept["said"], "the agent heard the line and asks on"


async def test_debrief_scores_the_call_from_the_agents_record() -> None:
    said = [{"text": "我失业了", "items": ["situation"], "rude": False}]
    case = get_knowledge().roleplay["cases"][0]
    tracker = rehearsal_tracker("结束练习", {"difficulty": "strict", "done": True, "said": said, "case": case})
    dispatcher = CollectingDispatcher()
    events = await ActionRehearsalDebrief().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    # Only "我失业了" counts: situation (15) and calm (15).
    assert "总分：30/100" in message["text"].splitlines()
    assert message["buttons"][0] == {"title": "再练一次", "payload": "/start_rehearsal"}
    [kept] = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "rehearsal"]
    assert kept["last_case"] == case, "the case is kept for a replay"
    assert kept["last_score"]["total"] == 30 and kept["last_score"]["items"]["situation"] == 15, "and its score"


async def test_a_lower_monthly_amount_after_a_calculation_is_costed() -> None:
    slots = {"amount": 20000.0, "daily_rate": 0.0004, "term_months": 12.0, "affordable_payment": 1000.0}
    entities = [{"entity": "amount", "value": 1000, "role": "affordable"}]
    [message] = await run(ActionAnswer(), make_tracker("inform_situation", slots, entities=entities))
    assert "每月最多能还约 1000 元" in message["text"]
    assert "如果每月最多只能还 1,000.00 元：需要分 24 期" in message["text"]
    [plain] = await run(ActionAnswer(), make_tracker("inform_situation", slots))
    assert "需要分" not in plain["text"], "only when the user just said what they can afford"


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_installments_out_of_range_are_refused_with_the_limits_and_asked_again() -> None:
    slots = {"amount": 25000.0, "annual_rate": 0.24, "term_months": 480.0}
    found = entities(amount=25000, annual_rate=0.24, term_months=480)
    tracker = make_tracker("ask_interest_calc", slots, text="借了25000 年化24% 分480期", entities=found)
    dispatcher = CollectingDispatcher()
    events = await ValidateInterestCalcForm().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert "1 到 360 期" in message["text"] and "确认" in message["text"]
    assert slot_values(events)["term_months"] is None and slot_values(events)["requested_slot"] == "days"


@pytest.mark.parametrize(
    "bad, says",
    [
        ({"term_months": 1e20}, "1 到 360 期"),
        ({"amount": float("inf")}, "10,000,000 元"),
        ({"daily_rate": float("nan")}, "低于 1%"),
        ({"paid_periods": 480.0}, "1 到 360 期"),
    ],
)
async def test_a_value_out_of_range_in_a_slot_is_refused_and_cleared(bad: Dict[str, Any], says: str) -> None:
    """However it got there: the calculator says so, never computes with it, and clears the slot."""
    slots = {"amount": 25000.0, "daily_rate": 0.0005, "term_months": 12.0, **bad}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_interest_calc", slots, entities=entities(term_months=12))
    events = await ActionInterestCalc().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert says in message["text"] and "每期还" not in message["text"]
    assert {name: slot_values(events)[name] for name in bad} == dict.fromkeys(bad)


@pytest.mark.parametrize(
    "intent, slots, text, cleared",
    [
        ("inform_situation", {"amount": float("1" * 400), "overdue_days": 90.0}, "我欠了" + "1" * 400 + "元",
         "amount"),
        ("follow_up", {"amount": 25000.0, "daily_rate": 0.0005, "term_months": 480.0,
                       "last_topic": "ask_interest_calc"}, "那分480期呢", "term_months"),
    ],
)  # fmt: skip
async def test_answers_never_echo_or_compute_with_a_value_out_of_range(intent, slots, text, cleared) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswer().run(dispatcher, make_tracker(intent, slots, text=text), DOMAIN)
    [message] = dispatcher.messages
    assert "确认" in message["text"] and "inf" not in message["text"] and "每期还" not in message["text"]
    assert slot_values(events)[cleared] is None


def slow_work(*args: Any) -> None:
    time.sleep(30)


async def test_off_loop_gives_up_at_its_limit_then_works_again() -> None:
    start = time.perf_counter()
    assert await off_loop(time.sleep, 30, limit=0.5) is None
    assert time.perf_counter() - start < 3, "the limit holds"
    assert await off_loop(int, "not a number") is None, "an error is an answer too"
    assert await off_loop(pow, 2, 10) == 1024, "the workers were restarted"


async def test_a_calculation_past_its_limit_gets_a_polite_answer_and_clears_the_numbers(monkeypatch) -> None:
    monkeypatch.setattr(calculator_actions, "work_out", slow_work)
    monkeypatch.setattr(common, "CALC_SECONDS", 0.5)
    slots = {"amount": 25000.0, "daily_rate": 0.0005, "term_months": 12.0}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_interest_calc", slots, entities=entities(term_months=12))
    events = await ActionInterestCalc().run(dispatcher, tracker, DOMAIN)
    assert [m["text"] for m in dispatcher.messages] == [get_knowledge().calculator["failed"]]
    assert slot_values(events) == dict.fromkeys(["amount", "daily_rate", "annual_rate", "term_months", "days",
                                                 "paid_periods"])  # fmt: skip


async def test_the_largest_calculation_does_not_hold_up_another_conversation() -> None:
    await asyncio.gather(off_loop(abs, -1), off_loop(abs, -1))  # the workers are up, as on a running server
    slots = {"amount": 10_000_000.0, "annual_rate": 1.0, "daily_rate": 1 / 365, "term_months": 360.0}
    found = entities(amount=10_000_000, annual_rate=1.0, term_months=360, calc_request="table")
    largest = make_tracker("ask_interest_calc", slots, entities=found)
    largest.events[0]["input_channel"] = "socketio"  # the page: the chart's figures as well as the table
    start = time.perf_counter()
    calculation = asyncio.create_task(run(ActionInterestCalc(), largest))
    await asyncio.sleep(0)  # the calculation has started when another user's question comes in
    [other] = await run(ActionAnswer(), make_tracker("ask_contact_channel"))
    assert "95384" in other["text"] and time.perf_counter() - start < 1
    assert not calculation.done(), "answered while the calculation was still running"
    [figures] = await calculation
    assert figures["custom"]["data"]["calc"]["schedule"][-1][0] == 360


async def test_stopping_a_worker_never_signals_the_server() -> None:
    """A forked worker inherits the server's signal handling: unless it sets its own, a SIGTERM sent to the
    worker reaches the server's event loop (sanic stops on it) and the worker goes on.
    """
    common._stop_calc_pool(common._calc_pool())
    loop, received = asyncio.get_running_loop(), []
    loop.add_signal_handler(signal.SIGTERM, received.append, "SIGTERM")
    try:
        assert await off_loop(abs, -1) == 1  # workers forked while the server handles SIGTERM
        workers = list(common._calc_pool()._processes.values())
        for worker in workers:
            worker.terminate()
            worker.join(5)
        await asyncio.sleep(0.2)
        assert not received and not any(w.is_alive() for w in workers)
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        common._stop_calc_pool(common._calc_pool())


async def test_the_preparation_form_asks_again_for_a_number_too_long_to_be_one() -> None:
    state = {"kind": "sheet", "asked": "amount"}
    tracker = make_tracker("inform_situation", {"prep": state, "requested_slot": "prep_turn"}, text="1" * 400)
    dispatcher = CollectingDispatcher()
    events = await ValidatePrepForm().run(dispatcher, tracker, DOMAIN)
    assert slot_values(events)["amount"] is None
    words = get_knowledge().prep
    assert [m["text"] for m in dispatcher.messages] == [words["not_understood"], words["questions"]["amount"]]


@pytest.mark.parametrize("intent", ["affirm", "thank", "nlu_fallback"])
async def test_a_feeling_told_with_no_question_is_heard(intent: str, kb) -> None:
    """"好吧 我好累 每天都睡不着" read as a yes (or not understood): the feeling heard, not "还有什么想了解的"."""
    action = ActionFallback() if intent == "nlu_fallback" else ActionShowMenu()
    [message] = await run(action, make_tracker(intent, text="好吧 我好累 每天都睡不着", feeling="hopeless"))
    assert message["text"] == kb.replies["heard_hopeless"] and message["buttons"]


def test_the_call_hears_the_line_as_typed_so_the_debrief_quotes_it_so() -> None:
    """Round three: a borrower typing traditional characters saw their lines quoted simplified in the debrief."""
    tracker = make_tracker("inform_situation", text="工資流水可以給 每個月還一千")
    tracker.latest_message["text"] = "工资流水可以给 每个月还一千"  # the normalised text the models read
    assert as_typed(tracker) == "工資流水可以給 每個月還一千"


def test_a_reported_scam_in_a_call_gets_the_coach_line_not_a_pause() -> None:
    """Round four: a scam reported half a year ago paused the call twice; now the help is one coach line."""
    scam = ["faq/money_sent_scam"]
    reported = make_tracker("faq", text="半年前被骗了三万 报过警了", urgent=scam, danger_reported=True)
    assert check_in(reported) == "check_in_reported_scam"
    fresh = make_tracker("faq", text="刚被骗了三万", urgent=scam, danger_reported=False)
    assert check_in(fresh) is None
