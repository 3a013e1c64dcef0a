"""The nine standard tables read into finance facts, in the structure of finance.yaml.

Each reader takes a located sheet and returns the facts it holds (only the fields its columns
gave), the totals it prints (for the cross-table checks) and the rows it could not place. 表1 and
表4 are in summaries.py, the tables by 功能分类 in by_function.py; 表6 and 表7 are here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from generator.statements.by_function import (
    EXPENDITURE_BY_FUNCTION,
    FUND_BY_FUNCTION,
    GENERAL_BUDGET,
    INCOME_BY_FUNCTION,
    read_classified,
)
from generator.statements.layout import Layout, norm
from generator.statements.reading import Want, want
from generator.statements.source import ONE_AMOUNT, ZERO, Context, Source, TableFacts
from generator.statements.summaries import read_fiscal_table, read_total_table

# 表6 一般公共预算财政拨款基本支出决算表: rows by 经济分类 code, blocks side by side.

REPORTED = {
    "人员经费合计": "personnel",
    "人员经费": "personnel",
    "公用经费合计": "public",
    "公用经费": "public",
}


def read_economic(src: Source) -> None:
    from generator.model import catalogue as refdata

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


__all__ = ["READERS", "Context", "Source", "TableFacts", "blank_note"]
