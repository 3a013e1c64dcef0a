"""Tests for generator.charts: PNG output, determinism, fonts, layout and Decimal formatting."""

from __future__ import annotations

import hashlib
import logging
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from generator import charts
from generator.charts import ChartFontError, Slice

ROOT = Path(__file__).resolve().parents[1]
D = Decimal

GROUPS = ["收入总计", "支出总计"]
SERIES = [("2022年", [D("753.82"), D("753.82")]), ("2023年", [D("912.26"), D("912.26")])]
SLICES = [Slice("基本支出", D("686.2")), Slice("项目支出", D("226.06"))]
MANY_GROUPS = [
    "一般公共服务支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "节能环保支出",
    "城乡社区支出",
    "农林水支出",
    "住房保障支出",
]
MANY_SERIES = [
    (f"{year}年", [D(v) * (1 + k) for v in ("1234.56", "44.2", "35", "0", "9999.99", "12.3", "5")])
    for k, year in enumerate((2021, 2022, 2023))
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def figure() -> Iterator[object]:
    with charts._figure() as fig:
        yield fig


def visible_texts(fig) -> list:
    """Every piece of text drawn on the figure (titles, legends, ticks, labels)."""
    fig.canvas.draw()
    texts = list(fig.texts)
    for legend in fig.legends:
        texts += legend.get_texts()
    for ax in fig.axes:
        texts += ax.texts
        if ax.axison:
            texts += ax.get_xticklabels() + ax.get_yticklabels()
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def assert_no_overlap(fig) -> None:
    renderer = fig.canvas.get_renderer()
    texts = visible_texts(fig)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    width, height = charts.FIG_PX
    for label, box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0, label
        assert box.x1 <= width and box.y1 <= height, label
    for i, (a_text, a) in enumerate(boxes):
        for b_text, b in boxes[i + 1 :]:
            assert not a.overlaps(b), f"{a_text!r} overlaps {b_text!r}"


def axes_texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text()]


# --- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("912.26", "912.26"),
        ("44.20", "44.2"),
        ("35.00", "35"),
        ("100", "100"),
        ("1E+3", "1000"),
        ("0.00", "0"),
        ("-0.001", "0"),
        ("1.005", "1.01"),
        ("0.125", "0.13"),
        ("12345.6789", "12345.68"),
    ],
)
def test_format_amount_drops_trailing_zeros(value: str, expected: str) -> None:
    assert charts.format_amount(D(value)) == expected


@pytest.mark.parametrize(
    ("value", "total", "expected"),
    [
        ("686.2", "912.26", "75.2%"),
        ("226.06", "912.26", "24.8%"),
        ("1.5", "1000", "0.2%"),  # exact 0.15 rounds half up (float would give 0.1)
        ("0.25", "100", "0.3%"),  # half up, not banker's rounding
        ("5", "5", "100%"),
        ("0", "912.26", "0%"),
        ("0", "0", "0%"),
    ],
)
def test_format_share_uses_decimal(value: str, total: str, expected: str) -> None:
    assert charts.format_share(D(value), D(total)) == expected


def test_pie_legend_labels() -> None:
    labels = charts.pie_legend_labels([*SLICES, Slice("上缴上级支出", D("0"))])
    assert labels == [
        "基本支出 686.2万元 75.2%",
        "项目支出 226.06万元 24.8%",
        "上缴上级支出 0万元 0%",
    ]


def test_negative_slice_is_rejected() -> None:
    with pytest.raises(ValueError, match="项目支出"):
        charts.draw_pie("结构", [Slice("项目支出", D("-1"))])


def test_series_length_must_match_groups() -> None:
    with pytest.raises(ValueError, match="2023年"):
        charts.draw_bars("对比", GROUPS, [("2023年", [D("1")])])


# --- fonts --------------------------------------------------------------------------------------


def test_cjk_font_is_a_candidate() -> None:
    assert charts.cjk_font() in charts.FONT_CANDIDATES


