"""The preview's routes (Starlette), behind the gate of guard.py.

Routes:
  /                      the page
  /api/state             documents and problems (JSON)
  /api/doc/<id>          one document's HTML (JSON), rendered from the current data
  /api/events?doc=<id>   Server-Sent Events: a summary whenever something changed (with the
                         problems when they changed, and the changed parts of the document
                         shown: the page needs no request to show them)
  /api/pdf/<id>          (POST) make the PDF of a document through LibreOffice
  /api/focus/<id>        (POST) the document the page shows (rendered first)
  /chart/<key>.png       a chart by the hash of its inputs
  /source/<path>         a data file as numbered lines (the problems link to a line)
  /files/{data,templates,output}/<path>   a file of one of the three folders

What blocks (the engine waits for a rendering, LibreOffice, reading a file) runs in Starlette's
thread pool; the event stream and the charts wait on the event loop, the stream woken by the
engine's message itself (events.Mailbox).
"""

from __future__ import annotations

import asyncio
import html
import json
import mimetypes
import posixpath
import queue
import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from generator.preview.events import Mailbox
from generator.preview.guard import Guard, Limits, error_response, shorten
from generator.preview.page import page_html, source_html
from generator.preview.paths import safe_join

CHART_KEY = re.compile(r"^[A-Za-z0-9-]{1,80}$")
DOC_ID = re.compile(r"^[0-9a-f]{12}$")
PING = 15.0  # seconds between two keep-alive comments of the event stream
BACKLOG = 8  # messages waiting for one stream beyond which only the newest is sent
CHART_WAIT = 120.0
HTTP_MESSAGES = {404: "没有这个地址", 405: "不支持该请求方法"}


class Engine(Protocol):
    """What the routes use of generator.preview.engine.Engine."""

    data_dir: Path
    templates: Path
    out_dir: Path
    closed: bool
    charts: Any

    def state(self) -> dict[str, Any]: ...
    def summary(self) -> dict[str, Any]: ...
    def doc(self, did: str) -> Any: ...
    def doc_json(self, doc: Any) -> dict[str, Any]: ...
    def set_focus(self, did: str | None) -> None: ...
    def subscribe(self) -> Mailbox: ...
    def unsubscribe(self, q: Mailbox) -> None: ...
    def make_pdf(self, did: str) -> Path: ...


