"""Paragraphs of a rendered .docx as HTML: styles, runs, pictures and placeholder markers.

Inline pictures become <img> (a data: URI, or whatever `image_html` says for a blob it knows,
such as a chart drawn apart). Field instructions are skipped, their shown results kept.
Markers of placeholders (see generator/read/placeholders.py) become <mark> through
`placeholder_html`.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from generator.preview.wordxml import (
    ALIGN,
    HEADINGS,
    T_B,
    T_BR,
    T_CR,
    T_DEL,
    T_DRAWING,
    T_I,
    T_IND,
    T_JC,
    T_NBH,
    T_PICT,
    T_PPR,
    T_PSTYLE,
    T_R,
    T_RPR,
    T_T,
    T_TAB,
    T_TYPE,
    T_U,
    T_VAL,
    WP,
    A,
    Element,
    R,
    Style,
    V,
    css_class,
    props,
    styles_of,
)
from generator.read.placeholders import MARKER

EMU_PER_PX = 9525
ImageHtml = Callable[[bytes, int, int], "str | None"]
PlaceholderHtml = Callable[[list[int]], str]
NAN = re.compile(r"(?<![A-Za-z])NaN(?![A-Za-z])")
DATA_PH = re.compile(r'data-ph="([0-9 ]+)"')
_PLAIN = {
    T_TAB: ("\u2003", "\t"),
    T_BR: ("<br>", "\n"),
    T_CR: ("<br>", "\n"),
    T_NBH: ("-", "-"),
}  # tag -> (HTML, plain text)
Format = tuple[bool, bool, bool]  # bold, italic, underline


class ParagraphConverter:
    """Paragraphs to HTML; keeps the plain text of each addressable block and the placeholders."""

    def __init__(
        self,
        styles: Element | None,
        image_blob: Callable[[str], bytes | None],
        image_html: ImageHtml | None,
        placeholder_html: PlaceholderHtml | None,
    ):
        self.styles = styles_of(styles)
        self.image_blob = image_blob
        self.image_html = image_html
        self.placeholder_html = placeholder_html
        self.blocks: list[tuple[str, str]] = []
        self.placeholders: list[int] = []
        self._openings: dict[object, tuple[str, str, Style]] = {}
        self._prefix = ""
        self._cells = 0

    def _block(self, text: str) -> str:
        if self._prefix.startswith("t"):
            bid = f"{self._prefix}.{self._cells}"
            self._cells += 1
        else:
            bid = self._prefix
        self.blocks.append((bid, text))
        return bid

    def _note(self, ids: Iterable[int]) -> None:
        for i in ids:
            if i not in self.placeholders:
                self.placeholders.append(i)

    def paragraph(self, p: Element, in_cell: bool = False) -> tuple[str, str]:
        """The HTML of a paragraph and its plain text."""
        tag, attrs, style = self._opening_of(p[0] if len(p) and p[0].tag == T_PPR else None)
        inner, text, page_break = self.runs(p, style)
        if not in_cell:
            attrs += f' data-b="{self._block(text)}"'
        if page_break and not in_cell:
            if not inner:
                return f'<div class="page-break" data-b="{self.blocks[-1][0]}"></div>', text
            attrs = (
                attrs.replace(' class="', ' class="break-after ', 1)
                if ' class="' in attrs
                else attrs + ' class="break-after"'
            )
        if not inner and not in_cell:
            return f"<{tag}{attrs}><br></{tag}>", text
        return f"<{tag}{attrs}>{inner}</{tag}>", text

    def _opening_of(self, ppr: Element | None) -> tuple[str, str, Style]:
        """The tag, attributes and style of a paragraph, kept by what its pPr sets."""
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
        return opening

    def _opening(self, ppr: Element | None, style_id: str | None) -> tuple[str, str, Style]:
        style = self.styles.get(style_id)
        own = props(ppr, None, style.name)
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
        cls = css_class(style.name)
        attrs = f' class="{cls}"' if cls else ""
        if css:
            attrs += f' style="{";".join(css)}"'
        return tag, attrs, style

    def runs(self, p: Element, style: Style) -> tuple[str, str, bool]:
        """The inline HTML of a paragraph, its plain text, whether it ends with a page break."""
        heading = style.name.lower() in HEADINGS
        base_bold = bool(style.bold) and not heading
        merged, texts, page_break = self._pieces(p, base_bold, heading)
        joined = "".join(_formatted(fmt, piece) for fmt, piece in merged)
        if "⟦" in joined or "NaN" in joined:
            joined = self.markers(joined)
        return joined, "".join(texts), page_break

    def _pieces(
        self, p: Element, base_bold: bool, heading: bool
    ) -> tuple[list[list[Any]], list[str], bool]:
        """[format, html] of the runs (equal formats joined), their texts, any page break."""
        merged: list[list[Any]] = []  # a picture's format is None
        texts: list[str] = []
        page_break = False
        for r in p.iter(T_R):
            parent = r.getparent()
            if parent is not None and parent.tag == T_DEL:
                continue
            fmt = (base_bold, False, False)
            for child in r:
                tag = child.tag
                if tag == T_RPR:
                    fmt = self._run_format(child, base_bold, heading)
                elif tag in (T_DRAWING, T_PICT):
                    merged.append([None, self.drawing(child)])
                elif tag in (T_BR, T_CR) and child.get(T_TYPE) == "page":
                    page_break = True
                elif (found := _text_piece(child)) is not None:
                    piece, text = found
                    texts.append(text)
                    if merged and merged[-1][0] == fmt:
                        merged[-1][1] += piece
                    else:
                        merged.append([fmt, piece])
        return merged, texts, page_break

    @staticmethod
    def _run_format(rpr: Element, base_bold: bool, heading: bool) -> Format:
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
            self._note(ids)
            if self.placeholder_html is not None:
                return self.placeholder_html(ids)
            return f'<mark class="ph" data-ph="{" ".join(map(str, ids))}">【待填】</mark>'

        text = MARKER.sub(replace, text)
        return NAN.sub('<mark class="ph" title="缺少数值">【待填】</mark>', text)

    def drawing(self, node: Element) -> str:
        rid = _picture_id(node)
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
                    self._note(int(i) for i in found.split())
                return custom
        data = base64.b64encode(blob).decode("ascii")
        size = f' width="{cx}" height="{cy}"' if cx and cy else ""
        return f'<img class="pic" alt="图片" src="data:{_mime(blob)};base64,{data}"{size}>'


def _text_piece(child: Element) -> tuple[str, str] | None:
    """The HTML and the plain text of a run's text, tab, line break or hyphen."""
    if child.tag == T_T:
        text = child.text or ""
        return html.escape(text, quote=False), text
    return _PLAIN.get(child.tag)


def _formatted(fmt: Format | None, piece: str) -> str:
    if fmt is None:
        return piece
    bold, italic, underline = fmt
    if bold:
        piece = f"<b>{piece}</b>"
    if italic:
        piece = f"<i>{piece}</i>"
    if underline:
        piece = f"<u>{piece}</u>"
    return piece


def _picture_id(node: Element) -> str | None:
    """The relationship id of the picture in a w:drawing (DrawingML) or w:pict (VML)."""
    blip = next(node.iter(f"{{{A}}}blip"), None)
    rid = blip.get(f"{{{R}}}embed") if blip is not None else None
    if rid is None:
        vimg = next(node.iter(f"{{{V}}}imagedata"), None)
        rid = vimg.get(f"{{{R}}}id") if vimg is not None else None
    return rid


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
