"""Tables of a rendered .docx as HTML: `gridSpan` and `vMerge` give the spans of the cells.

A top-level table whose XML did not change since the last conversion is taken from a
`TableCache` instead of being converted again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from generator.preview.htmlpara import ParagraphConverter
from generator.preview.wordxml import (
    T_GRIDSPAN,
    T_P,
    T_TBL,
    T_TC,
    T_TCPR,
    T_TR,
    T_VAL,
    T_VMERGE,
    Element,
    on,
    w,
)

Converted = tuple[str, list[tuple[str, str]]]  # the HTML of a table and its blocks


class TableCache:
    """Tables already converted, by position and XML: an unchanged table is not redone.

    Tables holding placeholders or pictures are always converted again (their labels come from
    outside the XML)."""

    def __init__(self, keep: int = 400):
        self._items: dict[tuple[int, str], Converted] = {}
        self._keep = keep
        self.hits = 0

    def get(self, key: tuple[int, str]) -> Converted | None:
        found = self._items.get(key)
        if found is not None:
            self.hits += 1
        return found

    def put(self, key: tuple[int, str], value: Converted) -> None:
        if len(self._items) >= self._keep:
            self._items.clear()
        self._items[key] = value


class TableConverter(ParagraphConverter):
    """Paragraphs and tables to HTML, with the tables' cache."""

    def __init__(self, *args: Any, cache: TableCache | None = None) -> None:
        super().__init__(*args)  # ParagraphConverter's
        self.cache = cache

    def top_table(self, tbl: Element, index: int) -> str:
        self._prefix = f"t{index}"
        self._cells = 0
        if self.cache is None:
            return self.table(tbl)
        xml = etree.tostring(tbl)
        if b"\xe2\x9f\xa6" in xml or b"NaN" in xml or b"<w:drawing" in xml or b"<w:pict" in xml:
            return self.table(tbl)  # holds a placeholder or a picture: labels come from outside
        key = (index, hashlib.sha1(xml).hexdigest())
        hit = self.cache.get(key)
        if hit is not None:
            self.blocks.extend(hit[1])
            return hit[0]
        start = len(self.blocks)
        out = self.table(tbl)
        self.cache.put(key, (out, self.blocks[start:]))
        return out

    def table(self, tbl: Element) -> str:
        tbl_grid = tbl.find(w("tblGrid"))
        grid = [int(c.get(w("w"), "0") or 0) for c in tbl_grid] if tbl_grid is not None else []
        total = sum(grid) or 1
        cls = "doc-table" + ("" if _bordered(tbl) else " borderless")
        out = [f'<table class="{cls}">']
        if grid:
            out.append(
                "<colgroup>"
                + "".join(f'<col style="width:{100 * g / total:.2f}%">' for g in grid)
                + "</colgroup>"
            )
        out.append("<tbody>")
        for row in _rows(tbl):
            out.append("<tr>")
            out.extend(self._cell_html(*cell) for cell in row)
            out.append("</tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def _cell_html(self, tc: Element, colspan: int, rowspan: int, header: bool) -> str:
        attrs = ""
        if colspan > 1:
            attrs += f' colspan="{colspan}"'
        if rowspan > 1:
            attrs += f' rowspan="{rowspan}"'
        content, text = self.cell(tc)
        attrs += f' data-b="{self._block(text)}"'
        tag = "th" if header else "td"
        return f"<{tag}{attrs}>{content}</{tag}>"

    def cell(self, tc: Element) -> tuple[str, str]:
        parts: list[str] = []
        texts: list[str] = []
        for child in tc:
            if child.tag == T_P:
                inner, text = self.paragraph(child, in_cell=True)
                parts.append(inner)
                texts.append(text)
            elif child.tag == T_TBL:
                parts.append(self.table(child))
        return "".join(parts), "\n".join(texts)


def _rows(tbl: Element) -> list[list[list[Any]]]:
    """The cells of each row as [tc, colspan, rowspan, header]; merged cells appear once."""
    rows: list[list[list[Any]]] = []
    above: dict[int, list[Any]] = {}  # grid column -> the cell that a vMerge continues
    for tr in tbl.iterchildren(T_TR):
        row: list[list[Any]] = []
        col, header = _row_start(tr)
        for tc in tr.iterchildren(T_TC):
            span, merge = _cell_props(tc)
            if merge == "continue" and col in above:
                above[col][2] += 1
                col += span
                continue
            cell = [tc, span, 1, header]
            if merge == "restart":
                above[col] = cell
            else:
                above.pop(col, None)
            row.append(cell)
            col += span
        rows.append(row)
    return rows


def _row_start(tr: Element) -> tuple[int, bool]:
    """The grid column of the row's first cell, and whether the row is a header row."""
    trpr = tr.find(w("trPr"))
    if trpr is None:
        return 0, False
    before = trpr.find(w("gridBefore"))
    col = int(before.get(T_VAL, "0")) if before is not None else 0
    return col, on(trpr.find(w("tblHeader"))) is True


def _cell_props(tc: Element) -> tuple[int, str | None]:
    """The column span of a cell and its vMerge value (None when it merges nothing)."""
    tcpr = tc[0] if len(tc) and tc[0].tag == T_TCPR else None
    span = 1
    merge = None
    if tcpr is not None:
        for c in tcpr:
            if c.tag == T_GRIDSPAN:
                val = c.get(T_VAL, "1")
                span = max(1, int(val)) if val.isdigit() else 1
            elif c.tag == T_VMERGE:
                merge = c.get(T_VAL, "continue")
    return span, merge


def _bordered(tbl: Element) -> bool:
    pr = tbl.find(w("tblPr"))
    if pr is None:
        return True
    borders = pr.find(w("tblBorders"))
    if borders is None:
        return True
    values = [b.get(w("val"), "") for b in borders]
    return not values or any(v not in ("nil", "none") for v in values)
