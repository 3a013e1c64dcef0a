"""Derived figures of data/2023 equal the reference document's, and the formatting helpers behave.

Figures go through the public API the templates use: read_dataset → derive_report, then
generator.present.numbers and generator.present.wording for print.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model.figures import Change, Execution, Share
from generator.model.projects import Funds
from generator.model.report import Report, derive_report
from generator.present import numbers as fmt
from generator.present import wording as textfuncs
from generator.present.style import Style
from generator.read.dataset import read_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
# The reference document, beside the repository as in the working copy and on CI.
REFERENCE = ROOT.parent / "shared" / "seed" / "000_127aded49d8bfbe3.txt"
D = Decimal
# The plain wording the helpers had before the house style: amounts with trailing zeros dropped,
# year-on-year rates with one decimal (the filters read the style from the render context).
PLAIN = {"style": Style(amounts="trim", change=1, fixed=False)}


@pytest.fixture(scope="module")
def derived() -> Report:
    dataset, findings = read_dataset(DATA)
    assert not [f for f in findings if f.is_error], findings
    return derive_report(dataset)


def _project(report: Report, name: str):
    return next(p for p in report.projects if p.name == name)


def _ctx(report: Report) -> dict[str, Style]:
    """The render context of the dataset's documents, as far as the filters read it."""
    return {"style": report.style}


def _pcts(report: Report, shares) -> list[tuple[str, str]]:
    return [(s.label, text) for s, text in textfuncs.with_pct(_ctx(report), shares)]


# --- the reference's figures -----------------------------------------------------------------


def test_totals(derived: Report) -> None:
    f = derived.finance
    assert fmt.wan(f.expenditure_total) == "912.26"
    assert fmt.wan(f.income_total) == "912.26"
    assert fmt.wan(f.income_grand) == fmt.wan(f.expenditure_grand) == "912.26"
    assert fmt.wan(f.general_actual) == "912.26"
    assert fmt.wan(f.general_execution.budget) == "912.26"
    assert fmt.wan(f.fiscal.income_grand) == "912.26"


def test_total_change(derived: Report) -> None:
    f = derived.finance
    ctx = _ctx(derived)
    assert textfuncs.yoy(ctx, f.income_change, "total_change") == "增加158.44万元，增长21%"
    assert textfuncs.yoy(ctx, f.expenditure_change, "total_change") == "增加158.44万元，增长21%"
    assert textfuncs.yoy(ctx, f.fiscal_change, "fiscal_change") == "增加158.44万元，增长21%"
    assert textfuncs.yoy(ctx, f.general_change, "general_change") == "增加158.44万元，增长21%"
    assert f.income_change.direction == f.expenditure_change.direction == "up"
    assert f.totals_equal


def test_basic_and_project_shares(derived: Report) -> None:
    f = derived.finance
    assert fmt.wan(f.basic.amount) == "686.2"
    assert fmt.wan(f.project.amount) == "226.06"
    assert _pcts(derived, derived.style.lines(f.expenditure)) == [
        ("基本支出", "75.2%"),
        ("项目支出", "24.8%"),
    ]


def test_functional_class_shares_add_up_to_100(derived: Report) -> None:
    """Rounded alone they add to 99.9%; the largest share takes the 0.1 (78.0 → 78.1)."""
    classes = derived.finance.general_classes
    assert [(c.label, fmt.wan(c.amount)) for c in classes] == [
        ("一般公共服务支出", "711.95"),
        ("教育支出", "44.2"),
        ("社会保障和就业支出", "76.44"),
        ("卫生健康支出", "13.12"),
        ("农林水支出", "35"),
        ("住房保障支出", "31.56"),
    ]
    assert fmt.pct(classes[0].share) == "78%"
    assert _pcts(derived, classes) == [
        ("一般公共服务支出", "78.1%"),
        ("教育支出", "4.8%"),
        ("社会保障和就业支出", "8.4%"),
        ("卫生健康支出", "1.4%"),
        ("农林水支出", "3.8%"),
        ("住房保障支出", "3.5%"),
    ]


