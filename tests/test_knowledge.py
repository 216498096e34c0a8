"""The knowledge data: complete, sourced, never inventing numbers, never asking for secrets."""

import re
from pathlib import Path
from typing import List

import pytest
import yaml

from bot import knowledge
from bot.config import ROOT
from bot.tools.nlu_bench import load_examples, training_files
from tests.conftest import SEEDS

KNOWLEDGE = ROOT / "data" / "knowledge"

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
GENERIC = {"inform_situation", "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope"}
# Answered through their keys (faq/<key>) or in the context of the previous topic.
GENERIC |= {"faq", "follow_up"}
TOPIC_INTENTS = [i for i in DOMAIN["intents"] if i not in GENERIC]

# Numbers of three or more digits that are ours, not a fact: the rehearsal's score is out of 100.
OWN_NUMBERS = {"100"}
SECRET_REQUEST = re.compile(r"(提供|告诉我|发给我|发我|输入|报一下|发一下|填写).{0,8}(身份证号|卡号|密码|验证码)")


def _variants(line) -> list:
    """A rehearsal line's texts: by difficulty, and a list of variants."""
    if isinstance(line, dict):
        return [v for x in line.values() for v in _variants(x)]
    return list(line) if isinstance(line, list) else [line]


def _prep_texts(value, key: str = "") -> list:
    """Every sentence of the preparation pack's wording (not its source ids)."""
    if key == "source":
        return []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _prep_texts(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in _prep_texts(v, key)]
    return [value] if isinstance(value, str) else []


def all_user_facing_text(kb: knowledge.Knowledge) -> list:
    texts = []
    for e in kb.entries:
        texts += [e.title, e.answer, e.summary, e.note, *[i.text for i in e.items]]
    texts += [s.cite for s in kb.sources.values()] + [s.short for s in kb.sources.values()]
    texts += list(kb.topics.values()) + [t for v in kb.replies.values() for t in _variants(v)]
    texts += [v for v in kb.situation.values() if isinstance(v, str)] + list(kb.situation["facts"].values())
    texts += [v for v in kb.calculator.values() if isinstance(v, str)]
    texts += list(kb.calculator["buttons"].values()) + list(kb.calculator["ask"].values())
    rp = kb.roleplay
    texts += [rp["intro"], rp["ask_difficulty"], rp["case_card"], *rp["facts"].values(), *rp["plan"].values()]
    lines = ("started_normal", "ended_unstarted", "undone", "nothing_to_undo")
    lines += ("resume_after_safety", "resume_after_crisis")
    texts += [rp[k] for k in lines]
    texts += [*rp["debrief"].values(), *rp["hints"].values(), *[c["reason"] for c in rp["cases"]]]
    texts += [t for i in rp["rubric"] for t in (i["label"], i["tip"], i.get("model", ""))]
    texts += [v for line in rp["lines"].values() for v in _variants(line)]
    texts += _prep_texts(kb.prep)
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
    """Every number of three or more digits an entry says is vouched for by a source it names; other
    texts may use the numbers of any recorded source.
    """
    every = OWN_NUMBERS.union(*(s.numbers for s in kb.sources.values()))
    for entry in kb.entries:
        allowed = OWN_NUMBERS.union(*(kb.sources[s].numbers for s in entry.all_sources()))
        for text in [entry.title, entry.answer, entry.summary, entry.note, *[i.text for i in entry.items]]:
            for number in re.findall(r"\d{3,}", text):
                assert number in allowed, f"{entry.id}: {number!r} in {text!r} is not in its sources' numbers"
    for text in all_user_facing_text(kb):
        for number in re.findall(r"\d{3,}", text):
            assert number in every, f"{number!r} in {text!r} has no recorded source"


def test_number_check_would_catch_an_invented_number(kb: knowledge.Knowledge) -> None:
    every = OWN_NUMBERS.union(*(s.numbers for s in kb.sources.values()))
    assert "95384" in every and "12356" in every and "4008" not in every


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


def whole(kb: knowledge.Knowledge, topic: str, slots: dict | None = None) -> str:
    """An answer and its rest (the points and sources one tap away)."""
    return kb.answer(topic, slots or {}).text + "\n" + kb.rest(topic, slots or {}).text


