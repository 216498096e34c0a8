"""Entity finding and normalisation on normalised text (bot.entities), no Rasa involved."""

import pytest

from bot.entities import Entity, bare_number, extract, implausible, parse_number
from bot.text import normalise

LEXICON = {
    "hardship_reason": {"失业": ["失业", "被裁"], "疾病": ["生病", "住院"], "家庭变故": ["家人生病"]},
    "calc_request": {"start": ["帮我算"], "table": ["每期明细"], "early": ["提前还", "提前还清"]},
}


def found(text: str) -> list:
    t = normalise(text)
    return [(e.entity, e.value, t[e.start : e.end], e.role) for e in extract(t, LEXICON)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("两万五", 25000), ("1.5万", 15000), ("25,000", 25000), ("2万5", 25000), ("2万5千", 25000),
        ("一千五", 1500), ("零点五", 0.5), ("十二", 12), ("千万", None), ("", None), ("abc", None),
        ("一万二", 12000), ("一万二千五", 12500), ("四千二", 4200), ("一点五万", 15000), ("万五", 15000),
        ("万一", None),
        # a range said with two neighbouring digits is its lower end
        ("七八千", 7000), ("十四五", 14), ("三四十", 30), ("一千五六", 1500), ("二三十万", 200000), ("一两千", 1000),
        ("三五百", 300), ("一百二三十", 120), ("十一二万", 110000),
    ],
)  # fmt: skip
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我借了两万五，逾期三个月了", [("amount", 25000, "两万五", None), ("overdue_days", 90, "三个月", None)]),
        ("欠了1.5万元", [("amount", 15000, "1.5万元", None)]),
        ("我欠了2.5w", [("amount", 25000, "2.5w", None)]),
        ("欠款25,000块", [("amount", 25000, "25,000块", None)]),
        ("3k", [("amount", 3000, "3k", None)]),
        ("工资2k8", [("amount", 2800, "2k8", "income")]),
        ("逾期快俩月了", [("overdue_days", 60, "俩月", None)]),
        ("欠1w5", [("amount", 15000, "1w5", None)]),
        ("日息万分之五", [("daily_rate", 0.0005, "万分之五", None)]),
        ("0.05%的日利率", [("daily_rate", 0.0005, "0.05%", None)]),
        ("日息五厘", [("daily_rate", 0.0005, "五厘", None)]),
        ("年化18%", [("annual_rate", 0.18, "18%", None)]),
        ("年化百分之十八", [("annual_rate", 0.18, "百分之十八", None)]),
        ("分12期", [("term_months", 12, "12期", None)]),
        ("借了一年", [("term_months", 12, "一年", None)]),
        ("逾期一个多月", [("overdue_days", 30, "一个多月", None)]),
        ("半年没还了", [("overdue_days", 180, "半年", None)]),
        ("已经90天了", [("overdue_days", 90, "90天", None)]),
        ("借10000元365天", [("amount", 10000, "10000元", None), ("days", 365, "365天", None)]),
        ("月收入三千，每个月最多还一千", [("amount", 3000, "三千", "income"), ("amount", 1000, "一千", "affordable")]),
        ("一个月能还500", [("amount", 500, "500", "affordable")]),
        ("逾期三個月了，欠兩萬", [("overdue_days", 90, "三个月", None), ("amount", 20000, "两万", None)]),
        ("还了3期想提前还清", [("paid_periods", 3, "3期", None), ("calc_request", "early", "提前还清", None)]),
        ("第5期后提前还", [("paid_periods", 5, "5期", None), ("calc_request", "early", "提前还", None)]),
        ("借2万分10期，帮我算", [
            ("amount", 20000, "2万", None), ("term_months", 10, "10期", None),
            ("calc_request", "start", "帮我算", None),
        ]),
        ("给我看每期明细", [("calc_request", "table", "每期明细", None)]),
        ("我失业了，家人生病住院", [
            ("hardship_reason", "失业", "失业", None),
            ("hardship_reason", "家庭变故", "家人生病", None),
            ("hardship_reason", "疾病", "住院", None),
        ]),
    ],
)  # fmt: skip
def test_extract(text: str, expected: list) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", ["千万不要逾期", "一点钱都没有", "我十分着急", "你好", "100", "一起去看看"])
def test_no_false_amounts(text: str) -> None:
    assert found(text) == []


