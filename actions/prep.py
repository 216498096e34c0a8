"""The preparation pack over Rasa: ``prep_form`` asks for the facts a document still needs, one at a
time, then ``action_prep_pack`` sends it (``bot.prep`` builds it).

The form takes every message while it runs (like the rehearsal's): an answer fills the fact just asked
(a bare number, "没逾期", a reason in the user's words), danger gets its help first, a confident question
on another topic gets its short answer and the question again, and 不做了 stops. The facts live in the
chat's own slots, so the sheet, the chat and "用我的准备单练一次" share them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_danger,
    get_knowledge,
    in_danger,
    known_slots,
    latest_intent,
    send,
    send_to_page,
    to_page,
)
from bot import concerns, prep
from bot.entities import bare_number, finite
from bot.knowledge import Answer
from bot.text import normalise

FORM = "prep_form"
TURN_SLOT = "prep_turn"
STATE_SLOT = "prep"
# Intents whose confident reading is a question of its own, not an answer to the pack's question.
OUTSIDE_CONFIDENCE = 0.8
ANSWER_INTENTS = ("inform_situation", "affirm", "deny", "follow_up", "nlu_fallback", "request_prep_pack")
_REASON_MAX = 40  # a reason in the user's own words is kept this short
# The slot an amount fills, by its role.
_AMOUNT_SLOT = {
    None: "amount",
    "income": "monthly_income",
    "affordable": "affordable_payment",
    "expense": "monthly_expenses",
}


def answer_to(asked: str, words: Mapping[str, Any], message: Mapping[str, Any]) -> Dict[str, Any]:
    """The facts one message gives, the one just asked first: entities with their roles, a bare number
    for the number asked, "没逾期" (0 days), a reason in the user's words, "跳过" for an optional fact.
    """
    text = normalise(message.get("text") or "")
    found: Dict[str, Any] = {}
    for e in message.get("entities") or []:
        name, role, value = e.get("entity"), e.get("role"), e.get("value")
        if name == "amount":
            if (role or None) in _AMOUNT_SLOT:
                found.setdefault(_AMOUNT_SLOT[role or None], value)
        elif name in ("overdue_days", "daily_rate"):
            found.setdefault(name, value)
        elif name == "hardship_reason" and value not in found.get("hardship_reason", []):
            found.setdefault("hardship_reason", []).append(value)
        elif name == "days" and asked == "overdue_days":
            found.setdefault("overdue_days", value)
    if asked == "overdue_days" and any(w in text for w in words["not_overdue_words"]):
        found["overdue_days"] = 0
    money_asked = asked in ("monthly_income", "affordable_payment", "monthly_expenses")
    if money_asked and "amount" in found and asked not in found:
        found[asked] = found.pop("amount")  # "三千" answers the question asked, not the debt
    number = bare_number(text)
    if asked not in found and number and asked != "hardship_reason":
        found[asked] = number
    if asked == "hardship_reason" and text.strip():  # their words for the documents (厂里不景气被裁了)
        found["reason_text"] = text.strip()[:_REASON_MAX]
        found.setdefault("hardship_reason", [found["reason_text"]])
    if asked in words["optional"] and asked not in found and any(w in text for w in words["skip_words"]):
        found[asked] = 0
    return found


class ValidatePrepForm(Action):
    """Asks for what the document still needs; every message of the form comes here."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        words = kb.prep
        message = tracker.latest_message
        text = normalise(message.get("text") or "")
        facts = known_slots(tracker)
        state = dict(tracker.get_slot(STATE_SLOT) or {})
        updates: Dict[str, Any] = {}
        if tracker.get_slot("requested_slot") != TURN_SLOT:  # the request that started the form
            entities = message.get("entities") or []
            named = next((e.get("value") for e in entities if e.get("entity") == "prep_kind"), None)
            state = {"kind": prep.kind_of(words, text, named)}
            updates = answer_to("", words, message)  # facts told with the request (开销一千 has no slot mapping)
            if prep.next_question(words, state["kind"], {**facts, **updates}):
                dispatcher.utter_message(text=words["started"])
        elif any(w in text for w in words["stop_words"]):
            dispatcher.utter_message(text=words["stopped"])
            return [SlotSet(STATE_SLOT, None), SlotSet(TURN_SLOT, None), SlotSet("requested_slot", None)]
        elif in_danger(tracker):
            crisis = answer_danger(dispatcher, tracker)
            if crisis:  # no paperwork now; what they said stays in the slots
                return [SlotSet(STATE_SLOT, None), SlotSet(TURN_SLOT, None), SlotSet("requested_slot", None), *crisis]
            dispatcher.utter_message(text=words["resume"])
        else:
            # Facts first: a message that gives any ("一个月最多还一千出头吧") answers, whatever else it is.
            updates = answer_to(state.get("asked", ""), words, message)
            outside = latest_intent(tracker) not in ANSWER_INTENTS and _confidence(message) >= OUTSIDE_CONFIDENCE
            if not updates and outside:
                brief = kb.brief(message.get("topic") or latest_intent(tracker), facts)
                if brief:  # another question: its short answer, then the pack's question again
                    dispatcher.utter_message(text=brief)
                dispatcher.utter_message(text=words["resume"])
            elif state.get("asked") and not updates:  # nothing understood: say so, then the question again
                skipped = any(w in text for w in words["skip_words"])
                dispatcher.utter_message(text=words["needed" if skipped else "not_understood"])
        if "reason_text" in updates:  # the reason in the user's own words is for the documents, not a slot
            state["reason_text"] = updates.pop("reason_text")
        if state.get("amount") is not None and "amount" not in updates:
            updates["amount"] = state["amount"]  # Rasa took a bare "三千" for the debt: the debt stays
        # inf or nan (400 digits) is no answer: cleared, so the question is asked again and no sum fails on it
        unusable = [name for name, value in {**facts, **updates}.items() if not finite(value)]
        if unusable:
            updates.update(dict.fromkeys(unusable))
            dispatcher.utter_message(text=words["not_understood"])
        facts = {**facts, **updates}
        state["amount"] = facts.get("amount")
        asked = prep.next_question(words, state["kind"], facts)
        state["asked"] = asked
        if asked:
            dispatcher.utter_message(text=words["questions"][asked])
        # The answers go into the chat's slots (a bare "三千" for the income is not the debt).
        events = [SlotSet(name, value) for name, value in updates.items()]
        return events + [
            SlotSet(STATE_SLOT, state),
            SlotSet(TURN_SLOT, None if asked else "done"),
            SlotSet("requested_slot", TURN_SLOT if asked else None),
        ]


