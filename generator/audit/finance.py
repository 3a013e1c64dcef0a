"""Audit of finance.yaml: the identities within and across the standard tables, names, and
plausibility of the 三公, procurement and asset facts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from generator.findings import Finding, error, format_path, warning
from generator.model import catalogue as refdata
from generator.model.classified import Classified
from generator.model.figures import ZERO
from generator.model.finance import FUND_LABELS, INCOME_LABELS, Finance
from generator.model.report import Report, item_definition
from generator.present.numbers import wan
from generator.read.dataset import DataFile, Dataset

CENT_HALF = Decimal("0.005")
FILE = "finance.yaml"


def near(a: Decimal, b: Decimal, parts: int) -> bool:
    """Equal within what rounding `parts` figures to 0.01 can explain (exact in 元)."""
    return abs(a - b) <= CENT_HALF * max(parts, 1)


class Auditor:
    """Findings about one file, each located by its 1-based field path and line."""

    def __init__(self, doc: DataFile, unit: str = "万元"):
        self.doc = doc
        self.unit = unit
        self.exact = unit == "元"

    def show(self, value: Decimal) -> str:
        """An amount in the data's own unit, for a message."""
        return f"{wan(value)} {self.unit}"

    def at(self, path: tuple, message: str, code: str, level: str = "error") -> Finding:
        make = error if level == "error" else warning
        line = self.doc.line(*path)
        return make(self.doc.name, line, format_path(path), message, code)

    def identity(
        self, path: tuple, stated: Decimal, computed: Decimal, parts: int, what: str, how: str
    ) -> Iterator[Finding]:
        ok = stated == computed if self.exact else near(stated, computed, parts)
        if not ok:
            limit = "" if self.exact else f"（超出四舍五入误差 {wan(CENT_HALF * parts, 3)}）"
            yield self.at(
                path,
                f"{what}为 {wan(stated)}，但{how}为 {wan(computed)}，相差 "
                f"{wan(abs(stated - computed))}{limit}（单位：{self.unit}）",
                "identity",
            )


def audit_finance(data: Dataset, report: Report) -> Iterator[Finding]:
    a = Auditor(data.doc(FILE), report.unit)
    f = report.finance
    for check in (
        _totals,
        _income_table,
        _expenditure_table,
        _fiscal,
        _classified_tables,
        _general_vs_expenditure,
        _economic,
        _three_public,
        _procurement,
        _assets,
        _reasons,
    ):
        yield from check(a, f)
    yield from _names(a, f, data)


def _totals(a: Auditor, f: Finance) -> Iterator[Finding]:
    yield from a.identity(
        ("income",),
        f.income_grand,
        f.expenditure_grand,
        12,
        "收入总计（本年收入合计+使用非财政拨款结余+年初结转和结余）",
        "支出总计（本年支出合计+结余分配+年末结转和结余）",
    )


def _income_table(a: Auditor, f: Finance) -> Iterator[Finding]:
    """表1 本年收入 by source = the 合计 of each column of 表2."""
    table = f.income_by_function
    if not table.items:
        if f.income_total:
            yield a.at(
                ("income_by_function",),
                f"本年收入合计为 {a.show(f.income_total)}，但收入决算表（income_by_function）"
                "没有列出任何功能分类项",
                "identity",
            )
        return
    parts = len(table.items)
    fiscal = sum((f.fiscal.income[k] for k in FUND_LABELS), ZERO)
    yield from a.identity(
        ("income_by_function",),
        table["fiscal"],
        fiscal,
        parts,
        "收入决算表 财政拨款收入合计",
        "收入支出决算总表 财政拨款收入",
    )
    for key in ("superior_subsidy", "business", "operating", "subordinate", "other"):
        yield from a.identity(
            ("income_by_function",),
            table[key],
            _income(f, key),
            parts,
            f"收入决算表 {INCOME_LABELS[key]}合计",
            "收入支出决算总表 同项",
        )


def _income(f: Finance, key: str) -> Decimal:
    return next(s.amount for s in f.income if s.label == INCOME_LABELS[key])


