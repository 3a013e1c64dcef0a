"""The preview's state: the lenient pipeline cached by input, and the rendered documents.

One worker thread does the work, so rendering never fights itself for the interpreter:
  1. on a change, re-read only the files whose stamp changed, then derive and audit (a few ms);
  2. capture the charts' calls; a chart whose inputs changed is drawn in a warm process;
  3. render the documents with the build's own templates and `_render_job`, the one the
     browser shows first, the others after it (the page can switch to any at once);
  4. convert each .docx to HTML and tell the page (Server-Sent Events) what changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import queue
import re
import threading
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.audit import audit_report
from generator.build import TEMPLATES, Job, base_context, plan_documents
from generator.derive import Report, derive_report
from generator.findings import Finding, Level, error, warning
from generator.fmt import wan
from generator.preview.chartcache import ChartRef, ChartStore, capture, stub_png
from generator.preview.htmldoc import HtmlDoc, TableCache, document_to_html
from generator.preview.lenient import (
    MARKER,
    LenientReader,
    Missing,
    MissingInt,
    clean_findings,
    lenient_decimals,
)
from generator.preview.warm import render_document, to_bytes
from generator.render import Image

GROUPS = {"disclosure": "部门决算公开", "letter": "自评报告", "table": "项目支出绩效自评表"}
FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


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


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return (-1, -1)


class Engine:
    """Keeps the last dataset, report, charts and documents warm; recomputes on change."""

    def __init__(self, data_dir: Path, out_dir: Path | None = None,
                 templates: Path = TEMPLATES, chart_workers: int = 1, auto_pdf: bool = False):
        self.data_dir = data_dir.resolve()
        self.templates = templates.resolve()
        self.out_dir = (out_dir or Path("output") / f"{self.data_dir.name}-preview").resolve()
        self.reader = LenientReader(self.data_dir)
        self.registry = self.reader.registry
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
        self.stubs: dict[str, ChartRef] = {}  # sha1 of a stand-in PNG -> its chart
        self.images: dict[str, Image] = {}
        self.docs: dict[str, DocState] = {}
        self.focus: str | None = None
        self.listeners: list[queue.Queue[str]] = []
        self.pdfs: dict[str, dict[str, Any]] = {}
        self.timings: dict[str, float] = {}
        self._problems_cache: tuple[Any, list[dict[str, Any]], str] | None = None
        self._pdf_busy = False
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
                    self.recompute()
                target = self._next_stale()
                if target is not None:
                    self.render(target)
            except Exception:  # noqa: BLE001 - the preview must survive anything
                traceback.print_exc()
                time.sleep(0.2)

    def _sig(self, doc: DocState) -> tuple[Any, ...]:
        return (self.version, _stamp(self.templates / doc.job.template))

    def _next_stale(self) -> DocState | None:
        with self.cond:
            stale = [d for d in self.docs.values() if d.sig != self._sig(d)]
            if not stale:
                return None
            focused = [d for d in stale if d.id == self.focus]
            return focused[0] if focused else min(stale, key=lambda d: d.order)

    # -- the pipeline --------------------------------------------------------------------

    def recompute(self) -> None:
        """Read (changed files only), derive, audit, plan, capture charts; bump the version."""
        start = time.perf_counter()
        dataset, findings, stale_files = self.reader.read()
        problem = None
        report: Report | None = None
        with lenient_decimals():
            try:
                report = derive_report(dataset)
            except Exception as exc:  # noqa: BLE001 - shown in the panel, the last report kept
                problem = error("", 0, "", "无法计算派生数字（文档显示上次可计算的结果）："
                                f"{_why(exc)}", "derive")
            if report is not None:
                try:
                    findings += clean_findings(audit_report(dataset, report))
                except Exception as exc:  # noqa: BLE001
                    findings.append(warning("", 0, "", f"审核未能全部完成：{_why(exc)}", "audit"))
        stale_report = report is None
        if report is None:
            report = self.report
        jobs: list[Job] = []
        refs: list[ChartRef] = []
        if report is not None:
            with lenient_decimals():
                try:
                    jobs = plan_documents(report)
                    refs = capture(report)
                except Exception as exc:  # noqa: BLE001
                    problem = error("", 0, "", f"无法列出文档：{_why(exc)}", "derive")
        self.charts.retain({ref.key for ref in refs})
        for ref in refs:
            self.charts.ensure(ref)
        stubs = {}
        images = {}
        for ref in refs:
            png = stub_png(ref.key)
            stubs[hashlib.sha1(png).hexdigest()] = ref
            images[ref.name] = Image(png)
        with self.cond:
            self.dataset = dataset
            self.report = report
            self.findings = findings
            self.report_problem = problem
            self.stale_report = stale_report or stale_files
            self.chart_refs = refs
            self.stubs.update(stubs)
            while len(self.stubs) > 512:
                self.stubs.pop(next(iter(self.stubs)))
            self.images = images
            self.version += 1
            docs = {}
            for order, job in enumerate(jobs):
                did = doc_id(job)
                old = self.docs.get(did)
                state = old or DocState(did, job, order)
                state.job, state.order = job, order
                docs[did] = state
            self.docs = docs
            if report is not None:
                self.year_title = f"{report.department.name} {report.year} 年度"
            self.timings["pipeline"] = time.perf_counter() - start
            self.cond.notify_all()
        self.publish()

    def render(self, doc: DocState) -> None:
        """Render one document (the build's template and job) and convert it to HTML."""
        with self.cond:
            report, images, sig = self.report, self.images, self._sig(doc)
        start = time.perf_counter()
        result: HtmlDoc | None = None
        problem = ""
        if report is None:
            problem = "数据无法计算，暂无文档"
        else:
            try:
                with lenient_decimals():
                    rendered = self._render(doc.job, report, images)
                middle = time.perf_counter()
                result = document_to_html(rendered.docx, self._image_html,
                                          self._placeholder_html, doc.cache)
                self.timings["html"] = time.perf_counter() - middle
            except Exception as exc:  # noqa: BLE001 - one document failing keeps the others
                problem = _why(exc)
        seconds = time.perf_counter() - start
        with self.cond:
            doc.sig = sig
            doc.seconds = seconds
            doc.rendered_at = time.time()
            doc.error = problem
            if result is not None:
                doc.parts, doc.blocks, doc.placeholders = result.parts, result.blocks, \
                    result.placeholders
            new_hash = hashlib.sha1((doc.html + "\0" + problem).encode()).hexdigest()[:16]
            changed = new_hash != doc.hash
            doc.hash = new_hash
            self.timings["render"] = seconds
            if doc.id == self.focus and self.changed_at:
                self.timings["ready"] = time.time() - self.changed_at
            self.cond.notify_all()
        if changed or self._next_stale() is None:
            self.publish()
        if self.auto_pdf and doc.id == self.focus and not problem:
            self._pdf_in_background(doc.id)

    def _render(self, job: Job, report: Report, images: dict[str, Image]) -> Any:
        """The build's `_render_job` with warm templates (tests check the bytes are equal)."""
        context = {**base_context(report), **dict(job.extra)}
        return render_document(self.templates / job.template, context, images)

    # -- HTML pieces ----------------------------------------------------------------------

    def _image_html(self, blob: bytes, cx: int, cy: int) -> str | None:
        ref = self.stubs.get(hashlib.sha1(blob).hexdigest())
        if ref is None:
            return None
        size = f"width:{cx}px;height:{cy}px" if cx and cy else ""
        if ref.missing:
            inner = self._placeholder_html(list(ref.missing), "图表待填")
            return f'<span class="chart-missing" style="{size}">{inner}</span>'
        alt = html.escape(f"图{ref.number}：{ref.caption}")
        return (f'<img class="chart" data-chart="{ref.name}" alt="{alt}" '
                f'src="/chart/{ref.key}.png" style="{size}">')

    def _placeholder_html(self, ids: list[int], what: str = "待填") -> str:
        items = [p for p in (self.registry.get(i) for i in ids) if p is not None]
        if not items:
            return f'<mark class="ph" data-ph="{" ".join(map(str, ids))}">【{what}】</mark>'
        first = items[0]
        more = f" 等{len(items)}项" if len(items) > 1 else ""
        title = "\n".join(f"{p.file}:{p.line} {p.field}：{p.message}" for p in items)
        return (f'<mark class="ph" data-ph="{" ".join(str(p.id) for p in items)}" '
                f'title="{html.escape(title)}">【{what}：{html.escape(first.field)}{more}】</mark>')

    def readable(self, data: bytes) -> bytes:
        """A .docx with its markers written out as 【待填：字段】 (for the PDF)."""
        def label(match: re.Match[str]) -> str:
            ids = [int(i) for i in match.group(1).split(",")]
            items = [p for p in (self.registry.get(i) for i in ids) if p is not None]
            name = items[0].field if items else ""
            return html.escape(f"【待填：{name}】" if name else "【待填】", quote=False)

        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                    text = body.decode("utf-8")
                    if "⟦" in text:
                        body = MARKER.sub(label, text).encode("utf-8")
                dst.writestr(info, body)
        return out.getvalue()

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
            busy = bool(self.pending) or self._next_stale() is not None
            _, _, phash = self._problems()
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
            problems, _, phash = self._problems()
            docs = []
            for d in sorted(self.docs.values(), key=lambda d: d.order):
                docs.append({
                    "id": d.id, "title": d.job.title, "kind": d.job.kind, "group": d.group,
                    "project": d.job.project, "hash": d.hash, "path": d.job.path,
                    "error": d.error, "placeholders": len(d.placeholders),
                    "rendered": bool(d.sig),
                })
            busy = bool(self.pending) or self._next_stale() is not None or any(
                not f.done() for f in (self.charts.get(r.key) for r in self.chart_refs)
                if f is not None)
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
            return {"id": doc.id, "title": doc.job.title, "hash": doc.hash, "parts": doc.parts,
                    "error": doc.error, "version": doc.sig[0] if doc.sig else 0,
                    "seconds": round(doc.seconds, 3), "changed_at": self.changed_at}

    # -- problems ------------------------------------------------------------------------

    def _problems(self) -> tuple[list[dict[str, Any]], Any, str]:
        key = (self.version, tuple((d.id, d.hash) for d in self.docs.values()))
        if self._problems_cache is not None and self._problems_cache[0] == key:
            cached = self._problems_cache
            return cached[1], key, cached[2]
        findings = list(self.findings)
        if self.report_problem is not None:
            findings.insert(0, self.report_problem)
        items = [self._problem(f) for f in findings]
        for d in sorted(self.docs.values(), key=lambda d: d.order):
            if d.error:
                items.append({
                    "level": "error", "level_text": Level.ERROR.value,
                    "file": f"templates/{d.job.template}", "line": 0, "field": "",
                    "message": f"《{d.job.title}》无法生成：{d.error}", "code": "render",
                    "source": None, "target": {"doc": d.id},
                })
        items.sort(key=lambda p: (p["level"] != "error", p["file"], p["line"]))
        digest = hashlib.sha1(json.dumps(items, ensure_ascii=False, sort_keys=True)
                              .encode()).hexdigest()[:16]
        self._problems_cache = (key, items, digest)
        return items, key, digest

    def _problem(self, f: Finding) -> dict[str, Any]:
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
        if not file:
            return None
        try:
            path = Path(file)
            path = path if path.is_absolute() else Path.cwd() / path
            return path.resolve().relative_to(self.data_dir).as_posix()
        except (ValueError, OSError):
            return None

    def _preferred(self, file: str) -> list[DocState]:
        docs = sorted(self.docs.values(), key=lambda d: d.order)
        name = Path(file).name
        project = None
        if self.dataset is not None:
            for i, doc in enumerate(self.dataset.projects):
                if doc.name == file and self.report is not None and i < len(self.report.projects):
                    project = self.report.projects[i].name
        if project is not None:
            first = [d for d in docs if d.job.project == project]
        elif name in ("self_evaluation.yaml", "scoring.yaml"):
            first = [d for d in docs if d.job.kind == "letter" and d.job.project is None]
        else:
            first = [d for d in docs if d.job.kind == "disclosure"]
        return first + [d for d in docs if d not in first]

    def _target(self, f: Finding) -> dict[str, Any] | None:
        ids = [p.id for p in self.registry.all() if p.file == f.file and (
            not f.field or p.field == f.field or p.field.startswith(f.field + ".")
            or p.field.startswith(f.field + "["))]
        preferred = self._preferred(f.file)
        if ids:
            for d in preferred:
                hit = [i for i in ids if i in d.placeholders]
                if hit:
                    return {"doc": d.id, "ph": hit}
        needle = self._needle(f)
        if needle is None:
            return None
        pattern = needle
        for d in preferred:
            for bid, text in d.blocks:
                if pattern.search(text):
                    return {"doc": d.id, "block": bid}
        return None

    def _needle(self, f: Finding) -> re.Pattern[str] | None:
        if self.dataset is None or not f.field:
            return None
        doc = next((d for d in [*self.dataset.files.values(), *self.dataset.projects]
                    if d.name == f.file), None)
        if doc is None:
            return None
        value: Any = doc.content
        for name, index in FIELD_PART.findall(f.field):
            if index:
                i = int(index) - 1
                value = value[i] if isinstance(value, list) and 0 <= i < len(value) else None
            else:
                value = value.get(name) if isinstance(value, dict) else None
            if value is None:
                return None
        if isinstance(value, (Missing, MissingInt, bool)):
            return None
        if isinstance(value, Decimal):
            shown = wan(value)
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

    # -- events --------------------------------------------------------------------------

    def subscribe(self) -> queue.Queue[str]:
        q: queue.Queue[str] = queue.Queue()
        with self.cond:
            self.listeners.append(q)
        return q

    def unsubscribe(self, q: queue.Queue[str]) -> None:
        with self.cond:
            if q in self.listeners:
                self.listeners.remove(q)

    def publish(self) -> None:
        message = json.dumps(self.summary(), ensure_ascii=False)
        with self.cond:
            listeners = list(self.listeners)
        for q in listeners:
            q.put(message)

    # -- PDF -----------------------------------------------------------------------------

    def make_pdf(self, did: str) -> Path:
        """Render `did` with its real charts, write it to the output folder, convert to PDF."""
        from generator.preview.pdf import PdfError, to_pdf

        with self.cond:
            doc = self.docs.get(did)
            report, refs = self.report, list(self.chart_refs)
        if doc is None or report is None:
            raise PdfError("没有这份文档")
        images = {}
        for ref in refs:
            future = self.charts.ensure(ref)
            png = stub_png(ref.key)
            if future is not None:
                with contextlib.suppress(Exception):  # a chart that fails stays blank
                    png = future.result(timeout=120)
            images[ref.name] = Image(png)
        with lenient_decimals():
            data = self.readable(to_bytes(self._render(doc.job, report, images)))
        target = _inside(self.out_dir, doc.job.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        pdf = to_pdf(target)
        rel = pdf.relative_to(self.out_dir).as_posix()
        with self.cond:
            self.pdfs[did] = {"path": rel, "version": doc.sig[0] if doc.sig else 0,
                              "at": time.time()}
        self.publish()
        return pdf

    def _pdf_in_background(self, did: str) -> None:
        with self.cond:
            if self._pdf_busy:
                return
            self._pdf_busy = True

        def run() -> None:
            try:
                while True:
                    version = self.version
                    try:
                        self.make_pdf(did)
                    except Exception as exc:  # noqa: BLE001
                        with self.cond:
                            self.pdfs[did] = {"error": _why(exc), "at": time.time()}
                        self.publish()
                    if self.version == version or self.closed:
                        break
            finally:
                with self.cond:
                    self._pdf_busy = False

        threading.Thread(target=run, name="preview-pdf", daemon=True).start()


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"输出路径越界：{relative}")
    return path


def _why(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < 400 else text[:400] + "…"

