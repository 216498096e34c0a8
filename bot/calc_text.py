"""Calculator answers as chat text: figures from ``bot.calculator``, wording from the ``calculator:``
templates in ``data/knowledge/calculator.yml``. Pure: no Rasa, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from bot import calculator as calc
from bot import entities
from bot.knowledge import Answer, Knowledge, fill

# Schedules with more periods than this are summarised (first two and last period) unless the user
# asked for the whole table.
SUMMARY_PERIODS = 6
TABLE_PAYLOAD = '/ask_interest_calc{"calc_request":"table"}'
START_PAYLOAD = '/ask_interest_calc{"calc_request":"start"}'


@dataclass(frozen=True)
class CalcRequest:
    """What the user has told the calculator (slot values; rates as fractions of 1)."""

    amount: float | None = None
    daily_rate: float | None = None
    term_months: int | None = None
    days: int | None = None
    paid_periods: int | None = None
    affordable_payment: float | None = None
    show_table: bool = False
    # Slot values out of range (slot, reason of ``entities.implausible``), left out: said, never computed with.
    refused: Tuple[Tuple[str, str], ...] = ()

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any], show_table: bool = False) -> CalcRequest:
        """From slot values; an annual rate stands in for a missing daily one (÷365). A value out of range
        (分480期, inf, nan, 10**20), however it got into its slot, is left out and named in ``refused``.
        """
        refused_here = refused({name: slots.get(name) for name in CALC_SLOTS})
        slots = {name: value for name, value in slots.items() if name not in dict(refused_here)}
        daily = _rate(slots.get("daily_rate"))
        if daily is None and _rate(slots.get("annual_rate")) is not None:
            daily = calc.daily_from_annual(slots["annual_rate"])
        return cls(
            amount=_positive(slots.get("amount")),
            daily_rate=daily,
            term_months=_count(slots.get("term_months")),
            days=_count(slots.get("days")),
            paid_periods=_count(slots.get("paid_periods")),
            affordable_payment=_positive(slots.get("affordable_payment")),
            show_table=show_table,
            refused=refused_here,
        )


# The slots the calculator computes with.
CALC_SLOTS = ("amount", "daily_rate", "annual_rate", "term_months", "days", "paid_periods")


def refused(slots: Mapping[str, Any]) -> Tuple[Tuple[str, str], ...]:
    """The slot values out of range, as (slot, reason of ``entities.implausible``): 分480期, inf, nan, 10**20."""
    found = ((name, entities.implausible({"entity": name, "value": value})) for name, value in slots.items())
    return tuple((name, reason) for name, reason in found if reason)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float, Fraction)) and not isinstance(value, bool) and entities.finite(value)


def _positive(value: Any) -> float | None:
    return value if _number(value) and value > 0 else None


def _rate(value: Any) -> float | None:
    return value if _number(value) and value >= 0 else None


def _count(value: Any) -> int | None:
    return int(value) if _number(value) and value >= 1 else None


def limits() -> Dict[str, Any]:
    """The limits of ``entities.implausible`` as the refusals say them."""
    return {
        "max_days": entities.MAX_DAYS,
        "max_daily": pct(entities.MAX_DAILY_RATE),
        "max_annual": pct(entities.MAX_ANNUAL_RATE, 2),
        "max_amount": f"{entities.MAX_AMOUNT:,}",
        "min_periods": entities.MIN_PERIODS,
        "max_periods": entities.MAX_PERIODS,
    }


def refusal(kb: Knowledge, reason: str) -> str:
    """Why a number cannot be computed with, with the limits, and what to say instead."""
    return fill(kb.calculator["implausible"][reason], limits())


def refusals(kb: Knowledge, found: Sequence[Tuple[str, str]]) -> str:
    """The refusal of each reason in ``found`` (see ``refused``), each once."""
    return "\n\n".join(dict.fromkeys(refusal(kb, reason) for _, reason in found))


def money(x: Any) -> str:
    """Yuan to the cent, with thousands separators: 1,825.00."""
    return f"{calc.yuan(x):,.2f}"


def pct(rate: Any, places: int = 4) -> str:
    """A rate as a percentage without needless zeros: 0.0005 → 0.05, 0.1825 → 18.25."""
    text = f"{calc.percent(rate, places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def answer(kb: Knowledge, req: CalcRequest) -> Answer | None:
    """The calculator's answer, or None when there is no rate to compute with. A value out of range is
    refused, not computed around: the caller clears its slot (``req.refused``) and the user says it again.
    """
    if req.refused:
        return Answer(refusals(kb, req.refused), [start_button(kb)], ["calculator"])
    if req.daily_rate is None:
        return None
    t = kb.calculator
    daily = calc.to_fraction(req.daily_rate)
    annual = calc.annual_from_daily(daily)
    rates = {"daily": pct(daily), "annual": pct(annual, 2)}
    cap = [fill(t["cap_over"], rates)] if calc.above_cap(annual) else []
    if req.amount is None or not (req.term_months or req.days):
        effective = {"effective": f"{calc.effective_annual(daily) * 100:.2f}"}
        parts = [fill(t["rate"], rates), fill(t["effective"], effective)]
        parts += cap or [fill(t["cap_ok"], rates)]
        parts.append(t["rate_only_hint"])
        return Answer("\n\n".join(parts), [start_button(kb)], ["calculator_rate"])
    if req.term_months:
        parts, buttons = _installments(t, req, daily, rates)
    else:
        parts, buttons = _holding(t, req, daily, rates), []
    parts += cap + [t["convention"]]
    return Answer("\n\n".join(parts), buttons + kb.buttons(["negotiate_repayment"]), ["calculator"])


def before_rate(kb: Knowledge, req: CalcRequest) -> str | None:
    """While the rate is still to come ("分10期每个月多少" with the debt known): each installment without
    interest, so the user has a figure before they look the rate up; None without the debt and the term.
    """
    if not req.amount or not req.term_months:
        return None
    values = {"amount": money(req.amount), "n": req.term_months, "payment": money(req.amount / req.term_months)}
    return fill(kb.calculator["before_rate"], values)


def per_day(kb: Knowledge, amount: float, daily_rate: float) -> str:
    """A day's interest, and thirty days', on ``amount`` at the daily rate told."""
    daily = calc.to_fraction(daily_rate)
    values = {"amount": money(amount), "daily": pct(daily)}
    values["interest"] = money(calc.holding_interest(amount, daily, 1))
    values["month"] = money(calc.holding_interest(amount, daily, 30))
    return fill(kb.calculator["per_day"], values)


def implied_rate(kb: Knowledge, amount: float, paid: float, days: int) -> str | None:
    """What daily rate paying back ``paid`` for ``amount`` used ``days`` days means, or None when
    nothing was paid above the amount.
    """
    interest = calc.to_fraction(paid) - calc.to_fraction(amount)
    if interest <= 0 or days <= 0 or amount <= 0:
        return None
    daily = interest / calc.to_fraction(amount) / days
    values = {"amount": money(amount), "days": days, "paid": money(paid), "interest": money(interest)}
    values.update(daily=pct(daily), annual=pct(calc.annual_from_daily(daily), 2))
    return fill(kb.calculator["implied"], values)


def _holding(t: Mapping[str, Any], req: CalcRequest, daily: Fraction, rates: Dict[str, str]) -> List[str]:
    interest = calc.holding_interest(req.amount, daily, req.days)
    values = {**rates, "amount": money(req.amount), "days": req.days, "interest": money(interest)}
    values["total"] = money(calc.to_fraction(req.amount) + interest)
    return [fill(t["holding"], values), fill(t["holding_extension"], values)]


def _installments(
    t: Mapping[str, Any], req: CalcRequest, daily: Fraction, rates: Dict[str, str]
) -> tuple[List[str], List[Dict[str, str]]]:
    n = req.term_months
    equal = calc.schedule(req.amount, daily, n, "equal_installment")
    by_principal = calc.schedule(req.amount, daily, n, "equal_principal")
    parts = [
        fill(
            t["installment"],
            {
                **rates,
                "amount": money(req.amount),
                "n": n,
                "payment": money(equal.first.payment),
                "interest": money(equal.total_interest),
                "total": money(equal.total_paid),
                "apr": f"{equal.apr * 100:.2f}",
            },
        ),
        fill(
            t["principal_method"],
            {
                "first": money(by_principal.first.payment),
                "last": money(by_principal.last.payment),
                "interest": money(by_principal.total_interest),
                "saving": money(equal.total_interest - by_principal.total_interest),
            },
        ),
        _whole_term(t, req, daily, equal),
        _table(t, equal, whole=req.show_table),
    ]
    if req.paid_periods:  # "已还5期 能省多少利息": what paying off now saves is the answer asked for
        parts.insert(0, _early(t, equal, req.paid_periods))
    if req.affordable_payment:
        parts += _lower_payment(t, req, daily, equal)
    table = {"title": t["buttons"]["table"], "payload": TABLE_PAYLOAD}
    buttons = [] if req.show_table or n <= SUMMARY_PERIODS else [table]
    return parts, buttons


def _whole_term(t: Mapping[str, Any], req: CalcRequest, daily: Fraction, equal: calc.Schedule) -> str:
    """The whole sum held to the end and paid at once, beside the installments: the source article's
    own example (1万, 日息0.05%, a year: 1,825 元). Whole years count 365 days, months 30.
    """
    n = req.term_months
    days = 365 * n // 12 if n % 12 == 0 else 30 * n
    held = calc.holding_interest(req.amount, daily, days)
    values = {"amount": money(req.amount), "daily": pct(daily), "days": days, "interest": money(held)}
    return fill(t["whole_term"], {**values, "more": money(held - equal.total_interest)})


def _table(t: Mapping[str, Any], s: calc.Schedule, whole: bool) -> str:
    def line(p: calc.Period) -> str:
        values = {"number": p.number, "payment": money(p.payment), "principal": money(p.principal)}
        return fill(t["period"], {**values, "interest": money(p.interest), "remaining": money(p.remaining)})

    if whole or s.n <= SUMMARY_PERIODS:
        lines = [line(p) for p in s.periods]
    else:
        gap = fill(t["table_gap"], {"first": 3, "last": s.n - 1})
        lines = [line(s.periods[0]), line(s.periods[1]), gap, line(s.last)]
    return "\n".join([t["table_title"], *lines])


def _early(t: Mapping[str, Any], s: calc.Schedule, after: int) -> str:
    if after >= s.n:
        return fill(t["early_too_late"], {"n": s.n, "after": after})
    early = calc.early_repayment(s, after)
    return fill(t["early"], {"after": after, "payoff": money(early.payoff), "saving": money(early.saving)})


def _lower_payment(t: Mapping[str, Any], req: CalcRequest, daily: Fraction, base: calc.Schedule) -> List[str]:
    pay = req.affordable_payment
    if pay >= base.first.payment:
        return []  # the plan already fits what the user can pay
    n = calc.periods_for_payment(req.amount, daily, pay)
    if n is None:
        interest = calc.holding_interest(req.amount, daily, calc.DAYS_IN_MONTH)
        return [fill(t["lower_payment_never"], {"payment": money(pay), "interest": money(interest)})]
    longer = calc.compare(base, calc.schedule(req.amount, daily, n, "equal_installment"))
    values = {"payment": money(pay), "n": n, "new_payment": money(longer.other.first.payment)}
    values.update(interest=money(longer.other.total_interest), base_n=base.n, extra=money(longer.extra_interest))
    return [fill(t["lower_payment"], values)]


def lower_payment(kb: Knowledge, req: CalcRequest) -> str | None:
    """What paying only ``affordable_payment`` a month would mean for the loan already worked out
    (amount, rate and installments known), or None when that is not known or the plan already fits.
    """
    if not (req.amount and req.daily_rate is not None and req.term_months and req.affordable_payment):
        return None
    daily = calc.to_fraction(req.daily_rate)
    base = calc.schedule(req.amount, daily, req.term_months, "equal_installment")
    parts = _lower_payment(kb.calculator, req, daily, base)
    return parts[0] if parts else None


def start_button(kb: Knowledge) -> Dict[str, str]:
    """The quick reply that starts the calculator's questions."""
    return {"title": kb.calculator["buttons"]["start"], "payload": START_PAYLOAD}


