"""Tables as a finance bureau prints them: header rows repeated and bold, rows kept whole,
numbers right-aligned in columns wide enough that they never break. Merges are not touched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from lxml import etree

from generator.render.ooxml import (
    PPR,
    RPR,
    TCPR,
    TRPR,
    child,
    ensure,
    grandchild,
    local,
    ppr,
    properties,
    rpr,
    set_val,
    style_node,
    style_of,
    text_of,
    w,
)

NUMBER = re.compile(
    r"^[≥≤＞＜>=<＝~～约]{0,2}\s*[-−+]?\d[\d,，]*(?:[.．]\d+)?\s*(?:%|％|‰)?"
    r"(?:\s*[/／]\s*\d+(?:\.\d+)?)?\s*[\u4e00-\u9fff]{0,4}$"
)
CELL_MARGIN = 216  # twips: Word's default 0.19 cm either side
SLACK = 1.05  # a little room for rounding and kerning
MIN_TWIPS = 2 * 210 + CELL_MARGIN  # two characters of 五号: no column of one character a line


def is_number(text: str) -> bool:
    """An amount, a percentage, a score or a target such as ≥5名 or ≤350000元."""
    text = text.strip()
    return bool(text) and len(text) <= 24 and bool(NUMBER.match(text))


@lru_cache(maxsize=8192)  # the same labels and figures recur in every table
def em_width(text: str) -> float:
    """Estimated advance of `text` in em: CJK and full-width 1; digits and Latin at the widest
    of Times New Roman, Liberation Serif, DejaVu Serif and Noto Serif CJK (LibreOffice may
    substitute any of them)."""
    total = 0.0
    for char in text:
        if not char.isascii():
            total += 1.0
        elif char in " .,:;'|!":
            total += 0.33
        elif char in "%@&":
            total += 0.95
        elif char.isupper():
            total += 0.77
        else:
            total += 0.64
    return total


@dataclass
class Cell:
    tc: etree._Element
    col: int
    span: int
    text: str
    size: int  # half-points
    tcpr: etree._Element | None = None  # its tcPr, once found or made

    @cached_property
    def numeric(self) -> bool:
        return is_number(self.text)

    def props(self) -> etree._Element:
        """The cell's tcPr, created first when missing."""
        if self.tcpr is None:
            self.tcpr = properties(self.tc, "tcPr")
        return self.tcpr

    def twips(self, text: str | None = None) -> int:
        return round(em_width(self.text if text is None else text) * self.size * 10 * SLACK)


class Sizes:
    """Font size (half-points) of paragraph styles, following basedOn, for width estimates."""

    def __init__(self, styles: etree._Element | None):
        self.sizes: dict[str, tuple[str | None, int | None]] = {}
        self._of: dict[str | None, int] = {}
        self.default = 21
        if styles is None:
            return
        node = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('sz')}")
        if node is not None:
            self.default = int(node.get(w("val")))
        for style in styles.findall(w("style")):
            based = style.find(w("basedOn"))
            size = style.find(f"{w('rPr')}/{w('sz')}")
            self.sizes[style.get(w("styleId"))] = (
                based.get(w("val")) if based is not None else None,
                int(size.get(w("val"))) if size is not None else None,
            )
        self.normal = self.of("Normal")

    def of(self, style_id: str | None) -> int:
        known = self._of.get(style_id)
        if known is None:
            known = self._of[style_id] = self._follow(style_id)
        return known

    def _follow(self, style_id: str | None) -> int:
        seen = set()
        while style_id and style_id in self.sizes and style_id not in seen:
            seen.add(style_id)
            based, size = self.sizes[style_id]
            if size is not None:
                return size
            style_id = based
        return self.default


_P, _R, _T, _VAL = w("p"), w("r"), w("t"), w("val")
_RPR, _SZ_TAG, _TRPR, _TBL_HEADER, _TBL_PR_EX = (
    w(t) for t in ("rPr", "sz", "trPr", "tblHeader", "tblPrEx")
)


_SIZES: dict[int, tuple[etree._Element, Sizes]] = {}


def sizes_of(styles: etree._Element) -> Sizes:
    """The Sizes of a styles part, kept while it is in use (a template's typeset styles serve
    every document of the template; they are read, never changed, while typesetting)."""
    known = _SIZES.get(id(styles))
    if known is None or known[0] is not styles:
        if len(_SIZES) >= 16:
            _SIZES.clear()
        known = _SIZES[id(styles)] = (styles, Sizes(styles))
    return known[1]


