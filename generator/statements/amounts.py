"""Amounts as the statements hold them: numbers (floats from Excel), blanks, numeric text.

Everything becomes Decimal at once (a float through its shortest repr, so 520.89 stays 520.89),
is rounded to the cent of the sheet's unit, and is converted once to the dataset's unit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from generator.statements.grid import Raw

CENT = Decimal("0.01")
UNITS = {"元": Decimal(1), "万元": Decimal(10000)}
NUMERIC_TEXT = re.compile(r"^[-+]?[\d,，]*\.?\d+$")
BLANKS = {"", "-", "—", "－", "--"}


class NotAnAmount(ValueError):
    """The cell holds text where an amount belongs."""

    def __init__(self, found: str):
        super().__init__(found)
        self.found = found


def parse_amount(raw: Raw) -> Decimal:
    """The cell's amount in the sheet's unit; a blank cell is 0. Raises NotAnAmount."""
    if raw is None:
        return Decimal(0)
    if isinstance(raw, bool):
        raise NotAnAmount(str(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise NotAnAmount(repr(raw))
        return Decimal(repr(raw))
    text = str(raw).strip().replace("\u3000", "")
    if text in BLANKS:
        return Decimal(0)
    if not NUMERIC_TEXT.match(text):
        raise NotAnAmount(text)
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation as exc:
        raise NotAnAmount(text) from exc


def convert(amount: Decimal, sheet_unit: str, dataset_unit: str) -> Decimal:
    """From the sheet's unit to the dataset's, rounded once to the cent (half up)."""
    in_sheet = amount.quantize(CENT, ROUND_HALF_UP)
    if sheet_unit == dataset_unit:
        return in_sheet
    factor = UNITS[sheet_unit] / UNITS[dataset_unit]
    return (in_sheet * factor).quantize(CENT, ROUND_HALF_UP)


def plain(amount: Decimal) -> str:
    """An amount as the YAML files write it: 35, 44.2, 912.26."""
    text = format(amount.quantize(CENT), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
