"""Property tests of the entity extractor (bot.entities) on generated borrower messages.

Messages are built from parts the way worried borrowers write them: an amount written one of many ways
(digits, 25,000, 两万五 / 两万五千 by a small numeral writer, 2.5w, 25k, 2万5, with or without 元/块),
put in a phrase whose words give it a role, joined with other phrases with or without punctuation,
sometimes in traditional characters or full-width digits. The value AND the role must come back.
"""

from __future__ import annotations

from functools import lru_cache
from typing import List, Tuple

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import ROOT
from bot.entities import bare_number, extract
from bot.text import normalise

LEXICON = yaml.safe_load((ROOT / "data" / "lexicon" / "keywords.yml").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- writing numbers -----------------------------------------------------------------------------

DIGITS = "零一二三四五六七八九"


def _section(n: int, liang: bool, short: bool, leading: bool = True) -> str:
    """1..9999 in Chinese numerals. ``liang``: 两 for a 2 before 千/百; ``short``: 一千五 for 一千五百."""
    out, zero = "", False
    places = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    nonzero = [u for u, _ in places if n // u % 10]
    for unit, name in places:
        d = n // unit % 10
        if not d:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if unit == 10 and d == 1 and not out and leading:
            digit = ""  # 十二, not 一十二
        elif d == 2 and liang and unit >= 100:
            digit = "两"
        else:
            digit = DIGITS[d]
        last = unit == nonzero[-1]
        # 一千五: the last digit right after the one before drops its unit (not for ones, not after 零)
        if short and last and unit > 1 and len(nonzero) > 1 and nonzero[-2] == unit * 10 and out[-1:] != "零":
            name = ""
        out += digit + name
    return out


def chinese(n: int, liang: bool = True, short: bool = False) -> str:
    """A whole number below 10⁸ in Chinese numerals: 25000 → 两万五千 (or 两万五 when ``short``)."""
    if n < 10000:
        return _section(n, liang, short)
    high, low = divmod(n, 10000)
    head = ("两" if high == 2 and liang else _section(high, liang, False)) + "万"
    if not low:
        return head
    if low < 1000:
        return head + "零" + _section(low, liang, short, leading=False)
    if short and low % 1000 == 0:
        return head + DIGITS[low // 1000]  # 两万五
    return head + _section(low, liang, short)


@pytest.mark.parametrize(
    "n, liang, short, text",
    [
        (25000, True, True, "两万五"), (25000, False, False, "二万五千"), (12000, True, True, "一万二"),
        (12500, True, False, "一万两千五百"), (12500, False, True, "一万二千五"), (1500, True, True, "一千五"),
        (10500, True, False, "一万零五百"), (1005, True, False, "一千零五"), (350, True, True, "三百五"),
        (12, True, False, "十二"), (110000, True, False, "十一万"), (2000, True, False, "两千"),
    ],
)  # fmt: skip
def test_numeral_writer(n: int, liang: bool, short: bool, text: str) -> None:
    assert chinese(n, liang, short) == text


@st.composite
def written_amounts(draw) -> Tuple[str, int]:
    """An amount of money and one way to write it."""
    value = draw(
        st.one_of(
            st.integers(1, 99).map(lambda k: k * 100),
            st.integers(1, 500).map(lambda k: k * 1000),
            st.integers(100, 99999),
            st.integers(1, 90).map(lambda k: k * 10000 + 5000),
        )
    )
    forms = [str(value), chinese(value, draw(st.booleans()), draw(st.booleans()))]
    if value >= 1000:
        forms.append(f"{value:,}")
    if value % 1000 == 0:
        forms.append(f"{value // 1000}k")
    if value >= 10000 and value % 1000 == 0:
        forms += [f"{value / 10000:g}w", f"{value / 10000:g}万", f"{value / 10000:g}W"]
        if value % 10000:
            forms.append(f"{value // 10000}万{value % 10000 // 1000}")  # 2万5
    text = draw(st.sampled_from(forms))
    return text + draw(st.sampled_from(["", "", "元", "块", "块钱"])), value


# --- phrases and messages ------------------------------------------------------------------------

ROLE_PHRASES = {
    None: ["欠了{a}", "借了{a}", "还欠{a}", "一共欠了{a}", "在网贷借了{a}", "本金{a}"],
    "income": ["月收入{a}", "工资{a}", "一个月到手{a}", "我每个月工资才{a}", "每个月只有{a}收入", "我一个月{a}的工资"],
    "affordable": ["每个月最多能还{a}", "只能还{a}", "一个月能还{a}", "最多能拿出{a}", "每个月最多也就能还{a}"],
    "paid": ["已经还了{a}", "还了{a}了", "之前已经还了{a}"],
    "down_payment": ["先还{a}剩下的分期", "首付{a}", "能不能先付{a}"],
    "expense": ["房租{a}", "房贷每个月{a}", "车贷{a}", "生活费{a}", "孩子学费{a}", "一个月花销{a}"],
    "installment": ["一期还要{a}", "每期要还{a}", "月供{a}", "每个月要还{a}"],
    "lost": ["转了{a}给骗子", "被骗了{a}", "骗子让我转了{a}", "先交{a}保证金"],
    "interest": ["利息{a}", "罚息就要{a}", "光利息就{a}", "还要多付{a}利息"],
}
FILLERS = ["我真的很着急", "催收天天打电话", "怎么办啊", "求求你帮帮我", "我失业了", "家里老人生病了", "压力好大"]
# Clauses with numbers that are no amounts: they must not take an amount's place or its role.
OTHER_NUMBERS = ["逾期三个月了", "分12期", "日息万五", "年化24%", "已经逾期四十多天了", "厂里停工半年", "借了一年"]
SEPARATORS = ["，", "。", "！", " ", "", "", ""]  # often none at all


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


FULL_WIDTH = str.maketrans("0123456789%.,", "０１２３４５６７８９％．，")


@st.composite
def as_typed(draw, message: str) -> str:
    """The message as a user might type it: simplified, traditional, or with full-width digits."""
    how = draw(st.sampled_from(["simplified", "traditional", "full_width"]))
    if how == "traditional":
        return _s2t().convert(message)
    if how == "full_width":
        return message.translate(FULL_WIDTH)
    return message


@st.composite
def joined(draw, parts: List[str], fillers: List[str] = FILLERS) -> str:
    """Phrases with fillers between some of them, joined with or without punctuation."""
    pieces: List[str] = []
    for part in parts:
        if draw(st.booleans()):
            pieces.append(draw(st.sampled_from(fillers)))
        pieces.append(part)
    if draw(st.booleans()):
        pieces.append(draw(st.sampled_from(fillers)))
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(st.sampled_from(SEPARATORS)) + piece
    return out


def entities_of(typed: str) -> list:
    return extract(normalise(typed), LEXICON)


# --- amounts and their roles ---------------------------------------------------------------------


@st.composite
def role_messages(draw) -> Tuple[str, List[Tuple[int, str | None]]]:
    # one amount per role, as people say them (two incomes in a row are ambiguous to a reader as well)
    roles = st.sampled_from(list(ROLE_PHRASES))
    clauses = draw(st.lists(st.tuples(roles, written_amounts()), min_size=1, max_size=3, unique_by=lambda c: c[0]))
    parts, expected = [], []
    for role, (text, value) in clauses:
        parts.append(draw(st.sampled_from(ROLE_PHRASES[role])).format(a=text))
        expected.append((value, role))
    message = draw(joined(parts, FILLERS + OTHER_NUMBERS))
    return draw(as_typed(message)), expected


@SETTINGS
@given(role_messages())
# found by this test in CI: "2000 年化24%" was a year (2000年), not 2000 owed beside an annual rate
@example(("月收入100，欠了2000 年化24%，每个月最多能还100", [(100, "income"), (2000, None), (100, "affordable")]))
def test_amounts_keep_their_value_and_role(case: Tuple[str, list]) -> None:
    typed, expected = case
    got = [(e.value, e.role) for e in entities_of(typed) if e.entity == "amount"]
    assert got == expected, typed


@settings(max_examples=200, deadline=None)
@given(written_amounts(), st.sampled_from(["", " ", "大概", "差不多"]), st.sampled_from(["", " ", "左右"]))
def test_a_bare_amount_is_read_whole(amount: Tuple[str, int], before: str, after: str) -> None:
    text, value = amount
    assert bare_number(before + text + after) == value
    assert bare_number(_s2t().convert(text)) == value


# --- rates ---------------------------------------------------------------------------------------


@st.composite
def daily_rates(draw) -> Tuple[str, float]:
    """A daily rate of k/10000 (0.02%–0.09%, as lenders quote them) and one way to write it."""
    k = draw(st.sampled_from([2, 3, 4, 5, 6, 7, 8, 9]))
    pct = f"{k / 100:g}%"  # 0.05%
    forms = [
        f"万分之{DIGITS[k]}", f"万分之{k}", f"日息万分之{DIGITS[k]}", f"日息{pct}", f"日利率{pct}", f"{pct}的日利率",
        f"日息万{DIGITS[k]}", f"利息万{DIGITS[k]}", f"日息{DIGITS[k]}厘", f"日息{k}厘", f"一天{pct}",
    ]  # fmt: skip
    alone = [f"万{DIGITS[k]}", f"{DIGITS[k]}厘", pct]  # understood as daily only by themselves
    return draw(st.sampled_from(forms + alone)), k / 10000


@SETTINGS
@given(daily_rates(), written_amounts(), st.sampled_from(SEPARATORS[:4]))
def test_daily_rates(rate: Tuple[str, float], amount: Tuple[str, int], sep: str) -> None:
    text, value = rate
    amount_text, amount_value = amount
    # A rate written without its word (万五, 五厘) needs punctuation before it in a longer message.
    message = f"借了{amount_text}{sep}{text}" if sep.strip() or text[0] not in "万一二三四五六七八九0" else text
    typed = _s2t().convert(message)
    got = [(e.entity, e.value) for e in entities_of(typed) if e.entity.endswith("rate")]
    assert got == [("daily_rate", pytest.approx(value))], message
    if message != text:
        assert [e.value for e in entities_of(typed) if e.entity == "amount"] == [amount_value], message


@SETTINGS
@given(st.integers(1, 36), st.sampled_from(["年化{p}%", "年利率{p}%", "年化百分之{c}", "年息{p}%", "月息{m}%"]))
def test_annual_rates(p: int, form: str) -> None:
    text = form.format(p=p, c=chinese(p), m=f"{p / 12:g}")
    expected = p / 100
    got = [e for e in entities_of("借了两万" + text) if e.entity.endswith("rate")]
    assert [e.entity for e in got] == ["annual_rate"]
    assert got[0].value == pytest.approx(expected, rel=1e-4)


# --- durations: overdue, installments, hard times ------------------------------------------------


@st.composite
def spans(draw, allow_half: bool = True) -> Tuple[str, int]:
    """A span of time and its days: 三个月 / 3个月 / 四十多天 / 半年 / 一年半 / 一个半月."""
    kind = draw(st.sampled_from(["days", "months", "years"] + (["half"] if allow_half else [])))
    if kind == "days":
        n = draw(st.integers(2, 99))
        text = draw(st.sampled_from([str(n), chinese(n)])) + draw(st.sampled_from(["天", "多天"]))
        return text, n
    if kind == "months":
        n = draw(st.integers(1, 11))
        written = draw(st.sampled_from([str(n), chinese(n, liang=False)] + (["两"] if n == 2 else [])))
        return written + draw(st.sampled_from(["个月", "个多月"])), n * 30
    if kind == "years":
        n = draw(st.integers(2, 3))
        return draw(st.sampled_from([str(n), chinese(n), "两" if n == 2 else "三"])) + "年", n * 365
    return draw(st.sampled_from([("半年", 180), ("一年半", 545), ("一个半月", 45), ("两个半月", 75)]))


OVERDUE_PHRASES = ["逾期{d}", "逾期{d}了", "已经逾期{d}了", "拖了{d}", "已经{d}没还了", "逾期了{d}"]
HARDSHIP_PHRASES = ["失业{d}", "厂里停工{d}", "住院{d}", "停工{d}了", "没工资{d}"]
TERM_PHRASES = ["分{n}期", "分{n}期还", "借的{n}期"]


@SETTINGS
@given(
    spans(),
    st.one_of(st.none(), spans()),
    st.one_of(st.none(), st.integers(2, 36)),
    st.one_of(st.none(), written_amounts()),
    st.randoms(use_true_random=False),
    st.data(),
)
def test_overdue_installments_and_hard_times(overdue, hardship, term, amount, rnd, data) -> None:
    overdue_text, overdue_days = overdue
    parts = [data.draw(st.sampled_from(OVERDUE_PHRASES)).format(d=overdue_text)]
    if hardship:
        parts.append(data.draw(st.sampled_from(HARDSHIP_PHRASES)).format(d=hardship[0]))
    if term:
        n = data.draw(st.sampled_from([str(term), chinese(term)]))
        parts.append(data.draw(st.sampled_from(TERM_PHRASES)).format(n=n))
    if amount:
        parts.insert(0, f"借了{amount[0]}")
    first = parts[:1] if amount else []
    rest = parts[len(first) :]
    rnd.shuffle(rest)
    message = data.draw(joined(first + rest))
    found = entities_of(data.draw(as_typed(message)))
    by = lambda name: [e.value for e in found if e.entity == name]  # noqa: E731
    assert by("overdue_days") == [overdue_days], message
    assert by("term_months") == ([term] if term else []), message
    # hard times are never time overdue, and no period of the loan while a better one is there
    assert [e for e in found if e.entity == "days"] == [], message
    if amount:
        assert [(e.value, e.role) for e in found if e.entity == "amount"] == [(amount[1], None)], message


@SETTINGS
@given(
    spans(), st.sampled_from(HARDSHIP_PHRASES), st.sampled_from(FILLERS[:4] + ["逾期了"]), st.sampled_from(SEPARATORS)
)
def test_hard_times_alone_are_days_with_a_role(span, phrase, filler, sep) -> None:
    text, days = span
    message = filler + sep + phrase.format(d=text)
    found = [(e.entity, e.value, e.role) for e in entities_of(message) if e.entity.endswith("days")]
    assert found == [("days", days, "hardship")], message


@SETTINGS
@given(spans(), written_amounts(), st.sampled_from(["用了{d}", "借了{a}用了{d}", "借了{a}已经用了{d}"]))
def test_time_held_is_days_not_overdue(span, amount, form) -> None:
    text, days = span
    message = form.format(d=text, a=amount[0])
    found = [(e.entity, e.value, e.role) for e in entities_of(message) if e.entity != "amount"]
    assert found == [("days", days, None)], message
