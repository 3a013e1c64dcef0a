"""uvicorn's h11 protocol with the two things it lacks for a hostile client.

1. A deadline per request: from the moment a connection opens, or a response ends, the next
   request must arrive whole within `Limits.request_timeout` seconds. uvicorn's keep-alive timer
   is cancelled by any byte received, so a client sending one byte now and then (slowloris), or
   a half-open connection, would otherwise be held forever. While our app handles a request the
   deadline does not apply (the gate in guard.py bounds the body; a stream may last).
2. Refusals in Chinese with the right status: h11's own errors become 400 (bad request line or
   header, e.g. `Content-Length: abc`), 414 (request line too long), 431 (headers too large)
   or 501 (unknown transfer coding), instead of uvicorn's English 400.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from generator.preview.guard import Limits

MESSAGES = {
    400: "请求无效：请求行或请求头的格式不正确",
    408: "请求超时：请求未在规定时间内发送完整",
    414: "地址过长",
    431: "请求头过大",
    501: "不支持该传输编码",
}


class RecordingConnection(h11.Connection):
    """An h11 connection that remembers the last protocol error of the client."""

    error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            self.error = exc
            raise


class GuardedH11Protocol(H11Protocol):
    """See the module docstring; `limits` is set by `guarded_protocol`."""

    limits: ClassVar[Limits] = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = RecordingConnection(h11.SERVER, self.limits.max_header_block)
        self._deadline: asyncio.TimerHandle | None = None

    # -- the deadline --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.limits.request_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # our app has the request; it re-arms the deadline when it answers
        if self.conn.our_state is h11.IDLE and self.conn.trailing_data[0]:
            self._write_raw(408)  # part of a request came: say why we close
        self.transport.close()

    # -- refusals ------------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        """Answer a request h11 could not parse (uvicorn calls this), then close."""
        status = self._refusal_status()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        body = MESSAGES[status].encode("utf-8")
        try:
            for event in (
                h11.Response(status_code=status, headers=headers, reason=HTTPStatus(status).phrase),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event))
        except h11.LocalProtocolError:
            pass  # a response was already under way: just close
        self.transport.close()

    def _refusal_status(self) -> int:
        error = getattr(self.conn, "error", None)
        hint = getattr(error, "error_status_hint", 400)
        if hint == 431:
            buffered = self.conn.trailing_data[0]
            line = buffered.split(b"\r\n", 1)[0]
            return 414 if b"\r\n" not in buffered or len(line) > self.limits.max_url else 431
        return hint if hint in MESSAGES else 400

    def _write_raw(self, status: int) -> None:
        """A whole response without h11 (it allows none before a request line)."""
        body = MESSAGES[status].encode("utf-8")
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            "content-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + body)


def guarded_protocol(limits: Limits) -> type[GuardedH11Protocol]:
    """The protocol class for one server (uvicorn instantiates it per connection)."""
    return type("PreviewH11Protocol", (GuardedH11Protocol,), {"limits": limits})
