"""Draw the charts and render the documents, in worker processes where there are cores.

Charts come from the disk cache (generator.charts.cache) where they were drawn before; only the
missing ones are drawn, by the chart worker (it imported matplotlib while the data was read),
which then renders the disclosure that holds them. Letters and 自评表 go out in small chunks to
whichever worker is free, the chart worker included once the disclosure is done. The report
is pickled once per build and unpickled once per worker (workers keep the last few).
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.charts import cache as chartcache
from generator.charts.specs import ChartSpec, chart_specs, draw_chart
from generator.model.report import Report
from generator.render.docx import Image, Rendered, fill_template
from generator.render.templatedirs import template_path
from generator.write import diskcache
from generator.write.workers import make_pool, warm_charts, warm_documents

Charts = dict[str, tuple[int, str, bytes]]
Templates = tuple[Path, ...]
CHUNKS_PER_WORKER = 4
MAX_CHUNK = 24  # documents: small enough that no worker waits long for the last chunk
MAX_WORKERS = 8


@dataclass
class Workers:
    """Worker processes: one for the charts (with matplotlib imported when charts are likely
    to be drawn) and the documents holding them, the others for the letters and tables."""

    charts: ProcessPoolExecutor
    documents: ProcessPoolExecutor
    count: int

    def shutdown(self, cancel_futures: bool = False) -> None:
        self.charts.shutdown(cancel_futures=cancel_futures)
        self.documents.shutdown(cancel_futures=cancel_futures)


def start_workers(matplotlib: bool = True) -> Workers | None:
    """Workers started now, importing while the data is read (at most 8 in all); none on one
    core."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return None
    count = max(1, min(cores, MAX_WORKERS) - 1)
    warm = warm_charts if matplotlib else warm_documents
    return Workers(make_pool(1, warm), make_pool(count, warm_documents), count)


# --- hints: were the charts of this data folder cached last time? ----------------------------


def _hint_key(data_dir: Path) -> str:
    return diskcache.digest(str(data_dir.resolve()))


def charts_probably_cached(data_dirs: list[Path]) -> bool:
    """Whether the last build of each folder left all its charts in the cache (then the chart
    worker need not import matplotlib ahead)."""
    for data_dir in data_dirs:
        hint = diskcache.load("hints", _hint_key(data_dir))
        if hint is None or not chartcache.all_cached(hint.decode().split()):
            return False
    return True


def remember_charts(data_dir: Path, specs: list[ChartSpec]) -> None:
    keys = " ".join(chartcache.chart_key(s) for s in specs)
    if diskcache.load("hints", _hint_key(data_dir)) != keys.encode():
        diskcache.store("hints", _hint_key(data_dir), keys.encode())


def remember_preset(data_dir: Path, preset: str | None) -> None:
    """The font preset of the folder's documents, for `prewarm` next time."""
    value = (preset or "").encode()
    if diskcache.load("presets", _hint_key(data_dir)) != value:
        diskcache.store("presets", _hint_key(data_dir), value)


def prewarm(workers: Workers | None, templates: list[Path], data_dirs: list[Path]) -> None:
    """Ask a document worker, idle while the main process reads the data, to put the
    templates' compiled code, cleaned XML and typeset shared parts into the disk cache (what a
    first build would otherwise do on its critical path; a warm cache makes it a few reads)."""
    if workers is None or diskcache.root() is None:
        return
    presets = {_last_preset(d) for d in data_dirs}
    workers.documents.submit(_prewarm, templates, sorted(presets, key=str))


def _last_preset(data_dir: Path) -> str | None:
    """The preset the folder's last build used; never built: the house style's default."""
    hint = diskcache.load("presets", _hint_key(data_dir))
    if hint is None:
        from generator.present.style import Style

        return getattr(Style, "fonts", None)
    return hint.decode() or None


def _prewarm(templates: list[Path], presets: list[str | None]) -> None:
    from generator.render.docx import prepare_template

    for path in templates:
        try:
            prepare_template(path, presets)
        except Exception:  # noqa: BLE001, S112 - only a head start: rendering reports errors
            continue


# --- what runs in a worker -------------------------------------------------------------------

_REPORTS: OrderedDict[str, Report] = OrderedDict()


@dataclass(frozen=True)
class Payload:
    """A report pickled once in the main process; each worker unpickles it once."""

    key: str
    data: bytes

    @classmethod
    def of(cls, report: Report) -> Payload:
        data = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(diskcache.digest(data), data)

    def report(self) -> Report:
        found = _REPORTS.get(self.key)
        if found is None:
            found = _REPORTS[self.key] = pickle.loads(self.data)
            while len(_REPORTS) > 2:
                _REPORTS.popitem(last=False)
        return found


def base_context(report: Report) -> dict[str, Any]:
    return {"r": report, "d": report.department, "f": report.finance, "ev": report.evaluation}


def render_job(
    job: Any, report: Report, images: dict[str, Image], templates: Templates | None = None
) -> bytes:
    return fill_job(job, report, images, templates).to_bytes(release=True)


def fill_job(
    job: Any, report: Report, images: dict[str, Image], templates: Templates | None = None
) -> Rendered:
    """One document of the year (the build's and the live preview's), kept in memory: its
    template filled with the report and the job's own context."""
    context = {**base_context(report), **dict(job.extra), "template_dirs": templates}
    return fill_template(template_path(job.template, templates), context, images)


