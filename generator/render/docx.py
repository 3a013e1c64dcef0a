"""Fill the Word templates (docxtpl) with the derived report; strict about every variable."""

from __future__ import annotations

import io
import marshal
import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.errors import TemplateError
from generator.model.scoring import score_lines
from generator.present.wording import FILTERS, FUNCTIONS
from generator.render import inplace
from generator.render.deferred import Mismatch, Register
from generator.render.tags import rewrite_tags
from generator.render.typeset import typeset_docx
from generator.write import diskcache

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class _CachingEnvironment(jinja2.Environment):
    """Compiles each distinct template source once per process (docxtpl asks every render),
    and keeps the compiled code in the disk cache for the next processes."""

    def from_string(self, source, globals=None, template_class=None):  # type: ignore[override]
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        cache = self.__dict__.setdefault("_compiled", {})
        if source not in cache:
            code = self._cached_code(source)
            cache[source] = self.template_class.from_code(self, code, self.make_globals(None))
        return cache[source]

    def _cached_code(self, source: str) -> Any:
        key = diskcache.digest(source, self._code_key())
        data = diskcache.load("jinja", key)
        if data is not None:
            try:
                return marshal.loads(data)
            except (ValueError, EOFError, TypeError):
                pass
        code = self.compile(source)
        diskcache.store("jinja", key, marshal.dumps(code))
        return code

    def _code_key(self) -> str:
        """What the compiled code depends on besides the source: versions and the names the
        environment knows."""
        names = (sorted(self.filters), sorted(self.tests), self.autoescape, sys.version)
        return f"{jinja2.__version__}|{names!r}"


def make_env() -> jinja2.Environment:
    """The Jinja environment of every template: unknown names fail, text is XML-escaped."""
    env = _CachingEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    env.filters["score_rows"] = score_lines
    env.globals.update(FUNCTIONS)
    return env


_ENV: jinja2.Environment | None = None
_PATCHED: dict[str, str] = {}


def shared_env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = make_env()
    return _ENV


def _template_class() -> type:
    from docxtpl import DocxTemplate

    class CachedTemplate(DocxTemplate):
        """docxtpl's template with its XML clean-up done once per distinct source."""

        def patch_xml(self, src_xml: str) -> str:
            if src_xml not in _PATCHED:
                _PATCHED[src_xml] = self._cached_patch(src_xml)
            return _PATCHED[src_xml]

        def _cached_patch(self, src_xml: str) -> str:
            import docxtpl

            code = diskcache.source_fingerprint("render/docx.py", "render/tags.py")
            key = diskcache.digest(src_xml, code, docxtpl.__version__)
            data = diskcache.load("patched", key)
            if data is not None:
                return data.decode("utf-8")
            patched = rewrite_tags(super().patch_xml(src_xml))
            diskcache.store("patched", key, patched.encode("utf-8"))
            return patched

        def build_xml(self, context: Any, jinja_env: Any = None) -> str:
            xml = super().build_xml(context, jinja_env)
            annex = context.get("annex") if hasattr(context, "get") else None
            if hasattr(annex, "release"):
                annex.release()
            return xml

        def fix_tables(self, xml: str) -> Any:
            """docxtpl's, on the whole document parsed once (generator.render.inplace); the
            stock way on the plain path and wherever the splice does not apply."""
            fix = None if plain_render() else inplace.fix_function()
            if fix is not None:
                whole = inplace.document_xml(self.docx._element, xml)  # noqa: SLF001
                tree = inplace.fix_tables(self, fix, whole) if whole is not None else None
                if tree is not None and getattr(tree, "body", None) is not None:
                    return tree  # python-docx's classes: the parser was ours
            return super().fix_tables(xml)

        def fix_docpr_ids(self, tree: Any) -> None:
            super().fix_docpr_ids(inplace.XPathView(tree) if tree.tag == _DOCUMENT else tree)

        def map_tree(self, tree: Any) -> None:
            if tree.tag != _DOCUMENT:
                super().map_tree(tree)
            elif not inplace.install(self, tree):
                super().map_tree(tree.body)  # docxtpl's move, of the body parsed in place

        def resolve_listing(self, xml: str) -> str:
            """docxtpl's, run only on the paragraphs holding a character it rewrites (it
            returns the others unchanged): the same XML, without a pass over every run."""
            if not _LISTING.search(xml):
                return xml
            resolve = super().resolve_listing
            return _WHOLE_PARAGRAPH.sub(
                lambda m: resolve(m.group(0)) if _LISTING.search(m.group(0)) else m.group(0), xml
            )

    return CachedTemplate


