"""LNK-003 and LNK-005: can pupils be singled out by their quasi-identifiers, and does a class
of look-alikes give away a sensitive attribute?

Every subject record's quasi-identifier values become one 64-bit class key (BLAKE2b of the
field/value pairs), kept in a compact array; classes are counted once, at the end, by sorting.
Memory is 8 bytes a record (plus 8 per sensitive field for LNK-005), the cost one sort.
Records that carry no quasi-identifier at all are not counted.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from hashlib import blake2b

import numpy as np

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.detect.safepath import safe_path
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass, FieldRule
from conformance.model.records import Record
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
_SAMPLE = 20_000  # records kept to estimate which quasi-identifier causes the uniqueness


def _digest(parts: Iterable[str]) -> int:
    return int.from_bytes(blake2b("\x1f".join(parts).encode(), digest_size=8).digest(), "little")


class _Collector:
    """Class keys per record, per-field keys for a sample, and sensitive values."""

    def __init__(self) -> None:
        self.keys = array("Q")
        self.sample: list[tuple[tuple[str, str], ...]] = []
        self.sensitive: dict[str, array[int]] = {}
        self.fields: set[str] = set()
        self.first: Location | None = None
        self.last: Record | None = None

    def add(self, record: Record, quasi: tuple[str, ...], sensitive: tuple[str, ...]) -> None:
        if record is self.last:
            return  # the other check of the pair already added it
        self.last = record
        pairs = tuple((path, record.fields[path][0]) for path in quasi)
        self.keys.append(_digest(f"{p}\x1e{v}" for p, v in pairs))
        self.fields.update(quasi)
        if len(self.sample) < _SAMPLE:
            self.sample.append(pairs)
        if self.first is None:
            self.first = Location(record.input, record.line, record.path)
        for path in sensitive:
            column = self.sensitive.setdefault(path, array("Q", bytes(8 * (len(self.keys) - 1))))
            column.append(_digest([record.fields[path][0]]))
        for path, column in self.sensitive.items():
            if path not in sensitive:
                column.append(0)  # absent: its own "value"


class _ReidentificationCheck(Check):
    """Shared: which fields are quasi-identifiers and sensitive, and whether the check applies."""

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.roles = ShapeCache(self._roles)
        self.collected = ctx.shared("reidentification", _Collector)

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
            self.collected.add(record, quasi, sensitive)

    def counts(self, sensitive: tuple[str, ...]) -> bool:  # noqa: ARG002  (LNK-005 uses it)
        """Whether a record with quasi-identifiers (and these sensitive fields) is examined."""
        return True

    def classes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unique class keys, each record's class index, and each class's size."""
        keys = np.frombuffer(self.collected.keys, dtype=np.uint64)
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        return unique, inverse, counts

    def where(self) -> Location:
        return self.collected.first or Location("(inputs)")


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
        "the allowed share of records (default 5 %) is unique.",
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
        _, inverse, counts = self.classes()
        sizes = counts[inverse]
        total = len(sizes)
        unique = int((sizes == 1).sum())
        threshold = self.ctx.profile.reidentification
        smallest = int(counts.min())
        if smallest >= threshold.k and unique / total <= threshold.max_unique_share:
            return []
        fields = ", ".join(sorted(self.collected.fields))
        message = (
            f"k-anonymity over ({fields}) is {smallest}, expected at least {threshold.k}; "
            f"{unique:,} of {total:,} records ({unique / total:.1%}) are unique "
            f"(allowed {threshold.max_unique_share:.0%}). Records per class size: "
            f"{_distribution(sizes)}.{_driver(self.collected.sample)}"
        )
        return [
            Finding(
                requirement=self.requirement,
                message=message,
                location=self.where(),
                severity=Severity.HIGH,
                confidence=Confidence.HIGH,
                rule="reidentification.k",
                occurrences=int((sizes < threshold.k).sum()),
            )
        ]


def _distribution(sizes: np.ndarray) -> str:
    bands = ((1, 1, "1"), (2, 4, "2–4"), (5, 9, "5–9"), (10, None, "10 or more"))
    parts = []
    for low, high, label in bands:
        inside = (sizes >= low) if high is None else ((sizes >= low) & (sizes <= high))
        parts.append(f"{label}: {int(inside.sum()):,}")
    return ", ".join(parts)


def _driver(sample: list[tuple[tuple[str, str], ...]]) -> str:
    """Which quasi-identifier, left out, removes the most uniqueness (on a sample)."""
    fields = sorted({p for pairs in sample for p, _ in pairs})
    if len(fields) < 2:
        return ""
    best: tuple[float, str] | None = None
    for left_out in fields:
        keys = [tuple(pv for pv in pairs if pv[0] != left_out) for pairs in sample]
        _, counts = np.unique(np.array([hash(k) for k in keys]), return_counts=True)
        share = float((counts == 1).sum()) / len(sample)
        if best is None or share < best[0]:
            best = (share, left_out)
    assert best is not None
    return f" Leaving out '{best[1]}' would leave {best[0]:.1%} unique."


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
        _, inverse, counts = self.classes()
        ell = self.ctx.profile.reidentification.l
        findings = []
        for path, column in sorted(self.collected.sensitive.items()):
            values = np.frombuffer(column, dtype=np.uint64)
            weak_classes, weak_records = _low_diversity(inverse, counts, values, ell)
            if weak_classes:
                findings.append(
                    Finding(
                        requirement=self.requirement,
                        message=f"{weak_classes:,} group{'s' if weak_classes > 1 else ''} of "
                        f"look-alike records ({weak_records:,} records) with fewer than {ell} "
                        f"different values of '{safe_path(path)}': everyone in such a group "
                        "shares it",
                        location=self.where(),
                        rule="reidentification.l",
                        field=safe_path(path),
                        occurrences=weak_records,
                    )
                )
        return findings


def _low_diversity(
    inverse: np.ndarray, counts: np.ndarray, values: np.ndarray, ell: int
) -> tuple[int, int]:
    """Classes of two or more records with fewer than ℓ distinct values, and their records."""
    pairs = np.unique(np.stack([inverse.astype(np.uint64), values]), axis=1)
    distinct = np.bincount(pairs[0].astype(np.int64), minlength=len(counts))
    weak = (counts >= 2) & (distinct < ell)
    return int(weak.sum()), int(counts[weak].sum())
