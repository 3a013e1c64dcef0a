"""Read a year's folder: every file loaded, validated, and kept with its line map."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import schema
from generator.errors import UsageError
from generator.findings import Finding, error
from generator.loader import LoadedFile, display_name, load_file
from generator.validate import validate_file


@dataclass(frozen=True)
class Document:
    """A validated file: its normalized content and where each value came from."""

    source: LoadedFile
    content: dict[str, Any]

    def line(self, *path: str | int) -> int:
        return self.source.line_of(tuple(path))

    @property
    def name(self) -> str:
        return self.source.name


@dataclass(frozen=True)
class Dataset:
    """Every file of one year, validated. Missing or invalid files are absent."""

    root: Path
    files: dict[str, Document]
    projects: tuple[Document, ...]

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.files[name].content

    def doc(self, name: str) -> Document:
        return self.files[name]

    def get(self, name: str) -> dict[str, Any] | None:
        """A file's content, or None for an optional file the year leaves out."""
        doc = self.files.get(name)
        return None if doc is None else doc.content


def read_dataset(root: Path) -> tuple[Dataset, list[Finding]]:
    """Load and validate every file; collect all findings rather than stopping at the first."""
    if not root.is_dir():
        raise UsageError(f"找不到数据文件夹：{root}")
    findings: list[Finding] = []
    files: dict[str, Document] = {}
    for name, rules in schema.FILES.items():
        if name in schema.OPTIONAL_FILES and not (root / name).exists():
            continue
        doc = _read(root / name, root, rules, findings)
        if doc is not None:
            files[name] = doc
    folder = root / "projects"
    projects = tuple(
        doc
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
        if (doc := _read(path, root, schema.PROJECT, findings)) is not None
    )
    if not folder.is_dir() and (root / "self_evaluation.yaml").exists():
        findings.append(error(display_name(folder), 0, "", "缺少项目文件夹", "io"))
    if (root / "self_evaluation.yaml").exists() != (root / "scoring.yaml").exists():
        have, lack = (
            ("self_evaluation.yaml", "scoring.yaml")
            if (root / "self_evaluation.yaml").exists()
            else ("scoring.yaml", "self_evaluation.yaml")
        )
        findings.append(
            error(display_name(root / lack), 0, "", f"有 {have} 时必须同时有 {lack}", "io")
        )
    return Dataset(root, files, projects), findings


def _read(path: Path, root: Path, rules: dict, findings: list[Finding]) -> Document | None:
    if not path.exists():
        findings.append(error(display_name(path), 0, "", "缺少文件", "io"))
        return None
    loaded, problems = load_file(path, root)
    findings.extend(problems)
    if loaded is None or problems:
        return None
    content, problems = validate_file(loaded, rules)
    findings.extend(problems)
    return None if content is None else Document(loaded, content)
