"""The dataset's house style, and the printed form of every figure chosen from it.

Declared once in year.yaml (`style:`); every figure the templates and the charts print goes
through one `Style`, so text and charts print the same rounded figure. Left out, each key takes
the plain default: amounts with two decimals, percentages with two decimals, each share rounded on
its own, zero lines shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.model.figures import Change, Share
from generator.present import numbers as fmt

PERCENT_KINDS = ("share", "change", "execution")


@dataclass(frozen=True)
class Style:
    kind: str = "部门"  # 部门决算 / 单位决算
    self_reference: str = ""
    assets_self_reference: str = ""
    amounts: str = "fixed"  # fixed: 35.00; trim: 35
    share: int = 2
    change: int = 2
    execution: int = 2
    fixed: bool = True  # percentages keep trailing zeros (21.00%)
    places: Mapping[str, int] = field(default_factory=dict)
    whole_100: bool = False
    zero_lines: bool = True
    fonts: str = "windows"
    unit: str = "万元"  # the data's unit; documents print 万元

    @property
    def we(self) -> str:
        """How the documents call the department (本部门 / 本单位 / 我局)."""
        return self.self_reference or f"本{self.kind}"

    @property
    def we_assets(self) -> str:
        return self.assets_self_reference or self.we

    @property
    def scale(self) -> Decimal:
        """Divisor from the data's unit to the printed 万元."""
        return Decimal(10000) if self.unit == "元" else Decimal(1)

    def amount(self, value: Decimal | None) -> str:
        """An amount in 万元 as this department prints it (35 / 35.00)."""
        if value is None:
            raise ValueError("缺少金额")
        value = value / self.scale
        return fmt.wan(value) if self.amounts == "trim" else fmt.amount(value)

    def digits(self, kind: str, place: str | None = None) -> int:
        if place and place in self.places:
            return self.places[place]
        return getattr(self, kind) if kind in PERCENT_KINDS else self.share

    def pct(self, value: Decimal | None, kind: str = "share", place: str | None = None) -> str:
        """A ratio as a percentage at this department's precision for the kind of figure."""
        shown = Decimal(0) if value is None else value  # a share of nothing prints as 0%
        return fmt.pct(shown, self.digits(kind, place), keep_zeros=self.fixed)

    def yoy(self, change: Change, place: str | None = None, flat: str = "持平") -> str:
        """'增加158.44万元，增长21%' / '减少…，下降…' / flat wording."""
        if change.direction == "flat":
            return flat
        head = f"{change.verb}{self.amount(change.size)}万元"
        if change.rate is None:
            return head
        return f"{head}，{change.trend}{self.pct(change.rate, 'change', place)}"

    def moved(self, change: Change, flat: str = "持平") -> str:
        if change.direction == "flat":
            return flat
        return f"{change.verb}{self.amount(change.size)}万元"

    def parts(self, shares: Iterable[Share], place: str | None = None) -> list[tuple[Share, str]]:
        """Each share of one whole with its printed percentage (adding to 100% if the style
        says so)."""
        items = list(shares)
        digits = self.digits("share", place)
        values = [s.share for s in items]
        if self.whole_100:
            printed = fmt.pct_parts(values, digits, keep_zeros=self.fixed)
        else:
            printed = [fmt.pct(v, digits, keep_zeros=self.fixed) for v in values]
        return list(zip(items, printed, strict=True))

    def lines(self, shares: Iterable[Share]) -> list[Share]:
        """The kinds a sentence lists: all of them, or the non-zero ones, as the style says."""
        items = list(shares)
        return items if self.zero_lines else [s for s in items if s.amount]


def read_style(year: Mapping[str, Any]) -> Style:
    """The Style declared in year.yaml (validated), with the plain defaults elsewhere."""
    raw = dict(year.get("style") or {})
    percent = dict(raw.pop("percent", None) or {})
    values: dict[str, Any] = {k: v for k, v in raw.items() if v is not None}
    values.update({k: v for k, v in percent.items() if v is not None})
    values["places"] = dict(values.get("places") or {})
    values["unit"] = year.get("unit", "万元")
    return Style(**values)
