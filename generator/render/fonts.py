"""The four 公文 faces, by name, in two presets; applied to styles, runs, theme and font table.

`windows` names the faces every stock Windows machine has (仿宋, 楷体, 黑体; titles in 宋体 bold,
the usual stand-in for 小标宋). `gb2312` names the faces of machines set up for official
documents (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体), each declared in the font table with
the stock face as its alternative, so that Word substitutes sensibly where one is missing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.findings import Finding, warning
from generator.render.ooxml import read_parts, w, write_parts

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LATIN = "Times New Roman"
ROLES = ("body", "kai", "hei", "title", "song")
THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")


@dataclass(frozen=True)
class FontPreset:
    """The face of each role; `title_bold` when the title face needs bold to look like 小标宋."""

    name: str
    body: str
    kai: str
    hei: str
    title: str
    song: str = "宋体"
    title_bold: bool = False

    def face(self, role: str) -> str:
        return getattr(self, role)


PRESETS = {
    "windows": FontPreset("windows", "仿宋", "楷体", "黑体", "宋体", title_bold=True),
    "gb2312": FontPreset("gb2312", "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体"),
}
DEFAULT_PRESET = "gb2312"

# Font-table entries: (alternative name Word may substitute, panose of the stock face).
FONT_TABLE = {
    "仿宋": ("FangSong", "02010609060101010101"),
    "仿宋_GB2312": ("仿宋", "02010609030101010101"),
    "楷体": ("KaiTi", "02010609060101010101"),
    "楷体_GB2312": ("楷体", "02010609030101010101"),
    "黑体": ("SimHei", "02010609060101010101"),
    "宋体": ("SimSun", "02010600030101010101"),
    "方正小标宋简体": ("宋体", "02000000000000000000"),
}

# Python's gb2312 codec maps these two GB2312 code points elsewhere; the faces print them.
GB2312_EXTRA = frozenset("\u2014\u00b7")


def role_of(face: str) -> str | None:
    """Which 公文 role a face name plays, whatever preset named it."""
    name = face.lower()
    for role, keys in (
        ("title", ("小标宋",)),
        ("body", ("仿宋", "fangsong", "fang song")),
        ("kai", ("楷体", "kaiti", "楷")),
        ("hei", ("黑体", "simhei", "hei")),
        ("song", ("宋体", "simsun")),
    ):
        if any(key in name for key in keys):
            return role
    return None


def get_preset(preset: str | None) -> FontPreset:
    """The preset called `preset`; a clear error naming the allowed ones otherwise."""
    key = (preset or DEFAULT_PRESET).strip().lower()
    if key not in PRESETS:
        allowed = "、".join(PRESETS)
        raise ValueError(f"未知的字体方案“{preset}”，可用：{allowed}")
    return PRESETS[key]


def detect_preset(styles: etree._Element) -> str:
    """The preset the template's own styles name (gb2312 when any face ends in _GB2312)."""
    for fonts in styles.iter(w("rFonts")):
        if "_GB2312" in (fonts.get(w("eastAsia")) or "").upper():
            return "gb2312"
    faces = [f.get(w("eastAsia")) for f in styles.iter(w("rFonts")) if f.get(w("eastAsia"))]
    return "windows" if any(role_of(f) == "body" for f in faces) else DEFAULT_PRESET


def set_faces(fonts: etree._Element, preset: FontPreset, role: str | None = None) -> None:
    """One rFonts element: theme references removed; with `role`, the East Asian face of that
    role and Latin faces made explicit; otherwise a named East Asian face is replaced by the
    preset's face of the role it plays."""
    for attr in THEME_ATTRS:
        fonts.attrib.pop(w(attr), None)
    current = fonts.get(w("eastAsia"))
    role = role or (role_of(current) if current else None)
    if role is None:
        return
    fonts.set(w("eastAsia"), preset.face(role))
    for attr in ("ascii", "hAnsi"):
        if fonts.get(w(attr)) is None:
            fonts.set(w(attr), LATIN)


def apply_to_tree(root: etree._Element, preset: FontPreset) -> None:
    """Every rFonts in a styles or document tree; empty rFonts left by the themes removed."""
    for fonts in list(root.iter(w("rFonts"))):
        set_faces(fonts, preset)
        if not fonts.attrib:
            fonts.getparent().remove(fonts)
    defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    if defaults is not None:
        fonts = defaults.find(w("rFonts"))
        if fonts is None:
            fonts = etree.Element(w("rFonts"))
            defaults.insert(0, fonts)
        set_faces(fonts, preset, "body")
        fonts.set(w("cs"), LATIN)


