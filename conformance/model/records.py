"""The normalised record every reader produces and every export check reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter


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
    """Consecutive records of one shape — the same kind and the same field paths in the same
    order — so a check can decide per shape once and work on a field's values as one column
    (one regex pass over a column joined instead of one per value).

    ``records`` keep their order; a check that has no column logic visits them one by one.
    """

    __slots__ = ("_joined", "_memo", "_singles", "first", "kind", "paths", "records", "shape")

    def __init__(self, kind: str, paths: tuple[str, ...], records: list[Record]) -> None:
        self.kind = kind
        self.paths = paths
        self.records = records
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
