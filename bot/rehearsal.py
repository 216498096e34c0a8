"""The negotiation rehearsal: the agent's next move, and the debrief score. Pure: no Rasa, no I/O.

The wording, the rubric and its weights are data (``roleplay:`` in data/knowledge/roleplay.yml). A
conversation is a list of ``Turn``s (the user's messages, as NLU read them); the agent keeps a small
``AgentState`` between turns. Difficulty changes the pushback: ``strict`` refuses the first plan, asks
for proof and accepts only a concrete plan the user can afford; ``mild`` helps the user along.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Sequence, Set, Tuple

from bot.entities import parse_number
from bot.knowledge import fill
from bot.text import normalise

# Questions from outside the call (answered, then the call resumes) when NLU is this sure of them and
# the message carries no negotiation evidence.
OUTSIDE_INTENTS = (
    "report_harassment",
    "ask_contact_channel",
    "ask_legal_rights",
    "ask_credit_repair",
    "ask_overdue_consequence",
    "ask_interest_calc",
    "ask_agreement_validity",
    "ask_negotiation_tips",
    "faq",
)
OUTSIDE_CONFIDENCE = 0.8
_SHOUTING = re.compile(r"[!！]{3,}")
_RATE_REQUEST = re.compile(r"(利率|利息|年化|日息).{0,6}(降|低|少|减|高)|(降|低|减).{0,4}(利率|利息)")


@dataclass(frozen=True)
class Turn:
    """One user message: its text, the intent NLU gave it, and its entities."""

    text: str
    intent: str = ""
    confidence: float = 0.0
    entities: Tuple[Mapping[str, Any], ...] = ()
    topic: str = ""  # what the message asks about: the intent, or faq/<key> for a specific question

    @classmethod
    def from_parse(cls, text: str, parse: Mapping[str, Any]) -> Turn:
        intent = parse.get("intent") or {}
        return cls(
            text=text or "",
            intent=intent.get("name") or "",
            confidence=float(intent.get("confidence") or 0.0),
            entities=tuple(parse.get("entities") or ()),
            topic=parse.get("topic") or intent.get("name") or "",
        )

    @property
    def plain(self) -> str:
        return normalise(self.text)

    def values(self, entity: str) -> List[Any]:
        """Values of an entity, ``amount:income`` style for an entity with a role."""
        name, _, role = entity.partition(":")
        return [e.get("value") for e in self.entities if e.get("entity") == name and (e.get("role") or "") == role]


@dataclass
class AgentState:
    """What the agent remembers between turns (kept in the ``rehearsal`` slot as a dict)."""

    difficulty: str | None = None
    asked: str = "difficulty"  # the agent's last question: difficulty, reason, income, affordable, plan…
    heard: List[str] = field(default_factory=list)  # rubric items the user has shown so far
    gave: List[str] = field(default_factory=list)  # numbers the user gave on the call (slot names)
    asks: Dict[str, int] = field(default_factory=dict)  # how often each question was asked
    refusals: int = 0
    plan_accepted: bool = False
    rate_explained: bool = False
    written: bool = False
    done: bool = False
    aborted: bool = False  # stopped for the user's safety: no debrief

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> AgentState:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (raw or {}).items() if k in names})

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Move:
    """The agent's reply to a turn: lines to say, buttons, and an outside question to answer first."""

    lines: List[str]
    buttons: List[Dict[str, str]] = field(default_factory=list)
    aside: str | None = None  # intent of an outside question the caller answers before the lines
    slots: Dict[str, Any] = field(default_factory=dict)  # numbers understood from the agent's question


def difficulty_buttons(rp: Mapping[str, Any]) -> List[Dict[str, str]]:
    """The three difficulties as quick replies; the payload is the word itself (read as text)."""
    return [{"title": d["title"], "payload": d["title"]} for d in rp["difficulties"].values()]


def start(rp: Mapping[str, Any]) -> Tuple[AgentState, Move]:
    return AgentState(), Move([rp["intro"]], difficulty_buttons(rp))


def chosen_difficulty(rp: Mapping[str, Any], turn: Turn) -> str | None:
    return next((d for d, spec in rp["difficulties"].items() if any(w in turn.plain for w in spec["words"])), None)


def call_after_difficulty(rp: Mapping[str, Any], turns: Sequence[Turn]) -> List[Turn]:
    """The messages of the call proper: after the one that chose the difficulty, without 结束练习."""
    start = next((n + 1 for n, t in enumerate(turns) if chosen_difficulty(rp, t)), len(turns))
    return [t for t in turns[start:] if not is_end(rp, t)]


def is_end(rp: Mapping[str, Any], turn: Turn) -> bool:
    return any(word in turn.plain for word in rp["end_words"])


def is_rude(rp: Mapping[str, Any], turn: Turn) -> bool:
    text = turn.plain
    return bool(_SHOUTING.search(turn.text)) or any(word in text for word in rp["rude_words"])


