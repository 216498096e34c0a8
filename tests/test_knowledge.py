"""The knowledge data: complete, sourced, never inventing numbers, never asking for secrets."""

import re
from pathlib import Path

import pytest
import yaml

from bot import knowledge
from bot.config import ROOT
from tests.conftest import SEEDS

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
GENERIC = {"inform_situation", "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope"}
TOPIC_INTENTS = [i for i in DOMAIN["intents"] if i not in GENERIC]

# Every number of three or more digits the bot may say, and where it comes from.
ALLOWED_NUMBERS = {
    "95384": "微众银行 hotline (facts.md)",
    "12378": "金融监管总局 complaints hotline (facts.md)",
    "12363": "人民银行 line (facts.md)",
    "110": "police (facts.md)",
    "1825": "interest on 1 万 at 0.05%/day for a year (seed 000)",
    "365": "days in a year (seed 000's ×365)",
    "2018": "year of the 2018 collection convention (facts.md)",
    "2020": "法释〔2020〕17号 (facts.md)",
    "2024": "year of the 2024 collection guideline (facts.md)",
    "100": "the rehearsal's score is out of 100 (our scale, data/knowledge/roleplay.yml)",
}
SECRET_REQUEST = re.compile(r"(提供|告诉我|发给我|发我|输入|报一下|发一下|填写).{0,8}(身份证号|卡号|密码|验证码)")


def all_user_facing_text(kb: knowledge.Knowledge) -> list:
    texts = []
    for e in kb.entries:
        texts += [e.title, e.summary, e.note, *[i.text for i in e.items]]
    texts += [s.cite for s in kb.sources.values()]
    texts += list(kb.topics.values()) + list(kb.replies.values())
    texts += [v for v in kb.situation.values() if isinstance(v, str)] + list(kb.situation["facts"].values())
    texts += [v for v in kb.calculator.values() if isinstance(v, str)]
    texts += list(kb.calculator["buttons"].values()) + list(kb.calculator["ask"].values())
    rp = kb.roleplay
    texts += [rp["intro"], rp["ask_difficulty_again"], *rp["facts"].values(), *rp["plan"].values()]
    texts += [*rp["debrief"].values(), *[t for i in rp["rubric"] for t in (i["label"], i["tip"])]]
    texts += [v for line in rp["lines"].values() for v in (line.values() if isinstance(line, dict) else [line])]
    for variants in DOMAIN["responses"].values():
        texts += [v["text"] for v in variants]
    return texts


def test_data_has_no_problems(kb: knowledge.Knowledge) -> None:
    assert knowledge.check(kb) == []


def test_check_finds_an_unknown_source(kb: knowledge.Knowledge) -> None:
    broken = knowledge.Knowledge(
        kb.entries + (knowledge.Entry("x", ("greet",), "facts", "t", ("no_such_source",)),),
        kb.sources, kb.topics, kb.menu, kb.situation,
    )  # fmt: skip
    assert "x: unknown source no_such_source" in knowledge.check(broken)


@pytest.mark.parametrize("intent", TOPIC_INTENTS)
def test_every_topic_intent_has_an_answer_and_a_label(kb: knowledge.Knowledge, intent: str) -> None:
    assert kb.entries_for(intent, {}), f"no knowledge entry answers {intent}"


def test_every_entry_rests_on_sources(kb: knowledge.Knowledge) -> None:
    for entry in kb.entries:
        assert entry.sources, entry.id
        for item in entry.items:
            assert item.sources, f"{entry.id}: {item.text}"


def test_article_sources_are_the_seed_files(kb: knowledge.Knowledge) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not beside this checkout")
    articles = [s for s in kb.sources.values() if s.kind == "article"]
    assert len(articles) == 5
    for source in articles:
        assert (SEEDS / Path(source.file).name).is_file(), source.file


def test_public_sources_are_in_facts_md(kb: knowledge.Knowledge) -> None:
    facts = SEEDS.parent / "facts.md"
    if not facts.is_file():
        pytest.skip(f"{facts} is not beside this checkout")
    headings = {
        re.sub(r"[^\w\u4e00-\u9fff-]", "", h.strip().lower().replace(" ", "-"))
        for h in re.findall(r"^## (.+)$", facts.read_text(), re.M)
    }
    for source in kb.sources.values():
        if source.kind == "public":
            assert source.file.split("#")[1] in headings, source.file


def test_no_invented_numbers(kb: knowledge.Knowledge) -> None:
    for text in all_user_facing_text(kb):
        for number in re.findall(r"\d{3,}", text):
            assert number in ALLOWED_NUMBERS, f"{number!r} in {text!r} has no recorded source"


