"""Year-on-year grouped bars: one bar per series (year) in each group, values on the bars.

Value labels shrink (then turn upright) until none overlap, and the y-limits widen until every
label stays inside the axes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from generator.charts.numbers import _to_decimal, format_amount
from generator.charts.style import (
    DPI,
    FIG_PX,
    FONT_SIZE,
    GRID_COLOR,
    MIN_FONT_SIZE,
    _colors,
    _figure,
    _overlap,
    _png,
    _renderer,
)
from generator.present import numbers as fmt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["MAX_SERIES", "draw_bars"]

MAX_SERIES = 6  # more years than this would not fit in the legend row beside the unit

# Value labels: 10 pt, then 9 pt, then upright; never below 9 pt in print.
_BAR_LABEL_STEPS: tuple[tuple[float, float], ...] = (
    (FONT_SIZE, 0),
    (MIN_FONT_SIZE, 0),
    (MIN_FONT_SIZE, 90),
)


def _bar_data(
    groups: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal]]]
) -> list[list[Decimal]]:
    if not groups or not series:
        raise ValueError("柱状图至少需要一个分组和一个系列")
    if len(series) > MAX_SERIES:
        raise ValueError(f"柱状图最多 {MAX_SERIES} 个系列，实际 {len(series)} 个")
    data = [[_to_decimal(v) for v in values] for _, values in series]
    for (name, _), values in zip(series, data, strict=True):
        if len(values) != len(groups):
            raise ValueError(f"系列“{name}”有 {len(values)} 个数值，应为 {len(groups)} 个")
    return data


def _wrap_groups(ax: Axes, groups: Sequence[str]) -> int:
    """Set group tick labels, wrapped to the group width; return the number of lines."""
    width_px = ax.get_position().width * FIG_PX[0] / len(groups)
    em_px = FONT_SIZE * DPI / 72
    chars = max(2, int(width_px * 0.85 / em_px))
    wrapped = ["\n".join(textwrap.wrap(g, chars)) or g for g in groups]
    ax.set_xticks(range(len(groups)), wrapped)
    return max(label.count("\n") + 1 for label in wrapped)


def _plot_bars(ax: Axes, names: Sequence[str], data: list[list[Decimal]]) -> list[Any]:
    count = len(names)
    width = 0.8 / count
    containers = []
    for index, (name, values, color) in enumerate(zip(names, data, _colors(count), strict=True)):
        positions = [g + (index - (count - 1) / 2) * width for g in range(len(values))]
        heights = [float(v) for v in values]
        containers.append(
            ax.bar(positions, heights, width * 0.9, color=color, label=name, zorder=2)
        )
    return containers


def _style_bar_axes(ax: Axes, data: list[list[Decimal]]) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.yaxis.grid(True, color=GRID_COLOR, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", length=0)
    values = [v for row in data for v in row]
    top, bottom = float(max(max(values), 0)), float(min(min(values), 0))
    if top == bottom == 0:
        ax.set_ylim(0, 1)
        ax.set_yticks([0])
    else:
        ax.set_ylim(bottom * 1.15, top * 1.15)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: format_amount(Decimal(f"{y:.2f}"))))


def _label_bars(
    ax: Axes, containers: list[Any], data: list[list[Decimal]], amounts: str = "trim"
) -> list[Text]:
    """Value labels on the bars (printed as the text prints amounts: `trim` 35, `fixed`
    35.00), shrunk (then turned upright) until none overlap."""
    renderer = _renderer(ax.figure)  # type: ignore[arg-type]
    texts: list[Text] = []
    for size, rotation in _BAR_LABEL_STEPS:
        for text in texts:
            text.remove()
        texts = []
        for container, values in zip(containers, data, strict=True):
            labels = [format_amount(v) if amounts == "trim" else fmt.amount(v) for v in values]
            texts += ax.bar_label(
                container, labels=labels, padding=2, fontsize=size, rotation=rotation
            )
        if not _overlap(texts, renderer):
            break
    return texts


def _needed_limits(ax: Axes, texts: Sequence[Text]) -> tuple[float, float]:
    """Y-limits that keep every value label inside the axes, given the current limits."""
    renderer = _renderer(ax.figure)  # type: ignore[arg-type]
    bottom, top = ax.get_ylim()
    box = ax.get_window_extent(renderer)
    height = box.height
    new_bottom, new_top = bottom, top
    for text in texts:
        value = text.xy[1]  # type: ignore[attr-defined]
        end = box.y0 + height * (value - bottom) / (top - bottom)
        extent = text.get_window_extent(renderer)
        if value > 0:
            room = height - (extent.y1 - end + 4)
            new_top = max(new_top, bottom + (value - bottom) * height / max(room, 1))
        elif value < 0:
            room = height - (end - extent.y0 + 4)
            new_bottom = min(new_bottom, top - (top - value) * height / max(room, 1))
    return new_bottom, new_top


def _fit_headroom(ax: Axes, texts: Sequence[Text]) -> None:
    """Widen the y-limits until value labels stay inside the axes (a few fixed passes)."""
    for _ in range(3):
        ax.set_ylim(*_needed_limits(ax, texts))


def _bar_header(fig: Figure, ax: Axes, title: str, unit: str, count: int) -> None:
    """Unit at the top left, legend at the top right (in two rows if one would reach the
    unit); no title: the caption below the chart is its title."""
    unit_text = ax.text(0, 1.03, f"单位：{unit}", transform=ax.transAxes, ha="left", va="bottom")
    renderer = _renderer(fig)
    for columns in (count, -(-count // 2)):
        legend = ax.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.01),
            ncols=columns,
            handlelength=1.0,
            handleheight=1.0,
            borderaxespad=0.2,
            columnspacing=1.2,
        )
        if not legend.get_window_extent(renderer).overlaps(unit_text.get_window_extent(renderer)):
            return


def _build_bars(
    fig: Figure,
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    unit: str,
    amounts: str = "trim",
) -> None:
    data = _bar_data(groups, series)
    ax = fig.add_axes((0.1, 0.12, 0.88, 0.76))
    lines = _wrap_groups(ax, groups)
    ax.set_position((0.1, 0.04 + 0.065 * lines, 0.88, 0.76 - 0.065 * lines))
    containers = _plot_bars(ax, [name for name, _ in series], data)
    _style_bar_axes(ax, data)
    _bar_header(fig, ax, title, unit, len(series))
    _fit_headroom(ax, _label_bars(ax, containers, data, amounts))


def draw_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    unit: str = "万元",
    amounts: str = "trim",
) -> bytes:
    """Year-on-year grouped bars as PNG bytes.

    groups: categories on the x axis, e.g. ["收入总计", "支出总计"];
    series: one (name, values) per year, e.g. [("2022年", [753.82, 753.82]), ...].
    """
    with _figure() as fig:
        _build_bars(fig, title, groups, series, unit, amounts)
        return _png(fig)
