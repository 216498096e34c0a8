"""End to end: the calculator over REST, with the numbers in free text, against the real servers."""

from bot.stack import Stack
from tests.conftest import Chat


def test_figures_from_one_message(chat: Chat) -> None:
    text = chat.say("借1万，日息万分之五，用365天，利息多少")
    assert "利息 1,825.00 元" in text


def test_form_asks_one_number_at_a_time_then_answers(chat: Chat) -> None:
    assert "借款金额" in chat.say("帮我算算利息")
    assert "日利率或年化利率" in chat.say("两万五")
    assert "分几期" in chat.say("年化18.25%")
    text = chat.say("分10期")
    # 25,000 at 0.05% a day (18.25% a year), 10 equal installments of 30 days
    r = 0.0005 * 30
    payment = 25000 * r * (1 + r) ** 10 / ((1 + r) ** 10 - 1)
    assert f"每期还 {payment:,.2f} 元" in text and "等额本金" in text
    # A follow-up that changes one number keeps the others.
    assert "分 20 期" in chat.say("那分20期呢")


def test_whole_table_and_early_repayment(chat: Chat) -> None:
    summary = chat.send("借两万，日息万分之四，分12期，每期还多少")
    assert any(b["title"] == "查看完整还款计划" for r in summary for b in r.get("buttons", []))
    table = chat.say('/ask_interest_calc{"calc_request":"table"}')
    assert "第 7 期：" in table and "略过" not in table
    assert "提前还清" in chat.say("我还了3期，现在提前还清能省多少利息")
    assert "需要分 24 期" in chat.say("如果每个月只能还1000呢"), "a lower monthly amount is costed"


def test_numbers_told_before_are_not_asked_again(chat: Chat) -> None:
    told = chat.say("我借了3w 分了20期 已经还了5期")
    assert "分 20 期" in told and "已还 5 期" in told, "all three facts are heard"
    asked = chat.say("那我能省多少利息")
    assert "日利率或年化利率" in asked and "借款金额" not in asked and "分几期" not in asked
    assert chat.say("日息万五").startswith("按计划还完前 5 期后一次性提前还清")


def test_question_in_the_middle_then_stop(chat: Chat) -> None:
    assert "借款金额" in chat.say("帮我算一下利息")
    middle = chat.say("催收天天打电话威胁我怎么办")
    assert "12378" in middle and "借款金额" in middle, "answers, then asks again"
    assert "先不算了" in chat.say("不算了")
    assert "95384" in chat.say("客服热线是多少"), "the conversation goes on normally"


def test_rate_question_is_answered_at_once(chat: Chat) -> None:
    text = chat.say("日息万分之七，年化是多少")
    assert "年化 25.55%" in text and "高于常被提到的 24%" in text


def test_asking_for_the_result_before_the_numbers_goes_on_with_the_question(chat: Chat) -> None:
    assert "借款金额" in chat.say("日息万五 能帮我算准吗")
    text = chat.say("那要还多少期")
    assert "没太明白" not in text and "借款金额" in text and text.count("好的") == 1, text


def test_a_debt_then_a_penalty_question_uses_the_debt(chat: Chat) -> None:
    text = chat.say("逾期两个月了 欠八千 罚息要多少")
    assert "8000 × 合同罚息日利率 × 60" in text.replace(",", ""), text
    assert "× 180" in chat.say("那半年呢"), "the follow-up keeps the debt and takes the new span"


def test_installments_out_of_range_are_refused_and_the_next_calculation_works(stack: Stack) -> None:
    """分480期 once took 13 s on the action server's event loop, and the number stayed in its slot."""
    # Read as the question about the 24% line (without 每期还多少, so is 分12期): refused by the answer
    chat = Chat(stack)
    refused = chat.say("借了25000 年化24% 分480期")
    assert "1 到 360 期" in refused and "每期还" not in refused, refused
    text = chat.say("借了25000 年化24% 分12期 每期还多少")
    assert "借 25,000.00 元，分 12 期" in text and "每期还" in text, "the bad number did not stay behind"
    # Read as a calculation: refused by the form, which asks for the period again
    chat = Chat(stack)
    refused = chat.say("借了25000 年化18% 分480期")
    assert "1 到 360 期" in refused and "分几期" in refused and "每期还" not in refused, refused
    assert "借 25,000.00 元，分 12 期" in chat.say("分12期")
