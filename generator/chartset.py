"""The seven charts of the disclosure, drawn from the derived report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.charts import Slice, draw_bars, draw_pie
from generator.derive import Report
from generator.figures import Change, Share


@dataclass(frozen=True)
class ChartSpec:
    name: str
    number: int
    caption: str
    draw: Callable[[], bytes]


def _years(report: Report) -> tuple[str, str]:
    return f"{report.previous_year}年", f"{report.year}年"


def _bars(report: Report, title: str, groups: list[str], changes: list[Change]) -> bytes:
    before, now = _years(report)
    series = [(before, [c.previous for c in changes]), (now, [c.current for c in changes])]
    return draw_bars(title, groups, series, unit=report.unit)


def _slices(report: Report, shares: list[Share] | tuple[Share, ...]) -> list[Slice]:
    """Slices labelled with the figures the text prints (the dataset's style)."""
    style = report.style
    return [
        Slice(s.label, s.amount, style.amount(s.amount), p) for s, p in style.parts(shares)
    ]


def _pie(report: Report, title: str, shares: list[Share] | tuple[Share, ...], empty: str) -> bytes:
    return draw_pie(title, _slices(report, shares), empty_text=empty)


def chart_specs(report: Report) -> list[ChartSpec]:
    f = report.finance
    tp = f.three_public
    totals = [f.income_change, f.expenditure_change]
    fiscal = [f.fiscal_change, f.fiscal_change]
    income = [x for x in f.income if x.amount]
    spending = [x for x in f.expenditure if x.amount]
    return [
        ChartSpec(
            "totals",
            1,
            "收、支决算总计变动情况图",
            lambda: _bars(report, "收、支决算总计变动情况", ["收入总计", "支出总计"], totals),
        ),
        ChartSpec(
            "income", 2, "收入决算结构图", lambda: _pie(report, "收入决算结构", income, "本年无收入")
        ),
        ChartSpec(
            "expenditure",
            3,
            "支出决算结构图",
            lambda: _pie(report, "支出决算结构", spending, "本年无支出"),
        ),
        ChartSpec(
            "fiscal",
            4,
            "财政拨款收、支决算总计变动情况",
            lambda: _bars(
                report, "财政拨款收、支决算总计变动情况", ["财政拨款收入", "财政拨款支出"], fiscal
            ),
        ),
        ChartSpec(
            "general",
            5,
            "一般公共预算财政拨款支出决算变动情况",
            lambda: _bars(
                report,
                "一般公共预算财政拨款支出决算变动情况",
                ["一般公共预算财政拨款支出"],
                [f.general_change],
            ),
        ),
        ChartSpec(
            "functional",
            6,
            "一般公共预算财政拨款支出决算结构",
            lambda: _pie(
                report,
                "一般公共预算财政拨款支出决算结构",
                f.general_classes,
                "本年无支出",
            ),
        ),
        ChartSpec(
            "three_public",
            7,
            "“三公”经费财政拨款支出结构",
            lambda: _pie(
                report,
                "“三公”经费财政拨款支出结构",
                tp.shares,
                "本年无“三公”经费支出",
            ),
        ),
    ]
