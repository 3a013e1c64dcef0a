"""Every built document's text equals its golden file (tests/golden/, see tests/golden.py).

A difference fails with the first changed lines of each document; when the change is intended,
`python3 tests/golden.py` rewrites the golden files.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from golden import DATASETS, built_texts, golden_texts

from generator.build import build


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_built_documents_equal_their_golden_text(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.mktemp(f"golden-{name}") / "out"
    build(DATASETS[name], out)
    built, golden = built_texts(out), golden_texts(name)
    assert sorted(built) == sorted(golden), "documents differ from tests/golden/" + name
    problems = []
    for rel in sorted(golden):
        if built[rel] != golden[rel]:
            diff = difflib.unified_diff(
                golden[rel].splitlines(),
                built[rel].splitlines(),
                "golden",
                "built",
                lineterm="",
                n=0,
            )
            problems.append(f"{rel}:\n" + "\n".join(list(diff)[:12]))
    assert not problems, "\n\n".join(problems) + "\n（若为有意修改，运行 python3 tests/golden.py）"


def test_golden_files_exist() -> None:
    for name in DATASETS:
        assert golden_texts(name), f"tests/golden/{name} is empty: run python3 tests/golden.py"
    assert Path(__file__).with_name("golden").is_dir()
