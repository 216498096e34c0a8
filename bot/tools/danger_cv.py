"""Choose the learned danger reading's settings by leaving out one writer of the families' training half.

For each training writer of the danger families (and of the families that must raise no alarm), both
learned readings (the intent classifier and ``DangerClassifier``, settings from config.yml) are trained on
data/nlu without that writer's messages; the writer's messages are then read by ``bot.concerns.read``
with and without the learned danger kinds, at each threshold. It prints, per family, how many messages were
read as they must be. The held-out writers (b, i) are never loaded. ``make danger-cv`` runs it (~20 min);
``make danger-cv DANGER_CV_ARGS=--without`` reads only without the learned kinds, to judge new training data
for the danger families (half the time).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any, Dict, List, Mapping, Sequence

import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data

from bot import concerns, text
from bot.components import DangerClassifier, LinearIntentClassifier, fit_danger, fit_intents
from bot.config import ROOT
from bot.tools import families

# The danger families, scored as tests/families/expected.yml says; every other family is scored on false alarms
# alone (a message of it read with any danger kind).
DANGER_FAMILIES = ("crisis", "threat_received", "fake_authority", "money_or_code_given")
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95)
# ``--floors``: below each, a safety intent is not taken (the next reading is); the danger words and the learned
# kinds still find danger. Measured, not adopted (concerns.UNSURE_DANGER says why).
FLOORS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)
# The kinds learned by default (``--kinds`` for others): each column finds these at its threshold.
KINDS = "safety_crisis,safety_threat"


def component_config(name: str) -> Dict[str, Any]:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    own = next((step for step in pipeline if step["name"].endswith(name)), {})
    cls = DangerClassifier if name == "DangerClassifier" else LinearIntentClassifier
    return {**cls.get_default_config(), **{k: v for k, v in own.items() if k != "name"}}


def reading(
    lexicon: concerns.Lexicon,
    message: str,
    scored: Any,
    classes: Sequence[str],
    scores: Any,
    levels: Mapping,
    floor: float = 0.0,
) -> Dict:
    """The parse data ``families.passes`` checks, from both readings of one message."""
    ranked = sorted(((str(c), float(p)) for c, p in zip(classes, scored, strict=True)), key=lambda r: -r[1])
    label, confidence = ranked[0]
    intent, key = ("faq", label) if label.startswith("faq/") else (label, None)
    if confidence < 0.2:  # config.yml's FallbackClassifier threshold
        intent = concerns.FALLBACK_INTENT
    if intent.startswith(concerns.SAFETY_PREFIX) and confidence < floor:  # --floors: not taken under the floor
        label, confidence = next(((c, p) for c, p in ranked if not c.startswith(concerns.SAFETY_PREFIX)), ("", 0.0))
        intent, key = ("faq", label) if label.startswith("faq/") else (label, None)
    read = concerns.read(
        lexicon, message, intent, (), key, confidence, label.split("/")[0], scores, levels, ranked=ranked
    )
    return {"intent": {"name": read.intent}, concerns.URGENT: read.urgent, concerns.TOPIC: read.topic}


def main(argv: List[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--kinds", default=KINDS, help="comma-separated danger kinds found by the learned reading")
    options.add_argument("--set", action="append", default=[], help="a DangerClassifier setting: name=YAML value")
    options.add_argument(
        "--without", action="store_true", help="only the reading without the learned kinds (to judge training data)"
    )
    options.add_argument(
        "--floors", action="store_true",
        help="the floor under a danger the intent classifier alone reads, at each of FLOORS (learned kinds as set)",
    )
    args = options.parse_args(argv)
    kinds = args.kinds.split(",")
    training = load_data(str(ROOT / "data" / "nlu"))
    examples = [
        (text.normalise(m.get(TEXT)), m.get(INTENT_RESPONSE_KEY) or m.get(INTENT))
        for m in training.intent_examples if m.get(TEXT)
    ]  # fmt: skip
    lexicon = concerns.Lexicon.from_file(ROOT / "data" / "lexicon" / "concerns.yml")
    expected = families.expectations()
    every = families.load("train")
    cases = [c for c in every if not c.numbers]  # the numbers families say nothing of danger
    intent_config, danger_config = component_config("LinearIntentClassifier"), component_config("DangerClassifier")
    for setting in args.set:
        name, value = setting.split("=", 1)
        danger_config[name] = yaml.safe_load(value)
    result: Dict[str, Dict[str, List[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    columns = ["without", *(() if args.without else (f"at {t}" for t in THRESHOLDS))]
    if args.floors:
        columns = [f"floor {f}" for f in FLOORS]
    for writer in sorted({c.writer for c in cases}):
        left_out = {text.normalise(c.text) for c in every if c.writer == writer}
        kept = [(t, label) for t, label in examples if t not in left_out]
        texts, labels = [t for t, _ in kept], [label for _, label in kept]
        intents = fit_intents(texts, labels, intent_config)
        mine = [c for c in cases if c.writer == writer]
        messages = [text.normalise(c.text) for c in mine]
        learned = [[0.0] * len(danger_config["kinds"])] * len(messages)
        if not args.without or args.floors:
            learned = fit_danger(texts, labels, danger_config).predict_proba(messages)
        for case, message, scored, kinds_scored in zip(
            mine, messages, intents.predict_proba(messages), learned, strict=True
        ):
            scores = dict(zip(danger_config["kinds"], map(float, kinds_scored), strict=True))
            for column in columns:
                if column.startswith("floor"):
                    levels, floor = concerns.LEARNED_KIND_CONFIDENCE, float(column[6:])
                else:
                    levels = {} if column == "without" else {kind: float(column[3:]) for kind in kinds}
                    floor = 0.0
                parse = reading(lexicon, message, scored, intents.classes_, scores, levels, floor)
                row = result[case.family][column]
                if case.family in DANGER_FAMILIES:
                    row[0] += families.passes(expected[case.family], parse, case)
                else:
                    row[0] += not families.danger_kinds(parse)
                row[1] += 1
        print(f"writer {writer}: {len(mine)} messages", flush=True)
    print(f"learned kinds: {', '.join(kinds)}; settings: {danger_config}")
    print("family".ljust(30) + "".join(column.rjust(11) for column in columns))
    others = sorted(set(result) - set(DANGER_FAMILIES))
    result["no false alarm, all others"] = {
        column: [sum(result[f][column][n] for f in others) for n in (0, 1)] for column in columns
    }
    for family in (*DANGER_FAMILIES, *others, "no false alarm, all others"):
        counts = (f"{result[family][column][0]}/{result[family][column][1]}" for column in columns)
        print(family[:30].ljust(30) + "".join(count.rjust(11) for count in counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
