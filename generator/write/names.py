"""Output file names that are safe everywhere: Linux, macOS and NTFS, and readable as they are.

A name part is cleaned of separators, control, bidirectional and zero-width characters, cut by
UTF-8 bytes (file systems count bytes, not characters) and kept clear of the names Windows
reserves. `NameBook` makes the cleaned names unique, the way Windows compares them (case and
Unicode form ignored).
"""

from __future__ import annotations

import re
import unicodedata

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f“”]+')
# Bidirectional overrides and isolates, direction marks, zero-width characters, BOM.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³"
}
COMPONENT_BYTES = 150  # per path component; far below the 255 bytes of ext4, NTFS and APFS
FALLBACK = "未命名"


def cut_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` whose UTF-8 form has at most `limit` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def clean(text: str) -> str:
    """Text without invisible controls and path separators, spaces collapsed, ends trimmed."""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
    text = UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    return _trim(text)


def _trim(text: str) -> str:
    """No leading or trailing dots and spaces (Windows drops trailing ones, dots hide files)."""
    return text.strip(" .")


def safe_name(name: str, limit: int = 80) -> str:
    """A file name part from any text: no separators or controls, never empty, at most
    `limit` UTF-8 bytes."""
    return _trim(cut_bytes(clean(name), limit)) or FALLBACK


def component(prefix: str, name: str, suffix: str, limit: int = COMPONENT_BYTES) -> str:
    """`prefix + name + suffix` as one file name of at most `limit` bytes: the name part is
    the one cut, so a project's `NN-` and the document's ending always survive."""
    room = max(1, limit - len(prefix.encode("utf-8")) - len(suffix.encode("utf-8")))
    return _not_reserved(f"{prefix}{safe_name(name, room)}{suffix}")


def _not_reserved(name: str) -> str:
    """Windows refuses CON, NUL, COM1… as a file's name whatever its extension."""
    stem = name.split(".", 1)[0].strip().upper()
    return f"_{name}" if stem in RESERVED else name


class NameBook:
    """Hands out relative paths that stay distinct on case-insensitive file systems."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, folder: str, prefix: str, name: str, suffix: str) -> str:
        """A unique `folder/prefix+name+suffix` (then `-2`, `-3`… before the suffix)."""
        number = 1
        while True:
            tail = suffix if number == 1 else f"-{number}{suffix}"
            path = f"{folder}/" if folder else ""
            path += component(prefix, name, tail)
            key = unicodedata.normalize("NFC", path).casefold()
            if key not in self._taken:
                self._taken.add(key)
                return path
            number += 1