def test_reception_costs(derived: Report) -> None:
    reception = derived.finance.three_public.reception
    ctx = _ctx(derived)
    assert textfuncs.yoy(ctx, reception.change, "three_public_change") == "增加1.84万元，增长24.3%"
    assert fmt.wan(reception.change.size) == "1.84"
    assert textfuncs.budget_sentence(ctx, reception) == (
        "预算为9.4万元，支出决算为9.4万元，完成预算的100%。"
    )


def test_operating_costs(derived: Report) -> None:
    ops = derived.finance.operating_costs
    assert fmt.wan(ops.current) == "289.99"
    assert textfuncs.yoy(_ctx(derived), ops, "operating_costs_change") == "减少35.56万元，下降10.9%"
    assert ops.direction == "down"


def test_department_execution_rate(derived: Report) -> None:
    funds = derived.evaluation.funds
    assert fmt.wan(funds.budget) == "912.26"
    assert fmt.pct(funds.execution.rate, 2, keep_zeros=True) == "91.20%"
    assert textfuncs.rate(funds, blank_zero=False) == "91.20%"


def test_project_execution_and_balance(derived: Report) -> None:
    project = _project(derived, "干部暖心关爱帮扶基金经费")
    execution = project.execution
    assert fmt.wan(execution.budget) == "100"
    assert fmt.pct(execution.rate, 2, keep_zeros=True) == "7.85%"
    assert fmt.wan(execution.balance) == "92.15"
    assert textfuncs.balance_words(_ctx(derived), execution) == "结余92.15万元"
    assert textfuncs.funds_source(project.funds) == "预算追加"


def test_project_scores(derived: Report) -> None:
    scores = {letter.project.name: fmt.score(letter.scores.total) for letter in derived.letters}
    assert scores == {"东西部协作人才交流项目": "100", "干部暖心关爱帮扶基金经费": "94"}


def test_department_score(derived: Report) -> None:
    scores = derived.evaluation.scores
    assert fmt.score(scores.total) == "98.14"
    assert fmt.score(scores.points) == "100"


def test_counts(derived: Report) -> None:
    assert len(derived.projects) == 24
    assert len(derived.letters) == 2
    assert [p.index for p in derived.projects] == list(range(1, 25))
    assert derived.pre_assessed_count == derived.goal_count == derived.monitored_count == 24


def _printed(report: Report) -> list[str]:
    """Phrases as the reference prints them, built from the derived figures."""
    f = report.finance
    ctx = _ctx(report)
    spend = dict(_pcts(report, report.style.lines(f.expenditure)))
    classes = _pcts(report, f.general_classes)
    project = _project(report, "干部暖心关爱帮扶基金经费")
    scores = {letter.project.name: letter.scores.total for letter in report.letters}
    return [
        f"收、支总计均为{fmt.wan(f.income_grand)}万元",
        f"收、支总计各{textfuncs.yoy(ctx, f.income_change, 'total_change')}",
        f"基本支出{fmt.wan(f.basic.amount)}万元，占{spend['基本支出']}",
        f"项目支出{fmt.wan(f.project.amount)}万元，占{spend['项目支出']}",
        f"{classes[0][0]}{fmt.wan(f.general_classes[0].amount)}万元，占{classes[0][1]}",
        f"比2022年度{textfuncs.yoy(ctx, f.three_public.reception.change, 'three_public_change')}",
        f"比2022年度{textfuncs.yoy(ctx, f.operating_costs, 'operating_costs_change')}",
        fmt.pct(report.evaluation.funds.execution.rate, 2, keep_zeros=True),
        f"支付率{fmt.pct(project.execution.rate, 2, keep_zeros=True)}",
        f"经费{textfuncs.balance_words(ctx, project.execution)}",
        f"绩效自评得分为{fmt.score(report.evaluation.scores.total)}分",
        f"东西部协作人才交流项目专项预算项目绩效自评得分为"
        f"{fmt.score(scores['东西部协作人才交流项目'])}分",
        f"干部暖心关爱帮扶基金经费专项预算项目绩效自评得分为"
        f"{fmt.score(scores['干部暖心关爱帮扶基金经费'])}分",
        f"等{len(report.projects)}个项目开展了预算事前绩效评估",
    ]


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference document not available")
def test_phrases_appear_in_the_reference(derived: Report) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = [phrase for phrase in _printed(derived) if phrase not in text]
    assert not missing


