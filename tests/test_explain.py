"""bot.tools.explain (make explain): the reading of a message printed with its trace and numbers."""

from __future__ import annotations

from bot.tools.explain import describe


def test_a_reading_is_printed_with_its_context_numbers_trace_and_answer() -> None:
    parse = {
        "text": "那借两万五呢",
        "intent": {"name": "follow_up", "confidence": 1.0},
        "intent_ranking": [{"name": "follow_up", "confidence": 1.0}, {"name": "faq", "confidence": 0.0}],
        "entities": [{"entity": "amount", "value": 25000.0, "role": "debt"}],
        "follow_up": "same",
        "trace": ["classifier: follow_up 0.71", "follow_up_words: same", "follow_up: same"],
    }
    text = describe(parse, "ask_interest_calc", [{"text": "借 25,000 元……\n第二行\n第三行\n第四行\n第五行"}])
    lines = text.splitlines()
    assert any(line.split() == ["context", "ask_interest_calc"] for line in lines)
    assert any(line.split()[:3] == ["numbers", "amount", "25000.0"] and "(debt)" in line for line in lines)
    assert [line.split(". ", 1)[1] for line in lines if ". " in line and line.strip()[0].isdigit()] == parse["trace"]
    assert "第四行" in text and "第五行" not in text, "the answer's opening lines only"
    assert any(line.split() == ["danger", "—"] for line in lines)
