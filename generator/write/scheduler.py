"""Draw the charts and render the documents, in worker processes where there are cores.

Charts come from the disk cache (generator.charts.cache) where they were drawn before; only the
missing ones are drawn, by the chart worker (it imported matplotlib while the data was read),
which then renders the disclosure that holds them. Letters and 自评表 go out in small chunks to
whichever worker is free, the chart worker included once the disclosure is done. The report
is pickled once per build and unpickled once per worker (workers keep the last few).
"""

from __future__ import annotations

import io
import os
import pickle
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.charts import cache as chartcache
from generator.charts.specs import ChartSpec, chart_specs, draw_chart
from generator.model.report import Report
from generator.render import deferred
from generator.render.annexes import AnnexIndex, AnnexKey, body_markup
from generator.render.deferred import Deferred, Mismatch, Placement
from generator.render.docx import Image, Rendered, fill_template, plain_render
from generator.render.templatedirs import template_path
from generator.write import diskcache, headstart
from generator.write.headstart import hint_key
from generator.write.workers import make_pool, warm_charts, warm_documents

Charts = dict[str, tuple[int, str, bytes]]
Templates = tuple[Path, ...]
Bodies = dict[AnnexKey, str | Deferred]
Outcome = tuple[list[bytes], list[bytes], list[bytes], list[bytes]]  # drawn, charted, rest, extras
CHUNKS_PER_WORKER = 8  # small chunks: the chart worker, taking one, delays the disclosure little
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
    charts = headstart.take() or make_pool(1, warm)  # started early by the command, if at all
    return Workers(charts, make_pool(count, warm_documents), count)


# --- hints: were the charts of this data folder cached last time? ----------------------------


def remember_charts(data_dir: Path, specs: list[ChartSpec]) -> None:
    keys = " ".join(chartcache.chart_key(s) for s in specs)
    if diskcache.load("hints", hint_key(data_dir)) != keys.encode():
        diskcache.store("hints", hint_key(data_dir), keys.encode())


def remember_preset(data_dir: Path, preset: str | None) -> None:
    """The font preset of the folder's documents, for `prewarm` next time."""
    value = (preset or "").encode()
    if diskcache.load("presets", hint_key(data_dir)) != value:
        diskcache.store("presets", hint_key(data_dir), value)


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
    hint = diskcache.load("presets", hint_key(data_dir))
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
    job: Any, report: Report, images: dict[str, Image], templates: Templates | None = None,
    bodies: Bodies | None = None,
) -> bytes:  # fmt: skip
    """One document's bytes. Where the tables handed over typeset (generator.render.deferred)
    do not fit where the template places them, it is filled the whole way instead."""
    try:
        return fill_job(job, report, images, templates, bodies).to_bytes(release=True)
    except Mismatch:
        return fill_job(job, report, images, templates, None).to_bytes(release=True)


def fill_job(
    job: Any, report: Report, images: dict[str, Image], templates: Templates | None = None,
    bodies: Bodies | None = None,
) -> Rendered:  # fmt: skip
    """One document of the year (the build's and the live preview's), kept in memory: its
    template filled with the report and the job's own context; `bodies`, the annexed
    documents already rendered (generator.render.annexes)."""
    context = {**base_context(report), **dict(job.extra), "template_dirs": templates}
    return fill_template(template_path(job.template, templates), context, images, bodies)


def render_with_body(
    job: Any, report: Report, templates: Templates | None, placement: Placement | None,
    shell: Any = None,
) -> tuple[bytes, str | Deferred | None]:  # fmt: skip
    """A letter or 自评表: its bytes, and with `placement` (the disclosure's) its body for
    the disclosure's 第四部分 (the same template filled with the same context), its tables
    typeset there for the disclosure (generator.render.deferred; `shell`: the disclosure's,
    found here when not given)."""
    rendered = fill_job(job, report, {}, templates)
    if placement is None:
        return rendered.to_bytes(release=True), None
    body = body_markup(rendered.docx, placement.namespaces)
    serial = diskcache.digest(job.template, job.path)[:16]  # the job's own: unique in the year
    made = _deferred(body, placement, shell or disclosure_shell(placement, report), serial)
    if not isinstance(made, Deferred):
        return rendered.to_bytes(release=True), made
    return _typeset_once(rendered, made, lambda: fill_job(job, report, {}, templates)), made


