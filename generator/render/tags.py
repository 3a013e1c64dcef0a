"""Table tags of our own, written visibly in a template's cells and rewritten when it loads.

`{% vmerge EXPR %}` in a cell merges it with the cell above when EXPR is 'continue' and starts
a merge when it is 'restart' (the model computes which). Word, WPS and LibreOffice keep the tag
as cell text, so a template saved by any of them still merges; the Jinja never hides in an
attribute of the saved file.
"""

from __future__ import annotations

import re

CELL = re.compile(r"<w:tc>(?:(?!<w:tc>).)*?\{%\s*vmerge\s+.*?%\}.*?</w:tc>", re.DOTALL)
TAG = re.compile(r"\{%\s*vmerge\s+(.+?)\s*%\}")
TCPR = re.compile(r"<w:tcPr>((?:<w:cnfStyle[^>]*/>)?(?:<w:tcW[^>]*/>)?(?:<w:gridSpan[^>]*/>)?)")


def rewrite_tags(xml: str) -> str:
    """Turn every `{% vmerge EXPR %}` into the cell's w:vMerge, valued by EXPR."""
    return CELL.sub(_cell, xml)


def _cell(match: re.Match[str]) -> str:
    cell = match.group(0)
    expr = TAG.search(cell)
    assert expr is not None
    cell = TAG.sub("", cell)
    cell = re.sub(r"<w:vMerge[^>]*/>", "", cell)
    merge = f'<w:vMerge w:val="{{{{ {expr.group(1)} }}}}"/>'
    if "<w:tcPr>" in cell:
        return TCPR.sub(lambda m: f"<w:tcPr>{m.group(1)}{merge}", cell, count=1)
    return cell.replace("<w:tc>", f"<w:tc><w:tcPr>{merge}</w:tcPr>", 1)
