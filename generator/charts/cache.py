"""The build's charts on disk, by what they show (`spec.key`) and what draws them.

A chart's entry is keyed by its spec's content key, the drawing code (generator/charts,
chartset.py, fonts_probe.py), matplotlib's version and matplotlib's font list (the fonts it
found on this machine), all read without importing matplotlib: a rebuild with the same figures
draws nothing and never imports it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator.write import diskcache

if TYPE_CHECKING:  # not imported: the build's head start reads this module first
    from generator.charts.specs import ChartSpec

KIND = "charts"
CODE = ("charts", "charts/specs.py", "machine/fonts_probe.py", "charts/cache.py")


def _matplotlib_cache_dir() -> Path:
    """Where matplotlib keeps its font list (its own rule, without importing it)."""
    configured = os.environ.get("MPLCONFIGDIR")
    if configured:
        return Path(configured)
    if sys.platform.startswith(("linux", "freebsd")):
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "matplotlib"
    return Path.home() / ".matplotlib"


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path.name}:-"
    return f"{path.name}:{info.st_size}:{info.st_mtime_ns}"


@cache
def drawing_fingerprint() -> str:
    """The drawing code, matplotlib's version file and its font list, as one digest."""
    spec = importlib.util.find_spec("matplotlib")
    origin = Path(spec.origin).parent if spec and spec.origin else None
    version = _stamp(origin / "_version.py") if origin else "none"
    fonts = sorted(_stamp(p) for p in _matplotlib_cache_dir().glob("fontlist-*.json"))
    return diskcache.digest(diskcache.source_fingerprint(*CODE), str(origin), version, *fonts)


def chart_key(spec: ChartSpec) -> str:
    return diskcache.digest(spec.key, drawing_fingerprint())


def load(spec: ChartSpec) -> bytes | None:
    """The PNG drawn before for this spec, if the cache has it."""
    data = diskcache.load(KIND, chart_key(spec))
    return data if data and data.startswith(b"\x89PNG") else None


def store(spec: ChartSpec, png: bytes) -> None:
    diskcache.store(KIND, chart_key(spec), png)


def all_cached(keys: list[str]) -> bool:
    """Whether every chart key of a list (see `chart_key`) is in the cache."""
    return all(diskcache.load(KIND, key) is not None for key in keys)
