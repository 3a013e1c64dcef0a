"""PDFs of the built documents, with real page numbers in their tables of contents.

One LibreOffice (headless) converts every document: a Basic macro, written into a private
profile, opens each .docx, updates its indexes (the 目录), notes each entry's page, stores the
PDF and closes it. The page numbers are then written into the .docx's own TOC result, so that
Word, WPS and LibreOffice show them without updating any field. Nothing else of the .docx is
re-stored by LibreOffice: our styles stay as they are. Every file is replaced atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from generator.errors import GeneratorError
from generator.machine.childwatch import run_watched
from generator.render.typeset import set_toc_pages

PROFILE_MACRO = Path("user/basic/Standard/Module1.xba")
MISSING = (
    "未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice"
    "（Debian/Ubuntu：apt install libreoffice-writer-nogui），"
    "或用环境变量 GENERATOR_SOFFICE 指明 soffice 的位置。"
)

MACRO = """
Sub Convert
  Dim jobs(@LAST@, 3) As String
@JOBS@
  Dim i As Integer
  For i = 0 To @LAST@
    ProcessOne(jobs(i, 0), jobs(i, 1), jobs(i, 2), jobs(i, 3))
  Next i
  StarDesktop.terminate()
End Sub

Sub WriteText(url As String, text As String)
  Dim sfa As Object, out As Object
  sfa = createUnoService("com.sun.star.ucb.SimpleFileAccess")
  If sfa.exists(url) Then sfa.kill(url)
  out = createUnoService("com.sun.star.io.TextOutputStream")
  out.setOutputStream(sfa.openFileWrite(url))
  out.setEncoding("UTF-8")
  out.writeString(text)
  out.closeOutput()
End Sub

Sub ProcessOne(inUrl As String, pdfUrl As String, tocUrl As String, statusUrl As String)
  Dim doc As Object
  On Error Goto Failed
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  Dim indexes As Object, index As Object
  Dim i As Integer, pass As Integer
  Dim text As String
  indexes = doc.getDocumentIndexes()
  If @UPDATE@ Then
    For pass = 1 To 2
      For i = 0 To indexes.getCount() - 1
        indexes.getByIndex(i).update()
      Next i
    Next pass
  End If
  text = ""
  For i = 0 To indexes.getCount() - 1
    index = indexes.getByIndex(i)
    If index.supportsService("com.sun.star.text.ContentIndex") And text = "" Then
      text = index.getAnchor().getString()
    End If
  Next i
  WriteText(tocUrl, text)
  Dim pdfArgs(0) As New com.sun.star.beans.PropertyValue
  pdfArgs(0).Name = "FilterName"
  pdfArgs(0).Value = "writer_pdf_Export"
  doc.storeToURL(pdfUrl, pdfArgs())
  doc.close(True)
  WriteText(statusUrl, "ok")
  Exit Sub
Failed:
  WriteText(statusUrl, "错误 " & Err & "：" & Error$ & "（宏第 " & Erl & " 行）")
  On Error Resume Next
  If Not IsNull(doc) Then doc.close(True)
