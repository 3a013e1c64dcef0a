"""The build's reader: the strict reader of generator.read.dataset, with each file's result kept in
the disk cache by its content, and many project files read by the build's workers.

Loading and validating (cerberus) a project file costs a few milliseconds; a department with a
thousand projects spends seconds on it before anything else can start. A file whose bytes,
place and reading code are unchanged gives the same result, so that result is cached; the
files not in the cache are spread over the workers (which are idle at that point) when there
are many of them.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from generator.read import dataset, schema
from generator.read.loader import resolved
from generator.write import diskcache

KIND = "files"
CODE = ("read/loader.py", "read/validate.py", "read/quick.py", "read/schema.py", "read/dataset.py",
        "read/fast.py", "findings.py", "errors.py")  # fmt: skip
PARALLEL_FROM = 40  # fewer uncached project files are read in the main process
CHUNKS_PER_WORKER = 3


def _rules_name(rules: dict[str, Any]) -> str | None:
    if rules is schema.PROJECT:
        return "projects/"
    return next((name for name, r in schema.FILES.items() if r is rules), None)


def file_key(root: Path, path: Path, rules: dict[str, Any]) -> str | None:
    """The cache key of one file's result, None where it cannot be cached."""
    name = _rules_name(rules)
    if name is None:
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None
    import cerberus
    import yaml

    code = diskcache.source_fingerprint(*CODE)
    cwd = os.getcwd()
    where = f"{resolved(path, cwd)}|{resolved(root, cwd)}|{cwd}|{name}"
    return diskcache.digest(content, where, code, cerberus.__version__, yaml.__version__)


class FastReader(dataset.Reader):
    """The strict reader, with the disk cache; `prefetch` reads project files in workers."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.ready: dict[Path, Any] = {}

    def file(self, path: Path, rules: dict[str, Any]) -> Any:
        if rules is schema.PROJECT and path in self.ready:
            return self.ready.pop(path)
        key = file_key(self.root, path, rules)
        if key is not None:
            cached = _load(key)
            if cached is not None:
                return cached
        result = super().file(path, rules)
        if key is not None:
            diskcache.store_object(KIND, key, result)
        return result

    def prefetch(self, pools: list[Any]) -> None:
        """Read the uncached project files in `pools` (executors) and here, in chunks."""
        paths = []
        for path in dataset.project_paths(self.root):
            key = file_key(self.root, path, schema.PROJECT)
            cached = None if key is None else _load(key)
            if cached is None:
                paths.append(path)
            else:
                self.ready[path] = cached
        if len(paths) < PARALLEL_FROM or not pools:
            return
        chunks = _split(paths, (len(pools) + 1) * CHUNKS_PER_WORKER)
        futures: list[tuple[list[Path], Future]] = [
            (chunk, pools[i % len(pools)].submit(read_chunk, self.root, chunk))
            for i, chunk in enumerate(chunks[CHUNKS_PER_WORKER:])
        ]
        for chunk in chunks[:CHUNKS_PER_WORKER]:
            for path in chunk:
                self.ready[path] = self.file(path, schema.PROJECT)
        for chunk, future in futures:
            self.ready.update(zip(chunk, future.result(), strict=True))


def _load(key: str) -> Any:
    found = diskcache.load_object(KIND, key)
    return None if found is diskcache.MISSING else found


def read_chunk(root: Path, paths: list[Path]) -> list[Any]:
    """In a worker: project files read (and cached) as the main process would."""
    reader = FastReader(root)
    return [reader.file(path, schema.PROJECT) for path in paths]


def _split(items: list[Path], parts: int) -> list[list[Path]]:
    size = max(1, -(-len(items) // parts))
    return [items[i : i + size] for i in range(0, len(items), size)]
