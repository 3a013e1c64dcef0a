"""Reading the data rows of one located table: codes, labels, 行次 and amounts by column.

Amounts are converted once to the dataset unit; a cell that is not an amount becomes a
`CellProblem` naming the sheet and cell, and is read as nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from generator.statements.amounts import NotAnAmount, convert, parse_amount
from generator.statements.grid import address
from generator.statements.layout import (
    CODE_IN_LABEL,
    Block,
    Column,
    Layout,
    SplitCode,
    label_key,
    norm,
    read_code,
)


@dataclass(frozen=True)
class Want:
    """A column wanted by header: its leaf name, and names an ancestor must (not) have."""

    leaves: frozenset[str]
    within: frozenset[str] = frozenset()
    outside: frozenset[str] = frozenset()

    def matches(self, column: Column) -> bool:
        ancestors = set(column.path[:-1])
        if column.leaf not in self.leaves:
            return False
        if self.within and not (ancestors & self.within):
            return False
        return not (set(column.path) & self.outside)


def want(leaves: Iterable[str], within: Iterable[str] = (), outside: Iterable[str] = ()) -> Want:
    return Want(frozenset(map(norm, leaves)), frozenset(map(norm, within)), frozenset(outside))


@dataclass
class CellProblem:
    sheet: str
    cell: str
    found: str
    what: str

    def format(self) -> str:
        return f"{self.cell}：{self.what}，读到“{self.found}”"


@dataclass
class Line:
    row: int
    code: str | None
    label: str  # as printed, trimmed
    line_no: str | None
    values: dict[str, Decimal] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return label_key(self.label)


@dataclass
class Rows:
    """The data rows of one block with the fields its columns gave."""

    fields: tuple[str, ...]
    lines: list[Line]


def match_columns(block: Block, wants: dict[str, tuple[Want, ...]]) -> dict[str, int]:
    """field -> column, the first column matching one of the field's wants, each column once."""
    found: dict[str, int] = {}
    taken: set[int] = set()
    for name, options in wants.items():
        for option in options:
            hit = next(
                (c.col for c in block.columns if c.col not in taken and option.matches(c)), None
            )
            if hit is not None:
                found[name] = hit
                taken.add(hit)
                break
    return found


def by_line_number(block: Block, numbers: dict[str, str], found: dict[str, int]) -> None:
    """Fields whose header matched nothing, found by their standard 栏次 where printed."""
    for name, number in numbers.items():
        if name in found:
            continue
        hit = next((c.col for c in block.columns if c.number == number), None)
        if hit is not None and hit not in found.values():
            found[name] = hit


def read_rows(
    layout: Layout,
    block: Block,
    cols: dict[str, int],
    units: tuple[str, str],
    problems: list[CellProblem],
) -> Rows:
    """Every data row of the block; `units` is (sheet unit, dataset unit)."""
    sheet = layout.sheet
    lines = []
    split = SplitCode()
    for r in range(layout.first_data, layout.last_data + 1):
        code_text = sheet.text(r, block.code_col) if block.code_col else ""
        if block.code_parts:
            parts = [sheet.text(r, c) for c in block.code_parts]
            code_text = split.read(parts) or " ".join(p for p in parts if p)
        label = sheet.text(r, block.label_col) if block.label_col else ""
        code = read_code(code_text) if code_text else None
        if code is None and code_text and not label:
            label = code_text  # 合计 written in the code column
        if code is None and (m := CODE_IN_LABEL.match(label)):
            code, label = m.group(1), m.group(2).strip()
        line_no = sheet.text(r, block.line_col) if block.line_col else None
        line = Line(r, code, label.strip(), line_no or None)
        has_cells = any(sheet.own(r, c) is not None for c in cols.values())
        if not (code or label or has_cells):
            continue
        for name, c in cols.items():
            raw = sheet.raw(r, c) if sheet.merge_of(r, c) is None else sheet.own(r, c)
            try:
                amount = parse_amount(raw)
            except NotAnAmount as exc:
                what = "此处应为金额"
                if exc.found.startswith("="):
                    what = "公式没有保存计算结果（请用 Excel 或 WPS 打开、保存后再导入）"
                problems.append(CellProblem(sheet.name, address(sheet, r, c), exc.found, what))
                continue
            line.values[name] = convert(amount, *units)
        lines.append(line)
    return Rows(tuple(cols), lines)
