"""Answers from the knowledge data, for every topic intent, and the echo of the user's situation."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import get_knowledge, known_slots, latest_intent, send


class ActionAnswer(Action):
    """Renders the knowledge entries for the user's latest intent, tailored by known slots."""

    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        answer = get_knowledge().answer(latest_intent(tracker), known_slots(tracker))
        # A topic with no entry is a data bug (tests check every topic has one); still answer politely.
        send(dispatcher, answer or get_knowledge().reply("default"))
        return []


class ActionRecordSituation(Action):
    """Repeats back the facts the user gave (slots filled from entities) and suggests next topics."""

    def name(self) -> str:
        return "action_record_situation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        send(dispatcher, get_knowledge().situation_answer(known_slots(tracker)))
        return []
