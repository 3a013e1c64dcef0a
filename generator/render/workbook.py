"""The 附表 as an .xlsx workbook: one sheet per standard table, laid out as the statements are
(title, 编制单位 and 单位 lines, merged header rows, 合计 rows in bold, the 注 line), amounts as
numbers with two decimals. The bytes depend only on the tables: fixed document properties and
zip dates, so two builds give identical files. `generator import` reads it back.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.present.tables import Column, Row, StandardTable

CENT = Decimal("0.01")
AMOUNT_FORMAT = "#,##0.00"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"code": 12, "label": 34, "line": 6, "amount": 15}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
CORE_DATE = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
HEAD_ROW = 4  # title, code and 编制单位/单位 lines above
ONE_PAGE_ROWS = 45  # a table up to this long prints on one page


def write_workbook(tables: list[StandardTable], unit: str, department: str, year: int) -> bytes:
    """The workbook of the standard tables, as deterministic .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    styles: Styles = {}
    for table in tables:
        _sheet(book.create_sheet(table.sheet_name), table, unit, department, year, styles)
    stamp = datetime(year + 1, 1, 1)
    book.properties.creator = department
    book.properties.title = f"{department}{year}年度部门决算公开附表"
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.lastModifiedBy = department
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), stamp)


def _sheet(
    ws: Worksheet, table: StandardTable, unit: str, department: str, year: int, styles: Styles
) -> None:
    width = max(len(table.columns), 1)
    _merge(ws, 1, 1, 1, width, table.title, Font(bold=True, size=16), "center")
    ws.row_dimensions[1].height = 30
    _put(ws, 2, 1, f"{year}年度", align="left")
    _put(ws, 2, width, table.code, align="right")
    _merge(ws, 3, 1, 3, max(1, width - 1), f"编制单位：{department}", None, "left")
    _put(ws, 3, width, f"单位：{unit}", align="right")
    depth = _header(ws, table.columns)
    row = HEAD_ROW + depth
    classified = any(c.kind == "code" for c in table.columns)
    for data in table.rows:
        _data_row(ws, row, table.columns, data, classified, styles)
        row += 1
    if table.note:
        _merge(ws, row, 1, row, width, table.note, None, "left", wrap=True)
    widths = [WIDTHS.get(column.kind, 14) for column in table.columns]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _header_heights(ws, table.columns, widths, depth)
    ws.freeze_panes = ws.cell(HEAD_ROW + depth, 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if len(table.rows) <= ONE_PAGE_ROWS else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW + depth - 1}"


def _put(ws: Worksheet, row: int, col: int, value, *, align: str = "center", bold=False):
    cell = ws.cell(row, col, value)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if bold:
        cell.font = Font(bold=True)
    return cell


def _merge(ws, r1, c1, r2, c2, value, font, align, wrap=False) -> None:
    cell = ws.cell(r1, c1, value)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if font is not None:
        cell.font = font
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _header(ws: Worksheet, columns: tuple[Column, ...]) -> int:
    """Header rows: a header path's shared prefixes merge across, a short path merges down."""
    depth = max((len(c.header) for c in columns), default=1) or 1
    for level in range(depth):
        for first, last, text, ends in _groups(columns, level):
            top = HEAD_ROW + level
            bottom = HEAD_ROW + depth - 1 if ends else top
            for r in range(top, bottom + 1):
                for c in range(first, last + 1):
                    ws.cell(r, c).border = BOX
            _merge(ws, top, first, bottom, last, text, Font(bold=True), "center", wrap=True)
    return depth


def _header_heights(
    ws: Worksheet, columns: tuple[Column, ...], widths: list[int], depth: int
) -> None:
    """Header rows tall enough for their wrapped texts (a 汉字 is about two width units)."""
    for level in range(depth):
        lines = 1
        for first, last, text, _ in _groups(columns, level):
            span = sum(widths[first - 1 : last])
            lines = max(lines, math.ceil(len(text) * 2.2 / max(span - 1, 1)))
        ws.row_dimensions[HEAD_ROW + level].height = 15 * lines + 3


def _groups(columns: tuple[Column, ...], level: int) -> list[tuple[int, int, str, bool]]:
    """(first, last column, text, whether every path of the group ends here) at one level."""
    groups: list[tuple[int, int, str, bool]] = []
    for i, column in enumerate(columns, 1):
        if len(column.header) <= level:
            continue
        prefix = column.header[: level + 1]
        ends = len(column.header) == level + 1
        if groups and groups[-1][1] == i - 1 and columns[i - 2].header[: level + 1] == prefix:
            first, _, text, all_end = groups[-1]
            groups[-1] = (first, i, text, all_end and ends)
        else:
            groups.append((i, i, prefix[-1], ends))
    return groups


def _data_row(
    ws: Worksheet, row: int, columns: tuple[Column, ...], data: Row, classified: bool,
    styles: Styles,
) -> None:  # fmt: skip
    """One data row; in a table by 科目编码 the names are indented by level (类, 款, 项)."""
    for col, (column, value) in enumerate(zip(columns, data.cells, strict=False), 1):
        cell = ws.cell(row, col)
        if isinstance(value, Decimal):
            cell.value = value.quantize(CENT)
            style = CellStyle("right", amount=True, bold=data.total)
        elif value is not None:
            cell.value = str(value)
            indent = max(data.level - 1, 0) if classified and column.kind == "label" else 0
            align = "left" if column.kind in ("label", "code") else "center"
            style = CellStyle(align, indent, bold=data.total)
        else:
            style = CellStyle(None, bold=data.total)
        _style(cell, style, styles)


@dataclass(frozen=True)
class CellStyle:
    """A data cell's look: boxed, aligned (None: not set), amounts in #,##0.00, bold totals."""

    align: str | None
    indent: int = 0
    amount: bool = False
    bold: bool = False


Styles = dict[CellStyle, Any]  # of one workbook: openpyxl's style array of each CellStyle


def _style(cell: Any, style: CellStyle, styles: Styles) -> None:
    """Set the first time a style is met, copied from then on (openpyxl hashes every style
    object it is given: the bulk of writing a large table; the styles it registers, in the
    same order, are the same)."""
    known = styles.get(style)
    if known is not None:
        cell._style = copy(known)  # noqa: SLF001 - openpyxl's own way of copying a style
        return
    cell.border = BOX
    if style.amount:
        cell.number_format = AMOUNT_FORMAT
    if style.align is not None:
        horizontal, indent = style.align, style.indent
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", indent=indent)
    if style.bold:
        cell.font = Font(bold=True)
    styles[style] = copy(cell._style)  # noqa: SLF001


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """The archive re-written with fixed member dates and the properties' date pinned."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = CORE_DATE.sub(iso, body)
            member = zipfile.ZipInfo(info.filename, ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, body)
    return out.getvalue()
