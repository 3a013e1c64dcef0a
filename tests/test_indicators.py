"""Tests of generator.model.indicators: reference targets, round trips, judgements, bounds."""

from __future__ import annotations

import operator
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model.indicators import (
    GRADE_WORDS,
    IndicatorError,
    Measure,
    deviation,
    format_measure,
    is_met,
    parse_actual,
    parse_target,
    units_differ,
)

# Every 年度指标值 / 实际完成值 printed in the reference's 部门整体支出绩效目标自评表 and its 24
# 项目支出绩效自评表 (extracted once from the seed document; deduplicated, in order of appearance).
# fmt: off
REFERENCE_TARGETS = [
    "＝1个", "≥30期", "≥99%", "≥0%", "定性", "≥95%", "≤663.13万元", "≥5名", "≥2个", "高",
    "≤350000", "≥98%", "≥1人", "≥1户", "≥10000元", "≤30000元", "≤50000元", "≤5000元",
    "≤1000000元", "100%", "≥12次", "≥1次", "优（青少年儿童幸福指数", "≤150000元", "＝50元/月",
    "＝1000元", "＝3000元", "＝2000元", "优（党员干部向心力提升）", "≤200000元", "3000元/年",
    "29个", "5000元/年", "≥1个", "优（贯彻落实完成率100%）", "848000元", "≥20次/年", "≥4次/年",
    "≥2次/年", "≥100%", "≥15次", "＝1批次", "优（工作干劲100%）", "≤120000元", "≥90%", "≥2部",
    "≥20次", "优（评选先进党员1名以上）", "≤500000元", "≥4次", "≥2次", "≥400篇", "≤350000元",
    " 优（组织工作信息化率提升）", "≥14名", "≥2人", "好（建立产业发展团队1个）", "≤250000元",
    "=6名", "=500元/月", "≥20%", "≤3.6万元", "=36人", "=59人", "=1800元/人", "=100%", "=1次",
    "≥80人", "≤12月前", "≤38000元", "=600元/月", "=2人", "优", "=14400元", "=5天", "=7天",
    "≤40人", "≤9月", "≤24.6万", "1次/年", "≤12月", "≤5.14万元", "≥3类", "≤5.58万元", "≥3次/年",
    "≤6.32万元", "1次", "≤4.18万元", "≤3.93万元", "0", "≥2期/年", "≤6.58万元", "≥6期/年",
    "≤6.73万元", "≤1.04万元", "821人", "≥5次/年", "≤3万元",
]

REFERENCE_ACTUALS = [
    "1个", "39期", "100%", "0%", "优", "831.95万元", "10名", "2个", "高", "350000", "98", "2人",
    "0户", "11人", "10000元", "30000元", "50000元", "5000元", "工作积极性高", "78500元", "≥0%",
    "16次", "2次", "1次", "149974.4元", "98%", "＝50元/月", "0人", "＝1000元", "＝3000元",
    "＝2000元", "0元", "0", "3000元/年", "30个", "5000元/年", "0个", "848000元", "99%", "22次/年",
    "4次/年", "2次/年", "＝1个", "18次", "1批次", "优（工作干劲100%）", "120000元", "4部", "23次",
    "40人", "500000元", "7次", "1850篇", "4次", "350000元", "组织工作信息化率提升", "53名",
    "36人", "248352元", "6名", "11次", "=500元/月", "20%", "95%", "3.6万元", "59人", "1800元/人",
    "=1次", "80人", "≤12月前", "≥100%", "38000元", "=600元/月", "14400元", "12月", "5.14万元",
    "≥90%", "3类", "12月前", "5.58万元", "5次", "6.32万元", "4.18万元", "3.93万元", "2期",
    "6.58万元", "90%", "6期", "6.73万元", "1.04万元", "821人", "6次", "3万元",
]
# fmt: on

