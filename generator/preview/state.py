"""What the engine keeps: one lenient pass over the data, and each document's latest rendering.

`compute` reads the changed files (the LenientReader keeps the others), derives, audits, plans
the documents and captures their charts, without ever raising: what fails becomes a finding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.audit import audit_report
from generator.build import Job, plan_documents
from generator.derive import Report, derive_report
from generator.findings import Finding, error, warning
from generator.preview.chartcache import ChartRef, capture
from generator.preview.htmltable import TableCache
from generator.preview.lenient import LenientReader, clean_findings
from generator.preview.placeholders import lenient_decimals

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
    rendered_at: float = 0.0
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


def why(exc: BaseException) -> str:
    """The message of an exception, for the page (at most 400 characters)."""
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < 400 else text[:400] + "…"


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
    """Read (changed files only), derive, audit, plan and capture the charts."""
    dataset, findings, stale_files = reader.read()
    report, problem = _derive(dataset, findings)
    stale_report = report is None
    if report is None:
        report = last
    jobs, refs, failed = _plan(report)
    return Computed(dataset, report, findings, failed or problem, stale_report or stale_files,
                    jobs, refs)


def _derive(dataset: Any, findings: list[Finding]) -> tuple[Report | None, Finding | None]:
    """The report of `dataset` (None if it cannot be computed); adds the audit's findings."""
    with lenient_decimals():
        try:
            report = derive_report(dataset)
        except Exception as exc:  # noqa: BLE001 - shown in the panel, the last report kept
            return None, error("", 0, "", "无法计算派生数字（文档显示上次可计算的结果）："
                               f"{why(exc)}", "derive")
        try:
            findings += clean_findings(audit_report(dataset, report))
        except Exception as exc:  # noqa: BLE001
            findings.append(warning("", 0, "", f"审核未能全部完成：{why(exc)}", "audit"))
    return report, None


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
            return jobs, refs, error("", 0, "", f"无法列出文档：{why(exc)}", "derive")
    return jobs, refs, None
