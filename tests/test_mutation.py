"""Change one fact in a copy of data/2023 and check exactly its dependent figures move.

Each test edits the YAML text of a copied data folder (keeping the audit's identities true),
re-reads and re-derives it, and compares a snapshot of derived figures with the unchanged data's:
the set of figures that moved must be exactly the set that depends on the edited fact.
"""

from __future__ import annotations

import copy
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.audit.report import audit_report
from generator.model.finance import derive_finance
from generator.model.report import Report, derive_report
from generator.present import numbers as fmt
from generator.present import wording as textfuncs
from generator.present.style import Style
from generator.read.dataset import Dataset, read_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
P02 = "projects/02-干部暖心关爱帮扶基金经费.yaml"
D = Decimal
Snapshot = dict[str, object]


def _derive(root: Path) -> tuple[Dataset, Report]:
    dataset, findings = read_dataset(root)
    assert not [f for f in findings if f.is_error], [f.format() for f in findings]
    report = derive_report(dataset)
    errors = [f.format() for f in audit_report(dataset, report) if f.is_error]
    assert not errors, errors
    return dataset, report


def snapshot(report: Report) -> Snapshot:
    """Every derived figure these tests watch, by a stable name."""
    f = report.finance
    out: Snapshot = {
        "income": f.income_total,
        "total": f.expenditure_total,
        "income_grand": f.income_grand,
        "expenditure_grand": f.expenditure_grand,
        "general.budget": f.general_execution.budget,
        "general.actual": f.general_execution.actual,
        "general.rate": f.general_execution.rate,
        "personnel.total": f.economic.personnel.total,
        "personnel.items": f.economic.personnel.items_sum,
        "public.total": f.economic.public.total,
        "reception.size": f.three_public.reception.change.size,
        "reception.rate": f.three_public.reception.change.rate,
        "operating.size": f.operating_costs.size,
        "operating.rate": f.operating_costs.rate,
    }
    for key, change in (
        ("income", f.income_change),
        ("expenditure", f.expenditure_change),
        ("fiscal", f.fiscal_change),
        ("general", f.general_change),
    ):
        out[f"{key}_change.size"] = change.size
        out[f"{key}_change.rate"] = change.rate
    for part in f.expenditure:
        out[f"share.{part.label}"] = part.share
    for row, share in zip(f.general.classes, f.general_classes, strict=True):
        out[f"class.{row.code}.amount"] = share.amount
        out[f"class.{row.code}.share"] = share.share
    for item in f.general_items:
        out[f"item.{item.code}.budget"] = item.execution.budget
        out[f"item.{item.code}.actual"] = item.execution.actual
        out[f"item.{item.code}.rate"] = item.execution.rate
    ev = report.evaluation
    out["dept.budget"] = ev.funds.budget
    out["dept.executed"] = ev.funds.executed
    out["dept.rate"] = ev.funds.execution.rate
    out["dept.balance"] = ev.funds.execution.balance
    out["dept.score"] = ev.scores.total
    for row in ev.scores.rows:
        out[f"dept.row.{row.key}"] = row.score
        if row.computed is not None:
            out[f"dept.computed.{row.key}"] = row.computed
    for p in report.projects:
        out[f"project.{p.index}.budget"] = p.funds.budget
        out[f"project.{p.index}.executed"] = p.funds.executed
        out[f"project.{p.index}.rate"] = p.execution.rate
        out[f"project.{p.index}.balance"] = p.execution.balance
        out[f"project.{p.index}.balance_rate"] = p.execution.balance_rate
    for letter in report.letters:
        out[f"letter.{letter.project.index}.score"] = letter.scores.total
        for row in letter.scores.rows:
            out[f"letter.{letter.project.index}.row.{row.key}"] = row.score
    return out


def moved(before: Snapshot, after: Snapshot) -> set[str]:
    assert before.keys() == after.keys()
    return {key for key in before if before[key] != after[key]}


@pytest.fixture(scope="module")
def baseline() -> tuple[Dataset, Report]:
    return _derive(DATA)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "2023"
    shutil.copytree(DATA, root)
    return root


def edit(root: Path, file: str, *pairs: tuple[str, str]) -> None:
    """Replace each `old` (which must occur exactly once) by `new` in root/file."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _ctx(report: Report) -> dict[str, Style]:
    """The render context of the dataset's documents, as far as the filters read it."""
    return {"style": report.style}


def _pcts(report: Report, shares) -> list[str]:
    return [text for _, text in textfuncs.with_pct(_ctx(report), shares)]


def test_the_snapshot_watches_the_figures(baseline: tuple[Dataset, Report]) -> None:
    snap = snapshot(baseline[1])
    assert snap["total"] == D("912.26")
    assert fmt.score(snap["dept.score"]) == "98.14"
    assert len([k for k in snap if k.startswith("project.") and k.endswith(".rate")]) == 24


def test_unchanged_copy_moves_nothing(baseline: tuple[Dataset, Report], data: Path) -> None:
    assert moved(snapshot(baseline[1]), snapshot(_derive(data)[1])) == set()


