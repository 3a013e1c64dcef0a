"""Reference data shipped with the package: classification names and glossary definitions.

Names are kept by edition (the 科目 are revised every year): a lookup takes the newest edition
that applies to the year and knows the code. The department's own statements always carry names,
so the data may name any code; nothing here invents a name for an unknown code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _load(name: str) -> Any:
    text = resources.files("generator.model.reference").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)


def glossary() -> dict[str, Any]:
    return _load("glossary.yaml")


def _editions(name: str, year: int) -> list[dict[str, Any]]:
    """Editions that apply to `year`, newest first."""
    eds = [e for e in _load(name)["editions"] if int(e["from"]) <= year]
    return sorted(eds, key=lambda e: int(e["from"]), reverse=True)


def functional_name(code: str, year: int) -> str | None:
    """Name of a 功能分类 类 (3 digits), 款 (5) or 项 (7) in the year's edition, if known."""
    key = {3: "classes", 5: "sections", 7: "items"}.get(len(code))
    for edition in _editions("classification.yaml", year):
        entry = edition.get(key or "", {}).get(code)
        if entry is not None:
            return entry["name"] if isinstance(entry, dict) else entry
    return None


def functional_definition(code: str, year: int) -> str | None:
    """名词解释 definition of a 功能分类 项, if the package has one."""
    for edition in _editions("classification.yaml", year):
        entry = edition.get("items", {}).get(code)
        if isinstance(entry, dict) and entry.get("definition"):
            return entry["definition"]
    return None


def economic_name(code: str, year: int) -> str | None:
    """Name of a 经济分类 类 (3 digits) or 款 (5)."""
    key = "classes" if len(code) == 3 else "items"
    for edition in _editions("economic.yaml", year):
        name = edition.get(key, {}).get(code)
        if name is not None:
            return name
    return None


def personnel_classes(year: int) -> tuple[str, ...]:
    """The 经济分类 类 whose items are 人员经费 (the rest of 基本支出 is 公用经费)."""
    for edition in _editions("economic.yaml", year):
        return tuple(edition["personnel"])
    return ("301", "303")


def vehicle_types(year: int) -> tuple[str, ...]:
    """The 公务用车 types of the year's rules."""
    for edition in _editions("vehicles.yaml", year):
        return tuple(edition["types"])
    return ()
