"""Save a rendered docxtpl document without re-serialising, re-typesetting and recompressing
the parts it shares with every other document of its template.

The plain path (`tpl.save()`, then `typeset_docx`) parses, typesets, serialises and deflates
every part of every document: styles.xml and stylesWithEffects.xml alone are 790 KB. Here a
template's *shared* parts (all but the main document, its headers and footers, the core
properties and what rendering adds, such as pictures) are typeset and deflated once per
template and preset (`Shell`, kept in memory and in the disk cache); each document then
serialises, typesets and deflates only its own parts, and the archive is written with the
shell's members copied as they are. Rendering opens a *lean* copy of the template whose two
large style parts are empty stubs (nothing reads them while rendering; the output takes them
from the shell). The result equals the plain path's byte for byte (tests/test_cache.py).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from generator.render import deferred, fonts
from generator.render.deferred import Mismatch, Register
from generator.render.ooxml import Parts
from generator.render.typeset import OWN_PART, typeset_own, typeset_shared
from generator.render.zipraw import Member, deflate, write_zip
from generator.write import diskcache

STUBBED = ("word/styles.xml", "word/stylesWithEffects.xml")
# Modules whose code decides the typeset bytes (with the template and the preset).
SHELL_SOURCES = (
    "render/docxfast.py", "render/deferred.py", "render/typeset.py", "render/typeset_tables.py",
    "render/typeset_letters.py", "render/fonts.py",
    "render/ooxml.py", "render/zipraw.py",
)  # fmt: skip


@dataclass
class Shell:
    """A template's shared parts, typeset for one preset: members by name, and the typeset
    styles that typesetting a document's own part reads."""

    members: dict[str, Member]
    styles_xml: bytes
    preset: fonts.FontPreset
    key: str = ""
    _styles: etree._Element | None = None

    @property
    def styles(self) -> etree._Element:
        if self._styles is None:
            self._styles = etree.fromstring(self.styles_xml)
        return self._styles


@dataclass
class Entry:
    """One template's content (by its hash), its lean copy and its shells by preset."""

    data: bytes
    digest: str
    lean: bytes
    shells: dict[str | None, Shell] = field(default_factory=dict)
    _namespaces: dict[str | None, str] | None = None
    _document: Any = None  # python-docx's Document of the lean copy, never rendered

    @property
    def namespaces(self) -> dict[str | None, str]:
        """The namespaces the template's main document declares at its root."""
        if self._namespaces is None:
            with zipfile.ZipFile(io.BytesIO(self.lean)) as archive, archive.open(OWN_PART) as f:
                _, root = next(etree.iterparse(f, events=("start",)))
                self._namespaces = dict(root.nsmap)
        return self._namespaces


_ENTRIES: dict[str, Entry] = {}


def template_entry(path: Path) -> Entry:
    """The entry of the template file now at `path` (read each time: it may change)."""
    data = path.read_bytes()
    key = diskcache.digest(data)
    entry = _ENTRIES.get(key)
    if entry is None:
        entry = _ENTRIES[key] = Entry(data, key, _cached_lean(data, key))
    return entry


def _cached_lean(data: bytes, key: str) -> bytes:
    """The lean copy, from the disk cache where a process made it before."""
    lean_key = diskcache.digest(key, diskcache.source_fingerprint("render/docxfast.py"))
    lean = diskcache.load("lean", lean_key)
    if lean is None:
        lean = _lean(data)
        diskcache.store("lean", lean_key, lean)
    return lean


def _lean(data: bytes) -> bytes:
    """The template with its large style parts as empty stubs, stored uncompressed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename in STUBBED:
                root = etree.fromstring(content)
                content = etree.tostring(etree.Element(root.tag, nsmap=root.nsmap))
            dst.writestr(info.filename, content)
    return out.getvalue()


def open_lean(entry: Entry) -> io.BytesIO:
    """What docxtpl opens instead of the template file."""
    return io.BytesIO(entry.lean)


def fresh_document(entry: Entry) -> Any:
    """python-docx's Document of the lean copy, as docxtpl would open it to render: opened
    once per process, then a deep copy for each document (a third of the time of opening
    it; nothing is shared with the copy kept, which is never rendered)."""
    import copy

    if entry._document is None:  # noqa: SLF001 - the entry's own cache
        from docx import Document

        entry._document = Document(open_lean(entry))  # noqa: SLF001
    return copy.deepcopy(entry._document)  # noqa: SLF001


def _own_parts(package: Any) -> set[str]:
    """Member names a render changes or may change: the main document, its headers and
    footers, the core properties."""
    document = package.main_document_part
    owners = [document, package._core_properties_part]  # noqa: SLF001 - no public name
    owners += [
        rel.target_part
        for rel in document.rels.values()
        if not rel.is_external and rel.reltype.endswith(("/header", "/footer"))
    ]
    names = {part.partname.membername for part in owners}
    return names | {part.partname.rels_uri.membername for part in owners}


def _saved_members(package: Any) -> list[tuple[str, Any]]:
    """(member name, part or rels owner) in the order python-docx's PackageWriter writes."""
    order: list[tuple[str, Any]] = [("[Content_Types].xml", None), ("_rels/.rels", None)]
    for part in package.iter_parts():
        order.append((part.partname.membername, part))
        if len(part.rels):
            order.append((part.partname.rels_uri.membername, part.rels))
    return order


