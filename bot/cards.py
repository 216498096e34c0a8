"""An answer as a card for the web page: title, direct answer, list items, other lines, sources. Pure.

The chat text stays the one source of content (REST users get it as it is); the card is that text in
parts, so that the page can show the title in bold, fold a long list and set the sources apart. The
parts follow ``bot.knowledge.render``: the direct answer first, numbered items (``1. …``), other
lines, and the ``依据：`` line of sources last.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence

_ITEM = re.compile(r"^\s*(?:\d+[.、]|[·•\-])\s*")
_SOURCES = "依据："


def card(text: str, title: str = "", buttons: Sequence[Dict[str, str]] = (), several: bool = False) -> Dict[str, Any]:
    """The parts of an answer's text, in order, for the page to lay out: ``blocks`` are paragraphs
    (``{"text": …}``) and lists (``{"items": […], "start": n}``, numbered from n). ``several``: an answer to
    several concerns (``Answer.several``): its first line, the user's situation, is the title, and the page
    opens each concern's line on a tap.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    sources = [s for line in lines if line.startswith(_SOURCES) for s in line[len(_SOURCES) :].split("；") if s]
    rest = [line for line in lines if not line.startswith(_SOURCES)]
    if several and len(rest) > 1:
        title, rest = rest[0].rstrip("。"), rest[1:]
    blocks: List[Dict[str, Any]] = []
    for line in rest[1:]:
        if _ITEM.match(line):
            if not blocks or "items" not in blocks[-1]:
                number = re.match(r"\s*(\d+)", line)  # the rest of an answer goes on from point 4
                blocks.append({"items": [], "start": int(number.group(1)) if number else 1})
            blocks[-1]["items"].append(_ITEM.sub("", line))
        else:
            blocks.append({"text": line})
    return {
        "title": title,
        "answer": rest[0] if rest else "",
        "blocks": blocks,
        "sources": sources,
        "buttons": list(buttons),
        "several": several,
    }
