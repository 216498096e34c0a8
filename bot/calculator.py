"""Interest and repayment calculator for 微粒贷 loans: what a loan costs, per period and in total.

Conventions, the same as the lender's published examples:

- interest accrues daily and simply (it is never compounded) on the principal still owed;
- one repayment period (a "month") counts as ``DAYS_IN_MONTH`` = 30 days, unless the actual period
  lengths in days are given (see ``period_days_from_dates``); a year is ``DAYS_IN_YEAR`` = 365 days;
- all arithmetic is with ``fractions.Fraction``, exact until a number needs a denominator beyond
  ``FINEST`` (a long schedule, a rate read from a float), then rounded to 1/FINEST 元; amounts are rounded
  to 0.01 元 (ROUND_HALF_UP) only when presented, by ``yuan``, so rounding never shows in a figure.

Rates and amounts are accepted as int, str, Decimal, Fraction or float (a float is read by its repr, so
0.0005 means exactly 1/2000). Pure: standard library only, nothing happens on import.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Iterator, List, Sequence, Tuple, Union

Number = Union[int, float, str, Decimal, Fraction]

DAYS_IN_MONTH = 30
DAYS_IN_YEAR = 365
# The annual rate the source articles name as the regulatory reference line.
RATE_CAP = Fraction(24, 100)

# Exact fractions gain the rate's denominator every period: 25000 at 0.24/365 a day read from a float
# (0.0006575342465753425) over 360 periods needs numbers of thousands of digits, seconds of work. Past this
# denominator a value is rounded to it: 1e-200 元 is far below the fen shown, and short schedules at the
# usual rates (the tests' closed forms and day-by-day simulations) never reach it, so they stay exact.
FINEST = 10**200

EQUAL_INSTALLMENT = "equal_installment"  # 等额本息: the same payment every period
EQUAL_PRINCIPAL = "equal_principal"  # 等额本金: the same principal part every period
_METHODS = (EQUAL_INSTALLMENT, EQUAL_PRINCIPAL)


def to_fraction(x: Number) -> Fraction:
    """The exact value of ``x``; a float is read by its repr, so 0.0005 is 1/2000, not a binary neighbour."""
    if isinstance(x, bool) or not isinstance(x, (int, float, str, Decimal, Fraction)):
        raise TypeError(f"expected a number or a numeric string, got {type(x).__name__}")
    if isinstance(x, float):
        x = repr(x)
    try:
        return Fraction(x.strip() if isinstance(x, str) else x)
    except (ValueError, ZeroDivisionError) as error:
        raise ValueError(f"not a finite number: {x!r}") from error


def _round_half_up(x: Number, places: int) -> Decimal:
    """``x`` rounded to ``places`` decimals, halves away from zero, computed exactly on the Fraction."""
    value = to_fraction(x)
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if value < 0 else whole).scaleb(-places)


def yuan(x: Number) -> Decimal:
    """An amount as it is shown and paid: to the fen (0.01 元), half up."""
    return _round_half_up(x, 2)


def percent(x: Number, places: int = 2) -> Decimal:
    """A rate as a percentage for display: 0.1825 -> Decimal('18.25')."""
    return _round_half_up(to_fraction(x) * 100, places)


def annual_from_daily(daily: Number) -> Fraction:
    """The nominal annual rate of a daily rate (simple interest, 365-day year)."""
    return to_fraction(daily) * DAYS_IN_YEAR


def daily_from_annual(annual: Number) -> Fraction:
    """The daily rate of a nominal annual rate (simple interest, 365-day year)."""
    return to_fraction(annual) / DAYS_IN_YEAR


def effective_annual(daily: Number, period_days: int = DAYS_IN_MONTH) -> float:
    """What the rate would amount to in a year if each period's interest were reinvested at the same rate."""
    return float((1 + to_fraction(daily) * period_days) ** (DAYS_IN_YEAR / period_days) - 1)


def above_cap(annual: Number) -> bool:
    """Whether an annual rate is above the 24% reference line (exactly 24% is not above it)."""
    return to_fraction(annual) > RATE_CAP


def holding_interest(principal: Number, daily: Number, days: int) -> Fraction:
    """Interest for keeping the whole ``principal`` for ``days`` days without repaying any of it."""
    principal, daily = to_fraction(principal), to_fraction(daily)
    if principal < 0 or daily < 0 or days < 0:
        raise ValueError("principal, daily rate and days must not be negative")
    return principal * daily * days


