"""The problems panel: every finding and every document that failed, linked to its place.

A problem points at the first document (those of its own file first) that shows one of its
placeholders, else at the first block whose text holds its value. The list is kept until the
data or a document's rendering changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from generator.findings import Finding, Level
from generator.model.report import Report
from generator.present.numbers import wan
from generator.preview.state import DocState
from generator.read.placeholders import MARKER, Missing, MissingInt, Registry

FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
Problem = dict[str, Any]


class ProblemSource(Protocol):
    """What the problems are made from (the engine)."""

    data_dir: Path
    registry: Registry
    version: int
    docs: dict[str, DocState]
    findings: list[Finding]
    report_problem: Finding | None
    dataset: Any
    report: Report | None


class ProblemList:
    """The problems of `source` as the page shows them, with a hash to tell when they change."""

    def __init__(self, source: ProblemSource) -> None:
        self.source = source
        self._cache: tuple[Any, list[Problem], str] | None = None
        self._sources: tuple[int, dict[str, str | None]] = (-1, {})  # by file, per version

    def get(self) -> tuple[list[Problem], str]:
        """The problems, errors first, and their hash (call it with the engine's lock held)."""
        s = self.source
        key = (s.version, tuple((d.id, d.hash) for d in s.docs.values()))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1], self._cache[2]
        findings = list(s.findings)
        if s.report_problem is not None:
            findings.insert(0, s.report_problem)
        items = [self._problem(f) for f in findings]
        items += [_render_problem(d) for d in self._ordered() if d.error]
        items.sort(key=lambda p: (p["level"] != "error", p["file"], p["line"]))
        digest = hashlib.sha1(
            json.dumps(items, ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:16]
        self._cache = (key, items, digest)
        return items, digest

    def _ordered(self) -> list[DocState]:
        return sorted(self.source.docs.values(), key=lambda d: d.order)

    def _problem(self, f: Finding) -> Problem:
        return {
            "level": "error" if f.is_error else "warning",
            "level_text": f.level.value,
            "file": f.file,
            "line": f.line,
            "field": f.field,
            "message": f.message,
            "code": f.code,
            "source": self._source(f.file),
            "target": self._target(f),
        }

    def _source(self, file: str) -> str | None:
        """The path of `file` inside the data folder (for /source/), if it is there (looked
        up once per version of the data)."""
        if not file:
            return None
        version, known = self._sources
        if version != self.source.version:
            known = {}
            self._sources = (self.source.version, known)
        if file not in known:
            known[file] = self._resolved(file)
        return known[file]

    def _resolved(self, file: str) -> str | None:
        try:
            path = Path(file)
            path = path if path.is_absolute() else Path.cwd() / path
            return path.resolve().relative_to(self.source.data_dir).as_posix()
        except (ValueError, OSError):
            return None

    def _preferred(self, file: str) -> list[DocState]:
        """Every document, those made from `file` first."""
        s = self.source
        docs = self._ordered()
        name = Path(file).name
        project = None
        if s.dataset is not None:
            for i, doc in enumerate(s.dataset.projects):
                if doc.name == file and s.report is not None and i < len(s.report.projects):
                    project = s.report.projects[i].name
        if project is not None:
            first = [d for d in docs if d.job.project == project]
        elif name in ("self_evaluation.yaml", "scoring.yaml"):
            first = [d for d in docs if d.job.kind == "letter" and d.job.project is None]
        else:
            first = [d for d in docs if d.job.kind == "disclosure"]
        return first + [d for d in docs if d not in first]

    def _target(self, f: Finding) -> dict[str, Any] | None:
        ids = [
            p.id
            for p in self.source.registry.all()
            if p.file == f.file
            and (
                not f.field
                or p.field == f.field
                or p.field.startswith(f.field + ".")
                or p.field.startswith(f.field + "[")
            )
        ]
        preferred = self._preferred(f.file)
        if ids:
            for d in preferred:
                hit = [i for i in ids if i in d.placeholders]
                if hit:
                    return {"doc": d.id, "ph": hit}
        needle = self._needle(f)
        if needle is None:
            return None
        for d in preferred:
            for bid, text in d.blocks:
                if needle.search(text):
                    return {"doc": d.id, "block": bid}
        return None

    def _needle(self, f: Finding) -> re.Pattern[str] | None:
        """A pattern of the value that `f` is about, as the documents show it."""
        dataset = self.source.dataset
        if dataset is None or not f.field:
            return None
        doc = next(
            (d for d in [*dataset.files.values(), *dataset.projects] if d.name == f.file), None
        )
        if doc is None:
            return None
        style = getattr(self.source.report, "style", None)  # amounts as the documents print them
        return _pattern(_value_at(doc.content, f.field), style)


def _render_problem(d: DocState) -> Problem:
    return {
        "level": "error",
        "level_text": Level.ERROR.value,
        "file": f"templates/{d.job.template}",
        "line": 0,
        "field": "",
        "message": f"《{d.job.title}》无法生成：{d.error}",
        "code": "render",
        "source": None,
        "target": {"doc": d.id},
    }


def _value_at(content: Any, field: str) -> Any:
    """The value at a field path such as `projects[2].name` (None if there is none)."""
    value = content
    for name, index in FIELD_PART.findall(field):
        if index:
            i = int(index) - 1
            value = value[i] if isinstance(value, list) and 0 <= i < len(value) else None
        else:
            value = value.get(name) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def _pattern(value: Any, style: Any = None) -> re.Pattern[str] | None:
    """A pattern that finds `value` in a document, if it is distinctive enough to point at
    (an amount printed in the dataset's house style, where the report is known)."""
    if value is None or isinstance(value, (Missing, MissingInt, bool)):
        return None
    if isinstance(value, Decimal):
        shown = style.amount(value) if style is not None else wan(value)
        if len(shown.replace(".", "")) < 3:  # "35" is everywhere: no place to point at
            return None
        return re.compile(r"(?<![0-9.])" + re.escape(shown) + r"(?![0-9])")
    if isinstance(value, int):
        return None
    if isinstance(value, str):
        text = " ".join(value.split())
        if len(text) < 4 or MARKER.search(text):
            return None
        return re.compile(re.escape(text[:16]))
    return None
