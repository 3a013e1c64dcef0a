"""A document's HTML for the preview, fast: the build's template filled the build's way, its
body converted block by block, an unchanged block kept from the last rendering.

The build fills a template with docxtpl's `render()` (generator.render.docx.fill_template): the
body's Jinja code (`build_xml`), then the whole filled body parsed again (`fix_tables`), its
drawings renumbered, the tree moved into the package (`map_tree`), then the headers, footers,
core properties and footnotes. For the disclosure of data/2023 (1.7 MB of XML) the parsing and
the move are most of the time, and the HTML needs neither: it is made from the body alone.

Here the template is filled by the same steps up to the filled body's XML, and the headers,
footers, properties and footnotes are filled too (a template that fails fails here as in the
build); the annexes come from generator.preview.annexmemo. The filled body is then cut into its
top-level blocks (paragraphs, tables) at their tags. A block whose XML and place are those of
the last rendering (with the same styles) keeps its HTML; the others are parsed on their own,
inside the body's own start tag (its namespaces), strictly, tables through docxtpl's
`fix_tables` as it treats them (one table at a time), and converted (htmldoc). Blocks showing
a chart or a placeholder are converted every time (their labels come from outside the XML).

The result is the HTML of the whole body parsed at once: each block is a well-formed element
with only white space between them, and the conversion reads one top-level element at a time.
Anything else (a block that does not parse alone, text between blocks, an error) raises
`Unusual` or the template's error, and the engine renders the document the build's way
(generator.write.scheduler.fill_job) and converts it whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from lxml import etree

from generator.preview.annexmemo import AnnexMemo, MemoAnnexes
from generator.preview.htmldoc import HtmlDoc, ImageHtml, PlaceholderHtml, block_converter
from generator.render.docx import Image

VOLATILE = ("\u27e6", "NaN", "<w:drawing", "<w:pict")  # labels from outside the XML
BODY_END = "</w:body>"
_START = re.compile(r"\s*<(w:[A-Za-z]+)(?=[\s/>])")
_OPEN_P = re.compile(r"<w:p[ >]")
LISTING = "\t\a\n\f"  # the characters docxtpl's resolve_listing rewrites
_PARSER = etree.XMLParser()  # strict, and with fix_tables' limits (no huge_tree)


class Unusual(Exception):
    """The filled body is not one this conversion knows to be safe: convert it whole."""


Converted = tuple[list[str], list[tuple[str, str]]]  # a block's parts and its blocks' texts


@dataclass
class BlockCache:
    """The HTML of the blocks of a document's last rendering, by place and XML, and the styles
    they were converted with (other styles: nothing is kept)."""

    items: dict[tuple[int, str], Converted] = field(default_factory=dict)
    styles: Any = None
    hits: int = 0
    converted: int = 0


@dataclass
class Filled:
    """A template filled up to its body's XML."""

    tpl: Any
    xml: str
    styles: Any


def fill_body(
    template: Path,
    context: Mapping[str, Any],
    images: Mapping[str, Image] | None,
    memo: AnnexMemo,
) -> Filled:
    """generator.render.docx.fill_template up to the filled body (see the module)."""
    from docxtpl import DocxTemplate

    from generator.render.docx import Rendered, open_template, shared_env

    opened = open_template(
        template, context, images,
        annexes=lambda full, dirs, namespaces: MemoAnnexes(full, dirs, memo, namespaces),
    )  # fmt: skip
    tpl, full = opened.tpl, opened.context
    env = shared_env()
    env.autoescape = True  # as docxtpl's render(autoescape=True)
    tpl.render_init()
    own = partial(DocxTemplate.resolve_listing, tpl)  # docxtpl's, on one paragraph
    tpl.resolve_listing = partial(resolve_listing, resolve=own)
    xml = tpl.build_xml(full, env)
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _ in tpl.build_headers_footers_xml(full, uri, env):
            pass
    tpl.render_properties(full, env)
    tpl.render_footnotes(full, env)
    styles = Rendered(tpl, opened.entry, opened.preset).styles
    return Filled(tpl, xml, styles)


