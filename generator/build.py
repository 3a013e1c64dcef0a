"""build: read, validate, audit, derive, draw, render — then write everything at once."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.audit import audit_report
from generator.chartset import chart_specs
from generator.dataset import read_dataset
from generator.derive import Report, derive_report
from generator.errors import BuildError, DataError
from generator.findings import Finding
from generator.outputs import Staging, safe_name
from generator.render import Image, render_docx

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    """One document to render: template, output path, what it is, the extra context."""

    template: str
    path: str
    kind: str
    title: str
    project: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: int
    findings: list[Finding]


def prepare(data_dir: Path, strict: bool = False) -> tuple[Report, list[Finding]]:
    """Everything before drawing: load, validate, derive and audit. Raises DataError."""
    dataset, findings = read_dataset(data_dir)
    if any(f.is_error for f in findings):
        raise DataError(findings)
    report = derive_report(dataset)
    findings += audit_report(dataset, report)
    if any(f.is_error for f in findings) or (strict and findings):
        raise DataError(findings)
    return report, findings


def plan_documents(report: Report, project: str | None = None) -> list[Job]:
    """Every document of the year (or of one project), with readable, safe file names."""
    year = report.year
    dept = safe_name(report.department.name)
    jobs = []
    if project is None:
        jobs.append(
            Job(
                "disclosure.docx",
                f"{dept}{year}年度部门决算公开.docx",
                "disclosure",
                f"{year}年度部门决算公开",
            )
        )
        jobs.append(
            Job(
                "department_letter.docx",
                f"自评报告/{year}年部门整体支出绩效自评报告.docx",
                "letter",
                "部门整体支出绩效自评报告",
            )
        )
    for p in report.projects:
        if project is not None and p.name != project:
            continue
        stem = f"{p.index:02d}-{safe_name(p.name)}"
        jobs.append(
            Job(
                "project_table.docx",
                f"项目自评表/{stem}-项目支出绩效自评表.docx",
                "table",
                f"{p.name} 自评表",
                p.name,
                (("p", p),),
            )
        )
        for letter in report.letters:
            if letter.project is p:
                jobs.append(
                    Job(
                        "project_letter.docx",
                        f"自评报告/{stem}-自评报告.docx",
                        "letter",
                        f"关于{letter.subject}自评报告的函",
                        p.name,
                        (("l", letter),),
                    )
                )
    return jobs


def base_context(report: Report) -> dict[str, Any]:
    return {
        "r": report,
        "d": report.department,
        "f": report.finance,
        "ev": report.evaluation,
    }


def draw_charts(report: Report) -> dict[str, tuple[int, str, bytes]]:
    return {s.name: (s.number, s.caption, s.draw()) for s in chart_specs(report)}


def _render_job(job: Job, report: Report, images: dict[str, Image]) -> bytes:
    context = {**base_context(report), **dict(job.extra)}
    return render_docx(TEMPLATES / job.template, context, images)


def build(
    data_dir: Path,
    out: Path,
    project: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> BuildResult:
    say = progress or (lambda _msg: None)
    helper = _helper() if project is None else None  # forked now, importing while we prepare
    try:
        say("读取并检查数据……")
        report, findings = prepare(data_dir, strict)
        if project is not None and all(p.name != project for p in report.projects):
            names = "、".join(p.name for p in report.projects)
            raise BuildError(f"没有名为“{project}”的项目。现有项目：{names}")
        jobs = plan_documents(report, project)
        say(f"绘制图表并生成文档（共 {len(jobs)} 份）……")
        charts, rendered = _draw_and_render(report, jobs, helper)
    finally:
        if helper is not None:
            helper.shutdown(cancel_futures=True)
    staging = Staging(out, keep_existing=project is not None)
    try:
        for number, caption, png in charts.values():
            staging.write(
                f"图表/图{number}-{safe_name(caption)}.png", png, "chart", None,
                f"图{number}：{caption}",
            )
        for job, data in zip(jobs, rendered, strict=True):
            staging.write(job.path, data, job.kind, job.project, job.title)
        staging.commit({"year": report.year, "department": report.department.name})
    except BaseException:
        staging.discard()
        raise
    return BuildResult(out, len(staging.files) + 1, findings)


Charts = dict[str, tuple[int, str, bytes]]


def _charts_and_documents(report: Report, jobs: list[Job]) -> tuple[Charts, list[bytes]]:
    """Draw the charts, then render the documents that hold them."""
    charts = draw_charts(report)
    images = {name: Image(png) for name, (_, _, png) in charts.items()}
    return charts, [_render_job(job, report, images) for job in jobs]


def _render_many(report: Report, jobs: list[Job]) -> list[bytes]:
    return [_render_job(job, report, {}) for job in jobs]


def _chunks(jobs: list[Job], parts: int) -> list[list[Job]]:
    size = max(1, -(-len(jobs) // parts))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


@dataclass
class Workers:
    """Forked worker processes: one for the charts and the documents holding them (it
    imports matplotlib too), the others for the letters and tables."""

    charts: ProcessPoolExecutor
    documents: ProcessPoolExecutor
    count: int

    def shutdown(self, cancel_futures: bool = False) -> None:
        self.charts.shutdown(cancel_futures=cancel_futures)
        self.documents.shutdown(cancel_futures=cancel_futures)


def _draw_and_render(
    report: Report, jobs: list[Job], workers: Workers | None
) -> tuple[Charts, list[bytes]]:
    """One worker draws the charts and renders the disclosure (the longest chain) while the
    others render the letters and tables in chunks; without workers, all here."""
    with_charts = [j.kind == "disclosure" for j in jobs]
    chart_jobs = [j for j, c in zip(jobs, with_charts, strict=True) if c]
    plain_jobs = [j for j, c in zip(jobs, with_charts, strict=True) if not c]
    if workers is None:
        charts, charted = _charts_and_documents(report, chart_jobs) if chart_jobs else ({}, [])
        plain = _render_many(report, plain_jobs)
    else:
        charted_future = workers.charts.submit(_charts_and_documents, report, chart_jobs)
        chunks = _chunks(plain_jobs, workers.count * 2)
        futures = [workers.documents.submit(_render_many, report, c) for c in chunks]
        plain = [data for f in futures for data in f.result()]
        charts, charted = charted_future.result()
    plain_iter, charted_iter = iter(plain), iter(charted)
    rendered = [next(charted_iter) if c else next(plain_iter) for c in with_charts]
    return charts, rendered


def _warm_documents() -> None:
    """Worker start-up, while the main process reads the data."""
    import docxtpl  # noqa: F401


def _warm_charts() -> None:
    _warm_documents()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401


def _pool(count: int, warm: Callable[[], None]) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=warm
    )
    for _ in range(count):  # start them all now
        pool.submit(int)
    return pool


def _helper() -> Workers | None:
    """Workers forked now, so that they import while the data is read (at most 8 in all)."""
    cores = os.cpu_count() or 1
    if "fork" not in multiprocessing.get_all_start_methods() or cores < 2:
        return None
    count = max(1, min(cores, 8) - 1)
    return Workers(_pool(1, _warm_charts), _pool(count, _warm_documents), count)