def evidence(rp: Mapping[str, Any], turn: Turn) -> Set[str]:
    """The rubric items this message shows (``calm`` is judged over the whole call, see ``score``)."""
    text = turn.plain
    has_number = any(e.get("entity") in ("amount", "term_months", "days") for e in turn.entities)
    shown = set()
    for item in rp["rubric"]:
        if item.get("calm"):
            continue
        said = any(word in text for word in item.get("words", []))
        said = said or any(turn.values(e) for e in item.get("entities", []))
        if item.get("all_entities"):
            said = all(turn.values(e) for e in item["all_entities"])
        if item.get("needs_number") and not has_number:
            said = False
        if said:
            shown.add(item["id"])
    return shown


def _line(rp: Mapping[str, Any], name: str, difficulty: str, values: Mapping[str, Any] | None = None) -> str:
    line = rp["lines"][name]
    text = line.get(difficulty, line.get("normal")) if isinstance(line, Mapping) else line
    return fill(text, dict(values or {}))


def agreed_plan(rp: Mapping[str, Any], state: AgentState, slots: Mapping[str, Any]) -> str:
    """The plan as agreed so far, in words: numbers from the slots, then what else was settled."""
    words = rp["plan"]
    parts = [fill(words[k], {"value": slots[k]}) for k in ("affordable_payment", "term_months") if slots.get(k)]
    parts += [words[k] for k in ("waiver", "materials") if k in state.heard]
    if state.written:
        parts.append(words["written"])
    return "，".join(parts) or words["default"]


def _echo(
    rp: Mapping[str, Any], state: AgentState, turn: Turn, given: Mapping[str, Any], slots: Mapping[str, Any]
) -> str | None:
    """Repeat back the numbers this message gave (from the slots they filled). A plain amount is the debt
    only while the user is describing their situation; later it is part of a plan.
    """
    said = {e.get("entity") for e in turn.entities} | set(given)
    if not turn.values("amount") or state.asked not in ("opening", "reason"):
        said.discard("amount")
    facts = [fill(t, {"value": slots[k]}) for k, t in rp["facts"].items() if k in said and slots.get(k)]
    return _line(rp, "echo", "", {"facts": "，".join(facts)}) if facts else None


def step(rp: Mapping[str, Any], state: AgentState, turn: Turn, slots: Mapping[str, Any]) -> Tuple[AgentState, Move]:
    """The agent's reply to one user message, and its new state. ``slots`` hold the numbers so far."""
    if is_end(rp, turn):
        state.done = True
        return state, Move([])
    if state.difficulty is None:
        chosen = chosen_difficulty(rp, turn)
        if chosen is None:
            return state, Move([rp["ask_difficulty_again"]], difficulty_buttons(rp))
        state.difficulty, state.asked = chosen, "opening"
        return state, Move([_line(rp, "opening", chosen)])

    d = state.difficulty
    shown = evidence(rp, turn)
    if not shown and turn.intent in OUTSIDE_INTENTS and turn.confidence >= OUTSIDE_CONFIDENCE:
        return state, Move([rp["lines"]["resume"], _question(rp, state, slots)], aside=turn.topic or turn.intent)

    given = numbers_given(state, turn)
    slots = {**slots, **given}
    state.gave = sorted(set(state.gave) | set(given))
    if {"monthly_income", "affordable_payment"} <= set(state.gave):
        shown.add("numbers")
    state.heard = sorted(set(state.heard) | shown)
    lines = []
    if is_rude(rp, turn):
        lines.append(_line(rp, "calm_down", d))
    if not state.rate_explained and (turn.intent == "negotiate_rate" or _RATE_REQUEST.search(turn.plain)):
        state.rate_explained = True
        lines.append(_line(rp, "rate_fixed", d))
    if "waiver" in shown:
        lines.append(_line(rp, "waiver", d))
    if "record" in shown:
        state.written = True
        lines.append(_line(rp, "written_ok", d))
    echo = _echo(rp, state, turn, given, slots)
    if echo:
        lines.append(echo)
    lines += _next(rp, state, turn, shown, slots)
    return state, Move(lines, slots=given)


# The agent's question that makes a bare amount in the answer an income or an affordable payment.
NUMBER_QUESTIONS = {"income": "monthly_income", "affordable": "affordable_payment"}


def numbers_given(state: AgentState, turn: Turn) -> Dict[str, Any]:
    """Income and affordable amount in this message: by the words around them (月收入三千), or, for a
    bare amount, by the question the agent just asked (收入多少？ — 两千多).
    """
    given = {}
    for role, slot in NUMBER_QUESTIONS.items():
        values = turn.values(f"amount:{role}")
        if not values and state.asked == role:
            bare = parse_number(turn.plain.strip(" 元块左右大概"))
            values = turn.values("amount") or ([bare] if bare else [])
        if values:
            given[slot] = values[0]
    return given


