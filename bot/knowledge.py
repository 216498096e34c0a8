"""The knowledge data (``data/knowledge/*.yml``): loading, checking and rendering answers.

An entry answers one or more intents. Entries with ``when:`` are add-ons shown after the main entry
only when the named slots are known (``any`` value, or one value). Every text rests on the sources
named beside it; ``load`` refuses data that names an unknown source or topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

ANY = "any"


@dataclass(frozen=True)
class Source:
    id: str
    kind: str  # article | public
    file: str
    title: str = ""  # articles: what the article covers (for reviewers)
    cite: str = ""  # public sources: what the user is shown after 依据：
    strength: str = "firm"


@dataclass(frozen=True)
class Item:
    text: str
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    id: str
    intents: Tuple[str, ...]
    kind: str
    title: str
    sources: Tuple[str, ...]
    summary: str = ""
    items: Tuple[Item, ...] = ()
    note: str = ""
    when: Mapping[str, Any] = field(default_factory=dict)
    follow_up: Tuple[str, ...] = ()

    def all_sources(self) -> Tuple[str, ...]:
        """The entry's sources and its items', in order, without repeats."""
        seen: Dict[str, None] = dict.fromkeys(self.sources)
        for item in self.items:
            seen.update(dict.fromkeys(item.sources))
        return tuple(seen)

    def applies(self, slots: Mapping[str, Any]) -> bool:
        """Whether every ``when`` condition holds for the given slot values."""
        for slot, wanted in self.when.items():
            value = slots.get(slot)
            if value in (None, "", []):
                return False
            values = value if isinstance(value, list) else [value]
            if wanted != ANY and wanted not in values:
                return False
        return True


@dataclass(frozen=True)
class Answer:
    """A rendered answer: text for the chat bubble and follow-up topics for quick replies."""

    text: str
    buttons: List[Dict[str, str]]
    entry_ids: List[str]


@dataclass(frozen=True)
class Knowledge:
    entries: Tuple[Entry, ...]
    sources: Mapping[str, Source]
    topics: Mapping[str, str]
    menu: Tuple[str, ...]
    situation: Mapping[str, Any]
    replies: Mapping[str, str] = field(default_factory=dict)
    calculator: Mapping[str, Any] = field(default_factory=dict)  # templates for bot.calc_text
    roleplay: Mapping[str, Any] = field(default_factory=dict)  # the rehearsal's lines and rubric

    def reply(self, name: str) -> Answer:
        """A short reply from replies.yml, followed by the topic menu."""
        return Answer(self.replies[name], self.buttons(self.menu), [])

    def entries_for(self, intent: str, slots: Mapping[str, Any]) -> List[Entry]:
        """The main entries for an intent, then the add-ons whose conditions hold."""
        mine = [e for e in self.entries if intent in e.intents]
        return [e for e in mine if not e.when] + [e for e in mine if e.when and e.applies(slots)]

    def buttons(self, intents: Any) -> List[Dict[str, str]]:
        """Quick replies for topics: the topic's label, and the intent as payload."""
        return [{"title": self.topics[i], "payload": f"/{i}"} for i in intents]

    def answer(self, intent: str, slots: Mapping[str, Any]) -> Answer | None:
        """The rendered answer for an intent given what is known, or None if no entry covers it."""
        entries = self.entries_for(intent, slots)
        if not entries:
            return None
        text = "\n\n".join(render(e, slots) for e in entries)
        cites = self.citations(entries)
        if cites:
            text += "\n\n依据：" + "；".join(cites)
        follow = [i for e in entries for i in e.follow_up]
        return Answer(text, self.buttons(dict.fromkeys(follow)), [e.id for e in entries])

    def situation_answer(self, slots: Mapping[str, Any]) -> Answer:
        """Repeats back what is known of the user's situation and suggests what to look at next."""
        words = self.situation
        known = {k: v for k, v in slots.items() if v not in (None, "", [])}
        facts = [fill(template, {"value": known[k]}) for k, template in words["facts"].items() if k in known]
        if not facts:
            return Answer(words["nothing_understood"], self.buttons(self.menu[:4]), [])
        wanted = [s["intent"] for s in words["suggestions"] if s["when"] == ANY or s["when"] in known]
        text = "\n".join([words["intro"], *(f"· {fact}" for fact in facts), words["next"]])
        return Answer(text, self.buttons(list(dict.fromkeys(wanted))[:3]), [])

    def citations(self, entries: List[Entry]) -> List[str]:
        """What the user is shown as sources: public sources only, each once."""
        ids = dict.fromkeys(s for e in entries for s in e.all_sources())
        return [self.sources[s].cite for s in ids if self.sources[s].kind == "public"]


