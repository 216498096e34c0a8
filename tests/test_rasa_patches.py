"""bot.rasa_patches: each patched Rasa function is the one the patch was written for, and the patch keeps its
behaviour (a malformed action server response is still refused, with Rasa's message).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_patches

ORIGINAL = RemoteAction._validate_action_result  # as Rasa has it, before any test applies the patch
ACTION = RemoteAction("action_answer", None)


@pytest.mark.parametrize("name", sorted(rasa_patches.PATCHED))
def test_each_patched_function_is_the_one_the_patch_was_written_for(name: str) -> None:
    module, cls, function = name.rsplit(".", 2)
    found = getattr(getattr(importlib.import_module(module), cls), function)  # no test leaves a patch applied
    digest = hashlib.sha256(inspect.getsource(found).encode()).hexdigest()
    assert digest == rasa_patches.PATCHED[name], f"Rasa changed {name}: read it again before keeping the patch"


GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "好的"}]},
]
BAD = [
    {"events": [{"name": "no event type"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": "not a list"},
]


@pytest.mark.parametrize("result", GOOD)
def test_a_valid_response_passes_as_before(result) -> None:
    assert ORIGINAL(ACTION, result) is True
    assert rasa_patches.validate_action_result(ACTION, result) is True


@pytest.mark.parametrize("result", BAD)
def test_a_malformed_response_is_refused_as_before(result) -> None:
    with pytest.raises(ValidationError) as before:
        ORIGINAL(ACTION, result)
    with pytest.raises(ValidationError) as after:
        rasa_patches.validate_action_result(ACTION, result)
    assert after.value.message == before.value.message
    assert "Failed to validate Action server response" in after.value.message


def test_the_schema_is_checked_once() -> None:
    rasa_patches._action_response_validator.cache_clear()
    for result in GOOD * 3:
        rasa_patches.validate_action_result(ACTION, result)
    assert rasa_patches._action_response_validator.cache_info().misses == 1


def test_apply_puts_the_patch_in_rasa(monkeypatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", ORIGINAL)
    rasa_patches.apply()
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
