"""第四部分 附件 of the disclosure: the letters and 自评表, each made from its own template.

The disclosure does not copy the letter and table templates: `{{p annex.department_letter() }}`,
`{{p annex.project_table(p) }}` and `{{p annex.project_letter(l) }}` fill the same templates the
standalone documents are made from, and place their bodies here, so a wording changed in a
letter template changes it in the disclosure too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree
from markupsafe import Markup

SECT_PR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"


class Annexes:
    """The annexed documents of one disclosure, filled when the template prints them."""

    def __init__(self, context: Mapping[str, Any], dirs: tuple[Path, ...] | None) -> None:
        self.context = {k: v for k, v in context.items() if k not in ("annex", "chart")}
        self.dirs = dirs

    def department_letter(self) -> Markup:
        return self._body("department_letter.docx", {})

    def project_table(self, project: Any) -> Markup:
        return self._body("project_table.docx", {"p": project})

    def project_letter(self, letter: Any) -> Markup:
        return self._body("project_letter.docx", {"l": letter})

    def _body(self, name: str, extra: Mapping[str, Any]) -> Markup:
        from generator.render.docx import fill_template
        from generator.render.templatedirs import template_path

        filled = fill_template(template_path(name, self.dirs), {**self.context, **extra})
        body = filled.docx.element.body
        parts = [etree.tostring(child, encoding="unicode") for child in body.iterchildren()
                 if child.tag != SECT_PR]  # fmt: skip
        return Markup("".join(parts))
