"""Lines split off text or bytes a chunk at a time: how the CSV and JSON Lines readers read.

A chunk is searched once, for its last line break; the lines before it are split in C
(``splitlines``) and handed on as a list, so a parser takes them one by one in C. The part after
the break waits, in pieces, for the chunk that ends it — joining it with every chunk would make
a long line cost a copy per chunk — and no line may grow past :data:`MAX_VALUE_BYTES` (a file
without line breaks is not read into memory whole).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import AnyStr, Generic

from conformance.model.errors import InputError
from conformance.readers.limits import MAX_VALUE_BYTES, mib


class LineChunks(Generic[AnyStr]):
    """Iterating gives lists of whole lines, each line with its break (the last line of the
    input without one, if it has none). ``number`` counts the lines handed on so far and
    ``handed`` their characters (or bytes).

    ``whole_lines(chunk)`` is how much of a chunk is whole lines; ``split(text)`` splits whole
    lines; ``ended(last, chunk)`` whether a waiting line whose last piece is ``last`` turns out
    to be whole when ``chunk`` follows (a final "\\r" not followed by "\\n").

    :meth:`texts` gives the same lines unsplit: a reader that needs no lines (CSV rows split a
    window at a time) is spared splitting them and joining them again."""

    def __init__(
        self,
        chunks: Iterable[AnyStr],
        name: str,
        whole_lines: Callable[[AnyStr], int],
        split: Callable[[AnyStr], list[AnyStr]],
        ended: Callable[[AnyStr, AnyStr], bool] | None = None,
    ) -> None:
        self._chunks: Iterable[AnyStr] = chunks
        self._name = name
        self._whole_lines: Callable[[AnyStr], int] = whole_lines
        self._split: Callable[[AnyStr], list[AnyStr]] = split
        self._ended: Callable[[AnyStr, AnyStr], bool] | None = ended
        self.number = 0
        self.handed = 0

    def __iter__(self) -> Iterator[list[AnyStr]]:
        for text, whole in self._texts():
            lines = self._split(text) if whole else [text]
            yield self._handed(lines)

    def texts(self, count: Callable[[AnyStr], int]) -> Iterator[tuple[AnyStr, int]]:
        """The lines iterating gives, each list joined back (the text unsplit, for a reader
        that splits it itself, or need not), with their number: ``count(text)``."""
        for text, _ in self._texts():
            lines = count(text)
            self.number += lines
            self.handed += len(text)
            yield text, lines

    def _texts(self) -> Iterator[tuple[AnyStr, bool]]:
        """Whole lines, joined, each text with whether it may hold more than one line."""
        pending: list[AnyStr] = []  # a line not yet ended, in pieces
        held = 0
        for chunk in self._chunks:
            if pending and self._ended is not None and self._ended(pending[-1], chunk):
                yield chunk[:0].join(pending), False
                pending, held = [], 0
            whole = self._whole_lines(chunk)
            if not whole:
                pending.append(chunk)
                held += len(chunk)
                if held > MAX_VALUE_BYTES:
                    self._too_long()
                continue
            waited = bool(pending)
            pending.append(chunk[:whole])
            text = chunk[:0].join(pending) if waited else pending[0]
            # the waiting line is the text's first, no longer than it: split only to measure it
            long = waited and held + whole > MAX_VALUE_BYTES
            if long and len(self._split(text)[0]) > MAX_VALUE_BYTES:
                self._too_long()
            rest = chunk[whole:]
            pending, held = ([rest] if rest else []), len(rest)
            yield text, True
        if pending:
            yield pending[0][:0].join(pending), False

    def _handed(self, lines: list[AnyStr]) -> list[AnyStr]:
        self.number += len(lines)
        self.handed += sum(map(len, lines))
        return lines

    def _too_long(self) -> None:
        where = f"line {self.number + 1}"
        raise InputError(self._name, where, f"longer than {mib(MAX_VALUE_BYTES)}")
