"""CSV reader: encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252) and delimiter
detected, streamed.

Malformed quoting is an error, never a guess: a quote left open would otherwise swallow every
later row into one cell, and those records would silently go unexamined.
"""

from __future__ import annotations

import _csv
import codecs
import csv
import io
from collections.abc import Callable, Iterator
from itertools import chain, islice
from typing import IO

from conformance.detect.headerless import first_row_is_data
from conformance.detect.safepath import data_not_name
from conformance.model.errors import InputError
from conformance.model.records import WINDOW_SIZE, RecordWindow, WindowBound, runs
from conformance.readers.limits import MAX_VALUE_BYTES, mib

_DELIMITERS = ",;\t|"
_CHUNK = 1 << 20
# Rows read ahead to tell a header row from a pupil's row (see detect.headerless).
_HEADER_SAMPLE = 64
# Bytes that Windows-1252 leaves undefined: a file with them is neither UTF-8 nor Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# Excel's "Unicode text" is UTF-16 with a BOM; UTF-32 BOMs are tested first (they start alike).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
csv.field_size_limit(MAX_VALUE_BYTES)


def detect_encoding(raw: IO[bytes], name: str) -> str:
    """``utf-8-sig`` with a BOM, ``utf-16``/``utf-32`` with theirs; ``utf-8`` if every byte
    decodes; else ``cp1252``.

    Reads until the first byte that is not UTF-8 (so a pure UTF-8 file is read once in full,
    at several GB/s): deciding on a sample alone would misjudge a file whose first accented
    name is past the sample. A NUL byte is refused (binary data, or UTF-16 without its BOM).
    """
    head = raw.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    wide = next((encoding for bom, encoding in _WIDE_BOMS if head.startswith(bom)), None)
    if wide:
        return wide
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, chunk, ascii_so_far = 0, head, True
    while chunk:
        _refuse_nul(chunk, offset, name)
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            start = max(exc.start, 0)  # the decoder may still hold the previous chunk's tail
            ascii_before = ascii_so_far and chunk[:start].isascii()
            return _cp1252_or_fail(name, chunk, offset + start, ascii_before)
        ascii_so_far = ascii_so_far and chunk.isascii()
        offset += len(chunk)
        chunk = raw.read(_CHUNK)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _cp1252_or_fail(name, b"", offset, ascii_so_far)
    return "utf-8"


def _refuse_nul(chunk: bytes, offset: int, name: str) -> None:
    at = chunk.find(b"\x00")
    if at >= 0:
        problem = "a NUL byte: not text (or UTF-16 without its byte order mark)"
        raise InputError(name, f"byte {offset + at}", problem)


def _cp1252_or_fail(name: str, chunk: bytes, offset: int, ascii_before: bool) -> str:
    """Windows-1252, unless the file mixes it with UTF-8 or holds bytes it leaves undefined."""
    if not ascii_before:  # UTF-8 letters earlier, now a byte that is not UTF-8
        problem = "mixed encodings: UTF-8 text before this byte, then a byte that is not UTF-8"
        raise InputError(name, f"byte {offset}", problem)
    undefined = next((i for i, b in enumerate(chunk) if b in _CP1252_UNDEFINED), None)
    if undefined is not None:
        raise InputError(name, f"byte {offset}", "neither UTF-8 nor Windows-1252 text")
    return "cp1252"


