"""End to end in headless Chromium: the preview of a copy of data/2023 refreshes by itself.

Starts `python -m generator preview` on the copy, opens the page, changes one amount in
finance.yaml and waits for the new derived figures without reloading; then breaks the value
and waits for the problem to be listed with its file and line, and for the placeholder.
Needs Debian's chromium and chromium-driver, and selenium (pip); skipped without Chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium is not installed (CI: apt-get install -y chromium chromium-driver)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("e2e")
    data = root / "2023"
    shutil.copytree(DATA, data)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "preview", str(data), "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line + (
            proc.stderr.read() if proc.stderr else ""
        )
        yield f"http://127.0.0.1:{port}/", data
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], Any], what: str, timeout: float = 45) -> Any:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"等待超时：{what}（最后一次：{last!r}）")


def doc_text(driver: Any) -> str:
    return driver.execute_script("return document.querySelector('#doc').textContent")


def problems_text(driver: Any) -> str:
    return driver.execute_script("return document.querySelector('#problems').innerText")


def set_previous_total(
    data: Path, value: str, keys: tuple[str, ...] = ("income_total", "expenditure_total")
) -> int:
    """Write finance.yaml's previous.<key> for each of `keys` (last year's 收入总计 and 支出总计);
    return the line number of the first."""
    path = data / "finance.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("previous:"))
    found = []
    for key in keys:
        index = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(f"  {key}:"))
        comment = lines[index].split("#", 1)
        tail = f"  # {comment[1].strip()}\n" if len(comment) > 1 else "\n"
        lines[index] = f"  {key}: {value}{tail}"
        found.append(index + 1)
    path.write_text("".join(lines), encoding="utf-8")
    return found[0]


def test_live_preview_in_chromium(served: tuple[str, Path], browser: Any) -> None:
    url, data = served
    browser.get(url)
    wait_for(
        lambda: "收、支总计各增加158.44万元，增长21%" in doc_text(browser),
        "决算公开显示原来的变动数字",
    )
    wait_for(
        lambda: (
            browser.execute_script(
                "return [...document.querySelectorAll('#doc img.chart')]"
                ".filter(i => i.complete && i.naturalWidth > 0).length"
            )
            == 7
        ),
        "七张图表都已显示",
    )
    browser.execute_script("window.__sameDocument = 42")
    patches = browser.execute_script("return window.preview.patches")

    # one amount changes: the derived figures follow without a reload by the test
    set_previous_total(data, "700")
    wait_for(
        lambda: "收、支总计各增加212.26万元，增长30%" in doc_text(browser),
        "修改上年支出总计后，页面自动显示新的增减额和增长率",
    )
    assert browser.execute_script("return window.__sameDocument") == 42
    # the changed parts came with the event: the page fetched no document for them
    assert browser.execute_script("return window.preview.patches") > patches
    assert "158.44" not in doc_text(browser).split("收、支总计各增加", 1)[1][:20]
    assert browser.execute_script("return document.querySelectorAll('#doc .changed').length")

    # a broken value: the problem is listed with its file and line, the document still renders
    line = set_previous_total(data, "七百", ("income_total",))
    where = f"finance.yaml:{line}"
    wait_for(
        lambda: (
            where in problems_text(browser) and "previous.income_total" in problems_text(browser)
        ),
        f"问题面板列出 {where} previous.income_total",
    )
    assert "应为数字金额" in problems_text(browser)
    wait_for(
        lambda: browser.execute_script(
            "return [...document.querySelectorAll('#doc mark.ph')]"
            ".some(m => m.textContent.includes('previous.income_total'))"
        ),
        "文档中显示待填占位",
    )
    assert "第一部分" in doc_text(browser) and "912.26" in doc_text(browser)
    assert browser.execute_script("return window.__sameDocument") == 42

    # the problem links to its place in the document
    browser.execute_script("""
        const li = [...document.querySelectorAll('#problems li')]
            .find(x => x.textContent.includes('previous.income_total'));
        li.click();""")
    wait_for(
        lambda: browser.execute_script("return !!document.querySelector('#doc mark.ph.flash')"),
        "点击问题后定位到占位",
    )
