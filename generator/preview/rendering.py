"""Rendering for the preview: the build's templates with stand-in charts, and their labels.

Documents render at once with a blank stand-in PNG for each chart (chartstore.stub_png); the
HTML shows the real chart by its key instead, or a placeholder when its inputs are missing. The
PDF waits for the real charts and writes the placeholders out as 【待填：字段】 before saving.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from generator.preview.chartstore import ChartRef, ChartStore, stub_png
from generator.read.placeholders import MARKER, Placeholder, Registry
from generator.render.docx import Image

_TEXT = etree._Element.text  # lxml's own: python-docx's elements redefine `text` to read it
KEEP_STUBS = 512  # stand-ins remembered, so that a document rendered earlier still finds them


def stand_ins(refs: Iterable[ChartRef]) -> tuple[dict[str, ChartRef], dict[str, Image]]:
    """The stand-in PNG of each chart: by the PNG's sha1 (to find it again), and by name."""
    stubs = {}
    images = {}
    for ref in refs:
        png = stub_png(ref.key)
        stubs[hashlib.sha1(png).hexdigest()] = ref
        images[ref.name] = Image(png)
    return stubs, images


def real_images(charts: ChartStore, refs: Iterable[ChartRef]) -> dict[str, Image]:
    """Every chart drawn (waiting for it); a chart that fails or cannot be drawn stays blank."""
    images = {}
    for ref in refs:
        future = charts.ensure(ref)
        png = stub_png(ref.key)
        if future is not None:
            with contextlib.suppress(Exception):
                png = future.result(timeout=120)
        images[ref.name] = Image(png)
    return images


class Labels:
    """The HTML of charts and placeholders in a document, and the PDF's written-out markers."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.stubs: dict[str, ChartRef] = {}  # sha1 of a stand-in PNG -> its chart

    def remember(self, stubs: dict[str, ChartRef]) -> None:
        self.stubs.update(stubs)
        while len(self.stubs) > KEEP_STUBS:
            self.stubs.pop(next(iter(self.stubs)))

    def _known(self, ids: Iterable[int]) -> list[Placeholder]:
        return [p for p in (self.registry.get(i) for i in ids) if p is not None]

    def image_html(self, blob: bytes, cx: int, cy: int) -> str | None:
        ref = self.stubs.get(hashlib.sha1(blob).hexdigest())
        if ref is None:
            return None
        size = f"width:{cx}px;height:{cy}px" if cx and cy else ""
        if ref.missing:
            inner = self.placeholder_html(list(ref.missing), "图表待填")
            return f'<span class="chart-missing" style="{size}">{inner}</span>'
        alt = html.escape(f"图{ref.number}：{ref.caption}")
        return (
            f'<img class="chart" data-chart="{ref.name}" alt="{alt}" '
            f'src="/chart/{ref.key}.png" style="{size}">'
        )

    def placeholder_html(self, ids: list[int], what: str = "待填") -> str:
        items = self._known(ids)
        if not items:
            return f'<mark class="ph" data-ph="{" ".join(map(str, ids))}">【{what}】</mark>'
        first = items[0]
        more = f" 等{len(items)}项" if len(items) > 1 else ""
        title = "\n".join(f"{p.file}:{p.line} {p.field}：{p.message}" for p in items)
        return (
            f'<mark class="ph" data-ph="{" ".join(str(p.id) for p in items)}" '
            f'title="{html.escape(title)}">【{what}：{html.escape(first.field)}{more}】</mark>'
        )

    def write_out(self, document: Any) -> None:
        """Write the markers of a rendered document (python-docx, in memory) out as
        【待填：字段】, in every part rendering fills (for the PDF)."""

        def label(match: re.Match[str]) -> str:
            items = self._known(int(i) for i in match.group(1).split(","))
            name = items[0].field if items else ""
            return f"【待填：{name}】" if name else "【待填】"

        for part in document.part.package.iter_parts():
            element = getattr(part, "element", None)
            if element is None:
                continue
            for node in element.iter():
                text = _TEXT.__get__(node)
                if text and "⟦" in text:
                    _TEXT.__set__(node, MARKER.sub(label, text))