def detect_delimiter(header: str) -> str:
    """The candidate delimiter that occurs most often in the header line."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(
    stream: IO[bytes],
    name: str,
    encoding: str,
    kind: str = "record",
    *,
    size: int = WINDOW_SIZE,
    consumed: Callable[[], int] | None = None,
) -> Iterator[RecordWindow]:
    """The rows, ``size`` at a time, as windows built column by column (records are made only
    for the rows a check asks about)."""
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    lines = _Lines(text, name)
    try:
        header_line = lines.first()
        if not header_line.strip():
            raise InputError(name, "line 1", "empty CSV: no header row")
        delimiter = detect_delimiter(header_line)
        header = _header(next(csv.reader([header_line], delimiter=delimiter, strict=True)), name)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        rows = _rows(reader, len(header), name)
        sample = _sample_below(rows, header, name)
        for run in runs(chain(sample, rows), WindowBound(size, consumed)):
            yield _window(run, header, name, kind)
    except csv.Error as exc:
        raise InputError(name, f"line {lines.number}", f"malformed CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(name, None, f"invalid {encoding} text: {exc.reason}") from None
    finally:
        text.detach()  # the caller owns the byte stream (and still hashes what is left)


class _Lines:
    """The text's lines, none longer than a value may be (a file without line breaks is not
    read into memory whole), counted for error positions."""

    def __init__(self, text: io.TextIOWrapper, name: str) -> None:
        self._text = text
        self._name = name
        self.number = 0

    def first(self) -> str:
        return next(self, "")

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._text.readline(MAX_VALUE_BYTES + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > MAX_VALUE_BYTES:
            longer = f"longer than {mib(MAX_VALUE_BYTES)}"
            raise InputError(self._name, f"line {self.number}", longer)
        return line


def _header(cells: list[str], name: str) -> list[str]:
    """Column names; a blank one is named by its position, so its data is still examined."""
    header = [cell.strip().lstrip("\ufeff") or f"column {n}" for n, cell in enumerate(cells, 1)]
    seen: dict[str, int] = {}
    for number, column in enumerate(header, start=1):
        held = data_not_name(column)
        if held is not None:  # a file without its header row: say where, never what
            problem = f"the first row holds data ({held}), not column names: add the header row"
            raise InputError(name, f"line 1 column {number}", problem)
        if column in seen:  # not quoted: a file without its header row has data there
            problem = f"duplicate column name (the same as column {seen[column]})"
            raise InputError(name, f"line 1 column {number}", problem)
        seen[column] = number
    return header


def _sample_below(
    rows: Iterator[tuple[list[str], int]], header: list[str], name: str
) -> list[tuple[list[str], int]]:
    """The first rows below the header, read ahead once the header is known to be one: a
    column whose first cell is the same kind of personal value as the cells below it means the
    file lacks its header row. A problem in those rows is reported after the header's own."""
    sample: list[tuple[list[str], int]] = []
    try:
        sample.extend(islice(rows, _HEADER_SAMPLE))
    except (InputError, csv.Error):
        _refuse_data_header(header, sample, name)
        raise
    _refuse_data_header(header, sample, name)
    return sample


def _refuse_data_header(header: list[str], sample: list[tuple[list[str], int]], name: str) -> None:
    held = first_row_is_data(header, [row for row, _ in sample])
    if held is not None:  # say where and what kind, never the value
        number, kind = held
        problem = f"the first row holds data (a {kind}, as in the rows below), not column names"
        raise InputError(name, f"line 1 column {number}", f"{problem}: add the header row")


def _rows(reader: _csv.Reader, width: int, name: str) -> Iterator[tuple[list[str], int]]:
    """Each row, as wide as the header, with its line (where the row ends)."""
    for row in reader:
        line = reader.line_num + 1  # the header line was read before this reader began
        yield (row if len(row) == width else _fitted(row, width, name, line)), line


def _fitted(row: list[str], width: int, name: str, line: int) -> list[str]:
    """A row as wide as the header: a short row's missing cells are blank; a long row is
    refused unless its extra cells are blank (a trailing delimiter)."""
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise InputError(
            name, f"line {line}", f"row has {len(row)} cells but the header has {width}"
        )
    return row[:width] + [""] * (width - len(row))


def _window(
    run: list[tuple[list[str], int]], header: list[str], name: str, kind: str
) -> RecordWindow:
    rows, ends = zip(*run, strict=True)
    lines = list(ends)
    # zip(*rows): the transposition to columns, and the stripping, run in C
    columns = [list(map(str.strip, column)) for column in zip(*rows, strict=True)]
    return RecordWindow.from_columns(
        kind, name, header, columns, lines=lines, pointer=lambda row: f"row {lines[row] - 1}"
    )
