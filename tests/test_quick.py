"""The validation without cerberus (generator.read.quick): on every data file of the repository
and on hundreds of mutated ones, either cerberus's own normalized document (the same values,
types and key order, at every level) or no answer, and then cerberus decides."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from support import ROOT
from test_fuzz import _mutate

from generator.read import schema
from generator.read.loader import load_file
from generator.read.quick import validated
from generator.read.validate import DataValidator

FOLDERS = [ROOT / "data" / "2023", *sorted((ROOT / "data" / "examples").iterdir())]
BROKEN = ROOT / "tests" / "fixtures" / "broken"
MUTATIONS = 400


def _rules(path: Path) -> dict[str, Any] | None:
    if path.parent.name == "projects":
        return schema.PROJECT
    return schema.FILES.get(path.name)


def _files() -> list[Path]:
    found = [p for folder in FOLDERS for p in sorted(folder.rglob("*.yaml"))]
    found += sorted(BROKEN.rglob("*.yaml"))
    return [p for p in found if _rules(p) is not None]


def _shape(value: Any) -> Any:
    """The value with every mapping's key order and every type made visible to ==."""
    if isinstance(value, dict):
        return ("dict", [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    return (type(value).__name__, value)


def _agrees(data: Any, rules: dict[str, Any]) -> bool:
    """quick's answer is None or cerberus's; True where quick answered."""
    quick = validated(data, rules, DataValidator(rules))
    if quick is None:
        return False
    checker = DataValidator(rules)
    assert checker.validate(data), checker.errors  # quick never passes what cerberus refuses
    assert _shape(quick) == _shape(checker.document)
    return True


def test_every_valid_data_file_is_cerberuss_document() -> None:
    answered = 0
    for path in _files():
        loaded, problems = load_file(path, path.parent)
        if loaded is None or problems or loaded.pending:
            continue
        answered += _agrees(loaded.data, _rules(path))
    assert answered >= 30  # the valid files (but the two with keysrules): quick answers them


@pytest.mark.parametrize("seed", range(4))
def test_mutated_files_are_cerberuss_document_or_left_to_it(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    sources = [p for p in _files() if not p.is_relative_to(BROKEN)]
    answered = refused = 0
    for n in range(MUTATIONS // 4):
        path = rng.choice(sources)
        target = tmp_path / path.parent.name / f"{n}-{path.name}"
        target.parent.mkdir(exist_ok=True)
        target.write_text(_mutate(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
        loaded, problems = load_file(target, tmp_path)
        if loaded is None or problems or loaded.pending:
            continue
        if _agrees(loaded.data, _rules(path)):
            answered += 1
        else:
            refused += 1
    assert answered and refused  # both sides of the answer were met


def test_values_cerberus_refuses_are_left_to_it() -> None:
    """An unknown field, a missing one, a coercion that fails, a rule outside the subset."""
    rules = {
        "a": {"type": "decimal", "coerce": "decimal", "required": True, "min": 0},
        "b": {"type": "string", "required": False, "default": "", "empty": True},
    }
    validator = DataValidator(rules)
    assert _shape(validated({"a": "1.50"}, rules, validator)) == _shape(
        {"a": __import__("decimal").Decimal("1.50"), "b": ""}
    )
    for document in ({"a": "-1"}, {"a": "x"}, {}, {"a": "1", "c": "2"}, {"a": None}, {"a": []}):
        assert validated(document, rules, validator) is None
    odd = {"a": {"type": "string", "required": True, "nullable": True}}
    assert validated({"a": "x"}, odd, DataValidator(odd)) is None
