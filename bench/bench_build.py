"""Time a cold build of the full 2023 output: median wall time of several runs, peak memory.

Each run is a fresh `python -m generator build` process (imports included), writing into a
temporary folder. Usage: python bench/bench_build.py [--runs 5] [--data data/2023]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(data: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", "build", str(data), "-o", f"{tmp}/out"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


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


def tree_peak_mib(data: Path) -> float | None:
    """Peak of the summed RSS of the build and its workers (shared pages counted in each)."""
    if not Path("/proc/self/status").exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", str(data), "-o", f"{tmp}/out"],
            cwd=ROOT, stdout=subprocess.DEVNULL,
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, sum(_rss_kib(pid) for pid in _tree(proc.pid)))
            time.sleep(0.02)
    return peak / 1024


def stage_times(data: Path) -> dict[str, float]:
    """In-process split of one build: imports, prepare, charts, rendering."""
    code = f"""
import time, json
t0 = time.perf_counter()
import matplotlib.pyplot, docxtpl
t1 = time.perf_counter()
from pathlib import Path
from generator import build as b
report, _ = b.prepare(Path({str(data)!r}))
t2 = time.perf_counter()
charts = b.draw_charts(report)
t3 = time.perf_counter()
from generator.render import Image
images = {{k: Image(v[2]) for k, v in charts.items()}}
jobs = b.plan_documents(report)
for job in jobs:
    b._render_job(job, report, images)
t4 = time.perf_counter()
print(json.dumps({{"imports": t1 - t0, "load+validate+derive+audit": t2 - t1,
                  "7 charts": t3 - t2, f"{{len(jobs)}} documents (serial)": t4 - t3}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    import json

    return json.loads(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "2023")
    args = parser.parse_args()
    one_run(args.data)  # warm the disk cache and matplotlib's font cache
    times = [one_run(args.data) for _ in range(args.runs)]
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"cores: {os.cpu_count()}")
    print(
        f"cold build, {args.runs} runs: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )
    print(f"peak memory of one process: {peak_mib:.0f} MiB")
    tree = tree_peak_mib(args.data)
    if tree is not None:
        print(f"peak memory of the build with its workers (summed RSS): {tree:.0f} MiB")
    for stage, seconds in stage_times(args.data).items():
        print(f"  {stage}: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
