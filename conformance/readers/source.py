"""Opening an input once: the bytes are hashed as the parser reads them, so no second pass.

Every input is opened here, and only if it is a regular file reached without a symbolic link:
a FIFO or a device (``/dev/zero``) would block or never end, and a link could make a config or
an input list read a file elsewhere on the machine (``/etc/passwd``) whose first line then shows
up as field names in a report that is shared with the supplier.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
from pathlib import Path

from conformance.model.errors import InputError
from conformance.readers.limits import mib

_DRAIN_CHUNK = 1 << 20
# Never block on a FIFO while opening it (it is refused right after); never follow a link.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
)


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

    def consumed(self) -> int:
        """Bytes read so far."""
        return self.bytes_read

    def drain(self) -> None:
        """Read to the end, so the hash covers the whole file even if the parser stopped early."""
        while chunk := self._raw.read(_DRAIN_CHUNK):
            self.sha256.update(chunk)
            self.bytes_read += len(chunk)

    def head(self, size: int) -> bytes:
        """The file's first bytes, read where they are: not through this stream (which must
        hash them once, in order) and not by opening the path again (which may have changed)."""
        return os.pread(self._raw.fileno(), size, 0)

    def peer(self) -> io.BufferedReader:
        """An independent reader over the same open file, from its start, for a look-ahead pass
        (encoding detection, record discovery) that must not move or hash this stream."""
        return io.BufferedReader(_Positional(self._raw.fileno()), buffer_size=1 << 16)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Positional(io.RawIOBase):
    """Reads a file descriptor with ``pread`` at its own offset; never closes it."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = os.pread(self._descriptor, len(buffer), self._offset)
        buffer[: len(data)] = data
        self._offset += len(data)
        return len(data)


def open_input(path: Path) -> HashingReader:
    """Open a regular file for reading, or raise one clear :class:`InputError`."""
    return HashingReader(io.BufferedReader(io.FileIO(_open_regular(path), "rb", closefd=True)))


def read_limited(path: Path, limit: int, what: str, *, follow_link: bool = False) -> bytes:
    """The whole of a regular file that a parser needs at once (SQL, a spec, an XSD, a config),
    refusing one larger than ``limit`` bytes before reading it: those parsers hold it all in
    memory. ``follow_link`` allows a symbolic link (a config is not data that reports quote)."""
    descriptor = _open_regular(path, follow_link=follow_link)
    with io.FileIO(descriptor, "rb", closefd=True) as raw:
        size = os.fstat(descriptor).st_size
        if size > limit:
            raise InputError(str(path), None, f"{what} is larger than {mib(limit)}; refused")
        try:
            data = _read_up_to(raw, limit + 1)
        except OSError as exc:
            raise InputError(str(path), None, f"cannot read: {exc.strerror}") from None
    if len(data) > limit:  # it grew while being read
        raise InputError(str(path), None, f"{what} is larger than {mib(limit)}; refused")
    return data


def _read_up_to(raw: io.FileIO, size: int) -> bytes:
    """Up to ``size`` bytes: one ``read`` may return fewer than asked for before the end."""
    parts: list[bytes] = []
    left = size
    while left > 0 and (part := raw.read(left)):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def peek_regular(path: Path, size: int) -> bytes | None:
    """The first bytes of a regular file, or None for anything :func:`open_input` refuses."""
    try:
        descriptor = _open_regular(path)
    except InputError:
        return None
    try:
        return os.pread(descriptor, size, 0)
    finally:
        os.close(descriptor)


def _open_regular(path: Path, *, follow_link: bool = False) -> int:
    name = str(path)
    flags = _OPEN_FLAGS & ~getattr(os, "O_NOFOLLOW", 0) if follow_link else _OPEN_FLAGS
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(name, None, "no such file") from None
    except OSError as exc:
        raise InputError(name, None, _open_problem(path, exc)) from None
    except ValueError:  # a NUL in the name: no file can have it
        raise InputError(name, None, "not a valid file name") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise InputError(name, None, "is a directory, not a file")
        raise InputError(name, None, "is not a regular file (FIFOs and devices are never read)")
    os.set_blocking(descriptor, True)
    return descriptor


def _open_problem(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ELOOP, errno.EMLINK) and path.is_symlink():
        return "is a symbolic link; give the path of the file itself (links are not followed)"
    return f"cannot open: {exc.strerror}"


def buffered(reader: HashingReader, size: int = 1 << 16) -> io.BufferedReader:
    return io.BufferedReader(reader, buffer_size=size)
