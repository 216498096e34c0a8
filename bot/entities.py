"""Find and normalise the numbers a borrower mentions: amounts, overdue days, rates, loan terms, and
the reason they cannot pay. Pure functions over normalised text (see ``bot.text.normalise``).

Values are normalised: 两万五 → 25000, 1.5万 → 15000, 三个月 (overdue) → 90 days, 万分之五 and
0.05% → 0.0005 a day, 年化18% → 0.18, 分12期 → 12 months, 还了3期 (before repaying early) → 3 periods
paid. Amounts carry a role when the words
before them say what they are: ``income`` (月收入三千), ``affordable`` (每个月能还一千), otherwise
none (the amount owed or borrowed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence, Union

Value = Union[int, float, str]


@dataclass(frozen=True)
class Entity:
    """One entity found in a text: ``text[start:end]`` is what the user wrote."""

    entity: str
    value: Value
    start: int
    end: int
    role: str | None = None


_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点"
# Arabic numbers, possibly with Chinese magnitudes (1.5万, 2万5千), or Chinese numerals (两万五).
NUMBER = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?(?:[万千百][\d零一二两三四五六七八九]*)*|[{_CN_DIGITS}]+)"
_CLAUSE_BREAK = re.compile(r"[，。！？,.!?;；\n]")

_AMOUNT = re.compile(
    rf"(?P<num>{NUMBER})(?![\d{_CN_DIGITS}])\s*(?P<unit>万|w|千|k)?\s*(?P<cur>元|块钱|块|rmb|人民币)?"
    r"(?!\s*(?:多\s*(?:天|日|周|星期|个|月|年|期)|天|日|周|星期|个|月|年|期|%|厘|分之))"
)
_DURATION = re.compile(rf"(?P<num>{NUMBER}|半)\s*(?P<more>多)?\s*(?P<unit>天|日|周|星期|个多月|个月|月|年|期)")
_RATE_FRACTION = re.compile(rf"(?P<base>万|千)分之\s*(?P<num>{NUMBER})")
_RATE_PERCENT = re.compile(rf"(?:(?P<num>\d+(?:\.\d+)?)\s*%|百分之\s*(?P<cnum>{NUMBER}))")
_RATE_LI = re.compile(rf"(?P<per>日息|日利率|日利息|每天|一天)\s*(?P<num>{NUMBER})\s*厘")

# Words right before a bare number that make it an amount of money.
_MONEY_CUE = re.compile(
    r"(欠|借|还|收入|工资|月薪|薪水|本金|额度|贷款|贷|共|总共|一共|大概|差不多|剩|剩下|月供|赚|挣|到手)\s*了?\s*$"
)
_INCOME_CUE = re.compile(r"(收入|工资|月薪|薪水|赚|挣|到手|底薪)")
_AFFORDABLE_CUE = re.compile(r"(能还|最多还|最多能还|还得起|只能还|可以还|能拿出|承受|每个?月还|一个月还|月还)")
_TERM_CUE = re.compile(r"(分|期限|借期|贷款期|还款期|周期|期数|借|贷)")
# 还了3期 / 第3期 / 3期后: periods already paid (for early repayment), not the loan's term.
_PAID_BEFORE = re.compile(r"(还了|已还|已经还了?|还完了?|还过|第)\s*$")
_PAID_AFTER = re.compile(r"\s*(后|之后|以后|的时候|了)")
_OVERDUE_CUE = re.compile(r"(逾期|拖了|拖欠|没还|未还|晚还|还不上|超期|断供|欠了|欠款|催收)")
_ANNUAL_CUE = re.compile(r"(年化|年利率|年息|一年|每年|apr|年)")
_DAILY_CUE = re.compile(r"(日息|日利率|日利息|每天|一天|日)")

_PER_MONTH = re.compile(r"每\s*$")
_PER_MONTH_AFTER = re.compile(r"\s*(能|还|最多|收入|工资|挣|赚|只能|可以|才|就)")
_DAYS_PER_UNIT = {"天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "个多月": 30, "月": 30, "年": 365}


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numerals (两万五, 1.5, 25,000, 一千五, 零点五) to a number, or None."""
    text = text.replace(",", "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text in ("点", "十分", "万一", "千万", "一点", "百分"):
        return None
    import cn2an  # imported lazily: it loads its tables on import

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def _clause_before(text: str, start: int, width: int = 10) -> str:
    """The words before ``start`` in the same clause, at most ``width`` characters."""
    head = text[max(0, start - width) : start]
    parts = _CLAUSE_BREAK.split(head)
    return parts[-1]


def _whole(value: float) -> Union[int, float]:
    return int(value) if float(value).is_integer() else round(value, 10)


def find_rates(text: str) -> list[Entity]:
    """万分之五 / 0.05% / 日息五厘 → ``daily_rate``; 年化18% → ``annual_rate`` (fractions of 1)."""
    found = []
    for m in _RATE_FRACTION.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        value = n / (10000 if m.group("base") == "万" else 1000)
        annual = bool(_ANNUAL_CUE.search(_clause_before(text, m.start())))
        found.append(Entity("annual_rate" if annual else "daily_rate", _whole(value), m.start(), m.end()))
    for m in _RATE_PERCENT.finditer(text):
        n = parse_number(m.group("num") or m.group("cnum") or "")
        if n is None:
            continue
        before = _clause_before(text, m.start())
        if _DAILY_CUE.search(before):
            kind = "daily_rate"
        elif _ANNUAL_CUE.search(before):
            kind = "annual_rate"
        else:  # no word says which: a daily rate is well below 1%, an annual one above it
            kind = "daily_rate" if n < 1 else "annual_rate"
        found.append(Entity(kind, _whole(n / 100), m.start(), m.end()))
    for m in _RATE_LI.finditer(text):
        n = parse_number(m.group("num"))
        if n is not None:
            start = m.start("num")
            found.append(Entity("daily_rate", _whole(n / 10000), start, m.end()))
    return found


def find_durations(text: str) -> list[Entity]:
    """Loan terms (分12期, 借一年) as ``term_months``; periods already paid (还了3期) as ``paid_periods``;
    time overdue (逾期三个月) as ``overdue_days``; any other span of time as ``days``.
    """
    found = []
    overdue_in_message = bool(_OVERDUE_CUE.search(text))
    for m in _DURATION.finditer(text):
        raw = m.group("num")
        n = 0.5 if raw == "半" else parse_number(raw)
        if n is None or n <= 0:
            continue
        unit = m.group("unit")
        before = _clause_before(text, m.start())
        if _PER_MONTH.search(before) or unit == "个月" and _PER_MONTH_AFTER.match(text, m.end()):
            continue  # 每个月 / 一个月能还: a rate of payment, not a span of time
        if unit == "期" and (_PAID_BEFORE.search(before) or _PAID_AFTER.match(text, m.end())):
            found.append(Entity("paid_periods", _whole(n), m.start(), m.end()))
            continue
        if unit == "期" or _TERM_CUE.search(before) and unit in ("个月", "个多月", "月", "年"):
            months = n * 12 if unit == "年" else n
            found.append(Entity("term_months", _whole(months), m.start(), m.end()))
            continue
        # 半年 is six months of 30 days, like every month here; a whole year is 365 days.
        days = 180 if (raw, unit) == ("半", "年") else round(n * _DAYS_PER_UNIT[unit])
        if overdue_in_message or text[m.end() : m.end() + 1] == "了":
            found.append(Entity("overdue_days", days, m.start(), m.end()))
        else:  # a plain span of time (借10000元365天): the calculator's number of days
            found.append(Entity("days", days, m.start(), m.end()))
    return found


def find_amounts(text: str) -> list[Entity]:
    """Money: with a unit (元, 块, 万, k) or right after a money word (欠, 借, 收入…)."""
    found = []
    for m in _AMOUNT.finditer(text):
        unit, currency = m.group("unit"), m.group("cur")
        before = _clause_before(text, m.start())
        magnitude = unit or re.search("[万千百]", m.group("num"))
        if not magnitude and not currency and not _MONEY_CUE.search(before):
            continue
        n = parse_number(m.group("num"))
        if n is None or n <= 0:
            continue
        if unit in ("万", "w"):
            n *= 10000
        elif unit in ("千", "k"):
            n *= 1000
        role = None
        if _INCOME_CUE.search(before):
            role = "income"
        elif _AFFORDABLE_CUE.search(before):
            role = "affordable"
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        found.append(Entity("amount", _whole(round(n, 2)), m.start(), end, role))
    return found


Lexicon = Mapping[str, Mapping[str, Sequence[str]]]  # entity → canonical value → words


def find_keywords(text: str, lexicon: Lexicon) -> list[Entity]:
    """Words from a lexicon (hardship reasons, calculator requests; see data/lexicon/keywords.yml)."""
    found = []
    for entity, values in lexicon.items():
        for value, words in values.items():
            for word in words:
                for m in re.finditer(re.escape(word.lower()), text):
                    found.append(Entity(entity, value, m.start(), m.end()))
    return found


def resolve_overlaps(candidates: Iterable[Entity]) -> list[Entity]:
    """Keep the longest of overlapping entities (the earlier on a tie), in text order."""
    kept: list[Entity] = []
    for e in sorted(candidates, key=lambda e: (-(e.end - e.start), e.start)):
        if all(e.end <= k.start or e.start >= k.end for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


def extract(text: str, lexicon: Lexicon | None = None) -> list[Entity]:
    """All entities in a normalised text. Rates and durations are found before amounts and win overlaps
    of equal length, so 万分之五 is a rate and 三个月 a duration, never an amount.
    """
    specific = find_rates(text) + find_durations(text)
    amounts = [a for a in find_amounts(text) if all(a.end <= s.start or a.start >= s.end for s in specific)]
    keywords = find_keywords(text, lexicon) if lexicon else []
    return resolve_overlaps(specific + amounts + keywords)
