"""A redline .docx: the new document with Word's tracked changes (w:ins / w:del) where it
differs from the old one, so Word, WPS and LibreOffice show what a new draft changed."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from difflib import SequenceMatcher
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from generator.years.docdiff import Pair

AUTHOR = "generator diff"
TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?%?|.", re.S)
SIMPLE = {qn("w:pPr"), qn("w:r"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr")}
COMPLEX = {qn("w:drawing"), qn("w:fldChar"), qn("w:instrText"), qn("w:pict"), qn("w:object")}


class Marker:
    """Makes w:ins / w:del elements with unique ids and one date."""

    def __init__(self) -> None:
        self.next_id = 9000
        self.date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def wrap(self, tag: str, run: Any) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        element.append(run)
        return element


def _run(text: str, rpr: Any, deleted: bool = False) -> Any:
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    return run


def _redlinable(p: Any) -> bool:
    if any(child.tag not in SIMPLE for child in p):
        return False
    return not any(el.tag in COMPLEX for el in p.iter())


def _first_rpr(p: Any) -> Any:
    run = p.find(qn("w:r"))
    return run.find(qn("w:rPr")) if run is not None else None


def redline_paragraph(p: Any, old: str, new: str, marker: Marker) -> bool:
    """Replace the runs of `p` (whose text is `new`) by the tracked change from `old`."""
    if not _redlinable(p):
        return False
    rpr = copy.deepcopy(_first_rpr(p))
    for run in p.findall(qn("w:r")):
        p.remove(run)
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            p.append(_run("".join(a[i1:i2]), rpr))
            continue
        if i2 > i1:
            p.append(marker.wrap("w:del", _run("".join(a[i1:i2]), rpr, deleted=True)))
        if j2 > j1:
            p.append(marker.wrap("w:ins", _run("".join(b[j1:j2]), rpr)))
    return True


def mark_inserted(p: Any, marker: Marker) -> None:
    """Every run of a paragraph that is new, as an insertion."""
    for run in p.findall(qn("w:r")):
        index = list(p).index(run)
        p.remove(run)
        p.insert(index, marker.wrap("w:ins", run))


def deleted_paragraph(old_p: Any, text: str, marker: Marker) -> Any:
    """A copy of a removed paragraph holding its text as a deletion."""
    p = OxmlElement("w:p")
    ppr = old_p.find(qn("w:pPr"))
    if ppr is not None:
        p.append(copy.deepcopy(ppr))
    p.append(marker.wrap("w:del", _run(text, _first_rpr(old_p), deleted=True)))
    return p


def _cell_paragraph(tc: Any) -> Any | None:
    paragraphs = tc.findall(qn("w:p"))
    return paragraphs[0] if len(paragraphs) == 1 else None


def redline_table(pair: Pair, marker: Marker) -> None:
    """Cells of the new table whose text differs, redlined against the old table's cells."""
    assert pair.old is not None and pair.new is not None
    done: set[int] = set()
    for r, cells in enumerate(pair.new.cells):
        for c, tc in enumerate(cells):
            if id(tc) in done:
                continue  # a cell spanning several grid columns
            done.add(id(tc))
            new = pair.new.rows[r][c]
            old_rows = pair.old.rows
            old = old_rows[r][c] if r < len(old_rows) and c < len(old_rows[r]) else ""
            p = _cell_paragraph(tc)
            if old != new and p is not None:
                redline_paragraph(p, old, new, marker)


def apply_redline(pairs: list[Pair], body: Any, marker: Marker) -> int:
    """Every change of the aligned pairs put into the new document; returns how many."""
    count = 0
    for pair in pairs:
        if pair.old is not None and pair.new is not None:
            if pair.new.kind == "t":
                redline_table(pair, marker)
                count += 1
            elif redline_paragraph(pair.new.element, pair.old.text, pair.new.text, marker):
                count += 1
        elif pair.new is not None and pair.new.kind == "p":
            mark_inserted(pair.new.element, marker)
            count += 1
        elif pair.old is not None and pair.old.kind == "p":
            removed = deleted_paragraph(pair.old.element, pair.old.text, marker)
            if pair.anchor is not None:
                pair.anchor.addprevious(removed)
            else:
                body.insert(len(body) - 1, removed)  # before the closing w:sectPr
            count += 1
    return count
