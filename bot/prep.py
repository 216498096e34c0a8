"""The preparation pack: a negotiation sheet and letters built from the borrower's own facts. Pure.

Wording is data (``prep:`` in data/knowledge/prep.yml); figures come from the user or from
``bot.hardship`` / ``bot.calculator``, never from anywhere else: when a fact the sheet needs is missing,
``next_question`` says which to ask, and nothing is built until it is given. Letters carry 【…】
placeholders for what the bot must never know (name, loan number, ID).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Sequence

from bot import hardship
from bot.hardship import money
from bot.knowledge import Knowledge, fill

SHEET = "sheet"
KINDS = (SHEET, "application", "complaint", "objection")
# The facts in the order they are asked, by the slot that holds them.
FACTS = ("amount", "overdue_days", "hardship_reason", "monthly_income", "monthly_expenses", "affordable_payment")


def kind_of(words: Mapping[str, Any], text: str, named: str | None = None) -> str:
    """Which document a request asks for: the one named in a button's payload, else by its words."""
    if named in KINDS:
        return named
    return next((kind for kind, said in words["kinds"].items() if any(w in text for w in said)), SHEET)


def next_question(words: Mapping[str, Any], kind: str, facts: Mapping[str, Any]) -> str | None:
    """The first fact this document still needs (a slot name), or None when it can be built."""
    if kind not in words["needs_facts"]:
        return None
    return next((name for name in FACTS if facts.get(name) is None), None)


@dataclass
class Section:
    heading: str = ""
    paragraphs: List[str] = field(default_factory=list)
    checklist: List[str] = field(default_factory=list)
    table: Dict[str, Any] | None = None  # {"columns": [...], "rows": [[...], ...]}


@dataclass
class Document:
    kind: str
    title: str
    sections: List[Section]
    sources: List[str] = field(default_factory=list)
    note: str = ""  # read before using the document (shown above it, not printed)

    @property
    def text(self) -> str:
        """The document as chat text (and the file the page downloads)."""
        lines = [self.title] + ([self.note] if self.note else [])
        for section in self.sections:
            lines += [""] + ([section.heading] if section.heading else [])
            lines += section.paragraphs
            lines += [f"☐ {item}" for item in section.checklist]
            if section.table:
                lines.append(" | ".join(section.table["columns"]))
                lines += [" | ".join(row) for row in section.table["rows"]]
        if self.sources:
            lines += ["", "依据：" + "；".join(self.sources)]
        return "\n".join(lines)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "sections": [s.__dict__ for s in self.sections],
            "sources": self.sources,
            "note": self.note,
        }


def _values(words: Mapping[str, Any], kb: Knowledge, facts: Mapping[str, Any]) -> Dict[str, Any]:
    """The user's numbers as the documents say them, and the plan the calculator works out."""
    reasons = facts.get("hardship_reason") or []
    # Each reason once: 生病 said twice made "原因是：疾病、疾病".
    listed = "、".join(dict.fromkeys(reasons)) if isinstance(reasons, list) else str(reasons)
    reason = facts.get("reason_text") or listed
    expenses = facts.get("monthly_expenses") or 0
    values: Dict[str, Any] = {
        "amount": money(facts["amount"]),
        "overdue_days": int(facts["overdue_days"]),
        "reason": reason,
        "income": money(facts["monthly_income"]),
        "affordable": money(facts["affordable_payment"]),
        "expenses_part": fill(words["sheet"]["expenses_part"], {"expenses": money(expenses)}) if expenses else "",
    }
    monthly = facts["affordable_payment"]
    values["monthly"] = money(monthly)
    # With no rate told, at the top of the published range (bot.hardship.periods_needed says why).
    assumed = kb.situation["hardship"]["assumed_daily_rate"]
    rate = facts.get("daily_rate")
    values.update(hardship.rate_values(hardship.rate_used(rate, assumed), facts["amount"]))
    need = hardship.periods_needed(facts["amount"], monthly, rate, assumed)
    values["need"] = need
    if need:
        values.update(n=need["n"], payment=money(need["payment"]), interest=money(need["interest"]))
    return values


