"""The check protocol, its registry, and the shared pieces checks are built from.

A check is a small class registered with ``@register``: the engine creates one per run, shows it
every record (``visit``), then asks for its findings (``finish``). Checks abstain from records
outside their scope, count what they ``examined`` (0 means not applicable), and never format
personal data: evidence goes through :mod:`conformance.detect.redact` before it is stored.
Third-party checks register through the same decorator (entry point group
``conformance.checks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from conformance.detect.fieldnames import classify_path
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass, FieldRule, Profile, Purpose
from conformance.model.records import Record
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Confidence, Severity


@dataclass(frozen=True, slots=True)
class CheckDoc:
    """A check's documentation, in the fixed sections every requirement page has."""

    what: str
    why: str
    failing: str
    passing: str
    fix: str


class CheckContext:
    """What every check may know: the profile, the purpose, the environment, field classes."""

    def __init__(self, profile: Profile, purpose: Purpose, environment: str) -> None:
        self.profile = profile
        self.purpose = purpose
        self.environment = environment
        self._rules: dict[str, FieldRule | None] = {}
        self._allowed: dict[str, dict[str, bool]] = {}  # kind -> path -> allowed

    def rule(self, path: str) -> FieldRule | None:
        """The field's class: the profile's rule, else (if enabled) the name classifier's."""
        try:
            return self._rules[path]
        except KeyError:
            rule = self.profile.rule_for(path)
            if rule is None and self.profile.classify_names:
                rule = classify_path(path)
            self._rules[path] = rule
            return rule

    def allowed(self, kind: str, path: str) -> bool:
        """Whether the purpose allows this field in this record kind (cached per shape)."""
        by_path = self._allowed.get(kind)
        if by_path is None:
            by_path = self._allowed[kind] = {}
        result = by_path.get(path)
        if result is None:
            result = by_path[path] = self._compute_allowed(kind, path)
        return result

    def _compute_allowed(self, kind: str, path: str) -> bool:
        paths = self.purpose.allowed_paths(kind)
        prefix = path
        while True:
            if prefix in paths:
                return True
            cut = prefix.rfind("/")
            if cut < 0:
                break
            prefix = prefix[:cut]
        rule = self.rule(path)
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

    def identity(self, record: Record) -> str | None:
        """The sender's own key of the person in this record: the profile's identity_key or,
        when fields are classified by name, the first field classified as a key."""
        spec = self.profile.pseudonym
        if spec is not None and spec.identity_key is not None:
            values = record.fields.get(spec.identity_key)
            return values[0] if values else None
        if self.profile.classify_names:
            for path, values in record.fields.items():
                rule = self.rule(path)
                if rule is not None and rule.cls is FieldClass.KEY:
                    return values[0]
        return None

    @property
    def purpose_rule(self) -> str:
        return f"purposes.{self.purpose.name}.allow"


class Check:
    """Base class: subclasses set ``requirement`` and ``doc`` and override what they need."""

    requirement: ClassVar[str]
    doc: ClassVar[CheckDoc]
    evidence: ClassVar[frozenset[str]] = frozenset({"export"})
    # Said when the inputs held nothing this check looks at.
    nothing_examined: ClassVar[str] = "the inputs hold no records this requirement applies to"

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.examined = 0
        self.findings: list[Finding] = []

    def not_applicable(self) -> str | None:
        """Why this check has nothing to examine under this profile and purpose, if so."""
        return None

    def start_input(self, name: str) -> None:
        """Called before the first record of every input."""

    def visit(self, record: Record) -> None:
        """Look at one record; record findings with :meth:`report` or a :class:`Tally`."""

    def finish(self) -> Iterable[Finding]:
        return self.findings

    def report(self, finding: Finding) -> None:
        self.findings.append(finding)


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
            location = Location(record.input, record.line, record.path)
            self.entries[key] = _Tallied(location, evidence)
        else:
            entry.count += 1

    def findings(
        self,
        message: Callable[[tuple[str, ...], int], str],
        severity: Severity = Severity.HIGH,
        confidence: Callable[[tuple[str, ...]], Confidence] = lambda _: Confidence.HIGH,
        rule: str | None = None,
        field_of: Callable[[tuple[str, ...]], str | None] = lambda _: None,
    ) -> list[Finding]:
        return [
            Finding(
                requirement=self.requirement,
                message=message(key, entry.count),
                location=entry.location,
                severity=severity,
                confidence=confidence(key),
                evidence=entry.evidence,
                rule=rule,
                field=field_of(key),
                occurrences=entry.count,
            )
            for key, entry in self.entries.items()
        ]


def times(count: int) -> str:
    return "once" if count == 1 else f"in {count:,} records"


def is_class(rule: FieldRule | None, cls: FieldClass) -> bool:
    return rule is not None and rule.cls is cls


REGISTRY: dict[str, type[Check]] = {}
C = TypeVar("C", bound=type[Check])


def register(cls: C) -> C:
    """Register a check class under its requirement ID (one check per requirement)."""
    rid = cls.requirement
    if rid not in CATALOGUE:
        raise ValueError(f"check {cls.__name__} names unknown requirement {rid}")
    if rid in REGISTRY and REGISTRY[rid] is not cls:
        raise ValueError(f"requirement {rid} already has a check: {REGISTRY[rid].__name__}")
    REGISTRY[rid] = cls
    return cls
