"""The answer to every question, statement and follow-up: ``bot.reply`` decides, this sends it."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import LAST_TOPIC, calc_failed, get_knowledge, known_slots, off_loop, send, send_to_page, to_page
from bot import calc_text, reply

SHOWN = "shown_answers"  # digests of the answers given (bot.reply.digest): none is given twice word for word
SHOWN_KEPT = 30


def expenses_said(tracker: Tracker) -> List[SlotSet]:
    """The essential costs named in the latest message, added up (房贷 2800 + 房租 1000)."""
    costs = [
        e.get("value")
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == "amount" and e.get("role") == "expense" and isinstance(e.get("value"), (int, float))
    ]
    return [SlotSet("monthly_expenses", float(sum(costs)))] if costs else []


class ActionAnswer(Action):
    """Answers from the knowledge data, tailored by what is known, in the context of the last topic."""

    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = expenses_said(tracker)
        slots = {**known_slots(tracker), **{e["name"]: e["value"] for e in events}}
        # Off the event loop: a follow-up or a plan may work out a long schedule (bot.calc_text, bot.hardship).
        shown = list(tracker.get_slot(SHOWN) or [])
        result = await off_loop(respond, tracker.latest_message, slots, tracker.get_slot(LAST_TOPIC), shown)
        if result is None:
            return calc_failed(dispatcher)
        figures = None
        if result.answer.entry_ids == ["calculator"] and to_page(tracker):  # "那分6期呢": the card again, redrawn
            request = calc_text.CalcRequest.from_slots({**slots, **result.slots})
            figures = await off_loop(page_figures, request)
        if figures:
            send_to_page(dispatcher, result.answer.text, result.answer.buttons, calc=figures, answer="calculator")
        else:
            send(dispatcher, result.answer, tracker)
        changed = [SlotSet(name, value) for name, value in result.slots.items()]
        remembered = [*shown, result.digest][-SHOWN_KEPT:]
        return [*events, *changed, SlotSet(LAST_TOPIC, result.topic), SlotSet(SHOWN, remembered)]


def respond(
    message: Dict[str, Any], slots: Dict[str, Any], last_topic: str | None, shown: List[str]
) -> reply.Reply:
    """``bot.reply.respond`` with the knowledge data, for a worker process (``off_loop``)."""
    return reply.respond(get_knowledge(), message, slots, last_topic, shown)


def page_figures(request: calc_text.CalcRequest) -> Dict[str, Any] | None:
    """The calculator's card for the page (``bot.calc_text.figures``), for a worker process (``off_loop``)."""
    return calc_text.figures(get_knowledge(), request)