def sheet(kb: Knowledge, facts: Mapping[str, Any]) -> Document:
    """The negotiation sheet: situation, plan with its cost, fallbacks, materials, script, channels."""
    words = kb.prep
    w = words["sheet"]
    v = _values(words, kb, facts)
    situation = w["situation"] if v["overdue_days"] else w["situation_not_overdue"]
    need = v["need"]
    assumed = facts.get("daily_rate") is None
    if need is None:
        plan = [fill(w["plan_never_assumed" if assumed else "plan_never"], v)]
    else:
        plan = [fill(w["plan"], v), fill(w["cost_assumed" if assumed else "cost_rate"], v)]
    tailored = kb.entries_for("ask_materials", {"hardship_reason": facts.get("hardship_reason")})
    materials = list(dict.fromkeys(item.text for entry in tailored for item in entry.items))
    script = [fill(line, v) for line in w["script"] if need or "{n}" not in line]
    sections = [
        Section(w["situation_title"], [fill(situation, v)]),
        Section(w["plan_title"], plan),
        Section(w["fallback_title"], [f"{n}. {fill(line, v)}" for n, line in enumerate(w["fallbacks"], 1)]),
        Section(w["materials_title"], checklist=materials),
        Section(w["script_title"], script),
        Section(w["channels_title"], list(w["channels"])),
    ]
    return Document(SHEET, w["title"], sections, _citations(kb, w["source"] + [s for e in tailored for s in e.sources]))


def letter(kb: Knowledge, kind: str, facts: Mapping[str, Any]) -> Document:
    """A letter: the application (with the user's numbers and plan), the complaint about collection
    (with an evidence log to fill in), or the credit-report objection.
    """
    w = kb.prep[kind]
    values: Dict[str, Any] = {}
    if kind in kb.prep["needs_facts"]:
        values = _values(kb.prep, kb, facts)
        overdue = w["overdue"] if values["overdue_days"] else w["not_overdue"]
        values["overdue_text"] = fill(overdue, values)
        if values["need"] is None:  # no plan in numbers: the letter asks for one instead
            values["n"] = "若干"
    if kind == "complaint":
        values["conduct"] = conduct(w, facts.get("topics_raised") or [])
    sections = [Section("", [fill(line, values) for line in w["body"]])]
    if kind == "complaint":
        blank = ["　　"] * len(w["evidence_columns"])
        table = {"columns": list(w["evidence_columns"]), "rows": [blank for _ in range(int(w["evidence_rows"]))]}
        sections.append(Section(w["evidence_title"], table=table))
    return Document(kind, w["title"], sections, _citations(kb, w["source"]), note=w.get("note", ""))


def conduct(words: Mapping[str, Any], topics: Sequence[str]) -> str:
    """The collectors' conduct for the complaint, in the order the letter lists it, from the topics the
    user raised (催收半夜打电话 → 在夜间反复来电); the blank to fill when none was raised.
    """
    said = [phrase for topic, phrase in words["conduct"].items() if topic in topics]
    return "、".join(said) + words["conduct_more"] if said else words["conduct_unknown"]


def build(kb: Knowledge, kind: str, facts: Mapping[str, Any]) -> Document:
    if next_question(kb.prep, kind, facts) is not None:
        raise ValueError(f"{kind} needs {next_question(kb.prep, kind, facts)} first")
    return sheet(kb, facts) if kind == SHEET else letter(kb, kind, facts)


def _citations(kb: Knowledge, ids: Sequence[str]) -> List[str]:
    """Public sources only, each once (the articles are background, not cited to the user)."""
    return [kb.sources[s].cite for s in dict.fromkeys(ids) if kb.sources[s].kind == "public"]
