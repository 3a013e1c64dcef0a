"""Atomic output: everything is written to a fresh folder, then swapped in whole.

A build replaces only what it owns: an absent or empty folder, or one holding a previous build
(its `manifest.json`, with nothing in the folder the manifest does not list). The output may
not be, hold or sit inside the data folder (or the templates). Staging folders are named
`.<name>.build-XXXXXXXX` beside the target and the previous output is parked as `.<name>.old`
between the two renames of the swap; a crash leaves one of them, and the next build (holding
the lock) restores or removes it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.errors import BuildError, UsageError
from generator.write.names import safe_name

__all__ = [
    "MARKER",
    "OutputFile",
    "Staging",
    "check_output",
    "recover",
    "safe_name",
]

MARKER = "generator"  # manifest key naming the program that wrote the folder
MARKER_VALUE = "部门决算公开生成器"
STAGING_INFIX = ".build-"
# Files Word, WPS and LibreOffice leave beside an open document; never the user's own work.
OFFICE_LOCK = re.compile(r"^(~\$.*|\.~lock\..*#)$")


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, with forward slashes
    kind: str  # disclosure / letter / table / chart
    project: str | None = None
    title: str = ""
    source: str | None = None  # the project's data file, part of its identity


@dataclass(frozen=True)
class ProjectKey:
    """What identifies a project's documents in a previous manifest: its name or its file."""

    name: str
    source: str | None = None

    def owns(self, entry: OutputFile) -> bool:
        if entry.project is None:
            return False
        return entry.project == self.name or (
            self.source is not None and entry.source == self.source
        )


# --- may this folder be replaced? -----------------------------------------------------------


def check_output(target: Path, data_dir: Path, others: Iterable[Path] = ()) -> None:
    """Raise UsageError unless `target` (resolved) may be replaced by a build of `data_dir`.

    Read-only: nothing is touched whatever the answer."""
    if target.parent == target:
        raise UsageError(f"输出文件夹不能是根目录 {target}。")
    _refuse_overlap(target, data_dir.resolve(), "数据文件夹")
    for other in others:
        _refuse_overlap(target, other.resolve(), "模板文件夹")
    cwd = Path.cwd().resolve()
    if _within(cwd, target):
        raise UsageError(
            f"输出文件夹 {target} 是当前文件夹（或其上级），生成时会整体替换它。"
            "请指定一个子文件夹，如 -o 输出。"
        )
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(f"输出位置 {target} 已存在且不是普通文件夹（文件或链接），未做任何改动。")
    if target.is_dir():
        _refuse_foreign(target)


def _refuse_overlap(target: Path, folder: Path, what: str) -> None:
    if _key(target) == _key(folder):
        raise UsageError(f"输出文件夹不能是{what}本身（{folder}）：生成时会替换整个输出文件夹。")
    if _within(target, folder):
        raise UsageError(f"输出文件夹 {target} 位于{what} {folder} 之内，请换一个位置。")
    if _within(folder, target):
        raise UsageError(
            f"输出文件夹 {target} 包含{what} {folder}：生成时会替换整个输出文件夹，"
            f"{what}将被删除。请换一个位置。"
        )


def _key(path: Path) -> tuple[str, ...]:
    """A path as Windows compares it (case ignored there), for the overlap checks."""
    return tuple(os.path.normcase(part) for part in path.parts)


def _within(inner: Path, outer: Path) -> bool:
    """Whether `inner` is `outer` or lies below it."""
    inner_key, outer_key = _key(inner), _key(outer)
    return inner_key[: len(outer_key)] == outer_key


def _refuse_foreign(target: Path) -> None:
    present = _contents(target)
    if not present:
        return
    manifest = read_manifest(target)
    if manifest is None:
        raise UsageError(
            f"输出文件夹 {target} 不是本程序生成的（没有可识别的 manifest.json），"
            f"其中有 {len(present)} 个文件（如 {_sample(present)}）。为免删除这些文件，"
            "未做任何改动；请指定一个空文件夹或新文件夹（-o）。"
        )
    listed = {entry.path for entry in manifest} | {"manifest.json"}
    foreign = sorted(present - listed)
    if foreign:
        raise UsageError(
            f"输出文件夹 {target} 中有不属于上次生成结果的文件：{_sample(foreign)}"
            f"（共 {len(foreign)} 个）。生成时会替换整个文件夹，为免删除它们，未做任何改动；"
            "请先移走这些文件，或指定另一个输出文件夹（-o）。"
        )


def _contents(folder: Path) -> set[str]:
    """Every file below `folder` (relative, with /), office lock files left out."""
    found = set()
    for path in folder.rglob("*"):
        if OFFICE_LOCK.match(path.name):
            continue
        if path.is_file() or path.is_symlink():
            found.add(path.relative_to(folder).as_posix())
    return found


def _sample(paths: Iterable[str], count: int = 3) -> str:
    paths = sorted(paths)
    shown = "、".join(paths[:count])
    return shown + ("等" if len(paths) > count else "")


