"""Masks personal numbers in what users type, before anything stores or logs it: mainland mobile
numbers, resident ID numbers and bank card numbers (digits may be grouped with spaces or dashes,
and typed full-width). Pure: no Rasa.
"""

from __future__ import annotations

import re
from typing import List, Tuple

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９ｘＸ－", "0123456789xX-")
_SEP = r"[ \-]?"

# 18-digit resident ID: region, birth date (18xx–20xx, month, day), sequence, check digit or X.
ID_CARD = re.compile(
    r"(?<![\dA-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
)
# Bank cards: 16 to 19 digits, often in groups of four.
BANK_CARD = re.compile(rf"(?<!\d)\d{{4}}(?:{_SEP}\d{{4}}){{2}}{_SEP}\d{{4}}(?:{_SEP}?\d{{1,3}})?(?!\d)")
# Mainland mobile numbers, with or without +86, grouped 3-4-4 or not.
MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")

# Most specific first, so an ID number is not taken for a card number.
KINDS: Tuple[Tuple[str, re.Pattern], ...] = (("id_card", ID_CARD), ("bank_card", BANK_CARD), ("mobile", MOBILE))
PLACEHOLDER = {"id_card": "[身份证号已隐藏]", "bank_card": "[卡号已隐藏]", "mobile": "[手机号已隐藏]"}


def mask(text: str) -> Tuple[str, List[str]]:
    """The text with personal numbers replaced by placeholders, and the kinds that were found."""
    if not text:
        return text, []
    found: List[str] = []
    masked = text.translate(_FULL_WIDTH_DIGITS) if any("０" <= c <= "９" for c in text) else text
    for kind, pattern in KINDS:
        masked, count = pattern.subn(PLACEHOLDER[kind], masked)
        found += [kind] * count
    return (masked, found) if found else (text, [])
