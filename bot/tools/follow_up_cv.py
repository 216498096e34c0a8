"""Choose the follow-up model's settings on the training half only: leave one writer of the multi-turn
examples (data/context, ``from``) out at a time, train ``FollowUpClassifier``'s model on the rest (and on the
other intent examples as new questions), and count the left-out messages whose kind (more, same, an aspect
and which one, new) it reads as the writer said. Run: ``python -m bot.tools.follow_up_cv``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any, Dict, List

from bot import concerns
from bot.components import FollowUpClassifier, context_items, fit_follow_ups, follow_up_scores, follows_label
from bot.config import ROOT
from bot.text import normalise
from bot.tools.nlu_bench import load_examples, training_files

CANDIDATES: List[Dict[str, Any]] = [
    {"C": 100.0, "class_weight": "balanced"}, {"C": 100.0, "class_weight": {"new": 0.1}},
    {"C": 30.0, "class_weight": "balanced"},
]


def read_as(lexicon: concerns.Lexicon, text: str, follows: Dict[str, float]) -> str:
    """The kind ``concerns.read`` takes from the scores (an aspect with what it names)."""
    reading = concerns.read(lexicon, text, "out_of_scope", [], None, 0.0, None, follows=follows)
    cue = reading.follow_up
    return "new" if cue is None else cue if cue in ("more", "same") else f"aspect:{cue}"


def main(argv: List[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    lexicon = concerns.Lexicon.from_file(ROOT / "data" / "lexicon" / "concerns.yml")
    items = [{**i, "text": normalise(i["text"])} for i in context_items(ROOT / "data" / "context")]  # as the pipeline
    new = [normalise(text) for text, intent in load_examples(training_files()) if intent != concerns.FOLLOW_UP_INTENT]
    writers = sorted({i["from"] for i in items if i["from"].startswith("follow_up_in_context/")})
    for candidate in CANDIDATES:
        config = {**FollowUpClassifier.get_default_config(), **candidate}
        right, total, wrong, false_follow_ups = 0, 0, Counter(), 0
        for n, writer in enumerate(writers):
            train = [(i["after"], i["text"], follows_label(i)) for i in items if i["from"] != writer]
            test = [i for i in items if i["from"] == writer]
            # a slice of the other intents' examples left out too: a new question read as a follow-up is an error
            left_out = new[n :: len(writers)]
            model = fit_follow_ups(train, [t for k, t in enumerate(new) if k % len(writers) != n], config)
            questions = [(concerns.CONTEXTS[k % 2], t) for k, t in enumerate(left_out)]
            scored = zip(questions, follow_up_scores(model, questions), strict=True)
            false_follow_ups += sum(read_as(lexicon, text, follows) != "new" for (_, text), follows in scored)
            scores = follow_up_scores(model, [(i["after"], i["text"]) for i in test])
            for item, follows in zip(test, scores, strict=True):
                got, want = read_as(lexicon, item["text"], follows), follows_label(item)
                ok = got == want or (want == "more" and got == "same")  # bot.reply answers both with the rest
                total, right = total + 1, right + ok
                if not ok:
                    wrong[(want.split(":")[0], got.split(":")[0])] += 1
        mistakes = dict(wrong.most_common(6))
        print(f"{candidate}: {right}/{total} ({right / total:.1%}); wrong (written, read): {mistakes}; "
              f"other intents' examples read as a follow-up: {false_follow_ups}/{len(new)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
