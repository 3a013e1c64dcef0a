"""Build many departments in one run: each department's year into `OUT/<部门>/<年度>/`.

One process imports everything once and keeps its workers for every department; a department
whose data (or templates) fail is reported and the others go on. At the end, a table of every
department (printed in Chinese) and `OUT/summary.json`.

`OUT` may hold only what batches write: department folders (each holding year folders of
ours, with their lock and staging leftovers) and `summary.json`; anything else and nothing is
touched. The batch holds a lock beside `OUT` for its whole run; each year folder is replaced
by the build's own safe swap (generator.write.outputs) under its own lock.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import DataError, GeneratorError, UsageError
from generator.findings import Finding
from generator.read import schema
from generator.write.names import safe_name
from generator.write.outlock import OutputLock
from generator.write.outputs import _refuse_overlap, _within, check_output, read_manifest

SUMMARY = "summary.json"
OURS = re.compile(r"^\.[^/\\]+\.(lock|old|build-[a-z0-9_]{8}|[a-z0-9_]{8})$")  # our leftovers
Say = Callable[[str], None]


@dataclass
class Outcome:
    """One department's year as the batch left it."""

    data_dir: str
    department: str = ""
    year: int | None = None
    status: str = "failed"  # ok / failed
    errors: int = 0
    warnings: int = 0
    score: str | None = None  # report.evaluation.scores.total, as printed
    files: int = 0
    output: str = ""
    message: str = ""
    findings: list[Finding] = field(default_factory=list, repr=False)

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("findings")
        data["status_text"] = "成功" if self.status == "ok" else "失败"
        return data


# --- which folders -----------------------------------------------------------------------------


def is_data_folder(folder: Path) -> bool:
    """A year's data folder: it holds one of the year's files."""
    return folder.is_dir() and any((folder / name).is_file() for name in schema.FILES)


def expand(folders: list[Path]) -> list[Path]:
    """Data folders as given; a folder of departments becomes its data folders (one or two
    levels down: 部门/ or 部门/年度/), in name order."""
    found: list[Path] = []
    for folder in folders:
        if is_data_folder(folder) or not folder.is_dir():
            found.append(folder)
            continue
        inner = _data_folders_below(folder)
        if not inner:
            raise UsageError(f"{folder} 既不是年度数据文件夹，也不含部门的数据文件夹。")
        found += inner
    return found


def _data_folders_below(folder: Path) -> list[Path]:
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if is_data_folder(sub):
            found.append(sub)
        else:
            found += sorted(
                p for p in sub.iterdir() if not p.name.startswith(".") and is_data_folder(p)
            )
    return found


def is_batch(folders: list[Path]) -> bool:
    """More than one folder, or one that is a folder of departments (any other single folder
    is built as today, and reported as today when it holds no data)."""
    if len(folders) > 1:
        return True
    folder = folders[0]
    return folder.is_dir() and not is_data_folder(folder) and bool(_data_folders_below(folder))


# --- the output folder of the batch -----------------------------------------------------------


def check_batch_output(out: Path, data_dirs: list[Path], templates: list[Path]) -> None:
    """Refuse (UsageError) an OUT that overlaps the data or templates, or holds anything but
    department folders of ours and summary.json. Read-only."""
    if out.parent == out:
        raise UsageError(f"输出文件夹不能是根目录 {out}。")
    for data_dir in data_dirs:
        _refuse_overlap(out, data_dir.resolve(), "数据文件夹")
    for folder in templates:
        _refuse_overlap(out, folder.resolve(), "模板文件夹")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"输出位置 {out} 已存在且不是普通文件夹（文件或链接），未做任何改动。")
    if _within(Path.cwd().resolve(), out):
        raise UsageError(f"输出文件夹 {out} 是当前文件夹（或其上级），请指定一个子文件夹。")
    foreign = _foreign(out) if out.is_dir() else []
    if foreign:
        shown = "、".join(foreign[:3]) + ("等" if len(foreign) > 3 else "")
        raise UsageError(
            f"输出文件夹 {out} 中有不是批量生成结果的内容：{shown}（共 {len(foreign)} 项）。"
            "为免删除它们，未做任何改动；请指定一个空文件夹或新文件夹（-o）。"
        )


def _foreign(out: Path) -> list[str]:
    """What in OUT is not ours: anything but summary.json and department folders holding only
    year folders with a manifest of ours (and our lock and staging leftovers)."""
    foreign = []
    for entry in sorted(out.iterdir()):
        if entry.name == SUMMARY and entry.is_file() and not entry.is_symlink():
            continue
        if OURS.match(entry.name) or (entry.is_dir() and not entry.is_symlink()):
            if entry.is_dir() and not OURS.match(entry.name):
                foreign += [f"{entry.name}/{name}" for name in _foreign_in_department(entry)]
            continue
        foreign.append(entry.name)
    return foreign