def fill(template: str, slots: Mapping[str, Any]) -> str:
    """Put slot values into ``{slot}`` places; numbers print without a needless ``.0``."""
    values = {k: _display(v) for k, v in slots.items() if v is not None}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(f"template {template!r} needs a value it was not given: {error}") from error


def _display(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(str(_display(v)) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def render(entry: Entry, slots: Mapping[str, Any]) -> str:
    """One entry as chat text: 【title】, summary, numbered items, note."""
    parts = [f"【{entry.title}】"]
    if entry.summary:
        parts.append(fill(entry.summary, slots))
    parts.extend(f"{n}. {item.text}" for n, item in enumerate(entry.items, 1))
    if entry.note:
        parts.append(fill(entry.note, slots))
    return "\n".join(parts)


def _entry(raw: Mapping[str, Any]) -> Entry:
    sources = tuple(raw["source"])
    items = []
    for item in raw.get("items", []):
        if isinstance(item, str):
            items.append(Item(item.strip(), sources))
        else:
            items.append(Item(item["text"].strip(), tuple(item["source"])))
    return Entry(
        id=raw["id"],
        intents=tuple(raw["intents"]),
        kind=raw["kind"],
        title=raw["title"],
        sources=sources,
        summary=raw.get("summary", "").strip(),
        items=tuple(items),
        note=raw.get("note", "").strip(),
        when=dict(raw.get("when", {})),
        follow_up=tuple(raw.get("follow_up", [])),
    )


def load(directory: Path) -> Knowledge:
    """Reads every YAML file in the directory and checks that sources and topics resolve."""
    entries: List[Entry] = []
    sources: Dict[str, Source] = {}
    topics: Dict[str, str] = {}
    menu: Tuple[str, ...] = ()
    situation: Dict[str, Any] = {}
    replies: Dict[str, str] = {}
    calculator: Dict[str, Any] = {}
    roleplay: Dict[str, Any] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries.extend(_entry(raw) for raw in data.get("entries", []))
        for sid, raw in data.get("sources", {}).items():
            sources[sid] = Source(id=sid, **raw)
        topics.update(data.get("topics", {}))
        menu = tuple(data.get("menu", menu))
        situation.update(data.get("situation", {}))
        replies.update(data.get("replies", {}))
        calculator.update(data.get("calculator", {}))
        roleplay.update(data.get("roleplay", {}))
    knowledge = Knowledge(tuple(entries), sources, topics, menu, situation, replies, calculator, roleplay)
    problems = check(knowledge)
    if problems:
        raise ValueError("knowledge data has problems:\n" + "\n".join(problems))
    return knowledge


def check(knowledge: Knowledge) -> List[str]:
    """Everything wrong with the data: unknown sources or topics, duplicate ids, missing citations."""
    problems = []
    ids = [e.id for e in knowledge.entries]
    problems += [f"duplicate entry id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for entry in knowledge.entries:
        for sid in entry.all_sources():
            if sid not in knowledge.sources:
                problems.append(f"{entry.id}: unknown source {sid}")
        for topic in entry.follow_up:
            if topic not in knowledge.topics:
                problems.append(f"{entry.id}: follow_up names unknown topic {topic}")
    for item in knowledge.roleplay.get("rubric", []):
        problems += [f"rubric {item['id']}: unknown source {s}" for s in item["source"] if s not in knowledge.sources]
    for part in ("situation", "calculator", "roleplay"):
        for sid in getattr(knowledge, part).get("source", []):
            if sid not in knowledge.sources:
                problems.append(f"{part}: unknown source {sid}")
    for source in knowledge.sources.values():
        if source.kind == "public" and not source.cite:
            problems.append(f"source {source.id}: a public source needs a cite")
    problems += [f"menu names unknown topic {t}" for t in knowledge.menu if t not in knowledge.topics]
    return problems
