"""What to answer to one message, from its parse data, what is known of the user, and the previous
topic. Pure (no Rasa): ``actions/answers.py`` sends the result.

- a quick reply names its topic (``/faq{"faq_key": …}``);
- a short follow-up is answered in the context of the previous topic;
- several concerns are answered together, most urgent first (bot.knowledge.Knowledge.combined_answer);
- otherwise the one topic, or, for a statement of the situation, the facts echoed;
- "I cannot pay" with numbers adds a plan in those numbers (bot.hardship).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Mapping, Sequence

from bot import calc_text, concerns, entities, hardship
from bot.knowledge import FAQ_PREFIX, MORE_CUE, Answer, Knowledge, fill

# Roles of amounts that say the user is describing their budget.
BUDGET_ROLES = {"income", "expense", "installment", "affordable"}
REPAYMENT_TOPIC = "negotiate_repayment"
CALC_TOPIC = "ask_interest_calc"
CARE_FIRST = ("safety_crisis", "safety_anger")  # care first, no figures beside it
WHAT_NOW = "ask_overdue_help"  # "现在怎么办": the general question of what to do
WHAT_NOW_MAX_CHARS = 12


@dataclass(frozen=True)
class Reply:
    answer: Answer
    topic: str | None  # what the conversation is now about, for the next follow-up
    slots: Dict[str, Any] = field(default_factory=dict)  # facts the follow-up changed
    digest: str = ""  # the answer's fingerprint before any feeling is acknowledged: for ``shown``


def entities_of(parse: Mapping[str, Any]) -> List[Dict[str, Any]]:
    return list(parse.get("entities") or [])


def budget_extra(kb: Knowledge, parse: Mapping[str, Any], slots: Mapping[str, Any], topics: List[str]) -> List[str]:
    """A plan in the user's numbers when this message describes their budget, asks about repayment
    or tells the debt once the budget is known; else nothing. A lower monthly amount said after a calculation
    is costed for the loan worked out.
    """
    roles = {e.get("role") for e in entities_of(parse) if e.get("entity") == "amount"}
    if any(t in CARE_FIRST for t in topics):
        return []  # someone who cannot go on gets care first, not figures
    asks_repayment = REPAYMENT_TOPIC in topics and slots.get("monthly_income")
    # "我一共还欠两万二" once the budget is known (the plan asked for it): the plan, now in installments
    debt_for_plan = None in roles and slots.get("monthly_income") and roles.isdisjoint({"interest", "lost"})
    if not roles & BUDGET_ROLES and not asks_repayment and not debt_for_plan:
        return []
    if roles == {"affordable"}:
        costed = calc_text.lower_payment(kb, calc_text.CalcRequest.from_slots(slots))
        if costed:
            return [costed]
    text = plan_in_numbers(kb, slots)
    return [text] if text else []


def worked_numbers(kb: Knowledge, parse: Mapping[str, Any]) -> List[str]:
    """Figures the message's own numbers answer: the rate paid (借5000 用了20天 还了5060 多收了吗), or
    the interest for the days used (借了1.2w 日息万五 用了一个半月 现在还清要多少钱), a day's interest
    (两万五 日息万五 一天要多少钱); else nothing.
    """
    # A value out of range (400 digits read as inf, 分480期) is the calculator's to refuse, not to work with.
    found = [e for e in entities_of(parse) if entities.finite(e.get("value")) and not entities.implausible(e)]

    def first(entity: str, role: str | None = None) -> Any:
        return next((e["value"] for e in found if e.get("entity") == entity and e.get("role") == role), None)

    owed, paid, days = first("amount"), first("amount", "paid"), first("days")
    if owed and paid and days:
        implied = calc_text.implied_rate(kb, owed, paid, int(days))
        return [implied] if implied else []
    rate = first("daily_rate")
    text = parse.get("text") or ""
    if owed and rate and any(w in text for w in kb.calculator.get("per_day_words", [])):
        return [calc_text.per_day(kb, owed, rate)]
    if owed and rate and days and not first("term_months"):
        held = calc_text.answer(kb, calc_text.CalcRequest(amount=owed, daily_rate=rate, days=int(days)))
        return [held.text] if held else []
    return []


def plan_in_numbers(kb: Knowledge, slots: Mapping[str, Any]) -> str | None:
    """The negotiation plan in the user's known numbers (bot.hardship), or None when they do not allow one."""
    return hardship.plan(kb.situation["hardship"], hardship.Budget.from_slots(slots))


