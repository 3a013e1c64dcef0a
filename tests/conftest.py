"""Session fixtures: data/2023 built once, and the derived report.

The document helpers (read_docx: paragraphs in body order and tables as rows of cell texts,
horizontally merged cells listed once by the identity of their `w:tc`) live in support.py so
that test modules can import them; they are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DATA, Built, DocxContent, build_into, copy_data, read_docx

__all__ = ["Built", "DocxContent", "read_docx"]


@pytest.fixture(scope="session")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/2023 as it is when the session starts. Every build reads this snapshot (or a copy
    of it), so an edit of data/2023 while the tests run cannot set two builds apart."""
    return copy_data(DATA, tmp_path_factory.mktemp("data") / "2023")


@pytest.fixture(scope="session")
def built(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """data/2023 built once into a fresh folder (the only thing in its parent folder)."""
    out = tmp_path_factory.mktemp("build") / "out"
    return build_into(data, out)


@pytest.fixture(scope="session")
def report(data: Path):
    """The derived report of data/2023 (what the templates receive as `r`)."""
    from generator.build import prepare

    return prepare(data)[0]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty disk cache for this test."""
    from generator.write import diskcache

    folder = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(folder))
    diskcache.reset()
    yield folder
    diskcache.reset()
