"""Small immutable figures the derive layer builds and the templates read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.present.numbers import ratio

ZERO = Decimal(0)


@dataclass(frozen=True)
class Change:
    """A year-on-year comparison: current against previous."""

    current: Decimal
    previous: Decimal

    @property
    def diff(self) -> Decimal:
        return self.current - self.previous

    @property
    def size(self) -> Decimal:
        return abs(self.diff)

    @property
    def rate(self) -> Decimal | None:
        """Relative change (of the previous figure), None when there was nothing before."""
        r = ratio(self.size, self.previous)
        return r

    @property
    def direction(self) -> str:
        return "up" if self.diff > 0 else "down" if self.diff < 0 else "flat"

    @property
    def verb(self) -> str:
        """增加 / 减少 / 持平."""
        return {"up": "增加", "down": "减少", "flat": "持平"}[self.direction]

    @property
    def trend(self) -> str:
        """增长 / 下降 / 持平."""
        return {"up": "增长", "down": "下降", "flat": "持平"}[self.direction]


@dataclass(frozen=True)
class Share:
    """A named part of a whole."""

    label: str
    amount: Decimal
    whole: Decimal

    @property
    def share(self) -> Decimal | None:
        return ratio(self.amount, self.whole)


@dataclass(frozen=True)
class Execution:
    """A budget and what was spent of it."""

    budget: Decimal
    actual: Decimal

    @property
    def rate(self) -> Decimal | None:
        """执行率 / 完成预算的比例; None for a zero budget."""
        return ratio(self.actual, self.budget)

    @property
    def balance(self) -> Decimal:
        """结余 (never negative)."""
        return max(self.budget - self.actual, ZERO)

    @property
    def balance_rate(self) -> Decimal | None:
        return ratio(self.balance, self.budget)


def shares(items: list[tuple[str, Decimal]], whole: Decimal | None = None) -> tuple[Share, ...]:
    total = sum((amount for _, amount in items), ZERO) if whole is None else whole
    return tuple(Share(label, amount, total) for label, amount in items)


def total(values: list[Decimal] | tuple[Decimal, ...]) -> Decimal:
    return sum(values, ZERO)


class FrozenDict(dict):
    """A dict that refuses changes (picklable, unlike MappingProxyType, for worker processes)."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> None:
        raise TypeError("derived data is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: str(kv[0]))))


def freeze(value: Any) -> Any:
    """A read-only copy of validated data: mappings become FrozenDict, lists tuples."""
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value