RUN_ON = "借了微粒贷两万五分10期厂里停工三个月没工资已经逾期四十多天了"


@pytest.mark.parametrize(
    "text, expected",
    [
        # 1. 日息 after a number starts a rate: 8000 is the amount, not 8000 days.
        ("借8000日息0.04%分5期每期多少", [
            ("amount", 8000, "8000", None), ("daily_rate", 0.0004, "0.04%", None), ("term_months", 5, "5期", None),
        ]),
        ("借一万年化36%", [("amount", 10000, "一万", None), ("annual_rate", 0.36, "36%", None)]),
        ("借5000月息2%", [("amount", 5000, "5000", None), ("annual_rate", 0.24, "2%", None)]),
        ("借了5000块用了两个月", [("amount", 5000, "5000块", None), ("days", 60, "两个月", None)]),
        # 2. Colloquial numbers and rates.
        ("日息万五", [("daily_rate", 0.0005, "万五", None)]),
        ("万五", [("daily_rate", 0.0005, "万五", None)]),
        ("日息万三点五", [("daily_rate", 0.00035, "万三点五", None)]),
        ("五厘", [("daily_rate", 0.0005, "五厘", None)]),
        ("月息五厘", [("annual_rate", 0.06, "五厘", None)]),
        ("借了万五", [("amount", 15000, "万五", None)]),
        ("欠了两千多", [("amount", 2000, "两千多", None)]),
        ("借了一万二", [("amount", 12000, "一万二", None)]),
        ("欠一万二千五", [("amount", 12500, "一万二千五", None)]),
        ("借了3w", [("amount", 30000, "3w", None)]),
        ("借了3W", [("amount", 30000, "3w", None)]),
        ("欠1.2w", [("amount", 12000, "1.2w", None)]),
        ("欠1.2万", [("amount", 12000, "1.2万", None)]),
        ("欠了两万五三个月了", [("amount", 25000, "两万五", None), ("overdue_days", 90, "三个月", None)]),
        ("逾期一个半月", [("overdue_days", 45, "一个半月", None)]),
        ("逾期一年半", [("overdue_days", 545, "一年半", None)]),
        ("借了一年半", [("term_months", 18, "一年半", None)]),
        ("用了两个月", [("days", 60, "两个月", None)]),
        ("已经逾期四十多天了", [("overdue_days", 40, "四十多天", None)]),
        ("逾期三个多月", [("overdue_days", 90, "三个多月", None)]),
        # 4. Overdue, installments, other spans.
        ("逾期两个月", [("overdue_days", 60, "两个月", None)]),
        ("借了两年逾期两个月", [("term_months", 24, "两年", None), ("overdue_days", 60, "两个月", None)]),
        ("分十期", [("term_months", 10, "十期", None)]),
        ("10期", [("term_months", 10, "10期", None)]),
        ("逾期两期了", [("overdue_days", 60, "两期", None)]),
        ("3期没还", [("overdue_days", 90, "3期", None)]),
        ("逾期了，大概三个月", [("overdue_days", 90, "三个月", None)]),
        (RUN_ON, [
            ("amount", 25000, "两万五", None), ("term_months", 10, "10期", None),
            ("overdue_days", 40, "四十多天", None),
        ]),
        ("失业半年了", [("hardship_reason", "失业", "失业", None), ("days", 180, "半年", "hardship")]),
        ("失业半年了，逾期了两个月", [("hardship_reason", "失业", "失业", None), ("overdue_days", 60, "两个月", None)]),
        ("住院一个月，逾期二十天", [("hardship_reason", "疾病", "住院", None), ("overdue_days", 20, "二十天", None)]),
        ("一个月到手四千二", [("amount", 4200, "四千二", "income")]),
        ("一期还要一千六", [("amount", 1600, "一千六", "installment")]),
        ("微粒贷每月还2200 实在还不起了", [("amount", 2200, "2200", "installment")]),  # what is due, not affordable
        ("分期了 一期还要一千六", [("amount", 1600, "一千六", "installment")]),  # found by the property test
        ("还有孩子上学", []),  # a cost, not a family crisis
        ("借5000一年利息多少", [("amount", 5000, "5000", None), ("term_months", 12, "一年", None)]),
        ("万一逾期了怎么办", []),
        # 那 opening a follow-up is "and what about", so the span is kept (reply.retimed makes it overdue)
        ("那半年呢", [("days", 180, "半年", None)]), ("那一周呢", [("days", 7, "一周", None)]),
        ("那要是拖到一个月呢", [("overdue_days", 30, "一个月", None)]),  # 拖到: time overdue, like 拖了
        # a fee asked by an agent is no sum owed
        ("收我三千块服务费 靠谱吗", [("amount", 3000, "三千块", "interest")]),
        ("要还一千多利息", [("amount", 1000, "一千多", "interest")]),
        ("借了3w 我算的每天要多出十五块", [("amount", 30000, "3w", None), ("amount", 15, "十五块", "interest")]),
        # …but a debt followed by a question about the penalty is the debt
        ("逾期两个月了 欠八千 罚息要多少", [("overdue_days", 60, "两个月", None), ("amount", 8000, "八千", None)]),
        # English words after a number are no money unit; a delay asked for is no time overdue
        ("i missed my payment 2 weeks ago", []),
        ("欠两万多能不能先缓两个月再说", [("amount", 20000, "两万多", None), ("days", 60, "两个月", "deferral")]),
    ],
)  # fmt: skip
def test_extract_run_on_and_colloquial(text: str, expected: list) -> None:
    assert found(text) == expected


