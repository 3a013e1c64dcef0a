"""What a table reader gets (the located sheet, units, context) and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.statements.layout import Block, Layout
from generator.statements.reading import (
    CellProblem,
    Line,
    Want,
    by_line_number,
    match_columns,
    read_rows,
    want,
)

ZERO = Decimal(0)
AMOUNT = ("决算数", "金额", "本年数", "本年决算数", "决算金额", "合计")


@dataclass
class Context:
    year: int
    unit: str  # the dataset's
    names_given: set[str] = field(default_factory=set)


@dataclass
class TableFacts:
    number: int
    sheet: str
    unit: str
    how: str
    rows: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list key -> columns read
    printed: dict[str, Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Source:
    """What a reader gets: the layout, units, context, and where problems go."""

    layout: Layout
    units: tuple[str, str]
    ctx: Context
    problems: list[CellProblem]
    out: TableFacts

    def rows(self, block: Block, wants: dict[str, tuple[Want, ...]], numbers=None) -> list[Line]:
        cols = match_columns(block, wants)
        if numbers:
            by_line_number(block, numbers, cols)
        rows = read_rows(self.layout, block, cols, self.units, self.problems)
        return rows.lines

    def note(self, line: Line, what: str) -> None:
        self.out.notes.append(f"第{line.row}行“{line.label or line.code}”：{what}")


ONE_AMOUNT = {"amount": (want(AMOUNT),)}
