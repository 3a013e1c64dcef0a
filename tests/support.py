"""Helpers shared by the document tests: read a .docx, copy and edit the 2023 data, build it.

Imported by conftest.py and by the test modules (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
TEMPLATES = ROOT / "templates"
# The CI clones the repository beside shared/, as in the working copy.
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "000_127aded49d8bfbe3.txt"
SEEDCHECK = SHARED / "tools" / "seedcheck.py"

DEPARTMENT = "中共广元市昭化区委组织部"
DISCLOSURE = f"{DEPARTMENT}2023年度部门决算公开.docx"
DEPARTMENT_LETTER = "自评报告/2023年部门整体支出绩效自评报告.docx"

Row = list[str]
Rows = list[Row]
SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Text without any white space (line breaks inside a cell or title included)."""
    return SPACE.sub("", text)


def table_rows(table: Table) -> Rows:
    """A table as rows of cell texts; a horizontally merged cell (one `w:tc` spanning several
    grid columns) is listed once. A vertically merged cell repeats its text on every row it
    covers (python-docx resolves `vMerge continue` to the cell where the merge starts)."""
    rows = []
    for row in table.rows:
        cells: Row = []
        last = None
        for cell in row.cells:
            if cell._tc is last:
                continue
            last = cell._tc
            cells.append(cell.text)
        rows.append(cells)
    return rows


TABLE_TITLE = "Table Title"
TABLE_JOINT = "Table Joint"  # the hairline between two tables printed as one (the templates' style)


@dataclass
class Sheet:
    """A table as the reader sees it: its title paragraphs (style Table Title) and its rows,
    from the one or more tables printed as one (joined by Table Joint paragraphs)."""

    titles: list[str]
    rows: Rows
    parts: list[Rows]


@dataclass
class DocxContent:
    """The body of a .docx in order: paragraph texts (str) and tables (list of rows); `styles`
    holds each block's paragraph style name (None for a table)."""

    blocks: list[str | Rows]
    styles: list[str | None] = field(default_factory=list)

    @property
    def sheets(self) -> list[Sheet]:
        """Every table with its titles, tables joined by a Table Joint paragraph as one."""
        out: list[Sheet] = []
        i = 0
        while i < len(self.blocks):
            block = self.blocks[i]
            if isinstance(block, str):
                i += 1
                continue
            titles, back = [], i - 1
            while back >= 0 and self.styles[back] == TABLE_TITLE:
                titles.insert(0, str(self.blocks[back]))
                back -= 1
            parts = [block]
            while (
                i + 2 < len(self.blocks)
                and self.styles[i + 1] == TABLE_JOINT
                and not isinstance(self.blocks[i + 2], str)
            ):
                parts.append(self.blocks[i + 2])  # type: ignore[arg-type]
                i += 2
            out.append(Sheet(titles, [row for part in parts for row in part], parts))
            i += 1
        return out

    def sheets_with(self, *cells: str) -> list[Sheet]:
        """The sheets having a row that holds all `cells`."""
        return [s for s in self.sheets if any(all(c in row for c in cells) for row in s.rows)]

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Rows]:
        return [b for b in self.blocks if not isinstance(b, str)]

    @property
    def normalized(self) -> list[str]:
        return [norm(p) for p in self.paragraphs]

    def has(self, text: str) -> bool:
        """Whether some paragraph equals `text` (white space ignored)."""
        return norm(text) in self.normalized

    def find(self, text: str, start: int = 0) -> int:
        """Index (in `paragraphs`) of the first paragraph equal to `text` from `start`, or -1."""
        wanted = norm(text)
        for i, p in enumerate(self.normalized[start:], start):
            if p == wanted:
                return i
        return -1

    def containing(self, fragment: str) -> list[str]:
        """The paragraphs that contain `fragment` (white space ignored)."""
        wanted = norm(fragment)
        return [p for p in self.paragraphs if wanted in norm(p)]

    def one_containing(self, fragment: str) -> str:
        found = self.containing(fragment)
        assert len(found) == 1, f"{len(found)} paragraphs contain {fragment!r}: {found!r}"
        return found[0]

    def missing_in_order(self, expected: list[str]) -> list[str]:
        """The expected paragraphs that do not occur, in this order, in the document."""
        missing, at = [], 0
        for text in expected:
            i = self.find(text, at)
            if i < 0:
                missing.append(text)
            else:
                at = i + 1
        return missing

    def tables_with(self, *cells: str) -> list[Rows]:
        """The tables having a row that holds all `cells`."""
        return [t for t in self.tables if any(all(c in row for c in cells) for row in t)]


def read_docx(path: Path) -> DocxContent:
    doc = Document(str(path))
    blocks: list[str | Rows] = []
    styles: list[str | None] = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(item.text)
            styles.append(item.style.name if item.style is not None else None)
        else:
            blocks.append(table_rows(item))
            styles.append(None)
    return DocxContent(blocks, styles)


def row_after(rows: Rows, label: str, count: int) -> Row:
    """The `count` cells that follow the cell `label` in the first row holding it."""
    for row in rows:
        cells = [c.strip() for c in row]
        if label in cells:
            i = cells.index(label)
            return cells[i + 1 : i + 1 + count]
    raise AssertionError(f"no row labelled {label!r}")


# --- data copies --------------------------------------------------------------------------------


Edits = dict[str, list[tuple[str, str]]]


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in a data file; `old` must occur exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def run_cli(
    *args: str | Path, cwd: Path | None = None, timeout: int = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in a child process (this checkout's package), with `env` added."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (relative path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit_template(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a template's word/document.xml with `new`, in place."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                text = body.decode("utf-8")
                assert old in text
                body = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(info, body)
    path.write_bytes(buffer.getvalue())


def copy_data(source: Path, dest: Path, edits: Edits | None = None) -> Path:
    """A copy of the data folder `source` at `dest`, with the textual `edits`
    ({file: [(old, new)]}) applied."""
    shutil.copytree(source, dest)
    for name, pairs in (edits or {}).items():
        for old, new in pairs:
            edit_file(dest / name, old, new)
    return dest


def project_file(data: Path, number: int) -> str:
    """The relative name of the project file numbered `number` (projects/NN-*.yaml)."""
    (path,) = sorted((data / "projects").glob(f"{number:02d}-*.yaml"))
    return f"projects/{path.name}"


@dataclass
class Built:
    """One build's output folder, its manifest, and its documents read on demand."""

    out: Path
    manifest: dict[str, Any]
    _docs: dict[str, DocxContent] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, out: Path) -> Built:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return cls(out, manifest)

    def doc(self, relative: str) -> DocxContent:
        if relative not in self._docs:
            self._docs[relative] = read_docx(self.out / relative)
        return self._docs[relative]

    @property
    def disclosure(self) -> DocxContent:
        return self.doc(DISCLOSURE)

    def files(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.manifest["files"] if kind is None or f["kind"] == kind]

    def path_of(self, kind: str, project: str | None) -> str:
        (entry,) = [f for f in self.files(kind) if f["project"] == project]
        return entry["path"]


def build_into(data: Path, out: Path, project: str | None = None) -> Built:
    from generator.build import build

    build(data, out, project)
    return Built.load(out)
