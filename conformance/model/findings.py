"""Findings: what a check saw, as plain immutable data with no formatting in it."""

from __future__ import annotations

from dataclasses import dataclass

from conformance.model.verdict import Confidence, Severity


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input a finding is: the input's name, a line, and a path inside it.

    ``path`` is an XPath for XML, a JSON pointer for JSON, ``row N`` for CSV.
    """

    input: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        """``input:line path``, as every report shows a place."""
        where = self.input if self.line is None else f"{self.input}:{self.line}"
        return f"{where} {self.path}" if self.path else where


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found.

    ``evidence`` is always already redacted: a check never puts a raw personal value here.
    ``rule`` names the profile entry that asked for the finding (``purposes.pseudoniem.allow``).
    ``occurrences`` counts how many times the same thing was seen (aggregated per field).
    """

    requirement: str
    message: str
    location: Location
    severity: Severity = Severity.HIGH
    confidence: Confidence = Confidence.HIGH
    evidence: str | None = None
    rule: str | None = None
    field: str | None = None
    occurrences: int = 1

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """De-duplication key: the same requirement, input, field and message are one finding."""
        return (self.requirement, self.location.input, self.field, self.message)