# --- fmt -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("35", "35"),
        ("35.00", "35"),
        ("44.2", "44.2"),
        ("44.20", "44.2"),
        ("912.26", "912.26"),
        ("0", "0"),
        ("0.00", "0"),
        ("100", "100"),
        ("1E+2", "100"),
        ("0.005", "0.01"),
        ("0.004", "0"),
        ("2.675", "2.68"),
        ("1.005", "1.01"),
        ("-0.001", "0"),
        ("-35.555", "-35.56"),
        ("912.2649", "912.26"),
        ("912.265", "912.27"),
    ],
)
def test_wan(value: str, printed: str) -> None:
    assert fmt.wan(D(value)) == printed


def test_wan_refuses_a_missing_amount() -> None:
    with pytest.raises(ValueError, match="缺少金额"):
        fmt.wan(None)


def test_amount_keeps_two_decimals() -> None:
    assert fmt.amount(D("0")) == "0.00"
    assert fmt.amount(D("9.4")) == "9.40"
    assert fmt.amount(D("0.005")) == "0.01"


@settings(max_examples=50)
@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_wan_rounds_half_up_and_never_ends_in_zero_decimals(value: Decimal) -> None:
    text = fmt.wan(value)
    assert D(text) == value.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert not ("." in text and text.endswith(("0", ".")))
    assert text != "-0"


@pytest.mark.parametrize(
    ("value", "places", "keep", "printed"),
    [
        ("0.2102", 0, False, "21%"),
        ("0.752", 1, False, "75.2%"),
        ("0.75", 1, False, "75%"),
        ("0.912", 2, True, "91.20%"),
        ("0.0785", 2, True, "7.85%"),
        ("1", 2, True, "100.00%"),
        ("1", 1, False, "100%"),
        ("0", 1, False, "0%"),
        ("0.10923", 1, False, "10.9%"),
        ("0.00049", 1, False, "0%"),
        ("0.0005", 1, False, "0.1%"),
    ],
)
def test_pct(value: str, places: int, keep: bool, printed: str) -> None:
    assert fmt.pct(D(value), places, keep_zeros=keep) == printed


def test_pct_never_divides_by_zero() -> None:
    assert fmt.ratio(D(5), D(0)) is None
    assert fmt.pct(None) == "0"
    assert fmt.pct(fmt.ratio(D(5), D(0))) == "0"
    assert fmt.pct(None, none="—") == "—"
    assert Execution(D(0), D(0)).rate is None
    assert Share("x", D(1), D(0)).share is None
    assert textfuncs.rate(Funds(D(0), D(0), D(0)), blank_zero=False) == "0"
    assert textfuncs.rate(Funds(D(0), D(0), D(0)), blank_zero=True) == ""


def test_pct_parts_gives_the_residue_to_the_largest_share() -> None:
    thirds = [D(1) / 3] * 3
    assert fmt.pct_parts(thirds, 0) == ["34%", "33%", "33%"]
    assert fmt.pct_parts([D("0.5"), D("0.5")]) == ["50%", "50%"]
    assert fmt.pct_parts([None, None]) == ["0%", "0%"]
    assert fmt.pct_parts([D(0), D(0)]) == ["0%", "0%"]


@settings(max_examples=50)
@given(
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=12),
    st.sampled_from([0, 1, 2]),
)
def test_pct_parts_always_add_up_to_100(amounts: list[int], places: int) -> None:
    whole = D(sum(amounts))
    printed = fmt.pct_parts([D(a) / whole for a in amounts], places)
    assert sum(D(p.rstrip("%")) for p in printed) == 100
    for amount, text in zip(amounts, printed, strict=True):
        step = D(1).scaleb(-places)
        assert abs(D(text.rstrip("%")) - D(amount) / whole * 100) <= step * len(amounts)


def test_score_and_cn_number() -> None:
    assert fmt.score(D("7.333333")) == "7.33"
    assert fmt.score(D("94")) == "94"
    assert fmt.score(D("98.140")) == "98.14"
    assert [fmt.cn_number(n) for n in (1, 10, 12, 20, 23, 99)] == [
        "一",
        "十",
        "十二",
        "二十",
        "二十三",
        "九十九",
    ]
    with pytest.raises(ValueError):
        fmt.cn_number(0)


