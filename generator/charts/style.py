"""Chart style and figure plumbing: CJK font lookup, palette, rc style, figures, PNG bytes.

matplotlib is imported lazily inside the functions (Agg backend), so importing this module
stays cheap. Also the text helpers both chart kinds share: overlap test and text colour.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = [
    "AXIS_COLOR",
    "DPI",
    "FIG_PX",
    "FIG_SIZE",
    "FONT_CANDIDATES",
    "FONT_SIZE",
    "GRID_COLOR",
    "MIN_FONT_SIZE",
    "PALETTE",
    "TEXT_COLOR",
    "TITLE_SIZE",
    "ChartFontError",
    "cjk_font",
    "find_cjk_font",
    "print_pt",
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
PRINT_WIDTH_CM = 15.0  # the documents place every chart 15 cm wide


def print_pt(points: float) -> float:
    """The font size, in the figure's points, that prints at `points` when the image is placed
    PRINT_WIDTH_CM wide (the figure is FIG_SIZE inches wide)."""
    return points * FIG_SIZE[0] / (PRINT_WIDTH_CM / 2.54)


FONT_SIZE = print_pt(10.0)  # labels, legends, ticks
MIN_FONT_SIZE = print_pt(9.0)  # nothing prints smaller
TITLE_SIZE = print_pt(12.0)  # kept for callers; charts carry no title (the caption is it)


class ChartFontError(RuntimeError):
    """No usable CJK font is installed."""


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
    from generator.machine.fonts_probe import require_cjk_font

    return require_cjk_font()


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
    """A styled, A4-friendly figure on an Agg canvas. Made without pyplot, whose import costs
    more than the rest of matplotlib's (the same pixels: the figure and canvas pyplot would
    make with the Agg backend)."""
    from generator.charts.mpl import import_for_drawing

    import_for_drawing()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=FIG_SIZE, dpi=DPI)
        FigureCanvasAgg(fig)
        yield fig


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
