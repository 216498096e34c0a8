"""End to end: whole rehearsal calls over REST (and socketio) against the real servers, NLU included."""

import re
from typing import List

import pytest
import yaml

from bot.config import ROOT
from bot.stack import Stack
from tests.conftest import Chat, SocketChat

CARDS = yaml.safe_load((ROOT / "data" / "knowledge" / "roleplay.yml").read_text(encoding="utf-8"))["roleplay"]["cases"]
CALLS = yaml.safe_load((ROOT / "tests" / "data" / "rehearsal_calls.yml").read_text(encoding="utf-8"))["calls"]
# The same tolerance as the scorer's own test (tests/test_rehearsal.py), here with NLU in the loop.
TOLERANCE = 15

PREPARED_CALL = [
    "你好 我借了微粒贷现在欠两万逾期一个多月了 因为三月份公司裁员我失业了",
    "我现在每月收入3500左右",
    "每个月最多能还1500",
    "我想申请每月还1500 分15期 另外罚息能不能减免",
    "我可以提供离职证明和银行流水",
]


def start(chat: Chat, difficulty: str | None = None, case: str = "") -> List[dict]:
    replies = chat.send(f"我想模拟练习一下跟客服协商{case}")
    assert "结束练习" in replies[0]["text"] and "这次练习的情况" in replies[1]["text"]
    assert [b["title"] for b in replies[-1]["buttons"]] == ["温和", "普通", "严格"]
    return chat.send(difficulty) if difficulty else replies


def score_of(text: str) -> int:
    match = re.search(r"^总分：(\d+)/100$", text, re.M)
    assert match, text
    return int(match.group(1))


def test_a_normal_call_from_start_to_debrief(chat: Chat) -> None:
    start(chat)
    assert "微粒贷客服" in chat.say("普通")
    replies = [chat.say(m) for m in PREPARED_CALL]
    assert "每月收入约 3,500 元" in replies[1] and "每月能还约 1,500 元" in replies[2], "numbers echoed"
    assert "材料" in replies[3] and "提交申请：" not in replies[3], "normal wants proof first"
    assert "提交申请：每月还 1,500 元，分 15 期" in replies[4]
    assert "还有什么需要确认" in replies[4]
    answer = chat.say("对了 能发个短信书面确认吗")
    assert "短信" in answer and "总分" not in answer, "the closing question is answered before the call ends"
    debrief = chat.say("没有了 谢谢")
    assert score_of(debrief) == 100 and "这个方案可行" in debrief and '你说："' in debrief


def test_telling_the_case_first_starts_the_call_and_hang_up_debriefs(chat: Chat) -> None:
    start(chat)
    first = chat.say("我欠了两万 逾期两个月了 因为生病住院了")
    assert "普通难度" in first and "先选个难度" not in first
    assert "逾期 60 天" in first and "分 2 期" not in first
    debrief = chat.say("挂了")
    assert 0 < score_of(debrief) < 50


def test_end_words_after_the_debrief_or_first_start_nothing(chat: Chat) -> None:
    first = chat.say("结束练习")
    assert "总分" not in first and "这次练习的情况" not in first
    start(chat, "普通")
    chat.say("我失业了还不上")
    assert "总分" in chat.say("结束练习")
    after = chat.say("结束练习")
    assert "总分" not in after and "这次练习的情况" not in after


def test_again_starts_fresh_and_same_case_replays(chat: Chat) -> None:
    replies = start(chat)
    card = re.search(r"欠款 ([\d,]+) 元", replies[1]["text"]).group(1)
    chat.say("普通")
    chat.say("我现在每月收入3500")
    chat.say("结束练习")
    replay = chat.send("同一个情况再来一次")
    assert f"欠款 {card} 元" in "\n".join(r.get("text", "") for r in replay)
    chat.say("普通")
    assert "收入" in chat.say("我失业了还不上"), "a new call asks the income again"
    chat.say("我现在每月收入3500")
    first = score_of(chat.say("结束练习"))
    chat.send("同一个情况再来一次")
    chat.say("普通")
    for message in PREPARED_CALL:
        chat.say(message)
    debrief = chat.say("结束练习")
    assert f"和上次比：总分 {first} → {score_of(debrief)}" in debrief, "a replay is compared with the last attempt"
    assert "这次做到了：" in debrief and "下次练：" in debrief


def test_going_on_after_a_call_stopped_for_safety_takes_up_the_same_case(chat: Chat) -> None:
    replies = start(chat)
    card = re.search(r"欠款 ([\d,]+) 元", replies[1]["text"]).group(1)
    chat.say("普通")
    help_first = chat.say("说实话我有时候真的不想活了")
    assert "12356" in help_first.splitlines()[0] and "总分" not in help_first, "the help, no score"
    again = chat.send("我没事 我们继续练吧")
    text = "\n".join(r.get("text", "") for r in again)
    assert "12356" in again[0]["text"] and "接着" in again[0]["text"], "the help still there, first"
    assert f"欠款 {card} 元" in text, "the same case, not a new one"
    chat.say("普通")
    chat.say("我失业了还不上")
    chat.say("结束练习")
    fresh = "\n".join(r.get("text", "") for r in chat.send("再练一次"))
    assert "12356" not in fresh, "only the call right after the crisis is taken up gently"


