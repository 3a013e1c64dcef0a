"""Read a year's folder: every file loaded, validated, and kept with its line map.

`Reader` reads strictly (`check`, `build`); `generator.read.lenient.LenientReader` is the same
reader in the mode for drafting, where invalid or missing values become placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.findings import Finding, error
from generator.read import schema
from generator.read.loader import LoadedFile, display_name, load_file
from generator.read.validate import validate_file


@dataclass(frozen=True)
class DataFile:
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
    files: dict[str, DataFile]
    projects: tuple[DataFile, ...]

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.files[name].content

    def doc(self, name: str) -> DataFile:
        return self.files[name]

    def get(self, name: str) -> dict[str, Any] | None:
        """A file's content, or None for an optional file the year leaves out."""
        doc = self.files.get(name)
        return None if doc is None else doc.content


@dataclass
class FileResult:
    """One file as read: its document (None where the strict reader leaves it out), its
    findings, and, in lenient mode, the placeholders standing in for its invalid values."""

    doc: DataFile | None
    findings: list[Finding]
    placeholders: list[int] = field(default_factory=list)
    stale: bool = False  # the document is the last readable version (the file does not parse)
    parsed: bool = True  # the document comes from this version of the file


class Reader:
    """Reads a year's folder strictly, as `check` and `build` do: a file with any problem is
    left out and its problems are reported. The lenient reader (generator.read.lenient) is this
    reader with placeholders where this one leaves a file out."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stale = False  # whether the last read kept a file's last readable version

    def read(self) -> tuple[Dataset, list[Finding]]:
        """Every file of the year, loaded and validated; all the findings, not the first."""
        root = self.root
        if not root.is_dir():
            raise UsageError(f"找不到数据文件夹：{root}")
        named = {
            name: self.file(root / name, rules)
            for name, rules in schema.FILES.items()
            if name not in schema.OPTIONAL_FILES or (root / name).exists()
        }
        paths = project_paths(root)
        projects = [self.file(path, schema.PROJECT) for path in paths]
        results = [*named.values(), *projects]
        self.forget({root / name for name in named} | set(paths))
        self.stale = any(r.stale for r in results)
        findings = [f for r in results for f in r.findings] + folder_findings(root)
        files = {name: r.doc for name, r in named.items() if r.doc is not None}
        docs = tuple(r.doc for r in projects if r.doc is not None)
        return Dataset(root, files, docs), findings

    def file(self, path: Path, rules: dict[str, Any]) -> FileResult:
        """One file: loaded, then validated against `rules`."""
        if not path.exists():
            return self.missing(path, rules, [error(display_name(path), 0, "", "缺少文件", "io")])
        loaded, problems = load_file(path, self.root)
        if loaded is None:
            return self.unreadable(path, rules, problems)
        if problems:  # duplicate keys, tags: what the loader reports
            return self.damaged(loaded, rules, problems)
        content, found = validate_file(loaded, rules)
        if content is None:
            return self.invalid(loaded, rules, found)
        return FileResult(DataFile(loaded, content), found)

    # What becomes of a file that cannot be used as it is: strictly, it is left out.

    def missing(self, path: Path, rules: dict[str, Any], findings: list[Finding]) -> FileResult:
        return FileResult(None, findings, parsed=False)

    def unreadable(self, path: Path, rules: dict[str, Any], problems: list[Finding]) -> FileResult:
        return FileResult(None, problems, parsed=False)

    def damaged(
        self, loaded: LoadedFile, rules: dict[str, Any], problems: list[Finding]
    ) -> FileResult:
        """Parsed, but with problems the loader reports (duplicate keys, tags)."""
        return FileResult(None, problems)

    def invalid(
        self, loaded: LoadedFile, rules: dict[str, Any], found: list[Finding]
    ) -> FileResult:
        """Parsed, but not valid by `rules`."""
        return FileResult(None, found)

    def forget(self, known: set[Path]) -> None:
        """The files of this read are `known` (a reader keeping files drops the others)."""


def project_paths(root: Path) -> list[Path]:
    """The project files of the year, in order (`projects/*.yaml` and `*.yml`)."""
    folder = root / "projects"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def folder_findings(root: Path) -> list[Finding]:
    """What the folder lacks as a whole: the projects of a self-evaluation, or one of the two
    files of a self-evaluation without the other."""
    findings = []
    evaluated = (root / "self_evaluation.yaml").exists()
    folder = root / "projects"
    if not folder.is_dir() and evaluated:
        findings.append(error(display_name(folder), 0, "", "缺少项目文件夹", "io"))
    if evaluated != (root / "scoring.yaml").exists():
        have, lack = (
            ("self_evaluation.yaml", "scoring.yaml")
            if evaluated
            else ("scoring.yaml", "self_evaluation.yaml")
        )
        findings.append(
            error(display_name(root / lack), 0, "", f"有 {have} 时必须同时有 {lack}", "io")
        )
    return findings


def read_dataset(root: Path) -> tuple[Dataset, list[Finding]]:
    """Load and validate every file; collect all findings rather than stopping at the first."""
    return Reader(root).read()
