"""Chart data and number formatting: pure Decimal, no matplotlib.

Amounts are ``Decimal`` values (万元 by default); shares are computed with ``Decimal`` too and
printed the way the text prints them (generator.present.numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.present import numbers as fmt

__all__ = [
    "Slice",
    "format_amount",
    "format_share",
    "format_shares",
    "pie_legend_labels",
]


@dataclass(frozen=True)
class Slice:
    """A part of a whole; `amount_text` and `share_text` are the figures as the text prints
    them (the presentation layer's), used instead of formatting here when given."""

    label: str
    value: Decimal
    amount_text: str = ""
    share_text: str = ""


def _to_decimal(value: Any) -> Decimal:
    """Coerce an amount to a finite Decimal (floats go through str to avoid binary noise)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"图表数值无效：{value!r}")
    return number


def format_amount(value: Decimal) -> str:
    """Amount rounded to 0.01 with trailing zeros dropped: 912.26, 44.2, 35 (as the text)."""
    return fmt.wan(_to_decimal(value))


def format_share(value: Decimal, total: Decimal) -> str:
    """One part's percentage of total, one decimal, in Decimal: 686.2 / 912.26 -> 75.2%."""
    return fmt.pct(fmt.ratio(_to_decimal(value), _to_decimal(total)), 1, none="0%")


def format_shares(values: Sequence[Decimal], total: Decimal) -> list[str]:
    """All parts of a whole as the text prints them: adding up to 100% (fmt.pct_parts)."""
    ratios = [fmt.ratio(_to_decimal(v), _to_decimal(total)) for v in values]
    return [p if p != "0" else "0%" for p in fmt.pct_parts(ratios, 1)]


def _slice_values(slices: Sequence[Slice]) -> list[Decimal]:
    values = [_to_decimal(s.value) for s in slices]
    for item, value in zip(slices, values, strict=True):
        if value < 0:
            raise ValueError(f"饼图数值不能为负：{item.label} {value}")
    return values


def pie_legend_labels(slices: Sequence[Slice], unit: str = "万元") -> list[str]:
    """Legend entries of a pie, one per slice (zero slices included): '基本支出 686.2万元 75.2%'."""
    values = _slice_values(slices)
    total = sum(values, Decimal(0))
    shares = format_shares(values, total)
    return [
        f"{s.label} {s.amount_text or format_amount(v)}{unit} {s.share_text or share}"
        for s, v, share in zip(slices, values, shares, strict=True)
    ]
