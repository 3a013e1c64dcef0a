"""表7 财政拨款"三公"经费支出决算表 and what the text of 第二部分 七 says about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model.figures import Change, Execution, Share, freeze, total


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
    reasons: Mapping[str, str]  # abroad / vehicle / reception: why each part moved
    vehicles_bought: tuple[tuple[str, int, Decimal], ...]  # by type: count, amount
    vehicles_held: tuple[tuple[str, int], ...]  # by type
    domestic: Mapping[str, Any]
    foreign: Mapping[str, Any]
    purpose: str
    details: str

    @property
    def parts(self) -> tuple[ThreePublicItem, ...]:
        return (self.abroad, self.vehicle, self.reception)

    @property
    def execution(self) -> Execution:
        return Execution(
            total([p.budget for p in self.parts]), total([p.actual for p in self.parts])
        )

    @property
    def change(self) -> Change:
        return Change(
            total([p.actual for p in self.parts]), total([p.previous for p in self.parts])
        )

    @property
    def shares(self) -> tuple[Share, ...]:
        """The three parts of 三公 as the text and chart 图7 list them."""
        return tuple(p.share for p in self.parts)

    @property
    def vehicles_bought_count(self) -> int:
        return sum(c for _, c, _ in self.vehicles_bought)

    @property
    def vehicles_held_count(self) -> int:
        return sum(c for _, c in self.vehicles_held)


def derive_three_public(
    tp: Mapping[str, Any], previous: Mapping[str, Decimal], reasons: Mapping[str, str]
) -> ThreePublic:
    b, p = tp["budget"], previous
    rec = tp["reception"]
    bought = tuple(
        (kind, v.get("count", 0), v.get("amount", Decimal(0)))
        for kind, v in (tp.get("vehicles_bought") or {}).items()
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
        budget_reason=tp.get("budget_reason") or "",
        change_reason=reasons.get("three_public") or "",
        reasons=freeze({k: reasons.get(k) or "" for k in ("abroad", "vehicle", "reception")}),
        vehicles_bought=bought,
        vehicles_held=tuple((tp.get("vehicles_held") or {}).items()),
        domestic=freeze(rec["domestic"]),
        foreign=freeze(rec["foreign"]),
        purpose=rec.get("purpose") or "",
        details=rec.get("details") or "",
    )
