"""A lock file beside an output folder, so that two builds of one folder never interleave.

Portable: the lock is a file created with O_CREAT | O_EXCL holding the owner's process id and
host. A lock whose process no longer runs on this host is stale and taken over. A second build
waits (bounded) for the first, then gives up with a message naming the lock file.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from generator.errors import BuildError

WAIT_ENV = "GENERATOR_LOCK_WAIT"
WAIT_SECONDS = 120.0
POLL_SECONDS = 0.1


def wait_seconds() -> float:
    """How long a build waits for another build of its folder: $GENERATOR_LOCK_WAIT or 120 s."""
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: existence check only
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - exercised on Windows
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


class OutputLock:
    """`with OutputLock(target):` holds `.<name>.lock` beside `target` for the block."""

    def __init__(self, target: Path, wait: float | None = None):
        self.path = lock_path(target)
        self.wait = wait_seconds() if wait is None else wait
        self._held = False

    def __enter__(self) -> OutputLock:
        deadline = time.monotonic() + self.wait
        while not self._try_create():
            owner = self._owner()
            if owner is not None and self._is_stale(owner):
                self._break()
                continue
            if time.monotonic() >= deadline:
                raise BuildError(self._busy_message(owner))
            time.sleep(POLL_SECONDS)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False

    def _try_create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"pid": os.getpid(), "host": socket.gethostname()}, handle)
        self._held = True
        return True

    def _owner(self) -> dict | None:
        """The lock's content; None while it is being written (or just removed)."""
        try:
            owner = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self._unreadable()
        return owner if isinstance(owner, dict) else {}

    def _unreadable(self) -> dict | None:
        """An empty or garbled lock older than a few seconds is a crash's leftover."""
        try:
            age = time.time() - self.path.stat().st_mtime
        except OSError:
            return None
        return {} if age > 5 else None

    @staticmethod
    def _is_stale(owner: dict) -> bool:
        pid, host = owner.get("pid"), owner.get("host")
        if host is not None and host != socket.gethostname():
            return False  # another machine's build (shared folder): cannot tell, so wait
        return not isinstance(pid, int) or not pid_alive(pid)

    def _break(self) -> None:
        self.path.unlink(missing_ok=True)

    def _busy_message(self, owner: dict | None) -> str:
        who = f"（进程 {owner.get('pid')}，{owner.get('host')}）" if owner else ""
        return (
            f"另一个生成任务{who}正在写入同一输出文件夹，等待 {self.wait:.0f} 秒后仍未结束。"
            f"请稍后重试；如确认没有其他生成任务，请删除锁文件 {self.path}。"
        )
