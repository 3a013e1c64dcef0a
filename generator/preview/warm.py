"""Rendering with warm templates: generator.render.render_docx, kept in memory and minus repeats.

A render spends most of its time on what depends only on the template file: reading the body
XML, cleaning it for Jinja (`patch_xml`) and compiling it. Here that is done once per version
of the file (its path, mtime and size) and kept. docxtpl's own `resolve_listing` runs only on
the paragraphs holding a character it rewrites (it returns the others unchanged). Everything
else is the build's: the same template class, Jinja environment, context and images, and
docxtpl's `render` (headers, footers, tables, ids). The result stays in memory, so the HTML is
read from it without a zip round trip. A test checks that every part of the result equals what
render_docx writes, and an error is always reported by render_docx itself, word for word.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from generator import render as core
from generator.errors import TemplateError
from generator.render import Image

_COMPILED: dict[tuple[str, int, int], jinja2.Template] = {}
_LOCK = threading.Lock()
_PARAGRAPH = re.compile(r"<w:p([ >])")
_PARAGRAPH_BACK = re.compile(r"\n<w:p([ >])")
_WHOLE_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's
_LISTING = re.compile("[\t\a\n\f]")  # the characters resolve_listing rewrites


def _environment() -> jinja2.Environment:
    shared = getattr(core, "shared_env", None)
    return shared() if shared is not None else core.make_env()


@cache
def warm_class() -> type:
    """The build's template class (docxtpl's, or the one render.py derives from it), warmed."""
    from docxtpl import DocxTemplate

    factory = getattr(core, "_template_class", None)
    base = factory() if factory is not None else DocxTemplate

    class WarmTemplate(base):  # type: ignore[misc, valid-type]
        warm_key: tuple[str, int, int] | None = None

        def build_xml(self, context: Mapping[str, Any],
                      jinja_env: jinja2.Environment | None = None) -> str:
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
            if not _LISTING.search(xml):
                return xml
            resolve = super().resolve_listing
            return _WHOLE_PARAGRAPH.sub(
                lambda m: resolve(m.group(0)) if _LISTING.search(m.group(0)) else m.group(0),
                xml)

    return WarmTemplate


def _full_context(context: Mapping[str, Any], pictures: Mapping[str, Any]) -> dict[str, Any]:
    """The context render_docx gives the template: the charts, the dataset's house style (every
    filter prints through it) and the 第五部分 附表, each unless the caller gave its own."""
    full = {**context, "chart": pictures}
    if "style" not in full and "r" in full:
        full["style"] = full["r"].style
    if "annex_tables" not in full and "r" in full:
        try:
            from generator.annex import AnnexTables
        except ImportError:  # a build without the 附表
            pass
        else:
            full["annex_tables"] = AnnexTables(full["r"])
    return full


def render_document(template: Path, context: Mapping[str, Any],
                    images: Mapping[str, Image] | None = None) -> Any:
    """Render like render_docx, keeping the result in memory (its `.docx` is the Document)."""
    from docx.shared import Cm
    from docxtpl import InlineImage

    try:
        st = template.stat()
        tpl = warm_class()(str(template))
        tpl.warm_key = (str(template.resolve()), st.st_mtime_ns, st.st_size)
        pictures = {
            name: InlineImage(tpl, io.BytesIO(img.png), width=Cm(img.width_cm))
            for name, img in (images or {}).items()
        }
        full = _full_context(context, pictures)
        tpl.warm_fonts = getattr(full.get("style"), "fonts", None)
        tpl.render(full, _environment(), autoescape=True)
    except Exception as exc:  # noqa: BLE001 - the build says what is wrong, in its words
        core.render_docx(template, context, images)
        raise TemplateError(f"模板 {template.name} 无法生成：{exc}") from exc
    return tpl


def to_bytes(tpl: Any) -> bytes:
    """The rendered document as .docx bytes, typeset as render_docx typesets them."""
    buffer = io.BytesIO()
    tpl.save(buffer)
    data = core.normalize_zip(buffer.getvalue())
    typeset = getattr(core, "typeset_docx", None)
    return data if typeset is None else typeset(data, getattr(tpl, "warm_fonts", None))
