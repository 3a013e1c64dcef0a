"""LibreOffice (or any program the build starts) never outlives the build: kill -9 the build
while the program runs, and the program's whole process group is gone shortly after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9 and process groups: POSIX")

PROGRAM = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(60)"
DRIVER = """
import sys
from generator.machine.childwatch import run_watched
run_watched([sys.executable, "-c", sys.argv[1], sys.argv[2]], timeout=120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "zombie" not in status.read_text()


def test_a_killed_build_takes_its_program_with_it(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    root = Path(__file__).resolve().parents[1]
    build = subprocess.Popen([sys.executable, "-c", DRIVER, PROGRAM, str(marker)], cwd=root)
    deadline = time.monotonic() + 30
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the program did not start"
    children = [marker.read_text()]
    assert _alive(int(children[0]))
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(int(pid)) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(int(pid))], "the program outlived the build"