def _typeset_once(rendered: Rendered, made: Deferred, again: Callable[[], Rendered]) -> bytes:
    """The standalone document with the tables typeset for the disclosure placed in it, where
    its own typesetting would make the same of them (generator.render.deferred); else, or if
    they do not fit, typeset as always (`again`: the document filled anew)."""
    from generator.render import docxfast

    if rendered.entry is None:
        return rendered.to_bytes(release=True)
    shell = docxfast.shell_for(rendered.entry, rendered.preset)
    prefix = deferred.w_prefix(rendered.docx.element.nsmap)
    if deferred.table_context(shell) != made.context or prefix is None:
        return rendered.to_bytes(release=True)
    try:
        rendered.register = deferred.into_document(rendered.docx.element.body, made, prefix)
        return rendered.to_bytes(release=True)
    except Mismatch:
        return again().to_bytes(release=True)


def _deferred(body: str, placement: Placement, shell: Any, serial: str) -> str | Deferred:
    """generator.render.deferred.defer, through the disk cache (by the body, the placement
    and the disclosure's shell, whose key covers the typesetting code). A body with nothing
    to defer is kept as None."""
    key = diskcache.digest(body, shell.key, str(placement.width), placement.nonce, serial)
    found = diskcache.load_object("deferred", key)
    if isinstance(found, Deferred) and found.nonce == placement.nonce:
        return found
    if found is None:
        return body
    made = deferred.defer(body, placement, shell, serial)
    diskcache.store_object("deferred", key, made if isinstance(made, Deferred) else None)
    return made


def disclosure_shell(placement: Placement, report: Report) -> Any:
    """The disclosure template's typeset shared parts for the report's preset (as its fill
    will use them)."""
    from generator.render import docxfast

    entry = docxfast.template_entry(placement.template)
    return docxfast.shell_for(entry, getattr(report.style, "fonts", None))


def draw_specs(specs: list[ChartSpec]) -> list[bytes]:
    """PNGs of the specs; first, the CJK font (a clear error instead of boxes)."""
    if not specs:
        return []
    from generator.machine.fonts_probe import require_cjk_font

    require_cjk_font()
    return [draw_chart(s) for s in specs]


def _render_chunk(
    payload: Payload, jobs: list[Any], templates: Templates | None, placement: Placement | None
) -> list[tuple[bytes, str | Deferred | None]]:
    report = payload.report()
    shell = disclosure_shell(placement, report) if placement is not None else None
    return [render_with_body(job, report, templates, placement, shell) for job in jobs]


def _render_charted(
    payload: Payload, jobs: list[Any], pngs: dict[str, bytes], bodies: Bodies,
    templates: Templates | None,
) -> list[bytes]:  # fmt: skip
    images = {name: Image(png) for name, png in pngs.items()}
    report = payload.report()
    return [render_job(job, report, images, templates, bodies) for job in jobs]


def _extra(payload: Payload, make: Callable[[Report], bytes]) -> list[bytes]:
    return [make(payload.report())]


# --- the main process's side -----------------------------------------------------------------


Early = Callable[[list[Any], list[bytes]], None]  # the letters' and 自评表' jobs and bytes


def draw_and_render(
    report: Report, jobs: list[Any], workers: Workers | None, templates: Templates | None = None,
    data_dir: Path | None = None, extras: tuple[Callable[[Report], bytes], ...] = (),
    early: Early | None = None,
) -> tuple[Charts, list[bytes], list[bytes]]:  # fmt: skip
    """Every chart and every document of `jobs` (in order), and the bytes of each of `extras`
    (top-level functions of the report, such as the workbook). The letters and 自评表 are
    rendered first; the documents with charts (the disclosure) then take their bodies."""
    charted = [j.kind == "disclosure" for j in jobs]
    specs = chart_specs(report) if any(charted) else []
    pngs: dict[str, bytes | None] = {s.name: chartcache.load(s) for s in specs}
    missing = [s for s in specs if pngs[s.name] is None]
    with_charts = [j for j, c in zip(jobs, charted, strict=True) if c]
    plain = [j for j, c in zip(jobs, charted, strict=True) if not c]
    work = _Work(report, missing, pngs, with_charts, plain, templates, extras)
    if workers is None:
        drawn, first, rest, made = work.local()
    else:
        drawn, first, rest, made = work.parallel(workers, early)
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


