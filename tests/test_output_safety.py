"""A build writes only what it owns, survives being killed at any moment, leaves no worker
behind, and names its files safely; numbers are ASCII decimal or an error (issue 12)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from support import ROOT, Built, copy_data, project_file, run_cli, snapshot

MARKER_ENV = "GENERATOR_TEST_MARKER"


def cli_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


@pytest.fixture
def previous(built: Built, tmp_path: Path) -> Path:
    """A previous build's output, alone in its parent folder."""
    out = tmp_path / "site" / "out"
    shutil.copytree(built.out, out)
    return out


# --- 1. a build writes only what it owns ----------------------------------------------------


def test_folder_with_unrelated_file_is_refused(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "笔记.txt").write_text("别删我", encoding="utf-8")
    run = run_cli("build", data, "-o", out)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "笔记.txt" in run.stderr and "未做任何改动" in run.stderr
    assert "Traceback" not in run.stderr
    assert (out / "笔记.txt").read_text(encoding="utf-8") == "别删我"
    assert sorted(os.listdir(tmp_path)) == ["out"] and os.listdir(out) == ["笔记.txt"]


def test_previous_build_with_a_foreign_file_is_refused(previous: Path) -> None:
    (previous / "自评报告" / "改过的.docx").write_bytes(b"mine")
    before = snapshot(previous)
    run = run_cli("build", ROOT / "data" / "2023", "-o", previous)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "自评报告/改过的.docx" in run.stderr
    assert snapshot(previous) == before


@pytest.mark.parametrize("where", ["same", "inside", "parent"])
def test_output_never_overlaps_the_data(data: Path, tmp_path: Path, where: str) -> None:
    mine = copy_data(data, tmp_path / "work" / "2023")
    out = {"same": mine, "inside": mine / "out", "parent": mine.parent}[where]
    before = snapshot(tmp_path)
    run = run_cli("build", mine, "-o", out)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "数据文件夹" in run.stderr
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["2023"]


