"""The Python example runs as a user would run it, and says what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_quickstart_runs(repo_root: Path) -> None:
    script = repo_root / "examples" / "python" / "quickstart.py"
    out = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "NpsResult(score=25.0, n=20" in out
    assert "None because no NPS responses" in out
    assert "ScoreOutOfScaleError: scores[2] = 6" in out
    assert "InvalidTimestampError" in out and "tzinfo=datetime.timezone.utc" in out
