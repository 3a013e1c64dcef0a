"""Formatting of figures for print. Rounding happens here and nowhere else."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def strip_zeros(text: str) -> str:
    """'912.60' -> '912.6', '35.00' -> '35'."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def wan(value: Decimal | None, places: int = 2) -> str:
    """An amount in 万元 for print: rounded to `places`, trailing zeros dropped."""
    if value is None:
        raise ValueError("缺少金额")
    return strip_zeros(f"{quantize(value, places):f}")


def amount(value: Decimal | None, places: int = 2) -> str:
    """An amount with fixed decimals (tables that print 0.00)."""
    if value is None:
        raise ValueError("缺少金额")
    return f"{quantize(value, places):f}"


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole, or None when whole is zero (never divide by zero)."""
    if not whole:
        return None
    return part / whole


def pct(value: Decimal | None, places: int = 1, keep_zeros: bool = False, none: str = "0") -> str:
    """A ratio as a percentage: 0.2102 -> '21%' (places=0), '75.2%' (1), '91.20%' (2, keep)."""
    if value is None:
        return none
    text = f"{quantize(value * HUNDRED, places):f}"
    return (text if keep_zeros else strip_zeros(text)) + "%"


def score(value: Decimal) -> str:
    """A score: two decimals at most, trailing zeros dropped (6.67, 94, 5.47)."""
    return strip_zeros(f"{quantize(value, 2):f}")


CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals: 1 一, 10 十, 12 十二, 20 二十, 23 二十三."""
    if not 0 < n < 100:
        raise ValueError(f"序号超出范围：{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


def pct_parts(values: list[Decimal | None], places: int = 1, keep_zeros: bool = False) -> list[str]:
    """Shares of one whole as percentages that add up to exactly 100%.

    Each share is rounded half-up; what the rounding loses or gains is given to the largest
    share, as the published statements do (78.0 + 4.8 + … = 99.9 prints the largest as 78.1).
    """
    known = [v for v in values if v is not None]
    if not known or sum(known) == 0:
        return [pct(v or Decimal(0), places, keep_zeros) for v in values]
    step = Decimal(1).scaleb(-places)
    rounded = [quantize(v * HUNDRED, places) if v is not None else None for v in values]
    residue = HUNDRED - sum(r for r in rounded if r is not None)
    if abs(residue) <= step * len(known):
        biggest = max(range(len(values)), key=lambda i: values[i] or Decimal(-1))
        rounded[biggest] = rounded[biggest] + residue  # type: ignore[operator]
    zero = Decimal(0).quantize(step)
    return [_show_pct(zero if r is None else r, keep_zeros) for r in rounded]


def _show_pct(value: Decimal, keep_zeros: bool) -> str:
    text = f"{value:f}"
    return (text if keep_zeros else strip_zeros(text)) + "%"
