"""Runs the action server (rasa_sdk, ``actions/``) as ``python -m rasa_sdk`` would, with two changes.

- it listens on ``BIND_HOST`` (loopback by default): only the Rasa server needs it, and its ``/actions``
  and ``/webhook`` have no authentication;
- a failed action answers 500 with the error's type only. rasa_sdk's own handler sends the whole request
  back (the tracker: every message and slot), which the Rasa server then writes into its ERROR log line;
  here the log gets the action's name, the error's type and where it happened, never the tracker.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, List

from sanic import response
from sanic.exceptions import SanicException

from bot.config import settings
from bot.privacy import error_summary

logger = logging.getLogger("bot.action_server")


def create_app() -> Any:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    app = create_sdk_app("actions", cors_origins=None)

    async def on_error(request: Any, error: Exception) -> Any:
        action = ""
        try:
            action = str((request.json or {}).get("next_action", ""))[:80]
        except Exception:  # a body that is not JSON: no action name to report
            pass
        if isinstance(error, SanicException):  # a malformed request: its own 4xx, as rasa_sdk gives it
            return response.json({"error": type(error).__name__}, status=error.status_code)
        logger.error("action %r failed: %s", action, error_summary(error))
        return response.json({"error": type(error).__name__, "action_name": action}, status=500)

    app.error_handler.add(Exception, on_error)  # replaces rasa_sdk's handler, which echoes the request
    return app


def main(argv: List[str] | None = None) -> int:
    config = settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=config.action_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    create_app().run(config.bind_host, args.port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
