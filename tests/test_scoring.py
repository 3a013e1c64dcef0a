"""Score formulas on their boundary values, and the 评分表 as a whole."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from generator.model.figures import Execution
from generator.model.projects import derive_indicator
from generator.model.scoring import (
    Subject,
    budget_balance_score,
    completion_score,
    deviation_score,
    projects_balance_score,
    score_lines,
    score_table,
)


def indicator(target: str, actual: str, level2: str = "数量指标", applicable: bool = True):
    return derive_indicator(
        {
            "level1": "产出指标",
            "level2": level2,
            "name": "指标",
            "target": target,
            "actual": actual,
            "deviation": "",
            "applicable": applicable,
        }
    )


@pytest.mark.parametrize(
    ("budget", "actual", "expected"),
    [
        ("100", "100", "6"),  # 结余率 0: full points
        ("100", "95", "3"),  # 结余率 5%: half
        ("100", "90", "0"),  # 结余率 10%: nothing
        ("100", "50", "0"),  # above 10%: never below 0
        ("100", "120", "6"),  # overspent: no balance
        ("0", "0", "6"),  # zero budget: nothing left unspent, no division by zero
    ],
)
def test_budget_balance_score(budget: str, actual: str, expected: str) -> None:
    assert budget_balance_score(Execution(D(budget), D(actual)), D(6)) == D(expected)


def test_completion_counts_met_quantity_indicators() -> None:
    inds = [
        indicator("≥5名", "10名"),
        indicator("≥2个", "1个"),
        indicator("=1次", "1次"),
        indicator("≥4次", "3次"),
    ]
    assert completion_score(inds, D(8)) == D(4)


def test_completion_without_indicators_gives_full_points() -> None:
    assert completion_score([], D(8)) == D(8)


def test_not_applicable_indicators_leave_the_count() -> None:
    inds = [indicator("≥1人", "2人"), indicator("≥1户", "0户", applicable=False)]
    assert completion_score(inds, D(8)) == D(8)


def test_deviation_counts_only_met_indicators_within_30_percent() -> None:
    # met: ≥5 → 10 (over-achieving a ≥ target is no deviation), =10 → 12 (20%), =10 → 14 (40%)
    inds = [
        indicator("≥5名", "10名"),
        indicator("=10次", "12次"),
        indicator("=10次", "14次"),
        indicator("≥3个", "1个"),
    ]
    assert [i.met for i in inds] == [True, False, False, False]
    assert deviation_score(inds, D(7)) == D(7)


def test_deviation_with_nothing_met_is_zero_and_with_nothing_counted_is_full() -> None:
    assert deviation_score([indicator("≥3个", "1个")], D(7)) == D(0)
    assert deviation_score([], D(7)) == D(7)


def test_projects_balance_score_counts_projects_under_ten_percent() -> None:
    class P:
        def __init__(self, budget: str, actual: str) -> None:
            self.execution = Execution(D(budget), D(actual))

    projects = [P("100", "100"), P("100", "95"), P("100", "89.99"), P("0", "0")]
    assert projects_balance_score(projects, D(8)) == D(6)
    assert projects_balance_score([], D(8)) == D(8)


def framework(items):
    return {"labelled_levels": [1], "items": items}


def item(key: str, points: str, formula: str = "", check: str = "", level1: str = "项目执行"):
    return {
        "key": key,
        "level1": level1,
        "level2": "预算结余",
        "level3": key,
        "points": D(points),
        "explanation": "",
        "criteria": "",
        "formula": formula,
        "check": check,
        "deduction": False,
    }


def test_score_table_prints_formula_results_and_derives_the_total() -> None:
    subject = Subject((), Execution(D(100), D(95)))
    table = score_table(
        framework([item("预算结余率", "6", formula="budget_balance"), item("执行进度", "4")]),
        {"预算结余率": D(6), "执行进度": D(4)},
        subject,
    )
    assert [r.score for r in table.rows] == [D(3), D(4)]
    assert table.total == D(7)
    assert [r.key for r in table.differences] == ["预算结余率"]


def test_check_items_print_the_entered_score_but_report_the_difference() -> None:
    subject = Subject((), Execution(D(100), D(50)))
    table = score_table(
        framework([item("预算结余率", "6", check="budget_balance")]),
        {"预算结余率": D("5.5")},
        subject,
    )
    assert table.rows[0].score == D("5.5")
    assert table.rows[0].computed == D(0)
    assert table.differences == table.rows


def test_group_labels_carry_their_summed_points_once() -> None:
    subject = Subject((), Execution(D(1), D(1)))
    table = score_table(framework([item("a", "10"), item("b", "20")]), {}, subject)
    lines = score_lines(table)
    assert lines[0].label1 == "项目执行（30分）"
    assert (lines[1].label1, lines[1].m1) == ("", "continue")