COMPARATORS = {"≥": "≥", "≤": "≤", "=": "=", "＝": "=", ">": ">", "<": "<"}
UNITS = ["名", "个", "次", "人", "%", "元", "万元", "元/月", "次/年", "期", "篇", "天", "月"]
OPS = {"≥": operator.ge, "≤": operator.le, "=": operator.eq, ">": operator.gt, "<": operator.lt}
CJK = re.compile(r"[\u4e00-\u9fff]")

amounts = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=2),
)


def met(target: str, actual: str) -> bool | None:
    return is_met(parse_target(target), parse_actual(actual))


def dev(target: str, actual: str) -> Decimal | None:
    return deviation(parse_target(target), parse_actual(actual))


# --- the reference ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", REFERENCE_TARGETS)
def test_reference_targets_parse(text: str) -> None:
    m = parse_target(text)
    assert m.text == text.strip()
    assert format_measure(m) == text.strip()
    assert (m.value is None) == (m.grade is not None)
    if m.grade is None:
        assert m.comparator in ("≥", "≤", "=", ">", "<")
    else:
        assert m.comparator == "" and m.unit == ""


@pytest.mark.parametrize("text", REFERENCE_ACTUALS)
def test_reference_actuals_parse(text: str) -> None:
    m = parse_actual(text)
    assert m.text == text.strip()
    if m.value is None and m.grade is None:
        assert m.comparator == "" and m.unit == ""


def test_reference_target_forms() -> None:
    assert parse_target("≥5名") == Measure("≥5名", "≥", Decimal(5), "名", None, "", True)
    monthly = Measure("＝50元/月", "=", Decimal(50), "元/月", None, "", True)
    assert parse_target("＝50元/月") == monthly
    assert parse_target("100%") == Measure("100%", "≥", Decimal(100), "%", None, "", False)
    assert parse_target("≤3.6万元").value == Decimal("3.6")
    assert parse_target("≤12月前").unit == "月前"
    assert parse_target("定性").grade == "定性"
    broken = parse_target("优（青少年儿童幸福指数")
    assert (broken.grade, broken.note) == ("优", "青少年儿童幸福指数")
    spaced = parse_target(" 优（组织工作信息化率提升）")
    assert spaced.text == "优（组织工作信息化率提升）"
    assert (spaced.grade, spaced.note) == ("优", "组织工作信息化率提升")
    assert parse_target("优（贯彻落实完成率100%）").value is None
    assert parse_target("好（建立产业发展团队1个）").note == "建立产业发展团队1个"


def test_other_comparator_spellings() -> None:
    for text, comparator in [(">=3次", "≥"), ("≧3次", "≥"), ("<=3次", "≤"), ("≦3次", "≤"),
                             ("＞3次", ">"), ("＜3次", "<"), ("≥３次", "≥")]:  # fmt: skip
        m = parse_target(text)
        assert (m.comparator, m.value, m.unit, m.explicit) == (comparator, Decimal(3), "次", True)


@pytest.mark.parametrize("text", ["", "   ", "≥", "≥名", "abc", "大约五个", "优质服务", "1-2次"])
def test_not_a_target(text: str) -> None:
    with pytest.raises(IndicatorError) as info:
        parse_target(text)
    assert CJK.search(str(info.value))
    assert text.strip() in str(info.value)


def test_actuals_are_lenient() -> None:
    assert parse_actual("") == Measure("", "", None, "", None, "", False)
    assert parse_actual("工作积极性高") == Measure("工作积极性高", "", None, "", None, "", False)
    assert parse_actual("=1次").value == Decimal(1)
    assert parse_actual("149974.4元").value == Decimal("149974.4")
    assert parse_actual("12月前").unit == "月前"
    assert parse_actual("优（工作干劲100%）").grade == "优"


# --- properties -------------------------------------------------------------------------------


@given(st.sampled_from(list(COMPARATORS)), amounts, st.sampled_from(UNITS))
def test_round_trip(written: str, value: Decimal, unit: str) -> None:
    text = f"{written}{value}{unit}"
    m = parse_target(text)
    assert (m.comparator, m.value, m.unit, m.explicit) == (COMPARATORS[written], value, unit, True)
    assert format_measure(m) == text


