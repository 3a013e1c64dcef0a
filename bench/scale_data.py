"""Make a copy of a data folder scaled to N projects (copies of its project files with new
names and numbers), or N copies of a department (for batch benchmarks).

python bench/scale_data.py data/2023 300 /tmp/data-300
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml


def scaled(source: Path, count: int, target: Path) -> Path:
    """`target` holding `source` with `count` projects: the originals in turn, renamed
    （第k批） from the second round on, numbered 0001…"""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("projects"))
    projects = sorted((source / "projects").glob("*.y*ml"))
    folder = target / "projects"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in projects]
    names = [yaml.safe_load(t)["name"] for t in texts]
    width = max(2, len(str(count)))
    for i in range(count):
        text, name = texts[i % len(texts)], names[i % len(texts)]
        round_ = i // len(texts)
        new = name if round_ == 0 else f"{name}（第{round_ + 1}批）"
        body = text.replace(f"name: {name}", f"name: {new}", 1)
        (folder / f"{i + 1:0{width}d}-{new}.yaml").write_text(body, encoding="utf-8")
    return target


def departments(source: Path, count: int, target: Path) -> list[Path]:
    """`count` departments (folders 部门01… each holding a copy of `source` as its year),
    the department name made unique."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    made = []
    for i in range(count):
        folder = target / f"部门{i + 1:02d}" / source.resolve().name
        shutil.copytree(source, folder)
        department = folder / "department.yaml"
        text = department.read_text(encoding="utf-8")
        name = yaml.safe_load(text)["name"]
        department.write_text(text.replace(f"name: {name}", f"name: {name}{i + 1:02d}", 1),
                              encoding="utf-8")  # fmt: skip
        made.append(folder.parent)
    return made


def main() -> int:
    source, count, target = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    scaled(source, count, target)
    print(f"{target}: {count} projects")
    return 0


if __name__ == "__main__":
    sys.exit(main())
