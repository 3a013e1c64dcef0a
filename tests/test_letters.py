"""The self-evaluation letters to GB/T 9704, read from the .docx paragraph properties: 附件说明
("附件：1．…" with the next items aligned), 发文机关署名 centred over the 成文日期 (右空四字) with
room for the seal, the date from the data in its Chinese form (a warning when it is missing), the
附件 labels, the letters' heading hierarchy; and the layout of the 自评表 and 评分表: titles
above the tables, header rows marked to repeat and first in their table, each table from a new
page. Standalone and inside the disclosure."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from support import DEPARTMENT, DEPARTMENT_LETTER, DISCLOSURE, Built, build_into, copy_data

from generator.audit.report import audit_report
from generator.findings import Level
from generator.model.report import derive_report
from generator.present.wording import cn_date
from generator.read.dataset import read_dataset
from generator.render.fonts import role_of
from generator.render.typeset_letters import TYPICAL_DATE, width

CHAR = 320  # twips: one character of 3号
PROJECT_TITLE = "广元市昭化区财政项目支出绩效自评表"
DEPARTMENT_TITLE = "广元市昭化区部门整体支出绩效目标自评表"
MISSING_DATE = "自评报告的函没有成文日期（self_evaluation.yaml date）"


def letters(built: Built) -> list[str]:
    paths = [f["path"] for f in built.files("letter")]
    assert DEPARTMENT_LETTER in paths and len(paths) == 3
    return paths


def paragraphs(path: Path) -> list[Paragraph]:
    return Document(str(path)).paragraphs


def inherited(p: Paragraph, name: str):
    """A paragraph-format value, set directly or by the style or one it is based on."""
    value = getattr(p.paragraph_format, name)
    style = p.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, name)
        style = style.base_style
    return value


def twips(length) -> int:
    return 0 if length is None else round(length.twips)


def closes(path: Path) -> list[tuple[list[Paragraph], Paragraph, Paragraph]]:
    """Each letter's close: its 附件说明 paragraphs, its 署名 and its 成文日期."""
    ps = paragraphs(path)
    out = []
    for i, p in enumerate(ps):
        if not p.text.startswith("附件：1．"):
            continue
        notes = [p]
        while ps[i + len(notes)].text.startswith(f"{len(notes) + 1}．"):
            notes.append(ps[i + len(notes)])
        at = i + len(notes)
        out.append((notes, ps[at], ps[at + 1]))
    return out


def documents(built: Built) -> list[tuple[Path, int]]:
    """Every document holding letters, with how many letters it holds."""
    return [(built.out / p, 1) for p in letters(built)] + [(built.out / DISCLOSURE, 3)]


def test_attachment_note_items_align_under_the_first_number(built: Built) -> None:
    for path, count in documents(built):
        found = closes(path)
        assert len(found) == count, path.name
        for notes, _, _ in found:
            assert len(notes) == 2, [n.text for n in notes]
            first, second = notes
            assert {n.style.name for n in notes} == {"Attachment Note"}
            # 附件 two characters in; "1．" after 附件：; "2．" under "1．"; a wrapped name under
            # the first character of the name ("1" is half a character, "．" a whole one)
            start = twips(inherited(first, "left_indent")) + twips(
                first.paragraph_format.first_line_indent
            )
            assert start == 2 * CHAR
            number = start + 3 * CHAR
            second_start = twips(second.paragraph_format.left_indent) + twips(
                second.paragraph_format.first_line_indent
            )
            assert second_start == number
            name = number + round(1.5 * CHAR)
            assert twips(first.paragraph_format.left_indent) == name
            assert twips(second.paragraph_format.left_indent) == name
            assert twips(first.paragraph_format.space_before) == 28 * 20  # 正文下空一行
            assert inherited(first, "alignment") == WD_ALIGN_PARAGRAPH.LEFT
            ppr = first.style.element.pPr
            for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # no extra space after the digits
                assert ppr.find(qn(tag)).get(qn("w:val")) == "0"


