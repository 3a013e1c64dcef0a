"""The exception tree; each maps to a CLI exit code."""

from __future__ import annotations

from generator.findings import Finding


class GeneratorError(Exception):
    """Base of every error the CLI reports without a traceback."""

    exit_code = 1


class UsageError(GeneratorError):
    exit_code = 2


class DataError(GeneratorError):
    """The data has errors; the findings say which."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"数据有 {sum(f.is_error for f in findings)} 处错误")
        self.findings = findings


class TemplateError(GeneratorError):
    """A template could not be rendered (unknown variable, syntax)."""


class BuildError(GeneratorError):
    """A build step failed; previous outputs are left untouched."""


def describe(exc: BaseException, limit: int = 400) -> str:
    """The message of an exception for a person (at most `limit` characters)."""
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < limit else text[:limit] + "…"
