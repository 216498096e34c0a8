"""End to end: whole rehearsal calls over REST against the real servers."""

import re

from bot.stack import Stack
from tests.conftest import Chat, SocketChat

PREPARED_CALL = [
    "你好，我欠了两万，逾期一个月了，因为我失业了暂时还不上",
    "我现在每月收入3000",
    "每个月最多能还1000",
    "我想申请分24期，每月还1000，另外能不能减免罚息",
    "我可以提供失业证明和银行流水，每月还1000分24期",
    "好的，麻烦把方案用短信发给我书面确认",
]


def start(chat: Chat, difficulty: str) -> str:
    replies = chat.send("我想模拟练习一下跟客服协商")
    assert "结束练习" in replies[0]["text"]
    assert [b["title"] for b in replies[-1]["buttons"]] == ["温和", "普通", "严格"]
    return chat.say(difficulty)


def score_of(text: str) -> int:
    match = re.search(r"^总分：(\d+)/100$", text, re.M)
    assert match, text
    return int(match.group(1))


def test_strict_call_from_start_to_debrief(chat: Chat) -> None:
    assert "微粒贷客服" in start(chat, "严格")
    replies = [chat.say(message) for message in PREPARED_CALL[:3]]
    assert "每月收入约 3000 元" in replies[1] and "每月能还约 1000 元" in replies[2], "numbers echoed"
    assert "不能直接同意" in chat.say(PREPARED_CALL[3]), "strict refuses the first plan"
    assert "提交申请：每月还 1000 元，分 24 期" in chat.say(PREPARED_CALL[4])
    debrief = chat.say(PREPARED_CALL[5])
    assert score_of(debrief) >= 80 and "本次谈下的方案" in debrief


def test_mild_call_with_an_outside_question_and_a_low_score(chat: Chat) -> None:
    start(chat, "温和")
    middle = chat.say("催收天天打电话到我家里骚扰我家人怎么办")
    assert "12378" in middle and "回到刚才的练习" in middle
    chat.say("你们这些骗子！！！")
    assert score_of(chat.say("结束练习")) <= 40


def test_leaving_midway_then_starting_again(chat: Chat) -> None:
    start(chat, "普通")
    chat.say("我生病住院了，暂时还不上")
    debrief = chat.say("结束练习")
    assert score_of(debrief) < 80 and "建议：" in debrief
    assert "结束练习" in chat.say("/start_rehearsal"), "the user can start again"


async def test_rehearsal_over_socketio(stack: Stack) -> None:
    """The web page uses the same rehearsal unchanged: buttons arrive as quick replies."""
    async with SocketChat(stack, "socketio-rehearsal") as chat:
        [intro] = await chat.send("/start_rehearsal")
        assert [q["title"] for q in intro["quick_replies"]] == ["温和", "普通", "严格"]
        [opening] = await chat.send("温和")
        assert "微粒贷客服" in opening["text"]
        [debrief] = await chat.send("结束练习")
    assert score_of(debrief["text"]) <= 40