# The plans the page's chart compares with the user's: these numbers of installments, and theirs.
COMPARE_PERIODS = (5, 10, 20)


def figures(kb: Knowledge, req: CalcRequest) -> Dict[str, Any] | None:
    """The calculator's figures for the page's result card (the same as the text's): the key figure,
    the whole schedule, and the monthly amount and total interest of other plans for the chart (5, 10
    and 20 installments, the user's, and the number their affordable amount would take). None when
    there is nothing to lay out (no amount, rate or term, or a value refused).
    """
    if req.refused or req.daily_rate is None or req.amount is None or not (req.term_months or req.days):
        return None
    words = kb.calculator["card"]
    daily = calc.to_fraction(req.daily_rate)
    # What was worked out, said again on the card: a follow-up (那分6期呢) redraws it with the new number.
    given = {"amount": money(req.amount).removesuffix(".00"), "daily": f"{req.daily_rate * 100:g}"}
    given.update(n=req.term_months, days=req.days)
    inputs = fill(words["inputs_term" if req.term_months else "inputs_days"], given)
    if not req.term_months:
        interest = calc.holding_interest(req.amount, daily, req.days)
        key = {"label": fill(words["holding"], {"days": req.days}), "value": money(interest)}
        return {"inputs": inputs, "key": key, "facts": [], "columns": [], "schedule": [], "compare": []}
    equal = calc.schedule(req.amount, daily, req.term_months, "equal_installment")
    periods = set(COMPARE_PERIODS) | {req.term_months}
    if req.affordable_payment:
        fitting = calc.periods_for_payment(req.amount, daily, req.affordable_payment)
        periods |= {fitting} if fitting else set()
    compare = []
    for n in sorted(periods):
        s = calc.schedule(req.amount, daily, n, "equal_installment")
        compare.append(
            {
                "periods": n,
                "monthly": float(calc.yuan(s.first.payment)),
                "interest": float(calc.yuan(s.total_interest)),
                "yours": n == req.term_months,
            }
        )
    return {
        "inputs": inputs,
        "key": {"label": words["payment"], "value": money(equal.first.payment)},
        "facts": [
            {"label": words["interest"], "value": money(equal.total_interest)},
            {"label": words["total"], "value": money(equal.total_paid)},
            {"label": words["apr"], "value": f"{equal.apr * 100:.2f}%"},
        ],
        "columns": words["columns"],
        "chart": {k: v for k, v in words.items() if k.startswith("chart_")},
        "schedule": [
            [p.number, money(p.payment), money(p.principal), money(p.interest), money(p.remaining)]
            for p in equal.periods
        ],
        "compare": compare,
    }
