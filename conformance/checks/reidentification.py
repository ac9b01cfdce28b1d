"""LNK-003 and LNK-005: can pupils be singled out by their quasi-identifiers, and does a class
of look-alikes give away a sensitive attribute?

Every subject record's quasi-identifier values (case aside, a field's several values as a
set) become one 64-bit class key (BLAKE2b of the field/value pairs), kept with a
digest of the pupil's pseudonym (or the sender's key) in rows that spill to disk partitioned by
key (:mod:`conformance.checks.spill`); classes are counted once, at the end, by sorting each
partition. A class's size is its pupils: a pupil with six test results in an export is one
pupil, not six look-alikes (records without a pseudonym or key count one each). Memory stays
flat: a class never spans two partitions, so class sizes and distinct sensitive values per
class are summed partition by partition. Records that carry no quasi-identifier at all are not
counted. Each input is judged as an export of its own (its classes apart from another's), and a
pupil's sensitive values in a class are one set, whichever records carry them.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.spill import PartitionedRows, digest64, digests64
from conformance.checks.tally import record_location, safe_location
from conformance.detect.safepath import safe_path
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass, FieldRule
from conformance.model.records import Record, RecordBatch, RecordWindow
from conformance.model.requirements import CheckDoc
from conformance.model.verdict import Confidence, Severity

# Categories that single pupils out in combination. Year group and school narrow every other
# attribute down, so they join the combination, but on their own (a licence list per year
# group) they describe the school's organisation, not the pupil: a record is only counted when
# it has a personal quasi-identifier.
_PERSONAL_CATEGORIES = frozenset(
    {"birthdate", "gender", "postcode4", "place", "nationality", "country"}
)
_CONTEXT_CATEGORIES = frozenset({"yeargroup", "school"})
_NOT_AN_ATTRIBUTE = frozenset({"free-text", "other"})
_Roles = tuple[tuple[str, ...], tuple[str, ...]]  # a shape's quasi-identifiers, sensitive fields
_Pairs = tuple[tuple[str, str], ...]  # a record's quasi-identifiers and their values
_SAMPLE = 20_000  # records kept to estimate which quasi-identifier causes the uniqueness
_PENDING = 4096  # records gathered in plain arrays before they go to the partitioned stores
# class key, pupil (0: none), input (its index)
_CLASS_ROW = np.dtype([("key", np.uint64), ("pupil", np.uint64), ("input", np.uint32)])
# class key, pupil (0: none), value digest
_VALUE_ROW = np.dtype([("key", np.uint64), ("pupil", np.uint64), ("value", np.uint64)])
_UNSIGNED = (1 << 64) - 1


# A value as look-alikes compare it: 'M' and 'm' are one ('2014 ' and '2014' too: the readers
# strip values). str.casefold itself, so a column is mapped in C, not a Python call per value.
_comparable = str.casefold


def _class_key(pairs: Iterable[tuple[str, str]]) -> int:
    """A record's class: its quasi-identifiers' field/value pairs, compared case-folded."""
    return digest64(_comparable("\x1f".join(f"{p}\x1e{v}" for p, v in pairs)))


def _as_set(values: list[str]) -> str:
    """A field's values (one, or several: nationalities) as one comparable value."""
    if len(values) == 1:
        return _comparable(values[0])
    return "\x1d".join(sorted({_comparable(v) for v in values}))


def _pupil(value: str | None) -> int:
    """A pupil's digest from its pseudonym or key (0: not known; never a real digest)."""
    return 0 if not value else digest64(value.strip()) or 1


class _Values:
    """One sensitive field: (class key, pupil, value digest) for each value a record carries.

    A pupil's values in a class are a set (TLV and dyslexie in either order, in one record or
    in two, is one set); a record of no known pupil is its own pupil, its values one row (their
    set's digest). A pupil none of whose records in the class carries the field has the value
    "absent", its own value (as does a value whose digest is 0)."""

    def __init__(self, partitions: int) -> None:
        self.keys = array("Q")  # pending, not yet in the store
        self.pupils = array("Q")
        self.values = array("Q")
        self.several = False  # a known pupil's record carried several values
        self.inputs: set[int] = set()  # the inputs some record of which carries the field
        # As many partitions as the classes: the two are walked in step.
        self.rows = PartitionedRows(_VALUE_ROW, "key", partitions=partitions)

    def add_several(self, key: int, pupil: int, values: list[str]) -> None:
        """A record's several values of the field."""
        digests = list({digest64(_comparable(v)) for v in values})
        if pupil == 0:  # no other record to join: the set as one value
            digests = [_set_digest(digests)]
        self.several = self.several or len(digests) > 1
        for value in digests:
            self.keys.append(key)
            self.pupils.append(pupil)
            self.values.append(value)

    def flush(self) -> None:
        if self.keys:
            self.rows.extend(
                key=np.frombuffer(self.keys, dtype=np.uint64),
                pupil=np.frombuffer(self.pupils, dtype=np.uint64),
                value=np.frombuffer(self.values, dtype=np.uint64),
            )
            self.keys, self.pupils, self.values = array("Q"), array("Q"), array("Q")


