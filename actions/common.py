"""What every action shares: the knowledge data (loaded once, on first use) and sending answers."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import Any, Callable, Dict, List, Mapping, Sequence, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import calc_text, cards, concerns, knowledge, reply
from bot.config import settings

# What the last answer was about: the context of a short follow-up, and of the check-in after a crisis.
LAST_TOPIC = "last_topic"
# The intent of someone who cannot go on (or, by concerns.yml's acts_as, is about to hurt another).
CRISIS_INTENT = "safety_crisis"

logger = logging.getLogger(__name__)
T = TypeVar("T")

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
    entry = get_knowledge().entry(answer.entry_ids[0])
    card = cards.card(answer.text, entry.title if entry else "", answer.buttons, several=answer.several)
    # ``answer``: which entry, for the page's 有用 / 没用 (bot.feedback keeps the id, never the text).
    send_to_page(dispatcher, answer.text, answer.buttons, card=card, answer=answer.entry_ids[0])


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


# Calculations run in a small pool of worker processes, off the event loop, so that one conversation's
# figures never hold up another's turn (分480期 once held the action server 13 s). Measured on 2 cores beside
# the largest calculation allowed, another user's answer took 5-7 ms with a thread pool and with a process
# pool alike; processes are used because one past its limit can be stopped (a thread cannot), and they run
# on other cores instead of sharing the GIL with the event loop.
CALC_WORKERS = 2
# The longest a calculation may take, waiting for a worker included. The largest one allowed takes about
# 0.15 s (bot.calculator bounds its fractions); anything near this limit is a bug, and must not hold a worker.
CALC_SECONDS = 5.0
_pool: ProcessPoolExecutor | None = None


def _calc_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:  # made on first use, never on import
        _pool = ProcessPoolExecutor(CALC_WORKERS, initializer=_start_worker)
    return _pool


def _start_worker() -> None:
    """A new worker's own signals and the knowledge data (forked workers have it already). A fork keeps the
    server's signal handling: a SIGTERM to the worker would then reach the server's event loop and stop it.
    """
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it ends the workers as it exits
    get_knowledge()


def _stop_calc_pool(pool: ProcessPoolExecutor) -> None:
    """Ends ``pool``'s workers (a calculation past its limit would go on holding one); the next call starts
    a new pool.
    """
    global _pool
    if _pool is pool:
        _pool = None
    # The executor has no public way to stop a running task; its processes are None once it was shut down.
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


async def off_loop(work: Callable[..., T], *args: Any, limit: float | None = None) -> T | None:
    """``work(*args)`` in a worker process, so that the event loop goes on serving other conversations.

    None (logged) when it raised or took longer than ``limit`` seconds (``CALC_SECONDS``); the caller then
    says so with ``calc_failed``. ``work`` and ``args`` go to another process: a module-level function and
    plain values.
    """
    limit = CALC_SECONDS if limit is None else limit
    for attempt in range(2):
        pool = _calc_pool()
        try:
            return await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(pool, work, *args), limit)
        except asyncio.TimeoutError:
            logger.error("%s took longer than %s s; the calculation workers are restarted", work.__name__, limit)
            _stop_calc_pool(pool)
            return None
        except BrokenProcessPool:  # stopped for another call that overran, or a worker died: once more, anew
            _stop_calc_pool(pool)
            if attempt:
                logger.exception("the calculation workers stopped twice during %s", work.__name__)
        except Exception:
            logger.exception("%s failed", work.__name__)
            return None
    return None


def calc_failed(dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    """Says a calculation could not be done and clears its numbers, so no turn after it fails the same way."""
    dispatcher.utter_message(text=get_knowledge().calculator["failed"])
    return [SlotSet(name, None) for name in calc_text.CALC_SLOTS]