def test_the_run_on_message_has_no_overdue_from_the_hardship_span() -> None:
    overdue = [v for e, v, _, _ in found(RUN_ON) if e == "overdue_days"]
    assert overdue == [40]


@pytest.mark.parametrize(
    "text, value, role",
    [
        ("已经还了三千", 3000, "paid"), ("还了5000了", 5000, "paid"), ("这笔5000已经还了", 5000, "paid"),
        ("先还两千剩下的分期", 2000, "down_payment"), ("首付三千", 3000, "down_payment"),
        ("能不能先付1000", 1000, "down_payment"),
        ("房贷每个月三千", 3000, "expense"), ("房租1500", 1500, "expense"), ("车贷两千", 2000, "expense"),
        ("生活费一千五", 1500, "expense"), ("孩子学费一年五千", 5000, "expense"), ("花销两千", 2000, "expense"),
        ("一千五的房租", 1500, "expense"),
        ("一期还要一千六", 1600, "installment"), ("每期要还1600", 1600, "installment"),
        ("月供1600", 1600, "installment"),
        ("每个月要还两千", 2000, "installment"),
        ("转了5000给骗子", 5000, "lost"), ("被骗了三千", 3000, "lost"), ("骗子让我转了5000", 5000, "lost"),
        ("每个月最多能还一千", 1000, "affordable"), ("只能还800", 800, "affordable"),
        ("一个月到手四千二", 4200, "income"), ("工资3500", 3500, "income"), ("月收入五千", 5000, "income"),
        ("每个月只有3000收入", 3000, "income"), ("一个月也就五千出头", 5000, "income"), ("月入6k", 6000, "income"),
        ("其实纯利润就三千", 3000, "income"), ("每个月一千五左右", 1500, "income"),
        ("我每个月3000能还吗", 3000, "affordable"),
        ("孩子托管费八百", 800, "expense"), ("要给家里一千五", 1500, "expense"), ("给老人寄一千", 1000, "expense"),
        ("信用卡最低还款1.5k", 1500, "expense"), ("微粒贷每月一千二", 1200, "installment"),
        ("每个月微粒贷还要还两千一", 2100, "installment"), ("本来每月还三千", 3000, "installment"),
        ("两个孩子学费平均每月一千五", 1500, "expense"),
        ("欠了两万", 20000, None), ("还欠8000", 8000, None), ("还款8000", 8000, None),
        # 万一 after a space is "in case", not 8,000,000 (found by cross-validation's parses)
        ("好不容易谈下来每月还八百 万一下个月不认了咋办", 800, "affordable"), ("欠了三千 万一起诉我呢", 3000, None),
    ],
)  # fmt: skip
def test_amount_roles(text: str, value: int, role: str | None) -> None:
    amounts = [(v, r) for e, v, _, r in found(text) if e == "amount"]
    assert amounts == [(value, role)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # In run-on text the nearest cue wins, and a cue belongs to the first number after it.
        ("工资3500房租1500每个月最多能还1000", [(3500, "income"), (1500, "expense"), (1000, "affordable")]),
        ("欠了两万已经还了一万二还剩八千", [(20000, None), (12000, "paid"), (8000, None)]),
        ("每个月最多能还一千转了5000给骗子", [(1000, "affordable"), (5000, "lost")]),
        ("每个月要还两千但我只能还八百", [(2000, "installment"), (800, "affordable")]),
        ("借了三千房租一千五", [(3000, None), (1500, "expense")]),
        ("月收入五千房贷每月两千先还两千剩下的分期", [(5000, "income"), (2000, "expense"), (2000, "down_payment")]),
        # the sum owed keeps the amount slot; the principal said beside it is told apart
        ("今天一查要还一万八 本金才一万五", [(18000, None), (15000, "principal")]),
        ("本金一万五日息万五", [(15000, None)]),
        ("老公住院医药费每月三千多 我工资五千二 微粒贷还要还一千八 还欠一万四",
         [(3000, "expense"), (5200, "income"), (1800, "installment"), (14000, None)]),
        ("微粒贷还要还两万 每个月工资才三千", [(20000, None), (3000, "income")]),  # above the income: still owed
        # another lender's monthly payment is a fixed cost, not the debt (from a borrower probe)
        ("工资才四千二 房租一千五 还有花呗分期八百 微粒贷每个月要还二千三",
         [(4200, "income"), (1500, "expense"), (800, "expense"), (2300, "installment")]),
        ("开网店的 一个月流水看着多其实纯利润就三千 店铺仓库租金一千五 微粒贷每期两千一 欠了三万六",
         [(3000, "income"), (1500, "expense"), (2100, "installment"), (36000, None)]),
        # a sum said to be paid once is a lump sum, in its clause or the next (round three: "一次性还一万五" became
        # 15,000 a month); money paid before the call is paid, and one more sum now a down payment
        ("欠三万左右 我一次性还一万五 剩下的免了吧", [(30000, None), (15000, "lump_sum")]),
        ("总共欠你们三万二 我现在手上只有两万 一次性给你们", [(32000, None), (20000, "lump_sum")]),
        ("欠两万 没法一次性还清", [(20000, None)]),
        ("一次两千 分十次还", [(2000, None)]),
        ("首期我能付三千五 以后每个月七百", [(3500, "down_payment"), (700, "affordable")]),
        ("前天已经转了一千五 今天再还一千", [(1500, "paid"), (1000, "down_payment")]),
    ],
)  # fmt: skip
def test_amount_roles_in_run_on_text(text: str, expected: list) -> None:
    assert [(v, r) for e, v, _, r in found(text) if e == "amount"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8000", 8000), ("八千", 8000), ("两万五", 25000), ("3w", 30000), ("3W", 30000), ("3k", 3000),
        ("1.2万", 12000), ("8000元", 8000), (" 两千多块 ", 2000), ("大概两万左右", 20000), ("一万二", 12000),
        ("兩萬五", 25000), ("８０００", 8000),
        ("", None), ("你好", None), ("3期", None), ("三个月", None), ("借了8000", None),
    ],
)  # fmt: skip
def test_bare_number(text: str, expected: float | None) -> None:
    assert bare_number(text) == expected


