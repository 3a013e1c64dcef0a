"""Live preview while drafting: `python -m generator preview DATA_DIR [--port N] [--pdf]`.

Serves on 127.0.0.1 only a page with every document of the year, rendered by the build's own
templates, beside every problem the data still has; saving a YAML file or a template refreshes
the page by itself. Drafting data may be incomplete: missing or invalid values show as
placeholders (see lenient.py). `build` and `check` stay strict.
"""

from __future__ import annotations

import errno
import sys
import threading
from pathlib import Path

from generator.errors import UsageError

__all__ = ["Preview", "serve"]


class Preview:
    """The engine, the watcher and the HTTP server together (tests start it on port 0)."""

    def __init__(self, data_dir: Path, port: int = 0, pdf: bool = False,
                 out_dir: Path | None = None, chart_workers: int = 1,
                 templates: Path | None = None, interval: float = 0.025):
        from generator.preview.engine import TEMPLATES, Engine
        from generator.preview.server import PreviewServer
        from generator.preview.watch import Watcher

        if not data_dir.is_dir():
            raise UsageError(f"找不到数据文件夹：{data_dir}")
        self.engine = Engine(data_dir, out_dir, templates or TEMPLATES, chart_workers, pdf)
        try:
            self.server = PreviewServer(self.engine, port)
        except OSError as exc:
            self.engine.close()
            why = "端口已被占用，请用 --port 换一个" if exc.errno == errno.EADDRINUSE else (
                exc.strerror or str(exc))
            raise UsageError(f"无法监听 127.0.0.1:{port}：{why}") from exc
        self.watcher = Watcher([self.engine.data_dir, self.engine.templates],
                               self.engine.notify, interval)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Preview:
        """Compute everything once, then watch and serve in background threads."""
        self.engine.start()
        self.watcher.start()
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, daemon=True,
                                        name="preview-http")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        self.engine.close()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Preview:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(data_dir: Path, port: int = 8023, pdf: bool = False) -> int:
    """Run the preview until Ctrl+C; returns the exit code."""
    preview = Preview(data_dir, port, pdf)
    print("正在读取数据并生成文档……", file=sys.stderr, flush=True)
    preview.start()
    engine = preview.engine
    docs = len(engine.docs)
    print(f"实时预览：{preview.url}（{docs} 份文档；保存数据或模板后页面自动刷新；Ctrl+C 退出）",
          flush=True)
    if pdf:
        print(f"PDF 将写入 {engine.out_dir}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("已停止预览。", file=sys.stderr)
    finally:
        preview.stop()
    return 0
