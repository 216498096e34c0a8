"""Greeting, menus and the fallback: a short reply from the data plus the topic menu as buttons."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import LAST_TOPIC, get_knowledge, latest_intent, send
from bot import concerns
from bot.reply import CARE_FIRST

# Which reply (data/knowledge/replies.yml) a greeting, a yes or a no gets; the menu follows, except
# after a no ("不用了": nothing more is wanted) or thanks.
MENU_REPLIES = {"greet": "greet", "affirm": "anything_else", "deny": "deny_ok", "thank": "youre_welcome"}
WITHOUT_MENU = ("deny_ok", "youre_welcome", "after_crisis")
# After a crisis answer (a topic of reply.CARE_FIRST), the next "嗯" or "不用了" is not a cue for the
# debt topics: it gets a check-in, once.
CHECKED_IN = "safety_checked_in"
# Why a message could not be read (set by bot.components.ChineseNormalizer) → the reply for it.
INPUT_ISSUE_REPLIES = {"empty": "input_empty", "too_long": "input_too_long", "no_words": "input_no_words"}


class ActionShowMenu(Action):
    """Greets, asks what else or says fine, with the main topics as quick replies; right after a crisis
    answer it checks in on the person instead.
    """

    def name(self) -> str:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        if tracker.get_slot(LAST_TOPIC) in CARE_FIRST:
            send(dispatcher, get_knowledge().reply("after_crisis", menu=False))
            return [SlotSet(LAST_TOPIC, CHECKED_IN)]
        feeling = tracker.latest_message.get(concerns.FEELING)
        if feeling:  # "好吧 我好累 每天都睡不着": heard, not a plain yes
            send(dispatcher, get_knowledge().reply(f"heard_{feeling}"))
            return []
        name = MENU_REPLIES.get(latest_intent(tracker), "anything_else")
        if name == "greet" and sum(e.get("event") == "user" for e in tracker.events) > 1:
            name = "greet_again"  # "你好" in the middle of a conversation: not the whole welcome again
        send(dispatcher, get_knowledge().reply(name, menu=name not in WITHOUT_MENU))
        return []


def fallback_reply(intent: str, issue: Any) -> str:
    """Which reply explains why the bot cannot answer: unreadable input, off topic, or not understood."""
    if issue in INPUT_ISSUE_REPLIES:
        return INPUT_ISSUE_REPLIES[issue]
    return "out_of_scope" if intent == "out_of_scope" else "default"


class ActionFallback(Action):
    """Low confidence, out of scope or unreadable input: a polite redirect with the topic menu."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        reply = fallback_reply(latest_intent(tracker), tracker.latest_message.get("input_issue"))
        feeling = tracker.latest_message.get(concerns.FEELING)
        if feeling and reply in ("default", "out_of_scope"):  # a feeling told, nothing else understood: heard
            reply = f"heard_{feeling}"
        send(dispatcher, get_knowledge().reply(reply))
        return []
