"""bench/bench_preview.py is honest about its baseline: a naive build that fails, or that
writes nothing, ends the benchmark instead of giving a ratio."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    path = ROOT / "bench" / "bench_preview.py"
    spec = importlib.util.spec_from_file_location("bench_preview", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def done(code: int, out: str = "", err: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(["naive_build.py"], code, out, err)


def test_a_failing_baseline_ends_the_benchmark(bench: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(SystemExit) as stopped:
        bench.check_baseline(done(1, "1 files\n", "Traceback …\nKeyError: 'annex'"), tmp_path)
    assert "退出码 1" in str(stopped.value) and "KeyError" in str(stopped.value)


def test_a_baseline_that_writes_nothing_ends_the_benchmark(
    bench: ModuleType, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit):
        bench.check_baseline(done(0, "0 files\n"), tmp_path)
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(SystemExit):  # not the files it says it wrote
        bench.check_baseline(done(0, "36 files\n"), tmp_path)
    assert bench.check_baseline(done(0, "1 files\n"), tmp_path) == 1


def test_the_real_baseline_on_a_folder_it_cannot_build_ends_the_benchmark(
    bench: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "finance.yaml").write_text("这不是: [有效\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        bench.naive_rebuild(tmp_path, runs=1)
    assert "naive_build.py" in str(stopped.value)
