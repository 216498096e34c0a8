"""The interest calculator: a form that asks for what is missing, then the figures.

``interest_calc_form`` starts on every ``ask_interest_calc``. Its validation action decides what to ask:
nothing when the message only asks how interest works or gives just a rate (answered at once), else
the amount, the rate and the period (days held or number of installments), one at a time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Mapping, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import events_since_form_started, get_knowledge, known_slots, send
from bot import calc_text, calculator, entities, text

FORM = "interest_calc_form"
# Numbers that mean "work out my figures" (a rate alone only asks for a conversion).
FIGURE_ENTITIES = ("amount", "term_months", "days", "paid_periods", "calc_request")
RATE_ENTITIES = ("daily_rate", "annual_rate")


def latest_entities(tracker: Tracker) -> Dict[str, Any]:
    """Entity → value in the latest user message (the last one wins)."""
    return {e["entity"]: e.get("value") for e in tracker.latest_message.get("entities") or []}


def next_question(slots: Mapping[str, Any]) -> str | None:
    """The slot to ask for next: amount, then a rate, then the period (days or installments)."""
    if not slots.get("amount"):
        return "amount"
    if slots.get("daily_rate") is None and slots.get("annual_rate") is None:
        return "daily_rate"
    if not slots.get("days") and not slots.get("term_months"):
        return "days"
    return None


def form_updates(
    slots: Mapping[str, Any], found: Mapping[str, Any], message: str, requested: str | None
) -> Dict[str, Any]:
    """Slot changes after a user message while the form runs, ``requested_slot`` included.

    ``found`` holds the message's entities (their slots are already set by Rasa). A bare number is the
    amount when the form asked for it; a new rate or period replaces the other form of it.
    """
    updates: Dict[str, Any] = {}
    if requested == "amount" and "amount" not in found:
        bare = entities.parse_number(text.normalise(message).strip(" 元块"))
        if bare and bare > 0:
            updates["amount"] = bare
    if "daily_rate" in found:
        updates["annual_rate"] = float(calculator.annual_from_daily(found["daily_rate"]))
    elif "annual_rate" in found:
        updates["daily_rate"] = float(calculator.daily_from_annual(found["annual_rate"]))
    if "days" in found:
        updates["term_months"] = None
    elif "term_months" in found:
        updates["days"] = None
    starting = requested is None
    if starting and not any(e in found for e in FIGURE_ENTITIES):
        updates["requested_slot"] = None  # a question about interest, or a rate to convert: answer now
    else:
        updates["requested_slot"] = next_question({**slots, **updates})
    return updates


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
        updates = form_updates(
            tracker.current_slot_values(),
            latest_entities(tracker),
            tracker.latest_message.get("text") or "",
            tracker.get_slot("requested_slot"),
        )
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
        answer = (
            calc_text.answer(kb, calc_text.CalcRequest.from_slots(slots, show_table=table)) if wants_figures else None
        )
        if answer is None:  # no numbers: how interest works, and an offer to work out theirs
            answer = kb.answer("ask_interest_calc", slots)
            answer.buttons.insert(0, calc_text.start_button(kb))
        send(dispatcher, answer)
        return []