# --- figures and wording ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "direction", "verb", "trend"),
    [
        ("912.26", "753.82", "up", "增加", "增长"),
        ("289.99", "325.55", "down", "减少", "下降"),
        ("9.4", "9.40", "flat", "持平", "持平"),
    ],
)
def test_change_words(current: str, previous: str, direction: str, verb: str, trend: str) -> None:
    change = Change(D(current), D(previous))
    assert (change.direction, change.verb, change.trend) == (direction, verb, trend)
    assert change.size == abs(change.diff) >= 0


def test_change_rate_is_relative_to_the_previous_figure() -> None:
    assert Change(D(110), D(100)).rate == D("0.1")
    assert Change(D(90), D(100)).rate == D("0.1")
    assert Change(D(5), D(0)).rate is None


def test_yoy_wording() -> None:
    assert textfuncs.yoy(PLAIN, Change(D("9.4"), D("7.56"))) == "增加1.84万元，增长24.3%"
    assert textfuncs.yoy(PLAIN, Change(D("289.99"), D("325.55"))) == "减少35.56万元，下降10.9%"
    whole = Style(amounts="trim", change=1, fixed=False, places={"total_change": 0})
    assert whole.yoy(Change(D("912.26"), D("753.82")), "total_change") == (
        "增加158.44万元，增长21%"
    )
    assert whole.yoy(Change(D("912.26"), D("753.82"))) == "增加158.44万元，增长21%"
    assert textfuncs.yoy({"style": whole}, Change(D("9.4"), D("7.56"))) == (
        "增加1.84万元，增长24.3%"
    )


def test_yoy_follows_the_style() -> None:
    """The plain default prints two decimals everywhere."""
    change = Change(D("912.26"), D("753.82"))
    assert Style().yoy(change) == "增加158.44万元，增长21.02%"
    assert Style(amounts="trim", change=0).yoy(Change(D(35), D(25))) == "增加10万元，增长40%"
    assert Style().yoy(Change(D(35), D(25))) == "增加10.00万元，增长40.00%"


def test_yoy_flat_uses_the_given_word() -> None:
    assert textfuncs.yoy(PLAIN, Change(D(5), D("5.00"))) == "持平"
    assert textfuncs.yoy(PLAIN, Change(D(5), D(5)), flat="与上年持平") == "与上年持平"
    assert textfuncs.yoy(PLAIN, Change(D(0), D(0))) == "持平"


def test_yoy_omits_the_rate_when_there_was_nothing_before() -> None:
    assert textfuncs.yoy(PLAIN, Change(D(5), D(0))) == "增加5万元"
    assert textfuncs.yoy(PLAIN, Change(D("0.5"), D(0))) == "增加0.5万元"


def test_execution_balance_is_never_negative() -> None:
    over = Execution(D(10), D(12))
    assert over.balance == 0
    assert over.balance_rate == 0
    assert textfuncs.balance_words(PLAIN, over) == "无结余"
    assert fmt.pct(over.rate, 2, keep_zeros=True) == "120.00%"


def test_against_budget_wording() -> None:
    assert textfuncs.against_budget(Execution(D(10), D(10))) == "与预算数持平"
    assert textfuncs.against_budget(Execution(D(10), D(9))) == "小于预算数"
    assert textfuncs.against_budget(Execution(D(10), D(11))) == "大于预算数"


def test_funds_wording() -> None:
    assert textfuncs.funds_source(Funds(D(0), D(35), D(35))) == "预算追加"
    assert textfuncs.funds_source(Funds(D(10), D(5), D(15))) == "年初预算及追加"
    assert textfuncs.funds_source(Funds(D(10), D(0), D(10))) == "年初预算"
    assert textfuncs.adjust_word(Funds(D(10), D(-2), D(8))) == "调减"
    assert textfuncs.adjust_word(Funds(D(10), D(2), D(12))) == "追加"
    assert Funds(D(10), D(-2), D(8)).budget == D(8)