def _foreign_in_department(folder: Path) -> list[str]:
    foreign = []
    for entry in sorted(folder.iterdir()):
        if OURS.match(entry.name):
            continue
        if entry.is_symlink() or not entry.is_dir() or read_manifest(entry) is None:
            if entry.is_dir() and not entry.is_symlink() and not any(entry.iterdir()):
                continue  # an empty folder: nothing to lose
            foreign.append(entry.name)
    return foreign


# --- running ---------------------------------------------------------------------------------


def run_batch(
    folders: list[Path], out: Path, say: Say, strict: bool = False,
    templates: Path | None = None, pdf: bool = False,
) -> list[Outcome]:  # fmt: skip
    """Build every department; the outcomes, in order (summary.json written)."""
    from generator.build import template_files
    from generator.render.templatedirs import template_dirs
    from generator.write.headstart import charts_probably_cached
    from generator.write.scheduler import prewarm, start_workers

    data_dirs = expand(folders)
    out = Path(os.path.abspath(out))
    dirs = sorted({d for data_dir in data_dirs for d in template_dirs(templates, data_dir)})
    check_batch_output(out, data_dirs, dirs)
    out.parent.mkdir(parents=True, exist_ok=True)
    with OutputLock(out):
        check_batch_output(out, data_dirs, dirs)  # again, holding the lock
        out.mkdir(exist_ok=True)
        workers = start_workers(matplotlib=not charts_probably_cached(data_dirs))
        first = template_dirs(templates, data_dirs[0]) if data_dirs else ()
        prewarm(workers, template_files(first), data_dirs)
        pool = _Shared(workers, len(data_dirs))
        try:
            outcomes = _run_all(data_dirs, out, pool, say, strict, templates, pdf)
        finally:
            if pool.workers is not None:
                pool.workers.shutdown(cancel_futures=True)
        write_summary(out, outcomes)
    return outcomes


IN_FLIGHT = 2  # departments built at once: one's documents render while the other's last one does


class _Shared:
    """The batch's workers, shared by the departments in flight; replaced once when broken."""

    def __init__(self, workers: Any, count: int) -> None:
        self.workers = workers
        self.lock = threading.Lock()
        self.taken: dict[Path, str] = {}  # output folder -> the data folder that has it
        self.settled = [threading.Event() for _ in range(count)]  # claimed, or failed before

    def replace(self, broken: Any) -> None:
        from generator.write.scheduler import start_workers

        with self.lock:
            if self.workers is broken and broken is not None:
                broken.shutdown(cancel_futures=True)
                self.workers = start_workers()

    def claim(self, index: int, target: Path, data_dir: Path) -> None:
        """The output folder for the department at `index`, claimed in the order of the
        departments (two of the same department and year: the later one is refused)."""
        if index > 0:
            self.settled[index - 1].wait()
        with self.lock:
            if target in self.taken:
                raise UsageError(
                    f"与 {self.taken[target]} 是同一部门、同一年度，输出到同一文件夹 {target}"
                )
            self.taken[target] = str(data_dir)


def _run_all(
    data_dirs: list[Path], out: Path, pool: _Shared, say: Say, strict: bool,
    templates: Path | None, pdf: bool,
) -> list[Outcome]:  # fmt: skip
    """Every department, up to IN_FLIGHT at once (each in a thread of the main process: the
    work is the workers'; a thread reads its department's data and waits for them), the
    outcomes said and returned in order."""
    if pool.workers is None:  # one core: one after another
        return [_said(say, i + 1, len(data_dirs), d, _one(i, d, out, pool, strict, templates, pdf))
                for i, d in enumerate(data_dirs)]  # fmt: skip
    threads = ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="batch")
    try:
        futures = [threads.submit(_one, i, d, out, pool, strict, templates, pdf)
                   for i, d in enumerate(data_dirs)]  # fmt: skip
        return [_said(say, i, len(data_dirs), d, f.result())
                for i, (d, f) in enumerate(zip(data_dirs, futures, strict=True), 1)]  # fmt: skip
    finally:
        threads.shutdown(wait=False, cancel_futures=True)


def _said(say: Say, index: int, count: int, data_dir: Path, outcome: Outcome) -> Outcome:
    say(f"[{index}/{count}] {data_dir}")
    say(_line(outcome))
    return outcome


