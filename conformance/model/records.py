"""The normalised record every reader produces and every export check reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import TypeVar

WINDOW_SIZE = 1024  # records per window: long enough to amortise, short enough to stay small
# ... and at most this much input: a value (a line) may be 16 MiB, and 1,024 of those would be
# 16 GiB held at once. The checks copy a window's values a few times over (joined, lower case,
# skeletons), so a window of long values stops at one or two of them.
WINDOW_BYTES = 8 << 20
# The fields of an XML record's comments and processing instructions: what they say is examined
# for personal data, but they are notes, not fields a purpose allows or forbids.
NOTE_FIELDS = ("comment()", "processing-instruction()")


# XML's own attributes: a schema's instance type and nil, a language, white-space handling.
# They are markup, named with their prefix (``@xsi:type``) so that no data attribute of the
# same local name (``@type``) shares their field.
MARKUP_PREFIXES = {
    "http://www.w3.org/2001/XMLSchema-instance": "xsi:",
    "http://www.w3.org/XML/1998/namespace": "xml:",
}
_MARKUP_STEPS = tuple(f"@{prefix}" for prefix in MARKUP_PREFIXES.values())


def is_note(path: str) -> bool:
    """Whether the field path is a comment's or processing instruction's text, or one of XML's
    own attributes (``xsi:type``, ``xml:lang``): what they say is examined for personal
    data, but no purpose allows or forbids them (an XSD admits them on every element)."""
    return path.endswith(NOTE_FIELDS) or path.rpartition("/")[2].startswith(_MARKUP_STEPS)


# The kind of the records that carry what an export holds outside its records — a JSON
# document's other members, an array's strings and numbers — by path, so that no value passes
# unexamined for not being in a record. No record kind is empty (an empty JSON key names the
# kind "record"; a profile's kinds are names), so none can pass for it. These values describe
# no one record: NAW-001 and NAW-002 read them, the pseudonym and linkage checks do not, and
# MIN-001 holds only the fields its names classify against the purpose.
OUTSIDE = ""


class OutsideValues:
    """Values outside the records, by path, gathered into records of kind :data:`OUTSIDE` of
    about :data:`WINDOW_SIZE` values or :data:`WINDOW_BYTES` each: however many a document
    has, only so many are held (the JSON and XML readers fill it, and take a record whenever
    it is :meth:`full`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._fields: dict[str, list[str]] = {}
        self._values = 0
        self._bytes = 0

    def add(self, path: str, text: str) -> None:
        self._fields.setdefault(path, []).append(text)
        self._values += 1
        self._bytes += len(text)

    def extend(self, fields: dict[str, list[str]]) -> None:
        for path, values in fields.items():
            self._fields.setdefault(path, []).extend(values)
            self._values += len(values)
            self._bytes += sum(map(len, values))

    def full(self) -> bool:
        return self._values >= WINDOW_SIZE or self._bytes >= WINDOW_BYTES

    def held(self) -> bool:
        return bool(self._fields)

    def take(self) -> Record:
        """The values gathered, as one record; none held after."""
        record = Record(OUTSIDE, self._fields, self.name, None, "")
        self._fields, self._values, self._bytes = {}, 0, 0
        return record


def kind_words(kind: str, count: int, preposition: str = "in") -> str:
    """Where a message places a field, and how often: "in leerling records (in 3 records)",
    or "outside the records" (counted there in records of a thousand values, not in anything
    a reader could find)."""
    if kind == OUTSIDE:
        return "outside the records"
    often = "once" if count == 1 else f"in {count:,} records"
    if kind == "record":  # records found without a kind of their own (CSV, JSON Lines)
        return f"{preposition} the records ({often})"
    return f"{preposition} {kind} records ({often})"


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

    ``rows`` are the batch's records' positions in the window, in order; the records
    themselves are the window's (:attr:`records`, :attr:`first`), which a tabular reader
    builds only when a check asks for one.
    """

    __slots__ = (
        "_fields",
        "_joined",
        "_made",
        "_memo",
        "_singles",
        "kind",
        "paths",
        "rows",
        "shape",
    )

    def __init__(
        self,
        made: _Made,
        kind: str,
        paths: tuple[str, ...],
        rows: list[int],
        columns: dict[str, list[str]] | None = None,
    ) -> None:
        # the window's records, not the window: a window holding its batches and each batch
        # its window would be a cycle, left for the cyclic collector with its columns
        self._made = made
        self.kind = kind
        self.paths = paths
        self.rows = rows
        self.shape = (self.kind, *paths)  # the key the per-shape caches use
        self._singles: dict[str, list[str] | None] = dict(columns or {})
        self._joined: dict[str, str] = {}
        self._memo: dict[tuple[str, str], bool] = {}
        self._fields: list[dict[str, list[str]]] | None = None  # each record's, once asked

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def first(self) -> Record:
        """The batch's first record (what a per-shape decision is made on and located at)."""
        return self._made.record(self.rows[0])

    @property
    def records(self) -> list[Record]:
        record = self._made.record
        return [record(row) for row in self.rows]

    def record(self, index: int) -> Record:
        """The batch's ``index``-th record."""
        return self._made.record(self.rows[index])

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
            fields = self._fields
            if fields is None:  # the records' fields once for every path asked (XML: all)
                fields = self._fields = list(map(attrgetter("fields"), self.records))
            # map/itemgetter: the transposition from rows to a column runs in C
            columns = list(map(itemgetter(path), fields))
            # none empty and as many values as records: exactly one each
            exactly_one = all(columns) and sum(map(len, columns)) == len(columns)
            single = list(map(itemgetter(0), columns)) if exactly_one else None
            self._singles[path] = single
            return single


T = TypeVar("T")


class RecordWindow:
    """Consecutive records of one kind (at most :data:`WINDOW_SIZE`), in order, and the same
    records grouped by shape: one :class:`RecordBatch` per shape, in the order the shapes first
    appear.

    Exports whose records alternate between shapes (UWLR pupils with and without a
    voorvoegsel) still give each shape long batches. A check whose findings depend only on the
    shape handles the batches in this order, which keeps every finding's first location: a
    shape that appears first has the first record of everything it causes. A check whose
    findings depend on the values brings them back into record order (:meth:`ordered`).

    A window of tabular rows (:meth:`from_columns`) is built column by column and makes a
    :class:`Record` only for a row a check asks about: most windows of a CSV or JSON Lines
    export never need one.
    """

    __slots__ = ("_made", "batches", "input_bytes", "kind", "lines")

    def __init__(self, kind: str, records: list[Record]) -> None:
        self.kind = kind
        self.input_bytes = 0  # how much input the window was read from, where a reader says
        self._made = _Made(list(records), None)
        self.lines: list[int | None] = [record.line for record in records]
        groups: dict[tuple[str, ...], list[int]] = {}
        for row, record in enumerate(records):
            groups.setdefault(tuple(record.fields), []).append(row)
        made, kind = self._made, self.kind
        self.batches = [RecordBatch(made, kind, paths, rows) for paths, rows in groups.items()]

    @classmethod
    def from_columns(
        cls,
        kind: str,
        source: str,
        paths: Sequence[str],
        columns: Sequence[Sequence[str]],
        *,
        lines: Sequence[int | None],
        pointer: Callable[[int], str],
        items: tuple[str, int] | None = None,
    ) -> RecordWindow:
        """A window of tabular rows: ``columns[i][row]`` is the value of ``paths[i]`` in a row,
        stripped, ``""`` where the row has none (the field is then absent from its record, as
        readers leave blank values out). ``lines`` are the rows' lines, ``pointer`` gives a
        row's path from its position in the window; ``items``, where the rows are items of a
        JSON array, its pointer and the index of the first. The records, shapes and columns
        are those the same rows read one record at a time would give."""
        window = cls.__new__(cls)
        window.kind = kind
        window.input_bytes = 0
        window.lines = list(lines)
        rows = _Rows(kind, source, paths, columns, lines, pointer, items)
        window._made = _Made([None] * len(lines), rows)
        window.batches = _batches_of_columns(window._made, kind, paths, columns)
        return window

    def __len__(self) -> int:
        return len(self._made.built)

    def record(self, row: int) -> Record:
        """The window's ``row``-th record (made on first use in a tabular window)."""
        return self._made.record(row)

    @property
    def records(self) -> list[Record]:
        return self._made.all()

    def places(self) -> list[tuple[str, int] | None]:
        """Per record, where it is an item of a JSON array, that array's pointer and its index
        in it (a place a finding can name without the record being made); None for others."""
        rows = self._made.rows
        if rows is None:
            return [array_place(record.path) for record in self._made.all()]
        if rows.items is None:
            return [None] * len(self)
        base, first = rows.items
        return [(base, first + row) for row in range(len(self))]

    def pointed(self) -> bool:
        """Whether a record of the window may have a place in a JSON array (:meth:`places`):
        none of a column window of rows, nor of XML records. A window's records come from one
        reader, so the first one's XPath (ending in "]") stands for all: no work per record."""
        rows = self._made.rows
        if rows is not None:
            return rows.items is not None
        records = self._made.all()
        if not records or records[0].path.endswith("]"):
            return False  # XML: XPaths throughout
        return any(is_json_pointer(r.path) for r in records)

    def item_run(self) -> tuple[str, int] | None:
        """Where the window's records are consecutive items of one JSON array (a column
        window of one): the array's pointer and the first one's index; else None."""
        rows = self._made.rows
        return None if rows is None else rows.items

    def ordered(self, per_batch: Sequence[Sequence[T]]) -> list[T]:
        """Items given per batch (one per record of the batch, in the batches' order), put in
        the order of the window's records."""
        if len(self.batches) == 1:
            return list(per_batch[0])
        placed: list[T | None] = [None] * len(self)
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


class _Made:
    """A window's records: given, or made from its rows on first use (then kept)."""

    __slots__ = ("built", "rows")

    def __init__(self, built: list[Record | None], rows: _Rows | None) -> None:
        self.built = built
        self.rows = rows

    def record(self, row: int) -> Record:
        found = self.built[row]
        if found is None:
            assert self.rows is not None  # only tabular windows leave records unmade
            found = self.built[row] = self.rows.record(row)
        return found

    def all(self) -> list[Record]:
        if self.rows is None:
            return self.built  # type: ignore[return-value]  # every record given
        return [self.record(row) for row in range(len(self.built))]


_INDEX_DIGITS = 8  # an index's digits at most (detect.safepath.INDEX_DIGITS: model imports none)
WHOLE = -1  # a place's "index" where its pointer is the whole of it (a member filed by key)


def is_json_pointer(path: str) -> bool:
    """Whether a record's path is a JSON pointer (``/groepen/0/leerlingen/7``): not an XPath,
    whose steps end in ``]``, a CSV's ``row 5`` or the empty path of a line."""
    return path.startswith("/") and not path.endswith("]")


def array_place(path: str) -> tuple[str, int] | None:
    """A JSON pointer's array and index (``/groepen/0/leerlingen/7``: ``/groepen/0/leerlingen``
    and 7), where its last step is an index; the pointer itself and :data:`WHOLE` where it is
    a key (``/leerlingen/L1``: a pupil filed by their key); None for a path that is no JSON
    pointer (an XPath's steps end in ``]``; ``row 5``; the empty path of a line)."""
    if not is_json_pointer(path):
        return None
    base, _, last = path.rpartition("/")
    if not last.isdecimal() or not last.isascii() or len(last) > _INDEX_DIGITS:
        return path, WHOLE  # (nine digits and more: a key, a BSN maybe, not an index)
    return base, int(last)


@dataclass(frozen=True, slots=True)
class _Rows:
    """What a tabular window makes a row's record of, when a check asks for it."""

    kind: str
    source: str
    paths: Sequence[str]
    columns: Sequence[Sequence[str]]
    lines: Sequence[int | None]
    pointer: Callable[[int], str]
    items: tuple[str, int] | None  # a JSON array's pointer, the index of the first row

    def record(self, row: int) -> Record:
        cells = zip(self.paths, (column[row] for column in self.columns), strict=True)
        fields = {path: [value] for path, value in cells if value}
        return Record(self.kind, fields, self.source, self.lines[row], self.pointer(row))


def _batches_of_columns(
    made: _Made, kind: str, paths: Sequence[str], columns: Sequence[Sequence[str]]
) -> list[RecordBatch]:
    """One batch per pattern of blank cells, in the order the patterns first appear; a row's
    shape is its non-blank columns, in order. Without blanks (the common case) one batch, and
    no work per row."""
    gappy = [index for index, column in enumerate(columns) if not all(column)]
    if not gappy:
        full = {path: list(column) for path, column in zip(paths, columns, strict=True)}
        return [RecordBatch(made, kind, tuple(paths), list(range(len(made.built))), full)]
    groups: dict[tuple[bool, ...], list[int]] = {}
    present = zip(*(map(bool, columns[index]) for index in gappy), strict=True)
    for row, pattern in enumerate(present):
        groups.setdefault(pattern, []).append(row)
    batches = []
    for pattern, rows in groups.items():
        blank = {index for index, there in zip(gappy, pattern, strict=True) if not there}
        kept = [index for index in range(len(paths)) if index not in blank]
        pick = itemgetter(*rows) if len(rows) > 1 else lambda column, r=rows[0]: (column[r],)
        shape = tuple(paths[index] for index in kept)
        own = {paths[index]: list(pick(columns[index])) for index in kept}
        batches.append(RecordBatch(made, kind, shape, rows, own))
    return batches


class WindowBound:
    """When a window is full: ``size`` records, or :data:`WINDOW_BYTES` of input read since it
    began (``consumed`` tells how many bytes of input have been read so far)."""

    __slots__ = ("_consumed", "_start", "size")

    def __init__(self, size: int = WINDOW_SIZE, consumed: Callable[[], int] | None = None) -> None:
        self.size = size
        self._consumed = consumed
        self._start = consumed() if consumed is not None else 0

    def full(self, count: int) -> bool:
        if count >= self.size:
            return True
        return self._consumed is not None and self._consumed() - self._start >= WINDOW_BYTES

    def restart(self) -> None:
        if self._consumed is not None:
            self._start = self._consumed()

    def taken(self) -> int:
        """The input read since the window began (0 when the bound does not count bytes)."""
        return self._consumed() - self._start if self._consumed is not None else 0


def runs(
    items: Iterable[T],
    bound: WindowBound,
    before_error: Callable[[list[T]], object] | None = None,
) -> Iterator[list[T]]:
    """The items in consecutive runs, each cut where ``bound`` says a window is full: how every
    reader gathers its windows. If reading the items fails, ``before_error`` first gets the
    run gathered so far (a reader makes its records, whose own problems come earlier in the
    file and are reported first, as when each item became a record as it was read)."""
    run: list[T] = []
    try:
        for item in items:
            run.append(item)
            if bound.full(len(run)):
                yield run
                run = []
                bound.restart()
    except Exception:
        if run and before_error is not None:
            before_error(run)
        raise
    if run:
        yield run


def windows(
    records: Iterable[Record], size: int = WINDOW_SIZE, consumed: Callable[[], int] | None = None
) -> Iterator[RecordWindow]:
    """Consecutive records of one kind, at most ``size`` at a time (and at most
    :data:`WINDOW_BYTES` of input), grouped by shape inside: each check decides per shape once
    and searches a field's values as one column."""
    bound = WindowBound(size, consumed)
    for kind, same_kind in groupby(records, key=attrgetter("kind")):
        # A record of values outside the records holds a window's worth (1,024 values) on its
        # own: 8 MiB of short ones, a window's bound, made half a million fields at once.
        for run in runs(same_kind, bound) if kind != OUTSIDE else ([r] for r in same_kind):
            window = RecordWindow(kind, run)
            window.input_bytes = bound.taken()
            yield window
