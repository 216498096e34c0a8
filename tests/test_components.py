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
    FollowUpClassifier,
    InputGuard,
    input_issue,
    run_on_pairs,
)
from bot.concerns import CONTEXT, DANGER_SCORES, FOLLOWS
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


class Tracker:
    """What the follow-up model reads of a conversation: the topic of the last answer."""

    def __init__(self, last_topic: Any) -> None:
        self.last_topic = last_topic

    def get_slot(self, name: str) -> Any:
        return self.last_topic if name == "last_topic" else None


def test_the_follow_up_model_reads_a_message_by_the_answer_before_it(tmp_path: Any) -> None:
    """Trained on multi-turn examples and on the other intents as new questions: "分三年呢" asks the same
    question again after a plan; nothing is a follow-up before any answer.
    """
    examples = tmp_path / "context"
    examples.mkdir()
    rows = [("plan", "same", t) for t in ("那分24期呢", "分两年每月多少", "36期的话呢", "要是分十期呢", "分一年呢")]
    rows += [("answer", "more", t) for t in ("还有吗", "然后呢", "详细说说", "就这些？", "接着讲")]
    rows += [("answer", "aspect", t) for t in ("要多久", "收费吗", "去哪办", "要带什么", "找谁")]
    (examples / "follow_ups.yml").write_text(
        "examples:\n" + "".join(f'  - {{after: {a}, kind: {k}, text: "{t}"}}\n' for a, k, t in rows), encoding="utf-8"
    )
    new = ["逾期了怎么办", "利息太高了能降吗", "征信怎么查", "催收打我家人电话", "想分期还款", "你好", "谢谢"]
    data = TrainingData([Message(data={"text": t, "intent": "ask_overdue_help"}) for t in new])
    storage = LocalModelStorage(tmp_path)
    config = {**FollowUpClassifier.get_default_config(), "examples": str(examples), "latin_ngrams": None}
    FollowUpClassifier(config, storage, Resource("follow"), None).train(data)
    component = FollowUpClassifier.load(config, storage, Resource("follow"), None)

    def read(text: str, last_topic: Any) -> Message:
        return component.process([Message(data={"text": text})], tracker=Tracker(last_topic))[0]

    after_plan = read("那分三年呢", "negotiate_repayment")
    assert after_plan.get(CONTEXT) == "plan"
    assert max(after_plan.get(FOLLOWS), key=after_plan.get(FOLLOWS).get) == "same", after_plan.get(FOLLOWS)
    more = read("还有呢", "faq/lawyer_letter").get(FOLLOWS)
    assert max(more, key=more.get) == "more", more
    new_question = read("征信多久能查到", "faq/lawyer_letter").get(FOLLOWS)
    assert max(new_question, key=new_question.get) == "new", new_question
    assert read("还有呢", None).get(FOLLOWS) is None  # nothing answered yet: no follow-up to read


def test_the_intent_classifier_reads_each_clause_of_a_run_on_message_a_few_at_most(tmp_path: Any) -> None:
    """"收入三千五 会影响征信吗": the facts and the question each get their own label; a 1,500-character message of
    short clauses is read in at most MAX_CLAUSES of them (each costs a prediction).
    """
    from bot.components import MAX_CLAUSES, LinearIntentClassifier
    from bot.concerns import CLAUSE_LABELS

    examples = [(t, "inform_situation") for t in ("收入三千五", "每月到手四千", "我失业了", "工资三千多")]
    examples += [(t, "ask_overdue_consequence") for t in ("会影响征信吗", "上征信了吗", "逾期会怎样", "征信会花吗")]
    data = TrainingData([Message(data={"text": t, "intent": i}) for t, i in examples])
    config = {**LinearIntentClassifier.get_default_config(), "latin_ngrams": None}
    component = LinearIntentClassifier(config, LocalModelStorage(tmp_path), Resource("intents"))
    component.train(data)
    component = LinearIntentClassifier.load(config, LocalModelStorage(tmp_path), Resource("intents"), None)
    texts = ("收入三千五 会影响征信吗", "会影响征信吗", "收入三千五，" * 250)
    run_on, single, long = (Message(data={"text": t}) for t in texts)
    component.process([run_on, single, long])
    assert [label for label, _ in run_on.get(CLAUSE_LABELS)] == ["inform_situation", "ask_overdue_consequence"]
    assert single.get(CLAUSE_LABELS) is None and len(long.get(CLAUSE_LABELS)) == MAX_CLAUSES
