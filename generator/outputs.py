"""Atomic output: everything is written to a fresh folder, then swapped in whole."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f“”]+')


def safe_name(name: str, limit: int = 80) -> str:
    """A file name part from any text: no separators, no leading dots, never empty."""
    cleaned = UNSAFE.sub("_", name).strip().strip(".").strip()
    cleaned = re.sub(r"\s+", " ", cleaned)
    return (cleaned or "未命名")[:limit]


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, with forward slashes
    kind: str  # disclosure / letter / table / chart
    project: str | None = None
    title: str = ""


class Staging:
    """A temporary folder beside the target; `commit` replaces the target with it."""

    def __init__(self, target: Path, keep_existing: bool = False):
        """With `keep_existing`, start from the target's current files and manifest (a build of
        one project replaces that project's documents and leaves the rest as they were)."""
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        self.files: list[OutputFile] = []
        if keep_existing and (target / "manifest.json").is_file():
            shutil.copytree(target, self.root, dirs_exist_ok=True)
            manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
            self.files = [OutputFile(**entry) for entry in manifest.get("files", [])]

    def write(
        self, relative: str, data: bytes, kind: str, project: str | None = None, title: str = ""
    ) -> OutputFile:
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"输出路径越界：{relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entry = OutputFile(relative, kind, project, title)
        self.files = [f for f in self.files if f.path != relative] + [entry]
        return entry

    def commit(self, manifest_extra: dict) -> None:
        manifest = {**manifest_extra, "files": [asdict(f) for f in self.files]}
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False)
        (self.root / "manifest.json").write_text(text + "\n", encoding="utf-8")
        old = self.target.with_name(f".{self.target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.root, self.target)
        if old.exists():
            shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
