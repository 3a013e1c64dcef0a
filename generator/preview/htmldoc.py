"""A rendered .docx as HTML, in reading order: headings, paragraphs, tables, images.

Reads the WordprocessingML of the document directly (lxml, as python-docx does underneath):
paragraph styles give headings and indents (wordxml.py, htmlpara.py), `gridSpan` and `vMerge`
give the spans of table cells (htmltable.py), inline pictures become <img>. Markers of
placeholders (see generator/read/placeholders.py) become <mark> through `placeholder_html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.preview.htmlpara import ImageHtml, PlaceholderHtml
from generator.preview.htmltable import TableCache, TableConverter
from generator.preview.wordxml import T_P, T_TBL, Element, w

__all__ = [
    "HtmlDoc",
    "ImageHtml",
    "PlaceholderHtml",
    "TableCache",
    "block_converter",
    "document_to_html",
]


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


class _Converter(TableConverter):
    def body(self, node: Element, parts: list[str] | None = None) -> list[str]:
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

    def result(self, parts: list[str]) -> HtmlDoc:
        return HtmlDoc(parts, self.blocks, self.placeholders)


def document_to_html(
    document: Any,
    image_html: ImageHtml | None = None,
    placeholder_html: PlaceholderHtml | None = None,
    cache: TableCache | None = None,
    styles: Element | None = None,
) -> HtmlDoc:
    """Convert a python-docx Document in memory (no zip round trip) to HTML; `styles`: its
    word/styles.xml where the document's own part is not the real one (render.Rendered)."""
    part = document.part
    styles = document.styles.element if styles is None else styles

    def image_blob(rid: str) -> bytes | None:
        rel = part.rels.get(rid)
        if rel is None or rel.is_external:
            return None
        return getattr(rel.target_part, "blob", None)

    conv = _Converter(styles, image_blob, image_html, placeholder_html, cache=cache)
    return conv.result(conv.body(document.element.body))


def block_converter(
    styles: Element | None,
    image_blob: Callable[[str], bytes | None],
    image_html: ImageHtml | None = None,
    placeholder_html: PlaceholderHtml | None = None,
) -> _Converter:
    """A converter fed one top-level block at a time (`body(root_of_one_block, parts)`, in
    reading order): the HTML of those blocks is that of the body they make (fastdoc.py)."""
    return _Converter(styles, image_blob, image_html, placeholder_html, cache=None)
