"""The documentation's examples work: docs/examples-minimal/finance.yaml (the complete minimal
example of docs/data-format.md) passes `check` and builds, and the doc shows that very file."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

from support import DATA, ROOT

from generator.build import build
from generator.cli import main

MINIMAL = ROOT / "docs" / "examples-minimal" / "finance.yaml"


def test_the_minimal_example_checks_and_builds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(MINIMAL, data / "finance.yaml")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(data)])
    assert code == 0, out.getvalue()
    assert "finance.yaml:" not in out.getvalue()  # no finding at all about the example
    assert build(data, tmp_path / "out").files > 30


def test_the_doc_shows_the_example_file() -> None:
    doc = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    body = MINIMAL.read_text(encoding="utf-8").strip()
    assert body in doc
