"""`python -m generator check` as a user runs it: broken inputs, the 2023 data, usage problems.

Every run is a real subprocess in a temporary folder holding a copy of data/2023 (with a case from
tests/fixtures/broken/ laid over it), started from that folder so file names print relative. The
runs are started together, a few at a time, so the module stays fast.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
SHOWN = "data/2023"  # the data folder as given on the command line, relative to the cwd
P01 = "projects/01-东西部协作人才交流项目.yaml"
P02 = "projects/02-干部暖心关爱帮扶基金经费.yaml"
P11 = "projects/11-干部健康体检经费.yaml"
SUMMARY = re.compile(r"共 (\d+) 个错误，(\d+) 个警告。")


@dataclass(frozen=True)
class Case:
    """A broken input and the finding it must produce."""

    name: str
    file: str  # relative to the data folder
    line: int
    field: str  # '' for findings without a field (syntax, encoding)
    message: str  # a fragment of the Chinese message
    bug: str = ""  # why the generator gets it wrong today (the tests named in `fails` xfail)
    fails: tuple[str, ...] = ("located",)


CASES = [
    Case("unclosed_bracket", "scoring.yaml", 6, "", "方括号列表没有闭合"),
    Case("bad_indentation", "finance.yaml", 27, "", "列表缩进不一致"),
    Case("wrong_type", "finance.yaml", 156, "reasons.total", "应为文字，实际为 列表"),
    Case("missing_required", P01, 7, "goal.target", "缺少必填字段"),
    Case(
        "negative_amount",
        "finance.yaml",
        41,
        "expenditure_by_function[2].project",
        "不能小于 0，实际为 “-102.88”",
    ),
    Case(
        "unknown_key",
        "finance.yaml",
        135,
        "operating_cost",
        "未知字段“operating_cost”，是否应为“operating_costs”？",
    ),
    Case(
        "duplicate_key", "finance.yaml", 12, "income.business", "字段“business”重复（第 11 行已有）"
    ),
    Case(
        "non_numeric_comma",
        "finance.yaml",
        7,
        "income.general_budget",
        "应为数字金额（如 912.26），实际为 “912,26”",
    ),
    Case(
        "non_numeric_no",
        P01,
        6,
        "funds.general_budget.executed",
        "应为数字金额（如 912.26），实际为 “no”",
    ),
    Case(
        "identity_error",
        "finance.yaml",
        109,
        "basic_by_economic.reported.personnel",
        "人员经费为 500，但其各经济分类科目之和为 396.22",
    ),
    Case(
        "income_mismatch",
        "finance.yaml",
        6,
        "income",
        "收入总计（本年收入合计+使用非财政拨款结余+年初结转和结余）为 900，但支出总计",
    ),
    Case("bad_indicator_target", P01, 14, "indicators[1].target", "年度指标值“大约五个”无法解析"),
    Case(
        "yaml_tag",
        "year.yaml",
        4,
        "unit",
        "不允许使用 YAML 标签 tag:yaml.org,2002:python/object/apply:os.system",
    ),
    Case("non_utf8", "year.yaml", 1, "", "文件不是 UTF-8 编码"),
    Case("unknown_score_key", P02, 84, "letter.scores.程序规范性", "程序规范性"),
    Case(
        "class_code_format",
        "finance.yaml",
        53,
        "expenditure_by_function[12].code",
        "应为 3、5 或 7 位科目编码",
    ),
]
BY_NAME = {c.name: c for c in CASES}


def _cases(test: str) -> list:
    """CASES as parameters of `test`, marked xfail where a known bug makes that test fail."""
    return [
        pytest.param(c, id=c.name, marks=pytest.mark.xfail(strict=True, reason=c.bug))
        if c.bug and test in c.fails
        else pytest.param(c, id=c.name)
        for c in CASES
    ]


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    cwd: Path

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def lines(self) -> list[str]:
        return self.output.splitlines()


def _workspace(base: Path, case: str | None) -> Path:
    """Copy data/2023 to base/data/2023, lay the case's files over it; base is the cwd."""
    data = base / "data" / "2023"
    shutil.copytree(DATA, data)
    if case is not None:
        shutil.copytree(BROKEN / case, data, dirs_exist_ok=True)
    return base


