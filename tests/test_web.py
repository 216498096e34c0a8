"""The chat page in a real browser: Debian's Chromium, headless, driven by Playwright, against the real
servers. Each test saves a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.config import ROOT
from bot.stack import Stack, free_port

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a machine with no screen and a closed network (no background connections to Google).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE = {"width": 375, "height": 740}
BOT = ".Message.left .msg-text"
USER = ".Message.right .msg-text"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs it with apt-get (package chromium)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, stack: Stack, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser profile at phone width on the chat page; a screenshot is kept afterwards."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.web_url)
    page.wait_for_selector("textarea")
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"errors in the page: {errors}"


def bot_replies(page) -> list:
    return page.locator(BOT).all_inner_texts()


def say(page, text: str) -> str:
    """Types a message, sends it with Enter, and returns the bot's next reply."""
    before = page.locator(BOT).count()
    page.fill("textarea", text)
    page.keyboard.press("Enter")
    return wait_for_reply(page, before)


def wait_for_reply(page, before: int, contains: str = "") -> str:
    page.wait_for_function(
        "([selector, n, text]) => { const all = [...document.querySelectorAll(selector)].slice(n);"
        " return all.length > 0 && all.some(e => e.innerText.includes(text)); }",
        arg=[BOT, before, contains],
        timeout=30_000,
    )
    page.wait_for_timeout(300)  # the rest of a multi-message reply
    return "\n".join(bot_replies(page)[before:])


def click_quick_reply(page, title: str) -> str:
    before = page.locator(BOT).count()
    page.locator(".QuickReply", has_text=title).first.click()
    return wait_for_reply(page, before)


def test_send_a_message_and_see_the_reply(page) -> None:
    assert "模拟练习工具，不是微众银行官方客服" in page.inner_text("[data-testid=notice]")
    reply = say(page, "逾期了會怎麼樣")
    assert "征信" in reply
    assert page.locator(USER).last.inner_text() == "逾期了會怎麼樣"


def test_quick_reply_sends_its_payload(page) -> None:
    say(page, "你好")
    reply = click_quick_reply(page, "官方客服渠道")
    assert "95384" in reply
    assert page.locator(USER).last.inner_text() == "官方客服渠道", "the button's title is shown, not its payload"


def test_reload_keeps_the_conversation(page) -> None:
    say(page, "我被裁员了，欠了两万五，逾期三个月了")
    page.reload()
    page.wait_for_selector(BOT)
    assert any("欠款约 25000 元" in text for text in bot_replies(page)), "history shown after reload"
    assert "离职证明" in say(page, "那我需要准备什么材料"), "the server kept the conversation too"


def test_markup_in_a_message_shows_as_text_and_runs_nothing(page) -> None:
    dialogs: list = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    attack = "<img src=x onerror=alert(1)>"
    say(page, attack)
    assert page.locator(USER).last.inner_text() == attack
    assert page.locator(".MessageList img[src=x]").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_enter_that_ends_a_pinyin_composition_does_not_send(page) -> None:
    page.fill("textarea", "逾期了怎么办")
    page.evaluate(
        """() => {
        const event = new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true, isComposing: true});
        Object.defineProperty(event, 'keyCode', {get: () => 13});
        document.querySelector('textarea').dispatchEvent(event);
    }"""
    )
    page.wait_for_timeout(500)
    assert page.locator(USER).count() == 0 and page.input_value("textarea") == "逾期了怎么办"
    before = page.locator(BOT).count()
    page.keyboard.press("Enter")  # a plain Enter sends
    wait_for_reply(page, before)
    assert page.locator(USER).last.inner_text() == "逾期了怎么办"


def test_phone_width_has_no_horizontal_scroll(page) -> None:
    say(page, "借两万，日息万分之四，分12期，每期还多少")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] == PHONE["width"]


def test_full_rehearsal_ends_with_the_score_a_transcript_and_the_list_of_calls(page) -> None:
    assert "结束练习" in click_quick_reply(page, "模拟协商练习")
    assert "微粒贷客服" in click_quick_reply(page, "普通")
    for message in (
        "你好，我欠了两万，因为我失业了暂时还不上",
        "我现在每月收入3000",
        "每个月最多能还1000",
        "我想申请分24期，每月还1000，能不能减免罚息",
        "我可以提供失业证明和银行流水",
        "好的，麻烦把方案用短信发给我书面确认",
    ):
        say(page, message)
    before = page.locator(BOT).count()
    page.fill("textarea", "没有了，谢谢")
    page.keyboard.press("Enter")
    debrief = wait_for_reply(page, before, contains="总分：")
    assert "本次谈下的方案" in debrief
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "总分：" in text and "我：我现在每月收入3000" in text and text.startswith("客服（模拟）：")
    score = re.search(r"总分：(\d+)/100", debrief).group(1)
    page.click("[data-testid=calls]")
    row = page.inner_text("[data-testid=calls-table] tbody tr")
    assert "普通" in row and score in row, row
    page.reload()
    page.click("[data-testid=calls]")
    assert page.locator("[data-testid=calls-table] tbody tr").count() == 1, "kept in this browser"


def test_call_mode_explains_when_the_browser_cannot_speak(browser, stack: Stack) -> None:
    context = browser.new_context(viewport=PHONE)
    context.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page = context.new_page()
    page.goto(stack.web_url)
    page.click("[data-testid=call-mode]")
    assert "不支持语音朗读" in page.inner_text("[role=status]")
    assert page.get_attribute("[data-testid=call-mode]", "aria-pressed") == "false"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "call_mode_unavailable.png"))
    context.close()


def test_server_down_shows_a_clear_error(browser, stack: Stack) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    dead = json.dumps({"socketUrl": f"http://localhost:{free_port()}"})
    page.route("**/config.json", lambda route: route.fulfill(body=dead, content_type="application/json"))
    page.goto(stack.web_url)
    page.wait_for_selector("[data-testid=conn-error]", timeout=15_000)
    page.fill("textarea", "你好")
    page.keyboard.press("Enter")
    assert page.locator(USER).last.inner_text() == "你好", "the message is kept, to go out on reconnect"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "server_down.png"))
    context.close()


def test_cors_allows_the_page_origin_only(stack: Stack) -> None:
    url = f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    page_origin = requests.get(url, headers={"Origin": stack.web_url}, timeout=10)
    assert page_origin.headers.get("Access-Control-Allow-Origin") == stack.web_url
    other = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers


def test_page_server_sends_a_content_security_policy(stack: Stack) -> None:
    response = requests.get(stack.web_url, timeout=10)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and f"localhost:{stack.config.rasa_port}" in policy


def test_page_reconnects_by_itself_when_the_server_returns(page, stack: Stack) -> None:
    """Rasa goes down: the page says so and keeps what is typed; Rasa returns: the page reconnects on
    its own and the message typed meanwhile is answered.
    """
    say(page, "你好")
    stack.stop("rasa")
    try:
        page.wait_for_selector("[data-testid=conn-error]", timeout=30_000)
        before = page.locator(BOT).count()
        page.fill("textarea", "客服热线是多少")
        page.keyboard.press("Enter")
    finally:
        stack.start_rasa()
    assert "95384" in wait_for_reply(page, before, contains="95384")
    assert page.locator("[data-testid=conn-error]").count() == 0
