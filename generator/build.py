"""build: read, validate, audit, derive, draw, render — then write everything at once."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import pipeline
from generator.charts import cache as chartcache
from generator.charts.specs import chart_specs
from generator.errors import BuildError, UsageError
from generator.findings import Finding, warning
from generator.model.report import Report
from generator.read.dataset import Reader
from generator.render.templatedirs import TEMPLATES, template_dirs, template_path
from generator.write.headstart import charts_probably_cached
from generator.write.names import NameBook, safe_name
from generator.write.outlock import OutputLock
from generator.write.outputs import (
    OutputFile,
    ProjectKey,
    Staging,
    check_output,
    read_manifest,
    recover,
)
from generator.write.scheduler import (
    Early,
    Workers,
    base_context,
    draw_and_render,
    draw_specs,
    prewarm,
    start_workers,
)

__all__ = [
    "TEMPLATES",
    "BuildResult",
    "Job",
    "Workers",
    "base_context",
    "build",
    "plan_documents",
    "prepare",
]

Progress = Callable[[str], None]
Templates = tuple[Path, ...]
MAX_PATH = 259  # Windows (and Word) refuse longer paths


@dataclass(frozen=True)
class Job:
    """One document to render: template, output path, what it is, the extra context."""

    template: str
    path: str
    kind: str
    title: str
    project: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()
    source: str | None = None  # the project's data file


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: int
    findings: list[Finding]


def prepare(
    data_dir: Path, strict: bool = False, workers: Workers | None = None
) -> tuple[Report, list[Finding]]:
    """Everything before drawing: generator.pipeline.prepare (load, validate, derive, audit),
    files read through the disk cache, many project files spread over `workers`. Raises
    DataError."""
    return pipeline.prepare(data_dir, strict, reader=_reader(data_dir, workers))


def _reader(data_dir: Path, workers: Workers | None) -> Reader:
    from generator.read.fast import FastReader

    if not data_dir.is_dir():
        return Reader(data_dir)  # its message
    reader = FastReader(data_dir)
    reader.prefetch([workers.documents, workers.charts] if workers is not None else [])
    return reader


def plan_documents(report: Report, project: str | None = None) -> list[Job]:
    """Every document of the year (or of one project), with readable, safe, unique names."""
    year = report.year
    book = NameBook()
    jobs = []
    if project is None:
        kind = report.style.kind
        name = book.claim("", "", report.department.name, f"{year}年度{kind}决算公开.docx")
        jobs.append(Job("disclosure.docx", name, "disclosure", f"{year}年度{kind}决算公开"))
        if report.evaluation is not None:
            letter = book.claim("自评报告", "", f"{year}年部门整体支出绩效自评报告", ".docx")
            jobs.append(Job("department_letter.docx", letter, "letter", "部门整体支出绩效自评报告"))
    for p in report.projects:
        if project is None or p.name == project:
            jobs += _project_jobs(report, p, book)
    return jobs


def _project_jobs(report: Report, p: Any, book: NameBook) -> list[Job]:
    prefix = f"{p.index:02d}-"
    table = book.claim("项目自评表", prefix, p.name, "-项目支出绩效自评表.docx")
    jobs = [
        Job("project_table.docx", table, "table", f"{p.name} 自评表", p.name, (("p", p),), p.source)
    ]
    for letter in report.letters:
        if letter.project is p:
            path = book.claim("自评报告", prefix, p.name, "-自评报告.docx")
            title = f"关于{letter.subject}自评报告的函"
            jobs.append(
                Job(
                    "project_letter.docx", path, "letter", title, p.name, (("l", letter),), p.source
                )
            )
    return jobs


Charts = dict[str, tuple[int, str, bytes]]
TEMPLATE_NAMES = ("disclosure.docx", "department_letter.docx", "project_letter.docx",
                  "project_table.docx")  # fmt: skip


def template_files(dirs: Templates) -> list[Path]:
    """The template file of every kind of document, as `dirs` resolve them."""
    return [template_path(name, dirs) for name in TEMPLATE_NAMES]


def draw_charts(report: Report) -> Charts:
    """Every chart as PNG bytes, from the chart cache where it was drawn before."""
    specs = chart_specs(report)
    pngs = {s.name: chartcache.load(s) for s in specs}
    missing = [s for s in specs if pngs[s.name] is None]
    for spec, png in zip(missing, draw_specs(missing), strict=True):
        chartcache.store(spec, png)
        pngs[spec.name] = png
    return {s.name: (s.number, s.caption, pngs[s.name] or b"") for s in specs}


def build(
    data_dir: Path,
    out: Path,
    project: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    templates: Path | None = None,
    pdf: bool = False,
    workers: Workers | None = None,
) -> BuildResult:
    """Build the year (or one project) into `out`; with `pdf`, a PDF beside every document,
    made by LibreOffice before the output is swapped in. `workers` (a batch's) are used and
    left running; without them the build starts its own and stops them."""
    say = progress or (lambda _msg: None)
    out = Path(os.path.abspath(out))
    out = out.parent.resolve() / out.name if out.parent.exists() else out
    dirs = template_dirs(templates, data_dir)
    check_output(out, data_dir, dirs)  # before any work: refuse early, touch nothing
    own = workers is None and project is None
    if own:  # started now, importing while we prepare
        workers = start_workers(matplotlib=not charts_probably_cached([data_dir]))
        prewarm(workers, template_files(dirs), [data_dir])
    output: Output | None = None
    try:
        say("读取并检查数据……")
        report, findings = prepare(data_dir, strict, workers)
        _require_project(report, project)
        say(f"绘制图表并生成文档（共 {len(plan_documents(report, project))} 份）……")
        findings = findings + _projects_gone(out, report)
        output = Output(out, data_dir, dirs, report, project)
        made = render_all(report, project, workers, dirs, data_dir, output.stage)
        if pdf:
            say("通过 LibreOffice 生成 PDF……")
        files = output.finish(made, pdf)
    finally:
        if output is not None:
            output.close()
        if own and workers is not None:
            workers.shutdown(cancel_futures=True)
    return BuildResult(out, files, findings)


def _projects_gone(out: Path, report: Report) -> list[Finding]:
    """Projects the previous build had that the data no longer has (a file deleted or renamed
    to another extension): their documents go with this build, so say so."""
    names = {p.name for p in report.projects}
    previous = read_manifest(out) or []
    gone = sorted({f.project for f in previous if f.project and f.project not in names})
    return [
        warning(
            "projects/",
            0,
            "",
            f"上次生成过的项目“{name}”已不在数据中（文件被删除或改名？），其文档不再生成",
            "plausibility",
        )
        for name in gone
    ]


@dataclass
class Made:
    """Everything a build writes, in memory: the documents, the charts, the workbook."""

    jobs: list[Job]
    charts: Charts
    rendered: list[bytes]
    workbook: bytes | None


def render_all(
    report: Report, project: str | None, workers: Workers | None, dirs: Templates,
    data_dir: Path, early: Early | None = None,
) -> Made:  # fmt: skip
    """Draw and render every file of the year (or of one project); `early` is given the
    letters and 自评表 as soon as they are made (generator.write.scheduler)."""
    jobs = plan_documents(report, project)
    extras = (workbook_bytes,) if project is None else ()
    charts, rendered, made = draw_and_render(report, jobs, workers, dirs, data_dir, extras, early)
    return Made(jobs, charts, rendered, made[0] if made else None)


def write_output(
    out: Path, data_dir: Path, dirs: Templates, report: Report, project: str | None, made: Made,
    pdf: bool = False,
) -> int:  # fmt: skip
    """Swap the files made into `out` (see `Output`); the number of files."""
    output = Output(out, data_dir, dirs, report, project)
    try:
        return output.finish(made, pdf)
    finally:
        output.close()


def _require_project(report: Report, project: str | None) -> None:
    if project is not None and all(p.name != project for p in report.projects):
        names = "、".join(p.name for p in report.projects)
        raise BuildError(f"没有名为“{project}”的项目。现有项目：{names}")


def _project_key(report: Report, project: str | None, data_dir: Path) -> ProjectKey | None:
    if project is None:
        return None
    source = next(p.source for p in report.projects if p.name == project)
    return ProjectKey(project, _source_key(source, data_dir))


def _source_key(source: str | None, data_dir: Path) -> str | None:
    """A project's data file relative to the data folder (projects/NN-名称.yaml)."""
    if source is None:
        return None
    try:
        return Path(source).resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return Path(source).name


class Output:
    """The new output of one build, swapped in holding the output lock: the lock taken, crash
    leftovers recovered and the checks made again (the folder may have changed while we
    rendered) when the first files are staged — the letters and 自评表 while the disclosure
    still renders (`stage`), or everything at the end (`finish`). The manifest lists the files
    in one order whenever they were staged: charts, documents, workbook."""

    def __init__(
        self, out: Path, data_dir: Path, dirs: Templates, report: Report, project: str | None
    ) -> None:
        self.out, self.data_dir, self.dirs = out, data_dir, dirs
        self.report, self.project = report, project
        self.held = ExitStack()  # the output lock, once taken
        self.staging: Staging | None = None
        self.staged: set[str] = set()  # written before `finish`

    def stage(self, jobs: list[Job], rendered: list[bytes]) -> None:
        """Write these documents into the staging folder now (listed by `finish`)."""
        staging = self._open(jobs)
        for job, data in zip(jobs, rendered, strict=True):
            staging.put(job.path, data)
            self.staged.add(job.path)

    def finish(self, made: Made, pdf: bool = False) -> int:
        """Everything staged and listed, then swapped in; the number of files."""
        charted = [_chart_path(n, c) for n, c, _ in made.charts.values()]
        _check_path_length(self.out, [j.path for j in made.jobs] + charted)
        staging = self._open(made.jobs)
        report, project = self.report, self.project
        for number, caption, png in made.charts.values():
            title = f"图{number}：{caption}"
            staging.write(_chart_path(number, caption), png, "chart", None, title)
        for job, data in zip(made.jobs, made.rendered, strict=True):
            source = _source_key(job.source, self.data_dir)
            if job.path not in self.staged:
                staging.put(job.path, data)
            staging.record(OutputFile(job.path, job.kind, job.project, job.title, source))
        if project is None:
            path, title = workbook_path(report)
            data = made.workbook if made.workbook is not None else workbook_bytes(report)
            staging.write(path, data, "tables", None, title)
        if pdf:
            from generator.render.pdf import stage_pdfs

            stage_pdfs(staging, [job.path for job in made.jobs])
        staging.commit({"year": report.year, "department": report.department.name})
        self.staging = None  # swapped in: nothing to discard
        return len(staging.files) + 1

    def close(self) -> None:
        """What is not swapped in goes; the lock is let go."""
        with self.held:
            if self.staging is not None:
                self.staging.discard()
                self.staging = None

    def _open(self, jobs: list[Job]) -> Staging:
        if self.staging is not None:
            return self.staging
        out = self.out
        _check_path_length(out, [j.path for j in jobs])
        out.parent.mkdir(parents=True, exist_ok=True)
        self.held.enter_context(OutputLock(out))
        recover(out)
        check_output(out, self.data_dir, self.dirs)
        key = _project_key(self.report, self.project, self.data_dir)
        self.staging = Staging(out, keep_existing=self.project is not None, project=key)
        return self.staging


def workbook_path(report: Report) -> tuple[str, str]:
    """The 附表 workbook beside the disclosure: its path and title."""
    title = f"{report.year}年度{report.style.kind}决算公开附表"
    return f"{safe_name(report.department.name)}{title}.xlsx", title


def workbook_bytes(report: Report) -> bytes:
    """第五部分 附表 as an .xlsx workbook (one sheet per standard table, numbers as numbers)."""
    from generator.present.tables import standard_tables
    from generator.render.workbook import write_workbook

    return write_workbook(standard_tables(report), report.unit, report.department.name, report.year)


def _chart_path(number: int, caption: str) -> str:
    return f"图表/图{number}-{safe_name(caption)}.png"


def _check_path_length(out: Path, paths: list[str]) -> None:
    """Windows and Word cannot open paths over 259 characters: refuse before writing."""
    if os.name != "nt" or not paths:
        return
    longest = max(paths, key=lambda p: len(str(out / p)))
    if len(str(out / longest)) > MAX_PATH:
        raise UsageError(
            f"输出文件夹 {out} 的路径太长：其中的 {longest} 将超过 Windows 的 {MAX_PATH} 个字符"
            "限制。请选一个较短的输出文件夹（-o），如 D:\\决算输出。"
        )
