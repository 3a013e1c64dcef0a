"""Golden text of every built document, kept as plain-text files under tests/golden/.

The text of a .docx is its body in order: one line per paragraph, and one line per table row
with the cells separated by " | " (a vertically merged cell shows as "^" where it continues).
`python3 tests/golden.py` rebuilds data/2023 and data/examples and rewrites the golden files;
run it when a change of the documents is intended, and read the diff before committing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = ROOT / "data" / "examples" / "water-centre-2024"
DATASETS = {"2023": ROOT / "data" / "2023", "examples": EXAMPLES}


def document_text(path: Path) -> str:
    """The body of a .docx as golden text."""
    body = Document(str(path)).element.body
    lines: list[str] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = _text(child)
            if text.strip():
                lines.append(text)
        elif child.tag == qn("w:tbl"):
            lines.extend(_rows(child))
    return "\n".join(lines) + "\n"


def _text(element) -> str:  # noqa: ANN001 - an lxml element
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _rows(tbl) -> list[str]:  # noqa: ANN001
    out = []
    for tr in tbl.iter(qn("w:tr")):
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continues = merge is not None and merge.get(qn("w:val")) in (None, "continue")
            cells.append("^" if continues else " ".join(_text(p) for p in tc.iter(qn("w:p"))))
        out.append(" | ".join(cells))
    return out


def built_texts(out: Path) -> dict[str, str]:
    """Golden text of every .docx in a build folder, by its path relative to the folder."""
    return {p.relative_to(out).as_posix(): document_text(p) for p in sorted(out.rglob("*.docx"))}


def golden_texts(name: str) -> dict[str, str]:
    folder = GOLDEN / name
    return {
        p.relative_to(folder).as_posix()[: -len(".txt")]: p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.txt"))
    }


def update() -> None:
    from generator.build import build

    for name, data in DATASETS.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            build(data, out)
            folder = GOLDEN / name
            for old in folder.rglob("*.txt"):
                old.unlink()
            for rel, text in built_texts(out).items():
                target = folder / f"{rel}.txt"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        print(f"已更新 {folder.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    update()
