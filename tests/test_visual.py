"""Visual check: build a dataset, convert every document to PDF with one LibreOffice (as
`build --pdf` does) and read the pages as a reviewer would: no blank page, no number broken
across lines in a table cell, Chinese faces only, a table of contents whose page numbers are
the pages of its headings (in the PDF and in the .docx). PNGs of a few pages are kept in
tests/artifacts/visual/<dataset>/ for a person to look at. Skipped without LibreOffice or
poppler."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from golden import DATASETS
from lxml import etree

from generator.render.ooxml import text_of, w
from generator.render.typeset_tables import is_number

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts" / "visual"
POPPLER = ("pdftotext", "pdffonts", "pdfimages", "pdftoppm")
FOOTER = re.compile(r"—\s*(\d+)\s*—")
TOC_LINE = re.compile(r"^\s*(\S.*?)\s*[.·…]{3,}\s*(\d+)\s*$")
NUMBER_CORE = re.compile(r"[^\u4e00-\u9fff]*")
CHINESE_FACES = (
    "NotoSerifCJK",
    "NotoSansCJK",
    "UKai",
    "SimSun",
    "FangSong",
    "KaiTi",
    "SimHei",
    "FZ",
)


def _soffice() -> str | None:
    try:
        from generator.render.pdf import PdfError, find_program

        return str(find_program())
    except (ImportError, PdfError):
        return None


def _skip_reason() -> str | None:
    if _soffice() is None:
        return "LibreOffice (soffice) is not installed (apt install libreoffice-writer-nogui)"
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        return f"poppler tools missing: {', '.join(missing)} (apt install poppler-utils)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))


def run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, check=True, timeout=120)
    return done.stdout.decode("utf-8", "replace")


@dataclass
class Document:
    docx: Path
    pdf: Path
    pages: list[str]  # pdftotext -layout, one string per page

    @property
    def name(self) -> str:
        return self.docx.name


@dataclass
class Converted:
    dataset: str
    out: Path
    documents: list[Document]

    @property
    def disclosure(self) -> Document:
        manifest = json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))
        (path,) = [f["path"] for f in manifest["files"] if f["kind"] == "disclosure"]
        (found,) = [d for d in self.documents if d.docx == self.out / path]
        return found


def _pages(pdf: Path) -> list[str]:
    text = run("pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="module", params=sorted(DATASETS))
def converted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    from generator.build import build
    from generator.render.pdf import export_pdfs

    name = request.param
    out = tmp_path_factory.mktemp(f"visual-{name}") / "out"
    build(DATASETS[name], out)
    docs = sorted(out.rglob("*.docx"))
    pdfs = export_pdfs(docs)
    documents = [Document(d, p, _pages(p)) for d, p in zip(docs, pdfs, strict=True)]
    result = Converted(name, out, documents)
    _keep_pictures(result)
    return result


def _table_page(doc: Document) -> int:
    """The page with the most numbers on it (a table page), 1-based."""
    counts = [len(re.findall(r"\d+\.\d+", page)) for page in doc.pages]
    return counts.index(max(counts)) + 1


def _keep_pictures(converted: Converted) -> None:
    """page-1..3.png and table.png (the page with most figures) of the disclosure, 50 dpi."""
    folder = ARTIFACTS / converted.dataset
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    doc = converted.disclosure
    shots = {f"page-{n}": n for n in range(1, min(3, len(doc.pages)) + 1)}
    shots["table"] = _table_page(doc)
    for name, page in shots.items():
        pages = ("-f", str(page), "-l", str(page), "-singlefile")
        run("pdftoppm", "-r", "50", "-png", *pages, str(doc.pdf), str(folder / name))
    print(f"\nPNG renderings of {converted.dataset}: {folder}")


# --- no blank page ------------------------------------------------------------------------------


def _image_pages(pdf: Path) -> set[int]:
    rows = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    return {int(row.split()[0]) for row in rows if row.split()}


def test_no_blank_page(converted: Converted) -> None:
    blank = []
    for doc in converted.documents:
        images = None
        for number, page in enumerate(doc.pages, 1):
            body = FOOTER.sub("", page).strip()
            if body:
                continue
            images = _image_pages(doc.pdf) if images is None else images
            if number not in images:
                blank.append(f"{doc.name} page {number}")
    assert not blank, f"blank pages: {blank}"


# --- no number broken across lines --------------------------------------------------------------


def _docx_texts(docx: Path) -> tuple[list[str], list[str]]:
    """(every paragraph's text, the numeric cell texts of the tables), spaces removed."""
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = [re.sub(r"\s+", "", text_of(p)) for p in root.iter(w("p"))]
    cells = [re.sub(r"\s+", "", text_of(tc)) for tc in root.iter(w("tc"))]
    # The figure itself (a unit such as 月 or 万元 may follow it on the next line in prose).
    numbers = [NUMBER_CORE.match(c).group(0) for c in cells if is_number(c)]
    return paragraphs, [n for n in numbers if len(n) >= 3]


def missing_numbers(paragraphs: list[str], numbers: list[str], pages: list[str]) -> list[str]:
    """Numbers of table cells that the pages do not print whole on one line as often as the
    document holds them: "98.14" printed as "98." over "14" is missing once."""
    lines = [re.sub(r"\s+", "", line) for page in pages for line in page.splitlines()]
    missing = []
    for number in sorted(set(numbers)):
        wanted = sum(p.count(number) for p in paragraphs)
        printed = sum(line.count(number) for line in lines)
        if printed < wanted:
            missing.append(f"{number} ({printed} of {wanted})")
    return missing


def test_no_number_broken_in_a_table_cell(converted: Converted) -> None:
    broken = {}
    for doc in converted.documents:
        found = missing_numbers(*_docx_texts(doc.docx), doc.pages)
        if found:
            broken[doc.name] = found
    assert not broken, f"numbers broken across lines: {broken}"


@pytest.mark.parametrize(
    ("page", "missing"),
    [
        ("98.     5.47   ≤350000元\n14", ["98.14 (0 of 1)"]),  # 98./14
        ("98.14   5.4    ≤350000元\n        7", ["5.47 (0 of 1)"]),  # 5.4/7
        ("98.14   5.47   ≤35000\n               0元", ["≤350000元 (0 of 1)"]),
        ("98.14   5.47   ≤350000元", []),
    ],
)
def test_the_broken_number_check(page: str, missing: list[str]) -> None:
    numbers = ["98.14", "5.47", "≤350000元"]
    assert missing_numbers(numbers, numbers, [page]) == missing


# --- fonts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    name: str
    kind: str
    encoding: str
    embedded: bool


def fonts_of(pdf: Path) -> list[Font]:
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    found = []
    for row in rows:
        parts = row.split()
        if len(parts) < 7:
            continue
        emb, encoding = parts[-5], parts[-6]
        kind = " ".join(parts[1:-6])
        found.append(Font(parts[0].split("+")[-1], kind, encoding, emb == "yes"))
    return found


def test_fonts_are_embedded_chinese_faces(converted: Converted) -> None:
    problems = []
    for doc in converted.documents:
        for font in fonts_of(doc.pdf):
            cjk = font.encoding != "WinAnsi"  # WinAnsi fonts hold no Chinese character
            if not font.embedded:
                problems.append(f"{doc.name}: {font.name} not embedded")
            elif cjk and not font.name.startswith(CHINESE_FACES):
                problems.append(f"{doc.name}: Chinese text in {font.name}")
    assert not problems, problems


def test_glyphs_are_the_simplified_chinese_forms(tmp_path: Path) -> None:
    """Noto's collections share one CFF (pdffonts names it ...CJKjp even for SC text): look at
    the glyphs instead. 直 differs between the SC and JP forms; the document's zh-CN language
    must make LibreOffice print the SC one."""
    probe = _glyph_probe(tmp_path)
    assert probe == "SC", f"直 printed with the {probe} form"


def _glyph_probe(folder: Path) -> str:
    from docx import Document as NewDocument
    from docx.shared import Pt

    from generator.render.pdf import export_pdfs
    from generator.render.typeset import typeset_docx

    doc = NewDocument()
    doc.add_paragraph().add_run("直").font.size = Pt(96)
    path = folder / "glyph-probe.docx"
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(typeset_docx(buffer.getvalue(), "gb2312"))
    (pdf,) = export_pdfs([path], update_toc=False)
    run("pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(folder / "glyph"))
    return _closest_form(folder / "glyph.png")


def _closest_form(png: Path) -> str:
    from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

    def glyph(image: Image.Image) -> Image.Image:
        gray = image.convert("L").point(lambda v: 255 if v > 128 else 0)
        box = ImageChops.invert(gray).getbbox()
        return gray.crop(box).resize((64, 64))

    page = glyph(Image.open(png))
    path = run("fc-match", "-f", "%{file}", "Noto Serif CJK SC").strip()
    scores = {}
    for form, index in (("SC", 2), ("JP", 0)):
        font = ImageFont.truetype(path, 200, index=index)
        image = Image.new("L", (300, 300), 255)
        ImageDraw.Draw(image).text((20, 20), "直", font=font, fill=0)
        diff = ImageChops.difference(page, glyph(image))
        scores[form] = ImageStat.Stat(diff).sum[0]
    return min(scores, key=scores.get)


# --- table of contents ----------------------------------------------------------------------------


def toc_entries(doc: Document) -> list[tuple[str, int]]:
    """(heading, page) of the lines of the contents page(s): those before the page "— 1 —"."""
    entries = []
    for page in doc.pages:
        if FOOTER.search(page):
            break
        for line in page.splitlines():
            match = TOC_LINE.match(line)
            if match:
                entries.append((re.sub(r"\s+", "", match.group(1)), int(match.group(2))))
    return entries


def page_numbered(doc: Document) -> dict[int, str]:
    """Printed page number -> that page's text (spaces removed)."""
    numbered = {}
    for page in doc.pages:
        found = FOOTER.findall(page)
        if found:
            numbered[int(found[-1])] = re.sub(r"\s+", "", page)
    return numbered


def test_toc_page_numbers_are_the_pages_of_the_headings(converted: Converted) -> None:
    doc = converted.disclosure
    entries = toc_entries(doc)
    assert len(entries) >= 4, "the contents list the parts"
    pages = page_numbered(doc)
    wrong = [(text, n) for text, n in entries if text not in pages.get(n, "")]
    assert not wrong, f"headings not on the page the TOC names: {wrong}"


def test_toc_lists_no_letter_headings(converted: Converted) -> None:
    texts = [text for text, _ in toc_entries(converted.disclosure)]
    counts = Counter(texts)
    assert all(c == 1 for c in counts.values()), f"headings listed twice: {counts}"
    assert not [t for t in texts if "自评" in t and "附件" not in t], texts


def test_the_docx_toc_carries_the_same_page_numbers(converted: Converted) -> None:
    doc = converted.disclosure
    with zipfile.ZipFile(doc.docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        settings = etree.fromstring(archive.read("word/settings.xml"))
    shown = []
    for p in root.iter(w("p")):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        if style is not None and style.get(w("val"), "").startswith("TOC"):
            text, _, page = text_of(p).rpartition(" ")
            shown.append((re.sub(r"\s+", "", text), int(page)))
    assert shown == toc_entries(doc)
    assert settings.find(w("updateFields")) is None, "Word would ask to update fields"
