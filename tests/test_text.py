"""Normalisation keeps length and meaning: traditional, full-width, markup, control characters."""

import pytest

from bot.text import has_words, latin_words, normalise, pinyin_tokens, to_simplified, writes_traditional


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("逾期了會怎麼樣", "逾期了会怎么样"),
        ("貴州微粒貸爆力催收", "贵州微粒贷爆力催收"),
        ("ＷＬＤ逾期１２３％", "wld逾期123%"),
        ("我借了　两万", "我借了 两万"),
        ("<b>罚息</b>怎么算", "   罚息    怎么算"),
        ("a\u200bb\x00c", "a b c"),
        ("İ微粒贷", "i微粒贷"),  # accents go one letter for one, so the length never changes
        ("Wǒ YÚQĪ le zěnme bàn", "wo yuqi le zenme ban"),
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


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("客福电话多少", "客服电话多少"),  # homophone typos sound like what they mean
        ("崔收天天打", "催收天天打"),
        ("征心会花吗", "征信会花吗"),
        ("wo yuqi le zenme ban", "我逾期了怎么办"),  # pinyin alone, spaced or run together
        ("woyuqilezenmeban", "我逾期了怎么办"),
        ("wǒ yúqī le", "我逾期了"),
        ("wld cuishou da dianhua gei wo ma", "wld催收打电话给我妈"),
    ],
)
def test_pinyin_tokens_hear_what_was_meant(typed: str, meant: str) -> None:
    assert pinyin_tokens(normalise(typed)) == pinyin_tokens(normalise(meant))


def test_pinyin_tokens_keep_english_and_drop_digits() -> None:
    assert pinyin_tokens(normalise("Collectors 打了 3 次")) == ["collectors", "da", "le", "ci"]
    assert latin_words(normalise("逾期 overdue 3天 help")) == "overdue help"


def test_a_count_typed_with_the_homophone_of_its_unit_is_read_as_installments() -> None:
    assert normalise("分成十二其的话每期多少钱") == "分成十二期的话每期多少钱"
    assert normalise("分24其呢") == "分24期呢"
    for kept in ("欠了三万 其实不多", "还有十其他的", "一共五笔 其中两笔逾期"):
        assert normalise(kept) == kept


@pytest.mark.parametrize(
    "message, traditional",
    [
        ("我欠了兩萬五 逾期了怎麼辦", True),
        ("12378打了有用嗎", True),
        ("資料 要哪些", True),
        ("逾期了怎么办", False),
        ("一年还清，每个月两千，这是我最大的誠意了", False),  # one traditional slip in a simplified message
        ("ok 95384", False),
        ("", False),
    ],
)
def test_the_script_a_message_is_written_in(message: str, traditional: bool) -> None:
    assert writes_traditional(message) is traditional


def test_no_message_without_a_traditional_character_is_taken_for_traditional() -> None:
    """Over every paraphrase family: a message that traditional-to-simplified leaves unchanged is never answered
    in traditional characters.
    """
    import yaml

    from bot.config import ROOT

    for path in (ROOT / "tests" / "families").glob("*/*.yml"):
        for message in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages", []):
            text = message["text"]
            if to_simplified(text) == text:
                assert not writes_traditional(text), (path.name, text)
