"""表2, 表3, 表5, 表8 and 表9: rows by 功能分类 code (类, 款, 项), columns by header."""

from __future__ import annotations

from typing import Any

from generator.statements.layout import norm
from generator.statements.reading import Line, Want, want
from generator.statements.source import ZERO, Source

OUT_BUDGET = ("年初预算数", "年初预算", "全年预算数", "全年预算", "预算数", "调整预算数")
SPENT = ("本年支出", "决算数", "本年支出决算数")


def _w(*leaves: str, within=(), outside=OUT_BUDGET) -> tuple[Want, ...]:
    return (want(leaves, within, outside),)


INCOME_BY_FUNCTION = {
    "total": _w("本年收入合计", "合计"),
    "fiscal": _w("财政拨款收入", "财政拨款"),
    "superior_subsidy": _w("上级补助收入"),
    "business": _w("事业收入"),
    "operating": _w("经营收入"),
    "subordinate": _w("附属单位上缴收入"),
    "other": _w("其他收入"),
}
EXPENDITURE_BY_FUNCTION = {
    "total": _w("本年支出合计", "合计"),
    "basic": _w("基本支出"),
    "project": _w("项目支出"),
    "to_superior": _w("上缴上级支出"),
    "operating": _w("经营支出"),
    "to_subordinate": _w("对附属单位补助支出"),
}
GENERAL_BUDGET = {
    "initial": (
        want(["年初预算数", "年初预算"], outside=()),
        want(["合计"], within=["年初预算数", "年初预算"]),
    ),
    "budget": (
        want(["全年预算数", "全年预算", "预算数"], outside=()),
        want(["合计"], within=["全年预算数", "全年预算"]),
    ),
    "total": _w("合计", "决算数合计", "小计", "决算数"),
    "basic": _w("基本支出"),
    "project": _w("项目支出"),
}
FUND_BY_FUNCTION = {
    "opening": _w("年初结转和结余", "年初结转结余"),
    "income": _w("本年收入"),
    "total": (want(["合计", "小计"], within=SPENT, outside=()), want(["本年支出合计"], outside=())),
    "basic": (want(["基本支出"], outside=()),),
    "project": (want(["项目支出"], outside=()),),
    "closing": _w("年末结转和结余", "年末结转结余"),
}
COLUMN_ORDER = {
    2: ("fiscal", "superior_subsidy", "business", "operating", "subordinate", "other"),
    3: ("basic", "project", "to_superior", "operating", "to_subordinate"),
    5: ("initial", "budget", "basic", "project"),
    8: ("opening", "income", "basic", "project", "closing"),
    9: ("opening", "income", "basic", "project", "closing"),
}
LINE_NUMBERS = {
    2: {
        "total": "1",
        "fiscal": "2",
        "superior_subsidy": "3",
        "business": "4",
        "operating": "5",
        "subordinate": "6",
        "other": "7",
    },
    3: {
        "total": "1",
        "basic": "2",
        "project": "3",
        "to_superior": "4",
        "operating": "5",
        "to_subordinate": "6",
    },
}


def read_classified(src: Source, wants: dict[str, tuple[Want, ...]], key: str) -> None:
    number = src.out.number
    lines = [
        line
        for block in src.layout.blocks
        for line in src.rows(block, wants, LINE_NUMBERS.get(number))
    ]
    src.out.rows = len(lines)
    order = COLUMN_ORDER[number]
    read = tuple(c for c in order if any(c in line.values for line in lines))
    items = [line for line in lines if line.code and len(line.code) == 7]
    rows = [_item_row(src, line, read) for line in items if _nonzero(line, read)]
    if number in (8, 9) and "closing" in read:
        _closing_only_when_moved(rows, items)
    rows += _class_rows(lines, items, read)
    for line in lines:
        if not line.code and line.key in ("合计", "总计"):
            for name, value in line.values.items():
                src.out.printed[f"total:{name}"] = value
        elif not line.code and line.key:
            src.note(line, "没有科目编码，未导入")
    src.out.facts[key] = rows
    src.out.columns[key] = read
    if number == 5 and "budget" not in read and lines:
        src.out.notes.append("没有“全年预算数”栏：general_budget_by_function 的 budget 保持原值")


def _nonzero(line: Line, read: tuple[str, ...]) -> bool:
    return any(line.values.get(c, ZERO) != ZERO for c in read)


def _item_row(src: Source, line: Line, read: tuple[str, ...]) -> dict[str, Any]:
    from generator.model import catalogue as refdata

    row: dict[str, Any] = {"code": line.code}
    known = refdata.functional_name(line.code or "", src.ctx.year)
    if (
        line.label
        and line.code not in src.ctx.names_given
        and (known is None or norm(known) != norm(line.label))
    ):
        row["name"] = line.label
    if line.label:
        src.ctx.names_given.add(line.code or "")
    for c in read:
        value = line.values.get(c, ZERO)
        if value != ZERO:
            row[c] = value
    return row


def _class_rows(lines: list[Line], items: list[Line], read: tuple[str, ...]) -> list[dict]:
    """类 and 款 rows whose printed figure differs from the sum of their printed 项."""
    rows = []
    stated = (x for x in lines if x.code and len(x.code) in (3, 5))
    for line in sorted(stated, key=lambda x: x.code or ""):
        parts = [i for i in items if (i.code or "").startswith(line.code or "-")]
        row: dict[str, Any] = {"code": line.code}
        for c in read:
            total = sum((p.values.get(c, ZERO) for p in parts), ZERO)
            if line.values.get(c, ZERO) != total:
                row[c] = line.values.get(c, ZERO)
        if len(row) > 1:
            rows.append(row)
    return rows


def _closing_only_when_moved(rows: list[dict[str, Any]], items: list[Line]) -> None:
    """年末 is derived (年初 + 收入 − 支出) and kept only where the statement differs."""
    printed = {line.code: line.values.get("closing", ZERO) for line in items}
    for row in rows:
        derived = row.get("opening", ZERO) + row.get("income", ZERO)
        derived -= row.get("basic", ZERO) + row.get("project", ZERO)
        row.pop("closing", None)
        if printed.get(row["code"], ZERO) != derived:
            row["closing"] = printed.get(row["code"], ZERO)
