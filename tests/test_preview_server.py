"""The preview's HTTP server against a hostile client, with real sockets on 127.0.0.1.

The server runs in front of a stand-in engine (no data is read, nothing is rendered), so these
tests say nothing of the documents and do not change when the data does. Timeouts are made
short (0.5 s); every loop is bounded and every test ends by itself.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator.errors import UsageError
from generator.preview.events import Mailbox
from generator.preview.guard import Limits, shorten
from generator.preview.server import PreviewServer, check_port, listening_socket

ROOT = Path(__file__).resolve().parents[1]
DOC_A = "0123456789ab"
DOC_B = "ba9876543210"
TIMEOUT = 0.5
LIMITS = Limits(request_timeout=TIMEOUT, keep_alive=TIMEOUT, shutdown_grace=0.5)


# --------------------------------------------------------------------------------------------
# A stand-in for generator.preview.engine.Engine


@dataclass
class Charts:
    futures: dict[str, Future[bytes]] = field(default_factory=dict)

    def get(self, key: str) -> Future[bytes] | None:
        return self.futures.get(key)


class FakeEngine:
    """What the routes use of the engine, with a record of what they asked."""

    def __init__(self, root: Path):
        self.data_dir = root / "data"
        self.templates = root / "templates"
        self.out_dir = root / "out"
        for folder in (self.data_dir, self.templates, self.out_dir):
            folder.mkdir(parents=True)
        (self.data_dir / "finance.yaml").write_text("a: 1\n", encoding="utf-8")
        (root / "secret.txt").write_text("top secret\n", encoding="utf-8")
        (self.data_dir / "link.yaml").symlink_to(root / "secret.txt")
        self.closed = False
        self.focus: str | None = None
        self.docs = {DOC_A: "甲", DOC_B: "乙"}
        self.charts = Charts()
        self.listeners: list[Mailbox] = []
        self.pdf_calls: list[str] = []
        self.pdf_error: str | None = None
        self.lock = threading.Lock()

    def state(self) -> dict[str, Any]:
        if self.pdf_error == "state":
            raise RuntimeError("出错了" * 100)
        return {"docs": [{"id": d, "title": t} for d, t in self.docs.items()], "problems": []}

    def summary(self) -> dict[str, Any]:
        return {"version": 1, "docs": dict.fromkeys(self.docs, "h")}

    def doc(self, did: str) -> str | None:
        self.focus = did  # as the engine does: the document asked for is rendered first
        return did if did in self.docs else None

    def doc_json(self, doc: str) -> dict[str, Any]:
        return {"id": doc, "parts": [f"<p>{self.docs[doc]}</p>"]}

    def set_focus(self, did: str | None) -> None:
        if did in self.docs:
            self.focus = did

    def subscribe(self) -> Mailbox:
        q = Mailbox()
        with self.lock:
            self.listeners.append(q)
        return q

    def unsubscribe(self, q: Mailbox) -> None:
        with self.lock:
            if q in self.listeners:
                self.listeners.remove(q)

    def publish(self, message: str) -> None:
        with self.lock:
            for q in self.listeners:
                q.put(message)

    def make_pdf(self, did: str) -> Path:
        self.pdf_calls.append(did)
        if self.pdf_error is not None:
            raise RuntimeError(self.pdf_error)
        path = self.out_dir / f"{did}.pdf"
        path.write_bytes(b"%PDF-1.4\n")
        return path

    def close(self) -> None:
        self.closed = True
        self.publish("")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    """One server for the module (starting one per test would cost more than the tests)."""
    served = PreviewServer(FakeEngine(tmp_path_factory.mktemp("served")), 0, LIMITS)  # type: ignore[arg-type]
    served.start()
    try:
        yield served
    finally:
        served.engine.close()  # type: ignore[attr-defined]
        served.stop()


@pytest.fixture()
def server(running: PreviewServer) -> PreviewServer:
    engine = running.engine
    engine.focus, engine.pdf_error = None, None  # type: ignore[attr-defined]
    engine.pdf_calls.clear()  # type: ignore[attr-defined]
    return running


@pytest.fixture()
def engine(server: PreviewServer) -> FakeEngine:
    return server.engine  # type: ignore[return-value]


@pytest.fixture()
def fresh_engine(tmp_path: Path) -> FakeEngine:
    return FakeEngine(tmp_path)


# --------------------------------------------------------------------------------------------
# A raw HTTP client: exactly the bytes we choose


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def error(self) -> str:
        return json.loads(self.body)["error"]


def connect(server: PreviewServer, timeout: float = 5.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def read_all(sock: socket.socket, deadline: float = 5.0) -> bytes:
    """Everything the server sends until it closes (at most `deadline` seconds)."""
    chunks = []
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1."), raw[:200]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(lines[0].split()[1]), headers, body)


def request(
    server: PreviewServer,
    method: str,
    target: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    host: str | None = None,
) -> Answer:
    """One request on a fresh connection (closed after the answer)."""
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{server.port}'}",
        "Connection: close",
    ]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body and "Content-Length" not in (headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    with connect(server) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body)
        return parse(read_all(sock))


def get(server: PreviewServer, target: str, **headers: str) -> Answer:
    return request(server, "GET", target, {k.replace("_", "-"): v for k, v in headers.items()})


# --------------------------------------------------------------------------------------------
# Listening


def test_listens_on_loopback_only(server: PreviewServer) -> None:
    assert server.socket.getsockname()[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"
    answer = get(server, "/api/state")
    assert answer.status == 200 and json.loads(answer.body)["docs"][0]["id"] == DOC_A
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"


def test_two_hundred_concurrent_requests_are_all_answered(server: PreviewServer) -> None:
    """All connect at once: the listen queue holds them (no SYN dropped and retried a second
    later, as with a backlog of 5), then every one is answered."""
    count = 200
    ready = threading.Barrier(count, timeout=10)
    request_line = f"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"

    def one(_: int) -> tuple[float, int]:
        ready.wait()
        start = time.monotonic()
        with connect(server, timeout=10) as sock:
            connected = time.monotonic() - start
            sock.sendall(f"{request_line}Connection: close\r\n\r\n".encode())
            return connected, parse(read_all(sock, deadline=10)).status

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count), timeout=30))
    assert [status for _, status in results] == [200] * count
    assert max(connected for connected, _ in results) < 0.9  # a dropped SYN waits 1 s
    assert time.monotonic() - start < 15


def test_port_numbers_out_of_range_are_usage_errors() -> None:
    for port in (-1, 65536, 70000):
        with pytest.raises(UsageError, match="端口"):
            check_port(port)
    check_port(0)


def test_a_busy_port_is_refused(fresh_engine: FakeEngine) -> None:
    sock = listening_socket(0, 8)
    try:
        with pytest.raises(OSError):
            PreviewServer(fresh_engine, sock.getsockname()[1], LIMITS)  # type: ignore[arg-type]
    finally:
        sock.close()


def test_cli_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    done = _cli(tmp_path, tmp_path, "--port", "70000").communicate(timeout=30)
    assert "端口" in done[1] and "内部错误" not in done[1]


# --------------------------------------------------------------------------------------------
# Time: nobody holds a connection or a handler


def test_a_connection_that_sends_nothing_is_closed(server: PreviewServer) -> None:
    start = time.monotonic()
    with connect(server) as sock:
        assert read_all(sock, deadline=5) == b""
    assert time.monotonic() - start < TIMEOUT + 2


def test_headers_sent_one_byte_at_a_time_are_cut_off(server: PreviewServer) -> None:
    """Slowloris: each byte would reset an idle timer; the deadline is for the whole request."""
    start = time.monotonic()
    with connect(server) as sock:
        sock.settimeout(0.1)
        received = b""
        for byte in b"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
            try:
                sock.send(bytes([byte]))
                received += sock.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if received or time.monotonic() - start > 5:
                break
        sock.settimeout(2)
        received += read_all(sock, deadline=2)
    assert parse(received).status == 408
    assert "请求超时" in parse(received).text
    assert time.monotonic() - start < TIMEOUT + 3


def test_a_body_shorter_than_its_content_length_times_out(
    server: PreviewServer, engine: FakeEngine
) -> None:
    start = time.monotonic()
    with connect(server) as sock:
        sock.sendall(
            f"POST /api/focus/{DOC_B} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Content-Length: 100\r\n\r\n0123456789".encode()
        )
        answer = parse(read_all(sock))
    assert answer.status == 408 and "请求超时" in answer.error
    assert time.monotonic() - start < TIMEOUT + 2
    assert engine.focus is None  # the handler never ran
    assert get(server, "/api/state").status == 200  # and nothing is stuck


def test_an_idle_keep_alive_connection_is_closed(server: PreviewServer) -> None:
    with connect(server) as sock:
        sock.sendall(f"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        start = time.monotonic()
        raw = read_all(sock, deadline=5)
    assert parse(raw).status == 204
    assert time.monotonic() - start < TIMEOUT + 2  # closed by the server, not by read_all


def test_a_body_trickled_after_the_answer_does_not_hold_the_connection(
    server: PreviewServer,
) -> None:
    """A POST refused at once (413) whose client keeps sending: closed all the same."""
    with connect(server) as sock:
        sock.sendall(
            f"POST /api/focus/{DOC_A} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Content-Length: {2 * 1024 * 1024}\r\n\r\n".encode()
        )
        start = time.monotonic()
        sock.settimeout(0.1)
        received = b""
        while time.monotonic() - start < 5:
            try:
                sock.send(b"x")
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
    assert parse(received).status == 413
    assert time.monotonic() - start < TIMEOUT + 3


# --------------------------------------------------------------------------------------------
# Size and form


def test_a_declared_body_over_one_mib_is_refused(server: PreviewServer, engine: FakeEngine) -> None:
    answer = request(server, "POST", f"/api/pdf/{DOC_A}", {"Content-Length": str(1024 * 1024 + 1)})
    assert answer.status == 413 and "请求过大" in answer.error
    assert engine.pdf_calls == []


def test_a_chunked_body_over_one_mib_is_refused(server: PreviewServer) -> None:
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17)) + b"0\r\n\r\n"
    answer = request(server, "POST", f"/api/focus/{DOC_A}", {"Transfer-Encoding": "chunked"}, body)
    assert answer.status == 413


def test_a_small_body_is_accepted(server: PreviewServer, engine: FakeEngine) -> None:
    answer = request(server, "POST", f"/api/focus/{DOC_B}", body=b"{}")
    assert answer.status == 200 and engine.focus == DOC_B


@pytest.mark.parametrize(
    "header",
    [
        "Content-Length: abc",
        "Content-Length: -1",
        "Content-Length: 1e3",
        "No colon here",
        "Bad Name: x",
    ],
)
def test_bad_headers_get_400(server: PreviewServer, header: str) -> None:
    with connect(server) as sock:
        sock.sendall(
            f"POST /api/focus/{DOC_A} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n\r\n".encode()
        )
        answer = parse(read_all(sock))
    assert answer.status == 400 and "请求无效" in answer.text


def test_a_request_line_that_is_not_ascii_gets_400(server: PreviewServer) -> None:
    with connect(server) as sock:
        sock.sendall("GET /files/data/数据.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert parse(read_all(sock)).status == 400


def test_long_paths_get_414(server: PreviewServer) -> None:
    assert get(server, "/files/data/" + "a" * 256).status == 414  # a file name > 255 bytes
    assert get(server, "/files/data/" + "%E6%95%B0" * 86).status == 414  # 258 bytes decoded
    assert get(server, "/files/data/" + "a" * 255).status == 404  # the longest name may be
    assert get(server, "/source/" + "/".join(["b" * 200] * 45)).status == 414  # URL > 8 KiB
    assert get(server, "/api/state?" + "q" * 9000).status == 414
    assert get(server, "/" + "c/" * 40000).status == 414  # past h11's buffer: still 414
    answer = get(server, "/files/data/" + "a" * 300)
    assert "地址过长" in answer.text


def test_headers_too_large_get_431(server: PreviewServer) -> None:
    answer = request(server, "GET", "/api/state", {f"X-Big-{i}": "v" * 1000 for i in range(80)})
    assert answer.status == 431 and "请求头过大" in answer.text


# --------------------------------------------------------------------------------------------
# Who may ask


def test_other_host_names_and_ports_are_refused(server: PreviewServer) -> None:
    port = server.port
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1:1", "localhost:1"):
        assert request(server, "GET", "/api/state", host=host).status == 403, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert request(server, "GET", "/api/state", host=host).status == 200, host


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost:1"},
        {"Origin": "http://127.0.0.1:1"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-site"},  # another port of localhost, no Origin sent
        {"Sec-Fetch-Site": "cross-site"},
        {"Referer": "http://localhost:1/page.html"},
    ],
)
def test_another_page_cannot_make_a_pdf(
    server: PreviewServer, engine: FakeEngine, headers: dict[str, str]
) -> None:
    answer = request(server, "POST", f"/api/pdf/{DOC_A}", headers)
    assert answer.status == 403 and "其他网页" in answer.error
    assert engine.pdf_calls == []


def test_our_own_page_can_make_a_pdf(server: PreviewServer, engine: FakeEngine) -> None:
    for origin in (f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}"):
        answer = request(
            server, "POST", f"/api/pdf/{DOC_A}", {"Origin": origin, "Sec-Fetch-Site": "same-origin"}
        )
        assert answer.status == 200 and json.loads(answer.body)["url"].endswith(".pdf")
    assert request(server, "POST", f"/api/pdf/{DOC_A}").status == 200  # not a browser: curl
    assert engine.pdf_calls == [DOC_A] * 3


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://localhost:1"},
        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},  # <img src=…>: no Origin
        {"Referer": "http://evil.example/"},
    ],
)
def test_a_get_from_another_page_changes_nothing(
    server: PreviewServer, engine: FakeEngine, headers: dict[str, str]
) -> None:
    engine.focus = DOC_A
    assert get(server, f"/api/events?doc={DOC_B}", **headers).status == 403
    assert get(server, f"/api/doc/{DOC_B}", **headers).status == 403
    assert engine.focus == DOC_A


def test_our_page_sets_the_focus_through_the_event_stream(
    server: PreviewServer, engine: FakeEngine
) -> None:
    with connect(server) as sock:
        sock.sendall(
            f"GET /api/events?doc={DOC_B} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Sec-Fetch-Site: same-origin\r\n\r\n".encode()
        )
        first = _read_until(sock, b"\n\n")
        assert b"text/event-stream" in first and b'"version": 1' in first
        assert engine.focus == DOC_B
        engine.publish('{"version": 2}')
        assert b'data: {"version": 2}' in _read_until(sock, b'{"version": 2}\n\n')
    deadline = time.monotonic() + 5
    while engine.listeners and time.monotonic() < deadline:  # the stream saw the disconnect
        time.sleep(0.02)
    assert engine.listeners == []


def test_navigating_to_the_page_from_elsewhere_is_allowed(server: PreviewServer) -> None:
    answer = get(server, "/", Sec_Fetch_Site="cross-site", Sec_Fetch_Mode="navigate")
    assert answer.status == 200 and "EventSource" in answer.text


# --------------------------------------------------------------------------------------------
# What is served, and what is said


@pytest.mark.parametrize(
    "path",
    [
        "/files/data/../../secret.txt",
        "/files/data/%2e%2e/secret.txt",
        "/files/data/..%2fsecret.txt",
        "/files/data//etc/passwd",
        "/files/etc/passwd",
        "/files/../secret.txt",
        "/source/../secret.txt",
        "/source/..%5csecret.txt",
        "/files/data/link.yaml",
        "/source/link.yaml",
        "/files/data/finance.yaml%00.png",
    ],
)
def test_nothing_outside_the_three_folders(server: PreviewServer, path: str) -> None:
    answer = get(server, path)
    assert answer.status in (403, 404) and b"top secret" not in answer.body


def test_the_three_folders_are_served(server: PreviewServer, engine: FakeEngine) -> None:
    assert get(server, "/files/data/finance.yaml").body == b"a: 1\n"
    assert b'id="L1"' in get(server, "/source/finance.yaml").body
    assert get(server, "/files/output/nothing.pdf").status == 404


def test_charts_are_served_by_key(server: PreviewServer, engine: FakeEngine) -> None:
    drawn: Future[bytes] = Future()
    drawn.set_result(b"\x89PNG-stand-in")
    failed: Future[bytes] = Future()
    failed.set_exception(ValueError("坏" * 500))
    dropped: Future[bytes] = Future()
    dropped.cancel()
    engine.charts.futures.update({"drawn": drawn, "failed": failed, "dropped": dropped})
    answer = get(server, "/chart/drawn.png")
    assert answer.body == b"\x89PNG-stand-in" and "immutable" in answer.headers["cache-control"]
    for key in ("failed", "dropped"):
        answer = get(server, f"/chart/{key}.png")
        assert answer.status == 200 and "图表无法绘制" in answer.text
        assert answer.headers["content-type"].startswith("image/svg+xml")


def test_errors_are_in_chinese(server: PreviewServer) -> None:
    assert "没有这个地址" in get(server, "/nowhere").text
    assert "没有这份文档" in get(server, "/api/doc/ffffffffffff").error
    assert "没有这个图表" in get(server, "/chart/abc.png").text
    answer = get(server, f"/api/pdf/{DOC_A}")
    assert answer.status == 405 and "不支持该请求方法" in answer.error


def test_an_internal_error_is_answered_in_chinese(
    server: PreviewServer, engine: FakeEngine
) -> None:
    engine.pdf_error = "state"  # the stand-in's /api/state raises
    answer = get(server, "/api/state")
    assert answer.status == 500 and answer.error.startswith("预览内部错误：出错了")
    assert len(answer.error) <= 200
    engine.pdf_error = None
    assert get(server, "/api/state").status == 200


def test_long_values_are_shortened_in_messages(server: PreviewServer, engine: FakeEngine) -> None:
    path = "/" + "/".join([quote("长" * 80)] * 10)  # 800 characters, 7 KiB encoded
    answer = get(server, path)
    message = answer.text.split("<p>", 1)[1]
    assert answer.status == 404 and len(message) <= 200 and message.endswith("…")
    assert message.startswith("没有这个地址：/长长")
    engine.pdf_error = "坏值" * 50_000  # a 100 000-character value in an exception
    error = request(server, "POST", f"/api/pdf/{DOC_A}").error
    assert len(error) <= 200 and error.endswith("…")
    assert shorten("x" * 500) == "x" * 199 + "…" and shorten("短") == "短"


# --------------------------------------------------------------------------------------------
# Stopping


def test_stop_is_quick_with_streams_and_idle_connections_open(fresh_engine: FakeEngine) -> None:
    running = PreviewServer(fresh_engine, 0, LIMITS)  # type: ignore[arg-type]
    running.start()
    port = running.port
    stream = connect(running)
    stream.sendall(f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    _read_until(stream, b"\n\n")
    idle = connect(running)
    start = time.monotonic()
    running.stop()
    assert time.monotonic() - start < 3
    assert running._thread is not None and not running._thread.is_alive()
    stream.close()
    idle.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_the_command_stops_cleanly_on_ctrl_c_and_sigterm(tmp_path: Path) -> None:
    """Two `preview` commands side by side: one gets SIGINT, one SIGTERM; both exit 0."""
    data = tmp_path / "2023"
    shutil.copytree(ROOT / "data" / "2023", data)
    ports = [_free_port(), _free_port()]
    procs = [_cli(tmp_path, data, "--port", str(port)) for port in ports]
    try:
        for proc, port, sig in zip(procs, ports, (signal.SIGINT, signal.SIGTERM), strict=True):
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert f"实时预览：http://127.0.0.1:{port}/" in line, proc.stderr and proc.stderr.read()
            proc.send_signal(sig)
        for proc in procs:
            _, err = proc.communicate(timeout=15)
            assert proc.returncode == 0, err
            assert "已停止预览" in err and "Traceback" not in err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=5)


# --------------------------------------------------------------------------------------------
# helpers


def _read_until(sock: socket.socket, marker: bytes, deadline: float = 5.0) -> bytes:
    data = b""
    end = time.monotonic() + deadline
    while marker not in data and time.monotonic() < end:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(folder: Path, data: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "preview", str(data), *args],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
