"""Standard tables built straight from finance facts (a finance.yaml as plain data, amounts as
Decimal), laid out as docs/../shared/standard-tables.md describes them. Used by the workbook
round-trip tests where the derived model's `standard_tables` is not at hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.model import catalogue as refdata
from generator.present.tables import Column, Row, StandardTable

ZERO = Decimal(0)
YEAR = 2023
INCOME = [
    ("general_budget", "一、一般公共预算财政拨款收入"),
    ("government_funds", "二、政府性基金预算财政拨款收入"),
    ("state_capital", "三、国有资本经营预算财政拨款收入"),
    ("superior_subsidy", "四、上级补助收入"),
    ("business", "五、事业收入"),
    ("operating", "六、经营收入"),
    ("subordinate", "七、附属单位上缴收入"),
    ("other", "八、其他收入"),
]
FUNDS = [
    ("general_budget", "一般公共预算财政拨款"),
    ("government_funds", "政府性基金预算财政拨款"),
    ("state_capital", "国有资本经营预算财政拨款"),
]


def amount(header: tuple[str, ...]) -> Column:
    return Column(header, "amount")


def _sum(rows: list[dict], col: str, prefix: str = "") -> Decimal:
    return sum(
        (r.get(col, ZERO) for r in rows if len(r["code"]) == 7 and r["code"].startswith(prefix)),
        ZERO,
    )


def _name(code: str, rows: list[list[dict]]) -> str:
    for group in rows:
        for r in group:
            if r["code"] == code and r.get("name"):
                return r["name"]
    return refdata.functional_name(code, YEAR) or f"科目{code}"


def classified(
    facts: dict, key: str, cols: list[str], all_rows: list[list[dict]], total: bool = True
) -> list[Row]:
    """合计, then each 类 (as printed where given), its 款 and 项."""
    rows = facts.get(key, [])
    printed = {r["code"]: r for r in rows if len(r["code"]) in (3, 5)}
    items = sorted((r for r in rows if len(r["code"]) == 7), key=lambda r: r["code"])

    def values(prefix: str) -> list[Decimal]:
        out = [_sum(items, c, prefix) for c in cols]
        if prefix in printed:
            out = [printed[prefix].get(c, v) for c, v in zip(cols, out, strict=True)]
        return out

    def line(code, label, vals, level):
        lead = [sum(vals[1:] if total else [], ZERO)] if total else []
        return Row((code, label, *lead, *vals), level, level == 0)

    out = [line("合计", "", [_sum(items, c) for c in cols], 0)]
    for cls in sorted({r["code"][:3] for r in items}):
        out.append(line(cls, _name(cls, all_rows), values(cls), 1))
        for sec in sorted({r["code"][:5] for r in items if r["code"].startswith(cls)}):
            out.append(line(sec, _name(sec, all_rows), values(sec), 2))
            for r in items:
                if r["code"].startswith(sec):
                    out.append(
                        line(
                            r["code"], _name(r["code"], all_rows), [r.get(c, ZERO) for c in cols], 3
                        )
                    )
    return out


def _fix_total(rows: list[Row], total: bool) -> list[Row]:
    """The leading 合计 column is the sum of the other amounts of the row."""
    if not total:
        return rows
    return [
        Row((r.cells[0], r.cells[1], sum(r.cells[3:], ZERO), *r.cells[3:]), r.level, r.total)
        for r in rows
    ]


def code_columns(*names: tuple[str, ...]) -> tuple[Column, ...]:
    return (
        Column(("项目", "科目编码"), "code"),
        Column(("项目", "科目名称"), "label"),
        *(amount(n) for n in names),
    )


def table1(f: dict) -> StandardTable:
    inc = f.get("income", {})
    income_total = sum(inc.values(), ZERO)
    left = [(label, inc.get(k, ZERO)) for k, label in INCOME]
    left += [
        ("本年收入合计", income_total),
        ("使用非财政拨款结余", f.get("non_fiscal_surplus_used", ZERO)),
        ("年初结转和结余", f.get("opening_balance", ZERO)),
    ]
    left.append(("总计", income_total + left[-2][1] + left[-1][1]))
    spend_rows = f.get("expenditure_by_function", [])
    cols = ["basic", "project", "to_superior", "operating", "to_subordinate"]
    classes = sorted({r["code"][:3] for r in spend_rows if len(r["code"]) == 7})
    right = [
        (_name(c, [spend_rows]), sum((_sum(spend_rows, k, c) for k in cols), ZERO)) for c in classes
    ]
    spent = sum((v for _, v in right), ZERO)
    right += [
        ("本年支出合计", spent),
        ("结余分配", f.get("surplus_distribution", ZERO)),
        ("年末结转和结余", f.get("closing_balance", ZERO)),
    ]
    right.append(("总计", spent + right[-2][1] + right[-1][1]))
    n = max(len(left), len(right))
    left += [("", None)] * (n - len(left))
    right += [("", None)] * (n - len(right))
    rows = tuple(
        Row((a, x, b, y), 3, a in ("总计", "本年收入合计"))
        for (a, x), (b, y) in zip(left, right, strict=True)
    )
    columns = (
        Column(("收入", "项目"), "label"),
        amount(("收入", "决算数")),
        Column(("支出", "项目"), "label"),
        amount(("支出", "决算数")),
    )
    return StandardTable(
        1,
        "公开01表",
        "收入支出决算总表",
        columns,
        rows,
        "注：本表反映部门本年度的总收支和年末结转结余情况。",
    )


def table_by_function(f: dict, number: int) -> StandardTable:
    spec = {
        2: (
            "income_by_function",
            "收入决算表",
            ["fiscal", "superior_subsidy", "business", "operating", "subordinate", "other"],
            [
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入",
                "附属单位上缴收入",
                "其他收入",
            ],
        ),
        3: (
            "expenditure_by_function",
            "支出决算表",
            ["basic", "project", "to_superior", "operating", "to_subordinate"],
            [
                "本年支出合计",
                "基本支出",
                "项目支出",
                "上缴上级支出",
                "经营支出",
                "对附属单位补助支出",
            ],
        ),
    }[number]
    key, title, cols, heads = spec
    all_rows = [f.get("income_by_function", []), f.get("expenditure_by_function", [])]
    rows = _fix_total(classified(f, key, cols, all_rows), True)
    return StandardTable(
        number, f"公开0{number}表", title, code_columns(*((h,) for h in heads)), tuple(rows)
    )


def table5(f: dict) -> StandardTable:
    all_rows = [
        f.get(k, [])
        for k in ("income_by_function", "expenditure_by_function", "general_budget_by_function")
    ]
    base = classified(
        f, "general_budget_by_function", ["budget", "basic", "project"], all_rows, total=False
    )
    rows = tuple(
        Row(
            (r.cells[0], r.cells[1], r.cells[2], r.cells[3] + r.cells[4], r.cells[3], r.cells[4]),
            r.level,
            r.total,
        )
        for r in base
    )
    columns = code_columns(
        ("全年预算数",), ("决算数", "合计"), ("决算数", "基本支出"), ("决算数", "项目支出")
    )
    return StandardTable(5, "公开05表", "一般公共预算财政拨款支出决算表", columns, rows)


def table4(f: dict) -> StandardTable:
    inc = f.get("income", {})
    bal = f.get("fiscal_balances", {"opening": {}, "closing": {}})
    gb = f.get("general_budget_by_function", [])
    spent = {"general_budget": _sum(gb, "basic") + _sum(gb, "project")}
    for key, fund in (
        ("government_funds_by_function", "government_funds"),
        ("state_capital_by_function", "state_capital"),
    ):
        rows = f.get(key, [])
        spent[fund] = _sum(rows, "basic") + _sum(rows, "project")
    income_total = sum((inc.get(k, ZERO) for k, _ in FUNDS), ZERO)
    opening = sum((bal["opening"].get(k, ZERO) for k, _ in FUNDS), ZERO)
    left = [(label, inc.get(k, ZERO)) for k, label in FUNDS]
    left += [("本年收入合计", income_total), ("年初财政拨款结转和结余", opening)]
    left += [(label, bal["opening"].get(k, ZERO)) for k, label in FUNDS]
    left.append(("总计", income_total + opening))
    closing = [bal["closing"].get(k, ZERO) for k, _ in FUNDS]
    fund_spent = [spent[k] for k, _ in FUNDS]
    right = [
        ("本年支出合计", [sum(fund_spent, ZERO), *fund_spent]),
        ("年末财政拨款结转和结余", [sum(closing, ZERO), *closing]),
        (
            "总计",
            [
                sum(fund_spent, ZERO) + sum(closing, ZERO),
                *(a + b for a, b in zip(fund_spent, closing, strict=True)),
            ],
        ),
    ]
    n = max(len(left), len(right))
    right = [("", [None] * 4)] * (n - len(right)) + right
    rows = tuple(
        Row((a, x, b, *ys), 3, a == "总计") for (a, x), (b, ys) in zip(left, right, strict=True)
    )
    columns = (
        Column(("收入", "项目"), "label"),
        amount(("收入", "决算数")),
        Column(("支出", "项目"), "label"),
        amount(("支出", "合计")),
        *(amount(("支出", label)) for _, label in FUNDS),
    )
    return StandardTable(4, "公开04表", "财政拨款收入支出决算总表", columns, rows)


def table6(f: dict) -> StandardTable:
    e = f.get("basic_by_economic", {"items": []})
    items = e["items"]
    personnel_classes = refdata.personnel_classes(YEAR)

    def side(personnel: bool) -> list[tuple[str, str, Decimal]]:
        chosen = [i for i in items if (i["code"][:3] in personnel_classes) == personnel]
        out = []
        for cls in sorted({i["code"][:3] for i in chosen}):
            members = [i for i in chosen if i["code"].startswith(cls)]
            name = refdata.economic_name(cls, YEAR) or cls
            out.append((cls, name, sum((i["amount"] for i in members), ZERO)))
            out += [
                (
                    i["code"],
                    i.get("name") or refdata.economic_name(i["code"], YEAR) or "",
                    i["amount"],
                )
                for i in members
            ]
        return out

    left, right = side(True), side(False)
    n = max(len(left), len(right))
    left += [("", "", None)] * (n - len(left))
    right += [("", "", None)] * (n - len(right))
    rows = [Row((*a, *b), 3) for a, b in zip(left, right, strict=True)]
    rep = e.get("reported", {})
    personnel = rep.get("personnel") or sum(
        (i["amount"] for i in items if i["code"][:3] in personnel_classes), ZERO
    )
    public = rep.get("public") or sum(
        (i["amount"] for i in items if i["code"][:3] not in personnel_classes), ZERO
    )
    rows.append(Row(("人员经费合计", "", personnel, "公用经费合计", "", public), 0, True))
    columns = tuple(
        Column((side, h), kind)
        for side in ("人员经费", "公用经费")
        for h, kind in (("科目编码", "code"), ("科目名称", "label"), ("决算数", "amount"))
    )
    return StandardTable(6, "公开06表", "一般公共预算财政拨款基本支出决算表", columns, tuple(rows))


def table7(f: dict) -> StandardTable:
    tp = f.get("three_public", {})
    budget = tp.get("budget", {})
    actual = dict(tp.get("actual", {}))
    actual["vehicle_purchase"] = sum(
        (v["amount"] for v in tp.get("vehicles_bought", {}).values()), ZERO
    )
    rec = tp.get("reception", {})
    actual["reception"] = sum(
        (rec.get(k, {}).get("amount", ZERO) for k in ("domestic", "foreign")), ZERO
    )
    cells: list[Decimal] = []
    columns: list[Column] = []
    for phase, values in (("预算数", budget), ("决算数", actual)):
        parts = [
            values.get(k, ZERO)
            for k in ("abroad", "vehicle_purchase", "vehicle_running", "reception")
        ]
        cells += [sum(parts, ZERO), parts[0], parts[1] + parts[2], parts[1], parts[2], parts[3]]
        car = "公务用车购置及运行维护费"
        columns += [
            amount((phase, "合计")),
            amount((phase, "因公出国（境）费")),
            amount((phase, car, "小计")),
            amount((phase, car, "公务用车购置费")),
            amount((phase, car, "公务用车运行维护费")),
            amount((phase, "公务接待费")),
        ]
    return StandardTable(
        7, "公开07表", "财政拨款“三公”经费支出决算表", tuple(columns), (Row(tuple(cells), 3),)
    )


def table_fund(f: dict, number: int) -> StandardTable:
    key, title = {
        8: ("government_funds_by_function", "政府性基金预算财政拨款收入支出决算表"),
        9: ("state_capital_by_function", "国有资本经营预算财政拨款收入支出决算表"),
    }[number]
    src = [dict(r) for r in f.get(key, [])]
    for r in src:
        if len(r["code"]) == 7 and "closing" not in r:
            r["closing"] = (
                r.get("opening", ZERO)
                + r.get("income", ZERO)
                - r.get("basic", ZERO)
                - r.get("project", ZERO)
            )
    base = classified(
        {key: src}, key, ["opening", "income", "basic", "project", "closing"], [src], total=False
    )
    rows = tuple(
        Row(
            (
                r.cells[0],
                r.cells[1],
                r.cells[2],
                r.cells[3],
                r.cells[4] + r.cells[5],
                r.cells[4],
                r.cells[5],
                r.cells[6],
            ),
            r.level,
            r.total,
        )
        for r in base
    )
    columns = code_columns(
        ("年初结转和结余",),
        ("本年收入",),
        ("本年支出", "合计"),
        ("本年支出", "基本支出"),
        ("本年支出", "项目支出"),
        ("年末结转和结余",),
    )
    empty = not any(len(r["code"]) == 7 for r in src)
    note = "注：本部门本年度没有相关收入和支出，故本表无数据。" if empty else ""
    return StandardTable(number, f"公开0{number}表", title, columns, rows, note, empty)


def tables_from_facts(f: dict[str, Any]) -> list[StandardTable]:
    return [
        table1(f),
        table_by_function(f, 2),
        table_by_function(f, 3),
        table4(f),
        table5(f),
        table6(f),
        table7(f),
        table_fund(f, 8),
        table_fund(f, 9),
    ]


NUMBER = __import__("re").compile(r"^-?\d+(\.\d+)?$")
TEXT_KEYS = {"code", "name"}


def as_facts(value: Any, key: str = "") -> Any:
    """YAML read as text (BaseLoader) with every amount as Decimal; codes and names stay text."""
    if isinstance(value, dict):
        return {k: as_facts(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [as_facts(v, key) for v in value]
    if isinstance(value, str) and key not in TEXT_KEYS and NUMBER.match(value):
        return Decimal(value)
    return value


def load_facts(path) -> dict[str, Any]:
    import yaml

    with open(path, encoding="utf-8") as handle:
        return as_facts(yaml.load(handle, Loader=yaml.BaseLoader))
