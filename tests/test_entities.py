"""Entity finding and normalisation on normalised text (bot.entities), no Rasa involved."""

import pytest

from bot.entities import extract, parse_number
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
