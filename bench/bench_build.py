"""Build benchmarks (issue 13), each against a baseline measured in the same run, alternated.

  cold    data/2023, a fresh process per run: the generator with an empty disk cache (the
          first build on a machine), with only the templates' entries in it (new data: the
          cache as another department's build left it; nothing of this data's), with a warm
          one (a rebuild), and the naive pipeline (bench/naive_build.py: stock docxtpl
          render + save per document, plain matplotlib);
  scale   data/2023 scaled to N projects (bench/scale_data.py): the same three, with time and
          memory per project (peak RSS of the largest process and of all of them summed);
  batch   10 departments in one `generator build … -o OUT` against 10 separate builds, both
          starting from an empty disk cache (and both with no disk cache at all).

Ratios are generator / baseline (lower is better). Usage:
  python bench/bench_build.py cold [--runs 5]
  python bench/bench_build.py scale [--sizes 100 300 1000] [--runs 1]
  python bench/bench_build.py batch [--departments 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale_data import departments, scaled  # noqa: E402

DATA = ROOT / "data" / "2023"
OTHER = ROOT / "data" / "examples" / "water-centre-2024"  # another department, same templates


# --- one measured process --------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [p for c in children for p in _tree(int(c))]


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Run:
    """Wall time and peak memory (largest process, summed tree) of one command."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.command, self.env = command, env
        self.seconds = 0.0
        self.peak_one = self.peak_sum = 0.0

    def go(self) -> Run:
        start = time.perf_counter()
        proc = subprocess.Popen(
            self.command, cwd=ROOT, env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        watcher = threading.Thread(target=self._watch, args=(proc,), daemon=True)
        watcher.start()
        _, err = proc.communicate()
        self.seconds = time.perf_counter() - start
        watcher.join()
        if proc.returncode != 0:  # a baseline that fails would make any ratio a lie
            raise SystemExit(f"failed: {' '.join(self.command)}\n{err.decode()[-2000:]}")
        return self

    def _watch(self, proc: subprocess.Popen) -> None:
        if not Path("/proc/self/status").exists():
            return
        while proc.poll() is None:
            sizes = [_rss_kib(pid) for pid in _tree(proc.pid)]
            self.peak_one = max(self.peak_one, max(sizes, default=0) / 1024)
            self.peak_sum = max(self.peak_sum, sum(sizes) / 1024)
            time.sleep(0.02)


def generator(*args: str | Path, cache: str) -> Callable[[], Run]:
    command = [sys.executable, "-m", "generator", "build", *map(str, args)]
    return lambda: Run(command, {"GENERATOR_CACHE": cache}).go()


def naive(data: Path, out: Path) -> Callable[[], Run]:
    command = [sys.executable, str(ROOT / "bench" / "naive_build.py"), str(data), str(out)]
    return lambda: Run(command, {"GENERATOR_CACHE": "off"}).go()


Maker = Callable[[], Callable[[], Run]]


def alternate(makers: dict[str, Maker], runs: int) -> dict[str, list[Run]]:
    """Each maker gives a fresh command per run; the commands run in turn, `runs` rounds."""
    results: dict[str, list[Run]] = {name: [] for name in makers}
    for _ in range(runs):
        for name, make in makers.items():
            results[name].append(make()())
    return results


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def spread(runs: list[Run]) -> str:
    times = sorted(r.seconds for r in runs)
    return f"{median(runs):.2f} s (min {times[0]:.2f}, max {times[-1]:.2f})"


# --- the benchmarks --------------------------------------------------------------------------


def _load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:
        return f"{os.cpu_count()} cores"


def bench_three(data: Path, tmp: Path, runs: int, label: str) -> dict[str, list[Run]]:
    """The generator on `data` with an empty cache (the first build on a machine), with the
    templates' caches only (a first build of this data: another department was built
    before), warm (a rebuild); and the naive pipeline."""
    warm = tmp / "warm-cache"
    generator(data, "-o", tmp / "warm-out", cache=str(warm))()  # fill the warm cache
    primed = tmp / "primed-cache"  # the templates' entries, none of this data's
    generator(OTHER, "-o", tmp / "primed-out", cache=str(primed))()
    counter = iter(range(10**6))

    def cold() -> Callable[[], Run]:
        n = next(counter)
        return generator(data, "-o", tmp / f"cold-{n}", cache=str(tmp / f"cold-cache-{n}"))

    def new_data() -> Callable[[], Run]:
        n = next(counter)
        shutil.copytree(primed, tmp / f"new-cache-{n}")  # before the clock starts
        return generator(data, "-o", tmp / f"new-{n}", cache=str(tmp / f"new-cache-{n}"))

    makers = {
        "generator, empty cache": cold,
        "generator, new data": new_data,
        "generator, warm cache": lambda: generator(data, "-o", tmp / "warm-out", cache=str(warm)),
        "naive pipeline": lambda: naive(data, tmp / f"naive-{next(counter)}"),
    }
    results = alternate(makers, runs)
    base = median(results["naive pipeline"])
    print(f"\n{label} ({runs} runs each, alternated; {_load()}):")
    for name, rs in results.items():
        ratio = median(rs) / base
        memory = f"peak {max(r.peak_one for r in rs):.0f} MiB largest process, "
        memory += f"{max(r.peak_sum for r in rs):.0f} MiB summed"
        print(f"  {name:24s} {spread(rs):32s} ratio {ratio:.2f}   {memory}")
    return results


def cmd_cold(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        generator(DATA, "-o", Path(tmp) / "prime", cache=str(Path(tmp) / "prime-cache"))()
        bench_three(DATA, Path(tmp), args.runs, "cold build of data/2023")


def cmd_scale(args: argparse.Namespace) -> None:
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            data = scaled(DATA, size, Path(tmp) / "data")
            label = f"data/2023 scaled to {size} projects"
            results = bench_three(data, Path(tmp), args.runs, label)
            for name, rs in results.items():
                seconds, mib = median(rs), max(r.peak_one for r in rs)
                print(f"  per project, {name}: {seconds / size * 1000:.1f} ms, "
                      f"{mib / size:.2f} MiB (largest process)")  # fmt: skip


def cmd_batch(args: argparse.Namespace) -> None:
    count = args.departments
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = departments(DATA, count, root / "district")
        counter = iter(range(10**6))
        for cache_mode in ("empty", "off"):

            def cache(mode: str = cache_mode) -> str:
                return "off" if mode == "off" else str(root / f"cache-{next(counter)}")

            def batch() -> Callable[[], Run]:
                return generator(root / "district", "-o", root / f"batch-{next(counter)}",
                                 cache=cache())  # fmt: skip

            def separate() -> Callable[[], Run]:
                shared, n = cache(), next(counter)
                makers = [
                    generator(folder / DATA.name, "-o", root / f"sep-{n}" / folder.name,
                              cache=shared)
                    for folder in folders
                ]  # fmt: skip
                return lambda: _sum([make() for make in makers])

            results = alternate({"batch": batch, "separate": separate}, args.runs)
            ratio = median(results["batch"]) / median(results["separate"])
            print(f"\n{count} departments, disk cache {cache_mode} at the start "
                  f"({args.runs} runs each, alternated; {_load()}):")  # fmt: skip
            print(f"  one batch run          {spread(results['batch'])}  ratio {ratio:.2f}")
            print(f"  {count} separate builds    {spread(results['separate'])}")
            print(f"  batch per department   {median(results['batch']) / count:.2f} s")


def _sum(runs: list[Run]) -> Run:
    total = Run([], {})
    total.seconds = sum(r.seconds for r in runs)
    total.peak_one = max(r.peak_one for r in runs)
    total.peak_sum = max(r.peak_sum for r in runs)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cold = sub.add_parser("cold")
    cold.add_argument("--runs", type=int, default=5)
    scale = sub.add_parser("scale")
    scale.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    scale.add_argument("--runs", type=int, default=1)
    batch = sub.add_parser("batch")
    batch.add_argument("--departments", type=int, default=10)
    batch.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    {"cold": cmd_cold, "scale": cmd_scale, "batch": cmd_batch}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