def apply_to_theme(theme: etree._Element, preset: FontPreset) -> None:
    """Theme fonts: Latin Times New Roman, East Asian (and the Hans script) Chinese faces."""
    for group, role in (("majorFont", "hei"), ("minorFont", "body")):
        for node in theme.iter(f"{{{A_NS}}}{group}"):
            for child in node:
                if child.tag == f"{{{A_NS}}}latin":
                    child.set("typeface", LATIN)
                elif child.tag == f"{{{A_NS}}}ea" or child.get("script") == "Hans":
                    child.set("typeface", preset.face(role))


def apply_to_font_table(table: etree._Element, preset: FontPreset) -> None:
    """Declare the preset's faces (charset GB2312, the stock face as alternative)."""
    known = {node.get(w("name")) for node in table.findall(w("font"))}
    for role in ROLES:
        face = preset.face(role)
        if face in known:
            continue
        alt, panose = FONT_TABLE.get(face, (None, "02010600030101010101"))
        node = etree.SubElement(table, w("font"), {w("name"): face})
        if alt:
            etree.SubElement(node, w("altName"), {w("val"): alt})
        etree.SubElement(node, w("panose1"), {w("val"): panose})
        etree.SubElement(node, w("charset"), {w("val"): "86"})
        etree.SubElement(node, w("family"), {w("val"): "modern" if role == "hei" else "roman"})
        etree.SubElement(node, w("pitch"), {w("val"): "variable"})
        known.add(face)


PART_APPLIERS = {
    "word/styles.xml": apply_to_tree,
    "word/stylesWithEffects.xml": apply_to_tree,
    "word/document.xml": apply_to_tree,
    "word/numbering.xml": apply_to_tree,
    "word/theme/theme1.xml": apply_to_theme,
    "word/fontTable.xml": apply_to_font_table,
}


def apply_font_preset(
    xml_or_docx: bytes | str | Path | etree._Element, preset: str | None = None
) -> bytes | str | etree._Element:
    """Apply a preset to a .docx (bytes or path: returns .docx bytes), an XML string (returns the
    string) or an lxml tree (changed in place and returned). Without a preset, the one the
    document's own styles name."""
    if isinstance(xml_or_docx, etree._Element):
        chosen = get_preset(preset or detect_preset(xml_or_docx))
        apply_to_tree(xml_or_docx, chosen)
        return xml_or_docx
    if isinstance(xml_or_docx, Path):
        xml_or_docx = xml_or_docx.read_bytes()
    if isinstance(xml_or_docx, bytes) and xml_or_docx[:2] == b"PK":
        return _apply_to_docx(xml_or_docx, preset)
    raw = xml_or_docx.encode("utf-8") if isinstance(xml_or_docx, str) else xml_or_docx
    root = etree.fromstring(raw)
    apply_font_preset(root, preset)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return text.decode("utf-8") if isinstance(xml_or_docx, str) else text


def _apply_to_docx(data: bytes, preset: str | None) -> bytes:
    parts = read_parts(data)
    chosen = get_preset(preset or detect_preset(parts.tree("word/styles.xml")))
    for name, apply in PART_APPLIERS.items():
        if parts.has(name):
            apply(parts.tree(name), chosen)
    return write_parts(parts)


def non_gb2312_chars(text: str) -> set[str]:
    """Characters of `text` that the *_GB2312 faces cannot print (outside GB 2312)."""
    missing = set()
    for char in set(text):
        if char.isascii() or char in GB2312_EXTRA or char.isspace():
            continue
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            missing.add(char)
    return missing


def gb2312_message(chars: set[str]) -> str:
    """The warning for characters the gb2312 preset cannot print."""
    shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in sorted(chars))
    return (
        f"字体方案 gb2312 的仿宋_GB2312/楷体_GB2312 无法显示这些字符：{shown}；"
        "请改用字体方案 windows（style.fonts: windows）或替换这些字"
    )


def docx_text(data: bytes) -> str:
    """All the text of a .docx's body (for the GB2312 check of a rendered document)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return "".join(node.text or "" for node in root.iter(w("t")))


def gb2312_findings(
    texts: Iterable[tuple[str, int, str, str]], preset: str | None
) -> list[Finding]:
    """Warnings for data texts holding characters the gb2312 preset cannot print; `texts` are
    (file, line, field, text). Nothing for the windows preset (仿宋/楷体 cover GBK)."""
    if get_preset(preset).name != "gb2312":
        return []
    found = []
    for file, line, field, text in texts:
        chars = non_gb2312_chars(text)
        if chars:
            found.append(warning(file, line, field, gb2312_message(chars), "gb2312"))
    return found
