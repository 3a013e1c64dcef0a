"""The identities across the imported tables, computed on the facts (simple sums).

A sum of n rounded figures may differ from its rounded total by up to n × 0.005 (the audit's
tolerance); beyond that the identity fails and the report names both figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.statements.statements import Statements

ZERO = Decimal(0)
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class Identity:
    name: str
    left: str
    left_value: Decimal
    right: str
    right_value: Decimal
    parts: int

    @property
    def holds(self) -> bool:
        return abs(self.left_value - self.right_value) <= HALF_CENT * max(self.parts, 1)

    def format(self) -> str:
        diff = self.left_value - self.right_value
        return (
            f"{self.name}：{self.left} {self.left_value} ≠ {self.right} {self.right_value}"
            f"（相差 {diff}）"
        )


def _items(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> tuple[Decimal, int]:
    items = [r for r in rows if len(r["code"]) == 7]
    total = sum((r.get(c, ZERO) for r in items for c in columns), ZERO)
    return total, len(items)


def identities(st: Statements, facts: dict[str, Any]) -> list[Identity]:
    """Every identity whose tables were read."""
    found: list[Identity] = []
    printed = {n: t.printed for n, t in st.tables.items()}
    income = facts.get("income", {})
    income_total = sum(income.values(), ZERO)
    if 1 in st.tables and 2 in st.tables:
        total, n = _items(
            facts["income_by_function"], tuple(st.tables[2].columns["income_by_function"])
        )
        found.append(
            Identity(
                "表1 本年收入合计 = 表2 合计",
                "表1 本年收入合计",
                income_total,
                "表2 各项合计",
                total,
                n + len(income),
            )
        )
    if 1 in st.tables and 3 in st.tables and "expenditure_total" in printed[1]:
        total, n = _items(
            facts["expenditure_by_function"], tuple(st.tables[3].columns["expenditure_by_function"])
        )
        found.append(
            Identity(
                "表1 本年支出合计 = 表3 合计",
                "表1 本年支出合计",
                printed[1]["expenditure_total"],
                "表3 各项合计",
                total,
                n + 1,
            )
        )
    if 1 in st.tables and "expenditure_total" in printed[1]:
        left = income_total + facts.get("non_fiscal_surplus_used", ZERO)
        left += facts.get("opening_balance", ZERO)
        right = printed[1]["expenditure_total"] + facts.get("surplus_distribution", ZERO)
        right += facts.get("closing_balance", ZERO)
        found.append(Identity("表1 收入总计 = 支出总计", "收入总计", left, "支出总计", right, 3))
    found += _general_budget(st, facts)
    found += _three_public(st)
    return found


def _general_budget(st: Statements, facts: dict[str, Any]) -> list[Identity]:
    found = []
    rows = facts.get("general_budget_by_function")
    if rows is None:
        return found
    spent, n = _items(rows, ("basic", "project"))
    basic, nb = _items(rows, ("basic",))
    if 4 in st.tables:
        printed = st.tables[4].printed.get("spending:general_budget")
        if printed is None:
            bal = facts.get("fiscal_balances", {})
            printed = facts.get("income", {}).get("general_budget", ZERO)
            printed += bal.get("opening", {}).get("general_budget", ZERO)
            printed -= bal.get("closing", {}).get("general_budget", ZERO)
        found.append(
            Identity(
                "表4 一般公共预算财政拨款支出 = 表5 合计",
                "表4 一般公共预算财政拨款",
                printed,
                "表5 各项合计",
                spent,
                n + 1,
            )
        )
    if 6 in st.tables:
        items = facts["basic_by_economic"]["items"]
        total = sum((i["amount"] for i in items), ZERO)
        found.append(
            Identity(
                "表5 基本支出 = 表6 合计",
                "表5 基本支出",
                basic,
                "表6 各款合计",
                total,
                nb + len(items),
            )
        )
    return found


def _three_public(st: Statements) -> list[Identity]:
    if 7 not in st.tables:
        return []
    p = st.tables[7].printed
    found = []
    for phase, word in (("budget", "预算数"), ("actual", "决算数")):
        parts = [
            p.get(f"{phase}.{k}", ZERO)
            for k in ("abroad", "vehicle_purchase", "vehicle_running", "reception")
        ]
        if f"{phase}.total" in p:
            found.append(
                Identity(
                    f"表7 三公经费{word} 合计 = 各项之和",
                    "合计",
                    p[f"{phase}.total"],
                    "出国 + 购置 + 运行 + 接待",
                    sum(parts, ZERO),
                    4,
                )
            )
        if f"{phase}.vehicles" in p:
            found.append(
                Identity(
                    f"表7 公务用车{word} 小计 = 购置 + 运行",
                    "小计",
                    p[f"{phase}.vehicles"],
                    "购置 + 运行",
                    parts[1] + parts[2],
                    2,
                )
            )
    return found
