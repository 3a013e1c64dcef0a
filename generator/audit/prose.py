"""Amounts written in prose: find them, and the figures of the data they should match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from generator.model.quotes import finance_names, funds_names

AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元)")


def amounts_in(text: str) -> Iterator[tuple[Decimal, str]]:
    for match in AMOUNT.finditer(text):
        yield Decimal(match.group(1)), match.group(2)


def _decimals(node: Any) -> Iterator[Decimal]:
    if isinstance(node, Decimal):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _decimals(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _decimals(value)


def figure_pool(data: Any, report: Any) -> dict[str, set[Decimal]]:
    """Every amount the data holds or implies, in 万元 and in 元 (normalized)."""
    values: set[Decimal] = set()
    for doc in [*data.files.values(), *data.projects]:
        values.update(_decimals(doc.content))
    values.update(_derived(report))
    wan = {v.normalize() for v in values}
    yuan = {(v * 10000).normalize() for v in values} | wan
    return {"万元": wan, "元": yuan}


def _derived(report: Any) -> Iterable[Decimal]:
    """The figures texts may quote by name, and the changes and 类 totals the text prints."""
    f = report.finance
    ev = report.evaluation
    named = [finance_names(f)] + ([funds_names(ev.funds)] if ev is not None else [])
    named += [funds_names(p.funds) for p in report.projects]
    for names in named:
        yield from (v for v in names.values() if isinstance(v, Decimal))
    changes = [f.income_change, f.fiscal_change, f.general_change, f.operating_costs]
    changes += [f.three_public.change, f.three_public.reception.change]
    changes += [f.government_funds.change, f.state_capital.change]
    changes += [ev.spending_change] if ev is not None else []
    yield from (c.size for c in changes)
    yield f.general_execution.budget
    yield from (c.amount for c in f.general_classes)
    yield f.income_grand
    yield f.procurement.total


def nearest(value: Decimal, pool: set[Decimal]) -> Decimal | None:
    if not pool:
        return None
    return min(pool, key=lambda v: (abs(v - value), v))
