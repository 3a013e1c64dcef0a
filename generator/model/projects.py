"""Derive project and self-evaluation views: funds tables, indicators and their outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model.figures import ZERO, Execution, freeze, total
from generator.model.indicators import (
    IndicatorError,
    deviation,
    is_met,
    parse_actual,
    parse_target,
)
from generator.model.quotes import Names, fill, fill_all, funds_names, printed

FUND_ROWS = (
    ("（一）财政拨款小计", None),
    ("1.一般公共预算", "general_budget"),
    ("2.政府性基金", "gov_fund"),
    ("3.国有资本经营预算", "state_capital"),
    ("4.社保基金", "social_insurance"),
    ("（二）其他资金", "other"),
)
FISCAL = ("general_budget", "gov_fund", "state_capital", "social_insurance")


@dataclass(frozen=True)
class Funds:
    """年初预算, 调整 and 执行 of one source (or a subtotal)."""

    initial: Decimal
    adjustment: Decimal
    executed: Decimal

    @property
    def budget(self) -> Decimal:
        """全年预算 = 年初预算 + 调整."""
        return self.initial + self.adjustment

    @property
    def execution(self) -> Execution:
        return Execution(self.budget, self.executed)


@dataclass(frozen=True)
class FundRow:
    label: str
    funds: Funds


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    name: str
    target: str
    actual: str
    deviation_text: str
    applicable: bool
    met: bool | None
    deviation: Decimal | None
    parse_error: str

    @property
    def is_quantity(self) -> bool:
        return self.level2 == "数量指标"

    @property
    def is_cost(self) -> bool:
        return "成本指标" in (self.level1, self.level2)


@dataclass(frozen=True)
class Project:
    index: int
    name: str
    source: str
    funds: Funds
    rows: tuple[FundRow, ...]
    goal_target: str
    goal_actual: str
    indicators: tuple[Indicator, ...]
    letter: Mapping[str, Any] | None
    pre_assessed: bool
    monitored: bool

    @property
    def execution(self) -> Execution:
        return self.funds.execution

    @property
    def fiscal_funds(self) -> Funds:
        """（一）财政拨款小计 of the 自评表."""
        return self.rows[1].funds

    @property
    def other_funds(self) -> Funds:
        """（二）其他资金."""
        return self.rows[-1].funds


def sum_funds(parts: list[Funds]) -> Funds:
    return Funds(
        total([p.initial for p in parts]),
        total([p.adjustment for p in parts]),
        total([p.executed for p in parts]),
    )


def derive_funds(raw: dict[str, Any]) -> tuple[Funds, tuple[FundRow, ...]]:
    """The seven rows of a 自评表's funds block, subtotals computed."""
    by_source = {key: _funds(raw.get(key)) for _, key in FUND_ROWS if key}
    fiscal = sum_funds([by_source[k] for k in FISCAL])
    everything = sum_funds([fiscal, by_source["other"]])
    rows = [FundRow("年度资金总额", everything)]
    rows += [FundRow(label, by_source[key] if key else fiscal) for label, key in FUND_ROWS]
    return everything, tuple(rows)


def _funds(raw: dict[str, Any] | None) -> Funds:
    if not raw:
        return Funds(ZERO, ZERO, ZERO)
    return Funds(raw["initial"], raw["adjustment"], raw["executed"])


def derive_indicator(raw: dict[str, Any], names: Names | None = None) -> Indicator:
    target, actual, problem = None, None, ""
    try:
        target = parse_target(raw["target"])
        actual = parse_actual(raw["actual"])
    except IndicatorError as exc:
        problem = str(exc)
    met = is_met(target, actual) if target and actual else None
    dev = deviation(target, actual) if target and actual else None
    return Indicator(
        level1=raw["level1"],
        level2=raw["level2"],
        name=raw["name"],
        target=raw["target"],
        actual=raw["actual"],
        deviation_text=fill(raw["deviation"], names or {}),
        applicable=raw["applicable"],
        met=met,
        deviation=dev,
        parse_error=problem,
    )


def derive_project(
    index: int,
    source: str,
    raw: dict[str, Any],
    shared: Names | None = None,
    amount: Callable[[Decimal], str] | None = None,
) -> Project:
    funds, rows = derive_funds(raw["funds"])
    own = funds_names(funds)
    names = {**(shared or {}), **(printed(own, amount) if amount else own)}
    return Project(
        index=index,
        name=raw["name"],
        source=source,
        funds=funds,
        rows=rows,
        goal_target=fill(raw["goal"]["target"], names),
        goal_actual=fill(raw["goal"]["actual"], names),
        indicators=tuple(derive_indicator(i, names) for i in raw["indicators"]),
        letter=freeze(fill_all(raw.get("letter"), names)),
        pre_assessed=raw["pre_assessed"],
        monitored=raw["monitored"],
    )
