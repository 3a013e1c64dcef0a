"""The preview's engine: the lenient pipeline cached by input, and the rendered documents.

One worker thread does the work, so rendering never fights itself for the interpreter:
  1. on a change, prepare the year with the build's `prepare` in its lenient mode (only the
     files whose stamp changed are read again; a few ms);
  2. take the build's chart specs; a chart whose content key changed is drawn (by the build's
     `draw_chart`) in a warm process;
  3. render the documents with the build's own templates, the one the browser shows first,
     the others after it (the page can switch to any at once): fastdoc.py fills the template
     the build's way up to the body's XML (the annexes kept by what they read, annexmemo.py)
     and converts only the blocks whose XML changed; anything it does not know to be safe is
     rendered by the build's `fill_job` and converted whole;
  4. tell the page (Server-Sent Events) what changed: with the document shown, the parts of
     its HTML that changed, and the problems when they changed, in the same message.
What is kept is in state.py, the problems panel in problems.py, rendering in rendering.py.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.build import TEMPLATES, Job
from generator.errors import describe
from generator.findings import Finding
from generator.model.report import Report
from generator.preview.annexmemo import AnnexMemo
from generator.preview.chartstore import ChartRef, ChartStore
from generator.preview.events import Mailbox
from generator.preview.fastdoc import body_html, fill_body
from generator.preview.htmldoc import HtmlDoc, document_to_html
from generator.preview.problems import ProblemList
from generator.preview.rendering import Labels, real_images, stand_ins
from generator.preview.state import Computed, DocState, compute, doc_id, parts_patch, stamp
from generator.read.lenient import LenientReader
from generator.read.placeholders import lenient_decimals
from generator.render.docx import Image
from generator.render.templatedirs import template_dirs, template_path
from generator.write.scheduler import base_context, fill_job

__all__ = ["TEMPLATES", "DocState", "Engine", "gc_paused"]

BACKGROUND_PAUSE = 0.03  # s after the document shown is published: the page's requests first
_GC_LOCK = threading.Lock()
_GC_HOLDS = [0, False]  # threads pausing the collector, whether it was enabled before


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile (reference counting still frees memory)."""
    with _GC_LOCK:
        if _GC_HOLDS[0] == 0:
            _GC_HOLDS[1] = gc.isenabled()
            gc.disable()
        _GC_HOLDS[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_HOLDS[0] -= 1
            if _GC_HOLDS[0] == 0 and _GC_HOLDS[1]:
                gc.enable()


class Engine:
    """Keeps the last dataset, report, charts and documents warm; recomputes on change."""

    def __init__(
        self,
        data_dir: Path,
        out_dir: Path | None = None,
        templates: Path | None = None,
        chart_workers: int = 1,
        auto_pdf: bool = False,
    ):
        self.data_dir = data_dir.resolve()
        # the build's folders: `templates`, the data folder's own templates/, the defaults
        self.template_dirs = template_dirs(templates, self.data_dir)
        self.templates = self.template_dirs[0] if templates is not None else TEMPLATES
        self.out_dir = (out_dir or Path("output") / f"{self.data_dir.name}-preview").resolve()
        self.reader = LenientReader(self.data_dir)
        self.registry = self.reader.registry
        self.labels = Labels(self.registry)
        self.problems = ProblemList(self)
        self.charts = ChartStore(chart_workers)
        self.auto_pdf = auto_pdf
        self.cond = threading.Condition(threading.RLock())
        self.closed = False
        self.version = 0  # the data's version (bumped by every recompute)
        self.pending: set[Path] = set()
        self.changed_at = 0.0  # mtime of the newest change, for the page's refresh timing
        self.report: Report | None = None
        self.dataset: Any = None
        self.findings: list[Finding] = []
        self.report_problem: Finding | None = None
        self.stale_report = False
        self.chart_refs: list[ChartRef] = []
        self.images: dict[str, Image] = {}
        self.docs: dict[str, DocState] = {}
        self.focus: str | None = None
        self.listeners: list[Mailbox] = []
        self.pdfs: dict[str, dict[str, Any]] = {}
        self.timings: dict[str, float] = {}
        self.annexes = AnnexMemo()
        self.fallbacks: list[str] = []  # why documents were rendered the build's way (recent)
        self._published: tuple[Any, ...] = ()  # problems and documents the page was last told
        self._pdf_busy = False
        self._pdf_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.year_title = ""

    # -- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        self.recompute()
        self._thread = threading.Thread(target=self._loop, name="preview-worker", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        for q in list(self.listeners):
            q.put("")
        self.charts.close()

    def notify(self, paths: set[Path], newest_mtime: float | None = None) -> None:
        """Files changed (from the watcher): recompute before the next rendering."""
        with self.cond:
            self.pending |= paths
            self.changed_at = newest_mtime or time.time()
            self.timings["detect"] = max(0.0, time.time() - self.changed_at)
            self.cond.notify_all()

    # -- the worker ----------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.closed and not self.pending and self._next_stale() is None:
                    self.cond.wait(timeout=1.0)
                if self.closed:
                    return
                changed = bool(self.pending)
                self.pending.clear()
            try:
                if changed:
                    self._refresh()
                else:
                    target = self._next_stale()
                    if target is not None:
                        self.render(target)
            except Exception:  # noqa: BLE001 - the preview must survive anything
                traceback.print_exc()
                time.sleep(0.2)

    def _refresh(self) -> None:
        """What a change sets off before anything else: recompute, render the document shown,
        tell the page (one message: the problems and the changed parts). The cyclic garbage
        collector waits meanwhile (a full collection of this process takes tens of ms)."""
        with gc_paused():
            self.recompute(publish=False)
            target = self._next_stale()
            if target is None or target.id != self.focus or not target.fast:
                self.publish()  # no document shown that renders at once: say so now
            if target is not None:
                self.render(target, publish=True)
        if target is not None and target.id == self.focus:
            time.sleep(BACKGROUND_PAUSE)

    def _sig(self, doc: DocState) -> tuple[Any, ...]:
        return (self.version, stamp(template_path(doc.job.template, self.template_dirs)))

    def _next_stale(self) -> DocState | None:
        with self.cond:
            stale = [d for d in self.docs.values() if d.sig != self._sig(d)]
            if not stale:
                return None
            focused = [d for d in stale if d.id == self.focus]
            return focused[0] if focused else min(stale, key=lambda d: d.order)

    def _busy(self) -> bool:
        return bool(self.pending) or self._next_stale() is not None

    # -- the pipeline --------------------------------------------------------------------

    def recompute(self, publish: bool = True) -> None:
        """Read (changed files only), derive, audit, plan, capture charts; bump the version
        (and tell the page, unless `publish` is false: the caller does once it rendered)."""
        start = time.perf_counter()
        done = compute(self.reader, self.report)
        self.charts.retain({ref.key for ref in done.refs})
        for ref in done.refs:
            self.charts.ensure(ref)
        stubs, images = stand_ins(done.refs)
        with self.cond:
            self._keep(done)
            self.labels.remember(stubs)
            self.images = images
            self.version += 1
            self.docs = self._docs_for(done.jobs)
            if done.report is not None:
                self.year_title = f"{done.report.department.name} {done.report.year} 年度"
            self.timings["pipeline"] = time.perf_counter() - start
            self.cond.notify_all()
        if publish:
            self.publish()

    def _keep(self, done: Computed) -> None:
        self.dataset = done.dataset
        self.report = done.report
        self.findings = done.findings
        self.report_problem = done.problem
        self.stale_report = done.stale
        self.chart_refs = done.refs

    def _docs_for(self, jobs: list[Job]) -> dict[str, DocState]:
        """The documents of `jobs`, keeping the state (and rendering) of those already known."""
        docs = {}
        for order, job in enumerate(jobs):
            did = doc_id(job)
            state = self.docs.get(did) or DocState(did, job, order)
            state.job, state.order = job, order
            docs[did] = state
        return docs

    def render(self, doc: DocState, publish: bool = False) -> None:
        """Render one document (the build's template and job) and convert it to HTML; tell
        the page when its HTML changed, when nothing is left to render, or with `publish`."""
        with self.cond:
            report, images, sig = self.report, self.images, self._sig(doc)
        start = time.perf_counter()
        result, problem = self._convert(doc, report, images)
        seconds = time.perf_counter() - start
        with self.cond:
            changed = self._store(doc, sig, seconds, result, problem)
        if publish or changed or self._next_stale() is None:
            self.publish(doc if doc.id == self.focus else None)
        if self.auto_pdf and doc.id == self.focus and not problem:
            self._pdf_in_background(doc.id)

    def _convert(
        self, doc: DocState, report: Report | None, images: dict[str, Image]
    ) -> tuple[HtmlDoc | None, str]:
        """The HTML of `doc`, or why there is none: through fastdoc, else the build's way."""
        if report is None:
            return None, "数据无法计算，暂无文档"
        with lenient_decimals():
            try:
                result = self._fast(doc, report, images)
                doc.fast = True
                return result, ""
            except Exception as exc:  # noqa: BLE001 - the build's way says what it is
                doc.fast = False
                self.fallbacks = [*self.fallbacks[-9:], f"{doc.job.title}：{describe(exc)}"]
            try:
                rendered = fill_job(doc.job, report, images, self.template_dirs)
                middle = time.perf_counter()
                result = document_to_html(
                    rendered.docx,
                    self.labels.image_html,
                    self.labels.placeholder_html,
                    doc.cache,
                    rendered.styles,
                )
                doc.html_seconds = time.perf_counter() - middle
            except Exception as exc:  # noqa: BLE001 - one document failing keeps the others
                return None, describe(exc)
        return result, ""

    def _fast(self, doc: DocState, report: Report, images: dict[str, Image]) -> HtmlDoc:
        """fastdoc's HTML of `doc`: the context `fill_job` gives the template, the body filled
        the build's way, the blocks that changed converted."""
        dirs = self.template_dirs
        context = {**base_context(report), **dict(doc.job.extra), "template_dirs": dirs}
        template = template_path(doc.job.template, dirs)
        filled = fill_body(template, context, images, self.annexes)
        middle = time.perf_counter()
        result = body_html(
            filled, self.labels.image_html, self.labels.placeholder_html, doc.block_cache
        )
        doc.html_seconds = time.perf_counter() - middle
        return result

    def _store(
        self,
        doc: DocState,
        sig: tuple[Any, ...],
        seconds: float,
        result: HtmlDoc | None,
        problem: str,
    ) -> bool:
        """Keep a rendering (with the lock held); whether the document's HTML changed."""
        doc.sig = sig
        doc.seconds = seconds
        doc.error = problem
        before, base = doc.parts, doc.hash
        if result is not None:
            doc.parts, doc.blocks, doc.placeholders = (
                result.parts,
                result.blocks,
                result.placeholders,
            )
        new_hash = hashlib.sha1((doc.html + "\0" + problem).encode()).hexdigest()[:16]
        changed = new_hash != doc.hash
        doc.hash = new_hash
        doc.patch = {
            "doc": doc.id,
            "base": base,
            "hash": new_hash,
            "count": len(doc.parts),
            "edits": parts_patch(before, doc.parts) if changed else [],
            "error": problem,
            "changed_at": self.changed_at,
        }
        if doc.id == self.focus:  # the document shown: what the page waits for
            self.timings["render"] = seconds
            self.timings["html"] = doc.html_seconds
            if self.changed_at:
                self.timings["ready"] = time.time() - self.changed_at
        self.cond.notify_all()
        return changed

    # -- what the server asks ------------------------------------------------------------

    def doc(self, did: str, wait: float = 30.0) -> DocState | None:
        """The document `did`, rendered from the current inputs (waits up to `wait` s)."""
        deadline = time.monotonic() + wait
        with self.cond:
            self.focus = did
            self.cond.notify_all()
            while not self.closed:
                doc = self.docs.get(did)
                if doc is None:
                    return None
                if doc.sig == self._sig(doc) and not self.pending:
                    return doc
                left = deadline - time.monotonic()
                if left <= 0:
                    return doc
                self.cond.wait(timeout=min(left, 0.5))
        return None

    def set_focus(self, did: str | None) -> None:
        with self.cond:
            if did and did in self.docs:
                self.focus = did
                self.cond.notify_all()

    def summary(self) -> dict[str, Any]:
        """What the page compares to know what to fetch again."""
        with self.cond:
            docs = {d.id: d.hash for d in self.docs.values()}
            busy = self._busy()
            _, phash = self.problems.get()
            return {
                "version": self.version,
                "docs": docs,
                "problems": phash,
                "busy": busy,
                "changed_at": self.changed_at,
                "pdf": self.pdfs,
            }

    def state(self) -> dict[str, Any]:
        with self.cond:
            problems, phash = self.problems.get()
            docs = [_listed(d) for d in sorted(self.docs.values(), key=lambda d: d.order)]
            busy = self._busy() or any(
                not f.done()
                for f in (self.charts.get(r.key) for r in self.chart_refs)
                if f is not None
            )
            return {
                "title": self.year_title or self.data_dir.name,
                "busy": busy,
                "data_dir": str(self.data_dir),
                "version": self.version,
                "docs": docs,
                "problems": problems,
                "problems_hash": phash,
                "stale_report": self.stale_report,
                "changed_at": self.changed_at,
                "timings": dict(self.timings),
                "pdf": self.pdfs,
                "auto_pdf": self.auto_pdf,
            }

    def doc_json(self, doc: DocState) -> dict[str, Any]:
        with self.cond:
            return {
                "id": doc.id,
                "title": doc.job.title,
                "hash": doc.hash,
                "parts": doc.parts,
                "error": doc.error,
                "version": doc.sig[0] if doc.sig else 0,
                "seconds": round(doc.seconds, 3),
                "changed_at": self.changed_at,
            }

    # -- events --------------------------------------------------------------------------

    def subscribe(self) -> Mailbox:
        q = Mailbox()
        with self.cond:
            self.listeners.append(q)
        return q

    def unsubscribe(self, q: Mailbox) -> None:
        with self.cond:
            if q in self.listeners:
                self.listeners.remove(q)

    def publish(self, shown: DocState | None = None) -> None:
        """Tell every page the summary; with the state when the problems or the list of
        documents changed since the last message, and the patch of `shown` (the document the
        page shows, just rendered), so that the page needs to fetch neither."""
        with self.cond:
            message = self.summary()
            told = (message["problems"], tuple(message["docs"]), json.dumps(message["pdf"]))
            if told != self._published:
                message["state"] = self.state()
                self._published = told
            if shown is not None and shown.patch is not None:
                message["patch"] = shown.patch
            listeners = list(self.listeners)
        text = json.dumps(message, ensure_ascii=False)
        for q in listeners:
            q.put(text)

    # -- PDF -----------------------------------------------------------------------------

    def make_pdf(self, did: str) -> Path:
        """Render `did` with its real charts, write it to the output folder, convert it to PDF
        as `build --pdf` does (generator.render.pdf: one LibreOffice, the 目录 with its page
        numbers)."""
        from generator.render.pdf import PdfError, export_pdfs

        with self.cond:
            doc = self.docs.get(did)
            report, refs = self.report, list(self.chart_refs)
        if doc is None or report is None:
            raise PdfError("没有这份文档")
        images = real_images(self.charts, refs)
        with lenient_decimals():
            rendered = fill_job(doc.job, report, images, self.template_dirs)
            self.labels.write_out(rendered.docx)
            data = rendered.to_bytes()
        target = _inside(self.out_dir, doc.job.path)
        with self._pdf_lock:  # one conversion of a file at a time
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            pdf = export_pdfs([target])[0]
        rel = pdf.relative_to(self.out_dir).as_posix()
        with self.cond:
            self.pdfs[did] = {
                "path": rel,
                "version": doc.sig[0] if doc.sig else 0,
                "at": time.time(),
            }
        self.publish()
        return pdf

    def _pdf_in_background(self, did: str) -> None:
        with self.cond:
            if self._pdf_busy:
                return
            self._pdf_busy = True
        threading.Thread(
            target=self._pdf_until_current, args=(did,), name="preview-pdf", daemon=True
        ).start()

    def _pdf_until_current(self, did: str) -> None:
        """Make the PDF of `did` again until the data did not change while it was made."""
        try:
            while True:
                version = self.version
                try:
                    self.make_pdf(did)
                except Exception as exc:  # noqa: BLE001
                    with self.cond:
                        self.pdfs[did] = {"error": describe(exc), "at": time.time()}
                    self.publish()
                if self.version == version or self.closed:
                    break
        finally:
            with self.cond:
                self._pdf_busy = False


def _listed(d: DocState) -> dict[str, Any]:
    """A document as the page's list shows it."""
    return {
        "id": d.id,
        "title": d.job.title,
        "kind": d.job.kind,
        "group": d.group,
        "project": d.job.project,
        "hash": d.hash,
        "path": d.job.path,
        "error": d.error,
        "placeholders": len(d.placeholders),
        "rendered": bool(d.sig),
    }


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"输出路径越界：{relative}")
    return path
