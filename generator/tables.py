"""The standard 部门决算公开表 as plain data: what the 附表 print in the .docx and the .xlsx.

Built from the derived finance model by `standard_tables`; every cell is either text or a
Decimal amount in the dataset's unit (rounded only when printed or written to a workbook).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

Cell = str | Decimal | None


@dataclass(frozen=True)
class Column:
    """One printed column: its header (a path of header rows, top first) and kind."""

    header: tuple[str, ...]
    kind: str = "amount"  # amount / code / label / line


@dataclass(frozen=True)
class Row:
    """One printed row. `level` is the depth of a classified row (0 合计, 1 类, 2 款, 3 项)."""

    cells: tuple[Cell, ...]
    level: int = 3
    total: bool = False


@dataclass(frozen=True)
class StandardTable:
    """One standard table: 公开NN表 code, title, columns, rows, and the 本表无数据 note."""

    number: int
    code: str  # e.g. 公开01表
    title: str  # e.g. 收入支出决算总表
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: str = ""  # 注 line, or the empty-table note
    empty: bool = False

    @property
    def sheet_name(self) -> str:
        """Excel sheet names are cut at 31 characters; the code leads so it survives."""
        return f"{self.code} {self.title}"[:31]
