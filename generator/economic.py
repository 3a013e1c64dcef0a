"""表6 一般公共预算财政拨款基本支出决算表: 基本支出 by 经济分类, as 人员经费 and 公用经费."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator import refdata
from generator.figures import ZERO, Share, total


@dataclass(frozen=True)
class EconomicItem:
    code: str
    name: str
    amount: Decimal
    index: int  # 0-based position in the data

    @property
    def label(self) -> str:
        return self.name

    @property
    def klass(self) -> str:
        return self.code[:3]


@dataclass(frozen=True)
class EconomicPart:
    """人员经费 or 公用经费: its items and its total (as the statement reports it, if given)."""

    label: str
    items: tuple[EconomicItem, ...]
    reported: Decimal | None

    @property
    def items_sum(self) -> Decimal:
        return total([i.amount for i in self.items])

    @property
    def total(self) -> Decimal:
        return self.items_sum if self.reported is None else self.reported

    def shares(self) -> tuple[Share, ...]:
        return tuple(Share(i.name, i.amount, self.total) for i in self.items)


@dataclass(frozen=True)
class EconomicClass:
    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class Economic:
    personnel: EconomicPart
    public: EconomicPart
    classes: tuple[EconomicClass, ...]

    @property
    def total(self) -> Decimal:
        return self.personnel.total + self.public.total

    @property
    def items(self) -> tuple[EconomicItem, ...]:
        return tuple(sorted(self.personnel.items + self.public.items, key=lambda i: i.code))


def derive_economic(raw: Mapping[str, Any], year: int) -> Economic:
    personnel_classes = refdata.personnel_classes(year)
    items = tuple(
        _item(i, row, year) for i, row in enumerate(raw["items"]) if len(row["code"]) == 5
    )
    reported = raw.get("reported") or {}
    ordered = tuple(sorted(items, key=lambda i: i.code))
    personnel = tuple(i for i in ordered if i.klass in personnel_classes)
    public = tuple(i for i in ordered if i.klass not in personnel_classes)
    return Economic(
        EconomicPart("人员经费", personnel, reported.get("personnel")),
        EconomicPart("公用经费", public, reported.get("public")),
        _classes(ordered, year),
    )


def _item(index: int, row: Mapping[str, Any], year: int) -> EconomicItem:
    name = row.get("name") or refdata.economic_name(row["code"], year) or ""
    return EconomicItem(row["code"], name, row["amount"], index)


def _classes(items: tuple[EconomicItem, ...], year: int) -> tuple[EconomicClass, ...]:
    codes = sorted({i.klass for i in items})
    return tuple(
        EconomicClass(
            c,
            refdata.economic_name(c, year) or "",
            sum((i.amount for i in items if i.klass == c), ZERO),
        )
        for c in codes
    )