def _salted(keys: array[int], salt: int) -> array[int]:
    """The class keys of an input after the first, XORed with its salt."""
    salted = array("Q")
    salted.frombytes((np.frombuffer(keys, dtype=np.uint64) ^ np.uint64(salt)).tobytes())
    return salted


def _set_digest(digests: list[int]) -> int:
    """Distinct values' digests as one, whatever their order (their sum, as the classes'
    walk adds a pupil's values up)."""
    return sum(digests) & _UNSIGNED


class _Collector:
    """Class keys per record, per-field keys for a sample, and sensitive values.

    Each input is an export of its own: whoever holds one file singles pupils out within it,
    so look-alikes in two files are two classes (each input's class keys are XORed with its
    own salt, the first input's 0). An input given again under the same name is left out:
    its pupils are already there."""

    def __init__(self) -> None:
        self.input = 0  # the input being read (its index), its salt, and the names given
        self.salt = 0
        self.names: list[str] = []
        self.skipping = False  # an input given before
        self.keys = array("Q")  # pending class keys, not yet in ``classes``
        self.pupils = array("Q")  # and the pupil of each
        self.classes = PartitionedRows(_CLASS_ROW, "key")
        self.pupils_known = False  # a pseudonym or key told some records' pupils apart
        self.sampled: set[tuple[int, int]] = set()  # the (input, pupil)s in the sample
        self.sample: list[tuple[int, _Pairs]] = []  # (input, pairs)
        self.sensitive: dict[str, _Values] = {}
        self.fields: set[str] = set()
        self.first: Location | None = None  # of the input being read
        self.firsts: dict[int, Location] = {}  # the first record of each input, where known
        self.last: Record | None = None
        self.last_window: RecordWindow | None = None

    def start(self, index: int, name: str) -> None:
        """Input ``index`` (counted from 0) begins: called by each check of the pair."""
        if index < len(self.names):
            return
        self.flush()
        self.input, self.first = index, None
        self.salt = digest64(f"input\x1f{index}") if index else 0
        self.skipping = name in self.names
        self.names.append(name)

    def add_window(self, window: RecordWindow, roles: list[_Roles], pupils: _Pupils) -> None:
        """The window's records in order (the sample and the first location are by order),
        each with its shape's roles (``roles`` per batch); ``pupils`` gives a record's or a
        batch's pseudonyms or keys."""
        if window is self.last_window or self.skipping:
            return  # the other check of the pair already added it
        self.last_window = window
        if len(self.sample) >= _SAMPLE and self._add_columns(window, roles, pupils):
            return
        per_record = window.spread(roles)
        for row, (quasi, sensitive) in enumerate(per_record):
            if quasi:
                record = window.record(row)
                self._add(record, quasi, sensitive, pupils.of(record))

    def _add_columns(self, window: RecordWindow, roles: list[_Roles], pupils: _Pupils) -> bool:
        """Once the sample is full (and the first location known), what ``_add`` does per
        record, per batch and column: the class keys and value digests in C, no record made.
        Their order does not matter (they are grouped by key). False, having added nothing,
        when a field does not hold one value a record (then record by record)."""
        plans = []
        for batch, (quasi, sensitive) in zip(window.batches, roles, strict=True):
            if quasi:
                columns = {path: batch.single(path) for path in (*quasi, *sensitive)}
                if any(column is None for column in columns.values()):
                    return False
                plans.append((quasi, sensitive, columns, pupils.column(batch)))
        for quasi, sensitive, columns, who in plans:
            labelled = [map(f"{path}\x1e".__add__, columns[path] or ()) for path in quasi]
            # one casefold per record, of the joined pairs (as _class_key does)
            keys = digests64(map(_comparable, map("\x1f".join, zip(*labelled, strict=True))))
            if self.salt:
                keys = _salted(keys, self.salt)
            self.keys.extend(keys)
            self.pupils.extend(who)
            self.pupils_known = self.pupils_known or any(who)
            self.fields.update(quasi)
            for path in sensitive:
                column = self.sensitive.get(path)
                if column is None:
                    column = self.sensitive[path] = _Values(self.classes.partition_count)
                column.inputs.add(self.input)
                column.keys.extend(keys)
                column.pupils.extend(who)
                column.values.extend(digests64(map(_comparable, columns[path] or ())))
        if len(self.keys) >= _PENDING:
            self.flush()
        return True

    def add(
        self, record: Record, quasi: tuple[str, ...], sensitive: tuple[str, ...], pupil: str | None
    ) -> None:
        if record is self.last or self.skipping:
            return  # the other check of the pair already added it
        self.last = record
        self._add(record, quasi, sensitive, pupil)

    def _add(
        self,
        record: Record,
        quasi: tuple[str, ...],
        sensitive: tuple[str, ...],
        pupil: str | None,
    ) -> None:
        pairs = tuple((path, _as_set(record.fields[path])) for path in quasi)
        key = _class_key(pairs) ^ self.salt
        who = _pupil(pupil)
        self.keys.append(key)
        self.pupils.append(who)
        self.pupils_known = self.pupils_known or who != 0
        self.fields.update(quasi)
        if len(self.sample) < _SAMPLE and (who == 0 or (self.input, who) not in self.sampled):
            self.sampled.add((self.input, who))
            self.sample.append((self.input, pairs))
        if self.first is None:
            self.first = self.firsts[self.input] = record_location(record)
        for path in sensitive:
            column = self.sensitive.get(path)
            if column is None:  # first seen now: earlier records lack it, the value 0
                column = self.sensitive[path] = _Values(self.classes.partition_count)
            column.inputs.add(self.input)
            values = record.fields[path]
            if len(values) == 1:  # (the common case, without a call)
                column.keys.append(key)
                column.pupils.append(who)
                column.values.append(digest64(_comparable(values[0])))
            else:
                column.add_several(key, who, values)
        if len(self.keys) >= _PENDING:
            self.flush()

    def flush(self) -> None:
        """Move the pending keys and values into their stores."""
        if self.keys:
            self.classes.extend(
                key=np.frombuffer(self.keys, dtype=np.uint64),
                pupil=np.frombuffer(self.pupils, dtype=np.uint64),
                input=np.full(len(self.keys), self.input, dtype=np.uint32),
            )
            self.keys, self.pupils = array("Q"), array("Q")
        for column in self.sensitive.values():
            column.flush()


