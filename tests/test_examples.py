"""data/examples — an invented 事业单位 (a rural water supply service centre, 2024, 单位 style, two
decimals everywhere) — built once through the CLI, and its disclosure read back (issue 8).

What is asserted, on the built .docx: the 收、支总计 sentence with its 本年收入合计, 使用非财政拨款
结余, 年初结转和结余, 本年支出合计, 结余分配 and 年末结转和结余; the previous-year comparisons,
each with its own reason printed once where it belongs; zero categories printed as 0.00万元 and
占0.00%; the 政府性基金 section; the procurement split with the 中小企业 and 小微企业 shares; the
2023 rules' vehicle types and the 国有资产 sentence by use; two-decimal percentages all through
part two; the 单位 wording; and the nine 附表 of 第五部分: every table's rows re-added and compared
with its 合计 row, with the other tables and with the figures the text prints. The same re-adding
runs on the data/2023 build (the session's `built` fixture). Where the build also writes the
.xlsx workbook, its sheets and numbers are compared with the .docx tables.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from golden import EXAMPLES
from support import ROOT, Built, DocxContent, Rows, copy_data, norm

ZERO = Decimal(0)
HALF_CENT = Decimal("0.005")
AMOUNT = re.compile(r"-?\d+\.\d{2}")
FIGURE = re.compile(r"(\d+(?:\.\d+)?)万元")

TITLES = [
    ("公开01表", "收入支出决算总表"),
    ("公开02表", "收入决算表"),
    ("公开03表", "支出决算表"),
    ("公开04表", "财政拨款收入支出决算总表"),
    ("公开05表", "一般公共预算财政拨款支出决算表"),
    ("公开06表", "一般公共预算财政拨款基本支出决算表"),
    ("公开07表", "财政拨款“三公”经费支出决算表"),
    ("公开08表", "政府性基金预算财政拨款收入支出决算表"),
    ("公开09表", "国有资本经营预算财政拨款支出决算表"),
]
PART_TWO_HEADINGS = [
    "一、收入支出决算总体情况说明",
    "二、收入决算情况说明",
    "三、支出决算情况说明",
    "四、财政拨款收入支出决算总体情况说明",
    "五、一般公共预算财政拨款支出决算情况说明",
    "六、一般公共预算财政拨款基本支出决算情况说明",
    "七、财政拨款“三公”经费支出决算情况说明",
    "八、政府性基金预算支出决算情况说明",
    "九、国有资本经营预算支出决算情况说明",
    "十、其他重要事项的情况说明",
]


# --- builds --------------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def example_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/examples as it is when the module starts (edits while the tests run cannot matter)."""
    return copy_data(EXAMPLES, tmp_path_factory.mktemp("examples-data") / "examples")


