"""What every action shares: the knowledge data (loaded once, on first use) and sending answers."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Mapping, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import cards, concerns, knowledge, reply
from bot.config import settings

# What the last answer was about: the context of a short follow-up, and of the check-in after a crisis.
LAST_TOPIC = "last_topic"
# The intent of someone who cannot go on (or, by concerns.yml's acts_as, is about to hurt another).
CRISIS_INTENT = "safety_crisis"

# Slots the answers (and the calculator) may be tailored with.
SITUATION_SLOTS = (
    "amount",
    "overdue_days",
    "monthly_income",
    "affordable_payment",
    "hardship_reason",
    "daily_rate",
    "annual_rate",
    "term_months",
    "days",
    "paid_periods",
    "monthly_expenses",
    "installment_payment",
)


@lru_cache(maxsize=1)
def get_knowledge() -> knowledge.Knowledge:
    """The knowledge data, read on first use (never on import) and kept for the process."""
    return knowledge.load(settings().knowledge_dir)


def latest_intent(tracker: Tracker) -> str:
    """The intent NLU gave the latest message (``nlu_fallback`` included, unlike the SDK helper,
    which skips it and returns the runner-up).
    """
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def in_danger(tracker: Tracker) -> bool:
    """Whether the latest message is a crisis, a threat or a fraud, which pre-empts any form or call."""
    urgent = bool(tracker.latest_message.get(concerns.URGENT))
    return urgent or latest_intent(tracker).startswith(concerns.SAFETY_PREFIX)


def known_slots(tracker: Tracker) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in SITUATION_SLOTS}


def answer_danger(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Danger's answer, sent before whatever form or call is running. For a crisis, also the event that
    makes it the conversation's topic, so the next "嗯" gets a check-in (actions.menu) and the caller
    knows to stop; for a threat or a fraud, nothing: the form or call goes on.
    """
    result = reply.respond(get_knowledge(), tracker.latest_message, known_slots(tracker), None)
    send(dispatcher, result.answer, tracker)
    return [SlotSet(LAST_TOPIC, result.topic)] if latest_intent(tracker) == CRISIS_INTENT else []


def send(dispatcher: CollectingDispatcher, answer: knowledge.Answer, tracker: Tracker | None = None) -> None:
    """Sends an answer: as text and buttons, or, to the web page (socketio) for an answer from the
    knowledge data, as a card with the same content (``bot.cards``) that the page lays out.
    """
    if tracker is None or not to_page(tracker) or not answer.entry_ids:
        dispatcher.utter_message(text=answer.text, buttons=answer.buttons)
        return
    entry = next((e for e in get_knowledge().entries if e.id == answer.entry_ids[0]), None)
    card = cards.card(answer.text, entry.title if entry else "", answer.buttons)
    send_to_page(dispatcher, answer.text, answer.buttons, card=card)


def to_page(tracker: Tracker) -> bool:
    """Whether the user writes from the web page (socketio), which lays out structured messages."""
    return tracker.get_latest_input_channel() == "socketio"


def send_to_page(dispatcher: CollectingDispatcher, text: str, buttons: Sequence[Dict[str, str]], **parts: Any) -> None:
    """A message for the page: its text and buttons as usual, with structured ``parts`` (a card, the
    call's state, a score). Rasa's socketio channel emits a custom message's ``data`` as the bot message
    itself; quick_replies are in the form the channel gives buttons, so the page reads both alike.
    """
    quick = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
    dispatcher.utter_message(json_message={"data": {"text": text, "quick_replies": quick, **parts}})


def events_since_form_started(events: Sequence[Mapping[str, Any]], form: str) -> List[Mapping[str, Any]] | None:
    """The tracker events after the form's latest start (its ``active_loop`` event), or None if it never
    started.
    """
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "active_loop" and events[index].get("name") == form:
            return list(events[index + 1 :])
    return None
