"""A head start for a build: its chart worker, started before the build's own modules are
imported.

The chart worker spends its first half second importing matplotlib, and the charts cannot be
drawn before the data is read. Started at the very beginning of `generator build` (from this
light module: it imports neither the model nor docxtpl), that import runs on the other core
while this process imports the rest and reads the data. Only when the charts are likely to
be drawn: when the last build of every folder left all its charts in the cache, a rebuild
draws nothing and needs no matplotlib.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator.charts import cache as chartcache
from generator.write import diskcache
from generator.write.workers import make_pool, warm_charts

_STARTED: ProcessPoolExecutor | None = None


def hint_key(data_dir: Path) -> str:
    return diskcache.digest(str(data_dir.resolve()))


def charts_probably_cached(data_dirs: list[Path]) -> bool:
    """Whether the last build of each folder left all its charts in the cache (then the chart
    worker need not import matplotlib ahead)."""
    for data_dir in data_dirs:
        hint = diskcache.load("hints", hint_key(data_dir))
        if hint is None or not chartcache.all_cached(hint.decode().split()):
            return False
    return True


def begin(data_dirs: list[Path]) -> None:
    """Start the chart worker now, where there are cores and charts to draw."""
    global _STARTED
    if _STARTED is not None or (os.cpu_count() or 1) < 2:
        return
    try:
        if not all(d.is_dir() for d in data_dirs) or charts_probably_cached(data_dirs):
            return
        _STARTED = make_pool(1, warm_charts)
    except Exception:  # noqa: BLE001 - only a head start: the build starts its workers itself
        _STARTED = None


def take() -> ProcessPoolExecutor | None:
    """The chart worker started by `begin`, now the caller's to shut down."""
    global _STARTED
    pool, _STARTED = _STARTED, None
    return pool


def discard() -> None:
    """Stop a chart worker nobody took (the build refused before it started its workers)."""
    pool = take()
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
