"""Find and normalise the numbers a borrower mentions: amounts, overdue days, rates, loan terms, and
the reason they cannot pay. Pure functions over normalised text (see ``bot.text.normalise``); one
extractor for the chat, the calculator and the rehearsal.

Values are normalised: 两万五 → 25000, 1.5万 / 1.5w → 15000, 两千多 → 2000 (the lower bound), 三个月
(overdue) → 90 days, 一年半 → 18 months or 545 days, 万分之五 / 0.05% / 日息万五 / 五厘 → 0.0005 a day,
年化18% → 0.18, 月息2% → 0.24 a year, 分12期 → 12 months, 还了3期 (before repaying early) → 3 periods paid.

Which number is which is decided by the words around it, because worried borrowers write run-on
messages without punctuation ("借了微粒贷两万五分10期厂里停工三个月没工资已经逾期四十多天了"): the
nearest cue word in a short window before a number (within its clause, and never reaching back past
an earlier number, whose cue it is) wins; a few cues right after a number (转了5000给骗子, 半年没还了)
count too.

Amounts carry a role when the words say what they are: ``income`` (月收入三千), ``affordable``
(每个月最多能还一千), ``paid`` (已经还了三千), ``down_payment`` (先还两千), ``expense`` (房租1500),
``installment`` (月供1600: the loan's current payment), ``lost`` (被骗了三千); without a role an amount
is what they owe or borrowed. ``days`` with role ``hardship`` is a span of hard times (失业半年), kept only
when the message has no other period.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable, List, Mapping, Sequence, Tuple, Union

Value = Union[int, float, str]


@dataclass(frozen=True)
class Entity:
    """One entity found in a text: ``text[start:end]`` is what the user wrote."""

    entity: str
    value: Value
    start: int
    end: int
    role: str | None = None
    guessed: bool = False  # the role is a guess from 每月/一个月 alone: an answer to the agent's question overrules it


# --- numbers -------------------------------------------------------------------------------------

_D = "[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]"
_TEN, _HUNDRED, _THOUSAND = "[十拾]", "[百佰]", "[千仟]"
_TENS = rf"(?:{_D}?{_TEN}{_D}?)"  # 十, 十二, 二十, 二十五
# The last digit of an amount, but not the 一 of a word after it: 两千|一个月, 二百三十|一共. (一千五 = 1500:
# a last digit right after a place stands for the next place.)
_LAST_D = (
    rf"(?:(?!一(?:共|个|期|年(?!化|息|利率)|天|下|起|直|点|些|次|月(?!息|供|利|收入|薪|入)|般|样|定|会|边|旦|半)){_D})"
)
_M_TENS = rf"(?:{_D}?{_TEN}{_LAST_D}?)"
_HUNDREDS = rf"(?:{_D}{_HUNDRED}(?:{_D}{_TEN}{_LAST_D}?|零{_LAST_D}|{_LAST_D})?)"  # 三百, 三百五 (=350), 三百零五
_THOUSANDS = (
    rf"(?:{_D}{_THOUSAND}(?:{_D}{_HUNDRED}(?:{_D}{_TEN}{_LAST_D}?|零{_LAST_D}|{_LAST_D})?"
    rf"|零{_D}{_TEN}{_LAST_D}?|零{_LAST_D}|{_LAST_D})?)"
)
# A well-formed Chinese numeral below 10000 (an amount's). Only well-formed ones, so that run-on numbers
# split where a reader splits them: 两万五三个月 is 两万五 and 三个月, not 两万五三.
CN_SECTION = rf"(?:{_THOUSANDS}|{_HUNDREDS}|{_M_TENS}|{_D})"
_WAN_TAIL = rf"(?:零?(?:{_THOUSANDS}|{_HUNDREDS}|{_M_TENS})|零{_LAST_D}|{_LAST_D})"  # after 万: 两万五, 一万零五百
_CN_DECIMAL = r"(?:点[零〇一二三四五六七八九]+)"
# A rough figure said as two neighbouring digits (七八千, 十四五期, 三四十天, 一千五六, 两三万, 一两千, 三五百) is
# read as its lower end, as a short span is (三四天): the cautious figure for what they earn or can pay.
_PAIR = "(?:一[两二]|[两二]三|三[四五]|四五|五六|六七|七八|八九)"
_TEEN_PAIR = "(?:[两二]三|三[四五]|四五|五六|六七|七八|八九)"  # not 十一二 (十一二月: November and December)
_CN_RANGE = (
    rf"(?:{_D}?{_TEN}{_PAIR}[万萬]"  # 十一二万
    rf"|{_D}{_HUNDRED}{_PAIR}{_TEN}"  # 一百二三十
    rf"|{_D}?{_TEN}{_TEEN_PAIR}"  # 十四五, 二十七八
    rf"|{_PAIR}{_TEN}[万萬]?"  # 三四十, 二三十万
    rf"|{_PAIR}(?:{_HUNDRED}|{_THOUSAND}|[万萬])"  # 七八千, 五六百, 两三万
    # 一千五六, but not 一万二|三个月
    rf"|{_D}(?:{_HUNDRED}|{_THOUSAND}|[万萬]){_PAIR}(?!\s*(?:个|天|日|月|年|期|周|星期|礼拜|号)))"
)
_CN_NUMBER = (
    rf"(?:{_CN_RANGE}"
    rf"|{CN_SECTION}{_CN_DECIMAL}?[万萬]{_WAN_TAIL}?"  # 两万五, 一万二千五
    rf"|{CN_SECTION}{_CN_DECIMAL}?|零{_CN_DECIMAL}"  # 一千五, 三点五, 零点五
    rf"|万[二两三四五六七八九](?:{_CN_DECIMAL})?)"  # 万五: 15000 as money, 万分之五 as a rate (万一 is "in case")
)
_ARABIC = (  # 1.5万, 2万5千, 2万五, 25,000
    rf"(?:(?<![\d.])\d+(?:,\d{{3}})*(?:\.\d+)?"
    rf"(?:[万千百](?:\d+|{_WAN_TAIL})?)*)"
)
# Arabic numbers, possibly with Chinese magnitudes (1.5万, 2万5千), or Chinese numerals (两万五).
NUMBER = rf"(?:{_ARABIC}|{_CN_NUMBER})"
# A number is cut short when the next character continues it (五 of 五十): such a partial match is no number.
_NOT_CONTINUED = r"(?![十百千万拾佰仟萬点]|(?<![万千])\d)"  # but 2万|3个月: a digit after 万 may start anew
# Counts of days, months and periods, in full forms only: 一百一个月 is 一百 and 一个月, not 110 months.
_COUNT_SECTION = (  # ranges first: 一百二三十天, 十四五期, 三四十天
    rf"(?:{_D}{_HUNDRED}{_PAIR}{_TEN}|{_D}?{_TEN}{_TEEN_PAIR}|{_PAIR}{_TEN}"
    rf"|{_D}{_HUNDRED}(?:{_D}{_TEN}{_D}?|零{_D})?|{_TENS}|{_D})"
)
_SMALL_NUMBER = rf"(?:(?<![\d.])\d+(?:\.\d+)?|{_COUNT_SECTION}{_CN_DECIMAL}?)"

_CLAUSE_BREAK = re.compile(r"[，。！？,.!?;；\n、~～]")
_WINDOW = 8  # characters before a number searched for its cue: a short window, as run-on text has no commas

# w / k only as a unit, not the start of an English word (2 weeks is no 2w); 万一 is "in case" (每月还八百 万一…)
_MONEY_UNIT = (
    r"(?P<more>多|来|余)?\s*(?P<unit>万(?!一)|w(?![a-z])|千|k(?![a-z]))?\s*(?P<cur>元钱|元|块钱|块|rmb|人民币)?"
)
# What follows a number that is no amount: a count of days, months, people, times, a percentage…
_NOT_MONEY_AFTER = (
    # 两百 月还五百: a bare 月 after a space opens the next words (月还, 月入), so 月 counts only right after
    r"(?!(?:多)?月(?!息|利|供|薪|收入|入|底|初))"
    r"(?!\s*(?:多\s*)?(?:天(?!天)|日(?!息|利)|周|星期|个(?!人)|年(?!化|息|利率)"
    r"|期(?!数)|%|厘|分之|号|岁|次|遍|回|趟|通(?!知)|声|条|点|倍|成|折|笔|张|家(?!里|人|庭|中)|位|部分|礼拜|w|k))"
)
_AMOUNT = re.compile(rf"(?P<num>{NUMBER}){_NOT_CONTINUED}{_MONEY_UNIT}{_NOT_MONEY_AFTER}")

# Units of time; 日息/月供/年化 after a number are a rate or a payment, not 8000 days or months.
_DURATION = re.compile(
    # 三四天 / 两三个月: a range, read as its lower bound
    rf"(?:(?P<range>{_PAIR})|(?P<num>{_SMALL_NUMBER}|半){_NOT_CONTINUED})"
    r"\s*(?P<more>多|几|来)?\s*"
    r"(?P<unit>天|日(?!息|利)|周|个?星期|个?礼拜|个半月|个多月|个月|月(?!息|利|供|薪|收入|入|底|初|份|号)"
    r"|年(?!化|息|利率|底|初)|期(?!限|间|数))"
    r"(?P<half>半)?"
)
_DAYS_PER_UNIT = {
    "天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "个月": 30, "个多月": 30, "个半月": 30, "月": 30, "年": 365,
}  # fmt: skip
_MONTH_UNITS = ("个月", "个多月", "个半月", "月", "年")

_RATE_FRACTION = re.compile(rf"(?P<base>万|千)分之\s*(?P<num>{NUMBER})")
_RATE_PERCENT = re.compile(rf"(?:(?P<num>\d+(?:\.\d+)?)\s*%|百分之\s*(?P<cnum>{NUMBER}))")
_RATE_LI = re.compile(rf"(?P<num>{_SMALL_NUMBER}){_NOT_CONTINUED}\s*厘(?!米)")
# 万五 / 万三点五: lenders' shorthand for 万分之五 a day.
_RATE_WAN = re.compile(
    rf"(?<![\d{_D[1:-1]}十百千万零点])万(?P<num>[二两三四五六七八九](?:{_CN_DECIMAL})?){_NOT_CONTINUED}"
)


# A date names a time, not a span: 2023年, 2024年3月, 去年3月份, 5月12号 / 5月12日.
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年(?!化)(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*月份|(?<![\d个])\d{1,2}\s*号(?!码)"
)
# After a listed number, a unit makes it a quantity after all: 逾期110天, 借了120块.
_UNIT_AFTER = re.compile(r"\s*(?:多|来|余)?\s*(?:元|块|万|w|千|k|rmb|人民币|天|日|周|个|月|年|期|次|岁|%|笔|张)")


def _clear_of(start: int, end: int, spans: Sequence[Tuple[int, int]]) -> bool:
    return all(end <= s or start >= e for s, e in spans)


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numerals (两万五, 1.5, 25,000, 一千五, 零点五, 一点五万) to a number, or None."""
    text = text.replace(",", "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text in ("点", "十分", "万一", "千万", "一点", "百分"):
        return None
    if text[0] in "万千" and len(text) > 1:  # 万五: the 一 is left out in speech
        text = "一" + text
    pair = re.search(_PAIR, text) if _RANGE_WHOLE.fullmatch(text) else None
    if pair:  # 七八千 → 七千, 十四五 → 十四, 一千五六 → 一千五: the range's lower end
        text = text[: pair.start() + 1] + text[pair.end() :]
    import cn2an  # imported lazily: it loads its tables on import

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        pass
    # cn2an refuses a decimal before a magnitude (一点五万)
    m = re.fullmatch(r"(.+?)([万萬千百])", text)
    if m and "点" in m.group(1):
        inner = parse_number(m.group(1))
        if inner is not None:
            return inner * {"万": 10000, "萬": 10000, "千": 1000, "百": 100}[m.group(2)]
    return None


_RANGE_WHOLE = re.compile(rf"{_CN_RANGE}|{_PAIR}")


_BARE = re.compile(
    rf"\s*(?:大概|大约|差不多|约|将近|有|就|只有|一共|总共|共)?\s*(?P<num>{NUMBER})\s*{_MONEY_UNIT}\s*(?:左右|上下|的样子)?\s*"
)


def bare_number(text: str) -> float | None:
    """A whole message that is just a number ("8000", "八千", "两万五", "3w", "两千多块"), as a number.

    For answers to a question that named what the number is (the calculator's amount, the rehearsal
    agent's "收入多少"). The one place for this: raw or normalised text both work.
    """
    from bot.text import normalise  # pure, same length; imported here to keep this module's imports light

    m = _BARE.fullmatch(normalise(text))
    if not m:
        return None
    n = parse_number(m.group("num"))
    if n is None:
        return None
    return float(_scale(n, m.group("unit")))


def _scale(n: float, unit: str | None) -> float:
    if unit in ("万", "w"):
        return n * 10000
    if unit in ("千", "k"):
        return n * 1000
    return n


def _whole(value: float) -> Union[int, float]:
    return int(value) if float(value).is_integer() else round(value, 10)


# --- cues ----------------------------------------------------------------------------------------


def _cues(table: Mapping[str | None, str]) -> List[Tuple[str | None, re.Pattern]]:
    """Each top-level alternative compiled on its own, so that 每期要还 is found as well as 每期."""
    return [(kind, re.compile(alt)) for kind, pattern in table.items() for alt in _alternatives(pattern)]


def _alternatives(pattern: str) -> List[str]:
    parts, depth, current = [], 0, ""
    for ch in pattern:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def _nearest(window: str, cues: Sequence[Tuple[str | None, re.Pattern]]) -> Tuple[str | None, int] | None:
    """The kind of the cue ending nearest the end of ``window`` (the longer cue on a tie: 房贷 beats 贷)
    and where it ends, or None when the window has no cue.
    """
    best: Tuple[int, int, str | None] | None = None
    for kind, pattern in cues:
        for m in pattern.finditer(window):
            key = (m.end(), m.end() - m.start(), kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return None if best is None else (best[2], best[0])


_PER_MONTH_ROLE = "per_month"
# Left over (剩下的一千), not still owed (还剩一万): before an amount said as what can be paid (_PAY_AFTER).
_LEFT_OVER_BEFORE = re.compile(r"(?<!还)剩(?:下)?(?:的|来的)?(?:钱)?(?:就|也就|大概|差不多)?$")
_PAY_AFTER = re.compile(r"\s*(?:元|块)?(?:左右)?(?:应该|大概|估计|差不多|也就|就|都)?(?:能还|能拿出|出来|能给|能出)")
# Amount roles. ``None``: words for the money owed or borrowed, which also make a bare number money.
_AMOUNT_CUES = _cues(
    {
        None: r"欠|借|还欠|还剩|还有|还差|差|剩|剩下|本金|额度|贷款?|网贷|要还|还要还|还|还款|欠款|借款|本息|总额|合计|"
        # 本金加利息一共九千七, 连本带息是两千九: what is owed all told, not interest
        r"(?:本金)?(?:加|和|连)利息(?:一共|总共|合计|加起来)?(?:是|有)?|连本带息(?:一共|总共)?(?:是|有)?",
        # 每天要多出十五块: what a day costs, not a debt
        "interest": r"利息|罚息|手续费|违约金|服务费|滞纳金|利息就|光利息|"
        r"(?:每天|一天|每日)(?:要|得)?多(?:出|付|交|还)了?",
        "income": r"收入|工资|月薪|薪水|底薪|薪资|赚|挣|到手|能拿|拿到手|退休金|养老金|低保|工资只有|收入只有|"
        r"月入|纯利润?|净利润?|利润|净赚|纯收入|进账|能跑|跑单能?|实发|实收|税后|扣完(?:社保|五险一金)?(?:剩|到手)?",
        # 一个月三千六: pay per month (income), unless the words after say otherwise (每个月3000能还吗)
        _PER_MONTH_ROLE: r"一个月|每个?月",
        # 每个月先还五六百: a sum each month (the longer cue beats 先还, a sum paid first)
        "affordable": r"能还|最多还|最多能还|还得起|只能还|可以还|可还款?|(?:每个?月|一个月|每期)先还|"
        r"能拿出|拿出来?还款?的?|挤出来?|挤个|挤|"
        r"凑出来?|凑|匀出来?|(?:可|能)用于还款?(?:的)?(?:约|大概)?|(?:可以|能)用来还(?:款)?(?:的)?|"
        r"承受|每个?月还|一个月还|月还|(?:每个?月|一个月)(?:我)?能?(?:给|打)|能出|能给|能付|"
        r"(?:最多|顶多|至多|撑死|顶天)(?:也)?(?:就)?(?:能|可以)?(?:还|给|付|出)?(?:个)?|"
        # 能拿来还的就一千五: what is left over for the debt
        r"(?:能|可以)?拿(?:出)?来还(?:款|债)?的?(?:钱)?(?:就|也就|只有|有)?",
        "paid": r"还了|已还|已经还了?|还过|还掉了?|已经还款|还上了|已经付了|已经给了|已经交了|还进去了|已经还清了?|"
        r"还款了|已经打了|已经转了|转过了?",
        # 一次性还一万八: a lump sum offered to settle (the rehearsal's plans)
        "lump_sum": r"一次性(?:还清?|付清?|结清|给)?|一口气(?:还清?)?|一次还清|一次性全部还?",
        # 今天再还两千: one more sum now (每个月再还 is the monthly sum)
        "down_payment": r"先还了?|首付了?|先付了?|先给了?|先交了?|先拿出?|先打了?|先凑了?|首期|先把(?:这|那)?|"
        r"(?<![月期])再(?:还|给|交|打|付)",
        "expense": r"(?:房贷|房租|租金|车贷|生活费|学费|花销|开销|开支|花费|伙食费|医药费|药费|药钱|饭钱|吃住|"
        r"(?:看病)?吃药|幼儿园|水电费?|话费|抚养费|"
        r"赡养费|吃饭|吃喝|日常开支|孩子上学|奶粉钱?|托管费?|保险|物业费?|交通费?|房费|"
        r"信用卡(?:最低)?(?:还款)?|(?:花呗|借呗|白条|别的网贷|其他网贷)(?:分期)?|(?:要|得)?(?:给|寄给?)(?:家里|老人|父母|爸妈|老家)(?:寄)?|寄回家|"
        # 老人那边每月给一千, 往老家打一千: money sent home, not a payment offered
        r"(?:往|给)?(?:家里|老人|父母|爸妈|老家)(?:那边|那里)?(?:每个?月|一个月)?(?:要|得)?(?:给|寄|打|转))"
        r"(?:每个?月|一个月|一年|每年)?还?(?:要|得|需要)?(?:还|交|付|花|寄|给)?",  # 别的网贷每个月还要还一千一
        "installment": r"月供|每期|一期|每期要还|每期还|一期还要|一期要还|每个?月要还|一个月要还|每个?月得还|"
        r"每个?月应还|每个?月需要还|每期还款|每月应还|本期|这期|这一期|这个月要还|还款额|"
        r"(?:每个?月|一个月)光?还款(?:额)?(?:就|都)?(?:要|得)?|微粒贷(?:每个?月|一个月|每期|一期)(?:要|得|都)?还?|"
        r"月微粒贷(?:还)?(?:要|得)还|(?:本来|原来|以前)每个?月(?:要)?还",
        # 微粒贷还要还一千八: what one installment costs, or what is still owed (see _still_due)
        "due": r"微粒贷还(?:要|得)还",
        "lost": r"被骗了?|被骗走了?|骗了我?|骗走了?|骗子|诈骗|被诈骗了?|给骗子转了?|给骗子打了?|转给骗子了?",
    }
)
_BUDGET_CUES = [(kind, p) for kind, p in _AMOUNT_CUES if kind in ("income", "expense", "installment", "affordable")]
# Verbs that make a bare number money without saying whose (转了5000: to whom is said elsewhere).
_MONEY_VERB = re.compile(r"(?<!首)(?:转|打|交|付|给|花|少)了?(?:过去)?$")
# A message about a scam: money sent in it (转了八千到安全账户, 交五千就能删掉逾期记录) went to the fraudster.
_FRAUD_CONTEXT = re.compile(
    r"骗|安全账户|个人账户|个人银行卡|指定账户|联系不上|拉黑|不见了|删掉|洗白|内部员工|解冻|共享屏幕|屏幕共享|验证码"
)
_SENT_AFTER = re.compile(r"\s*(?:元|块)?(?:过去|到|进|给)")
_NOT_SENT_ROLES = ("income", "affordable", "expense", "installment")
# Cues right after an amount, used when no word before the amount says what it is.
# A cue word after one amount that is followed by another number is that number's (被骗了100).
_NO_NUMBER_NEXT = (
    r"(?!\s*(?:了|是|有|要|就|才|都|也|得|光|大概|差不多|约|的话|\s)*"
    r"(?:\d|[一二两三四五六七八九十](?!期|个|年|天|月|周|共|下|起|直|点)))"
)
_AMOUNT_AFTER = _cues(
    {
        # 给骗子 ends its phrase; 被骗 may start the next one (…被骗了三千)
        "lost": rf"^\s*(?:元|块)?(?:给|到|转给|打给|转到)了?(?:骗子|诈骗)"
        rf"|^\s*(?:元|块)?(?:被骗|被骗子){_NO_NUMBER_NEXT}",
        # 两千是我工资: said after it, with 是
        "income": rf"^\s*(?:元|块)?(?:是我)?的?(?:工资|收入|月薪){_NO_NUMBER_NEXT}",
        "expense": rf"^\s*(?:元|块)?的?(?:房租|房贷|车贷|生活费|学费|开销){_NO_NUMBER_NEXT}",
        "paid": rf"^\s*(?:元|块)?(?:已经)?还(?:了|掉了|上了|清了){_NO_NUMBER_NEXT}",
        # 每个月800行不行: a payment offered, asking whether it is accepted
        "affordable": rf"^\s*(?:元|块)?(?:左右)?(?:的样子)?(?:应该|大概|估计|差不多|也就|就|都|总)?"
        rf"(?:能还|还得起|可以还|能拿出|能承受|行不行|行吗|可以吗|可不可以|成不成|出来){_NO_NUMBER_NEXT}",
    }
)
_FEE_AFTER = re.compile(rf"\s*(?:元|块)?的?(?:服务费|中介费|代办费|定金|好处费|咨询费|押金|保证金){_NO_NUMBER_NEXT}")
_INTEREST_AFTER = re.compile(rf"\s*(?:元|块)?的?(?:利息|罚息|手续费|违约金|滞纳金){_NO_NUMBER_NEXT}")
# 先交三千手续费: a fee asked in advance, the classic scam, is no down payment.
_ADVANCE_FEE_AFTER = re.compile(
    r"\s*(?:元|块)?的?(?:手续费|服务费|保证金|解冻费|验证金|押金|会员费|工本费|刷流水|包装费|中介费)"
)
# Words between a cue and its number (工资大概3500, 每个月最多也就能还个一千).
# 欠你们19800, 借款金额3500, 吃饭啥的1500: whom it is owed to, 金额, or "and such", between the cue and
# the number.
_FILLER = (
    r"(?:了|是|有|要|就|才|只|只有|也就|都|约|大约|大概|差不多|将近|快|共|一共|总共|能|个|得|的|左右|"
    r"你们|他们|微粒贷|金额|啥的|什么的|之类的?|这些|等等?|\s)*"
)
_FILLER_ONLY = re.compile(rf"{_FILLER}")
_QUANTITY_BEFORE = re.compile(r"(?:大概|大约|差不多|一共|总共|共|将近)\s*$")

# Durations: what kind of span the words before make it.
_DURATION_CUES = _cues(
    {
        "overdue": r"逾期了?|逾其了?|预期了?|已经逾期|拖了|拖个|拖到|拖上|拖欠了?|没还|未还|晚还|晚了?|还不上|"
        r"还不起了?|超期|断供了?|欠了|欠款|延期了",
        # 先缓三个月 / 申请延期两个月: a delay asked for (the rehearsal's plans), not time overdue
        "deferral": r"缓|先缓|推迟|延后|往后推|延期|展期|宽限|停还|暂停还款|先停",
        # 每月一千 还二十个月: the term of a plan; 那改成30期 / 拉长到三十六个月: another term asked for
        "term": r"分|分成|分了|期限|借期|贷款期|还款期|周期|期数|分期|借|借了|贷了|借款|签了|还|连续还|再还|"
        r"改成|改为|换成|拉长到|拉到|缩短到|"
        r"(?<=[\d元块千百万一二两三四五六七八九十])\s*(?:给|打)",
        "held": r"用了|用|借用|占用|放了|拿去用了|已经用了|过了|持有",
        "hardship": r"失业了?|停工了?|停产|住院了?|没工资|没收入|没有收入|没有工资|没活干?|没上班|没工作|下岗|"
        r"生病了?|病了|裁员|被裁员|"
        r"待业|放假|被裁|治疗|找不到工作|拖欠工资|欠薪|工资没发|工资拖了|工资晚发了?|晚发工资|倒闭|坐月子|怀孕|离职|辞职|停业|"
        r"没生意|歇业|养病|隔离|跑路了?",
        "paid": r"还了|已还|已经还了?|还过|第",
        # no span of the loan: 还剩六期 (still to pay), 还清都一个多月了 (since), 这两年 / 那半年 (a time of life)
        "other": r"还剩|剩下?|还有|还清了?都?|结清了?都?|还完了?都?|这|那|这个|那个",
        # 在厂里干了五年, 上班五年了: a time of life (years worked, married, lived), never time overdue
        "life": r"上班|上了|工作了?|干了|做了|打工|打了|入职|结婚|离婚|毕业|住了|待了|开店|开了|跑了|跑车|"
        r"搬到|搬来|来了|(?:跑|送)(?:外卖|快递|滴滴|网约车)",
    }
)
_YEAR_BEFORE = re.compile(r"(?:去年|今年|前年|明年|\d{2,4}\s*年|年)\s*$")
_OVERDUE_WORD = re.compile(r"逾期|逾其|拖了|拖欠|没还|未还|晚还|还不上|超期|断供|欠了|欠款|催收|崔收")
# 半年工资都没拿到: hard times named after the span.
_HARDSHIP_AFTER = re.compile(r"\s*(?:了\s*)?(?:的)?(?:工资都?没(?:拿到|发)|没工资|没收入|没活干?|没上班|没工作)")
# 十五天内 / 三天后: a deadline or a point in time, not a span that has passed.
# 一年下来 / 半年以来: over a span the money was held (interest piling up), not a term of installments.
_HELD_OVER_AFTER = re.compile(r"\s*(?:下来|以来|用下来|算下来)")
_DEADLINE_AFTER = re.compile(r"\s*(?:之?内|以内|之?后|以后|之?前|以前)")  # 两年前借过: a point in time too
# 一天万分之五 / 一天打二三十个电话: per day, not a span of one day.
_PER_DAY_AFTER = re.compile(r"\s*(?:万分|千分|百分|万[二两三四五六七八九]|[\d.]+\s*%|利息|利率|息)")
_OVERDUE_AFTER = re.compile(
    r"\s*(?:了\s*)?都?(?:没还|没有还|未还|还不上|还不起|没能还|没有还款|还没还|逾期|没交|断供|没还款)"
    # 借了两年逾期两个月, 分二十期 逾期到今天是十二天: that cue is the next span's
    r"(?!\s*(?:了|已经|都|有|快|整整|足足|差不多|大概|将近|到今天(?:是|为止)?|到现在(?:是|已经)?|至今)?\s*"
    r"(?:\d|[一二两三四五六七八九十半]))"
)
# 还了3期 / 第3期 / 3期后: periods already paid (for early repayment), not the loan's term.
# 3期后, 第5期的时候; 前面十期都是准时还的, 八期都还上了: periods already paid, not a term asked for
# 分了六期 都按时还完了, 分了十期还清了: a plan of the past, paid off (十期还完 alone is a term asked for)
_PAID_OFF_AFTER = re.compile(r"\s*(?:都)?(?:是)?(?:按时|准时|正常|按期)?(?:还|交)(?:完|清|上)了")
_PAID_AFTER = re.compile(
    r"\s*(?:后|之后|以后|的时候|了|都(?:是)?(?:按时|准时|正常|按期)?(?:还|交)(?:的|了|完|上|清)"
    r"|(?:是)?(?:按时|准时|正常|按期)(?:还|交)(?:的|了|上)?|还上了)"
)  # but 十期还完 is a term
# 一个月能还 / 一期还要一千六 / 一年五千 / 每个月: a rate of payment, not a span of time.
_PER_MONTH = re.compile(r"每\s*$")
_PER_PERIOD_AFTER = re.compile(
    r"\s*(?:能|还|最多|收入|工资|挣|赚|只能|可以|才|就|到手|要|得|只有|也就|大概|差不多|至少|房租|房贷|车贷|生活费|花|"
    r"流水|纯利润?|利润|净赚|"
    r"开销|交|付|给|多少|几|[\d一二两三四五六七八九十])"
)
_HARDSHIP = "hardship"
_DEFERRAL = "deferral"
# 先还半年利息 / 只还三个月的利息: interest only for a span, not a term.
_INTEREST_FOR_AFTER = re.compile(r"的?(?:利息|息)")
_INTEREST_ONLY_BEFORE = re.compile(r"(?:先|只|光)还\s*$")
# 十二个月还完 / 一年还清 / 一年半能还清不: the term of a plan.
_TERM_AFTER = re.compile(r"\s*(?:之?内)?(?:就|能|可以|才)?(?:还完|还清|结清)")
# 分二十四期每月一千, 18期 每月一千, 分成两年 每个月一千: a sum a month beside a term is a payment, not pay.
_TERM_BEFORE = re.compile(
    r"[\d一二两三四五六七八九十]+\s*期|分成?\W{0,3}[\d一二两三四五六七八九十半]+\s*(?:个月|年)"
    # 三个月结清, 一年半还完: a time to pay it all off is a term too
    r"|[\d一二两三四五六七八九十]+\s*(?:个月|年半?)\s*(?:内|之内)?\s*(?:还清|还完|结清|还上)"
)
# 按每月一千二 / 打算每个月两千 / 先缓三个月 然后每月1500: a payment offered, not pay.
_OFFERED_MONTHLY = re.compile(r"(?:按|打算|想|申请|准备|然后|之后|以后|再)\s*(?:每个?月|一个月)\s*$")
# 那 opening a message is "and what about" (那半年呢), not the 那 of 那半年 (a time of life).
_FOLLOW_UP_OPENING = re.compile(r"\s*那(?:么)?(?:如果|要是)?(?:我|是)?(?:逾期|拖到|拖|晚还)?\s*")

# Rates: per day, per month (×12 to a year) or per year; ``None`` names a rate without saying which.
_RATE_CUES = _cues(
    {
        "daily": r"日息|日利率|日利息|日费率|日利|每天|一天|每日|日|天",
        "monthly": r"月息|月利率|月利息|月费率|月利|每月利息",
        "annual": r"年化|年利率|年息|年利息|年费率|一年|每年|apr|年",
        None: r"利息|利率|费率|息",
    }
)
_RATE_AFTER = re.compile(r"\s*的?(?:利息|日息|利率|息)")


def _clause_before(text: str, start: int, width: int = 10, floor: int = 0) -> str:
    """The words before ``start`` in the same clause, at most ``width`` characters, none before ``floor``."""
    head = text[max(0, floor, start - width) : start]
    return _CLAUSE_BREAK.split(head)[-1]


def _window_before(text: str, start: int, floor: int = 0) -> str:
    """The ``_WINDOW`` characters before ``start``, across punctuation (逾期了，三个月), none before ``floor``."""
    return text[max(0, floor, start - _WINDOW) : start]


def _floor(spans: Iterable[Tuple[int, int]], start: int) -> int:
    """The end of the last number before ``start``: a cue before it belongs to that number."""
    return max((end for s, end in spans if end <= start), default=0)


# --- finders -------------------------------------------------------------------------------------


def find_rates(text: str) -> list[Entity]:
    """万分之五 / 0.05% / 日息万五 / 五厘 → ``daily_rate``; 年化18% / 月息2% → ``annual_rate`` (fractions of 1)."""
    found = []

    def kind_before(start: int) -> str | None:
        cue = _nearest(_clause_before(text, start, _WINDOW), _RATE_CUES)
        return cue[0] if cue else None

    for m in _RATE_FRACTION.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        value = n / (10000 if m.group("base") == "万" else 1000)
        kind = kind_before(m.start())
        if kind == "monthly":
            found.append(Entity("annual_rate", _whole(value * 12), m.start(), m.end()))
        else:
            found.append(Entity("annual_rate" if kind == "annual" else "daily_rate", _whole(value), m.start(), m.end()))
    for m in _RATE_PERCENT.finditer(text):
        n = parse_number(m.group("num") or m.group("cnum") or "")
        if n is None:
            continue
        kind = kind_before(m.start())
        if kind == "monthly":
            found.append(Entity("annual_rate", _whole(n * 12 / 100), m.start(), m.end()))
            continue
        if kind is None:  # no word says which: a daily rate is well below 1%, an annual one above it
            kind = "daily" if n < 1 else "annual"
        found.append(Entity(f"{kind}_rate", _whole(n / 100), m.start(), m.end()))
    for m in _RATE_LI.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        # 日息五厘 = 0.05% a day, 月息五厘 = 0.5% a month, 年息五厘 = 5% a year; alone, lenders mean a day.
        kind = kind_before(m.start())
        if kind == "monthly":
            found.append(Entity("annual_rate", _whole(n / 1000 * 12), m.start(), m.end()))
        elif kind == "annual":
            found.append(Entity("annual_rate", _whole(n / 100), m.start(), m.end()))
        else:
            found.append(Entity("daily_rate", _whole(n / 10000), m.start(), m.end()))
    for m in _RATE_WAN.finditer(text):
        n = parse_number(m.group("num"))
        if n is None:
            continue
        before = _clause_before(text, m.start(), _WINDOW)
        rate_cued = _nearest(before, _RATE_CUES) or _RATE_AFTER.match(text, m.end())
        money = _nearest(before, _AMOUNT_CUES)
        if rate_cued or not money:  # 借了万五 is 15000 yuan
            found.append(Entity("daily_rate", _whole(n / 10000), m.start(), m.end()))
    return found


def _duration_days(n: float, raw: str, unit: str, half: bool) -> int | float:
    if not math.isfinite(n):  # 400 digits: kept as inf for ``implausible`` to question (round would raise)
        return n
    if unit == "年":
        # a year is 365 days but half a year is six months of 30 days: 一年半 = 545
        whole_years = math.floor(n)
        return round(whole_years * 365 + (n - whole_years) * 360 + (180 if half else 0))
    days = n * _DAYS_PER_UNIT[unit]
    if unit == "个半月" or half:
        days += 15
    return round(days)


def _duration_months(n: float, unit: str, half: bool) -> float:
    months = n * 12 if unit == "年" else n
    if half:
        months += 6 if unit == "年" else 0.5
    if unit == "个半月":
        months += 0.5
    return months


def find_durations(text: str, numbers: Sequence[Tuple[int, int]] = ()) -> list[Entity]:
    """Loan terms (分12期, 借一年) as ``term_months``; periods already paid (还了3期, 已经还了一年) as
    ``paid_periods``; time overdue (逾期三个月, 半年没还了) as ``overdue_days``; time the money was held
    (用了两个月) or any other span as ``days``; a span of hard times (失业半年) as ``days`` with role
    ``hardship``, only when there is no other period. ``numbers``: spans of other numbers, which cut the
    search for cue words.
    """
    return _settle(_all_durations(text, numbers))


_WEAK = "_weak"  # internal: overdue only because the message is about being overdue


def _settle(durations: List[Entity]) -> List[Entity]:
    """Drops the readings a better one makes needless: a span overdue only because the message speaks of
    being overdue, when another span is said to be overdue (逾期八十多天…跑路半年); hard times (失业半年)
    when there is any period of the loan.
    """
    if any(e.entity == "overdue_days" and e.role is None for e in durations):
        durations = [e for e in durations if e.role != _WEAK]
    durations = [Entity(e.entity, e.value, e.start, e.end) if e.role == _WEAK else e for e in durations]
    if any(e.role != _HARDSHIP for e in durations):
        durations = [e for e in durations if e.role != _HARDSHIP]
    return durations


def _all_durations(text: str, numbers: Sequence[Tuple[int, int]]) -> List[Entity]:
    """Every reading of every span of time, including those ``_settle`` may drop."""
    found: List[Entity] = []
    overdue_in_message = bool(_OVERDUE_WORD.search(text))
    spans = list(numbers)
    for m in _DURATION.finditer(text):
        raw, unit, half = m.group("num"), m.group("unit"), bool(m.group("half"))
        if m.group("range"):
            raw = m.group("range")[0]
            n = parse_number(raw)
        else:
            n = 0.5 if raw == "半" else parse_number(raw)
        if n is None or n <= 0:
            continue
        if unit == "月" and _YEAR_BEFORE.search(text[: m.start()]):
            continue  # 去年三月借的: a month of the year, not three months
        if unit == "月" and text[m.start("unit") - 1].isspace():
            continue  # 交通两百 月还五百: 月 opens the next words (月还, 月入), it is no unit of this number
        unit = unit.lstrip("个") if unit.endswith(("星期", "礼拜")) else unit
        start, end = m.start(), m.end()
        floor = _floor(spans + [(e.start, e.end) for e in found], start)
        before = _window_before(text, start, floor)
        cue = _nearest(before, _DURATION_CUES)
        if cue is None and floor and text[end : end + 1] != "了":
            # 借了5000三个月: the 借 of the amount says how long it was borrowed too
            cue = _nearest(_window_before(text, start), _DURATION_CUES)
            cue = cue if cue and cue[0] == "term" else None
        kind = cue[0] if cue else None
        if kind == "paid" and unit != "期" and before.rstrip().endswith("第"):
            cue = _nearest(before.rstrip()[:-1], _DURATION_CUES)  # 逾期第8天: the eighth day overdue
            kind = cue[0] if cue else None
        if kind in (None, "term") and unit != "期" and _HELD_OVER_AFTER.match(text, end):
            kind = "held"  # 借了3w 一年下来利息要好几千: the money held a year, not twelve installments
        paid_off_after = kind is None and unit in _MONTH_UNITS and bool(_TERM_AFTER.match(text, end))
        if paid_off_after:
            kind = "term"
        if kind == "other" and _FOLLOW_UP_OPENING.fullmatch(text[:start]):
            kind = None  # 那半年呢: "and what about half a year", not "that half year"
        if kind in ("other", "life") or _PER_MONTH.search(before):
            continue  # 每个月 / 每3天: how often; 还剩六期, 这两年: no span of the loan
        overdue_right_before = kind == "overdue" and _FILLER_ONLY.fullmatch(before[cue[1] :])
        # 欠了三百一十一个月到手四千: 三百一十 and 一个月 (a rate of pay), not 311 months
        split_one = len(raw) >= 3 and raw.endswith("一") and kind not in ("term", "paid")
        if split_one and unit in ("天", "个月", "月", "年") and _PER_PERIOD_AFTER.match(text, end):
            continue
        direct = _nearest(before, _DURATION_CUES)  # 每月一千二 还一年: the term, not a rate of payment
        term_right_before = direct and direct[0] == "term" and _FILLER_ONLY.fullmatch(before[direct[1] :])
        if n == 1 and unit == "期" and _PER_PERIOD_AFTER.match(text, end):
            continue  # 一期还要一千六, 分期了 一期…: what each installment costs (nobody borrows in one installment)
        named_span = overdue_right_before or term_right_before or paid_off_after
        if n == 1 and unit in ("天", "个月", "月", "年") and not named_span:
            if _PER_PERIOD_AFTER.match(text, end):
                continue  # 一个月能还 / 一年五千: a rate of payment (逾期一个月还不上 is not)
            if unit == "天" and (kind is None or _PER_DAY_AFTER.match(text, end)):
                continue  # 一天万分之五, 一天打二三十个电话: per day
        if kind != "overdue" and unit != "期" and _DEADLINE_AFTER.match(text, end):
            continue  # 十五天内不还就起诉, 三天后: a deadline, not time that has passed
        if _INTEREST_ONLY_BEFORE.search(before) and _INTEREST_FOR_AFTER.match(text, end):
            continue  # 先还半年利息: interest only for a span, no term (借5000一年利息多少 is one)
        overdue_after = bool(_OVERDUE_AFTER.match(text, end))
        if unit == "期":
            if kind == "paid":
                found.append(Entity("paid_periods", _whole(n), start, end))
            elif kind == "overdue" or overdue_after:  # 逾期两期: two months behind
                found.append(Entity("overdue_days", _duration_days(n, raw, "个月", False), start, end))
            elif kind != "term" and _PAID_AFTER.match(text, end) or _PAID_OFF_AFTER.match(text, end):  # 3期后
                found.append(Entity("paid_periods", _whole(n), start, end))
            else:
                found.append(Entity("term_months", _whole(n), start, end))
            continue
        days = _duration_days(n, raw, unit, half)
        if days <= 0:
            continue
        if kind == _DEFERRAL and not overdue_after:
            found.append(Entity("days", days, start, end, _DEFERRAL))
        elif overdue_after or kind == "overdue":
            found.append(Entity("overdue_days", days, start, end))
        elif kind == "paid":  # 已经还了一年多: twelve monthly periods paid
            if unit in _MONTH_UNITS:
                found.append(Entity("paid_periods", _whole(math.floor(_duration_months(n, unit, half))), start, end))
        elif kind == "term" and unit in _MONTH_UNITS:
            found.append(Entity("term_months", _whole(_duration_months(n, unit, half)), start, end))
        elif kind == "hardship" or kind is None and _HARDSHIP_AFTER.match(text, end):
            found.append(Entity("days", days, start, end, _HARDSHIP))
        elif kind in ("held", "term"):  # 用了两个月, 借10000元365天: the calculator's days
            found.append(Entity("days", days, start, end))
        elif text[end : end + 1] == "了":  # no word of its own: 已经90天了, unless a span is said to be overdue
            found.append(Entity("overdue_days", days, start, end, _WEAK))
        elif overdue_in_message:  # a span in a message about being overdue, unless another span is
            found.append(Entity("overdue_days", days, start, end, _WEAK))
        else:
            found.append(Entity("days", days, start, end))
    return found


def _amount_role(text: str, start: int, end: int, floor: int) -> Tuple[str | None, bool, int, bool]:
    """The role of the amount at ``text[start:end]``, whether the words around make it money, where
    the words read after it end (a cue after one amount is not a cue before the next), and whether the role
    is only the guess for a sum per month (一个月一千五: pay, unless a term is beside it).

    In order: a fee asked in advance (先交三千手续费) is lost to a scam; a role word right before the
    number (月供1600, 能不能先付100) says what it is; so does 利息 right after it (要还一千多利息); in a
    message about a scam, money sent (转了八千到安全账户, 已经交了两千) is lost; then the nearest role word
    before; then words after (转了5000给骗子, 每个月3000收入); else no role: owed or borrowed.
    """
    before = _clause_before(text, start, _WINDOW, floor)
    cue = _nearest(before, _AMOUNT_CUES)
    role = cue[0] if cue else None
    cue_adjacent = bool(cue and _FILLER_ONLY.fullmatch(before[cue[1] :]))
    verb_before = _MONEY_VERB.search(before.rstrip())
    adjacent = cue_adjacent or bool(_QUANTITY_BEFORE.search(before) or verb_before)
    if role == "down_payment" and _ADVANCE_FEE_AFTER.match(text, end):
        return "lost", adjacent, end, False
    after_text = _CLAUSE_BREAK.split(text[end : end + 6])[0]
    after = next(((kind, end + m.end()) for kind, p in _AMOUNT_AFTER if (m := p.match(after_text))), None)
    if role == "income" and after and after[0] == "affordable" and text[after[1] - 2 : after[1]] == "出来":
        return "affordable", True, after[1], False  # 一个月能拿一千出来: taken out to pay, not earned
    if role == _PER_MONTH_ROLE and not cue_adjacent:
        role = None
    elif role == _PER_MONTH_ROLE:
        # 学费平均每月一千五: a cost named before 每月 in the same clause says what it is
        near = _clause_before(text, start, 14, floor)  # 能拿出来还款的一个月两千五: a longer look back
        named = _nearest(near, _BUDGET_CUES)
        if named:
            return named[0], True, end, False
        if after:
            return after[0], True, after[1], False
        # across the number of 分24期; 一年半还完行吗。。每月一千: the clause before too when 每月 opens its own
        preceding = _CLAUSE_BREAK.split(text[max(0, start - 14) : start])
        wide = preceding[-1] if len(preceding) < 2 or len(preceding[-1].strip()) > 4 else "".join(preceding[-3:])
        # 每个月1500 能分16期吗; 每个月八百，分十期还完: the next clause too when nothing follows the number in its own
        following = _CLAUSE_BREAK.split(text[end : end + 12])
        after_clause = following[0] if following[0].strip() or len(following) < 2 else following[1]
        beside_term = _TERM_BEFORE.search(wide) or _TERM_BEFORE.search(after_clause)
        beside_term = beside_term or _OFFERED_MONTHLY.search(near)
        return ("affordable" if beside_term else "income"), True, end, True
    if role not in (None, "paid") and cue_adjacent:
        return role, adjacent, end, False
    interest = _INTEREST_AFTER.match(text, end)
    # 要还一千多利息 is interest; 欠八千 罚息要多少 is a debt, then a question (a space ends a clause here)
    asked_next = cue_adjacent and text[end : end + 1].isspace()
    if interest and role is None and not asked_next:
        return "interest", True, interest.end(), False
    sent = verb_before or _SENT_AFTER.match(text, end)
    if sent and role not in _NOT_SENT_ROLES and _FRAUD_CONTEXT.search(text):
        return "lost", True, (after[1] if after and after[0] == "lost" else end), False
    fee = _FEE_AFTER.match(text, end)
    if fee and role is None:  # 收我三千块服务费: a charge asked, not a sum owed
        return "interest", True, fee.end(), False
    if role is not None:
        return role, adjacent, end, False
    if after and not cue_adjacent:  # 借了三千房租一千五: 房租 is the next one's
        return after[0], True, after[1], False
    # 剩下的一千块应该能拿出来: what is left over after costs, said as what they can pay, is no sum owed
    if after and after[0] == "affordable" and _LEFT_OVER_BEFORE.search(before) and _PAY_AFTER.match(text, end):
        return "affordable", True, after[1], False
    return None, adjacent, end, False


def find_amounts(text: str, taken: Sequence[Tuple[int, int]] = ()) -> list[Entity]:
    """Money: with a unit (元, 块, 万, w, k) or a magnitude (两千), or a bare number right by a money word
    (欠8000, 房租1500, 转了5000给骗子). ``taken``: spans already read as rates or durations (skipped).
    """
    found: List[Entity] = []
    read = list(taken)  # spans of numbers and the cue words read after them
    for m in _AMOUNT.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        unit, currency = m.group("unit"), m.group("cur")
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        role, cued, read_to, guessed = _amount_role(text, m.start(), end, _floor(read, m.start()))
        cued = cued or bool(_CORRECTION_BEFORE.search(text[max(0, m.start() - 10) : m.start()]))  # 其实是1200
        magnitude = unit or re.search("[万千百萬仟佰]", m.group("num"))
        if not magnitude and not currency and (not cued or not re.match(r"\d", m.group("num"))):
            continue  # a bare Chinese numeral below 100 is a count (一部分, 二三十个), not money
        n = parse_number(m.group("num"))
        if n is None or n <= 0:
            continue
        found.append(Entity("amount", _whole(round(_scale(n, unit), 2)), m.start(), end, role, guessed))
        read.append((m.start(), read_to))
    return found


Lexicon = Mapping[str, Mapping[str, Sequence[str]]]  # entity → canonical value → words


def find_keywords(text: str, lexicon: Lexicon) -> list[Entity]:
    """Words from a lexicon (hardship reasons, calculator requests; see data/lexicon/keywords.yml)."""
    found = []
    for entity, values in lexicon.items():
        if not isinstance(values, Mapping):  # a word list the extractor uses otherwise (family_members)
            continue
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


def not_quantities(text: str, lexicon: Lexicon | None = None) -> List[Tuple[int, int]]:
    """Spans of numbers that count nothing: dates (2023年, 2024年3月, 5月12号, 3月份) and the numbers of
    hotlines and service lines (打95384没人接, 400-…), listed in keywords.yml (``service_numbers``).
    """
    spans = [m.span() for m in _DATE.finditer(text)]
    listed = "|".join(re.escape(str(n)) for n in (lexicon or {}).get(SERVICE_NUMBERS) or [])
    numbers = rf"{listed}|[48]00\d{{7}}" if listed else r"[48]00\d{7}"  # 400 and 800 lines too
    dialled = re.compile(rf"(?<![\d.,])(?:{numbers})(?![\d.]|,\d)")  # 110,000 is money
    return spans + [m.span() for m in dialled.finditer(text) if not _UNIT_AFTER.match(text, m.end())]


def extract(text: str, lexicon: Lexicon | None = None) -> list[Entity]:
    """All entities in a normalised text. Dates and hotline numbers are set aside first (no quantity);
    then rates, durations, amounts, each skipping what an earlier one took, so 万分之五 is a rate and 三个月
    a duration, never an amount.
    """
    text = _UNIT_TAIL.sub(lambda m: "千" if m.group() == "k" else "万", text)  # 2k8, 1w5: same length
    text = text.replace("俩", "两")  # 快俩月了: spoken 两
    aside = not_quantities(text, lexicon)
    rates = [_heard(text, r) for r in resolve_overlaps(find_rates(text)) if _clear_of(r.start, r.end, aside)]
    taken = [(r.start, r.end) for r in rates] + aside
    # Other numbers (两万, 100) cut the cue search of durations after them: 欠了100，一期还要… is no overdue.
    money_spans = [(m.start(), m.end()) for m in _AMOUNT.finditer(text)]
    durations = [d for d in _all_durations(text, taken + money_spans) if _clear_of(d.start, d.end, taken)]
    # A span dropped as hard times (没工资十一天) still is no amount (十).
    amounts = find_amounts(text, taken + [(d.start, d.end) for d in durations])
    specific = rates + _settle(durations)
    keywords = find_keywords(text, lexicon) if lexicon else []
    family = (lexicon or {}).get(FAMILY_MEMBERS)
    if family:
        keywords = [_of_family(text, k, family) for k in keywords]
    amounts = _paid_once(text, _still_due(_principal_apart(text, amounts)))
    found = _corrected(text, resolve_overlaps(specific + amounts + keywords))
    not_yet = (lexicon or {}).get(NOT_YET_BEFORE)
    return [e for e in found if not (not_yet and _not_yet(text, e, not_yet))]


# 听说有人协商到日息0.03%, 网上说…: a rate heard of, not the user's own loan's (round four: a rumoured rate replaced the
# practice case's); the slots still take it (the calculator computes with it), the rehearsal does not.
_HEARD_BEFORE = re.compile(
    r"听(?:人家|别人|人)?(?:说|讲)|网上(?:说|看|查|有人)|别人|朋友(?:说|借)|同事说?|人家(?:说|讲|那)|据说|新闻(?:里|上)?说?|"
    r"(?:其他|别的|别)(?:平台|家)|有人(?:说|讲|协商|谈|申请)|(?:借呗|花呗|白条|京东|美团|招联|银行)(?:那边|那里|那儿|才|是|都)|"
    # 我猜, 好像是万五吧 记不清了: a guess, not a figure they know (the case's rate stands)
    r"我猜|好像|记不清|不记得"
)
HEARD = "heard"  # the role of a rate heard of (``_heard``)


# 听说…我的是万五, 别人万三 我万五: their own after all
_OWN_AFTER_HEARD = re.compile(r"我(?:的|这|合同|借的|那笔|现在)|我\s*(?:是|才|都|要)?\s*$")


def _heard(text: str, rate: Entity) -> Entity:
    clause = _CLAUSE_BREAK.split(text[: rate.start])[-1]
    heard = list(_HEARD_BEFORE.finditer(clause))
    own = heard and _OWN_AFTER_HEARD.search(clause, heard[-1].end())
    return replace(rate, role=HEARD) if heard and not own else rate


# 工资一千出头…其实是五千出头, 欠两万 说错了 是两万五: the number after the correction replaces the one before.
_CORRECTION_BEFORE = re.compile(
    r"(?:其实是|其实|说错了?|写错了?|打错了?|不对|更正|应该是|准确(?:地)?说)[，,:：\s]*"
    # 不对房租是2200, 说错了 最多800: the correction may name what it corrects
    r"(?:[^\d，,。！!？?\s]{1,4}?)?(?:是|应该是|有)?\s*$"
)


# 好的时候五千 差的时候三千 平均四千吧: the average stands for every figure of its kind before it.
_AVERAGE_BEFORE = re.compile(
    r"平均(?:下来|算下来|算|起来|一下)?(?:的话)?(?:一个月|每个?月)?(?:大概|差不多|也就|就)?(?:是|有|算)?\s*$"
)  # 平均一个月三千五 too
# 之前八千 现在只有五千了, 底薪六千 到手五千三: the figure as it is now, or in hand, stands for the one before it.
_NOW_BEFORE = re.compile(r"(?:现在|目前|如今|眼下|到手|实发|税后|实际(?:拿|到手)?)[^\d，,。！？!?]{0,14}$")
# 有时候七千有时候四千, 好的时候八千 差的时候三千: of figures that alternate, the lower is what can be counted on.
_ALTERNATE_BEFORE = re.compile(
    r"(?:有时候?|有的时候|好的时候|差的时候|多的时候|少的时候|旺季|淡季|忙的时候|闲的时候|单多|单少)"
    r"(?:的话)?(?:能|有|就|也就|才|只有|只能|能有|能拿)?(?:个|到)?\s*$"
)
# 不是九十天, 工资不是六千: a number the user says it is not (the one they correct, or the one read back wrongly).
# 没有五十天, 工资没有一万一, 你说成三万二千七了: the figure corrected, too (family correction, writer r).
_DENIED_BEFORE = re.compile(r"(?:不是(?:说)?|没有(?:那么|这么)?|(?:说|念|记|听|写|算)成)\s*$")
DENIED = "denied"  # the role of an amount the user says it is not (the rehearsal corrects what had that value)
GUESSED_ROLE = "guessed_role"  # in an entity dict: its role is only the guess for a sum per month (Entity.guessed)


def _corrected(text: str, found: List[Entity]) -> List[Entity]:
    """A number right after a correction takes the place (and the role) of the last one of its kind; an average
    takes the place of every one of its kind and role before it; a number said not to be (不是六千) is no
    duration or rate, and an amount with the role ``denied``.
    """
    out: List[Entity] = []
    for entity in found:
        earlier = [e for e in out if e.entity == entity.entity and e.role != DENIED]
        before = text[max(0, entity.start - 10) : entity.start]
        if _DENIED_BEFORE.search(before):
            if entity.entity == "amount":
                out.append(replace(entity, role=DENIED))
            continue
        last = earlier[-1] if earlier else None
        role = entity.role or (last.role if last else None)
        # 学费平均每月一千五 is one cost's average, not the average of every cost before it
        if last and _AVERAGE_BEFORE.search(before) and role != "expense":
            out = [e for e in out if not (e in earlier and e.role == role)]
            entity = replace(entity, role=role)
        elif last and last.role == entity.role and entity.entity == "amount" and _ALTERNATE_BEFORE.search(before):
            if _ALTERNATE_BEFORE.search(text[max(0, last.start - 10) : last.start]):
                out.remove(last)
                entity = entity if entity.value <= last.value else last
        elif last and last.role == entity.role and _NOW_BEFORE.search(_now_window(text, last, entity)):
            out.remove(last)
        elif earlier and _CORRECTION_BEFORE.search(before):
            replaced = earlier[-1]
            out.remove(replaced)
            entity = replace(entity, role=entity.role or replaced.role)
        out.append(entity)
    return out


def _now_window(text: str, last: Entity, entity: Entity) -> str:
    """The words between an earlier figure and this one (at most 18 characters before this one)."""
    return text[max(last.end, entity.start - 18) : entity.start]


FAMILY_MEMBERS = "family_members"  # keywords.yml: who, before a hardship, makes it the family's
SERVICE_NUMBERS = "service_numbers"  # keywords.yml: hotlines, never an amount or a count
FAMILY_CRISIS = "家庭变故"


def _of_family(text: str, keyword: Entity, family: Sequence[str]) -> Entity:
    """老婆没工作, 我妈住院: someone else's job or illness is a family crisis, not the user's own."""
    if keyword.entity != "hardship_reason" or keyword.value == FAMILY_CRISIS:
        return keyword
    if _family_before(tuple(family)).search(text[max(0, keyword.start - 8) : keyword.start]):
        return replace(keyword, value=FAMILY_CRISIS)
    return keyword


NOT_YET_BEFORE = "not_yet_before"  # keywords.yml: words before a hardship that make it feared, not told


def _not_yet(text: str, keyword: Entity, before: Sequence[str]) -> bool:
    """会不会被开除, 万一生病了: a hardship feared or supposed, not the user's own."""
    if keyword.entity != "hardship_reason":
        return False
    return bool(_not_yet_before(tuple(before)).search(text[max(0, keyword.start - 6) : keyword.start]))


@lru_cache(maxsize=4)
def _not_yet_before(words: Tuple[str, ...]) -> re.Pattern:
    return re.compile(rf"(?:{'|'.join(re.escape(w) for w in words)})(?:我|被|又|再|也|突然)?$")


@lru_cache(maxsize=4)
def _family_before(family: Tuple[str, ...]) -> re.Pattern:
    """A family member right before (老婆现在也没工作, 孩子生病住院), with no 我 or clause break between."""
    who = "|".join(re.escape(w) for w in family)
    return re.compile(rf"(?:{who})[^，。,!?！？\s我]{{0,4}}$")


# 2k8 = 2800, 1w5 = 15000: a k or w between digits is 千 or 万 with a last digit after it.
_UNIT_TAIL = re.compile(r"(?<=\d)[kw](?=\d(?![\d.]))")
_PRINCIPAL_BEFORE = re.compile(rf"本金{_FILLER}$")


def _still_due(amounts: List[Entity]) -> List[Entity]:
    """微粒贷还要还一千八 beside a monthly income it does not exceed is one installment (工资五千二); above
    it, or with no income told, it is what is still owed (微粒贷还要还两万 工资才三千).
    """
    incomes = [a.value for a in amounts if a.role == "income"]
    due = [a for a in amounts if a.role == "due"]
    if not due:
        return amounts
    return [
        replace(a, role="installment" if incomes and a.value <= max(incomes) else None) if a in due else a
        for a in amounts
    ]


# 一次性, 一次拿两万出来, 一口气: paid once; not 一次性还不上 or 没法一次性.
_ONCE = re.compile(
    r"(?<!没法)(?<!没办法)(?<!不能)(?<!不可能)(?:一次性|一次|一口气)(?!都|也)(?![^\s，。,!?！？]{0,3}[不没])"
)
_FIRST_PART = re.compile(r"首期|首付|头期")  # 首期我能付三千五: the first part, not the monthly sum
_PER_MONTH_BEFORE = re.compile(r"每个?月|一个月|每期|月供")
_IN_PARTS = re.compile(r"分[^，。,!?！？\s]{0,4}[次期]")
_DEBT_BEFORE = re.compile(r"(?:欠|总共|一共|总额|本金|连本带息|还剩|还差)[^\s，。,!?！？\d]{0,4}$")


def _paid_once(text: str, amounts: List[Entity]) -> List[Entity]:
    """凑了一万五 一次性还给你们, 拿出1w一次性还, 我一次拿两万出来: a sum whose clause (or the next one, when it
    opens with it) says it is paid once is a lump sum, not a month's pay and not the debt; 首期我能付三千五 is a
    down payment. A sum said as owed (总共欠三万二) or per month stays what it is.
    """
    out: List[Entity] = []
    for a in amounts:
        since = max([b.end for b in amounts if b.end <= a.start], default=0)  # the words since the last sum
        head = re.split(r"[，。,!?！？;；\s]", text[since : a.start])[-1]
        said_as_other = _PER_MONTH_BEFORE.search(head) or _DEBT_BEFORE.search(head)
        if a.role in (None, "affordable", "income") and not a.guessed and not said_as_other:
            tail = re.split(r"[，。,!?！？;；\s]", text[a.end :])
            after = tail[0] + (" " + tail[1] if len(tail) > 1 and _ONCE.match(tail[1]) else "")
            clause = head + text[a.start : a.end] + after
            in_parts = _IN_PARTS.search(clause + " " + " ".join(tail[1:2]))  # 一次两千 分十次: each part, not one sum
            if _FIRST_PART.search(head) and a.role != "income":
                a = replace(a, role="down_payment")
            elif _ONCE.search(clause) and not in_parts:
                a = replace(a, role="lump_sum")
        out.append(a)
    return out


def _principal_apart(text: str, amounts: List[Entity]) -> List[Entity]:
    """要还一万八 本金才一万五: with another sum owed in the message, the 本金 is the principal, so the
    sum owed (the amount slot takes amounts without a role) is not overwritten by it.
    """
    owed = [a for a in amounts if a.role is None]
    principal = [a for a in owed if _PRINCIPAL_BEFORE.search(text[max(0, a.start - 8) : a.start])]
    if not principal or len(principal) == len(owed):
        return amounts
    return [replace(a, role="principal") if a in principal else a for a in amounts]


# --- plausibility --------------------------------------------------------------------------------

# Limits beyond which a value is likely a typo or a misreading: still extracted, but worth a question. They
# also bound the calculator's work (a schedule of 10**20 periods never ends).
MAX_DAYS = 3650
MAX_DAILY_RATE = 0.01  # 1% a day
MAX_ANNUAL_RATE = 1
MAX_AMOUNT = 10_000_000
MIN_PERIODS, MAX_PERIODS = 1, 360  # installments: thirty years of months


def finite(value: Any) -> bool:
    """False for inf and nan (400 digits read as a float are inf), which no sum can use."""
    return not (isinstance(value, float) and not math.isfinite(value))


def implausible(entity: Union[Entity, Mapping[str, Any]]) -> str | None:
    """Why a found value is hard to believe, as a reason key (``days_too_long``, ``daily_rate_too_high``,
    ``annual_rate_too_high``, ``amount_too_large``, ``periods_out_of_range``, ``number_too_large``), or None.
    Takes an ``Entity`` or a Rasa entity dict. inf and nan are beyond every limit.
    """
    if isinstance(entity, Mapping):
        name, value = entity.get("entity"), entity.get("value")
    else:
        name, value = entity.entity, entity.value
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        return None
    if not finite(value):
        value = math.inf
    if name == "term_months" and not MIN_PERIODS <= value <= MAX_PERIODS:
        return "periods_out_of_range"
    if name == "paid_periods" and value > MAX_PERIODS:
        return "periods_out_of_range"
    if name in ("days", "overdue_days") and value > MAX_DAYS:
        return "days_too_long"
    if name == "daily_rate" and value >= MAX_DAILY_RATE:
        return "daily_rate_too_high"
    if name == "annual_rate" and value > MAX_ANNUAL_RATE:
        return "annual_rate_too_high"
    if name == "amount" and value > MAX_AMOUNT:
        return "amount_too_large"
    if value == math.inf:  # an income, a monthly amount: no limit of their own, but inf is no number to use
        return "number_too_large"
    return None
