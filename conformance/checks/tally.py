"""Tallies: one finding per kind of problem (e.g. per field), with a count and the first place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from conformance.detect.safepath import safe_path, safe_record_path
from conformance.model.findings import Finding, Location
from conformance.model.records import Record
from conformance.model.verdict import Confidence, Severity


class Said(str):
    """A part of a tally's key in the toolkit's own words (why an ECK iD is malformed, how a
    pseudonym was derived): shown as it is, where every other part — a field name, which may
    be a pupil's data — is shown through ``safe_path`` (which took "201703" in the expected
    prefix for a date and masked it)."""

    __slots__ = ()


@dataclass
class _Tallied:
    location: Location
    evidence: str | None
    count: int = 1


@dataclass
class Tally:
    """Aggregates one kind of finding per key (e.g. per field): a count and the first place."""

    requirement: str
    entries: dict[tuple[str, ...], _Tallied] = field(default_factory=dict)

    def add(self, key: tuple[str, ...], record: Record, evidence: str | None = None) -> None:
        entry = self.entries.get(key)
        if entry is None:
            self.entries[key] = _Tallied(record_location(record), evidence)
        else:
            entry.count += 1

    def add_many(
        self, key: tuple[str, ...], record: Record, count: int, evidence: str | None = None
    ) -> None:
        """``count`` occurrences at once, ``record`` the first of them (what ``count`` calls of
        :meth:`add` in order would keep)."""
        entry = self.entries.get(key)
        if entry is None:
            self.entries[key] = _Tallied(record_location(record), evidence, count)
        else:
            entry.count += count

    def findings(
        self,
        message: Callable[[tuple[str, ...], int], str],
        severity: Severity = Severity.HIGH,
        confidence: Callable[[tuple[str, ...]], Confidence] = lambda _: Confidence.HIGH,
        rule: str | None = None,
        field_of: Callable[[tuple[str, ...]], str | None] = lambda _: None,
    ) -> list[Finding]:
        findings = []
        for key, entry in self.entries.items():
            # field names may be pupil data; the toolkit's own words are not
            shown = tuple(part if isinstance(part, Said) else safe_path(part) for part in key)
            field = field_of(shown)
            findings.append(
                Finding(
                    requirement=self.requirement,
                    message=message(shown, entry.count),
                    location=safe_location(entry.location),
                    severity=severity,
                    confidence=confidence(key),
                    evidence=entry.evidence,
                    rule=rule,
                    field=field,
                    occurrences=entry.count,
                )
            )
        return findings


def safe_location(location: Location) -> Location:
    """A record's location as a finding may show it: a key in its path may be a pupil's data
    (``{"111222333": [...]}`` gives the path ``/111222333/0``), redacted; its position not."""
    if location.path is None:
        return location
    return Location(location.input, location.line, safe_record_path(location.path))


def record_location(record: Record) -> Location:
    """Where a record is (raw: :func:`safe_location` before a finding shows it)."""
    return Location(record.input, record.line, record.path)


def times(count: int) -> str:
    return "once" if count == 1 else f"in {count:,} records"
