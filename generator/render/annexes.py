"""第四部分 附件 of the disclosure: the letters and 自评表, each made from its own template.

The disclosure does not copy the letter and table templates: `{{p annex.department_letter() }}`,
`{{p annex.project_table(p) }}` and `{{p annex.project_letter(l) }}` fill the same templates the
standalone documents are made from, and place their bodies here, so a wording changed in a
letter template changes it in the disclosure too.

A build renders those standalone documents anyway, so it hands their bodies over (`made`,
keyed by `annex_key`) and the disclosure places them without filling the templates again; a
body not handed over (the live preview, one project) is filled here. A body handed over may
come with its tables already typeset for the disclosure (generator.render.deferred).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree
from markupsafe import Markup

from generator.render.deferred import Deferred, Register, inner_markup

SECT_PR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"


AnnexKey = tuple[str, int]


class AnnexIndex:
    """Which annexed document a template and its context make: the template and the
    position of its project (自评表) or letter in the report (the department letter: 0)."""

    def __init__(self, report: Any) -> None:
        self._projects = {id(p): i for i, p in enumerate(getattr(report, "projects", ()))}
        self._letters = {id(x): i for i, x in enumerate(getattr(report, "letters", ()))}

    def key(self, template: str, extra: Mapping[str, Any]) -> AnnexKey | None:
        if "p" in extra:
            found = self._projects.get(id(extra["p"]))
        elif "l" in extra:
            found = self._letters.get(id(extra["l"]))
        else:
            found = 0
        return None if found is None else (template, found)


Namespaces = dict[str | None, str]


def body_markup(document: Any, namespaces: Namespaces | None = None) -> str:
    """The body of a filled document (python-docx's Document) as the XML to place in another,
    without its section properties. When the other document's root declares every namespace
    this body uses (`namespaces`, the same prefixes for the same URIs), the children are
    written without declarations of their own (placing thousands of elements that each
    declare thirty namespaces is what made a disclosure of many projects slow); else each
    child carries its declarations."""
    body = document.element.body
    if namespaces is not None and _placeable(body, namespaces):
        return _inner(body)
    parts = [etree.tostring(child, encoding="unicode") for child in body.iterchildren()
             if child.tag != SECT_PR]  # fmt: skip
    return "".join(parts)


def _placeable(body: etree._Element, namespaces: Namespaces) -> bool:
    declared = all(namespaces.get(prefix) == uri for prefix, uri in body.nsmap.items())
    return declared and len(body) > 0 and body[-1].tag == SECT_PR


def _inner(body: etree._Element) -> str:
    """The body's children as written inside it (no declarations repeated), its closing
    section properties left out."""
    xml = inner_markup(body)
    return xml[: xml.rindex("<w:sectPr")]


class Annexes:
    """The annexed documents of one disclosure, filled when the template prints them (or
    taken from `made`, the bodies of the same documents rendered on their own)."""

    def __init__(
        self, context: Mapping[str, Any], dirs: tuple[Path, ...] | None,
        made: Mapping[AnnexKey, str | Deferred] | None = None, namespaces: Namespaces | None = None,
    ) -> None:  # fmt: skip
        self.context = {k: v for k, v in context.items() if k not in ("annex", "chart")}
        self.dirs = dirs
        self.made = made or {}
        self.namespaces = namespaces  # the disclosure's root declarations
        self.register = Register()  # the tables typeset where they were rendered

    @cached_property
    def index(self) -> AnnexIndex:
        """Made when a body is placed (every letter and 自评表 has an Annexes, few place any:
        an index of a thousand projects for each would cost more than filling it)."""
        return AnnexIndex(self.context.get("r"))

    def release(self) -> None:
        """The bodies are placed: let them go before the filled document is parsed (they
        are handed over, not lent; a thousand of them are tens of megabytes)."""
        if isinstance(self.made, dict):
            self.made.clear()
        self.made = {}

    def department_letter(self) -> Markup:
        return self._body("department_letter.docx", {})

    def project_table(self, project: Any) -> Markup:
        return self._body("project_table.docx", {"p": project})

    def project_letter(self, letter: Any) -> Markup:
        return self._body("project_letter.docx", {"l": letter})

    def _body(self, name: str, extra: Mapping[str, Any]) -> Markup:
        key = self.index.key(name, extra)
        made = self.made.get(key) if key is not None else None
        if isinstance(made, Deferred):
            return Markup(self.register.add(made))
        if made is not None:
            return Markup(made)
        from generator.render.docx import fill_template
        from generator.render.templatedirs import template_path

        filled = fill_template(template_path(name, self.dirs), {**self.context, **extra})
        return Markup(body_markup(filled.docx, self.namespaces))
