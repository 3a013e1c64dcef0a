"""第五部分 附表: the standard tables as WordprocessingML, placed in the disclosure's landscape
section by the `{{p annex_tables }}` tag of the template.

Every table: title centred above it (not a bordered row), its 公开NN表 code, the 编制单位 and
单位：万元 line, header rows bold and repeated on every page, rows that never split, amounts
right-aligned and never broken, 合计 rows bold, and the 本表无数据 note under an empty table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

from generator.present import numbers as fmt
from generator.present.tables import Column, Row, StandardTable, standard_tables

TEXT_WIDTH = 14570  # twips: landscape A4 (16838) less 2.1 cm margins on both sides
WIDTH_CM = {"label": 5.0, "code": 2.0, "line": 1.1, "amount": 2.6}
CELL_FONT = "仿宋"
HEAD_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
CELL_SIZE = 18  # half-points: 9 pt


@dataclass(frozen=True)
class AnnexTables:
    """The 附表 of one report, turned into XML when the template prints them."""

    report: Any

    def __html__(self) -> str:
        style = self.report.style
        who = self.report.department.name
        tables = standard_tables(self.report)
        return Markup(
            "".join(table_xml(t, who, style.scale, first=i == 0) for i, t in enumerate(tables))
        )

    def __str__(self) -> str:
        return self.__html__()


def table_xml(table: StandardTable, who: str, scale: Decimal, first: bool = False) -> str:
    widths = column_widths(table.columns)
    parts = [
        _para(table.code, align="right", size=20, keep=True, page_break=not first),
        _para(table.title, align="center", size=32, font=TITLE_FONT, keep=True),
        _para(f"编制单位：{who}", align="left", size=21, keep=True, tab_right="单位：万元"),
        _table(table, widths, scale),
    ]
    if table.note:
        parts.append(_para(f"注：{table.note}", align="left", size=21))
    return "".join(parts)


def column_widths(columns: Sequence[Column]) -> list[int]:
    """Twips per column: by kind, scaled to the landscape text width."""
    cm = [WIDTH_CM.get(c.kind, WIDTH_CM["amount"]) for c in columns]
    scale = TEXT_WIDTH / sum(cm)
    widths = [int(w * scale) for w in cm]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _run(text: str, size: int, font: str = CELL_FONT, bold: bool = False) -> str:
    b = "<w:b/><w:bCs/>" if bold else ""
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
        f'w:eastAsia="{font}" w:cs="Times New Roman"/>{b}<w:sz w:val="{size}"/>'
        f'<w:szCs w:val="{size}"/><w:lang w:eastAsia="zh-CN"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def _para(
    text: str,
    align: str,
    size: int,
    font: str = CELL_FONT,
    keep: bool = False,
    page_break: bool = False,
    tab_right: str = "",
) -> str:
    ppr = '<w:pStyle w:val="Flush"/>'
    ppr += "<w:keepNext/>" if keep else ""
    ppr += "<w:pageBreakBefore/>" if page_break else ""
    if tab_right:
        ppr += f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
    ppr += '<w:spacing w:before="0" w:after="60" w:line="360" w:lineRule="auto"/>'
    ppr += f'<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="{align}"/>'
    runs = _run(text, size, font)
    if tab_right:
        runs += "<w:r><w:tab/></w:r>" + _run(tab_right, size, font)
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def _table(table: StandardTable, widths: list[int], scale: Decimal) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tblpr = (
        f'<w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
    )
    rows = _header_rows(table.columns, widths)
    rows += [_body_row(r, table.columns, widths, scale) for r in table.rows]
    return f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def _header_rows(columns: Sequence[Column], widths: list[int]) -> list[str]:
    """One or two header rows: a shared top label spans its columns; a single-level label is
    merged down across both rows."""
    depth = max(len(c.header) for c in columns)
    out = []
    for level in range(depth):
        cells = []
        i = 0
        while i < len(columns):
            col = columns[i]
            if level == 0 and len(col.header) > 1:
                span = _span(columns, i)
                width = sum(widths[i : i + span])
                cells.append(_cell(col.header[0], width, "center", bold=True, span=span))
                i += span
                continue
            if len(col.header) == 1:
                merge = "" if depth == 1 else ("restart" if level == 0 else "continue")
                text = col.header[0] if level == 0 else ""
                cells.append(_cell(text, widths[i], "center", bold=True, vmerge=merge))
            else:
                cells.append(_cell(col.header[level], widths[i], "center", bold=True))
            i += 1
        out.append(_tr(cells, header=True))
    return out


def _span(columns: Sequence[Column], start: int) -> int:
    top = columns[start].header[0]
    n = 0
    while start + n < len(columns) and len(columns[start + n].header) > 1:
        if columns[start + n].header[0] != top:
            break
        n += 1
    return n


def _body_row(row: Row, columns: Sequence[Column], widths: list[int], scale: Decimal) -> str:
    cells = []
    for value, col, width in zip(row.cells, columns, widths, strict=True):
        text, align = _shown(value, col, scale)
        cells.append(_cell(text, width, align, bold=row.total or row.level == 1))
    return _tr(cells)


def _shown(value: Any, col: Column, scale: Decimal) -> tuple[str, str]:
    if isinstance(value, Decimal):
        return fmt.amount(value / scale), "right"
    if value is None:
        return "", "right"
    return str(value), "center" if col.kind in ("line", "code") else "left"


def _cell(
    text: str, width: int, align: str, bold: bool = False, span: int = 1, vmerge: str = ""
) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    tcpr += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        tcpr += "<w:vMerge/>"
    tcpr += "<w:noWrap/>" if align == "right" else ""
    tcpr += '<w:vAlign w:val="center"/>'
    ppr = (
        '<w:pStyle w:val="Flush"/><w:spacing w:before="0" w:after="0" w:line="200" '
        'w:lineRule="exact"/><w:ind w:firstLine="0" w:firstLineChars="0"/>'
        f'<w:jc w:val="{align}"/>'
        f'<w:rPr><w:sz w:val="{CELL_SIZE}"/><w:szCs w:val="{CELL_SIZE}"/></w:rPr>'
    )
    font = HEAD_FONT if bold and align == "center" else CELL_FONT
    run = _run(text, CELL_SIZE, font, bold) if text else ""
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr>{run}</w:p></w:tc>"


def _tr(cells: list[str], header: bool = False) -> str:
    trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells)}</w:tr>"