@pytest.mark.parametrize("intent, words", sorted(REQUIRED.items()))
def test_answer_content(kb: knowledge.Knowledge, intent: str, words: list) -> None:
    assert kb.answer(intent, {}) is not None
    text = whole(kb, intent)
    missing = [w for w in words if w not in text]
    assert not missing, f"{intent} answer lacks {missing}:\n{text}"


def test_answers_cite_public_sources_briefly_and_in_full_one_tap_away(kb: knowledge.Knowledge) -> None:
    answer = kb.answer("report_harassment", {})
    line = next(line for line in answer.text.split("\n") if line.startswith("依据："))
    assert "金融监管总局 12378" in line and "12378 银行保险消费者投诉维权热线" not in line
    assert line.count("；") == knowledge.SHOWN_SOURCES - 1 and "等" in line, "three brief names, then how many more"
    assert "seed" not in answer.text  # article files are not shown to the user
    rest = kb.rest("report_harassment", {}).text
    assert "12378 银行保险消费者投诉维权热线" in rest and "《个人信息保护法》第十条" in rest


def points(text: str) -> List[int]:
    return [int(m) for m in re.findall(r"^(\d+)\. ", text, flags=re.M)]


@pytest.mark.parametrize("topic", sorted({t for e in knowledge.load(KNOWLEDGE).entries for t in e.intents}))
def test_every_answer_shows_a_few_points_and_the_rest_is_one_tap_away(kb: knowledge.Knowledge, topic: str) -> None:
    """The direct answer first, at most three points of each entry, at most three sources; the points left
    out come, numbered on, from the 更多要点 quick reply, and nothing is lost or shown twice.
    """
    entries = kb.entries_for(topic, {})
    answer, rest = kb.answer(topic, {}), kb.rest(topic, {})
    if not answer:
        return
    first = entries[0]
    assert answer.text.startswith((first.answer or f"【{first.title}】")[:10])
    shown = points(answer.text)
    assert all(n <= knowledge.SHOWN_POINTS for n in shown)
    sources = next((line for line in answer.text.split("\n") if line.startswith("依据：")), "")
    assert len(sources.split("；")) <= knowledge.SHOWN_SOURCES
    for entry in entries:
        for item in entry.items[knowledge.SHOWN_POINTS :]:
            assert item.text in rest.text and item.text not in answer.text
        for item in entry.items[: knowledge.SHOWN_POINTS]:
            assert item.text in answer.text and item.text not in rest.text
    cut = any(e.items[knowledge.SHOWN_POINTS :] for e in entries)
    more = {"title": "更多要点", "payload": knowledge.MORE_PAYLOAD}
    assert (more in answer.buttons) == (cut or kb._cut_sources(entries))


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


FAQ_KEYS = sorted({i for _, i in load_examples(training_files()) if i.startswith("faq/")})
# What each specific answer must say (from the issue and facts.md).
FAQ_REQUIRED = {
    "faq/overdue_few_days": ["征信"],
    "faq/penalty_interest": ["合同", "罚息日利率", "逾期天数"],
    "faq/early_repayment_fee": ["违约金", "实际"],
    "faq/is_usury": ["24%"],
    "faq/jail": ["民事"],
    "faq/court_notice_check": ["12368"],
    "faq/lawyer_letter": ["律师函"],
    "faq/fake_police": ["110"],
    "faq/money_sent_scam": ["110", "95384", "96110"],
    "faq/fake_agent_transfer": ["95384"],
    "faq/credit_repair_scam": ["骗"],
    "faq/credit_objection": ["20"],
    "faq/agent_refuses": ["书面", "12378", "调解", "12348"],
    "faq/complaint_bank": ["12378"],
    "faq/legal_aid": ["12348"],
    "faq/family_calls": ["个人信息"],
    "faq/night_calls": ["22"],
    "faq/guarantor": ["保证"],
}
SAFETY_FIRST_LINE = {"safety_crisis": ["12356", "110", "120"], "safety_threat": ["110"], "faq/money_sent_scam": ["110"]}


