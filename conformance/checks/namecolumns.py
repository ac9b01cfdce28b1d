"""Columns of names: a field whose values are, nearly all, a given name alone or a surname
alone (NAW-002).

One such value is no evidence — the name lists hold many words, and a single "Jansen" may be
a product or a street — but a field where 60 % of at least 20 values are, among them ten
different ones, holds persons' names whatever it is called ("fn", "kolom1", "extra"). Only a
field's first 1,000 values are read: enough to tell, and the cost stays fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from conformance.detect.names import lone_name
from conformance.model.records import Record

SAMPLE = 1000  # values read per field
AT_LEAST = 20  # values a field needs before it is judged
SHARE = 0.6  # of its values that must be names (of cities, streets, jobs: at most 5 %)
DISTINCT = 10  # different names among them (a column of one repeated name is a label)
# Fields that name the makers of learning materials, not persons in the school
_AUTHORSHIP = frozenset(
    "auteur auteurs author authors schrijver schrijvers illustrator illustratoren uitgever "
    "publisher maker makers componist redacteur editor".split()
)


@dataclass(slots=True)
class _Column:
    seen: int = 0
    names: int = 0
    kinds: set[str] = field(default_factory=set)
    distinct: set[str] = field(default_factory=set)  # at most DISTINCT kept
    first: Record | None = None  # the first record with a name
    example: str = ""


@dataclass(frozen=True, slots=True)
class NameColumn:
    """A field judged to hold names: the first record with one, how many there were among
    the values read, the kinds ("given name", "surname") and one of them (to be redacted)."""

    kind: str
    path: str
    first: Record
    names: int
    seen: int
    kinds: tuple[str, ...]
    example: str


class NameColumns:
    """The fields' values as they come, in record order, per record kind and path."""

    def __init__(self) -> None:
        self._columns: dict[tuple[str, str], _Column] = {}

    @staticmethod
    def wanted(name: str) -> bool:
        """Whether a field of this name is judged (not one naming authors or publishers)."""
        return name.casefold() not in _AUTHORSHIP

    def feed(
        self, kind: str, path: str, values: Sequence[str], record_at: Callable[[int], Record]
    ) -> None:
        """The field's values (``record_at(i)``: the record of the i-th), until SAMPLE."""
        column = self._columns.setdefault((kind, path), _Column())
        if column.seen >= SAMPLE:
            return
        for index, value in enumerate(values[: SAMPLE - column.seen]):
            if not value:
                continue
            column.seen += 1
            found = lone_name(value)
            if found is None:
                continue
            column.names += 1
            column.kinds.add(found)
            if len(column.distinct) < DISTINCT:
                column.distinct.add(value.casefold())
            if column.first is None:
                column.first, column.example = record_at(index), value

    def judged(self) -> Iterator[NameColumn]:
        """The fields that hold names, in the order first seen."""
        for (kind, path), column in self._columns.items():
            if (
                column.first is not None
                and column.seen >= AT_LEAST
                and column.names >= SHARE * column.seen
                and len(column.distinct) >= DISTINCT
            ):
                kinds = tuple(sorted(column.kinds))
                yield NameColumn(
                    kind, path, column.first, column.names, column.seen, kinds, column.example
                )
