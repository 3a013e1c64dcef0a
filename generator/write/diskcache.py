"""A small on-disk cache of derived bytes (compiled templates, cleaned template XML, typeset
template parts, charts), keyed by content and by the code that derives it.

The folder is the user's cache folder (`%LOCALAPPDATA%\\generator\\Cache` on Windows,
`~/Library/Caches/generator` on macOS, `$XDG_CACHE_HOME/generator` or `~/.cache/generator`
elsewhere); `GENERATOR_CACHE=DIR` chooses another, `GENERATOR_CACHE=off` none. A folder that
cannot be written means no disk cache, never an error. Entries are written atomically
(temporary file, then rename), so concurrent builds at worst compute the same entry twice.
Every key includes a fingerprint of the versions and sources involved: a changed template, a
changed module or another library version gives other keys, and old entries are pruned.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ENV = "GENERATOR_CACHE"
OFF = {"off", "0", "no", "false", "none"}
MAX_ENTRIES = 20000  # per kind; the oldest half goes beyond it
_PACKAGE = Path(__file__).resolve().parent.parent


def _default_root() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "generator" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "generator"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "generator"


@cache
def root() -> Path | None:
    """The cache folder, created; None when switched off or not writable."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() in OFF:
        return None
    folder = Path(chosen) if chosen else _default_root()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError:
        return None
    return folder


def reset() -> None:
    """Forget the folder chosen (tests change GENERATOR_CACHE)."""
    root.cache_clear()
    _pruned.clear()
    _FOLDERS.clear()


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:40]


@cache
def source_fingerprint(*relative: str) -> str:
    """The content of some of the package's modules (files, folders or glob patterns such as
    `typeset*.py`) and Python's version."""
    parts: list[bytes | str] = [sys.version]
    for name in relative:
        path = _PACKAGE / name
        if "*" in name:
            files = sorted(_PACKAGE.glob(name))
        else:
            files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            parts += [file.name, file.read_bytes()]
    return digest(*parts)


def _path(kind: str, key: str) -> Path | None:
    folder = root()
    return None if folder is None else folder / kind / key[:2] / key


def load(kind: str, key: str) -> bytes | None:
    path = _path(kind, key)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


MISSING = object()  # load_object's answer for an entry absent or damaged


def load_object(kind: str, key: str) -> Any:
    """A pickled entry (`store_object`), or MISSING when it is absent or damaged (it is then
    computed again)."""
    data = load(kind, key)
    if data is None:
        return MISSING
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged entry is computed again
        return MISSING


def store_object(kind: str, key: str, value: Any) -> None:
    store(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


_pruned: set[str] = set()


def store(kind: str, key: str, data: bytes) -> None:
    """Write an entry atomically; any failure leaves the cache as it was."""
    path = _path(kind, key)
    if path is None:
        return
    try:
        _write_new(path, data)
    except OSError:
        return
    if kind not in _pruned:
        _pruned.add(kind)
        _prune(path.parent.parent)


_FOLDERS: set[Path] = set()  # made (or found) by this process
_SERIAL = itertools.count()


def _write_new(path: Path, data: bytes) -> None:
    """`data` written to a temporary file beside `path` (named by this process and a serial:
    no other writer uses it), then renamed over it."""
    folder = path.parent
    if folder not in _FOLDERS:
        folder.mkdir(parents=True, exist_ok=True)
        _FOLDERS.add(folder)
    tmp = folder / f".tmp-{os.getpid()}-{next(_SERIAL)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileNotFoundError:  # the folder went since (deleted by hand): made again
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _prune(folder: Path) -> None:
    """Beyond MAX_ENTRIES entries of a kind, remove the older half (once per process)."""
    try:
        entries = [p for p in folder.glob("*/*") if not p.name.startswith(".")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[: len(entries) // 2]:
            old.unlink(missing_ok=True)
    except OSError:
        return
