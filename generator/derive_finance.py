"""Derive the disclosure's figures (第一、二部分) from the validated finance data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator import refdata
from generator.figures import Change, Execution, Share, freeze, shares, total
from generator.fmt import ratio
from generator.schema import VEHICLE_TYPES


@dataclass(frozen=True)
class FunctionalItem:
    code: str
    class_name: str
    section_name: str
    name: str
    execution: Execution
    definition: str

    @property
    def title(self) -> str:
        return f"{self.class_name}（类）{self.section_name}（款）{self.name}（项）"


@dataclass(frozen=True)
class FunctionalClass:
    code: str
    name: str
    amount: Decimal
    items_sum: Decimal
    share: Share


@dataclass(frozen=True)
class EconomicPart:
    total: Decimal
    items: tuple[Share, ...]

    @property
    def items_sum(self) -> Decimal:
        return total([i.amount for i in self.items])


@dataclass(frozen=True)
class ThreePublicItem:
    budget: Decimal
    actual: Decimal
    previous: Decimal
    share: Share

    @property
    def execution(self) -> Execution:
        return Execution(self.budget, self.actual)

    @property
    def change(self) -> Change:
        return Change(self.actual, self.previous)


@dataclass(frozen=True)
class ThreePublic:
    abroad: ThreePublicItem
    vehicle: ThreePublicItem
    vehicle_purchase: ThreePublicItem
    vehicle_running: ThreePublicItem
    reception: ThreePublicItem
    budget_reason: str
    change_reason: str
    vehicles_bought: tuple[tuple[str, int, Decimal], ...]
    vehicles_held: tuple[tuple[str, int], ...]
    domestic: Mapping[str, Any]
    foreign: Mapping[str, Any]
    purpose: str
    details: str

    @property
    def execution(self) -> Execution:
        parts = (self.abroad, self.vehicle, self.reception)
        return Execution(total([p.budget for p in parts]), total([p.actual for p in parts]))

    @property
    def change(self) -> Change:
        parts = (self.abroad, self.vehicle, self.reception)
        return Change(total([p.actual for p in parts]), total([p.previous for p in parts]))

    @property
    def shares(self) -> tuple[Share, ...]:
        """The three parts of 三公 as the text and chart 图7 list them."""
        return (self.abroad.share, self.vehicle.share, self.reception.share)

    @property
    def vehicles_bought_count(self) -> int:
        return sum(c for _, c, _ in self.vehicles_bought)

    @property
    def vehicles_held_count(self) -> int:
        return sum(c for _, c in self.vehicles_held)


@dataclass(frozen=True)
class Finance:
    income_total: Decimal
    income: tuple[Share, ...]
    expenditure_total: Decimal
    basic: Share
    project: Share
    other: Share
    total_change: Change
    fiscal_change: Change
    general_change: Change
    change_reason: str
    functional_items: tuple[FunctionalItem, ...]
    functional_classes: tuple[FunctionalClass, ...]
    functional: Execution
    personnel: EconomicPart
    public: EconomicPart
    three_public: ThreePublic
    government_funds: Decimal
    state_capital: Decimal
    operating_costs: Change
    operating_costs_reason: str
    procurement: Decimal
    large_equipment: int

    @property
    def spending(self) -> tuple[Share, ...]:
        """本年支出 by kind: 基本支出, 项目支出, and 其他支出 where there is any."""
        return (self.basic, self.project) + ((self.other,) if self.other.amount else ())

    @property
    def general_share(self) -> Decimal | None:
        """一般公共预算财政拨款支出 as a share of 本年支出合计."""
        return ratio(self.general_change.current, self.expenditure_total)

    @property
    def basic_total(self) -> Decimal:
        """基本支出 as reported (the expenditure table's figure)."""
        return self.basic.amount


def derive_finance(fin: dict[str, Any]) -> Finance:
    exp = fin["expenditure"]
    spend = total([exp["basic"], exp["project"], exp["other"]])
    income = shares([(i["source"], i["amount"]) for i in fin["income"]])
    items = tuple(_functional_item(row) for row in fin["functional"])
    general = total([i.execution.actual for i in items])
    prev = fin["previous"]
    ops = fin["operating_costs"]
    return Finance(
        income_total=total([s.amount for s in income]),
        income=income,
        expenditure_total=spend,
        basic=Share("基本支出", exp["basic"], spend),
        project=Share("项目支出", exp["project"], spend),
        other=Share("其他支出", exp["other"], spend),
        total_change=Change(spend, prev["total"]),
        fiscal_change=Change(_fiscal_income(fin), prev["fiscal_total"]),
        general_change=Change(general, prev["general_budget"]),
        change_reason=fin["change_reason"],
        functional_items=items,
        functional_classes=_classes(items, general, fin["functional_classes"]),
        functional=Execution(total([i.execution.budget for i in items]), general),
        personnel=_economic(fin["basic"]["personnel"]),
        public=_economic(fin["basic"]["public"]),
        three_public=_three_public(fin["three_public"]),
        government_funds=fin["government_funds"],
        state_capital=fin["state_capital"],
        operating_costs=Change(ops["amount"], ops["previous"]),
        operating_costs_reason=ops["reason"],
        procurement=total(list(fin["procurement"].values())),
        large_equipment=fin["assets"]["large_equipment"],
    )


def _fiscal_income(fin: dict[str, Any]) -> Decimal:
    """财政拨款收入: the income sources that are 财政拨款."""
    return total([i["amount"] for i in fin["income"] if "财政拨款" in i["source"]])


def _functional_item(row: dict[str, Any]) -> FunctionalItem:
    code = row["code"]
    names = refdata.item_names(code)
    if names is None:  # the audit reports unknown codes; keep the code visible
        names = (f"科目{code[:3]}", f"科目{code[:5]}", f"科目{code}")
    definition = refdata.classification()["items"].get(code, {}).get("definition", "")
    return FunctionalItem(code, *names, Execution(row["budget"], row["actual"]), definition)


def _classes(
    items: tuple[FunctionalItem, ...], whole: Decimal, reported: list[dict[str, Any]]
) -> tuple[FunctionalClass, ...]:
    """类 totals: as the statement reports them where given, else the sum of their 项."""
    stated = {row["code"]: row["actual"] for row in reported}
    order: dict[str, list[FunctionalItem]] = {}
    for item in items:
        order.setdefault(item.code[:3], []).append(item)
    out = []
    for code, members in order.items():
        summed = total([m.execution.actual for m in members])
        amount = stated.get(code, summed)
        name = members[0].class_name
        out.append(FunctionalClass(code, name, amount, summed, Share(name, amount, whole)))
    return tuple(out)


def _economic(part: dict[str, Any]) -> EconomicPart:
    items = tuple(Share(i["name"], i["amount"], part["total"]) for i in part["items"])
    return EconomicPart(part["total"], items)


def _three_public(tp: dict[str, Any]) -> ThreePublic:
    b, p = tp["budget"], tp["previous"]
    rec = tp["reception"]
    bought = tuple(
        (kind, v.get("count", 0), v.get("amount", Decimal(0)))
        for kind in VEHICLE_TYPES
        if (v := tp["vehicles_bought"].get(kind, {})) is not None
    )
    a = {  # 购置费 and 接待费 are the sums of their breakdowns, not typed twice
        **tp["actual"],
        "vehicle_purchase": total([amount for _, _, amount in bought]),
        "reception": rec["domestic"]["amount"] + rec["foreign"]["amount"],
    }
    whole = total(list(a.values()))

    def item(label: str, *keys: str) -> ThreePublicItem:
        amount = total([a[k] for k in keys])
        return ThreePublicItem(
            total([b[k] for k in keys]),
            amount,
            total([p[k] for k in keys]),
            Share(label, amount, whole),
        )

    return ThreePublic(
        abroad=item("因公出国（境）费", "abroad"),
        vehicle=item("公务用车购置及运行维护费", "vehicle_purchase", "vehicle_running"),
        vehicle_purchase=item("公务用车购置费", "vehicle_purchase"),
        vehicle_running=item("公务用车运行维护费", "vehicle_running"),
        reception=item("公务接待费", "reception"),
        budget_reason=tp["budget_reason"],
        change_reason=tp["change_reason"],
        vehicles_bought=bought,
        vehicles_held=tuple(tp["vehicles_held"].items()),
        domestic=freeze(rec["domestic"]),
        foreign=freeze(rec["foreign"]),
        purpose=rec["purpose"],
        details=rec["details"],
    )
