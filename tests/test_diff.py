"""`diff`: the printed sentences and cells that changed between two years' data (or builds),
by document and section, and the redline .docx with Word's tracked changes."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from support import DISCLOSURE, copy_data

from generator.cli import main
from generator.years.diff import diff
from generator.years.docdiff import compare_documents
from generator.years.redline import Marker, apply_redline

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def changed(data, built, tmp_path_factory):
    """data/2023 with one amount changed (机关运行经费 289.99 → 300), diffed against the build."""
    base = tmp_path_factory.mktemp("diff")
    folder = copy_data(
        data, base / "2023", {"finance.yaml": [("operating_costs: 289.99", "operating_costs: 300")]}
    )
    redline = base / "修订.docx"
    return diff(built.out, folder, redline), redline


def test_one_amount_changes_exactly_the_sentence_that_prints_it(changed):
    result, _ = changed
    assert result.charts == [] and result.only_old == [] and result.only_new == []
    assert len(result.changes) == 1, result.changes
    (change,) = result.changes
    assert change.document == DISCLOSURE
    assert change.section.endswith("十、其他重要事项的情况说明 › （一）机关运行经费支出情况")
    assert "机关运行经费支出289.99万元，比2022年度减少35.56万元，下降10.9%" in change.old
    assert "机关运行经费支出300万元，比2022年度减少25.55万元，下降7.8%" in change.new
    assert change.figures() == (["289.99", "35.56", "10.9%"], ["300", "25.55", "7.8%"])


def test_a_budget_figure_changes_its_sentences_and_its_cells(data, built, tmp_path):
    """公务接待费预算 9.4 → 9.5: the two sentences that print it (and the wording and rate that
    follow from it), the 表7 cells of the 附表 in the disclosure and in the workbook."""
    folder = copy_data(data, tmp_path / "2023", {"finance.yaml": [(
        "reception: 9.4}", "reception: 9.5}")]})  # fmt: skip
    result = diff(built.out, folder)
    sentences = {(c.old, c.new) for c in result.changes if c.where == "段落"}
    assert sentences == {
        ("2023年度“三公”经费财政拨款支出预算为9.4万元，支出决算为9.4万元，完成预算的100%。",
         "2023年度“三公”经费财政拨款支出预算为9.5万元，支出决算为9.4万元，完成预算的98.9%。"),
        ("决算数与预算数持平的主要原因是严格按照预算控制支出。",
         "决算数小于预算数的主要原因是严格按照预算控制支出。"),
        ("3.公务接待费预算为9.4万元，支出决算为9.4万元，完成预算的100%。",
         "3.公务接待费预算为9.5万元，支出决算为9.4万元，完成预算的98.9%。"),
    }  # fmt: skip
    cells = [c for c in result.changes if c.where != "段落"]
    assert cells and all(c.figures() in ((["9.40"], ["9.50"]), (["9.4"], ["9.5"])) for c in cells)
    assert {c.where.split("第")[-1] for c in cells if c.document == DISCLOSURE} == {
        "1列“预算数/合计”", "6列“预算数/公务接待费”"}  # fmt: skip
    assert result.charts == []


def test_the_redline_holds_tracked_changes(changed):
    _, redline = changed
    xml = zipfile.ZipFile(redline).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:del ") >= 3 and xml.count("<w:ins ") >= 3
    assert '<w:delText xml:space="preserve">289.99</w:delText>' in xml
    assert "generator diff" in xml
    doc = Document(str(redline))  # still a valid document
    assert any("机关运行经费支出" in p.text for p in doc.paragraphs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_redline_with_its_changes(changed, tmp_path):
    _, redline = changed
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "odt", "--outdir", str(tmp_path), str(redline)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    content = zipfile.ZipFile(tmp_path / "修订.odt").read("content.xml").decode("utf-8")
    assert content.count("<text:changed-region") >= 6
    assert "<text:deletion>" in content and "<text:insertion>" in content


def test_the_command_reports_by_document_and_section(built, capsys, tmp_path):
    assert main(["diff", str(built.out), str(built.out), "-o", str(tmp_path / "r.docx")]) == 0
    assert "完全相同" in capsys.readouterr().out
    assert not (tmp_path / "r.docx").exists()


def test_not_a_folder_of_data_or_output(tmp_path, capsys):
    assert main(["diff", str(tmp_path), str(tmp_path)]) == 2
    assert "既不是数据文件夹" in capsys.readouterr().err


def _docx(path: Path, paragraphs: list[str], cells: list[list[str]]) -> Path:
    doc = Document()
    doc.add_heading("第一部分 概况", level=1)
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.add_heading("第二部分 附表", level=1)
    table = doc.add_table(rows=len(cells), cols=len(cells[0]))
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(str(path))
    return path


def test_paragraphs_and_cells_are_aligned_and_redlined(tmp_path):
    old = _docx(
        tmp_path / "old.docx",
        ["甲段不变。", "收入100万元。支出90万元。", "将删除的段。"],
        [["项目", "金额"], ["收入", "100"]],
    )
    new = _docx(
        tmp_path / "new.docx",
        ["甲段不变。", "新增的段。", "收入120万元。支出90万元。"],
        [["项目", "金额"], ["收入", "120"]],
    )
    changes, pairs, doc = compare_documents("测试.docx", old, new)
    found = {(c.section, c.where, c.old, c.new) for c in changes}
    assert found == {
        ("第一部分 概况", "段落", None, "新增的段。"),
        ("第一部分 概况", "段落", "收入100万元。", "收入120万元。"),
        ("第一部分 概况", "段落", "将删除的段。", None),
        ("第二部分 附表", "表格（第二部分 附表） 第2行“收入” 第2列“金额”", "100", "120"),
    }
    apply_redline(pairs, doc.element.body, Marker())
    body = doc.element.body
    deleted = ["".join(t.text for t in d.iter(f"{W}delText")) for d in body.iter(f"{W}del")]
    inserted = ["".join(t.text for t in i.iter(f"{W}t")) for i in body.iter(f"{W}ins")]
    assert deleted == ["100", "将删除的段。", "100"]
    assert inserted == ["新增的段。", "120", "120"]
