"""Time the live preview: from saving a one-figure change to the refreshed page being ready.

Starts `python -m generator preview` on a copy of the data (its own warm process, as a user
runs it), opens the disclosure, then edits one amount several times (finance.yaml
`previous.income_total`, which moves the year-on-year sentence and chart 1) and times each edit:

  text    save -> the server announced the new disclosure -> its HTML fetched and holding the
          new derived figure (what the page swaps in without a reload);
  charts  save -> the redrawn chart PNG fetched too (the page shows it as soon as it arrives);
  page    (with --browser) save -> headless Chromium replaced the document in the DOM, as the
          page itself measures it (Date.now() - the file's mtime).

Prints the median, p95, minimum and maximum of each; with --baseline, the ratio to a naive
full rebuild (bench/naive_build.py) measured in the same run (a baseline that fails or writes
no files ends the benchmark with exit status 1, and no ratio is printed). Usage:
  python bench/bench_preview.py [--edits 9] [--data data/2023] [--browser] [--baseline]
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(  income_total: )([0-9.]+)(.*)$", re.M)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int):
        self.port = port

    def get(self, path: str, timeout: float = 60) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.read()
        finally:
            conn.close()

    def json(self, path: str) -> dict:
        return json.loads(self.get(path))

    def events(self, into: queue.Queue[dict], doc: str) -> threading.Thread:
        def run() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            conn.request("GET", f"/api/events?doc={doc}")
            response = conn.getresponse()
            data = ""
            while True:
                line = response.readline().decode("utf-8")
                if not line:
                    return
                if line.startswith("data: "):
                    data += line[6:].strip()
                elif line == "\n" and data:
                    into.put(json.loads(data))
                    data = ""

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


def start_preview(data: Path, port: int, out: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "preview", str(data), "--port", str(port)],
        cwd=out,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "127.0.0.1" not in line:
        proc.kill()
        raise SystemExit(f"预览未能启动：{line!r}")
    return proc


def wait_idle(client: Client, timeout: float = 60) -> None:
    """Until every document is rendered from the current data and every chart is drawn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not client.json("/api/state")["busy"]:
            return
        time.sleep(0.1)


def expected_change(income: Decimal, previous: Decimal) -> str:
    diff = income - previous
    text = f"{diff.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"增加{text}万元"


def chart_urls(html: str) -> set[str]:
    return set(re.findall(r'src="(/chart/[^"]+\.png)"', html))


def bench(data: Path, edits: int, browser: bool) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"text": [], "charts": [], "page": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / data.name
        shutil.copytree(data, work)
        port = free_port()
        proc = start_preview(work, port, Path(tmp))
        client = Client(port)
        driver = None
        try:
            state = client.json("/api/state")
            disclosure = next(d for d in state["docs"] if d["kind"] == "disclosure")["id"]
            doc = client.json(f"/api/doc/{disclosure}")
            events: queue.Queue[dict] = queue.Queue()
            client.events(events, disclosure)
            if browser:
                driver = open_browser(port, disclosure)
            wait_idle(client)
            finance = work / "finance.yaml"
            original = finance.read_text(encoding="utf-8")
            income = Decimal("912.26")
            shown_hash = doc["hash"]
            seen_charts = chart_urls("".join(doc["parts"]))
            for i in range(edits):
                previous = Decimal("700") + Decimal(i) * Decimal("3.17")
                text = LINE.sub(
                    lambda m, p=previous: f"{m.group(1)}{p}{m.group(3)}", original, count=1
                )
                want = expected_change(income, previous)
                while not events.empty():
                    events.get_nowait()
                marks = len(driver.execute_script("return window.preview.timings")) if driver else 0
                start = time.time()
                finance.write_text(text, encoding="utf-8")
                while True:
                    summary = events.get(timeout=30)
                    if summary["docs"].get(disclosure) not in (None, shown_hash):
                        break
                doc = client.json(f"/api/doc/{disclosure}")
                got_text = time.time()
                if want not in re.sub(r"<[^>]+>", "", "".join(doc["parts"])):
                    raise SystemExit(f"刷新后的文档中没有“{want}”")
                shown_hash = doc["hash"]
                urls = chart_urls("".join(doc["parts"]))
                for url in urls - seen_charts:
                    client.get(url)
                got_charts = time.time()
                seen_charts = urls
                timings = client.json("/api/state")["timings"]
                for key in ("detect", "pipeline", "render", "html", "ready"):
                    results.setdefault("server " + key, []).append(timings.get(key, 0.0))
                results["text"].append(got_text - start)
                results["charts"].append(got_charts - start)
                if driver is not None:
                    results["page"].append(page_latency(driver, marks, want))
                wait_idle(client)
                time.sleep(0.3)
        finally:
            if driver is not None:
                driver.quit()
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return results


