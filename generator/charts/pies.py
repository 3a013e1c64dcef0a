"""Structure pies: wedges with their shares, and a legend beside the pie listing every slice.

Slices under 5% are drawn unlabelled, zero slices only appear in the legend, and an all-zero
(or empty) input draws a grey disc with a short text centred.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from generator.charts.numbers import Slice, _slice_values, format_share, pie_legend_labels
from generator.charts.style import (
    AXIS_COLOR,
    DPI,
    FIG_PX,
    FONT_SIZE,
    TITLE_SIZE,
    _colors,
    _figure,
    _overlap,
    _png,
    _renderer,
    _text_color,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["EMPTY_PIE_TEXT", "MIN_PIE_LABEL_SHARE", "draw_pie"]

MIN_PIE_LABEL_SHARE = Decimal("0.05")  # slices below 5% get no label on the pie
EMPTY_PIE_TEXT = "本年无支出"

_PIE_LABEL_SIZES: tuple[float, ...] = (8, 7.5, 7, 6.5, 6)
_LEGEND_STEPS: tuple[tuple[int, float], ...] = ((1, 8), (1, 7), (2, 7), (2, 6), (3, 6), (3, 5))
_LEGEND_BOX = (FIG_PX[0] * 0.47, FIG_PX[1] * 0.84)  # room beside the pie, in pixels


def _draw_empty_pie(ax: Axes, text: str) -> None:
    from matplotlib.patches import Circle

    ax.add_patch(Circle((0, 0), 1, facecolor="#F2F2F2", edgecolor="#BFBFBF", linewidth=1))
    ax.text(0, 0, text, ha="center", va="center", fontsize=10, color=AXIS_COLOR)


def _wedge_text(ax: Axes, x: float, y: float, text: str, color: str, size: float) -> Text:
    return ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=size,
        linespacing=1.5,
        color=_text_color(color),
    )


def _label_wedges(
    ax: Axes, wedges: Sequence[Any], drawn: list[tuple[Slice, Decimal, str]], total: Decimal
) -> list[Text]:
    """Percentages inside wedges of at least 5%; a lone wedge gets name and share centred."""
    if len(drawn) == 1:
        item, value, color = drawn[0]
        label = f"{item.label}\n{item.share_text or format_share(value, total)}"
        return [_wedge_text(ax, 0, 0, label, color, 10)]
    texts = []
    for wedge, (item, value, color) in zip(wedges, drawn, strict=True):
        if value < total * MIN_PIE_LABEL_SHARE:
            continue
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        x, y = 0.72 * math.cos(angle), 0.72 * math.sin(angle)
        shown = item.share_text or format_share(value, total)
        texts.append(_wedge_text(ax, x, y, shown, color, FONT_SIZE))
    return texts


def _fit_texts(texts: Sequence[Text], sizes: Sequence[float], renderer: RendererBase) -> None:
    """Shrink texts step by step until none overlap."""
    for size in sizes:
        for text in texts:
            text.set_fontsize(size)
        if not _overlap(texts, renderer):
            return


def _wrap_legend(labels: Sequence[str], columns: int, size: float) -> list[str]:
    """Wrap legend entries to the width one column may take (CJK counted as a full em)."""
    em_px = size * DPI / 72
    chars = max(6, int(_LEGEND_BOX[0] / columns / em_px) - 3)
    return ["\n".join(textwrap.wrap(label, chars)) for label in labels]


def _add_legend(
    fig: Figure, handles: list[Any], labels: Sequence[str], columns: int, size: float
) -> Any:
    return fig.legend(
        handles,
        labels,
        loc="center left",
        bbox_to_anchor=(0.51, 0.45),
        ncols=columns,
        fontsize=size,
        handlelength=1.0,
        handleheight=1.0,
        labelspacing=0.5,
        columnspacing=1.0,
        borderaxespad=0,
    )


def _pie_legend(fig: Figure, slices: Sequence[Slice], colors: Sequence[str], unit: str) -> None:
    """Legend beside the pie listing every slice; columns, size and wrapping chosen to fit."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="none") for c in colors]
    labels = pie_legend_labels(slices, unit)
    renderer = _renderer(fig)
    for columns, size in _LEGEND_STEPS:
        legend = _add_legend(fig, handles, _wrap_legend(labels, columns, size), columns, size)
        box = legend.get_window_extent(renderer)
        if box.width <= _LEGEND_BOX[0] and box.height <= _LEGEND_BOX[1]:
            return
        if (columns, size) != _LEGEND_STEPS[-1]:
            legend.remove()


def _build_pie(
    fig: Figure, title: str, slices: Sequence[Slice], unit: str, empty_text: str
) -> None:
    values = _slice_values(slices)
    total = sum(values, Decimal(0))
    colors = _colors(len(slices))
    fig.suptitle(title, fontsize=TITLE_SIZE, fontweight="bold", y=0.975)
    ax = fig.add_axes((0.02, 0.03, 0.47, 0.83))
    ax.set_aspect("equal")
    ax.axis("off")
    drawn = [(s, v, c) for s, v, c in zip(slices, values, colors, strict=True) if v > 0]
    if drawn:
        wedges, _ = ax.pie(
            [float(v) for _, v, _ in drawn],
            colors=[c for *_, c in drawn],
            startangle=90,
            counterclock=False,
            wedgeprops={"edgecolor": "white", "linewidth": 0.6},
        )
        texts = _label_wedges(ax, wedges, drawn, total)
        _fit_texts(texts, _PIE_LABEL_SIZES, _renderer(fig))
    else:
        _draw_empty_pie(ax, empty_text)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    if slices:
        _pie_legend(fig, slices, colors, unit)


def draw_pie(
    title: str,
    slices: Sequence[Slice],
    *,
    unit: str = "万元",
    empty_text: str = EMPTY_PIE_TEXT,
) -> bytes:
    """Structure pie as PNG bytes, with a legend listing label, amount and share of every slice.

    Slices under 5% are drawn unlabelled, zero slices only appear in the legend, and an
    all-zero (or empty) input draws a grey disc with empty_text centred.
    """
    with _figure() as fig:
        _build_pie(fig, title, slices, unit, empty_text)
        return _png(fig)
