"""Verdicts, severities and confidences: ordered enums, never strings."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Verdict(Enum):
    """A requirement's outcome. The order is the order of precedence when summarising."""

    NOT_APPLICABLE = "not_applicable"
    PASS = "pass"  # noqa: S105  (a verdict, not a password)
    WAIVED = "waived"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _VERDICT_RANK[self]


_VERDICT_RANK = {v: i for i, v in enumerate(Verdict)}


def summarise(verdicts: Iterable[Verdict]) -> Verdict:
    """The overall verdict: the worst of its parts; nothing examined at all is not a pass."""
    worst = Verdict.NOT_APPLICABLE
    for verdict in verdicts:
        if verdict.rank > worst.rank:
            worst = verdict
    return worst


def overall(verdicts: Iterable[Verdict]) -> Verdict:
    """The report's verdict: ``pass``, ``fail`` or ``error``.

    Waived requirements count as passed; a report in which nothing could be examined is an
    ``error``, because "we looked at nothing" must never read as "conformant".
    """
    worst = summarise(verdicts)
    if worst is Verdict.NOT_APPLICABLE:
        return Verdict.ERROR
    if worst is Verdict.WAIVED:
        return Verdict.PASS
    return worst


class Severity(Enum):
    """How bad a finding is if true (kept apart from how sure we are)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Confidence(Enum):
    """How sure the check is that the finding is real."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
