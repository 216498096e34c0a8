"""Choose the rudeness model's settings on the training half only: leave one writer of the call lines
(data/rude, ``from``) out at a time, train ``RudeClassifier``'s model on the rest (and on the other intent
examples, labelled by the words of the floor), and count the left-out lines the Reading takes as the writer
said (the words, or the model at the threshold), and the left-out slice of intent examples it takes as rude
though the words do not. The cost to choose by: rude lines missed, plus twice the civil lines taken as rude (that
costs the borrower points and can end the call). Run: ``python -m bot.tools.rude_cv``.
"""

from __future__ import annotations

import argparse
from typing import Any, Dict, List

from bot import concerns
from bot.components import RudeClassifier, fit_rude, rude_lines
from bot.config import ROOT
from bot.text import normalise
from bot.tools.nlu_bench import load_examples, training_files

CANDIDATES: List[Dict[str, Any]] = [{"C": 1.0}, {"C": 10.0}, {"C": 30.0}, {"C": 10.0, "max_ngram": 3}]
THRESHOLDS = (0.5, 0.7)


def main(argv: List[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    lexicon = concerns.Lexicon.from_file(ROOT / "data" / "lexicon" / "concerns.yml")
    lines = rude_lines(ROOT / "data" / "rude")
    others = [normalise(text) for text, _ in load_examples(training_files())]
    floor = [concerns.rude_by_words(lexicon, text) for text in others]
    writers = sorted({line["from"].split("/")[1] for line in lines})
    print(f"the words alone: {sum(concerns.rude_by_words(lexicon, x['text']) == x['rude'] for x in lines)}"
          f"/{len(lines)} lines as written")
    for candidate in CANDIDATES:
        config = {**RudeClassifier.get_default_config(), **candidate}
        right = {t: [0, 0] for t in THRESHOLDS}  # rude lines found, civil lines left alone
        false_alarms = {t: 0 for t in THRESHOLDS}
        for n, writer in enumerate(writers):
            train = [x for x in lines if x["from"].split("/")[1] != writer]
            test = [x for x in lines if x["from"].split("/")[1] == writer]
            kept = [k for k in range(len(others)) if k % len(writers) != n]
            model = fit_rude(
                [x["text"] for x in train] + [others[k] for k in kept],
                [x["rude"] for x in train] + [floor[k] for k in kept],
                config,
            )
            left_out = [others[k] for k in range(n, len(others), len(writers)) if not floor[k]]
            scores = model.predict_proba([x["text"] for x in test] + left_out)[:, 1]
            for threshold in THRESHOLDS:
                for line, score in zip(test, scores, strict=False):
                    rude = concerns.rude_by_words(lexicon, line["text"]) or score >= threshold
                    right[threshold][0 if line["rude"] else 1] += rude == line["rude"]
                false_alarms[threshold] += int((scores[len(test) :] >= threshold).sum())
        rude_total = sum(x["rude"] for x in lines)
        for threshold in THRESHOLDS:
            found, civil = right[threshold]
            cost = (rude_total - found) + 2 * (len(lines) - rude_total - civil)
            print(f"{candidate} at {threshold}: cost {cost}; rude lines found {found}/{rude_total}, civil lines left "
                  f"alone {civil}/{len(lines) - rude_total}, intent examples taken as rude {false_alarms[threshold]}"
                  f"/{len(others) - sum(floor)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
