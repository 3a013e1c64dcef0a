"""第四部分's tables typeset where they were rendered, not again in the disclosure.

A disclosure of a thousand projects annexes a thousand 自评表: typesetting them inside it
meant one lxml tree of hundreds of MiB and seconds on one core at the end of the build. The
worker that renders a 自评表 or letter on its own already holds its body; there it also
typesets the body's top-level tables as the disclosure's typesetting would (the disclosure's
typeset styles and text width), and hands over the body with each of those tables replaced by
a stand-in: an empty table that carries a token. The disclosure renders and typesets that
small body, then puts each table's typeset XML where its stand-in is.

Why the bytes are the same as typesetting the whole document (tests/test_deferred.py, and
tests/test_cache.py against the plain path): every step of generator.render.typeset touches
a table's inside only from the table itself (fonts, widths, header rows, signatures), and
looks at a table from outside only as "a table" (the paragraphs kept with it, page breaks
before it, the Table Joint groups). A stand-in is a table to those steps, and has no grid,
rows or paragraphs for the others. A table is deferred only when nothing outside it could
depend on its inside: no heading or title paragraphs in it (restyle_annexes), no pictures
(the docPr numbering), no section break, no text docxtpl rewrites. What depends on the place
is checked where the stand-ins are placed (`check`): the same table context (the styles' sizes,
the faces, the Letter Date indent), the text width of the section each stand-in is in, every
stand-in a top-level table, grouped with the same Table Joint neighbours as where it was
rendered. Anything else raises Mismatch, and the document is filled the whole way instead.

The standalone 自评表 or letter itself is typeset the same way when its own context and width
are the disclosure's (the usual case): its tables are typeset once, for both documents
(`into_document`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from generator.render import fonts
from generator.render.ooxml import W_NS, any_styled, grandchild, section_of, w
from generator.render.typeset import (
    HEADINGS,
    keep_header_rows,
    section_width,
    table_widths,
    text_width,
)
from generator.render.typeset_letters import DATE, SIGNATURE, centre_signatures, style_indent
from generator.render.typeset_tables import Sizes, joined_groups, sizes_of, typeset_joined
from generator.write.diskcache import digest

Namespaces = dict[str | None, str]

_PREFIX = "generator-deferred-"
_REWRITTEN = re.compile(r"[\t\a\n\f]|\{_\{|\}_\}|\{_%|%_\}")  # what docxtpl's render rewrites
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_NOT_INSIDE = (f"{{{_WP}}}docPr", w("sectPr"))  # pictures renumbered; sections the document's
_READ_OUTSIDE = ("Title", *HEADINGS)  # restyle_annexes reads them in the document's order
_P = w("p")


class Mismatch(Exception):
    """The stand-ins do not sit where their tables were typeset for: fill the whole way."""


@dataclass(frozen=True)
class Placement:
    """Where the bodies go: the disclosure template (its typeset styles, for the preset of
    the report), the namespaces its root declares and its text width."""

    template: Path
    namespaces: Namespaces
    width: int
    nonce: str  # in every token (the build's: from the disclosure template's digest)


@dataclass
class Deferred:
    """An annexed body with its tables as stand-ins (`markup`), each table's typeset XML by
    token (`parts`, UTF-8), the Table Joint groups of tokens, and what they were typeset for."""

    markup: str
    parts: dict[str, bytes]
    groups: list[tuple[str, ...]]
    context: str  # table_context of the shell they were typeset with
    width: int
    nonce: str
    indexes: dict[str, int]  # token -> the table's place among the body's children


@dataclass
class Register:
    """The deferred tables of one disclosure, gathered as its template places the bodies."""

    parts: dict[str, bytes] = field(default_factory=dict)
    groups: set[tuple[str, ...]] = field(default_factory=set)
    made_for: set[tuple[str, int]] = field(default_factory=set)  # (table context, width)
    nonce: str = ""

    def add(self, deferred: Deferred) -> str:
        if self.nonce and deferred.nonce != self.nonce:
            raise Mismatch("nonce")
        self.nonce = deferred.nonce
        self.parts.update(deferred.parts)
        self.groups.update(deferred.groups)
        self.made_for.add((deferred.context, deferred.width))
        return deferred.markup

    def __bool__(self) -> bool:
        return bool(self.parts)


def template_width(document_xml: bytes, marker: str = "annex.") -> int:
    """The text width of the section of a template's main document where the paragraph
    naming `marker` (its first tag placing an annex) is; the last section's without one."""
    body = etree.fromstring(document_xml).find(w("body"))
    found = False
    for child in body:
        found = found or marker in "".join(child.itertext())
        sect = child if child.tag == w("sectPr") else section_of(child)
        if found and sect is not None:
            return section_width(sect)
    return text_width(body)


