"""`check` of the templates: every name, attribute, filter and function a template uses exists.

Each template's XML is prepared as the build prepares it (docxtpl's clean-up and our tags), parsed
by Jinja, and every expression rooted at a model object (`r`, `d`, `f`, `ev`, `style`, and a loop
variable over one of their lists) is resolved against the year's real model. A name that does
not resolve is an error naming the template and the expression, found without rendering.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from generator.findings import Finding, error

TEMPLATES = ("disclosure.docx", "department_letter.docx", "project_letter.docx",
             "project_table.docx")  # fmt: skip
BUILTINS = {"loop", "range", "True", "False", "None", "true", "false", "none"}
MISSING = object()


def check_templates(report: Any, dirs: tuple[Path, ...]) -> list[Finding]:
    """Findings about the templates the build would use for this report."""
    from generator.render.docx import shared_env
    from generator.render.templatedirs import template_path

    env = shared_env()
    out: list[Finding] = []
    for name in _used(report):
        path = template_path(name, dirs)
        if not path.is_file():
            out.append(error(str(path), 0, "", "缺少模板文件", "template"))
            continue
        try:
            tree = env.parse(_source(path))
        except jinja2.TemplateSyntaxError as exc:
            out.append(error(str(path), 0, "", f"模板第 {exc.lineno} 行语法错误：{exc.message}",
                             "template"))  # fmt: skip
            continue
        except Exception as exc:  # noqa: BLE001 - an unreadable .docx is the user's to fix
            out.append(error(str(path), 0, "", f"无法打开模板：{exc}", "template"))
            continue
        out += [f for f in _problems(path, tree, env, _roots(report)) if f is not None]
    return out


def _used(report: Any) -> list[str]:
    """The templates this year's documents are made from."""
    used = ["disclosure.docx"]
    used += ["department_letter.docx"] if report.evaluation is not None else []
    used += ["project_table.docx"] if report.projects else []
    used += ["project_letter.docx"] if report.letters else []
    return used


def _source(path: Path) -> str:
    """The template's main XML as the build hands it to Jinja."""
    from generator.render.docx import _template_class

    tpl = _template_class()(str(path))
    tpl.init_docx()
    return tpl.patch_xml(tpl.get_xml())


def _roots(report: Any) -> dict[str, Any]:
    """What the templates receive, with a sample for the per-document objects."""
    roots = {
        "r": report,
        "d": report.department,
        "f": report.finance,
        "ev": MISSING if report.evaluation is None else report.evaluation,
        "style": report.style,
        "chart": MISSING,
        "annex_tables": MISSING,
        "annex": MISSING,
        "template_dirs": MISSING,
    }
    if report.projects:
        roots["p"] = report.projects[0]
    if report.letters:
        roots["l"] = report.letters[0]
    return roots


def _problems(
    path: Path, tree: nodes.Template, env: jinja2.Environment, roots: Mapping[str, Any]
) -> Iterator[Finding | None]:
    known = dict(roots)
    bound = _bound_names(tree, known)
    seen: set[str] = set()
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        if isinstance(node, nodes.Filter) and node.name not in env.filters:
            yield _finding(path, node, f"使用了不存在的过滤器“{node.name}”", seen)
    for node in tree.find_all(nodes.Call):
        if isinstance(node.node, nodes.Name):
            name = node.node.name
            if name not in env.globals and name not in known and name not in bound:
                yield _finding(path, node, f"使用了不存在的函数“{name}”", seen)
    for node in tree.find_all(nodes.Name):
        if node.ctx != "load" or node.name in BUILTINS or node.name in env.globals:
            continue
        if node.name not in known and node.name not in bound:
            yield _finding(path, node, f"使用了数据中没有的变量“{node.name}”", seen)
    for node in tree.find_all(nodes.Getattr):
        chain = _chain(node)
        if chain is None or chain[0] not in known or known[chain[0]] is MISSING:
            continue
        missing = _resolve(known[chain[0]], chain[1:])
        if missing is not None:
            expr = ".".join(chain[: chain.index(missing) + 1]) if missing in chain else missing
            yield _finding(path, node, f"使用了数据中没有的变量“{expr}”", seen)


def _finding(path: Path, node: nodes.Node, message: str, seen: set[str]) -> Finding | None:
    if message in seen:
        return None
    seen.add(message)
    return error(str(path), 0, "", message, "template")


def _bound_names(tree: nodes.Template, known: dict[str, Any]) -> set[str]:
    """Names a template binds (loop targets, set). A loop over a model list binds a sample of
    it; a name bound by loops over lists of different kinds is not resolved (any could be)."""
    bound: set[str] = set()
    samples: dict[str, list[Any]] = {}
    for node in tree.find_all((nodes.For, nodes.Assign)):
        target = node.target
        names = [n.name for n in target.find_all(nodes.Name)]
        bound.update(names)
        if not isinstance(target, nodes.Name):  # unpacked: its parts could be anything
            for name in names:
                samples.setdefault(name, []).append(MISSING)
        else:
            bound.add(target.name)
            if isinstance(node, nodes.For):
                samples.setdefault(target.name, []).append(_sample(node.iter, known))
    for name, found in samples.items():
        kinds = {type(x) for x in found}
        if MISSING in found or len(kinds) != 1:
            known.pop(name, None)
        else:
            known[name] = found[0]
    for name in bound - set(samples):
        known.pop(name, None)
    return bound


def _sample(expr: nodes.Node, known: Mapping[str, Any]) -> Any:
    """The first item of a loop over a model list (`for i in f.general_items`), if any."""
    chain = _chain(expr) if isinstance(expr, (nodes.Getattr, nodes.Name)) else None
    if chain is None or chain[0] not in known:
        return MISSING
    value = known[chain[0]]
    for part in chain[1:]:
        value = getattr(value, part, MISSING)
        if value is MISSING:
            return MISSING
    try:
        return next(iter(value))
    except (TypeError, StopIteration):
        return MISSING


def _chain(node: nodes.Node) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return [node.name, *reversed(parts)]


def _resolve(value: Any, attrs: list[str]) -> str | None:
    """The first attribute of `attrs` that `value` lacks, or None when all resolve."""
    for attr in attrs:
        if isinstance(value, Mapping) and attr in value:
            value = value[attr]
            continue
        nxt = getattr(value, attr, MISSING)
        if nxt is MISSING:
            return attr
        value = nxt
    return None
