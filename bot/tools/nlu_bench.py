"""NLU accuracy on the held-out split (tests/nlu/), beside a plain TF-IDF + linear baseline.

``make bench`` runs it: loads the trained model, parses every held-out example, and prints
accuracy and the per-intent confusion for both classifiers, trained on the same data/nlu/.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Sequence, Tuple

import yaml

from bot.concerns import label_of
from bot.config import ROOT, settings
from bot.text import normalise

Example = Tuple[str, str]  # (text, intent)


def load_examples(paths: Iterable[Path]) -> List[Example]:
    """(text, intent) pairs from Rasa YAML NLU files."""
    examples = []
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            for line in block.get("examples", "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append((line[2:].strip(), block["intent"]))
    return examples


def training_files() -> List[Path]:
    return sorted((ROOT / "data" / "nlu").glob("*.yml"))


def held_out_files() -> List[Path]:
    return sorted((ROOT / "tests" / "nlu").glob("*.yml"))


@dataclass
class Report:
    accuracy: float
    total: int
    per_intent: Dict[str, Counter]  # true intent → Counter of predicted intents

    def errors(self) -> List[str]:
        return [
            f"{true} → {pred} ×{n}"
            for true, row in sorted(self.per_intent.items())
            for pred, n in row.most_common()
            if pred != true
        ]


def evaluate(predictions: Sequence[str], examples: Sequence[Example]) -> Report:
    per_intent: Dict[str, Counter] = defaultdict(Counter)
    for predicted, (_, intent) in zip(predictions, examples, strict=False):
        per_intent[intent][predicted] += 1
    correct = sum(row[intent] for intent, row in per_intent.items())
    return Report(correct / len(examples), len(examples), dict(per_intent))


def tfidf_baseline(train: Sequence[Example]) -> Callable[[List[str]], List[str]]:
    """Character 1–3-gram TF-IDF and a linear SVM over the same normalised text the pipeline sees."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True), LinearSVC())
    model.fit([normalise(t) for t, _ in train], [i for _, i in train])
    return lambda texts: list(model.predict([normalise(t) for t in texts]))


def rasa_predictor(model_path: Path) -> Callable[[List[str]], List[str]]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level otherwise

    agent = Agent.load(str(model_path))

    async def parse_all(texts: List[str]) -> List[str]:
        return [label_of(await agent.parse_message(t)) for t in texts]

    return lambda texts: asyncio.run(parse_all(texts))


def print_side_by_side(reports: Dict[str, Report]) -> None:
    names = list(reports)
    print(f"accuracy on the held-out split ({next(iter(reports.values())).total} examples):")
    for name in names:
        print(f"  {name:10} {reports[name].accuracy:.3f}")
    intents = sorted({i for r in reports.values() for i in r.per_intent})
    header = f"{'intent':26}" + "".join(f"{n:>12}" for n in names) + "   most confused with (pipeline | TF-IDF)"
    print("\nper intent (correct/total):\n" + header)
    for intent in intents:
        cells, confused = [], []
        for name in names:
            row = reports[name].per_intent.get(intent, Counter())
            cells.append(f"{row[intent]}/{sum(row.values())}".rjust(12))
            wrong = [(p, n) for p, n in row.most_common() if p != intent][:2]
            confused.append(", ".join(f"{p}×{n}" for p, n in wrong) or "-")
        print(f"{intent:26}" + "".join(cells) + "   " + " | ".join(confused))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=settings().model)
    args = parser.parse_args()
    train, test = load_examples(training_files()), load_examples(held_out_files())
    texts = [t for t, _ in test]
    reports = {
        "pipeline": evaluate(rasa_predictor(args.model)(texts), test),
        "TF-IDF": evaluate(tfidf_baseline(train)(texts), test),
    }
    print_side_by_side(reports)


if __name__ == "__main__":
    main()
