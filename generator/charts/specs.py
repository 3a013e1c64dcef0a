"""The seven charts of the disclosure as plain data, and the one function that draws a chart.

A `ChartSpec` holds everything a chart shows (kind, title, groups and series or slices, unit,
the printed figures), so two specs with equal content draw equal PNGs: `spec.key` names that
content, and the build and the preview cache charts by it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from generator.charts import Slice, draw_bars, draw_pie
from generator.model.figures import Change, Share
from generator.model.report import Report

Series = tuple[tuple[str, tuple[Decimal, ...]], ...]


@dataclass(frozen=True)
class ChartSpec:
    """One chart: what it shows, never how it is computed."""

    name: str
    number: int
    caption: str
    kind: str  # bars / pie
    title: str
    unit: str = "万元"
    groups: tuple[str, ...] = ()
    series: Series = ()
    slices: tuple[Slice, ...] = ()
    empty_text: str = ""
    amounts: str = "trim"  # how value labels print amounts: as the text does

    @property
    def key(self) -> str:
        """A name for the chart's content: equal keys draw equal images."""
        content = repr((self.kind, self.title, self.unit, self.groups, self.series, self.slices,
                        self.empty_text, self.amounts))  # fmt: skip
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def draw_chart(spec: ChartSpec) -> bytes:
    """The PNG of a chart spec (matplotlib)."""
    if spec.kind == "bars":
        series = [(name, list(values)) for name, values in spec.series]
        return draw_bars(
            spec.title, list(spec.groups), series, unit=spec.unit, amounts=spec.amounts
        )
    return draw_pie(spec.title, list(spec.slices), unit=spec.unit, empty_text=spec.empty_text)


def _bars(
    report: Report, name: str, number: int, caption: str, groups: list[str], changes: list[Change]
) -> ChartSpec:
    scale = report.style.scale
    series = (
        (f"{report.previous_year}年", tuple(c.previous / scale for c in changes)),
        (f"{report.year}年", tuple(c.current / scale for c in changes)),
    )
    return ChartSpec(
        name, number, caption, "bars", caption, groups=tuple(groups), series=series,
        amounts=report.style.amounts,
    )  # fmt: skip


def _pie(
    report: Report, name: str, number: int, caption: str, shares: list[Share] | tuple[Share, ...],
    empty: str,
) -> ChartSpec:  # fmt: skip
    """Slices labelled with the figures the text prints (the dataset's style)."""
    style = report.style
    slices = tuple(
        Slice(s.label, s.amount / style.scale, style.amount(s.amount), p)
        for s, p in style.parts(shares)
    )
    return ChartSpec(name, number, caption, "pie", caption, slices=slices, empty_text=empty)


def chart_specs(report: Report) -> list[ChartSpec]:
    f = report.finance
    income = [x for x in f.income if x.amount]
    spending = [x for x in f.expenditure if x.amount]
    return [
        _bars(report, "totals", 1, "收、支决算总计变动情况图", ["收入总计", "支出总计"],
              [f.income_change, f.expenditure_change]),
        _pie(report, "income", 2, "收入决算结构图", income, "本年无收入"),
        _pie(report, "expenditure", 3, "支出决算结构图", spending, "本年无支出"),
        _bars(report, "fiscal", 4, "财政拨款收、支决算总计变动情况",
              ["财政拨款收入", "财政拨款支出"], [f.fiscal_change, f.fiscal_change]),
        _bars(report, "general", 5, "一般公共预算财政拨款支出决算变动情况",
              ["一般公共预算财政拨款支出"], [f.general_change]),
        _pie(report, "functional", 6, "一般公共预算财政拨款支出决算结构", f.general_classes,
             "本年无支出"),
        _pie(report, "three_public", 7, "“三公”经费财政拨款支出结构", f.three_public.shares,
             "本年无“三公”经费支出"),
    ]  # fmt: skip
