"""finance.yaml updated in place with a round-trip YAML library: comments, order, quoting and
every field the statements do not hold (texts, previous-year figures, procurement …) are kept;
a value equal to the imported one is left as written, so re-importing changes nothing.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from generator.read.schema import CLASSIFIED_KEYS
from generator.statements.amounts import plain

ZERO = Decimal(0)
ORDER = (
    "income",
    "non_fiscal_surplus_used",
    "opening_balance",
    "surplus_distribution",
    "closing_balance",
    "income_by_function",
    "expenditure_by_function",
    "fiscal_balances",
    "general_budget_by_function",
    "basic_by_economic",
    "three_public",
    "government_funds_by_function",
    "state_capital_by_function",
    "operating_costs",
    "procurement",
    "assets",
    "previous",
    "reasons",
)
LISTS = CLASSIFIED_KEYS
SCALARS = ("non_fiscal_surplus_used", "opening_balance", "surplus_distribution", "closing_balance")
HEADER = "# 决算 figures, imported from the statements (generator import).\n"


def yaml_rt() -> YAML:
    """The round-trip YAML reader/writer, set up to reproduce this project's files byte for
    byte (2-space mappings, sequences indented under their key, no line wrapping)."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(Decimal, _represent_decimal)
    return y


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = plain(value)
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


def load(text: str) -> CommentedMap:
    doc = yaml_rt().load(text) if text.strip() else None
    return doc if isinstance(doc, CommentedMap) else CommentedMap()


def dump(doc: CommentedMap) -> str:
    out = io.StringIO()
    yaml_rt().dump(doc, out)
    return out.getvalue()


def as_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


class Merger:
    """Applies imported facts to a loaded finance.yaml and counts what changed."""

    def __init__(self, doc: CommentedMap):
        self.doc = doc
        self.changes: list[str] = []

    def set(self, mapping: CommentedMap, key: str, value: Decimal, where: str) -> None:
        old = as_decimal(mapping.get(key)) if key in mapping else None
        if old is not None and old == value:
            return
        self.changes.append(f"{where}: {'（无）' if old is None else plain(old)} → {plain(value)}")
        if key in mapping:
            mapping[key] = value
        else:
            mapping.insert(len(mapping), key, value)

    def section(self, key: str, flow: bool = False) -> CommentedMap:
        """The top-level mapping `key`, created at its place in the standard order."""
        return self.child(self.doc, key, flow, ORDER)

    def child(
        self, parent: CommentedMap, key: str, flow: bool = False, order: tuple[str, ...] = ()
    ) -> CommentedMap:
        value = parent.get(key)
        if isinstance(value, CommentedMap):
            return value
        new = CommentedMap()
        if flow:
            new.fa.set_flow_style()
        _insert(parent, key, new, order)
        return new

    def scalars(self, facts: dict[str, Any]) -> None:
        for key in SCALARS:
            if key in facts:
                if key not in self.doc:
                    _insert(self.doc, key, facts[key], ORDER)
                    self.changes.append(f"{key}: （无） → {plain(facts[key])}")
                else:
                    self.set(self.doc, key, facts[key], key)

    def mapping(self, target: CommentedMap, values: dict[str, Decimal], where: str) -> None:
        for key, value in values.items():
            self.set(target, key, value, f"{where}.{key}")

    def rows(self, key: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
        seq = self.doc.get(key)
        if not isinstance(seq, CommentedSeq):
            seq = CommentedSeq()
            _insert(self.doc, key, seq, ORDER)
        if rows and seq.fa.flow_style():
            seq.fa.set_block_style()
        wanted = {r["code"]: r for r in rows}
        for i in reversed(range(len(seq))):
            row = seq[i]
            if isinstance(row, CommentedMap) and str(row.get("code")) in wanted:
                continue
            if isinstance(row, CommentedMap) and _holds_more(row, columns):
                self._update_row(key, row, {"code": str(row.get("code"))}, columns)
                continue  # figures the statement has no column for (全年预算数) stay
            self.changes.append(f"{key}: 删除 {row.get('code') if isinstance(row, dict) else row}")
            del seq[i]
        have = {str(r.get("code")): r for r in seq}
        previous: CommentedMap | None = None
        for row in rows:
            if row["code"] in have:
                previous = have[row["code"]]
                self._update_row(key, previous, row, columns)
            else:
                previous = self._add_row(key, seq, row, previous)

    def _update_row(
        self, key: str, old: CommentedMap, new: dict[str, Any], columns: tuple[str, ...]
    ) -> None:
        where = f"{key}[{new['code']}]"
        if "name" in new and old.get("name") != new["name"]:
            self.changes.append(f"{where}.name → {new['name']}")
            _insert(old, "name", new["name"], ("code", "name", *columns))
        for c in columns:
            value = new.get(c, ZERO)
            if value == ZERO and c in old and as_decimal(old[c]) != ZERO:
                self.changes.append(f"{where}.{c}: {plain(as_decimal(old[c]) or ZERO)} → 0")
                del old[c]
            elif value != ZERO and as_decimal(old.get(c)) != value:
                before = plain(as_decimal(old[c]) or ZERO) if c in old else "（无）"
                self.changes.append(f"{where}.{c}: {before} → {plain(value)}")
                if c in old:
                    old[c] = value
                else:
                    _insert(old, c, value, ("code", "name", *columns))

    def _add_row(
        self, key: str, seq: CommentedSeq, row: dict[str, Any], after: CommentedMap | None
    ) -> CommentedMap:
        """A new row, placed after the row that precedes it in the statement."""
        new = flow_row(row)
        place = next((i + 1 for i, r in enumerate(seq) if r is after), 0)
        seq.insert(place, new)
        self.changes.append(f"{key}: 新增 {row['code']}")
        return new


def _holds_more(row: CommentedMap, columns: tuple[str, ...]) -> bool:
    """Whether a row has a non-zero figure in a column the statement did not give."""
    return any(
        k not in ("code", "name", *columns) and as_decimal(v) not in (None, ZERO)
        for k, v in row.items()
    )


def flow_row(row: dict[str, Any]) -> CommentedMap:
    new = CommentedMap()
    new.fa.set_flow_style()
    for k, v in row.items():
        new[k] = SingleQuotedScalarString(v) if k == "code" else v
    return new


def _insert(parent: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Put `key` before the first key that follows it in `order` (at the end otherwise)."""
    if key in parent:
        parent[key] = value
        return
    later = set(order[order.index(key) + 1 :]) if key in order else set()
    place = next((i for i, k in enumerate(parent) if k in later), len(parent))
    parent.insert(place, key, value)