def open_browser(port: int, doc: str):  # pragma: no cover - needs Chromium
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    driver.get(f"http://127.0.0.1:{port}/#{doc}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if driver.execute_script("return document.querySelector('#doc').textContent.length"):
            break
        time.sleep(0.1)
    return driver


def page_latency(driver, marks: int, want: str) -> float:  # pragma: no cover
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        timings = driver.execute_script("return window.preview.timings")
        if len(timings) > marks and want in driver.execute_script(
            "return document.querySelector('#doc').textContent"
        ):
            return float(timings[-1])
        time.sleep(0.01)
    raise SystemExit("页面没有刷新")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "2023")
    parser.add_argument("--edits", type=int, default=9)
    parser.add_argument(
        "--browser", action="store_true", help="also measure in headless Chromium (selenium)"
    )
    parser.add_argument(
        "--baseline", action="store_true", help="also time the naive full rebuild, for a ratio"
    )
    args = parser.parse_args()
    results = bench(args.data.resolve(), args.edits, args.browser)
    print(f"保存一处数字到预览刷新（{args.edits} 次修改，finance.yaml previous.income_total）")
    names = {
        "text": "文档文字就绪",
        "charts": "含重绘图表",
        "page": "浏览器页面已替换",
        "server detect": "其中：发现修改",
        "server pipeline": "其中：读取计算审核",
        "server render": "其中：生成文档+HTML",
        "server html": "其中：转为 HTML",
        "server ready": "服务端就绪",
    }
    baseline = naive_rebuild(args.data.resolve()) if args.baseline else None
    for key, values in results.items():
        if not values:
            continue
        ratio = f"  与朴素重建之比 {statistics.median(values) / baseline:.3f}" if baseline else ""
        print(
            f"  {names.get(key, key):<12} 中位数 {statistics.median(values):.3f} 秒  "
            f"p95 {p95(values):.3f}  最快 {min(values):.3f}  最慢 {max(values):.3f}{ratio}"
        )
    if baseline:
        naive = "bench/naive_build.py"
        print(f"  朴素基线：每次保存后用 {naive} 重新生成，{baseline:.3f} 秒（中位数）")
    return 0


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method: within the measured range for few samples)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def naive_rebuild(data: Path, runs: int = 3) -> float:
    """Median time of the naive pipeline rebuilding everything (what saving costs without
    the preview), measured in this run. A baseline that fails, or writes no files, or not the
    files it says, ends the benchmark (exit status 1): a ratio to it would mean nothing."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "naive_build.py"), str(data), tmp],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
            times.append(time.perf_counter() - start)
            check_baseline(proc, Path(tmp))
    return statistics.median(times)


def check_baseline(proc: subprocess.CompletedProcess[str], out: Path) -> int:
    """The number of files the naive build wrote; SystemExit when it failed."""
    if proc.returncode != 0:
        raise SystemExit(
            f"朴素基线 bench/naive_build.py 失败（退出码 {proc.returncode}），不计算比值：\n"
            f"{proc.stderr[-3000:]}"
        )
    written = sum(1 for p in out.rglob("*") if p.is_file() and p.stat().st_size > 0)
    said = re.search(r"^(\d+) files$", proc.stdout, re.M)
    if not written or said is None or int(said.group(1)) != written:
        raise SystemExit(
            f"朴素基线 bench/naive_build.py 未写出应有的文件（写出 {written} 个，"
            f"输出：{proc.stdout[-500:]!r}），不计算比值"
        )
    return written


if __name__ == "__main__":
    sys.exit(main())