@pytest.mark.parametrize(
    "entity, value, reason",
    [
        ("days", 3651, "days_too_long"), ("overdue_days", 8000, "days_too_long"), ("days", 3650, None),
        ("daily_rate", 0.01, "daily_rate_too_high"), ("daily_rate", 0.0098, None),
        ("annual_rate", 1.2, "annual_rate_too_high"), ("annual_rate", 1, None), ("annual_rate", 0.36, None),
        ("amount", 10_000_001, "amount_too_large"), ("amount", 10_000_000, None), ("amount", 8000, None),
        ("term_months", 360, None), ("term_months", 1, None), ("term_months", 361, "periods_out_of_range"),
        ("term_months", 480, "periods_out_of_range"), ("term_months", 0.5, "periods_out_of_range"),
        ("term_months", 10**20, "periods_out_of_range"), ("paid_periods", 500, "periods_out_of_range"),
        ("paid_periods", 3, None), ("amount", float("inf"), "amount_too_large"),
        ("amount", float("nan"), "amount_too_large"), ("daily_rate", float("nan"), "daily_rate_too_high"),
        ("days", float("inf"), "days_too_long"), ("hardship_reason", "失业", None),
    ],
)  # fmt: skip
def test_implausible(entity: str, value: object, reason: str | None) -> None:
    assert implausible(Entity(entity, value, 0, 1)) == reason
    assert implausible({"entity": entity, "value": value}) == reason


