"""CSV reader: encoding (UTF-8, UTF-8 with BOM, Windows-1252) and delimiter detected, streamed."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from conformance.model.errors import InputError
from conformance.model.records import Record

_DELIMITERS = ",;\t|"
_CHUNK = 1 << 20
# Bytes that Windows-1252 leaves undefined: a file with them is neither UTF-8 nor Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
csv.field_size_limit(16 * 1024 * 1024)


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` with a BOM; ``utf-8`` if every byte decodes; else ``cp1252``.

    Reads until the first byte that is not UTF-8 (so a pure UTF-8 file is read once in full,
    at several GB/s): deciding on a sample alone would misjudge a file whose first accented
    name is past the sample.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as raw:
        head = raw.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        raw.seek(0)
        offset = 0
        while chunk := raw.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return _cp1252_or_fail(path, chunk, offset + exc.start)
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _cp1252_or_fail(path, b"", offset)
    return "utf-8"


def _cp1252_or_fail(path: Path, chunk: bytes, offset: int) -> str:
    undefined = next((i for i, b in enumerate(chunk) if b in _CP1252_UNDEFINED), None)
    if undefined is not None:
        raise InputError(str(path), f"byte {offset}", "neither UTF-8 nor Windows-1252 text")
    return "cp1252"


def detect_delimiter(header: str) -> str:
    """The candidate delimiter that occurs most often in the header line."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(stream: IO[bytes], name: str, encoding: str, kind: str = "record") -> Iterator[Record]:
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise InputError(name, "line 1", "empty CSV: no header row")
        delimiter = detect_delimiter(header_line)
        header = _header(next(csv.reader([header_line], delimiter=delimiter)), name)
        reader = csv.reader(text, delimiter=delimiter)
        for row in reader:
            yield _record(row, header, name, reader.line_num + 1, kind)
    except csv.Error as exc:
        raise InputError(name, None, f"malformed CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(name, None, f"invalid {encoding} text: {exc.reason}") from None
    finally:
        text.detach()  # the caller owns the byte stream (and still hashes what is left)


def _header(cells: list[str], name: str) -> list[str]:
    """Column names; a blank one is named by its position, so its data is still examined."""
    header = [cell.strip().lstrip("\ufeff") or f"column {n}" for n, cell in enumerate(cells, 1)]
    seen: set[str] = set()
    for number, column in enumerate(header, start=1):
        if column in seen:
            raise InputError(name, f"line 1 column {number}", f"duplicate column name '{column}'")
        seen.add(column)
    return header


def _record(row: list[str], header: list[str], name: str, line: int, kind: str) -> Record:
    if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
        raise InputError(
            name, f"line {line}", f"row has {len(row)} cells but the header has {len(header)}"
        )
    fields: dict[str, list[str]] = {}
    for column, cell in zip(header, row, strict=False):
        value = cell.strip()
        if value:
            fields[column] = [value]
    return Record(kind, fields, name, line, f"row {line - 1}")