def retimed(kb: Knowledge, topic: str, found: List[Dict[str, Any]]) -> Dict[str, Any]:
    """"那一周呢" after a question about being overdue: the span of time is the time overdue."""
    spans = [e.get("value") for e in found if e.get("entity") == "days"]
    asks_overdue = any("overdue_days" in e.when for e in kb.entries if topic in e.intents)
    if spans and asks_overdue and not any(e.get("entity") == "overdue_days" for e in found):
        return {"overdue_days": float(spans[-1])}
    return {}


def follow_up(
    kb: Knowledge,
    cue: str,
    slots: Mapping[str, Any],
    last_topic: str | None,
    parse_entities: List[Dict[str, Any]] = (),
    shown: Sequence[str] = (),
) -> Reply:
    """A short follow-up: the previous topic's answer for the cue, the same topic again for a new
    number, or what to check where.
    """
    words = kb.situation
    rest = kb.rest(last_topic, slots) if cue == MORE_CUE and last_topic else None
    if rest:  # "还有呢", or the quick reply 更多要点: what the last answer left out
        return Reply(rest, last_topic)
    if last_topic == CALC_TOPIC:  # "那分20期呢" after a calculation: the figures again, with the new number
        worked = calc_text.answer(kb, calc_text.CalcRequest.from_slots(slots))
        if worked:
            return Reply(worked, last_topic)
    if last_topic == REPAYMENT_TOPIC and cue in ("same", "duration"):  # "那要还多久" after a plan: the plan
        term = next((e.get("value") for e in parse_entities if e.get("entity") == "term_months"), None)
        # "那分24期呢": that number of installments, never the same plan again
        in_term = term and hardship.for_term(kb.situation["hardship"], hardship.Budget.from_slots(slots), int(term))
        plan = in_term or plan_in_numbers(kb, slots)
        if plan:
            return Reply(Answer(plan, kb.buttons([REPAYMENT_TOPIC]), []), last_topic)
    if cue == "same" and last_topic and kb.main_entry(last_topic):
        changed = retimed(kb, last_topic, parse_entities)
        now = {**slots, **changed}
        new_number = any(e.get("entity") in concerns.NUMBER_ENTITIES for e in parse_entities)
        # No new number ("他们来了我该怎么办"): the answer in short and what it left out, never the same card.
        answer = (new_number and kb.with_numbers(last_topic, now)) or (
            not new_number and kb.rest(last_topic, now, restate=True))
        answer = answer or kb.answer(last_topic, now)
        return Reply(answer, last_topic, changed) if answer else Reply(kb.reply("default"), None)
    target = kb.follow_target(last_topic, cue)
    answer = kb.answer(target, slots) if target and target != last_topic and kb.main_entry(target) else None
    if answer and last_topic and kb.main_entry(last_topic):  # a general answer: say what it is about
        answer = Answer(fill(words["follow_context"], {"topic": kb.label(last_topic)}) + answer.text,
                        answer.buttons, answer.entry_ids)  # fmt: skip
    if answer and digest(answer) not in shown:  # given already ("那客服电话多少" after it): what to check where
        return Reply(answer, last_topic or target)  # a follow-up does not change what we talk about
    previous = kb.main_entry(last_topic) if last_topic else None
    if previous:
        # No answer of its own: what to check where, then the previous answer again, briefly. After help
        # in danger, or when the previous answer is the answer ("要报警吗" after money sent), that help only.
        general = "" if previous.urgent or target == last_topic else words["follow_unknown"].get(cue, "")
        context = fill(words["follow_context"], {"topic": kb.label(last_topic)})
        text = "\n\n".join(t for t in (general, context + kb.brief(last_topic, slots)) if t)
        return Reply(Answer(text, kb.buttons([last_topic]), []), last_topic)
    return Reply(Answer(words["no_context"], kb.buttons(kb.menu[:4]), []), last_topic)