class _ReidentificationCheck(Check):
    """Shared: which fields are quasi-identifiers and sensitive, and whether the check applies."""

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.roles = ShapeCache(self._roles)
        self.pupils = _Pupils(ctx)
        self.collected = ctx.shared("reidentification", _Collector)
        self.inputs = 0

    def start_input(self, name: str) -> None:
        self.collected.start(self.inputs, name)
        self.inputs += 1

    def not_applicable(self) -> str | None:
        purpose = self.ctx.purpose
        if FieldClass.DIRECT in purpose.allow_classes or any(
            (rule := self.ctx.rule(path)) is not None and rule.cls is FieldClass.DIRECT
            for paths in purpose.allow.values()
            for path in paths
        ):
            return (
                f"purpose '{purpose.name}' allows direct identifiers: the records are "
                "identified by design, so anonymity is not what protects them"
            )
        return None

    def _roles(self, record: Record) -> tuple[tuple[str, ...], tuple[str, ...]]:
        listed = self.ctx.profile.reidentification
        quasi, context, sensitive = [], [], []
        for path in record.fields:
            rule = self.ctx.rule(path)
            if listed.quasi_identifiers and _listed(path, listed.quasi_identifiers):
                quasi.append(path)
            elif rule is not None and rule.category in _CONTEXT_CATEGORIES:
                context.append(path)
            elif (
                not listed.quasi_identifiers
                and rule is not None
                and (rule.cls is FieldClass.QUASI or rule.category in _PERSONAL_CATEGORIES)
            ):
                quasi.append(path)
            elif _is_sensitive(path, rule, listed.sensitive):
                sensitive.append(path)
        if not quasi:
            return (), ()
        return tuple(sorted(quasi + context)), tuple(sorted(sensitive))

    def visit(self, record: Record) -> None:
        if not self.ctx.profile.is_subject(record.kind):
            return
        quasi, sensitive = self.roles.get(self.ctx.shape(record), record)
        if quasi:
            self.examined += self.counts(sensitive)
            self.collected.add(record, quasi, sensitive, self.pupils.of(record))

    def visit_window(self, window: RecordWindow) -> None:
        if not self.ctx.profile.is_subject(window.kind):
            return
        roles = [self.roles.get(batch.shape, batch.first) for batch in window.batches]
        for batch, (quasi, sensitive) in zip(window.batches, roles, strict=True):
            if quasi:
                self.examined += len(batch) * self.counts(sensitive)
        if any(quasi for quasi, _ in roles):
            self.collected.add_window(window, roles, self.pupils)

    def counts(self, sensitive: tuple[str, ...]) -> bool:  # noqa: ARG002  (LNK-005 uses it)
        """Whether a record with quasi-identifiers (and these sensitive fields) is examined."""
        return True

    def classes(self) -> Iterator[_Classes]:
        """Per partition of the key range, in order: its class keys (sorted), records and
        pupils per class. A class never spans two partitions."""
        self.collected.flush()
        return map(_classes, self.collected.classes.partitions())

    def where(self, inputs: Iterable[int] = (0,)) -> Location:
        """The first record of the first of these inputs (its name where its records were
        counted by column)."""
        index = min(inputs, default=0)
        first = self.collected.firsts.get(index)
        if first is not None:
            return safe_location(first)
        names = self.collected.names
        return Location(names[index] if index < len(names) else "(inputs)")