def test_signature_sits_over_the_date_with_room_for_the_seal(built: Built) -> None:
    for path, _ in documents(built):
        for _, signature, date in closes(path):
            assert signature.text == DEPARTMENT
            assert signature.style.name == "Letter Signature"
            assert date.style.name == "Letter Date"
            for p in (signature, date):
                assert inherited(p, "alignment") == WD_ALIGN_PARAGRAPH.RIGHT
                assert twips(inherited(p, "first_line_indent")) == 0
            assert twips(inherited(date, "right_indent")) == 4 * CHAR  # 右空四字
            # three lines (of 28 pt) above the 署名, by spacing, not by empty paragraphs
            assert twips(inherited(signature, "space_before")) >= 3 * 560
            shown = date.text or TYPICAL_DATE
            middle = twips(inherited(date, "right_indent")) + width(shown) * CHAR / 2
            over = twips(signature.paragraph_format.right_indent) + width(signature.text) * CHAR / 2
            assert abs(middle - over) <= 1, (path.name, middle, over)
            assert signature.paragraph_format.keep_with_next or inherited(
                signature, "keep_with_next"
            )


def test_undated_letters_keep_the_date_line_and_data_2023_warns(built: Built, data: Path) -> None:
    for path, _ in documents(built):
        for _, _, date in closes(path):
            assert date.text == ""
    dataset, _ = read_dataset(data)
    warned = [f for f in audit_report(dataset, derive_report(dataset)) if f.field == "date"]
    assert [(Path(f.file).name, f.level, f.message) for f in warned] == [
        ("self_evaluation.yaml", Level.WARNING, MISSING_DATE)
    ]
    lines = (data / "self_evaluation.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[warned[0].line - 1].startswith("date:")


@pytest.fixture(scope="module")
def dated(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """data/2023 with an ISO 成文日期."""
    root = tmp_path_factory.mktemp("dated")
    data = copy_data(
        data, root / "2023", {"self_evaluation.yaml": [("date: ''", "date: 2024-06-30")]}
    )
    return build_into(data, root / "out")


def test_the_date_is_printed_in_chinese_under_every_signature(dated: Built) -> None:
    seen = 0
    for path, _ in documents(dated):
        for _, signature, date in closes(path):
            assert date.text == "2024年6月30日"
            middle = 4 * CHAR + width(date.text) * CHAR / 2
            over = twips(signature.paragraph_format.right_indent) + width(signature.text) * CHAR / 2
            assert abs(middle - over) <= 1
            seen += 1
    assert seen == 3 + 3
    dataset, _ = read_dataset(dated.out.parent / "2023")
    assert not [f for f in audit_report(dataset, derive_report(dataset)) if f.field == "date"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("2024年6月30日", "2024年6月30日"),
        ("2024-06-30", "2024年6月30日"),
        ("2024年06月03日", "2024年6月3日"),
        ("2024/6/30", "2024年6月30日"),
        ("", ""),
        ("2024-02-30", "2024-02-30"),  # not a day: printed as written (and check warns)
    ],
)
def test_cn_date(raw: str, shown: str) -> None:
    assert cn_date(raw) == shown


def test_a_date_that_is_not_one_is_reported(data: Path, tmp_path: Path) -> None:
    data = copy_data(
        data, tmp_path / "2023", {"self_evaluation.yaml": [("date: ''", "date: 六月底")]}
    )
    dataset, _ = read_dataset(data)
    (found,) = [f for f in audit_report(dataset, derive_report(dataset)) if f.field == "date"]
    assert found.level == Level.WARNING and "六月底" in found.message


# --- 附件 labels and headings ---------------------------------------------------------------------


def test_attachment_labels_open_their_pages_in_hei(built: Built) -> None:
    for path, count in documents(built):
        labels = [p for p in paragraphs(path) if p.text in ("附件1", "附件2")]
        assert len(labels) == 2 * count + (1 if path.name == DISCLOSURE else 0), path.name
        for p in labels:
            assert p.style.name == "Attachment Label"
            assert inherited(p, "page_break_before")
            assert twips(inherited(p, "first_line_indent")) == 0
            font = p.style.element.rPr
            assert role_of(font.find(qn("w:rFonts")).get(qn("w:eastAsia"))) == "hei"
            assert font.find(qn("w:sz")).get(qn("w:val")) == "32"  # 3号


HEADINGS = {  # text -> level in the letter's hierarchy (一、 黑体, （一） 楷体, 1. 仿宋)
    "一、项目概况": 2,
    "（一）资金计划、到位及使用情况": 3,
    "2.资金使用": 4,
    "（一）项目完成情况": 3,
    "（三）相关措施建议。": 3,
}


def test_letter_headings_follow_the_hierarchy(built: Built) -> None:
    path = built.out / built.path_of("letter", "东西部协作人才交流项目")
    styles = {p.text: p.style.name for p in paragraphs(path)}
    for text, level in HEADINGS.items():
        assert styles[text] == f"Heading {level}", text
    run_in = next(
        p for p in paragraphs(path) if p.text.startswith("（一）项目资金申报及批复情况。")
    )
    head = run_in.runs[0]
    assert head.text == "（一）项目资金申报及批复情况。"
    assert role_of(head._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))) == "kai"
    department = {p.text: p.style.name for p in paragraphs(built.out / DEPARTMENT_LETTER)}
    assert department["一、预算单位概况"] == "Heading 2"
    assert department["（一）机构职能"] == "Heading 3"
    inside = [p.style.name for p in paragraphs(built.out / DISCLOSURE) if p.text in HEADINGS]
    assert inside and all(name.startswith("Annex Heading") for name in inside), set(inside)


