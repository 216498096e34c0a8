"""The knowledge data (``data/knowledge/*.yml``): loading, checking and rendering answers.

An entry answers one or more topics: an intent (``ask_materials``) or a specific question, the
retrieval intent's key (``faq/early_repayment_fee``). A main entry opens with ``answer:``, the direct
answer; detail follows. Entries with ``when:`` are add-ons shown after the main entry only when the
named slots are known (``any`` value, one value, or a ``{min, max}`` range). Every text rests on the
sources named beside it; ``load`` refuses data that names an unknown source or topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import yaml

ANY = "any"


@dataclass(frozen=True)
class Source:
    id: str
    kind: str  # article | public
    file: str
    title: str = ""  # articles: what the article covers (for reviewers)
    cite: str = ""  # public sources: the full citation, shown when the user asks for the whole answer
    short: str = ""  # public sources: the brief name an answer shows after 依据：
    strength: str = "firm"
    numbers: Tuple[str, ...] = ()  # the numbers of three or more digits this source vouches for


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
    follow_up: Tuple[str, ...] = ()  # topics offered as quick replies
    answer: str = ""  # the direct answer, first in every reply
    follow: Mapping[str, str] = field(default_factory=dict)  # follow-up cue (fee, duration…) → topic
    urgent: bool = False  # help in danger: any follow-up to it gets this help first

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
            if isinstance(wanted, Mapping):  # a range: {min: 1, max: 7}, both ends included
                if not isinstance(value, (int, float)):
                    return False
                if value < wanted.get("min", value) or value > wanted.get("max", value):
                    return False
                continue
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
    # Several concerns answered together: the text opens with the user's situation (a heading) and one line per
    # concern, which the page shows as a card titled by that situation, each concern a line that opens.
    several: bool = False


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
    prep: Mapping[str, Any] = field(default_factory=dict)  # the preparation pack's documents

    def reply(self, name: str, menu: bool = True) -> Answer:
        """A short reply from replies.yml, followed by the topic menu unless ``menu`` is False."""
        return Answer(self.replies[name], self.buttons(self.menu) if menu else [], [])

    def entries_for(self, topic: str, slots: Mapping[str, Any]) -> List[Entry]:
        """The main entries for a topic, then the add-ons whose conditions hold."""
        mine = [e for e in self.entries if topic in e.intents]
        return [e for e in mine if not e.when] + [e for e in mine if e.when and e.applies(slots)]

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with this id (an answer names its entries by id)."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def main_entry(self, topic: str) -> Entry | None:
        return next((e for e in self.entries if topic in e.intents and not e.when), None)

    def label(self, topic: str) -> str:
        """A topic's short name: its label in topics.yml, else its main entry's title."""
        entry = self.main_entry(topic)
        return self.topics.get(topic) or (entry.title if entry else topic)

    def buttons(self, topics: Any) -> List[Dict[str, str]]:
        """Quick replies for topics: the label, and a payload Rasa reads without NLU."""
        return [{"title": self.label(t), "payload": self._payload(t)} for t in topics]

    def _payload(self, topic: str) -> str:
        """A topic with no intent of its own (one the concern lexicon alone finds, like limit_frozen) is
        asked in words, its title, which the lexicon finds again.
        """
        if topic.startswith(FAQ_PREFIX) or topic in self.topics:
            return payload(topic)
        entry = self.main_entry(topic)
        return entry.title if entry else payload(topic)

    def answer(self, topic: str, slots: Mapping[str, Any]) -> Answer | None:
        """The rendered answer for a topic given what is known, or None if no entry covers it: the direct
        answer and at most SHOWN_POINTS points of each entry, the sources by their brief names; when
        points are left out, a quick reply shows them (``rest``).
        """
        entries = self.entries_for(topic, slots)
        if not entries:
            return None
        parts = [render(e, slots, shown=slice(SHOWN_POINTS)) for e in entries]
        left = sum(len(e.items[SHOWN_POINTS:]) for e in entries)
        if left:
            parts.append(fill(self.replies["more_points"], {"n": left}))
        parts += self.sources_line(entries)
        more = [self.more_button()] if left or self._cut_sources(entries) else []
        return Answer("\n\n".join(parts), more + self._offered(entries), [e.id for e in entries])

    def rest(self, topic: str, slots: Mapping[str, Any], restate: bool = False) -> Answer | None:
        """What ``answer`` left out ("更多要点", "还有呢"): the points after the first SHOWN_POINTS and
        every source in full; None when no entry covers the topic. ``restate``: the same question asked
        again ("他们来了我该怎么办"): the direct answer in short before what is new, not the card again.
        """
        entries = self.entries_for(topic, slots)
        if not entries:
            return None
        opening = self.brief(topic, slots) if restate else ""
        parts = [opening or fill(self.replies["rest_of"], {"topic": self.label(topic)})]
        parts += [render(e, slots, titled=False, shown=slice(SHOWN_POINTS, None), bare=True)
                  for e in entries if e.items[SHOWN_POINTS:]]  # fmt: skip
        if len(parts) == 1 and not opening:
            parts = [fill(self.replies["nothing_left"], {"topic": self.label(topic)})]
        cites = self.citations(entries)
        if cites:
            parts.append("依据：" + "；".join(cites))
        return Answer("\n\n".join(parts), self._offered(entries), [e.id for e in entries])

    def more_button(self) -> Dict[str, str]:
        """The quick reply that asks for the rest of the last answer."""
        return {"title": self.replies["more_button"], "payload": MORE_PAYLOAD}

    def sources_line(self, entries: Sequence[Entry]) -> List[str]:
        """``依据：`` and at most SHOWN_SOURCES brief names (and how many more), or nothing."""
        names = [self.sources[s].short for s in self._public_sources(entries)]
        if not names:
            return []
        line = "依据：" + "；".join(names[:SHOWN_SOURCES])
        if len(names) > SHOWN_SOURCES:
            line += fill(self.replies["more_sources"], {"n": len(names) - SHOWN_SOURCES})
        return [line]

    def _cut_sources(self, entries: Sequence[Entry]) -> bool:
        return len(self._public_sources(entries)) > SHOWN_SOURCES

    def _public_sources(self, entries: Sequence[Entry]) -> List[str]:
        ids = dict.fromkeys(s for e in entries for s in e.all_sources())
        return [s for s in ids if self.sources[s].kind == "public"]

    def _offered(self, entries: Sequence[Entry]) -> List[Dict[str, str]]:
        """The quick replies an answer made of these entries offers."""
        return self.buttons(dict.fromkeys(i for e in entries for i in e.follow_up))

    def with_numbers(self, topic: str, slots: Mapping[str, Any]) -> Answer | None:
        """Only the add-ons of a topic that use the user's numbers ("那半年呢": what half a year means,
        not the whole answer again), with the topic's quick replies; None when none applies.
        """
        entries = self.entries_for(topic, slots)
        addons = [e for e in entries if e.when]
        if not addons:
            return None
        text = "\n\n".join([*(render(e, slots, titled=False) for e in addons), *self.sources_line(addons)])
        return Answer(text, self._offered(entries), [e.id for e in addons])

    def brief(self, topic: str, slots: Mapping[str, Any], said: set | None = None) -> str:
        """A topic's direct answer with the add-ons that use the user's numbers: one part of a reply
        to several concerns. ``said``: ids of entries another part already gave (an add-on about 60 days
        overdue belongs to two topics), left out here and added to.
        """
        said = set() if said is None else said
        entries = [e for e in self.entries_for(topic, slots) if e.id not in said and (e.answer or e.summary)]
        said.update(e.id for e in entries)
        return " ".join(fill(e.answer or e.summary, slots) for e in entries)

    def follows(self, topic: str, cue: str) -> bool:
        """Whether the topic's answer has its own answer for a follow-up cue (not only the default);
        "same" (the topic again) it always has.
        """
        entry = self.main_entry(topic)
        return bool(entry and (cue == "same" or cue in entry.follow))

    def follow_target(self, topic: str | None, cue: str) -> str | None:
        """Which topic answers a short follow-up (cue: fee, duration, evidence…) after ``topic``."""
        entry = self.main_entry(topic) if topic else None
        return (entry.follow.get(cue) if entry else None) or self.situation.get("follow_defaults", {}).get(cue)

    def facts(self, slots: Mapping[str, Any]) -> List[str]:
        """What is known of the user's situation, one phrase per fact (欠款约 25000 元)."""
        known = {k: v for k, v in slots.items() if v not in (None, "", [])}
        return [fill(template, {"value": known[k]}) for k, template in self.situation["facts"].items() if k in known]

    def echo(self, template: str, slots: Mapping[str, Any]) -> str | None:
        """The known facts said back once in ``template`` ({facts}), or None when nothing is known."""
        facts = self.facts(slots)
        return fill(template, {"facts": "，".join(facts)}) if facts else None

    def situation_answer(self, slots: Mapping[str, Any]) -> Answer:
        """Repeats back what is known of the user's situation and suggests what to look at next."""
        words = self.situation
        facts = self.facts(slots)
        if not facts:
            return Answer(words["nothing_understood"], self.buttons(self.menu[:4]), [])
        known = {k for k, v in slots.items() if v not in (None, "", [])}
        wanted = [s["intent"] for s in words["suggestions"] if s["when"] == ANY or s["when"] in known]
        text = "\n".join([words["intro"], *(f"· {fact}" for fact in facts), words["next"]])
        return Answer(text, self.buttons(list(dict.fromkeys(wanted))[:3]), [])

    def combined_answer(
        self,
        topics: Sequence[str],
        slots: Mapping[str, Any],
        extra: Sequence[str] = (),
        urgent: Sequence[str] = (),
        echo: bool = True,
    ) -> Answer:
        """One reply to a message with several concerns. ``topics`` come in order of urgency; the
        ``urgent`` ones (danger) first and in full, so the first line is the help; then the facts echoed
        once, then each concern's direct answer, short, with the full answers a quick reply away.
        ``extra`` parts (a plan in the user's numbers) follow the concerns. ``echo``: whether this message
        told facts to echo (facts told before are not said back on every turn).
        """
        words = self.situation
        safety = [t for t in topics if t.startswith(SAFETY_PREFIX) or t in urgent]
        rest = [t for t in topics if t not in safety]
        used = [e for t in topics for e in self.entries_for(t, slots)]
        parts = [render(e, slots) for t in safety for e in self.entries_for(t, {})]
        echoed = self.echo(words["echo"], slots) if echo else None
        if not safety and rest:  # the heading: their situation when they told it, else how many things they asked
            parts.append(echoed or fill(words["several"], {"n": len(rest)}))
            parts.append(words["one_by_one"])
        elif echoed:
            parts.append(f"{echoed}{words['one_by_one']}")
        said: set = set()
        for n, topic in enumerate(rest, 1):
            parts.append(f"{n}. {self.label(topic)}：{self.brief(topic, slots, said)}")
        tailored = [e for e in self.entries_for("ask_materials", slots) if e.when]
        if tailored and rest:
            items = "；".join(i.text for e in tailored for i in e.items)
            parts.append(fill(words["materials"], {"items": items}))
            used += tailored
        parts += list(extra)
        parts += self.sources_line(used)
        offered = [t for t in rest if self.main_entry(t)][:4] or list(self.menu[:3])
        several = not safety and bool(rest)
        return Answer("\n\n".join(parts), self.buttons(offered), [e.id for e in used], several=several)

    def citations(self, entries: Sequence[Entry]) -> List[str]:
        """The full citations of the entries' public sources, each once."""
        return [self.sources[s].cite for s in self._public_sources(entries)]


