"""Every custom action, run with a real Tracker and CollectingDispatcher, checked for what it says."""

from typing import Any, Dict, List

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer, ActionRecordSituation
from actions.menu import ActionFallback, ActionShowMenu
from bot.config import ROOT
from tests.conftest import make_tracker

DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


async def run(action: Any, tracker: Any) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    assert events == []
    return dispatcher.messages


@pytest.mark.parametrize(
    "intent, must_say",
    [
        ("negotiate_rate", "无法直接修改"),
        ("report_harassment", "12378"),
        ("ask_contact_channel", "95384"),
        ("request_human", "95384"),
        ("ask_credit_repair", "5 年"),
        ("start_rehearsal", "书面"),
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
    [message] = await run(ActionRecordSituation(), make_tracker("inform_situation", slots))
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
