"""Charts for the final-account disclosure: year-on-year grouped bars and structure pies.

Figures are drawn with matplotlib's Agg backend and returned as PNG bytes. matplotlib is
imported lazily inside the drawing functions, so importing this module stays cheap.
Amounts are ``Decimal`` values (万元 by default); shares are computed with ``Decimal`` too.
"""

from __future__ import annotations

import io
import math
import sys
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from generator import fmt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = [
    "FONT_CANDIDATES",
    "PALETTE",
    "Bar",
    "ChartFontError",
    "Slice",
    "cjk_font",
    "draw_bars",
    "draw_pie",
    "find_cjk_font",
    "format_amount",
    "format_share",
    "pie_legend_labels",
]

# Preferred CJK fonts, in order. Noto must be asked for by family name: the .ttc file
# alone resolves to its first face, which is the JP variant.
FONT_CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
)

# Muted official palette: deep red first, then blues and greys.
PALETTE: tuple[str, ...] = (
    "#C00000",
    "#1F4E79",
    "#7F7F7F",
    "#5B9BD5",
    "#A5A5A5",
    "#2E75B6",
    "#BDD7EE",
    "#D9D9D9",
    "#843C0C",
    "#44546A",
)

DPI = 200
FIG_PX = (1180, 630)  # about 15 cm x 8 cm at 200 dpi
FIG_SIZE = (FIG_PX[0] / DPI, FIG_PX[1] / DPI)

TEXT_COLOR = "#262626"
AXIS_COLOR = "#595959"
GRID_COLOR = "#D9D9D9"
FONT_SIZE = 8.0
TITLE_SIZE = 11.0
MAX_SERIES = 6  # more years than this would not fit in the legend row beside the unit
MIN_PIE_LABEL_SHARE = Decimal("0.05")  # slices below 5% get no label on the pie
EMPTY_PIE_TEXT = "本年无支出"

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
_BAR_LABEL_STEPS: tuple[tuple[float, float], ...] = ((8, 0), (7, 0), (6, 0), (7, 90), (6, 90))
_PIE_LABEL_SIZES: tuple[float, ...] = (8, 7.5, 7, 6.5, 6)
_LEGEND_STEPS: tuple[tuple[int, float], ...] = ((1, 8), (1, 7), (2, 7), (2, 6), (3, 6), (3, 5))
_LEGEND_BOX = (FIG_PX[0] * 0.47, FIG_PX[1] * 0.84)  # room beside the pie, in pixels


class ChartFontError(RuntimeError):
    """No usable CJK font is installed."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


@dataclass(frozen=True)
class Slice:
    label: str
    value: Decimal


# ---------------------------------------------------------------------------------------------
# Number formatting (pure Decimal, no matplotlib)
# ---------------------------------------------------------------------------------------------


def _to_decimal(value: Any) -> Decimal:
    """Coerce an amount to a finite Decimal (floats go through str to avoid binary noise)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"图表数值无效：{value!r}")
    return number


def format_amount(value: Decimal) -> str:
    """Amount rounded to 0.01 with trailing zeros dropped: 912.26, 44.2, 35 (as the text)."""
    return fmt.wan(_to_decimal(value))


def format_share(value: Decimal, total: Decimal) -> str:
    """Percentage of total with one decimal, computed in Decimal: 686.2 / 912.26 -> 75.2%."""
    return format_shares([value], total)[0]


def format_shares(values: Sequence[Decimal], total: Decimal) -> list[str]:
    """Shares as the text prints them: one decimal, adding up to 100% (fmt.pct_parts)."""
    ratios = [fmt.ratio(_to_decimal(v), _to_decimal(total)) for v in values]
    if len(values) == 1:
        return [fmt.pct(ratios[0], 1, none="0%")]
    return [p if p != "0" else "0%" for p in fmt.pct_parts(ratios, 1)]


def _slice_values(slices: Sequence[Slice]) -> list[Decimal]:
    values = [_to_decimal(s.value) for s in slices]
    for item, value in zip(slices, values, strict=True):
        if value < 0:
            raise ValueError(f"饼图数值不能为负：{item.label} {value}")
    return values


