"""Worker processes for the build: started by `fork` or `spawn`, and never outliving the build.

The start method is `fork` where the platform has it (workers start in a few milliseconds and
import while the main process reads the data), else `spawn` (Windows, and macOS's default);
`GENERATOR_START_METHOD=spawn` (or `forkserver`) chooses another. Everything a worker runs is a
top-level function of an importable module and gets what it needs as arguments, so nothing
depends on memory inherited through `fork`.

Each worker watches its parent: multiprocessing gives every child a sentinel of its parent (a
pipe whose other end only the parent holds, or the parent's process handle on Windows) that
becomes ready when the parent ends, however it ends — kill -9 included. A daemon thread waits
on it (and, on POSIX, for the worker being handed to another parent) and ends the worker at
once. Workers ignore Ctrl-C: the main process handles it and shuts them down.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait

from generator.errors import UsageError

START_METHOD_ENV = "GENERATOR_START_METHOD"
POLL_SECONDS = 0.25


def start_method() -> str:
    """The start method for workers: the environment's choice, else fork where available."""
    available = multiprocessing.get_all_start_methods()
    chosen = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if chosen:
        if chosen not in available:
            methods = "、".join(available)
            raise UsageError(f"环境变量 {START_METHOD_ENV}={chosen} 无效，可用：{methods}")
        return chosen
    return "fork" if "fork" in available else "spawn"


def watch_parent() -> None:
    """Start the thread that ends this worker when its parent ends."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    ppid = os.getppid() if sys.platform != "win32" else None
    thread = threading.Thread(
        target=_watch, args=(parent.sentinel, ppid), name="parent-watch", daemon=True
    )
    thread.start()


def _watch(sentinel: int, ppid: int | None) -> None:
    while True:
        if wait([sentinel], timeout=POLL_SECONDS):
            os._exit(1)
        if ppid is not None and os.getppid() != ppid:  # handed to init or a subreaper
            os._exit(1)


def _quiet_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_documents() -> None:
    """Worker start-up (while the main process reads the data): watch the parent, import
    docxtpl."""
    watch_parent()
    _quiet_interrupts()
    _import_docxtpl()


def warm_charts() -> None:
    """As `warm_documents`, what the charts draw with first (matplotlib's figure and its Agg
    canvas; the charts do without pyplot): the chart worker draws before it renders."""
    watch_parent()
    _quiet_interrupts()
    from generator.charts.mpl import import_for_drawing

    import_for_drawing()
    _import_rendering()


def _import_rendering() -> None:
    """What drawing and rendering the disclosure import (the model, the render stage,
    docxtpl): a worker started before the build imported them would import them on its first
    task, after the charts, where the disclosure waits."""
    import generator.write.scheduler  # noqa: F401


def _import_docxtpl() -> None:
    import docxtpl  # noqa: F401


def make_pool(count: int, warm: Callable[[], None]) -> ProcessPoolExecutor:
    """A pool of `count` workers, all started now."""
    context = multiprocessing.get_context(start_method())
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=warm)
    for _ in range(count):
        pool.submit(int)
    return pool
