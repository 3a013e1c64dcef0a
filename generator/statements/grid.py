"""A statement workbook as plain grids: every sheet's cell values and merged ranges.

.xlsx through openpyxl, .xls through xlrd; the kind is told by the file's first bytes, not its
name. A merged range gives its value to every cell it covers.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

Raw = str | int | float | None
Range = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based, inclusive)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SpreadsheetError(Exception):
    """The file is not a spreadsheet this reader can open (message in Chinese)."""


@dataclass
class Sheet:
    """One sheet: raw values by (row, column), 1-based, and its merged ranges."""

    name: str
    values: dict[tuple[int, int], Raw]
    merged: list[Range] = field(default_factory=list)
    _owner: dict[tuple[int, int], Range] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for rng in self.merged:
            r1, c1, r2, c2 = rng
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._owner[(r, c)] = rng

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.values), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.values), default=0)

    def raw(self, row: int, col: int) -> Raw:
        """The value shown at (row, col): a merged range's top-left value for all its cells."""
        rng = self._owner.get((row, col))
        if rng is not None:
            row, col = rng[0], rng[1]
        return self.values.get((row, col))

    def own(self, row: int, col: int) -> Raw:
        """The cell's own value (None inside a merged range but at its top-left cell)."""
        return self.values.get((row, col))

    def merge_of(self, row: int, col: int) -> Range | None:
        return self._owner.get((row, col))

    def text(self, row: int, col: int) -> str:
        value = self.raw(row, col)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def address(sheet: Sheet, row: int, col: int) -> str:
    """A cell as Excel names it: 收入支出决算总表!C7."""
    return f"{sheet.name}!{column_letter(col)}{row}"


def load_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx or .xls file. Raises SpreadsheetError for anything else."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件 {path}：{exc.strerror}") from exc
    if head.startswith(XLSX_MAGIC):
        return _load_xlsx(path)
    if head == XLS_MAGIC:
        return _load_xls(path)
    raise SpreadsheetError(f"{path} 不是 Excel 文件（.xlsx 或 .xls），请从决算系统重新导出")


def _load_xlsx(path: Path) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetError(f"{path} 无法作为 .xlsx 打开（文件已损坏？）：{exc}") from exc
    sheets = []
    for ws, wf in zip(book.worksheets, formulas.worksheets, strict=True):
        values = {
            (cell.row, cell.column): cell.value
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value)
        }
        values |= _uncached(wf, values)
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        sheets.append(Sheet(ws.title, {k: _plain(v) for k, v in values.items()}, merged))
    return sheets


def _uncached(ws: object, values: dict[tuple[int, int], object]) -> dict[tuple[int, int], str]:
    """Formula cells the file holds no result for (written by a program, never opened in
    Excel): kept as their formula text, so that reading them as an amount fails loudly."""
    return {
        (cell.row, cell.column): str(cell.value)
        for row in ws.iter_rows()  # type: ignore[attr-defined]
        for cell in row
        if isinstance(cell.value, str)
        and cell.value.startswith("=")
        and (cell.row, cell.column) not in values
    }


def _plain(value: object) -> Raw:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _load_xls(path: Path) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO())
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for a broken file
        raise SpreadsheetError(f"{path} 无法作为 .xls 打开（文件已损坏？）：{exc}") from exc
    sheets = []
    for ws in book.sheets():
        values: dict[tuple[int, int], Raw] = {}
        for r in range(ws.nrows):
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if cell.ctype == xlrd.XL_CELL_TEXT and not cell.value:
                    continue
                values[(r + 1, c + 1)] = cell.value if cell.ctype != 4 else str(bool(cell.value))
        merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in ws.merged_cells]
        sheets.append(Sheet(ws.name, values, merged))
    return sheets
