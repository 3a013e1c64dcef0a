"""How a save reaches the page: the watcher (inotify on Linux), the engine's one message with
the problems and the changed parts of the document shown, the stream woken by it. No timings
here: bench/bench_preview.py measures them; waits below only bound a test that would hang."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.preview import watch
from generator.preview.engine import Engine
from generator.preview.events import Mailbox
from generator.preview.watch import Watcher

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
PREVIOUS = "  income_total: 753.82 "


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    data = tmp_path / "2023"
    shutil.copytree(DATA, data)
    running = Engine(data, tmp_path / "out", chart_workers=0)
    running.recompute()
    for doc in running.docs.values():
        running.render(doc)
    yield running
    running.close()


def messages(q: Mailbox) -> list[dict]:
    out = []
    while not q.empty():
        out.append(json.loads(q.get_nowait()))
    return out


def save(engine: Engine, old: str, new: str) -> None:
    path = engine.data_dir / "finance.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    engine.notify({path})


def test_one_message_brings_the_changed_parts_of_the_document_shown(engine: Engine) -> None:
    disclosure = next(d for d in engine.docs.values() if d.job.kind == "disclosure")
    engine.set_focus(disclosure.id)
    shown, base = list(disclosure.parts), disclosure.hash
    q = engine.subscribe()
    save(engine, PREVIOUS, "  income_total: 700 ")
    engine._refresh()
    (message,) = messages(q)  # recomputed and rendered: told once
    patch = message["patch"]
    assert patch["doc"] == disclosure.id and patch["base"] == base
    assert patch["hash"] == message["docs"][disclosure.id] == disclosure.hash != base
    parts = list(shown)
    for start, removed, added in patch["edits"]:
        parts[start : start + removed] = added
    assert parts == disclosure.parts and len(parts) == patch["count"]
    assert sum(len(added) for _, _, added in patch["edits"]) < len(parts) / 4
    assert "增加212.26万元" in "".join(added for _, _, a in patch["edits"] for added in a)


def test_new_problems_come_in_the_same_message(engine: Engine) -> None:
    disclosure = next(d for d in engine.docs.values() if d.job.kind == "disclosure")
    engine.set_focus(disclosure.id)
    q = engine.subscribe()
    engine.publish()
    messages(q)
    save(engine, PREVIOUS, "  income_total: 七百 ")
    engine._refresh()
    (message,) = messages(q)
    state = message["state"]
    assert state["problems_hash"] == message["problems"]
    assert any(p["field"] == "previous.income_total" for p in state["problems"])
    assert "previous.income_total" in json.dumps(message["patch"]["edits"], ensure_ascii=False)
    engine.publish()
    assert "state" not in messages(q)[0]  # unchanged problems: not sent again


def test_a_message_wakes_the_stream_waiting_for_it() -> None:
    async def main() -> list[bool]:
        box = Mailbox()
        box.attach()
        threading.Timer(0.05, box.put, args=("一",)).start()
        got = await box.wait(30)
        first = box.get_nowait()
        box.wake()  # woken without a message (the server stops): nothing waiting
        return [got, first == "一", not await box.wait(30)]

    assert asyncio.run(main()) == [True, True, True]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_the_kernel_says_when_a_file_was_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "SAFETY", 3600.0)  # no snapshot but those inotify asks for
    (tmp_path / "projects").mkdir()
    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    seen: list[set[Path]] = []
    done = threading.Event()

    def changed(paths: set[Path], _mtime: float) -> None:
        seen.append(paths)
        done.set()

    watcher = Watcher([tmp_path], changed)
    watcher.start()
    try:
        assert watcher.inotify is not None
        for path in (tmp_path / "a.yaml", tmp_path / "projects" / "01-新.yaml"):
            done.clear()
            path.write_text("a: 2\n", encoding="utf-8")
            assert done.wait(30), path
            assert seen[-1] == {path}
        done.clear()
        (tmp_path / ".#a.yaml").write_text("x", encoding="utf-8")  # an editor's lock: ignored
        (tmp_path / "a.yaml").unlink()
        assert done.wait(30)
        assert seen[-1] == {tmp_path / "a.yaml"}
    finally:
        watcher.stop()
        deadline = time.monotonic() + 10
        while watcher._thread is not None and watcher._thread.is_alive():
            assert time.monotonic() < deadline, "the watcher did not stop"
            time.sleep(0.01)