@dataclass
class _Work:
    """What one year's drawing and rendering does, in this process or in the workers."""

    report: Report
    missing: list[ChartSpec]
    pngs: dict[str, bytes | None]
    with_charts: list[Any]
    plain: list[Any]
    templates: Templates | None
    extras: tuple[Callable[[Report], bytes], ...]

    @cached_property
    def placement(self) -> Placement | None:
        """Hand the letters' and 自评表' bodies to the disclosure (not on the plain path, which
        is the reference the fast one is compared with): where its template places them."""
        if not self.with_charts or plain_render():
            return None
        import zipfile

        from generator.render import docxfast

        path = template_path(self.with_charts[0].template, self.templates)
        entry = docxfast.template_entry(path)
        with zipfile.ZipFile(io.BytesIO(entry.lean)) as archive:
            width = deferred.template_width(archive.read(docxfast.OWN_PART))
        # in every stand-in's token: no template holds the digest of itself, no text an element
        nonce = diskcache.digest("deferred", entry.digest)[:16]
        return Placement(path, entry.namespaces, width, nonce)

    def bodies(self, jobs: list[Any], made: list[tuple[bytes, str | Deferred | None]]) -> Bodies:
        index = AnnexIndex(self.report)
        found = (
            (index.key(j.template, dict(j.extra)), body)
            for j, (_, body) in zip(jobs, made, strict=True)
        )
        return {key: body for key, body in found if key is not None and body is not None}

    def images(self, drawn: list[bytes]) -> dict[str, bytes]:
        full = {**self.pngs, **{s.name: png for s, png in zip(self.missing, drawn, strict=True)}}
        return {name: png for name, png in full.items() if png is not None}

    def local(self) -> Outcome:
        report, templates = self.report, self.templates
        placement = self.placement
        shell = disclosure_shell(placement, report) if placement is not None else None
        made = [render_with_body(j, report, templates, placement, shell) for j in self.plain]
        drawn = draw_specs(self.missing)
        images = {name: Image(png) for name, png in self.images(drawn).items()}
        bodies = self.bodies(self.plain, made)
        first = [render_job(j, report, images, templates, bodies) for j in self.with_charts]
        extras = [make(report) for make in self.extras]
        return drawn, first, [data for data, _ in made], extras

    def parallel(
        self, workers: Workers, early: Early | None = None
    ) -> tuple[list[bytes], list[bytes], list[bytes], list[bytes]]:
        """The charts drawn by the chart worker while the others render the letters and
        自评表 (in chunks, to whichever worker is free); then the disclosure, to the first
        free worker, with the charts and the bodies; the extras last."""
        payload = Payload.of(self.report)
        chunks = _chunks(self.plain, (workers.count + 1) * CHUNKS_PER_WORKER)
        placement = self.placement
        tasks: list[tuple] = [
            (_render_chunk, payload, chunk, self.templates, placement) for chunk in chunks
        ]
        tasks += [(_extra, payload, make) for make in self.extras]
        draw = (draw_specs, self.missing) if self.missing else None

        def charted(results: list[Any], drawn: list[bytes]) -> tuple | None:
            """The disclosure, with the bodies of the chunks done (it fills the templates of
            the others itself)."""
            if not self.with_charts:
                return None
            done = [(c, r) for c, r in zip(chunks, results, strict=False) if r is not None]
            jobs = [job for chunk, _ in done for job in chunk]
            bodies = self.bodies(jobs, [pair for _, result in done for pair in result])
            return (_render_charted, payload, self.with_charts, self.images(drawn), bodies,
                    self.templates)  # fmt: skip

        eager = placement is None  # without bodies handed over, the disclosure fills them all

        def done(results: list[Any]) -> None:
            """The letters and 自评表 are made: given to `early` while the disclosure renders."""
            early(self.plain, [data for result in results for data, _ in result])

        finished = done if early is not None else None
        dispatch = _Dispatch(workers, tasks, len(chunks), draw, charted, eager, finished)
        results, drawn, first = dispatch.run()
        made = [pair for result in results[: len(chunks)] for pair in result]
        extras = [data for result in results[len(chunks) :] for data in result]
        return drawn, first, [data for data, _ in made], extras