def test_build_into_the_current_folder_is_refused(data: Path, tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("x", encoding="utf-8")
    run = run_cli("build", data, "-o", ".", cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "当前文件夹" in run.stderr
    assert os.listdir(tmp_path) == ["readme.txt"]


def test_a_previous_build_is_replaced_and_marked(data: Path, previous: Path) -> None:
    manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "部门决算公开生成器"
    stale = previous / "项目自评表" / "99-旧项目-项目支出绩效自评表.docx"
    stale.write_bytes(b"old")
    manifest["files"].append({"path": stale.relative_to(previous).as_posix(), "kind": "table"})
    (previous / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run = run_cli("build", data, "-o", previous)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not stale.exists()  # listed in the old manifest: ours to replace
    assert os.listdir(previous.parent) == ["out"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_output_folder_gets_ordinary_permissions(data: Path, tmp_path: Path, umask: int) -> None:
    out = tmp_path / "out"
    code = (
        f"import os, sys; os.umask({umask}); from generator.cli import main; "
        f"sys.exit(main(['build', {str(data)!r}, '-o', {str(out)!r}, '--project', '人才工作经费']))"
    )
    run = subprocess.run([sys.executable, "-c", code], env=cli_env(), capture_output=True)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out / "项目自评表").stat().st_mode & 0o777 == 0o777 & ~umask


# --- the lock, stale leftovers, the crash between the two renames ----------------------------


def test_a_second_build_waits_for_the_lock_then_gives_up(data: Path, previous: Path) -> None:
    from generator.write.outlock import OutputLock, lock_path

    before = snapshot(previous)
    with OutputLock(previous):  # this test process holds it, alive
        start = time.monotonic()
        run = run_cli(
            "build", data, "-o", previous, "--project", "人才工作经费", GENERATOR_LOCK_WAIT="1"
        )
        waited = time.monotonic() - start
    assert run.returncode == 1, run.stdout + run.stderr
    assert str(lock_path(previous)) in run.stderr and "另一个生成任务" in run.stderr
    assert waited >= 1
    assert snapshot(previous) == before
    assert not lock_path(previous).exists()


def dead_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def test_stale_lock_and_staging_folders_are_cleaned(data: Path, previous: Path) -> None:
    import socket

    from generator.write.outlock import lock_path

    parent = previous.parent
    lock_path(previous).write_text(
        json.dumps({"pid": dead_pid(), "host": socket.gethostname()}), encoding="utf-8"
    )
    (parent / ".out.build-abcd_123").mkdir()
    (parent / ".out.build-abcd_123" / "half.docx").write_bytes(b"x")
    (parent / ".out.old").mkdir()
    (parent / ".out.x1y2z3_w").mkdir()  # a staging folder as older versions named it
    (parent / ".out.notours").mkdir()  # not a name of ours: left alone
    run = run_cli(
        "build", data, "-o", previous, "--project", "人才工作经费", GENERATOR_LOCK_WAIT="5"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(os.listdir(parent)) == [".out.notours", "out"]


def test_crash_between_the_renames_is_recovered(data: Path, previous: Path) -> None:
    from generator.write.outputs import old_path

    before = snapshot(previous)
    os.replace(previous, old_path(previous))  # what a crash after the first rename leaves
    run = run_cli("build", data, "-o", previous, "--project", "人才工作经费")
    assert run.returncode == 0, run.stdout + run.stderr
    assert set(snapshot(previous)) == set(before)  # the previous output came back whole
    assert sorted(os.listdir(previous.parent)) == ["out"]


# --- --project replaces a project's files by its identity -----------------------------------


def rename_project(data: Path, number: int, new: str) -> str:
    path = data / project_file(data, number)
    old = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("name: ").strip()
    for file in sorted(data.rglob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        if old in text:
            file.write_text(text.replace(old, new), encoding="utf-8")
    return old


def test_project_build_replaces_the_project_by_identity(data: Path, previous: Path) -> None:
    changed = copy_data(data, previous.parent.parent / "data")
    old = rename_project(changed, 1, "东西部协作人才交流项目（更名）")
    run = run_cli("build", changed, "-o", previous, "--project", "东西部协作人才交流项目（更名）")
    assert run.returncode == 0, run.stdout + run.stderr
    out = Built.load(previous)
    paths = [f["path"] for f in out.files()]
    assert len(paths) == len(set(paths))
    assert not any(old == f["project"] for f in out.files())
    assert not [
        p for p in snapshot(previous) if p.startswith("项目自评表/01-东西部协作人才交流项目-")
    ]
    assert set(snapshot(previous)) == set(paths) | {"manifest.json"}

    # the project's file renumbered (its name kept): the old 01- files go too
    source = changed / project_file(changed, 1)
    source.rename(source.with_name("99-" + source.name[3:]))
    run = run_cli("build", changed, "-o", previous, "--project", "东西部协作人才交流项目（更名）")
    assert run.returncode == 0, run.stdout + run.stderr
    tables = [f["path"] for f in Built.load(previous).files("table")]
    assert not [p for p in tables if "更名" in p and not p.startswith("项目自评表/24-")]
    assert len([p for p in tables if "更名" in p]) == 1


def test_parallel_project_builds_of_one_folder(data: Path, previous: Path) -> None:
    names = ["人才工作经费", "干部暖心关爱帮扶基金经费", "关工委工作经费"]
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                str(data),
                "-o",
                str(previous),
                "--project",
                name,
            ],
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for proc in runs:
        stdout, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 0, stdout + stderr
    out = Built.load(previous)
    paths = [f["path"] for f in out.files()]
    assert len(paths) == len(set(paths)) == 1 + 7 + 3 + 24 + 1  # and the 附表 workbook
    assert set(snapshot(previous)) == set(paths) | {"manifest.json"}
    assert sorted(os.listdir(previous.parent)) == ["out"]


# --- 4. killed at random moments -------------------------------------------------------------


def marked_processes(marker: str) -> list[int]:
    """Live processes whose environment holds the marker (psutil, else /proc)."""
    needle = f"{MARKER_ENV}={marker}"
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        found = []
        for proc in psutil.process_iter():
            try:
                if (
                    proc.status() != psutil.STATUS_ZOMBIE
                    and proc.environ().get(MARKER_ENV) == marker
                ):
                    found.append(proc.pid)
            except (psutil.Error, OSError):
                continue
        return found
    if not Path("/proc/self/environ").exists():
        pytest.skip("neither psutil nor /proc to find the workers")
    found = []
    for entry in Path("/proc").iterdir():
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and needle.encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def wait_gone(marker: str, seconds: float = 6) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := marked_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def kill_build_at(data: Path, out: Path, delay: float, sig: int) -> None:
    marker = uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(data), "-o", str(out)],
        env=cli_env(**{MARKER_ENV: marker, "GENERATOR_LOCK_WAIT": "30"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(sig)  # the main process only: its workers must notice by themselves
    proc.wait(timeout=60)
    left = wait_gone(marker)
    assert not left, f"processes left after signal {sig} at {delay:.2f} s: {left}"


def intact(out: Path, before: dict[str, bytes], delay: float) -> None:
    """The old output or the new (equal bytes: same data); a kill between the two renames
    leaves the previous output whole as `.out.old`, which the next build restores."""
    from generator.write.outputs import old_path, recover

    if not out.exists():
        assert old_path(out).is_dir(), f"no output at all after a kill at {delay:.2f} s"
        recover(out)
    assert snapshot(out) == before, f"output changed after a kill at {delay:.2f} s"


@pytest.mark.skipif(os.name == "nt", reason="kill -9 and SIGTERM")
def test_killed_builds_leave_no_process_and_the_output_intact(data: Path, previous: Path) -> None:
    start = time.monotonic()
    assert run_cli("build", data, "-o", previous).returncode == 0
    seconds = time.monotonic() - start
    before = snapshot(previous)  # what this code builds (every later build gives these bytes)
    moments = [(random.uniform(0.05, seconds), signal.SIGKILL) for _ in range(10)]
    moments += [(random.uniform(0.3, seconds), signal.SIGTERM) for _ in range(2)]
    for delay, sig in moments:
        kill_build_at(data, previous, delay, sig)
        intact(previous, before, delay)
    assert run_cli("build", data, "-o", previous).returncode == 0  # cleans what kills left
    assert sorted(os.listdir(previous.parent)) == ["out"]
    assert snapshot(previous) == before


# --- 5. names --------------------------------------------------------------------------------


def test_names_are_cleaned_cut_by_bytes_and_unique() -> None:
    from generator.write.names import NameBook, component, safe_name

    assert safe_name("evil\u202egpj.docx") == "evilgpj.docx"
    assert safe_name("a\u200bb\u200cc\u200dd\ufeffe\u2060f\u2066g\u2069\u200e\u200f") == "abcdefg"
    assert safe_name("名称. . ") == "名称"
    long = "很长的项目名称" * 30
    name = component("07-", long, "-项目支出绩效自评表.docx")
    assert len(name.encode("utf-8")) <= 150
    assert name.startswith("07-很长") and name.endswith("-项目支出绩效自评表.docx")
    assert component("", "CON", ".docx") == "_CON.docx"
    assert component("", "nul", "") == "_nul"
    assert component("", "lpt1", ".txt") == "_lpt1.txt"
    assert component("", "CONSOLE", ".docx") == "CONSOLE.docx"
    book = NameBook()
    first = book.claim("项目自评表", "01-", "项目A", ".docx")
    assert book.claim("项目自评表", "01-", "项目\u200bA", ".docx") == "项目自评表/01-项目A-2.docx"
    assert book.claim("项目自评表", "01-", "项目a", ".docx") != first.replace("A", "a")


def test_long_and_spoofing_project_names_build(data: Path, tmp_path: Path) -> None:
    hostile = "\u202e" + "超长项目名称" * 20 + "\u200b"  # 120 CJK characters, 360 bytes
    changed = copy_data(
        data,
        tmp_path / "data",
        {
            "performance.yaml": [("  - 东西部协作人才交流项目", f"  - {hostile}")],
            project_file(data, 1): [("name: 东西部协作人才交流项目\n", f"name: {hostile}\n")],
        },
    )
    run = run_cli("build", changed, "-o", tmp_path / "out", "--project", hostile)
    assert run.returncode == 0, run.stdout + run.stderr
    for entry in Built.load(tmp_path / "out").files():
        folder, name = entry["path"].split("/")
        assert name.startswith("01-超长项目名称") and len(name.encode("utf-8")) <= 150
        assert not set(name) & {"\u202e", "\u200b"}
        assert (tmp_path / "out" / entry["path"]).is_file()


# --- 2. numbers are ASCII decimal or an error -----------------------------------------------


def coerce(kind: str, value: str):
    from generator.read.validate import DataValidator

    rule = {"type": "decimal" if kind == "decimal" else "integer", "coerce": kind}
    validator = DataValidator({"v": rule})
    if validator.validate({"v": value}):
        return validator.document["v"]
    return str(validator._errors[0].info[0])


@pytest.mark.parametrize(
    "text",
    ["1²", "⑩", "١٢", "१२", "12\u0663", "Ⅻ", "1e3", "0x10", "1_000", "12.", ".5", "−3", "∞", "NaN"],
)
def test_numbers_in_other_scripts_are_errors(text: str) -> None:
    assert not isinstance(coerce("decimal", text), Decimal)
    assert not isinstance(coerce("count", text), int)


def test_ascii_and_full_width_numbers_keep_their_value() -> None:
    assert coerce("decimal", "912.26") == Decimal("912.26")
    assert coerce("decimal", "９１２．２６") == Decimal("912.26")
    assert coerce("decimal", "－３５") == Decimal(-35)
    assert coerce("count", "２４") == 24
    for zero in ("-0", "-0.00", "－０"):
        value = coerce("decimal", zero)
        assert value == 0 and not value.is_signed(), zero


def test_numbers_beyond_the_bounds_name_the_limit() -> None:
    assert coerce("decimal", "999999999999999.999999") == Decimal("999999999999999.999999")
    for text in ("1000000000000000", "1" + "0" * 30, "1.1234567"):
        message = coerce("decimal", text)
        assert isinstance(message, str) and "10^15" in message and "6 位" in message, text
    assert coerce("count", "1000000000") == 10**9
    for text in ("1000000001", "9" * 5000):
        message = coerce("count", text)
        assert isinstance(message, str) and "1,000,000,000" in message, text
        assert len(message) < 120  # a long value is shortened, not echoed whole


def test_a_superscript_in_the_data_is_reported_with_its_line(data: Path, tmp_path: Path) -> None:
    changed = copy_data(
        data,
        tmp_path / "data",
        {project_file(data, 1): [("    executed: 35\n", "    executed: 3⁵\n")]},
    )
    run = run_cli("check", changed)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{project_file(data, 1)}:" in run.stdout and "3⁵" in run.stdout


# --- cli: preview --port ---------------------------------------------------------------------


@pytest.mark.parametrize("port", ["70000", "0", "-1", "http"])
def test_preview_port_out_of_range_is_a_usage_error(data: Path, port: str) -> None:
    run = run_cli("preview", data, "--port", port)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "1–65535" in run.stderr and "Traceback" not in run.stderr


def test_check_names_the_limit_of_an_amount(data: Path, tmp_path: Path) -> None:
    big = "    executed: 1000000000000000\n"
    changed = copy_data(
        data, tmp_path / "data", {project_file(data, 1): [("    executed: 35\n", big)]}
    )
    run = run_cli("check", changed)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{project_file(data, 1)}:" in run.stdout and "10^15" in run.stdout


@pytest.mark.parametrize("relative", ["../escape.docx", "a/../../escape.docx", "/abs.docx", "."])
def test_a_staged_path_outside_the_staging_folder_is_refused(tmp_path: Path, relative: str) -> None:
    from generator.write.outputs import Staging

    staging = Staging(tmp_path / "out")
    try:
        with pytest.raises(ValueError, match="输出路径越界"):
            staging.write(relative, b"x", "table")
        staging.write("sub/../inside.docx", b"y", "table")  # stays inside: allowed
        assert (staging.root / "inside.docx").read_bytes() == b"y"
    finally:
        staging.discard()
    assert not list(tmp_path.rglob("escape.docx")) and not Path("/abs.docx").exists()
