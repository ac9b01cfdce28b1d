"""Exact-enough uniqueness over millions of pseudonyms in bounded memory (PSN-003).

Each pseudonym and identity is kept as a 64-bit BLAKE2b digest, not as a 154-character string,
in rows that spill to disk partitioned by key (:mod:`conformance.checks.spill`): memory stays
flat however many records there are. Duplicates are found by sorting each partition at the end.
Two different values share a digest with probability about n²/2⁶⁵ (3·10⁻⁶ for ten million
records), the price of digests; the finding says where both records are, so a person can
confirm it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from typing import Any, NamedTuple

import numpy as np

from conformance.checks.spill import PartitionedRows, digest64, digests64
from conformance.detect.safepath import safe_record_path  # keys may be pupils' data
from conformance.model.findings import Finding, Location
from conformance.model.records import WHOLE, Record, RecordWindow, array_place

_MAX_EXAMPLES = 20
_PENDING = 4096  # rows gathered in plain arrays before they go to the partitioned stores

# One row per pseudonym seen: the grouping key, the other digest, the record's position among
# all rows (file order across inputs) and its line (0: none) — or, for a record with no line
# (an item of a JSON array), its place: _PLACED, the array's number in _Places and the index.
_ROW = np.dtype([("key", np.uint64), ("value", np.uint64), ("row", np.uint64), ("line", np.uint64)])


def _digest(value: str) -> int:
    return digest64(value)


_PLACED = 1 << 63
_INDEX_BITS = 40  # an array's index below, the array's number above
_WHOLE_INDEX = (1 << _INDEX_BITS) - 1  # no index: the pointer is the whole place (WHOLE)


class _Places:
    """The JSON arrays records are items of, numbered: a record's place is a number, not its
    pointer (a million pointers held would be 70 MB). An array inside a JSON Lines line (a
    group's pupils) is known by its line and pointer both. At most ``limit`` arrays (a
    school's groups, each an array of pupils, may be many) and ``chars`` characters of their
    pointers (4 MiB: 66,000 arrays under keys of 4,000 characters held 1.2 GB): the items of
    any after them have no place, and a finding names only their input (and line)."""

    def __init__(self, limit: int = 1 << 16, chars: int = 1 << 22) -> None:
        self._numbers: dict[tuple[int, str], int] = {}
        self._bases: list[tuple[int, str]] = []  # (line, or 0; the array's pointer)
        self._limit = limit
        self._chars = chars  # of the arrays' pointers, all told: keys may be 4,096 characters

    def code(self, place: tuple[str, int] | None, line: int = 0) -> int:
        """The line column's value for a record at this place, on this line (0: neither)."""
        if place is None:
            return line
        code = self._code((line, place[0]), place[1])
        return code or line

    def _code(self, key: tuple[int, str], index: int) -> int:
        base = key[1]
        number = self._numbers.get(key)
        if index == WHOLE:  # a record filed by key: its own pointer a place, half at most
            index = _WHOLE_INDEX
            if number is None and len(self._bases) >= self._limit // 2:
                return 0
        if number is None:
            if len(self._bases) >= self._limit or len(base) > self._chars:
                return 0
            self._chars -= len(base)
            number = self._numbers[key] = len(self._bases)
            self._bases.append(key)
        if index > _WHOLE_INDEX:
            return 0
        return _PLACED | number << _INDEX_BITS | index

    def codes(self, window: RecordWindow) -> list[int]:
        """The codes of a window's records' places, or their lines where they have none: of a
        run of one array's items, counted on from the first's (no work per record: a JSON
        array's window is one)."""
        run = window.item_run()
        if run is None:
            lines = [line or 0 for line in window.lines]
            return list(map(self.code, window.places(), lines))
        first = self.code(run)
        if not first or run[1] + len(window) >= _WHOLE_INDEX:
            return [0] * len(window)
        return list(range(first, first + len(window)))

    def location(self, input_name: str, code: int) -> Location:
        """Where the record at a place is: its line, if it had one, and its JSON pointer as it
        may be shown."""
        number, index = (code & ~_PLACED) >> _INDEX_BITS, code & _WHOLE_INDEX
        line, base = self._bases[number]
        pointer = base if index == _WHOLE_INDEX else f"{base}/{index}"
        return Location(input_name, line or None, safe_record_path(pointer))


class _Seen(NamedTuple):
    """Where a record of a group was: its row (for the input) and line."""

    row: int
    line: int


class _Group(NamedTuple):
    """A key seen with two or more values: its first two records in file order, and its size."""

    first: _Seen
    second: _Seen
    size: int


class UniquenessTracker:
    def __init__(self) -> None:
        self._names: list[str] = []
        self._starts: list[int] = []  # the row count when each input began
        self._count = 0
        self._pseudonyms = array("Q")  # pending rows, not yet in the stores
        self._identities = array("Q")
        self._lines = array("Q")
        # "Shared" groups by pseudonym, "split" by identity: one store each, so every
        # partition holds whole groups of its key.
        self._shared = PartitionedRows(_ROW, "key")
        self._split = PartitionedRows(_ROW, "key")
        self._places = _Places()

    def add_input(self, name: str) -> int:
        self._names.append(name)
        self._starts.append(self._count + len(self._lines))
        return len(self._names) - 1

    def add(self, pseudonym: str, identity: str, record: Record) -> None:
        self._pseudonyms.append(_digest(pseudonym))
        self._identities.append(_digest(identity))
        self._lines.append(self._places.code(array_place(record.path), record.line or 0))
        if len(self._lines) >= _PENDING:
            self._flush()

    def positions(self, window: RecordWindow) -> list[int]:
        """What :meth:`add_many` takes for the window's records, as their "lines": each one's
        place where it is an item of a JSON array (with its line where it has one: a pupil
        in a JSON Lines line), else its line, or 0."""
        lines = window.lines
        if None not in lines and not window.pointed():
            return lines  # type: ignore[return-value]  # every record has its line, no place
        return self._places.codes(window)

    def add_many(self, pseudonyms: list[str], identities: list[str], lines: list[int]) -> None:
        """The same as ``add`` for each (pseudonym, identity, line); line 0 where there is none
        (or the record's place: :meth:`positions`)."""
        if not len(pseudonyms) == len(identities) == len(lines):
            raise ValueError("add_many needs lists of one length")
        self._pseudonyms.extend(digests64(pseudonyms))
        self._identities.extend(digests64(identities))
        self._lines.extend(lines)
        if len(self._lines) >= _PENDING:
            self._flush()

    def findings(self, requirement: str, field: str) -> list[Finding]:
        """Shared pseudonyms (one pseudonym, two identities), then split identities (one
        identity, the sender's key, with two pseudonyms); at most 20 examples of each."""
        self._flush()
        if not self._count:
            return []
        findings = []
        for how, store in (("shared", self._shared), ("split", self._split)):
            examples, total = _groups_with_two_distinct(store)
            findings += [self._finding(requirement, field, group, how, total) for group in examples]
        return findings

    def _flush(self) -> None:
        """Move the pending rows into both stores."""
        if not self._lines:
            return
        pseudonyms = np.frombuffer(self._pseudonyms, dtype=np.uint64)
        identities = np.frombuffer(self._identities, dtype=np.uint64)
        lines = np.frombuffer(self._lines, dtype=np.uint64)
        rows = np.arange(self._count, self._count + len(lines), dtype=np.uint64)
        self._shared.extend(key=pseudonyms, value=identities, row=rows, line=lines)
        self._split.extend(key=identities, value=pseudonyms, row=rows, line=lines)
        self._count += len(lines)
        self._pseudonyms, self._identities, self._lines = array("Q"), array("Q"), array("Q")

    def _finding(
        self, requirement: str, field: str, group: _Group, how: str, total: int
    ) -> Finding:
        where = self._location(group.second)  # input:line pointer, as every report shows it
        if how == "shared":
            message = (
                f"two persons share one pseudonym in '{field}': expected one ECK iD per person, "
                f"found the same value on {group.size} records (also at {where})"
            )
        else:
            message = (
                f"one person (same key) has {group.size} different pseudonyms in '{field}': "
                f"expected one ECK iD per person (also at {where})"
            )
        if total > _MAX_EXAMPLES:
            message += f"; {total:,} such cases in all, the first {_MAX_EXAMPLES} reported"
        return Finding(
            requirement=requirement,
            message=message,
            location=self._location(group.first),
            rule="pseudonym.identity_key" if how == "split" else "pseudonym.field",
            field=field,
            occurrences=group.size,
        )

    def _input(self, row: int) -> str:
        """The input a row came from: the last one started before it was added."""
        return self._names[max(bisect_right(self._starts, row) - 1, 0)]

    def _location(self, seen: _Seen) -> Location:
        name = self._input(seen.row)
        if seen.line & _PLACED:
            return self._places.location(name, seen.line)
        return Location(name, seen.line or None, None)


def _groups_with_two_distinct(store: PartitionedRows) -> tuple[list[_Group], int]:
    """The 20 keys seen with two or more values whose first record comes first in the file,
    in file order, and how many such keys there are. By file order, not key order: the
    digests are keyed per run, so the first keys in key order would be other examples in
    every run, and a report must come out the same each time."""
    examples: list[_Group] = []
    total = 0
    for rows in store.partitions():
        found, count = _partition_groups(rows, _MAX_EXAMPLES)
        examples = sorted(examples + found, key=lambda group: group.first.row)[:_MAX_EXAMPLES]
        total += count
    return examples, total


def _partition_groups(rows: np.ndarray[Any, Any], wanted: int) -> tuple[list[_Group], int]:
    """This partition's ``wanted`` groups with two distinct values that come first in the
    file, and how many it has."""
    if len(rows) < 2:
        return [], 0
    order = np.lexsort((rows["value"], rows["key"]))
    keys, values = rows["key"][order], rows["value"][order]
    boundaries = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(order)]))
    # Sorted by value inside a key, a group has two distinct values iff its ends differ.
    mixed = np.flatnonzero((ends - starts > 1) & (values[starts] != values[ends - 1]))
    if not len(mixed):
        return [], 0
    first_rows = np.minimum.reduceat(rows["row"][order], starts)[mixed]
    earliest = mixed[np.argsort(first_rows, kind="stable")[:wanted]]
    groups = [_group(rows[order[starts[i] : ends[i]]]) for i in earliest]
    return groups, len(mixed)


def _group(members: np.ndarray[Any, Any]) -> _Group:
    """A group's first two records in file order, and its size."""
    first, second = np.argsort(members["row"], kind="stable")[:2].tolist()
    return _Group(_seen(members[first]), _seen(members[second]), len(members))


def _seen(row: np.void) -> _Seen:
    return _Seen(int(row["row"]), int(row["line"]))
