"""The normalised record every reader produces and every export check reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import TypeVar


@dataclass(slots=True)
class Record:
    """One record of an export, flattened to field paths.

    ``fields`` maps a field path (``achternaam``, ``@eckid``, ``groep/@key``,
    ``address/street``) to the values found there, in document order. Only non-blank values are
    kept: a field is *present* in a record when it carries data.
    ``kind`` is the profile's record kind (``leerling``, ``metadata``; ``record`` for generic
    inputs). ``line`` is 1-based; ``path`` is an XPath, a JSON pointer or ``row N``.
    """

    kind: str
    fields: dict[str, list[str]]
    input: str
    line: int | None
    path: str
    synthetic: bool = False  # from an interface spec: the fields exist, the values are types


class RecordBatch:
    """The records of a window that share one shape — the same kind and the same field paths
    in the same order — so a check can decide per shape once and work on a field's values as
    one column (one regex pass over a column joined instead of one per value).

    ``records`` keep their order; ``rows`` are their positions in the window.
    """

    __slots__ = (
        "_joined",
        "_memo",
        "_singles",
        "first",
        "kind",
        "paths",
        "records",
        "rows",
        "shape",
    )

    def __init__(
        self,
        kind: str,
        paths: tuple[str, ...],
        records: list[Record],
        rows: list[int],
    ) -> None:
        self.kind = kind
        self.paths = paths
        self.records = records
        self.rows = rows
        self.shape = (kind, *paths)  # the key the per-shape caches use
        self.first = records[0]
        self._singles: dict[str, list[str] | None] = {}
        self._joined: dict[str, str] = {}
        self._memo: dict[tuple[str, str], bool] = {}

    def __len__(self) -> int:
        return len(self.records)

    def values(self, path: str) -> tuple[list[str], Sequence[int]]:
        """Every value of the field, in order, and the index of the record each belongs to."""
        single = self.single(path)
        if single is not None:
            return single, range(len(single))
        values: list[str] = []
        rows: list[int] = []
        for row, record in enumerate(self.records):
            found = record.fields[path]
            values += found
            rows += [row] * len(found)
        return values, rows

    def holds(self, question: str, path: str, answer: Callable[[list[str]], bool]) -> bool:
        """Whether the field's values have a property (``answer`` of them), asked once per
        batch however many checks ask it (PSN-002, PSN-004 and LNK-001 all ask whether the
        pseudonyms are production ECK iDs)."""
        key = (question, path)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = answer(self.values(path)[0])
        return found

    def joined(self, path: str) -> str:
        """Every value of the field joined by line breaks: one text a regex searches once
        (several checks search the same column)."""
        text = self._joined.get(path)
        if text is None:
            text = self._joined[path] = "\n".join(self.values(path)[0])
        return text

    def single(self, path: str) -> list[str] | None:
        """The field's value per record when every record has exactly one (the common case),
        else None."""
        try:
            return self._singles[path]
        except KeyError:
            # map/itemgetter: the transposition from rows to a column runs in C
            columns = list(map(itemgetter(path), map(attrgetter("fields"), self.records)))
            # none empty and as many values as records: exactly one each
            exactly_one = all(columns) and sum(map(len, columns)) == len(columns)
            single = [c[0] for c in columns] if exactly_one else None
            self._singles[path] = single
            return single


T = TypeVar("T")


class RecordWindow:
    """Consecutive records of one kind (at most 1,024), in order, and the same records grouped
    by shape: one :class:`RecordBatch` per shape, in the order the shapes first appear.

    Exports whose records alternate between shapes (UWLR pupils with and without a
    voorvoegsel) still give each shape long batches. A check whose findings depend only on the
    shape handles the batches in this order, which keeps every finding's first location: a
    shape that appears first has the first record of everything it causes. A check whose
    findings depend on the values brings them back into record order (:meth:`ordered`).
    """

    __slots__ = ("batches", "kind", "records")

    def __init__(self, kind: str, records: list[Record]) -> None:
        self.kind = kind
        self.records = records
        groups: dict[tuple[str, ...], list[int]] = {}
        for row, record in enumerate(records):
            groups.setdefault(tuple(record.fields), []).append(row)
        self.batches = [
            RecordBatch(kind, paths, [records[row] for row in rows], rows)
            for paths, rows in groups.items()
        ]

    def __len__(self) -> int:
        return len(self.records)

    def ordered(self, per_batch: Sequence[Sequence[T]]) -> list[T]:
        """Items given per batch (one per record of the batch, in the batches' order), put in
        the order of the window's records."""
        if len(self.batches) == 1:
            return list(per_batch[0])
        placed: list[T | None] = [None] * len(self.records)
        for batch, items in zip(self.batches, per_batch, strict=True):
            for row, item in zip(batch.rows, items, strict=True):
                placed[row] = item
        # every row belongs to exactly one batch, so no slot is left None
        return placed  # type: ignore[return-value]

    def spread(self, per_batch: Sequence[T]) -> list[T]:
        """One item per batch (its shape's roles, say), given to each of the batch's records,
        in the order of the window's records."""
        return self.ordered(
            [[item] * len(batch) for batch, item in zip(self.batches, per_batch, strict=True)]
        )