def test_basic_expenditure(baseline: tuple[Dataset, Report], data: Path) -> None:
    """基本支出 +14 on 2013201: its 项 in 表2, 表3 and 表5, the income, one personnel item (表6)
    and the totals follow it."""
    edit(
        data,
        "finance.yaml",
        ("  general_budget: 912.26 ", "  general_budget: 926.26 "),
        ("{code: '2013201', fiscal: 520.89}", "{code: '2013201', fiscal: 534.89}"),
        ("{code: '2013201', basic: 520.89}", "{code: '2013201', basic: 534.89}"),
        (
            "{code: '2013201', budget: 520.89, basic: 520.89}",
            "{code: '2013201', budget: 534.89, basic: 534.89}",
        ),
        ("{code: '30101', amount: 95.35}", "{code: '30101', amount: 109.35}"),
        ("reported: {personnel: 396.22,", "reported: {personnel: 410.22,"),
    )
    report = _derive(data)[1]
    before = snapshot(baseline[1])
    classes = {k for k in before if k.startswith("class.") and k.endswith(".share")}
    assert moved(before, snapshot(report)) == {
        "income",
        "total",
        "income_grand",
        "expenditure_grand",
        "general.budget",
        "general.actual",
        "personnel.total",
        "personnel.items",
        "income_change.size",
        "income_change.rate",
        "expenditure_change.size",
        "expenditure_change.rate",
        "fiscal_change.size",
        "fiscal_change.rate",
        "general_change.size",
        "general_change.rate",
        "share.基本支出",
        "share.项目支出",
        "class.201.amount",
        "item.2013201.budget",
        "item.2013201.actual",
        *classes,
    }
    f = report.finance
    assert fmt.wan(f.expenditure_total) == "926.26"
    assert fmt.wan(f.basic.amount) == "700.2"
    assert textfuncs.yoy(_ctx(report), f.income_change, "total_change") == (
        "增加172.44万元，增长23%"
    )
    assert _pcts(report, report.style.lines(f.expenditure)) == ["75.6%", "24.4%"]
    # 78.4 + 4.8 + 8.3 + 1.4 + 3.8 + 3.4 = 100.1: the largest share gives the 0.1 back.
    assert _pcts(report, f.general_classes) == [
        "78.3%",
        "4.8%",
        "8.3%",
        "1.4%",
        "3.8%",
        "3.4%",
    ]


def test_previous_year_total(baseline: tuple[Dataset, Report], data: Path) -> None:
    """Last year's 收入总计 moves its comparison only; 支出总计 has its own."""
    edit(data, "finance.yaml", ("  income_total: 753.82 ", "  income_total: 800 "))
    report = _derive(data)[1]
    assert moved(snapshot(baseline[1]), snapshot(report)) == {
        "income_change.size",
        "income_change.rate",
    }
    ctx, f = _ctx(report), report.finance
    assert textfuncs.yoy(ctx, f.income_change, "total_change") == "增加112.26万元，增长14%"
    assert textfuncs.yoy(ctx, f.expenditure_change, "total_change") == "增加158.44万元，增长21%"
    assert textfuncs.yoy(ctx, f.general_change, "general_change") == "增加158.44万元，增长21%"
    assert not f.totals_equal


def test_previous_year_total_above_this_year(data: Path) -> None:
    edit(data, "finance.yaml", ("  income_total: 753.82 ", "  income_total: 1000 "))
    report = _derive(data)[1]
    change = report.finance.income_change
    assert textfuncs.yoy(_ctx(report), change, "total_change") == "减少87.74万元，下降9%"


def test_functional_item_budget(baseline: tuple[Dataset, Report], data: Path) -> None:
    edit(data, "finance.yaml", ("{code: '2130599', budget: 35,", "{code: '2130599', budget: 40,"))
    report = _derive(data)[1]
    assert moved(snapshot(baseline[1]), snapshot(report)) == {
        "general.budget",
        "general.rate",
        "item.2130599.budget",
        "item.2130599.rate",
    }
    item = next(i for i in report.finance.general_items if i.code == "2130599")
    assert fmt.pct(item.execution.rate) == "87.5%"
    assert textfuncs.against_budget(item.execution) == "小于预算数"
    assert fmt.wan(report.finance.general_execution.budget) == "917.26"


