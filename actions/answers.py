"""Answers from the knowledge data, for every topic intent, and the echo of the user's situation."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import get_knowledge, known_slots, latest_intent, send
from bot import calc_text
from bot.knowledge import Answer


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
        kb, slots = get_knowledge(), known_slots(tracker)
        answer = kb.situation_answer(slots)
        # "如果每个月只能还1000呢" after working out a loan: what that monthly amount would cost.
        said_affordable = any(e.get("role") == "affordable" for e in tracker.latest_message.get("entities") or [])
        extra = calc_text.lower_payment(kb, calc_text.CalcRequest.from_slots(slots)) if said_affordable else None
        if extra:
            answer = Answer(f"{answer.text}\n\n{extra}", answer.buttons, answer.entry_ids)
        send(dispatcher, answer)
        return []