End Sub
"""


class PdfError(GeneratorError):
    """LibreOffice is missing or could not convert a document."""


@dataclass(frozen=True)
class _Job:
    docx: Path
    pdf_part: Path
    toc: Path
    status: Path

    @property
    def pdf(self) -> Path:
        return self.docx.with_suffix(".pdf")


def find_program() -> Path:
    """soffice, where tools_probe finds it ($GENERATOR_SOFFICE, PATH, the usual places)."""
    from generator.machine.tools_probe import find_soffice

    found = find_soffice()
    if found is None:
        raise PdfError(MISSING)
    return Path(found)


def _basic_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def macro_module(jobs: Sequence[_Job], update_toc: bool) -> str:
    """The Basic module (as the profile's Module1.xba) converting `jobs` in order."""
    lines = []
    for i, job in enumerate(jobs):
        urls = (job.docx.as_uri(), job.pdf_part.as_uri(), job.toc.as_uri(), job.status.as_uri())
        lines += [f"  jobs({i}, {k}) = {_basic_string(u)}" for k, u in enumerate(urls)]
    source = (
        MACRO.replace("@LAST@", str(len(jobs) - 1))
        .replace("@JOBS@", "\n".join(lines))
        .replace("@UPDATE@", "True" if update_toc else "False")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
        '"module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" '
        'script:name="Module1" script:language="StarBasic">' + escape(source) + "</script:module>"
    )


def _soffice(program: Path, profile: Path, *args: str, timeout: float) -> None:
    command = [
        str(program),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        *args,
    ]
    try:
        run_watched(command, timeout)  # LibreOffice never outlives the build
    except subprocess.TimeoutExpired as exc:
        raise PdfError(f"LibreOffice 转换超时（{timeout:.0f} 秒）") from exc
    except OSError as exc:
        raise PdfError(f"无法启动 LibreOffice（{program}）：{exc}") from exc


def read_toc(path: Path) -> list[tuple[str, str]]:
    """(heading, page) of each line 'heading<TAB>page' LibreOffice wrote for a TOC."""
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, page = line.rpartition("\t")
        if text.strip() and page.strip().isdigit():
            entries.append((text.strip(), page.strip()))
    return entries


def _write_atomically(target: Path, data: bytes) -> None:
    part = target.with_name(f".{target.name}.part")
    part.write_bytes(data)
    os.replace(part, target)


def export_pdfs(
    docx_paths: list[Path], update_toc: bool = True, timeout: float | None = None
) -> list[Path]:
    """Convert every document with one LibreOffice; return the PDFs (beside the documents).
    With `update_toc`, tables of contents get the page numbers of their headings, in the PDF
    and in the .docx. Raises PdfError (in Chinese) naming the documents that failed."""
    if not docx_paths:
        return []
    program = find_program()
    profile = Path(tempfile.mkdtemp(prefix="generator-lo-"))
    try:
        jobs = [
            _Job(
                d.resolve(),
                d.resolve().with_name(f".{d.stem}.pdf.part"),
                profile / f"toc-{i}.txt",
                profile / f"status-{i}.txt",
            )
            for i, d in enumerate(docx_paths)
        ]
        _soffice(program, profile, "--terminate_after_init", timeout=120)
        macro = profile / PROFILE_MACRO
        macro.parent.mkdir(parents=True, exist_ok=True)
        macro.write_text(macro_module(jobs, update_toc), encoding="utf-8")
        limit = timeout or 60 + 15 * len(jobs)
        _soffice(program, profile, "macro:///Standard.Module1.Convert", timeout=limit)
        return _finish(jobs, update_toc)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        for job in jobs if "jobs" in locals() else []:
            job.pdf_part.unlink(missing_ok=True)


def _finish(jobs: list[_Job], update_toc: bool) -> list[Path]:
    failed = []
    for job in jobs:
        status = job.status.read_text(encoding="utf-8") if job.status.is_file() else "未运行"
        if status != "ok" or not job.pdf_part.is_file():
            failed.append(f"{job.docx.name}：{status}")
    if failed:
        raise PdfError("LibreOffice 未能生成这些 PDF：\n" + "\n".join(failed))
    for job in jobs:
        entries = read_toc(job.toc)
        data = job.docx.read_bytes()
        if update_toc and entries:
            data, _found = set_toc_pages(data, entries)
            _write_atomically(job.docx, data)
        pdf = normalize_pdf(job.pdf_part.read_bytes(), hashlib.md5(data).hexdigest())
        job.pdf_part.write_bytes(pdf)
        os.replace(job.pdf_part, job.pdf)
    return [job.pdf for job in jobs]


DATE = re.compile(rb"/(?:CreationDate|ModDate)\s*\(D:(\d{14})")
HEX_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>")
CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")


def normalize_pdf(data: bytes, seed: str) -> bytes:
    """The PDF with its dates fixed (1980-01-01) and its ID and checksum derived from `seed`
    (the document's digest): the same document gives the same bytes. Same lengths: the cross
    reference table stays valid."""
    fixed = seed.upper().encode("ascii")[:32].ljust(32, b"0")

    def swap(match: re.Match[bytes], value: bytes) -> bytes:
        whole, start = match.group(0), match.start(0)
        for group in range(1, (match.lastindex or 0) + 1):
            a, b = match.start(group) - start, match.end(group) - start
            whole = whole[:a] + value + whole[b:]
        return whole

    data = DATE.sub(lambda m: swap(m, b"19800101000000"), data)
    data = HEX_ID.sub(lambda m: swap(m, fixed), data)
    return CHECKSUM.sub(lambda m: swap(m, fixed), data)


def stage_pdfs(staging: Any, documents: list[str] | None = None) -> list[str]:
    """Inside a build's staging step (before `staging.commit`): convert the staged .docx files
    (`documents`, relative paths; all staged .docx by default), write each PDF beside its
    document and list it in the manifest (kind "pdf", same project and title). Returns the
    PDFs' relative paths. A PdfError leaves the staging to be discarded by the caller."""
    from generator.write.outputs import OutputFile

    entries = {f.path: f for f in staging.files}
    chosen = documents if documents is not None else [p for p in entries if p.endswith(".docx")]
    export_pdfs([staging.root / p for p in chosen])
    added = []
    for relative in chosen:
        pdf = relative[: -len(".docx")] + ".pdf"
        source = entries.get(relative)
        entry = OutputFile(
            path=pdf,
            kind="pdf",
            project=source.project if source else None,
            title=source.title if source else "",
            source=getattr(source, "source", None),
        )
        staging.record(entry)
        added.append(pdf)
    return added


def add_pdfs_to_output(out: Path) -> list[Path]:
    """After a build: PDFs of every .docx the output's manifest lists, written beside them and
    added to manifest.json (kind "pdf"). Each file is replaced atomically. (The build's own
    `pdf` step, `stage_pdfs`, is preferred: it makes the PDFs before the output is swapped in.)"""
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = manifest.get("files", [])
    documents = [f for f in files if str(f.get("path", "")).endswith(".docx")]
    pdfs = export_pdfs([out / f["path"] for f in documents])
    known = {f["path"] for f in files}
    for entry in documents:
        pdf = entry["path"][: -len(".docx")] + ".pdf"
        if pdf not in known:
            files.append({**entry, "path": pdf, "kind": "pdf"})
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    _write_atomically(manifest_path, text.encode("utf-8"))
    return pdfs
