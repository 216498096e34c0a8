"""The rehearsal's scoring: what each message of the borrower shows, and the debrief. Pure.

Evidence is read for meaning, not bare keywords (words and weights are ``rubric:`` in
data/knowledge/roleplay.yml): a word denied in its clause (没有材料, 不知道要什么材料) earns nothing; a
message of nothing but rubric words earns nothing; the plan item is earned by a plan that works for
the case (decided by the agent with ``bot.plans``, passed in). Whether a line is rude to the agent is the
message's Reading (``bot.concerns``: its words, or the learned reading), not decided here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Set, Tuple

from bot.knowledge import fill
from bot.text import clauses, normalise

_NON_CONTENT = re.compile(r"[\W_\d]+")
_PUNCTUATION = re.compile(r"[\W_]+")


def _said(words: Sequence[str], clause: str, before: Sequence[str], after: Sequence[str]) -> str | None:
    """The first rubric word in the clause that is not denied before or after it in the same clause."""
    for word in words:
        at = clause.find(word)
        if (
            at >= 0
            and not any(n in clause[:at] for n in before)
            and not any(n in clause[at + len(word) :] for n in after)
        ):
            return word
    return None


def stuffed(rp: Mapping[str, Any], plain: str) -> bool:
    """A message of bare rubric words ("分期 减免 证明 书面", "书面"): one word alone, or two or more
    in a list of short words, or with little else (under a quarter of the message).
    """
    words = sorted(
        {w for item in rp["rubric"] for w in item.get("words", [])} | set(rp["list_words"]), key=len, reverse=True
    )

    def strip(text: str) -> Tuple[str, int]:
        rest, hit = _PUNCTUATION.sub("", text), 0  # a figure is content: "每月1000 分18期" is a plan, not a list
        for word in words:
            if word in rest:
                rest, hit = rest.replace(word, ""), hit + 1
        return rest, hit

    content = _PUNCTUATION.sub("", plain)
    rest, hit = strip(plain)
    if not hit:
        return False
    # 生意 失败 收入6000 减免 罚息 证明: most of the space-separated words are bare rubric words
    tokens = plain.split()
    bare = sum(1 for t in tokens if strip(t)[1] and len(strip(t)[0]) <= 1)
    listed = len(tokens) >= 3 and bare * 2 >= len(tokens)
    return hit == 1 and not rest or hit >= 2 and (listed or len(rest) < 0.25 * len(content))


def evidence(rp: Mapping[str, Any], plain: str, entities: Sequence[Mapping[str, Any]] = ()) -> Set[str]:
    """The rubric items shown by the words of one message (``plan`` and ``numbers`` are judged by the
    agent from the numbers; ``calm`` over the whole call). An item's ``general`` words in a clause that asks
    (``asking_words``) show nothing: "要准备什么材料" asks which papers and offers none, "离职证明行吗" offers one;
    nor beside the words of the item ``general_not_beside`` names: "信用卡账单也能截图" is proof, not a record.
    """
    if stuffed(rp, plain):
        return set()
    negations = rp["negations"]
    asking = rp["asking_words"]
    words_of = {item["id"]: item.get("words", []) for item in rp["rubric"]}
    shown = set()
    for item in rp["rubric"]:
        if not item.get("words"):
            continue
        before, after = (negations, rp["negations_after"]) if item.get("deniable", True) else ((), ())
        general = item.get("general", [])
        specific = [w for w in item["words"] if w not in general]
        # asked about, or said of another item's words (流水截图 is proof): the general words show nothing
        void = [*asking, *words_of.get(item.get("general_not_beside", ""), [])]
        if any(
            _said(specific if any(w in c for w in void) else item["words"], c, before, after) for c in clauses(plain)
        ):
            shown.add(item["id"])
        elif any(e.get("entity") in item.get("entities", []) for e in entities):
            shown.add(item["id"])
    return shown


@dataclass(frozen=True)
class ItemResult:
    id: str
    label: str
    weight: int
    met: bool
    tip: str
    quote: str = ""  # the borrower's own line that earned it
    model: str = ""  # a line they could have said, when missed


@dataclass(frozen=True)
class Score:
    total: int
    items: Tuple[ItemResult, ...]
    rude_messages: int
    penalty: int  # for rude messages
    slips: Tuple[str, ...] = ()  # the lines that offered the agent money to an account, a card number or a code
    slip_penalty: int = 0

    @property
    def weakest(self) -> ItemResult | None:
        """The item to work on first: politeness when the call had rude lines, else the heaviest missed."""
        missed = [i for i in self.items if not i.met]
        rude = [i for i in missed if i.id == "calm" and self.rude_messages]
        return (rude or sorted(missed, key=lambda i: -i.weight) or [None])[0]


def score(rp: Mapping[str, Any], said: Sequence[Mapping[str, Any]], model_values: Mapping[str, Any]) -> Score:
    """The debrief score over the call's messages (``said``: text, items, rude, as the agent recorded
    them): each rubric item met or not, with the first line that met it, minus a penalty per rude
    message and per safety slip (a line that offered the agent money or a code, ``slip`` set by the agent),
    between 0 and 100. ``calm`` needs at least one real message (not a keyword list): an empty call
    scores 0.
    """
    quotes: Dict[str, str] = {}
    for line in said:
        for item in line["items"]:
            quotes.setdefault(item, line["text"])
    rude = sum(1 for line in said if line["rude"])
    spoke = any(
        not line["rude"] and len(_NON_CONTENT.sub("", line["text"])) >= 4 and not stuffed(rp, normalise(line["text"]))
        for line in said
    )
    results = []
    for item in rp["rubric"]:
        met = (rude == 0 and spoke) if item.get("calm") else item["id"] in quotes
        model = "" if met else fill(item.get("model", ""), model_values)
        results.append(
            ItemResult(
                item["id"], item["label"], int(item["weight"]), met, item["tip"], quotes.get(item["id"], ""), model
            )
        )
    slips = tuple(line["text"] for line in said if line.get("slip"))
    slip_penalty = len(slips) * int(rp["penalty_per_slip"])
    penalty = rude * int(rp["penalty_per_rude_message"])
    total = sum(r.weight for r in results if r.met) - penalty - slip_penalty
    return Score(max(0, min(100, total)), tuple(results), rude, penalty, slips, slip_penalty)


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def slip_line(rp: Mapping[str, Any], result: Score) -> str:
    """What the debrief says of a safety slip (offering the agent money or a code), or "" when none."""
    if not result.slips:
        return ""
    return fill(rp["debrief"]["slip"], {"quote": _short(result.slips[0]), "points": result.slip_penalty})


def record(result: Score) -> Dict[str, Any]:
    """What is kept of a call to compare the next attempt with: the total and each item's points."""
    return {"total": result.total, "items": {i.id: i.weight if i.met else 0 for i in result.items}}


