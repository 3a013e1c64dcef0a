"""Session fixtures: data/2023 built once, and the derived report.

The document helpers (read_docx: paragraphs in body order and tables as rows of cell texts,
horizontally merged cells listed once by the identity of their `w:tc`) live in support.py so
that test modules can import them; they are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DATA, Built, DocxContent, build_into, read_docx

__all__ = ["Built", "DocxContent", "read_docx"]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """data/2023 built once into a fresh folder (the only thing in its parent folder)."""
    out = tmp_path_factory.mktemp("build") / "out"
    return build_into(DATA, out)


@pytest.fixture(scope="session")
def report():
    """The derived report of data/2023 (what the templates receive as `r`)."""
    from generator.build import prepare

    return prepare(DATA)[0]


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("variants")
