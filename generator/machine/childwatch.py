"""Run an outside program (LibreOffice) so that it never outlives the build that started it.

The program runs in a process group of its own; a small watchdog process, started beside it,
waits on the build. If the build ends in any way before the program does (even kill -9, which no
handler sees), the watchdog ends the program's whole group. Portable: the watchdog polls the
build's process id (POSIX) or waits on its process handle (Windows).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Sequence

WATCHDOG = r"""
import os, signal, subprocess, sys, time
parent, child = int(sys.argv[1]), int(sys.argv[2])

def alive(pid):
    if os.name == "nt":
        import ctypes
        handle = ctypes.windll.kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        done = ctypes.windll.kernel32.WaitForSingleObject(handle, 0) == 0
        ctypes.windll.kernel32.CloseHandle(handle)
        return not done
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True

def parent_alive():
    return alive(parent) and (os.name == "nt" or os.getppid() == parent)

def end(pid):
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    try:  # POSIX only: looked up, so that nothing here is a POSIX-only name
        getattr(os, "killpg")(pid, getattr(signal, "SIGKILL"))
    except OSError:
        pass

while alive(child):
    if not parent_alive():
        end(child)
        break
    time.sleep(0.3)
"""


def run_watched(command: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """subprocess.run for a program that must die with us; raises TimeoutExpired like run."""
    group = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        if os.name == "nt"
        else {"start_new_session": True}
    )
    proc = subprocess.Popen(
        list(command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **group,  # type: ignore[arg-type]
    )
    watchdog = subprocess.Popen(
        [sys.executable, "-c", WATCHDOG, str(os.getpid()), str(proc.pid)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        _end_group(proc)
        raise
    finally:
        watchdog.kill()
        watchdog.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """End the program and everything it started (timeout, Ctrl-C, an error here)."""
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
    else:
        import signal

        with contextlib.suppress(OSError):  # POSIX (os.name checked above)
            getattr(os, "killpg")(proc.pid, getattr(signal, "SIGKILL"))  # noqa: B009
    proc.wait()