def read_manifest(folder: Path) -> list[OutputFile] | None:
    """The files a previous build listed, or None if the folder holds no manifest of ours."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    if manifest.get(MARKER) != MARKER_VALUE and "year" not in manifest:
        return None  # neither ours nor an older build of ours (which had no marker)
    try:
        return [OutputFile(**entry) for entry in manifest["files"]]
    except TypeError:
        return None


# --- crash recovery -------------------------------------------------------------------------


def old_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def stale_staging(target: Path) -> list[Path]:
    # `.<name>.build-XXXXXXXX`, and `.<name>.XXXXXXXX` as builds before 0.2 named them
    infix = re.escape(STAGING_INFIX.lstrip("."))
    pattern = re.compile(re.escape(f".{target.name}.") + f"(?:{infix})?" + r"[a-z0-9_]{8}")
    if not target.parent.is_dir():
        return []
    return [p for p in target.parent.iterdir() if pattern.fullmatch(p.name) and p.is_dir()]


def recover(target: Path) -> None:
    """Undo what a crashed build left (call with the lock held): restore the previous output
    if only `.old` survived the swap, remove `.old` otherwise, remove stale staging folders."""
    old = old_path(target)
    if old.is_dir() and not old.is_symlink():
        if not target.exists():
            os.replace(old, target)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for stale in stale_staging(target):
        shutil.rmtree(stale, ignore_errors=True)


def _folder_mode() -> int:
    """What `mkdir` would give: 0o777 less the umask (mkdtemp gives 0o700)."""
    if os.name == "nt":
        return 0o777
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


# --- the staging folder -----------------------------------------------------------------------


class Staging:
    """A temporary folder beside the target; `commit` replaces the target with it."""

    def __init__(
        self, target: Path, keep_existing: bool = False, project: ProjectKey | None = None
    ):
        """With `keep_existing`, start from the target's current files and manifest (a build of
        one project replaces that project's documents and leaves the rest as they were); the
        documents `project` owned before are removed first, whatever they were called."""
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{target.name}{STAGING_INFIX}"
        self.root = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
        self._real_root = self.root.resolve()
        self._folders: set[Path] = set()  # made already
        self._files: dict[str, OutputFile] = {}  # by path, in the order written
        if keep_existing and target.is_dir():
            self._start_from(target, project)

    def _start_from(self, target: Path, project: ProjectKey | None) -> None:
        ignore = shutil.ignore_patterns("~$*", ".~lock.*#")
        shutil.copytree(target, self.root, dirs_exist_ok=True, ignore=ignore)
        kept: dict[str, OutputFile] = {}
        for entry in read_manifest(target) or []:
            if project is not None and project.owns(entry):
                self._remove(entry.path)
            else:
                kept[entry.path] = entry
        self._files = kept

    @property
    def files(self) -> list[OutputFile]:
        return list(self._files.values())

    def _remove(self, relative: str) -> None:
        """A file the manifest lists, removed from the copy (a path outside it: ignored)."""
        try:
            self._inside(relative).unlink(missing_ok=True)
        except ValueError:
            return

    def write(
        self,
        relative: str,
        data: bytes,
        kind: str,
        project: str | None = None,
        title: str = "",
        source: str | None = None,
    ) -> OutputFile:
        self.put(relative, data)
        return self.record(OutputFile(relative, kind, project, title, source))

    def put(self, relative: str, data: bytes) -> None:
        """Write a file into the staging folder (listed in the manifest by `record`)."""
        path = self._inside(relative)
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        path.write_bytes(data)

    def _inside(self, relative: str) -> Path:
        """The path of `relative` in the staging folder (made by us: no links inside, so the
        path is checked as written, without asking the disk about every folder on the way)."""
        root = str(self._real_root)
        path = os.path.normpath(os.path.join(root, relative))
        if not path.startswith(root + os.sep) or path == root:
            raise ValueError(f"输出路径越界：{relative}")
        return Path(path)

    def record(self, entry: OutputFile) -> OutputFile:
        """List a file written into the staging folder in the manifest (written again: listed
        where it was written last)."""
        self._files.pop(entry.path, None)
        self._files[entry.path] = entry
        return entry

    def commit(self, manifest_extra: dict) -> None:
        manifest = {MARKER: MARKER_VALUE, **manifest_extra}
        manifest["files"] = [asdict(f) for f in self.files]
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False)
        (self.root / "manifest.json").write_text(text + "\n", encoding="utf-8")
        self._prune_empty_folders()
        os.chmod(self.root, _folder_mode())
        self._swap()

    def _prune_empty_folders(self) -> None:
        for folder in sorted(self.root.rglob("*"), key=lambda p: -len(p.parts)):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def _swap(self) -> None:
        old = old_path(self.target)
        if old.exists():
            shutil.rmtree(old)
        try:
            if self.target.exists():
                os.replace(self.target, old)
        except OSError as exc:
            raise BuildError(_busy(self.target, exc)) from exc
        try:
            os.replace(self.root, self.target)
        except OSError as exc:
            if old.exists() and not self.target.exists():
                os.replace(old, self.target)
            raise BuildError(_busy(self.target, exc)) from exc
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _busy(target: Path, exc: OSError) -> str:
    return (
        f"无法替换输出文件夹 {target}（{exc.strerror or exc}）。如有其中的文档正在 Word/WPS 中"
        "打开，请先关闭后重试；之前的输出保持不变。"
    )
