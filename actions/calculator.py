"""The interest calculator: a form that asks for what is missing, then the figures.

``interest_calc_form`` starts on every ``ask_interest_calc``. Its validation action decides what to ask:
nothing when the message only asks how interest works or gives just a rate (answered at once), else
the amount, the rate and the period (days held or number of installments), one at a time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    calc_failed,
    events_since_form_started,
    get_knowledge,
    known_slots,
    off_loop,
    send,
    send_to_page,
    to_page,
)
from bot import calc_text, calculator, entities
from bot.knowledge import Answer

FORM = "interest_calc_form"
CALC_TOPIC = "ask_interest_calc"
# Numbers that mean "work out my figures" (a rate alone only asks for a conversion).
FIGURE_ENTITIES = ("amount", "term_months", "days", "paid_periods", "calc_request")
RATE_ENTITIES = ("daily_rate", "annual_rate")
# The entities that already answer each of the form's questions.
ANSWER_ENTITIES = {"amount": {"amount"}, "daily_rate": set(RATE_ENTITIES), "days": {"days", "term_months"}}


def latest_entities(tracker: Tracker) -> Dict[str, Any]:
    """Entity → value in the latest user message (the last one wins). An amount with a role (income,
    what was repaid…) is not the loan's amount.
    """
    return {
        e["entity"]: e.get("value")
        for e in tracker.latest_message.get("entities") or []
        if not (e["entity"] == "amount" and e.get("role"))
    }


def next_question(slots: Mapping[str, Any]) -> str | None:
    """The slot to ask for next: amount, then a rate, then the period (days or installments)."""
    if not slots.get("amount"):
        return "amount"
    if slots.get("daily_rate") is None and slots.get("annual_rate") is None:
        return "daily_rate"
    if not slots.get("days") and not slots.get("term_months"):
        return "days"
    return None


def answer_to_question(requested: str | None, message: str, found: Mapping[str, Any]) -> Dict[str, Any]:
    """A bare number ("8000", "八千", "3w", "0.05") answers the question the form asked, whatever the
    extractor took it for: the amount, the rate (below 1 a daily %, up to 36 an annual %), or the days.
    """
    bare = entities.bare_number(message)
    if not bare or bare <= 0 or requested is None or set(found) & ANSWER_ENTITIES[requested]:
        return {}
    if requested == "amount":
        return {"amount": bare}
    if requested == "daily_rate":
        if bare < 1:
            return {"daily_rate": bare / 100}
        return {"annual_rate": bare / 100} if bare <= 36 else {"daily_rate": bare / 100}
    return {"days": bare}


def form_updates(
    slots: Mapping[str, Any], found: Mapping[str, Any], message: str, requested: str | None
) -> Tuple[Dict[str, Any], List[Tuple[str, Any, str]]]:
    """Slot changes after a user message while the form runs, ``requested_slot`` included, and the
    values too implausible to compute with (slot, value, reason), which are cleared and asked again.

    ``found`` holds the message's entities (their slots are already set by Rasa). An answer to the form's
    question fills that question's slot; a new rate or period replaces the other form of it.
    """
    answered = answer_to_question(requested, message, found)
    found = {**found, **answered}
    updates: Dict[str, Any] = dict(answered)
    doubtful = [
        (name, value, reason)
        for name, value in found.items()
        if name in calc_text.CALC_SLOTS and (reason := entities.implausible({"entity": name, "value": value}))
    ]
    for name, _, _ in doubtful:
        updates[name] = None
        found.pop(name)
    if "daily_rate" in found:
        updates["annual_rate"] = float(calculator.annual_from_daily(found["daily_rate"]))
    elif "annual_rate" in found:
        updates["daily_rate"] = float(calculator.daily_from_annual(found["annual_rate"]))
    if "days" in found:
        updates["term_months"] = None
    elif "term_months" in found:
        updates["days"] = None
    starting = requested is None
    if starting and not doubtful and not any(e in found for e in FIGURE_ENTITIES):
        updates["requested_slot"] = None  # a question about interest, or a rate to convert: answer now
    else:
        updates["requested_slot"] = next_question({**slots, **updates})
    return updates, doubtful


def user_answered_form(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the user answered at least one of the form's questions since it last started."""
    since = events_since_form_started(events, FORM) or []
    return any(event.get("event") == "user" for event in since)


class ValidateInterestCalcForm(Action):
    """Keeps the calculator's slots consistent and picks its next question (see ``form_updates``)."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        updates, doubtful = form_updates(
            tracker.current_slot_values(),
            latest_entities(tracker),
            tracker.latest_message.get("text") or "",
            tracker.get_slot("requested_slot"),
        )
        for reason in dict.fromkeys(reason for _, _, reason in doubtful):
            dispatcher.utter_message(text=calc_text.refusal(get_knowledge(), reason))
        return [SlotSet(name, value) for name, value in updates.items()]


class AskCalcQuestion(Action, ABC):
    """Asks the form's question for one slot (texts: ``ask:`` in data/knowledge/calculator.yml)."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{FORM}_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=get_knowledge().calculator["ask"][self.slot])
        return []


class AskAmount(AskCalcQuestion):
    slot = "amount"


class AskRate(AskCalcQuestion):
    slot = "daily_rate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        known = calc_text.before_rate(kb, calc_text.CalcRequest.from_slots(known_slots(tracker)))
        ask = kb.calculator["ask"][self.slot]
        dispatcher.utter_message(text=f"{known}\n{ask}" if known else ask)
        return []


class AskPeriod(AskCalcQuestion):
    slot = "days"


class ActionInterestCalc(Action):
    """The figures for what the user gave, or how interest works when they gave no numbers."""

    def name(self) -> str:
        return "action_interest_calc"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        found = latest_entities(tracker)
        wants_figures = user_answered_form(tracker.events) or any(e in found for e in FIGURE_ENTITIES + RATE_ENTITIES)
        table = found.get("calc_request") == "table"
        slots = known_slots(tracker)
        request = calc_text.CalcRequest.from_slots(slots, show_table=table)
        worked = await off_loop(work_out, request, wants_figures, to_page(tracker))
        if worked is None:
            return calc_failed(dispatcher)
        answer, figures = worked
        if answer is None:  # no numbers: how interest works, and an offer to work out theirs
            answer = kb.answer("ask_interest_calc", slots)
            answer.buttons.insert(0, calc_text.start_button(kb))
        if figures:  # the page shows the key figure, the table and a chart
            send_to_page(dispatcher, answer.text, answer.buttons, calc=figures, answer="calculator")
        else:
            send(dispatcher, answer, tracker)
        cleared = [SlotSet(name, None) for name, _ in request.refused]  # said out of range: asked again
        return [*cleared, SlotSet("last_topic", CALC_TOPIC)]  # "那分20期呢" is then a follow-up of this


def work_out(
    request: calc_text.CalcRequest, wants_figures: bool, for_page: bool
) -> Tuple[Answer | None, Dict[str, Any] | None]:
    """The calculator's answer and, for the page, its figures (in a worker process: ``off_loop``)."""
    if not wants_figures:
        return None, None
    kb = get_knowledge()
    return calc_text.answer(kb, request), calc_text.figures(kb, request) if for_page else None
