"""Impossible or doubtful facts are findings (issue: nothing silently wrong). Each case edits
one line of a copy of data/examples and runs `check` in-process; the finding must name the
file, its line and the field, at the expected level."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from golden import EXAMPLES as EXAMPLES_DATA

from generator.cli import main

DATA = EXAMPLES_DATA
P01 = "projects/01-农村饮水安全工程维修养护.yaml"

CASES = [
    # (id, file, old, new, level, fragment of the message)
    ("score-over-points", P01, "    程序规范: 20", "    程序规范: 500", "错误", "超过该项分值 20"),
    ("negative-budget", P01, "    adjustment: 30.00", "    adjustment: -300.00", "错误", "为负数"),
    ("execution-over-100", P01, "    executed: 140.00", "    executed: 160.00", "警告", "超过 100%"),
    ("execution-far-over", P01, "    executed: 140.00", "    executed: 1400.00", "错误", "超过 150%"),
    ("car-count-no-amount", "finance.yaml", "    小型客车: {count: 1, amount: 22.50}",
     "    小型客车: {count: 1, amount: 0}", "错误", "金额为 0"),
    ("car-amount-no-count", "finance.yaml", "    轿车: {count: 0, amount: 0}",
     "    轿车: {count: 0, amount: 5}", "错误", "数量为 0"),
    ("reception-no-batches", "finance.yaml", "    domestic: {batches: 6, persons: 40, amount: 1.20}",
     "    domestic: {batches: 0, persons: 40, amount: 1.20}", "错误", "批次为 0"),
    ("procurement-over-spending", "finance.yaml",
     "procurement: {goods: 60.00, works: 150.00, services: 40.00, sme: 200.00, small_micro: 120.00}",
     "procurement: {goods: 6000.00, works: 150.00, services: 40.00, sme: 200.00, small_micro: 120.00}",
     "错误", "政府采购支出总额大于"),
    ("sme-over-total", "finance.yaml", "sme: 200.00, small_micro: 120.00}",
     "sme: 900.00, small_micro: 120.00}", "错误", "授予中小企业合同金额大于"),
    ("previous-year", "year.yaml", "previous_year: 2023", "previous_year: 2025", "错误", "上年应为 2023"),
    ("level-name", P01, "  - level1: 产出指标", "  - level1: 随便写写", "警告", "不是常用名称"),
    ("doubled-mark", P01, "  target: ", "  target: 完成。。", "警告", "标点重复"),
]  # fmt: skip


def _run(folder: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["check", str(folder)])
    return code, out.getvalue()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_doubtful_fact_is_a_located_finding(case: tuple, tmp_path: Path) -> None:
    _id, file, old, new, level, fragment = case
    data = _copy(tmp_path)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, output = _run(data)
    hits = [line for line in output.splitlines() if fragment in line and f": {level} " in line]
    assert hits, output
    assert Path(file).name in hits[0] and ":" in hits[0].split(f" {level}")[0]
    assert code == (1 if level == "错误" else 0), output


def test_duplicate_project_names_and_twins(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    source = data / P01
    shutil.copy(source, data / "projects" / "04-副本.yaml")
    shutil.copy(source, source.with_suffix(".yml"))
    code, output = _run(data)
    assert code == 1
    assert "项目名称与" in output and "重复" in output
    assert "同一个项目的两份文件" in output


def test_files_that_are_not_read_are_named(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    (data / P01).rename((data / P01).with_suffix(".txt"))
    code, output = _run(data)
    assert "01-农村饮水安全工程维修养护.txt" in output and "未被读取" in output


def test_negative_zero_is_zero(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    path = data / "finance.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  abroad: 0,", "  abroad: -0,", 1), encoding="utf-8")
    code, output = _run(data)
    assert code == 0, output
    assert "-0" not in output.replace("-0,", "")


def test_characters_the_gb2312_faces_cannot_print(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    year = data / "year.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "  fonts: gb2312\n", encoding="utf-8")
    dept = data / "department.yaml"
    text = dept.read_text(encoding="utf-8")
    dept.write_text(text.replace("name: ", "name: 䶮", 1), encoding="utf-8")
    code, output = _run(data)
    assert "无法显示这些字符" in output and "䶮" in output, output


def test_a_project_gone_since_the_last_build_is_named(tmp_path: Path) -> None:
    from generator.build import build

    data = _copy(tmp_path)
    out = tmp_path / "out"
    build(data, out)
    (data / "projects" / "02-农村供水水质检测.yaml").unlink()
    result = build(data, out)
    gone = [f.message for f in result.findings if "已不在数据中" in f.message]
    assert gone and "农村供水水质检测" in gone[0]
