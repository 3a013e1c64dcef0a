"""Zip members compressed once and written many times, byte for byte as zipfile writes them.

A .docx is a zip; most of a rendered document's members (styles, theme, settings …) are the
same for every document of a template. `deflate` compresses a member once; `write_zip` writes
members into a new archive as they are, with the headers `zipfile.writestr` would give them
(fixed timestamps, mode 0644), so the archive equals the one zipfile would have written from
the uncompressed members. `zipfile_compatible()` checks that on this Python once per process;
where it fails, `write_zip` falls back to zipfile itself.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Member:
    """One zip member: its name, deflated bytes, CRC and uncompressed size."""

    name: str
    deflated: bytes
    crc: int
    size: int

    def content(self) -> bytes:
        return zlib.decompress(self.deflated, -15)


def deflate(name: str, content: bytes | str) -> Member:
    """Compress as zipfile does (ZIP_DEFLATED, default level, one call and a flush)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    return Member(name, deflated, zlib.crc32(data), len(data))


def _info(member: Member) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member.name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def plain_zip(members: list[Member]) -> bytes:
    """The archive as zipfile writes it from the uncompressed contents (the reference)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            archive.writestr(_info(member), member.content())
    return out.getvalue()


def _raw_zip(members: list[Member]) -> bytes:
    out = io.BytesIO()
    archive = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for member in members:
        info = _info(member)
        info.file_size, info.compress_size, info.CRC = member.size, len(member.deflated), member.crc
        info.header_offset = out.tell()
        out.write(info.FileHeader(False))
        out.write(member.deflated)
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
        archive.start_dir = out.tell()
        archive._didModify = True
    archive.close()
    return out.getvalue()


@cache
def zipfile_compatible() -> bool:
    """Whether raw writing gives zipfile's own bytes on this Python (checked once)."""
    sample = [deflate("a.xml", b"<a>" + b"x" * 5000 + b"</a>"), deflate("b/c.bin", b""),
              deflate("d.xml", "<d>\u8868</d>")]  # fmt: skip
    try:
        return _raw_zip(sample) == plain_zip(sample)
    except Exception:  # noqa: BLE001 - another zipfile: use it as it is
        return False


def write_zip(members: list[Member]) -> bytes:
    """The archive of `members` in order, equal to `plain_zip(members)`."""
    return _raw_zip(members) if zipfile_compatible() else plain_zip(members)
