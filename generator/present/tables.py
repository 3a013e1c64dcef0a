"""The standard 部门决算公开表 as plain data: what the 附表 print in the .docx and the .xlsx.

Built from the derived finance model by `standard_tables`; every cell is either text or a
Decimal amount in the dataset's unit (rounded only when printed or written to a workbook).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

Cell = str | Decimal | None


@dataclass(frozen=True)
class Column:
    """One printed column: its header (a path of header rows, top first) and kind."""

    header: tuple[str, ...]
    kind: str = "amount"  # amount / code / label / line


@dataclass(frozen=True)
class Row:
    """One printed row. `level` is the depth of a classified row (0 合计, 1 类, 2 款, 3 项)."""

    cells: tuple[Cell, ...]
    level: int = 3
    total: bool = False


@dataclass(frozen=True)
class StandardTable:
    """One standard table: 公开NN表 code, title, columns, rows, and the 本表无数据 note."""

    number: int
    code: str  # e.g. 公开01表
    title: str  # e.g. 收入支出决算总表
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: str = ""  # 注 line, or the empty-table note
    empty: bool = False

    @property
    def sheet_name(self) -> str:
        """Excel sheet names are cut at 31 characters; the code leads so it survives."""
        return f"{self.code} {self.title}"[:31]


# --- building the tables from the derived report ----------------------------------------------

ZERO = Decimal(0)
CLASSIFIED_HEAD = (Column(("科目编码",), "code"), Column(("科目名称",), "label"))
STANDARD_CLASSES = (
    "201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213",
    "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "234",
)  # fmt: skip


def standard_tables(report) -> list[StandardTable]:  # noqa: ANN001 - generator.model.report.Report
    """The nine standard 部门决算公开表 of the central format, in their order."""
    f = report.finance
    who = _who(report)
    return [
        _summary(f),
        _classified_table(
            2, "收入决算表", f.income_by_function,
            [("本年收入合计", None), ("财政拨款收入", "fiscal"),
             ("上级补助收入", "superior_subsidy"),
             ("事业收入", "business"), ("经营收入", "operating"),
             ("附属单位上缴收入", "subordinate"), ("其他收入", "other")],
            f"{who}本年度没有收入，故本表无数据。",
        ),
        _classified_table(
            3, "支出决算表", f.expenditure_by_function,
            [("本年支出合计", None), ("基本支出", "basic"), ("项目支出", "project"),
             ("上缴上级支出", "to_superior"), ("经营支出", "operating"),
             ("对附属单位补助支出", "to_subordinate")],
            f"{who}本年度没有支出，故本表无数据。",
        ),
        _fiscal_summary(f),
        _classified_table(
            5, "一般公共预算财政拨款支出决算表", f.general,
            [("合计", None), ("基本支出", "basic"), ("项目支出", "project")],
            f"{who}本年度没有一般公共预算财政拨款支出，故本表无数据。",
        ),
        _economic_table(f),
        _three_public_table(f),
        _fund_table(8, "政府性基金预算财政拨款收入支出决算表", f.government_funds.table,
                    f"{who}本年度没有政府性基金预算财政拨款收入，也没有使用政府性基金预算财政拨款"
                    "安排的支出，故本表无数据。"),
        _capital_table(f.state_capital.table,
                       f"{who}本年度没有使用国有资本经营预算财政拨款安排的支出，故本表无数据。"),
    ]  # fmt: skip


def _who(report) -> str:  # noqa: ANN001
    return report.style.we


def _code(number: int) -> str:
    return f"公开{number:02d}表"


def _summary(f) -> StandardTable:  # noqa: ANN001
    """表1: 收入 and 支出 side by side, each with its 行次."""
    income = _numbered([(s.label, s.amount) for s in f.income])
    income_tail = [
        ("本年收入合计", f.income_total),
        ("使用非财政拨款结余", f.non_fiscal_surplus_used),
        ("年初结转和结余", f.opening_balance),
        ("总计", f.income_grand),
    ]
    spending = _numbered(_class_lines(f.expenditure_by_function, f.year))
    spending_tail = [
        ("本年支出合计", f.expenditure_total),
        ("结余分配", f.surplus_distribution),
        ("年末结转和结余", f.closing_balance),
        ("总计", f.expenditure_grand),
    ]
    rows = _side_by_side(income, spending, income_tail, spending_tail)
    columns = (
        Column(("收入", "项目"), "label"), Column(("收入", "行次"), "line"),
        Column(("收入", "决算数"),), Column(("支出", "项目"), "label"),
        Column(("支出", "行次"), "line"), Column(("支出", "决算数"),),
    )  # fmt: skip
    return StandardTable(1, _code(1), "收入支出决算总表", columns, tuple(rows))


def _class_lines(table, year: int) -> list[tuple[str, Decimal]]:  # noqa: ANN001
    """One line per 功能分类 类: the standard 类 list, then any other the data has."""
    from generator.model import catalogue as refdata

    given = {c.code: c for c in table.classes}
    codes = list(STANDARD_CLASSES) + sorted(c for c in given if c not in STANDARD_CLASSES)
    lines = []
    for code in codes:
        row = given.get(code)
        name = row.name if row else (refdata.functional_name(code, year) or code)
        amount = sum((row[c] for c in table.columns), ZERO) if row else ZERO
        lines.append((name, amount))
    return lines


def _numbered(lines: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """一、… as the standard form numbers its lines."""
    from generator.present.numbers import cn_number

    return [(f"{cn_number(i)}、{label}", amount) for i, (label, amount) in enumerate(lines, 1)]


def _side_by_side(left, right, left_tail, right_tail) -> list[Row]:  # noqa: ANN001
    """Pair the lines of two blocks row by row; the tails (合计, 总计) line up at the bottom."""
    body = max(len(left), len(right))
    left = left + [("", None)] * (body - len(left))
    right = right + [("", None)] * (body - len(right))
    pairs = list(zip(left + left_tail, right + right_tail, strict=True))
    rows = []
    line_l = line_r = 0
    for i, ((ll, la), (rl, ra)) in enumerate(pairs):
        line_l += 1 if ll else 0
        line_r += 1 if rl else 0
        total = i >= body
        rows.append(
            Row(
                (ll, str(line_l) if ll else "", la, rl, str(line_r) if rl else "", ra),
                level=0 if total else 3,
                total=total,
            )
        )
    return rows


def _classified_rows(table, columns: list[tuple[str, str | None]]) -> list[Row]:  # noqa: ANN001
    keys = [k for _, k in columns if k]

    def figures(source) -> tuple[Decimal, ...]:  # noqa: ANN001
        values = [source[k] for k in keys]
        return tuple(sum(values, ZERO) if k is None else source[k] for _, k in columns)

    rows = [Row(("", "合计", *figures(table)), level=0, total=True)]
    for r in table.rows:
        rows.append(Row((r.code, r.name, *figures(r)), level=r.level))
    return rows


def _classified_table(number: int, title: str, table, columns, note: str) -> StandardTable:  # noqa: ANN001
    cols = CLASSIFIED_HEAD + tuple(Column((label,)) for label, _ in columns)
    empty = table.empty
    return StandardTable(
        number, _code(number), title, cols, tuple(_classified_rows(table, columns)),
        note if empty else "", empty,
    )  # fmt: skip


def _fiscal_summary(f) -> StandardTable:  # noqa: ANN001
    """表4: 收入 by fund type on the left; 支出 by 类 and fund type on the right."""
    s = f.fiscal
    funds = ("general_budget", "government_funds", "state_capital")
    names = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
    left = [(n, s.income[k]) for k, n in zip(funds, names, strict=True)]
    classes = _fund_classes(f)
    rows: list[Row] = []
    body = max(len(left), len(classes))
    for i in range(body):
        ll, la = left[i] if i < len(left) else ("", None)
        rl, values = classes[i] if i < len(classes) else ("", (None, None, None, None))
        rows.append(Row((ll, str(i + 1) if ll else "", la, rl, str(i + 1) if rl else "", *values)))
    tail = [("本年收入合计", s.income_total, "本年支出合计", _fund_values(s.spending))]
    tail.append(("年初财政拨款结转和结余", s.opening_total, "年末财政拨款结转和结余",
                 _fund_values(s.closing)))  # fmt: skip
    for k, n in zip(funds, names, strict=True):
        tail.append((f"  {n}", s.opening[k], f"  {n}", (s.closing[k], None, None, None)))
    tail.append(("总计", s.income_grand, "总计", _fund_values(
        {k: s.spending[k] + s.closing[k] for k in funds})))  # fmt: skip
    for j, (ll, la, rl, values) in enumerate(tail):
        line = str(body + j + 1)
        rows.append(Row((ll, line, la, rl, line, *values), level=0, total=True))
    columns = (
        Column(("收入", "项目"), "label"), Column(("收入", "行次"), "line"),
        Column(("收入", "决算数"),), Column(("支出", "项目"), "label"),
        Column(("支出", "行次"), "line"), Column(("支出", "合计"),),
        Column(("支出", "一般公共预算财政拨款"),), Column(("支出", "政府性基金预算财政拨款"),),
        Column(("支出", "国有资本经营预算财政拨款"),),
    )  # fmt: skip
    return StandardTable(4, _code(4), "财政拨款收入支出决算总表", columns, tuple(rows))


def _fund_values(by_fund) -> tuple[Decimal, Decimal, Decimal, Decimal]:  # noqa: ANN001
    g, fu, c = by_fund["general_budget"], by_fund["government_funds"], by_fund["state_capital"]
    return (g + fu + c, g, fu, c)


def _fund_classes(f) -> list[tuple[str, tuple[Decimal, ...]]]:  # noqa: ANN001
    """支出 by 功能分类 类 and fund type, from 表5, 表8 and 表9."""
    tables = (f.general, f.government_funds.table, f.state_capital.table)
    by_code: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for i, table in enumerate(tables):
        for c in table.classes:
            values = by_code.setdefault(c.code, [ZERO, ZERO, ZERO])
            values[i] += c["basic"] + c["project"]
            names[c.code] = c.name
    out = []
    for code in sorted(by_code):
        g, fu, cap = by_code[code]
        out.append((names[code], (g + fu + cap, g, fu, cap)))
    return out


def _economic_table(f) -> StandardTable:  # noqa: ANN001
    """表6: 人员经费 and 公用经费 side by side, each by 经济分类 类 and 款."""
    e = f.economic
    left = _economic_lines(e.personnel, e.classes)
    right = _economic_lines(e.public, e.classes)
    body = max(len(left), len(right))
    left += [("", "", None)] * (body - len(left))
    right += [("", "", None)] * (body - len(right))
    rows = [Row((*a, *b), level=3) for a, b in zip(left, right, strict=True)]
    rows.append(Row(("", "人员经费合计", e.personnel.total, "", "公用经费合计", e.public.total),
                    level=0, total=True))  # fmt: skip
    columns = (
        Column(("人员经费", "科目编码"), "code"), Column(("人员经费", "科目名称"), "label"),
        Column(("人员经费", "决算数"),), Column(("公用经费", "科目编码"), "code"),
        Column(("公用经费", "科目名称"), "label"), Column(("公用经费", "决算数"),),
    )  # fmt: skip
    return StandardTable(
        6, _code(6), "一般公共预算财政拨款基本支出决算表", columns, tuple(rows),
        "" if e.items else "本表无数据。", not e.items,
    )  # fmt: skip


def _economic_lines(part, classes) -> list[tuple[str, str, Decimal]]:  # noqa: ANN001
    out = []
    for klass in classes:
        members = [i for i in part.items if i.klass == klass.code]
        if not members:
            continue
        out.append((klass.code, klass.name, klass.amount))
        out += [(i.code, f"  {i.name}", i.amount) for i in members]
    return out


def _three_public_table(f) -> StandardTable:  # noqa: ANN001
    tp = f.three_public
    parts = (
        ("合计", tp.execution.budget, tp.execution.actual),
        ("因公出国（境）费", tp.abroad.budget, tp.abroad.actual),
        ("公务用车购置及运行维护费 小计", tp.vehicle.budget, tp.vehicle.actual),
        ("公务用车购置费", tp.vehicle_purchase.budget, tp.vehicle_purchase.actual),
        ("公务用车运行维护费", tp.vehicle_running.budget, tp.vehicle_running.actual),
        ("公务接待费", tp.reception.budget, tp.reception.actual),
    )
    columns = tuple(Column(("预算数", label)) for label, _, _ in parts) + tuple(
        Column(("决算数", label)) for label, _, _ in parts
    )
    row = Row(tuple(b for _, b, _ in parts) + tuple(a for _, _, a in parts), level=3)
    return StandardTable(7, _code(7), "财政拨款“三公”经费支出决算表", columns, (row,))


def _fund_table(number: int, title: str, table, note: str) -> StandardTable:  # noqa: ANN001
    def figures(src) -> tuple[Decimal, ...]:  # noqa: ANN001
        spent = src["basic"] + src["project"]
        return (src["opening"], src["income"], spent, src["basic"], src["project"], src["closing"])

    rows = [Row(("", "合计", *figures(table)), level=0, total=True)]
    rows += [Row((r.code, r.name, *figures(r)), level=r.level) for r in table.rows]
    columns = CLASSIFIED_HEAD + (
        Column(("年初结转和结余",)), Column(("本年收入",)), Column(("本年支出", "合计")),
        Column(("本年支出", "基本支出")), Column(("本年支出", "项目支出")),
        Column(("年末结转和结余",)),
    )  # fmt: skip
    empty = table.empty
    return StandardTable(
        number, _code(number), title, columns, tuple(rows), note if empty else "", empty
    )


def _capital_table(table, note: str) -> StandardTable:  # noqa: ANN001
    """表9 国有资本经营预算财政拨款支出决算表 (central form): 本年支出 by 功能分类."""

    def figures(src) -> tuple[Decimal, ...]:  # noqa: ANN001
        return (src["basic"] + src["project"], src["basic"], src["project"])

    rows = [Row(("", "合计", *figures(table)), level=0, total=True)]
    rows += [Row((r.code, r.name, *figures(r)), level=r.level) for r in table.rows]
    columns = CLASSIFIED_HEAD + (
        Column(("本年支出", "合计")), Column(("本年支出", "基本支出")),
        Column(("本年支出", "项目支出")),
    )  # fmt: skip
    empty = table.empty
    return StandardTable(
        9, _code(9), "国有资本经营预算财政拨款支出决算表", columns, tuple(rows),
        note if empty else "", empty,
    )  # fmt: skip
