"""The loan calculator against figures worked out here independently.

Expected values come from closed-form formulas written in this file, or from a day-by-day simulation of the
loan, never from the calculator's own output.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Callable, List, Sequence, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calculator import (
    FINEST,
    RATE_CAP,
    Schedule,
    above_cap,
    annual_from_daily,
    apr,
    compare,
    daily_from_annual,
    early_repayment,
    effective_annual,
    extension_cost,
    holding_interest,
    percent,
    period_days_from_dates,
    periods_for_payment,
    schedule,
    to_fraction,
    yuan,
)

DAILY = Fraction(5, 10_000)  # 0.05% a day, the usual 微粒贷 quote
Row = Tuple[Fraction, Fraction, Fraction, Fraction]  # payment, principal part, interest, remaining


def simulate(principal: Fraction, daily: Fraction, days: Sequence[int], payment: Fraction | None) -> List[Row]:
    """Walk the loan day by day: each day adds remaining * daily to the period's interest; at the end of the
    period the payment settles that interest first and the rest repays principal. With ``payment`` None the
    principal part is principal / n (等额本金), otherwise the payment is constant (等额本息).
    """
    remaining, rows = principal, []
    for t in days:
        interest = Fraction(0)
        for _ in range(t):
            interest += remaining * daily
        part = principal / len(days) if payment is None else payment - interest
        remaining -= part
        rows.append((part + interest, part, interest, remaining))
    return rows


def annuity(principal: Fraction, r: Fraction, n: int) -> Fraction:
    """The textbook equal installment L r (1+r)^n / ((1+r)^n - 1), exact."""
    growth = (1 + r) ** n
    return principal * r * growth / (growth - 1)


def annuity_float(principal: float, r: float, n: int) -> float:
    growth = (1 + r) ** n
    return principal * r * growth / (growth - 1)


def rows_of(s: Schedule) -> List[Row]:
    return [(p.payment, p.principal, p.interest, p.remaining) for p in s.periods]


def in_yuan(rows: List[Row]) -> List[Tuple[Decimal, ...]]:
    return [tuple(yuan(x) for x in row) for row in rows]


# --- rates and amounts --------------------------------------------------------------------------------------


def test_holding_ten_thousand_for_a_year() -> None:
    assert holding_interest(10_000, 0.0005, 365) == 1825
    assert str(yuan(holding_interest(10_000, "0.0005", 365))) == "1825.00"
    assert yuan(holding_interest(20_000, Decimal("0.0004"), 15)) == Decimal("120.00")


def test_daily_and_annual_rates() -> None:
    assert annual_from_daily(0.0005) == Fraction("0.1825")
    assert daily_from_annual(0.1825) == Fraction(1, 2000)
    assert daily_from_annual(annual_from_daily("0.00035")) == Fraction(35, 100_000)
    assert percent(annual_from_daily(0.0005)) == Decimal("18.25")
    assert percent(0.0005, 3) == Decimal("0.050")


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.0005, Fraction(1, 2000)),
        ("0.0005", Fraction(1, 2000)),
        (" 1/2000 ", Fraction(1, 2000)),
        (Decimal("0.0005"), Fraction(1, 2000)),
        (Fraction(1, 2000), Fraction(1, 2000)),
        (10_000, Fraction(10_000)),
        (0.1, Fraction(1, 10)),  # not 3602879701896397/36028797018963968
        (1e-05, Fraction(1, 100_000)),
    ],
)
def test_to_fraction_is_exact(value: object, expected: Fraction) -> None:
    assert to_fraction(value) == expected


@pytest.mark.parametrize("value", [None, True, [1], 1j])
def test_to_fraction_rejects_non_numbers(value: object) -> None:
    with pytest.raises(TypeError):
        to_fraction(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (Fraction(1, 200), "0.01"),  # exactly half a fen rounds up
        (Fraction(1, 3), "0.33"),
        ("2.345", "2.35"),
        (2.675, "2.68"),  # the float 2.675 is just below 2.675, but it is read as the decimal it prints as
        (-0.005, "-0.01"),  # half away from zero
        (0, "0.00"),
        (1825, "1825.00"),
    ],
)
def test_yuan_rounds_half_up(value: object, expected: str) -> None:
    assert str(yuan(value)) == expected


def test_effective_annual() -> None:
    expected = math.expm1(365 / 30 * math.log1p(30 * 0.0005))  # about 19.86%
    assert effective_annual(0.0005) == pytest.approx(expected, rel=1e-12)
    assert 0.1985 < effective_annual(0.0005) < 0.1987
    assert effective_annual(0.0005, 1) == pytest.approx(math.expm1(365 * math.log1p(0.0005)), rel=1e-12)
    assert effective_annual(0) == 0


@pytest.mark.parametrize(
    "annual, expected",
    [
        (0.1825, False),
        ("0.24", False),
        (RATE_CAP, False),
        ("0.2401", True),
        (annual_from_daily(0.0007), True),
    ],
)
def test_above_cap(annual: object, expected: bool) -> None:
    assert above_cap(annual) is expected


def test_extension_cost() -> None:
    assert extension_cost(5000, 0.0005, 7) == Fraction(35, 2)
    assert yuan(extension_cost("3000.50", "0.0004", 10)) == Decimal("12.00")  # 12.002
    assert extension_cost(5000, 0.0005, 0) == 0


# --- schedules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, payment, interest", [(10, "1084.34", "843.42"), (20, "582.46", "1649.15")])
def test_equal_installment_matches_closed_form_and_simulation(n: int, payment: str, interest: str) -> None:
    s = schedule(10_000, 0.0005, n)
    exact = annuity(Fraction(10_000), 30 * DAILY, n)
    assert all(p.payment == exact for p in s.periods)
    assert float(exact) == pytest.approx(annuity_float(10_000, 0.015, n), rel=1e-12)
    assert yuan(s.first.payment) == Decimal(payment)
    assert yuan(s.total_interest) == yuan(n * annuity_float(10_000, 0.015, n) - 10_000) == Decimal(interest)

    simulated = simulate(Fraction(10_000), DAILY, [30] * n, exact)
    assert simulated[-1][3] == 0  # the closed-form payment really clears the loan
    assert rows_of(s) == simulated
    assert in_yuan(rows_of(s)) == in_yuan(simulated)


def test_equal_principal_matches_simulation() -> None:
    s = schedule(10_000, 0.0005, 10, method="equal_principal")
    assert rows_of(s) == simulate(Fraction(10_000), DAILY, [30] * 10, None)
    assert s.total_interest == 10_000 * Fraction(15, 1000) * (10 + 1) / 2  # L r (n+1) / 2
    assert (yuan(s.first.payment), yuan(s.last.payment)) == (Decimal("1150.00"), Decimal("1015.00"))


def test_unequal_periods_match_simulation() -> None:
    days = [29, 31, 30, 31, 30, 31]
    s = schedule(8000, DAILY, 6, period_days=days)
    growth = [1 + DAILY * t for t in days]
    # P = L * prod(g) / sum_k prod_{j>k} g_j: what "nothing remains after the last period" solves to
    expected = 8000 * math.prod(growth) / sum(math.prod(growth[k + 1 :]) for k in range(6))
    simulated = simulate(Fraction(8000), DAILY, days, expected)
    assert simulated[-1][3] == 0
    assert rows_of(s) == simulated
    assert [p.days for p in s.periods] == days
    assert rows_of(schedule(8000, DAILY, 6, "equal_principal", days)) == simulate(Fraction(8000), DAILY, days, None)
    assert schedule(8000, DAILY, 6, period_days=[30] * 6) == schedule(8000, DAILY, 6)


def test_zero_rate() -> None:
    for method in ("equal_installment", "equal_principal"):
        s = schedule(10_000, 0, 3, method)
        assert [p.payment for p in s.periods] == [Fraction(10_000, 3)] * 3
        assert s.total_interest == 0 and s.last.remaining == 0
        assert yuan(s.first.payment) == Decimal("3333.33")
        assert apr(s) == 0


@pytest.mark.parametrize(
    "rate", [Fraction(1, 2000), 0.0005, "0.0005", Decimal("0.0005"), daily_from_annual(0.1825), "1/2000"]
)
def test_every_rate_form_gives_the_same_schedule(rate: object) -> None:
    expected = schedule(Fraction(12_000), Fraction(1, 2000), 12)
    assert schedule(12_000, rate, 12) == expected
    assert schedule("12000.00", rate, 12) == expected


def test_apr_is_the_annual_rate_and_rises_with_fees() -> None:
    s = schedule(10_000, 0.0005, 12)
    assert apr(s) == pytest.approx(0.1825, abs=1e-12)
    assert s.apr == apr(s)
    with_fee = replace(s, periods=tuple(replace(p, payment=p.payment + 10) for p in s.periods))
    rate = apr(with_fee)
    assert rate > 0.1825 + 0.01
    # discounting at that rate gives back the principal
    value, factor = 0.0, 1.0
    for p in with_fee.periods:
        factor *= 1 + rate * p.days / 365
        value += float(p.payment) / factor
    assert value == pytest.approx(10_000, abs=1e-6)


def test_early_repayment() -> None:
    n, after = 12, 4
    s = schedule(10_000, 0.0005, n)
    r, payment = Fraction(15, 1000), annuity(Fraction(10_000), Fraction(15, 1000), n)
    simulated = simulate(Fraction(10_000), DAILY, [30] * n, payment)
    early = early_repayment(s, after)
    assert early.after == after
    assert early.saving == sum(row[2] for row in simulated[after:])
    assert early.interest_paid == sum(row[2] for row in simulated[:after])
    # remaining after k payments: L (1+r)^k - P ((1+r)^k - 1) / r
    assert early.payoff == 10_000 * (1 + r) ** after - payment * ((1 + r) ** after - 1) / r
    assert early_repayment(s, 0).payoff == 10_000 and early_repayment(s, 0).saving == s.total_interest


def test_compare_plans() -> None:
    ten, twenty = schedule(10_000, 0.0005, 10), schedule(10_000, 0.0005, 20)
    result = compare(ten, twenty)
    p10, p20 = (
        annuity(Fraction(10_000), Fraction(15, 1000), 10),
        annuity(Fraction(10_000), Fraction(15, 1000), 20),
    )
    assert result.extra_interest == 20 * p20 - 10 * p10
    assert result.payment_change == p20 - p10
    assert (yuan(result.extra_interest), yuan(result.payment_change)) == (
        Decimal("805.73"),
        Decimal("-501.88"),
    )
    assert compare(ten, schedule(10_000, 0.0005, 10, "equal_principal")).extra_interest < 0


def first_fitting(principal: int, daily: float, payment: float, limit: int) -> int | None:
    """Brute force: the first n whose textbook installment fits the payment (exact: 10150 is a boundary)."""
    r, amount = 30 * Fraction(str(daily)), Fraction(str(payment))
    for n in range(1, limit + 1):
        if (Fraction(principal, n) if r == 0 else annuity(Fraction(principal), r, n)) <= amount:
            return n
    return None


@pytest.mark.parametrize(
    "principal, daily, payment, max_periods, expected",
    [
        (10_000, 0.0005, 1100, 600, 10),
        (10_000, 0.0005, 1084.35, 600, 10),
        (10_000, 0.0005, 1084.34, 600, 11),  # the 10-period installment is 1084.3418
        (10_000, 0.0005, 10_150, 600, 1),  # principal plus one period's interest, exactly
        (10_000, 0.0005, 50_000, 600, 1),
        (10_000, 0, 3000, 600, 4),
        (10_000, 0, 2500, 600, 4),
        (10_000, 0.0005, 150.01, 1000, 646),  # (1.015)^n >= 150.01 / 0.01
        (10_000, 0.0005, 150.01, 600, None),  # would take more than 600 periods
        (10_000, 0.0005, 150, 600, None),  # only the interest: never paid off
        (10_000, 0.0005, 100, 600, None),
        (10_000, 0, 0, 600, None),
    ],
)
def test_periods_for_payment(
    principal: int, daily: float, payment: float, max_periods: int, expected: int | None
) -> None:
    assert periods_for_payment(principal, daily, payment, max_periods=max_periods) == expected
    if payment > principal * daily * 30:
        assert first_fitting(principal, daily, payment, max_periods) == expected


@pytest.mark.parametrize(
    "start, periods, expected",
    [
        # Feb 29 (leap year), Mar 31, Apr 30, May 31, Jun 30, Jul 31: the day 31 comes back when it can
        (datetime.date(2024, 1, 31), 6, [29, 31, 30, 31, 30, 31]),
        (datetime.date(2023, 1, 31), 3, [28, 31, 30]),  # Feb 28, Mar 31, Apr 30
        (datetime.date(2023, 12, 15), 3, [31, 31, 29]),  # Jan 15, Feb 15, Mar 15 across the new year
        (datetime.date(2024, 12, 15), 3, [31, 31, 28]),  # the same, into a common year
        (datetime.date(2024, 3, 31), 2, [30, 31]),  # Apr 30, May 31
        (datetime.date(2024, 5, 10), 1, [31]),
    ],
)
def test_period_days_from_dates(start: datetime.date, periods: int, expected: List[int]) -> None:
    assert period_days_from_dates(start, periods) == expected


def test_period_days_add_up_to_the_last_due_date() -> None:
    assert (
        sum(period_days_from_dates(datetime.date(2024, 1, 31), 12))
        == (datetime.date(2025, 1, 31) - datetime.date(2024, 1, 31)).days
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: schedule(0, 0.0005, 10),
        lambda: schedule(-100, 0.0005, 10),
        lambda: schedule(10_000, 0.0005, 0),
        lambda: schedule(10_000, -0.0001, 10),
        lambda: schedule(10_000, 0.0005, 3, period_days=[30, 30]),
        lambda: schedule(10_000, 0.0005, 2, period_days=[30, 0]),
        lambda: schedule(10_000, 0.0005, 3, method="balloon"),
        lambda: early_repayment(schedule(10_000, 0.0005, 3), 3),
        lambda: early_repayment(schedule(10_000, 0.0005, 3), -1),
        lambda: period_days_from_dates(datetime.date(2024, 1, 1), 0),
        lambda: periods_for_payment(0, 0.0005, 100),
        lambda: holding_interest(10_000, 0.0005, -1),
        lambda: to_fraction("abc"),
        lambda: to_fraction(float("nan")),
    ],
)
def test_invalid_input_is_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


# --- properties ---------------------------------------------------------------------------------------------

principals = st.one_of(
    st.integers(100, 200_000).map(Fraction),  # whole yuan
    st.integers(100_00, 200_000_00).map(lambda fen: Fraction(fen, 100)),  # yuan and fen
)
daily_rates = st.integers(0, 10_000).map(lambda k: Fraction(k, 10_000_000))  # 0 .. 0.1% a day
period_counts = st.integers(1, 36)
methods = st.sampled_from(["equal_installment", "equal_principal"])
quick = settings(max_examples=150, deadline=None)


@quick
@given(principals, daily_rates, period_counts, methods)
def test_schedule_adds_up(principal: Fraction, daily: Fraction, n: int, method: str) -> None:
    s = schedule(principal, daily, n, method)
    assert s.n == n
    assert s.total_paid == principal + s.total_interest
    assert s.last.remaining == 0
    assert sum(p.principal for p in s.periods) == principal
    assert all(p.payment == p.principal + p.interest for p in s.periods)
    if method == "equal_installment":
        assert len({p.payment for p in s.periods}) == 1


@quick
@given(principals, daily_rates, period_counts)
def test_equal_principal_never_costs_more(principal: Fraction, daily: Fraction, n: int) -> None:
    installment = schedule(principal, daily, n, "equal_installment")
    assert schedule(principal, daily, n, "equal_principal").total_interest <= installment.total_interest


@quick
@given(principals, daily_rates, period_counts, methods)
def test_apr_is_the_nominal_annual_rate(principal: Fraction, daily: Fraction, n: int, method: str) -> None:
    rate = apr(schedule(principal, daily, n, method))
    assert rate >= annual_from_daily(daily) - 1e-9
    assert rate == pytest.approx(float(annual_from_daily(daily)), abs=1e-9)


@quick
@given(principals, daily_rates, period_counts, methods, st.data())
def test_early_repayment_settles_the_principal(
    principal: Fraction, daily: Fraction, n: int, method: str, data: st.DataObject
) -> None:
    s = schedule(principal, daily, n, method)
    after = data.draw(st.integers(0, n - 1))
    early = early_repayment(s, after)
    assert early.payoff + sum(p.principal for p in s.periods[:after]) == principal
    assert early.interest_paid + early.saving == s.total_interest


@settings(max_examples=40, deadline=None)
@given(
    principals,
    daily_rates,
    st.integers(1, 12),
    methods,
    st.lists(st.integers(28, 31), min_size=12, max_size=12),
)
def test_schedule_matches_day_by_day_simulation(
    principal: Fraction, daily: Fraction, n: int, method: str, days: List[int]
) -> None:
    s = schedule(principal, daily, n, method, days[:n])
    simulated = simulate(principal, daily, days[:n], s.first.payment if method == "equal_installment" else None)
    assert simulated[-1][3] == 0
    assert rows_of(s) == simulated


# --- long schedules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("principal, daily", [(25_000, 0.24 / 365), (10_000_000, 1 / 365), (10_000_000, 0.0099)])
def test_long_schedules_are_bounded_and_the_same_to_the_fen(principal: int, daily: float) -> None:
    """360 periods at a rate read from a float (0.24/365 = 0.0006575342465753425): exact fractions would grow
    to thousands of digits, so ``schedule`` rounds them far below the fen; what is shown stays the textbook's.
    """
    n, r = 360, 30 * to_fraction(daily)
    payment, remaining, expected = annuity(Fraction(principal), r, n), Fraction(principal), []
    for _ in range(n):  # the textbook schedule, exact
        interest = remaining * r
        remaining -= payment - interest
        expected.append((payment, payment - interest, interest, remaining))
    s = schedule(principal, daily, n)
    assert in_yuan(rows_of(s)) == in_yuan(expected)
    assert s.last.remaining == 0 and sum(p.principal for p in s.periods) == principal
    assert len({p.payment for p in s.periods}) == 1
    assert all(p.payment == p.principal + p.interest for p in s.periods)
    # the installment's denominator times FINEST's: about 400 digits however long, not thousands
    assert max(p.remaining.denominator for p in s.periods) < FINEST**2 * 10**50