class _Dispatch:
    """Tasks (function and arguments) to whichever worker is free, in order: the chart worker
    draws first (`draw`), the document workers take the chunks; once the charts and the first
    `needed` tasks are done, `then(results, drawn)` gives the task that needs them (the
    disclosure), which goes to the next free worker ahead of the rest; `done(results)` is then
    given the first `needed` results (the build writes those documents meanwhile)."""

    def __init__(
        self, workers: Workers, tasks: list[tuple], needed: int, draw: tuple | None,
        then: Callable[[list[Any], list[bytes]], tuple | None], eager: bool = True,
        done: Callable[[list[Any]], None] | None = None,
    ) -> None:  # fmt: skip
        self.tasks, self.needed, self.draw, self.then = tasks, needed, draw, then
        self.eager = eager
        self.free = [workers.charts] + [workers.documents] * workers.count
        self.pending = deque(range(len(tasks)))
        self.results: list[Any] = [None] * len(tasks)
        self.drawn: list[bytes] = []
        self.first: list[bytes] = []
        self.running: dict[Future, tuple[ProcessPoolExecutor, int]] = {}
        self.waiting = True  # for `then`
        self.drew = draw is not None  # the chunks started while the charts were drawn
        self.done: Callable[[list[Any]], None] | None = done

    def run(self) -> tuple[list[Any], list[bytes], list[bytes]]:
        if self.draw is not None:
            self._submit(self.free.pop(0), DRAW, self.draw)
        self._fill()
        while self.running:
            done, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
            for future in done:
                pool, index = self.running.pop(future)
                self.free.append(pool)
                self._record(index, future.result())
            self._fill()
            self._chunks_done()
        return self.results, self.drawn, self.first

    def _chunks_done(self) -> None:
        """Once the first `needed` tasks are done (the disclosure then renders alone), hand
        their results to `done` (the build writes those documents meanwhile)."""
        if self.done is None or any(self.results[i] is None for i in range(self.needed)):
            return
        done, self.done = self.done, None
        done(self.results[: self.needed])

    def _record(self, index: int, result: Any) -> None:
        if index == DRAW:
            self.drawn, self.draw = result, None
        elif index == THEN:
            self.first = result
        else:
            self.results[index] = result

    def _ready(self) -> bool:
        """The charts drawn, and the chunks done. Where the chunks hand no bodies over
        (`eager`) and drawing the charts left many of them still waiting to start: now (the
        disclosure fills its annexes itself, and the other workers no longer wait for it at the
        end). With every chart cached the chunks go first."""
        if not self.waiting or self.draw is not None:
            return False
        if all(self.results[i] is not None for i in range(self.needed)):
            return True
        waiting = sum(1 for i in self.pending if i < self.needed)
        return self.eager and self.drew and waiting >= EAGER_PENDING

    def _fill(self) -> None:
        while self.free:
            if self._ready():
                self.waiting = False
                task = self.then(self.results, self.drawn)
                if task is not None:
                    self._submit(self.free.pop(0), THEN, task)
            elif self.pending:
                index = self.pending.popleft()
                self._submit(self.free.pop(0), index, self.tasks[index])
            else:
                return

    def _submit(self, pool: ProcessPoolExecutor, index: int, task: tuple) -> None:
        self.running[pool.submit(*task)] = (pool, index)


EAGER_PENDING = 8  # chunks not started when the charts are done: start the disclosure anyway
DRAW, THEN = -1, -2  # the chart drawing and the dependent task, beside the tasks' indexes


def _chunks(jobs: list[Any], parts: int) -> list[list[Any]]:
    size = min(MAX_CHUNK, max(1, -(-len(jobs) // max(1, parts))))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]
