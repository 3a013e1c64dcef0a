"""Worker process of the preview's charts: matplotlib stays imported and warm here.

Reads pickled chart specs (generator.charts.specs.ChartSpec) on stdin (4-byte length, then the
pickle) and answers each with (ok, png bytes or error text) the same way on stdout, drawn by
the build's `chartset.draw_chart`. Only the preview starts it, as its child.
"""

from __future__ import annotations

import contextlib
import os
import sys
from decimal import Decimal


def main() -> int:
    from generator import charts
    from generator.charts import specs as chartset
    from generator.preview.chartstore import receive, send

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    with contextlib.suppress(AttributeError, OSError):  # the document shown comes first
        os.nice(5)
    with contextlib.suppress(Exception):  # warm the fonts (real draws report their errors)
        charts.draw_pie("预热", [charts.Slice("甲", Decimal(1)), charts.Slice("乙", Decimal(2))])
    while True:
        try:
            spec = receive(stdin)
        except EOFError:
            return 0
        try:
            answer = (True, chartset.draw_chart(spec))
        except Exception as exc:  # noqa: BLE001 - sent back to the preview
            answer = (False, f"{type(exc).__name__}: {exc}")
        send(stdout, answer)


if __name__ == "__main__":
    sys.exit(main())
