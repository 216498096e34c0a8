"""Masking personal numbers (bot.privacy) without touching the numbers a borrower talks about."""

import pytest

from bot.privacy import mask


@pytest.mark.parametrize(
    "text, expected, kinds",
    [
        ("我的手机号13812345678", "我的手机号[手机号已隐藏]", ["mobile"]),
        ("电话 +86 138 1234 5678 打我", "电话 [手机号已隐藏] 打我", ["mobile"]),
        ("138-1234-5678", "[手机号已隐藏]", ["mobile"]),
        ("身份证110101199003074518", "身份证[身份证号已隐藏]", ["id_card"]),
        ("身份证11010119900307451X。", "身份证[身份证号已隐藏]。", ["id_card"]),
        ("卡号6222 0212 3456 7890 123", "卡号[卡号已隐藏]", ["bank_card"]),
        ("卡号6222021234567890", "卡号[卡号已隐藏]", ["bank_card"]),
        ("１３８１２３４５６７８", "[手机号已隐藏]", ["mobile"]),  # full-width digits
        ("号码13812345678，卡6222021234567890", "号码[手机号已隐藏]，卡[卡号已隐藏]", ["bank_card", "mobile"]),
        # Groupings found in the audit: ID 6-8-4 and the old 15 digits, dotted and 3-3-5 mobiles, cards 6-13.
        ("身份证 110101 19900307 1234 谢谢", "身份证 [身份证号已隐藏] 谢谢", ["id_card"]),
        ("110101-1990-0307-451x", "[身份证号已隐藏]", ["id_card"]),
        ("老身份证110101900307451", "老身份证[身份证号已隐藏]", ["id_card"]),
        ("打138.0013.8000", "打[手机号已隐藏]", ["mobile"]),
        ("138 001 38000", "[手机号已隐藏]", ["mobile"]),
        ("+8613800138000", "[手机号已隐藏]", ["mobile"]),
        ("卡622202 1234567890123", "卡[卡号已隐藏]", ["bank_card"]),
        ("卡 6222-0212-3456-7890-123 还款", "卡 [卡号已隐藏] 还款", ["bank_card"]),
        # one-time codes said as such, only the digits (round four: a code said in a call was quoted in the debrief)
        ("验证码是483920 你那边输一下", "验证码是[验证码已隐藏] 你那边输一下", ["code"]),
        ("动态码：4 7 2 9 1 3", "动态码：[验证码已隐藏]", ["code"]),
        ("验证码 8812 我已经告诉他了", "验证码 [验证码已隐藏] 我已经告诉他了", ["code"]),
    ],
)
def test_personal_numbers_are_masked(text: str, expected: str, kinds: list) -> None:
    assert mask(text) == (expected, kinds)


@pytest.mark.parametrize(
    "text",
    [
        "我欠了25000元",
        "逾期90天",
        "日息0.05%",
        "分12期",
        "95384",
        "12378",
        "2026年11月23日",
        "借了1500000",
        "订单号1234567",
        "到手5000 房租1500 吃饭1000",
        "1500 3000 2000",
        "借了13.5万 年化24%",
        "20241205",
        "验证码收不到 点了5次",
        "验证码过期了 等了120秒",
    ],  # fmt: skip
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask(text) == (text, [])
