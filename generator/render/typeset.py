"""Render-time 公文 typesetting of a .docx: fonts, heading hierarchy, flow, tables, sections,
table of contents. Applied to every rendered document, so it holds even after someone re-saves
a template in Word, WPS or LibreOffice. Deterministic: equal input, equal bytes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from lxml import etree

from generator.render import fonts
from generator.render.ooxml import (
    PPR,
    PPR_TAG,
    RPR,
    SECTPR,
    STYLE,
    Parts,
    ensure,
    grandchild,
    has_content,
    is_empty,
    local,
    page_break_only,
    ppr,
    read_parts,
    remove,
    section_of,
    set_val,
    style_by_id,
    style_node,
    style_of,
    styled,
    text_of,
    w,
    write_parts,
)
from generator.render.typeset_letters import centre_signatures
from generator.render.typeset_tables import sizes_of, typeset_tables

BODY_SIZE = 32  # 3号, half-points
TITLE_SIZE = 44  # 2号
LINE = "560"  # 28 pt exact, twips
INDENT = "640"  # two characters of 3号
# style id -> (font role, size); headings keep with the next paragraph and are not bold.
HIERARCHY = {
    "Normal": ("body", BODY_SIZE),
    "Title": ("title", TITLE_SIZE),
    "Heading1": ("hei", BODY_SIZE),
    "Heading2": ("hei", BODY_SIZE),
    "Heading3": ("kai", BODY_SIZE),
    "Heading4": ("body", BODY_SIZE),
}
HEADINGS = ("Heading1", "Heading2", "Heading3", "Heading4")
ANNEX = "Annex"  # AnnexHeading1..4: the look of Heading n, outside the table of contents
TOC_LEVELS = re.compile(r'\\o\s+"(\d)-(\d)"')


OWN_PART = "word/document.xml"  # the one part typeset per document; the others per template


def typeset_docx(data: bytes, preset: str | None = None) -> bytes:
    """The whole treatment of one rendered .docx (see the module's docstring)."""
    parts = read_parts(data)
    chosen = typeset_shared(parts, preset)
    typeset_own(parts.tree(OWN_PART), chosen, parts.tree("word/styles.xml"))
    return write_parts(parts)


def typeset_shared(parts: Parts, preset: str | None = None) -> fonts.FontPreset:
    """Every part but the document's own: the same for every document of a template, so
    render.py typesets them once per template and reuses the result. Each part is changed
    only from its own content and the preset; returns the preset chosen. (Every step of
    typeset_docx belongs here or in typeset_own: generator/render/docxfast.py runs the two apart,
    and
    tests/test_cache.py checks its bytes against typeset_docx's.)"""
    styles = parts.tree("word/styles.xml")
    chosen = fonts.get_preset(preset or fonts.detect_preset(styles))
    for name, apply in fonts.PART_APPLIERS.items():
        if name != OWN_PART and parts.has(name):
            apply(parts.tree(name), chosen)
    enforce_styles(styles, chosen)
    if parts.has("word/stylesWithEffects.xml"):
        enforce_styles(parts.tree("word/stylesWithEffects.xml"), chosen)
    _settings(parts)
    return chosen


def typeset_own(document: etree._Element, chosen: fonts.FontPreset, styles: etree._Element) -> None:
    """word/document.xml, given the typeset styles (read, never changed)."""
    fonts.PART_APPLIERS[OWN_PART](document, chosen)
    typeset_body(document.find(w("body")), styles)


def typeset_body(body: etree._Element, styles: etree._Element) -> None:
    unwrap_toc_block(body)
    promote_subheadings(body, styles)
    toc = find_toc(body)
    if toc is not None:
        restyle_annexes(body, toc[1], styles)
        split_front_matter(body, toc[1])
    fix_flow(body)
    keep_titles_with_tables(body)
    typeset_tables(body, sizes_of(styles), table_widths(body))
    keep_header_rows(body)
    centre_signatures(body, styles)
    if toc is not None:
        toc = find_toc(body)
        write_toc(body, styles, toc, pages=None)


# --- styles -----------------------------------------------------------------------------


def _section(style: etree._Element, tag: str) -> etree._Element:
    return ensure(style, tag, STYLE)


def enforce_styles(styles: etree._Element, preset: fonts.FontPreset) -> None:
    """zh-CN; the hierarchy's faces and sizes; body justified at 28 pt; headings kept with the
    next paragraph; heading and title colours and bold left by python-docx removed."""
    _languages(styles)
    for style_id, (role, size) in HIERARCHY.items():
        style = style_by_id(styles, style_id)
        if style is None:
            continue
        rpr = _section(style, "rPr")
        fonts.set_faces(ensure(rpr, "rFonts", RPR), preset, role)
        set_val(rpr, "sz", RPR, val=str(size))
        set_val(rpr, "szCs", RPR, val=str(size))
        bold = style_id == "Title" and preset.title_bold
        set_val(rpr, "b", RPR, val="1" if bold else "0")
        set_val(rpr, "bCs", RPR, val="1" if bold else "0")
        remove(rpr, "color")
        pf = _section(style, "pPr")
        if style_id == "Normal":
            set_val(pf, "spacing", PPR, line=LINE, lineRule="exact")
            set_val(pf, "jc", PPR, val="both")
        else:
            ensure(pf, "keepNext", PPR)
            ensure(pf, "keepLines", PPR)
    for style in styles.findall(w("style")):
        if (style.get(w("styleId")) or "").endswith("Char"):
            for node in style.iter(w("color")):
                node.getparent().remove(node)
    table_text = style_by_id(styles, "TableText")
    if table_text is not None:  # justified text in narrow cells spreads out: flush left
        set_val(_section(table_text, "pPr"), "jc", PPR, val="left")
    add_annex_styles(styles)
    add_toc_styles(styles)


def _languages(styles: etree._Element) -> None:
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    if defaults is not None:
        set_val(defaults, "lang", RPR, val="en-US", eastAsia="zh-CN")
    for lang in styles.iter(w("lang")):
        if lang.get(w("eastAsia")):
            lang.set(w("eastAsia"), "zh-CN")


def _new_style(styles: etree._Element, style_id: str, name: str, based: str) -> etree._Element:
    style = etree.SubElement(styles, w("style"), {w("type"): "paragraph", w("styleId"): style_id})
    style.set(w("customStyle"), "1")
    etree.SubElement(style, w("name"), {w("val"): name})
    etree.SubElement(style, w("basedOn"), {w("val"): based})
    etree.SubElement(style, w("next"), {w("val"): "Normal"})
    etree.SubElement(style, w("qFormat"))
    return style


def add_annex_styles(styles: etree._Element) -> None:
    """AnnexHeading1..4: Heading n's look with outline level 'body text', for the headings of
    letters and tables annexed to a document with a table of contents."""
    for level in range(1, 5):
        style_id = f"{ANNEX}Heading{level}"
        heading = style_by_id(styles, f"Heading{level}")
        if heading is None or style_by_id(styles, style_id) is not None:
            continue
        style = _new_style(styles, style_id, f"Annex Heading {level}", f"Heading{level}")
        set_val(_section(style, "pPr"), "outlineLvl", PPR, val="9")


def add_toc_styles(styles: etree._Element) -> None:
    """TOC1..3 (Word's 'toc n'): flush, indented per level, page number at a dotted right tab."""
    for level in range(1, 4):
        if style_by_id(styles, f"TOC{level}") is not None:
            continue
        style = _new_style(styles, f"TOC{level}", f"toc {level}", "Normal")
        style.attrib.pop(w("customStyle"))
        pf = _section(style, "pPr")
        tabs = ensure(pf, "tabs", PPR)
        etree.SubElement(tabs, w("tab"), {w("val"): "right", w("leader"): "dot", w("pos"): "8845"})
        set_val(pf, "ind", PPR, left=str(640 * (level - 1)), firstLine="0")
        set_val(pf, "jc", PPR, val="left")


def outline_levels(styles: etree._Element) -> dict[str, int]:
    """Outline level (0-based) of each paragraph style, following basedOn."""
    own: dict[str, tuple[str | None, int | None]] = {}
    for style in styles.findall(w("style")):
        based = style.find(w("basedOn"))
        level = grandchild(style, PPR_TAG, w("outlineLvl"))
        own[style.get(w("styleId"))] = (
            based.get(w("val")) if based is not None else None,
            int(level.get(w("val"))) if level is not None else None,
        )
    result = {}
    for style_id in own:
        current, seen = style_id, set()
        while current in own and current not in seen:
            seen.add(current)
            based, level = own[current]
            if level is not None:
                if level < 9:
                    result[style_id] = level
                break
            current = based
    return result


# --- flow -------------------------------------------------------------------------------


def blocks(body: etree._Element) -> list[etree._Element]:
    return [child for child in body if local(child) in ("p", "tbl")]


def fix_flow(body: etree._Element) -> None:
    """No blank pages: empty paragraphs before a page break dropped; a paragraph holding only
    a page break becomes 'page break before' on what follows; an empty paragraph carrying a
    section break hands it to the paragraph before it; nothing breaks at the very end."""
    for p in [b for b in blocks(body) if page_break_only(b)]:
        _drop_empty_before(p)
        nxt = p.getnext()
        if nxt is not None and page_break_only(nxt):
            body.remove(p)
        elif nxt is not None and local(nxt) == "p":
            ensure(ppr(nxt), "pageBreakBefore", PPR)
            body.remove(p)
        elif nxt is not None and local(nxt) == "tbl":
            _become_break_before(p)
        else:
            body.remove(p)
    _hand_over_section_breaks(body)
    _drop_trailing_empties(body)


def _drop_empty_before(p: etree._Element) -> None:
    prev = p.getprevious()
    while prev is not None and is_empty(prev):
        before = prev.getprevious()
        prev.getparent().remove(prev)
        prev = before


def _become_break_before(p: etree._Element) -> None:
    """An empty, hairline paragraph that starts the next page (a table cannot carry the break)."""
    for r in p.findall(w("r")):
        p.remove(r)
    pf = ppr(p)
    ensure(pf, "pageBreakBefore", PPR)
    set_val(pf, "spacing", PPR, before="0", after="0", line="20", lineRule="exact")
    size = ensure(ensure(pf, "rPr", PPR), "sz", RPR)
    size.set(w("val"), "2")


def _hand_over_section_breaks(body: etree._Element) -> None:
    for p in blocks(body):
        sect = section_of(p)
        prev = p.getprevious()
        if sect is None or has_content(p) or prev is None or local(prev) != "p":
            continue
        if section_of(prev) is not None:
            continue
        ppr(prev).append(sect)
        body.remove(p)


def _drop_trailing_empties(body: etree._Element) -> None:
    items = blocks(body)
    while items and local(items[-1]) == "p" and (is_empty(items[-1]) or page_break_only(items[-1])):
        if section_of(items[-1]) is not None:
            break
        body.remove(items.pop())


def keep_titles_with_tables(body: etree._Element) -> None:
    """The short paragraphs just above a table (its title, its 单位 line) stay with it, and so
    do its title and header rows (Word keeps a row whose paragraphs keep with the next)."""
    for tbl in body.findall(w("tbl")):
        prev = tbl.getprevious()
        for _ in range(2):
            if prev is None or local(prev) != "p" or not has_content(prev):
                break
            if len(text_of(prev)) > 60:
                break
            ensure(ppr(prev), "keepNext", PPR)
            prev = prev.getprevious()


def keep_header_rows(body: etree._Element) -> None:
    for tr in body.iter(w("tr")):
        if tr.find(f"{w('trPr')}/{w('tblHeader')}") is None:
            continue
        for p in tr.iter(w("p")):
            ensure(ppr(p), "keepNext", PPR)


def text_width(body: etree._Element) -> int:
    """The text width of the body's last section."""
    return section_width(body.find(w("sectPr")))


def section_width(sect: etree._Element | None) -> int:
    size = sect.find(w("pgSz")) if sect is not None else None
    margins = sect.find(w("pgMar")) if sect is not None else None
    if size is None or margins is None:
        return 8845
    left, right = (int(margins.get(w(k), "0")) for k in ("left", "right"))
    return int(size.get(w("w"))) - left - right


def table_widths(body: etree._Element) -> dict[etree._Element, int]:
    """Each table's text width: that of the section it is in (a portrait section's tables
    are not fitted to a landscape one's width)."""
    widths: dict[etree._Element, int] = {}
    pending: list[etree._Element] = []
    for child in body:
        pending.extend(child.iter(w("tbl")))
        name = local(child)
        sect = child if name == "sectPr" else section_of(child)
        if sect is not None:
            widths.update(dict.fromkeys(pending, section_width(sect)))
            pending = []
    widths.update(dict.fromkeys(pending, text_width(body)))
    return widths


# --- table of contents and sections ---------------------------------------------------------


def unwrap_toc_block(body: etree._Element) -> None:
    """A template saved by LibreOffice wraps its table of contents in a content control
    (w:sdt, gallery "Table of Contents"): its paragraphs become the body's own again, so the
    contents are rebuilt as for any template."""
    for sdt in [child for child in body if local(child) == "sdt"]:
        gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
        content = sdt.find(w("sdtContent"))
        if gallery is None or gallery.get(w("val")) != "Table of Contents" or content is None:
            continue
        for child in list(content):
            sdt.addprevious(child)
        body.remove(sdt)


def find_toc(body: etree._Element) -> tuple[etree._Element, etree._Element, str] | None:
    """(first paragraph, last paragraph, instruction) of the body's TOC field."""
    items = (child for child in body if local(child) == "p")  # read only up to the TOC's end
    for p in items:
        instr = "".join(n.text or "" for n in p.iter(w("instrText")))
        if not instr.strip().startswith("TOC"):
            continue
        depth, q = 0, p
        for q in itertools.chain((p,), items):
            for node in q.iter(w("fldChar")):
                kind = node.get(w("fldCharType"))
                depth += {"begin": 1, "end": -1}.get(kind, 0)
                if depth == 0:
                    return p, q, instr
        return p, q, instr  # never closed: up to the last paragraph
    return None


SUBHEADING = re.compile(r"^（[一二三四五六七八九十]{1,3}）[^。；：:]{1,30}[。]?$")
PLAIN = (None, "Normal", "Flush")


def promote_subheadings(body: etree._Element, styles: etree._Element) -> None:
    """A plain paragraph that is only a （一） line is a Heading 3 (楷体, kept with its text)."""
    if style_by_id(styles, "Heading3") is None:
        return
    for p in body.findall(w("p")):
        if style_of(p) in PLAIN and SUBHEADING.match(text_of(p).strip()):
            set_val(ppr(p), "pStyle", PPR, val="Heading3")


def restyle_annexes(body: etree._Element, toc_end: etree._Element, styles: etree._Element) -> None:
    """Headings of a letter or table annexed after the TOC (from a Title paragraph up to the
    next part heading) take AnnexHeading styles: the TOC lists the document's own headings."""
    inside = False
    after = False
    marked = {p: style_of(p) for p in styled(body, ("Title", "Heading1", *HEADINGS))}
    known = {style.get(w("styleId")) for style in styles.findall(w("style"))}
    for p in body.iter(w("p")):
        if p is toc_end:
            after = True
            continue
        style = marked.get(p)  # the others' styles change nothing here
        if not after or style is None:
            continue
        if style == "Title":
            inside = True
        elif style == "Heading1" and p.getparent() is body:
            inside = False
        elif inside and style in HEADINGS and f"{ANNEX}{style}" in known:
            style_node(p).set(w("val"), f"{ANNEX}{style}")


def split_front_matter(body: etree._Element, toc_end: etree._Element) -> None:
    """Cover and contents in a section of their own without page numbers; the body numbered
    from 1. The section ends with the TOC's last paragraph (no empty paragraph, no blank page)."""
    if section_of(toc_end) is not None:
        return
    first = _next_section(body, toc_end)  # the section the body starts in
    if first is None:
        return
    front = etree.fromstring(etree.tostring(first))
    for tag in ("headerReference", "footerReference", "pgNumType", "titlePg"):
        remove(front, tag)
    set_val(front, "type", SECTPR, val="nextPage")
    ppr(toc_end).append(front)
    set_val(first, "pgNumType", SECTPR, start="1")
    nxt = toc_end.getnext()
    while nxt is not None and (page_break_only(nxt) or is_empty(nxt)):
        following = nxt.getnext()
        body.remove(nxt)
        nxt = following


def _next_section(body: etree._Element, after: etree._Element) -> etree._Element | None:
    """The sectPr closing the section that holds what follows `after`."""
    node = after.getnext()
    while node is not None:
        if local(node) == "sectPr":
            return node
        found = section_of(node) if local(node) == "p" else None
        if found is not None:
            return found
        node = node.getnext()
    return None


def toc_entries(body: etree._Element, styles: etree._Element, toc: tuple) -> list[tuple[int, str]]:
    """(level, text) of the headings the TOC field lists: outline levels in its \\o range,
    after the TOC itself."""
    first, last, instr = toc
    match = TOC_LEVELS.search(instr)
    low, high = (int(match.group(1)), int(match.group(2))) if match else (1, 3)
    levels = outline_levels(styles)
    entries, after = [], False
    for p in body:
        if p is last:
            after = True
            continue
        if not after or local(p) != "p":
            continue
        direct = grandchild(p, PPR_TAG, w("outlineLvl"))
        level = int(direct.get(w("val"))) if direct is not None else levels.get(style_of(p) or "")
        if level is None or not low <= level + 1 <= high:
            continue  # the text of the body's paragraphs is not read
        text = re.sub(r"\s+", " ", text_of(p)).strip()
        if text:
            entries.append((level + 1, text))
    return entries


def write_toc(
    body: etree._Element,
    styles: etree._Element,
    toc: tuple,
    pages: list[str] | None,
) -> None:
    """Replace the TOC field's shown result with the document's headings (and their pages)."""
    first, last, instr = toc
    entries = toc_entries(body, styles, toc)
    if not entries:
        return
    keep = section_of(last)
    anchor = first.getprevious()
    for p in _between(body, first, last):
        body.remove(p)
    shown = pages or [None] * len(entries)
    new = [_toc_paragraph(lv, text, page) for (lv, text), page in zip(entries, shown, strict=True)]
    _field_wrap(new, instr)
    if keep is not None:
        ppr(new[-1]).append(keep)
    if anchor is None:
        for p in reversed(new):
            body.insert(0, p)
    else:
        for p in reversed(new):
            anchor.addnext(p)


def _between(body: etree._Element, first: etree._Element, last: etree._Element) -> Iterable:
    out, on = [], False
    for child in body:
        if child is first:
            on = True
        if on:
            out.append(child)
        if child is last:
            break
    return out


def _run(text: str | None = None, tab: bool = False) -> etree._Element:
    r = etree.Element(w("r"))
    if tab:
        etree.SubElement(r, w("tab"))
    if text is not None:
        t = etree.SubElement(r, w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _toc_paragraph(level: int, text: str, page: str | None) -> etree._Element:
    p = etree.Element(w("p"))
    set_val(ppr(p), "pStyle", PPR, val=f"TOC{min(level, 3)}")
    p.append(_run(text))
    if page is not None:
        p.append(_run(tab=True))
        p.append(_run(page))
    return p


def _field_wrap(paragraphs: list[etree._Element], instr: str) -> None:
    def char(kind: str) -> etree._Element:
        r = etree.Element(w("r"))
        etree.SubElement(r, w("fldChar"), {w("fldCharType"): kind})
        return r

    code = etree.Element(w("r"))
    node = etree.SubElement(code, w("instrText"))
    node.text = instr
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    head = paragraphs[0]
    at = 1  # after pPr
    for r in (char("begin"), code, char("separate")):
        head.insert(at, r)
        at += 1
    paragraphs[-1].append(char("end"))


def _settings(parts: Parts) -> None:
    if not parts.has("word/settings.xml"):
        return
    settings = parts.tree("word/settings.xml")
    lang = settings.find(w("themeFontLang"))
    if lang is not None:
        lang.set(w("eastAsia"), "zh-CN")
    compat = settings.find(w("compat"))
    if compat is not None and compat.find(w("doNotExpandShiftReturn")) is None:
        # a justified line ending in a manual line break is not spread across the page
        compat.insert(0, etree.Element(w("doNotExpandShiftReturn")))


def set_toc_pages(data: bytes, pages: list[tuple[str, str]]) -> tuple[bytes, int]:
    """Write page numbers (heading text, page) found by a layout engine into the TOC's shown
    result, in order; Word is no longer asked to update fields on opening. Returns the new
    .docx and how many entries got a page number."""
    parts = read_parts(data)
    styles = parts.tree("word/styles.xml")
    body = parts.tree("word/document.xml").find(w("body"))
    toc = find_toc(body)
    if toc is None:
        return data, 0
    entries = toc_entries(body, styles, toc)
    numbers = match_pages([text for _, text in entries], pages)
    write_toc(body, styles, toc, [n or "" for n in numbers])
    found = sum(n is not None for n in numbers)
    if found == len(entries) and parts.has("word/settings.xml"):
        remove(parts.tree("word/settings.xml"), "updateFields")
    return write_parts(parts), found


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def match_pages(texts: list[str], pages: list[tuple[str, str]]) -> list[str | None]:
    """Page of each heading text, taking the engine's entries in order (equal texts repeat)."""
    result: list[str | None] = []
    start = 0
    for text in texts:
        key, found = _norm(text), None
        for j in range(start, len(pages)):
            if _norm(pages[j][0]) == key:
                found, start = pages[j][1], j + 1
                break
        result.append(found)
    return result