def after_danger_what_now(kb: Knowledge, parse: Mapping[str, Any], last_topic: str | None) -> bool:
    """A short "what do I do now" right after help in danger asks about that danger, not about debt."""
    previous = kb.main_entry(last_topic) if last_topic else None
    topics = parse.get(concerns.CONCERNS) or []
    short = len(concerns.bare(parse.get("text") or "")) <= WHAT_NOW_MAX_CHARS
    return bool(previous and previous.urgent and short and topics in ([], [WHAT_NOW]))


def asides(kb: Knowledge, parse: Mapping[str, Any], slots: Mapping[str, Any], skip: Sequence[str] = ()) -> List[str]:
    """Short answers to the other questions of a message that starts something else (a rehearsal:
    "陪我练一下 还有要准备什么材料"), each named: "关于「协商材料」：…". ``skip``: topics the thing
    started covers itself.
    """
    topics = [
        t for t in parse.get(concerns.CONCERNS) or []
        if not t.startswith(concerns.SAFETY_PREFIX) and t not in skip and kb.main_entry(t)
    ]  # fmt: skip
    label = kb.situation["follow_context"]
    return [fill(label, {"topic": kb.label(t)}) + kb.brief(t, slots) for t in topics]


def respond(
    kb: Knowledge, parse: Mapping[str, Any], slots: Mapping[str, Any], last_topic: str | None, shown: Sequence[str] = ()
) -> Reply:
    """The reply to a message, with the feeling it states acknowledged in one short clause first.
    ``shown``: the digests of the answers this conversation has had (``digest``): none is sent twice.
    """
    result = not_again(kb, _checked(kb, parse, slots, last_topic, shown), slots, shown)
    return acknowledged(kb, parse, replace(result, digest=digest(result.answer)))


def digest(answer: Answer) -> str:
    """A short fingerprint of an answer's text: what ``shown`` remembers of it."""
    return hashlib.sha1(answer.text.encode("utf-8")).hexdigest()[:12]


def not_again(kb: Knowledge, result: Reply, slots: Mapping[str, Any], shown: Sequence[str]) -> Reply:
    """An answer already given word for word: said so, with the answer in short and what it left out."""
    entry = kb.entry(result.answer.entry_ids[0]) if result.answer.entry_ids else None
    if digest(result.answer) not in shown or not entry:
        return result
    restated = kb.rest(entry.intents[0], slots, restate=True)
    text = kb.replies["said_before"] + (restated.text if restated else kb.brief(entry.intents[0], slots))
    return replace(result, answer=Answer(text, result.answer.buttons, result.answer.entry_ids))


def acknowledged(kb: Knowledge, parse: Mapping[str, Any], result: Reply) -> Reply:
    """"说出来都丢人…": one short clause for the feeling before the facts. Help in danger has its own
    care in its first line, so it is left as it is.
    """
    clause = kb.replies["feelings"].get(parse.get(concerns.FEELING) or "")
    entry = kb.main_entry(result.topic) if result.topic else None
    in_danger = parse.get(concerns.URGENT) or intent_of(parse).startswith(concerns.SAFETY_PREFIX)
    if not clause or in_danger or (entry and entry.urgent) or result.topic in CARE_FIRST:
        return result
    answer = result.answer
    return replace(result, answer=Answer(f"{clause}{answer.text}", answer.buttons, answer.entry_ids))


def _checked(
    kb: Knowledge, parse: Mapping[str, Any], slots: Mapping[str, Any], last_topic: str | None, shown: Sequence[str] = ()
) -> Reply:
    """The reply to a message; the first question right after help in a crisis ("我该怎么跟老婆说") is
    answered after asking how the person is, with the help line again. A number out of range (400 digits,
    分480期) is never echoed or computed with: its slot is cleared and, unless in danger, the reply asks again.
    """
    refused = calc_text.refused(slots)
    if refused:
        cleared = {name: None for name, _ in refused}
        slots = {**slots, **cleared}
        if not (parse.get(concerns.URGENT) or intent_of(parse).startswith(concerns.SAFETY_PREFIX)):
            return Reply(Answer(calc_text.refusals(kb, refused), [], ["calculator"]), last_topic, cleared)
        result = _checked(kb, parse, slots, last_topic, shown)
        return replace(result, slots={**result.slots, **cleared})
    result = _respond(kb, parse, slots, last_topic, shown)
    if last_topic not in CARE_FIRST or result.topic in CARE_FIRST:
        return result
    entry = kb.main_entry(result.topic) if result.topic else None
    if entry and entry.urgent:  # new danger: its own help comes first
        return result
    answer = result.answer
    text = f"{kb.replies['check_in_first']}\n\n{answer.text}"
    return replace(result, answer=Answer(text, answer.buttons, answer.entry_ids))


