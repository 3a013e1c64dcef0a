"""评分表: formula scores computed from the data, judged scores as entered, totals derived."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model.figures import ZERO, Execution, total
from generator.model.projects import Indicator, Project
from generator.present.numbers import score as fmt_score

TOLERANCE = Decimal("0.3")  # 偏离度 within 30% (30% itself excluded)
BALANCE_LIMIT = Decimal("0.1")  # 结余率 of 10%


def budget_balance_score(execution: Execution, points: Decimal) -> Decimal:
    """(1 − 结余率 / 0.1) × points, not below 0; a zero budget leaves nothing unspent."""
    rate = execution.balance_rate
    if rate is None:
        return points
    return max(ZERO, (1 - rate / BALANCE_LIMIT) * points)


def completion_score(indicators: Sequence[Indicator], points: Decimal) -> Decimal:
    """Indicators met / all applicable indicators × points; with none, nothing was missed."""
    counted = [i for i in indicators if i.applicable]
    if not counted:
        return points
    met = sum(1 for i in counted if i.met is not False)
    return points * met / len(counted)


def deviation_score(indicators: Sequence[Indicator], points: Decimal) -> Decimal:
    """Met indicators whose 偏离度 is under 30% / met indicators × points."""
    counted = [i for i in indicators if i.applicable]
    if not counted:
        return points
    met = [i for i in counted if i.met is not False]
    if not met:
        return ZERO
    close = sum(1 for i in met if i.deviation is None or i.deviation < TOLERANCE)
    return points * close / len(met)


def projects_balance_score(projects: Sequence[Project], points: Decimal) -> Decimal:
    """Projects with 结余率 under 10% / all projects × points."""
    if not projects:
        return points
    rates = [p.execution.balance_rate for p in projects]
    under = sum(1 for r in rates if r is None or r < BALANCE_LIMIT)
    return points * under / len(projects)


def _quantity(indicators: Sequence[Indicator]) -> list[Indicator]:
    return [i for i in indicators if i.is_quantity]


def _quantity_cost(indicators: Sequence[Indicator]) -> list[Indicator]:
    return [i for i in indicators if i.is_quantity or i.is_cost]


@dataclass(frozen=True)
class Subject:
    """What a score table is about: its indicators, funds and (for the department) projects."""

    indicators: tuple[Indicator, ...]
    execution: Execution
    projects: tuple[Project, ...] = ()


Formula = Callable[[Subject, Decimal], Decimal]
FORMULAS: dict[str, Formula] = {
    "budget_balance": lambda s, p: budget_balance_score(s.execution, p),
    "quantity_completion": lambda s, p: completion_score(_quantity(s.indicators), p),
    "deviation": lambda s, p: deviation_score(_quantity(s.indicators), p),
    "dept_target_completion": lambda s, p: completion_score(_quantity_cost(s.indicators), p),
    "dept_deviation": lambda s, p: deviation_score(_quantity_cost(s.indicators), p),
    "dept_budget_balance": lambda s, p: projects_balance_score(s.projects, p),
}


@dataclass(frozen=True)
class ScoreRow:
    key: str
    level1: str
    level2: str
    level3: str
    points: Decimal
    explanation: str
    criteria: str
    formula: str
    deduction: bool
    entered: Decimal | None
    computed: Decimal | None
    printed_computed: bool = True

    @property
    def score(self) -> Decimal | None:
        """The score printed: the formula's where it is printed, else the one entered."""
        if self.computed is not None and self.printed_computed:
            return self.computed
        return self.entered


@dataclass(frozen=True)
class ScoreTable:
    rows: tuple[ScoreRow, ...]
    labelled_levels: tuple[int, ...] = (1,)

    @property
    def points(self) -> Decimal:
        return total([r.points for r in self.rows if not r.deduction])

    @property
    def total(self) -> Decimal:
        plus = total([r.score or ZERO for r in self.rows if not r.deduction])
        minus = total([r.score or ZERO for r in self.rows if r.deduction])
        return plus - minus

    def group_points(self, level: str, name: str) -> Decimal:
        return total([r.points for r in self.rows if getattr(r, level) == name])

    @property
    def differences(self) -> tuple[ScoreRow, ...]:
        """Rows whose entered score differs from the formula (at print precision)."""
        return tuple(
            r
            for r in self.rows
            if r.computed is not None
            and r.entered is not None
            and round(r.computed, 2) != round(r.entered, 2)
        )


def score_table(
    framework: dict[str, Any], scores: dict[str, Decimal], subject: Subject
) -> ScoreTable:
    """Score every item of `framework`: formula items computed, the others as entered."""
    rows = []
    items = framework["items"]
    for item in items:
        formula = item["formula"] or item["check"]
        computed = FORMULAS[formula](subject, item["points"]) if formula else None
        rows.append(
            ScoreRow(
                key=item["key"],
                level1=item["level1"],
                level2=item["level2"],
                level3=item["level3"],
                points=item["points"],
                explanation=item["explanation"],
                criteria=item["criteria"],
                formula=formula,
                deduction=item["deduction"],
                entered=scores.get(item["key"]),
                computed=computed,
                printed_computed=bool(item["formula"]),
            )
        )
    return ScoreTable(tuple(rows), tuple(framework["labelled_levels"]))


@dataclass(frozen=True)
class ScoreLine:
    """A 评分表 row as printed: group labels with their points, merge marks, the score."""

    row: ScoreRow
    label1: str
    label2: str
    label3: str
    m1: str
    m2: str
    m3: str
    shown: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


def score_lines(table: ScoreTable) -> list[ScoreLine]:
    out: list[ScoreLine] = []
    previous: tuple[str, ...] = ()
    for row in table.rows:
        path = (row.level1, row.level2, row.level3)
        marks, labels = [], []
        for depth in range(3):
            same = previous[: depth + 1] == path[: depth + 1] and path[depth] != ""
            marks.append("continue" if same else "restart")
            labels.append("" if same else _label(table, path, depth))
        previous = path
        shown = "" if row.score is None else fmt_score(row.score)
        out.append(ScoreLine(row, *labels, *marks, shown))
    return out


def _label(table: ScoreTable, path: tuple[str, str, str], depth: int) -> str:
    name = path[depth]
    if not name or depth + 1 not in table.labelled_levels:
        return name
    members = [
        r for r in table.rows if (r.level1, r.level2, r.level3)[: depth + 1] == path[: depth + 1]
    ]
    if depth == 2 and len(members) < 2:
        return name
    points = total([r.points for r in members])
    return f"{name}（{fmt_score(points)}分）"
