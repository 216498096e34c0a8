"""The answer to every question, statement and follow-up: ``bot.reply`` decides, this sends it."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import LAST_TOPIC, get_knowledge, known_slots, send
from bot import reply


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
        result = reply.respond(get_knowledge(), tracker.latest_message, slots, tracker.get_slot(LAST_TOPIC))
        send(dispatcher, result.answer, tracker)
        changed = [SlotSet(name, value) for name, value in result.slots.items()]
        return [*events, *changed, SlotSet(LAST_TOPIC, result.topic)]
