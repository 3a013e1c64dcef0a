"""HTTP of the preview: uvicorn serving the Starlette app of app.py, on 127.0.0.1 only.

The socket is bound here (so a busy port is an error of the constructor, and port 0 picks a
free one for the tests), listens with a backlog of 2048 and is handed to uvicorn, which runs in
a thread of its own with its own event loop. The protocol (protocol.py) bounds the time of a
request and answers malformed ones; the gate (guard.py) bounds sizes and checks host and origin;
the routes (app.py) never serve a path outside the data, template and output folders (paths.py).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn

from generator.errors import UsageError
from generator.preview.app import Engine, build_app
from generator.preview.guard import Limits
from generator.preview.paths import safe_join
from generator.preview.protocol import guarded_protocol

__all__ = ["HOST", "Limits", "PreviewServer", "check_port", "safe_join"]

HOST = "127.0.0.1"  # never anything but loopback
START_WAIT = 10.0


def check_port(port: int) -> None:
    """Refuse a port number that cannot exist (0 picks a free port)."""
    if not 0 <= port <= 65535:
        raise UsageError(f"端口应为 0–65535 之间的整数，收到 {port}")


def listening_socket(port: int, backlog: int) -> socket.socket:
    """A TCP socket bound to 127.0.0.1:`port`, listening (OSError when the port is taken)."""
    check_port(port)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(backlog)
        sock.set_inheritable(False)
    except BaseException:
        sock.close()
        raise
    return sock


class PreviewServer:
    """The preview's HTTP server: `start()` serves in a thread, `stop()` ends it cleanly."""

    def __init__(self, engine: Engine, port: int, limits: Limits | None = None):
        self.engine = engine
        self.limits = limits or Limits()
        self.socket = listening_socket(port, self.limits.backlog)
        self.server_address: tuple[str, int] = self.socket.getsockname()[:2]
        app, self._routes = build_app(engine, self.port, self.limits)
        self._server = uvicorn.Server(self._config(app))
        self._thread: threading.Thread | None = None

    def _config(self, app: object) -> uvicorn.Config:
        limits = self.limits
        return uvicorn.Config(
            app,
            host=HOST,
            port=self.port,
            http=guarded_protocol(limits),
            ws="none",
            loop="asyncio",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            log_level="error",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            backlog=limits.backlog,
            timeout_keep_alive=limits.keep_alive,  # type: ignore[arg-type]
            timeout_graceful_shutdown=limits.shutdown_grace,  # type: ignore[arg-type]
            limit_concurrency=limits.max_connections,
            h11_max_incomplete_event_size=limits.max_header_block,
        )

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        """Serve in a background thread; returns once uvicorn accepts connections."""
        self._thread = threading.Thread(target=self._run, name="preview-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_WAIT
        while not self._server.started and self._thread.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self.socket]))

    def stop(self) -> None:
        """End the streams, close the connections, wait (briefly) for requests under way."""
        self._routes.stop_streams()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=self.limits.shutdown_grace + 5)
        self.socket.close()