def resolve_listing(xml: str, resolve: Callable[[str], str]) -> str:
    """docxtpl's `resolve_listing(xml)`, which applies itself to every match of
    `<w:p(?: [^>]*)?>.*?</w:p>` (left to right) and changes only those holding one of LISTING:
    here `resolve` (docxtpl's) is applied to just those matches, found from the characters.

    The match holding a character at `i`, if any, starts at the first `<w:p ` or `<w:p>` after
    the last `</w:p>` before `i` (a match ends at the first `</w:p>` after its start tag, so no
    match runs over that one, and the scan resumes right after it) and ends after the first
    `</w:p>` that follows its start tag."""
    found = sorted(i for ch in LISTING for i in _positions(xml, ch))
    if not found:
        return xml
    out = []
    done = 0  # xml[:done] is in `out`
    for i in found:
        if i < done:
            continue
        close = xml.rfind("</w:p>", 0, i)
        opening = _OPEN_P.search(xml, close + 6 if close >= 0 else 0)
        if opening is None or opening.start() > i:
            continue
        start = opening.start()
        tag_end = xml.find(">", start)
        end = xml.find("</w:p>", tag_end + 1) if tag_end >= 0 else -1
        if end < 0:  # no match here, nor further on
            continue
        end += 6
        out += [xml[done:start], resolve(xml[start:end])]
        done = end
    out.append(xml[done:])
    return "".join(out)


def _positions(text: str, ch: str) -> list[int]:
    found = []
    i = text.find(ch)
    while i >= 0:
        found.append(i)
        i = text.find(ch, i + 1)
    return found


def split_body(xml: str) -> tuple[str, list[str]]:
    """The body's start tag and its top-level blocks, cut at their tags (Unusual otherwise)."""
    if not xml.startswith("<w:body") or not xml.endswith(BODY_END):
        raise Unusual("no body")
    head_end = xml.find(">") + 1
    if head_end <= 0 or xml[head_end - 2] == "/":
        raise Unusual("empty body")
    end = len(xml) - len(BODY_END)
    pieces = []
    pos = head_end
    while True:
        m = _START.match(xml, pos)
        if m is None:
            if xml[pos:end].strip():
                raise Unusual("text between blocks")
            return xml[:head_end], pieces
        start = m.start(1) - 1
        stop = _element_end(xml, start, m.group(1))
        if stop > end:
            raise Unusual("block past the body")
        pieces.append(xml[start:stop])
        pos = stop


@lru_cache(maxsize=64)
def _tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])")


def _element_end(xml: str, start: int, name: str) -> int:
    """The end of the element `name` starting at `start`: its tags counted, nested ones too."""
    pattern = _tag(name)
    depth = 0
    pos = start
    while True:
        m = pattern.search(xml, pos)
        if m is None:
            raise Unusual("unclosed block")
        gt = xml.find(">", m.end())
        if gt < 0:
            raise Unusual("unclosed tag")
        if m.group(1):
            depth -= 1
            if depth == 0:
                return gt + 1
        elif xml[gt - 1] != "/":
            depth += 1
        elif depth == 0:
            return gt + 1
        pos = gt + 1


def body_html(
    filled: Filled,
    image_html: ImageHtml | None,
    placeholder_html: PlaceholderHtml | None,
    cache: BlockCache,
) -> HtmlDoc:
    """The HTML of the filled body, block by block (see the module); `cache` is updated."""
    head, pieces = split_body(filled.xml)
    part = filled.tpl.docx.part

    def image_blob(rid: str) -> bytes | None:
        rel = part.rels.get(rid)
        if rel is None or rel.is_external:
            return None
        return getattr(rel.target_part, "blob", None)

    conv = block_converter(filled.styles, image_blob, image_html, placeholder_html)
    if cache.styles is not filled.styles:  # another template file (or the plain path)
        cache.items, cache.styles = {}, filled.styles
    parts: list[str] = []
    kept: dict[tuple[int, str], Converted] = {}
    for piece in pieces:
        volatile = any(v in piece for v in VOLATILE)
        key = (len(parts), piece)
        hit = None if volatile else cache.items.get(key)
        if hit is not None:
            cache.hits += 1
            parts.extend(hit[0])
            conv.blocks.extend(hit[1])
            kept[key] = hit
            continue
        root = _parse(filled.tpl, head, piece)
        first, blocks = len(parts), len(conv.blocks)
        conv.body(root, parts)
        cache.converted += 1
        if not volatile:
            kept[key] = (parts[first:], conv.blocks[blocks:])
    cache.items = kept
    return conv.result(parts)


def _parse(tpl: Any, head: str, piece: str) -> Any:
    """One block inside the body's start tag, parsed strictly; tables through docxtpl's own
    fix_tables (the build's template may do the same another way, on the whole document)."""
    from docxtpl import DocxTemplate

    wrapped = head + piece + BODY_END
    try:
        root = etree.fromstring(wrapped, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unusual(f"block does not parse: {exc}") from exc
    if "<w:tbl" in piece:
        fixed = DocxTemplate.fix_tables(tpl, wrapped)
        if fixed.tag != root.tag or len(fixed) != len(root):
            raise Unusual("fix_tables gave another tree")
        root = fixed
    return root