_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"
_STYLES: dict[str, Any] = {}  # the styles of each template file (by content), for Rendered
_WHOLE_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's
_LISTING = re.compile("[\t\a\n\f]")  # the characters docxtpl's resolve_listing rewrites


@dataclass(frozen=True)
class Image:
    """A PNG to place in a document, with its printed width in centimetres."""

    png: bytes
    width_cm: float = 15.0


class Rendered:
    """A filled template kept in memory (`fill_template`): `docx` is its
    python-docx Document and `styles` the template's styles (the live preview reads its HTML
    from them); `to_bytes()` gives the .docx that render_docx returns."""

    def __init__(
        self, tpl: Any, entry: Any, preset: str | None, register: Register | None = None
    ) -> None:
        self.tpl = tpl
        self.entry = entry  # docxfast's entry of the template (None: the plain path)
        self.preset = preset
        self.register = register or None  # tables typeset elsewhere (render.deferred)

    @property
    def docx(self) -> Any:
        return self.tpl.docx

    @property
    def styles(self) -> Any:
        """word/styles.xml of the template (an lxml element): the rendered copy's styles are
        empty stubs on the fast path, so they are read from the template file, once."""
        if self.entry is None:
            return self.tpl.docx.styles.element
        styles = _STYLES.get(self.entry.digest)
        if styles is None:
            from lxml import etree

            with zipfile.ZipFile(io.BytesIO(self.entry.data)) as archive:
                styles = etree.fromstring(archive.read("word/styles.xml"))
            if len(_STYLES) >= 16:
                _STYLES.clear()
            _STYLES[self.entry.digest] = styles
        return styles

    def to_bytes(self, release: bool = False) -> bytes:
        """The .docx bytes, typeset (deterministic: fixed zip timestamps). With `release`,
        the rendered document's tree is let go as soon as it is serialised (a 1000-project
        disclosure's tree is hundreds of MiB); the Rendered is spent then."""
        from generator.render import docxfast

        if self.entry is not None:  # the same bytes as below, without redoing shared parts
            return docxfast.save_fast(self.tpl, self.entry, self.preset, release, self.register)
        if self.register:
            raise Mismatch("plain")
        buffer = io.BytesIO()
        with _fixed_zip_times() as patched:
            self.tpl.save(buffer)
        data = buffer.getvalue() if patched else normalize_zip(buffer.getvalue())
        return typeset_docx(data, self.preset)  # 公文 typesetting


def render_docx(
    template: Path, context: Mapping[str, Any], images: Mapping[str, Image] | None = None
) -> bytes:
    """Render one template to .docx bytes (deterministic: fixed zip timestamps)."""
    return fill_template(template, context, images).to_bytes(release=True)


AnnexFactory = Callable[[dict[str, Any], tuple[Path, ...] | None, Any], Any]


@dataclass
class Opened:
    """A template opened for filling: docxtpl's template, docxfast's entry (None on the plain
    path) and the full context its tags see."""

    tpl: Any
    entry: Any
    context: dict[str, Any]

    @property
    def preset(self) -> str | None:
        return getattr(self.context.get("style"), "fonts", None)