def test_missing_font_raises_clear_error() -> None:
    with pytest.raises(ChartFontError) as error:
        charts.find_cjk_font(("不存在的字体 A", "No Such Font B"))
    message = str(error.value)
    assert "不存在的字体 A" in message and "No Such Font B" in message
    assert "fonts-noto-cjk" in message


def test_no_glyph_warnings(caplog: pytest.LogCaptureFixture) -> None:
    zero = [Slice("基本支出", D("0")), Slice("项目支出", D("0"))]
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        charts.draw_bars("2022—2023年度收入支出总体情况对比", GROUPS, SERIES)
        charts.draw_bars("功能分类支出对比", MANY_GROUPS, MANY_SERIES, unit="元")
        charts.draw_bars("全零", GROUPS, [("2023年", [D("0"), D("0")])])
        charts.draw_pie("2023年度支出结构", SLICES)
        charts.draw_pie("全零", zero)
        charts.draw_pie("单项", SLICES[:1])
        charts.draw_pie("空", [])
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []


# --- PNG output ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [lambda: charts.draw_bars("对比", GROUPS, SERIES), lambda: charts.draw_pie("结构", SLICES)],
)
def test_png_signature_and_size(draw: Callable[[], bytes]) -> None:
    data = draw()
    assert png_size(data) == charts.FIG_PX == (1180, 630)
    assert b"Software" not in data


def test_deterministic_bytes() -> None:
    assert charts.draw_bars("对比", GROUPS, SERIES) == charts.draw_bars("对比", GROUPS, SERIES)
    assert charts.draw_pie("结构", SLICES) == charts.draw_pie("结构", SLICES)


def test_deterministic_across_processes() -> None:
    code = (
        "import hashlib; from decimal import Decimal as D; from generator import charts; "
        "print(hashlib.sha256(charts.draw_pie('结构', "
        "[charts.Slice('基本支出', D('686.2')), charts.Slice('项目支出', D('226.06'))])"
        ").hexdigest())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == hashlib.sha256(charts.draw_pie("结构", SLICES)).hexdigest()


def test_figures_are_closed() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.draw_bars("对比", GROUPS, SERIES)
    charts.draw_pie("结构", SLICES)
    assert plt.get_fignums() == before


def test_import_does_not_load_matplotlib() -> None:
    code = "import sys, generator.charts; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- bars ---------------------------------------------------------------------------------------


def test_bars_layout(figure) -> None:
    charts._build_bars(figure, "2022—2023年度收入支出总体情况对比", GROUPS, SERIES, "万元")
    assert sorted(axes_texts(figure)) == sorted(
        ["单位：万元", "753.82", "753.82", "912.26", "912.26"]
    )
    ax = figure.axes[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert_no_overlap(figure)


def test_many_bars_do_not_overlap(figure) -> None:
    charts._build_bars(figure, "功能分类支出对比", MANY_GROUPS, MANY_SERIES, "万元")
    assert_no_overlap(figure)


def test_six_series_with_negative_values_do_not_overlap(figure) -> None:
    groups = ["收入总计", "支出总计", "结转结余"]
    series = [(f"{y}年", [D("753.82") + y, D("-120.5") + y, D("12")]) for y in range(2018, 2024)]
    charts._build_bars(figure, "六年对比", groups, series, "万元")
    assert_no_overlap(figure)


def test_too_many_series_is_rejected() -> None:
    series = [(f"{y}年", [D("1"), D("2")]) for y in range(2016, 2016 + charts.MAX_SERIES + 1)]
    with pytest.raises(ValueError, match="最多"):
        charts.draw_bars("对比", GROUPS, series)


def test_all_zero_bars(figure) -> None:
    zero = [("2022年", [D(0), D(0)]), ("2023年", [D(0), D(0)])]
    charts._build_bars(figure, "全零", GROUPS, zero, "万元")
    ax = figure.axes[0]
    assert [p.get_height() for p in ax.patches] == [0, 0, 0, 0]
    assert ax.get_ylim()[0] == 0 < ax.get_ylim()[1]
    assert axes_texts(figure).count("0") == 4
    assert_no_overlap(figure)
    assert png_size(charts.draw_bars("全零", GROUPS, [("2023年", [D(0), D(0)])]))


# --- pies ---------------------------------------------------------------------------------------


def wedges(fig) -> list:
    from matplotlib.patches import Wedge

    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Wedge)]


