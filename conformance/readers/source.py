"""Opening an input once: the bytes are hashed as the parser reads them, so no second pass."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

from conformance.model.errors import InputError

_DRAIN_CHUNK = 1 << 20


class HashingReader(io.RawIOBase):
    """A raw binary stream that feeds every byte it hands out into a SHA-256."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)
        if n:
            self.sha256.update(buffer[:n])
            self.bytes_read += n
        return n or 0

    def drain(self) -> None:
        """Read to the end, so the hash covers the whole file even if the parser stopped early."""
        while chunk := self._raw.read(_DRAIN_CHUNK):
            self.sha256.update(chunk)
            self.bytes_read += len(chunk)

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_input(path: Path) -> HashingReader:
    """Open a regular file for reading, or raise one clear :class:`InputError`."""
    name = str(path)
    if path.is_dir():
        raise InputError(name, None, "is a directory, not a file")
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise InputError(name, None, "no such file") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot open: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(raw.fileno()).st_mode):
        raw.close()
        raise InputError(name, None, "is not a regular file")
    return HashingReader(raw)


def buffered(reader: HashingReader, size: int = 1 << 16) -> io.BufferedReader:
    return io.BufferedReader(reader, buffer_size=size)
