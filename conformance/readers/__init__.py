"""Readers: every input format becomes a stream of normalised :class:`Record` objects.

Readers know formats, not rules. ``read_export`` picks the reader from the profile's format,
the file's extension and its first bytes, and hashes the bytes as they are parsed.
"""

from __future__ import annotations

import hashlib
import io
import json as jsonlib  # not "json": that name is this package's JSON reader module
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from conformance.model.errors import InputError
from conformance.model.profile import Profile
from conformance.model.records import OUTSIDE, Record, RecordWindow, windows
from conformance.model.spec import SpecModel
from conformance.model.storage import StorageModel
from conformance.readers.csv import detect_encoding, read_csv
from conformance.readers.json import read_json, read_jsonl
from conformance.readers.limits import MAX_SPEC_BYTES, MAX_SQL_BYTES
from conformance.readers.sniff import SNIFF_BYTES, is_database_url, sniff_format
from conformance.readers.source import (
    HashingReader,
    buffered,
    open_input,
    peek_regular,
    read_limited,
)
from conformance.readers.spec import is_spec, spec_from_bytes
from conformance.readers.xml import compile_rules, discover_rules, read_xml
from conformance.readers.xsd import xsd_from_bytes


@dataclass
class ExportStream:
    """One export being read: its records, and once exhausted, its hash and counts."""

    path: Path
    format: str
    _reader: HashingReader
    records_read: int = 0
    sha256: str = field(default="")

    def windows(self, profile: Profile) -> Iterator[RecordWindow]:
        """The records in windows (consecutive records of one kind, grouped by shape)."""
        name = str(self.path)
        stream = buffered(self._reader)
        try:
            for window in _dispatch(self.format, stream, self._reader, self.path, profile):
                if window.kind != OUTSIDE:  # values outside the records are no records
                    self.records_read += len(window)
                yield window
            self._reader.drain()
            self.sha256 = self._reader.sha256.hexdigest()
        except InputError as exc:
            if exc.position is None and self._reader.bytes_read:
                raise type(exc)(name, f"near byte {self._reader.bytes_read}", exc.problem) from None
            raise
        finally:
            self._reader.close()

    def records(self, profile: Profile) -> Iterator[Record]:
        """The records one by one."""
        for window in self.windows(profile):
            yield from window.records


def open_export(path: Path, profile: Profile) -> ExportStream:
    """Open an export for reading with the right reader; fail early with one clear line."""
    reader = open_input(path)
    try:
        fmt = sniff_format(path, profile.format.kind, reader.head(SNIFF_BYTES))
    except InputError:
        reader.close()
        raise
    return ExportStream(path, fmt, reader)


def _dispatch(
    fmt: str, stream: io.BufferedReader, reader: HashingReader, path: Path, profile: Profile
) -> Iterator[RecordWindow]:
    """The format's reader; look-ahead passes read the same open file, never the path again."""
    name = str(path)
    consumed = reader.consumed  # the bytes read so far: a window holds at most WINDOW_BYTES
    if fmt == "xml":
        rules = compile_rules(profile.format.records, profile.format.namespaces)
        if not rules:
            with reader.peer() as probe:
                rules = discover_rules(probe, name)
        return windows(read_xml(stream, name, rules), consumed=consumed)
    records = profile.format.records
    if fmt == "json":
        return read_json(stream, name, records, consumed)
    # One record per line or row: a profile may name its kind (the location is the whole file).
    kind = next(iter(records), "record")
    if fmt == "jsonl":
        return read_jsonl(stream, name, kind)
    with reader.peer() as probe:
        encoding = detect_encoding(probe, name)
    return read_csv(stream, name, encoding, kind)


def input_kind(name: str | Path) -> str:
    """``database`` for a database URL or an SQLite database file, ``ddl`` for an SQL file,
    ``spec`` for an interface spec, else ``export``."""
    text = str(name)
    if is_database_url(text):
        return "database"
    path = Path(text)
    if peek_regular(path, len(_SQLITE_MAGIC)) == _SQLITE_MAGIC:
        return "database"
    if path.suffix.lower() in (".sql", ".ddl"):
        return "ddl"
    if is_spec(path) or path.suffix.lower() == ".xsd":
        return "spec"
    return "export"


_SQLITE_MAGIC = b"SQLite format 3\x00"  # the first bytes of every SQLite database file


def read_storage(name: str | Path) -> tuple[StorageModel, str]:
    """The schema of an SQL file or a database (by URL, or an SQLite file by its path), and
    the SHA-256 of what was read."""
    if input_kind(name) == "database":
        from conformance.readers.database import read_database  # noqa: PLC0415  (SQLAlchemy: only for a URL)

        text = str(name)
        url = text if is_database_url(text) else _sqlite_url(Path(text))
        model = read_database(url)
        canonical = jsonlib.dumps(
            [[t.qualified, t.columns, [fk.table for fk in t.foreign_keys]] for t in model.tables],
            sort_keys=True,
        )
        return model, hashlib.sha256(canonical.encode()).hexdigest()
    path = Path(name)
    data = read_limited(path, MAX_SQL_BYTES, "the SQL file")
    from conformance.readers.ddl import parse_ddl  # noqa: PLC0415  (sqlglot: only for SQL)

    return parse_ddl(data, str(path)), hashlib.sha256(data).hexdigest()


def _sqlite_url(path: Path) -> str:
    """The URL of an SQLite file, its path quoted (a '?' or '#' in a name is no query)."""
    from sqlalchemy.engine import URL  # noqa: PLC0415  (SQLAlchemy: only for a database)

    return URL.create("sqlite", database=str(path.resolve())).render_as_string()


def read_interface(path: Path, profile: Profile) -> tuple[SpecModel, str]:
    """An interface spec and the SHA-256 of its file (of the bytes parsed, read once)."""
    kinds = frozenset(profile.format.records)
    data = read_limited(path, MAX_SPEC_BYTES, "the spec")
    if path.suffix.lower() == ".xsd":
        spec = xsd_from_bytes(data, path, kinds)
    else:
        spec = spec_from_bytes(data, str(path), kinds)
    if not any(r.fields for r in spec.records) and not spec.servers and not spec.url_fields:
        # Nothing for any check to examine: said here, as for an export without records,
        # rather than a report in which nothing was examined.
        raise InputError(str(path), None, "no fields, servers or URL parameters to examine")
    return spec, hashlib.sha256(data).hexdigest()
