"""Compare two output folders file by file (bytes); or build twice and compare.

python bench/compare_builds.py DIR_A DIR_B
python bench/compare_builds.py --build data/2023 [--plain-first]: builds with the plain pipeline
(GENERATOR_PLAIN_RENDER=1, no disk cache), then with the fast one on a cold and a warm cache,
and compares all three. Exit 1 on any difference.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def differences(a: Path, b: Path) -> list[str]:
    """Relative paths that differ (present in one only, or different bytes)."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    out = [f"only in {a}: {n}" for n in sorted(files_a - files_b)]
    out += [f"only in {b}: {n}" for n in sorted(files_b - files_a)]
    out += [
        f"differs: {n}"
        for n in sorted(files_a & files_b)
        if (a / n).read_bytes() != (b / n).read_bytes()
    ]
    return out


def build(data: Path, out: Path, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", str(data), "-o", str(out)],
        cwd=ROOT, env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def build_and_compare(data: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        runs = {
            "plain": {"GENERATOR_PLAIN_RENDER": "1", "GENERATOR_CACHE": "off"},
            "cold": {"GENERATOR_CACHE": str(cache)},
            "warm": {"GENERATOR_CACHE": str(cache)},
        }
        for name, env in runs.items():
            build(data, Path(tmp) / name, env)
        problems = differences(Path(tmp) / "plain", Path(tmp) / "cold")
        problems += differences(Path(tmp) / "plain", Path(tmp) / "warm")
        count = sum(1 for p in (Path(tmp) / "plain").rglob("*") if p.is_file())
    for line in problems:
        print(line)
    print(f"{data}: {count} files, {'identical' if not problems else 'DIFFERENT'}")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--build", type=Path, action="append", default=[])
    args = parser.parse_args()
    status = 0
    if len(args.dirs) == 2:
        problems = differences(*args.dirs)
        print("\n".join(problems) or "identical")
        status = 1 if problems else 0
    for data in args.build:
        status |= build_and_compare(data)
    return status


if __name__ == "__main__":
    sys.exit(main())
