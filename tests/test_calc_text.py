"""Calculator answers as text (bot.calc_text): the figures shown are checked against figures worked out
here independently (closed forms in floats, loops over the periods), rounded to the cent.
"""

from __future__ import annotations

import time

import pytest

from bot import calculator as calc
from bot import knowledge
from bot.calc_text import CalcRequest, answer, before_rate, figures, money, pct


def cents(x: float) -> str:
    return f"{x:,.2f}"


def equal_payment(amount: float, daily: float, n: int) -> float:
    r = daily * 30
    return amount * r * (1 + r) ** n / ((1 + r) ** n - 1)


def interest_by_period(amount: float, daily: float, n: int) -> list:
    """Each period's interest under equal installments, by walking the balance."""
    pay, left, out = equal_payment(amount, daily, n), amount, []
    for _ in range(n):
        interest = left * daily * 30
        out.append(interest)
        left -= pay - interest
    return out


def text_for(kb: knowledge.Knowledge, **slots) -> str:
    result = answer(kb, CalcRequest.from_slots(slots))
    assert result is not None
    return result.text


def test_money_and_percent_formats() -> None:
    assert money(1825) == "1,825.00" and money(0.005) == "0.01"
    assert pct(0.0005) == "0.05" and pct(0.1825, 2) == "18.25" and pct(0.18, 2) == "18"


def test_no_rate_means_no_figures(kb: knowledge.Knowledge) -> None:
    assert answer(kb, CalcRequest.from_slots({"amount": 10000.0, "term_months": 10.0})) is None


def test_holding_the_article_example(kb: knowledge.Knowledge) -> None:
    text = text_for(kb, amount=10000.0, daily_rate=0.0005, days=365.0)
    assert "利息 1,825.00 元" in text and "本息共 11,825.00 元" in text
    assert "每期按 30 天" in text, "the answer states its convention"


def test_rate_only_converts_and_offers_to_calculate(kb: knowledge.Knowledge) -> None:
    result = answer(kb, CalcRequest.from_slots({"daily_rate": 0.0005}))
    effective = ((1 + 0.0005 * 30) ** (365 / 30) - 1) * 100
    assert "年化 18.25%" in result.text and f"约 {effective:.2f}%" in result.text
    assert "没有超过" in result.text
    assert result.buttons[0]["payload"] == '/ask_interest_calc{"calc_request":"start"}'


def test_annual_rate_stands_in_for_the_daily_one(kb: knowledge.Knowledge) -> None:
    assert CalcRequest.from_slots({"annual_rate": 0.1825}).daily_rate == pytest.approx(0.0005)
    assert text_for(kb, annual_rate=0.1825) == text_for(kb, daily_rate=0.0005)


@pytest.mark.parametrize("amount, daily, n", [(10000.0, 0.0005, 10), (20000.0, 0.0004, 12), (3000.0, 0.0003, 5)])
def test_installments_show_payment_totals_and_both_methods(kb: knowledge.Knowledge, amount, daily, n) -> None:
    text = text_for(kb, amount=amount, daily_rate=daily, term_months=float(n))
    interests = interest_by_period(amount, daily, n)
    assert f"每期还 {cents(equal_payment(amount, daily, n))} 元" in text
    assert f"总利息 {cents(sum(interests))} 元" in text
    principal_interest = amount * daily * 30 * (n + 1) / 2  # equal principal: interest on a falling balance
    assert f"总利息 {cents(principal_interest)} 元，比等额本息少付 {cents(sum(interests) - principal_interest)}" in text
    assert f"年化（IRR）{daily * 365 * 100:.2f}%" in text


