"""A ZIP archive written while it is sent: files are read in chunks, nothing is held whole."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable, Iterator

__all__ = ["stream_zip"]

CHUNK = 1024 * 1024


class _Sink:
    """A write-only, non-seekable file: ``zipfile`` then writes data descriptors."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self._chunks.append(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(files: Iterable[tuple[str, object]]) -> Iterator[bytes]:
    """The archive of ``(name in the archive, file field or file)`` pairs, chunk by chunk.

    PDFs are compressed already: they are stored as they are (no CPU spent on deflate).
    """
    sink = _Sink()
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, source in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            with source.open("rb") as src, archive.open(info, "w", force_zip64=True) as dst:
                while chunk := src.read(CHUNK):
                    dst.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()
