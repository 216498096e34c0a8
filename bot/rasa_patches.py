"""What this project changes in Rasa's own code, each with why (issue #23). Nothing here changes what the bot
answers. ``bot.rasa_server`` applies it before serving; ``tests/test_rasa_patches.py`` fails when a Rasa upgrade
changes a patched function, so that the patch is looked at again.

- ``RemoteAction._validate_action_result``: Rasa 3.6 checks every action server response with
  ``jsonschema.validate``, which checks the schema itself again and builds a new validator on every call. A
  profile of the Rasa server under 8 users (py-spy) put about 35% of its CPU there. Here the schema is checked
  once and one validator is kept; a malformed response is refused with the same error as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

# sha256 of the source of each function patched, in the Rasa version pinned (3.6.21).
PATCHED = {
    "rasa.core.actions.action.RemoteAction._validate_action_result": (
        "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42"
    ),
}


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate does first, once
    return cls(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with one validator built once (same errors, same message)."""
    from jsonschema import exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
        f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result
