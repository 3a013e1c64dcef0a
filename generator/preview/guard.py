"""The preview's gate: every request passes here before any route sees it.

An ASGI middleware in front of the Starlette app. In order it refuses
  - a path with a segment over 255 bytes or a URL over 8 KiB (414), headers over 32 KiB (431),
  - another host name, or a port other than ours (403: DNS rebinding),
  - a declared body over 1 MiB (413), a body that does not arrive in time (408) or grows over
    1 MiB (413) — the body is read here, whole, so no route ever waits on a slow client,
  - a request from another page (403) when it may change something: any POST, and any
    `/api/` request (the document and event routes set the focused document).
Every answer gets `nosniff`, `no-store` (unless the route chose a cache) and `DENY` framing.
Malformed requests never get here: h11 refuses them in protocol.py (400, 431).
"""

from __future__ import annotations

import asyncio
import html
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost")
SAFE_METHODS = ("GET", "HEAD")
SAME_SITE = ("same-origin", "none")  # Sec-Fetch-Site values of the page itself or the user
SHORT = 200
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The bounds of one connection and one request (tests make the timeouts short)."""

    request_timeout: float = 10.0  # headers, then body, of one request
    keep_alive: float = 5.0  # an idle connection between two requests
    max_body: int = MIB
    max_url: int = 8 * 1024
    max_segment: int = 255  # bytes of one path segment (a file name)
    max_headers: int = 32 * 1024  # the headers of a request, names and values
    max_header_block: int = 64 * 1024  # what h11 buffers of an incomplete request line and headers
    backlog: int = 2048
    max_connections: int = 1000  # then 503
    shutdown_grace: float = 2.0


def shorten(text: str, limit: int = SHORT) -> str:
    """`text`, cut to at most `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_response(path: str, status: int, message: str, close: bool = False) -> Response:
    """An error as the caller reads it: JSON for `/api/`, a small page otherwise; a message
    longer than SHORT characters (it may quote a path or a value) is cut."""
    message = shorten(message)
    headers = {"connection": "close"} if close else None
    if path.startswith("/api/"):
        body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
        return Response(body, status, headers, "application/json; charset=utf-8")
    page = f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{html.escape(message)}"
    return Response(page.encode("utf-8"), status, headers, "text/html; charset=utf-8")


class Refused(Exception):  # noqa: N818 - a refusal, not an error of ours
    """A request the gate answers itself."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class ClientGone(Exception):  # noqa: N818
    """The client closed the connection while sending its body."""


class Guard:
    """The ASGI middleware (see the module docstring); `port` is the one we listen on."""

    def __init__(self, app: ASGIApp, port: int, limits: Limits):
        self.app = app
        self.port = port
        self.limits = limits
        self.origins = {f"http://{name}:{port}" for name in LOOPBACK_NAMES}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_safe_headers(send)
        try:
            self._check_url(scope)
            self._check_header_size(scope)
            headers = Headers(scope=scope)
            self._check_host(headers)
            self._check_origin(scope, headers)
            body = await self._read_body(headers, receive)
        except Refused as refusal:
            response = error_response(scope["path"], refusal.status, refusal.message, True)
            await response(scope, receive, send)
            return
        except ClientGone:
            return
        await self.app(scope, _replay(body, receive), send)

    # -- the checks ----------------------------------------------------------------------

    def _check_url(self, scope: Scope) -> None:
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        size = len(raw) + (len(scope["query_string"]) + 1 if scope["query_string"] else 0)
        segments = scope["path"].split("/")
        longest = max(len(s.encode("utf-8", "surrogateescape")) for s in segments)
        if size > self.limits.max_url or longest > self.limits.max_segment:
            raise Refused(
                414,
                f"地址过长：路径每段不能超过 {self.limits.max_segment} 字节，"
                f"整个地址不能超过 {self.limits.max_url // 1024} KiB",
            )

    def _check_header_size(self, scope: Scope) -> None:
        """h11 bounds only what it buffers; headers that arrive at once are bounded here."""
        size = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
        if size > self.limits.max_headers:
            raise Refused(431, f"请求头过大：不能超过 {self.limits.max_headers // 1024} KiB")

    def _check_host(self, headers: Headers) -> None:
        """Only our own address (DNS rebinding sends another name, or the same with a port)."""
        host = headers.get("host")
        if host is None:
            return  # HTTP/1.0 without Host: the connection reached 127.0.0.1 anyway
        name, _, port = host.strip().lower().rpartition(":")
        if not name or not port.isdigit():
            name, port = host.strip().lower(), ""
        if name not in LOOPBACK_NAMES or (port and int(port) != self.port):
            raise Refused(403, "拒绝访问：只接受发往本机预览地址的请求")

    def _check_origin(self, scope: Scope, headers: Headers) -> None:
        """A request that may change something must come from our page (or not from a page)."""
        if scope["method"] in SAFE_METHODS and not scope["path"].startswith("/api/"):
            return
        if self._foreign(headers):
            raise Refused(403, "拒绝访问：不接受来自其他网页的请求")

    def _foreign(self, headers: Headers) -> bool:
        """Whether a browser sent this request for another page (port included)."""
        origin = headers.get("origin")
        if origin is not None:
            return origin not in self.origins  # "null" included
        site = headers.get("sec-fetch-site")
        if site is not None:
            return site not in SAME_SITE  # same-site is another port of localhost
        referer = headers.get("referer")
        if referer:
            parts = urlsplit(referer)
            return f"{parts.scheme}://{parts.netloc}" not in self.origins
        return False  # not a browser: curl, scripts, the tests

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes:
        """The whole body, within the time and size limits."""
        declared = headers.get("content-length")
        too_big = Refused(413, f"请求过大：内容不能超过 {self.limits.max_body // MIB} MiB")
        if declared is not None and int(declared) > self.limits.max_body:
            raise too_big  # h11 already refused a Content-Length that is not a number
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.limits.request_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise ClientGone
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limits.max_body:
                        raise too_big
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            seconds = f"{self.limits.request_timeout:g}"
            raise Refused(408, f"请求超时：请求内容未在 {seconds} 秒内发送完整") from None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body read by the gate, then the connection's own events."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed


def _with_safe_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[Any] = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            headers.append((b"x-content-type-options", b"nosniff"))
            headers.append((b"x-frame-options", b"DENY"))
            if b"cache-control" not in names:
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return sending
