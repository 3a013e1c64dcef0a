"""Where the optional programs are: LibreOffice (PDF), poppler (PDF checks), Chromium (preview
test). Each is looked up through an environment variable first, then PATH, then the usual
install places of Windows, macOS and Linux (信创 desktops included)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

SOFFICE_ENV = "GENERATOR_SOFFICE"
CHROMIUM_ENV = "GENERATOR_CHROMIUM"


def _program_dirs() -> list[Path]:
    names = ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432", "LOCALAPPDATA")
    return [Path(os.environ[n]) for n in names if os.environ.get(n)]


def _soffice_places() -> list[Path]:
    if sys.platform == "win32":
        return [d / "LibreOffice" / "program" / "soffice.exe" for d in _program_dirs()]
    if sys.platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    places = [Path("/usr/bin/soffice"), Path("/usr/lib/libreoffice/program/soffice")]
    places += sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    places += [Path("/snap/bin/libreoffice"), Path("/usr/local/bin/soffice")]
    return places


def _first(env: str, names: Iterable[str], places: Iterable[Path]) -> Path | None:
    chosen = os.environ.get(env, "").strip()
    if chosen:
        path = Path(chosen)
        found = path if path.is_file() else shutil.which(chosen)
        return Path(found) if found else None
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((p for p in places if p.is_file()), None)


def find_soffice() -> Path | None:
    """LibreOffice's soffice: $GENERATOR_SOFFICE, PATH (soffice, libreoffice), install places.
    A $GENERATOR_SOFFICE that names no program gives None (it is not silently ignored)."""
    return _first(SOFFICE_ENV, ("soffice", "libreoffice"), _soffice_places())


def soffice_version(program: Path, timeout: float = 30) -> str | None:
    """`soffice --version`'s first line, or None when it does not answer."""
    try:
        done = subprocess.run(
            [str(program), "--version"],
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else None


def _chromium_places() -> list[Path]:
    if sys.platform == "win32":
        tails = [("Google", "Chrome"), ("Chromium",), ("Microsoft", "Edge")]
        return [d.joinpath(*t, "Application", "chrome.exe") for d in _program_dirs() for t in tails]
    if sys.platform == "darwin":
        return [
            Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
            Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
        ]
    return [Path("/usr/lib/chromium/chromium"), Path("/snap/bin/chromium")]


def find_chromium() -> Path | None:
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return _first(CHROMIUM_ENV, names, _chromium_places())


def find_program(name: str) -> Path | None:
    """A program on PATH (pdftoppm, pdftotext, fc-list …)."""
    found = shutil.which(name)
    return Path(found) if found else None
