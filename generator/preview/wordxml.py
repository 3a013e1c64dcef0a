"""The WordprocessingML that the HTML converter reads: tag names and resolved paragraph styles.

Styles are read from word/styles.xml (lxml, as python-docx does underneath): each style's own
alignment, indents, bold and size, merged over the chain of styles it is based on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V = "urn:schemas-microsoft-com:vml"
TWIPS_PER_PT = 20

Element = Any  # an lxml element (lxml ships no type hints)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


T_P, T_R, T_T, T_TAB, T_BR, T_CR = w("p"), w("r"), w("t"), w("tab"), w("br"), w("cr")
T_PPR, T_RPR, T_PSTYLE, T_VAL, T_TYPE = w("pPr"), w("rPr"), w("pStyle"), w("val"), w("type")
T_DRAWING, T_PICT, T_NBH, T_DEL = w("drawing"), w("pict"), w("noBreakHyphen"), w("del")
T_TBL, T_TR, T_TC, T_TCPR = w("tbl"), w("tr"), w("tc"), w("tcPr")
T_B, T_I, T_U, T_JC, T_IND = w("b"), w("i"), w("u"), w("jc"), w("ind")
T_GRIDSPAN, T_VMERGE = w("gridSpan"), w("vMerge")

HEADINGS = {
    "title": "h1",
    "heading 1": "h2",
    "heading 2": "h3",
    "heading 3": "h4",
    "heading 4": "h5",
    "heading 5": "h6",
    "heading 6": "h6",
}
ALIGN = {
    "center": "center",
    "right": "right",
    "end": "right",
    "both": "justify",
    "distribute": "justify",
    "left": "left",
    "start": "left",
}


@dataclass(frozen=True)
class Style:
    name: str
    align: str | None
    indent_pt: float | None
    indent_chars: float | None
    left_pt: float | None
    bold: bool | None
    size_pt: float | None


class Styles:
    """The paragraph styles of a document, each resolved along its `basedOn` chain once."""

    def __init__(self, root: Element | None) -> None:
        self.raw: dict[str, tuple[str, str | None, Style]] = {}
        self.default = ""
        self._resolved: dict[str, Style] = {}
        if root is None:
            return
        for node in root.iter(w("style")):
            sid = node.get(w("styleId")) or ""
            name_node = node.find(w("name"))
            name = name_node.get(w("val")) if name_node is not None else sid
            based = node.find(w("basedOn"))
            own = props(node.find(w("pPr")), node.find(w("rPr")), name or sid)
            self.raw[sid] = (name or sid, based.get(w("val")) if based is not None else None, own)
            if node.get(w("type")) == "paragraph" and node.get(w("default")) in ("1", "true"):
                self.default = sid

    def get(self, sid: str | None) -> Style:
        sid = sid or self.default
        if sid not in self._resolved:
            self._resolved[sid] = self._resolve(sid)
        return self._resolved[sid]

    def _resolve(self, sid: str) -> Style:
        chain = []
        seen = set()
        cur: str | None = sid
        while cur and cur in self.raw and cur not in seen:
            seen.add(cur)
            chain.append(self.raw[cur][2])
            cur = self.raw[cur][1]
        name = chain[0].name if chain else ""
        merged = Style(name, None, None, None, None, None, None)
        for st in reversed(chain):  # the base first, each derived style over it
            merged = Style(
                name,
                st.align or merged.align,
                st.indent_pt if st.indent_pt is not None else merged.indent_pt,
                st.indent_chars if st.indent_chars is not None else merged.indent_chars,
                st.left_pt if st.left_pt is not None else merged.left_pt,
                st.bold if st.bold is not None else merged.bold,
                st.size_pt or merged.size_pt,
            )
        return merged


_KNOWN: dict[int, tuple[Element, Styles]] = {}  # id of a styles.xml root -> (root, its Styles)


def styles_of(root: Element | None) -> Styles:
    """The Styles of a styles.xml root, made once per root (the build keeps one per template
    file; a root is not changed once read)."""
    if root is None:
        return Styles(None)
    known = _KNOWN.get(id(root))
    if known is not None and known[0] is root:
        return known[1]
    styles = Styles(root)
    if len(_KNOWN) >= 16:
        _KNOWN.clear()
    _KNOWN[id(root)] = (root, styles)
    return styles


def props(ppr: Element | None, rpr: Element | None, name: str) -> Style:
    """The formatting that a pPr and an rPr set themselves (None where they set nothing)."""
    align = indent = chars = left = None
    bold = size = None
    if ppr is not None:
        jc = ppr.find(w("jc"))
        if jc is not None:
            align = jc.get(w("val"))
        ind = ppr.find(w("ind"))
        if ind is not None:
            indent, chars, left = _indents(ind)
    if rpr is not None:
        bold = on(rpr.find(w("b")))
        sz = rpr.find(w("sz"))
        if sz is not None and sz.get(w("val"), "").isdigit():
            size = int(sz.get(w("val"))) / 2
    return Style(name, align, indent, chars, left, bold, size)


def _indents(ind: Element) -> tuple[float | None, float | None, float | None]:
    """First-line indent (pt), first-line indent (characters) and left indent (pt) of w:ind."""
    indent = chars = left = None
    if ind.get(w("firstLine")) is not None:
        indent = int(ind.get(w("firstLine"))) / TWIPS_PER_PT
    if ind.get(w("hanging")) is not None:
        indent = -int(ind.get(w("hanging"))) / TWIPS_PER_PT
    if ind.get(w("firstLineChars")) is not None:
        chars = int(ind.get(w("firstLineChars"))) / 100
    start = ind.get(w("left")) or ind.get(w("start"))
    if start is not None:
        left = int(start) / TWIPS_PER_PT
    return indent, chars, left


def on(node: Element | None) -> bool | None:
    """A toggle property: None when absent, else whether its w:val leaves it on."""
    if node is None:
        return None
    return node.get(w("val"), "true") not in ("0", "false", "off")


@lru_cache(maxsize=64)
def css_class(style_name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", style_name.lower()).strip("-")
    return f"s-{slug}" if slug else ""
