"""Small WordprocessingML helpers: a .docx as parts, children kept in schema order, text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _names(text: str) -> list[str]:
    return text.split()


# Child order the schema requires (Word rejects some documents with children out of order).
PPR = _names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
)
RPR = _names(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
TRPR = _names(
    "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
    "tblCellSpacing jc hidden"
)
TCPR = _names(
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
    "vAlign hideMark"
)
SECTPR = _names(
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
    "docGrid printerSettings sectPrChange"
)
STYLE = _names(
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
    "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
    "tblStylePr"
)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def local(node: etree._Element) -> str:
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child(parent: etree._Element, qualified: str) -> etree._Element | None:
    """parent.find(qualified) for one qualified tag, without lxml's path machinery."""
    return next(parent.iterchildren(qualified), None)


def grandchild(parent: etree._Element, first: str, second: str) -> etree._Element | None:
    """parent.find("first/second") (qualified tags): the first `second` of any `first`."""
    for node in parent.iterchildren(first):
        for found in node.iterchildren(second):
            return found
    return None


_RANKS: dict[int, tuple[list[str], dict[str, int]]] = {}


def _ranks(order: list[str]) -> dict[str, int]:
    """Position of each tag in a schema order (kept per order list)."""
    known = _RANKS.get(id(order))
    if known is None or known[0] is not order:
        known = _RANKS[id(order)] = (order, {tag: i for i, tag in enumerate(order)})
    return known[1]


def ensure(parent: etree._Element, tag: str, order: list[str]) -> etree._Element:
    """The child `tag` of `parent`, created at its schema position when missing."""
    qualified = w(tag)
    found = child(parent, qualified)
    if found is not None:
        return found
    node = etree.Element(qualified)
    ranks = _ranks(order)
    rank = ranks.get(tag, len(order))
    for i, sibling in enumerate(parent):
        if ranks.get(local(sibling), -1) > rank:
            parent.insert(i, node)
            return node
    parent.append(node)
    return node


def remove(parent: etree._Element, tag: str) -> None:
    for node in parent.findall(w(tag)):
        parent.remove(node)


def properties(node: etree._Element, tag: str) -> etree._Element:
    """The properties child (`pPr`, `rPr`, `tcPr` …) of `node`, created first when missing."""
    qualified = w(tag)
    found = child(node, qualified)
    if found is None:
        found = etree.Element(qualified)
        node.insert(0, found)
    return found


def ppr(p: etree._Element) -> etree._Element:
    return properties(p, "pPr")


def rpr(r: etree._Element) -> etree._Element:
    return properties(r, "rPr")


def set_val(parent: etree._Element, tag: str, order: list[str], **attrs: str) -> etree._Element:
    node = ensure(parent, tag, order)
    for key, value in attrs.items():
        node.set(w(key), value)
    return node


_T, _TAB = f"{{{W_NS}}}t", f"{{{W_NS}}}tab"


def text_of(node: etree._Element) -> str:
    """The visible text of a paragraph, cell or row (tabs as spaces, no field codes)."""
    return "".join(" " if item.tag == _TAB else item.text or "" for item in node.iter(_T, _TAB))


_P, PPR_TAG, _PSTYLE_TAG = f"{{{W_NS}}}p", f"{{{W_NS}}}pPr", f"{{{W_NS}}}pStyle"
SECT_PR_TAG, _VAL = f"{{{W_NS}}}sectPr", f"{{{W_NS}}}val"


def section_of(p: etree._Element) -> etree._Element | None:
    """p.find("pPr/sectPr"): the section break a paragraph carries."""
    return grandchild(p, PPR_TAG, SECT_PR_TAG)


def style_node(p: etree._Element) -> etree._Element | None:
    """p.find("pPr/pStyle")."""
    return grandchild(p, PPR_TAG, _PSTYLE_TAG)


def style_of(p: etree._Element) -> str | None:
    node = style_node(p)
    return node.get(_VAL) if node is not None else None


def style_by_id(styles: etree._Element | None, style_id: str) -> etree._Element | None:
    """The style of a styles part with this styleId (None without one, or without styles)."""
    if styles is None:
        return None
    for style in styles.iterchildren(f"{{{W_NS}}}style"):
        if style.get(f"{{{W_NS}}}styleId") == style_id:
            return style
    return None


def styled(root: etree._Element, names: Iterable[str]) -> Iterator[etree._Element]:
    """The paragraphs within `root` whose style_of is one of `names`, in document order: found
    from the pStyle elements rather than by looking into every paragraph."""
    wanted = set(names)
    for node in root.iter(_PSTYLE_TAG):
        if node.get(_VAL) not in wanted:
            continue
        holder = node.getparent()
        p = holder.getparent()
        if holder.tag == PPR_TAG and p is not None and p.tag == _P and style_node(p) is node:
            yield p


def any_styled(root: etree._Element, names: Iterable[str]) -> bool:
    return next(styled(root, names), None) is not None


def has_content(p: etree._Element) -> bool:
    """Text, a picture, an object or a field: something a reader sees on the page."""
    if text_of(p).strip():
        return True
    visible = ("drawing", "pict", "object", "fldChar", "instrText", "sym")
    return any(local(n) in visible for n in p.iter())


def page_break_only(p: etree._Element) -> bool:
    """A paragraph holding nothing but page break(s)."""
    if local(p) != "p" or not any(br.get(w("type")) == "page" for br in p.iter(w("br"))):
        return False  # the usual paragraph: no page break, known without reading its text
    return not has_content(p) and section_of(p) is None


def is_empty(p: etree._Element) -> bool:
    if local(p) != "p" or has_content(p) or section_of(p) is not None:
        return False
    return not any(local(n) in ("br", "bookmarkStart") for n in p.iter())


class Parts:
    """A .docx held as its zip members, with XML parts parsed on demand."""

    def __init__(self, infos: list[zipfile.ZipInfo], raw: dict[str, bytes]):
        self.infos = infos
        self.raw = raw
        self.trees: dict[str, etree._Element] = {}

    def has(self, name: str) -> bool:
        return name in self.raw

    def tree(self, name: str) -> etree._Element:
        if name not in self.trees:
            self.trees[name] = etree.fromstring(self.raw[name])
        return self.trees[name]

    def names(self) -> Iterable[str]:
        return [info.filename for info in self.infos]

    def member_bytes(self, name: str) -> bytes:
        """The member as `write_parts` writes it: a parsed part serialised again, else raw."""
        if name in self.trees:
            return etree.tostring(
                self.trees[name], xml_declaration=True, encoding="UTF-8", standalone=True
            )
        return self.raw[name]


def read_parts(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        return Parts(infos, {i.filename: archive.read(i.filename) for i in infos})


def write_parts(parts: Parts) -> bytes:
    """The .docx again, members in their order, fixed timestamps: equal input, equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in parts.infos:
            name = info.filename
            data = parts.member_bytes(name)
            fixed = zipfile.ZipInfo(name, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            archive.writestr(fixed, data)
    return out.getvalue()
