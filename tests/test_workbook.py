"""The 附表 workbook: its layout, deterministic bytes, and the round trip through the importer
(generated facts → standard tables → .xlsx → import → the same facts)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from facts_tables import load_facts, tables_from_facts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from support import DATA

from generator.render.workbook import write_workbook
from generator.statements.importer import import_statements

ZERO = Decimal(0)
REFERENCE = Path(__file__).resolve().parents[1] / "generator" / "model" / "reference"
DEPARTMENT = "中共广元市昭化区委组织部"


def _reference(name: str, key: str) -> list[str]:
    data = yaml.safe_load((REFERENCE / name).read_text(encoding="utf-8"))
    return sorted({c for e in data["editions"] for c in e.get(key, {})})


FUNCTION_CODES = _reference("classification.yaml", "items")
ECONOMIC_CODES = _reference("economic.yaml", "items")
VEHICLES = ["轿车", "越野车", "小型客车", "中型客车和大型客车", "其他车型"]


def test_workbook_layout_and_bytes(tmp_path):
    facts = load_facts(DATA / "finance.yaml")
    tables = tables_from_facts(facts)
    data = write_workbook(tables, "万元", DEPARTMENT, 2023)
    assert data == write_workbook(tables, "万元", DEPARTMENT, 2023)
    path = tmp_path / "附表.xlsx"
    path.write_bytes(data)
    book = load_workbook(path)
    assert book.sheetnames == [t.sheet_name for t in tables]
    ws = book[tables[1].sheet_name]  # 表2 收入决算表
    assert ws["A1"].value == "收入决算表" and ws["A1"].font.bold
    assert ws["A3"].value == f"编制单位：{DEPARTMENT}"
    assert ws.cell(3, ws.max_column).value == "单位：万元"
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    cell = ws.cell(total, 3)
    assert isinstance(cell.value, float | int) and cell.value == pytest.approx(912.26)
    assert cell.number_format == "#,##0.00" and cell.font.bold
    ws = book[tables[6].sheet_name]  # 表7: 预算数 over six columns, 公务用车 over three
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A4:F4", "G4:L4", "C5:E5", "A5:A6"} <= merged


def test_the_2023_tables_import_back_unchanged(tmp_path):
    facts = load_facts(DATA / "finance.yaml")
    book = tmp_path / "附表.xlsx"
    book.write_bytes(write_workbook(tables_from_facts(facts), "万元", DEPARTMENT, 2023))
    target = Path(shutil.copytree(DATA, tmp_path / "2023"))
    outcome = import_statements(book, target)
    assert not outcome.written and not outcome.changes
    assert all(c.holds for c in outcome.checks)


def _lead_tables(data_dir: Path):
    from generator.model.report import derive_report
    from generator.present.tables import standard_tables
    from generator.read.dataset import read_dataset

    dataset, findings = read_dataset(data_dir)
    errors = [f.format() for f in findings if f.is_error]
    assert not errors, errors
    report = derive_report(dataset)
    return standard_tables(report), report


def test_the_built_tables_of_2023_import_back_unchanged(tmp_path):
    """The real 附表 (the derived model's standard tables) give back data/2023's facts."""
    tables, report = _lead_tables(DATA)
    book = tmp_path / "附表.xlsx"
    book.write_bytes(write_workbook(tables, report.unit, report.department.name, report.year))
    target = Path(shutil.copytree(DATA, tmp_path / "2023"))
    outcome = import_statements(book, target)
    assert not outcome.changes, outcome.changes
    assert all(c.holds for c in outcome.checks), [c.format() for c in outcome.checks]


# --- generated facts --------------------------------------------------------------------------

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
amount = st.one_of(st.just(ZERO), money)
delta = st.sampled_from([Decimal("0.01"), Decimal("0.02"), Decimal("-0.01")])


@st.composite
def classified(draw, columns: tuple[str, ...], stated: bool = False) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.sampled_from(FUNCTION_CODES), min_size=1, max_size=6, unique=True))
    rows = []
    for code in sorted(codes):
        row = {"code": code} | {c: v for c in columns if (v := draw(amount)) != ZERO}
        if len(row) == 1:
            row[columns[0]] = draw(money)
        rows.append(row)
    if stated and draw(st.booleans()):
        width = draw(st.sampled_from([3, 5]))  # a 类 or a 款 printed otherwise than its 项
        klass = draw(st.sampled_from(sorted({r["code"][:width] for r in rows})))
        parts = [r for r in rows if r["code"].startswith(klass)]
        column = next(c for c in columns if any(c in r for r in parts))
        summed = sum((r.get(column, ZERO) for r in parts), ZERO)
        rows.append({"code": klass, column: summed + abs(draw(delta))})
    return rows


@st.composite
def fund_rows(draw) -> list[dict[str, Any]]:
    if not draw(st.booleans()):
        return []
    codes = draw(st.lists(st.sampled_from(FUNCTION_CODES), min_size=1, max_size=3, unique=True))
    rows = []
    for code in sorted(codes):
        row = {"code": code, "opening": draw(money), "income": draw(money)}
        row |= {"basic": draw(amount), "project": draw(amount)}
        if draw(st.booleans()):
            derived = row["opening"] + row["income"] - row["basic"] - row["project"]
            row["closing"] = max(derived + draw(delta), ZERO)
            if row["closing"] == derived:
                row.pop("closing")
        rows.append({k: v for k, v in row.items() if k == "code" or v != ZERO})
    return rows


@st.composite
def economic(draw) -> dict[str, Any]:
    codes = draw(st.lists(st.sampled_from(ECONOMIC_CODES), min_size=1, max_size=8, unique=True))
    items = [{"code": c, "amount": draw(money)} for c in sorted(codes)]
    if draw(st.booleans()):
        items[0]["name"] = "本单位自定名称"
    personnel = sum((i["amount"] for i in items if i["code"][:3] in ("301", "303")), ZERO)
    public = sum((i["amount"] for i in items), ZERO) - personnel
    return {
        "items": items,
        "reported": {
            "personnel": personnel,
            "public": public + draw(st.sampled_from([ZERO, Decimal("0.01")])),
        },
    }


@st.composite
def finance_facts(draw) -> dict[str, Any]:
    sources = [
        "general_budget",
        "government_funds",
        "state_capital",
        "superior_subsidy",
        "business",
        "operating",
        "subordinate",
        "other",
    ]
    funds = ["general_budget", "government_funds", "state_capital"]
    facts: dict[str, Any] = {"income": {k: draw(amount) for k in sources}}
    for key in (
        "non_fiscal_surplus_used",
        "opening_balance",
        "surplus_distribution",
        "closing_balance",
    ):
        facts[key] = draw(amount)
    facts["income_by_function"] = draw(
        classified(("fiscal", "superior_subsidy", "business", "operating", "subordinate", "other"))
    )
    facts["expenditure_by_function"] = draw(
        classified(("basic", "project", "to_superior", "operating", "to_subordinate"), stated=True)
    )
    facts["fiscal_balances"] = {
        side: {k: draw(amount) for k in funds} for side in ("opening", "closing")
    }
    facts["general_budget_by_function"] = draw(
        classified(("budget", "basic", "project"), stated=True)
    )
    facts["basic_by_economic"] = draw(economic())
    tp = {
        "budget": {
            k: draw(amount) for k in ("abroad", "vehicle_purchase", "vehicle_running", "reception")
        },
        "actual": {k: draw(amount) for k in ("abroad", "vehicle_running")},
    }
    tp["vehicles_bought"] = {
        v: {"count": Decimal(draw(st.integers(0, 3))), "amount": draw(amount)} for v in VEHICLES
    }
    tp["reception"] = {
        side: {
            "batches": Decimal(draw(st.integers(0, 99))),
            "persons": Decimal(draw(st.integers(0, 999))),
            "amount": draw(amount),
        }
        for side in ("domestic", "foreign")
    }
    facts["three_public"] = tp
    facts["government_funds_by_function"] = draw(fund_rows())
    facts["state_capital_by_function"] = draw(fund_rows())
    return facts


def canonical(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts as the importer writes them: 类 rows only where they differ from their 项,
    no names (compared apart), 接待费 in one sum."""
    out = {
        k: facts[k]
        for k in (
            "income",
            "non_fiscal_surplus_used",
            "opening_balance",
            "surplus_distribution",
            "closing_balance",
            "fiscal_balances",
        )
    }
    for key in (
        "income_by_function",
        "expenditure_by_function",
        "general_budget_by_function",
        "government_funds_by_function",
        "state_capital_by_function",
    ):
        out[key] = sorted(
            ({k: v for k, v in r.items() if k != "name"} for r in facts[key]),
            key=lambda r: r["code"],
        )
    items = [
        {k: v for k, v in i.items() if k != "name"} for i in facts["basic_by_economic"]["items"]
    ]
    out["basic_by_economic"] = {
        "items": sorted(items, key=lambda i: i["code"]),
        "reported": facts["basic_by_economic"]["reported"],
    }
    tp = facts["three_public"]
    rec = tp["reception"]
    out["three_public"] = {
        "budget": tp["budget"],
        "actual": tp["actual"],
        "reception": rec["domestic"]["amount"] + rec["foreign"]["amount"],
    }
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=finance_facts())
def test_round_trip_of_generated_facts(facts, tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundtrip")
    shutil.copy(DATA / "year.yaml", folder / "year.yaml")
    book = folder / "附表.xlsx"
    book.write_bytes(write_workbook(tables_from_facts(facts), "万元", DEPARTMENT, 2023))
    import_statements(book, folder)
    assert canonical(load_facts(folder / "finance.yaml")) == canonical(facts)
    named = {i["code"]: i["name"] for i in facts["basic_by_economic"]["items"] if "name" in i}
    imported = load_facts(folder / "finance.yaml")["basic_by_economic"]["items"]
    assert {i["code"]: i["name"] for i in imported if "name" in i} == named


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=finance_facts())
def test_round_trip_through_the_built_tables(facts, tmp_path_factory):
    """Generated facts as a data folder → the derived model's standard tables → .xlsx →
    import into that folder: nothing changes."""
    folder = tmp_path_factory.mktemp("built") / "data"
    shutil.copytree(DATA, folder)
    finance = yaml.load((DATA / "finance.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    finance.update(_plain(facts))
    (folder / "finance.yaml").write_text(
        yaml.safe_dump(finance, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    tables, report = _lead_tables(folder)
    book = folder.parent / "附表.xlsx"
    book.write_bytes(write_workbook(tables, report.unit, report.department.name, report.year))
    outcome = import_statements(book, folder)
    assert not outcome.changes, outcome.changes