def _expenditure_table(a: Auditor, f: Finance) -> Iterator[Finding]:
    """表3 holds all spending: it cannot be empty while money came in, and 财政拨款 spending
    (表5 + 表8 + 表9) cannot exceed it."""
    if not f.expenditure_by_function.items and (f.income_grand or f.fiscal.spending_total):
        yield a.at(
            ("expenditure_by_function",),
            "支出决算表（expenditure_by_function）没有列出任何功能分类项，但有收入或财政拨款支出",
            "identity",
        )
    if f.fiscal.spending_total > f.expenditure_total + CENT_HALF * 4:
        yield a.at(
            ("expenditure_by_function",),
            f"财政拨款支出 {a.show(f.fiscal.spending_total)} 大于支出决算表本年支出合计 "
            f"{a.show(f.expenditure_total)}",
            "identity",
        )


def _fiscal(a: Auditor, f: Finance) -> Iterator[Finding]:
    """表4: 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余, for each fund type."""
    s = f.fiscal
    for key, label in FUND_LABELS.items():
        yield from a.identity(
            ("fiscal_balances",),
            s.opening[key] + s.income[key],
            s.spending[key] + s.closing[key],
            4,
            f"{label}的年初结转和结余与本年收入之和",
            "本年支出与年末结转和结余之和",
        )
    for key, fund in (("government_funds", f.government_funds), ("state_capital", f.state_capital)):
        if not fund.table.items:
            continue
        for figure, table4, line in (
            (fund.income, s.income[key], "本年收入合计"),
            (fund.opening, s.opening[key], "年初结转和结余"),
            (fund.closing, s.closing[key], "年末结转和结余"),
        ):
            yield from a.identity(
                (f"{key}_by_function",),
                figure,
                table4,
                len(fund.table.items),
                f"{FUND_LABELS[key]}收入支出决算表 {line}",
                "财政拨款收入支出决算总表（及收入支出决算总表）同项",
            )
        for row in fund.table.items:
            derived = row["opening"] + row["income"] - row["basic"] - row["project"]
            yield from a.identity(
                (fund.table.key, row.index, "closing"),
                row["closing"],
                derived,
                4,
                f"科目 {row.code} 的年末结转和结余",
                "年初结转和结余+本年收入−本年支出",
            )


def _classified_tables(a: Auditor, f: Finance) -> Iterator[Finding]:
    for table in f.classified_tables:
        yield from _stated_rows(a, table)
        yield from _duplicates(a, table)
    for fund in (f.government_funds.table, f.state_capital.table):
        for row in fund.items:
            if row["closing"] < 0:
                yield a.at(
                    (fund.key, row.index), f"科目 {row.code} 的年末结转和结余为负数", "identity"
                )


def _stated_rows(a: Auditor, table: Classified) -> Iterator[Finding]:
    """A 类/款 row the data states is checked, column by column, against its 项."""
    for row in table.rows:
        if not row.stated:
            continue
        if not row.parts:
            yield a.at(
                (table.key, row.index, "code"), f"科目 {row.code} 下没有列出任何项", "identity"
            )
            continue
        for col in table.columns:
            if row[col] == row.summed[col]:
                continue
            yield from a.identity(
                (table.key, row.index, col),
                row[col],
                row.summed[col],
                row.parts,
                f"{row.name or row.code}（{row.code}）的 {col}",
                "其各项之和",
            )


def _duplicates(a: Auditor, table: Classified) -> Iterator[Finding]:
    seen: set[str] = set()
    for row in table.items:
        if row.code in seen:
            yield a.at((table.key, row.index, "code"), f"科目 {row.code} 重复列出", "identity")
        seen.add(row.code)


def _general_vs_expenditure(a: Auditor, f: Finance) -> Iterator[Finding]:
    """A 项 of 表5 (一般公共预算) cannot exceed the same 项 of 表3 (all sources)."""
    spent = {r.code: r for r in f.expenditure_by_function.items}
    for row in f.general.items:
        other = spent.get(row.code)
        path = (f.general.key, row.index)
        if other is None:
            yield a.at(
                path, f"科目 {row.code} 在支出决算表（expenditure_by_function）中没有", "identity"
            )
            continue
        for col in ("basic", "project"):
            if row[col] > other[col] + CENT_HALF:
                yield a.at(
                    (*path, col),
                    f"科目 {row.code} 的一般公共预算财政拨款{'基本' if col == 'basic' else '项目'}"
                    f"支出 {wan(row[col])} 大于支出决算表同项 {wan(other[col])}",
                    "identity",
                )
    if f.general_execution.budget and f.general_execution.rate and f.general_execution.rate > 2:
        yield a.at(
            (f.general.key,),
            "一般公共预算支出决算数超过全年预算数的两倍，请核对",
            "plausibility",
            "warning",
        )


