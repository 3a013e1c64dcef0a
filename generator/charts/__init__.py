"""Charts for the final-account disclosure: year-on-year grouped bars and structure pies.

Figures are drawn with matplotlib's Agg backend and returned as PNG bytes. matplotlib is
imported lazily inside the drawing functions, so importing this package stays cheap.
Amounts are ``Decimal`` values (万元 by default); shares are computed with ``Decimal`` too.

Modules: ``numbers`` (chart data, Decimal formatting), ``style`` (fonts, palette, figure and
PNG plumbing), ``bars`` (grouped bars) and ``pies`` (structure pies).
"""

from __future__ import annotations

# Names marked F401 are not in __all__ but stay importable from generator.charts as before:
# the figure size (preview stubs), layout constants, and the helpers the tests drive.
from generator.charts.bars import (
    MAX_SERIES,  # noqa: F401
    _build_bars,  # noqa: F401
    draw_bars,
)
from generator.charts.numbers import (
    Slice,
    format_amount,
    format_share,
    format_shares,  # noqa: F401
    pie_legend_labels,
)
from generator.charts.pies import (
    EMPTY_PIE_TEXT,  # noqa: F401
    MIN_PIE_LABEL_SHARE,  # noqa: F401
    _build_pie,  # noqa: F401
    draw_pie,
)
from generator.charts.style import (
    AXIS_COLOR,  # noqa: F401
    DPI,  # noqa: F401
    FIG_PX,  # noqa: F401
    FIG_SIZE,  # noqa: F401
    FONT_CANDIDATES,
    FONT_SIZE,  # noqa: F401
    GRID_COLOR,  # noqa: F401
    PALETTE,
    TEXT_COLOR,  # noqa: F401
    TITLE_SIZE,  # noqa: F401
    ChartFontError,
    _figure,  # noqa: F401
    cjk_font,
    find_cjk_font,
)

__all__ = [
    "FONT_CANDIDATES",
    "PALETTE",
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
