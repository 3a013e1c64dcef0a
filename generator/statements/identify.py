"""Which standard table a sheet holds: by the title it prints, its sheet name, or its code."""

from __future__ import annotations

import re

from generator.statements.grid import Sheet
from generator.statements.layout import norm

TITLES: dict[int, tuple[str, ...]] = {
    1: ("收入支出决算总表",),
    2: ("收入决算表",),
    3: ("支出决算表",),
    4: ("财政拨款收入支出决算总表",),
    5: ("一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算明细表"),
    6: ("一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决算明细表"),
    7: ("财政拨款三公经费支出决算表", "一般公共预算财政拨款三公经费支出决算表"),
    8: ("政府性基金预算财政拨款收入支出决算表",),
    9: ("国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"),
}
NAMES = {n: TITLES[n][0] for n in TITLES} | {7: "财政拨款“三公”经费支出决算表"}
REQUIRED = (1, 2, 3, 4, 5, 6, 7)
CODES = re.compile(r"[(（]?(?:公开|财决|部决|Z)\s*0*(\d{1,2})\s*表?[)）]?")
TRUSTED_CODES = {"公开": set(TITLES), "财决": {1, 2, 3}, "Z": {1, 2, 3}, "部决": set()}
PREFIX_OK = re.compile(r"(^|年|年度|部门|单位|部|局|委|办|中心|院|所|站|队|会)$")
TITLE_ROWS = 6


def _strip_codes(text: str) -> str:
    return CODES.sub("", norm(text)).strip("()（）-_ ")


def title_number(text: str) -> int | None:
    """The table a printed title names: the longest standard title the text ends with, after
    a year or a department name at most."""
    text = _strip_codes(text)
    best: tuple[int, int] | None = None
    for number, titles in TITLES.items():
        for title in titles:
            fits = text.endswith(title) and PREFIX_OK.search(text[: -len(title)])
            if fits and (best is None or len(title) > best[1]):
                best = (number, len(title))
    return best[0] if best else None


def name_number(sheet_name: str) -> int | None:
    """The table a sheet name names: a whole title, a title cut at 31 characters, or a code."""
    text = _strip_codes(sheet_name)
    if text:
        exact = title_number(text)
        if exact is not None:
            return exact
        cut = {n for n, titles in TITLES.items() for t in titles if t.startswith(text)}
        if len(cut) == 1 and len(text) >= 4:
            return cut.pop()
    return code_number(sheet_name)


def code_number(text: str) -> int | None:
    for m in CODES.finditer(norm(text)):
        kind = next(k for k in TRUSTED_CODES if m.group(0).lstrip("(（").startswith(k))
        number = int(m.group(1))
        if number in TRUSTED_CODES[kind]:
            return number
    return None


def identify(sheet: Sheet) -> tuple[int | None, str]:
    """(table number or None, how it was recognised)."""
    for r in range(1, min(sheet.max_row, TITLE_ROWS) + 1):
        for c in range(1, sheet.max_col + 1):
            value = sheet.own(r, c)
            if isinstance(value, str) and (n := title_number(value)) is not None:
                return n, "标题"
    n = name_number(sheet.name)
    if n is not None:
        return n, "工作表名"
    for r in range(1, min(sheet.max_row, TITLE_ROWS) + 1):
        for c in range(1, sheet.max_col + 1):
            value = sheet.own(r, c)
            if isinstance(value, str) and (n := code_number(value)) is not None:
                return n, "表号"
    return None, ""
