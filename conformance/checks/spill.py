"""Rows of fixed-width integers, partitioned by the top bits of a 64-bit key, spilled to disk.

Checks that must see every record at the end (PSN-003's duplicate pseudonyms, LNK-003/005's
equivalence classes) keep a few 64-bit digests per record and group them by sorting. Kept in
memory that grows with the export (about 80 bytes a record); kept here it does not: rows are
buffered up to a bound, then each partition's rows are appended to its own file in a private
temporary directory, and at the end the partitions are read back one at a time.

Partitions split the key range by its top bits, so partition 0 holds the smallest keys: sorting
inside each partition, in partition order, gives the same order as sorting everything at once.
A grouping by key therefore never spans two partitions, and results computed partition by
partition are identical to those of one global sort. Memory is the buffer plus one partition.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from hashlib import blake2b
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, TypeAlias

import numpy as np

# Digests that may reach the disk are keyed with a secret drawn for this run: a spilled file,
# or one a killed run left behind, cannot be reversed by hashing the few values a field takes
# (a support arrangement, a year of birth). Within a run equal values still give equal digests.
_RUN_KEY = secrets.token_bytes(32)


# Python's own hash of bytes is SipHash-1-3 under 128 random bits drawn per process (PEP 456):
# the same keyed 64-bit digest, computed in C (and a whole column at once with map), unless
# PYTHONHASHSEED fixes its key for every process — then BLAKE2b under this run's key. The
# UTF-8 bytes are hashed, not the string: a string's hash covers its internal 1-, 2- or 4-byte
# code units, so "ab12" and "扡㈱" (the same four bytes read as UTF-16) would share one.
_HASH_IS_KEYED = (
    sys.hash_info.width == 64  # a 32-bit build's hashes are 32 bits: too few for millions
    and sys.flags.hash_randomization == 1
    and os.environ.get("PYTHONHASHSEED", "random") == "random"
)
_UNSIGNED = (1 << 64) - 1


def digest64(text: str) -> int:
    """A 64-bit digest of the text, keyed for this run."""
    if _HASH_IS_KEYED:
        return hash(text.encode()) & _UNSIGNED
    return _blake64(text)


def digests64(texts: Iterable[str]) -> array[int]:
    """:func:`digest64` of every text, in order, as unsigned 64-bit integers."""
    if not _HASH_IS_KEYED:
        return array("Q", map(_blake64, texts))
    unsigned = array("Q")
    signed = array("q", map(hash, map(str.encode, texts)))
    unsigned.frombytes(signed.tobytes())  # two's complement: the same as & _UNSIGNED
    return unsigned


def _blake64(text: str) -> int:
    return int.from_bytes(blake2b(text.encode(), digest_size=8, key=_RUN_KEY).digest(), "little")


DEFAULT_PARTITIONS = 256  # 10 million rows make partitions of ~40,000 rows: a few MiB to sort
DEFAULT_BUFFER_ROWS = 1 << 16  # rows kept before spilling: a 32-byte row costs 2 MiB
_FIRST_CAPACITY = 4096  # the buffer grows to its bound, so a small run costs little

Column: TypeAlias = "np.ndarray[Any, np.dtype[Any]] | array[int] | Sequence[int]"
Rows: TypeAlias = "np.ndarray[Any, np.dtype[np.void]]"


class SpillError(OSError):
    """Rows could not be written to (or read from) the temporary directory, e.g. a full disk.

    The rows already given are then incomplete, so the object refuses further use rather than
    answer from part of the data."""


class PartitionedRows:
    """Rows of a structured dtype (unsigned integer fields), partitioned by one uint64 field.

    ``extend`` appends a batch of rows given as columns; ``partitions`` yields every partition,
    smallest keys first, each as one structured array with its rows in insertion order. Nothing
    touches the disk until the buffer first fills. ``close`` (or leaving a ``with`` block, or
    garbage collection, or interpreter exit) removes the temporary files.

    ``partitions`` and ``buffer_rows`` default to the module's ``DEFAULT_PARTITIONS`` and
    ``DEFAULT_BUFFER_ROWS``, read when the object is made (tests lower them to force spilling).
    """

    def __init__(
        self,
        dtype: np.dtype[np.void],
        key: str,
        *,
        partitions: int | None = None,
        buffer_rows: int | None = None,
        directory: str | Path | None = None,
    ) -> None:
        count = DEFAULT_PARTITIONS if partitions is None else partitions
        bound = DEFAULT_BUFFER_ROWS if buffer_rows is None else buffer_rows
        _validate(dtype, key, count, bound)
        self.dtype = dtype
        self.key = key
        self.partition_count = count
        self._bits = count.bit_length() - 1
        self._bound = bound
        self._parent = directory
        self._buffer: Rows = np.empty(min(bound, _FIRST_CAPACITY), dtype)
        self._buffered = 0
        self._spilled = 0
        # per spill: the rows spilled before it, and where its partitions start and end
        self._runs: list[tuple[int, np.ndarray[Any, Any]]] = []
        self._tempdir: Path | None = None
        self._cleanup: weakref.finalize[[str], PartitionedRows] | None = None
        self._closed = False
        self._failed = False

    def __len__(self) -> int:
        return self._spilled + self._buffered

    def __enter__(self) -> PartitionedRows:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def spilled(self) -> int:
        """Rows written to disk so far (0: the run never touched the disk)."""
        return self._spilled

    @property
    def directory(self) -> Path | None:
        """The temporary directory, once rows have been spilled; None before and after."""
        return self._tempdir

    def extend(self, **columns: Column) -> None:
        """Append rows given as one column per field, all of one length (every field needed)."""
        self._usable()
        arrays = self._columns(columns)
        total = len(next(iter(arrays.values())))
        done = 0
        while done < total:
            if self._buffered == self._bound:
                self._spill()
            room = self._make_room(total - done)
            end = self._buffered + room
            for name, values in arrays.items():
                self._buffer[name][self._buffered : end] = values[done : done + room]
            self._buffered = end
            done += room

    def partitions(self) -> Iterator[Rows]:
        """Every partition, smallest keys first, each with its rows in insertion order (empty
        partitions as empty arrays, so two stores on the same key can be walked in step).
        Do not extend while iterating."""
        self._usable()
        buffered = self._buffer[: self._buffered]
        order, ends = self._by_partition(buffered)
        start = 0
        with self._spilled_rows() as spilled:
            for index, end in enumerate(ends.tolist()):
                in_memory = buffered[order[start:end]]
                start = end
                on_disk = self._read(spilled, index)
                if on_disk is None:
                    yield in_memory
                else:
                    yield np.concatenate((*on_disk, in_memory))

    def close(self) -> None:
        """Drop the buffer and remove the temporary files; the object is unusable after."""
        self._closed = True
        self._buffer = np.empty(0, self.dtype)
        self._buffered = 0
        if self._cleanup is not None:
            self._cleanup()
        self._tempdir = self._cleanup = None

    # --- internals ---

    def _usable(self) -> None:
        if self._closed:
            raise ValueError("PartitionedRows is closed")
        if self._failed:
            raise SpillError("an earlier write to the temporary directory failed; rows are lost")

    def _columns(self, columns: dict[str, Column]) -> dict[str, np.ndarray[Any, Any]]:
        names = self.dtype.names or ()
        if set(columns) != set(names):
            raise ValueError(f"extend needs exactly the fields {names}, got {tuple(columns)}")
        arrays = {name: np.asarray(columns[name], dtype=self.dtype[name]) for name in names}
        if len({len(a) for a in arrays.values()}) > 1:
            raise ValueError("extend needs columns of one length")
        return arrays

    def _make_room(self, wanted: int) -> int:
        """Grow the buffer (doubling, up to the bound) for ``wanted`` rows; how many fit."""
        needed = min(self._buffered + wanted, self._bound)
        capacity = len(self._buffer)
        if needed > capacity:
            while capacity < needed:
                capacity *= 2
            grown: Rows = np.empty(min(capacity, self._bound), self.dtype)
            grown[: self._buffered] = self._buffer[: self._buffered]
            self._buffer = grown
        return min(wanted, len(self._buffer) - self._buffered)

    def _partition_of(self, keys: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        if self._bits == 0:
            return np.zeros(len(keys), dtype=np.intp)
        return (keys >> np.uint64(64 - self._bits)).astype(np.intp)

    def _by_partition(self, rows: Rows) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """A stable order of the rows by partition, and where each partition's run ends."""
        parts = self._partition_of(rows[self.key])
        order = np.argsort(parts, kind="stable")
        ends = np.cumsum(np.bincount(parts, minlength=self.partition_count))
        return order, ends

    def _spill(self) -> None:
        """Append the buffered rows, ordered by partition, to the one file as a run, note
        where each partition's rows of the run end, then empty the buffer. One file opened
        per spill, written in one go: a file per partition cost an open (and a seek on disk)
        for each of them at every spill."""
        buffered = self._buffer[: self._buffered]
        order, ends = self._by_partition(buffered)
        path = self._directory() / "rows"
        try:
            with path.open("ab") as out:
                # bytes written, not ndarray.tofile(out): tofile first tries the file as a path,
                # and a SIGTERM (KeyboardInterrupt) arriving in that try surfaced as its
                # TypeError, so a cancelled run went on and ended with LNK-003 crashed (exit 3)
                out.write(buffered[order].tobytes())
        except OSError as exc:
            self._failed = True
            raise SpillError(
                f"could not spill {len(buffered):,} rows to the temporary directory "
                f"{path.parent} ({exc.strerror or type(exc).__name__}); is the disk full?"
            ) from exc
        self._runs.append((self._spilled, np.concatenate(([0], ends))))
        self._spilled += len(buffered)
        self._buffered = 0

    def _directory(self) -> Path:
        if self._tempdir is None:
            made = tempfile.mkdtemp(prefix="conformance-spill-", dir=self._parent)
            # Removed on close, when the object is collected, or at interpreter exit (also
            # after an uncaught exception); only a killed process leaves it behind.
            self._cleanup = weakref.finalize(self, _remove, made)
            self._tempdir = Path(made)
        return self._tempdir

    @contextmanager
    def _spilled_rows(self) -> Iterator[BinaryIO | None]:
        """The spilled rows' file, open for reading (None if nothing was spilled)."""
        if self._tempdir is None or not self._runs:
            yield None
            return
        path = self._tempdir / "rows"
        try:
            spilled = path.open("rb")
        except OSError as exc:
            self._failed = True
            raise SpillError(f"could not read back spilled rows from {path}") from exc
        with spilled:
            yield spilled

    def _read(self, spilled: BinaryIO | None, index: int) -> list[Rows] | None:
        """The partition's spilled rows, run by run (None if nothing was spilled)."""
        if spilled is None:
            return None
        size = self.dtype.itemsize
        parts = []
        try:
            for first, ends in self._runs:
                start, end = int(ends[index]), int(ends[index + 1])
                if end > start:
                    spilled.seek((first + start) * size)
                    data = spilled.read((end - start) * size)
                    if len(data) != (end - start) * size:
                        raise OSError("spilled rows were cut short")
                    parts.append(np.frombuffer(data, dtype=self.dtype))
        except OSError as exc:
            self._failed = True
            raise SpillError(f"could not read back spilled rows ({exc})") from exc
        return parts


def _remove(directory: str) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def _validate(dtype: np.dtype[np.void], key: str, partitions: int, buffer_rows: int) -> None:
    names = dtype.names or ()
    if key not in names or dtype[key] != np.dtype(np.uint64):
        raise ValueError(f"key field '{key}' must be a uint64 field of the dtype")
    if any(dtype[name].kind != "u" for name in names):
        raise ValueError("every field must be an unsigned integer")
    if partitions < 1 or partitions & (partitions - 1) or partitions > 1 << 16:
        raise ValueError("partitions must be a power of two between 1 and 65536")
    if buffer_rows < 1:
        raise ValueError("buffer_rows must be at least 1")
