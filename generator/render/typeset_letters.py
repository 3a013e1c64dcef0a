"""The close of a letter (GB/T 9704 7.3.5): 发文机关署名 centred over the 成文日期.

The date keeps its right indent (右空四字, from its style); the signature, right-aligned, gets
the right indent that puts its middle over the middle of the date, whatever their lengths.
"""

from __future__ import annotations

from lxml import etree

from generator.render.ooxml import (
    PPR,
    local,
    ppr,
    set_val,
    style_by_id,
    style_of,
    styled,
    text_of,
    w,
)

SIGNATURE = "LetterSignature"
DATE = "LetterDate"
CHAR = 320  # twips: one character of 3号
DATE_RIGHT = 4 * CHAR  # 右空四字
TYPICAL_DATE = "2024年12月31日"  # the room kept when the date is still to be written


AUTOSPACE = 0.25  # what Word and LibreOffice add between Chinese and digits or Latin letters


def width(text: str) -> float:
    """Advance in characters: CJK and full-width 1, ASCII (digits in Times New Roman) ½, and
    a quarter wherever Chinese meets a digit or a Latin letter (2024年6月30日: 7¾)."""
    chars = [char for char in text if not char.isspace()]
    total = sum(0.5 if char.isascii() else 1.0 for char in chars)
    for a, b in zip(chars, chars[1:], strict=False):
        if _latin(a) != _latin(b) and _cjk(a if _latin(b) else b):
            total += AUTOSPACE
    return total


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _indent(p: etree._Element, style: etree._Element | None, side: str) -> int:
    for node in (p.find(f"{w('pPr')}/{w('ind')}"), style):
        if node is not None and node.get(w(side)) is not None:
            return int(node.get(w(side)))
    return 0


def centre_signatures(body: etree._Element, styles: etree._Element | None = None) -> None:
    """Each Letter Signature paragraph followed by a Letter Date paragraph: centred over it."""
    signatures = list(styled(body, (SIGNATURE,)))
    date_ind = style_indent(styles, DATE) if signatures else None
    for p in signatures:
        date = p.getnext()
        if date is None or local(date) != "p" or style_of(date) != DATE:
            continue
        shown = text_of(date).strip() or TYPICAL_DATE
        right = _indent(date, date_ind, "right") if date_ind is not None else DATE_RIGHT
        offset = (width(shown) - width(text_of(p).strip())) / 2 * CHAR
        set_val(ppr(p), "ind", PPR, right=str(max(0, round(right + offset))))


def style_indent(styles: etree._Element | None, style_id: str) -> etree._Element | None:
    style = style_by_id(styles, style_id)
    return style.find(f"{w('pPr')}/{w('ind')}") if style is not None else None