def progress(rp: Mapping[str, Any], result: Score, previous: Mapping[str, Any] | None) -> List[str]:
    """A replay against the last attempt on the same case: the total before and after, the items done this
    time that were missed then, and the ones missed this time that were done then.
    """
    if not previous:
        return []
    words, before = rp["debrief"], previous.get("items", {})
    change = result.total - int(previous["total"])
    lines = [fill(words["progress"], {"before": previous["total"], "after": result.total, "change": f"{change:+d}"})]
    gained = [i.label for i in result.items if i.met and before.get(i.id) == 0]
    lost = [i.label for i in result.items if not i.met and before.get(i.id, 0) > 0]
    if gained:
        lines.append(fill(words["improved"], {"labels": "、".join(gained)}))
    if lost:
        lines.append(fill(words["worse"], {"labels": "、".join(lost)}))
    return lines


# The next call a step harder after a call scoring at least this with no safety slip, a step easier below this.
HARDER_AT = 85
EASIER_BELOW = 50


def next_difficulty(rp: Mapping[str, Any], result: Score, difficulty: str) -> str:
    """The difficulty to practise at next: a step up after a good call with no safety slip, a step down after
    a poor one, else the same (温和 → 普通 → 严格, in roleplay.yml's order).
    """
    order = list(rp["difficulties"])
    at = order.index(difficulty) if difficulty in order else 0
    if result.total >= HARDER_AT and not result.slips:
        at = min(at + 1, len(order) - 1)
    elif result.total < EASIER_BELOW:
        at = max(at - 1, 0)
    return order[at]


def next_practice(rp: Mapping[str, Any], result: Score, difficulty: str) -> str:
    """What to practise next (the weakest item, or another case when every item was met) and at which
    difficulty.
    """
    words = rp["debrief"]
    practise = {item["id"]: item["practise"] for item in rp["rubric"]}
    focus = practise[result.weakest.id] if result.weakest else words["next_all_met"]
    title = rp["difficulties"][next_difficulty(rp, result, difficulty)]["title"]
    return fill(words["next"], {"focus": focus, "difficulty": title})


def debrief(
    rp: Mapping[str, Any],
    result: Score,
    plan_words: List[str],
    call: str,
    compared: Sequence[str] = (),
    next_line: str = "",
) -> str:
    """The debrief as chat text: the 总分 line, the call (case, difficulty), each item with the borrower's
    line or a tip and a model line, the penalty, the weakest item, what the agreed plan is worth, how it
    ``compared`` with the last attempt on the same case, and what to practise next.
    The page keeps its list of earlier calls from the 总分, 练习情况 and 最需要加强 lines.
    """
    words = rp["debrief"]
    lines = [words["title"], fill(words["score"], {"score": result.total}), call]
    if result.slips:  # safety before the items: the one lesson that matters most on a real call
        lines.append(slip_line(rp, result))
    for item in result.items:
        if item.met:
            template = words["met_quote"] if item.quote else words["met"]
        else:
            template = words["not_met_model"] if item.model else words["not_met"]
        lines.append(
            fill(
                template,
                {
                    "label": item.label,
                    "weight": item.weight,
                    "tip": item.tip,
                    "quote": _short(item.quote),
                    "model": item.model,
                },
            )
        )
    if result.rude_messages:
        lines.append(fill(words["penalty"], {"count": result.rude_messages, "points": result.penalty}))
    if result.weakest:
        lines.append(fill(words["weakest"], {"label": result.weakest.label}))
    lines += plan_words
    lines += compared
    if next_line:
        lines.append(next_line)
    lines.append(words["reminder"])
    return "\n".join(lines)
