"""A rendered .docx as HTML, in reading order: headings, paragraphs, tables, images.

Reads the WordprocessingML of the document directly (lxml, as python-docx does underneath):
paragraph styles give headings and indents, `gridSpan` and `vMerge` give the spans of table
cells, inline pictures become <img> (a data: URI, or whatever `image_html` says for a blob it
knows, such as a chart drawn apart). Field instructions are skipped, their shown results kept.
Markers of placeholders (see lenient.py) become <mark> through `placeholder_html`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from generator.preview.lenient import MARKER

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V = "urn:schemas-microsoft-com:vml"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
EMU_PER_PX = 9525
TWIPS_PER_PT = 20

ImageHtml = Callable[[bytes, int, int], "str | None"]
PlaceholderHtml = Callable[[list[int]], str]
NAN = re.compile(r"(?<![A-Za-z])NaN(?![A-Za-z])")
DATA_PH = re.compile(r'data-ph="([0-9 ]+)"')


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


T_P, T_R, T_T, T_TAB, T_BR, T_CR = w("p"), w("r"), w("t"), w("tab"), w("br"), w("cr")
T_PPR, T_RPR, T_PSTYLE, T_VAL, T_TYPE = w("pPr"), w("rPr"), w("pStyle"), w("val"), w("type")
T_DRAWING, T_PICT, T_NBH, T_DEL = w("drawing"), w("pict"), w("noBreakHyphen"), w("del")
T_TBL, T_TR, T_TC, T_TCPR = w("tbl"), w("tr"), w("tc"), w("tcPr")
T_B, T_I, T_U, T_JC, T_IND = w("b"), w("i"), w("u"), w("jc"), w("ind")
T_GRIDSPAN, T_VMERGE = w("gridSpan"), w("vMerge")


@dataclass
class HtmlDoc:
    """One document as HTML: one element per top-level block (`parts`), the plain text of every
    addressable block (`blocks`: data-b id -> text) and the placeholders it shows."""

    parts: list[str]
    blocks: list[tuple[str, str]] = field(default_factory=list)
    placeholders: list[int] = field(default_factory=list)

    @property
    def html(self) -> str:
        return "".join(self.parts)


class TableCache:
    """Tables already converted, by position and XML: an unchanged table is not redone.

    Tables holding placeholders or pictures are always converted again (their labels come from
    outside the XML)."""

    def __init__(self, keep: int = 400):
        self._items: dict[tuple[int, str], tuple[str, list[tuple[str, str]]]] = {}
        self._keep = keep
        self.hits = 0

    def get(self, key: tuple[int, str]) -> tuple[str, list[tuple[str, str]]] | None:
        found = self._items.get(key)
        if found is not None:
            self.hits += 1
        return found

    def put(self, key: tuple[int, str], value: tuple[str, list[tuple[str, str]]]) -> None:
        if len(self._items) >= self._keep:
            self._items.clear()
        self._items[key] = value


@dataclass(frozen=True)
class _Style:
    name: str
    align: str | None
    indent_pt: float | None
    indent_chars: float | None
    left_pt: float | None
    bold: bool | None
    size_pt: float | None


class _Styles:
    def __init__(self, root) -> None:
        self.raw: dict[str, tuple[str, str | None, _Style]] = {}
        self.default = ""
        self._resolved: dict[str, _Style] = {}
        if root is None:
            return
        for node in root.iter(w("style")):
            sid = node.get(w("styleId")) or ""
            name_node = node.find(w("name"))
            name = name_node.get(w("val")) if name_node is not None else sid
            based = node.find(w("basedOn"))
            own = _props(node.find(w("pPr")), node.find(w("rPr")), name or sid)
            self.raw[sid] = (name or sid, based.get(w("val")) if based is not None else None, own)
            if node.get(w("type")) == "paragraph" and node.get(w("default")) in ("1", "true"):
                self.default = sid

    def get(self, sid: str | None) -> _Style:
        sid = sid or self.default
        if sid in self._resolved:
            return self._resolved[sid]
        chain = []
        seen = set()
        cur: str | None = sid
        while cur and cur in self.raw and cur not in seen:
            seen.add(cur)
            chain.append(self.raw[cur][2])
            cur = self.raw[cur][1]
        name = chain[0].name if chain else ""
        merged = _Style(name, None, None, None, None, None, None)
        for st in reversed(chain):  # the base first, each derived style over it
            merged = _Style(
                name,
                st.align or merged.align,
                st.indent_pt if st.indent_pt is not None else merged.indent_pt,
                st.indent_chars if st.indent_chars is not None else merged.indent_chars,
                st.left_pt if st.left_pt is not None else merged.left_pt,
                st.bold if st.bold is not None else merged.bold,
                st.size_pt or merged.size_pt,
            )
        self._resolved[sid] = merged
        return merged


def _props(ppr, rpr, name: str) -> _Style:
    align = indent = chars = left = None
    bold = size = None
    if ppr is not None:
        jc = ppr.find(w("jc"))
        if jc is not None:
            align = jc.get(w("val"))
        ind = ppr.find(w("ind"))
        if ind is not None:
            if ind.get(w("firstLine")) is not None:
                indent = int(ind.get(w("firstLine"))) / TWIPS_PER_PT
            if ind.get(w("hanging")) is not None:
                indent = -int(ind.get(w("hanging"))) / TWIPS_PER_PT
            if ind.get(w("firstLineChars")) is not None:
                chars = int(ind.get(w("firstLineChars"))) / 100
            start = ind.get(w("left")) or ind.get(w("start"))
            if start is not None:
                left = int(start) / TWIPS_PER_PT
    if rpr is not None:
        bold = _on(rpr.find(w("b")))
        sz = rpr.find(w("sz"))
        if sz is not None and sz.get(w("val"), "").isdigit():
            size = int(sz.get(w("val"))) / 2
    return _Style(name, align, indent, chars, left, bold, size)


def _on(node) -> bool | None:
    if node is None:
        return None
    return node.get(w("val"), "true") not in ("0", "false", "off")


HEADINGS = {"title": "h1", "heading 1": "h2", "heading 2": "h3", "heading 3": "h4",
            "heading 4": "h5", "heading 5": "h6", "heading 6": "h6"}
ALIGN = {"center": "center", "right": "right", "end": "right", "both": "justify",
         "distribute": "justify", "left": "left", "start": "left"}


class _Converter:
    def __init__(self, styles, image_blob: Callable[[str], bytes | None],
                 image_html: ImageHtml | None, placeholder_html: PlaceholderHtml | None,
                 cache: TableCache | None = None):
        self.styles = _Styles(styles)
        self.image_blob = image_blob
        self.image_html = image_html
        self.placeholder_html = placeholder_html
        self.cache = cache
        self.blocks: list[tuple[str, str]] = []
        self.placeholders: list[int] = []
        self._openings: dict[object, tuple[str, str, _Style]] = {}
        self._prefix = ""
        self._cells = 0

    # -- blocks ---------------------------------------------------------------------------

    def body(self, node, parts: list[str] | None = None) -> list[str]:
        """One HTML element per top-level paragraph or table, in reading order."""
        parts = [] if parts is None else parts
        for child in node:
            tag = child.tag
            if tag == T_P:
                self._prefix = str(len(parts))
                parts.append(self.paragraph(child)[0])
            elif tag == T_TBL:
                parts.append(self.top_table(child, len(parts)))
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.body(content, parts)
            elif tag == w("customXml"):
                self.body(child, parts)
        return parts

    def top_table(self, tbl, index: int) -> str:
        self._prefix = f"t{index}"
        self._cells = 0
        if self.cache is None:
            return self.table(tbl)
        xml = etree.tostring(tbl)
        if b"\xe2\x9f\xa6" in xml or b"NaN" in xml or b"<w:drawing" in xml or b"<w:pict" in xml:
            return self.table(tbl)  # holds a placeholder or a picture: labels come from outside
        key = (index, hashlib.sha1(xml).hexdigest())
        hit = self.cache.get(key)
        if hit is not None:
            self.blocks.extend(hit[1])
            return hit[0]
        start = len(self.blocks)
        out = self.table(tbl)
        self.cache.put(key, (out, self.blocks[start:]))
        return out

    def _block(self, text: str) -> str:
        if self._prefix.startswith("t"):
            bid = f"{self._prefix}.{self._cells}"
            self._cells += 1
        else:
            bid = self._prefix
        self.blocks.append((bid, text))
        return bid

    def paragraph(self, p, in_cell: bool = False) -> tuple[str, str]:
        """The HTML of a paragraph and its plain text."""
        ppr = p[0] if len(p) and p[0].tag == T_PPR else None
        key = None
        style_id = None
        if ppr is not None:
            parts = []
            for c in ppr:
                if c.tag == T_PSTYLE:
                    style_id = c.get(T_VAL)
                elif c.tag in (T_JC, T_IND):
                    parts.append((c.tag, tuple(sorted(c.attrib.items()))))
            key = (style_id, tuple(parts))
        opening = self._openings.get(key)
        if opening is None:
            opening = self._opening(ppr, style_id)
            self._openings[key] = opening
        tag, attrs, style = opening
        inner, text, page_break = self.runs(p, style)
        if not in_cell:
            attrs += f' data-b="{self._block(text)}"'
        if page_break and not in_cell:
            if not inner:
                return f'<div class="page-break" data-b="{self.blocks[-1][0]}"></div>', text
            attrs = attrs.replace(' class="', ' class="break-after ', 1) if ' class="' in attrs \
                else attrs + ' class="break-after"'
        if not inner and not in_cell:
            return f"<{tag}{attrs}><br></{tag}>", text
        return f"<{tag}{attrs}>{inner}</{tag}>", text

    def _opening(self, ppr, style_id: str | None) -> tuple[str, str, _Style]:
        style = self.styles.get(style_id)
        own = _props(ppr, None, style.name)
        css = []
        align = ALIGN.get(own.align or style.align or "")
        if align and align != "left":
            css.append(f"text-align:{align}")
        chars = own.indent_chars if own.indent_chars is not None else style.indent_chars
        indent = own.indent_pt if own.indent_pt is not None else style.indent_pt
        if chars:
            css.append(f"text-indent:{chars:g}em")
        elif indent:
            css.append(f"text-indent:{indent:g}pt")
        left = own.left_pt if own.left_pt is not None else style.left_pt
        if left:
            css.append(f"margin-left:{left:g}pt")
        tag = HEADINGS.get(style.name.lower(), "p")
        cls = _css_class(style.name)
        attrs = f' class="{cls}"' if cls else ""
        if css:
            attrs += f' style="{";".join(css)}"'
        return tag, attrs, style

    def runs(self, p, style: _Style) -> tuple[str, str, bool]:
        """The inline HTML of a paragraph, its plain text, whether it ends with a page break."""
        merged: list[list] = []  # [format, html]; runs of equal format are joined
        texts: list[str] = []
        page_break = False
        heading = style.name.lower() in HEADINGS
        base_bold = bool(style.bold) and not heading
        for r in p.iter(T_R):
            parent = r.getparent()
            if parent is not None and parent.tag == T_DEL:
                continue
            fmt = (base_bold, False, False)
            for child in r:
                tag = child.tag
                if tag == T_RPR:
                    fmt = self._run_format(child, base_bold, heading)
                    continue
                if tag == T_T:
                    piece = child.text or ""
                    texts.append(piece)
                    piece = html.escape(piece, quote=False)
                elif tag == T_TAB:
                    piece = "\u2003"
                    texts.append("\t")
                elif tag in (T_BR, T_CR):
                    if child.get(T_TYPE) == "page":
                        page_break = True
                        continue
                    piece = "<br>"
                    texts.append("\n")
                elif tag == T_NBH:
                    piece = "-"
                    texts.append("-")
                elif tag in (T_DRAWING, T_PICT):
                    merged.append([None, self.drawing(child)])
                    continue
                else:
                    continue
                if merged and merged[-1][0] == fmt:
                    merged[-1][1] += piece
                else:
                    merged.append([fmt, piece])
        out = []
        for fmt, piece in merged:
            if fmt is not None:
                bold, italic, underline = fmt
                if bold:
                    piece = f"<b>{piece}</b>"
                if italic:
                    piece = f"<i>{piece}</i>"
                if underline:
                    piece = f"<u>{piece}</u>"
            out.append(piece)
        joined = "".join(out)
        if "⟦" in joined or "NaN" in joined:
            joined = self.markers(joined)
        return joined, "".join(texts), page_break

    @staticmethod
    def _run_format(rpr, base_bold: bool, heading: bool) -> tuple[bool, bool, bool]:
        bold, italic, underline = base_bold, False, False
        for c in rpr:
            tag = c.tag
            if tag == T_B:
                bold = c.get(T_VAL, "true") not in ("0", "false", "off") and not heading
            elif tag == T_I:
                italic = c.get(T_VAL, "true") not in ("0", "false", "off")
            elif tag == T_U:
                underline = c.get(T_VAL, "single") != "none"
        return (bold, italic, underline)

    def markers(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            ids = [int(i) for i in match.group(1).split(",")]
            for i in ids:
                if i not in self.placeholders:
                    self.placeholders.append(i)
            if self.placeholder_html is not None:
                return self.placeholder_html(ids)
            return f'<mark class="ph" data-ph="{" ".join(map(str, ids))}">【待填】</mark>'

        text = MARKER.sub(replace, text)
        return NAN.sub('<mark class="ph" title="缺少数值">【待填】</mark>', text)

    def drawing(self, node) -> str:
        blip = next(node.iter(f"{{{A}}}blip"), None)
        rid = blip.get(f"{{{R}}}embed") if blip is not None else None
        if rid is None:
            vimg = next(node.iter(f"{{{V}}}imagedata"), None)
            rid = vimg.get(f"{{{R}}}id") if vimg is not None else None
        blob = self.image_blob(rid) if rid else None
        if blob is None:
            return ""
        extent = next(node.iter(f"{{{WP}}}extent"), None)
        cx = int(extent.get("cx", "0")) // EMU_PER_PX if extent is not None else 0
        cy = int(extent.get("cy", "0")) // EMU_PER_PX if extent is not None else 0
        if self.image_html is not None:
            custom = self.image_html(blob, cx, cy)
            if custom is not None:
                for found in DATA_PH.findall(custom):
                    for i in found.split():
                        if int(i) not in self.placeholders:
                            self.placeholders.append(int(i))
                return custom
        data = base64.b64encode(blob).decode("ascii")
        size = f' width="{cx}" height="{cy}"' if cx and cy else ""
        return f'<img class="pic" alt="图片" src="data:{_mime(blob)};base64,{data}"{size}>'

    def table(self, tbl) -> str:
        tbl_grid = tbl.find(w("tblGrid"))
        grid = [int(c.get(w("w"), "0") or 0) for c in tbl_grid] if tbl_grid is not None else []
        total = sum(grid) or 1
        rows: list[list[list]] = []
        above: dict[int, list] = {}  # grid column -> the cell that a vMerge continues
        for tr in tbl.iterchildren(T_TR):
            row: list[list] = []
            col = 0
            trpr = tr.find(w("trPr"))
            header = False
            if trpr is not None:
                before = trpr.find(w("gridBefore"))
                if before is not None:
                    col += int(before.get(T_VAL, "0"))
                header = _on(trpr.find(w("tblHeader"))) is True
            for tc in tr.iterchildren(T_TC):
                tcpr = tc[0] if len(tc) and tc[0].tag == T_TCPR else None
                span = 1
                merge = None
                if tcpr is not None:
                    for c in tcpr:
                        if c.tag == T_GRIDSPAN:
                            val = c.get(T_VAL, "1")
                            span = max(1, int(val)) if val.isdigit() else 1
                        elif c.tag == T_VMERGE:
                            merge = c.get(T_VAL, "continue")
                if merge == "continue" and col in above:
                    above[col][2] += 1
                    col += span
                    continue
                cell = [tc, span, 1, header]
                if merge == "restart":
                    above[col] = cell
                else:
                    above.pop(col, None)
                row.append(cell)
                col += span
            rows.append(row)
        cls = "doc-table" + ("" if _bordered(tbl) else " borderless")
        out = [f'<table class="{cls}">']
        if grid:
            out.append("<colgroup>" + "".join(
                f'<col style="width:{100 * g / total:.2f}%">' for g in grid) + "</colgroup>")
        out.append("<tbody>")
        for row in rows:
            out.append("<tr>")
            for tc, colspan, rowspan, header in row:
                attrs = ""
                if colspan > 1:
                    attrs += f' colspan="{colspan}"'
                if rowspan > 1:
                    attrs += f' rowspan="{rowspan}"'
                content, text = self.cell(tc)
                attrs += f' data-b="{self._block(text)}"'
                tag = "th" if header else "td"
                out.append(f"<{tag}{attrs}>{content}</{tag}>")
            out.append("</tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def cell(self, tc) -> tuple[str, str]:
        parts: list[str] = []
        texts: list[str] = []
        for child in tc:
            if child.tag == T_P:
                inner, text = self.paragraph(child, in_cell=True)
                parts.append(inner)
                texts.append(text)
            elif child.tag == T_TBL:
                parts.append(self.table(child))
        return "".join(parts), "\n".join(texts)


def _bordered(tbl) -> bool:
    pr = tbl.find(w("tblPr"))
    if pr is None:
        return True
    borders = pr.find(w("tblBorders"))
    if borders is None:
        return True
    values = [b.get(w("val"), "") for b in borders]
    return not values or any(v not in ("nil", "none") for v in values)


@lru_cache(maxsize=64)
def _css_class(style_name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", style_name.lower()).strip("-")
    return f"s-{slug}" if slug else ""


def _mime(blob: bytes) -> str:
    if blob.startswith(b"\x89PNG"):
        return "image/png"
    if blob.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if blob.startswith(b"GIF8"):
        return "image/gif"
    if blob.startswith(b"BM"):
        return "image/bmp"
    if blob.lstrip().startswith(b"<"):
        return "image/svg+xml"
    return "application/octet-stream"


def _rels(archive: zipfile.ZipFile, name: str, names: set[str]) -> dict[str, str]:
    if name not in names:
        return {}
    root = etree.fromstring(archive.read(name))
    base = "word"
    out = {}
    for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(base, target))
        out[rel.get("Id", "")] = path
    return out


def docx_to_html(data: bytes, image_html: ImageHtml | None = None,
                 placeholder_html: PlaceholderHtml | None = None,
                 cache: TableCache | None = None) -> HtmlDoc:
    """Convert .docx bytes to HTML in reading order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        rels = _rels(archive, "word/_rels/document.xml.rels", names)
        styles = (etree.fromstring(archive.read("word/styles.xml"))
                  if "word/styles.xml" in names else None)
        blobs: dict[str, bytes] = {}

        def image_blob(rid: str) -> bytes | None:
            target = rels.get(rid)
            if target is None or target not in names:
                return None
            if target not in blobs:
                blobs[target] = archive.read(target)
            return blobs[target]

        root = etree.fromstring(archive.read("word/document.xml"))
        body = root.find(w("body"))
        conv = _Converter(styles, image_blob, image_html, placeholder_html, cache)
        parts = conv.body(body) if body is not None else []
    return HtmlDoc(parts, conv.blocks, conv.placeholders)


def document_to_html(document, image_html: ImageHtml | None = None,
                     placeholder_html: PlaceholderHtml | None = None,
                     cache: TableCache | None = None) -> HtmlDoc:
    """Convert a python-docx Document in memory (no zip round trip) to HTML."""
    part = document.part
    styles = document.styles.element

    def image_blob(rid: str) -> bytes | None:
        rel = part.rels.get(rid)
        if rel is None or rel.is_external:
            return None
        return getattr(rel.target_part, "blob", None)

    conv = _Converter(styles, image_blob, image_html, placeholder_html, cache)
    parts = conv.body(document.element.body)
    return HtmlDoc(parts, conv.blocks, conv.placeholders)
