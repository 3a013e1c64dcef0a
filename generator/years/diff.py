"""`generator diff OLD NEW`: every printed figure and sentence that changed between two data
folders (built into temporary folders first) or two build outputs, by document and section,
and a redline .docx of the disclosure with Word's tracked changes."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UsageError
from generator.years.docdiff import Change, compare_documents, compare_workbooks
from generator.years.redline import Marker, apply_redline

Progress = Callable[[str], None]
YEAR = re.compile(r"(19|20)\d\d")


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # chart images (and other files) that differ
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)
    redline: Path | None = None


def output_of(folder: Path, scratch: Path, label: str, say: Progress) -> Path:
    """A build output folder: `folder` itself, or `folder` (a data folder) built into scratch."""
    if (folder / "manifest.json").is_file():
        return folder
    if (folder / "year.yaml").is_file():
        from generator.build import build

        say(f"生成 {folder} 的文档……")
        out = scratch / label
        build(folder, out, progress=None)
        return out
    raise UsageError(
        f"{folder} 既不是数据文件夹（没有 year.yaml），也不是生成文件夹（没有 manifest.json）"
    )


def documents(out: Path) -> dict[tuple[str, str], str]:
    """(kind, project or title with its years left out) -> path of every file in the manifest."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found = {}
    for entry in manifest.get("files", []):
        name = entry.get("project") or entry.get("title") or entry["path"]
        key = (entry["kind"], YEAR.sub("####", name))  # the same document of another year
        found[key] = entry["path"]
    return found


def compare_outputs(old: Path, new: Path, redline_to: Path | None, say: Progress) -> DiffResult:
    result = DiffResult()
    a, b = documents(old), documents(new)
    result.only_old = sorted(a[k] for k in a.keys() - b.keys())
    result.only_new = sorted(b[k] for k in b.keys() - a.keys())
    for key in sorted(a.keys() & b.keys()):
        left, right = old / a[key], new / b[key]
        if left.read_bytes() == right.read_bytes():
            continue
        if right.suffix == ".xlsx":
            result.changes += compare_workbooks(b[key], left, right)
            continue
        if right.suffix != ".docx":
            result.charts.append(b[key])
            continue
        say(f"比较 {b[key]}……")
        changes, pairs, doc = compare_documents(b[key], left, right)
        result.changes += changes
        if key[0] == "disclosure" and redline_to is not None and pairs:
            apply_redline(pairs, doc.element.body, Marker())
            redline_to.parent.mkdir(parents=True, exist_ok=True)
            doc.save(str(redline_to))
            result.redline = redline_to
    return result


def diff(
    old: Path, new: Path, redline_to: Path | None = None, progress: Progress | None = None
) -> DiffResult:
    say = progress or (lambda _m: None)
    with tempfile.TemporaryDirectory(prefix="generator-diff-") as scratch:
        left = output_of(old, Path(scratch), "old", say)
        right = output_of(new, Path(scratch), "new", say)
        return compare_outputs(left, right, redline_to, say)


def default_redline(new: Path) -> Path:
    return Path.cwd() / f"修订对照-{new.resolve().name}.docx"


def report(result: DiffResult) -> list[str]:
    lines: list[str] = []
    last: tuple[str, str] | None = None
    for change in result.changes:
        if (change.document, change.section) != last:
            last = (change.document, change.section)
            lines.append(f"【{change.document}】{change.section}")
        lines += _change_lines(change)
    lines += [f"{'图表' if c.endswith('.png') else '文件'}已变化：{c}" for c in result.charts]
    lines += [f"只在原来的输出中：{p}" for p in result.only_old]
    lines += [f"只在新的输出中：{p}" for p in result.only_new]
    return lines


def _change_lines(change: Change) -> list[str]:
    head = f"  {change.where}："
    if change.old is None:
        return [f"{head}新增", f"    + {change.new}"]
    if change.new is None:
        return [f"{head}删除", f"    − {change.old}"]
    gone, came = change.figures()
    figures = (
        f"（数字：{'、'.join(gone) or '—'} → {'、'.join(came) or '—'}）" if gone or came else ""
    )
    return [f"{head}{figures}", f"    − {change.old}", f"    + {change.new}"]


def run(old: Path, new: Path, out: Path | None) -> int:
    tty = sys.stderr.isatty()

    def progress(message: str) -> None:
        if tty:
            print(f"… {message}", file=sys.stderr)

    target = out or default_redline(new)
    result = diff(old, new, target, progress)
    lines = report(result)
    if not lines:
        print("两份文档印出的数字和文字完全相同。")
        return 0
    print("\n".join(lines))
    count = len(result.changes)
    print(f"共 {count} 处文字或表格变化，{len(result.charts)} 张图表变化。")
    if result.redline is not None:
        print(f"修订标记版（Word 修订：插入/删除）已写入 {result.redline}")
    return 0
