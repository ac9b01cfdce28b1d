"""A detection: which recogniser found what where, and how sure it is. Never the value itself."""

from __future__ import annotations

from dataclasses import dataclass

from conformance.model.verdict import Confidence


@dataclass(frozen=True, slots=True)
class Detection:
    """A span ``[start, end)`` of a value that a recogniser identified as personal data."""

    recogniser: str  # bsn, onderwijsnummer, eckid, stampseudoniem, hpgn, idschool, postcode,
    # address, phone, email, iban, birthdate, name
    start: int
    end: int
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class Hint:
    """What is known about the field a value sits in: its name and classified category.

    Recognisers use it as context: eight digits are a BSN in a field called ``bsn``; a date is
    a birth date in a field called ``geboortedatum``, never in ``toetsdatum``.
    """

    field: str = ""
    category: str | None = None


NO_HINT = Hint()


def near(text: str, start: int, words: tuple[str, ...], before: int = 40) -> bool:
    """Whether one of the (lower-case) context words stands shortly before ``start``."""
    window = text[max(0, start - before) : start].lower()
    return any(word in window for word in words)
