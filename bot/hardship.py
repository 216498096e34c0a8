""""I cannot pay" with numbers: what is left each month, what monthly amount to propose, how many
installments that means for the debt, and what to say. Pure; figures from ``bot.calculator``, wording
from ``situation.hardship`` in data/knowledge/situation.yml. Never a number the user did not give or
the calculator did not compute: an unknown rate is said to be unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping

from bot import calculator as calc
from bot.knowledge import fill


@dataclass(frozen=True)
class Budget:
    income: float | None = None  # a month, take-home
    expenses: float = 0  # essential costs a month (房贷, 房租…)
    installment: float | None = None  # what one installment of the loan is now
    owed: float | None = None
    affordable: float | None = None  # what the user says they can pay a month
    daily_rate: float | None = None

    @property
    def left(self) -> float | None:
        return None if self.income is None else self.income - self.expenses

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Budget:
        daily = slots.get("daily_rate")
        if daily is None and slots.get("annual_rate") is not None:
            daily = float(calc.daily_from_annual(slots["annual_rate"]))
        return cls(
            income=slots.get("monthly_income"),
            expenses=slots.get("monthly_expenses") or 0,
            installment=slots.get("installment_payment"),
            owed=slots.get("amount"),
            affordable=slots.get("affordable_payment"),
            daily_rate=daily,
        )


def monthly_to_propose(b: Budget) -> float | None:
    """What the user can offer a month: what they said they can pay, else what is left after the
    stated costs when that is less than the installment now; None when the numbers give no amount
    (``no_offer`` says why).
    """
    if b.affordable:
        return b.affordable
    return None if no_offer(b) else b.left


def no_offer(b: Budget) -> str | None:
    """Why the numbers give no monthly amount to propose (the words in situation.hardship), or None:
    no costs told (the whole income is no offer), nothing left, or enough left for the installment now.
    """
    if b.affordable:
        return None
    if b.left is None or not b.expenses:
        return "costs_unknown"
    if b.left <= 0:
        return "no_room"
    if b.installment and b.left >= b.installment:
        return "just_enough"
    return None


def rate_used(daily_rate: float | None, assumed_rate: float) -> float:
    """The daily rate a plan is worked at: the one told, else ``assumed_rate`` (the top of the published range)."""
    return assumed_rate if daily_rate is None else daily_rate


def periods_needed(owed: float, monthly: float, daily_rate: float | None, assumed_rate: float) -> Dict[str, Any] | None:
    """Installments to pay ``owed`` at ``monthly`` a month, with interest (equal installments, 30-day periods):
    at the rate told, else at ``assumed_rate`` (the top of the published range, so that no plan proposed is one
    that interest eats: 25,000 at 300 a month never ends at 0.05% a day). None when it never ends.
    """
    daily = calc.to_fraction(rate_used(daily_rate, assumed_rate))
    n = calc.periods_for_payment(owed, daily, monthly)
    if n is None:
        return None
    s = calc.schedule(owed, daily, n, "equal_installment")
    return {"n": n, "assumed": daily_rate is None, "payment": s.first.payment, "interest": s.total_interest}


def rate_values(rate: float, owed: float) -> Dict[str, str]:
    """The rate a plan is worked at as the answer says it, and the interest of one 30-day month on ``owed``."""
    return {"daily": f"{rate * 100:g}", "month_interest": money(owed * rate * 30)}


def money(x: Any) -> str:
    """Yuan as the user reads them: 25,000 when whole, 1,456.14 otherwise."""
    value = calc.yuan(x)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def for_term(words: Mapping[str, Any], b: Budget, n: int) -> str | None:
    """The debt in ``n`` installments ("那分24期呢" after a plan): each installment, with interest at the rate
    told or at the top of the published range, beside what the user can pay a month, and what to say. None when
    the debt is unknown.
    """
    if not b.owed or n < 1:
        return None
    rate = rate_used(b.daily_rate, words["assumed_daily_rate"])
    s = calc.schedule(b.owed, calc.to_fraction(rate), n, "equal_installment")
    payment = float(s.first.payment)
    values: Dict[str, Any] = {"owed": money(b.owed), "n": n, "payment": money(payment), **rate_values(rate, b.owed)}
    values["interest"] = money(s.total_interest)
    lines = [fill(words["term_assumed" if b.daily_rate is None else "term_rate"], values)]
    capacity = monthly_to_propose(b)
    if capacity:
        values["capacity"] = money(capacity)
        if payment > capacity:
            values["gap"] = money(payment - capacity)
            lines.append(fill(words["term_too_much"], values))
            return "\n".join(lines)
        lines.append(fill(words["term_fits"], values))
    why = fill(words["why"], {"income": money(b.income)}) if b.income is not None else ""
    lines.append(fill(words["say_periods"], {**values, "monthly": values["payment"], "why": why}))
    return "\n".join(lines)


def plan(words: Mapping[str, str], b: Budget) -> str | None:
    """The plan in the user's numbers, or None when they gave no income and no monthly amount."""
    if b.income is None and not b.affordable:
        return None
    lines: List[str] = []
    values: Dict[str, Any] = {}
    if b.income is not None:
        values.update(income=money(b.income), expenses=money(b.expenses), left=money(b.left))
        lines.append(fill(words["left"] if b.expenses else words["income_only"], values))
    if b.installment:
        values["installment"] = money(b.installment)
        if b.left is not None and b.left < b.installment:
            values["gap"] = money(b.installment - b.left)
            lines.append(fill(words["short_by"], values))
    reason = no_offer(b)
    if reason:
        lines.append(fill(words[reason], values))
        if reason != "no_room":  # what to ask for without a number of our own
            why = fill(words["why"], values) if b.income else ""
            lines.append(fill(words["say_no_amount"], {"why": why}))
        return "\n".join(lines)
    monthly = monthly_to_propose(b)
    values["monthly"] = money(monthly)
    lines.append(fill(words["propose_affordable" if b.affordable else "propose"], values))
    n = None
    if b.owed:
        values["owed"] = money(b.owed)
        rate = rate_used(b.daily_rate, words["assumed_daily_rate"])
        values.update(rate_values(rate, b.owed))
        need = periods_needed(b.owed, monthly, b.daily_rate, words["assumed_daily_rate"])
        if need is None:
            lines.append(fill(words["never_assumed" if b.daily_rate is None else "never"], values))
        else:
            n = need["n"]
            values.update(n=n, interest=money(need["interest"]), payment=money(need["payment"]))
            lines.append(fill(words["periods_assumed" if need["assumed"] else "periods_rate"], values))
    else:
        lines.append(words["owed_unknown"])
    why = fill(words["why"], values) if b.income else ""
    lines.append(fill(words["say_periods" if n else "say"], {**values, "why": why}))
    return "\n".join(lines)
