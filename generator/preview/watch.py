"""A watcher of the data and template folders (no dependency, any file system).

Changes are found by comparing snapshots (mtime, size, inode of every watched file), which sees
the saves of every editor, including those that write a new file and rename it over the old
one. On Linux the kernel says when to look (inotify, through libc): a file closed after writing,
renamed, deleted or touched is seen within a millisecond, and a snapshot is still compared every
`SAFETY` seconds (for what inotify does not see, such as network file systems). Elsewhere, or
when inotify cannot be had, a snapshot is compared every `interval` seconds (polling a few dozen
files every 0.025 s costs nothing measurable).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

Stamp = tuple[int, int, int]
IGNORED_PREFIXES = ("~$", ".~lock", ".#", ".")
WATCHED_SUFFIXES = (".yaml", ".yml", ".docx")
SAFETY = 0.5  # seconds between two snapshots while inotify is watching
SETTLE = 0.005  # seconds for a save seen by polling to finish (it may be under way)


def _wanted(name: str) -> bool:
    return name.endswith(WATCHED_SUFFIXES) and not name.startswith(IGNORED_PREFIXES)


def snapshot(
    roots: Iterable[Path], depth: int = 2, folders: list[Path] | None = None
) -> dict[Path, Stamp]:
    """Stamp (mtime, size, inode) of every watched file under `roots`, `depth` levels down;
    the folders looked into are added to `folders`."""
    out: dict[Path, Stamp] = {}

    def scan(folder: Path, level: int) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        if folders is not None:
            folders.append(folder)
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if level < depth and not entry.name.startswith("."):
                        scan(Path(entry.path), level + 1)
                elif _wanted(entry.name):
                    st = entry.stat()
                    out[Path(entry.path)] = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                continue

    for root in roots:
        scan(root, 1)
    return out


class Inotify:
    """Linux's inotify on folders, through libc: `ready()` says whether a watched file was
    saved, renamed, deleted or touched, or a folder came or went, since the last call."""

    CLOSE_WRITE, ATTRIB, MOVED_FROM, MOVED_TO = 0x8, 0x4, 0x40, 0x80
    CREATE, DELETE, DELETE_SELF, MOVE_SELF, ISDIR = 0x100, 0x200, 0x400, 0x800, 0x40000000
    OVERFLOW, IGNORED = 0x4000, 0x8000
    RESCAN = ISDIR | DELETE_SELF | MOVE_SELF | OVERFLOW | IGNORED  # the folders changed
    MASK = CLOSE_WRITE | ATTRIB | MOVED_FROM | MOVED_TO | CREATE | DELETE | DELETE_SELF | MOVE_SELF
    NONBLOCK, CLOEXEC = 0o4000, 0o2000000
    HEAD = struct.Struct("iIII")

    def __init__(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self._add = libc.inotify_add_watch
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = libc.inotify_init1(self.NONBLOCK | self.CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self._watched: set[Path] = set()

    def watch(self, folders: Iterable[Path]) -> None:
        """Watch these folders too (a folder watched already is skipped)."""
        for folder in folders:
            if folder in self._watched:
                continue
            if self._add(self.fd, os.fsencode(folder), self.MASK) >= 0:
                self._watched.add(folder)

    def forget(self) -> None:
        """Drop the folder list (watch() adds them again; the kernel drops the gone ones)."""
        self._watched.clear()

    def ready(self) -> bool:
        """Read the events waiting; whether one concerns a watched file or a folder."""
        relevant = False
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return relevant
            except OSError:
                return True
            if not data:
                return relevant
            offset = 0
            while offset + self.HEAD.size <= len(data):
                _, mask, _, length = self.HEAD.unpack_from(data, offset)
                offset += self.HEAD.size
                name = data[offset : offset + length].split(b"\0", 1)[0].decode(errors="replace")
                offset += length
                if mask & self.RESCAN:
                    self.forget()
                    relevant = True
                elif _wanted(name) and not mask & self.CREATE:  # its CLOSE_WRITE follows
                    relevant = True

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class Watcher:
    """Calls `on_change(paths, newest_mtime)` when watched files appear, change or go."""

    def __init__(
        self,
        roots: Iterable[Path],
        on_change: Callable[[set[Path], float], None],
        interval: float = 0.025,
        use_inotify: bool = True,
    ):
        self.roots = [Path(r) for r in roots]
        self.on_change = on_change
        self.interval = interval
        self.use_inotify = use_inotify and sys.platform.startswith("linux")
        self.inotify: Inotify | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the wake-up pipe: written by stop(), closed at the end
        self._wake_r, self._wake_w = -1, -1
        self._thread: threading.Thread | None = None
        self._folders: list[Path] = []
        self._last = snapshot(self.roots, folders=self._folders)

    def poll(self, settle: bool = True) -> set[Path]:
        """Compare with the last snapshot; report and return the paths that changed. With
        `settle`, a change is looked at again SETTLE s later (a save may be under way)."""
        folders: list[Path] = []
        now = snapshot(self.roots, folders=folders)
        changed = {p for p in now.keys() | self._last.keys() if now.get(p) != self._last.get(p)}
        if changed and settle:
            time.sleep(SETTLE)
            folders = []
            later = snapshot(self.roots, folders=folders)
            changed |= {p for p in later.keys() | now.keys() if later.get(p) != now.get(p)}
            now = later
        self._folders = folders
        if changed:
            self._last = now
            newest = max((now[p][0] for p in changed if p in now), default=time.time_ns())
            self.on_change(changed, newest / 1e9)
        return changed

    def start(self) -> None:
        if self.use_inotify:
            try:
                self.inotify = Inotify()
                self.inotify.watch(self._folders)
                self._wake_r, self._wake_w = os.pipe()
            except (OSError, AttributeError):  # no inotify here: poll
                self.inotify = None
        self._thread = threading.Thread(target=self._run, name="preview-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self.inotify is None:
            while not self._stop.wait(self.interval):
                self._safely(True)
            return
        try:
            self._listen(self.inotify)
        finally:
            self.inotify.close()
            with self._lock:
                for fd in (self._wake_r, self._wake_w):
                    with contextlib.suppress(OSError):
                        os.close(fd)
                self._wake_r, self._wake_w = -1, -1

    def _listen(self, inotify: Inotify) -> None:
        """Snapshots when inotify says so (a file closed after writing is whole: no settling),
        and every SAFETY s."""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([inotify.fd, self._wake_r], [], [], SAFETY)
            except (OSError, ValueError):
                return
            if self._stop.is_set():
                return
            if inotify.fd in ready:
                if inotify.ready():
                    self._safely(False)
            else:
                self._safely(True)
            inotify.watch(self._folders)

    def _safely(self, settle: bool) -> None:
        try:
            self.poll(settle)
        except Exception:  # noqa: BLE001 - keep watching whatever happens
            time.sleep(self.interval)

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            if self._wake_w >= 0:
                with contextlib.suppress(OSError):
                    os.write(self._wake_w, b"x")