class Routes:
    """The handlers, bound to one engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.stopping = threading.Event()  # set when the server stops: streams end
        self._streams: set[Mailbox] = set()
        self._streams_lock = threading.Lock()  # the loop adds and drops, stop() wakes them

    def roots(self) -> dict[str, Path]:
        e = self.engine
        return {"data": e.data_dir, "templates": e.templates, "output": e.out_dir}

    # -- the page and the API ------------------------------------------------------------

    def page(self, request: Request) -> Response:
        return HTMLResponse(page_html())

    def state(self, request: Request) -> Response:
        return _json(self.engine.state())

    def doc(self, request: Request) -> Response:
        did = request.path_params["did"]
        doc = self.engine.doc(did) if DOC_ID.match(did) else None
        if doc is None:
            return _json({"error": "没有这份文档"}, 404)
        return _json(self.engine.doc_json(doc))

    def focus(self, request: Request) -> Response:
        self.engine.set_focus(request.path_params["did"])
        return _json({"ok": True})

    def pdf(self, request: Request) -> Response:
        did = request.path_params["did"]
        if not DOC_ID.match(did):
            return _json({"error": "没有这份文档"}, 404)
        try:
            pdf = self.engine.make_pdf(did)
        except Exception as exc:  # noqa: BLE001 - the page shows the reason
            return _json({"error": shorten(str(exc) or exc.__class__.__name__)}, 500)
        rel = pdf.relative_to(self.engine.out_dir).as_posix()
        return _json({"url": "/files/output/" + rel})

    async def events(self, request: Request) -> Response:
        did = request.query_params.get("doc", "")
        if DOC_ID.match(did):  # the gate let only our own page get here
            await run_in_threadpool(self.engine.set_focus, did)
        return StreamingResponse(
            self._stream(),
            media_type="text/event-stream; charset=utf-8",
            headers={"X-Accel-Buffering": "no"},
        )

    async def _stream(self) -> AsyncIterator[str]:
        """A summary now, then each one published as soon as it is, pings."""
        engine = self.engine
        q = engine.subscribe()
        q.attach()
        with self._streams_lock:
            self._streams.add(q)
        try:
            first = json.dumps(await run_in_threadpool(engine.summary), ensure_ascii=False)
            yield f"retry: 1000\ndata: {first}\n\n"
            while not engine.closed and not self.stopping.is_set():
                messages = await self._next(q)
                if messages is None:
                    yield ": ping\n\n"
                elif "" in messages:
                    return
                else:
                    yield "".join(f"data: {m}\n\n" for m in messages)
        finally:
            with self._streams_lock:
                self._streams.discard(q)
            engine.unsubscribe(q)

    async def _next(self, q: Mailbox) -> list[str] | None:
        """The messages waiting in `q`, in order (only the newest when more than BACKLOG
        wait; [""] when the engine closes); None after PING seconds without one."""
        if not await q.wait(PING) or self.stopping.is_set():
            return None
        messages: list[str] = []
        while True:
            try:
                messages.append(q.get_nowait())
            except queue.Empty:
                break
        if "" in messages:
            return [""]
        return messages if len(messages) <= BACKLOG else [messages[-1]]

    def stop_streams(self) -> None:
        """End every stream (the server stops): each is woken to see `stopping`."""
        self.stopping.set()
        with self._streams_lock:
            streams = list(self._streams)
        for q in streams:
            q.wake()

    # -- files ---------------------------------------------------------------------------

    async def chart(self, request: Request) -> Response:
        key = request.path_params["key"]
        future = self.engine.charts.get(key) if CHART_KEY.match(key) else None
        if future is None:
            return error_response(request.url.path, 404, "没有这个图表")
        try:
            png = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), CHART_WAIT)
        except asyncio.CancelledError:
            if not future.cancelled():
                raise  # the request itself was cancelled
            return _chart_error("数据已改变，请刷新")
        except Exception as exc:  # noqa: BLE001 - shown in place of the chart
            return _chart_error("绘制超时" if isinstance(exc, TimeoutError) else str(exc))
        return Response(png, 200, {"Cache-Control": "max-age=86400, immutable"}, "image/png")

    def source(self, request: Request) -> Response:
        relative = request.path_params["rest"]
        path = safe_join(self.engine.data_dir, relative)
        refused = _unservable(request, path, "只能查看数据文件夹中的文件")
        if refused is not None:
            return refused
        assert path is not None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return error_response(request.url.path, 422, f"无法读取：{exc}")
        return HTMLResponse(source_html(relative, text))

    def file(self, request: Request) -> Response:
        relative = request.path_params["rest"]
        root = self.roots().get(request.path_params["area"])
        path = safe_join(root, relative) if root is not None else None
        refused = _unservable(request, path, "只能读取数据、模板和输出文件夹中的文件")
        if refused is not None:
            return refused
        assert path is not None
        ctype = mimetypes.guess_type(posixpath.basename(relative))[0] or "application/octet-stream"
        if ctype.startswith("text/") or relative.endswith((".yaml", ".yml")):
            ctype = "text/plain; charset=utf-8"
        return FileResponse(path, media_type=ctype)

    def favicon(self, request: Request) -> Response:
        return Response(b"", 204, media_type="image/x-icon")


def build_app(engine: Engine, port: int, limits: Limits) -> tuple[ASGIApp, Routes]:
    """The whole application: the gate, then the routes (and the routes, to stop streams)."""
    routes = Routes(engine)
    app = Starlette(
        routes=[
            Route("/", routes.page),
            Route("/index.html", routes.page),
            Route("/api/state", routes.state),
            Route("/api/events", routes.events),
            Route("/api/doc/{did}", routes.doc),
            Route("/api/pdf/{did}", routes.pdf, methods=["POST"]),
            Route("/api/focus/{did}", routes.focus, methods=["POST"]),
            Route("/chart/{key}.png", routes.chart),
            Route("/source/{rest:path}", routes.source),
            Route("/files/{area}/{rest:path}", routes.file),
            Route("/favicon.ico", routes.favicon),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _crash},
    )
    app.router.redirect_slashes = False
    return Guard(app, port, limits), routes


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(body, status, media_type="application/json; charset=utf-8")


def _unservable(request: Request, path: Path | None, refused: str) -> Response | None:
    """Why `path` cannot be served (403 outside the folder, 404 missing), or None."""
    if path is None:
        return error_response(request.url.path, 403, refused)
    try:
        found = path.is_file()
    except OSError:  # a name the file system cannot hold
        found = False
    return None if found else error_response(request.url.path, 404, "没有这个文件")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = HTTP_MESSAGES.get(status, "请求无法处理")
    if status == 404:
        message += "：" + request.url.path
    if status == 405:
        message += "：" + request.method
    headers = getattr(exc, "headers", None) or {}
    response = error_response(request.url.path, status, message)
    response.headers.update(headers)
    return response


async def _crash(request: Request, exc: Exception) -> Response:
    detail = str(exc) or exc.__class__.__name__
    return error_response(request.url.path, 500, f"预览内部错误：{detail}")


def _chart_error(why: str) -> Response:
    svg = _error_svg(f"图表无法绘制：{why}")
    return Response(svg, 200, media_type="image/svg+xml; charset=utf-8")


def _error_svg(message: str) -> bytes:
    text = html.escape(shorten(message, 120))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="590" height="315">'
        f'<rect width="100%" height="100%" fill="#fff4f4" stroke="#c00"/>'
        f'<text x="20" y="160" font-size="14" fill="#c00">{text}</text></svg>'
    ).encode()
