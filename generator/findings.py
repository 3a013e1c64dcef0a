"""Findings: what validation and audit report, with where in the data it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in the data, located by file, line and field path."""

    file: str
    line: int
    field: str
    message: str
    level: Level = Level.ERROR
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}: {self.level.value}{field} {self.message}"


def error(file: str, line: int, field: str, message: str, code: str = "") -> Finding:
    return Finding(file, line, field, message, Level.ERROR, code)


def warning(file: str, line: int, field: str, message: str, code: str = "") -> Finding:
    return Finding(file, line, field, message, Level.WARNING, code)


def format_path(path: tuple[str | int, ...]) -> str:
    """('indicators', 2, 'target') -> 'indicators[2].target' (1-based list index for people)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out
