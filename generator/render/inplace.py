"""The rendered body parsed once, as the whole document, instead of parsed alone and moved.

docxtpl's render parses the rendered body with a parser of its own (`fix_tables`, which also
mends tables whose rows have more cells than columns), then replaces the template's body with
that tree (`map_tree`). lxml re-links every node it moves from one document into another:
for a disclosure with a thousand 自评表 that move costs seconds. Here the rendered body is put
into the template's document *as text* (its root start tag, the rendered body, the rest) and
parsed once, with python-docx's element classes, by docxtpl's own `fix_tables` code (run with a
parser that has those classes); `install` then makes that tree the document part's element.
The serialised result is the same, byte for byte (tests/test_cache.py compares the two paths);
where the splice does not apply (a body start tag with declarations of its own that the root
lacks, an unexpected shape), docxtpl's path runs as it is.
"""

from __future__ import annotations

import re
import types
from typing import Any

from docx.oxml.parser import element_class_lookup
from lxml import etree

_DECLARATION = re.compile(r'\s+xmlns(?::([\w.-]+))?="([^"]*)"')
_BODY_START = re.compile(r"<w:body(?:\s[^>]*)?>|<w:body\s*/>")


class _Etree(types.SimpleNamespace):
    """What docxtpl's `fix_tables` calls of lxml.etree, with python-docx's parser."""


def _parser(**options: Any) -> etree.XMLParser:
    parser = etree.XMLParser(**options)
    parser.set_element_class_lookup(element_class_lookup)
    return parser


class Pieces:
    """The document as text in pieces, fed to the parser one after another and never joined
    (a long disclosure's body is tens of megabytes; a joined copy would be held beside it)."""

    CHUNK = 1 << 20

    def __init__(self, head: str, body: str, start: int, declared: dict, tail: str) -> None:
        self.head, self.body, self.start, self.tail = head, body, start, tail
        self.declared = declared

    def __iter__(self) -> Any:
        yield self.head + "<w:body>"
        start, body = self.start, self.body
        while start < len(body):  # cut before a "<": a piece never splits a tag
            end = body.find("<", start + self.CHUNK)
            end = len(body) if end < 0 else end
            yield _without_redundant(body[start:end], self.declared)
            start = end
        yield self.tail

    def __str__(self) -> str:
        return "".join(self)


def _fromstring(xml: Any, parser: etree.XMLParser | None = None) -> etree._Element:
    if not isinstance(xml, Pieces):
        return etree.fromstring(xml, parser)
    for piece in xml:
        parser.feed(piece)
    return parser.close()


_ETREE = _Etree(XMLParser=_parser, fromstring=_fromstring, SubElement=etree.SubElement)


def document_xml(root: etree._Element, body_xml: str) -> Pieces | None:
    """The document `root` (python-docx's CT_Document) with its body replaced by the rendered
    `body_xml`, as text in pieces; None where that cannot be done exactly."""
    match = _BODY_START.match(body_xml)
    if match is None or not body_xml.endswith("</w:body>"):
        return None
    start_tag = match.group(0)
    declared = dict(_DECLARATION.findall(start_tag))
    if any(root.nsmap.get(prefix or None) != uri for prefix, uri in declared.items()):
        return None
    if _DECLARATION.sub("", start_tag) != "<w:body>":  # attributes other than declarations
        return None
    shell = etree.tostring(root, encoding="unicode")
    found = list(_BODY_START.finditer(shell))
    if len(found) != 1:
        return None
    opening = found[0]
    if opening.group(0).endswith("/>"):
        end = opening.end()
    else:
        close = shell.rfind("</w:body>")
        if close < 0:
            return None
        end = close + len("</w:body>")
    return Pieces(shell[: opening.start()], body_xml, match.end(), root.nsmap, shell[end:])


_TAG_WITH_DECLARATION = re.compile(r"<[^<>]*\sxmlns[^<>]*>")


