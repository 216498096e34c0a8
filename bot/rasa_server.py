"""Runs the Rasa server, as ``rasa run`` would, with what a command line must not carry.

- The auth token is read from ``RASA_AUTH_TOKEN`` in the environment, never passed as an argument (an
  argument is visible to every user of the machine in ``ps``).
- The token is accepted in an ``Authorization: Bearer …`` (or ``Token …``) header as well as ``?token=``
  (a query string ends up in proxy logs and browser history).
- It listens on ``BIND_HOST`` (loopback by default) and allows only ``CORS_ORIGINS``.

``bot/stack.py`` starts it as ``python -m bot.rasa_server``; every setting comes from ``bot/config.py``.
"""

from __future__ import annotations

import hmac
import logging
import sys
from typing import Any

from bot.config import ROOT, Settings, settings

TOKEN_SCHEMES = ("bearer ", "token ")


def token_from_header(authorization: str) -> str | None:
    """The token in an ``Authorization`` header value, or None."""
    for scheme in TOKEN_SCHEMES:
        if authorization[: len(scheme)].lower() == scheme:
            return authorization[len(scheme) :].strip() or None
    return None


def header_token_middleware(token: str) -> Any:
    """A request middleware that lets Rasa's ``?token=`` check see a token sent in the header instead.
    Rasa 3.6's ``requires_auth`` reads only ``request.args["token"]``, so a matching header token is put
    there; a wrong one is ignored and Rasa refuses the request as before.
    """

    async def accept_header_token(request: Any) -> None:
        sent = token_from_header(request.headers.get("authorization", ""))
        if sent and "token" not in request.args and hmac.compare_digest(sent.encode(), token.encode()):
            request.args["token"] = [sent]

    return accept_header_token


def serve(config: Settings) -> None:
    import rasa.core.run
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.io import configure_colored_logging
    from rasa.utils.log_utils import configure_structlog

    from bot import rasa_patches

    rasa_patches.apply()  # what this project changes in Rasa, and why: bot/rasa_patches.py
    # What `rasa run` sets up before serving: INFO logs (no message text at this level), colours, structlog.
    configure_logging_and_warnings(logging.INFO, warn_only_once=True, filter_repeated_logs=True)
    configure_colored_logging(logging.INFO)
    configure_structlog(logging.INFO)

    listeners = []
    if config.auth_token:
        middleware = header_token_middleware(config.auth_token)

        async def add_middleware(app: Any, _loop: Any) -> None:
            app.register_middleware(middleware, "request")

        listeners.append((add_middleware, "before_server_start"))
    rasa.core.run.serve_application(
        model_path=str(config.model),
        credentials=str(ROOT / "credentials.yml"),
        endpoints=AvailableEndpoints.read_endpoints(str(config.endpoints)),
        interface=config.bind_host,
        port=config.rasa_port,
        cors=list(config.cors_origins),
        # The HTTP API (read trackers, replace the model) is on only when a token is set, and then needs it.
        enable_api=bool(config.auth_token),
        auth_token=config.auth_token,
        server_listeners=listeners,
    )


def main() -> int:
    sys.path.insert(1, str(ROOT))  # credentials.yml names classes in bot/
    serve(settings())
    return 0


if __name__ == "__main__":
    sys.exit(main())