def test_implausible_values_are_still_extracted() -> None:
    assert found("借8000天") == [("days", 8000, "8000天", None)]
    assert [implausible(e) for e in extract(normalise("日息2%"))] == ["daily_rate_too_high"]
    assert [implausible(e) for e in extract(normalise("分99999999999999999999期"))] == ["periods_out_of_range"]


@pytest.mark.parametrize(
    "text, reason",
    [("借了" + "1" * 400 + "元", "amount_too_large"), ("借" + "9" * 400 + "天", "days_too_long"),
     ("逾期" + "9" * 400 + "期", "days_too_long")],
)  # fmt: skip
def test_four_hundred_digits_are_questioned_not_a_crash(text: str, reason: str) -> None:
    assert [implausible(e) for e in extract(normalise(text))] == [reason]


@pytest.mark.parametrize(
    "text, reasons",
    [
        ("老婆没工作 我一个人挣钱", ["家庭变故"]), ("我妈住院了 花了好多钱", ["家庭变故"]),
        ("老公现在也没工作", ["家庭变故"]), ("我被裁了 老婆孩子都靠我", ["失业"]),
        ("我老婆孩子都靠我 我被裁了", ["失业"]), ("住院了 我妈在照顾我", ["疾病"]),
    ],
)  # fmt: skip
def test_someone_elses_hardship_is_the_familys(text: str, reasons: list) -> None:
    import yaml

    from bot.config import ROOT

    lexicon = yaml.safe_load((ROOT / "data" / "lexicon" / "keywords.yml").read_text(encoding="utf-8"))
    found = [e.value for e in extract(normalise(text), lexicon) if e.entity == "hardship_reason"]
    assert sorted(set(found)) == reasons


@pytest.mark.parametrize(
    "text, reasons",
    [
        ("逾期三个月了 会被开除吗", []), ("我会不会被辞退啊", []), ("怕失业 不敢跟家里说", []),
        ("万一我生病了怎么办", []), ("公司要是倒闭了还得还吗", []),
        ("被开除了 还不上", ["失业"]), ("去年被裁员了", ["失业"]), ("我失业了 怕还不上", ["失业"]),
    ],
)  # fmt: skip
def test_a_hardship_feared_or_supposed_is_not_the_users(text: str, reasons: list) -> None:
    import yaml

    from bot.config import ROOT

    lexicon = yaml.safe_load((ROOT / "data" / "lexicon" / "keywords.yml").read_text(encoding="utf-8"))
    found = [e.value for e in extract(normalise(text), lexicon) if e.entity == "hardship_reason"]
    assert sorted(set(found)) == reasons


KEYWORDS = {**LEXICON, "service_numbers": [95384, 12378, 110, 120]}


@pytest.mark.parametrize(
    "text, expected",
    [
        # a hotline dialled, a date, a count of calls: none of them is money or a span (family number_roles)
        ("欠了两万五 逾期40天了 打95384没人接", [("amount", 25000), ("overdue_days", 40)]),
        ("欠了3w 我打了110", [("amount", 30000)]),
        ("这个4009998888是你们的号码吗 我欠3000", [("amount", 3000)]),
        ("我2023年借的两万 现在还不上", [("amount", 20000)]),
        ("2024年3月借了8000 逾期了", [("amount", 8000)]),
        ("每月15号还款 欠了8000 逾期3个月", [("amount", 8000), ("overdue_days", 90)]),
        ("借款金额3500 今天是逾期第8天 我打了3遍客服", [("amount", 3500), ("overdue_days", 8)]),
        ("我欠他们9600 逾期二十天了", [("amount", 9600), ("overdue_days", 20)]),
        # the same numbers with a unit are quantities after all
        ("逾期110天了 欠5000", [("overdue_days", 110), ("amount", 5000)]),
        ("借了120块", [("amount", 120)]),
    ],
)
def test_hotlines_dates_and_counts_are_no_quantities(text: str, expected: list) -> None:
    t = normalise(text)
    assert [(e.entity, e.value) for e in extract(t, KEYWORDS)] == expected


