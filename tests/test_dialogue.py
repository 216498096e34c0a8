"""Test stories (tests/stories/) through the trained model: NLU and dialogue, failures fail the run."""

import subprocess
import sys
from pathlib import Path

from bot.config import ROOT, settings


def test_stories_pass(tmp_path: Path) -> None:
    rasa = Path(sys.executable).parent / "rasa"
    command = [
        str(rasa), "test", "core",
        "--model", str(settings().model),
        "--stories", str(ROOT / "tests" / "stories"),
        "--fail-on-prediction-errors",
        "--out", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{details}"
    assert "Correct:" in result.stdout + result.stderr or (tmp_path / "story_report.json").exists()