def test_there_are_forty_specific_questions() -> None:
    assert len(FAQ_KEYS) >= 40, FAQ_KEYS


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_every_specific_question_has_a_direct_answer(kb: knowledge.Knowledge, key: str) -> None:
    entry = kb.main_entry(key)
    assert entry is not None, f"no entry answers {key}"
    answer = kb.answer(key, {})
    first = answer.text.splitlines()[0]
    assert first == knowledge.fill(entry.answer, {}) and not first.startswith("【"), first
    assert len(re.findall(r"[。！？]", entry.answer)) <= 2, f"{key}: the direct answer is one or two sentences"


@pytest.mark.parametrize("key, words", sorted(FAQ_REQUIRED.items()))
def test_specific_answer_content(kb: knowledge.Knowledge, key: str, words: list) -> None:
    text = whole(kb, key)
    assert not [w for w in words if w not in text], f"{key} lacks {[w for w in words if w not in text]}:\n{text}"


def test_the_urgent_answers_are_the_concerns_that_preempt(kb: knowledge.Knowledge) -> None:
    # Two lists of one thing, in two layers: what pre-empts any state (NLU) and whose help comes first in
    # a follow-up (answers). They must not drift apart.
    lexicon = yaml.safe_load((ROOT / "data" / "lexicon" / "concerns.yml").read_text(encoding="utf-8"))
    urgent = {topic for e in kb.entries if e.urgent for topic in e.intents}
    assert urgent == set(lexicon["preempt"])


@pytest.mark.parametrize("intent, numbers", sorted(SAFETY_FIRST_LINE.items()))
def test_safety_help_is_the_first_line(kb: knowledge.Knowledge, intent: str, numbers: list) -> None:
    first = kb.answer(intent, {}).text.splitlines()[0]
    assert all(n in first for n in numbers), first


def test_no_answer_says_after_how_many_days_the_credit_report_is_hit(kb: knowledge.Knowledge) -> None:
    # facts.md: not confirmed, never state a number of days.
    reporting_days = re.compile(r"(逾期|超过|满)\s*[\d一二三四五六七八九十]+\s*天.{0,8}(上|报送|进|影响)征信")
    for text in all_user_facing_text(kb):
        assert not reporting_days.search(text), text


def test_every_main_entry_opens_with_its_direct_answer(kb: knowledge.Knowledge) -> None:
    for entry in kb.entries:
        if not entry.when:
            assert entry.answer, entry.id
            assert kb.answer(entry.intents[0], {}).text.startswith(knowledge.fill(entry.answer, {})), entry.id


def test_penalty_interest_uses_the_users_numbers_and_no_invented_rate(kb: knowledge.Knowledge) -> None:
    text = kb.answer("faq/penalty_interest", {"amount": 8000.0, "overdue_days": 45.0}).text
    assert "8000 × 合同罚息日利率 × 45" in text
    assert not re.search(r"罚息.{0,6}\d+(\.\d+)?%", text)


@pytest.mark.parametrize("topic", ["limit_frozen", "spouse_debt", "enforcement", "call_for_me"])
def test_a_topic_with_no_intent_is_asked_in_words_the_lexicon_finds_again(kb: knowledge.Knowledge, topic: str) -> None:
    from bot import concerns
    from bot.text import normalise

    raw = yaml.safe_load((ROOT / "data" / "lexicon" / "concerns.yml").read_text(encoding="utf-8"))
    [button] = kb.buttons([topic])
    assert not button["payload"].startswith("/"), button
    assert topic in concerns.find_concerns(concerns.Lexicon.from_dict(raw), normalise(button["payload"]))
    assert kb.buttons(["faq/jail"])[0]["payload"].startswith("/faq")
    assert kb.buttons(["negotiate_rate"])[0]["payload"] == "/negotiate_rate"


def test_several_concerns_say_a_shared_add_on_once(kb: knowledge.Knowledge) -> None:
    """60 days overdue concerns both the few-days and the consequences question: said once, not twice."""
    slots = {"overdue_days": 60.0}
    shared = [e for e in kb.entries_for("faq/overdue_few_days", slots) if e.when]
    assert shared and shared[0] in kb.entries_for("ask_overdue_consequence", slots)
    text = kb.combined_answer(["faq/overdue_few_days", "ask_overdue_consequence"], slots).text
    once = knowledge.fill(shared[0].summary or shared[0].answer, slots)
    assert text.count(once) == 1, text