def money(value: float, role: str | None = None) -> tuple:
    return ("amount", value, role)


@pytest.mark.parametrize(
    "text, expected",
    [
        # from a borrower probe: 月入 is income, not "二月"; a correction replaces the number before it
        ("欠了四万二 月入五千出头 每个月能还1200", [money(42000), money(5000, "income"), money(1200, "affordable")]),
        (
            "欠了3w 月入4500 房租1200 吃饭啥的1500",
            [money(30000), money(4500, "income"), money(1200, "expense"), money(1500, "expense")],
        ),
        ("我一个月工资一千出头的话肯定不够 其实是五千出头", [money(5000, "income")]),
        ("欠了两万 说错了 是两万五", [money(25000)]),
        ("每个月800行不行", [money(800, "affordable")]),
        # family budget_roles: money sent home is a cost; 月 after a space opens 月还; 其实是 makes money
        ("老人那边每月给一千 每个月最多能拿出三千还", [money(1000, "expense"), money(3000, "affordable")]),
        ("吃饭一千 交通两百 月还五百可以吗", [money(1000, "expense"), money(200, "expense"), money(500, "affordable")]),
        ("一个月能还1500 哦不 其实是1200", [money(1200, "affordable")]),
        ("一个月能跑八千 往老家打一千", [money(8000, "income"), money(1000, "expense")]),
        # a year of interest piling up is the money held a year, not twelve installments
        ("日息万五 借了3w 一年下来利息要好几千", [("daily_rate", 0.0005, None), money(30000), ("days", 365, None)]),
        # family budget_roles, writer c: 顶多还, 能拿来还的, 实发 and a correction that names what it corrects
        ("每月顶多还八百 欠款一万二", [money(800, "affordable"), money(12000)]),
        ("工资五千三 能拿来还的就一千五", [money(5300, "income"), money(1500, "affordable")]),
        ("实发9500 房贷4000", [money(9500, "income"), money(4000, "expense")]),
        ("房租2500 不对房租是2200 吃饭1500", [money(2200, "expense"), money(1500, "expense")]),
        ("每月能还1000 哦不对 说错了 最多800", [money(800, "affordable")]),
        # issue #21: a plan offered in a call, the term in the next clause, is a payment, not pay
        ("每个月八百，分十期还完", [money(800, "affordable"), ("term_months", 10, None)]),
        ("每个月三千六，房租一千", [money(3600, "income"), money(1000, "expense")]),
        # family plan_offered, writer a: taken out to pay is no income; a time to pay it all off is a term
        ("一个月能拿一千出来 分二十期行不行", [money(1000, "affordable"), ("term_months", 20, None)]),
        ("每个月三千，三个月结清吧", [money(3000, "affordable"), ("term_months", 3, None)]),
        ("一年半还完行吗。。每月一千", [("term_months", 18, None), money(1000, "affordable")]),
        # issue #21: a time of life is no time overdue (在厂里干了五年 became 1,825 days overdue)
        ("在厂里干了五年 被裁了三个月", [("hardship_reason", "失业", None), ("days", 90, "hardship")]),
        ("我上班五年了 这是第一次逾期", []),
        # family durations_measured, writer c: a month of the year; the cue after a span is the next span's
        ("去年三月借的五万 分十二期", [money(50000), ("term_months", 12, None)]),
        ("工地停了歇到现在快四个月 逾期整整三个月了", [("overdue_days", 90, None)]),
        ("去年8月借的分二十期 逾期到今天是十二天", [("term_months", 20, None), ("overdue_days", 12, None)]),
        # families income_answer and correction (issue #21): an average stands for the figures before it; a figure
        # said not to be is marked (the rehearsal corrects what was heard as it) or, a span, dropped; 能还的话八百
        ("好的时候五千 差的时候三千 平均四千吧", [money(4000)]),
        ("每月底薪三千 加提成 平均下来四千吧", [money(4000, "income")]),
        ("不是四千 我说的是三千四", [money(4000, "denied"), money(3400)]),
        ("欠的是两万五不是两万", [money(25000), money(20000, "denied")]),
        ("逾期三十五天，不是九十天", [("overdue_days", 35, None)]),
        # family correction, writer r: 没有 and 说成 name the figure corrected too; 是我工资 after a sum says what it is
        ("工资没有一万一 我说的是四千一", [money(11000, "denied"), money(4100)]),
        ("是三万七千二 你说成三万二千七了", [money(37200), money(32700, "denied")]),
        ("两千是我工资 能还的只有五百", [money(2000, "income"), money(500, "affordable")]),
        ("一个月三千八 能还的话八百吧", [money(3800, "income"), money(800, "affordable")]),
        # issue #21: what is left over after costs, said as what they can pay, is no sum owed; 还剩 still is
        ("吃饭买药一个月一千多 剩下的一千块应该能拿出来吧", [money(1000, "expense"), money(1000, "affordable")]),
        ("剩下一千能还", [money(1000, "affordable")]),
        ("还剩一万能还吗", [money(10000)]),
        ("剩下两万能分期吗", [money(20000)]),
        # round three: 期数 after a sum is the word "number of periods", not 1,100 installments
        ("每个月还1100 期数拉长点", [money(1100, "affordable")]),
        ("分12期", [("term_months", 12, None)]),
        # family rough_numbers, writer a (round four: 分个十四五期 was 4 installments); 每个月先还 is a sum a month
        ("分个十四五期行不", [("term_months", 14, None)]),
        ("逾期一两个月了", [("overdue_days", 30, None)]),
        ("逾期一百二三十天了", [("overdue_days", 120, None)]),
        ("能不能每个月先还五六百", [money(500, "affordable")]),
        ("每月可还款1200元左右", [money(1200, "affordable")]),
        # families income_answer and correction, writers a and c: of alternating figures the lower, of a figure before
        # and now the one now, of a base pay and the pay in hand the one in hand
        # family budget_roles, writer r: owed all told is no interest; 可用于还款 is what they can pay; costs by name
        ("本金加利息一共九千七", [money(9700)]),
        ("每月可用于还款约2000元", [money(2000, "affordable")]),
        ("药钱就四百多 欠款六千五", [money(400, "expense"), money(6500)]),
        ("饭钱五百 吃住一千二 幼儿园八百", [money(500, "expense"), money(1200, "expense"), money(800, "expense")]),
        ("唉 收入不稳定 跑滴滴的 有时候七千有时候四千", [money(4000)]),
        ("之前八千 现在公司降薪了 只有五千了", [money(5000)]),
        ("好的时候一个月五千 平均一个月三千五", [money(3500, "income")]),
        ("房贷三千五 两个孩子学费平均每月一千五", [money(3500, "expense"), money(1500, "expense")]),
        # families rate_heard_in_call and history_not_plan, writer a (round four: a rumoured rate replaced the case's,
        # a past plan was read as the plan offered): a rate heard of has the role "heard"; periods paid are no term
        ("听说能降到万三", [("daily_rate", 0.0003, "heard")]),
        ("我这笔日息万四 我朋友说他才万三", [("daily_rate", 0.0004, None), ("daily_rate", 0.0003, "heard")]),
        ("别人万三 我万五", [("daily_rate", 0.0003, "heard"), ("daily_rate", 0.0005, None)]),
        ("前面八期都按时还了的", [("paid_periods", 8, None)]),
        ("上次分了十期还清了 这次想分十二期", [("paid_periods", 10, None), ("term_months", 12, None)]),
        ("每个月一千 十期还完", [money(1000, "affordable"), ("term_months", 10, None)]),
        ("工资不是六千 是底薪六千 到手只有五千三", [money(6000, "denied"), money(5300, "income")]),
    ],
)  # fmt: skip
def test_numbers_bound_to_their_clause(text: str, expected: list) -> None:
    t = normalise(text)
    assert [(e.entity, e.value, e.role) for e in extract(t, KEYWORDS)] == expected