def squash(text: str) -> str:
    """Text without line breaks or spaces (legend entries may be wrapped)."""
    return "".join(text.split())


def legend_texts(fig) -> list[str]:
    return [squash(t.get_text()) for t in fig.legends[0].get_texts()]


def test_pie_layout(figure) -> None:
    charts._build_pie(figure, "2023年度支出结构", SLICES, "万元", charts.EMPTY_PIE_TEXT)
    assert len(wedges(figure)) == 2
    assert sorted(axes_texts(figure)) == ["24.8%", "75.2%"]
    assert legend_texts(figure) == ["基本支出686.2万元75.2%", "项目支出226.06万元24.8%"]
    assert_no_overlap(figure)


def test_zero_slice_in_legend_but_not_drawn(figure) -> None:
    slices = [*SLICES, Slice("上缴上级支出", D("0"))]
    charts._build_pie(figure, "结构", slices, "万元", charts.EMPTY_PIE_TEXT)
    assert len(wedges(figure)) == 2
    assert legend_texts(figure)[-1] == "上缴上级支出0万元0%"


def test_all_zero_pie(figure) -> None:
    zero = [Slice("基本支出", D("0")), Slice("项目支出", D("0"))]
    charts._build_pie(figure, "全零", zero, "万元", charts.EMPTY_PIE_TEXT)
    assert wedges(figure) == []
    assert axes_texts(figure) == ["本年无支出"]
    assert len(legend_texts(figure)) == 2
    assert_no_overlap(figure)


def test_empty_pie_text_is_configurable() -> None:
    data = charts.draw_pie("收入结构", [Slice("财政拨款收入", D("0"))], empty_text="本年无收入")
    assert png_size(data) == charts.FIG_PX


def test_a_whole_of_one_part_is_a_full_bar_not_a_one_slice_pie(figure) -> None:
    slices = [Slice("基本支出", D("912.26")), Slice("项目支出", D("0"))]
    charts._build_pie(figure, "单项", slices, "万元", charts.EMPTY_PIE_TEXT)
    assert wedges(figure) == []
    assert "基本支出  100%" in axes_texts(figure)
    assert_no_overlap(figure)


def test_five_percent_threshold(figure) -> None:
    slices = [Slice("甲", D("95")), Slice("乙", D("5")), Slice("丙", D("0.0499"))]
    charts._build_pie(figure, "阈值", slices, "万元", charts.EMPTY_PIE_TEXT)
    # 5 / 100.0499 is just under 5%: only the big slice gets a label on the pie
    assert axes_texts(figure) == ["95%"]
    assert len(legend_texts(figure)) == 3


def test_exactly_five_percent_slices_are_labelled_without_overlap(figure) -> None:
    slices = [Slice(f"支出{i}", D("5")) for i in range(20)]
    charts._build_pie(figure, "二十项", slices, "万元", charts.EMPTY_PIE_TEXT)
    assert axes_texts(figure) == ["5%"] * 20
    assert_no_overlap(figure)


def test_many_tiny_slices_all_in_legend(figure) -> None:
    slices = [Slice(f"项目{i}", D("1")) for i in range(25)]
    slices.append(Slice("社会保障和就业支出（行政事业单位养老支出）", D("500")))
    charts._build_pie(figure, "很多小块", slices, "万元", charts.EMPTY_PIE_TEXT)
    expected = charts.pie_legend_labels(slices)
    assert len(expected) == 26
    assert legend_texts(figure) == [squash(label) for label in expected]
    assert axes_texts(figure) == ["95.2%"]
    assert_no_overlap(figure)