def _cell_size(tc: etree._Element, sizes: Sizes, sized: bool = True) -> int:
    """The size of the cell's first run with text and a size of its own, else its first
    paragraph's style's (`sized` False: no run of the table has a size of its own)."""
    for p in tc.iter(_P):
        style = style_node(p)
        base = sizes.of(style.get(_VAL) if style is not None else "Normal")
        for r in p.iter(_R) if sized else ():
            sz = grandchild(r, _RPR, _SZ_TAG)
            if sz is not None and child(r, _T) is not None:
                return int(sz.get(_VAL))
        return base
    return sizes.default


_TR, _TC, _TCPR, _GRID_SPAN = w("tr"), w("tc"), w("tcPr"), w("gridSpan")
_GRID_BEFORE_TAG = w("gridBefore")


def table_cells(tbl: etree._Element, sizes: Sizes) -> list[list[Cell]]:
    rows = []
    sized = next(tbl.iter(_SZ_TAG), None) is not None  # a run's, or a paragraph mark's
    for tr in tbl.iterchildren(_TR):
        before = grandchild(tr, _TRPR, _GRID_BEFORE_TAG)
        col = int(before.get(_VAL)) if before is not None else 0
        row = []
        for tc in tr.iterchildren(_TC):
            tcpr = child(tc, _TCPR)
            span_node = child(tcpr, _GRID_SPAN) if tcpr is not None else None
            span = int(span_node.get(_VAL)) if span_node is not None else 1
            text = text_of(tc).strip()
            row.append(Cell(tc, col, span, text, _cell_size(tc, sizes, sized), tcpr))
            col += span
        rows.append(row)
    return rows


def _is_title_row(row: list[Cell], columns: int) -> bool:
    return len(row) == 1 and row[0].span >= columns


_VMERGE = w("vMerge")


def _label_row(row: list[Cell], allow_merged: bool) -> bool:
    """All cells labels (no number); empty cells only as continued vertical merges."""
    for cell in row:
        if cell.numeric:
            return False
        if not cell.text:
            merged = child(cell.tcpr, _VMERGE) if cell.tcpr is not None else None
            if not allow_merged or merged is None or merged.get(w("val"), "continue") != "continue":
                return False
    return True


def header_rows(tbl: etree._Element, rows: list[list[Cell]], columns: int) -> int:
    """How many leading rows repeat on every page: those the template marks, or else the title
    rows and one or two rows of labels followed by a row of the same shape holding numbers."""
    marked = 0
    for tr in tbl.findall(w("tr")):
        if grandchild(tr, _TRPR, _TBL_HEADER) is None:
            break
        marked += 1
    if marked:
        return marked
    first = 0
    while first < len(rows) and _is_title_row(rows[first], columns):
        first += 1
    if first >= len(rows) or len(rows[first]) < 3 or not _label_row(rows[first], False):
        return 0
    for last in (first, first + 1):
        if last + 1 >= len(rows) or not _label_row(rows[last], last > first):
            return 0
        following = rows[last + 1]
        if len(following) == len(rows[last]) and any(c.numeric for c in following):
            return last + 1
    return 0


def _bold(tc: etree._Element) -> None:
    for r in tc.iter(w("r")):
        if child(r, _T) is None:
            continue
        node = set_val(rpr(r), "b", RPR)
        node.attrib.pop(w("val"), None)


def mark_rows(tbl: etree._Element, rows: list[list[Cell]], headers: int, columns: int) -> None:
    for i, tr in enumerate(tbl.findall(w("tr"))):
        trpr = child(tr, _TRPR)
        if trpr is None:
            trpr = etree.Element(_TRPR)
            tr.insert(0 if child(tr, _TBL_PR_EX) is None else 1, trpr)
        ensure(trpr, "cantSplit", TRPR)
        if i < headers:
            ensure(trpr, "tblHeader", TRPR)
            if not _is_title_row(rows[i], columns):
                for cell in rows[i]:
                    _bold(cell.tc)


CODE_LABEL = re.compile(r"编码|代码|编号")
ORDINAL_LABEL = re.compile(r"^(行次|序号|栏次)$")


