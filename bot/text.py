"""Chinese text normalisation applied before tokenising, to training data and user messages alike.

Every step keeps the text's length, so character offsets found on the normalised text (entities)
point at the same characters in what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TAG = re.compile(r"<[^<>]{0,200}>")
_WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")
# str.lower() can change a string's length ("İ"); only ASCII is lowered.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=1)
def _t2s():
    # Imported and built lazily: nothing happens on import of this module.
    import opencc

    return opencc.OpenCC("t2s")


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


def normalise(text: str) -> str:
    """The one normalisation used by the NLU pipeline: same length in, same length out."""
    return to_simplified(to_halfwidth(blank_control(blank_markup(text)))).translate(_ASCII_LOWER)


def has_words(text: str) -> bool:
    """Whether the text has any letter, digit or Chinese character (emoji or punctuation alone has none)."""
    return bool(_WORD_CHAR.search(text))