def draw_specs(specs: list[ChartSpec]) -> list[bytes]:
    """PNGs of the specs; first, the CJK font (a clear error instead of boxes)."""
    if not specs:
        return []
    from generator.machine.fonts_probe import require_cjk_font

    require_cjk_font()
    return [draw_chart(s) for s in specs]


def _draw_then_render(
    payload: Payload, missing: list[ChartSpec], pngs: dict[str, bytes | None], jobs: list[Any],
    templates: Templates | None,
) -> tuple[list[bytes], list[bytes]]:  # fmt: skip
    return _local(payload.report(), missing, pngs, jobs, templates)


def _render_chunk(payload: Payload, jobs: list[Any], templates: Templates | None) -> list[bytes]:
    report = payload.report()
    return [render_job(job, report, {}, templates) for job in jobs]


def _extra(payload: Payload, make: Callable[[Report], bytes]) -> list[bytes]:
    return [make(payload.report())]


# --- the main process's side -----------------------------------------------------------------


def draw_and_render(
    report: Report, jobs: list[Any], workers: Workers | None, templates: Templates | None = None,
    data_dir: Path | None = None, extras: tuple[Callable[[Report], bytes], ...] = (),
) -> tuple[Charts, list[bytes], list[bytes]]:  # fmt: skip
    """Every chart and every document of `jobs` (in order), and the bytes of each of `extras`
    (top-level functions of the report, such as the workbook)."""
    charted = [j.kind == "disclosure" for j in jobs]
    specs = chart_specs(report) if any(charted) else []
    pngs: dict[str, bytes | None] = {s.name: chartcache.load(s) for s in specs}
    missing = [s for s in specs if pngs[s.name] is None]
    with_charts = [j for j, c in zip(jobs, charted, strict=True) if c]
    plain = [j for j, c in zip(jobs, charted, strict=True) if not c]
    if workers is None:
        drawn, first = _local(report, missing, pngs, with_charts, templates)
        rest = [render_job(job, report, {}, templates) for job in plain]
        made = [make(report) for make in extras]
    else:
        drawn, first, rest, made = _parallel(
            report, missing, pngs, with_charts, plain, workers, templates, extras
        )
    for spec, png in zip(missing, drawn, strict=True):
        chartcache.store(spec, png)
        pngs[spec.name] = png
    if data_dir is not None and specs:
        remember_charts(data_dir, specs)
    if data_dir is not None:
        remember_preset(data_dir, getattr(report.style, "fonts", None))
    charts = {s.name: (s.number, s.caption, pngs[s.name] or b"") for s in specs}
    first_iter, rest_iter = iter(first), iter(rest)
    return charts, [next(first_iter) if c else next(rest_iter) for c in charted], made


def _local(
    report: Report, missing: list[ChartSpec], pngs: dict[str, bytes | None], jobs: list[Any],
    templates: Templates | None,
) -> tuple[list[bytes], list[bytes]]:  # fmt: skip
    drawn = draw_specs(missing)
    full = {**pngs, **{s.name: png for s, png in zip(missing, drawn, strict=True)}}
    images = {name: Image(png) for name, png in full.items() if png is not None}
    return drawn, [render_job(job, report, images, templates) for job in jobs]


def _parallel(
    report: Report, missing: list[ChartSpec], pngs: dict[str, bytes | None],
    with_charts: list[Any], plain: list[Any], workers: Workers, templates: Templates | None,
    extras: tuple[Callable[[Report], bytes], ...],
) -> tuple[list[bytes], list[bytes], list[bytes], list[bytes]]:  # fmt: skip
    payload = Payload.of(report)
    first: Future | None = None
    if with_charts:
        first = workers.charts.submit(
            _draw_then_render, payload, missing, pngs, with_charts, templates
        )
    chunks = _chunks(plain, (workers.count + 1) * CHUNKS_PER_WORKER)
    tasks = [(_extra, payload, make) for make in extras]
    tasks += [(_render_chunk, payload, chunk, templates) for chunk in chunks]
    results = _dispatch(tasks, workers, first)
    drawn, rendered = first.result() if first is not None else ([], [])
    made = [data for result in results[: len(extras)] for data in result]
    return drawn, rendered, [data for chunk in results[len(extras) :] for data in chunk], made


def _dispatch(tasks: list[tuple], workers: Workers, first: Future | None) -> list[list[bytes]]:
    """Each task (function and arguments) to the next free worker: the document workers from
    the start, the chart worker once its own job is done. Results in task order."""
    pending = deque(range(len(tasks)))
    results: list[list[bytes]] = [[] for _ in tasks]
    running: dict[Future, tuple[ProcessPoolExecutor, int | None]] = {}

    def submit(pool: ProcessPoolExecutor) -> None:
        if pending:
            index = pending.popleft()
            running[pool.submit(*tasks[index])] = (pool, index)

    for _ in range(workers.count):
        submit(workers.documents)
    if first is None:
        submit(workers.charts)
    else:
        running[first] = (workers.charts, None)
    while running:
        done, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for future in done:
            pool, index = running.pop(future)
            if index is not None:
                results[index] = future.result()
            else:
                future.result()  # the chart job: raise its error now
            submit(pool)
    return results


def _chunks(jobs: list[Any], parts: int) -> list[list[Any]]:
    size = min(MAX_CHUNK, max(1, -(-len(jobs) // max(1, parts))))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]
