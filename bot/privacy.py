"""Masks personal numbers in what users type, before anything stores or logs it: mainland mobile
numbers, resident ID numbers, bank card numbers (digits may be grouped with spaces, dashes or dots,
and typed full-width) and one-time codes said as such (验证码是482913); and sums up errors for logs without
what was typed. Pure: no Rasa.
"""

from __future__ import annotations

import re
import traceback
from typing import List, Tuple

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９ｘＸ－．　", "0123456789xX-. ")
# People group numbers with spaces, dashes or dots (138.0013.8000, 110101 19900307 1234): one optional
# separator may stand between any two digits.
_SEP = r"[ \-.]?"
_DATE = rf"(?:0[1-9]|1[0-2]){_SEP}(?:0[1-9]|[12]\d|3[01])"

# Resident IDs: 18 digits (region, birth date 18xx–20xx, sequence, check digit or X) or the old 15
# (region, two-digit year, month, day, sequence).
ID_CARD = re.compile(
    rf"(?<![\dA-Za-z])\d{{6}}{_SEP}(?:"
    rf"(?:18|19|20)\d{{2}}{_SEP}{_DATE}{_SEP}\d{{3}}{_SEP}[\dXx]"
    rf"|\d{{2}}{_SEP}{_DATE}{_SEP}\d{{3}}"
    rf")(?![\dA-Za-z])(?![ \-.]\d)"
)
# Bank cards: 16 to 19 digits, however grouped (4-4-4-4, 6-13…).
BANK_CARD = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{15,18}}(?!\d)")
# Mainland mobile numbers, with or without +86, however grouped (3-4-4, 3-3-5…).
MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1[3-9](?:{_SEP}\d){{9}}(?!\d)")

# One-time codes right after the word for them (验证码是 482913, 动态码：4 7 2 9 1 3): only the digits, so the words
# around stay for the reading (把验证码告诉他了 is money or a code given). Round four printed a code said in a call
# in the debrief. Fixed-width look-behinds only: the page compiles the same pattern in JavaScript.
_CODE_WORDS = ("验证码", "校验码", "动态码", "短信码", "动态密码")
_CODE_LINKS = ("", "是", "为", ":", "：", " ", "是 ", "是：", "是:")
CODE = re.compile(
    "(?:" + "|".join(f"(?<={w}{link})" for w in _CODE_WORDS for link in _CODE_LINKS) + r")\d(?:[ \-]?\d){3,7}(?!\d)"
)

# Most specific first, so an ID number is not taken for a card number.
KINDS: Tuple[Tuple[str, re.Pattern], ...] = (
    ("id_card", ID_CARD), ("bank_card", BANK_CARD), ("mobile", MOBILE), ("code", CODE),
)  # fmt: skip
PLACEHOLDER = {
    "id_card": "[身份证号已隐藏]", "bank_card": "[卡号已隐藏]", "mobile": "[手机号已隐藏]", "code": "[验证码已隐藏]",
}  # fmt: skip


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


def error_summary(error: BaseException) -> str:
    """An error for a log line: its type and the frames it passed through, never its message, which may
    quote what a user typed or the whole conversation.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames[-4:]))
    return f"{type(error).__name__} at {where or '?'}"