def extension_cost(remaining: Number, daily: Number, extra_days: int) -> Fraction:
    """Extra interest for keeping ``remaining`` ``extra_days`` days longer: simple interest, as on any day."""
    return holding_interest(remaining, daily, extra_days)


def _bounded(x: Fraction) -> Fraction:
    """``x``, or ``x`` to the nearest 1/FINEST when its denominator is larger (see ``FINEST``)."""
    if x.denominator <= FINEST:
        return x
    return Fraction(round(x * FINEST), FINEST)


def _growth(rate: Fraction | float, days: Iterable[int]) -> Iterator[Fraction | float]:
    """Running products C_k = (1 + rate*t_1)...(1 + rate*t_k) of the periods' growth factors.

    C_k is what 1 元 owed becomes by the k-th due date when each period's interest is settled at its end.
    A Fraction (bounded, see ``FINEST``) for a Fraction rate, a float for a float rate.
    """
    if isinstance(rate, float):
        growth = 1.0
        for t in days:
            growth *= 1 + rate * t
            yield growth
        return
    product = Fraction(1)
    for t in days:
        product = _bounded(product * (1 + rate * t))
        yield product


def _discounts(rate: Fraction, days: Iterable[int]) -> Iterator[Fraction]:
    """Running sums D_k = 1/C_1 + ... + 1/C_k: the loan k equal installments of 1 元 repay (bounded)."""
    total = Fraction(0)
    for c in _growth(rate, days):
        total = _bounded(total + 1 / c)
        yield total


@dataclass(frozen=True)
class Period:
    number: int  # 1-based
    days: int
    payment: Fraction
    principal: Fraction  # principal part of the payment
    interest: Fraction
    remaining: Fraction  # principal left after this payment


@dataclass(frozen=True)
class Schedule:
    method: str  # EQUAL_INSTALLMENT (等额本息) or EQUAL_PRINCIPAL (等额本金)
    principal: Fraction
    daily_rate: Fraction
    periods: Tuple[Period, ...]

    @property
    def n(self) -> int:
        return len(self.periods)

    @property
    def total_interest(self) -> Fraction:
        return sum((p.interest for p in self.periods), Fraction(0))

    @property
    def total_paid(self) -> Fraction:
        return sum((p.payment for p in self.periods), Fraction(0))

    @property
    def apr(self) -> float:
        return apr(self)

    @property
    def first(self) -> Period:
        return self.periods[0]

    @property
    def last(self) -> Period:
        return self.periods[-1]


def _loan_terms(principal: Number, daily: Number) -> Tuple[Fraction, Fraction]:
    """Principal and daily rate as Fractions, rejecting values no loan can have."""
    principal, daily = to_fraction(principal), to_fraction(daily)
    if principal <= 0:
        raise ValueError(f"principal must be positive, got {principal}")
    if daily < 0:
        raise ValueError(f"daily rate must not be negative, got {daily}")
    return principal, daily


def schedule(
    principal: Number,
    daily_rate: Number,
    periods: int,
    method: str = EQUAL_INSTALLMENT,
    period_days: Sequence[int] | None = None,
) -> Schedule:
    """The repayment plan, period by period, with each period's interest = remaining * daily_rate * its days.

    For equal installments the constant payment P leaves exactly nothing owed after the last period:
    P = L / sum_k 1/C_k with C_k the running product of (1 + daily*t_j), j <= k. This is the same as
    L * prod(g) / sum_k prod_{j>k} g_j, and for equal 30-day periods the usual L r (1+r)^n / ((1+r)^n - 1).
    """
    loan, daily = _loan_terms(principal, daily_rate)
    if periods < 1:
        raise ValueError(f"periods must be at least 1, got {periods}")
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}, expected one of {', '.join(_METHODS)}")
    days = [DAYS_IN_MONTH] * periods if period_days is None else list(period_days)
    if len(days) != periods:
        raise ValueError(f"{len(days)} period lengths given for {periods} periods")
    if any(t < 1 for t in days):
        raise ValueError(f"every period must last at least one day, got {days}")

    *_, discount = _discounts(daily, days)
    installment = loan / discount
    remaining = loan
    rows = []
    for number, t in enumerate(days, start=1):
        interest = _bounded(remaining * daily * t)
        if number < periods:
            part = installment - interest if method == EQUAL_INSTALLMENT else loan / periods
        else:  # the last payment clears exactly what is left
            part = remaining
            if method == EQUAL_INSTALLMENT:
                # The same payment as every other: exactly the period's interest when nothing was rounded,
                # within the rounding (far below the fen) when something was.
                interest = installment - part
        remaining -= part
        rows.append(Period(number, t, part + interest, part, interest, remaining))
    return Schedule(method, loan, daily, tuple(rows))


