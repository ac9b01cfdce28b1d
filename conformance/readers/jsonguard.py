"""A JSON stream's nesting depth and string lengths, bounded before the parser sees the bytes.

ijson has no depth limit, and its C backend keeps the full prefix of every open level, so memory
grows with the square of the depth: 100,000 nested brackets (200 KB of input) exhaust a GiB
before any record is built. Nor does it bound a string: a 2 GB value would be buffered whole.
And its C backend crashes the interpreter (SIGSEGV, ijson 3.6.0) on an integer longer than
Python's integer-conversion limit (4,300 digits). Nor does it bound a key, which it copies into
the prefix of every event under it. :class:`GuardedStream` sits between the file and ijson and
refuses all four as the bytes pass.

The scan is per chunk, in C (regular expressions, ``bytes.translate``, numpy), never per byte in
Python: complete strings are cut out, the brackets left over are counted, and a string still open
at the end of a chunk is carried over (with a pending backslash escape) to the next one.
"""

from __future__ import annotations

import re
from typing import IO

import numpy as np

from conformance.readers.limits import (
    MAX_DEPTH,
    MAX_KEY_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_VALUE_BYTES,
)

# A string's content: anything but a quote or a backslash, or an escaped character.
_CONTENT = re.compile(rb'(?:[^"\\]++|\\.)*+', re.DOTALL)
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_DIGITS = b"0123456789"
_QUOTE = ord('"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = np.zeros(256, dtype=np.int64)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1


class NestingError(Exception):
    """Nested deeper than allowed."""


class StringLengthError(Exception):
    """A string longer than allowed."""


class NumberLengthError(Exception):
    """A number with more digits than allowed."""


class KeyLengthError(Exception):
    """A member's key longer than allowed, ``where`` it is if known. The readers count a key's
    characters; the guard refuses what is longer written than any key within the limit can be
    (:data:`KEY_BYTES_PER_CHARACTER`), before ijson copies it into the prefix of every event
    after it — of a 1 MiB key, 750 MB for the pupils in the 64 KiB that follow it."""

    def __init__(self, where: str | None = None) -> None:
        super().__init__(where)
        self.where = where


# The most bytes one character of a key can be written in: a surrogate pair of \u escapes.
KEY_BYTES_PER_CHARACTER = 12
# White space, and a colon after it: what tells a key from a string value.
_COLON_NEXT = re.compile(rb"[ \t\r\n]*+(:)?")


class _Scanner:
    """The lexical state between chunks: depth, and whether (and how far) a string is open."""

    def __init__(
        self, max_depth: int, max_string: int, max_digits: int, max_key_bytes: int
    ) -> None:
        self.max_depth = max_depth
        self.max_string = max_string
        self.max_digits = max_digits
        self.max_key_bytes = max_key_bytes
        self.long_string_ended = False  # at the chunk's end: a colon next makes it a key
        self.long_number = re.compile(rb"[0-9]{%d}" % (max_digits + 1))
        self.digits = 0  # the run of digits that ended the previous chunk
        self.depth = 0
        self.open_string: int | None = None  # bytes of the string still open, if one is
        self.escape = False  # the open string's last byte was a lone backslash

    def feed(self, chunk: bytes) -> None:
        start = 0
        if self.open_string is not None:
            length = self.open_string
            start = self._continue_string(chunk)
            if self.open_string is not None:
                return
            self.long_string_ended = length + start - 1 > self.max_key_bytes
        if self.long_string_ended:
            self._key_after(chunk, start)
        rest = chunk[start:] if start else chunk
        self._long_keys(rest)
        outside, opened = _outside_strings(rest)
        self._numbers(outside, carried=start == 0)
        self._count(outside.translate(None, _NOT_BRACKETS))
        if opened is not None:  # a string opens here and does not end in this chunk
            self.digits = 0
            self._grow_string(opened, rest)

    def _key_after(self, chunk: bytes, at: int) -> None:
        """Refuse the long string just ended if a colon follows it (at ``at``)."""
        found = _COLON_NEXT.match(chunk, at)
        if found is not None and found.group(1):
            raise KeyLengthError
        self.long_string_ended = found is not None and found.end() == len(chunk)

    def _long_keys(self, data: bytes) -> None:
        """Refuse a complete string in ``data`` longer than a key may be, followed by a colon.
        Strings are looked at one by one only where a run of bytes between quotes (escaped
        quotes and backslashes written over, not taken out) is long enough to hold one: almost
        never."""
        bare = data.replace(b"\\\\", b"__").replace(b'\\"', b"__") if b"\\" in data else data
        if len(bare) <= self.max_key_bytes or max(map(len, bare.split(b'"'))) <= self.max_key_bytes:
            return
        for found in _STRING.finditer(data):
            if found.end() - found.start() - 2 > self.max_key_bytes:
                self._key_after(data, found.end())

    def _continue_string(self, chunk: bytes) -> int:
        """Where the open string ends (past its quote), or the chunk's end if it does not."""
        start = 1 if self.escape and chunk else 0  # the byte a trailing backslash escaped
        self.escape = self.escape and not chunk
        end = len(chunk) if b'"' not in chunk else _match_end(_CONTENT, chunk, start)
        if end < len(chunk) and chunk[end] == _QUOTE:
            self.open_string = None
            return end + 1
        self._grow_string(len(chunk), chunk[start:])
        return len(chunk)

    def _grow_string(self, added: int, tail: bytes) -> None:
        """The open string runs to the end of ``tail``: a backslash run of odd length there
        escapes the next chunk's first byte (a run never reaches back past the string's quote,
        nor, in a tail, to a byte an earlier backslash escaped)."""
        self.open_string = (self.open_string or 0) + added
        self.escape = (len(tail) - len(tail.rstrip(b"\\"))) % 2 == 1
        if self.open_string > self.max_string:
            raise StringLengthError

    def _numbers(self, outside: bytes, carried: bool) -> None:
        """Digit runs, also one continued from the previous chunk (strings are cut out, so
        digits either side of one are joined: only in malformed JSON, which fails anyway)."""
        lead = len(outside) - len(outside.lstrip(_DIGITS))
        run = (self.digits if carried else 0) + lead
        if run > self.max_digits or self.long_number.search(outside, lead):
            raise NumberLengthError
        self.digits = run if lead == len(outside) else len(outside) - len(outside.rstrip(_DIGITS))

    def _count(self, brackets: bytes) -> None:
        if not brackets:
            return
        running = np.cumsum(_STEP[np.frombuffer(brackets, dtype=np.uint8)])
        if self.depth + int(running.max()) > self.max_depth:
            raise NestingError
        self.depth += int(running[-1])


def _outside_strings(data: bytes) -> tuple[bytes, int | None]:
    """The bytes outside complete strings, and the length of a string left open at the end.

    Without a backslash, quotes alternate: splitting on them is three times faster than a
    regular expression. With one, complete strings are cut out with the expression; a quote
    left over opens a string that does not end here (no complete string can follow it: any
    quote after it that is not escaped would have ended it).
    """
    if b"\\" not in data:
        parts = data.split(b'"')
        return b"".join(parts[0::2]), len(parts[-1]) if len(parts) % 2 == 0 else None
    stripped = _STRING.sub(b"", data)
    quote = stripped.find(b'"')
    if quote < 0:
        return stripped, None
    return stripped[:quote], len(stripped) - quote - 1


def _match_end(pattern: re.Pattern[bytes], chunk: bytes, start: int) -> int:
    found = pattern.match(chunk, start)
    return found.end() if found else start


class GuardedStream:
    """A readable byte stream that raises :class:`NestingError`, :class:`StringLengthError`,
    :class:`NumberLengthError` or :class:`KeyLengthError` as soon as the bytes read through it
    go too deep or hold too long a string, number or key (``max_key`` characters)."""

    def __init__(
        self,
        stream: IO[bytes],
        max_depth: int,
        max_string: int,
        max_digits: int,
        max_key: int,
    ) -> None:
        self._stream = stream
        self._scanner = _Scanner(
            max_depth, max_string, max_digits, max_key * KEY_BYTES_PER_CHARACTER
        )
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._scanner.feed(chunk)
        self.bytes_read += len(chunk)
        return chunk


def within_limits(stream: IO[bytes]) -> GuardedStream:
    """The stream guarded with the toolkit's limits (readers.limits), as every JSON reader
    reads it: the export reader and the spec reader alike."""
    return GuardedStream(stream, MAX_DEPTH, MAX_VALUE_BYTES, MAX_NUMBER_DIGITS, MAX_KEY_CHARS)