def shell_for(entry: Entry, preset: str | None) -> Shell:
    """The template's shared parts typeset for `preset` (memory, then disk, then made)."""
    shell = entry.shells.get(preset)
    if shell is None:
        key = _shell_key(entry, preset)
        shell = _load_shell(key) or _make_shell(entry, preset, key)
        shell.key = key
        entry.shells[preset] = shell
    return shell


def _shell_key(entry: Entry, preset: str | None) -> str:
    import docx

    code = diskcache.source_fingerprint(*SHELL_SOURCES)
    return diskcache.digest(entry.digest, str(preset), code, docx.__version__, etree.__version__)


def _load_shell(key: str) -> Shell | None:
    found = diskcache.load_object("shells", key)
    if found is diskcache.MISSING:
        return None
    try:
        members, styles_xml, chosen = found
        return Shell({m.name: m for m in members}, styles_xml, chosen)
    except Exception:  # noqa: BLE001 - an entry of another shape: recomputed
        return None


def _make_shell(entry: Entry, preset: str | None, key: str) -> Shell:
    """Open the real template as python-docx does, typeset the shared parts as typeset_docx
    would, deflate them; stored in the disk cache."""
    from docx import Document
    from docx.opc.pkgwriter import _ContentTypesItem  # noqa: F401 - same import as the save

    package = Document(io.BytesIO(entry.data)).part.package
    own = _own_parts(package)
    saved = [(name, item) for name, item in _saved_members(package) if item is not None]
    raw = {name: _blob(item) for name, item in saved}
    parts = Parts([zipfile.ZipInfo(name) for name, _ in saved], raw)
    chosen = typeset_shared(parts, preset)
    members = [deflate(name, parts.member_bytes(name)) for name in raw if name not in own]
    styles_xml = parts.member_bytes("word/styles.xml")
    diskcache.store_object("shells", key, (members, styles_xml, chosen))
    return Shell({m.name: m for m in members}, styles_xml, chosen)


def _blob(item: Any) -> bytes:
    """What python-docx writes for a part (its blob) or a rels collection (its xml)."""
    data = item.blob if hasattr(item, "partname") else item.xml
    return data.encode("utf-8") if isinstance(data, str) else data


def save_fast(
    tpl: Any, entry: Entry, preset: str | None, release: bool = False,
    register: Register | None = None,
) -> bytes:  # fmt: skip
    """The rendered document's .docx: its own parts typeset and deflated now, the shared
    ones copied from the template's shell. With `release`, the rendered tree is let go once
    serialised (python-docx's references to it dropped), before typesetting parses it again.
    `register`: the tables its stand-ins stand for (generator.render.deferred)."""
    from docx.opc.pkgwriter import _ContentTypesItem

    if register and tpl.pics_to_replace:
        raise Mismatch("pictures")
    package = tpl.docx.part.package
    tpl.pre_processing()
    shell = shell_for(entry, preset)
    parts = package.parts
    members = []
    for name, item in _saved_members(package):
        if name in shell.members:
            members.append(shell.members[name])
        elif name == "[Content_Types].xml":
            members.append(deflate(name, _ContentTypesItem.from_parts(parts).blob))
        elif name == "_rels/.rels":
            members.append(deflate(name, package.rels.xml))
        elif name == OWN_PART:
            blob = item.blob
            if release:
                item._element = tpl.docx._element = None  # noqa: SLF001 - frees the tree
            members.append(_own_member(name, blob, shell, register))
            del blob
        else:
            members.append(deflate(name, _blob(item)))
    return write_zip(members)


def _own_member(name: str, blob: bytes, shell: Shell, register: Register | None = None) -> Member:
    """The typeset, deflated document part: from the disk cache when this very rendered part
    was typeset before with this shell (a rebuild), else typeset now and stored."""
    tables = [register.parts[t] for t in sorted(register.parts)] if register else []
    key = diskcache.digest(blob, shell.key, *tables)
    member = diskcache.load_object("typeset", key)
    if isinstance(member, Member) and member.name == name:
        return member
    member = deflate(name, _typeset_own(blob, shell, register))
    diskcache.store_object("typeset", key, member)
    return member


def _typeset_own(blob: bytes, shell: Shell, register: Register | None = None) -> bytes:
    document = etree.fromstring(blob)
    typeset_own(document, shell.preset, shell.styles)
    if register:
        deferred.check(document, register, shell)
        prefix = deferred.w_prefix(document.nsmap) or ""
        xml = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
        del document
        return deferred.splice(xml, register, prefix)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