def _column_labels(rows: list[list[Cell]], headers: int) -> dict[int, str]:
    """Grid column -> the label its header rows give it (the lowest header row wins)."""
    labels: dict[int, str] = {}
    for row in rows[:headers]:
        for cell in row:
            if cell.span == 1 and cell.text:
                labels[cell.col] = cell.text
    return labels


def align_numbers(rows: list[list[Cell]], headers: int) -> None:
    """Numbers right-aligned and kept on one line (noWrap; the widths make room for them);
    codes (科目编码) flush left and ordinals (行次) centred, as the statements print them."""
    labels = _column_labels(rows, headers)
    for row in rows[headers:]:
        for cell in row:
            if not cell.numeric:
                continue
            ensure(cell.props(), "noWrap", TCPR)
            label = labels.get(cell.col, "") if cell.span == 1 else ""
            align = "right"
            if CODE_LABEL.search(label):
                align = "left"
            elif ORDINAL_LABEL.match(label):
                align = "center"
            for p in cell.tc.findall(w("p")):
                set_val(ppr(p), "jc", PPR, val=align)


def _tcpr(tc: etree._Element) -> etree._Element:
    return properties(tc, "tcPr")


def _needs(rows: list[list[Cell]], current: list[int], headers: int) -> tuple[list[int], list[int]]:
    """Per grid column: the width numbers need (hard), and the width labels would like (soft):
    a short label on one line, or a text that just misses one line (up to half as wide again)."""
    columns = len(current)
    hard, soft = [0] * columns, [0] * columns
    for i, row in enumerate(rows):
        for cell in row:
            if cell.span != 1 or cell.col >= columns or not cell.text:
                continue
            if cell.numeric and i >= headers:
                hard[cell.col] = max(hard[cell.col], cell.twips() + CELL_MARGIN)
                continue
            longest = max(cell.text.split() or [cell.text], key=em_width)
            whole = cell.twips() + CELL_MARGIN
            if em_width(longest) <= 4.5:
                soft[cell.col] = max(soft[cell.col], cell.twips(longest) + CELL_MARGIN)
            elif whole <= current[cell.col] * 3 // 2:
                soft[cell.col] = max(soft[cell.col], whole)
    return hard, soft


