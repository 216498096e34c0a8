"""The custom NLU components on real Rasa Message objects (no trained model needed)."""

from typing import Any

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components import (
    ChineseEntityExtractor,
    ChineseNormalizer,
    DangerClassifier,
    InputGuard,
    input_issue,
    run_on_pairs,
)
from bot.concerns import DANGER_SCORES
from bot.config import ROOT


@pytest.fixture
def normalizer() -> ChineseNormalizer:
    return ChineseNormalizer({"max_chars": 500})


@pytest.fixture
def extractor(tmp_path: Any) -> ChineseEntityExtractor:
    storage = LocalModelStorage(tmp_path)
    component = ChineseEntityExtractor(
        {"lexicon": str(ROOT / "data" / "lexicon" / "keywords.yml")}, storage, Resource("extractor"), {}
    )
    component.train(TrainingData())
    return ChineseEntityExtractor.load({}, storage, Resource("extractor"), None)


@pytest.mark.parametrize(
    "raw, issue",
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("字" * 501, "too_long"),
        ("😭👍", "no_words"),
        ("<p></p>", "no_words"),
        ("逾期了", None),
    ],
)
def test_input_issue(raw: str, issue: Any) -> None:
    assert input_issue(raw, 500) == issue


def test_normalizer_normalises_training_and_messages(normalizer: ChineseNormalizer) -> None:
    data = TrainingData([Message.build("逾期了會怎麼樣", intent="ask_overdue_consequence")])
    normalizer.process_training_data(data)
    assert data.training_examples[0].get("text") == "逾期了会怎么样"
    [message] = normalizer.process([Message({"text": "ＷＬＤ罰息"})])
    assert message.get("text") == "wld罚息" and message.get("input_issue") is None


def test_normalizer_cuts_long_messages_and_flags_them(normalizer: ChineseNormalizer) -> None:
    [message] = normalizer.process([Message({"text": "逾期" * 2500})])
    assert len(message.get("text")) == 500
    assert message.as_dict(only_output_properties=True)["input_issue"] == "too_long"


def test_extractor_gives_normalised_values_on_token_boundaries(extractor: ChineseEntityExtractor) -> None:
    [message] = extractor.process([Message({"text": "我借了两万五，逾期三个月了，我失业了，每个月最多还一千"})])
    entities = {(e["entity"], e.get("role")): e for e in message.get("entities")}
    assert entities[("amount", None)]["value"] == 25000
    assert entities[("overdue_days", None)]["value"] == 90
    assert entities[("hardship_reason", None)]["value"] == "失业"
    assert entities[("amount", "affordable")]["value"] == 1000
    text = message.get("text")
    assert text[entities[("amount", None)]["start"] : entities[("amount", None)]["end"]] == "两万五"
    assert all(e["extractor"] == "ChineseEntityExtractor" for e in message.get("entities"))


def test_extractor_skips_flagged_messages(extractor: ChineseEntityExtractor) -> None:
    message = Message({"text": "欠两万"})
    message.set("input_issue", "too_long")
    extractor.process([message])
    assert message.get("entities", []) == []


def test_guard_overrides_the_intent_of_flagged_messages() -> None:
    flagged = Message({"text": "x", "intent": {"name": "greet", "confidence": 0.9}})
    flagged.set("input_issue", "no_words")
    fine = Message({"text": "你好", "intent": {"name": "greet", "confidence": 0.9}})
    InputGuard().process([flagged, fine])
    assert flagged.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert fine.get("intent")["name"] == "greet"


def test_run_on_pairs_hold_the_kinds_of_both_parts() -> None:
    texts, kinds = ["我不想活了", "逾期了怎么办", "利息太高", "能延期吗"], [{"safety_crisis"}, set(), set(), set()]
    joined, joined_kinds = run_on_pairs(texts, kinds, {"safety_crisis"}, 3, seed=1)
    assert joined[:4] == texts and len(joined) == 4 + 3 + 3  # each marked example 3 times, as many random pairs
    for text, found in zip(joined[4:], joined_kinds[4:], strict=True):
        assert found == ({"safety_crisis"} if "不想活" in text else set())


def test_the_danger_classifier_finds_a_kind_inside_a_longer_message(tmp_path: Any) -> None:
    storage = LocalModelStorage(tmp_path)
    examples = [("不想活了", "safety_crisis"), ("活着没意思 想死", "safety_crisis"), ("真想一了百了", "safety_crisis")]
    examples += [("催收说要砍我", "safety_threat"), ("他们说知道我家在哪 要打断我的腿", "safety_threat")]
    examples += [(t, "ask_overdue_help") for t in ("逾期了怎么办", "还不上钱了咋办", "逾期三天会怎样", "催收电话太多")]
    data = TrainingData([Message(data={"text": t, "intent": i}) for t, i in examples])
    config = {**DangerClassifier.get_default_config(), "kinds": ["safety_crisis", "safety_threat"]}
    config["latin_ngrams"] = None  # no English in these examples
    DangerClassifier(config, storage, Resource("danger"), None).train(data)
    component = DangerClassifier.load(config, storage, Resource("danger"), None)
    messages = [Message(data={"text": t}) for t in ("逾期了还不上 想死", "逾期了还不上怎么办")]
    component.process(messages)
    crisis, ordinary = (m.get(DANGER_SCORES).get("safety_crisis", 0.0) for m in messages)
    assert crisis > 2 * ordinary, (crisis, ordinary)
