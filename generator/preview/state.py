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
from generator.preview.fastdoc import BlockCache
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
    html_seconds: float = 0.0  # of `seconds`, converting to HTML
    cache: TableCache = field(default_factory=TableCache)  # the whole conversion's
    block_cache: BlockCache = field(default_factory=BlockCache)  # fastdoc's
    patch: dict[str, Any] | None = None  # from the HTML before the last rendering to its own
    fast: bool = False  # whether the last rendering went through fastdoc

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


Edit = list[Any]  # [start, how many parts removed, the parts put there]


def parts_patch(old: list[str], new: list[str]) -> list[Edit]:
    """Edits that turn the parts `old` into `new`, applied one after the other: for lists of
    the same length the runs of changed parts, else one splice between the common ends."""
    if len(old) == len(new):
        edits: list[Edit] = []
        i, n = 0, len(new)
        while i < n:
            if old[i] == new[i]:
                i += 1
                continue
            j = i + 1
            while j < n and old[j] != new[j]:
                j += 1
            edits.append([i, j - i, new[i:j]])
            i = j
        return edits
    a = 0
    while a < len(old) and a < len(new) and old[a] == new[a]:
        a += 1
    b = 0
    while b < len(old) - a and b < len(new) - a and old[-1 - b] == new[-1 - b]:
        b += 1
    return [[a, len(old) - a - b, new[a : len(new) - b]]]