def test_long_schedules_are_summarised_and_the_whole_table_is_on_request(kb: knowledge.Knowledge) -> None:
    slots = {"amount": 10000.0, "daily_rate": 0.0005, "term_months": 20.0}
    short = answer(kb, CalcRequest.from_slots(slots))
    assert "第 1 期" in short.text and "第 2 期" in short.text and "第 20 期" in short.text
    assert "第 10 期" not in short.text and "中间第 3–19 期略过" in short.text
    assert short.buttons[0]["payload"] == '/ask_interest_calc{"calc_request":"table"}'
    whole = answer(kb, CalcRequest.from_slots(slots, show_table=True))
    assert all(f"第 {k} 期：" in whole.text for k in range(1, 21)) and "略过" not in whole.text
    assert all("calc_request" not in b["payload"] for b in whole.buttons)


def test_early_repayment_saving(kb: knowledge.Knowledge) -> None:
    interests = interest_by_period(20000.0, 0.0004, 12)
    text = text_for(kb, amount=20000.0, daily_rate=0.0004, term_months=12.0, paid_periods=3.0)
    assert f"省下利息 {cents(sum(interests[3:]))} 元" in text
    assert text.startswith("按计划还完前 3 期后一次性提前还清"), "what paying off now saves comes first"
    assert "还完 12 期" not in text
    late = text_for(kb, amount=20000.0, daily_rate=0.0004, term_months=12.0, paid_periods=12.0)
    assert "已经结清" in late


def test_lower_monthly_amount_costs_more_periods(kb: knowledge.Knowledge) -> None:
    n = next(k for k in range(1, 200) if equal_payment(20000.0, 0.0004, k) <= 1000)
    longer = sum(interest_by_period(20000.0, 0.0004, n)) - sum(interest_by_period(20000.0, 0.0004, 12))
    text = text_for(kb, amount=20000.0, daily_rate=0.0004, term_months=12.0, affordable_payment=1000.0)
    assert f"需要分 {n} 期" in text and f"多付 {cents(longer)} 元" in text
    never = text_for(kb, amount=20000.0, daily_rate=0.0005, term_months=12.0, affordable_payment=50.0)
    assert "永远还不完" in never and "300.00 元" in never  # 20000 × 0.05% × 30 days


def test_rates_above_the_reference_line_are_flagged_not_called_illegal(kb: knowledge.Knowledge) -> None:
    text = text_for(kb, amount=5000.0, annual_rate=0.36, term_months=5.0)
    assert "年化 36% 高于常被提到的 24%" in text and '不能简单说成"违法"' in text
    assert "高于" not in text_for(kb, amount=5000.0, daily_rate=0.0005, term_months=5.0)


def test_the_pages_figures_are_the_texts_and_the_calculators(kb: knowledge.Knowledge) -> None:
    req = CalcRequest(amount=20000, daily_rate=0.0005, term_months=12, affordable_payment=1000)
    text = answer(kb, req).text
    shown = figures(kb, req)
    assert shown["key"]["value"] in text and all(f["value"].rstrip("%") in text for f in shown["facts"])
    assert len(shown["schedule"]) == 12 and shown["schedule"][-1][-1] == "0.00"
    periods = [c["periods"] for c in shown["compare"]]
    fitting = calc.periods_for_payment(20000, calc.to_fraction(0.0005), 1000)
    assert periods == sorted({5, 10, 12, 20, fitting})
    assert [c["periods"] for c in shown["compare"] if c["yours"]] == [12]
    ten = calc.schedule(20000, calc.to_fraction(0.0005), 10, "equal_installment")
    assert next(c for c in shown["compare"] if c["periods"] == 10)["interest"] == float(calc.yuan(ten.total_interest))
    assert all(figure in shown["inputs"] for figure in ("20,000", "0.05%", "12 期")), "the card says what it worked out"
    held = figures(kb, CalcRequest(amount=12500.5, daily_rate=0.0003, days=45))
    assert all(figure in held["inputs"] for figure in ("12,500.50", "0.03%", "45 天")), held["inputs"]


def test_no_figures_without_the_numbers(kb: knowledge.Knowledge) -> None:
    assert figures(kb, CalcRequest(daily_rate=0.0005)) is None
    held = figures(kb, CalcRequest(amount=10000, daily_rate=0.0005, days=365))
    assert held["key"]["value"] == "1,825.00" and held["schedule"] == []


