"""Rendering with warm templates: what generator.render.render_docx does, minus the repeats.

docxtpl spends most of a render preparing the template: reading the body XML, cleaning it
for Jinja (`patch_xml`) and compiling it. That depends only on the template file, so here it
is done once per version of the file and kept. Everything else is docxtpl's own `render`
(headers, footers, tables, ids) with the same Jinja environment, context and images as the
build; the result stays in memory (the HTML is read from it, no zip round trip). A test checks
that the saved result equals render_docx's, byte for byte.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from generator.errors import TemplateError
from generator.render import Image, _undefined, make_env, normalize_zip

_COMPILED: dict[tuple[str, int, int], jinja2.Template] = {}
_LOCK = threading.Lock()
_PARAGRAPH = re.compile(r"<w:p([ >])")
_PARAGRAPH_BACK = re.compile(r"\n<w:p([ >])")
_WHOLE_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's
_LISTING = re.compile("[\t\a\n\f]")  # the characters resolve_listing rewrites


class WarmTemplate(DocxTemplate):
    """A DocxTemplate whose body is prepared and compiled once per version of its file."""

    warm_key: tuple[str, int, int] | None = None

    def build_xml(self, context: Mapping[str, Any], jinja_env: jinja2.Environment | None = None
                  ) -> str:
        if self.warm_key is None or jinja_env is None:
            return super().build_xml(context, jinja_env)
        with _LOCK:
            compiled = _COMPILED.get(self.warm_key)
        if compiled is None:
            source = _PARAGRAPH.sub(r"\n<w:p\1", self.patch_xml(self.get_xml()))
            compiled = jinja_env.from_string(source)
            with _LOCK:
                if len(_COMPILED) > 32:
                    _COMPILED.clear()
                _COMPILED[self.warm_key] = compiled
        # as docxtpl's render_xml_part, from the rendering on
        self.current_rendering_part = self.docx._part
        xml = compiled.render(context)
        xml = _PARAGRAPH_BACK.sub(r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%") \
            .replace("%_}", "%}")
        return self.resolve_listing(xml)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's, run only on the paragraphs that hold a character it rewrites (the
        others it would return unchanged)."""
        if not _LISTING.search(xml):
            return xml
        resolve = super().resolve_listing
        return _WHOLE_PARAGRAPH.sub(
            lambda m: resolve(m.group(0)) if _LISTING.search(m.group(0)) else m.group(0), xml)


def render_document(template: Path, context: Mapping[str, Any],
                    images: Mapping[str, Image] | None = None) -> WarmTemplate:
    """Render like render_docx, but keep the result in memory (`.docx` is the Document)."""
    from docx.shared import Cm
    from docxtpl import InlineImage

    try:
        st = template.stat()
        tpl = WarmTemplate(str(template))
        tpl.warm_key = (str(template.resolve()), st.st_mtime_ns, st.st_size)
    except OSError as exc:
        raise TemplateError(f"无法打开模板 {template}：{exc}") from exc
    try:
        tpl.init_docx()
    except Exception as exc:  # noqa: BLE001 - as render_docx: the user's template to fix
        raise TemplateError(f"无法打开模板 {template}：{exc}") from exc
    pictures = {
        name: InlineImage(tpl, io.BytesIO(img.png), width=Cm(img.width_cm))
        for name, img in (images or {}).items()
    }
    full = {**context, "chart": pictures}
    try:
        tpl.render(full, make_env(), autoescape=True)
    except jinja2.UndefinedError as exc:
        message = f"模板 {template.name} 使用了数据中没有的变量：{_undefined(exc)}"
        raise TemplateError(message) from exc
    except jinja2.TemplateSyntaxError as exc:
        message = f"模板 {template.name} 第 {exc.lineno} 行语法错误：{exc.message}"
        raise TemplateError(message) from exc
    return tpl


def to_bytes(tpl: WarmTemplate) -> bytes:
    """The rendered document as .docx bytes, exactly as render_docx writes them."""
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalize_zip(buffer.getvalue())