class _Pupils:
    """Who a record is: its pseudonym, else the sender's key for the pupil, else unknown."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx

    def of(self, record: Record) -> str | None:
        found = self.ctx.pseudonym(record)
        return found[1][0] if found else self.ctx.identity(record)

    def column(self, batch: RecordBatch) -> array[int]:
        """The batch's pupils as :func:`_pupil` digests, a column at a time where one field
        holds them (the records made one by one only where it does not)."""
        ctx = self.ctx
        found = ctx.pseudonym_column(batch)
        if found is None and ctx.pseudonym_path(batch) is None:
            found = ctx.identity_column(batch)
        if found is None:
            return array("Q", map(_pupil, map(self.of, batch.records)))
        return digests64(map(str.strip, found[1]))


class _Classes(NamedTuple):
    keys: np.ndarray[Any, Any]  # sorted
    records: np.ndarray[Any, Any]  # per class
    pupils: np.ndarray[Any, Any]  # per class: distinct known pupils, and each unknown record
    inputs: np.ndarray[Any, Any]  # per class: its input (a class is of one input: its salt)


def _classes(rows: np.ndarray[Any, Any]) -> _Classes:
    """One partition's classes: sorted by class, then pupil, in one pass (np.unique of the
    (class, pupil) pairs sorts structured rows, several times slower)."""
    order = np.lexsort((rows["pupil"], rows["key"]))
    keys, pupils = rows["key"][order], rows["pupil"][order]
    new_class = np.ones(len(keys), dtype=bool)
    new_class[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new_class)
    new_pupil = new_class.copy()
    new_pupil[1:] |= pupils[1:] != pupils[:-1]
    # each known pupil once per class, each record of an unknown one (pupil 0) on its own
    counted = new_pupil | (pupils == 0)
    index = np.cumsum(new_class) - 1
    distinct = np.bincount(index[counted], minlength=len(starts))
    records = np.diff(np.append(starts, len(keys)))
    return _Classes(keys[starts], records, distinct, rows["input"][order][starts])


def _is_sensitive(path: str, rule: FieldRule | None, listed: tuple[str, ...]) -> bool:
    if listed:
        return _listed(path, listed)
    return (
        rule is not None
        and rule.cls is FieldClass.SENSITIVE
        and rule.category not in _NOT_AN_ATTRIBUTE
    )


def _listed(path: str, listed: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in listed)


@register
class SmallEquivalenceClass(_ReidentificationCheck):
    requirement = "LNK-003"
    doc = CheckDoc(
        what="Over the quasi-identifiers (birth date, gender, postcode, place, nationality, "
        "year group, school …; the profile's list where it has one), every group of records "
        "that look alike has at least k members (k-anonymity, default 5), and no more than "
        "the allowed share of records (default 5 %) is unique. Each input is judged as an "
        "export of its own, since whoever holds one file singles pupils out within it; one "
        "export delivered in parts is checked as one file.",
        why="A pupil who is the only one born on that day in that postcode is identified by "
        "the combination, pseudonym or not (AVG; ROSA 'Voorkom ongewenste traceerbaarheid').",
        failing="geboortedatum 2013-04-07, geslacht 2, postcode4 3511: 1 record",
        passing="geboortejaar 2013, jaargroep 5: 27 records",
        fix="Coarsen the quasi-identifiers (year or month of birth, four-digit postcode, age "
        "band) or leave them out until every combination has k records.",
    )
    nothing_examined = "no record carries a quasi-identifier"

    def finish(self) -> Iterable[Finding]:
        if not self.examined:
            return []
        threshold = self.ctx.profile.reidentification
        sizes: Counter[int] = Counter()
        small: set[int] = set()  # the inputs with a class under k (or a unique pupil)
        for found in self.classes():
            found_sizes, classes = np.unique(found.pupils, return_counts=True)
            sizes.update(dict(zip(found_sizes.tolist(), classes.tolist(), strict=True)))
            under = (found.pupils < threshold.k) | (found.pupils == 1)
            small.update(np.unique(found.inputs[under]).tolist())
        total = sum(size * classes for size, classes in sizes.items())
        unique = sizes[1]
        smallest = min(sizes)
        if smallest >= threshold.k and unique / total <= threshold.max_unique_share:
            return []
        fields = ", ".join(sorted(map(safe_path, self.collected.fields)))
        unit = "pupils" if self.collected.pupils_known else "records"
        message = (
            f"k-anonymity over ({fields}) is {smallest}, expected at least {threshold.k}; "
            f"{unique:,} of {total:,} {unit} ({unique / total:.1%}) are unique "
            f"(allowed {threshold.max_unique_share:.0%}). {unit.capitalize()} per class size: "
            f"{_distribution(sizes)}.{_driver(self.collected.sample)}"
        )
        return [
            Finding(
                requirement=self.requirement,
                message=message,
                location=self.where(small),
                severity=Severity.HIGH,
                confidence=Confidence.HIGH,
                rule="reidentification.k",
                occurrences=_records(sizes, 1, threshold.k - 1),
            )
        ]


def _records(sizes: Counter[int], low: int, high: int | None) -> int:
    """Records in classes of ``low`` to ``high`` (None: no limit) records."""
    return sum(
        size * classes
        for size, classes in sizes.items()
        if size >= low and (high is None or size <= high)
    )


def _distribution(sizes: Counter[int]) -> str:
    bands = ((1, 1, "1"), (2, 4, "2–4"), (5, 9, "5–9"), (10, None, "10 or more"))
    return ", ".join(f"{label}: {_records(sizes, low, high):,}" for low, high, label in bands)


def _driver(sample: list[tuple[int, _Pairs]]) -> str:
    """Which quasi-identifier, left out, removes the most uniqueness (on a sample; look-alikes
    in two inputs are not alike)."""
    fields = sorted({p for _, pairs in sample for p, _ in pairs})
    if len(fields) < 2:
        return ""
    best: tuple[float, str] | None = None
    for left_out in fields:
        keys = [(i, *(pv for pv in pairs if pv[0] != left_out)) for i, pairs in sample]
        _, counts = np.unique(np.array([hash(k) for k in keys]), return_counts=True)
        share = float((counts == 1).sum()) / len(sample)
        if best is None or share < best[0]:
            best = (share, left_out)
    assert best is not None
    return f" Leaving out '{safe_path(best[1])}' would leave {best[0]:.1%} unique."


@register
class SensitiveAttributeDisclosure(_ReidentificationCheck):
    requirement = "LNK-005"
    doc = CheckDoc(
        what="Within every group of records that look alike on their quasi-identifiers (two "
        "records or more), each sensitive attribute — support needs, care, weight, ethnicity, "
        "diagnosis; the profile's list where it has one — takes at least ℓ different values "
        "(ℓ-diversity, default 2).",
        why="If all pupils of 2013 in postcode 3511 have the same support arrangement, knowing "
        "a pupil's birth year and postcode discloses it, however large the group (AVG art. 9).",
        failing="5 records geboortejaar 2013, postcode4 3511, all with ondersteuning 'TLV'",
        passing="the same 5 records with 'TLV', 'geen', 'geen', 'OPP', 'geen'",
        fix="Leave the sensitive attribute out, or coarsen the quasi-identifiers until every "
        "group mixes different values.",
    )
    nothing_examined = "no record carries both a quasi-identifier and a sensitive attribute"

    def counts(self, sensitive: tuple[str, ...]) -> bool:
        return bool(sensitive)

    def finish(self) -> Iterable[Finding]:
        if not self.examined:
            return []
        ell = self.ctx.profile.reidentification.l
        classes = self.classes()  # flushes the pending values too
        paths = sorted(self.collected.sensitive)
        weak = {path: _Weak() for path in paths}
        carried = [self.collected.sensitive[path].rows.partitions() for path in paths]
        # One walk over the partitions, every field's partition beside the classes' one.
        for found_classes, *columns in zip(classes, *carried, strict=True):
            for path, rows in zip(paths, columns, strict=True):
                values = self.collected.sensitive[path]
                low = _low_diversity(found_classes, rows, ell, values.several)
                # an input none of whose records carries the field discloses nothing of it:
                # its look-alikes are not all "absent" (a file of the pupils without their
                # support needs, beside the file with them)
                low &= np.isin(found_classes.inputs, list(values.inputs))
                weak[path].add(found_classes, low)
        findings = []
        for path, found in weak.items():
            weak_classes, weak_records = found.classes, found.records
            if weak_classes:
                findings.append(
                    Finding(
                        requirement=self.requirement,
                        message=f"{weak_classes:,} group{'s' if weak_classes > 1 else ''} of "
                        f"look-alike records ({weak_records:,} records) with fewer than {ell} "
                        f"different values of '{safe_path(path)}': everyone in such a group "
                        "shares it",
                        location=self.where(found.inputs),
                        rule="reidentification.l",
                        field=safe_path(path),
                        occurrences=weak_records,
                    )
                )
        return findings


class _Weak:
    """A sensitive field's classes with too few values: how many, their records, and the
    inputs they are in."""

    def __init__(self) -> None:
        self.classes = self.records = 0
        self.inputs: set[int] = set()

    def add(self, found: _Classes, weak: np.ndarray[Any, Any]) -> None:
        self.classes += int(weak.sum())
        self.records += int(found.records[weak].sum())
        self.inputs.update(np.unique(found.inputs[weak]).tolist())


def _low_diversity(
    found: _Classes, rows: np.ndarray[Any, Any], ell: int, several: bool
) -> np.ndarray[Any, Any]:
    """Which classes have two or more pupils and fewer than ℓ distinct values.

    ``found`` is one partition's classes, ``rows`` the (class key, pupil, value) rows of the
    same partition's records that carry the field. A pupil's value is the set of its values in
    the class; a class has one more distinct value, "absent", where a pupil (or a record of no
    known pupil) in it carries none (``several``: a record gave a pupil several rows)."""
    keys = found.keys
    present = rows[rows["value"] != 0]
    if not several and np.array_equal(found.records, found.pupils):
        return _one_value_each(found, present, ell)
    order = np.lexsort((present["value"], present["pupil"], present["key"]))
    classes, pupils, values = (present[f][order] for f in ("key", "pupil", "value"))
    # each value of a known pupil once; a row of no known pupil is a record's set, kept
    kept = _starts(classes, pupils, values) | (pupils == 0)
    classes, pupils, values = classes[kept], pupils[kept], values[kept]
    holders = np.flatnonzero(_starts(classes, pupils) | (pupils == 0))
    sets = np.add.reduceat(values, holders) if len(holders) else values  # sums wrap: uint64
    classes = classes[holders]
    order = np.lexsort((sets, classes))
    classes, sets = classes[order], sets[order]
    index = np.searchsorted(keys, classes)
    distinct = np.bincount(index[_starts(classes, sets)], minlength=len(keys))
    distinct += np.bincount(index, minlength=len(keys)) < found.pupils
    return (found.pupils >= 2) & (distinct < ell)


def _one_value_each(
    found: _Classes, present: np.ndarray[Any, Any], ell: int
) -> np.ndarray[Any, Any]:
    """:func:`_low_diversity` where every row is a pupil's one value (no pupil has two records
    in a class, no record two values): the common case, one sort fewer."""
    order = np.lexsort((present["value"], present["key"]))
    classes, values = present["key"][order], present["value"][order]
    index = np.searchsorted(found.keys, classes)
    distinct = np.bincount(index[_starts(classes, values)], minlength=len(found.keys))
    distinct += np.bincount(index, minlength=len(found.keys)) < found.pupils
    return (found.pupils >= 2) & (distinct < ell)


def _starts(*columns: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Where a run of equal rows (over the sorted columns) starts."""
    new = np.zeros(len(columns[0]), dtype=bool)
    new[:1] = True
    for column in columns:
        new[1:] |= column[1:] != column[:-1]
    return new
