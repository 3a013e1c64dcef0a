"""What changed between two built .docx documents: paragraphs and table cells in body order,
aligned, each change with the section (heading path) it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

HEADING = re.compile(r"^(Annex )?Heading (\d)")
SENTENCE = re.compile(r"[^。！？；]*[。！？；]|[^。！？；]+$")
NOT_A_CAPTION = re.compile(r"^(编制单位|金额单位|单位[:：]|公开\d+表|注[:：])")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


@dataclass
class Block:
    """A body paragraph (text) or table (rows of cell texts), with its section."""

    kind: str  # "p" or "t"
    text: str
    section: str
    element: Any
    rows: list[list[str]] = field(default_factory=list)
    cells: list[list[Any]] = field(default_factory=list)  # the w:tc elements, for the redline

    @property
    def key(self) -> str:
        if self.kind == "p":
            return self.text
        return "表格:" + "|".join(self.rows[0] if self.rows else [])


@dataclass(frozen=True)
class Change:
    document: str
    section: str
    where: str  # 段落 / 表格 … 第r行 第c列
    old: str | None
    new: str | None

    def figures(self) -> tuple[list[str], list[str]]:
        """The numbers that changed, in order: (old ones, new ones)."""
        old = NUMBER.findall(self.old or "")
        new = NUMBER.findall(self.new or "")
        gone: list[str] = []
        came: list[str] = []
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag != "equal":
                gone += old[i1:i2]
                came += new[j1:j2]
        return gone, came


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _style(p: Any, styles: dict[str, str]) -> str:
    ppr = p.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return styles.get(style.get(qn("w:val")), "") if style is not None else ""


def read_blocks(path: Path) -> tuple[Any, list[Block]]:
    """The document and its body blocks (table-of-contents lines left out)."""
    doc = Document(str(path))
    styles = {s.style_id: s.name for s in doc.styles}
    heads: dict[int, str] = {}
    blocks = []
    caption = ""
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            name = _style(child, styles)
            text = _text(child)
            if name.lower().startswith("toc"):
                continue
            if (m := HEADING.match(name)) and text.strip():
                level = int(m.group(2))
                heads = {k: v for k, v in heads.items() if k < level} | {level: text.strip()}
            blocks.append(Block("p", text, _section(heads), child))
            if text.strip() and not NOT_A_CAPTION.match(text.strip()):
                caption = text.strip()
        elif child.tag == qn("w:tbl"):
            rows, cells = _table(child)
            blocks.append(Block("t", caption[:40], _section(heads), child, rows, cells))
    return doc, blocks


def _section(heads: dict[int, str]) -> str:
    return " › ".join(heads[k] for k in sorted(heads)) or "（开头）"


def _table(tbl: Any) -> tuple[list[list[str]], list[list[Any]]]:
    """Rows of cell texts on the table grid: a cell spanning n grid columns is listed n times,
    so that a column index means the same column in every row."""
    rows, cells = [], []
    for tr in tbl.iterchildren(qn("w:tr")):
        texts, tcs = [], []
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            count = int(span.get(qn("w:val"))) if span is not None else 1
            texts += [_text(tc).strip()] * count
            tcs += [tc] * count
        rows.append(texts)
        cells.append(tcs)
    return rows, cells


@dataclass
class Pair:
    """Aligned blocks: both sides (a change), or one side only (added or removed)."""

    old: Block | None
    new: Block | None
    anchor: Any = None  # for a removed block: the new document's element it stood before


def align(old: list[Block], new: list[Block]) -> list[Pair]:
    """Blocks of two documents paired in order; unchanged blocks are left out."""
    pairs: list[Pair] = []
    matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [
                Pair(old[i], new[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                if old[i].kind == "t"
            ]
            continue
        after = new[j2].element if j2 < len(new) else None
        pairs += _pair_up(old[i1:i2], new[j1:j2], after)
    return [p for p in pairs if not (p.old and p.new and _same(p.old, p.new))]


def _pair_up(olds: list[Block], news: list[Block], after: Any) -> list[Pair]:
    """A replaced run of blocks: the most similar ones paired in order (a dynamic-programming
    alignment), the rest added or removed."""
    n, m = len(olds), len(news)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = max(score[i - 1][j], score[i][j - 1])
            sim = _similarity(olds[i - 1], news[j - 1])
            if sim >= SIMILAR:
                best = max(best, score[i - 1][j - 1] + sim)
            score[i][j] = best
    pairs: list[Pair] = []
    i, j = n, m
    while i or j:
        if (
            i
            and j
            and score[i][j] == score[i - 1][j - 1] + _similarity(olds[i - 1], news[j - 1])
            and _similarity(olds[i - 1], news[j - 1]) >= SIMILAR
        ):
            pairs.append(Pair(olds[i - 1], news[j - 1]))
            i, j = i - 1, j - 1
        elif i and (not j or score[i][j] == score[i - 1][j]):
            anchor = news[j].element if j < m else after
            pairs.append(Pair(olds[i - 1], None, anchor))
            i -= 1
        else:
            pairs.append(Pair(None, news[j - 1]))
            j -= 1
    return pairs[::-1]


SIMILAR = 0.4


def _similarity(a: Block, b: Block) -> float:
    if a.kind != b.kind:
        return 0.0
    if a.kind == "t":
        x = "\n".join("|".join(r) for r in a.rows)
        y = "\n".join("|".join(r) for r in b.rows)
        return max(SequenceMatcher(None, x, y, autojunk=False).ratio(), SIMILAR)
    return SequenceMatcher(None, a.text, b.text, autojunk=False).ratio()


def _same(a: Block, b: Block) -> bool:
    return a.text == b.text if a.kind == "p" else a.rows == b.rows


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.findall(text) if s.strip()]


def paragraph_changes(document: str, pair: Pair) -> list[Change]:
    """The sentences that differ between two versions of a paragraph."""
    block = pair.new or pair.old
    assert block is not None
    old = sentences(pair.old.text) if pair.old else []
    new = sentences(pair.new.text) if pair.new else []
    out = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a, b = old[i1:i2], new[j1:j2]
        for k in range(max(len(a), len(b))):
            out.append(
                Change(
                    document,
                    block.section,
                    "段落",
                    a[k] if k < len(a) else None,
                    b[k] if k < len(b) else None,
                )
            )
    return out


def table_changes(document: str, pair: Pair) -> list[Change]:
    """Cells that differ, named by their row's label and their column's header path."""
    block = pair.new or pair.old
    assert block is not None
    old = pair.old.rows if pair.old else []
    new = pair.new.rows if pair.new else []
    title = _table_name(block)
    out = []
    for r in range(max(len(old), len(new))):
        a = old[r] if r < len(old) else []
        b = new[r] if r < len(new) else []
        for c in range(max(len(a), len(b))):
            x = a[c] if c < len(a) else None
            y = b[c] if c < len(b) else None
            if x != y and not (c and _same_cell(a, b, c)):
                label = _row_label(b or a)
                where = f"{title} 第{r + 1}行{f'“{label}”' if label else ''} 第{c + 1}列"
                header = _header(new or old, c)
                out.append(
                    Change(document, block.section, where + (f"“{header}”" if header else ""), x, y)
                )
    return out


def _same_cell(a: list[str], b: list[str], c: int) -> bool:
    """A cell spanning several grid columns is reported once (at its first column)."""
    return c < len(a) and c < len(b) and a[c] == a[c - 1] and b[c] == b[c - 1]


def _table_name(block: Block) -> str:
    return f"表格（{block.text}）" if block.text else "表格"


def _row_label(row: list[str]) -> str:
    """The first texts of a row that are not figures (科目编码 and 科目名称, or 项目)."""
    words = [t for t in row[:2] if t and not NUMBER.fullmatch(t)]
    return " ".join(dict.fromkeys(words))


def _header(rows: list[list[str]], col: int) -> str:
    """The column's header path: the texts above it in the leading rows without figures."""
    path: list[str] = []
    for row in rows[:4]:
        if any(NUMBER.fullmatch(t) for t in row if t):
            break
        if col < len(row) and row[col] and row[col] not in path:
            path.append(row[col])
    return "/".join(path)


