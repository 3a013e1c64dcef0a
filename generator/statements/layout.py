"""Where things are on a statement sheet, found by what they say, never by fixed positions.

A sheet has a title, 编制单位 and 单位 lines, header rows (merged cells give their text to every
column below them; a 栏次 row numbers the columns), then data rows until a 注 line. Tables that
print two blocks side by side (表1, 表4, 表6) have one label column per block.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from generator.statements.grid import Sheet

QUOTES = re.compile("[\"'“”‘’「」『』]")
SPACES = re.compile(r"\s+")
ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CODE_IN_LABEL = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s+(\S.*)$")
YEAR_LINE = re.compile(r"(20\d\d)\s*年度")
UNIT_LINE = re.compile(r"(?<!编制)单位\s*[:：]\s*(万元|元)")
ORG_LINE = re.compile(r"编制单位\s*[:：]\s*(.*?)(?:\s{2,}|\s*(?<!编制)单位\s*[:：]|$)")

CODE_HEADERS = {
    "科目编码",
    "编码",
    "功能分类科目编码",
    "支出功能分类科目编码",
    "经济分类科目编码",
    "支出经济分类科目编码",
    "科目代码",
}
LABEL_HEADERS = {"项目", "科目名称", "名称", "项目名称", "功能分类科目名称", "经济分类科目名称"}
LINE_HEADERS = {"行次"}
HEADER_WORDS = CODE_HEADERS | LABEL_HEADERS | LINE_HEADERS | {"预算数", "决算数", "收入", "支出"}
MAX_HEAD_ROWS = 15


def norm(text: str) -> str:
    """Text compared as a header or label: NFKC, no spaces, no quotes."""
    text = unicodedata.normalize("NFKC", text)
    return QUOTES.sub("", SPACES.sub("", text))


def label_key(text: str) -> str:
    """A row label without its ordinal (一、 （一） 1.)."""
    return ORDINAL.sub("", norm(text))


def read_code(text: str) -> str | None:
    text = norm(text)
    return text if CODE.match(text) else None


@dataclass
class Column:
    col: int
    path: tuple[str, ...]  # header texts top down, normalized, repeats (vertical merges) once
    number: str | None = None  # 栏次

    @property
    def leaf(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass
class Block:
    """One side-by-side block: its label columns and its amount columns."""

    code_col: int | None
    label_col: int | None
    line_col: int | None
    columns: list[Column] = field(default_factory=list)
    code_parts: list[int] = field(default_factory=list)  # 类 | 款 | 项 columns under 科目编码


@dataclass
class Layout:
    sheet: Sheet
    unit: str | None
    unit_cell: str | None
    organisation: str | None
    head: tuple[int, int]  # first and last header row
    blocks: list[Block]
    first_data: int
    last_data: int


def find_unit(sheet: Sheet, last_row: int) -> tuple[str | None, str | None, str | None]:
    """(unit, cell where found, 编制单位) from the lines above the header."""
    unit = where = org = None
    for (r, c), value in sorted(sheet.values.items()):
        if r > last_row or not isinstance(value, str):
            continue
        if org is None and (m := ORG_LINE.search(value)):
            org = m.group(1).strip() or None
        if unit is None and (m := UNIT_LINE.search(value)):
            unit, where = m.group(1), f"{r}:{c}"
    return unit, where, org


def find_year(sheet: Sheet, last_row: int) -> int | None:
    """The year the lines above the header name (2023年度), if one does."""
    for (r, _), value in sorted(sheet.values.items()):
        if r <= last_row and isinstance(value, str) and (m := YEAR_LINE.search(value)):
            return int(m.group(1))
    return None


def header_start(sheet: Sheet) -> int | None:
    for r in range(1, min(sheet.max_row, MAX_HEAD_ROWS) + 1):
        for c in range(1, sheet.max_col + 1):
            if norm(sheet.text(r, c)) in HEADER_WORDS:
                return r
    return None


def _is_group(sheet: Sheet, row: int, col: int) -> bool:
    rng = sheet.merge_of(row, col)
    return rng is not None and rng[3] > rng[1]


def _is_line_numbers(sheet: Sheet, row: int) -> bool:
    return any(norm(sheet.text(row, c)) == "栏次" for c in range(1, sheet.max_col + 1))


def header_end(sheet: Sheet, start: int) -> int:
    """The last header row: vertical merges from the top, sub-headers under a group cell,
    and the 栏次 row that closes them."""
    end = start
    while True:
        grown = max(
            (rng[2] for rng in sheet.merged if start <= rng[0] <= end and rng[2] > end),
            default=end,
        )
        if grown > end:
            end = grown
            continue
        nxt = end + 1
        if nxt > sheet.max_row:
            return end
        if _is_line_numbers(sheet, nxt):
            return nxt
        if _sub_header(sheet, end, nxt):
            end = nxt
            continue
        return end


def _sub_header(sheet: Sheet, above: int, row: int) -> bool:
    """A row of texts each under a cell of `above` that spans several columns."""
    cells = [c for c in range(1, sheet.max_col + 1) if sheet.own(row, c) is not None]
    if not cells:
        return False
    for c in cells:
        value = sheet.own(row, c)
        if not isinstance(value, str) or not _is_group(sheet, above, c):
            return False
        if read_code(value) is not None:
            return False
    return True


def header_path(sheet: Sheet, col: int, start: int, end: int) -> tuple[str, ...]:
    path: list[str] = []
    if _is_line_numbers(sheet, end):
        end -= 1
    for r in range(start, end + 1):
        text = norm(sheet.text(r, col))
        if text and text != "栏次" and (not path or path[-1] != text):
            path.append(text)
    return tuple(path)


def line_number_row(sheet: Sheet, end: int) -> dict[int, str]:
    if not _is_line_numbers(sheet, end):
        return {}
    return {c: norm(sheet.text(end, c)) for c in range(1, sheet.max_col + 1) if sheet.text(end, c)}


def columns(sheet: Sheet, start: int, end: int) -> list[Column]:
    numbers = line_number_row(sheet, end)
    cols = []
    for c in range(1, sheet.max_col + 1):
        path = header_path(sheet, c, start, end)
        if path:
            cols.append(Column(c, path, numbers.get(c)))
    return cols


def split_blocks(cols: list[Column]) -> list[Block]:
    """Each code column (or first 类 column), or label column not right after the code,
    starts a block."""
    blocks: list[Block] = []
    for column in cols:
        kind = _kind(column)
        if _starts_block(blocks, column, kind):
            blocks.append(Block(None, None, None))
        if not blocks:
            blocks.append(Block(None, None, None))
        block = blocks[-1]
        if kind == "code":
            block.code_col = column.col
        elif kind == "part":
            block.code_parts.append(column.col)
        elif kind == "label":
            block.label_col = column.col
        elif kind == "line":
            block.line_col = column.col
        else:
            block.columns.append(column)
    return blocks


def _starts_block(blocks: list[Block], column: Column, kind: str) -> bool:
    if kind == "code":
        return True
    if kind == "part":
        return not blocks or not blocks[-1].code_parts or len(blocks[-1].code_parts) == 3
    return kind == "label" and not _just_after_code(blocks, column)


PARTS = ("类", "款", "项")


def _kind(column: Column) -> str:
    leaf = column.leaf
    if leaf in PARTS and set(column.path[:-1]) & CODE_HEADERS:
        return "part"
    if leaf in CODE_HEADERS:
        return "code"
    if leaf in LABEL_HEADERS:
        return "label"
    if leaf in LINE_HEADERS:
        return "line"
    return "amount"


def _just_after_code(blocks: list[Block], column: Column) -> bool:
    if not blocks:
        return False
    block = blocks[-1]
    last = block.code_parts[-1] if block.code_parts else block.code_col
    return last == column.col - 1 and block.label_col is None


class SplitCode:
    """A code printed as 类 | 款 | 项 (201 | 32 | 01); an empty leading part repeats the
    row above, as exports leave the 类 out of its 款 and 项 rows."""

    def __init__(self) -> None:
        self.last = ["", "", ""]

    def read(self, parts: list[str]) -> str | None:
        parts = [norm(p) for p in parts] + [""] * (3 - len(parts))
        present = [i for i, p in enumerate(parts) if p]
        if not present or not all(p.isdigit() for p in parts if p):
            return None
        for i in range(present[0], 3):
            self.last[i] = parts[i] if i <= present[-1] else ""
        code = "".join(self.last[: present[-1] + 1])
        full = len(code) in (3, 5, 7) and code.startswith(self.last[0]) and len(self.last[0]) == 3
        return code if full else None


NOTE = re.compile(r"^(注|说明|备注)")


def data_rows(sheet: Sheet, first: int) -> int:
    """The last data row: before a 注 line or the end of the sheet."""
    last = first - 1
    for r in range(first, sheet.max_row + 1):
        texts = [
            sheet.text(r, c) for c in range(1, sheet.max_col + 1) if sheet.own(r, c) is not None
        ]
        if texts and (NOTE.match(norm(texts[0])) or _note_row(sheet, r, texts)):
            break
        if texts:
            last = r
    return last


def _note_row(sheet: Sheet, row: int, texts: list[str]) -> bool:
    """A note under the table: says it has no data, or one cell spanning the whole width."""
    if any("本表无数据" in norm(t) for t in texts):
        return True
    first = next(c for c in range(1, sheet.max_col + 1) if sheet.own(row, c) is not None)
    rng = sheet.merge_of(row, first)
    return len(texts) == 1 and rng is not None and rng[3] - rng[1] + 1 >= max(sheet.max_col, 3)


def read_layout(sheet: Sheet) -> Layout | None:
    """The sheet's layout, or None when it has no recognisable header."""
    start = header_start(sheet)
    if start is None:
        return None
    end = header_end(sheet, start)
    unit, where, org = find_unit(sheet, start)
    blocks = split_blocks(columns(sheet, start, end))
    return Layout(sheet, unit, where, org, (start, end), blocks, end + 1, data_rows(sheet, end + 1))