def _next(rp: Mapping[str, Any], state: AgentState, turn: Turn, shown: Set[str], slots: Mapping[str, Any]) -> List[str]:
    """The agent's next question or decision, the first thing it still needs, in call order."""
    d = state.difficulty or "normal"
    # A plan on the table is judged again when the proof the agent asked for arrives.
    if not state.plan_accepted and ("plan" in shown or "materials" in shown and "plan" in state.heard):
        return _judge_plan(rp, state, slots)
    if not state.plan_accepted and state.asked == "plan" and _proposes(turn):
        return [_line(rp, "plan_vague", d)]
    if state.plan_accepted and state.asked == "agreement":
        state.done = True
        return [_line(rp, "closing", d)]
    return [_question(rp, state, slots)]


def _proposes(turn: Turn) -> bool:
    """A request that is a plan in spirit but has no number (能不能少还点, 想延期)."""
    return bool(re.search(r"(分期|延期|展期|延长|少还|晚点|宽限|缓|停息挂账|减少)", turn.plain))


def _judge_plan(rp: Mapping[str, Any], state: AgentState, slots: Mapping[str, Any]) -> List[str]:
    d = state.difficulty or "normal"
    income, pay = slots.get("monthly_income"), slots.get("affordable_payment")
    affordable = pay is not None and (income is None or pay <= income)
    if d == "strict":
        if state.refusals == 0:
            state.refusals += 1
            state.asked = "plan"
            return [_line(rp, "plan_refused", d)]
        if income is not None and pay is not None and pay > income:
            state.asked = "plan"
            return [_line(rp, "plan_unaffordable", d, {"monthly_income": income, "affordable_payment": pay})]
        if not affordable or "materials" not in state.heard:
            state.asked = "plan"
            return [_line(rp, "plan_refused", d)]
    state.plan_accepted = True
    lines = [_line(rp, "plan_accepted", d, {"plan": agreed_plan(rp, state, slots)})]
    return lines + [_question(rp, state, slots)]


# The agent's questions in call order. Each is asked at most twice (a borrower who will not say gets
# the next question), except the plan: no plan, no agreement.
QUESTIONS = ("reason", "income", "affordable", "plan", "materials")
MAX_ASKS = 2


def _still_needed(question: str, state: AgentState, slots: Mapping[str, Any]) -> bool:
    return {
        "reason": "situation" not in state.heard,
        "income": slots.get("monthly_income") is None,
        "affordable": slots.get("affordable_payment") is None,
        "plan": not state.plan_accepted,
        "materials": "materials" not in state.heard,
    }[question]


def _question(rp: Mapping[str, Any], state: AgentState, slots: Mapping[str, Any]) -> str:
    """Ask for the first thing still missing, or, when nothing is, whether the plan can be settled."""
    d = state.difficulty or "normal"
    for question in QUESTIONS:
        asked = state.asks.get(question, 0)
        if _still_needed(question, state, slots) and (question == "plan" or asked < MAX_ASKS):
            state.asked, state.asks[question] = question, asked + 1
            return _line(rp, f"ask_{question}", d)
    state.asked = "agreement"
    return _line(rp, "ask_agreement", d)


@dataclass(frozen=True)
class ItemResult:
    id: str
    label: str
    weight: int
    met: bool
    tip: str


@dataclass(frozen=True)
class Score:
    total: int
    items: Tuple[ItemResult, ...]
    rude_messages: int
    penalty: int


def score(rp: Mapping[str, Any], turns: Sequence[Turn], heard: Sequence[str] = ()) -> Score:
    """The debrief score over the user's messages in the call: each rubric item met or not, minus a
    penalty for every rude or shouting message, between 0 and 100. ``heard`` adds what the agent
    understood from context (bare numbers answering its questions about income and payment).
    """
    shown: Set[str] = {h for h in heard if h == "numbers"}
    for turn in turns:
        shown |= evidence(rp, turn)
    # Numbers may come in two messages (income in one, the affordable amount in another).
    for item in rp["rubric"]:
        if item.get("all_entities") and all(any(t.values(e) for t in turns) for e in item["all_entities"]):
            shown.add(item["id"])
    rude = sum(1 for t in turns if is_rude(rp, t))
    results = []
    for item in rp["rubric"]:
        met = rude == 0 if item.get("calm") else item["id"] in shown
        results.append(ItemResult(item["id"], item["label"], int(item["weight"]), met, item["tip"]))
    penalty = rude * int(rp["penalty_per_rude_message"])
    total = sum(r.weight for r in results if r.met) - penalty
    return Score(max(0, min(100, total)), tuple(results), rude, penalty)


def debrief(rp: Mapping[str, Any], result: Score, plan: str | None) -> str:
    """The debrief as chat text: the 总分 line, each item with a tip when missed, the agreed plan."""
    words = rp["debrief"]
    lines = [words["title"], fill(words["score"], {"score": result.total})]
    for item in result.items:
        template = words["met"] if item.met else words["not_met"]
        lines.append(fill(template, {"label": item.label, "weight": item.weight, "tip": item.tip}))
    if result.penalty:
        lines.append(fill(words["penalty"], {"count": result.rude_messages, "points": result.penalty}))
    lines.append(fill(words["agreed"], {"plan": plan}) if plan else words["agreed_nothing"])
    lines.append(words["reminder"])
    return "\n".join(lines)