def pie_legend_labels(slices: Sequence[Slice], unit: str = "万元") -> list[str]:
    """Legend entries of a pie, one per slice (zero slices included): '基本支出 686.2万元 75.2%'."""
    values = _slice_values(slices)
    total = sum(values, Decimal(0))
    shares = format_shares(values, total)
    return [
        f"{s.label} {format_amount(v)}{unit} {share}"
        for s, v, share in zip(slices, values, shares, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Font and figure plumbing
# ---------------------------------------------------------------------------------------------


def find_cjk_font(candidates: Sequence[str] = FONT_CANDIDATES) -> str:
    """Return the first installed font family of candidates, or raise ChartFontError."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for name in candidates:
        if name in installed:
            return name
    tried = "、".join(candidates)
    raise ChartFontError(
        f"未找到可用的中文字体（已尝试：{tried}）。"
        "请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
        "如已安装，请删除 matplotlib 字体缓存（~/.cache/matplotlib）后重试。"
    )


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The CJK font family used by every chart (looked up once per process)."""
    return find_cjk_font()


def _style() -> dict[str, Any]:
    return {
        "font.family": [cjk_font()],
        "font.size": FONT_SIZE,
        "axes.unicode_minus": False,
        "text.color": TEXT_COLOR,
        "axes.edgecolor": AXIS_COLOR,
        "axes.labelcolor": TEXT_COLOR,
        "axes.linewidth": 0.8,
        "xtick.color": AXIS_COLOR,
        "ytick.color": AXIS_COLOR,
        "xtick.labelcolor": TEXT_COLOR,
        "ytick.labelcolor": TEXT_COLOR,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "legend.frameon": False,
    }


def _pyplot() -> Any:
    """Import pyplot lazily, selecting the Agg backend first if pyplot is not loaded yet."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextmanager
def _figure() -> Iterator[Figure]:
    """A styled, A4-friendly figure that is always closed afterwards."""
    import matplotlib

    plt = _pyplot()
    with matplotlib.rc_context(_style()):
        fig = plt.figure(figsize=FIG_SIZE, dpi=DPI)
        try:
            yield fig
        finally:
            plt.close(fig)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _renderer(fig: Figure) -> RendererBase:
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def _overlap(texts: Sequence[Text], renderer: RendererBase) -> bool:
    """True if any two texts' boxes intersect."""
    boxes = [t.get_window_extent(renderer) for t in texts if t.get_text()]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def _text_color(background: str) -> str:
    """White on dark fills, dark text on light ones."""
    from matplotlib.colors import to_rgb

    red, green, blue = to_rgb(background)
    return "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.6 else TEXT_COLOR


def _colors(count: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


# ---------------------------------------------------------------------------------------------
# Grouped bars
# ---------------------------------------------------------------------------------------------


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


def _label_bars(ax: Axes, containers: list[Any], data: list[list[Decimal]]) -> list[Text]:
    """Value labels on the bars, shrunk (then turned upright) until none overlap."""
    renderer = _renderer(ax.figure)  # type: ignore[arg-type]
    texts: list[Text] = []
    for size, rotation in _BAR_LABEL_STEPS:
        for text in texts:
            text.remove()
        texts = []
        for container, values in zip(containers, data, strict=True):
            labels = [format_amount(v) for v in values]
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
    fig.suptitle(title, fontsize=TITLE_SIZE, fontweight="bold", y=0.975)
    ax.legend(
        loc="lower right",
        bbox_to_anchor=(1.0, 1.01),
        ncols=count,
        handlelength=1.0,
        handleheight=1.0,
        borderaxespad=0.2,
        columnspacing=1.2,
    )
    ax.text(0, 1.03, f"单位：{unit}", transform=ax.transAxes, ha="left", va="bottom")


def _build_bars(
    fig: Figure,
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    unit: str,
) -> None:
    data = _bar_data(groups, series)
    ax = fig.add_axes((0.09, 0.12, 0.89, 0.68))
    lines = _wrap_groups(ax, groups)
    ax.set_position((0.09, 0.06 + 0.055 * lines, 0.89, 0.74 - 0.055 * lines))
    containers = _plot_bars(ax, [name for name, _ in series], data)
    _style_bar_axes(ax, data)
    _bar_header(fig, ax, title, unit, len(series))
    _fit_headroom(ax, _label_bars(ax, containers, data))


def draw_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    unit: str = "万元",
) -> bytes:
    """Year-on-year grouped bars as PNG bytes.

    groups: categories on the x axis, e.g. ["收入总计", "支出总计"];
    series: one (name, values) per year, e.g. [("2022年", [753.82, 753.82]), ...].
    """
    with _figure() as fig:
        _build_bars(fig, title, groups, series, unit)
        return _png(fig)


# ---------------------------------------------------------------------------------------------
# Structure pie
# ---------------------------------------------------------------------------------------------


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
        label = f"{item.label}\n{format_share(value, total)}"
        return [_wedge_text(ax, 0, 0, label, color, 10)]
    texts = []
    for wedge, (_, value, color) in zip(wedges, drawn, strict=True):
        if value < total * MIN_PIE_LABEL_SHARE:
            continue
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        x, y = 0.72 * math.cos(angle), 0.72 * math.sin(angle)
        texts.append(_wedge_text(ax, x, y, format_share(value, total), color, FONT_SIZE))
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