def _without_redundant(xml: str, declared: dict[str | None, str]) -> str:
    """Declarations inside the body that repeat the root's (the same prefix for the same URI)
    dropped, as lxml drops them when it moves a tree into a document that declares them.
    Only start tags are touched: text and attribute values never hold a raw `<` or `>`."""

    if "xmlns" not in xml:  # the usual piece: nothing declared inside the body
        return xml

    def tag(match: re.Match[str]) -> str:
        return _DECLARATION.sub(
            lambda d: "" if declared.get(d.group(1) or None) == d.group(2) else d.group(0),
            match.group(0),
        )

    return _TAG_WITH_DECLARATION.sub(tag, xml)


def fix_function() -> Any:
    """docxtpl's `fix_tables`, calling `_ETREE` for lxml.etree; None when it is not the plain
    function this relies on (then docxtpl's path runs)."""
    from docxtpl.template import DocxTemplate

    code = getattr(DocxTemplate.fix_tables, "__code__", None)
    original = DocxTemplate.fix_tables
    if code is None or original.__closure__ is not None or "etree" not in code.co_names:
        return None
    scope = {**original.__globals__, "etree": _ETREE}
    return types.FunctionType(code, scope, original.__name__, original.__defaults__)


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_SPAN = "w:tc/w:tcPr[1]/w:gridSpan[1]/@w:val"
_ODD_SPAN = etree.XPath(
    ".//w:tc/w:tcPr/w:gridSpan[not(@w:val) or @w:val = '' or translate(@w:val, '0123456789', '')]",
    namespaces=_NS,
)
_GRID = etree.XPath("w:tblGrid[1]", namespaces=_NS)
_COLUMNS = etree.XPath("count(w:gridCol)", namespaces=_NS)
_TOO_MANY = etree.XPath("boolean(.//w:tr[count(w:tc) > $n])", namespaces=_NS)
_FILLED = etree.XPath(
    f".//w:tr[count(w:tc[not(w:tcPr[1]/w:gridSpan)]) + sum({_SPAN}) >= $n]", namespaces=_NS
)


def fix_tables(template: Any, fix: Any, whole: Pieces | str) -> etree._Element:
    """docxtpl's `fix_tables` (`fix`, from fix_function) of the document `whole`: parsed with
    the parser it uses; its loop over the tables run only where it would change one (a row
    with more cells than the grid has columns, or no row as wide as the grid)."""
    tree = _fromstring(whole, _parser(recover=True))
    if tree.nsmap.get("w") != _NS["w"] or not all(map(_fits, tree.iter(f"{{{_NS['w']}}}tbl"))):
        return fix(template, whole)
    return tree


def _fits(tbl: etree._Element) -> bool:
    """What docxtpl's loop leaves as it is (its int() of each gridSpan: digits only here)."""
    grid = _GRID(tbl)
    if not grid or _ODD_SPAN(tbl):
        return False
    columns = int(_COLUMNS(grid[0]))
    return not _TOO_MANY(tbl, n=columns) and bool(_FILLED(tbl, n=columns))


def install(template: Any, root: etree._Element) -> bool:
    """Make `root` the document of `template` (its part's element and python-docx's Document);
    False, nothing changed, where this python-docx keeps them elsewhere."""
    document = template.docx
    part = document.part
    if not (hasattr(part, "_element") and hasattr(document, "_element")):
        return False
    old = (part._element, document._element)  # noqa: SLF001
    part._element = root  # noqa: SLF001 - python-docx keeps the part's tree here
    document._element = root  # noqa: SLF001
    if part.element is root and document.element is root:
        document._Document__body = None  # noqa: SLF001 - the cached body proxy of the old tree
        return True
    part._element, document._element = old  # noqa: SLF001
    return False


class XPathView:
    """A python-docx element seen with lxml's own `xpath` (python-docx's takes no namespaces
    argument), for docxtpl's `fix_docpr_ids`."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root

    def xpath(self, path: str, **options: Any) -> Any:
        return etree._Element.xpath(self.root, path, **options)  # noqa: SLF001