def _add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, or that month's last day if it is shorter."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(start.day, last_day))


def period_days_from_dates(start: datetime.date, periods: int) -> List[int]:
    """Actual lengths in days of the periods between monthly due dates, for ``schedule(period_days=...)``.

    Each due date is counted from ``start`` (not from the previous due date), so a loan taken on Jan 31 is
    due on Feb 28/29 and then on Mar 31 again.
    """
    if periods < 1:
        raise ValueError(f"periods must be at least 1, got {periods}")
    dates = [_add_months(start, k) for k in range(periods + 1)]
    return [(later - earlier).days for earlier, later in zip(dates, dates[1:], strict=False)]


def apr(s: Schedule) -> float:
    """The annual rate (365-day year) at which the payments are worth exactly the principal.

    Interest is simple within a period and compounds at each payment, so the answer equals 365 * daily_rate
    for the plans ``schedule`` makes, and is higher when the payments are (fees, for instance).
    """
    excess = s.total_paid - s.principal
    if excess == 0:
        return 0.0
    if excess < 0:
        raise ValueError("the payments do not even cover the principal")
    payments = [float(p.payment) for p in s.periods]
    days = [p.days for p in s.periods]
    principal = float(s.principal)

    def surplus(annual: float) -> float:  # decreases as the rate rises
        return sum(p / c for p, c in zip(payments, _growth(annual / DAYS_IN_YEAR, days), strict=True)) - principal

    low, high = 0.0, 1.0
    while surplus(high) > 0:
        low, high = high, 2 * high
    while high - low > 1e-12 * max(1.0, high):  # relative beyond 100%, where floats are coarser than 1e-12
        middle = (low + high) / 2
        if surplus(middle) > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass(frozen=True)
class EarlyRepayment:
    after: int  # periods paid on schedule before repaying everything
    payoff: Fraction  # owed at that moment: the remaining principal (interest only for days used; no penalty)
    interest_paid: Fraction  # interest paid in the first `after` periods
    saving: Fraction  # scheduled interest of periods after+1..n that is no longer owed


def early_repayment(s: Schedule, after: int) -> EarlyRepayment:
    """Repaying everything on the due date of period ``after`` (0 = right after borrowing).

    Interest is only charged for the days the money was used, so the payoff is the principal still owed and
    all later interest is saved.
    """
    if not 0 <= after < s.n:
        raise ValueError(f"after must be between 0 and {s.n - 1}, got {after}")
    paid, left = s.periods[:after], s.periods[after:]
    return EarlyRepayment(
        after=after,
        payoff=paid[-1].remaining if paid else s.principal,
        interest_paid=sum((p.interest for p in paid), Fraction(0)),
        saving=sum((p.interest for p in left), Fraction(0)),
    )


def periods_for_payment(
    principal: Number,
    daily: Number,
    payment: Number,
    period_days: int = DAYS_IN_MONTH,
    max_periods: int = 600,
) -> int | None:
    """The fewest equal installments whose payment is at most ``payment``.

    None if ``payment`` does not exceed the first period's interest (the loan would never be paid off) or
    more than ``max_periods`` would be needed.
    """
    loan, rate = _loan_terms(principal, daily)
    payment = to_fraction(payment)
    if payment <= loan * rate * period_days:
        return None
    # The installment for n periods is loan / D_n (see ``schedule``), which falls as n grows.
    for n, discount in enumerate(_discounts(rate, [period_days] * max_periods), start=1):
        if loan <= payment * discount:
            return n
    return None


@dataclass(frozen=True)
class PlanComparison:
    base: Schedule
    other: Schedule
    extra_interest: Fraction  # other.total_interest - base.total_interest (negative = cheaper)
    payment_change: Fraction  # other first payment - base first payment


def compare(base: Schedule, other: Schedule) -> PlanComparison:
    """How much more (or less) interest ``other`` costs than ``base``, and how its first payment differs."""
    return PlanComparison(
        base=base,
        other=other,
        extra_interest=other.total_interest - base.total_interest,
        payment_change=other.first.payment - base.first.payment,
    )
