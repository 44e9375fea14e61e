"""The type stubs and annotations are checked against the code and the compiled module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import supportkpi


def run(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def package_dir() -> Path:
    return Path(supportkpi.__file__).resolve().parents[1]


def test_mypy_strict_on_the_package_example_and_tests(
    package_dir: Path, repo_root: Path, tmp_path: Path
) -> None:
    # The tests are checked too: their `type: ignore` comments mark calls the annotations must
    # reject, and --strict fails on any that became unnecessary.
    run(
        "mypy",
        "--strict",
        # The oldest target this mypy checks (the package supports 3.9): no newer syntax.
        "--python-version",
        "3.10",
        "--cache-dir",
        str(tmp_path),
        "supportkpi",
        str(repo_root / "examples" / "python" / "quickstart.py"),
        str(Path(__file__).parent),
        cwd=package_dir,
    )


def test_stubtest_native(package_dir: Path, tmp_path: Path) -> None:
    run("mypy.stubtest", "supportkpi._native", "--mypy-config-file", str(tmp_path / "none.ini"), cwd=package_dir)
