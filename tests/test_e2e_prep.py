"""End to end: the preparation pack over REST and socketio against the real servers, NLU included."""

from bot.stack import Stack
from tests.conftest import Chat, SocketChat


def test_the_sheet_asks_one_fact_at_a_time_then_uses_them_all(chat: Chat) -> None:
    first = chat.say("生成我的协商准备单")
    assert "欠微粒贷多少" in first
    assert "逾期多久" in chat.say("两万五")
    assert "什么原因" in chat.say("一个多月了")
    assert "收入" in chat.say("我被裁员了 失业了")
    assert "开销" in chat.say("三千五")
    assert "最多能拿出多少" in chat.say("跳过")
    sheet = chat.say("一千五")
    assert sheet.startswith("我的协商准备单")
    assert "欠款约 25,000 元" in sheet and "每月收入约 3,500 元" in sheet and "每月还 1,500 元" in sheet
    assert "☐" in sheet and "95384" in sheet and "身份证号" not in sheet.split("依据")[0].replace("身份证明", "")


def test_sloppy_answers_are_understood_or_asked_again_with_a_reason(chat: Chat) -> None:
    chat.say("生成我的协商准备单")
    assert "逾期多久" in chat.say("大概两万多吧")
    reason = chat.say("快俩月了")
    assert "什么原因" in reason, "快俩月了 is two months"
    assert "收入" in chat.say("厂里不景气被裁了")
    skipped = chat.say("跳过")
    assert "说个大概就行" in skipped and "收入" in skipped, "the income is needed: said why, asked again"
    early = chat.say("一个月最多还一千出头吧")
    assert "收入" in early, "an answer out of order is kept, the question asked again"
    chat.say("三千五")
    sheet = chat.say("跳过")
    assert "还不上的原因是：厂里不景气被裁了" in sheet and "每月最多能拿出 1,000 元" in sheet
    start = chat.say("用我的准备单练一次")
    assert "（失业）" in start, "the practice card of their reason"


def test_facts_already_given_are_not_asked_again(chat: Chat) -> None:
    chat.say("我欠两万 逾期一个月了 因为生病住院 月收入三千 每月最多能还一千")
    asked = chat.say("帮我做一份协商准备单")
    assert "开销" in asked and "欠微粒贷多少" not in asked and "逾期多久" not in asked
    sheet = chat.say("一千二左右")
    assert "欠款约 20,000 元" in sheet and "必要开销约 1,200 元" in sheet


def test_letters_without_facts_come_at_once(chat: Chat) -> None:
    complaint = chat.say("催收太过分了 帮我写一封投诉信")
    assert complaint.startswith("催收投诉信") and "来电号码" in complaint and "12378" in complaint
    objection = chat.say("帮我写征信异议申请")
    assert objection.startswith("征信异议申请") and "第二十五条" in objection


def test_danger_first_then_the_question_again_and_stop(chat: Chat) -> None:
    chat.say("生成我的协商准备单")
    middle = chat.say("催收说今晚派人来砍我")
    assert middle.splitlines()[0].count("110") or "110" in middle.split("\n\n")[0]
    assert "欠微粒贷多少" in middle
    assert "不做了" in chat.say("不做了") or "先不做" in chat.say("你好")


def test_rehearse_with_the_sheet(chat: Chat) -> None:
    chat.say("我欠三万 逾期两个月 生意亏了 月收入五千 必要开销两千 每月最多能还两千")
    chat.say("生成我的协商准备单")
    start = chat.say("用我的准备单练一次")
    assert "欠款 30,000 元" in start and "这次练习的情况" in start


def test_a_request_that_tells_the_facts_too(chat: Chat) -> None:
    letter = chat.say("帮我写协商还款申请书 我欠两万 逾期一个月 失业了 月收入三千 开销一千 每月最多能还一千")
    assert letter.startswith("协商还款申请书") and "欠款约 20,000 元" in letter and "【借据号" in letter


async def test_the_page_gets_the_document_in_parts(stack: Stack) -> None:
    async with SocketChat(stack, "socketio-prep") as chat:
        [doc] = await chat.send("催收太过分了 帮我写一封投诉信")
    assert doc["doc"]["title"] == "催收投诉信" and doc["text"].startswith("催收投诉信")
    [table] = [s["table"] for s in doc["doc"]["sections"] if s["table"]]
    assert table["columns"][2] == "来电号码" and len(table["rows"]) == 5
    assert [q["title"] for q in doc["quick_replies"]][:1] == ["生成我的协商准备单"]


def test_the_complaint_tells_what_was_said_earlier(chat: Chat) -> None:
    chat.say("催收天天半夜两点打电话 还打给我老婆 说我是老赖")
    letter = chat.say("帮我写一封投诉信")
    assert letter.startswith("催收投诉信") and "在夜间反复来电" in letter and "家人" in letter, letter
