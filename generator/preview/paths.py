"""Paths a request may name: below one of the served folders, never outside it."""

from __future__ import annotations

import re
from pathlib import Path

WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_join(root: Path, relative: str) -> Path | None:
    """`root/relative` if it stays inside `root` once symlinks are resolved, else None.

    Refuses absolute paths, drive letters, backslashes, NUL, empty and `.`/`..` segments before
    touching the file system, then checks the resolved path (a symlink may point outside).
    """
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    if relative.startswith("/") or WINDOWS_DRIVE.match(relative):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = root.resolve()
    try:
        target = (base / Path(*parts)).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if target != base and base not in target.parents:
        return None
    return target