def test_a_rude_call_ends_with_the_agent_hanging_up(chat: Chat) -> None:
    start(chat, "严格")
    chat.say("你们就是一群吸血鬼")
    ended = chat.say("他妈的烦不烦")
    assert "挂断" in ended and score_of(ended) == 0


def test_outside_question_gets_a_short_answer_and_the_call_goes_on(chat: Chat) -> None:
    start(chat, "温和")
    middle = chat.say("催收天天打电话到我家里骚扰我家人怎么办")
    assert "无关的人" in middle and "依据" not in middle, "the agent's short answer, not the chat's card"
    assert "总分" not in middle and "？" in middle.splitlines()[-1], "then the agent's next question"


def test_a_question_with_facts_mid_call_is_answered_and_the_facts_heard(chat: Chat) -> None:
    """Issue #21: a question asked beside the numbers went unanswered, five times in one call."""
    start(chat, "普通")
    chat.say("我失业了 现在打零工")
    middle = chat.say("一个月三千五左右 这样会影响征信吗 我很担心")
    assert "征信" in middle.splitlines()[0] and "3,500" in middle, middle


def test_questions_round_two_left_unanswered_get_the_agents_answer_and_stress_keeps_the_call(chat: Chat) -> None:
    """Issue #21, round two's calls: recording, the review and the calls went unanswered, and three lines of stress
    or about the calls were read as a crisis, which ended the call.
    """
    start(chat, "普通")
    chat.say("你好 我失业了 欠两万还不上")
    stressed = chat.say("你好。。我微粒贷逾期一个多月了，两万块，我这段时间天天晚上睡不着觉，一直在想这个事，我想好好把它还上")  # noqa: E501
    assert "谢谢你愿意说出来" not in stressed and "总分" not in stressed, "no crisis card: the call goes on"
    assert "？" in stressed.splitlines()[-1], "the agent asks on"
    recording = chat.say("这个电话你们那边有录音吗")
    assert "全程录音" in recording and "谢谢你愿意说出来" not in recording, "the agent's own answer on recording"
    review = chat.say("那我提交了以后大概要审核多久啊")
    assert "以审核结果为准" in review, review
    calls = chat.say("行 十五期就十五期 那谈好了以后你们别再天天打电话了行不")
    assert "谢谢你愿意说出来" not in calls and "22 点" in calls, "the calls to them, not to their family; no crisis"


def test_an_offer_to_pay_the_agent_is_stopped_in_character_and_named_in_the_debrief(chat: Chat) -> None:
    """Issue #21: "transfer to the account you name" got the plan submitted; then it broke the call with the
    fraud card. A real agent stops it and says how to pay, and the call goes on (tests/families/offer_to_agent
    holds the paraphrases); a fraud reported in a call still comes first.
    """
    start(chat, "普通")
    chat.say("我三个月前被裁员了 现在打零工 每个月三千五")
    stopped = chat.say("我把卡号发给你 你直接从卡里扣吧 省得我忘")
    assert "微粒贷页面" in stopped.splitlines()[0] and "96110" not in stopped and "暂停" not in stopped
    assert "提交申请" not in stopped
    reported = chat.say("对了 昨天有人打电话说是你们的 让我转到安全账户 是真的吗")
    assert "诈骗" in reported.splitlines()[0], "a fraud reported mid-call: the warning first"
    debrief = chat.say("结束练习")
    assert "⚠ 安全" in debrief and "我把卡号发给你" in debrief


def test_a_hint_and_a_redo(chat: Chat) -> None:
    start(chat, "普通")
    chat.say("我失业了还不上")
    hint = chat.say("给我提示")
    assert "收入" in hint and hint.startswith("【练习教练】"), "the coach gives hints, not the agent"
    chat.say("你们这些骗子")
    redo = chat.send("重说")
    assert redo[0]["text"].startswith("【练习教练】") and "不算" in redo[0]["text"]
    assert not redo[-1]["text"].startswith("【"), "then the agent asks again"
    debrief = chat.say("结束练习")
    assert "✔ 全程保持冷静和礼貌" in debrief


@pytest.mark.parametrize("call", CALLS[::4], ids=[c["id"] for c in CALLS[::4]])
def test_trainer_scored_calls_through_the_real_pipeline(chat: Chat, call: dict) -> None:
    case = next(c for c in CARDS if c["id"] == call["case"])
    replies = start(chat, case=f" 用{case['title']}的情况")
    assert f"（{case['title']}）" in replies[1]["text"], "the case asked for"
    chat.say(call["difficulty"])
    debrief = ""
    for message in call["messages"] + ["结束练习"]:
        debrief = chat.say(message)
        if "总分" in debrief:
            break
    assert abs(score_of(debrief) - call["expected"]["total"]) <= TOLERANCE, (debrief, call["expected"])


async def test_rehearsal_over_socketio(stack: Stack) -> None:
    """The web page uses the same rehearsal unchanged: buttons arrive as quick replies."""
    async with SocketChat(stack, "socketio-rehearsal") as chat:
        replies = await chat.send("/start_rehearsal", replies=3)
        assert "这次练习的情况" in replies[1]["text"]
        assert [q["title"] for q in replies[-1]["quick_replies"]] == ["温和", "普通", "严格"]
        [opening] = await chat.send("温和")
        assert "微粒贷客服" in opening["text"]
        [ended] = await chat.send("结束练习")
    assert "不计分" in ended["text"], "nothing said on the call: not scored"
