"""Many departments in one run (issue 13): each into OUT/<部门>/<年度>/, a broken one does not
stop the others, a table and summary.json at the end, exit 1 when any failed; OUT holds only
what batches write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, copy_data

from generator.batch import expand, is_batch, summary_table


def run_build(*args: str | Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GENERATOR_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", *map(str, args)],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def district(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of two departments: 甲 (data/2023) and 乙 (its copy with a broken figure)."""
    root = tmp_path_factory.mktemp("district")
    copy_data(data, root / "甲")
    copy_data(data, root / "乙", {
        "department.yaml": [("name: 中共广元市昭化区委组织部", "name: 乙部门")],
        "finance.yaml": [("general_budget: 912.26", "general_budget: 九百")],
    })  # fmt: skip
    return root


@pytest.fixture(scope="module")
def batch(district: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    out = tmp_path_factory.mktemp("batch") / "输出"
    cache = tmp_path_factory.mktemp("cache")
    return run_build(district, "-o", out, cache=cache), out, cache


def test_the_good_department_builds_and_the_broken_one_is_reported(batch: tuple) -> None:
    result, out, _ = batch
    assert result.returncode == 1, result.stderr
    (good,) = [p for p in out.iterdir() if p.is_dir()]
    manifest = json.loads((good / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert good.name == manifest["department"] == "中共广元市昭化区委组织部"
    assert len(manifest["files"]) > 30
    assert "general_budget" in result.stdout and "九百" in result.stdout  # the error shown
    for header in ("部门", "年度", "状态", "错误", "警告", "自评得分", "文件数"):
        assert header in result.stdout
    assert "成功 1 个，失败 1 个" in result.stdout


def test_summary_json_lists_both(batch: tuple) -> None:
    _, out, _ = batch
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["departments"], summary["succeeded"], summary["failed"]) == (2, 1, 1)
    failed, ok = summary["results"]  # in folder-name order: 乙 before 甲
    assert ok["status"] == "ok" and ok["year"] == 2023 and ok["files"] > 30 and ok["errors"] == 0
    assert ok["score"] == "98.14" and ok["warnings"] > 0
    assert failed["status"] == "failed" and failed["errors"] >= 1 and failed["files"] == 0
    assert failed["data_dir"].endswith("乙")


def test_the_batch_output_equals_a_single_build(batch: tuple, data: Path, tmp_path: Path) -> None:
    _, out, cache = batch
    single = tmp_path / "single"
    assert run_build(data, "-o", single, cache=cache).returncode == 0
    mine = out / "中共广元市昭化区委组织部" / "2023"
    files = sorted(p.relative_to(single) for p in single.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(mine) for p in mine.rglob("*") if p.is_file())
    assert all((single / f).read_bytes() == (mine / f).read_bytes() for f in files)


def test_a_foreign_file_in_out_stops_the_batch_untouched(
    district: Path, tmp_path: Path, batch: tuple
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "我的笔记.txt").write_text("keep", encoding="utf-8")
    result = run_build(district / "甲", district / "乙", "-o", out, cache=batch[2])
    assert result.returncode == 2 and "我的笔记.txt" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["我的笔记.txt"]


def test_batch_needs_out_and_no_project(district: Path, batch: tuple) -> None:
    no_out = run_build(district, cache=batch[2])
    assert no_out.returncode == 2 and "-o" in no_out.stderr
    project = run_build(district, "-o", district.parent / "x", "--project", "甲", cache=batch[2])
    assert project.returncode == 2 and "--project" in project.stderr


def test_folders_and_table(district: Path, data: Path) -> None:
    assert not is_batch([data])  # one data folder: today's build
    assert not is_batch([data / "projects"])  # no data below: today's build reports it
    assert is_batch([district]) and is_batch([data, data])
    assert expand([district]) == [district / "乙", district / "甲"]  # by name
    from generator.batch import Outcome

    table = summary_table([Outcome("d", "部门甲", 2023, "ok", 0, 2, "98.14", 37)])
    header, rule, row = table.splitlines()
    from generator.batch import _width

    at = _width(row[: row.index("2023")])
    assert at == _width(header[: header.index("年度")])  # CJK text counted two columns wide


def test_the_same_department_twice_the_later_one_is_refused(data: Path, tmp_path: Path) -> None:
    """Departments are built two at a time; the output folder still goes to the first of two
    that would share it, whichever finishes reading first."""
    root = tmp_path / "twice"
    for name in ("a", "b", "c"):
        copy_data(data, root / name)
    out = tmp_path / "输出"
    result = run_build(root, "-o", out, cache=tmp_path / "cache")
    assert result.returncode == 1, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    statuses = [(Path(r["data_dir"]).name, r["status"]) for r in summary["results"]]
    assert statuses == [("a", "ok"), ("b", "failed"), ("c", "failed")]
    assert "同一部门、同一年度" in summary["results"][1]["message"]
    assert (out / "中共广元市昭化区委组织部" / "2023" / "manifest.json").is_file()
