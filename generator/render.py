"""Fill the Word templates (docxtpl) with the derived report; strict about every variable."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.errors import TemplateError
from generator.scoring import score_lines
from generator.textfuncs import FILTERS, FUNCTIONS

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def make_env() -> jinja2.Environment:
    """The Jinja environment of every template: unknown names fail, text is XML-escaped."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    env.filters["score_rows"] = score_lines
    env.globals.update(FUNCTIONS)
    return env


@dataclass(frozen=True)
class Image:
    """A PNG to place in a document, with its printed width in centimetres."""

    png: bytes
    width_cm: float = 15.0


def render_docx(
    template: Path, context: Mapping[str, Any], images: Mapping[str, Image] | None = None
) -> bytes:
    """Render one template to .docx bytes (deterministic: fixed zip timestamps)."""
    from docx.shared import Cm
    from docxtpl import DocxTemplate, InlineImage

    try:
        tpl = DocxTemplate(str(template))
    except Exception as exc:  # noqa: BLE001 - any unreadable template is the user's to fix
        raise TemplateError(f"无法打开模板 {template}：{exc}") from exc
    pictures = {
        name: InlineImage(tpl, io.BytesIO(img.png), width=Cm(img.width_cm))
        for name, img in (images or {}).items()
    }
    full = {**context, "chart": pictures}
    try:
        tpl.render(full, make_env(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板 {template.name} 使用了数据中没有的变量：{_undefined(exc)}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {template.name} 第 {exc.lineno} 行语法错误：{exc.message}") from exc
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalize_zip(buffer.getvalue())


def _undefined(exc: jinja2.UndefinedError) -> str:
    text = str(exc.message or exc)
    return text.replace("has no attribute", "没有属性").replace("is undefined", "未定义")


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a .docx with fixed timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