def compare_documents(document: str, old: Path, new: Path) -> tuple[list[Change], list[Pair], Any]:
    """The changes, the aligned blocks and the new document (python-docx)."""
    _, a = read_blocks(old)
    doc, b = read_blocks(new)
    pairs = align(a, b)
    changes: list[Change] = []
    for pair in pairs:
        kind = (pair.new or pair.old).kind  # type: ignore[union-attr]
        changes += (
            paragraph_changes(document, pair) if kind == "p" else table_changes(document, pair)
        )
    return changes, pairs, doc


def compare_workbooks(document: str, old: Path, new: Path) -> list[Change]:
    """Cells of two .xlsx workbooks (the 附表) that differ, sheet by sheet."""
    from generator.statements.grid import column_letter, load_sheets

    a = {s.name: s for s in load_sheets(old)}
    b = {s.name: s for s in load_sheets(new)}
    out = []
    for name in [*b, *(n for n in a if n not in b)]:
        left, right = a.get(name), b.get(name)
        headers = _sheet_headers(right or left)
        cells = sorted(set(left.values if left else {}) | set(right.values if right else {}))
        for r, c in cells:
            x = left.text(r, c) if left else ""
            y = right.text(r, c) if right else ""
            if x != y:
                sheet = right or left
                label = next(
                    (
                        sheet.text(r, k)
                        for k in range(1, c)
                        if sheet.text(r, k) and not NUMBER.fullmatch(sheet.text(r, k))
                    ),
                    "",
                )
                where = f"{column_letter(c)}{r}" + (f"“{label}”" if label else "")
                where += f" {headers[c]}" if c in headers and r > 3 else ""
                out.append(Change(document, f"工作表“{name}”", where, x or None, y or None))
    return out


def _sheet_headers(sheet: Any) -> dict[int, str]:
    """Column -> its header path, as the importer finds the headers."""
    from generator.statements.layout import columns, read_layout

    layout = read_layout(sheet)
    if layout is None:
        return {}
    first, last = layout.head
    return {col.col: "/".join(col.path) for col in columns(sheet, first, last)}
