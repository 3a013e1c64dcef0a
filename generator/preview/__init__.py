"""Live preview while drafting: `python -m generator preview DATA_DIR [--port N] [--pdf]`.

Serves on 127.0.0.1 only a page with every document of the year, rendered by the build's own
templates, beside every problem the data still has; saving a YAML file or a template refreshes
the page by itself. Drafting data may be incomplete: missing or invalid values show as
placeholders (generator/read/lenient.py). `build` and `check` stay strict.
"""

from __future__ import annotations

import errno
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.preview.guard import Limits

__all__ = ["Preview", "serve"]


class Preview:
    """The engine, the watcher and the HTTP server together (tests start it on port 0)."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 0,
        pdf: bool = False,
        out_dir: Path | None = None,
        chart_workers: int = 1,
        templates: Path | None = None,
        interval: float = 0.025,
        limits: Limits | None = None,
    ):
        from generator.preview.engine import Engine
        from generator.preview.server import PreviewServer, check_port
        from generator.preview.watch import Watcher

        check_port(port)
        if not data_dir.is_dir():
            raise UsageError(f"找不到数据文件夹：{data_dir}")
        self.engine = Engine(data_dir, out_dir, templates, chart_workers, pdf)
        try:
            self.server = PreviewServer(self.engine, port, limits)
        except OSError as exc:
            self.engine.close()
            raise UsageError(f"无法监听 127.0.0.1:{port}：{_why(exc)}") from exc
        self.watcher = Watcher(
            [self.engine.data_dir, *self.engine.template_dirs], self.engine.notify, interval
        )

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Preview:
        """Compute everything once, then watch and serve in background threads."""
        self.engine.start()
        self.watcher.start()
        self.server.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        self.engine.close()
        self.server.stop()

    def __enter__(self) -> Preview:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(data_dir: Path, port: int = 8023, pdf: bool = False) -> int:
    """Run the preview until Ctrl+C (or SIGTERM); returns the exit code."""
    preview = Preview(data_dir, port, pdf)
    _interrupt_on_termination()
    try:
        print("正在读取数据并生成文档……", file=sys.stderr, flush=True)
        preview.start()
        _announce(preview, pdf)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("正在停止预览……", file=sys.stderr, flush=True)
    finally:
        preview.stop()
    print("已停止预览。", file=sys.stderr)
    return 0


def _announce(preview: Preview, pdf: bool) -> None:
    docs = len(preview.engine.docs)
    print(
        f"实时预览：{preview.url}（{docs} 份文档；保存数据或模板后页面自动刷新；Ctrl+C 退出）",
        flush=True,
    )
    if pdf:
        print(f"PDF 将写入 {preview.engine.out_dir}", flush=True)


def _why(exc: OSError) -> str:
    """Why a port cannot be listened on, in the user's words."""
    if exc.errno == errno.EADDRINUSE:
        return "端口已被占用，请用 --port 换一个"
    if exc.errno == errno.EACCES:
        return "没有权限使用该端口（1024 以下的端口通常需要管理员权限），请用 --port 换一个"
    return exc.strerror or str(exc)


def _interrupt_on_termination() -> None:
    """SIGTERM and SIGHUP (the terminal closed) stop the preview as Ctrl+C does."""

    def interrupt(signum: int, frame: object) -> None:
        for name in names:  # once: a second signal must not interrupt the stopping
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

    for name in names:
        signal.signal(getattr(signal, name), interrupt)