def fit_widths(current: list[int], hard: list[int], soft: list[int], limit: int) -> list[int]:
    """Widths at least what numbers need (and two characters), taken from the columns with room
    to spare; the table keeps its width unless its numbers need more (up to `limit`). Then
    short labels get one line where others can spare it without losing a fifth of their width."""
    total = sum(current)
    floor = [max(h, MIN_TWIPS) for h in hard]
    target = max(total, min(sum(floor), limit))
    widths = _spread(current, floor, target)
    if widths is None:  # more numbers than the page holds: shrink in proportion
        return [max(1, f * target // sum(floor)) for f in floor]
    keep = [max(f, s, c * 4 // 5) for f, s, c in zip(floor, soft, current, strict=True)]
    wanted = [max(0, s - wd) for s, wd in zip(soft, widths, strict=True)]
    spare = [max(0, wd - k) for wd, k in zip(widths, keep, strict=True)]
    grant = min(sum(wanted), sum(spare))
    if grant <= 0:
        return widths
    give = _shares(spare, grant)
    get = _shares(wanted, grant)
    return [wd - g + t for wd, g, t in zip(widths, give, get, strict=True)]


def _shares(weights: list[int], amount: int) -> list[int]:
    """`amount` split in proportion to `weights`, in whole twips, summing exactly."""
    total = sum(weights)
    parts = [wt * amount // total for wt in weights]
    for i in sorted(range(len(weights)), key=lambda k: (-weights[k], k)):
        if sum(parts) >= amount:
            break
        if weights[i]:
            parts[i] += 1
    return parts


def _spread(current: list[int], floor: list[int], target: int) -> list[int] | None:
    """`current` raised to `floor`, then cut back to `target` from the columns above their floor
    (in proportion to their room); None when the floors alone exceed the target."""
    widths = [max(c, f) for c, f in zip(current, floor, strict=True)]
    excess = sum(widths) - target
    if excess <= 0:
        return widths
    room = [wd - f for wd, f in zip(widths, floor, strict=True)]
    if sum(room) < excess:
        return None
    cut = _shares(room, excess)
    return [wd - c for wd, c in zip(widths, cut, strict=True)]


def write_widths(tbl: etree._Element, rows: list[list[Cell]], widths: list[int]) -> None:
    """gridCol (what WPS reads), tcW of every cell and tblW, all in twips."""
    grid = tbl.find(w("tblGrid"))
    for col, width in zip(grid.findall(w("gridCol")), widths, strict=False):
        col.set(w("w"), str(width))
    for row in rows:
        for cell in row:
            width = sum(widths[cell.col : cell.col + cell.span])
            set_val(cell.props(), "tcW", TCPR, w=str(width), type="dxa")
    tblpr = tbl.find(w("tblPr"))
    if tblpr is not None:
        node = tblpr.find(w("tblW"))
        if node is not None:
            node.set(w("w"), str(sum(widths)))
            node.set(w("type"), "dxa")


@dataclass
class Prepared:
    """A table with its rows marked and numbers aligned: what its widths are fitted from."""

    tbl: etree._Element
    rows: list[list[Cell]]
    current: list[int]
    hard: list[int]
    soft: list[int]
    spans: list[tuple[int, int, int]]


def prepare(tbl: etree._Element, sizes: Sizes) -> Prepared | None:
    grid = tbl.find(w("tblGrid"))
    if grid is None:
        return None
    current = [int(c.get(w("w"), "0")) for c in grid.findall(w("gridCol"))]
    columns = len(current)
    if not columns:
        return None
    rows = table_cells(tbl, sizes)
    headers = header_rows(tbl, rows, columns)
    mark_rows(tbl, rows, headers, columns)
    align_numbers(rows, headers)
    hard, soft = _needs(rows, current, headers)
    spans = [
        (c.col, min(c.col + c.span, columns), c.twips() + CELL_MARGIN)
        for row in rows[headers:]
        for c in row
        if c.span > 1 and c.numeric and c.col < columns
    ]
    return Prepared(tbl, rows, current, hard, soft, spans)


def _fit(current: list[int], hard: list[int], soft: list[int], spans, text_width: int) -> list[int]:
    hard = list(hard)
    for _ in range(3):  # numbers in merged cells: the last column they span grows
        widths = fit_widths(current, hard, soft, text_width)
        short = [(a, b, need) for a, b, need in spans if sum(widths[a:b]) < need]
        for a, b, need in short:
            hard[b - 1] = max(hard[b - 1], need - sum(widths[a : b - 1]))
        if not short:
            break
    return widths


def typeset_table(tbl: etree._Element, sizes: Sizes, text_width: int) -> None:
    typeset_joined([tbl], sizes, text_width)


def typeset_joined(tables: list[etree._Element], sizes: Sizes, text_width: int) -> None:
    """Tables printed as one (a Table Joint paragraph between them, in the templates) get
    the same column widths, fitted to what all of them need; each table alone otherwise."""
    prepared = [prepare(tbl, sizes) for tbl in tables]
    found = [p for p in prepared if p is not None]
    if len({len(p.current) for p in found}) > 1:
        for p in found:
            write_widths(p.tbl, p.rows, _fit(p.current, p.hard, p.soft, p.spans, text_width))
        return
    if not found:
        return
    current = found[0].current
    hard = [max(col) for col in zip(*(p.hard for p in found), strict=True)]
    soft = [max(col) for col in zip(*(p.soft for p in found), strict=True)]
    spans = [span for p in found for span in p.spans]
    widths = _fit(current, hard, soft, spans, text_width)
    for p in found:
        write_widths(p.tbl, p.rows, widths)


JOINT = "TableJoint"


def joined_groups(body: etree._Element) -> list[list[etree._Element]]:
    """Top-level tables in order, those linked by a Table Joint paragraph in one group."""
    groups: list[list[etree._Element]] = []
    for tbl in body.iter(w("tbl")):
        if any(local(a) == "tbl" for a in tbl.iterancestors()):
            continue
        joint = tbl.getprevious()
        before = joint.getprevious() if joint is not None else None
        linked = (
            groups
            and joint is not None
            and local(joint) == "p"
            and style_of(joint) == JOINT
            and before is groups[-1][-1]
        )
        if linked:
            groups[-1].append(tbl)
        else:
            groups.append([tbl])
    return groups


def typeset_tables(body: etree._Element, sizes: Sizes, widths: dict[etree._Element, int]) -> None:
    """Every top-level table of the body (nested tables keep their layout), fitted to the
    text width of its section (`widths`, by table; a group by its first table's)."""
    for group in joined_groups(body):
        typeset_joined(group, sizes, widths[group[0]])
