"""Lenient reading, the mode for drafting: incomplete or invalid data still gives a dataset.

`LenientReader` is the strict reader of generator.read.dataset (the same files, the same findings,
word for word); where that reader leaves a file out, this one keeps it and replaces every
invalid or missing value by a *placeholder* carrying an id of the registry
(generator.read.placeholders): amounts become `Missing`, counts `MissingInt`, texts a marker string
`⟦12⟧`. It re-reads only the files whose stamp changed, and keeps the last readable version of
a file that does not parse. `build` and `check` read strictly.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.findings import Finding, format_path
from generator.read.dataset import DataFile, Dataset, FileResult, Reader
from generator.read.loader import LoadedFile, display_name
from generator.read.placeholders import (
    MARKER,
    Missing,
    MissingInt,
    Registry,
    lenient_decimals,
    token,
)
from generator.read.validate import DataValidator, _flatten, validate_file

PathT = tuple[str | int, ...]


def relax(rules: dict[str, Any]) -> dict[str, Any]:
    """The schema without the checks that a placeholder cannot pass (allowed, regex, min…)."""
    return {k: _relax_rule(r) for k, r in rules.items()}


def _relax_rule(rule: Any) -> Any:
    if not isinstance(rule, dict):
        return rule
    out = {
        k: v
        for k, v in rule.items()
        if k not in ("allowed", "regex", "min", "max", "minlength", "maxlength")
    }
    if "empty" in out:
        out["empty"] = True
    sub = rule.get("schema")
    if isinstance(sub, dict):
        out["schema"] = _relax_rule(sub) if rule.get("type") == "list" else relax(sub)
    for key in ("valuesrules", "keysrules"):
        if isinstance(rule.get(key), dict):
            out[key] = _relax_rule(rule[key])
    return out


def rule_at(rules: dict[str, Any], path: PathT) -> dict[str, Any] | None:
    """The schema rule of the value at `path`, or None for a field the schema does not know."""
    mapping: dict[str, Any] | None = rules
    rule: dict[str, Any] | None = None
    for part in path:
        if isinstance(part, int):
            if (
                rule is None
                or rule.get("type") != "list"
                or not isinstance(rule.get("schema"), dict)
            ):
                return None
            rule = rule["schema"]
        elif mapping is not None and part in mapping:
            rule = mapping[part]
        elif rule is not None and isinstance(rule.get("valuesrules"), dict):
            rule = rule["valuesrules"]
        else:
            return None
        sub = rule.get("schema") if isinstance(rule, dict) else None
        mapping = sub if isinstance(sub, dict) and rule.get("type") == "dict" else None
    return rule


def sentinel(rule: dict[str, Any], pid: int) -> Any:
    kind = rule.get("type")
    if kind == "decimal":
        return Missing((pid,))
    if kind == "integer":
        return MissingInt((pid,))
    if kind == "boolean":
        return rule.get("default", "false")
    if kind == "dict":
        return {}
    if kind == "list":
        return []
    return token((pid,))


def _set_at(data: dict[str, Any], path: PathT, value: Any, delete: bool = False) -> None:
    node: Any = data
    for i, part in enumerate(path[:-1]):
        nxt = path[i + 1]
        child = _get(node, part)
        if not isinstance(child, (dict, list)):
            if isinstance(part, int) or not isinstance(node, dict):
                return
            child = [] if isinstance(nxt, int) else {}
            node[part] = child
        node = child
    last = path[-1]
    if isinstance(node, dict) and isinstance(last, str):
        if delete:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        if delete:
            node[last] = None
        else:
            node[last] = value


def _get(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _message_for(fld: str, findings: list[Finding], default: str) -> str:
    """The message of the finding for `fld`, or of its nearest reported ancestor."""
    best = None
    for f in findings:
        if f.field == fld:
            return f.message
        inside = f.field and (fld.startswith(f.field + ".") or fld.startswith(f.field + "["))
        if inside and (best is None or len(f.field) > len(best.field)):
            best = f
    return best.message if best else default


def fill(
    loaded: LoadedFile,
    data: Any,
    rules: dict[str, Any],
    registry: Registry,
    findings: list[Finding],
    default_message: str,
) -> tuple[dict[str, Any], list[int]]:
    """Validate `data`, replacing every invalid or missing value by a placeholder."""
    doc = copy.deepcopy(data) if isinstance(data, dict) else {}
    relaxed = relax(rules)
    ids: list[int] = []
    seen: set[PathT] = set()
    with lenient_decimals():
        for attempt in range(12):
            validator = DataValidator(rules if attempt == 0 else relaxed)
            if validator.validate(doc):
                return validator.document, ids
            progress = False
            for err in _flatten(validator._errors):
                path = tuple(err.document_path)
                if not path or path in seen:
                    continue
                seen.add(path)
                progress = True
                rule = rule_at(rules, path)
                if rule is None:
                    _set_at(doc, path, None, delete=True)
                    continue
                fld = format_path(path)
                pid = registry.add(
                    loaded.name,
                    loaded.line_of(path),
                    fld,
                    _message_for(fld, findings, default_message),
                )
                ids.append(pid)
                _set_at(doc, path, sentinel(rule, pid))
            if not progress:
                break
    raise ValueError(f"{loaded.name}：无法补齐占位值")


# ---------------------------------------------------------------------------------------------
# The reader


@dataclass
class _Cached:
    stamp: tuple[int, int, int]
    result: FileResult


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class LenientReader(Reader):
    """The strict reader with placeholders where it would leave a file out; re-reads only the
    files whose stamp changed."""

    def __init__(self, root: Path, registry: Registry | None = None):
        super().__init__(root)
        self.registry = registry or Registry()
        self._cache: dict[Path, _Cached] = {}
        self._good: dict[Path, DataFile] = {}
        self.reads = 0  # files actually read (for tests and the benchmark)
        self.dataset: Dataset | None = None  # the last read's

    def read(self) -> tuple[Dataset, list[Finding]]:
        dataset, findings = super().read()
        self.dataset = dataset
        return dataset, findings

    def file(self, path: Path, rules: dict[str, Any]) -> FileResult:
        stamp = _stamp(path)
        hit = self._cache.get(path)
        if hit is not None and hit.stamp == stamp:
            return hit.result
        self.reads += 1
        result = super().file(path, rules)
        if result.parsed and not result.stale and result.doc is not None:
            self._good[path] = result.doc
        self._cache[path] = _Cached(stamp, result)
        return result

    def forget(self, known: set[Path]) -> None:
        for gone in [p for p in self._cache if p not in known]:
            del self._cache[gone]

    def missing(self, path: Path, rules: dict[str, Any], findings: list[Finding]) -> FileResult:
        loaded = LoadedFile(display_name(path), {}, {(): 0})
        content, ids = fill(loaded, {}, rules, self.registry, findings, "缺少文件")
        return FileResult(DataFile(loaded, content), findings, ids, parsed=False)

    def unreadable(self, path: Path, rules: dict[str, Any], problems: list[Finding]) -> FileResult:
        last_good = self._good.get(path)
        if last_good is not None:
            return FileResult(last_good, problems, [], stale=True)
        empty = LoadedFile(display_name(path), {}, {(): 1})
        message = problems[0].message if problems else "无法读取"
        content, ids = fill(empty, {}, rules, self.registry, problems, message)
        return FileResult(DataFile(empty, content), problems, ids, parsed=False)

    def damaged(
        self, loaded: LoadedFile, rules: dict[str, Any], problems: list[Finding]
    ) -> FileResult:
        _, found = validate_file(loaded, rules)  # what is left, but on the loader's lines
        lines = {p.line for p in problems}
        return self.invalid(loaded, rules, [*problems, *(f for f in found if f.line not in lines)])

    def invalid(
        self, loaded: LoadedFile, rules: dict[str, Any], found: list[Finding]
    ) -> FileResult:
        content, ids = fill(loaded, loaded.data, rules, self.registry, found, "值无效")
        return FileResult(DataFile(loaded, content), found, ids)


def clean_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Drop audit findings that only restate a placeholder (their message holds a marker)."""
    out = []
    for f in findings:
        if MARKER.search(f.message) or MARKER.search(f.field) or "NaN" in f.message:
            continue
        out.append(f)
    return out
