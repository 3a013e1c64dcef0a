"""Helpers to write docxtpl templates with python-docx: styles, paragraphs, tables, merges."""

from __future__ import annotations

import copy

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"


def set_font(style_or_run, east_asia: str, size: float | None = None, bold: bool = False) -> None:
    font = style_or_run.font
    font.name = "Times New Roman"
    if size:
        font.size = Pt(size)
    font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _styles(doc)
    _page_numbers(doc, section)
    return doc


def landscape_section(doc: Document) -> None:
    """A new section on a new page, A4 landscape, with the page numbers carried on."""
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.left_margin, section.right_margin = Cm(2.1), Cm(2.1)
    previous = doc.sections[-2]._sectPr
    for ref in previous.findall(qn("w:footerReference")):  # the same footer, stated again
        section._sectPr.insert(0, copy.deepcopy(ref))


def _styles(doc: Document) -> None:
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, 16)
    normal.paragraph_format.first_line_indent = Pt(32)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size in (
        ("Title", TITLE_FONT, 22),
        ("Heading 1", HEI, 16),
        ("Heading 2", HEI, 16),
        ("Heading 3", KAI, 16),
    ):
        style = doc.styles[name]
        set_font(style, font, size, bold=False)
        style.font.color.rgb = None
        pf = style.paragraph_format
        pf.space_before, pf.space_after = Pt(6), Pt(6)
        pf.first_line_indent = Pt(0) if name in ("Title", "Heading 1") else Pt(32)
        pf.keep_with_next = True
        if name in ("Title", "Heading 1"):
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
        border = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
        if border is not None:  # python-docx's Title has a rule under it; official titles do not
            style.element.pPr.remove(border)
    table_text = doc.styles.add_style("Table Text", 1)
    table_text.base_style = normal
    set_font(table_text, BODY_FONT, 10.5)
    table_text.paragraph_format.first_line_indent = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    caption = doc.styles.add_style("Figure Caption", 1)
    caption.base_style = normal
    set_font(caption, KAI, 14)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    figure = doc.styles.add_style("Figure", 1)
    figure.base_style = normal
    figure.paragraph_format.first_line_indent = Pt(0)
    figure.paragraph_format.line_spacing = 1.0
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_with_next = True
    plain = doc.styles.add_style("Flush", 1)
    plain.base_style = normal
    plain.paragraph_format.first_line_indent = Pt(0)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _gongwen_styles(doc)


def _gongwen_styles(doc: Document) -> None:
    """Heading 4 (1. in 仿宋); Annex Heading 1-4 (Heading n's look, outside the table of
    contents: for letters and tables inside the disclosure); Table Title (centred above a
    table, kept with it) and Table Unit (the 单位 line, right)."""
    normal = doc.styles["Normal"]
    h4 = doc.styles["Heading 4"]
    set_font(h4, BODY_FONT, 16, bold=False)
    h4.font.italic = False
    h4.font.color.rgb = None
    h4.paragraph_format.first_line_indent = Pt(32)
    h4.paragraph_format.keep_with_next = True
    for level in range(1, 5):
        annex = doc.styles.add_style(f"Annex Heading {level}", 1)
        annex.base_style = doc.styles[f"Heading {level}"]
        annex.next_paragraph_style = normal
        ppr = annex.element.get_or_add_pPr()
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "9")  # body text: never in a table of contents
        ppr.append(outline)
    title = doc.styles.add_style("Table Title", 1)
    title.base_style = normal
    set_font(title, HEI, 16)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.keep_with_next = True
    unit = doc.styles.add_style("Table Unit", 1)
    unit.base_style = doc.styles["Table Text"]
    unit.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    unit.paragraph_format.keep_with_next = True
    joint = doc.styles.add_style("Table Joint", 1)  # a hairline between two parts of one table
    joint.base_style = normal
    set_font(joint, BODY_FONT, 1)
    pf = joint.paragraph_format
    pf.first_line_indent, pf.space_before, pf.space_after = Pt(0), Pt(0), Pt(0)
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(1)
    pf.keep_with_next = True
    _letter_styles(doc)


CHAR = 16  # pt: one character of 3号
DIGIT = CHAR / 2  # an ASCII digit in Times New Roman


def _letter_styles(doc: Document) -> None:
    """GB/T 9704 close of a letter: Attachment Label (附件1, 黑体 3号 at the top left of an
    attachment's first page), Attachment Note (附件说明, flush left, no spacing between Chinese
    and digits so that the items align), Letter Signature (发文机关署名: three lines above it
    for the seal, right-aligned; its right indent centres it over the date at render time) and
    Letter Date (成文日期, 右空四字)."""
    normal = doc.styles["Normal"]
    label = doc.styles.add_style("Attachment Label", 1)
    label.base_style = normal
    set_font(label, HEI, 16)
    label.paragraph_format.first_line_indent = Pt(0)
    label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    label.paragraph_format.keep_with_next = True
    note = doc.styles.add_style("Attachment Note", 1)
    note.base_style = normal
    ppr = note.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # first: python-docx orders the rest
        node = OxmlElement(tag)
        node.set(qn("w:val"), "0")
        ppr.append(node)
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    note.paragraph_format.keep_with_next = True
    signature = doc.styles.add_style("Letter Signature", 1)
    signature.base_style = normal
    pf = signature.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pf.first_line_indent, pf.right_indent = Pt(0), Pt(2 * CHAR)
    pf.space_before = Pt(3 * 28)  # room for the seal (it presses on 署名 and 日期)
    pf.keep_with_next = True
    pf.keep_together = True
    date = doc.styles.add_style("Letter Date", 1)
    date.base_style = normal
    pf = date.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pf.first_line_indent, pf.right_indent = Pt(0), Pt(4 * CHAR)
    pf.keep_together = True


