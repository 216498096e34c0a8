"""Repayment plans a borrower proposes, and whether they work for their case. Pure; figures from
``bot.calculator``; used by the rehearsal's agent, its scorer and its debrief.

A plan is read from the numbers of one message as the extractor found them (``bot.entities``): so much a
month for so many installments (每月还1500分15期, 两千，分五期行吗), a down payment and the rest in
installments (先还三千剩下分十二期), a lump sum with a waiver request (一次性还一万八 罚息能不能免了), or a
deferral (先缓三个月). ``judge`` checks it against the case: does it pay off the debt with interest
within the longest term the agent will submit, and is the monthly amount within the income stated.
The limits are the simulation's (``judge:`` in data/knowledge/roleplay.yml), not WeBank's rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, fields
from typing import Any, Dict, Mapping, Sequence

from bot import calculator as calc
from bot.hardship import money

Entities = Sequence[Mapping[str, Any]]
_ROUNDING = 0.03
# Paying this much more a month than the term needs pays off sooner; a lump this far over the debt is a slip.
_OVERPAY = 1.2
# Words right before an amount that make it the debt, not a payment (我欠两万 想分十期).
_OWED_BEFORE = re.compile(
    r"(欠|借|总共|一共|剩下?|还剩|本金|欠款|贷款?)(?:你们|您们|你|微粒贷)?[了的是有约大概差不多就都还\s]*$"
)
# ... that make it what is left after a sum paid now (先还两千 剩下的一万八).
_REST_BEFORE = re.compile(r"剩(?:下|余)?的?(?:部分|钱)?(?:还有|就|是)?\s*$")


@dataclass(frozen=True)
class Case:
    """What the agent knows about the loan (from the user's words or a practice case card), and what
    the user's side of the card says (income, affordable) for a user who does not say it.
    """

    owed: float
    overdue_days: int
    daily_rate: float
    installments_left: int
    income: float | None = None
    affordable: float | None = None
    id: str = "user"
    title: str = ""
    reason: str = ""  # the card's story, told to the user (你三个月前被公司裁员…)
    reason_said: str = ""  # the same, as the user would say it (我三个月前被公司裁员…)
    history: str = ""  # what the agent's records show beyond the sums (a plan broken before, a part already paid)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Case:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    monthly: float | None = None
    installments: int | None = None
    down: float | None = None
    lump: float | None = None
    defer_days: int | None = None
    waiver: bool = False

    @property
    def concrete(self) -> bool:
        return any(v is not None for v in (self.monthly, self.installments, self.down, self.lump, self.defer_days))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Plan | None:
        return None if raw is None else cls(**{k: v for k, v in raw.items() if k in {f.name for f in fields(cls)}})

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


def _values(entities: Entities, name: str, role: str | None = None) -> list:
    return [e for e in entities if e.get("entity") == name and (e.get("role") or None) == role]


def _words_before(text: str, entity: Mapping[str, Any]) -> str:
    start = int(entity.get("start") or 0)
    return text[max(0, start - 6) : start]


def said_as_debt(text: str, entity: Mapping[str, Any]) -> bool:
    """Whether an amount is said as what is owed (我欠的是三万, 总共两万), by the words right before it."""
    return bool(_OWED_BEFORE.search(_words_before(text, entity)))


def said_as_rest(text: str, entity: Mapping[str, Any]) -> bool:
    """Whether an amount is said as what is left after a sum paid now (先还两千 剩下的一万八)."""
    return bool(_REST_BEFORE.search(_words_before(text, entity)))


def read(text: str, entities: Entities, waiver: bool = False) -> Plan | None:
    """The plan in one message (plain text and its entities), or None when it has no plan numbers."""
    # what they offer a month; else the installment named (每期两千) — but 以前每个月还两千 现在只能还八百 offers 800
    offered = _values(entities, "amount", "affordable") or _values(entities, "amount", "installment")
    monthly = [e["value"] for e in offered]
    terms = [e["value"] for e in _values(entities, "term_months")]
    down = [e["value"] for e in _values(entities, "amount", "down_payment")]
    lump = [e["value"] for e in _values(entities, "amount", "lump_sum")]
    defer = [e["value"] for e in _values(entities, "days", "deferral")]
    # 凑了一万五 … 一次性还一万五: with no installments said, the sum paid once said twice is no monthly sum too
    monthly = monthly if terms else [v for v in monthly if v not in lump + down]
    if not monthly and (terms or down):  # 两千，分五期行吗: a bare sum beside installments is the payment
        # 借了我7千 想先把这7千还进去: the same sum said again is the down payment, not the monthly one
        bare = [e for e in _values(entities, "amount") if not said_as_debt(text, e) and e["value"] not in down]
        monthly = [bare[-1]["value"]] if bare and (terms or len(bare) == 1) else []
    plan = Plan(
        monthly=float(monthly[0]) if monthly else None,
        installments=int(terms[0]) if terms else None,
        down=float(down[0]) if down else None,
        lump=float(lump[0]) if lump else None,
        defer_days=int(defer[0]) if defer else None,
        waiver=waiver,
    )
    return plan if plan.concrete else None


@dataclass(frozen=True)
class Verdict:
    """A plan judged: ``problem`` None when it works, else a key of ``judge.problems`` in roleplay.yml;
    the figures for the agent's words (the plan completed, the counter-offer) in ``values``; a workable
    plan of installments has its monthly ``payment`` as a number.
    """

    problem: str | None
    values: Dict[str, Any]
    counter: Plan | None = None
    payment: float | None = None

    @property
    def feasible(self) -> bool:
        return self.problem is None


def payment_for(owed: float, daily_rate: float, n: int) -> float:
    return float(calc.schedule(owed, calc.to_fraction(daily_rate), n, calc.EQUAL_INSTALLMENT).first.payment)


def cost(owed: float, daily_rate: float, n: int) -> float:
    return float(calc.schedule(owed, calc.to_fraction(daily_rate), n, calc.EQUAL_INSTALLMENT).total_interest)


def periods_for(owed: float, daily_rate: float, monthly: float, longest: int) -> int | None:
    return calc.periods_for_payment(owed, calc.to_fraction(daily_rate), monthly, max_periods=longest)


def judge(limits: Mapping[str, Any], case: Case, plan: Plan, income: float | None, affordable: float | None) -> Verdict:
    """Whether ``plan`` works for ``case`` given the income and affordable amount the user stated."""
    longest = int(limits["max_installments"])
    income = income if income is not None else case.income
    values: Dict[str, Any] = {"owed": money(case.owed), "longest": longest, "daily": f"{case.daily_rate * 100:g}"}
    if income is not None:
        values["income"] = money(income)
    if plan.lump is not None:
        values["lump"] = money(plan.lump)
        if plan.lump > case.owed * _OVERPAY:
            return Verdict("lump_over", values)
        if plan.lump < case.owed * float(limits["lump_sum_min_share"]):
            return Verdict("lump_short", values, counter_offer(limits, case, income, affordable, values))
        return Verdict(None, values)
    if plan.defer_days is not None and plan.monthly is None and plan.installments is None:
        values["defer_months"] = f"{plan.defer_days / 30:g}"
        values["defer_interest"] = money(
            calc.holding_interest(case.owed, calc.to_fraction(case.daily_rate), plan.defer_days)
        )
        if plan.defer_days > int(limits["max_deferral_months"]) * 30:
            values["max_defer"] = limits["max_deferral_months"]
            return Verdict("defer_too_long", values)
        return Verdict(None, values)
    rest = case.owed - (plan.down or 0)
    values["rest"] = money(rest)
    if plan.down is not None:
        values["down"] = money(plan.down)
    if rest <= 0:  # a "down payment" that pays it all (先还六千 on 6,000 owed) is a lump sum
        return judge(limits, case, Plan(lump=plan.down, waiver=plan.waiver), income, affordable)
    monthly, n = plan.monthly, plan.installments
    if n is not None and n > longest:
        values["n"] = n
        return Verdict("too_long", values, counter_offer(limits, case, income, affordable, values))
    if monthly is None and n is not None:
        monthly = payment_for(rest, case.daily_rate, n)
    if monthly is None:  # a down payment alone: the rest at what they can afford
        return Verdict("rest_open", values, counter_offer(limits, case, income, affordable, values, rest))
    values["monthly"] = money(monthly)
    if income is not None and monthly > income:
        return Verdict("over_income", values, counter_offer(limits, case, income, affordable, values, rest))
    if affordable is not None and monthly > affordable * (1 + _ROUNDING):
        values["affordable"] = money(affordable)
        return Verdict("over_affordable", values, counter_offer(limits, case, income, affordable, values, rest))
    needed = periods_for(rest, case.daily_rate, monthly, longest)
    if needed is None:
        values["min_monthly"] = money(payment_for(rest, case.daily_rate, longest))
        return Verdict("too_little", values, counter_offer(limits, case, income, affordable, values, rest))
    # A few yuan short of the exact installment is rounding, not a plan that falls short.
    if n is not None and monthly < payment_for(rest, case.daily_rate, n) * (1 - _ROUNDING):
        for_n = round(payment_for(rest, case.daily_rate, n))  # as the plan summary says it
        values.update(n=n, needed=needed, monthly_for_n=money(for_n))
        # their own term at the payment it needs, when that is within what they said they can pay (less interest
        # for them); else their own payment over the term it needs
        counter = Plan(monthly=for_n, installments=n, down=plan.down)
        if affordable is None or for_n > affordable * (1 + _ROUNDING):
            counter = Plan(monthly=monthly, installments=needed, down=plan.down)
        values.update(counter_monthly=money(counter.monthly), counter_n=counter.installments)
        return Verdict("short", values, counter)
    if n is not None and n > needed and monthly > payment_for(rest, case.daily_rate, n) * _OVERPAY:
        values["asked_n"] = n  # 每月2500分24期 on 12000: it works, in far fewer installments
        n = needed
    n = n or needed
    # the payment as agreed (每月还 1,000 元, the last one smaller), not the schedule's exact figure (957)
    exact = payment_for(rest, case.daily_rate, n)
    payment = monthly if plan.monthly is not None or abs(monthly - exact) <= exact * _ROUNDING else round(exact)
    # 先缓两个月 再每月还两千: the months deferred cost their interest too (round three's debrief left it out)
    deferred = float(calc.holding_interest(rest, calc.to_fraction(case.daily_rate), plan.defer_days or 0))
    if plan.defer_days:
        values.update(deferred_months=f"{plan.defer_days / 30:g}", deferred_interest=money(deferred))
    values.update(n=n, interest=money(cost(rest, case.daily_rate, n) + deferred), payment=money(payment))
    return Verdict(None, values, payment=payment)


def counter_offer(
    limits: Mapping[str, Any],
    case: Case,
    income: float | None,
    affordable: float | None,
    values: Dict[str, Any],
    rest: float | None = None,
) -> Plan | None:
    """The agent's counter-offer: the user's affordable amount (else a share of income) spread over as
    many installments as it takes, within the longest term; the longest term's payment if that is too
    little. Adds ``counter_monthly`` and ``counter_n`` to ``values``.
    """
    rest = case.owed if rest is None else rest
    longest = int(limits["max_installments"])
    monthly = affordable or case.affordable
    if monthly is None and income is not None:
        monthly = income * float(limits["income_share"])
    if monthly is None:
        return None
    n = periods_for(rest, case.daily_rate, monthly, longest)
    values["counter_beyond"] = n is None  # even the longest term needs more than they can pay
    if n is None:  # the longest term's payment; else what they can pay, as they said it (1,000, not 957)
        n = longest
        monthly = math.ceil(payment_for(rest, case.daily_rate, n))
    values.update(counter_monthly=money(monthly), counter_n=n)
    return Plan(monthly=monthly, installments=n)
