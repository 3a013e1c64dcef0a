"""HTTP of the preview: loopback only, read-only, and no path outside its three folders.

Routes:
  /                      the page
  /api/state             documents and problems (JSON)
  /api/doc/<id>          one document's HTML (JSON), rendered from the current data
  /api/events?doc=<id>   Server-Sent Events: a summary whenever something changed
  /api/pdf/<id>          (POST) make the PDF of a document through LibreOffice
  /chart/<key>.png       a chart by the hash of its inputs
  /source/<path>         a data file as numbered lines (the problems link to a line)
  /files/{data,templates,output}/<path>   a file of one of the three folders
"""

from __future__ import annotations

import contextlib
import html
import json
import mimetypes
import posixpath
import queue
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from generator.preview.engine import Engine
from generator.preview.page import page_html, source_html

HOST = "127.0.0.1"  # never anything but loopback
LOOPBACK = ("127.0.0.1", "localhost", "::1")
CHART_KEY = re.compile(r"^[A-Za-z0-9-]{1,80}$")
DOC_ID = re.compile(r"^[0-9a-f]{12}$")
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_join(root: Path, relative: str) -> Path | None:
    """`root/relative` if it stays inside `root` once symlinks are resolved, else None.

    Refuses absolute paths, drive letters, backslashes, NUL, empty and `.`/`..` segments before
    touching the file system, then checks the resolved path (a symlink may point outside).
    """
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    if relative.startswith("/") or WINDOWS_DRIVE.match(relative):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = root.resolve()
    try:
        target = (base / Path(*parts)).resolve()
    except (OSError, RuntimeError):
        return None
    if target != base and base not in target.parents:
        return None
    return target


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, engine: Engine, port: int):
        self.engine = engine
        super().__init__((HOST, port), Handler)

    def server_bind(self) -> None:
        if self.server_address[0] != HOST:  # pragma: no cover - guarded by the constructor
            raise ValueError("预览只监听 127.0.0.1")
        super().server_bind()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def roots(self) -> dict[str, Path]:
        e = self.engine
        return {"data": e.data_dir, "templates": e.templates, "output": e.out_dir}


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "generator-preview"
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass

    # -- helpers -------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
              ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: int = 200) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        body = f"<!doctype html><meta charset=utf-8><p>{html.escape(message)}</p>".encode()
        self._send(status, body, "text/html; charset=utf-8")

    def _host_ok(self) -> bool:
        """Refuse other host names (DNS rebinding): only the loopback names reach the data."""
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        return name in (*LOOPBACK, "[::1]", "")

    def _existing(self, path: Path | None, refused: str) -> Path | None:
        """`path` if it is a file to serve; otherwise None, the error sent (`refused`: 403)."""
        if path is None:
            self._error(HTTPStatus.FORBIDDEN, refused)
            return None
        if not path.is_file():
            self._error(HTTPStatus.NOT_FOUND, "没有这个文件")
            return None
        return path

    # -- routing -------------------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        if not self._host_ok():
            self._error(HTTPStatus.FORBIDDEN, "拒绝访问")
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = parse_qs(url.query)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, query)

    def do_POST(self) -> None:  # noqa: N802
        origin = self.headers.get("Origin")
        foreign = origin is not None and urlsplit(origin).hostname not in LOOPBACK
        if not self._host_ok() or foreign:  # no other site may make the preview work
            self._error(HTTPStatus.FORBIDDEN, "拒绝访问")
            return
        path = unquote(urlsplit(self.path).path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 65536))
        if path.startswith("/api/pdf/"):
            self._pdf(path.removeprefix("/api/pdf/"))
        elif path.startswith("/api/focus/"):
            self.server.engine.set_focus(path.removeprefix("/api/focus/"))
            self._json({"ok": True})
        else:
            self._error(HTTPStatus.NOT_FOUND, "没有这个地址")

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        engine = self.server.engine
        if path in ("/", "/index.html"):
            self._send(200, page_html().encode("utf-8"), "text/html; charset=utf-8")
        elif path == "/api/state":
            self._json(engine.state())
        elif path == "/api/events":
            self._events(query.get("doc", [""])[0])
        elif path.startswith("/api/doc/"):
            did = path.removeprefix("/api/doc/")
            doc = engine.doc(did) if DOC_ID.match(did) else None
            if doc is None:
                self._json({"error": "没有这份文档"}, 404)
            else:
                self._json(engine.doc_json(doc))
        elif path.startswith("/chart/") and path.endswith(".png"):
            self._chart(path.removeprefix("/chart/").removesuffix(".png"))
        elif path.startswith("/source/"):
            self._source(path.removeprefix("/source/"))
        elif path.startswith("/files/"):
            self._file(path.removeprefix("/files/"))
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        else:
            self._error(HTTPStatus.NOT_FOUND, "没有这个地址")

    # -- handlers ------------------------------------------------------------------------

    def _events(self, did: str) -> None:
        engine = self.server.engine
        if DOC_ID.match(did):
            engine.set_focus(did)
        q = engine.subscribe()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            first = json.dumps(engine.summary(), ensure_ascii=False)
            self.wfile.write(f"retry: 1000\ndata: {first}\n\n".encode())
            self.wfile.flush()
            self._stream(q)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            engine.unsubscribe(q)

    def _stream(self, q: queue.Queue[str]) -> None:
        """Send each summary published (the newest of those waiting), a ping every 15 s."""
        engine = self.server.engine
        while not engine.closed:
            try:
                message = q.get(timeout=15)
            except queue.Empty:
                self.wfile.write(b": ping\n\n")
                self.wfile.flush()
                continue
            if not message:
                return
            while True:  # only the newest summary matters
                try:
                    message = q.get_nowait() or message
                except queue.Empty:
                    break
            self.wfile.write(f"data: {message}\n\n".encode())
            self.wfile.flush()

    def _chart(self, key: str) -> None:
        future = self.server.engine.charts.get(key) if CHART_KEY.match(key) else None
        if future is None:
            self._error(HTTPStatus.NOT_FOUND, "没有这个图表")
            return
        try:
            png = future.result(timeout=120)
        except Exception as exc:  # noqa: BLE001 - shown in place of the chart
            svg = _error_svg(f"图表无法绘制：{exc}")
            self._send(200, svg, "image/svg+xml; charset=utf-8")
            return
        self._send(200, png, "image/png", {"Cache-Control": "max-age=86400, immutable"})

    def _source(self, relative: str) -> None:
        path = self._existing(safe_join(self.server.engine.data_dir, relative),
                              "只能查看数据文件夹中的文件")
        if path is None:
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._error(HTTPStatus.UNPROCESSABLE_ENTITY, f"无法读取：{exc}")
            return
        self._send(200, source_html(relative, text).encode("utf-8"), "text/html; charset=utf-8")

    def _file(self, rest: str) -> None:
        area, _, relative = rest.partition("/")
        root = self.server.roots().get(area)
        path = self._existing(safe_join(root, relative) if root is not None else None,
                              "只能读取数据、模板和输出文件夹中的文件")
        if path is None:
            return
        ctype = mimetypes.guess_type(posixpath.basename(relative))[0] or "application/octet-stream"
        if ctype.startswith("text/") or relative.endswith((".yaml", ".yml")):
            ctype = "text/plain; charset=utf-8"
        self._send(200, path.read_bytes(), ctype)

    def _pdf(self, did: str) -> None:
        if not DOC_ID.match(did):
            self._json({"error": "没有这份文档"}, 404)
            return
        try:
            pdf = self.server.engine.make_pdf(did)
        except Exception as exc:  # noqa: BLE001 - the page shows the reason
            self._json({"error": str(exc)}, 500)
            return
        rel = pdf.relative_to(self.server.engine.out_dir).as_posix()
        self._json({"url": "/files/output/" + rel})


def _error_svg(message: str) -> bytes:
    text = html.escape(message[:120])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="590" height="315">'
            f'<rect width="100%" height="100%" fill="#fff4f4" stroke="#c00"/>'
            f'<text x="20" y="160" font-size="14" fill="#c00">{text}</text></svg>').encode()
