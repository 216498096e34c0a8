"""End to end: the real action and Rasa servers, a conversation over the REST channel."""

import sqlite3

import pytest
import requests

from bot.stack import Stack
from tests.conftest import Chat, SocketChat


def test_action_server_is_healthy(stack: Stack) -> None:
    assert requests.get(f"{stack.action_url}/health", timeout=5).json()["status"] == "ok"


def test_greeting_says_it_is_a_simulation_and_offers_topics(chat: Chat) -> None:
    [reply] = chat.send("你好")
    assert "模拟" in reply["text"] and "不是微众银行官方" in reply["text"]
    assert {"title": "模拟协商练习", "payload": "/start_rehearsal"} in reply["buttons"]


@pytest.mark.parametrize(
    "message, must_say",
    [
        ("利息太高了，能不能跟你们谈低一点", "无法直接修改"),
        ("催收天天打我家人电话，还威胁我", "12378"),
        ("微粒贷真正的客服电话是多少", "95384"),
        ("逾期记录能不能花钱洗掉", "骗局"),
        ("逾期了會怎麼樣", "征信"),  # traditional characters
        ("wld yuqi le zenme ban, 我逾期了怎么办", "主动联系官方客服"),  # pinyin mixed in
        ("你是机器人吗", "模拟助手"),
        ("帮我查一下我还欠多少钱", "看不到也改不了任何人的账户"),  # an account request: at once, and where to go
    ],
)
def test_topic_answers(chat: Chat, message: str, must_say: str) -> None:
    assert must_say in chat.say(message)


def test_quick_reply_payload_is_understood(chat: Chat) -> None:
    assert "身份证明" in chat.say("/ask_materials")


def test_multi_turn_materials_are_tailored_to_what_the_user_said(chat: Chat) -> None:
    echo = chat.say("我被裁员了，欠了两万五，已经逾期三个月了")
    assert "欠款约 25000 元" in echo and "已逾期约 90 天" in echo and "失业" in echo
    materials = chat.say("那我需要准备什么材料")
    assert "离职证明" in materials


def test_human_request_gets_the_official_channels(chat: Chat) -> None:
    replies = chat.send("转人工")
    assert "没办法帮你转接" in replies[0]["text"]
    assert "95384" in replies[1]["text"]


# Just over 500 characters (refused before): the whole story at once, the way a worried borrower writes it.
LONG_STORY = (
    "你好 我想问一下我的情况 前年在微粒贷借了两万五分了十二期"
    " 一开始都是按时还的 从来没有逾期过 去年下半年厂里订单少了"
    "老板先是说放假 后来干脆就停工了 我在家待了三个多月一分钱工资都没有"
    " 家里两个孩子一个上小学一个上幼儿园 学费生活费"
    "都是要钱的 我老婆身体也不好 每个月光药费就要好几百 房租一千二也不能不交"
    " 实在没办法才开始拖的 现在已经逾期快两个月了"
    "我知道是我的问题 我也不是不想还 前几天催收的人打电话给我 态度特别凶"
    " 说再不还就要起诉我 还说要打电话给我老婆的单位"
    "我老婆在超市上班 要是让她们领导知道了她肯定干不下去了"
    " 我现在在工地上打零工 一个月能拿到手四千二左右 但也不是每天都有活"
    "房租一千二 孩子的开销每个月差不多一千 我老婆的药费五六百"
    " 算下来每个月最多能拿出一千来还 微粒贷现在一期要还两千三 根本还不上"
    "我想问问能不能跟他们商量一下 把每个月要还的降下来 多分几期"
    " 罚息能不能少一点 我真的是想还的 就是一下子拿不出这么多"
    "另外催收说要打我老婆单位的电话 这个他们能打吗 我该怎么跟客服说"
    " 需要准备什么东西 我第一次遇到这种事 心里特别慌 晚上都睡不着"
    "麻烦你帮我看看我现在应该先做什么"
    " 谢谢"
)


@pytest.mark.parametrize(
    "message, must_say",
    [
        ("", "空消息"),
        ("   ", "空消息"),
        ("我逾期了" * 1250, "有点长"),  # 5,000 characters
        # a long story, as worried people write it, is answered, not refused
        (LONG_STORY, "协商"),
        ("😭😭😭🙏", "表情或符号"),
        ("？？？！！！", "表情或符号"),
        ("<script>alert(1)</script>", ""),
        ("'; DROP TABLE events; --", ""),
        ("asdfghjkl qwerty", ""),
    ],
)
def test_bad_input_gets_a_polite_answer(chat: Chat, message: str, must_say: str) -> None:
    text = chat.say(message)
    assert must_say in text
    assert "<script>" not in text
    # The conversation goes on normally afterwards.
    assert "95384" in chat.say("客服热线是多少")


def test_conversation_is_stored_in_sqlite(stack: Stack, chat: Chat) -> None:
    chat.say("我欠了一万块")
    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute("SELECT type_name FROM events WHERE sender_id = ?", (chat.sender,)).fetchall()
    assert ("user",) in rows and ("bot",) in rows


def test_http_api_requires_the_token(stack: Stack) -> None:
    assert requests.get(f"{stack.rasa_url}/status", timeout=10).status_code == 401
    ok = requests.get(f"{stack.rasa_url}/status", params={"token": stack.config.auth_token}, timeout=10)
    assert ok.status_code == 200 and ok.json()["model_file"]


async def test_socketio_channel_answers(stack: Stack) -> None:
    """The web page's channel: a session, a message, the bot's reply with its quick replies."""
    async with SocketChat(stack, "socketio-test") as chat:
        [reply] = await chat.send("你好")
    assert "模拟助手" in reply["text"]
    assert ("模拟协商练习", "/start_rehearsal") in [(q["title"], q["payload"]) for q in reply["quick_replies"]]


async def test_the_page_gets_answers_as_cards_and_rest_as_text(stack: Stack, chat: Chat) -> None:
    """Over socketio a knowledge answer is a card with the same content; REST keeps the text."""
    text = chat.say("逾期了怎么办")
    async with SocketChat(stack, "socketio-card") as socket_chat:
        [reply] = await socket_chat.send("逾期了怎么办")
    card = reply["card"]
    assert reply["text"] == text.strip()
    assert card["title"] and text.startswith(card["answer"])
    assert any("items" in block for block in card["blocks"]) and card["sources"]
    assert [q["title"] for q in reply["quick_replies"]] == [b["title"] for b in card["buttons"]]


def test_a_message_in_traditional_characters_is_answered_in_traditional(chat: Chat) -> None:
    from bot.text import writes_traditional

    replies = chat.send_raw("逾期了會怎麼樣 會影響徵信嗎")
    text = "\n".join(r.get("text", "") for r in replies)
    assert writes_traditional(text) and "徵信" in text, text
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert payloads and all(p.startswith("/") or not writes_traditional(p) for p in payloads), "payloads untouched"
    again = "\n".join(r.get("text", "") for r in chat.send_raw("逾期了会怎么样"))
    assert again and not writes_traditional(again), "a simplified message gets simplified"


def test_a_greeting_in_the_middle_of_a_conversation_does_not_repeat_the_welcome(chat: Chat) -> None:
    assert "模拟助手" in chat.say("你好")
    chat.say("逾期了怎么办")
    again = chat.say("你好")
    assert "我还在" in again and "不是微众银行官方客服" not in again, again


def test_crying_faces_alone_are_asked_gently_what_happened(chat: Chat) -> None:
    reply = chat.say("😭😭😭")
    assert "遇到难处" in reply and "没看懂" not in reply, reply
