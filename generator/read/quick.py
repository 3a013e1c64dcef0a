"""A valid file validated without cerberus: the same normalized document, a tenth of the time.

Cerberus spends about a millisecond and a quarter on a project file (a department with a
thousand projects waits seconds for it). For the subset of rules our schemas use, `validated`
normalizes and checks a document the way cerberus 1.3 does (defaults in schema order after the
fields given, then coercion, then the nested mappings and lists, then the checks), and returns
the normalized copy only when every rule holds. Anything it is not sure of — a value that fails,
None, a rule outside the subset — gives None, and cerberus validates the file as before (and
words its errors). So a document is either cerberus's own result, or cerberus is asked
(tests/test_quick.py compares the two on every data file and on mutated ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence, Sized
from decimal import Decimal
from functools import lru_cache
from typing import Any

RULES = frozenset(
    {"type", "coerce", "required", "default", "empty", "min", "max", "allowed", "regex",
     "schema", "valuesrules"}
)  # fmt: skip
TYPES: dict[str, tuple[type, ...]] = {  # cerberus's types_mapping (and ours, decimal)
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "decimal": (Decimal,),
    "dict": (Mapping,),
    "list": (Sequence,),
}
EXCLUDED: dict[str, tuple[type, ...]] = {"list": (str,)}


class _Unsure(Exception):
    """Let cerberus decide (and say why)."""


def validated(document: Any, schema: Mapping[str, Any], coercers: Any) -> dict | None:
    """The normalized document where it is valid by `schema`; None where cerberus must look.
    `coercers`: the validator whose `_normalize_coerce_<name>` methods the rules name."""
    if not isinstance(document, dict):
        return None
    try:
        return _mapping(document, schema, coercers)
    except _Unsure:
        return None
    except Exception:  # noqa: BLE001 - a coercion refusing a value: cerberus words the error
        return None


def _mapping(document: Mapping, schema: Mapping[str, Any], coercers: Any) -> dict:
    out = dict(document)
    for field in out:
        if field not in schema:
            raise _Unsure(field)  # unknown field
    for field, rules in schema.items():
        if field in out:
            continue
        if "default" in rules:
            out[field] = rules["default"]
        elif rules.get("required") is True:
            raise _Unsure(field)  # missing
    for field in out:
        out[field] = _value(out[field], schema[field], coercers)
    return out


def _value(value: Any, rules: Mapping[str, Any], coercers: Any) -> Any:
    if value is None or not RULES.issuperset(rules) or not isinstance(rules.get("type"), str):
        raise _Unsure(value)
    if "coerce" in rules:
        value = _coercer(coercers, rules["coerce"])(value)
    kind = rules["type"]
    if not isinstance(value, TYPES[kind]) or isinstance(value, EXCLUDED.get(kind, ())):
        raise _Unsure(value)
    value = _inside(value, rules, coercers)
    _check(value, rules)
    return value


def _coercer(coercers: Any, name: Any) -> Any:
    if not isinstance(name, str):
        raise _Unsure(name)
    return getattr(coercers, f"_normalize_coerce_{name}")


def _inside(value: Any, rules: Mapping[str, Any], coercers: Any) -> Any:
    """A mapping's or list's normalized (and checked) copy, as cerberus makes it."""
    if isinstance(value, Mapping):
        if "valuesrules" in rules and "schema" in rules:
            raise _Unsure(value)
        if "valuesrules" in rules:
            item = rules["valuesrules"]
            return {key: _value(x, item, coercers) for key, x in value.items()}
        if "schema" in rules:
            return _mapping(value, rules["schema"], coercers)
        return value
    if isinstance(value, str) or not isinstance(value, Sequence):
        return value
    if "valuesrules" in rules:
        raise _Unsure(value)
    if "schema" in rules:
        return [_value(x, rules["schema"], coercers) for x in value]
    return value


def _check(value: Any, rules: Mapping[str, Any]) -> None:
    """The rules after `type`, in cerberus's way: an empty value allowed skips allowed and
    regex; min and max that cannot compare pass."""
    empty = isinstance(value, Sized) and len(value) == 0
    if empty and "empty" in rules and not rules["empty"]:
        raise _Unsure(value)
    skip = empty and "empty" in rules
    if "allowed" in rules and not skip and not _allowed(value, rules["allowed"]):
        raise _Unsure(value)
    for rule, fails in (("min", _below), ("max", _above)):
        if rule in rules and fails(value, rules[rule]):
            raise _Unsure(value)
    regex = rules.get("regex") if not skip and isinstance(value, str) else None
    if regex is not None and not _pattern(regex).match(value):
        raise _Unsure(value)


def _allowed(value: Any, allowed: Any) -> bool:
    if isinstance(value, Iterable) and not isinstance(value, str):
        return all(x in allowed for x in value)
    return value in allowed


def _below(value: Any, bound: Any) -> bool:
    try:
        return bool(value < bound)
    except TypeError:
        return False


def _above(value: Any, bound: Any) -> bool:
    try:
        return bool(value > bound)
    except TypeError:
        return False


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern if pattern.endswith("$") else pattern + "$")
