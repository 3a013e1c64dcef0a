"""A template saved by LibreOffice still builds the same documents (issue: templates a person
edits in Word, WPS or LibreOffice). Each template goes through LibreOffice headless (open, save
as .docx); the build from the saved templates gives the same text and the same merged cells.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from golden import built_texts
from support import DATA, TEMPLATES

from generator.build import build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="需要 LibreOffice（soffice）")


def _resave(folder: Path, out: Path) -> None:
    profile = out.parent / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(out), *map(str, sorted(folder.glob("*.docx")))],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip


def _merges(path: Path) -> list[tuple[int, int, int, str]]:
    """(table, row, cell, vMerge value) of every vertically merged cell of a document."""
    found = []
    body = Document(str(path)).element.body
    for t, tbl in enumerate(body.iter(qn("w:tbl"))):
        for r, tr in enumerate(tbl.iter(qn("w:tr"))):
            for c, tc in enumerate(tr.iterchildren(qn("w:tc"))):
                merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if merge is not None:
                    found.append((t, r, c, merge.get(qn("w:val")) or "continue"))
    return found


def test_templates_saved_by_libreoffice_build_the_same(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    _resave(TEMPLATES, saved)
    assert sorted(p.name for p in saved.glob("*.docx")) == sorted(
        p.name for p in TEMPLATES.glob("*.docx")
    )
    original, resaved = tmp_path / "a" / "out", tmp_path / "b" / "out"
    build(DATA, original)
    build(DATA, resaved, templates=saved)
    a, b = built_texts(original), built_texts(resaved)
    assert sorted(a) == sorted(b)
    for rel in a:
        assert a[rel] == b[rel], rel  # the 目录 included: it is rebuilt from the headings
        assert _merges(original / rel) == _merges(resaved / rel), rel


def test_a_letter_template_edited_once_changes_the_disclosure_too(tmp_path: Path) -> None:
    """The disclosure annexes the letters and 自评表 from their own templates, not copies."""
    import zipfile

    own = tmp_path / "templates"
    own.mkdir()
    source = TEMPLATES / "project_letter.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(own / source.name, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(
                    "（一）项目完成情况".encode(), "（一）项目完成情况（改）".encode()
                )
            dst.writestr(item, data)
    out = tmp_path / "out"
    build(DATA, out, templates=own)
    texts = built_texts(out)
    disclosure = next(t for rel, t in texts.items() if rel.endswith("决算公开.docx"))
    letters = [t for rel, t in texts.items() if rel.startswith("自评报告/0")]
    assert disclosure.count("项目完成情况（改）") == len(letters) >= 1
    assert all("项目完成情况（改）" in t for t in letters)
