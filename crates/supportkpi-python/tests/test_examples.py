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
    assert "Report(month, 15 rows, 2021-05-01..2021-07-01, by='channel')" in out
    assert "June 2021: 120 created, 99 resolved, backlog 21" in out
    assert "Prepared(read: tickets 120, surveys 77, customers 24, costs 6; rejected: 0; held as columns" in out
    assert "2 accepted" not in out and "1 accepted + 2 rejected = 3 read" in out
    assert "line 3: NegativeDurationError" in out
    assert "plotted 4 panels" in out