def test_never_asks_for_secrets(kb: knowledge.Knowledge) -> None:
    for text in all_user_facing_text(kb):
        assert not SECRET_REQUEST.search(text), text


def test_secret_request_pattern_would_catch_a_request() -> None:
    assert SECRET_REQUEST.search("请提供你的身份证号")
    assert SECRET_REQUEST.search("麻烦告诉我验证码")


# What each answer must say (from the issue), as words that must appear in the rendered answer.
REQUIRED = {
    "negotiate_rate": ["系统", "无法直接修改", "延长还款期限", "罚息", "滞纳金", "优惠券", "积分", "信用"],
    "negotiate_repayment": ["延长还款期限", "减少每月还款", "先还一部分", "免息期", "减免", "停息挂账"],
    "ask_materials": [
        "身份证明",
        "合同",
        "收入证明",
        "银行流水",
        "资产清单",
        "账单",
        "已经还过的款项",
        "困难证明",
        "失业",
        "生病",
    ],
    "ask_overdue_help": ["主动联系官方客服", "如实说明", "方案", "记录"],
    "ask_overdue_consequence": ["征信", "罚息", "起诉", "5 年"],
    "report_harassment": ["威胁", "通讯录", "录音", "截图", "通话记录", "12378", "110", "律师", "95384"],
    "ask_agreement_validity": ["书面", "记录", "不是法律意见"],
    "ask_credit_repair": ["5 年", "骗局", "按时还款"],
    "ask_contact_channel": ["95384", "微信", "QQ", "假冒", "验证码"],
    "ask_negotiation_tips": ["准备", "说清楚", "冷静", "礼貌", "工作日上午", "书面"],
    "ask_legal_rights": ["12378", "消费者协会", "律师", "仲裁", "不是法律意见"],
    "ask_interest_calc": ["剩余本金", "日利率", "1825", "18.25%", "24%"],
    "request_human": ["95384", "微粒贷"],
    "start_rehearsal": ["收入", "方案", "材料", "书面"],
}


@pytest.mark.parametrize("intent, words", sorted(REQUIRED.items()))
def test_answer_content(kb: knowledge.Knowledge, intent: str, words: list) -> None:
    answer = kb.answer(intent, {})
    assert answer is not None
    missing = [w for w in words if w not in answer.text]
    assert not missing, f"{intent} answer lacks {missing}:\n{answer.text}"


def test_answers_cite_public_sources(kb: knowledge.Knowledge) -> None:
    text = kb.answer("report_harassment", {}).text
    assert "依据：" in text and "12378 银行保险消费者投诉维权热线" in text
    assert "seed" not in text  # article files are not shown to the user


def test_materials_are_tailored_to_the_reason(kb: knowledge.Knowledge) -> None:
    general = kb.answer("ask_materials", {})
    jobless = kb.answer("ask_materials", {"hardship_reason": ["失业"]})
    ill = kb.answer("ask_materials", {"hardship_reason": ["疾病"]})
    assert "离职证明" in jobless.text and "离职证明" not in general.text
    assert "诊断证明" in ill.text and "离职证明" not in ill.text
    assert jobless.entry_ids == ["materials_checklist", "materials_unemployment"]


def test_overdue_answer_repeats_the_days(kb: knowledge.Knowledge) -> None:
    answer = kb.answer("ask_overdue_consequence", {"overdue_days": 90.0})
    assert "约 90 天" in answer.text and "90.0" not in answer.text


def test_follow_up_buttons(kb: knowledge.Knowledge) -> None:
    answer = kb.answer("negotiate_rate", {})
    assert {"title": "协商还款方案", "payload": "/negotiate_repayment"} in answer.buttons


def test_situation_echo(kb: knowledge.Knowledge) -> None:
    answer = kb.situation_answer(
        {"amount": 25000.0, "overdue_days": 90.0, "hardship_reason": ["失业"], "monthly_income": None}
    )
    assert "欠款约 25000 元" in answer.text and "已逾期约 90 天" in answer.text and "原因：失业" in answer.text
    assert "月收入" not in answer.text
    assert [b["payload"] for b in answer.buttons] == ["/ask_overdue_help", "/ask_materials", "/negotiate_repayment"]


def test_situation_with_nothing_known_asks_for_details(kb: knowledge.Knowledge) -> None:
    answer = kb.situation_answer({})
    assert "欠了多少" in answer.text and answer.buttons


def test_no_stray_spaces_inside_chinese_text(kb: knowledge.Knowledge) -> None:
    # YAML's folded style (>) joins lines with a space, which reads wrong in Chinese.
    for text in all_user_facing_text(kb):
        assert not re.search(r"[\u4e00-\u9fff，。；：！？] +[\u4e00-\u9fff]", text), text
