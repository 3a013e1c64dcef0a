"""Page-faithful view: a rendered document converted to PDF by LibreOffice (headless)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from generator.errors import GeneratorError

_LOCK = threading.Lock()  # one LibreOffice at a time: it shares its profile
_PROFILE: list[Path] = []


class PdfError(GeneratorError):
    """LibreOffice is missing or could not convert the document."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> Path:
    if not _PROFILE:
        _PROFILE.append(Path(tempfile.mkdtemp(prefix="preview-lo-")))
    return _PROFILE[0]


def to_pdf(docx: Path, timeout: float = 180) -> Path:
    """Convert `docx` to a PDF beside it and return the PDF's path."""
    program = soffice()
    if program is None:
        raise PdfError("未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice 后重试。")
    command = [
        program, "--headless", "--norestore", "--nolockcheck",
        f"-env:UserInstallation={_profile().as_uri()}",
        "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx),
    ]
    target = docx.with_suffix(".pdf")
    with _LOCK:
        target.unlink(missing_ok=True)
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice 转换超时（{timeout:.0f} 秒）") from exc
    if done.returncode != 0 or not target.exists():
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
        raise PdfError(f"LibreOffice 未能生成 PDF：{detail or done.returncode}")
    return target