def _economic(a: Auditor, f: Finance) -> Iterator[Finding]:
    e = f.economic
    for key, part in (("personnel", e.personnel), ("public", e.public)):
        if part.reported is not None:
            yield from a.identity(
                ("basic_by_economic", "reported", key),
                part.reported,
                part.items_sum,
                len(part.items),
                part.label,
                "其各经济分类科目之和",
            )
    yield from a.identity(
        ("basic_by_economic",),
        e.total,
        f.basic_total,
        len(e.items) + 1,
        "基本支出决算明细表合计（人员经费+公用经费）",
        "一般公共预算财政拨款支出决算表基本支出合计",
    )
    for klass in e.classes:
        path = ("basic_by_economic", "items", klass.index)
        if klass.index >= 0 and not klass.parts:
            yield a.at(path, f"经济分类 {klass.code} 下没有列出任何款", "identity")
        elif klass.index >= 0:
            yield from a.identity(
                (*path, "amount"),
                klass.amount,
                klass.items_sum,
                klass.parts,
                f"{klass.name or klass.code}（{klass.code}）",
                "其各款之和",
            )
        if not klass.name:
            yield a.at(
                path if klass.index >= 0 else ("basic_by_economic",),
                f"未知的经济分类 类 {klass.code}：请列出该类的一行 {{code: '{klass.code}', "
                "name: …}} 写明名称",
                "reference",
            )
    for item in e.items:
        if not item.name:
            yield a.at(
                ("basic_by_economic", "items", item.index, "code"),
                f"未知的经济分类科目 {item.code}：请在该行用 name 写明科目名称",
                "reference",
            )
    if f.operating_costs.current > e.public.total + CENT_HALF:
        yield a.at(
            ("operating_costs",),
            f"机关运行经费 {wan(f.operating_costs.current)} 万元大于公用经费 "
            f"{wan(e.public.total)} 万元，请确认",
            "identity",
            "warning",
        )


def _three_public(a: Auditor, f: Finance) -> Iterator[Finding]:
    tp = f.three_public
    reception = next((i.amount for i in f.economic.items if i.code == "30217"), None)
    if reception is not None and reception != tp.reception.actual:
        yield a.at(
            ("three_public", "reception", "domestic", "amount"),
            f"“三公”公务接待费 {wan(tp.reception.actual)} 万元与基本支出中的公务接待费 "
            f"{wan(reception)} 万元不同",
            "identity",
            "warning",
        )
    for code, part, label in (
        ("30231", tp.vehicle_running, "公务用车运行维护费"),
        ("30212", tp.abroad, "因公出国（境）费"),
    ):
        booked = next((i.amount for i in f.economic.items if i.code == code), None)
        if booked is not None and booked > part.actual + CENT_HALF:
            yield a.at(
                ("three_public", "actual"),
                f"基本支出中的{label}（{code}）{a.show(booked)}大于“三公”{label} "
                f"{a.show(part.actual)}",
                "identity",
                "warning",
            )
    for kind, count, amount in tp.vehicles_bought:
        path = ("three_public", "vehicles_bought", kind)
        if count and not amount:
            yield a.at(path, f"购置{kind} {count} 辆，但金额为 0", "plausibility")
        if amount and not count:
            yield a.at(path, f"购置{kind}金额 {wan(amount)} 万元，但数量为 0", "plausibility")
    if tp.vehicle_running.actual and not tp.vehicles_held_count and not tp.vehicles_bought_count:
        yield a.at(
            ("three_public", "actual", "vehicle_running"),
            "有公务用车运行维护费，但年末没有公务用车，也没有当年购置",
            "plausibility",
            "warning",
        )
    for side in ("domestic", "foreign"):
        rec = tp.domestic if side == "domestic" else tp.foreign
        path = ("three_public", "reception", side)
        if rec["amount"] and not rec["batches"]:
            yield a.at(path, f"接待费 {wan(rec['amount'])} 万元，但批次为 0", "plausibility")
        if rec["batches"] and not rec["persons"]:
            yield a.at(path, "有接待批次，但人次为 0", "plausibility")
    known = refdata.vehicle_types(f.year)
    for kind in [k for k, _, _ in tp.vehicles_bought] + [k for k, _ in tp.vehicles_held]:
        if known and kind not in known:
            yield a.at(
                ("three_public",),
                f"车型“{kind}”不在 {f.year} 年的车型中（{'、'.join(known)}），请确认",
                "reference",
                "warning",
            )


