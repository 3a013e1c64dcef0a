"""Charts of the preview: the build's chart specs, keyed by content and drawn apart from documents.

`capture` takes the build's own chart specs (generator.charts.specs): each is plain data, drawn by
the build's `chartset.draw_chart`, and known by its content key (`spec.key`). A chart whose
inputs did not change keeps its key and its PNG. A new key is looked up in the build's chart
cache on disk (generator.charts.cache), else drawn in a warm worker process (matplotlib stays
imported there) and stored there for the next build or preview; documents render at once with
a stand-in image of the right size, and the page loads the real PNG by its key.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import zlib
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.charts import cache as chartcache
from generator.charts import specs as chartset
from generator.charts.specs import ChartSpec
from generator.read.placeholders import lenient_decimals, placeholders_in


@dataclass(frozen=True)
class ChartRef:
    """One chart of the report: its place, its content key and its spec (plain data, drawn by
    chartset.draw_chart); a chart whose inputs are placeholders has no spec to draw."""

    name: str
    number: int
    caption: str
    key: str
    spec: ChartSpec | None
    missing: tuple[int, ...] = ()


def capture(report: Any) -> list[ChartRef]:
    """The charts of `report` (the build's chart specs), without drawing any."""
    refs = []
    with lenient_decimals():
        for spec in chartset.chart_specs(report):
            missing = tuple(placeholders_in(spec))
            key = "missing-" + "-".join(map(str, missing)) if missing else spec.key
            drawn = None if missing else spec
            refs.append(ChartRef(spec.name, spec.number, spec.caption, key, drawn, missing))
    return refs


@lru_cache(maxsize=256)  # the same bytes for a key: made once (zlib at level 9 is slow)
def stub_png(key: str) -> bytes:
    """A blank PNG of the chart's size that carries its key (so the HTML can find it)."""
    from generator.charts import FIG_PX  # the build's size (matplotlib is not imported)

    width, height = FIG_PX

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"tEXt", b"preview-chart\x00" + key.encode("ascii"))
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


class ChartStore:
    """PNG of each chart key, drawn once in the background; the most recent keys are kept.

    With `workers` > 0 the drawing happens in that many worker processes (generator.preview.
    chartworker, started once and kept warm); with 0, in one thread of this process.
    """

    def __init__(self, workers: int = 1, keep: int = 64):
        self._lock = threading.Lock()
        self._futures: OrderedDict[str, Future[bytes]] = OrderedDict()
        self._keep = keep
        self._jobs: queue.Queue[tuple[ChartSpec, Future[bytes]] | None] = queue.Queue()
        self._workers = [_Worker(self._jobs) for _ in range(workers)]
        if not self._workers:
            self._workers.append(_Worker(self._jobs, in_process=True))

    def ensure(self, ref: ChartRef) -> Future[bytes] | None:
        """Start drawing `ref` unless its key is known; None for a chart that cannot be drawn."""
        if ref.spec is None:
            return None
        with self._lock:
            future = self._futures.get(ref.key)
            if future is not None:
                self._futures.move_to_end(ref.key)
                return future
            future = Future()
            self._jobs.put((ref.spec, future))
            self._futures[ref.key] = future
            while len(self._futures) > self._keep:
                self._futures.popitem(last=False)
            return future

    @property
    def drawn(self) -> int:
        """Charts drawn, not found in the build's chart cache (for tests)."""
        return sum(worker.drawn for worker in self._workers)

    def get(self, key: str) -> Future[bytes] | None:
        with self._lock:
            return self._futures.get(key)

    def retain(self, keys: set[str]) -> None:
        """Give up the charts not yet drawn that the current data no longer needs."""
        with self._lock:
            for key, future in list(self._futures.items()):
                if key not in keys and not future.done() and future.cancel():
                    del self._futures[key]

    def close(self, wait: float = 10.0) -> None:
        """Drop the charts not started, let the ones being drawn finish, end the workers."""
        with self._lock:
            for future in self._futures.values():
                future.cancel()
        for _ in self._workers:
            self._jobs.put(None)
        for worker in self._workers:
            worker.thread.join(timeout=wait)
            worker.stop()


class _Worker:
    """One drawing thread, feeding a warm worker process (or drawing itself)."""

    def __init__(
        self, jobs: queue.Queue[tuple[ChartSpec, Future[bytes]] | None], in_process: bool = False
    ):
        self.jobs = jobs
        self.in_process = in_process
        self.drawn = 0
        self.proc: subprocess.Popen[bytes] | None = None
        if not in_process:
            self._spawn()
        self.thread = threading.Thread(target=self._run, name="preview-chart", daemon=True)
        self.thread.start()

    def _spawn(self) -> None:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "generator.preview.chartworker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            self.proc = None
            self.in_process = True

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            spec, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._cached_or_drawn(spec))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
                future.set_exception(exc)

    def _cached_or_drawn(self, spec: ChartSpec) -> bytes:
        png = chartcache.load(spec)
        if png is None:
            png = self._draw(spec)
            self.drawn += 1
            chartcache.store(spec, png)
        return png

    def _draw(self, spec: ChartSpec) -> bytes:
        """In the worker process; if it fails, once more in a new one, then here."""
        for attempt in range(2):
            if self.in_process or self.proc is None:
                break
            try:
                send(self.proc.stdin, spec)
                ok, payload = receive(self.proc.stdout)
            except (OSError, EOFError, pickle.UnpicklingError):
                self.stop()
                if attempt == 0:
                    self._spawn()
                continue
            if not ok:
                raise RuntimeError(payload)
            return payload
        self.in_process = True
        return chartset.draw_chart(spec)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()


def send(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def receive(stream: Any) -> Any:
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack(">I", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)