def _one(
    index: int, data_dir: Path, out: Path, pool: _Shared, strict: bool,
    templates: Path | None, pdf: bool,
) -> Outcome:  # fmt: skip
    """One department's outcome (the shared workers replaced if they broke)."""
    outcome = Outcome(str(data_dir))
    workers = pool.workers
    try:
        _build_one(outcome, index, data_dir, out, workers, pool, strict, templates, pdf)
    except DataError as exc:
        _count(outcome, exc.findings)
        outcome.message = "数据有错误，未生成"
    except BrokenProcessPool:
        outcome.message = "工作进程意外退出，未生成"
        pool.replace(workers)
    except (GeneratorError, OSError) as exc:
        outcome.message = str(exc)
    except Exception as exc:  # noqa: BLE001 - one department's failure never stops the others
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        outcome.message = f"内部错误：{type(exc).__name__}: {exc}"
    finally:
        pool.settled[index].set()
    return outcome


def _build_one(
    outcome: Outcome, index: int, data_dir: Path, out: Path, workers: Any, pool: _Shared,
    strict: bool, templates: Path | None, pdf: bool,
) -> None:  # fmt: skip
    from generator.build import prepare, render_all, write_output
    from generator.render.templatedirs import template_dirs

    dirs = template_dirs(templates, data_dir)
    report, findings = prepare(data_dir, strict, workers)
    outcome.department, outcome.year = report.department.name, report.year
    outcome.score = _score(report)
    _count(outcome, findings)
    target = out / safe_name(report.department.name) / str(report.year)
    pool.claim(index, target, data_dir)
    pool.settled[index].set()  # the next department may claim its folder now
    outcome.output = str(target)
    check_output(target, data_dir, dirs)
    made = render_all(report, None, workers, dirs, data_dir)
    outcome.files = write_output(target, data_dir, dirs, report, None, made, pdf)
    outcome.status = "ok"


def _count(outcome: Outcome, findings: list[Finding]) -> None:
    outcome.findings = findings
    outcome.errors = sum(f.is_error for f in findings)
    outcome.warnings = len(findings) - outcome.errors


def _score(report: Any) -> str | None:
    scores = getattr(getattr(report, "evaluation", None), "scores", None)
    total = getattr(scores, "total", None)
    return None if total is None else f"{total:f}"


def _line(outcome: Outcome) -> str:
    if outcome.status == "ok":
        return f"  成功：{outcome.files} 个文件，{outcome.warnings} 个警告 → {outcome.output}"
    return f"  失败：{outcome.message}（{outcome.errors} 个错误，{outcome.warnings} 个警告）"


def write_summary(out: Path, outcomes: list[Outcome]) -> Path:
    """OUT/summary.json, written atomically."""
    ok = sum(o.status == "ok" for o in outcomes)
    data = {
        "departments": len(outcomes),
        "succeeded": ok,
        "failed": len(outcomes) - ok,
        "results": [o.record() for o in outcomes],
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".summary.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out / SUMMARY)
    return out / SUMMARY


# --- the table -------------------------------------------------------------------------------

HEADERS = ("部门", "年度", "状态", "错误", "警告", "自评得分", "文件数")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def summary_table(outcomes: list[Outcome]) -> str:
    """The outcomes as an aligned text table, in Chinese."""
    rows = [HEADERS] + [
        (
            o.department or Path(o.data_dir).name,
            str(o.year or "—"),
            "成功" if o.status == "ok" else "失败",
            str(o.errors),
            str(o.warnings),
            o.score or "—",
            str(o.files) if o.status == "ok" else "—",
        )
        for o in outcomes
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cli(args: Any, folders: list[Path], pdf: dict[str, bool]) -> int:
    """`generator build A B … -o OUT`: progress and the table printed; exit 1 if any failed."""
    import sys
    import time

    if args.project is not None:
        raise UsageError("--project 只能用于单个数据文件夹，批量生成时请去掉它。")
    if args.out is None:
        raise UsageError("批量生成多个部门时请用 -o 指定输出文件夹，如 -o 输出/2023。")
    start = time.perf_counter()
    outcomes = run_batch(
        folders, args.out, lambda m: print(m, file=sys.stderr), args.strict, args.templates,
        bool(pdf),
    )  # fmt: skip
    for outcome in outcomes:
        if outcome.status != "ok" and outcome.findings:
            print(f"\n{outcome.department or outcome.data_dir}：")
            for finding in sorted(outcome.findings, key=lambda f: (not f.is_error, f.file, f.line)):
                if finding.is_error:
                    print(finding.format())
    print()
    print(summary_table(outcomes))
    failed = sum(o.status != "ok" for o in outcomes)
    seconds = time.perf_counter() - start
    print(
        f"\n共 {len(outcomes)} 个部门：成功 {len(outcomes) - failed} 个，失败 {failed} 个"
        f"（{seconds:.1f} 秒）。汇总见 {Path(args.out) / SUMMARY}"
    )
    return 1 if failed else 0
