"""The preparation pack (bot.prep, actions.prep.answer_to): each document's required parts, every number
one the user gave or the calculator computed, no personal number, and facts asked one at a time.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Set

import pytest
import yaml

from actions.prep import answer_to
from bot import hardship, knowledge, prep, privacy
from bot.config import ROOT
from bot.entities import extract
from bot.text import normalise

KB = knowledge.load(ROOT / "data" / "knowledge")
WORDS = KB.prep
# With no rate told, plans are worked at the top of the published range.
ASSUMED = KB.situation["hardship"]["assumed_daily_rate"]
FACTS = {
    "amount": 25000,
    "overdue_days": 35,
    "hardship_reason": ["失业"],
    "monthly_income": 3500,
    "monthly_expenses": 1500,
    "affordable_payment": 1500,
}


def numbers(text: str) -> Set[str]:
    """Every number in a text, thousands separators dropped (25,000 → 25000)."""
    text = re.sub(r"^\d+\. ", "", text, flags=re.M)  # a list's own numbering is no figure
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def allowed(facts: Dict[str, Any]) -> Set[str]:
    """What a document may say: the user's numbers, the calculator's, and the fixed facts its wording
    carries (hotlines, article days), which the knowledge data's sources vouch for.
    """
    given = {str(int(v)) if float(v).is_integer() else str(v) for k, v in facts.items() if isinstance(v, (int, float))}
    rate = facts.get("daily_rate") or ASSUMED
    need = hardship.periods_needed(facts["amount"], facts["affordable_payment"], facts.get("daily_rate"), ASSUMED)
    computed = {f"{rate * 100:g}"} | numbers(hardship.rate_values(rate, facts["amount"])["month_interest"])
    if need:
        payment = float(need["payment"])
        computed |= {str(need["n"]), f"{payment:.2f}".rstrip("0").rstrip("."), str(round(payment))}
        computed |= {f"{float(need['interest']):.2f}"}
    wording = numbers(str(WORDS))  # 95384, 12378, 110, 15 and 30 days, 20 days, 30-day periods
    sources = {n for s in KB.sources.values() for n in s.numbers} | numbers(
        " ".join(s.cite for s in KB.sources.values())
    )
    return given | computed | wording | sources


@pytest.mark.parametrize("kind", prep.KINDS)
def test_every_number_is_the_users_or_the_calculators(kind: str) -> None:
    for facts in (FACTS, {**FACTS, "daily_rate": 0.0005}, {**FACTS, "affordable_payment": 300}):
        doc = prep.build(KB, kind, facts)
        extra = numbers(doc.text) - allowed(facts)
        assert not extra, f"{kind}: numbers nobody gave or computed: {extra}"


@pytest.mark.parametrize("kind", prep.KINDS)
def test_no_personal_number_only_placeholders(kind: str) -> None:
    doc = prep.build(KB, kind, FACTS)
    assert privacy.mask(doc.text)[1] == []
    if kind != prep.SHEET:
        assert "【姓名】" in doc.text and "【签名】" in doc.text


def test_the_sheet_has_every_part_in_the_users_numbers() -> None:
    doc = prep.build(KB, prep.SHEET, {**FACTS, "daily_rate": 0.0005})
    headings = [s.heading for s in doc.sections]
    assert headings == [
        WORDS["sheet"][k]
        for k in (
            "situation_title",
            "plan_title",
            "fallback_title",
            "materials_title",
            "script_title",
            "channels_title",
        )
    ]
    situation, plan, fallbacks, materials, script, channels = doc.sections
    assert (
        "25,000" in situation.paragraphs[0] and "35 天" in situation.paragraphs[0] and "失业" in situation.paragraphs[0]
    )
    need = hardship.periods_needed(25000, 1500, 0.0005, ASSUMED)
    assert f"分 {need['n']} 期" in plan.paragraphs[0] and "总利息约" in plan.paragraphs[1]
    assert len(fallbacks.paragraphs) == 2
    assert any("离职证明" in item for item in materials.checklist), "materials tailored to job loss"
    assert "☐ " in doc.text
    assert [line.split("：")[0] for line in script.paragraphs] == [
        "开场",
        "说明原因",
        "报数字",
        "提方案",
        "问减免",
        "要书面确认",
    ]
    assert "95384" in " ".join(channels.paragraphs) and "12378" in " ".join(channels.paragraphs)


def test_the_assumed_rate_is_the_top_of_the_published_range() -> None:
    published = next(e for e in KB.entries if e.id == "faq_is_usury").answer
    low, high = re.search(r"(\d\.\d+)%–(\d\.\d+)%", published).groups()
    assert ASSUMED * 100 == float(high) > float(low)


def test_without_a_rate_the_sheet_plans_at_the_top_of_the_range_and_says_so() -> None:
    """25,000 at 1,500 a month: the periods with interest at 0.05% a day, the rate named as assumed."""
    plan = prep.build(KB, prep.SHEET, FACTS).sections[1].paragraphs
    need = hardship.periods_needed(25000, 1500, None, ASSUMED)
    assert need["n"] > 25000 / 1500, "interest adds periods"
    assert f"分 {need['n']} 期" in plan[0]
    assert f"{ASSUMED * 100:g}%" in plan[1] and "上限" in plan[1] and "合同" in plan[1] and "总利息约" in plan[1]
    assert "比这低" in plan[1], "what the real rate changes"


@pytest.mark.parametrize("kind", [prep.SHEET, "application"])
def test_no_plan_below_the_interest_without_a_rate(kind: str) -> None:
    """25,000 at 300 a month: 375 of interest a month at the top of the range, so no periods are proposed."""
    doc = prep.build(KB, kind, {**FACTS, "affordable_payment": 300})
    assert "分 84 期" not in doc.text and not re.search(r"分 \d+ 期", doc.text)
    if kind == prep.SHEET:
        assert "375" in doc.sections[1].paragraphs[0] and "0.05%" in doc.sections[1].paragraphs[0]


@pytest.mark.parametrize("owed", [3000, 8000, 25000, 46000, 120000])
@pytest.mark.parametrize("monthly", [200, 500, 1500, 4000])
def test_every_plan_proposed_without_a_rate_pays_the_debt_off_at_the_top_rate(owed: int, monthly: int) -> None:
    from bot import calculator as calc

    doc = prep.build(KB, prep.SHEET, {**FACTS, "amount": owed, "affordable_payment": monthly})
    said = re.search(r"分 (\d+) 期", doc.sections[1].paragraphs[0])
    if said is None:
        assert owed * ASSUMED * 30 >= monthly, "no periods only when the interest eats the payment"
        return
    schedule = calc.schedule(owed, calc.to_fraction(ASSUMED), int(said[1]), "equal_installment")
    assert schedule.first.payment <= monthly, f"{owed} in {said[1]} periods needs more than {monthly} a month"


def test_materials_follow_the_reason() -> None:
    ill = prep.build(KB, prep.SHEET, {**FACTS, "hardship_reason": ["疾病"]}).sections[3].checklist
    job = prep.build(KB, prep.SHEET, FACTS).sections[3].checklist
    assert ill != job and not any("离职" in item for item in ill)


def test_letters_have_their_required_parts() -> None:
    application = prep.build(KB, "application", FACTS).text
    assert "协商还款申请书" in application and "【借据号" in application and "25,000" in application
    complaint = prep.build(KB, "complaint", {})
    assert "12378" in complaint.text and complaint.sections[-1].table["columns"] == [
        "日期",
        "时间",
        "来电号码",
        "对方说了什么",
        "证据文件",
    ]
    objection = prep.build(KB, "objection", {})
    assert "第二十五条" in objection.text and "20 日" in objection.text and "报案回执" in objection.text
    # Offered to anyone: it says first that a true record is no error, and that no one can remove one.
    assert "删不掉" in objection.note and "5 年" in objection.note and objection.to_dict()["note"] == objection.note


def test_a_reason_said_twice_is_written_once() -> None:
    application = prep.build(KB, "application", {**FACTS, "hardship_reason": ["疾病", "疾病"]}).text
    assert "疾病、疾病" not in application and "原因是：疾病。" in application


def test_nothing_is_built_before_the_facts_it_needs() -> None:
    missing = {k: v for k, v in FACTS.items() if k != "monthly_income"}
    assert prep.next_question(WORDS, prep.SHEET, missing) == "monthly_income"
    with pytest.raises(ValueError):
        prep.build(KB, prep.SHEET, missing)
    assert prep.next_question(WORDS, "complaint", {}) is None


def test_questions_come_one_at_a_time_in_order() -> None:
    facts: Dict[str, Any] = {}
    asked = []
    while (question := prep.next_question(WORDS, prep.SHEET, facts)) is not None:
        asked.append(question)
        facts[question] = 1
    assert asked == list(prep.FACTS)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("帮我写个投诉信", "complaint"),
        ("征信异议申请", "objection"),
        ("协商还款申请书", "application"),
        ("准备单", "sheet"),
    ],
)
def test_the_document_asked_for(text: str, kind: str) -> None:
    assert prep.kind_of(WORDS, text) == kind


LEXICON = yaml.safe_load((ROOT / "data" / "lexicon" / "keywords.yml").read_text(encoding="utf-8"))


def message(text: str) -> Dict[str, Any]:
    """A message as the pipeline reads it: entities by the real extractor."""
    found = extract(normalise(text), LEXICON)
    return {"text": text, "entities": [{"entity": e.entity, "value": e.value, "role": e.role} for e in found]}


@pytest.mark.parametrize(
    "asked, text, expected",
    [
        ("amount", "两万五", {"amount": 25000}),
        ("monthly_income", "三千五左右", {"monthly_income": 3500}),
        ("affordable_payment", "一千五", {"affordable_payment": 1500}),
        ("overdue_days", "一个多月了", {"overdue_days": 30}),
        ("overdue_days", "还没逾期 下个月就还不上了", {"overdue_days": 0}),
        ("hardship_reason", "家里的事 不方便细说", {"hardship_reason": ["家里的事 不方便细说"]}),
        ("hardship_reason", "厂子倒了没活干", {"hardship_reason": ["收入下降"], "reason_text": "厂子倒了没活干"}),
        ("hardship_reason", "老婆住院了 我也病了", {"hardship_reason": ["家庭变故", "疾病"]}),  # hers, and mine
        ("hardship_reason", "我失业了", {"hardship_reason": ["失业"]}),
        ("monthly_expenses", "跳过", {"monthly_expenses": 0}),
    ],
)
def test_an_answer_fills_the_fact_asked(asked: str, text: str, expected: Dict[str, Any]) -> None:
    got = answer_to(asked, WORDS, message(text))
    assert {k: got.get(k) for k in expected} == expected, got


def test_the_documents_say_the_reason_in_the_users_words() -> None:
    doc = prep.build(KB, prep.SHEET, {**FACTS, "hardship_reason": ["收入下降"], "reason_text": "厂里不景气被裁了"})
    assert "还不上的原因是：厂里不景气被裁了" in doc.text and "收入下降" not in doc.sections[0].paragraphs[0]


def test_the_complaint_tells_what_the_user_said_the_collectors_did(kb: knowledge.Knowledge) -> None:
    told = prep.build(kb, "complaint", {"topics_raised": ["faq/family_calls", "faq/night_calls", "greet"]}).text
    assert "在夜间反复来电、打电话给与欠款无关的家人、亲友（【其他行为，在这里补充】）" in told
    blank = prep.build(kb, "complaint", {}).text
    assert "【具体行为，例如" in blank and "在夜间反复来电" not in blank
