"""Normalisation keeps length and meaning: traditional, full-width, markup, control characters."""

import pytest

from bot.text import has_words, normalise


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("逾期了會怎麼樣", "逾期了会怎么样"),
        ("貴州微粒貸爆力催收", "贵州微粒贷爆力催收"),
        ("ＷＬＤ逾期１２３％", "wld逾期123%"),
        ("我借了　两万", "我借了 两万"),
        ("<b>罚息</b>怎么算", "   罚息    怎么算"),
        ("a\u200bb\x00c", "a b c"),
        ("İ微粒贷", "İ微粒贷"),  # non-ASCII letters are left alone, so the length never changes
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
    assert len(normalise(raw)) == len(raw)


@pytest.mark.parametrize(
    "raw, expected", [("😭😭😭", False), ("？？！！", False), ("   ", False), ("ok", True), ("罚息", True), ("1", True)]
)
def test_has_words(raw: str, expected: bool) -> None:
    assert has_words(normalise(raw)) is expected