SAFETY_PREFIX = "safety_"
FAQ_PREFIX = "faq/"
# A worried reader gets the direct answer and a few points; the rest is one tap away (Knowledge.rest).
SHOWN_POINTS = 3
SHOWN_SOURCES = 3
MORE_CUE = "more"  # the follow-up cue (and quick reply) that asks for the rest of the last answer
MORE_PAYLOAD = f'/follow_up{{"follow_cue":"{MORE_CUE}"}}'


def payload(topic: str) -> str:
    """The quick-reply payload for a topic: ``/intent``, or the retrieval intent with its key."""
    if topic.startswith(FAQ_PREFIX):
        key = topic[len(FAQ_PREFIX) :]
        return f'/faq{{"faq_key":"{key}"}}'
    return f"/{topic}"


def fill(template: str, slots: Mapping[str, Any]) -> str:
    """Put slot values into ``{slot}`` places; numbers print without a needless ``.0``."""
    values = {k: _display(v) for k, v in slots.items() if v is not None}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(f"template {template!r} needs a value it was not given: {error}") from error


def _display(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(dict.fromkeys(str(_display(v)) for v in value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


ALL_POINTS = slice(None)


def render(
    entry: Entry, slots: Mapping[str, Any], titled: bool = True, shown: slice = ALL_POINTS, bare: bool = False
) -> str:
    """One entry as chat text. A main entry opens with its direct answer; an add-on with its title
    (below an answer) or without it (as the answer itself). ``shown``: which of its points (numbered
    as in the whole list); ``bare``: the points alone (the rest of an answer already given).
    """
    numbered = list(enumerate(entry.items, 1))[shown]
    if bare:
        return "\n".join(f"{n}. {item.text}" for n, item in numbered)
    parts = [fill(entry.answer, slots)] if entry.answer else ([f"【{entry.title}】"] if titled else [])
    if entry.summary:
        parts.append(fill(entry.summary, slots))
    parts.extend(f"{n}. {item.text}" for n, item in numbered)
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
        answer=raw.get("answer", "").strip(),
        follow=dict(raw.get("follow", {})),
        urgent=bool(raw.get("urgent", False)),
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
    prep: Dict[str, Any] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries.extend(_entry(raw) for raw in data.get("entries", []))
        for sid, raw in data.get("sources", {}).items():
            sources[sid] = Source(id=sid, **{**raw, "numbers": tuple(str(n) for n in raw.get("numbers", []))})
        topics.update(data.get("topics", {}))
        menu = tuple(data.get("menu", menu))
        situation.update(data.get("situation", {}))
        replies.update(data.get("replies", {}))
        calculator.update(data.get("calculator", {}))
        roleplay.update(data.get("roleplay", {}))
        prep.update(data.get("prep", {}))
    knowledge = Knowledge(tuple(entries), sources, topics, menu, situation, replies, calculator, roleplay, prep)
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
        for topic in (*entry.follow_up, *entry.follow.values()):
            if topic not in knowledge.topics and not knowledge.main_entry(topic):
                problems.append(f"{entry.id}: names unknown topic {topic}")
        if not entry.when and not entry.answer:
            problems.append(f"{entry.id}: a main entry needs an answer: (the direct answer)")
    for item in knowledge.roleplay.get("rubric", []):
        problems += [f"rubric {item['id']}: unknown source {s}" for s in item["source"] if s not in knowledge.sources]
    for part in ("situation", "calculator", "roleplay"):
        for sid in getattr(knowledge, part).get("source", []):
            if sid not in knowledge.sources:
                problems.append(f"{part}: unknown source {sid}")
    for source in knowledge.sources.values():
        if source.kind == "public" and not (source.cite and source.short):
            problems.append(f"source {source.id}: a public source needs a cite and a short name")
    problems += [f"menu names unknown topic {t}" for t in knowledge.menu if t not in knowledge.topics]
    for name, part in knowledge.prep.items():  # the preparation pack's documents cite sources too
        if isinstance(part, Mapping):
            problems += [
                f"prep.{name}: unknown source {sid}" for sid in part.get("source", []) if sid not in knowledge.sources
            ]
    return problems