def intent_of(parse: Mapping[str, Any]) -> str:
    return (parse.get("intent") or {}).get("name") or ""


def _respond(
    kb: Knowledge, parse: Mapping[str, Any], slots: Mapping[str, Any], last_topic: str | None, shown: Sequence[str] = ()
) -> Reply:
    intent = intent_of(parse)
    key = next((e.get("value") for e in entities_of(parse) if e.get("entity") == "faq_key"), None)
    if key:  # a quick reply
        topic = f"{FAQ_PREFIX}{key}"
        answer = kb.answer(topic, slots)
        return Reply(answer, topic) if answer else Reply(kb.reply("default"), last_topic)
    # The quick reply 更多要点 names its cue (payloads skip the NLU components); typed words get theirs there.
    cue = next((e.get("value") for e in entities_of(parse) if e.get("entity") == "follow_cue"), None)
    cue = cue or parse.get(concerns.FOLLOW_UP)
    possible = parse.get(concerns.POSSIBLE_FOLLOW_UP)
    if intent == concerns.FOLLOW_UP_INTENT:
        return follow_up(kb, cue or possible or "same", slots, last_topic, entities_of(parse), shown)
    # "这个能告他吗" after public shaming; "他们来了我该怎么办" (possible "same") after the home-visit answer
    if possible and last_topic and kb.follows(last_topic, possible):
        return follow_up(kb, possible, slots, last_topic, entities_of(parse), shown)
    if after_danger_what_now(kb, parse, last_topic):  # "那我现在要怎么做" after the fake-agent answer
        return follow_up(kb, "how", slots, last_topic, shown=shown)
    found = [t for t in parse.get(concerns.CONCERNS) or [] if kb.main_entry(t)]
    # The topic of a single answer: set by the concern detector, else the intent (quick-reply payloads
    # like /ask_materials skip NLU components).
    topic = parse.get(concerns.TOPIC) if concerns.TOPIC in parse else intent
    topic = topic if topic and kb.main_entry(topic) else None
    extra = budget_extra(kb, parse, slots, [*found, *([topic] if topic else [])])
    worked = worked_numbers(kb, parse)
    if worked and not parse.get(concerns.SEVERAL) and (not topic or topic == CALC_TOPIC):
        return Reply(Answer("\n\n".join(worked), kb.buttons([REPAYMENT_TOPIC]), ["calculator"]), CALC_TOPIC)
    extra = [*worked, *extra]
    if parse.get(concerns.SEVERAL) and found:
        urgent = [t for t in parse.get(concerns.URGENT) or [] if t in found]
        told = {e.get("entity") for e in entities_of(parse)} & (concerns.NUMBER_ENTITIES | {"hardship_reason"})
        return Reply(kb.combined_answer(found, slots, extra, urgent, echo=bool(told)), (topic or found[0]))
    if topic == CALC_TOPIC and last_topic == CALC_TOPIC:  # "总共利息多少" right after a calculation: its figures
        figures = calc_text.answer(kb, calc_text.CalcRequest.from_slots(slots))
        if figures:
            return Reply(figures, CALC_TOPIC)
    if topic in CARE_FIRST and topic == last_topic:  # "我不想活了" again: still here, and a question
        return Reply(kb.reply(f"{topic}_again", menu=False), topic)
    if topic:
        answer = kb.answer(topic, slots)
        if extra:
            answer = Answer("\n\n".join([answer.text, *extra]), answer.buttons, answer.entry_ids)
        return Reply(answer, topic)
    if intent != "inform_situation" and not extra:
        return Reply(kb.reply("default"), last_topic)
    # A statement of the situation: the facts echoed, and the plan when the numbers allow one.
    answer = kb.situation_answer(slots)
    if extra:  # a plan: what a follow-up ("那要还多久") is now about
        answer = Answer("\n\n".join([answer.text, *extra]), answer.buttons, answer.entry_ids)
        return Reply(answer, REPAYMENT_TOPIC)
    return Reply(answer, last_topic)
