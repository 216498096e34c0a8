"""Answers as cards for the page (bot.cards): the same content as the chat text, in parts."""

from bot import cards, knowledge
from bot.config import ROOT

KB = knowledge.load(ROOT / "data" / "knowledge")


def test_a_knowledge_answer_becomes_title_answer_list_and_sources() -> None:
    answer = KB.answer("ask_overdue_help", {})
    entry = KB.main_entry("ask_overdue_help")
    card = cards.card(answer.text, entry.title, answer.buttons)
    assert card["title"] == entry.title and card["answer"] == entry.answer
    [items] = [b["items"] for b in card["blocks"] if "items" in b]
    assert items == [i.text for i in entry.items[: knowledge.SHOWN_POINTS]]
    [line] = KB.sources_line([entry])
    assert card["sources"] == line[len("依据：") :].split("；") and card["buttons"] == answer.buttons


def test_nothing_of_the_text_is_lost_and_the_order_is_kept() -> None:
    text = "直接回答。\n先说明：\n1. 第一\n2. 第二\n注意这一点。\n依据：来源甲；来源乙"
    card = cards.card(text)
    assert card["answer"] == "直接回答。"
    assert card["blocks"] == [{"text": "先说明："}, {"items": ["第一", "第二"], "start": 1}, {"text": "注意这一点。"}]
    assert card["sources"] == ["来源甲", "来源乙"]


def test_every_answer_in_the_data_makes_a_card_with_its_direct_answer_first() -> None:
    for entry in KB.entries:
        if entry.answer and not entry.when:
            answer = KB.answer(entry.intents[0], {})
            assert answer is not None
            assert cards.card(answer.text)["answer"], entry.id


def test_the_rest_of_an_answer_is_numbered_on() -> None:
    rest = KB.rest("ask_overdue_help", {})
    [block] = [b for b in cards.card(rest.text)["blocks"] if "items" in b]
    assert block["start"] == knowledge.SHOWN_POINTS + 1


def test_several_concerns_make_a_card_titled_by_the_situation_with_one_line_each(kb) -> None:
    """Issue #22: a three-concern answer was a 1,019 px card titled after one of its concerns."""
    slots = {"amount": 25000.0, "overdue_days": 60.0}
    topics = ["faq/family_calls", "faq/night_calls", "negotiate_rate"]
    answer = kb.combined_answer(topics, slots)
    made = cards.card(answer.text, "催收打给我家人、朋友怎么办？", answer.buttons, several=answer.several)
    assert made["several"] and made["title"].startswith("你的情况") and "25000" in made["title"]
    assert all(kb.label(t) not in made["title"] for t in topics), "titled by the situation, not by a concern"
    items = [item for block in made["blocks"] for item in block.get("items", [])]
    assert [item.split("：")[0] for item in items] == [kb.label(t) for t in topics]
    assert all(item.count("：") >= 1 for item in items), "each line: the concern, then its direct answer"
    # Nothing told this time: the heading says how many things were asked.
    plain = kb.combined_answer(topics, slots, echo=False)
    assert cards.card(plain.text, "", several=plain.several)["title"] == "你问了 3 件事"
    # Danger first: no situation heading, the help is the card's first line.
    urgent = kb.combined_answer(["safety_crisis", *topics], slots)
    assert not urgent.several