@pytest.fixture(scope="module")
def example(example_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """data/examples built once through the CLI."""
    out = tmp_path_factory.mktemp("examples-build") / "out"
    done = cli("build", str(example_data), "-o", str(out))
    assert done.returncode == 0, f"build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return Built.load(out)


@pytest.fixture(scope="module")
def finance_facts(example_data: Path) -> dict:
    return yaml.safe_load((example_data / "finance.yaml").read_text(encoding="utf-8"))


def disclosure_of(built: Built) -> DocxContent:
    return built.doc(built.path_of("disclosure", None))


@pytest.fixture(scope="module")
def disclosure(example: Built) -> DocxContent:
    return disclosure_of(example)


def last_index(doc: DocxContent, text: str) -> int:
    found = [i for i, p in enumerate(doc.normalized) if p == norm(text)]
    assert found, f"no paragraph {text!r}"
    return found[-1]  # the heading, not its line in the table of contents


@pytest.fixture(scope="module")
def part_two(disclosure: DocxContent) -> list[str]:
    start = last_index(disclosure, "第二部分 2024年度单位决算情况说明")
    end = last_index(disclosure, "第三部分 名词解释")
    assert start < end
    return disclosure.paragraphs[start + 1 : end]


@pytest.fixture(scope="module")
def sections(part_two: list[str]) -> dict[str, str]:
    """Part two by heading: the heading's number (一 … 十) → its paragraphs, joined."""
    at = [[norm(p) for p in part_two].index(norm(h)) for h in PART_TWO_HEADINGS]
    bounds = list(zip(at, at[1:] + [len(part_two)], strict=True))
    return {
        h.split("、")[0]: "\n".join(part_two[a + 1 : b])
        for h, (a, b) in zip(PART_TWO_HEADINGS, bounds, strict=True)
    }


def whole_text(doc: DocxContent) -> str:
    return "\n".join(doc.paragraphs)


def test_check_finds_no_error(example_data: Path) -> None:
    done = cli("check", str(example_data))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "共 0 个错误" in done.stdout
    assert " 错误 " not in done.stdout


def test_documents_of_the_year(example: Built) -> None:
    projects = ["农村饮水安全工程维修养护", "农村供水水质检测", "农村供水管网改造"]
    assert example.manifest["year"] == 2024
    assert example.manifest["department"] == "广元市昭化区农村供水服务中心"
    assert [f["project"] for f in example.files("table")] == projects
    letters = {f["project"] for f in example.files("letter")}
    assert letters == {None, projects[0], projects[2]}  # the department's and two projects'
    assert len(example.files("chart")) == 7


def test_department_letter_agrees_with_part_two(example: Built, sections: dict[str, str]) -> None:
    """The self-evaluation covers the 一般公共预算 funds: 全年预算 755.00 (表5 全年预算数),
    全年执行 715.00 (表5 支出决算数), 执行率 94.70% as in 五（三）."""
    assert (
        "2024年度一般公共预算支出全年预算数为755.00万元，支出决算数为715.00万元，"
        "完成全年预算数的94.70%。"
    ) in sections["五"]
    letter = example.doc(example.path_of("letter", None))
    assert letter.tables_with("年度资金总额", "700.00", "755.00", "715.00", "94.70%")
    assert letter.tables_with("1.一般公共预算", "700.00", "755.00", "715.00", "94.70%")
    text = whole_text(letter)
    assert "全年预算收入为755.00万元，全年预算收入与上年相比增加35.00万元" in text
    assert "存量资金安排支出15.00万元，支出总计715.00万元。全年支出与上年相比增加25.00万元" in text
    assert "2024年结余结转175.00万元。" in text


def test_project_table_with_other_funds(example: Built) -> None:
    table = example.doc(example.path_of("table", "农村供水水质检测"))
    assert table.tables_with("年度资金总额", "70.00", "70.00", "60.00", "85.71%")
    assert table.tables_with("（一）财政拨款小计", "50.00", "50.00", "40.00", "80.00%")
    assert table.tables_with("（二）其他资金", "20.00", "20.00", "20.00", "100.00%")
    pipes = example.doc(example.path_of("table", "农村供水管网改造"))
    assert pipes.tables_with("2.政府性基金", "250.00", "300.00", "280.00", "93.33%")


# --- part two: the sentences ---------------------------------------------------------------------


def test_totals_sentence_with_balances(sections: dict[str, str]) -> None:
    assert (
        "2024年度收、支总计均为1738.00万元。其中：本年收入合计1605.70万元，使用非财政拨款结余"
        "12.30万元，年初结转和结余120.00万元；本年支出合计1345.20万元，结余分配8.00万元，"
        "年末结转和结余384.80万元。"
    ) in sections["一"]


def test_previous_year_comparisons_each_with_its_own_reason(
    sections: dict[str, str], disclosure: DocxContent, finance_facts: dict
) -> None:
    reasons = finance_facts["reasons"]
    # 收、支总计 1738.00 against 1650.00; 本年收入合计 1605.70 against 1500.00; 本年支出合计
    # 1345.20 against 1290.00.
    assert (
        f"与2023年度相比，收、支总计各增加88.00万元，增长5.33%。主要变动原因是{reasons['total']}。"
    ) in sections["一"]
    assert (
        "与2023年度相比，本年收入合计增加105.70万元，增长7.05%。"
        f"主要变动原因是{reasons['income']}。"
    ) in sections["二"]
    assert (
        "与2023年度相比，本年支出合计增加55.20万元，增长4.28%。"
        f"主要变动原因是{reasons['expenditure']}。"
    ) in sections["三"]
    text = whole_text(disclosure)
    for key in ("total", "income", "expenditure"):
        said = f"主要变动原因是{reasons[key]}。"
        assert text.count(said) == 1, f"reasons.{key} printed {text.count(said)} times"
    assert reasons["income"] != reasons["total"]
    assert reasons["total"] not in sections["二"] and reasons["expenditure"] not in sections["二"]


def test_zero_categories_print_zero_amount_and_share(sections: dict[str, str]) -> None:
    income = sections["二"]
    for label in ("国有资本经营预算财政拨款收入", "上级补助收入", "经营收入", "附属单位上缴收入"):
        assert f"{label}0.00万元，占0.00%" in income, label
    for label, figure in (
        ("一般公共预算财政拨款收入", "850.00万元，占52.94%"),
        ("政府性基金预算财政拨款收入", "300.00万元，占18.68%"),
        ("事业收入", "420.50万元，占26.19%"),
        ("其他收入", "35.20万元，占2.19%"),
    ):
        assert f"{label}{figure}" in income, label
    spending = sections["三"]
    for label in ("上缴上级支出", "经营支出", "对附属单位补助支出"):
        assert f"{label}0.00万元，占0.00%" in spending, label
    assert "基本支出670.20万元，占49.82%；项目支出675.00万元，占50.18%" in spending
    assert "2024年度国有资本经营预算拨款支出0.00万元。" in sections["九"]


def test_government_funds_section(sections: dict[str, str], finance_facts: dict) -> None:
    text = sections["八"]
    assert (
        "2024年度政府性基金预算财政拨款年初结转和结余50.00万元，本年收入300.00万元，"
        "本年支出280.00万元，年末结转和结余70.00万元。"
    ) in text
    assert (
        "与2023年度相比，政府性基金预算财政拨款支出增加30.00万元，增长12.00%。"
        f"主要变动原因是{finance_facts['reasons']['government_funds']}。"
    ) in text
    assert "本年支出主要用于：农村基础设施建设支出280.00万元，占100.00%。" in text


def test_procurement_split_and_sme_shares(sections: dict[str, str]) -> None:
    text = sections["十"]
    assert (
        "政府采购支出总额250.00万元，其中：政府采购货物支出60.00万元、政府采购工程支出150.00万元、"
        "政府采购服务支出40.00万元。"
    ) in text
    assert "授予中小企业合同金额200.00万元，占政府采购支出总额的80.00%" in text
    assert "授予小微企业合同金额120.00万元，占授予中小企业合同金额的60.00%" in text


def test_vehicle_types_of_the_year_and_assets_by_use(sections: dict[str, str]) -> None:
    three = sections["七"]
    assert (
        "全年按规定更新购置公务用车1辆，其中：轿车0辆、金额0.00万元，越野车0辆、金额0.00万元，"
        "小型客车1辆、金额22.50万元，中型客车和大型客车0辆、金额0.00万元，其他车型0辆、"
        "金额0.00万元。"
    ) in three
    assert (
        "截至2024年12月31日，本单位共有公务用车4辆，其中：轿车0辆、越野车1辆、小型客车2辆、"
        "中型客车和大型客车0辆、其他车型1辆。"
    ) in three
    assert "载客汽车" not in three  # the 2022 rules' type
    assert "公务用车购置费支出22.50万元" in three and "公务用车运行维护费支出6.00万元" in three
    assert (
        "截至2024年12月31日，本单位共有车辆4辆，其中：一般公务用车1辆、特种专业技术用车2辆、"
        "其他用车1辆；单价100万元（含）以上设备2台（套）。"
    ) in sections["十"]


def test_every_percentage_of_part_two_has_two_decimals(part_two: list[str]) -> None:
    text = "\n".join(part_two)
    signs = [m.start() for m in re.finditer("[%％]", text)]
    assert len(signs) > 30
    bad = [
        text[max(0, i - 12) : i + 1]
        for i in signs
        if not re.search(r"(?<![\d.])\d+\.\d{2}$", text[:i])
    ]
    assert not bad, f"percentages without exactly two decimals: {bad}"


def test_unit_wording(disclosure: DocxContent, part_two: list[str]) -> None:
    assert [p for p in disclosure.normalized if p.endswith("2024年度单位决算")]  # the cover
    assert len(disclosure.containing("第一部分 单位概况")) == 2  # contents and heading
    assert disclosure.find("第二部分 2024年度单位决算情况说明") >= 0
    assert disclosure.has("纳入2024年度单位决算编制范围的独立编制机构包括：无")
    start = last_index(disclosure, "第一部分 单位概况")
    end = last_index(disclosure, "第三部分 名词解释")
    body = disclosure.paragraphs[start:end]
    assert not [p for p in body if "部门决算" in p or "部门概况" in p]
    assert "本单位共有公务用车4辆" in "\n".join(part_two)


def test_file_name_follows_unit_wording(example: Built) -> None:
    path = example.path_of("disclosure", None)
    assert path.endswith("2024年度单位决算公开.docx"), path


# --- 第五部分 附表 -------------------------------------------------------------------------------


@dataclass
class Annex:
    code: str
    title: str
    rows: Rows
    note: str = ""

    @property
    def data(self) -> Rows:
        """The rows that hold an amount (header rows hold none)."""
        return [r for r in self.rows if any(AMOUNT.fullmatch(c.strip()) for c in r)]


def annex_tables(doc: DocxContent) -> list[Annex]:
    """The tables after the 第五部分 附表 heading, each with its code, title and note."""
    start = max(
        i for i, b in enumerate(doc.blocks) if isinstance(b, str) and norm(b) == "第五部分附表"
    )
    tables: list[Annex] = []
    pending: list[str] = []
    for block in doc.blocks[start + 1 :]:
        if isinstance(block, str):
            text = block.strip()
            if text.startswith("注：") and tables:
                tables[-1].note = text
            elif text:
                pending.append(text)
            continue
        codes = [p for p in pending if re.fullmatch(r"公开\d\d表", p)]
        assert codes, f"a table without its 公开NN表 line: {pending}"
        code = codes[-1]
        after = pending[pending.index(code) + 1 :]
        titles = [p for p in after if not p.startswith("编制单位")]
        assert any(p.startswith("编制单位") and "单位：万元" in p for p in after), after
        tables.append(Annex(code, titles[0], block))
        pending = []
    return tables


def amount(cell: str) -> Decimal | None:
    cell = cell.strip()
    return Decimal(cell) if AMOUNT.fullmatch(cell) else None


def amounts(row: list[str]) -> list[Decimal]:
    return [a for a in map(amount, row) if a is not None]


# The rounding slack of one part: n × 0.005 for the reference, whose statements report some
# 类 and 合计 as facts of their own; none for data/examples, where every identity is exact.
SLACK = {"slack": HALF_CENT}


def near(a: Decimal, b: Decimal, parts: int = 1) -> bool:
    return abs(a - b) <= SLACK["slack"] * max(parts, 1)


def row_labelled(rows: Rows, label: str, column: int) -> list[str]:
    found = [r for r in rows if r[column].strip() == label]
    assert len(found) == 1, f"{len(found)} rows labelled {label!r}"
    return found[0]


@dataclass
class Classified:
    """A 功能分类 table (表2, 3, 5, 8, 9): the 合计 row and the 类/款/项 rows by code."""

    total: list[Decimal]
    rows: list[tuple[str, str, list[Decimal]]]  # (code, name, amounts)

    def level(self, digits: int) -> list[tuple[str, str, list[Decimal]]]:
        return [r for r in self.rows if len(r[0]) == digits]

    def column(self, digits: int, j: int) -> list[Decimal]:
        return [r[2][j] for r in self.level(digits)]


def classified(annex: Annex) -> Classified:
    total = None
    rows = []
    for r in annex.data:
        code, name, values = r[0].strip(), r[1].strip(), amounts(r[2:])
        assert len(values) == len(r) - 2, f"{annex.code}: a blank amount in {r}"
        if name == "合计" and not code:
            total = values
        else:
            assert re.fullmatch(r"\d{3}|\d{5}|\d{7}", code), f"{annex.code}: code {code!r}"
            rows.append((code, name, values))
    assert total is not None, f"{annex.code}: no 合计 row"
    return Classified(total, rows)


def check_classified(annex: Annex) -> Classified:
    """Re-add a 功能分类 table: 项 rows give the 合计 exactly, 类 rows within n × 0.005 (each 类
    is a rounded fact of its own where the statement says so), and each 类 and 款 is the sum of
    the rows under it within the same tolerance."""
    t = classified(annex)
    for j, stated in enumerate(t.total):
        items = t.column(7, j)
        assert sum(items, ZERO) == stated, (
            f"{annex.code} column {j + 1}: 项 add to {sum(items)}, 合计 {stated}"
        )
        classes = t.column(3, j)
        assert near(sum(classes, ZERO), stated, len(classes)), (
            f"{annex.code} column {j + 1}: 类 add to {sum(classes)}, 合计 {stated}"
        )
    for digits, child in ((3, 5), (5, 7)):
        for code, name, values in t.level(digits):
            under = [r for r in t.level(child) if r[0].startswith(code)]
            assert under, f"{annex.code}: {code} {name} has no rows under it"
            for j, stated in enumerate(values):
                added = sum((r[2][j] for r in under), ZERO)
                assert near(added, stated, len(under)), (
                    f"{annex.code}: {code} {name} column {j + 1} is {stated}, "
                    f"its rows add to {added}"
                )
    return t


@dataclass
class Checked:
    """The figures of the nine tables that the text and the other tables are compared with."""

    income_total: Decimal
    expenditure_total: Decimal
    grand_total: Decimal
    t2: Classified
    t3: Classified
    t5: Classified
    t8: Classified
    t9: Classified
    fiscal_income: Decimal
    fiscal_spending: list[Decimal]  # 合计, 一般公共预算, 政府性基金, 国有资本经营
    fiscal_grand: Decimal
    personnel: Decimal
    public: Decimal
    three_public_budget: Decimal
    three_public_actual: Decimal


def check_summary(t1: Annex) -> tuple[Decimal, Decimal, Decimal, dict[str, Decimal]]:
    """表1: 收入 lines add to 本年收入合计, 支出 lines (by 类) to 本年支出合计; both 总计 agree."""
    rows = t1.data
    numbered = re.compile(r"[一二三四五六七八九十]+、(.+)")
    income_lines = [amount(r[2]) for r in rows if numbered.fullmatch(r[0].strip())]
    spending = {
        numbered.fullmatch(r[3].strip())[1]: amount(r[5])
        for r in rows
        if numbered.fullmatch(r[3].strip())
    }
    income_total = amount(row_labelled(rows, "本年收入合计", 0)[2])
    assert len(income_lines) == 8 and sum(income_lines, ZERO) == income_total
    used = amount(row_labelled(rows, "使用非财政拨款结余", 0)[2])
    opening = amount(row_labelled(rows, "年初结转和结余", 0)[2])
    totals = [r for r in rows if r[0].strip() == "总计"]
    assert len(totals) == 1
    grand_in, grand_out = amount(totals[0][2]), amount(totals[0][5])
    assert income_total + used + opening == grand_in
    expenditure_total = amount(row_labelled(rows, "本年支出合计", 3)[5])
    nonzero = [v for v in spending.values() if v]
    assert near(sum(nonzero, ZERO), expenditure_total, len(nonzero))
    distribution = amount(row_labelled(rows, "结余分配", 3)[5])
    closing = amount(row_labelled(rows, "年末结转和结余", 3)[5])
    assert expenditure_total + distribution + closing == grand_out
    assert grand_in == grand_out
    return income_total, expenditure_total, grand_in, spending


def check_fiscal_summary(t4: Annex) -> tuple[Decimal, list[Decimal], Decimal, dict]:
    """表4: income by fund type, spending by 类 and fund type, balances and both 总计."""
    rows = t4.data
    funds = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    top = [r for r in rows if r[0].strip() in funds and r[1].strip() in ("1", "2", "3")]
    income = [amount(r[2]) for r in top]
    income_total = amount(row_labelled(rows, "本年收入合计", 0)[2])
    assert len(income) == 3 and sum(income, ZERO) == income_total
    opening_rows = [r for r in rows if r[0].strip() in funds and r not in top]
    opening = amount(row_labelled(rows, "年初财政拨款结转和结余", 0)[2])
    assert sum((amount(r[2]) for r in opening_rows), ZERO) == opening
    grand_rows = [r for r in rows if r[0].strip() == "总计"]
    assert len(grand_rows) == 1
    grand = grand_rows[0]
    assert income_total + opening == amount(grand[2])
    tail = {"本年支出合计", "年末财政拨款结转和结余", "总计", *funds}
    classes = [r for r in rows if r[3].strip() and r[3].strip() not in tail]
    for r in classes:
        values = amounts(r[5:])
        assert values[0] == sum(values[1:], ZERO), f"表4 {r[3]}: {values}"
    spending = amounts(row_labelled(rows, "本年支出合计", 3)[5:])
    for j in range(4):
        added = sum((amounts(r[5:])[j] for r in classes), ZERO)  # 类 are rounded facts
        assert near(added, spending[j], len(classes)), f"表4 column {j}: {added} vs {spending[j]}"
    assert spending[0] == sum(spending[1:], ZERO)
    closing = amounts(row_labelled(rows, "年末财政拨款结转和结余", 3)[5:])
    assert closing[0] == sum(closing[1:], ZERO)
    closing_rows = [r for r in rows if r[3].strip() in funds]
    assert [amount(r[5]) for r in closing_rows] == closing[1:]
    out = amounts(grand[5:])
    assert out == [s + c for s, c in zip(spending, closing, strict=True)]
    assert amount(grand[2]) == out[0]
    by_fund = {
        "income": dict(zip(funds, income, strict=True)),
        "opening": {r[0].strip(): amount(r[2]) for r in opening_rows},
        "closing": dict(zip(funds, closing[1:], strict=True)),
    }
    return income_total, spending, out[0], by_fund


def check_economic(t6: Annex) -> tuple[Decimal, Decimal]:
    """表6: each 经济分类 类 is the sum of its 款; 人员经费合计 and 公用经费合计 of their 类 within
    n × 0.005 (data/2023 reports 公用经费 289.99 while its items add to 290.00)."""
    rows = t6.data
    last = rows[-1]
    assert last[1].strip() == "人员经费合计" and last[4].strip() == "公用经费合计"
    sides = []
    for code_at, value_at in ((0, 2), (3, 5)):
        lines = [(r[code_at].strip(), amount(r[value_at])) for r in rows[:-1] if r[code_at].strip()]
        classes = [(c, v) for c, v in lines if len(c) == 3]
        for code, value in classes:
            members = [v for c, v in lines if len(c) == 5 and c.startswith(code)]
            assert members and sum(members, ZERO) == value, f"表6 {code}: {members} vs {value}"
        assert all(len(c) in (3, 5) for c, _ in lines)
        stated = amount(last[value_at])  # a reported fact where the statement says so
        added = sum((v for _, v in classes), ZERO)
        parts = len(lines) - len(classes)
        assert near(added, stated, parts), f"表6 合计 {stated}, 类 add to {added}"
        sides.append(stated)
    return sides[0], sides[1]


def check_three_public(t7: Annex) -> tuple[Decimal, Decimal]:
    """表7: 合计 = 出国 + 车辆小计 + 接待 and 小计 = 购置 + 运行, for 预算数 and 决算数."""
    (row,) = t7.data
    values = amounts(row)
    assert len(values) == 12
    for half in (values[:6], values[6:]):
        total, abroad, vehicle, purchase, running, reception = half
        assert vehicle == purchase + running
        assert total == abroad + vehicle + reception
    return values[0], values[6]


def check_fund_table(annex: Annex) -> tuple[Classified, int]:
    """表8/表9: the 功能分类 re-adding, 本年支出 = 基本 + 项目 and, where the table has the
    balances (年初结转和结余, 本年收入, 本年支出, 年末结转和结余), 年末 = 年初 + 收入 − 支出.
    Returns the table and the index of its 本年支出 合计 column."""
    if not annex.data or all(v == 0 for r in annex.data for v in amounts(r)):
        assert "本表无数据" in annex.note, f"{annex.code}: an empty table without its note"
    t = check_classified(annex)
    balances = any("年初结转和结余" in c for r in annex.rows[:2] for c in r)
    for values in [t.total] + [r[2] for r in t.rows]:
        if balances:
            opening, income, spent, basic, project, closing = values
            assert closing == opening + income - spent, f"{annex.code}: {values}"
        else:
            spent, basic, project = values
        assert spent == basic + project, f"{annex.code}: {values}"
    return t, 2 if balances else 0


def check_annex(doc: DocxContent, exact: bool) -> Checked:
    SLACK["slack"] = ZERO if exact else HALF_CENT
    try:
        return _check_annex(doc)
    finally:
        SLACK["slack"] = HALF_CENT


def _check_annex(doc: DocxContent) -> Checked:
    tables = annex_tables(doc)
    assert [(t.code, t.title) for t in tables] == TITLES
    t1, t2, t3, t4, t5, t6, t7, t8, t9 = tables
    income_total, expenditure_total, grand, by_class = check_summary(t1)

    c2 = check_classified(t2)
    for values in [c2.total] + [r[2] for r in c2.rows]:
        assert values[0] == sum(values[1:], ZERO), f"表2 本年收入合计 ≠ its sources: {values}"
    c3 = check_classified(t3)
    for values in [c3.total] + [r[2] for r in c3.rows]:
        assert values[0] == sum(values[1:], ZERO), f"表3 本年支出合计 ≠ its kinds: {values}"
    c5 = check_classified(t5)
    for values in [c5.total] + [r[2] for r in c5.rows]:
        assert values[0] == values[1] + values[2], f"表5 合计 ≠ 基本 + 项目: {values}"
    fiscal_income, spending, fiscal_grand, by_fund = check_fiscal_summary(t4)
    personnel, public = check_economic(t6)
    budget3, actual3 = check_three_public(t7)
    c8, spent8 = check_fund_table(t8)
    c9, spent9 = check_fund_table(t9)
    assert spent8 == 2, "表8 has its balance columns"

    # Across tables.
    assert c2.total[0] == income_total, "表1 本年收入合计 ≠ 表2 合计"
    assert c3.total[0] == expenditure_total, "表1 本年支出合计 ≠ 表3 合计"
    for code, name, values in c3.level(3):
        assert by_class[name] == values[0], f"表1 {name} ≠ 表3 {code}"
    assert sum(v for v in by_class.values()) == sum(c3.column(3, 0), ZERO)
    assert c2.total[1] == fiscal_income, "表2 财政拨款收入 ≠ 表4 本年收入合计"
    assert spending[1] == c5.total[0], "表4 一般公共预算财政拨款支出 ≠ 表5 合计"
    assert spending[2] == c8.total[2], "表4 政府性基金支出 ≠ 表8 本年支出"
    assert spending[3] == c9.total[spent9], "表4 国有资本经营支出 ≠ 表9 本年支出"
    gf = "政府性基金预算财政拨款"
    assert by_fund["income"][gf] == c8.total[1], "表4 政府性基金收入 ≠ 表8 本年收入"
    assert by_fund["opening"][gf] == c8.total[0], "表4 年初政府性基金结转 ≠ 表8 年初"
    assert by_fund["closing"][gf] == c8.total[5], "表4 年末政府性基金结转 ≠ 表8 年末"
    # Two rounded parts (data/2023: 396.22 + 289.99 against 686.20).
    assert near(personnel + public, c5.total[1], 2), "表6 人员经费 + 公用经费 ≠ 表5 基本支出"
    return Checked(
        income_total, expenditure_total, grand, c2, c3, c5, c8, c9, fiscal_income, spending,
        fiscal_grand, personnel, public, budget3, actual3,
    )  # fmt: skip


def figure_after(text: str, pattern: str) -> Decimal:
    """The first amount (万元) that follows `pattern` in the text."""
    match = re.search(pattern + r"(\d+(?:\.\d+)?)万元", text)
    assert match, f"the text has no {pattern!r} followed by an amount"
    return Decimal(match.group(1))


@pytest.fixture(scope="module")
def annex(disclosure: DocxContent) -> Checked:
    return check_annex(disclosure, exact=True)


def test_the_nine_tables_are_in_part_five(disclosure: DocxContent) -> None:
    tables = annex_tables(disclosure)
    assert [(t.code, t.title) for t in tables] == TITLES
    note = tables[8].note
    assert note.startswith("注：本单位本年度没有") and note.endswith("故本表无数据。"), note
    assert "国有资本经营预算财政拨款" in note
    assert all(not t.note for t in tables[:8])


def test_tables_re_add_to_their_totals_and_agree_with_each_other(annex: Checked) -> None:
    assert annex.grand_total == Decimal("1738.00")
    assert annex.fiscal_grand == Decimal("1240.00")
    expected = ("50.00", "300.00", "280.00", "0.00", "280.00", "70.00")
    assert annex.t8.total == [Decimal(v) for v in expected]
    assert [(c, n) for c, n, _ in annex.t8.rows] == [
        ("212", "城乡社区支出"),
        ("21208", "国有土地使用权出让收入安排的支出"),
        ("2120804", "农村基础设施建设支出"),
    ]
    assert annex.t9.total and all(v == 0 for v in annex.t9.total) and not annex.t9.rows


def test_tables_agree_with_the_text(annex: Checked, sections: dict[str, str]) -> None:
    a = annex
    pairs = [  # (label, table figure, section, the words before the amount, expected)
        ("表1 本年收入合计", a.income_total, "一", "本年收入合计", "1605.70"),
        ("表2 合计", a.t2.total[0], "二", "本年收入合计", "1605.70"),
        ("表1 本年支出合计", a.expenditure_total, "一", "本年支出合计", "1345.20"),
        ("表1 总计", a.grand_total, "一", "收、支总计均为", "1738.00"),
        ("表3 基本支出", a.t3.total[1], "三", "基本支出", "670.20"),
        ("表3 项目支出", a.t3.total[2], "三", "项目支出", "675.00"),
        ("表4 总计", a.fiscal_grand, "四", "财政拨款收、支总计均为", "1240.00"),
        ("表4 本年支出合计", a.fiscal_spending[0], "四", "本年财政拨款支出", "995.00"),
        ("表5 合计", a.t5.total[0], "五", "一般公共预算财政拨款支出", "715.00"),
        ("表5 基本支出", a.t5.total[1], "六", "一般公共预算财政拨款基本支出", "535.00"),
        ("表6 人员经费合计", a.personnel, "六", "人员经费", "465.00"),
        ("表6 公用经费合计", a.public, "六", "公用经费", "70.00"),
        ("表7 预算数 合计", a.three_public_budget, "七", "支出预算为", "35.00"),
        ("表7 决算数 合计", a.three_public_actual, "七", "支出决算为", "29.70"),
        ("表8 年初结转和结余", a.t8.total[0], "八", "年初结转和结余", "50.00"),
        ("表8 本年收入", a.t8.total[1], "八", "本年收入", "300.00"),
        ("表8 本年支出", a.t8.total[2], "八", "本年支出", "280.00"),
        ("表8 年末结转和结余", a.t8.total[5], "八", "年末结转和结余", "70.00"),
    ]
    s = sections
    wrong = {
        label: (table, figure_after(s[part], words), want)
        for label, table, part, words, want in pairs
        if not table == figure_after(s[part], words) == Decimal(want)
    }
    assert not wrong, f"table vs text vs expected: {wrong}"
    # 表5 by 项 against the text's 全年预算/支出决算 lines of 五（三）.
    for _, name, values in annex.t5.level(7):
        line = rf"{re.escape(name)}（项）[:：]全年预算为[\d.]+万元，支出决算为{values[0]}万元"
        assert re.search(line, s["五"]), name


def test_reference_tables_re_add(built: Built) -> None:
    """data/2023's 附表: the same re-adding (its 类 208 is stated as 76.44 while its 项 add to
    76.43, within n × 0.005), and the figures its text prints."""
    doc = disclosure_of(built)
    checked = check_annex(doc, exact=False)
    text = whole_text(doc)
    assert checked.income_total == figure_after(text, "本年收入合计")
    assert checked.expenditure_total == figure_after(text, "本年支出合计")
    assert checked.t5.total[0] == figure_after(text, "一般公共预算财政拨款支出")
    assert checked.t5.total[1] == figure_after(text, "一般公共预算财政拨款基本支出")
    assert checked.personnel == figure_after(text, "人员经费")
    assert checked.public == figure_after(text, "公用经费")
    assert checked.three_public_actual == figure_after(
        text, "“三公”经费财政拨款支出预算为[\\d.]+万元，支出决算为"
    )
    stated = [v for c, _, v in checked.t5.level(3) if c == "208"]
    assert stated and stated[0][0] == Decimal("76.44")
    items = sum((v[0] for c, _, v in checked.t5.level(7) if c.startswith("208")), ZERO)
    assert items == Decimal("76.43")


# --- the workbook ---------------------------------------------------------------------------


def workbook_path(built: Built) -> Path | None:
    books = [f["path"] for f in built.files() if f["path"].endswith(".xlsx")]
    if not books:
        on_disk = sorted(built.out.rglob("*.xlsx"))
        assert not on_disk, f"an .xlsx the manifest does not list: {on_disk}"
        return None
    assert len(books) == 1, books
    return built.out / books[0]


@pytest.mark.parametrize("which", ["examples", "2023"])
def test_workbook_sheets_hold_the_docx_tables(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue("example" if which == "examples" else "built")
    path = workbook_path(built)
    if path is None:
        pytest.skip("the build writes no .xlsx yet (generator/render/workbook.py "
                    "write_workbook is not "
                    "called by the build, nothing in manifest.json)")  # fmt: skip
    from openpyxl import load_workbook

    tables = annex_tables(disclosure_of(built))
    book = load_workbook(path)
    assert book.sheetnames == [f"{t.code} {t.title}"[:31] for t in tables]
    for table, sheet in zip(tables, book.worksheets, strict=True):
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [t for t in texts if AMOUNT.fullmatch(t.strip())], (
            f"{sheet.title}: amounts as text"
        )
        assert table.title in texts and table.code in texts, sheet.title
        numbers = [
            [Decimal(str(c.value)).quantize(Decimal("0.01")) for c in row
             if isinstance(c.value, (int, float, Decimal)) and not isinstance(c.value, bool)]
            for row in sheet.iter_rows()
        ]  # fmt: skip
        numbers = [r for r in numbers if r]
        printed = [amounts(r) for r in table.data]
        assert numbers == printed, f"{sheet.title}: the workbook's numbers differ from the .docx"
