"""表1 收入支出决算总表 and 表4 财政拨款收入支出决算总表: rows by label, blocks side by side."""

from __future__ import annotations

from decimal import Decimal

from generator.statements.reading import Line, want
from generator.statements.source import AMOUNT, ONE_AMOUNT, ZERO, Source

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


# The 行次 of the eight income lines in the statements' 收入支出决算总表 (财决01表, 公开01表),
# for a line whose label is worded otherwise.
INCOME_LINES = {str(i): key for i, key in enumerate(dict.fromkeys(INCOME_LABELS.values()), 1)}


def read_total_table(src: Source) -> None:
    """表1: the income sources, balances and the printed 本年收入/支出合计."""
    for index, block in enumerate(src.layout.blocks):
        for line in src.rows(block, ONE_AMOUNT):
            src.out.rows += 1
            _total_line(src, line, index)


def _total_line(src: Source, line: Line, block: int) -> None:
    facts = src.out.facts
    value = line.values.get("amount", ZERO)
    key = line.key.removeprefix("其中:").removeprefix("其中")
    if key in INCOME_LABELS:
        facts.setdefault("income", {})[INCOME_LABELS[key]] = value
    elif key in TOP_LABELS:
        facts[TOP_LABELS[key]] = value
    elif key in PRINTED_LABELS:
        src.out.printed[PRINTED_LABELS[key]] = value
    elif key == "总计":
        spending = block or "expenditure_total" in src.out.printed
        src.out.printed[f"{'expenditure' if spending else 'income'}_grand_total"] = value
    elif key.endswith("支出"):
        src.out.printed[f"class:{key}"] = value
    elif block == 0 and line.line_no in INCOME_LINES and key:
        facts.setdefault("income", {})[INCOME_LINES[line.line_no]] = value
        src.note(line, f"按行次 {line.line_no} 识别为 {INCOME_LINES[line.line_no]}")
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
