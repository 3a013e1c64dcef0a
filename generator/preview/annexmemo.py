"""The disclosure's annexes, kept by what they read: an annex whose inputs did not change is
not filled again.

The disclosure places the body of the department letter, of every 自评表 and of every project
letter (generator.render.annexes), each filled from its own template: 27 fills of a template
for data/2023, two thirds of the disclosure's rendering. An annex reads little of the report
(`p` and `d` for a 自评表), so most of them come out the same after an edit.

What a template reads is found in its Jinja code (every part docxtpl renders: the body, the
headers and footers, the footnotes, the core properties): each name of the context it uses,
narrowed to `name.attribute` where it is only ever used that way (`r.year`). The key of an
annex is the template file's stamp and the pickle of those values (and of `style`, which every
number filter reads). A name the context does not hold and the template does not bind, a value
that cannot be pickled, a template that cannot be read: the annex is filled as without this.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import nodes
from markupsafe import Markup

from generator.render.annexes import Annexes

Dep = tuple[str, ...]  # (name,) or (name, attribute)
ALWAYS: tuple[Dep, ...] = (("style",),)  # read by the number filters through the context
IMPLICIT = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})  # Jinja's own
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
KEEP = 512


class Reads:
    """What one template reads: the context's names and attributes, and the names it binds."""

    def __init__(self, deps: set[Dep], bound: set[str]) -> None:
        self.deps = sorted(deps | set(ALWAYS))
        self.bound = bound


def reads_of(sources: list[str], env: Any) -> Reads:
    """The reads of Jinja `sources` (every part of one template)."""
    deps: set[Dep] = set()
    bound: set[str] = set()

    def visit(node: nodes.Node) -> None:
        if (
            isinstance(node, nodes.Getattr)
            and isinstance(node.node, nodes.Name)
            and node.node.ctx == "load"
        ):
            deps.add((node.node.name, node.attr))
            return
        if isinstance(node, nodes.Name):
            if node.ctx == "load":
                deps.add((node.name,))
            else:
                bound.add(node.name)
            return
        for child in node.iter_child_nodes():
            visit(child)

    for source in sources:
        visit(env.parse(source))
    return Reads(deps, bound)


def template_sources(path: Path) -> list[str]:
    """The Jinja code of every part of the template at `path` that docxtpl renders, cleaned
    as the build cleans it (generator.render.docx)."""
    from generator.render.docx import _template_class

    tpl = _template_class()(str(path))
    tpl.init_docx()
    sources = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            sources.append(tpl.patch_xml(tpl.get_part_xml(part)))
    footnotes = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    for part in tpl.docx.part.package.parts:
        if part.content_type == footnotes:
            blob = part.blob
            sources.append(tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob))
    props = tpl.docx.core_properties
    sources += [getattr(props, name) or "" for name in CORE_PROPERTIES]
    return sources


def stamp(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


class AnnexMemo:
    """Annex bodies by their key, and the reads of each template file (kept across renders)."""

    def __init__(self, keep: int = KEEP) -> None:
        self._bodies: OrderedDict[str, Markup] = OrderedDict()
        self._reads: dict[tuple[str, int, int, int], Reads | None] = {}
        self._keep = keep
        self._lock = threading.Lock()
        self.hits = 0
        self.fills = 0

    def reads(self, path: Path) -> tuple[tuple[str, int, int, int] | None, Reads | None]:
        """The stamp of the template at `path` and what it reads (None: not known)."""
        key = stamp(path)
        if key is None:
            return None, None
        with self._lock:
            if key in self._reads:
                return key, self._reads[key]
        try:
            from generator.render.docx import shared_env

            found: Reads | None = reads_of(template_sources(path), shared_env())
        except Exception:  # noqa: BLE001 - unknown reads: the annex is always filled
            found = None
        with self._lock:
            if len(self._reads) > 64:
                self._reads.clear()
            self._reads[key] = found
        return key, found

    def get(self, key: str) -> Markup | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
                self.hits += 1
            return body

    def put(self, key: str, body: Markup) -> None:
        with self._lock:
            self.fills += 1
            self._bodies[key] = body
            while len(self._bodies) > self._keep:
                self._bodies.popitem(last=False)


class MemoAnnexes(Annexes):
    """generator.render.annexes.Annexes, each body taken from `memo` when its inputs are the
    ones it was filled from."""

    def __init__(
        self,
        context: Mapping[str, Any],
        dirs: tuple[Path, ...] | None,
        memo: AnnexMemo,
        namespaces: dict[str | None, str] | None = None,
    ) -> None:
        try:  # the disclosure's root declarations: the bodies are written without their own
            super().__init__(context, dirs, namespaces=namespaces)  # type: ignore[call-arg]
        except TypeError:  # an Annexes that takes none: each body carries its declarations
            super().__init__(context, dirs)
            namespaces = None
        from generator.render.docx import plain_render

        written = sorted((namespaces or {}).items(), key=repr)  # how a body is written out
        self._written = repr((plain_render(), written))  # part of each key
        self.memo = memo
        self._digests: dict[int, tuple[Any, bytes]] = {}  # id -> (object, its pickle's digest)

    def department_letter(self) -> Markup:
        return self._memoized("department_letter.docx", {}, super().department_letter)

    def project_table(self, project: Any) -> Markup:
        parent = super().project_table
        return self._memoized("project_table.docx", {"p": project}, lambda: parent(project))

    def project_letter(self, letter: Any) -> Markup:
        parent = super().project_letter
        return self._memoized("project_letter.docx", {"l": letter}, lambda: parent(letter))

    def _memoized(self, name: str, extra: dict[str, Any], fill: Callable[[], Markup]) -> Markup:
        key = self._key(name, extra)
        if key is None:
            return fill()
        body = self.memo.get(key)
        if body is None:
            body = Markup(fill())
            self.memo.put(key, body)
        return body

    def _key(self, name: str, extra: dict[str, Any]) -> str | None:
        """The annex's key: its template file and the values it reads (None: not known)."""
        from generator.render.docx import shared_env
        from generator.render.templatedirs import template_path

        path = template_path(name, self.dirs)
        file_stamp, reads = self.memo.reads(path)
        if reads is None:
            return None
        env = shared_env()
        context = {**self.context, **extra}
        digest = hashlib.sha1(repr((file_stamp, self._written)).encode())
        for dep in reads.deps:
            head = dep[0]
            if head not in context:
                if head in reads.bound or head in IMPLICIT or head in env.globals:
                    continue
                if dep in ALWAYS:
                    continue
                return None  # a name this context does not give: let the fill say so
            value = context[head]
            if len(dep) == 2:
                try:
                    value = env.getattr(value, dep[1])
                except Exception:  # noqa: BLE001
                    return None
            part = self._digest(value)
            if part is None:
                return None
            digest.update(repr(dep).encode() + b"=" + part)
        return digest.hexdigest()

    def _digest(self, value: Any) -> bytes | None:
        known = self._digests.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - not picklable: not memoized
            return None
        digest = hashlib.sha1(data).digest()
        self._digests[id(value)] = (value, digest)
        return digest
