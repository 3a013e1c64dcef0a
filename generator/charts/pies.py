"""Structure pies: wedges with their shares, and a legend beside the pie listing every slice.

Slices under 5% are drawn unlabelled, zero slices only appear in the legend, and an all-zero
(or empty) input draws a grey disc with a short text centred.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from generator.charts.numbers import Slice, _slice_values, format_share, pie_legend_labels
from generator.charts.style import (
    AXIS_COLOR,
    DPI,
    FIG_PX,
    FONT_SIZE,
    MIN_FONT_SIZE,
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

# Never below 9 pt in print: labels that still collide are left to the legend.
_PIE_LABEL_SIZES: tuple[float, ...] = (FONT_SIZE, MIN_FONT_SIZE)
_LEGEND_STEPS: tuple[tuple[int, float], ...] = (
    (1, FONT_SIZE),
    (1, MIN_FONT_SIZE),
    (2, MIN_FONT_SIZE),
    (3, MIN_FONT_SIZE),
)
WHOLE_HEIGHT = 0.5  # a whole of one part: a bar and its legend, in half the height
_PIE_BOX = (0.02, 0.04, 0.44, 0.92)  # the pie's axes, in figure fractions
_LEGEND_BOX = (FIG_PX[0] * 0.5, FIG_PX[1] * 0.94)  # room beside the pie, in pixels


def _draw_empty_pie(ax: Axes, text: str) -> None:
    from matplotlib.patches import Circle

    ax.add_patch(Circle((0, 0), 1, facecolor="#F2F2F2", edgecolor="#BFBFBF", linewidth=1))
    ax.text(0, 0, text, ha="center", va="center", fontsize=FONT_SIZE, color=AXIS_COLOR)


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
    """Shrink texts step by step until none overlap; then hide the labels of the smallest
    wedges (they stay in the legend) rather than print below 9 pt."""
    for size in sizes:
        for text in texts:
            text.set_fontsize(size)
        if not _overlap(texts, renderer):
            return
    shown = list(texts)
    for text in reversed(texts):  # wedges go from the largest share down
        if not _overlap(shown, renderer):
            return
        text.set_visible(False)
        shown.remove(text)


def _em(text: str) -> float:
    return sum(1.0 if not c.isascii() else 0.55 for c in text)


def _wrap_em(label: str, width_em: float) -> str:
    """Wrap a legend entry to `width_em`, at its spaces where it can (name, amount, share)."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and _em(lines[-1] + " " + word) <= width_em:
            lines[-1] += " " + word
            continue
        while _em(word) > width_em:
            cut = max(1, next(i for i in range(len(word), 0, -1) if _em(word[:i]) <= width_em))
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return "\n".join(line for line in lines if line)


def _wrap_legend(labels: Sequence[str], columns: int, size: float) -> list[str]:
    """Wrap legend entries to the width one column may take (measured in em)."""
    em_px = size * DPI / 72
    width_em = max(6.0, _LEGEND_BOX[0] / columns / em_px - 2.5)
    return [_wrap_em(label, width_em) for label in labels]


def _add_legend(
    fig: Figure, handles: list[Any], labels: Sequence[str], columns: int, size: float
) -> Any:
    return fig.legend(
        handles,
        labels,
        loc="center left",
        bbox_to_anchor=(0.48, 0.5),
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
    _grow_to(fig, box.height / _LEGEND_BOX[1])  # too many parts for 9 pt: a taller figure


def _grow_to(fig: Figure, factor: float) -> None:
    """Make the figure `factor` times taller, the pie keeping its size at the top left."""
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height * factor * 1.04)
    for ax in fig.axes:
        x0, y0, w, h = _PIE_BOX
        scale = 1 / (factor * 1.04)
        ax.set_position((x0, 1 - (1 - y0 - h) * scale - h * scale, w, h * scale))


def _build_pie(
    fig: Figure, title: str, slices: Sequence[Slice], unit: str, empty_text: str
) -> None:
    values = _slice_values(slices)
    total = sum(values, Decimal(0))
    colors = _colors(len(slices))
    drawn = [(s, v, c) for s, v, c in zip(slices, values, colors, strict=True) if v > 0]
    if len(drawn) == 1:  # a whole of one part: a full bar, not a one-slice pie
        _build_whole(fig, drawn[0], total, slices, colors, unit)
        return
    ax = fig.add_axes(_PIE_BOX)
    ax.set_aspect("equal")
    ax.axis("off")
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


def _build_whole(
    fig: Figure,
    part: tuple[Slice, Decimal, str],
    total: Decimal,
    slices: Sequence[Slice],
    colors: Sequence[str],
    unit: str,
) -> None:
    """One bar the width of the whole, naming the part and its share; the legend below lists
    every part (the zero ones included), as the pies' legends do."""
    from matplotlib.patches import Patch

    item, value, color = part
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height * WHOLE_HEIGHT)
    ax = fig.add_axes((0.04, 0.56, 0.92, 0.36))
    ax.axis("off")
    ax.barh([0], [1.0], height=1.0, color=color, edgecolor="white")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, 0.5)
    label = f"{item.label}  {item.share_text or format_share(value, total)}"
    _wedge_text(ax, 0.5, 0, label, color, FONT_SIZE)
    handles = [Patch(facecolor=c, edgecolor="none") for c in colors]
    columns = 1 if len(slices) <= 3 else 2
    fig.legend(
        handles,
        pie_legend_labels(slices, unit),
        loc="upper center",
        bbox_to_anchor=(0.5, 0.46),
        ncols=columns,
        fontsize=MIN_FONT_SIZE,
        handlelength=1.0,
        handleheight=1.0,
        labelspacing=0.5,
        columnspacing=1.5,
        borderaxespad=0,
    )


def draw_pie(
    title: str,
    slices: Sequence[Slice],
    *,
    unit: str = "万元",
    empty_text: str = EMPTY_PIE_TEXT,
) -> bytes:
    """Structure pie as PNG bytes, with a legend listing label, amount and share of every slice.

    Slices under 5% are drawn unlabelled, zero slices only appear in the legend, an all-zero
    (or empty) input draws a grey disc with empty_text centred, and a whole of a single
    non-zero part is drawn as one full bar. `title` is not drawn: the caption is the title.
    """
    with _figure() as fig:
        _build_pie(fig, title, slices, unit, empty_text)
        return _png(fig)