def open_template(
    template: Path, context: Mapping[str, Any], images: Mapping[str, Image] | None = None,
    annex_bodies: Mapping[Any, str] | None = None, annexes: AnnexFactory | None = None,
) -> Opened:  # fmt: skip
    """The template opened and its context completed as every fill sees it: the charts as
    pictures, the house style, 第五部分's tables, 第四部分's annexes (made by `annexes`, given
    the context, the template folders and the namespaces the template declares; by default
    generator.render.annexes.Annexes with `annex_bodies`)."""
    from docx.shared import Cm
    from docxtpl import InlineImage

    from generator.render import docxfast

    plain = plain_render()
    try:
        entry = None if plain else docxfast.template_entry(template)
        tpl = _template_class()(str(template) if entry is None else docxfast.open_lean(entry))
        if entry is not None:
            tpl.docx = docxfast.fresh_document(entry)  # docxtpl renders it (not opened again)
    except Exception as exc:  # noqa: BLE001 - any unreadable template is the user's to fix
        raise TemplateError(f"无法打开模板 {template}：{exc}") from exc
    pictures = {
        name: InlineImage(tpl, io.BytesIO(img.png), width=Cm(img.width_cm))
        for name, img in (images or {}).items()
    }
    full = {**context, "chart": pictures}
    if "style" not in full and "r" in full:  # the dataset's house style prints every figure
        full["style"] = full["r"].style
    if "annex_tables" not in full and "r" in full:  # 第五部分 附表, drawn only where printed
        from generator.present.annex import AnnexTables

        full["annex_tables"] = AnnexTables(full["r"])
    if "annex" not in full and "r" in full:  # 第四部分 附件: the letter and table templates
        namespaces = entry.namespaces if entry is not None else None
        if annexes is None:
            from generator.render.annexes import Annexes

            full["annex"] = Annexes(full, full.get("template_dirs"), annex_bodies, namespaces)
        else:
            full["annex"] = annexes(full, full.get("template_dirs"), namespaces)
    return Opened(tpl, entry, full)


def fill_template(
    template: Path, context: Mapping[str, Any], images: Mapping[str, Image] | None = None,
    annex_bodies: Mapping[Any, str] | None = None,
) -> Rendered:  # fmt: skip
    """Render one template, kept in memory: its bytes on demand (render_docx), its document
    for whoever reads it there (the live preview's HTML). `annex_bodies`: the annexed
    documents already rendered on their own (generator.render.annexes)."""
    opened = open_template(template, context, images, annex_bodies)
    with template_errors(template):
        opened.tpl.render(opened.context, shared_env(), autoescape=True)
    register = getattr(opened.context.get("annex"), "register", None)
    return Rendered(opened.tpl, opened.entry, opened.preset, register)


@contextmanager
def template_errors(template: Path) -> Iterator[None]:
    """A template that cannot be filled, said in Chinese with the template's name."""
    try:
        yield
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"模板 {template.name} 使用了数据中没有的变量：{_undefined(exc)}"
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板 {template.name} 第 {exc.lineno} 行语法错误：{exc.message}"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - a filter refusing a value names it
        raise TemplateError(f"模板 {template.name} 无法生成：{exc}") from exc


def prepare_template(template: Path, presets: list[str | None]) -> None:
    """What rendering `template` computes first, done ahead (generator.write.scheduler.prewarm):
    its typeset shared parts for `presets`, its body's cleaned XML and compiled code, kept in
    this process and in the disk cache."""
    from generator.render import docxfast

    if plain_render():
        return
    entry = docxfast.template_entry(template)
    for preset in presets:
        docxfast.shell_for(entry, preset)
    tpl = _template_class()(docxfast.open_lean(entry))
    tpl.init_docx()
    source = _PARAGRAPH_START.sub(r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
    shared_env().from_string(source)  # as docxtpl's render_xml_part asks for it


_PARAGRAPH_START = re.compile(r"<w:p([ >])")  # docxtpl puts a newline before each paragraph


PLAIN_ENV = "GENERATOR_PLAIN_RENDER"


def plain_render() -> bool:
    """`GENERATOR_PLAIN_RENDER=1`: docxtpl's own save, then typesetting the whole file (the
    reference the fast path is compared with)."""
    return os.environ.get(PLAIN_ENV, "").strip() not in ("", "0")


def _undefined(exc: jinja2.UndefinedError) -> str:
    text = str(exc.message or exc)
    return text.replace("has no attribute", "没有属性").replace("is undefined", "未定义")


@contextmanager
def _fixed_zip_times() -> Iterator[bool]:
    """Save with fixed member timestamps so that equal content gives equal bytes.

    python-docx's zip writer stamps members with the current time; for the duration of the
    save its `write` gets a fixed date instead. Where that writer is not found (another
    python-docx), the saved file is rewritten by `normalize_zip` afterwards instead."""
    from docx.opc import phys_pkg

    writer = getattr(phys_pkg, "_ZipPkgWriter", None)
    if writer is None or not hasattr(writer, "write"):
        yield False
        return
    original = writer.write

    def write(self: Any, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zipf.writestr(info, blob)

    writer.write = write
    try:
        yield True
    finally:
        writer.write = original


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a .docx with fixed timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
