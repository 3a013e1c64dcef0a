"""Read a statement workbook: find each standard table, read it, and gather the facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.statements.grid import Sheet, address, load_sheets
from generator.statements.identify import NAMES, REQUIRED, TITLES, identify
from generator.statements.layout import find_year, read_layout
from generator.statements.reading import CellProblem
from generator.statements.standard import READERS, Context, Source, TableFacts, blank_note

Progress = Callable[[str], None]


@dataclass
class Statements:
    """What a statement file gave: the tables read, what is missing, what could not be read."""

    path: Path
    tables: dict[int, TableFacts] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # sheet-level problems that stop the import
    skipped: list[str] = field(default_factory=list)  # sheets that are no standard table
    organisation: str | None = None
    years: set[int] = field(default_factory=set)  # the years the sheets name (2023年度)

    @property
    def missing(self) -> list[int]:
        return [n for n in TITLES if n not in self.tables]

    @property
    def missing_required(self) -> list[int]:
        return [n for n in REQUIRED if n not in self.tables]

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.errors or self.missing_required)


def read_statements(
    path: Path, year: int, unit: str, progress: Progress | None = None
) -> Statements:
    """Every standard table in the file. Raises SpreadsheetError when it is no spreadsheet."""
    say = progress or (lambda _m: None)
    sheets = load_sheets(path)
    result = Statements(path)
    ctx = Context(year, unit)
    for sheet in sheets:
        number, how = identify(sheet)
        if number is None:
            if sheet.values:
                result.skipped.append(sheet.name)
            continue
        if number in result.tables:
            first = result.tables[number].sheet
            result.skipped.append(f"{sheet.name}（与“{first}”重复，只读第一个）")
            continue
        say(f"读取 {sheet.name}……")
        table = _read_sheet(sheet, number, how, ctx, result)
        if table is not None:
            result.tables[number] = table
    return result


def _read_sheet(
    sheet: Sheet, number: int, how: str, ctx: Context, result: Statements
) -> TableFacts | None:
    layout = read_layout(sheet)
    if layout is None:
        result.errors.append(f"{sheet.name}：找不到表头（“项目”“科目编码”“行次”等），无法读取")
        return None
    if layout.unit is None:
        where = address(sheet, 1, 1)
        result.errors.append(f"{where}：找不到“单位：元”或“单位：万元”行，无法换算金额")
        return None
    result.organisation = result.organisation or layout.organisation
    if (year := find_year(sheet, layout.head[0])) is not None:
        result.years.add(year)
    table = TableFacts(number, sheet.name, layout.unit, how)
    READERS[number](Source(layout, (layout.unit, ctx.unit), ctx, result.problems, table))
    if table.rows == 0 and not blank_note(layout) and number not in (8, 9):
        table.notes.append("没有读到数据行")
    return table


def table_name(number: int) -> str:
    return f"表{number} {NAMES[number]}"


def finance_facts(st: Statements) -> dict[str, Any]:
    """The facts of every table read, merged into one finance.yaml-shaped dict."""
    facts: dict[str, Any] = {}
    for number in sorted(st.tables):
        for key, value in st.tables[number].facts.items():
            if isinstance(value, dict) and isinstance(facts.get(key), dict):
                facts[key].update(value)
            else:
                facts[key] = value
    return facts


def list_columns(st: Statements) -> dict[str, tuple[str, ...]]:
    return {k: v for t in st.tables.values() for k, v in t.columns.items()}
