"""Greeting, menus and the fallback: short responses from the domain plus the topic menu as buttons."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import get_knowledge, latest_intent

# Which domain response opens the menu, by the intent that led to it.
MENU_RESPONSES = {"greet": "utter_greet", "affirm": "utter_anything_else"}
# Why a message could not be read (set by bot.components.ChineseNormalizer) → the response for it.
INPUT_ISSUE_RESPONSES = {
    "empty": "utter_input_empty",
    "too_long": "utter_input_too_long",
    "no_words": "utter_input_no_words",
}


class ActionShowMenu(Action):
    """Greets (or asks what else) and offers the main topics as quick replies."""

    def name(self) -> Text:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        response = MENU_RESPONSES.get(latest_intent(tracker), "utter_anything_else")
        knowledge = get_knowledge()
        dispatcher.utter_message(response=response, buttons=knowledge.buttons(knowledge.menu))
        return []


class ActionFallback(Action):
    """Low confidence, out of scope or unreadable input: a polite redirect with the topic menu."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        issue = tracker.latest_message.get("input_issue")
        if issue in INPUT_ISSUE_RESPONSES:
            response = INPUT_ISSUE_RESPONSES[issue]
        elif latest_intent(tracker) == "out_of_scope":
            response = "utter_out_of_scope"
        else:
            response = "utter_default"
        knowledge = get_knowledge()
        dispatcher.utter_message(response=response, buttons=knowledge.buttons(knowledge.menu))
        return []