@given(st.sampled_from(list(COMPARATORS)), amounts, amounts, st.sampled_from(UNITS))
def test_is_met_is_the_plain_comparison(
    written: str, goal: Decimal, value: Decimal, unit: str
) -> None:
    target, actual = parse_target(f"{written}{goal}{unit}"), parse_actual(f"{value}{unit}")
    comparator = COMPARATORS[written]
    assert is_met(target, actual) is OPS[comparator](value, goal)
    assert not units_differ(target, actual)
    gap = deviation(target, actual)
    if goal == 0:
        assert gap is None
    else:
        assert gap is not None and gap >= 0
        if comparator in ("≥", "≤") and is_met(target, actual):
            assert gap == 0


def _no_digit_no_grade(text: str) -> bool:
    norm = unicodedata.normalize("NFKC", text)
    return not any(c.isdigit() for c in norm) and not any(w in norm for w in GRADE_WORDS)


@given(st.text(max_size=30).filter(_no_digit_no_grade))
def test_random_text_is_not_a_target(text: str) -> None:
    with pytest.raises(IndicatorError) as info:
        parse_target(text)
    message = str(info.value)
    assert CJK.search(message)
    assert text.strip() in message


# --- boundaries -------------------------------------------------------------------------------


def test_zero_target_has_no_deviation() -> None:
    assert dev("0", "0") is None
    assert dev("≥0%", "5%") is None
    assert met("0", "0") is True
    assert met("0", "3") is False  # a bare 0 means "exactly zero", not "at least zero"


def test_zero_percent() -> None:
    assert met("≥0%", "0%") is True
    assert met("≥0%", "≥0%") is True


def test_grades() -> None:
    assert met("定性", "优") is True
    assert met("定性", "合格") is True
    assert met("定性", "差") is False
    assert met("定性", "工作积极性高") is None
    assert met("优", "良") is False
    assert met("良", "优") is True
    assert met("高", "高") is True
    assert met("好", "高") is True
    assert met("较好", "较高") is True
    assert met("一般", "达标") is True
    assert met("中", "低") is False
    assert met("优（评选先进党员1名以上）", "40人") is None
    assert met("优", "") is False


def test_numeric_target_without_number() -> None:
    assert met("≥1次", "组织工作信息化率提升") is None
    assert dev("≥1次", "组织工作信息化率提升") is None
    assert met("≥1次", "") is False


def test_units() -> None:
    assert met("≤24.6万", "0") is True
    target, actual = parse_target("≥1户"), parse_actual("11人")
    assert is_met(target, actual) is True
    assert units_differ(target, actual) is True
    assert met("≤350000", "350000") is True
    assert met("≥98%", "98") is True
    assert not units_differ(parse_target("≥98%"), parse_actual("98"))
    assert met("≥4次/年", "4次") is True
    assert not units_differ(parse_target("≥4次/年"), parse_actual("4次"))
    assert met("≤12月", "12月前") is True
    # 万元 and 元 convert both ways
    assert met("≤3.6万元", "36000元") is True
    assert met("≤3.6万元", "36001元") is False
    assert met("≤36000元", "3.6万元") is True
    assert dev("≤1万元", "12000元") == Decimal("0.2")
    assert not units_differ(parse_target("≤3.6万元"), parse_actual("36000元"))


def test_deviation() -> None:
    assert dev("≥1户", "0户") == 1
    assert dev("≤663.13万元", "831.95万元") == (Decimal("831.95") - Decimal("663.13")) / Decimal(
        "663.13"
    )
    assert dev("=5天", "4天") == Decimal("0.2")
    assert dev("=5天", "6天") == Decimal("0.2")
    assert dev("≥95%", "100%") == 0
    assert dev("定性", "优") is None
