"""Chinese text normalisation applied before tokenising, to training data and user messages alike.

Every step keeps the text's length, so character offsets found on the normalised text (entities)
point at the same characters in what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import List

_TAG = re.compile(r"<[^<>]{0,200}>")
_WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")
# str.lower() can change a string's length ("İ"); only ASCII is lowered.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=1)
def _t2s():
    # Imported and built lazily: nothing happens on import of this module.
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified to traditional Chinese with OpenCC (for answers to a user who writes in traditional)."""
    return _s2t().convert(text)


def writes_traditional(text: str) -> bool:
    """Whether a message is written mostly in traditional characters: more of its characters have another
    simplified form than another traditional one (我欠了兩萬 is; 这是我最大的誠意了, one slip, is not).
    Counted character by character, so that a phrase converted whole cannot shift the count.
    """
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    traditional = sum(_t2s().convert(ch) != ch for ch in han)
    return traditional > 0 and traditional > sum(_s2t().convert(ch) != ch for ch in han)


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (ＡＢＣ１２３％，) and the ideographic space become their half-width forms."""
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese with OpenCC; falls back per character if a phrase changes length."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


def blank_markup(text: str) -> str:
    """HTML-like tags carry no meaning for the bot: blank them out (same length)."""
    return _TAG.sub(lambda m: " " * len(m.group()), text)


def blank_control(text: str) -> str:
    """Control and format characters (zero-width, bidi marks) become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def plain_latin(text: str) -> str:
    """Tone marks off Latin letters (wǒ yúqī → wo yuqi): pinyin typed with tones reads as without."""
    return "".join(
        unicodedata.normalize("NFKD", ch)[0] if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" else ch
        for ch in text
    )


# 分成十二其: 其 typed for its homophone 期 right after a count (其实, 其他, 其中 keep theirs).
_PERIOD_TYPO = re.compile(r"(?<=[\d一二两三四五六七八九十])其(?![实他中余次间])")


# Where a run-on message divides: punctuation, spaces, and the words that turn it (但是, 不过).
_CLAUSES = re.compile(r"[，,。.！!？?；;、\s]+|但是?|不过|可是|就是说")


def clauses(text: str) -> List[str]:
    """The clauses of a message, in order (a run-on message tells facts in one and asks in another)."""
    return [c for c in _CLAUSES.split(text) if c]


def normalise(text: str) -> str:
    """The one normalisation used by the NLU pipeline: same length in, same length out."""
    plain = plain_latin(to_simplified(to_halfwidth(blank_control(blank_markup(text))))).translate(_ASCII_LOWER)
    return _PERIOD_TYPO.sub("期", plain)


_RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z]+")


@lru_cache(maxsize=1)
def _syllables() -> frozenset:
    from pypinyin import Style, lazy_pinyin

    return frozenset(p for cp in range(0x4E00, 0x9FA6) for p in lazy_pinyin(chr(cp), style=Style.NORMAL) if p.isalpha())


def _split_pinyin(word: str) -> List[str]:
    """A Latin word as pinyin syllables (zenmeban → zen me ban), fewest syllables first; a word that
    is not pinyin (overdue, wld) stays whole.
    """
    syllables = _syllables()
    best: List[List[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and word[start:end] in syllables:
                if best[end] is None or len(head) + 1 < len(best[end]):
                    best[end] = head + [word[start:end]]
    return best[-1] or [word]


def pinyin_tokens(text: str) -> List[str]:
    """The sound of a normalised message, as toneless pinyin syllables: Chinese characters by their
    reading, pinyin typed in Latin letters split into syllables, English words as they are. Homophone
    typos (客福, 崔收, 征心) and pinyin alone (wo yuqi le) then share features with what they mean.
    """
    from pypinyin import Style, lazy_pinyin

    tokens: List[str] = []
    for run in _RUNS.findall(text):
        tokens += lazy_pinyin(run, style=Style.NORMAL) if run[0] >= "\u4e00" else _split_pinyin(run)
    return tokens


def latin_words(text: str) -> str:
    """Only the Latin-letter words of a normalised message, space-separated (for English n-grams)."""
    return " ".join(re.findall(r"[a-z]+", text))


def has_words(text: str) -> bool:
    """Whether the text has any letter, digit or Chinese character (emoji or punctuation alone has none)."""
    return bool(_WORD_CHAR.search(text))


def words(text: str) -> List[str]:
    """The words of a text as jieba segments it (with the user dictionary the pipeline's tokenizer loaded)."""
    import jieba

    return [w for w in jieba.lcut(text) if w.strip()]