def _run(cwd: Path, *args: str) -> Run:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, cwd)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every run of this module, keyed by case name (or by the name of the scenario)."""
    jobs: dict[str, tuple[Path, tuple[str, ...]]] = {}
    for case in CASES:
        jobs[case.name] = (_workspace(tmp_path_factory.mktemp(case.name), case.name), (SHOWN,))
    clean = _workspace(tmp_path_factory.mktemp("clean"), None)
    jobs["clean"] = (clean, (SHOWN,))
    jobs["strict"] = (clean, (SHOWN, "--strict"))
    jobs["missing_folder"] = (clean, ("data/2022",))
    jobs["unknown_option"] = (clean, (SHOWN, "--bogus"))
    jobs["no_argument"] = (clean, ())
    missing_file = _workspace(tmp_path_factory.mktemp("missing_file"), None)
    (missing_file / SHOWN / "year.yaml").unlink()
    jobs["missing_file"] = (missing_file, (SHOWN,))
    workers = min(len(jobs), (os.cpu_count() or 2) + 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(_run, cwd, *args) for name, (cwd, args) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _prefix(file: str, line: int, level: str, field: str) -> str:
    where = f"{SHOWN}/{file}:{line}: {level}"
    return f"{where} [{field}] " if field else f"{where} "


def _finding(run: Run, file: str, line: int, level: str, field: str, message: str) -> str:
    """The one printed finding at file:line with that level and field whose text has message."""
    prefix = _prefix(file, line, level, field)
    hits = [text for text in run.lines() if text.startswith(prefix) and message in text]
    assert hits, f"no line starting {prefix!r} containing {message!r} in:\n{run.output}"
    return hits[0]


def _counts(run: Run) -> tuple[int, int]:
    match = SUMMARY.search(run.stdout)
    assert match, f"no summary line in:\n{run.output}"
    return int(match[1]), int(match[2])


# --- broken inputs ---------------------------------------------------------------------------


def test_every_fixture_folder_is_a_case() -> None:
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert folders == set(BY_NAME)


def test_every_case_is_listed_in_the_fixture_readme() -> None:
    readme = (ROOT / "tests" / "fixtures" / "README.md").read_text(encoding="utf-8")
    missing = [c.name for c in CASES if f"`{c.name}`" not in readme]
    assert not missing


@pytest.mark.parametrize("case", _cases("clean"))
def test_broken_case_fails_cleanly(runs: dict[str, Run], case: Case) -> None:
    run = runs[case.name]
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert f"{SHOWN}/{case.file}" in run.stdout
    errors, _ = _counts(run)
    assert errors >= 1


@pytest.mark.parametrize("case", _cases("located"))
def test_broken_case_is_located(runs: dict[str, Run], case: Case) -> None:
    _finding(runs[case.name], case.file, case.line, "错误", case.field, case.message)


def test_validation_errors_stop_before_the_audit(runs: dict[str, Run]) -> None:
    """A file that fails validation yields its own errors, not audit noise about missing data."""
    run = runs["negative_amount"]
    assert _counts(run) == (1, 0), run.output


def test_unknown_key_also_reports_the_missing_field(runs: dict[str, Run]) -> None:
    _finding(runs["unknown_key"], "finance.yaml", 6, "错误", "operating_costs", "缺少必填字段")


def test_identity_error_names_both_figures_and_the_tolerance(runs: dict[str, Run]) -> None:
    line = _finding(
        runs["identity_error"],
        "finance.yaml",
        109,
        "错误",
        "basic_by_economic.reported.personnel",
        "相差 103.78",
    )
    assert "超出四舍五入误差 0.06" in line  # 12 items, each rounded to 0.01


def test_yaml_tag_is_not_executed(runs: dict[str, Run]) -> None:
    run = runs["yaml_tag"]
    assert not list(run.cwd.rglob("PWNED"))


def test_bad_indicator_target_says_what_is_expected(runs: dict[str, Run]) -> None:
    line = _finding(
        runs["bad_indicator_target"], P01, 14, "错误", "indicators[1].target", "大约五个"
    )
    assert "比较符+数值+单位" in line


# --- the 2023 data ---------------------------------------------------------------------------


def _line_containing(file: str, needle: str) -> int:
    """1-based number of the first line of data/2023/file that contains needle."""
    for number, text in enumerate((DATA / file).read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {file}")


def test_data_2023_passes_without_errors(runs: dict[str, Run]) -> None:
    run = runs["clean"]
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    assert " 错误 " not in run.stdout
    errors, warnings = _counts(run)
    assert errors == 0
    assert warnings == sum(": 警告 " in text for text in run.lines())


# The reference document's own contradictions, which the data keeps and check reports.
REFERENCE_WARNINGS = [
    (
        "self_evaluation.yaml",
        "executed: 831.95",
        r"budget\.executed",
        "部门整体自评表全年执行数 831.95 万元与一般公共预算财政拨款支出 912.26 万元不同",
    ),
    (
        "self_evaluation.yaml",
        "目标实现-完成情况:",
        r"scores\.目标实现-完成情况",
        "自评得分 5 与公式计算结果 3.75 不符",
    ),
    (
        "self_evaluation.yaml",
        "预算结余率: 6.67",
        r"scores\.预算结余率",
        "自评得分 6.67 与公式计算结果 7.33 不符",
    ),
    (P02, "actual: ''", r"goal\.actual", "实际完成情况为空"),
    (P11, "actual: ''", r"goal\.actual", "实际完成情况为空"),
]


@pytest.mark.parametrize(
    ("file", "needle", "field", "message"),
    REFERENCE_WARNINGS,
    ids=["executed-831.95", "score-3.75", "score-7.33", "empty-actual-02", "empty-actual-11"],
)
def test_data_2023_lists_reference_contradictions_as_warnings(
    runs: dict[str, Run], file: str, needle: str, field: str, message: str
) -> None:
    line = _line_containing(file, needle)
    pattern = re.compile(
        rf"^{re.escape(f'{SHOWN}/{file}:{line}: 警告 [')}{field}\] .*{re.escape(message)}"
    )
    run = runs["clean"]
    assert any(pattern.search(text) for text in run.lines()), run.output


def test_strict_turns_warnings_into_failure(runs: dict[str, Run]) -> None:
    run = runs["strict"]
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert _counts(run) == _counts(runs["clean"])


# --- usage problems --------------------------------------------------------------------------


def test_missing_folder_is_a_usage_error(runs: dict[str, Run]) -> None:
    run = runs["missing_folder"]
    assert run.code == 2
    assert "Traceback" not in run.output
    assert "找不到数据文件夹" in run.stderr
    assert "data/2022" in run.stderr


def test_unknown_option_is_a_usage_error(runs: dict[str, Run]) -> None:
    run = runs["unknown_option"]
    assert run.code == 2
    assert "Traceback" not in run.output
    assert "无法识别的参数" in run.stderr
    assert "--bogus" in run.stderr


def test_missing_argument_is_a_usage_error(runs: dict[str, Run]) -> None:
    run = runs["no_argument"]
    assert run.code == 2
    assert "缺少参数" in run.stderr


def test_missing_file_is_a_data_error(runs: dict[str, Run]) -> None:
    run = runs["missing_file"]
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert f"{SHOWN}/year.yaml: 错误 缺少文件" in run.lines()


def test_an_amount_typed_in_prose_is_checked_against_the_data(tmp_path: Path) -> None:
    """The reference typed 实际预算921.26万元; the data now quotes {{ 全年预算 }} instead.
    Typed back by hand, the lint names the nearest figure."""
    data = tmp_path / "data" / "2023"
    shutil.copytree(DATA, data)
    path = data / "self_evaluation.yaml"
    text = path.read_text(encoding="utf-8")
    assert "{{ 全年预算 }}" in text
    path.write_text(text.replace("{{ 全年预算 }}", "921.26"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "data/2023"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    expected = "文字中的金额 921.26万元 与数据中的任何数字都不符，最接近的数据为 912.26万元"
    assert expected in run.stdout
