"""The negotiation rehearsal over Rasa: ``rehearsal_form`` takes every message while the call lasts.

Its validation action is the agent (``bot.rehearsal.step``): it answers each message and keeps the
agent's state, the call's case and the user's lines included, in the ``rehearsal`` slot. When the call
ends (the agent closes it, the user hangs up or says 结束练习) the form completes and
``action_rehearsal_debrief`` scores the call. After the debrief the slot keeps only the case, so that
"同一个情况再来一次" can replay it.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    CRISIS_INTENT,
    answer_danger,
    get_knowledge,
    in_danger,
    known_slots,
    latest_intent,
    send,
    send_to_page,
    to_page,
)
from bot import concerns, rehearsal, reply, scoring
from bot.knowledge import Answer
from bot.plans import Case
from bot.text import normalise

FORM = "rehearsal_form"
TURN_SLOT = "rehearsal_turn"
STATE_SLOT = "rehearsal"
LAST_CASE = "last_case"  # kept in the state slot between calls
STOPPED_FOR_SAFETY = "stopped_for_safety"  # ...and whether that call was stopped for the user's safety
LAST_SCORE = "last_score"  # ...and its score (scoring.record), which a replay of the case is compared with


def say(dispatcher: CollectingDispatcher, tracker: Tracker, move: rehearsal.Move, state: rehearsal.AgentState) -> None:
    """The coach's lines, then the agent's; to the page with the call's state and who speaks (banner, avatar and
    name, in-call quick replies), elsewhere the coach's lines under the coach's name.
    """
    rp = get_knowledge().roleplay
    for n, (line, speaker) in enumerate(zip(move.lines, move.speakers(state.started), strict=True)):
        buttons = move.buttons if n == len(move.lines) - 1 else []
        if to_page(tracker):
            send_to_page(dispatcher, line, buttons, call=rehearsal.call_state(rp, state, speaker))
        else:
            text = f"【{rp['coach_name']}】{line}" if speaker == "coach" else line
            dispatcher.utter_message(text=text, buttons=buttons)


def _new_call(dispatcher: CollectingDispatcher, tracker: Tracker) -> rehearsal.AgentState:
    """The message that started the rehearsal: the case (replayed, the user's own, or a card), what
    else the message asked, the intro. 结束练习 with no call on is acknowledged and starts nothing.
    """
    kb = get_knowledge()
    rp = kb.roleplay
    text = tracker.latest_message.get("text") or ""
    previous = tracker.get_slot(STATE_SLOT) or {}
    if rehearsal.is_end(rp, normalise(text)):
        state = rehearsal.AgentState(done=True, aborted=True, case=previous.get(LAST_CASE) or {})
        say(dispatcher, tracker, rehearsal.Move([rp["ended_unstarted"]]), state)
        return state
    slots = known_slots(tracker)
    # After a call stopped for the user's safety, "我没事 继续练吧" takes up that call's case again.
    resumed = bool(previous.get(LAST_CASE)) and bool(previous.get(STOPPED_FOR_SAFETY))
    replay = bool(previous.get(LAST_CASE)) and (resumed or rehearsal.wants_replay(rp, normalise(text)))
    if replay:
        case = Case.from_dict(previous[LAST_CASE])
    else:  # the same conversation draws the same cards in the same order: calls can be replayed in tests
        calls = sum(1 for e in tracker.events if e.get("event") == "active_loop" and e.get("name") == FORM)
        case = rehearsal.draw_case(rp, slots, random.Random(f"{tracker.sender_id}:{calls}"), text)
    # 用失业的情况练 asks for a card and a replay has its case: only facts the user told of themselves
    # are echoed.
    echoed = None if replay or rehearsal.named_card(rp, text) else kb.echo(rp["facts_known"], slots)
    if echoed:
        dispatcher.utter_message(text=echoed)
    for aside in reply.asides(kb, tracker.latest_message, slots, rp.get("practised_topics", [])):
        dispatcher.utter_message(text=aside)  # what else the message asked, before the call
    state, move = rehearsal.start(rp, case, text, previous.get(LAST_SCORE) if replay else None)
    if resumed:  # the coach says first that this is the same case, and where help is
        move = replace(move, lines=[rp["resume_after_crisis"], *move.lines], coach=move.coach + 1)
    say(dispatcher, tracker, move, state)
    return state


def check_in(tracker: Tracker) -> str | None:
    """The coach's line for a danger that does not stop the call: unsure, or a scam the borrower says was reported."""
    if latest_intent(tracker) == CRISIS_INTENT and tracker.latest_message.get(concerns.DANGER_UNSURE):
        return "check_in_unsure"
    return "check_in_reported_scam" if tracker.latest_message.get(concerns.DANGER_REPORTED) else None


def as_typed(tracker: Tracker) -> str:
    """The message as the borrower typed it (traditional characters kept; masked at the channel): the debrief
    quotes it. The parse's text is the normalised one the models read (round three quoted 繁體 lines simplified).
    """
    event = tracker.get_last_event_for("user") or {}
    return event.get("text") or tracker.latest_message.get("text") or ""


class ValidateRehearsalForm(Action):
    """The agent: one reply per user message, and whether the call goes on."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        after: List[Dict[str, Any]] = []
        if tracker.get_slot("requested_slot") != TURN_SLOT:  # the form has just started
            state = _new_call(dispatcher, tracker)
        elif coach_line := check_in(tracker):
            # Only the classifier reads danger, unsure ("我自己手机录音可以吧", "睡不着觉"), or the danger is a scam
            # already reported to the police: the coach gives the help first in a line, and the agent hears the
            # line and the call goes on.
            state = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
            say(dispatcher, tracker, rehearsal.Move([kb.roleplay[coach_line]], coach=1), state)
            turn = rehearsal.Turn.from_parse(as_typed(tracker), tracker.latest_message)
            state, move = rehearsal.step(kb.roleplay, state, turn)
            say(dispatcher, tracker, move, state)
        elif in_danger(tracker):
            # Danger comes before the role-play: the help first; a crisis ends the call, unscored.
            state = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
            after = answer_danger(dispatcher, tracker)
            if after:
                state.done = state.aborted = state.for_safety = True
                if to_page(tracker):  # the page ends the call's banner
                    send_to_page(dispatcher, "", [], call=rehearsal.call_state(kb.roleplay, state))
            else:
                say(dispatcher, tracker, rehearsal.Move([kb.roleplay["resume_after_safety"]], coach=1), state)
        else:
            turn = rehearsal.Turn.from_parse(as_typed(tracker), tracker.latest_message)
            old = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
            state, move = rehearsal.step(kb.roleplay, old, turn)
            if move.aside:  # an outside question: its direct answer only, then the call goes on
                brief = kb.brief(move.aside, known_slots(tracker))
                if brief:
                    dispatcher.utter_message(text=brief)
            say(dispatcher, tracker, move, state)
        return [
            SlotSet(STATE_SLOT, state.to_dict()),
            SlotSet(TURN_SLOT, "done" if state.done else None),
            SlotSet("requested_slot", None if state.done else TURN_SLOT),
            *after,
        ]


class ActionRehearsalDebrief(Action):
    """The score, each item with the user's own line or a model line, and what the plan is worth."""

    def name(self) -> str:
        return "action_rehearsal_debrief"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = get_knowledge()
        rp = kb.roleplay
        state = rehearsal.AgentState.from_dict(tracker.get_slot(STATE_SLOT))
        kept = {LAST_CASE: state.case} if state.case else None
        if kept and state.for_safety:
            kept[STOPPED_FOR_SAFETY] = True
        if state.aborted:  # never started, or stopped for the user's safety: no score
            return [SlotSet(STATE_SLOT, kept), SlotSet(TURN_SLOT, None)]
        result, text = rehearsal.debrief(rp, state)
        if kept:
            kept[LAST_SCORE] = scoring.record(result)
        buttons = [
            {"title": rp["debrief"]["again"], "payload": "/start_rehearsal"},
            {"title": rp["debrief"]["replay"], "payload": rp["debrief"]["replay"]},
            *kb.buttons(["ask_negotiation_tips"]),
        ]
        if to_page(tracker):  # the page shows a score card
            send_to_page(dispatcher, text, buttons, score=rehearsal.score_card(rp, state, result))
        else:
            send(dispatcher, Answer(text, buttons, []))
        return [SlotSet(STATE_SLOT, kept), SlotSet(TURN_SLOT, None)]
