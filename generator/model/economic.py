"""表6 一般公共预算财政拨款基本支出决算表: 基本支出 by 经济分类, as 人员经费 and 公用经费."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model import catalogue as refdata
from generator.model.figures import ZERO, Share, total


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
    items_sum: Decimal
    index: int = -1  # 0-based position of its stated row in the data, -1 if derived
    parts: int = 0


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
    """表6 from its rows: 款 (5 digits) are the items; a 类 row (3 digits) states the class as
    the statement prints it (its name, or its figure where rounding moved it)."""
    personnel_classes = refdata.personnel_classes(year)
    stated = {row["code"]: (i, row) for i, row in enumerate(raw["items"]) if len(row["code"]) == 3}
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
        _classes(ordered, year, stated),
    )


def _item(index: int, row: Mapping[str, Any], year: int) -> EconomicItem:
    name = row.get("name") or refdata.economic_name(row["code"], year) or ""
    return EconomicItem(row["code"], name, row["amount"], index)


def _classes(
    items: tuple[EconomicItem, ...], year: int, stated: Mapping[str, tuple[int, Any]]
) -> tuple[EconomicClass, ...]:
    codes = sorted({i.klass for i in items} | set(stated))
    out = []
    for c in codes:
        members = [i for i in items if i.klass == c]
        summed = sum((i.amount for i in members), ZERO)
        index, row = stated.get(c, (-1, {}))
        name = row.get("name") or refdata.economic_name(c, year) or ""
        amount = row.get("amount", summed) if row else summed
        out.append(EconomicClass(c, name, amount, summed, index, len(members)))
    return tuple(out)
