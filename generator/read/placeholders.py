"""Placeholders of lenient reading (drafting): the registry of missing values, their stand-ins.

Every invalid or missing value of the data gets an id of the registry; amounts become
`Missing` (a quiet-NaN Decimal that spreads through arithmetic and prints as a marker), counts
`MissingInt`, texts a marker string `⟦12⟧`. The HTML converter turns markers into highlighted
【待填：字段】 boxes.
"""

from __future__ import annotations

import decimal
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

MARKER = re.compile(r"⟦([0-9]+(?:,[0-9]+)*)⟧")


@dataclass(frozen=True)
class Placeholder:
    """One value that is missing or invalid: where it is and why."""

    id: int
    file: str
    line: int
    field: str
    message: str


class Registry:
    """Placeholder ids, stable by (file, field) so that the page keeps its anchors."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        self._items: dict[int, Placeholder] = {}
        self._lock = threading.Lock()

    def add(self, file: str, line: int, field_: str, message: str) -> int:
        with self._lock:
            key = (file, field_)
            pid = self._ids.setdefault(key, len(self._ids) + 1)
            self._items[pid] = Placeholder(pid, file, line, field_, message)
            return pid

    def get(self, pid: int) -> Placeholder | None:
        return self._items.get(pid)

    def all(self) -> list[Placeholder]:
        with self._lock:
            return list(self._items.values())


def token(ids: Iterable[int]) -> str:
    return "⟦" + ",".join(str(i) for i in ids) + "⟧"


def marker_ids(text: str) -> list[int]:
    """Every placeholder id named by the markers in `text`, in order, without repeats."""
    out: list[int] = []
    for match in MARKER.finditer(text):
        for part in match.group(1).split(","):
            if int(part) not in out:
                out.append(int(part))
    return out


def _ids_of(*values: Any) -> tuple[int, ...]:
    out: list[int] = []
    for v in values:
        for i in getattr(v, "ids", ()):
            if i not in out:
                out.append(i)
    return tuple(out)


class _Unknown:
    """What `Missing` and `MissingInt` share: equal only to themselves, printed as a marker."""

    __slots__ = ()
    ids: tuple[int, ...]

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    # An unknown figure compares as larger than any other: "增加【待填】万元" shows the
    # placeholder where a "持平" (no change) would hide it.
    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True

    __le__, __ge__ = __lt__, __gt__
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        return True

    def __format__(self, spec: str) -> str:
        return token(self.ids)

    def __str__(self) -> str:
        return token(self.ids)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.ids!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.ids,))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: Any) -> Self:
        return self


class Missing(_Unknown, Decimal):
    """A missing or invalid amount: a quiet NaN that keeps the ids of the values it came from.

    Arithmetic with it gives another `Missing` (Python tries a subclass's reflected method
    first, so `Decimal + Missing` lands here too); comparisons never raise; printing gives
    the marker of its placeholders.
    """

    __slots__ = ("ids",)
    ids: tuple[int, ...]

    def __new__(cls, ids: Iterable[int] = ()) -> Missing:
        self = super().__new__(cls, "NaN")
        self.ids = tuple(ids)
        return self

    def _spread(self, *other: Any) -> Missing:
        return Missing(_ids_of(self, *other))

    __add__ = __radd__ = __sub__ = __rsub__ = _spread
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _spread
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = _spread

    def _same(self, *_: Any, **__: Any) -> Missing:
        return self

    __neg__ = __pos__ = __abs__ = __round__ = copy_abs = copy_negate = _same
    quantize = normalize = to_integral = to_integral_value = sqrt = _same
    to_eng_string = _Unknown.__str__


class MissingInt(_Unknown, int):
    """A missing or invalid count: zero for arithmetic, a marker when printed."""

    ids: tuple[int, ...]

    def __new__(cls, ids: Iterable[int] = ()) -> MissingInt:
        self = super().__new__(cls, 0)
        self.ids = tuple(ids)
        return self

    def _spread(self, *other: Any) -> Any:
        if any(isinstance(o, Decimal) for o in other):
            return Missing(_ids_of(self, *other))
        return MissingInt(_ids_of(self, *other))

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _spread
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _spread

    def __truediv__(self, other: Any) -> Missing:
        return Missing(_ids_of(self, other))

    __rtruediv__ = __truediv__

    def __neg__(self) -> MissingInt:
        return self

    __pos__ = __abs__ = __neg__


def placeholders_in(value: Any, depth: int = 0) -> list[int]:
    """Placeholder ids anywhere in `value` (numbers, marker texts, containers, dataclasses)."""
    found: list[int] = []
    _collect(value, found, depth)
    return found


def _collect(value: Any, found: list[int], depth: int) -> None:
    if depth > 12:
        return
    if isinstance(value, (Missing, MissingInt)):
        found.extend(i for i in value.ids if i not in found)
    elif isinstance(value, str):
        found.extend(i for i in marker_ids(value) if i not in found)
    elif isinstance(value, dict):
        for k, v in value.items():
            _collect(k, found, depth + 1)
            _collect(v, found, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            _collect(v, found, depth + 1)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _collect(getattr(value, name, None), found, depth + 1)


@contextmanager
def lenient_decimals() -> Iterator[None]:
    """Decimal arithmetic where NaN does not raise (comparisons, quantize) in this thread."""
    with decimal.localcontext() as ctx:
        ctx.traps[decimal.InvalidOperation] = False
        yield
