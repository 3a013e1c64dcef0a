"""The engine's messages to one event stream: a queue that wakes the stream's event loop.

The engine publishes from its worker thread; the stream (app.py) waits on the HTTP server's
event loop. `Mailbox.put` hands the message over and, once the stream has attached its loop,
wakes it at once (`call_soon_threadsafe`), so that a message leaves as soon as it is published
instead of at the stream's next look.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading


class Mailbox(queue.Queue[str]):
    """Messages for one stream ("" when the engine closes); `wait` sleeps until one comes."""

    def __init__(self) -> None:
        super().__init__()
        self._wake_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def attach(self) -> None:
        """Be woken on the running event loop (call it there, before `wait`)."""
        with self._wake_lock:
            self._loop = asyncio.get_running_loop()
            self._event = asyncio.Event()

    def put(self, item: str, block: bool = True, timeout: float | None = None) -> None:
        super().put(item, block, timeout)
        self.wake()

    def wake(self) -> None:
        """Wake the waiting stream (from any thread): a message came, or the server stops."""
        with self._wake_lock:
            loop, event = self._loop, self._event
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(event.set)

    async def wait(self, timeout: float) -> bool:
        """Until woken or `timeout` s passed; whether a message is waiting."""
        event = self._event
        if event is None:
            raise RuntimeError("attach() first")
        if self.empty():
            event.clear()
            if self.empty():  # nothing put between the look and the clear
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), timeout)
        return not self.empty()
