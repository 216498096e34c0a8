"""The negotiation rehearsal: a case, the agent's next move, and the debrief. Pure: no Rasa, no I/O.

The wording, the case cards, the judge's limits and the rubric are data (``roleplay:`` in
data/knowledge/roleplay.yml). Each user message comes as a ``Turn`` (its text and what NLU read in it);
the agent keeps an ``AgentState`` between turns, the call's case and the user's lines included, so a
new call starts clean and 重说 can take a line back. The agent asks, in call order, for what it still
needs (reason, income, what the user can pay, a plan, proof), judges any plan against the case with
``bot.plans`` and counter-offers in numbers; difficulty changes how hard it holds out: 温和 proposes
figures, 普通 wants proof before it submits, 严格 wants a workable plan, income and proof over several
turns and may decline. The rate is never changed and a waiver is only ever submitted for review.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

from bot import calculator as calc
from bot import concerns, plans, scoring
from bot.entities import DENIED, GUESSED_ROLE, finite, parse_number
from bot.hardship import money
from bot.knowledge import fill
from bot.plans import Case, Plan
from bot.text import clauses, normalise

# Questions from outside the call (a short answer, then the call resumes) when NLU is this sure of them
# and the message carries no negotiation evidence.
OUTSIDE_INTENTS = (
    "report_harassment",
    "ask_contact_channel",
    "ask_legal_rights",
    "ask_credit_repair",
    "ask_overdue_consequence",
    "ask_interest_calc",
    "ask_agreement_validity",
    "ask_negotiation_tips",
    "ask_materials",
    "faq",
)
OUTSIDE_CONFIDENCE = 0.8
# "好吧 谢谢你" while the agent waits for proof: the borrower is wrapping up, so the agent gives its answer
# now instead of pushing for materials again.
WRAPPING_UP_INTENTS = ("thank", "goodbye")
_RATE_REQUEST = re.compile(r"(利率|利息|年化|日息).{0,6}(降|低|少|减|高)|(降|低|减).{0,4}(利率|利息)")
_PROPOSES = re.compile(r"分期|延期|展期|延长|少还|晚点|宽限|缓|停息挂账|减少|分几期|慢慢还|多分|少一点")
# Hang-ups end the call only as a whole short message: 再见 inside 不想再见到催收 is no goodbye.
_HANG_UP_MAX = 8


@dataclass(frozen=True)
class Turn:
    """One user message: its text, and what its Reading says (intent, entities, topic, rudeness…)."""

    text: str
    intent: str = ""
    confidence: float = 0.0
    entities: Tuple[Mapping[str, Any], ...] = ()
    topic: str = ""  # what the message asks about: the intent, or faq/<key> for a specific question
    concerns: Tuple[str, ...] = ()  # every topic the reading found in it
    questions: Tuple[str, ...] = ()  # the questions asked in clauses of their own
    rude: bool = False  # rude to the agent, as the reading has it

    @classmethod
    def from_parse(cls, text: str, parse: Mapping[str, Any]) -> Turn:
        intent = parse.get("intent") or {}
        return cls(
            text=text or "",
            intent=intent.get("name") or "",
            confidence=float(intent.get("confidence") or 0.0),
            # inf or nan (400 digits) is no number the agent can hear: no plan or debt is built on it
            entities=tuple(e for e in parse.get("entities") or () if finite(e.get("value"))),
            topic=parse.get("topic") or intent.get("name") or "",
            concerns=tuple(parse.get(concerns.CONCERNS) or ()),
            questions=tuple(parse.get(concerns.QUESTIONS) or ()),
            rude=bool(parse.get(concerns.RUDE)),
        )

    @property
    def plain(self) -> str:
        return normalise(self.text)

    @property
    def offers_private(self) -> bool:
        """The borrower offers the agent money to an account, a card number, a password or a code (the
        reading's ``faq/private_offer``): a safety slip the agent stops in character and the debrief names.
        """
        return concerns.PRIVATE_OFFER in (self.topic, *self.concerns)

    def values(self, entity: str) -> List[Any]:
        """Values of an entity, ``amount:income`` style for an entity with a role."""
        name, _, role = entity.partition(":")
        return [e.get("value") for e in self.entities if e.get("entity") == name and (e.get("role") or "") == role]


@dataclass
class AgentState:
    """What the agent remembers between turns (kept in the ``rehearsal`` slot as a dict)."""

    difficulty: str | None = None
    asked: str = "difficulty"  # the agent's last question: difficulty, opening, reason, income, …, agreement
    asks: Dict[str, int] = field(default_factory=dict)  # how often each line was said (to vary it)
    case: Dict[str, Any] = field(default_factory=dict)
    case_told: bool = False  # the agent has said what it sees of the loan
    income: float | None = None  # what the user said on this call
    no_income: bool = False  # 我现在没有收入: the income question is answered, with no number to judge by
    affordable: float | None = None
    plan: Dict[str, Any] | None = None  # the last plan on the table (the user's or the agent's counter)
    counter: Dict[str, Any] | None = None  # the agent's counter-offer, which "行" accepts
    status: str = ""  # "", proof (workable, waiting for proof), accepted, declined
    attempts: int = 0  # plans that did not work
    holds: int = 0  # times a strict agent held out on a workable plan
    rate_explained: bool = False
    written: bool = False
    rude: int = 0
    said: List[Dict[str, Any]] = field(default_factory=list)  # the user's lines: text, items, rude
    last_reply: List[str] = field(default_factory=list)
    closing_rounds: int = 0
    done: bool = False
    aborted: bool = False  # stopped before it started, or for the user's safety: no debrief
    for_safety: bool = False  # stopped for the user's safety: "继续练吧" takes up the same case, gently
    undo: Dict[str, Any] | None = None  # the state before the last line, for 重说
    previous: Dict[str, Any] | None = None  # a replay: the last attempt on this case (scoring.record)
    hints: int = 0  # hints asked for, and lines taken back with 重说: listed in the debrief (a real call has neither)
    takebacks: int = 0

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> AgentState:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (raw or {}).items() if k in names})

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @property
    def started(self) -> bool:
        return self.difficulty is not None

    @property
    def the_case(self) -> Case:
        return Case.from_dict(self.case)

    @property
    def items(self) -> set:
        return {i for line in self.said for i in line["items"]}


@dataclass(frozen=True)
class Move:
    """The reply to a turn: lines to say, buttons, and an outside question to answer first. The first ``coach``
    lines are the coach's (the intro, hints, 重说, the end of the call), the rest the agent's.
    """

    lines: List[str]
    buttons: List[Dict[str, str]] = field(default_factory=list)
    aside: str | None = None  # topic of an outside question the caller answers (briefly) before the lines
    coach: int = 0

    def speakers(self, started: bool) -> List[str]:
        """Who says each line: before the call starts, only the coach speaks."""
        return ["coach" if n < self.coach or not started else "agent" for n in range(len(self.lines))]


# --- the case -------------------------------------------------------------------------------------


def draw_case(
    rp: Mapping[str, Any], facts: Mapping[str, Any], rng: random.Random | None = None, text: str = ""
) -> Case:
    """A practice case card (the one the text names, else one at random), with what the user already
    said of their own loan in its place.
    """
    # The card of the reason they gave (失业 → the job-loss card), else the one asked for, else any.
    reasons = " ".join(facts.get("hardship_reason") or [])
    card = dict(named_card(rp, text) or named_card(rp, reasons) or (rng or random).choice(rp["cases"]))
    own = {
        "owed": facts.get("amount"),
        "overdue_days": facts.get("overdue_days"),
        "daily_rate": facts.get("daily_rate"),
    }
    own.update(income=facts.get("monthly_income"), affordable=facts.get("affordable_payment"))
    card.update({k: v for k, v in own.items() if v})
    return Case.from_dict(card)


def named_card(rp: Mapping[str, Any], text: str) -> Mapping[str, Any] | None:
    """The case card a message asks for (用生病住院的情况练), if any."""
    plain = normalise(text)
    return next((c for c in rp["cases"] if _matches(c.get("words", []), plain)), None) if text else None


def case_words(rp: Mapping[str, Any], case: Case) -> str:
    return fill(rp["case_card"], _case_values(case))


def _case_values(case: Case) -> Dict[str, Any]:
    values = {
        k: money(v)
        for k, v in (("owed", case.owed), ("income", case.income), ("affordable", case.affordable))
        if v
    }
    return {
        **values,
        "title": case.title,
        "reason": case.reason,
        "reason_said": case.reason_said,
        "overdue_days": case.overdue_days,
        "installments_left": case.installments_left,
        "daily": f"{case.daily_rate * 100:g}",
    }


# --- words ---------------------------------------------------------------------------------------


def _line(rp: Mapping[str, Any], state: AgentState, name: str, values: Mapping[str, Any] | None = None) -> str:
    """A line by difficulty where the pushback differs; a list gives variants, said in turn, so the
    agent does not repeat itself word for word.
    """
    line = rp["lines"][name]
    if isinstance(line, Mapping):
        line = line.get(state.difficulty or "normal", line.get("normal"))
    variants = line if isinstance(line, list) else [line]
    said = state.asks.get(f"line:{name}", 0)
    state.asks[f"line:{name}"] = said + 1
    return fill(variants[said % len(variants)], dict(values or {}))


def _matches(words: Sequence[str], plain: str) -> bool:
    return any(w in plain for w in words)


def difficulty_buttons(rp: Mapping[str, Any]) -> List[Dict[str, str]]:
    """The three difficulties as quick replies; the payload is the word itself (read as text)."""
    return [{"title": d["title"], "payload": d["title"]} for d in rp["difficulties"].values()]


def chosen_difficulty(rp: Mapping[str, Any], plain: str) -> str | None:
    return next((d for d, spec in rp["difficulties"].items() if _matches(spec["words"], plain)), None)


def is_end(rp: Mapping[str, Any], plain: str) -> bool:
    """结束练习 anywhere, or a hang-up (挂了, 再见, 退出) as a whole short message or its last clause
    (你这什么态度 不跟你说了 挂了).
    """
    last = next((c for c in reversed(clauses(plain))), "")
    short = re.sub(r"[\W_]+", "", last)
    return _matches(rp["end_words"], plain) or len(short) <= _HANG_UP_MAX and _matches(rp["hang_up_words"], short)


def wants_replay(rp: Mapping[str, Any], plain: str) -> bool:
    return _matches(rp["replay_words"], plain)


# --- the call ------------------------------------------------------------------------------------


def start(
    rp: Mapping[str, Any], case: Case, first: str = "", previous: Mapping[str, Any] | None = None
) -> Tuple[AgentState, Move]:
    """A new call on ``case``: the intro and the case card, then the difficulty asked; a message that
    already names one (陪我练一下 严格一点) starts the call at once. ``previous``: the last attempt on the same
    case (a replay), which the debrief compares with.
    """
    state = AgentState(case=case.to_dict(), previous=dict(previous) if previous else None)
    intro = [rp["intro"], case_words(rp, case)]
    chosen = chosen_difficulty(rp, normalise(first)) if first else None
    if chosen:
        state.difficulty, state.asked = chosen, "opening"
        return state, Move(intro + [_line(rp, state, "opening")], coach=len(intro))
    return state, Move(intro + [rp["ask_difficulty"]], difficulty_buttons(rp), coach=len(intro) + 1)


def step(rp: Mapping[str, Any], state: AgentState, turn: Turn) -> Tuple[AgentState, Move]:
    """The agent's reply to one user message, and its new state."""
    plain = turn.plain
    if is_end(rp, plain) or _matches(rp["restart_words"], plain):
        items, rude = scoring.evidence(rp, plain, turn.entities), turn.rude
        if state.started and (items or rude):  # 方案通过了记得短信发我一份 再见: the line still counts (round four)
            state.said.append(_said(turn, items, rude))
        state.done = True
        state.aborted = not state.said  # nothing said on the call: nothing to score
        return state, Move([] if state.said else [rp["ended_empty" if state.started else "ended_unstarted"]], coach=1)
    if _matches(rp["undo_words"], plain) and len(plain) <= 12:
        if not state.undo:
            return state, Move([rp["nothing_to_undo"]], coach=1)
        previous = AgentState.from_dict(state.undo)
        previous.hints, previous.takebacks = state.hints, state.takebacks + 1
        return previous, Move([rp["undone"], _question(rp, previous, again=True)], coach=1)
    if _matches(rp["hint_words"], plain):
        state.hints += 1
        hint = fill(rp["hints"].get(state.asked, rp["hints"]["default"]), _case_values(state.the_case))
        return state, Move([hint], coach=1)
    before = {k: v for k, v in state.to_dict().items() if k != "undo"}
    lines: List[str] = []
    coach = 0
    if not state.started:
        chosen = chosen_difficulty(rp, plain)
        state.difficulty, state.asked = chosen or "normal", "opening"
        if chosen or _matches(rp["ready_words"], plain) and len(plain) <= 6:
            return state, Move([_line(rp, state, "opening")])
        lines.append(rp["started_normal"])  # the user started telling their case: the call is on
        coach = 1
    if _matches(rp["about_agent_words"], plain):
        return state, Move([_line(rp, state, "about_agent"), _question(rp, state, again=True)])
    if turn.offers_private:  # a real agent stops it and says how to pay; the call goes on
        lines.append(_line(rp, state, "offer_stopped"))
    answer = None if turn.offers_private else agent_answer(rp, state, turn)
    if answer:  # a question the agent can answer itself: answered in character, and the call goes on
        lines.append(answer)
    rude = turn.rude
    items = scoring.evidence(rp, plain, turn.entities)
    outside = (
        not answer
        and not items
        and not rude
        and not turn.offers_private
        and turn.intent in OUTSIDE_INTENTS
        and turn.confidence >= OUTSIDE_CONFIDENCE
    )
    aside = (turn.topic or turn.intent) if outside else None
    if outside and not _gives_numbers(state, turn):
        # the coach says it (round four's trainers: the aside in the agent's voice broke the role)
        return state, Move([_line(rp, state, "resume"), _question(rp, state, again=True)], aside=aside, coach=1)
    state.undo = before
    heard, judged = _hear(rp, state, turn, items, rude)
    lines += heard
    if state.done:
        return state, Move(lines, coach=coach)
    lines += _next(rp, state, turn, items, judged, answered=bool(answer))
    if lines == state.last_reply:  # never the same reply twice in a row
        lines, coach = [_line(rp, state, "same_again")] + lines[-1:], 0
    state.last_reply = lines
    return state, Move(lines, aside=aside, coach=coach)


def agent_answer(rp: Mapping[str, Any], state: AgentState, turn: Turn) -> str | None:
    """The agent's own answer to a question the reading found in the message (its topic first, then its other
    concerns, then the questions of its clauses): 征信, materials, where to pay, visits, calls to others
    (``answers`` in roleplay.yml).
    """
    for topic in (turn.topic, *turn.concerns, *turn.questions):
        spec = next((a for a in rp["answers"] if topic in a["topics"]), None)
        if spec:
            said = state.asks.get(f"answer:{topic}", 0)
            if said >= len(spec["lines"]) and topic != turn.topic:
                continue  # a side concern already answered in full: not the same paragraph again (round three)
            state.asks[f"answer:{topic}"] = said + 1
            if said >= len(spec["lines"]):  # asked again: the answer's first sentence, said as said before
                return _line(rp, state, "answered_again", {"short": _first_sentence(spec["lines"][0])})
            return spec["lines"][said]
    return None


def _first_sentence(line: str) -> str:
    return re.split(r"(?<=[。；！？])", line, maxsplit=1)[0].rstrip("。；")


def _gives_numbers(state: AgentState, turn: Turn) -> bool:
    """"1500吧 能不能先还半年利息", "行 15期 话说还能再借吗": an outside question that also answers the
    agent, so the call hears it as well as answering the question.
    """
    return bool(facts_given(state, turn)) or bool(turn.values("term_months"))


def _hear(rp: Mapping[str, Any], state: AgentState, turn: Turn, items: set, rude: bool) -> Tuple[List[str], bool]:
    """Takes in one message: the facts it states, its evidence, rudeness; the agent's reactions to them."""
    lines = []
    plain = turn.plain
    case = state.the_case
    facts = facts_given(state, turn)
    if "owed" in facts and facts["owed"] != case.owed:
        case = replace(case, owed=facts["owed"])
        lines.append(_line(rp, state, "owed_noted", {"owed": money(case.owed)}))
    if "overdue_days" in facts:
        case = replace(case, overdue_days=int(facts["overdue_days"]))
    if "daily_rate" in facts:  # the rate from their contract replaces the card's
        case = replace(case, daily_rate=facts["daily_rate"])
    state.case = case.to_dict()
    if "income" in facts:
        state.income = facts["income"]
    elif state.income is None and _matches(rp["no_income_words"], plain):
        state.no_income = True
    if "affordable" in facts:
        state.affordable = facts["affordable"]
    said = [k for k in ("income", "affordable") if k in facts]
    if said:
        lines.append(
            _line(
                rp,
                state,
                "echo",
                {"facts": "，".join(fill(rp["facts"][k], {"value": money(facts[k])}) for k in said)},
            )
        )
    listed = scoring.stuffed(rp, plain)  # a keyword list earns nothing, its numbers included
    if state.income is not None and state.affordable is not None and said and not listed:
        items.add("numbers")
    plan = plans.read(plain, turn.entities, waiver="waiver" in items)
    monthly_only = plan and plan.monthly and plan == Plan(monthly=plan.monthly, waiver=plan.waiver)
    # 每个月最多能还1500: what they can pay, not yet a plan, even when the agent asked for one (it counters at
    # that amount, and a plan is agreed when they accept it); 我想每月还1500 offers one
    capacity = bool(turn.values("amount:affordable")) and not _OFFER.search(plain)
    if monthly_only and (not _offers(state, plain) or capacity):
        plan = None
    verdict = None
    if plan is not None:
        verdict = plans.judge(rp["judge"], case, plan, state.income, state.affordable)
        if verdict.feasible and not listed:
            items.add("plan")
    state.said.append(_said(turn, items, rude, plan))
    if rude:
        state.rude += 1
        if state.rude >= int(rp["rude_limit"].get(state.difficulty, 3)):
            state.done = True
            return [_line(rp, state, "hang_up_on_abuse")], False
        lines.append(_line(rp, state, "calm_down"))
    if not state.case_told and (state.said and (items or facts or len(plain) > 8)):
        state.case_told = True
        lines.append(_line(rp, state, "case_seen", _case_values(case)))
        if case.history:
            lines.append(case.history)
    if not state.rate_explained and (turn.intent == "negotiate_rate" or _RATE_REQUEST.search(plain)):
        state.rate_explained = True
        lines.append(_line(rp, state, "rate_fixed"))
    if "waiver" in items:
        lines.append(_line(rp, state, "waiver"))
    if "record" in items:
        state.written = True
        lines.append(_line(rp, state, "written_ok"))
    if verdict is None and _accepts_counter(rp, state, plain):
        plan = Plan.from_dict(state.counter)  # agreeing to a workable counter-offer is agreeing a plan
        verdict = plans.judge(rp["judge"], case, plan, state.income, state.affordable)
        if verdict.feasible:
            state.said[-1]["items"] = sorted(set(state.said[-1]["items"]) | {"plan"})
    if verdict is not None:
        lines += _judge(rp, state, plan, verdict)
    elif state.status == "proof" and (_missing(state) is None or _missing(state) != "need_proof" and (items or facts)):
        lines += _submit(rp, state)  # the proof (or the income) the agent asked for has come
        return lines, True
    return lines, verdict is not None


def _said(turn: Turn, items: Iterable[str], rude: bool, plan: plans.Plan | None = None) -> Dict[str, Any]:
    """What one line of the call leaves for the score: its words, the items it earns, its plan, any slip."""
    return {
        "text": turn.text,
        "items": sorted(items),
        "rude": rude,
        "plan": plan.to_dict() if plan else None,
        "slip": concerns.PRIVATE_OFFER if turn.offers_private else "",
    }


def facts_given(state: AgentState, turn: Turn) -> Dict[str, float]:
    """The numbers this message states: the debt (while the user describes their case, or said with
    欠), time overdue, income and what they can pay; a bare number answers the agent's question.
    """
    facts: Dict[str, float] = {}
    income, affordable = turn.values("amount:income"), turn.values("amount:affordable")
    unroled = [e for e in turn.entities if e.get("entity") == "amount" and not e.get("role")]
    # 我欠的是三万: said with 欠, the debt, whatever the agent just asked
    owing = [e for e in unroled if plans.said_as_debt(turn.plain, e)]
    owed = [] if owing else unroled  # 我欠的是三万 不是两万: no other sum answers the question
    # 不是四千 是三千四: the figure said not to be names what the new one corrects (what was heard before)
    denied = turn.values(f"amount:{DENIED}")
    owed_heard = state.the_case.owed if state.case else None
    heard = {"income": state.income, "affordable": state.affordable, "owed": owed_heard}
    corrects = next((name for name, value in heard.items() if value is not None and value in denied), None)
    if corrects and owed:
        facts[corrects] = float(owed[0]["value"])
        owed, unroled = owed[1:], unroled[1:]
    bare = None
    if not unroled and not corrects:  # "1500", "1500吧 能不能先还半年利息": a number opening the message answers
        head = _LEADING_NUMBER.match(turn.plain)
        bare = parse_number(turn.plain.strip(" 元块左右大概吧啊嗯差不多")) or (head and parse_number(head.group(1)))
        bare = bare if finite(bare) else None
    # 一个月一千五吧 最多了, said when the agent asked what they can pay, or once their pay is known or a plan is
    # talked about (每个月八百稳一点): what they can pay, not their pay (round four: 4 calls of 6 wrote it as income)
    guessed_pay = [e["value"] for e in turn.entities if e.get("role") == "income" and e.get(GUESSED_ROLE)]
    paying = state.asked in ("affordable", *_PLAN_ASKS) or state.income is not None and state.asked != "income"
    if paying and not affordable and guessed_pay and len(guessed_pay) == len(income):
        affordable, income = guessed_pay[:1], []
    if state.asked == "income" and not income and (owed or bare):
        income = [owed[0]["value"] if owed else bare]
        owed = []
    elif state.asked == "affordable" and not affordable and (owed or bare):
        affordable = [owed[0]["value"] if owed else bare]
        owed = []
    if income:
        facts["income"] = float(income[0])
    # with installments it is a plan's payment, unless said as the most they can pay (每个月最多一千 分十五期)
    if affordable and (not turn.values("term_months") or _AT_MOST.search(turn.plain)):
        facts["affordable"] = float(affordable[0])
    # 先还两千 剩下的一万八: the rest after a sum paid now; the debt is both
    now = turn.values("amount:down_payment") + turn.values("amount:lump_sum")
    if owing or owed and state.asked in ("opening", "reason") and not turn.values("term_months"):
        said = (owing or owed)[0]
        rest = now and plans.said_as_rest(turn.plain, said)
        facts["owed"] = float(said["value"]) + (float(now[0]) if rest else 0)
    if turn.values("overdue_days"):
        facts["overdue_days"] = float(turn.values("overdue_days")[0])
    if turn.values("daily_rate"):
        facts["daily_rate"] = float(turn.values("daily_rate")[0])
    elif turn.values("annual_rate"):
        facts["daily_rate"] = float(calc.daily_from_annual(turn.values("annual_rate")[0]))
    return facts


_LEADING_NUMBER = re.compile(
    r"^\s*(?:大概|差不多)?([\d.]+|[一二两三四五六七八九十百千万]+)\s*(?:元|块)?(?:吧|左右|的样子)?(?=[\s，,。]|$)"
)
_PLAN_ASKS = ("plan", "proof", "agreement")


_AT_MOST = re.compile(r"最多|顶多|至多|能拿出|拿得出|最多能还|只能还")
_OFFER = re.compile(r"申请|方案|分期|就按|按这个|我想|打算|行吗|可以吗|行不行|怎么样|能不能|要不")


def _offers(state: AgentState, plain: str) -> bool:
    """A monthly amount alone is a plan when the agent asked for one or it is offered as one, not when
    it answers "what do you earn" or "how much can you pay".
    """
    if state.asked in ("plan", "proof", "agreement"):
        return True
    return state.asked not in ("income", "affordable") and bool(_OFFER.search(plain))


def _accepts_counter(rp: Mapping[str, Any], state: AgentState, plain: str) -> bool:
    return (
        bool(state.counter)
        and state.status not in ("accepted", "declined")
        and _matches(rp["yes_words"], plain)
        and len(plain) <= 12
    )


def _missing(state: AgentState) -> str | None:
    """What this difficulty still wants before it submits a workable plan (the line that asks for it)."""
    if state.difficulty == "mild":
        return None
    if "materials" not in state.items:
        return "need_proof"
    if state.difficulty == "strict" and state.income is None and not state.no_income:
        return "strict_income"
    if state.difficulty == "strict" and state.holds == 0:
        return "strict_hold"
    return None


def _judge(rp: Mapping[str, Any], state: AgentState, plan: Plan, verdict: plans.Verdict) -> List[str]:
    """The agent's answer to a plan: what does not work and a counter-offer; or, for a workable plan,
    what this difficulty still wants before it submits it.
    """
    values = verdict.values
    if not verdict.feasible and state.status == "accepted":  # the plan agreed stands
        return [
            _line(rp, state, f"problem_{verdict.problem}", values),
            _line(rp, state, "keep_agreed", {"plan": agreed_plan(rp, state)}),
        ]
    state.plan = plan.to_dict()
    state.status = "" if state.status != "declined" else "declined"
    if not verdict.feasible:
        state.attempts += 1
        state.counter = verdict.counter.to_dict() if verdict.counter else None
        lines = [_line(rp, state, f"problem_{verdict.problem}", values)]
        if state.difficulty == "strict" and state.attempts >= int(rp["judge"]["strict_attempts"]):
            state.status = "declined"
            return lines + [_line(rp, state, "declined"), _ask_agreement(rp, state)]
        if verdict.counter:
            lines.append(_line(rp, state, "counter_beyond" if values.get("counter_beyond") else "counter", values))
        state.asked = "plan"
        return lines
    state.counter = None
    low = _low_offer(rp, state, plan, verdict)
    if low:  # a strict agent asks for what they said they can pay, once; the counter is that
        state.counter, state.asked = low.to_dict(), "plan"
        state.asks["low_offer"] = 1
        extra = {"counter_monthly": money(low.monthly), "counter_n": low.installments}
        return [_line(rp, state, "strict_low_offer", {**values, "affordable": money(state.affordable), **extra})]
    lines = []
    if "asked_n" in values:  # fewer installments than asked pay it off: the plan is that
        plan = replace(plan, installments=values["n"])
        state.plan = plan.to_dict()
        lines.append(_line(rp, state, "fewer_installments", values))
    return lines + [_line(rp, state, _worded("plan_summary", values), values)] + _submit(rp, state)


def _low_offer(rp: Mapping[str, Any], state: AgentState, plan: Plan, verdict: plans.Verdict) -> Plan | None:
    """A strict agent's counter to a workable plan well below what the borrower said they can pay a month
    (800 offered on 2,000 they can pay): that amount over the term it needs. Asked once a call.
    """
    share = float(rp["judge"]["low_offer_share"])
    if state.difficulty != "strict" or state.affordable is None or state.asks.get("low_offer"):
        return None
    monthly = plan.monthly if plan.monthly is not None else verdict.payment  # None: a lump sum, a deferral
    if monthly is None or monthly >= state.affordable * share:
        return None
    rest = state.the_case.owed - (plan.down or 0)
    n = plans.periods_for(rest, state.the_case.daily_rate, state.affordable, int(rp["judge"]["max_installments"]))
    return Plan(monthly=state.affordable, installments=n, down=plan.down) if n else None


def _worded(line: str, values: Mapping[str, Any]) -> str:
    """The line for what the judge worked out (``values``): a lump sum, a deferral, installments after a
    deferral, or installments.
    """
    if "lump" in values:
        return f"{line}_lump"
    if "defer_months" in values:
        return f"{line}_defer"
    return f"{line}_after_defer" if "deferred_months" in values else line


def _submit(rp: Mapping[str, Any], state: AgentState) -> List[str]:
    """Submits the workable plan on the table, or asks for what this difficulty still wants first."""
    missing = _missing(state)
    if missing is None:
        state.status = "accepted"
        return [_line(rp, state, "plan_accepted", {"plan": agreed_plan(rp, state)})]
    if missing == "strict_hold":
        state.holds += 1
    state.status, state.asked = "proof", "proof"
    state.asks["proof_waits"] = 0
    return [_line(rp, state, missing)]


def _next(
    rp: Mapping[str, Any], state: AgentState, turn: Turn, items: set, judged: bool, answered: bool = False
) -> List[str]:
    """The agent's next question, or the close: never before the user answered the closing question, and
    never right after answering a question of theirs (``answered``): then it asks what else they need.
    """
    if state.asked == "agreement" and not judged:
        # The call ends on "nothing else" (没有了, 谢谢); anything else is answered and asked again.
        state.closing_rounds += 0 if answered else 1
        finished = _matches(rp["nothing_more_words"], turn.plain) and len(turn.plain) <= 15 and not items
        if answered or not finished and state.closing_rounds < 3:
            return [_line(rp, state, "ask_more")]
        state.done = True
        return [_line(rp, state, "closing")]
    if state.status == "proof":
        if judged:
            return []
        state.asks["proof_waits"] = state.asks.get("proof_waits", 0) + 1
        if state.asks["proof_waits"] < 2 and turn.intent not in WRAPPING_UP_INTENTS:
            return [_line(rp, state, _missing(state) or "need_proof")]
        # No proof coming: 普通 submits with a warning, 严格 declines.
        if state.difficulty == "strict":
            state.status = "declined"
            return [_line(rp, state, "declined"), _ask_agreement(rp, state)]
        state.status = "accepted"
        return [_line(rp, state, "accepted_without_proof", {"plan": agreed_plan(rp, state)}), _ask_agreement(rp, state)]
    if state.status == "declined" and state.asked == "agreement":
        return []
    open_plan = state.status not in ("accepted", "declined") and state.asked == "plan" and not state.plan
    if open_plan and turn.values("amount:affordable") and state.affordable and not judged:
        values: Dict[str, Any] = {}  # what they can pay, told when asked for a plan: the agent's plan at it
        counter = plans.counter_offer(rp["judge"], state.the_case, state.income, state.affordable, values)
        if counter:
            state.counter = counter.to_dict()
            return [_line(rp, state, "counter_beyond" if values.get("counter_beyond") else "counter", values)]
    if open_plan and _PROPOSES.search(turn.plain):
        return [_vague_plan(rp, state)]
    if judged and state.status not in ("accepted", "declined"):
        return []  # the counter-offer is the agent's turn
    return [_question(rp, state)]


def _vague_plan(rp: Mapping[str, Any], state: AgentState) -> str:
    """A plan with no number: 温和 proposes figures from what the user can pay; others ask for numbers."""
    if state.difficulty == "mild":
        values: Dict[str, Any] = {}
        case = state.the_case
        counter = plans.counter_offer(rp["judge"], case, state.income, state.affordable, values)
        if counter:
            state.counter = counter.to_dict()
            return _line(rp, state, "mild_proposes", values)
    return _line(rp, state, "plan_vague")


# The agent's questions in call order. Each is asked at most twice (a borrower who will not say gets
# the next question), the plan three times; then the agent asks whether anything else is needed.
QUESTIONS = ("reason", "income", "affordable", "plan", "materials")
MAX_ASKS = 2
MAX_PLAN_ASKS = 3


def _still_needed(question: str, state: AgentState) -> bool:
    return {
        "reason": "situation" not in state.items,
        "income": state.income is None and not state.no_income,
        "affordable": state.affordable is None and not state.plan,
        "plan": state.status not in ("accepted", "declined"),
        "materials": "materials" not in state.items and state.status != "declined",
    }[question]


def _question(rp: Mapping[str, Any], state: AgentState, again: bool = False) -> str:
    """Ask for the first thing still missing, or, when nothing is, whether anything else is needed.
    ``again``: after an aside, the last question is asked again even if asked twice already.
    """
    if not state.started:
        return rp["ask_difficulty"]
    for question in QUESTIONS:
        asked = state.asks.get(question, 0)
        limit = MAX_PLAN_ASKS if question == "plan" else MAX_ASKS
        if _still_needed(question, state) and (asked < limit or again and state.asked == question):
            state.asked, state.asks[question] = question, asked + 1
            return _line(rp, state, f"ask_{question}")
    return _ask_agreement(rp, state)


def _ask_agreement(rp: Mapping[str, Any], state: AgentState) -> str:
    state.asked = "agreement"
    return _line(rp, state, "ask_agreement" if state.status == "accepted" else "ask_agreement_none")


def agreed_plan(rp: Mapping[str, Any], state: AgentState) -> str:
    """The plan on the table in words (每月还 1,500 元，分 15 期…), then what else was settled."""
    words = rp["plan"]
    plan = Plan.from_dict(state.plan) or Plan()
    parts = []
    if plan.down is not None:
        parts.append(fill(words["down"], {"value": money(plan.down)}))
    if plan.lump is not None:
        parts.append(fill(words["lump"], {"value": money(plan.lump)}))
    if plan.defer_days is not None:
        parts.append(fill(words["defer"], {"value": f"{plan.defer_days / 30:g}"}))
    if plan.monthly is not None:
        parts.append(fill(words["monthly"], {"value": money(plan.monthly)}))
    if plan.installments is not None:
        parts.append(fill(words["installments"], {"value": plan.installments}))
    if "waiver" in state.items or plan.waiver:
        parts.append(words["waiver"])
    if "materials" in state.items:
        parts.append(words["materials"])
    if state.written:
        parts.append(words["written"])
    return "，".join(parts) or words["default"]


# --- the debrief ---------------------------------------------------------------------------------


_ABOVE_CAPACITY = 1.02  # an agreed monthly sum this far over what they said they can pay is more than they can


def result(rp: Mapping[str, Any], state: AgentState) -> scoring.Score:
    said = state.said
    if _agreed_above_capacity(state):  # 最多就六百 … 行吧 那就八百: no workable plan for them (round four's trainers)
        said = [{**line, "items": [i for i in line["items"] if i != "plan"]} for line in said]
    return scoring.score(rp, said, _case_values(state.the_case))


def _agreed_above_capacity(state: AgentState) -> bool:
    plan = Plan.from_dict(state.plan) if state.status == "accepted" else None
    affordable = state.affordable
    return bool(plan and plan.monthly and affordable and plan.monthly > affordable * _ABOVE_CAPACITY)



def plan_assessment(rp: Mapping[str, Any], state: AgentState) -> List[str]:
    """What the plan agreed on the call is worth: feasible or not, and what it costs (calculator)."""
    words = rp["debrief"]
    if state.status == "declined":
        return [words["declined"]]
    if state.status != "accepted" and state.plan:  # a plan on the table, not settled before the call ended
        return [fill(words["unsettled"], {"plan": agreed_plan(rp, state)})]
    if state.status != "accepted" or not state.plan:
        return [words["agreed_nothing"]]
    case, plan = state.the_case, Plan.from_dict(state.plan)
    verdict = plans.judge(rp["judge"], case, plan, state.income, state.affordable)
    lines = [fill(words["agreed"], {"plan": agreed_plan(rp, state)})]
    kind = _worded("cost", verdict.values)
    if verdict.feasible and "interest" in verdict.values or kind != "cost":
        lines.append(fill(words[kind], verdict.values))
    return lines + _against_capacity(rp, state, plan, verdict.values)


def _against_capacity(rp: Mapping[str, Any], state: AgentState, plan: Plan, values: Mapping[str, Any]) -> List[str]:
    """The agreed monthly amount against what the borrower said they can pay: above it, a warning; well below
    it, what the longer plan costs them against paying what they can (a realistic counter).
    """
    words, affordable = rp["debrief"], state.affordable
    if affordable is None or plan.monthly is None or "n" not in values:
        return []
    if plan.monthly > affordable * _ABOVE_CAPACITY:
        return [fill(words["above_capacity"], {"monthly": money(plan.monthly), "affordable": money(affordable)})]
    if plan.monthly >= affordable * float(rp["judge"]["low_offer_share"]):
        return []
    case, rest = state.the_case, state.the_case.owed - (plan.down or 0)
    n = plans.periods_for(rest, case.daily_rate, affordable, int(rp["judge"]["max_installments"]))
    if not n:
        return []
    agreed = plans.cost(rest, case.daily_rate, int(values["n"]))
    realistic = plans.cost(rest, case.daily_rate, n)
    return [fill(words["below_capacity"], {
        "monthly": money(plan.monthly), "affordable": money(affordable), "n": n,
        "interest": money(realistic), "extra": money(agreed - realistic),
    })]  # fmt: skip


def _about_call(rp: Mapping[str, Any], state: AgentState, score: scoring.Score) -> Dict[str, Any]:
    """What the chat debrief and the page's score card both say beside the items: the case, the difficulty,
    what the plan is worth, the comparison with the last attempt (and the aids used), what to practise next.
    """
    difficulty = state.difficulty or "normal"
    return {
        "case": state.the_case.title,
        "difficulty": rp["difficulties"][difficulty]["title"],
        "plan": plan_assessment(rp, state),
        "progress": [*aids_used(rp, state), *scoring.progress(rp, score, state.previous)],
        "next": scoring.next_practice(rp, score, difficulty),
    }


def debrief(rp: Mapping[str, Any], state: AgentState) -> Tuple[scoring.Score, str]:
    score = result(rp, state)
    about = _about_call(rp, state, score)
    call = fill(rp["debrief"]["call"], {"case": about["case"], "difficulty": about["difficulty"]})
    return score, scoring.debrief(rp, score, about["plan"], call, about["progress"], about["next"])


def aids_used(rp: Mapping[str, Any], state: AgentState) -> List[str]:
    """The hints asked for and the lines taken back, counted: a real call has neither."""
    if not (state.hints or state.takebacks):
        return []
    return [fill(rp["debrief"]["aids"], {"hints": state.hints, "takebacks": state.takebacks})]


def score_card(rp: Mapping[str, Any], state: AgentState, score: scoring.Score) -> Dict[str, Any]:
    """The debrief's parts for the page's score card: the total, each item with the user's line or the
    tip and model line, the weakest item, each item's points (kept in the page's history for its trend),
    and what the chat debrief says about the call (``_about_call``).
    """
    weakest = score.weakest
    return {
        "total": score.total,
        "weakest": weakest.label if weakest else "",
        "penalty": score.penalty,
        "slip": scoring.slip_line(rp, score),
        "items": [
            {"label": i.label, "met": i.met, "weight": i.weight, "quote": i.quote, "tip": i.tip, "model": i.model}
            for i in score.items
        ],
        "items_points": scoring.record(score)["items"],
        **_about_call(rp, state, score),
    }


def call_state(rp: Mapping[str, Any], state: AgentState, speaker: str | None = None) -> Dict[str, Any]:
    """What the page shows of the call: whether it is on, at which difficulty, and who is speaking (the agent
    once the call has started, unless the coach is: hints, 重说).
    """
    title = rp["difficulties"][state.difficulty]["title"] if state.difficulty else ""
    speaker = speaker or ("agent" if state.started else "coach")
    return {"active": not state.done, "difficulty": title, "speaker": speaker}
