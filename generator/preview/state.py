"""What the engine keeps: one lenient pass over the data, and each document's latest rendering.

`compute` prepares the year with the build's own `prepare`, in its lenient mode (the
LenientReader re-reads only the changed files), plans the documents and captures their charts,
without ever raising: what fails becomes a finding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build import Job, plan_documents
from generator.errors import DataError, UsageError, describe
from generator.findings import Finding, error
from generator.model.report import Report
from generator.pipeline import prepare
from generator.preview.chartstore import ChartRef, capture
from generator.preview.htmltable import TableCache
from generator.read.lenient import LenientReader
from generator.read.placeholders import lenient_decimals

GROUPS = {"disclosure": "部门决算公开", "letter": "自评报告", "table": "项目支出绩效自评表"}


@dataclass
class DocState:
    """One document of the year and its latest rendering."""

    id: str
    job: Job
    order: int
    sig: tuple[Any, ...] = ()  # the inputs it was rendered from
    parts: list[str] = field(default_factory=list)
    hash: str = ""
    error: str = ""
    blocks: list[tuple[str, str]] = field(default_factory=list)
    placeholders: list[int] = field(default_factory=list)
    seconds: float = 0.0
    cache: TableCache = field(default_factory=TableCache)

    @property
    def html(self) -> str:
        return "".join(self.parts)

    @property
    def group(self) -> str:
        if self.job.kind == "letter" and self.job.project is None:
            return "部门整体"
        return GROUPS.get(self.job.kind, self.job.kind)


def doc_id(job: Job) -> str:
    return hashlib.sha1(job.path.encode("utf-8")).hexdigest()[:12]


def stamp(path: Path) -> tuple[int, int]:
    """(mtime, size) of a file, or (-1, -1) when it cannot be read."""
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return (-1, -1)


@dataclass
class Computed:
    """One pass of the lenient pipeline."""

    dataset: Any
    report: Report | None  # the last computable report when this data cannot be computed
    findings: list[Finding]
    problem: Finding | None  # why the report or the list of documents could not be made
    stale: bool  # a file or the report is the last readable version
    jobs: list[Job]
    refs: list[ChartRef]


def compute(reader: LenientReader, last: Report | None) -> Computed:
    """Prepare the year leniently (the build's `prepare`; changed files only), then plan the
    documents and capture the charts."""
    try:
        report, findings = prepare(reader.root, lenient=True, reader=reader)
        stale = reader.stale
    except DataError as exc:  # the report cannot be derived: the last one is shown
        report, findings, stale = last, exc.findings, True
    except UsageError as exc:  # the data folder is gone (moved, renamed): the last one too
        report, findings, stale = last, [error("", 0, "", str(exc), "io")], True
    jobs, refs, failed = _plan(report)
    return Computed(reader.dataset, report, findings, failed, stale, jobs, refs)


def _plan(report: Report | None) -> tuple[list[Job], list[ChartRef], Finding | None]:
    """The documents of `report` and their charts (as far as they could be listed)."""
    jobs: list[Job] = []
    refs: list[ChartRef] = []
    if report is None:
        return jobs, refs, None
    with lenient_decimals():
        try:
            jobs = plan_documents(report)
            refs = capture(report)
        except Exception as exc:  # noqa: BLE001
            return jobs, refs, error("", 0, "", f"无法列出文档：{describe(exc)}", "derive")
    return jobs, refs, None