# --- the worker's side ------------------------------------------------------------------------


def defer(body: str, placement: Placement, shell: Any, serial: str) -> Deferred | str:
    """`body` (an annexed document's body, as generator.render.annexes.body_markup writes it
    for the disclosure) with its top-level tables typeset for the disclosure and left as
    stand-ins; the body itself where nothing can be deferred. `shell`: the disclosure
    template's (generator.render.docxfast.Shell); `serial`: unique among the year's annexes."""
    prefix = w_prefix(placement.namespaces)
    if prefix is None or _REWRITTEN.search(body):
        return body
    root = _parse(body, placement.namespaces, prefix)
    if root is None:
        return body
    holder = root.find(w("body"))
    groups = [g for g in joined_groups(holder) if _deferrable(g, holder)]
    if not groups:
        return body
    sizes = sizes_of(shell.styles)
    tokens: list[tuple[str, ...]] = []
    indexes = {}
    places = {tbl: i for i, tbl in enumerate(holder)}
    for g, group in enumerate(groups):
        typeset_group(group, shell, sizes, placement.width)
        names = tuple(f"{_PREFIX}{placement.nonce}-{serial}-{g}-{m}" for m in range(len(group)))
        for name, tbl in zip(names, group, strict=True):
            indexes[name] = places[tbl]
            tbl.addprevious(etree.Comment(name))
            tbl.addnext(etree.Comment(name))
        tokens.append(names)
    markup, parts = _cut(inner_markup(holder), prefix)
    if parts.keys() != indexes.keys():
        return body
    context = table_context(shell)
    return Deferred(markup, parts, tokens, context, placement.width, placement.nonce, indexes)


_CUT = re.compile(rf"<!--({_PREFIX}.+?)-->(.*?)<!--\1-->", re.DOTALL)  # no "--" in a comment


def _cut(xml: str, prefix: str) -> tuple[str, dict[str, bytes]]:
    """The body written once, each deferred table between two comments naming its token (data
    text cannot make a comment, nor a template hold the token): the markup with stand-ins in
    their places, and each table's XML as written inside the document."""
    parts: dict[str, bytes] = {}

    def stand(match: re.Match[str]) -> str:
        parts[match.group(1)] = match.group(2).encode("utf-8")
        return stand_in(match.group(1), prefix)

    return _CUT.sub(stand, xml), parts


def typeset_group(group: list[etree._Element], shell: Any, sizes: Sizes, width: int) -> None:
    """What typesetting a document does to the inside of these tables (one Table Joint group),
    in its order: the faces, the widths, the header rows, the signatures."""
    for tbl in group:
        fonts.apply_to_tree(tbl, shell.preset)
    typeset_joined(group, sizes, width)
    for tbl in group:
        keep_header_rows(tbl)
        if any_styled(tbl, (SIGNATURE,)):
            centre_signatures(tbl, shell.styles)


_CONTEXTS: dict[str, str] = {}


def table_context(shell: Any) -> str:
    """What typesetting a table's inside reads from its document's typeset styles and preset:
    the font size of every paragraph style, the faces, the Letter Date indent. Equal for two
    shells, a table typesets the same in documents of either (tests/test_deferred.py)."""
    known = _CONTEXTS.get(shell.key)
    if known is None:
        sizes = sizes_of(shell.styles)
        resolved = sorted((str(k), sizes.of(k)) for k in sizes.sizes)
        date = style_indent(shell.styles, DATE)
        indent = sorted(date.attrib.items()) if date is not None else None
        known = digest(repr((resolved, sizes.default, shell.preset, indent)))
        _CONTEXTS[shell.key] = known
    return known


def stand_in(token: str, prefix: str, declare: bool = False) -> str:
    """The stand-in's XML as it is written inside the disclosure (with `declare`, declaring
    its prefix, to be parsed alone)."""
    p = prefix
    declared = f' xmlns:{p}="{W_NS}"' if declare else ""
    return (
        f'<{p}:tbl{declared}><{p}:tblPr><{p}:tblCaption {p}:val="{token}"/></{p}:tblPr>'
        f"<{p}:tblGrid/></{p}:tbl>"
    )


