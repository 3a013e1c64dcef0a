"""The nine standard tables read into finance facts, in the structure of finance.yaml.

Each reader takes a located sheet and returns the facts it holds (only the fields its columns
gave), the totals it prints (for the cross-table checks) and the rows it could not place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.statements.layout import Block, Layout, label_key, norm
from generator.statements.reading import (
    CellProblem,
    Line,
    Want,
    by_line_number,
    match_columns,
    read_rows,
    want,
)

ZERO = Decimal(0)
AMOUNT = ("决算数", "金额", "本年数", "本年决算数", "决算金额", "合计")


@dataclass
class Context:
    year: int
    unit: str  # the dataset's
    names_given: set[str] = field(default_factory=set)


@dataclass
class TableFacts:
    number: int
    sheet: str
    unit: str
    how: str
    rows: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list key -> columns read
    printed: dict[str, Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Source:
    """What a reader gets: the layout, units, context, and where problems go."""

    layout: Layout
    units: tuple[str, str]
    ctx: Context
    problems: list[CellProblem]
    out: TableFacts

    def rows(self, block: Block, wants: dict[str, tuple[Want, ...]], numbers=None) -> list[Line]:
        cols = match_columns(block, wants)
        if numbers:
            by_line_number(block, numbers, cols)
        rows = read_rows(self.layout, block, cols, self.units, self.problems)
        return rows.lines

    def note(self, line: Line, what: str) -> None:
        self.out.notes.append(f"第{line.row}行“{line.label or line.code}”：{what}")


# 表1 收入支出决算总表 and 表4 财政拨款收入支出决算总表: rows by label.

INCOME_LABELS = {
    "一般公共预算财政拨款收入": "general_budget",
    "一般公共预算财政拨款": "general_budget",
    "政府性基金预算财政拨款收入": "government_funds",
    "政府性基金预算财政拨款": "government_funds",
    "国有资本经营预算财政拨款收入": "state_capital",
    "国有资本经营预算财政拨款": "state_capital",
    "上级补助收入": "superior_subsidy",
    "事业收入": "business",
    "经营收入": "operating",
    "附属单位上缴收入": "subordinate",
    "其他收入": "other",
}
TOP_LABELS = {
    "使用非财政拨款结余": "non_fiscal_surplus_used",
    "使用非财政拨款结余(含专用结余)": "non_fiscal_surplus_used",
    "年初结转和结余": "opening_balance",
    "结余分配": "surplus_distribution",
    "年末结转和结余": "closing_balance",
}
PRINTED_LABELS = {"本年收入合计": "income_total", "本年支出合计": "expenditure_total"}
ONE_AMOUNT = {"amount": (want(AMOUNT),)}


def read_total_table(src: Source) -> None:
    """表1: the income sources, balances and the printed 本年收入/支出合计."""
    facts = src.out.facts
    for index, block in enumerate(src.layout.blocks):
        for line in src.rows(block, ONE_AMOUNT):
            src.out.rows += 1
            value = line.values.get("amount", ZERO)
            key = line.key
            if key in INCOME_LABELS:
                facts.setdefault("income", {})[INCOME_LABELS[key]] = value
            elif key in TOP_LABELS:
                facts[TOP_LABELS[key]] = value
            elif key in PRINTED_LABELS:
                src.out.printed[PRINTED_LABELS[key]] = value
            elif key == "总计":
                side = (
                    "expenditure" if index or "expenditure_total" in src.out.printed else "income"
                )
                src.out.printed[f"{side}_grand_total"] = value
            elif key.endswith("支出") or key.startswith("其中"):
                src.out.printed[f"class:{key}"] = value
            elif key:
                src.note(line, "无法识别的项目，未导入")


FUNDS = ("general_budget", "government_funds", "state_capital")
FUND_COLUMNS = {
    "total": (want(["合计", "小计"]),),
    "general_budget": (want(["一般公共预算财政拨款", "一般公共预算"]),),
    "government_funds": (want(["政府性基金预算财政拨款", "政府性基金预算"]),),
    "state_capital": (want(["国有资本经营预算财政拨款", "国有资本经营预算"]),),
    "amount": (want(AMOUNT),),
}


FUND_LABELS = {
    "一般公共预算财政拨款": "general_budget",
    "政府性基金预算财政拨款": "government_funds",
    "国有资本经营预算财政拨款": "state_capital",
}


def _fund(key: str) -> str | None:
    return FUND_LABELS.get(key.removesuffix("收入").removesuffix("支出"))


def read_fiscal_table(src: Source) -> None:
    """表4: the 财政拨款 balances by fund (年初 on the income side, 年末 on the spending side)
    and the printed 本年支出合计 by fund."""
    balances: dict[str, dict[str, Decimal]] = {}
    for block in src.layout.blocks:
        section = "income"
        for line in src.rows(block, FUND_COLUMNS):
            src.out.rows += 1
            key = line.key
            if key.startswith("年初财政拨款结转和结余") or key.startswith("年初结转和结余"):
                section = "opening"
                _by_fund_columns(line, balances.setdefault("opening", {}))
            elif key.startswith("年末财政拨款结转和结余") or key.startswith("年末结转和结余"):
                section = "closing"
                _by_fund_columns(line, balances.setdefault("closing", {}))
            elif (fund := _fund(key)) is not None:
                if section in ("opening", "closing"):
                    balances.setdefault(section, {})[fund] = _single(line)
                else:
                    src.out.printed[f"{section}:{fund}"] = _single(line)
            elif key == "本年支出合计":
                section = "spending"
                for fund in FUNDS:
                    if fund in line.values:
                        src.out.printed[f"spending:{fund}"] = line.values[fund]
            elif key in ("本年收入合计", "总计") or key.endswith("支出"):
                continue
            elif key:
                src.note(line, "无法识别的项目，未导入")
    if balances:
        facts = {
            s: {f: balances.get(s, {}).get(f, ZERO) for f in FUNDS} for s in ("opening", "closing")
        }
        src.out.facts["fiscal_balances"] = facts


def _single(line: Line) -> Decimal:
    for name in ("amount", "total", "general_budget"):
        if name in line.values:
            return line.values[name]
    return ZERO


def _by_fund_columns(line: Line, into: dict[str, Decimal]) -> None:
    for fund in FUNDS:
        if fund in line.values:
            into[fund] = line.values[fund]


# 表2, 表3, 表5, 表8, 表9: rows by 功能分类 code.

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
    from generator import refdata

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


# 表6 一般公共预算财政拨款基本支出决算表: rows by 经济分类 code, blocks side by side.

REPORTED = {
    "人员经费合计": "personnel",
    "人员经费": "personnel",
    "公用经费合计": "public",
    "公用经费": "public",
}


def read_economic(src: Source) -> None:
    from generator import refdata

    items: list[dict[str, Any]] = []
    reported: dict[str, Decimal] = {}
    for block in src.layout.blocks:
        for line in src.rows(block, ONE_AMOUNT):
            src.out.rows += 1
            value = line.values.get("amount", ZERO)
            if line.code and len(line.code) == 5:
                if value == ZERO:
                    continue
                item: dict[str, Any] = {"code": line.code}
                known = refdata.economic_name(line.code, src.ctx.year)
                if line.label and (known is None or norm(known) != norm(line.label)):
                    item["name"] = line.label
                item["amount"] = value
                items.append(item)
            elif line.code:
                src.out.printed[f"class:{line.code}"] = value
            elif line.key in REPORTED:
                reported[REPORTED[line.key]] = value
            elif line.key in ("合计", "总计", "基本支出合计"):
                src.out.printed["total"] = value
            elif line.key:
                src.note(line, "没有经济分类编码，未导入")
    facts: dict[str, Any] = {"items": items}
    if reported:
        facts["reported"] = {k: reported[k] for k in ("personnel", "public") if k in reported}
    src.out.facts["basic_by_economic"] = facts


# 表7 财政拨款"三公"经费支出决算表: one row, columns under 预算数 and 决算数.

THREE_PUBLIC_PARTS = {
    "total": ("合计",),
    "abroad": ("因公出国(境)费", "因公出国(境)费用", "因公出国境费"),
    "vehicles": ("小计", "公务用车购置及运行维护费小计", "公务用车购置及运行费小计"),
    "vehicle_purchase": ("公务用车购置费", "购置费"),
    "vehicle_running": ("公务用车运行维护费", "公务用车运行费", "运行维护费", "运行费"),
    "reception": ("公务接待费",),
    "reception_domestic": ("国内接待费", "国内公务接待费"),
    "reception_foreign": ("外事接待费", "国(境)外公务接待费", "外宾接待费"),
}
PHASES = {"budget": ("预算数", "全年预算数", "预算"), "actual": ("决算数", "决算")}


def _three_public_wants() -> dict[str, tuple[Want, ...]]:
    wants = {}
    for phase, names in PHASES.items():
        for part, leaves in THREE_PUBLIC_PARTS.items():
            wants[f"{phase}.{part}"] = (want(leaves, within=names),)
    return wants


def read_three_public(src: Source) -> None:
    lines = [line for b in src.layout.blocks for line in src.rows(b, _three_public_wants())]
    src.out.rows = len(lines)
    values: dict[str, Decimal] = {}
    for line in lines:
        for name, value in line.values.items():
            values[name] = values.get(name, ZERO) + value
    for name, value in values.items():
        src.out.printed[name] = value
    budget = {k: values[f"budget.{k}"] for k in BUDGET_KEYS if f"budget.{k}" in values}
    actual = {k: values[f"actual.{k}"] for k in ACTUAL_KEYS if f"actual.{k}" in values}
    src.out.facts["three_public"] = {"budget": budget, "actual": actual}


BUDGET_KEYS = ("abroad", "vehicle_purchase", "vehicle_running", "reception")
ACTUAL_KEYS = ("abroad", "vehicle_running")  # 购置费, 接待费: from their breakdowns


READERS: dict[int, Callable[[Source], None]] = {
    1: read_total_table,
    2: lambda src: read_classified(src, INCOME_BY_FUNCTION, "income_by_function"),
    3: lambda src: read_classified(src, EXPENDITURE_BY_FUNCTION, "expenditure_by_function"),
    4: read_fiscal_table,
    5: lambda src: read_classified(src, GENERAL_BUDGET, "general_budget_by_function"),
    6: read_economic,
    7: read_three_public,
    8: lambda src: read_classified(src, FUND_BY_FUNCTION, "government_funds_by_function"),
    9: lambda src: read_classified(src, FUND_BY_FUNCTION, "state_capital_by_function"),
}


def blank_note(layout: Layout) -> bool:
    """Whether the sheet says it has no data (…本表无数据 / 本表为空表)."""
    sheet = layout.sheet
    return any(
        isinstance(v, str) and ("本表无数据" in norm(v) or "为空表" in norm(v))
        for v in sheet.values.values()
    )


__all__ = ["READERS", "Context", "Source", "TableFacts", "blank_note", "label_key"]