# --- the 自评表 and 评分表 ------------------------------------------------------------------------


def header_flags(table) -> list[bool]:
    return [
        tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
        for tr in table._tbl.tr_lst
    ]


def cell_texts(table, row: int) -> list[str]:
    return [tc.xpath("string(.)") for tc in table._tbl.tr_lst[row].tc_lst]


def test_the_indicator_header_repeats_and_opens_its_table(built: Built) -> None:
    path = built.out / built.path_of("table", "东西部协作人才交流项目")
    doc = Document(str(path))
    top, indicators = doc.tables
    assert not any(header_flags(top))
    assert cell_texts(top, 0)[0] == "项目名称"
    assert header_flags(indicators) == [True] + [False] * (len(indicators.rows) - 1)
    assert cell_texts(indicators, 0)[:4] == ["绩效指标", "一级指标", "二级指标", "三级指标"]
    # printed as one table: the same columns, a hairline between them
    grid = [[col.get(qn("w:w")) for col in t._tbl.tblGrid.gridCol_lst] for t in (top, indicators)]
    assert grid[0] == grid[1]
    between = top._tbl.getnext()
    assert between.xpath("string(.)") == "" and between.getnext() is indicators._tbl
    assert Paragraph(between, doc._body).style.name == "Table Joint"
    assert twips(Paragraph(between, doc._body).style.paragraph_format.line_spacing) == 20  # 1 pt


def test_score_table_header_rows_repeat(built: Built) -> None:
    for path in letters(built):
        doc = Document(str(built.out / path))
        scores = [t for t in doc.tables if cell_texts(t, 0)[:2] == ["绩效指标", "指标分值"]]
        assert len(scores) == 1, path
        (table,) = scores
        assert header_flags(table) == [True, True] + [False] * (len(table.rows) - 2)
        assert cell_texts(table, 1)[:3] == ["一级指标", "二级指标", "三级指标"]


TITLES = {PROJECT_TITLE, "（2023年度）", DEPARTMENT_TITLE, "（2023 年度）"}


def test_titles_are_paragraphs_above_the_tables(built: Built) -> None:
    paths = [DISCLOSURE, *letters(built), *(f["path"] for f in built.files("table"))]
    for relative in paths:
        doc = Document(str(built.out / relative))
        for table in doc.tables:
            for row in range(len(table.rows)):
                cells = [c.strip() for c in cell_texts(table, row)]
                assert not (len(cells) == 1 and cells[0] in TITLES), (relative, cells)
        for p in doc.paragraphs:
            if p.text in TITLES or p.text.endswith("评价指标体系") or p.text.endswith("自评评分表"):
                if p.text.startswith("2．"):
                    continue  # the 附件说明 item
                assert p.style.name == "Table Title", (relative, p.text)
                assert inherited(p, "keep_with_next")
                assert inherited(p, "alignment") == WD_ALIGN_PARAGRAPH.CENTER


def test_each_self_evaluation_table_starts_a_page(built: Built) -> None:
    """In the disclosure's 附表 each 自评表 after the first opens a new page (the first follows
    the 附表 heading, which does); in the letters the 附件 label before each table does."""
    ps = paragraphs(built.out / DISCLOSURE)
    heading = next(
        i for i, p in enumerate(ps) if p.text.startswith("附表：部门预算项目支出绩效自评表")
    )
    assert inherited(ps[heading], "page_break_before")
    titles = [i for i, p in enumerate(ps) if p.text == PROJECT_TITLE]
    assert len(titles) == 24 + 2
    assert titles[0] == heading + 1
    for i in titles:
        opener = ps[i - 1] if ps[i - 1].text in ("附件1",) else ps[i]
        assert i == titles[0] or inherited(opener, "page_break_before"), i
