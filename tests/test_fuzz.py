"""Fuzz: hundreds of random mutations of a data folder, checked as a careless user would make them.

Each mutation deletes, duplicates or re-indents a line of one data file, or replaces one scalar
by junk (odd digits, huge or negative numbers, nulls, lists, long or control-character texts).
`check` must then never raise (no traceback, no "内部错误"), exit 0, 1 or 2 only, and every
exit 1 must name a file and a line or field; a sample of the mutations that pass is built, and
the documents must print no None, nan, -0 or empty figure.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import shutil
from pathlib import Path

import pytest
from golden import EXAMPLES as EXAMPLES_DATA
from golden import built_texts

from generator.build import build
from generator.cli import main

DATA = EXAMPLES_DATA
MUTATIONS = 320
BUILT_SAMPLE = 4
SCALAR = re.compile(r"^(\s*(?:- )?[\w\u4e00-\u9fff'\"]+:\s)(\S.*)$")
JUNK = [
    "", "abc", "-1", "-0", "1e30", "99999999999999999999", "１２", "⑩", "1²", "٣", "NaN",
    "null", "~", "[]", "{}", "'", "0x10", "1,5", "∞", "x" * 3000, "🙂", "\"\\u0000\"", "-",
    "0.0000001", "1.10", "no", "yes", "2023-13-45", "!!python/object:os.system ls", "&a",
    "*a", "{code: '9'}", "[1, 2", "\t", "'2013201'", "100%", "３５．５",
]  # fmt: skip
BAD_OUTPUT = re.compile(r"None|nan|NaN|-0(?:\.0+)?(?:万元|%)|(?<![\d（：.])万元|占%|为%")


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    if len(lines) < 2:
        return text + "\n" + rng.choice(JUNK)
    i = rng.randrange(len(lines))
    kind = rng.choice(("delete", "duplicate", "indent", "dedent", "junk", "junk", "junk"))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "indent":
        lines[i] = "  " + lines[i]
    elif kind == "dedent":
        lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
    else:
        scalars = [j for j, line in enumerate(lines) if SCALAR.match(line)]
        j = rng.choice(scalars) if scalars else i
        match = SCALAR.match(lines[j])
        head = match.group(1) if match else lines[j] + ": "
        lines[j] = head + rng.choice(JUNK)
    return "\n".join(lines)


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, out.getvalue()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.yaml"))


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA, target)
    return target


def test_mutations_never_crash_and_every_error_is_located(copy: Path, tmp_path: Path) -> None:
    rng = random.Random(20261201)
    originals = {p: p.read_text(encoding="utf-8") for p in _files(copy)}
    passed: list[dict[Path, str]] = []
    problems: list[str] = []
    for n in range(MUTATIONS):
        path = rng.choice(sorted(originals))
        mutated = _mutate(originals[path], rng)
        path.write_text(mutated, encoding="utf-8")
        try:
            code, output = _run("check", str(copy))
        finally:
            path.write_text(originals[path], encoding="utf-8")
        where = f"#{n} {path.name}"
        if code not in (0, 1, 2) or "内部错误" in output or "Traceback" in output:
            problems.append(f"{where}: exit {code}\n{output[-600:]}")
        elif code == 1 and not re.search(r"\.ya?ml(:\d+)?: 错误", output):
            problems.append(f"{where}: exit 1 without a located error\n{output[-600:]}")
        elif code == 0 and mutated != originals[path] and len(passed) < BUILT_SAMPLE:
            passed.append({path: mutated})
    assert not problems, "\n\n".join(problems[:5])
    for i, change in enumerate(passed):
        for path, text in change.items():
            path.write_text(text, encoding="utf-8")
        try:
            out = tmp_path / f"out{i}"
            build(copy, out)
            for rel, text in built_texts(out).items():
                bad = BAD_OUTPUT.search(text)
                assert bad is None, f"{rel}: prints {bad.group(0)!r} after {change}"
        finally:
            for path in change:
                path.write_text(originals[path], encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "highlight: " + "[" * 1000 + "]" * 1000 + "\n",
        "highlight: " + "[" * 100000 + "]" * 100000 + "\n",
        "".join("  " * i + "a:\n" for i in range(3000)),
    ],
    ids=["flow-1000", "flow-100000", "block-3000"],
)
def test_deep_nesting_is_refused_before_parsing(copy: Path, text: str) -> None:
    path = copy / "performance.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    try:
        code, output = _run("check", str(copy))
    finally:
        path.write_text(original, encoding="utf-8")
    assert code == 1, output
    assert "performance.yaml:" in output and "嵌套层数过深" in output
