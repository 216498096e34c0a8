"""The negotiation rehearsal over Rasa: ``rehearsal_form`` takes every message while the call lasts.

Its validation action is the agent (``bot.rehearsal.step``): it answers each message and keeps the
agent's state in the ``rehearsal`` slot. When the call ends (the agent closes it, or the user says
结束练习) the form completes and ``action_rehearsal_debrief`` scores the user's messages.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import events_since_form_started, get_knowledge, known_slots, latest_intent, send
from bot import concerns, rehearsal, reply
from bot.knowledge import Answer

FORM = "rehearsal_form"
TURN_SLOT = "rehearsal_turn"
STATE_SLOT = "rehearsal"


def call_turns(events: Sequence[Mapping[str, Any]]) -> List[rehearsal.Turn]:
    """The user's messages since the rehearsal last started (the one that started it excluded)."""
    since = events_since_form_started(events, FORM)
    return [
        rehearsal.Turn.from_parse(event.get("text") or "", event.get("parse_data") or {})
        for event in (events if since is None else since)
        if event.get("event") == "user"
    ]


def say(dispatcher: CollectingDispatcher, move: rehearsal.Move) -> None:
    for n, line in enumerate(move.lines):
        last = n == len(move.lines) - 1
        dispatcher.utter_message(text=line, buttons=move.buttons if last else [])


class ValidateRehearsalForm(Action):
    """The agent: one reply per user message, and whether the call goes on."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        if tracker.get_slot("requested_slot") != TURN_SLOT:  # the form has just started
            state, move = rehearsal.start(kb.roleplay)
            slots = known_slots(tracker)
            echoed = kb.echo(kb.roleplay["facts_known"], slots)
            if echoed:  # what the user already said is not asked again on the call
                dispatcher.utter_message(text=echoed)
            for aside in reply.asides(kb, tracker.latest_message, slots, kb.roleplay.get("practised_topics", [])):
                dispatcher.utter_message(text=aside)  # what else the message asked, before the call
        elif latest_intent(tracker).startswith(concerns.SAFETY_PREFIX) or tracker.latest_message.get(concerns.URGENT):
            # Danger comes before the role-play: the help first; a crisis ends the call, unscored.
            state = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
            send(dispatcher, reply.respond(kb, tracker.latest_message, known_slots(tracker), None).answer)
            if latest_intent(tracker) == "safety_crisis":
                state.done = state.aborted = True
                move = rehearsal.Move([])
            else:
                move = rehearsal.Move([kb.roleplay["resume_after_safety"]])
        else:
            turn = rehearsal.Turn.from_parse(tracker.latest_message.get("text") or "", tracker.latest_message)
            old = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
            state, move = rehearsal.step(kb.roleplay, old, turn, known_slots(tracker))
            if move.aside:
                answer = kb.answer(move.aside, known_slots(tracker))
                if answer:
                    dispatcher.utter_message(text=answer.text)
        say(dispatcher, move)
        return [SlotSet(name, value) for name, value in move.slots.items()] + [
            SlotSet(STATE_SLOT, state.to_dict()),
            SlotSet(TURN_SLOT, "done" if state.done else None),
            SlotSet("requested_slot", None if state.done else TURN_SLOT),
        ]


class ActionRehearsalDebrief(Action):
    """The score, what went well and what to fix, and the plan agreed on the call."""

    def name(self) -> str:
        return "action_rehearsal_debrief"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        rp = kb.roleplay
        state = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
        if state.aborted:  # stopped for the user's safety: no score
            return [SlotSet(STATE_SLOT, None), SlotSet(TURN_SLOT, None)]
        turns = rehearsal.call_after_difficulty(rp, call_turns(tracker.events))
        result = rehearsal.score(rp, turns, state.heard)
        plan = rehearsal.agreed_plan(rp, state, known_slots(tracker)) if state.plan_accepted else None
        again = {"title": rp["debrief"]["again"], "payload": "/start_rehearsal"}
        text = rehearsal.debrief(rp, result, plan)
        send(dispatcher, Answer(text, [again, *kb.buttons(["ask_negotiation_tips"])], []))
        return [SlotSet(STATE_SLOT, None), SlotSet(TURN_SLOT, None)]