def attachment_note(doc, items: list[str]) -> list:
    """附件说明 (GB/T 9704 7.3.4): "附件：1．name" two characters in, the next items numbered
    "2．" under the "1．", a name that wraps aligned with the first character of the name."""
    out = []
    for n, text in enumerate(items, 1):
        head = f"附件：{n}．" if n == 1 else f"{n}．"
        p = para(doc, head + text, "Attachment Note")
        number = DIGIT * len(str(n)) + CHAR  # "1．"
        start = 2 * CHAR + 3 * CHAR  # where "1．" begins: two characters in, then 附件：
        pf = p.paragraph_format
        pf.left_indent = Pt(start + number)
        pf.first_line_indent = Pt((2 * CHAR if n == 1 else start) - start - number)
        out.append(p)
    if out:
        out[0].paragraph_format.space_before = Pt(28)  # 正文下空一行
    return out


def _page_numbers(doc: Document, section) -> None:
    """GB/T 9704: "— N —" in 4号 宋体, odd pages right and even pages left, one character in
    from the edge. (The disclosure's cover and contents lose them at render time.)"""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.alignment = align
        side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
        setattr(para.paragraph_format, side, Pt(14))
        para.paragraph_format.first_line_indent = Pt(0)
        for text in ("— ", None, " —"):
            if text is None:
                add_field(para, "PAGE", "1")
            else:
                para.add_run(text)
        for run in para.runs:
            set_font(run, "宋体", 14)


def repeat_header(row) -> None:
    """Mark a table row (python-docx _Row) as a header row repeated on every page; header rows
    must be the table's first rows. Bold is added at render time."""
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:tblHeader")) is None:
        trpr.append(OxmlElement("w:tblHeader"))


def add_field(paragraph, instruction: str, shown: str) -> None:
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", shown),
        ("end", None),
    ):
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {text} "
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


def para(doc, text: str = "", style: str | None = None, center: bool = False):
    p = doc.add_paragraph(style=style)
    if text:
        p.add_run(text)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
    return p


def lines(doc, texts: list[str], style: str = "Title"):
    """One paragraph holding several lines (title blocks)."""
    p = doc.add_paragraph(style=style)
    for i, text in enumerate(texts):
        if i:
            p.add_run().add_break()
        p.add_run(text)
    return p


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table(doc, cols: int, widths_cm: list[float]):
    t = doc.add_table(rows=0, cols=cols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    grid = t._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    t._widths = widths_cm
    return t


def row(t, cells: list[str], spans: list[int] | None = None, bold: bool = False):
    """Append a row; `spans` merges cells horizontally (e.g. [1, 2, 1, 3])."""
    r = t.add_row()
    for i, cell in enumerate(r.cells):
        cell.width = Cm(t._widths[i])
    spans = spans or [1] * len(cells)
    col = 0
    for text, span in zip(cells, spans, strict=True):
        cell = r.cells[col]
        if span > 1:
            cell = cell.merge(r.cells[col + span - 1])
        p = cell.paragraphs[0]
        p.style = "Table Text"
        run = p.add_run(text)
        run.bold = bold
        col += span
    return r


def vmerge(row, index: int, value: str) -> None:
    """Mark the `index`-th cell element of `row` as part of a vertical merge; `value` may be a
    Jinja expression. Addressed by element: python-docx's row.cells follows merges upwards."""
    tcpr = row._tr.tc_lst[index].get_or_add_tcPr()
    node = OxmlElement("w:vMerge")
    node.set(qn("w:val"), value)
    tcpr.append(node)


def _field_char(kind: str):
    node = OxmlElement("w:fldChar")
    node.set(qn("w:fldCharType"), kind)
    return node


def table_of_contents(doc, entries: list[tuple[int, str]]) -> None:
    """A TOC field whose shown result lists `entries`; Word refreshes it (with page numbers)
    when the document is opened, other readers show the list as it is."""
    for i, (level, text) in enumerate(entries):
        p = doc.add_paragraph(style="Flush")
        p.paragraph_format.left_indent = Pt(32 * (level - 1))
        if i == 0:
            run = p.add_run()
            run._r.append(_field_char("begin"))
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = ' TOC \\o "1-2" \\h \\z \\u '
            run._r.append(instr)
            run._r.append(_field_char("separate"))
        p.add_run(text)
        if i == len(entries) - 1:
            p.add_run()._r.append(_field_char("end"))
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def headings(doc, styles: tuple[str, ...] = ("Heading 1", "Heading 2")) -> list[tuple[int, str]]:
    return [
        (styles.index(p.style.name) + 1, p.text)
        for p in doc.paragraphs
        if p.style is not None and p.style.name in styles
    ]


def move_after(anchor, paragraphs) -> None:
    """Move paragraphs (already in the document) to follow `anchor`, in order."""
    for p in reversed(paragraphs):
        anchor._p.addnext(p._p)


def table_joint(doc):
    """The hairline paragraph between two tables printed as one (the second has header rows of
    its own, which must be a table's first rows); render time gives both the same columns."""
    return doc.add_paragraph(style="Table Joint")


def keep_rows_together(t) -> None:
    """Every row kept on the page of the next (a short table, or the top of one, stays whole)."""
    from docx.text.paragraph import Paragraph

    for p in t._tbl.iter(qn("w:p")):
        Paragraph(p, None).paragraph_format.keep_with_next = True


def run_in(doc, head: str, text: str, face: str = KAI, style: str | None = None):
    """A paragraph opening with a run-in heading ("（一）…。" in 楷体) followed by its text."""
    p = doc.add_paragraph(style=style)
    set_font(p.add_run(head), face)
    if text:
        p.add_run(text)
    return p
