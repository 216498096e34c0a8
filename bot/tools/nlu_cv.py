"""Choose NLU settings by cross-validation on the training data only (never the held-out split).

``make cv`` runs it: the training examples (data/nlu) are split into k stratified folds; for each
candidate setting (a change to config.yml's pipeline, listed in CANDIDATES) an NLU model is trained on
k-1 folds and scored on the fold left out, with the same label as the held-out test (``faq/<key>``
for specific questions). It prints the mean accuracy of each candidate; config.yml keeps the best.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import random
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml

from bot.config import ROOT
from bot.tools.nlu_bench import Example, Report, evaluate, label_of, load_examples, training_files

LINEAR = "bot.components.LinearIntentClassifier"
# The pipeline before this one: jieba words and character 1-3-grams, DIET for intents and Rasa's
# ResponseSelector for the keys of faq.
DIET_AND_SELECTOR = [
    {"name": "CountVectorsFeaturizer", "analyzer": "word"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char", "min_ngram": 1, "max_ngram": 3},
    {"name": "DIETClassifier", "epochs": 80, "number_of_transformer_layers": 1, "transformer_size": 128,
     "entity_recognition": False, "constrain_similarities": True, "connection_density": 1.0, "random_seed": 42},
    {"name": "ResponseSelector", "retrieval_intent": "faq", "epochs": 80, "constrain_similarities": True,
     "random_seed": 42},
]  # fmt: skip
# Each candidate: component name → settings that replace config.yml's for it ("replace": components
# that take the place of the linear classifier).
CANDIDATES: Dict[str, Dict[str, Any]] = {
    "config.yml": {},
    "no pinyin, no English n-grams": {LINEAR: {"pinyin_ngrams": None, "latin_ngrams": None}},
    "no English n-grams": {LINEAR: {"latin_ngrams": None}},
    "pinyin 1-3": {LINEAR: {"pinyin_ngrams": [1, 3]}},
    "char_wb 1-3": {LINEAR: {"max_ngram": 3}},
    "C 100": {LINEAR: {"C": 100}},
    "C 1000": {LINEAR: {"C": 1000}},  # the setting before 2026-12-06
    "fallback 0.3": {"FallbackClassifier": {"threshold": 0.3}},
    "ambiguity 0.02": {"FallbackClassifier": {"ambiguity_threshold": 0.02}},
    "DIET + ResponseSelector": {"replace": DIET_AND_SELECTOR},
    "words 1-2": {LINEAR: {"word_ngrams": [1, 2]}},
    "C 300": {LINEAR: {"C": 300}},
    "C 3000": {LINEAR: {"C": 3000}},
    "char_wb 1-3, C 3000": {LINEAR: {"max_ngram": 3, "C": 3000}},
}


def folds(examples: Sequence[Example], k: int, seed: int = 42) -> List[List[Example]]:
    """K folds with every label spread evenly over them."""
    by_label: Dict[str, List[Example]] = defaultdict(list)
    for example in examples:
        by_label[example[1]].append(example)
    out: List[List[Example]] = [[] for _ in range(k)]
    rng = random.Random(seed)
    n = 0
    for label in sorted(by_label):
        group = by_label[label][:]
        rng.shuffle(group)
        for example in group:
            out[n % k].append(example)
            n += 1
    return out


def examples_at(revision: str) -> List[Example]:
    """The training examples as they were at a git revision (to measure new data on the old folds)."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in training_files():
            if path.name == "faq_responses.yml":
                continue
            name = path.relative_to(ROOT).as_posix()
            shown = subprocess.run(["git", "show", f"{revision}:{name}"], cwd=ROOT, capture_output=True, text=True)
            if shown.returncode == 0:  # a file added since has no old examples
                (Path(tmp) / path.name).write_text(shown.stdout, encoding="utf-8")
        return load_examples(sorted(Path(tmp).glob("*.yml")))


def write_nlu(examples: Sequence[Example], path: Path) -> None:
    blocks: Dict[str, List[str]] = defaultdict(list)
    for text, label in examples:
        blocks[label].append(text)
    nlu = [{"intent": k, "examples": "".join(f"- {t}\n" for t in v)} for k, v in blocks.items()]
    data = {"version": "3.1", "nlu": nlu}
    responses = yaml.safe_load((ROOT / "data" / "nlu" / "faq_responses.yml").read_text(encoding="utf-8"))
    data["responses"] = responses["responses"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def candidate_config(changes: Dict[str, Any], path: Path) -> None:
    config = copy.deepcopy(yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8")))
    pipeline = []
    for component in config["pipeline"]:
        if component["name"] == LINEAR and "replace" in changes:
            pipeline += changes["replace"]
            continue
        pipeline.append({**component, **changes.get(component["name"], {})})
    config["pipeline"] = pipeline
    config.pop("policies", None)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def score_fold(
    config: Path, train: Sequence[Example], test: Sequence[Example], workdir: Path
) -> tuple[Report, List[str]]:
    import logging

    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.utils.log_utils import configure_structlog

    data = workdir / "nlu.yml"
    write_nlu(train, data)
    model = train_nlu(str(config), str(data), str(workdir), fixed_model_name="cv", domain=str(ROOT / "domain.yml"))
    agent = Agent.load(model)
    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level, message text included

    async def parse_all() -> List[str]:
        return [label_of(await agent.parse_message(t)) for t, _ in test]

    predicted = asyncio.run(parse_all())
    return evaluate(predicted, list(test)), predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--only", help="run only this candidate")
    parser.add_argument("--errors", type=int, default=0, help="print this many of the commonest confusions")
    parser.add_argument("--misread", type=Path, help="write every misread example (text, label, reading) here")
    parser.add_argument(
        "--new-since",
        metavar="REV",
        help="score only the examples that existed at this git revision, in the same folds as then; the ones "
        "added since are always trained on (new data cannot grade itself)",
    )
    args = parser.parse_args()
    examples = load_examples(p for p in training_files() if p.name != "faq_responses.yml")
    extra: List[Example] = []
    if args.new_since:
        now = set(examples)
        old = [e for e in examples_at(args.new_since) if e in now]  # deleted since: gone from both
        known = set(old)
        examples, extra = old, [e for e in examples if e not in known]
        print(f"{len(old)} examples scored in the folds of {args.new_since}; {len(extra)} added since, trained on only")
    parts = folds(examples, args.folds)
    for name, changes in CANDIDATES.items():
        if args.only and name != args.only:
            continue
        scores, confusions, misread = [], Counter(), []
        for i in range(args.folds):
            train = [e for j, part in enumerate(parts) if j != i for e in part] + extra
            with tempfile.TemporaryDirectory() as tmp:
                config = Path(tmp) / "config.yml"
                candidate_config(changes, config)
                report, predicted = score_fold(config, train, parts[i], Path(tmp))
            misread += [f"{t}\t{label}\t{p}" for (t, label), p in zip(parts[i], predicted, strict=True) if p != label]
            scores.append(report.accuracy)
            confusions.update({(t, p): n for t, row in report.per_intent.items() for p, n in row.items() if p != t})
            print(f"  {name}: fold {i + 1}/{args.folds} accuracy {scores[-1]:.3f}", flush=True)
        print(f"{name}: mean {sum(scores) / len(scores):.3f} over {args.folds} folds", flush=True)
        for (true, predicted), n in confusions.most_common(args.errors):
            print(f"    {true} → {predicted} ×{n}")
        if args.misread:
            args.misread.write_text("".join(f"{line}\n" for line in sorted(misread, key=lambda m: m.split("\t")[1:])))


if __name__ == "__main__":
    main()
