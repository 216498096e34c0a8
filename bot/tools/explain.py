"""How the bot reads one message, and why: ``make explain MSG="…" [BEFORE="…|…"]``.

The turns in BEFORE are played first, in one conversation, through the trained model and the real actions,
so that the message is read in their context. Printed: what the conversation was about before it, the
message's reading (intent, topic, concerns, danger, follow-up, feeling, rudeness, numbers with roles), the
trace of each decision that shaped it (``bot.concerns.read``), and the answer's opening lines.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

from bot import concerns
from bot.config import settings

ANSWER_LINES = 4  # of each bot message: enough to see which answer it is


def describe(parse: Mapping[str, Any], last_topic: str | None, replies: Sequence[Mapping[str, Any]]) -> str:
    """The reading of ``parse`` (a message's parse data), as lines a person reads."""
    intent = parse.get("intent") or {}
    ranked = (parse.get("intent_ranking") or [])[:3]
    ranking = [f"{r.get('name')} {float(r.get('confidence') or 0):.2f}" for r in ranked]
    numbers = [
        f"{e.get('entity')} {e.get('value')}" + (f" ({e['role']})" if e.get("role") else "")
        for e in parse.get("entities") or []
    ]
    fields = {
        "context": last_topic or "—",
        "intent": f"{concerns.label_of(parse)} {float(intent.get('confidence') or 0):.2f}",
        "ranking": " | ".join(ranking) or "—",
        "topic": parse.get(concerns.TOPIC) or "—",
        "concerns": ", ".join(parse.get(concerns.CONCERNS) or []) or "—",
        "danger": ", ".join(parse.get(concerns.URGENT) or []) or "—",
        "follow-up": parse.get(concerns.FOLLOW_UP) or "—",
        "maybe follow-up": parse.get(concerns.POSSIBLE_FOLLOW_UP) or "—",
        "several": "yes" if parse.get(concerns.SEVERAL) else "no",
        "feeling": parse.get(concerns.FEELING) or "—",
        "rude": f"{'yes' if parse.get(concerns.RUDE) else 'no'} ({float(parse.get(concerns.RUDE_SCORE) or 0):.2f})",
        "numbers": "; ".join(numbers) or "—",
    }
    lines = [f"{name:>15}  {value}" for name, value in fields.items()]
    lines.append(f"{'trace':>15}")
    lines += [f"{n:>17}. {step}" for n, step in enumerate(parse.get(concerns.TRACE) or [], 1)]
    lines.append(f"{'answer':>15}")
    for reply in replies:
        text = reply.get("text") or (reply.get("custom") or {}).get("text") or ""
        lines += [f"{'':>17}{line}" for line in text.splitlines()[:ANSWER_LINES]]
    return "\n".join(lines)


async def explain(message: str, before: Sequence[str]) -> str:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from bot.stack import Stack, on_free_ports

    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet:
        stack = Stack(on_free_ports(settings(), Path(tmp) / "tracker.db"), log=quiet)
        stack.start_actions()
        try:
            agent = Agent.load(str(settings().model), action_endpoint=EndpointConfig(f"{stack.action_url}/webhook"))
            sender = "explain"
            for turn in before:
                await agent.handle_text(turn, sender_id=sender)
            tracker = await agent.processor.fetch_tracker_with_initial_session(sender)
            last_topic = tracker.get_slot("last_topic")
            replies: List[Dict[str, Any]] = await agent.handle_text(message, sender_id=sender) or []
            tracker = await agent.processor.fetch_tracker_with_initial_session(sender)
            return describe(tracker.latest_message.parse_data, last_topic, replies)
        finally:
            stack.stop()


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message", help="the message to explain")
    parser.add_argument("--before", default="", help="the turns before it, separated by |")
    args = parser.parse_args(argv)
    if not settings().model.exists():
        print("No trained model: run make train first.", file=sys.stderr)
        return 1
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.basicConfig(level=logging.WARNING)
    before = [turn.strip() for turn in args.before.split("|") if turn.strip()]
    print(asyncio.run(explain(args.message, before)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
