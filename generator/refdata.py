"""Reference data shipped with the package: classification names and glossary definitions."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _load(name: str) -> Any:
    text = resources.files("generator.reference").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)


def classification() -> dict[str, Any]:
    return _load("classification.yaml")


def glossary() -> dict[str, Any]:
    return _load("glossary.yaml")


def item_names(code: str) -> tuple[str, str, str] | None:
    """(类, 款, 项) names of a 7-digit code, or None when the package does not know it."""
    ref = classification()
    try:
        return ref["classes"][code[:3]], ref["sections"][code[:5]], ref["items"][code]["name"]
    except KeyError:
        return None
