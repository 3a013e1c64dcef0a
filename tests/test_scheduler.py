"""The build's dispatch (generator.write.scheduler._Dispatch): the charts first, the chunks to
whichever worker is free, the disclosure once the charts are drawn and the chunks done, or at
once when many chunks are still waiting; every result in its place."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from generator.write.scheduler import EAGER_PENDING, Workers, _Dispatch

LOG: list[str] = []
LOCK = threading.Lock()


def note(name: str, seconds: float = 0.0) -> str:
    time.sleep(seconds)
    with LOCK:
        LOG.append(name)
    return name


def run(chunks: int, draw_seconds: float, draw: bool = True) -> tuple[list, list, list, list[int]]:
    LOG.clear()
    workers = Workers(ThreadPoolExecutor(1), ThreadPoolExecutor(1), 1)
    tasks = [(note, f"chunk{i}", 0.01) for i in range(chunks)] + [(note, "extra")]
    seen: list[int] = []

    def then(results: list, drawn: list) -> tuple:
        seen.append(sum(r is not None for r in results[:chunks]))
        assert drawn == ("drawn" if draw else [])
        return (note, "disclosure")

    try:
        results, drawn, first = _Dispatch(
            workers, tasks, chunks, (note, "drawn", draw_seconds) if draw else None, then
        ).run()
    finally:
        workers.shutdown()
    return results, drawn, first, seen


def test_the_disclosure_waits_for_a_few_chunks() -> None:
    results, drawn, first, seen = run(3, 0.05)
    assert results == ["chunk0", "chunk1", "chunk2", "extra"]
    assert drawn == "drawn" and first == "disclosure"
    assert seen == [3]  # all the chunks were done when it went
    assert LOG.index("disclosure") > max(LOG.index(f"chunk{i}") for i in range(3))


def test_the_disclosure_goes_at_once_when_many_chunks_wait() -> None:
    chunks = EAGER_PENDING * 4
    results, _, first, seen = run(chunks, 0.0)
    assert results[:chunks] == [f"chunk{i}" for i in range(chunks)]
    assert first == "disclosure" and len(seen) == 1
    assert seen[0] < chunks  # it did not wait for all of them
    assert LOG.count("disclosure") == 1


def test_with_every_chart_cached_the_disclosure_takes_all_the_bodies() -> None:
    chunks = EAGER_PENDING * 4
    _, _, first, seen = run(chunks, 0.0, draw=False)
    assert first == "disclosure" and seen == [chunks]