def _confidence(message: Mapping[str, Any]) -> float:
    return float((message.get("intent") or {}).get("confidence") or 0.0)


def topics_raised(tracker: Tracker) -> List[str]:
    """Every topic the user's messages raised in this conversation (催收半夜打电话 → faq/night_calls):
    the concerns found and the classified question, for the complaint's account of what happened.
    """
    topics: List[str] = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        data = event.get("parse_data") or {}
        topics += [*(data.get(concerns.CONCERNS) or []), concerns.label_of(data)]
    return list(dict.fromkeys(topics))


class ActionPrepPack(Action):
    """Sends the document: text and buttons, and, to the page, its parts for a printable layout."""

    def name(self) -> str:
        return "action_prep_pack"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        state = tracker.get_slot(STATE_SLOT) or {}
        kind = state.get("kind")
        if not kind:  # stopped before it was built
            return [SlotSet(TURN_SLOT, None)]
        facts = {**known_slots(tracker), "reason_text": state.get("reason_text")}
        facts["topics_raised"] = topics_raised(tracker)
        doc = prep.build(kb, kind, facts)
        others = [k for k in prep.KINDS if k != kind]
        buttons = [
            {"title": kb.prep["buttons"][k], "payload": f'/request_prep_pack{{"prep_kind":"{k}"}}'} for k in others
        ]
        if kind == prep.SHEET:
            buttons.insert(0, {"title": kb.prep["sheet"]["practice"], "payload": kb.prep["sheet"]["practice"]})
        if to_page(tracker):
            send_to_page(dispatcher, doc.text, buttons, doc=doc.to_dict())
        else:
            send(dispatcher, Answer(doc.text, buttons, []))
        return [SlotSet(STATE_SLOT, None), SlotSet(TURN_SLOT, None)]
