"""The built disclosure against the reference text, scored by ../shared/tools/seedcheck.py."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support import DISCLOSURE, SEEDCHECK, Built

MIN_COVERAGE = 0.98  # the floor: every reference line the data supports
MIN_IMAGES = 7


@pytest.fixture(scope="module")
def seedcheck(built: Built) -> str:
    if not SEEDCHECK.is_file():
        pytest.skip(f"seedcheck not found at {SEEDCHECK} (shared/ must sit beside the repository)")
    run = subprocess.run(
        [sys.executable, str(SEEDCHECK), str(built.out / DISCLOSURE), "--show", "0"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def figure(output: str, name: str) -> float:
    match = re.search(rf"^{name}:\s*([0-9.]+)\s*$", output, re.MULTILINE)
    assert match, f"no '{name}:' line in seedcheck output:\n{output}"
    return float(match.group(1))


def test_coverage(seedcheck: str) -> None:
    assert figure(seedcheck, "coverage") >= MIN_COVERAGE, seedcheck


def test_images(seedcheck: str) -> None:
    assert figure(seedcheck, "images") >= MIN_IMAGES, seedcheck
