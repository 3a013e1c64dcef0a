"""Render-time 公文 typesetting (generator.render.typeset, generator.render.fonts), on small
documents made with python-docx's own default template: theme fonts, en-US/ja-JP languages, no
page setup, as a template re-saved by an office suite might be."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from generator.render import fonts
from generator.render.ooxml import W_NS, read_parts, text_of, w
from generator.render.typeset import set_toc_pages, typeset_docx
from generator.render.typeset_tables import em_width, fit_widths, is_number


def save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def style(styles: etree._Element, style_id: str) -> etree._Element:
    (found,) = [s for s in styles.findall(w("style")) if s.get(w("styleId")) == style_id]
    return found


def attr(node: etree._Element | None, name: str) -> str | None:
    return None if node is None else node.get(w(name))


def field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind in ("begin", "instr", "separate"):
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.text = instruction
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


def end_field(paragraph) -> None:
    node = OxmlElement("w:fldChar")
    node.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(node)


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def disclosure_like() -> bytes:
    """Cover, a TOC field, parts with headings, an annexed letter with its own headings, a
    table of amounts, blank paragraphs before breaks, a trailing break."""
    doc = Document()
    doc.add_paragraph("某部门2023年度部门决算", style="Title")
    page_break(doc)
    doc.add_paragraph("目  录")
    toc = doc.add_paragraph("旧目录")
    field(toc, ' TOC \\o "1-2" \\h \\z \\u ')
    end_field(toc)
    page_break(doc)
    doc.add_heading("第一部分 部门概况", 1)
    doc.add_heading("一、部门职责", 2)
    doc.add_paragraph("正文。" * 40)
    doc.add_paragraph("")
    page_break(doc)
    doc.add_heading("第二部分 决算情况说明", 1)
    doc.add_paragraph("表1 收入支出决算总表")
    table = doc.add_table(rows=4, cols=3)
    for r, values in enumerate(
        [("项目", "决算数", "执行率"), ("收入", "912.26", "98.14%"), ("支出", "886.1", "5.47")]
        + [("合计（万元）", "1798.36", "100.00%")]
    ):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    doc.add_heading("第四部分 附件", 1)
    doc.add_paragraph("某部门关于报送自评报告的函", style="Title")
    doc.add_heading("一、基本情况", 2)
    doc.add_paragraph("函的正文。")
    page_break(doc)
    return save(doc)


@pytest.fixture(scope="module")
def typeset() -> bytes:
    return typeset_docx(disclosure_like(), "gb2312")


def body_of(data: bytes) -> etree._Element:
    return part(data, "word/document.xml").find(w("body"))


# --- fonts ------------------------------------------------------------------------------------


def test_east_asian_language_is_zh_cn(typeset: bytes) -> None:
    styles = part(typeset, "word/styles.xml")
    langs = [attr(n, "eastAsia") for n in styles.iter(w("lang")) if attr(n, "eastAsia")]
    assert langs and set(langs) == {"zh-CN"}
    settings = part(typeset, "word/settings.xml")
    assert attr(settings.find(w("themeFontLang")), "eastAsia") == "zh-CN"


@pytest.mark.parametrize("name", ["word/styles.xml", "word/document.xml"])
def test_no_theme_fonts_left(typeset: bytes, name: str) -> None:
    tree = part(typeset, name)
    for node in tree.iter(w("rFonts")):
        assert not {a for a in node.attrib if "Theme" in a or "theme" in a}, node.attrib


@pytest.mark.parametrize(
    ("preset", "faces"),
    [
        ("gb2312", {"Normal": "仿宋_GB2312", "Heading1": "黑体", "Heading3": "楷体_GB2312"}),
        ("windows", {"Normal": "仿宋", "Heading2": "黑体", "Heading3": "楷体", "Title": "宋体"}),
    ],
)
def test_hierarchy_faces_by_preset(preset: str, faces: dict[str, str]) -> None:
    styles = part(typeset_docx(disclosure_like(), preset), "word/styles.xml")
    for style_id, face in faces.items():
        rfonts = style(styles, style_id).find(f"{w('rPr')}/{w('rFonts')}")
        assert attr(rfonts, "eastAsia") == face, style_id
        assert attr(rfonts, "ascii") == "Times New Roman"
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}")
    assert attr(defaults, "eastAsia") == faces["Normal"]


def test_sizes_spacing_and_justification(typeset: bytes) -> None:
    styles = part(typeset, "word/styles.xml")
    normal = style(styles, "Normal")
    assert attr(normal.find(f"{w('rPr')}/{w('sz')}"), "val") == "32"  # 3号
    spacing = normal.find(f"{w('pPr')}/{w('spacing')}")
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("560", "exact")
    assert attr(normal.find(f"{w('pPr')}/{w('jc')}"), "val") == "both"
    for heading in ("Heading1", "Heading2", "Heading3"):
        ppr = style(styles, heading).find(w("pPr"))
        assert ppr.find(w("keepNext")) is not None
        assert attr(style(styles, heading).find(f"{w('rPr')}/{w('b')}"), "val") == "0"
        assert style(styles, heading).find(f"{w('rPr')}/{w('color')}") is None


def test_theme_and_font_table_name_chinese_faces(typeset: bytes) -> None:
    theme = etree.tostring(part(typeset, "word/theme/theme1.xml"), encoding="unicode")
    assert 'script="Hans" typeface="仿宋_GB2312"' in theme
    assert 'script="Hans" typeface="黑体"' in theme
    table = part(typeset, "word/fontTable.xml")
    names = {attr(f, "name"): f for f in table.findall(w("font"))}
    assert attr(names["仿宋_GB2312"].find(w("altName")), "val") == "仿宋"
    assert attr(names["方正小标宋简体"].find(w("charset")), "val") == "86"


def test_apply_font_preset_on_xml_and_docx() -> None:
    xml = (
        f'<w:styles xmlns:w="{W_NS}">'
        '<w:style w:styleId="X"><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" '
        'w:eastAsia="楷体_GB2312"/></w:rPr></w:style></w:styles>'
    )
    out = fonts.apply_font_preset(xml, "windows")
    assert 'w:eastAsia="楷体"' in out and "asciiTheme" not in out
    docx = fonts.apply_font_preset(disclosure_like(), "gb2312")
    assert isinstance(docx, bytes) and docx[:2] == b"PK"
    with pytest.raises(ValueError, match="可用"):
        fonts.get_preset("mac")


def test_non_gb2312_chars() -> None:
    assert fonts.non_gb2312_chars("中共广元市昭化区委组织部 912.26万元 ≥95% —·") == set()
    assert fonts.non_gb2312_chars("王喆、李堃、〇") == {"喆", "堃", "〇"}
    assert "U+5586" in fonts.gb2312_message({"喆"})


# --- flow, sections, table of contents -------------------------------------------------------


def blocks(body: etree._Element) -> list[etree._Element]:
    return [b for b in body if etree.QName(b).localname in ("p", "tbl")]


def test_no_break_paragraphs_and_no_blank_before_breaks(typeset: bytes) -> None:
    body = body_of(typeset)
    items = blocks(body)
    for p in items:
        brs = [b for b in p.iter(w("br")) if attr(b, "type") == "page"]
        assert not brs, text_of(p)
    *_, part_two = (p for p in items if text_of(p) == "第二部分 决算情况说明")  # not the TOC's
    assert part_two.find(f"{w('pPr')}/{w('pageBreakBefore')}") is not None
    previous = part_two.getprevious()
    assert text_of(previous).strip(), "the empty paragraph before the break is gone"
    assert text_of(items[-1]) == "函的正文。", "no break at the very end"


def test_cover_and_contents_unnumbered_body_from_one(typeset: bytes) -> None:
    body = body_of(typeset)
    sections = [s for s in body.iter(w("sectPr"))]
    assert len(sections) == 2
    front, main = sections
    assert front.find(w("footerReference")) is None
    assert attr(main.find(w("pgNumType")), "start") == "1"


def toc_texts(body: etree._Element) -> list[str]:
    styled = [
        (p, attr(p.find(f"{w('pPr')}/{w('pStyle')}"), "val") or "") for p in body.iter(w("p"))
    ]
    return [text_of(p) for p, name in styled if name.startswith("TOC")]


def test_toc_lists_the_document_headings_not_the_letters(typeset: bytes) -> None:
    body = body_of(typeset)
    assert toc_texts(body) == [
        "第一部分 部门概况",
        "一、部门职责",
        "第二部分 决算情况说明",
        "第四部分 附件",
    ]
    letter = next(p for p in body.iter(w("p")) if text_of(p) == "一、基本情况")
    assert attr(letter.find(f"{w('pPr')}/{w('pStyle')}"), "val") == "AnnexHeading2"
    instr = "".join(n.text for n in body.iter(w("instrText")))
    assert '\\o "1-2"' in instr


def test_page_numbers_written_into_the_toc(typeset: bytes) -> None:
    pages = [("第一部分 部门概况", "1"), ("一、部门职责", "1"), ("第二部分 决算情况说明", "2")]
    pages.append(("第四部分 附件", "3"))
    data, found = set_toc_pages(typeset, pages)
    assert found == 4
    body = body_of(data)
    assert [t.split(" ")[-1] for t in toc_texts(body)] == ["1", "1", "2", "3"]
    assert part(data, "word/settings.xml").find(w("updateFields")) is None


def test_deterministic(typeset: bytes) -> None:
    assert typeset_docx(disclosure_like(), "gb2312") == typeset


# --- tables -----------------------------------------------------------------------------------


def table_of(data: bytes) -> etree._Element:
    return body_of(data).find(w("tbl"))


def test_header_row_repeats_bold_rows_whole(typeset: bytes) -> None:
    tbl = table_of(typeset)
    rows = tbl.findall(w("tr"))
    assert rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None
    assert all(r.find(f"{w('trPr')}/{w('cantSplit')}") is not None for r in rows)
    assert rows[1].find(f"{w('trPr')}/{w('tblHeader')}") is None
    bold = [r.find(f"{w('rPr')}/{w('b')}") for r in rows[0].iter(w("r"))]
    assert bold and all(b is not None and attr(b, "val") is None for b in bold)


def test_numbers_right_aligned_unbroken_and_widths_in_grid_and_cells(typeset: bytes) -> None:
    tbl = table_of(typeset)
    grid = [int(attr(c, "w")) for c in tbl.find(w("tblGrid"))]
    for tr in tbl.findall(w("tr"))[1:]:
        for i, tc in enumerate(tr.findall(w("tc"))):
            text = text_of(tc)
            assert int(attr(tc.find(f"{w('tcPr')}/{w('tcW')}"), "w")) == grid[i]
            if is_number(text):
                assert tc.find(f"{w('tcPr')}/{w('noWrap')}") is not None
                assert attr(tc.find(f"{w('p')}/{w('pPr')}/{w('jc')}"), "val") == "right"
                assert grid[i] >= em_width(text) * 21 * 10 + 216  # 五号 digits fit


def test_the_title_above_a_table_keeps_with_it(typeset: bytes) -> None:
    title = table_of(typeset).getprevious()
    assert text_of(title) == "表1 收入支出决算总表"
    assert title.find(f"{w('pPr')}/{w('keepNext')}") is not None


@pytest.mark.parametrize(
    "text", ["98.14", "5.47", "≤35000元", "831.95万元", "100%", "≥5名", "-12.5", "1,234.5"]
)
def test_is_number(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize("text", ["", "收入", "一般公共服务支出", "2023年度部门决算公开说明"])
def test_is_not_number(text: str) -> None:
    assert not is_number(text)


def test_fit_widths_takes_from_text_columns_keeps_the_total() -> None:
    widths = fit_widths([3000, 600, 600], [0, 1200, 1100], [0, 0, 0], 9000)
    assert sum(widths) == 4200 and widths[1] >= 1200 and widths[2] >= 1100


def test_fit_widths_grows_up_to_the_text_width_when_needed() -> None:
    widths = fit_widths([800, 800], [1500, 1500], [0, 0], 2800)
    assert sum(widths) == 2800


def test_merges_untouched(typeset: bytes) -> None:
    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "标题"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "合并"
    table.cell(1, 1).text, table.cell(1, 2).text = "12.5", "100%"
    before = save(doc)
    after = typeset_docx(before)
    count = lambda data, tag: len(list(table_of(data).iter(w(tag))))  # noqa: E731
    for tag in ("gridSpan", "vMerge", "tc", "tr"):
        assert count(after, tag) == count(before, tag), tag


def test_a_rendered_template_round_trips_through_read_parts() -> None:
    data = disclosure_like()
    parts = read_parts(data)
    assert list(parts.names())[0] == "[Content_Types].xml"
    assert re.search(rb"<w:document", parts.raw["word/document.xml"])


def test_gb2312_findings_only_for_the_gb2312_preset() -> None:
    texts = [("projects/01-x.yaml", 7, "leader", "王喆"), ("department.yaml", 3, "name", "组织部")]
    (found,) = fonts.gb2312_findings(texts, "gb2312")
    assert (found.file, found.line, found.field, found.is_error) == (
        "projects/01-x.yaml",
        7,
        "leader",
        False,
    )
    assert "喆" in found.message
    assert fonts.gb2312_findings(texts, "windows") == []


def _section(width: int, height: int) -> str:
    return (
        f'<w:sectPr><w:pgSz w:w="{width}" w:h="{height}"/><w:pgMar w:left="1587" '
        'w:right="1474" w:top="2098" w:bottom="1984"/></w:sectPr>'
    )


def _wide_table() -> str:
    """Twelve columns of 500 twips holding amounts that need more than a portrait page."""
    cells = "".join(
        "<w:tc><w:p><w:r><w:t>12,345,678.90</w:t></w:r></w:p></w:tc>" for _ in range(12)
    )
    grid = '<w:gridCol w:w="500"/>' * 12
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid><w:tr>{cells}</w:tr></w:tbl>"


def test_a_table_is_fitted_to_the_width_of_its_own_section() -> None:
    """A table in a portrait section before a landscape last one (the disclosure's 第四部分
    before its 附表) grows no wider than the portrait page; the landscape one's may."""
    from generator.render.typeset import table_widths
    from generator.render.typeset_tables import Sizes, typeset_tables

    portrait = f"<w:p><w:pPr>{_section(11906, 16838)}</w:pPr></w:p>"
    body = etree.fromstring(
        f'<w:body xmlns:w="{W_NS}">{_wide_table()}{portrait}{_wide_table()}'
        f"{_section(16838, 11906)}</w:body>"
    )
    widths = table_widths(body)
    typeset_tables(body, Sizes(None), widths)
    first, second = body.findall(w("tbl"))
    total = [sum(int(c.get(w("w"))) for c in t.iter(w("gridCol"))) for t in (first, second)]
    assert [widths[first], widths[second]] == [11906 - 3061, 16838 - 3061]
    assert total[0] <= 11906 - 3061 < total[1] <= 16838 - 3061
