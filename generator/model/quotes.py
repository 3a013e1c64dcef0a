"""Figures quoted in prose: a text in the data may write {{ 全年预算 }} instead of typing 912.26,
so that even hand-written sentences print derived numbers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from generator.present import numbers as fmt

REF = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
Names = Mapping[str, Decimal | str]


def funds_names(funds: Any) -> dict[str, Decimal | str]:
    """Names a project's (or the department's) texts may quote."""
    return {
        "年初预算": funds.initial,
        "预算调整": funds.adjustment,
        "全年预算": funds.budget,
        "全年执行": funds.executed,
        "结余": funds.execution.balance,
        "执行率": fmt.pct(funds.execution.rate, 2, keep_zeros=True),
    }


def finance_names(finance: Any) -> dict[str, Decimal | str]:
    """Names every text may quote: the year's main 决算 figures."""
    return {
        "收支总计": finance.expenditure_grand,
        "收入总计": finance.income_grand,
        "支出总计": finance.expenditure_grand,
        "本年收入合计": finance.income_total,
        "本年支出合计": finance.expenditure_total,
        "上年收支总计": finance.income_change.previous,
        "基本支出": finance.basic.amount,
        "项目支出": finance.project.amount,
        "人员经费": finance.economic.personnel.total,
        "公用经费": finance.economic.public.total,
        "一般公共预算财政拨款支出": finance.general_actual,
        "全年预算数": finance.general_execution.budget,
        "机关运行经费": finance.operating_costs.current,
        "三公经费": finance.three_public.execution.actual,
        "公务接待费": finance.three_public.reception.actual,
    }


def _show(value: Decimal | str) -> str:
    return fmt.wan(value) if isinstance(value, Decimal) else value


def printed(names: Names, amount: Callable[[Decimal], str]) -> dict[str, str]:
    """The names with their figures printed as the dataset's style prints amounts."""
    return {k: amount(v) if isinstance(v, Decimal) else v for k, v in names.items()}


def fill(text: str, names: Names) -> str:
    """Replace {{ 名称 }} by the figure; an unknown name stays as written (the audit reports it)."""
    if "{{" not in text:
        return text
    return REF.sub(lambda m: _show(names[m[1]]) if m[1] in names else m[0], text)


def fill_all(node: Any, names: Names) -> Any:
    """`fill` applied to every text of a nested structure."""
    if isinstance(node, str):
        return fill(node, names)
    if isinstance(node, Mapping):
        return {k: fill_all(v, names) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [fill_all(v, names) for v in node]
    return node


def unknown(text: str, names: Names) -> list[str]:
    return [m[1] for m in REF.finditer(text) if m[1] not in names]