# A loan the calculator can work out, to which one value out of range is added.
LOAN = {"amount": 25000.0, "annual_rate": 0.24, "daily_rate": 0.24 / 365, "term_months": 12.0}


@pytest.mark.parametrize(
    "bad, says",
    [
        ({"term_months": 480.0}, "1 到 360 期"),
        ({"term_months": 99999999999999999999.0}, "1 到 360 期"),  # a float slot, as Rasa keeps it
        ({"term_months": 10**400}, "1 到 360 期"),  # too big for a float
        ({"term_months": 0.5}, "1 到 360 期"),
        ({"paid_periods": 500.0}, "1 到 360 期"),
        ({"amount": float("1" * 400)}, "10,000,000 元"),  # 400 digits read as a float: inf
        ({"amount": float("nan")}, "10,000,000 元"),
        ({"daily_rate": float("inf")}, "低于 1%"),
        ({"annual_rate": float("nan"), "daily_rate": None}, "100%"),
        ({"days": float("inf"), "term_months": None}, "3650 天"),
    ],
)  # fmt: skip
def test_values_out_of_range_are_refused_with_the_limits(kb: knowledge.Knowledge, bad: dict, says: str) -> None:
    request = CalcRequest.from_slots({**LOAN, **bad})
    assert [name for name, _ in request.refused] == [name for name, value in bad.items() if value is not None]
    result = answer(kb, request)
    assert says in result.text and "确认" in result.text
    assert "每期还" not in result.text and "inf" not in result.text and "nan" not in result.text
    assert figures(kb, request) is None


def test_a_monthly_amount_that_is_no_number_is_left_out(kb: knowledge.Knowledge) -> None:
    for value in (float("inf"), float("nan")):
        request = CalcRequest.from_slots({**LOAN, "affordable_payment": value})
        assert request.affordable_payment is None and not request.refused
        assert "每期还" in answer(kb, request).text


def test_the_largest_calculation_allowed_is_quick(kb: knowledge.Knowledge) -> None:
    """360 periods of the most money at the highest annual rate, the whole table and the chart's plans: 4 s
    with exact fractions of the float rate (1/365 has 19 digits), about 0.15 s bounded.
    """
    slots = {"amount": 10_000_000.0, "annual_rate": 1.0, "daily_rate": 1 / 365, "term_months": 360.0}
    request = CalcRequest.from_slots(slots, show_table=True)
    assert not request.refused
    start = time.perf_counter()
    text, card = answer(kb, request).text, figures(kb, request)
    assert time.perf_counter() - start < 1.5
    assert f"每期还 {cents(equal_payment(10_000_000, 1 / 365, 360))} 元" in text and "第 360 期：" in text
    assert len(card["schedule"]) == 360 and card["schedule"][-1][-1] == "0.00"


def test_the_source_articles_example_is_worked_beside_the_installments(kb: knowledge.Knowledge) -> None:
    """1万 at 日息0.05% held a year is 1,825 元 (seed 000); the 12 installments beside it cost less."""
    text = answer(kb, CalcRequest(amount=10000, daily_rate=0.0005, term_months=12)).text
    assert "1,825.00" in text and "1,001.60" in text and "823.40" in text
    six = answer(kb, CalcRequest(amount=10000, daily_rate=0.0005, term_months=6)).text
    assert "180 天" in six, "months count 30 days"


def test_before_the_rate_the_installment_without_interest_is_given(kb: knowledge.Knowledge) -> None:
    # "我想分10期 每个月大概还多少" after a plan for 25,000: a figure now, the rate asked for the exact one
    text = before_rate(kb, CalcRequest(amount=25000, term_months=10))
    assert text and "25,000.00" in text and "10 期" in text and "2,500.00" in text and "不算利息" in text
    assert before_rate(kb, CalcRequest(amount=25000)) is None, "no term: nothing to divide"
    assert before_rate(kb, CalcRequest(term_months=10)) is None, "no debt: nothing to divide"
