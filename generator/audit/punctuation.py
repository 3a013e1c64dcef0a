"""Punctuation lint of the prose in the data: doubled marks, half-width marks in Chinese text,
unbalanced brackets. Each problem is a warning naming what was found and where in the text."""

from __future__ import annotations

import re
from collections.abc import Iterator

CJK = r"[\u4e00-\u9fff]"
DOUBLED = re.compile(r"([。，；：、！？])\1+")
MIXED = re.compile(rf"{CJK}[,;:!?]|[,;:!?]{CJK}|[。，；：、][,;:]|[,;:][。，；：、]")
PAIRS = (("（", "）"), ("“", "”"), ("《", "》"), ("【", "】"))


def punctuation_problems(text: str) -> Iterator[str]:
    """What is wrong with the punctuation of one text, as short Chinese phrases."""
    for m in DOUBLED.finditer(text):
        yield f"标点重复“{m.group(0)}”（第 {m.start() + 1} 个字处）"
    for m in MIXED.finditer(text):
        yield f"中文中夹有半角标点“{m.group(0)}”（第 {m.start() + 1} 个字处）"
    for left, right in PAIRS:
        if text.count(left) != text.count(right):
            counts = f"“{left}”{text.count(left)} 个，“{right}”{text.count(right)} 个"
            yield f"括号或引号不成对：{counts}"