def test_functional_item_actual(baseline: tuple[Dataset, Report], data: Path) -> None:
    """6 moved from 一般公共服务 to 教育 (in 表2, 表3 and 表5): their 类 and shares move, the
    totals do not."""
    edit(
        data,
        "finance.yaml",
        ("{code: '2013201', fiscal: 520.89}", "{code: '2013201', fiscal: 514.89}"),
        ("{code: '2059999', fiscal: 44.2}", "{code: '2059999', fiscal: 50.2}"),
        ("{code: '2013201', basic: 520.89}", "{code: '2013201', basic: 514.89}"),
        ("{code: '2059999', basic: 44.2}", "{code: '2059999', basic: 50.2}"),
        (
            "{code: '2013201', budget: 520.89, basic: 520.89}",
            "{code: '2013201', budget: 514.89, basic: 514.89}",
        ),
        (
            "{code: '2059999', budget: 44.2, basic: 44.2}",
            "{code: '2059999', budget: 50.2, basic: 50.2}",
        ),
    )
    report = _derive(data)[1]
    assert moved(snapshot(baseline[1]), snapshot(report)) == {
        "class.201.amount",
        "class.201.share",
        "class.205.amount",
        "class.205.share",
        "item.2013201.budget",
        "item.2013201.actual",
        "item.2059999.budget",
        "item.2059999.actual",
    }
    shares = _pcts(report, report.finance.general_classes)
    assert shares[:2] == ["77.4%", "5.5%"]
    assert sum(D(s.rstrip("%")) for s in shares) == 100


def test_project_executed(baseline: tuple[Dataset, Report], data: Path) -> None:
    """干部暖心关爱帮扶基金经费 spends 95 of 100: its rate, balance and scores follow."""
    edit(data, P02, ("    executed: 7.85\n", "    executed: 95\n"))
    report = _derive(data)[1]
    assert moved(snapshot(baseline[1]), snapshot(report)) == {
        "project.2.executed",
        "project.2.rate",
        "project.2.balance",
        "project.2.balance_rate",
        "letter.2.score",
        "letter.2.row.预算结余率",
        "dept.computed.预算结余率",
    }
    project = report.projects[1]
    assert fmt.pct(project.execution.rate, 2, keep_zeros=True) == "95.00%"
    assert textfuncs.balance_words(_ctx(report), project.execution) == "结余5万元"
    letter = next(x for x in report.letters if x.project.index == 2)
    assert fmt.score(letter.scores.total) == "97"  # 预算结余率 (1 − 0.05/0.1) × 6 = 3
    row = next(r for r in report.evaluation.scores.rows if r.key == "预算结余率")
    assert fmt.score(row.computed) == "7.67"  # 23 of 24 projects under 10% × 8
    assert fmt.score(report.evaluation.scores.total) == "98.14"  # prints the entered 6.67


def test_project_executed_in_full(data: Path) -> None:
    edit(data, P02, ("    executed: 7.85\n", "    executed: 100\n"))
    report = _derive(data)[1]
    assert textfuncs.balance_words(_ctx(report), report.projects[1].execution) == "无结余"
    letter = next(x for x in report.letters if x.project.index == 2)
    assert fmt.score(letter.scores.total) == "100"


def test_department_executed(baseline: tuple[Dataset, Report], data: Path) -> None:
    edit(data, "self_evaluation.yaml", ("  executed: 831.95\n", "  executed: 850\n"))
    report = _derive(data)[1]
    assert moved(snapshot(baseline[1]), snapshot(report)) == {
        "dept.executed",
        "dept.rate",
        "dept.balance",
    }
    assert fmt.pct(report.evaluation.funds.execution.rate, 2, keep_zeros=True) == "93.18%"


def test_entered_score(baseline: tuple[Dataset, Report], data: Path) -> None:
    """A judged score moves its row and the total, not the formula's own result."""
    edit(data, "self_evaluation.yaml", ("  执行进度: 5.47\n", "  执行进度: 6\n"))
    report = _derive(data)[1]
    assert moved(snapshot(baseline[1]), snapshot(report)) == {"dept.row.执行进度", "dept.score"}
    assert fmt.score(report.evaluation.scores.total) == "98.67"


@settings(max_examples=30, deadline=None)
@given(
    basic=st.decimals(min_value=0, max_value=5000, places=2),
    project=st.decimals(min_value=0, max_value=5000, places=2),
    previous=st.decimals(min_value=0, max_value=5000, places=2),
)
def test_finance_figures_follow_any_amounts(
    baseline: tuple[Dataset, Report], basic: Decimal, project: Decimal, previous: Decimal
) -> None:
    raw = copy.deepcopy(baseline[0]["finance.yaml"])
    raw["expenditure_by_function"] = [
        {"code": "2013201", "basic": basic, "name": ""},
        {"code": "2013202", "project": project, "name": ""},
    ]
    raw["previous"]["expenditure_total"] = previous
    f = derive_finance(raw, baseline[1].year)
    total = basic + project
    assert f.expenditure_total == f.expenditure_grand == total
    assert (f.basic.amount, f.project.amount) == (basic, project)
    assert f.expenditure_change.diff == total - previous
    expected_rate = None if previous == 0 else abs(total - previous) / previous
    assert f.expenditure_change.rate == expected_rate
    printed = _pcts(baseline[1], [f.basic, f.project])
    if total:
        assert sum(D(p.rstrip("%")) for p in printed) == 100
    else:
        assert printed == ["0%", "0%"]
    assert f.economic.personnel.total == D("396.22")  # unrelated facts stay put
    assert f.income_change == baseline[1].finance.income_change