def _procurement(a: Auditor, f: Finance) -> Iterator[Finding]:
    p = f.procurement
    if p.sme > p.total:
        yield a.at(("procurement", "sme"), "授予中小企业合同金额大于政府采购支出总额", "identity")
    if p.small_micro > p.sme:
        yield a.at(
            ("procurement", "small_micro"),
            "授予小微企业合同金额大于授予中小企业合同金额",
            "identity",
        )
    if p.total > f.expenditure_total + f.closing_balance + CENT_HALF:
        yield a.at(
            ("procurement",), "政府采购支出总额大于本年支出合计与年末结转和结余之和", "plausibility"
        )


def _assets(a: Auditor, f: Finance) -> Iterator[Finding]:
    by_use = f.assets.vehicle_count
    by_type = f.three_public.vehicles_held_count
    if f.assets.vehicles and by_use != by_type:
        yield a.at(
            ("assets", "vehicles"),
            f"国有资产中的车辆 {by_use} 辆（按用途）与“三公”年末公务用车 {by_type} 辆"
            "（按车型）不同",
            "identity",
            "warning",
        )


def _reasons(a: Auditor, f: Finance) -> Iterator[Finding]:
    """Every comparison the text makes that moved has its own reason."""
    changes = {
        "total": f.income_change if f.income_change.direction != "flat" else f.expenditure_change,
        "income": f.current_income_change,
        "expenditure": f.current_expenditure_change,
        "abroad": f.three_public.abroad.change,
        "vehicle": f.three_public.vehicle.change,
        "reception": f.three_public.reception.change,
        "fiscal": f.fiscal_change,
        "general_budget": f.general_change,
        "government_funds": f.government_funds.change,
        "state_capital": f.state_capital.change,
        "three_public": f.three_public.change,
        "operating_costs": f.operating_costs,
    }
    for key, change in changes.items():
        if change is None or change.direction == "flat":
            continue
        if not f.reasons.get(key, "").strip():
            yield a.at(
                ("reasons", key), "该项与上年相比有变动，但没有填写变动原因", "lint", "warning"
            )


def _names(a: Auditor, f: Finance, data: Dataset) -> Iterator[Finding]:
    raw = data[FILE]
    named: dict[str, tuple[str, tuple]] = {}
    unnamed: set[str] = set()
    for table in f.classified_tables:
        rows = raw.get(table.key) or []
        for i, row in enumerate(rows):
            name = row.get("name")
            if name and named.get(row["code"], (name,))[0] != name:
                yield a.at(
                    (table.key, i, "name"),
                    f"科目 {row['code']} 在别处名为“{named[row['code']][0]}”，此处为“{name}”",
                    "reference",
                )
            elif name:
                named.setdefault(row["code"], (name, (table.key, i)))
        for row in table.rows:
            if not row.name and row.code not in unnamed:
                unnamed.add(row.code)
                path = (table.key, row.index, "code") if row.index >= 0 else (table.key,)
                yield a.at(
                    path,
                    f"科目 {row.code} 没有名称：本软件未收录该科目，请在 {table.key} 中列出该科目"
                    "的一行时用 name 写明名称（以决算报表为准）",
                    "reference",
                )
    for item in f.glossary_items:
        if not item_definition(f, item.code):
            yield a.at(
                ("definitions",),
                f"科目 {item.code} {item.name} 没有名词解释：可在 definitions 中补充，"
                "否则名词解释中不列该项",
                "reference",
                "warning",
            )
