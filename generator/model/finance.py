"""Derive the 决算 model from finance.yaml: the standard tables, their totals and comparisons.

Each block of finance.yaml is one standard 部门决算公开表; this module holds the figures of every
table (表1–表9) and everything the text of 第二部分 says about them. Nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model import catalogue as refdata
from generator.model.classified import Classified, classify
from generator.model.economic import Economic, derive_economic
from generator.model.figures import ZERO, Change, Execution, FrozenDict, Share, freeze, total
from generator.model.three_public import ThreePublic, derive_three_public
from generator.present.numbers import ratio
from generator.read.schema import CLASSIFIED_KEYS, FUNDS, INCOME_COLUMNS, SPENDING_COLUMNS

INCOME_LABELS = {
    "general_budget": "一般公共预算财政拨款收入",
    "government_funds": "政府性基金预算财政拨款收入",
    "state_capital": "国有资本经营预算财政拨款收入",
    "superior_subsidy": "上级补助收入",
    "business": "事业收入",
    "operating": "经营收入",
    "subordinate": "附属单位上缴收入",
    "other": "其他收入",
}
SPENDING_LABELS = {
    "basic": "基本支出",
    "project": "项目支出",
    "to_superior": "上缴上级支出",
    "operating": "经营支出",
    "to_subordinate": "对附属单位补助支出",
}
FUND_LABELS = {
    "general_budget": "一般公共预算财政拨款",
    "government_funds": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
}
FUND_TABLE_COLUMNS = ("opening", "income", "basic", "project", "closing")


@dataclass(frozen=True)
class FundTable:
    """政府性基金 or 国有资本经营 by 功能分类 (表8 / 表9)."""

    table: Classified
    previous: Decimal
    reason: str

    @property
    def spending(self) -> Decimal:
        return self.table.sum_of("basic", "project")

    @property
    def change(self) -> Change:
        return Change(self.spending, self.previous)

    @property
    def opening(self) -> Decimal:
        return self.table["opening"]

    @property
    def income(self) -> Decimal:
        return self.table["income"]

    @property
    def closing(self) -> Decimal:
        return self.table["closing"]

    @property
    def any(self) -> bool:
        """Any figure this year, or spending last year (the text then compares)."""
        return any(self.table[c] for c in FUND_TABLE_COLUMNS) or bool(self.previous)

    def shares(self) -> tuple[Share, ...]:
        """本年支出 by 项, as the text lists them."""
        whole = self.spending
        return tuple(
            Share(r.name, r["basic"] + r["project"], whole)
            for r in self.table.items
            if r["basic"] + r["project"]
        )


@dataclass(frozen=True)
class FiscalSummary:
    """表4 财政拨款收入支出决算总表, by fund type."""

    income: Mapping[str, Decimal]
    opening: Mapping[str, Decimal]
    spending: Mapping[str, Decimal]
    closing: Mapping[str, Decimal]

    @property
    def income_total(self) -> Decimal:
        return total(list(self.income.values()))

    @property
    def opening_total(self) -> Decimal:
        return total(list(self.opening.values()))

    @property
    def spending_total(self) -> Decimal:
        return total(list(self.spending.values()))

    @property
    def closing_total(self) -> Decimal:
        return total(list(self.closing.values()))

    @property
    def income_grand(self) -> Decimal:
        return self.income_total + self.opening_total

    @property
    def spending_grand(self) -> Decimal:
        return self.spending_total + self.closing_total


@dataclass(frozen=True)
class Procurement:
    goods: Decimal
    works: Decimal
    services: Decimal
    sme: Decimal
    small_micro: Decimal

    @property
    def total(self) -> Decimal:
        return self.goods + self.works + self.services

    @property
    def parts(self) -> tuple[Share, ...]:
        t = self.total
        return (
            Share("政府采购货物支出", self.goods, t),
            Share("政府采购工程支出", self.works, t),
            Share("政府采购服务支出", self.services, t),
        )

    @property
    def sme_share(self) -> Decimal | None:
        return ratio(self.sme, self.total)

    @property
    def small_micro_share(self) -> Decimal | None:
        return ratio(self.small_micro, self.sme)


@dataclass(frozen=True)
class Assets:
    vehicles: tuple[tuple[str, int], ...]  # by use
    large_equipment: int

    @property
    def vehicle_count(self) -> int:
        return sum(n for _, n in self.vehicles)


@dataclass(frozen=True)
class Finance:
    year: int
    income: tuple[Share, ...]  # 本年收入 by source, all eight
    income_total: Decimal  # 本年收入合计
    non_fiscal_surplus_used: Decimal
    opening_balance: Decimal
    expenditure: tuple[Share, ...]  # 本年支出 by kind, all five (表3 columns)
    expenditure_total: Decimal  # 本年支出合计
    surplus_distribution: Decimal
    closing_balance: Decimal
    income_by_function: Classified  # 表2
    expenditure_by_function: Classified  # 表3
    general: Classified  # 表5
    government_funds: FundTable  # 表8
    state_capital: FundTable  # 表9
    fiscal: FiscalSummary  # 表4
    economic: Economic  # 表6
    three_public: ThreePublic  # 表7
    operating_costs: Change
    procurement: Procurement
    assets: Assets
    previous: Mapping[str, Any]
    reasons: Mapping[str, str]
    definitions: Mapping[str, str]
    names: Mapping[str, str]  # 科目 names given by the data

    # 表1 totals -------------------------------------------------------------------------
    @property
    def income_grand(self) -> Decimal:
        """收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余."""
        return self.income_total + self.non_fiscal_surplus_used + self.opening_balance

    @property
    def expenditure_grand(self) -> Decimal:
        """支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余."""
        return self.expenditure_total + self.surplus_distribution + self.closing_balance

    @property
    def has_balances(self) -> bool:
        return any(
            (
                self.non_fiscal_surplus_used,
                self.opening_balance,
                self.surplus_distribution,
                self.closing_balance,
            )
        )

    @property
    def income_change(self) -> Change:
        return Change(self.income_grand, self.previous["income_total"])

    @property
    def expenditure_change(self) -> Change:
        return Change(self.expenditure_grand, self.previous["expenditure_total"])

    @property
    def totals_equal(self) -> bool:
        """收、支总计 equal this year and last (the text then says 收、支总计均为 / 各)."""
        return (
            self.income_grand == self.expenditure_grand
            and self.previous["income_total"] == self.previous["expenditure_total"]
        )

    @property
    def current_income_change(self) -> Change | None:
        """本年收入合计 against last year's, where the data gives last year's."""
        prev = self.previous.get("income")
        return None if prev is None else Change(self.income_total, prev)

    @property
    def current_expenditure_change(self) -> Change | None:
        prev = self.previous.get("expenditure")
        return None if prev is None else Change(self.expenditure_total, prev)

    def kind(self, key: str) -> Share:
        return next(s for s in self.expenditure if s.label == SPENDING_LABELS[key])

    @property
    def basic(self) -> Share:
        return self.kind("basic")

    @property
    def project(self) -> Share:
        return self.kind("project")

    @property
    def classified_tables(self) -> tuple[Classified, ...]:
        """The tables by 功能分类: 表2, 表3, 表5, 表8, 表9."""
        return (
            self.income_by_function,
            self.expenditure_by_function,
            self.general,
            self.government_funds.table,
            self.state_capital.table,
        )

    # 表4 -------------------------------------------------------------------------------
    @property
    def fiscal_change(self) -> Change:
        return Change(self.fiscal.income_grand, self.previous["fiscal_total"])

    # 表5 -------------------------------------------------------------------------------
    @property
    def general_actual(self) -> Decimal:
        return self.general.sum_of("basic", "project")

    @property
    def general_change(self) -> Change:
        return Change(self.general_actual, self.previous["general_budget"])

    @property
    def general_execution(self) -> Execution:
        return Execution(self.general["budget"], self.general_actual)

    @property
    def general_share(self) -> Decimal | None:
        """一般公共预算财政拨款支出 as a share of 本年支出合计."""
        return ratio(self.general_actual, self.expenditure_total)

    @property
    def general_classes(self) -> tuple[Share, ...]:
        whole = self.general_actual
        return tuple(Share(c.name, c["basic"] + c["project"], whole) for c in self.general.classes)

    @property
    def general_items(self) -> tuple[GeneralItem, ...]:
        return tuple(self._general_item(r) for r in self.general.items)

    @property
    def glossary_items(self) -> tuple[GeneralItem, ...]:
        """Every 项 of the 财政拨款 tables (表5, 表8, 表9), once each, by code."""
        seen: dict[str, GeneralItem] = {}
        for table in (self.general, self.government_funds.table, self.state_capital.table):
            for row in table.items:
                seen.setdefault(row.code, self._general_item(row, table))
        return tuple(seen[c] for c in sorted(seen))

    def _general_item(self, row: Any, table: Classified | None = None) -> GeneralItem:
        table = table or self.general
        klass = table.parent_of(row, 1)
        section = table.parent_of(row, 2)
        return GeneralItem(
            row.code,
            klass.name if klass else "",
            section.name if section else "",
            row.name,
            Execution(row["budget"], row["basic"] + row["project"]),
        )

    @property
    def basic_total(self) -> Decimal:
        """一般公共预算财政拨款基本支出 (表5 基本支出 合计)."""
        return self.general["basic"]


@dataclass(frozen=True)
class GeneralItem:
    code: str
    class_name: str
    section_name: str
    name: str
    execution: Execution

    @property
    def title(self) -> str:
        return f"{self.class_name}（类）{self.section_name}（款）{self.name}（项）"


def derive_finance(fin: Mapping[str, Any], year: int) -> Finance:
    names = _given_names(fin)
    namer = _namer(names, year)
    exp_table = classify(
        "expenditure_by_function", fin["expenditure_by_function"], tuple(SPENDING_COLUMNS), namer
    )
    general = classify(
        "general_budget_by_function",
        fin["general_budget_by_function"],
        ("budget", "basic", "project", "initial"),
        namer,
    )
    prev, reasons = fin["previous"], fin["reasons"]
    funds = _fund_table(fin, "government_funds", namer, prev, reasons)
    capital = _fund_table(fin, "state_capital", namer, prev, reasons)
    income = fin["income"]
    income_total = total([income[k] for k in INCOME_LABELS])
    spend_total = exp_table.sum_of(*SPENDING_COLUMNS)
    return Finance(
        year=year,
        income=tuple(Share(label, income[k], income_total) for k, label in INCOME_LABELS.items()),
        income_total=income_total,
        non_fiscal_surplus_used=fin["non_fiscal_surplus_used"],
        opening_balance=fin["opening_balance"],
        expenditure=tuple(
            Share(label, exp_table[k], spend_total) for k, label in SPENDING_LABELS.items()
        ),
        expenditure_total=spend_total,
        surplus_distribution=fin["surplus_distribution"],
        closing_balance=fin["closing_balance"],
        income_by_function=classify(
            "income_by_function", fin["income_by_function"], tuple(INCOME_COLUMNS), namer
        ),
        expenditure_by_function=exp_table,
        general=general,
        government_funds=funds,
        state_capital=capital,
        fiscal=_fiscal(fin, general, funds, capital),
        economic=derive_economic(fin["basic_by_economic"], year),
        three_public=derive_three_public(fin["three_public"], prev["three_public"], reasons),
        operating_costs=Change(fin["operating_costs"], prev["operating_costs"]),
        procurement=Procurement(**{k: fin["procurement"][k] for k in Procurement.__annotations__}),
        assets=_assets(fin.get("assets") or {}),
        previous=freeze(prev),
        reasons=FrozenDict({k: v or "" for k, v in reasons.items()}),
        definitions=FrozenDict(fin.get("definitions") or {}),
        names=FrozenDict(names),
    )


def _given_names(fin: Mapping[str, Any]) -> dict[str, str]:
    """科目 names the data gives (`name:` on any classified row); the first one wins (the audit
    reports a code named two ways)."""
    names: dict[str, str] = {}
    for key in CLASSIFIED_KEYS:
        for row in fin.get(key) or []:
            if row.get("name"):
                names.setdefault(row["code"], row["name"])
    return names


def _namer(given: Mapping[str, str], year: int):  # noqa: ANN202 - a small closure
    def name(code: str) -> str:
        return given.get(code) or refdata.functional_name(code, year) or ""

    return name


def _fund_table(
    fin: Mapping[str, Any], kind: str, namer: Any, prev: Mapping, reasons: Mapping
) -> FundTable:
    rows = [_with_closing(r) for r in fin[f"{kind}_by_function"]]
    table = classify(f"{kind}_by_function", rows, FUND_TABLE_COLUMNS, namer)
    return FundTable(table, prev.get(kind) or ZERO, reasons.get(kind) or "")


def _with_closing(row: Mapping[str, Any]) -> dict[str, Any]:
    """年末结转和结余 = 年初 + 本年收入 − 本年支出, unless the statement's figure is given."""
    out = dict(row)
    if out.get("closing") is None and len(out["code"]) == 7:
        z = ZERO
        out["closing"] = (
            (out.get("opening") or z)
            + (out.get("income") or z)
            - (out.get("basic") or z)
            - (out.get("project") or z)
        )
    return out


def _fiscal(
    fin: Mapping[str, Any], general: Classified, funds: FundTable, capital: FundTable
) -> FiscalSummary:
    balances = fin.get("fiscal_balances") or {}
    opening = balances.get("opening") or {}
    closing = balances.get("closing") or {}
    return FiscalSummary(
        income=FrozenDict({k: fin["income"][k] for k in FUNDS}),
        opening=FrozenDict({k: opening.get(k, ZERO) for k in FUNDS}),
        spending=FrozenDict(
            {
                "general_budget": general.sum_of("basic", "project"),
                "government_funds": funds.spending,
                "state_capital": capital.spending,
            }
        ),
        closing=FrozenDict({k: closing.get(k, ZERO) for k in FUNDS}),
    )


def _assets(raw: Mapping[str, Any]) -> Assets:
    return Assets(tuple((raw.get("vehicles") or {}).items()), raw.get("large_equipment", 0))
