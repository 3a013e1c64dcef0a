"""Importing the 决算 statements: the fixture set (laid out as the system exports it) gives
data/2023's finance facts; 元 and 万元 agree; bad input exits 1 and writes nothing."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from facts_tables import load_facts, tables_from_facts
from support import DATA

from generator.cli import main
from generator.render.workbook import write_workbook
from generator.statements.amounts import NotAnAmount, convert, parse_amount
from generator.statements.identify import name_number, title_number

FIXTURES = Path(__file__).parent / "fixtures" / "statements"
GOOD = ["statements-2023.xlsx", "statements-2023.xls", "statements-2023-yuan.xlsx"]
IMPORTED = [
    "income",
    "non_fiscal_surplus_used",
    "opening_balance",
    "surplus_distribution",
    "closing_balance",
    "income_by_function",
    "expenditure_by_function",
    "fiscal_balances",
    "general_budget_by_function",
    "basic_by_economic",
    "government_funds_by_function",
    "state_capital_by_function",
]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA, tmp_path / "2023"))


def run_import(statements: Path, data_dir: Path, capsys) -> tuple[int, str]:
    code = main(["import", str(statements), str(data_dir)])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("name", GOOD)
def test_fixture_statements_give_the_2023_facts(name, data_copy, capsys):
    before = (data_copy / "finance.yaml").read_bytes()
    code, out = run_import(FIXTURES / name, data_copy, capsys)
    assert code == 0, out
    assert load_facts(data_copy / "finance.yaml") == load_facts(DATA / "finance.yaml")
    assert (data_copy / "finance.yaml").read_bytes() == before  # nothing to change
    assert "未作改动" in out
    assert "表间勾稽关系：检查 9 项，0 项不符" in out


@pytest.mark.parametrize("name", GOOD)
def test_a_fresh_folder_gets_every_imported_fact(name, tmp_path, capsys):
    """The figures come from the statements, not from the file they are written into."""
    target = tmp_path / "new"
    target.mkdir()
    shutil.copy(DATA / "year.yaml", target / "year.yaml")
    code, out = run_import(FIXTURES / name, target, capsys)
    assert code == 0, out
    got, want = load_facts(target / "finance.yaml"), load_facts(DATA / "finance.yaml")
    for key in IMPORTED:
        assert got[key] == want[key], key
    for key in ("budget", "actual"):
        assert got["three_public"][key] == want["three_public"][key]
    reception = got["three_public"]["reception"]
    assert reception["domestic"]["amount"] == Decimal("9.4")


def test_yuan_and_wan_yuan_sheets_agree(tmp_path, capsys):
    facts = []
    for name in ("statements-2023.xlsx", "statements-2023-yuan.xlsx"):
        target = tmp_path / name
        target.mkdir()
        shutil.copy(DATA / "year.yaml", target / "year.yaml")
        assert run_import(FIXTURES / name, target, capsys)[0] == 0
        facts.append(load_facts(target / "finance.yaml"))
    assert facts[0] == facts[1]


def test_import_restores_changed_figures_and_keeps_comments(data_copy, capsys):
    path = data_copy / "finance.yaml"
    original = path.read_text(encoding="utf-8")
    text = original.replace("{code: '2013202', fiscal: 102.88}", "{code: '2013202', fiscal: 1}")
    text = text.replace("    - {code: '30239', name: 其他交通费, amount: 37.42}\n", "")
    text = text.replace("operating_costs: 289.99", "operating_costs: 123")  # not imported
    path.write_text(text, encoding="utf-8")
    code, out = run_import(FIXTURES / "statements-2023.xlsx", data_copy, capsys)
    assert code == 0, out
    assert "income_by_function[2013202].fiscal: 1 → 102.88" in out
    assert "basic_by_economic.items: 新增 30239" in out
    result = path.read_text(encoding="utf-8")
    assert result == original.replace("operating_costs: 289.99", "operating_costs: 123")
    code, out = run_import(FIXTURES / "statements-2023.xlsx", data_copy, capsys)
    assert path.read_text(encoding="utf-8") == result and "未作改动" in out


def test_reimport_is_byte_identical(tmp_path, capsys):
    target = tmp_path / "new"
    target.mkdir()
    shutil.copy(DATA / "year.yaml", target / "year.yaml")
    assert run_import(FIXTURES / "statements-2023.xls", target, capsys)[0] == 0
    first = (target / "finance.yaml").read_bytes()
    for name in GOOD:
        code, out = run_import(FIXTURES / name, target, capsys)
        assert code == 0 and "未作改动" in out
        assert (target / "finance.yaml").read_bytes() == first


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken-missing.xlsx", ["缺少 表6 一般公共预算财政拨款基本支出决算表（必需"]),
        ("broken-cell.xlsx", ["收入支出决算总表!C8", "见附表", "此处应为金额"]),
        ("make_fixtures.py", ["不是 Excel 文件"]),
    ],
)
def test_bad_statements_exit_1_and_write_nothing(name, expected, data_copy, capsys):
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    code, out = run_import(FIXTURES / name, data_copy, capsys)
    assert code == 1
    for text in expected:
        assert text in out
    assert "未写入任何文件" in out
    after = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert after == before


def test_failed_identities_are_reported(tmp_path, capsys):
    """A statement whose 表2 does not add up to 表1 is imported, and the report names both."""
    facts = load_facts(DATA / "finance.yaml")
    tables = tables_from_facts(facts)
    facts["income_by_function"][0]["fiscal"] = Decimal("500.89")
    tables[1] = tables_from_facts(facts)[1]
    book = tmp_path / "inconsistent.xlsx"
    book.write_bytes(write_workbook(tables, "万元", "测试单位", 2023))
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    code, out = run_import(book, target, capsys)
    assert code == 0, out
    assert "不符：表1 本年收入合计 = 表2 合计：表1 本年收入合计 912.26 ≠ 表2 各项合计 892.26" in out


def test_amounts():
    assert parse_amount(520.89) == Decimal("520.89")
    assert parse_amount(None) == parse_amount("") == parse_amount(" ") == 0
    assert parse_amount("1,234.50") == Decimal("1234.50")
    with pytest.raises(NotAnAmount):
        parse_amount("见附表")
    assert convert(Decimal("5208900"), "元", "万元") == Decimal("520.89")
    assert convert(Decimal("50"), "元", "万元") == Decimal("0.01")  # half up, once
    assert convert(Decimal("49.99"), "元", "万元") == Decimal("0.00")
    assert convert(Decimal("520.89"), "万元", "元") == Decimal("5208900.00")


def test_tables_are_found_by_title_name_or_code():
    assert title_number("2023年度财政拨款收入支出决算总表") == 4
    assert title_number("收入支出决算总表（公开01表）") == 1
    assert title_number("政府性基金预算财政拨款支出决算表") is None
    assert name_number("Z01 收入支出决算总表(财决01表)") == 1
    assert name_number("公开06表 一般公共预算财政拨款基本支出决算表"[:31]) == 6
    assert name_number("公开07表") == 7
    assert name_number("Sheet1") is None


@pytest.mark.skipif(importlib.util.find_spec("xlwt") is None, reason="xlwt not installed")
def test_committed_fixtures_are_what_the_script_makes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_fixtures", module)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for made in tmp_path.iterdir():
        assert made.read_bytes() == (FIXTURES / made.name).read_bytes(), made.name


IMPORTED_LINE = re.compile(
    r"^(  \w+: |non_fiscal_surplus_used: |opening_balance: |surplus_distribution: "
    r"|closing_balance: )(\d[\d.]*)(?=\s|$)"
)
FLOW_NUMBER = re.compile(
    r"((?:fiscal|basic|project|budget|amount|personnel|public|abroad"
    r"|vehicle_purchase|vehicle_running|reception): )(\d[\d.]*)"
)


def _zeroed(text: str) -> str:
    """finance.yaml with every imported figure set to 0 (comments kept in their column)."""
    out = []
    section = ""
    for line in text.splitlines(keepends=True):
        if line[:1].isalpha():
            section = line.split(":")[0]
        if section in ("income", *IMPORTED[1:5]) and (m := IMPORTED_LINE.match(line)):
            line = line[: m.start(2)] + "0".ljust(len(m.group(2))) + line[m.end(2) :]
        elif section in (*IMPORTED, "three_public") and "{" in line and "vehicles" not in line:
            line = FLOW_NUMBER.sub(lambda m: m.group(1) + "0".ljust(len(m.group(2))), line)
        out.append(line)
    return "".join(out)


def test_import_restores_the_2023_file_byte_for_byte(data_copy, capsys):
    """Every imported figure zeroed, then imported: the very file of data/2023 again (so the
    build from it is the build from data/2023)."""
    path = data_copy / "finance.yaml"
    original = path.read_text(encoding="utf-8")
    zeroed = _zeroed(original)
    assert (
        zeroed.count("520.89") == 0 and "domestic: {batches: 82, persons: 598, amount: 0" in zeroed
    )
    path.write_text(zeroed, encoding="utf-8")
    code, out = run_import(FIXTURES / "statements-2023.xls", data_copy, capsys)
    assert code == 0, out
    assert path.read_text(encoding="utf-8") == original


def test_another_year_or_department_is_named(data_copy, capsys):
    (data_copy / "year.yaml").write_text(
        (DATA / "year.yaml").read_text(encoding="utf-8").replace("year: 2023", "year: 2024"),
        encoding="utf-8",
    )
    department = data_copy / "department.yaml"
    department.write_text(
        department.read_text(encoding="utf-8").replace(
            "name: 中共广元市昭化区委组织部", "name: 某局"
        ),
        encoding="utf-8",
    )
    code, out = run_import(FIXTURES / "statements-2023.xlsx", data_copy, capsys)
    assert code == 0
    assert "请注意：报表标明的年度为 2023 年度，数据文件夹为 2024 年度" in out
    assert "请注意：报表的编制单位为“中共广元市昭化区委组织部”，department.yaml 为“某局”" in out


def test_a_formula_without_its_result_is_named(data_copy, tmp_path, capsys):
    """A workbook written by a program and never opened in Excel holds formulas, no results."""
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "statements-2023.xlsx")
    book["收入支出决算总表"]["C7"] = "=C8+C9"
    path = tmp_path / "formula.xlsx"
    book.save(path)
    before = (data_copy / "finance.yaml").read_bytes()
    code, out = run_import(path, data_copy, capsys)
    assert code == 1
    assert "收入支出决算总表!C7：公式没有保存计算结果" in out and "=C8+C9" in out
    assert (data_copy / "finance.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("line", "unit", "org"),
    [
        ("编制单位：某某局\u3000\u3000\u3000单位：元", "元", "某某局"),
        ("金额单位：万元", "万元", None),
        ("单位:万元", "万元", None),
    ],
)
def test_unit_and_organisation_lines(line, unit, org):
    from generator.statements.grid import Sheet
    from generator.statements.layout import find_unit

    sheet = Sheet("表", {(1, 1): "收入决算表", (2, 1): line, (3, 1): "项目"})
    found = find_unit(sheet, 3)
    assert (found[0], found[2]) == (unit, org)


def test_an_income_line_worded_otherwise_is_found_by_its_line_number(tmp_path, capsys):
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "statements-2023.xlsx")
    sheet = book["收入支出决算总表"]
    assert sheet["A11"].value == "五、事业收入" and sheet["B11"].value == 5
    sheet["A11"], sheet["C11"] = "五、事业收入（含教育收费）", 12.34
    path = tmp_path / "worded.xlsx"
    book.save(path)
    target = tmp_path / "data"
    target.mkdir()
    shutil.copy(DATA / "year.yaml", target / "year.yaml")
    code, out = run_import(path, target, capsys)
    assert code == 0, out
    assert load_facts(target / "finance.yaml")["income"]["business"] == Decimal("12.34")
    assert "第11行“五、事业收入（含教育收费）”：按行次 5 识别为 business" in out
