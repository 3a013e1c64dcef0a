"""Tables by 功能分类 (类/款/项): rows as the statements print them, totals derived from 项.

A department lists its 项 (7-digit codes); it may list 类 (3) and 款 (5) rows too, exactly as its
statement prints them, and those stated figures are printed and checked against their 项. The
合计 of a table is always the sum of its 项 (the finest level the data gives).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model.figures import ZERO, FrozenDict

Namer = Callable[[str], str]
LEVELS = {3: 1, 5: 2, 7: 3}


@dataclass(frozen=True)
class ClassRow:
    """One printed row: code, name, level (1 类, 2 款, 3 项) and its figure per column."""

    code: str
    name: str
    level: int
    values: Mapping[str, Decimal]
    summed: Mapping[str, Decimal]  # the sum of its 项 (equal to values for a 项)
    stated: bool  # a 类/款 row given in the data
    index: int  # 0-based position in the data (-1 for a derived row)
    parts: int  # number of 项 under it

    def __getitem__(self, column: str) -> Decimal:
        return self.values.get(column, ZERO)

    @property
    def title(self) -> str:
        return self.name


@dataclass(frozen=True)
class Classified:
    """One table by 功能分类: every row in print order (类, its 款, its 项 …) and the 合计."""

    columns: tuple[str, ...]
    rows: tuple[ClassRow, ...]
    total: Mapping[str, Decimal]
    key: str  # the data field it came from, for locating findings

    def __getitem__(self, column: str) -> Decimal:
        return self.total.get(column, ZERO)

    @property
    def items(self) -> tuple[ClassRow, ...]:
        return tuple(r for r in self.rows if r.level == 3)

    @property
    def classes(self) -> tuple[ClassRow, ...]:
        return tuple(r for r in self.rows if r.level == 1)

    @property
    def empty(self) -> bool:
        return not self.items or all(not any(r.values.values()) for r in self.items)

    def sum_of(self, *columns: str) -> Decimal:
        return sum((self[c] for c in columns), ZERO)

    def parent_of(self, row: ClassRow, level: int) -> ClassRow | None:
        width = {1: 3, 2: 5}[level]
        return next((r for r in self.rows if r.code == row.code[:width]), None)


def classify(
    key: str, rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...], namer: Namer
) -> Classified:
    """Build a Classified table from validated rows (any order; printed by code)."""
    given = list(rows)
    leaves = [(i, r) for i, r in enumerate(given) if len(r["code"]) == 7]
    stated = {r["code"]: (i, r) for i, r in enumerate(given) if len(r["code"]) != 7}
    codes = sorted({c[:w] for _, r in leaves for c in [r["code"]] for w in (3, 5)} | set(stated))
    out: list[ClassRow] = []
    for code in codes:
        members = [r for _, r in leaves if r["code"].startswith(code)]
        summed = _sum(members, columns)
        if code in stated:
            i, row = stated[code]
            values = {c: row[c] if row.get(c) is not None else summed[c] for c in columns}
            out.append(_row(code, namer, values, summed, True, i, len(members)))
        else:
            out.append(_row(code, namer, summed, summed, False, -1, len(members)))
    for i, row in leaves:
        values = {c: row.get(c, ZERO) or ZERO for c in columns}
        out.append(_row(row["code"], namer, values, values, False, i, 1))
    ordered = tuple(sorted(out, key=lambda r: (r.code, r.level)))
    ordered = _unique(ordered)
    total = _sum([r for _, r in leaves], columns)
    return Classified(columns, ordered, FrozenDict(total), key)


def _unique(rows: tuple[ClassRow, ...]) -> tuple[ClassRow, ...]:
    """A 项 listed twice keeps both (the audit names the duplicate); derived rows once."""
    seen: set[tuple[str, int]] = set()
    out = []
    for r in rows:
        if r.index < 0 and (r.code, r.level) in seen:
            continue
        seen.add((r.code, r.level))
        out.append(r)
    return tuple(out)


def _row(
    code: str,
    namer: Namer,
    values: Mapping[str, Decimal],
    summed: Mapping[str, Decimal],
    stated: bool,
    index: int,
    parts: int,
) -> ClassRow:
    level = LEVELS[len(code)]
    return ClassRow(
        code, namer(code), level, FrozenDict(values), FrozenDict(summed), stated, index, parts
    )


def _sum(rows: list[Mapping[str, Any]], columns: tuple[str, ...]) -> dict[str, Decimal]:
    return {c: sum((r.get(c, ZERO) or ZERO for r in rows), ZERO) for c in columns}
