"""Performance indicators of self-evaluation tables (绩效自评表).

A target (年度指标值) and an actual (实际完成值) are printed as free text: '≥5名', '＝50元/月',
'≤3.6万元', '100%', '定性', '优（评选先进党员1名以上）'. This module parses them into `Measure`
values and judges whether a target is met and by how much it is missed.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


class IndicatorError(ValueError):
    """A target that cannot be parsed; the message (Chinese) names what was expected and found."""


@dataclass(frozen=True)
class Measure:
    text: str  # as printed, stripped
    comparator: str  # '≥', '≤', '=', '>', '<', or '' (qualitative / no number)
    value: Decimal | None  # None for qualitative or free text
    unit: str  # '名', '元/月', '%', '万元', '' ...; '98%' keeps value 98 and unit '%'
    grade: str | None  # grade word for qualitative measures, None otherwise
    note: str  # text in parentheses after a grade, '' otherwise
    explicit: bool  # whether a comparator was written


# Ranked grades: 优=好=高 > 良=较好=较高 > 中=一般=合格=达标 > 差=低.
GRADE_RANK: dict[str, int] = {
    "优": 3, "优秀": 3, "好": 3, "高": 3,
    "良": 2, "良好": 2, "较好": 2, "较高": 2,
    "中": 1, "中等": 1, "一般": 1, "合格": 1, "达标": 1,
    "差": 0, "较差": 0, "低": 0, "较低": 0, "不合格": 0, "未达标": 0,
}  # fmt: skip
# '定性' (qualitative, no grade given) and yes/no answers have no rank.
UNRANKED_GRADES: tuple[str, ...] = ("定性", "是", "否")
# Longest first, so that '良好' is not read as '良' followed by the text '好'.
GRADE_WORDS: tuple[str, ...] = tuple(sorted([*GRADE_RANK, *UNRANKED_GRADES], key=len, reverse=True))
# Grades that satisfy a '定性' (or '是') target.
POSITIVE_GRADES = frozenset(
    {"优", "优秀", "良", "良好", "高", "好", "较高", "较好", "合格", "达标", "是"}
)

# Written comparators after NFKC ('＝' '＞' '＜' are already '=' '>' '<') mapped to canonical ones.
_COMPARATORS = {
    ">=": "≥", "≧": "≥", "≥": "≥", "<=": "≤", "≦": "≤", "≤": "≤", "=": "=", ">": ">", "<": "<",
}  # fmt: skip
_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "≥": operator.ge, "≤": operator.le, "=": operator.eq, ">": operator.gt, "<": operator.lt,
}  # fmt: skip
_NUMERIC = re.compile(
    r"(?P<cmp>>=|<=|[≥≤≧≦=><])?\s*"
    r"(?P<num>-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)?\s*"
    r"(?P<unit>.*)",
    re.DOTALL,
)
_DIGIT = re.compile(r"[0-9]")
_TEN_THOUSAND = Decimal(10000)
_EXPECTED = (
    "应为“比较符+数值+单位”（如“≥5名”“=600元/月”“100%”）或定性等级（如“优”“定性”“好（说明）”）"
)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _parse_grade(shown: str, norm: str) -> Measure | None:
    """A grade word, optionally followed by a parenthesised note (the ')' may be missing)."""
    for word in GRADE_WORDS:
        if not norm.startswith(word):
            continue
        rest = norm[len(word) :].strip()
        if rest and not rest.startswith("("):
            return None  # e.g. '优质服务': not a grade followed by a note
        # Take the note as printed when possible ('（' stays full-width in `text` only).
        source = shown[len(word) :].strip() if shown.startswith(word) else rest
        note = source.lstrip("(（").rstrip(")）").strip()
        return Measure(shown, "", None, "", word, note, False)
    return None


def _split(norm: str) -> tuple[str, str | None, str]:
    match = _NUMERIC.fullmatch(norm)
    assert match is not None  # every group is optional and the unit takes the rest
    return match["cmp"] or "", match["num"], match["unit"].strip()


def parse_target(text: str) -> Measure:
    """Parse a 年度指标值; raise IndicatorError when it is neither numeric nor a grade."""
    shown = text.strip()
    norm = _normalise(text)
    if not norm:
        raise IndicatorError(f"年度指标值为空：{_EXPECTED}，实际为空文本")
    graded = _parse_grade(shown, norm)
    if graded is not None:
        return graded
    written, number, unit = _split(norm)
    if number is None:
        if written:
            raise IndicatorError(
                f"年度指标值“{shown}”无法解析：比较符“{written}”之后应为数值，"
                f"实际为“{unit or '（无）'}”"
            )
        raise IndicatorError(f"年度指标值“{shown}”无法解析：{_EXPECTED}，实际为“{shown}”")
    if _DIGIT.search(unit):
        raise IndicatorError(
            f"年度指标值“{shown}”无法解析：数值之后应为单位（如“名”“元/月”“%”），实际为“{unit}”"
        )
    value = Decimal(number.replace(",", ""))
    # Without a comparator a target means "at least"; a bare 0 ('涉密组织信息外泄率 0')
    # can only mean "exactly zero", since "at least 0" would always be met.
    implied = "=" if value == 0 else "≥"
    comparator = _COMPARATORS[written] if written else implied
    return Measure(shown, comparator, value, unit, None, "", bool(written))


def parse_actual(text: str) -> Measure:
    """Parse a 实际完成值 leniently: number, comparator-prefixed number, grade, or free text."""
    shown = text.strip()
    norm = _normalise(text)
    if not norm:
        return Measure("", "", None, "", None, "", False)
    graded = _parse_grade(shown, norm)
    if graded is not None:
        return graded
    written, number, unit = _split(norm)
    if number is not None and not _DIGIT.search(unit):
        # An actual is a single value: '=' unless a comparator was printed ('≥0%').
        comparator = _COMPARATORS[written] if written else "="
        value = Decimal(number.replace(",", ""))
        return Measure(shown, comparator, value, unit, None, "", bool(written))
    return Measure(shown, "", None, "", None, "", False)


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _base(unit: str) -> tuple[str, Decimal]:
    """'万元' -> ('元', 10000); a bare '万' is read as 万元 (cost rows print '≤24.6万')."""
    if unit.startswith("万"):
        return unit[1:] or "元", _TEN_THOUSAND
    return unit, Decimal(1)


def _factor(target_unit: str, actual_unit: str) -> Decimal | None:
    """Factor turning the actual's number into the target's unit; None when units are unrelated."""
    if not target_unit or not actual_unit or _related(target_unit, actual_unit):
        return Decimal(1)
    (t_base, t_scale), (a_base, a_scale) = _base(target_unit), _base(actual_unit)
    if _related(t_base, a_base):
        return a_scale / t_scale
    return None


def units_differ(target: Measure, actual: Measure) -> bool:
    """True when both units are printed and neither equal, prefixed, nor 万-convertible."""
    return bool(target.unit and actual.unit) and _factor(target.unit, actual.unit) is None


def _actual_in_target_unit(target: Measure, actual: Measure) -> Decimal:
    assert actual.value is not None
    factor = _factor(target.unit, actual.unit)
    # Unrelated units: the numbers are still compared (callers may warn via units_differ).
    return actual.value if factor is None or factor == 1 else actual.value * factor


def _grade_met(target: str, actual: str | None) -> bool | None:
    if actual is None or actual == "定性":
        return None
    if target in ("定性", "是"):
        return actual in POSITIVE_GRADES
    if target == "否":
        return actual == "否" if actual in ("是", "否") else None
    if actual not in GRADE_RANK:
        return None
    return GRADE_RANK[actual] >= GRADE_RANK[target]


def is_met(target: Measure, actual: Measure) -> bool | None:
    """Whether the actual meets the target; None when it cannot be judged."""
    if not actual.text:
        return False
    if target.grade is not None:
        return _grade_met(target.grade, actual.grade)
    if target.value is None or actual.value is None:
        return None
    return _OPS[target.comparator or "≥"](_actual_in_target_unit(target, actual), target.value)


def deviation(target: Measure, actual: Measure) -> Decimal | None:
    """Relative shortfall against the target (0 when met); None when not numeric or target 0."""
    if target.value is None or actual.value is None or target.value == 0:
        return None
    value, goal = _actual_in_target_unit(target, actual), target.value
    if target.comparator in ("≤", "<"):
        gap = (value - goal) / abs(goal)
    elif target.comparator == "=":
        gap = abs(value - goal) / abs(goal)
    else:
        gap = (goal - value) / abs(goal)
    return max(gap, Decimal(0))


def format_measure(m: Measure) -> str:
    """The measure as printed (tables reproduce the reference's text)."""
    return m.text
