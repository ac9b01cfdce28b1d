"""What every check may know about a run, computed once and cached per field path or per
record shape (a record kind with its set of field paths), so the per-record cost of a check is a
few dictionary lookups."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

from conformance.detect.fieldnames import classify_path, persons_own
from conformance.model.profile import FieldClass, FieldRule, Profile, Purpose
from conformance.model.records import OUTSIDE, Record, RecordBatch

T = TypeVar("T")
ShapeKey = tuple[str, ...]
MAX_SHAPES = 10_000
MAX_PATHS = 1 << 16  # field paths whose class is remembered; then they are looked up afresh


class ShapeCache(Generic[T]):
    """A per-shape memo, bounded: exports with endlessly varying shapes are computed afresh."""

    def __init__(self, compute: Callable[[Record], T]) -> None:
        self._compute = compute
        self._values: dict[Hashable, T] = {}

    def get(self, key: ShapeKey, record: Record) -> T:
        try:
            return self._values[key]  # a cached None is a value too
        except KeyError:
            value = self._compute(record)
            # Values outside the records are gathered by path, a thousand to a record: their
            # shapes hardly repeat, and 10,000 of them held ~10 million fields' entries.
            if len(self._values) < MAX_SHAPES and key[0] != OUTSIDE:
                self._values[key] = value
            return value


class CheckContext:
    """What every check may know: the profile, the purpose, the environment, field classes."""

    def __init__(self, profile: Profile, purpose: Purpose, environment: str) -> None:
        self.profile = profile
        self.purpose = purpose
        self.environment = environment
        self._rules: dict[str, FieldRule | None] = {}
        self._allowed: dict[str, dict[str, bool]] = {}  # kind -> path -> allowed
        self._last_record: Record | None = None
        self._shared: dict[str, object] = {}
        self._last_key: ShapeKey = ()
        self._key_paths: ShapeCache[str | None] = ShapeCache(self._key_path)
        self._pseudonym_paths: ShapeCache[str | None] = ShapeCache(self._pseudonym_path)
        self._identity_paths: ShapeCache[str | None] = ShapeCache(self._identity_path)

    def shape(self, record: Record) -> ShapeKey:
        """The record's shape key, built once per record however many checks ask."""
        if record is not self._last_record:
            self._last_record = record
            self._last_key = (record.kind, *record.fields)
        return self._last_key

    def shared(self, key: str, make: Callable[[], T]) -> T:
        """One object per run for checks that collect the same data (LNK-003 and LNK-005)."""
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = make()
        return cast(T, found)

    def rule(self, path: str, kind: str | None = None) -> FieldRule | None:
        """The field's class: the profile's rule, else (if enabled) the name classifier's.
        Outside the records (``kind`` OUTSIDE) names are always classified: a profile's rules
        name fields of its records, and what lies around them (a parent's name beside UWLR's
        pupils) had no class at all."""
        if kind == OUTSIDE and not self.profile.classify_names:
            return self._classified(path, by_name=True)  # classify_path: cached
        try:
            return self._rules[path]
        except KeyError:
            rule = self._classified(path, by_name=self.profile.classify_names)
            if len(self._rules) >= MAX_PATHS:  # ever new paths (JSON keyed by pupil): start over
                self._rules.clear()
            self._rules[path] = rule
            return rule

    def _classified(self, path: str, *, by_name: bool) -> FieldRule | None:
        rule = self.profile.rule_for(path)
        if rule is None:
            return classify_path(path) if by_name else None
        if self._named_a_persons(path, rule):  # under a group's element: still a name
            return persons_own(path)
        return rule

    def _named_a_persons(self, path: str, rule: FieldRule | None) -> bool:
        """Whether a field the profile's rules cover only through an element above it (a
        ``groep`` that is operational) is named as a person's direct identifier: then the
        rule above does not make it the group's (``groep/achternaam``, ``groep/@bsn``)."""
        if rule is None or rule.cls is FieldClass.DIRECT or path in self.profile.fields:
            return False
        return persons_own(path) is not None

    def allowed(self, kind: str, path: str) -> bool:
        """Whether the purpose allows this field in this record kind (cached per shape)."""
        by_path = self._allowed.get(kind)
        if by_path is None:
            by_path = self._allowed[kind] = {}
        result = by_path.get(path)
        if result is None:
            if len(by_path) >= MAX_PATHS:
                by_path.clear()
            result = by_path[path] = self._compute_allowed(kind, path)
        return result

    def _compute_allowed(self, kind: str, path: str) -> bool:
        paths = self.purpose.allowed_paths(kind)
        prefix = path
        while True:
            if prefix in paths:
                # an allowed element allows what is under it, but for a person's identifier
                # that only the rule above it made the element's (groep/achternaam)
                return prefix == path or not self._named_a_persons(
                    path, self.profile.rule_for(path)
                )
            cut = prefix.rfind("/")
            if cut < 0:
                break
            prefix = prefix[:cut]
        rule = self.rule(path, kind)
        return rule is not None and rule.cls in self.purpose.allow_classes

    def pseudonym(self, record: Record) -> tuple[str, list[str]] | None:
        """The record's pseudonym field and values: the profile's field, or (when fields are
        classified by name) the first field whose name says it is the pseudonym."""
        spec = self.profile.pseudonym
        if spec is None:
            return None
        values = record.fields.get(spec.field)
        if values:
            return spec.field, values
        if self.profile.classify_names:
            for path, found in record.fields.items():
                rule = self.rule(path)
                if rule is not None and rule.cls is FieldClass.PSEUDONYM:
                    return path, found
        return None

    def pseudonym_path(self, batch: RecordBatch) -> str | None:
        """The batch's pseudonym field (what :meth:`pseudonym` finds in each of its records:
        it depends on the shape alone), or None."""
        return self._pseudonym_paths.get(batch.shape, batch.first)

    def identity_path(self, batch: RecordBatch) -> str | None:
        """The batch's identity-key field (where :meth:`identity` reads each of its records:
        it depends on the shape alone), or None."""
        return self._identity_paths.get(batch.shape, batch.first)

    def pseudonym_column(self, batch: RecordBatch) -> tuple[str, list[str]] | None:
        """The batch's pseudonym field and its one value per record, when every record has
        exactly one (the column a batch check reads); None otherwise, and then the check
        visits the records one by one."""
        path = self._pseudonym_paths.get(batch.shape, batch.first)
        if path is None:
            return None
        values = batch.single(path)
        return None if values is None else (path, values)

    def identity_column(self, batch: RecordBatch) -> tuple[str, list[str]] | None:
        """The batch's identity-key field and its first value per record (what
        :meth:`identity` gives for each record), or None when the shape has no such field (or
        a record holds no value in it: then the check visits the records one by one)."""
        path = self._identity_paths.get(batch.shape, batch.first)
        if path is None:
            return None
        values = batch.single(path)  # shared with the other checks that ask (cached)
        if values is None:
            columns = [record.fields[path] for record in batch.records]
            values = [found[0] for found in columns] if all(columns) else None
        return None if values is None else (path, values)

    def _pseudonym_path(self, record: Record) -> str | None:
        found = self.pseudonym(record)
        return None if found is None else found[0]

    def _identity_path(self, record: Record) -> str | None:
        spec = self.profile.pseudonym
        if spec is not None and spec.identity_key is not None:
            return spec.identity_key if record.fields.get(spec.identity_key) else None
        if self.profile.classify_names:
            return self._key_paths.get(self.shape(record), record)
        return None

    def identity(self, record: Record) -> str | None:
        """The sender's own key of the person in this record: the profile's identity_key or,
        when fields are classified by name, the first field classified as a key."""
        spec = self.profile.pseudonym
        if spec is not None and spec.identity_key is not None:
            values = record.fields.get(spec.identity_key)
            return values[0] if values else None
        if self.profile.classify_names:
            path = self._key_paths.get(self.shape(record), record)
            return record.fields[path][0] if path is not None else None
        return None

    def _key_path(self, record: Record) -> str | None:
        """The first field classified as a key, per shape (the loop ran for every record)."""
        for path in record.fields:
            rule = self.rule(path)
            if rule is not None and rule.cls is FieldClass.KEY:
                return path
        return None

    @property
    def purpose_rule(self) -> str:
        return f"purposes.{self.purpose.name}.allow"
