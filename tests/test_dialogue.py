"""Test stories (tests/stories/) through the trained model: NLU and dialogue, failures fail the run."""

import re
import subprocess
import sys
from pathlib import Path

from bot.config import ROOT, settings


def rasa_test(stories: Path, out: Path) -> subprocess.CompletedProcess:
    """``rasa test core`` on test stories: every ``user:`` text is parsed by the trained NLU and a
    wrong intent, key or action fails the run.
    """
    rasa = Path(sys.executable).parent / "rasa"
    command = [
        str(rasa), "test", "core",
        "--model", str(settings().model),
        "--stories", str(stories),
        "--fail-on-prediction-errors", "--e2e",
        "--out", str(out),
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_stories_pass(tmp_path: Path) -> None:
    result = rasa_test(ROOT / "tests" / "stories", tmp_path)
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{details}"
    counts = re.findall(r"Correct:\s+(\d+) / (\d+)", result.stdout + result.stderr)
    assert counts and all(int(right) == int(total) > 0 for right, total in counts), counts


def test_a_story_whose_text_contradicts_its_intent_fails(tmp_path: Path) -> None:
    result = rasa_test(ROOT / "tests" / "stories_bad", tmp_path)
    assert result.returncode != 0
    assert "predicted a wrong intent" in result.stdout + result.stderr, result.stdout[-2000:] + result.stderr[-2000:]