def w_prefix(namespaces: Mapping[str | None, str]) -> str | None:
    """The prefix `namespaces` give WordprocessingML (None where it is the default one)."""
    found = [prefix for prefix, uri in namespaces.items() if uri == W_NS and prefix]
    return found[0] if found else None


def _parse(body: str, namespaces: Namespaces, prefix: str) -> etree._Element | None:
    """The body inside a document root declaring `namespaces` (as in the disclosure)."""
    declared = " ".join(
        f'xmlns:{name}="{uri}"' if name else f'xmlns="{uri}"' for name, uri in namespaces.items()
    )
    root, holder = f"{prefix}:document", f"{prefix}:body"
    text = f"<{root} {declared}><{holder}>{body}</{holder}></{root}>"
    try:
        return etree.fromstring(text)
    except etree.XMLSyntaxError:
        return None


def _deferrable(group: list[etree._Element], holder: etree._Element) -> bool:
    """Tables of the body itself, whose inside nothing outside them reads (see the module)."""
    for tbl in group:
        if tbl.getparent() is not holder or tbl.tail:
            return False
        if next(tbl.iter(*_NOT_INSIDE), None) is not None:
            return False
        if any_styled(tbl, _READ_OUTSIDE):
            return False
    return True


def inner_markup(element: etree._Element) -> str:
    """The element's children as written inside it (no namespace declarations of their own:
    the element's start tag carries them)."""
    xml = etree.tostring(element, encoding="unicode")
    if xml.endswith("/>"):
        return ""
    return xml[xml.index(">") + 1 : xml.rindex("</")]  # ">" in attributes is &gt;


def into_document(body: etree._Element, made: Deferred, prefix: str) -> Register:
    """The filled document `made` was deferred from, its deferred tables replaced in `body`
    by their stand-ins: the register that puts them back when it is saved."""
    children = list(body)
    for token, index in made.indexes.items():
        tbl = children[index] if index < len(children) else None
        if tbl is None or tbl.tag != w("tbl"):
            raise Mismatch("place")
        _become_stand_in(tbl, token, prefix)
    register = Register()
    register.add(made)
    return register


def _become_stand_in(tbl: etree._Element, token: str, prefix: str) -> None:
    """The table emptied into its stand-in where it is (detaching a table from its document
    costs more than freeing it)."""
    made = etree.fromstring(stand_in(token, prefix, declare=True))
    if tbl.prefix != prefix:  # WordprocessingML under two prefixes: the stand-in as written
        tbl.addprevious(made)
        tbl.getparent().remove(tbl)
        return
    tbl.clear()  # its attributes, rows and tail: as if it were removed
    tbl.extend(list(made))


# --- where the stand-ins are placed -----------------------------------------------------------


def check(document: etree._Element, register: Register, shell: Any) -> None:
    """Raise Mismatch unless every stand-in in the typeset `document` is where its table was
    typeset for (see the module)."""
    body = document.find(w("body"))
    if len(register.made_for) != 1 or next(iter(register.made_for))[0] != table_context(shell):
        raise Mismatch("styles")
    width = next(iter(register.made_for))[1]
    widths = table_widths(body)
    if any(widths[tbl] != width for tbl in _stand_ins(body, register.nonce)):
        raise Mismatch("width")
    seen = 0
    for group in joined_groups(body):
        names = tuple(_token(tbl, register.nonce) for tbl in group)
        if any(names):
            if names not in register.groups:
                raise Mismatch("groups")
            seen += len(names)
    if seen != len(_stand_ins(body, register.nonce)):
        raise Mismatch("nested")


def splice(xml: bytes, register: Register, prefix: str) -> bytes:
    """The typeset document's bytes with each stand-in replaced by its table."""
    pattern = re.compile(re.escape(stand_in("@@", prefix)).replace("@@", r"([^\"]+)").encode())
    parts = register.parts

    def table(match: re.Match[bytes]) -> bytes:
        found = parts.get(match.group(1).decode())
        if found is None:
            raise Mismatch("token")
        return found

    out = pattern.sub(table, xml)
    if (_PREFIX + register.nonce).encode() in out:
        raise Mismatch("left")
    return out


def _token(tbl: etree._Element, nonce: str) -> str | None:
    caption = grandchild(tbl, w("tblPr"), w("tblCaption"))
    value = caption.get(w("val")) if caption is not None else None
    return value if value is not None and value.startswith(_PREFIX + nonce) else None


def _stand_ins(body: etree._Element, nonce: str) -> list[etree._Element]:
    return [tbl for tbl in body.iter(w("tbl")) if _token(tbl, nonce) is not None]
