"""Dates of birth: a date is a birth date only where the field or the words before it say so."""

from __future__ import annotations

import re
from collections.abc import Iterator

from conformance.detect.name_lists import FAMOUS
from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

MONTHS = (  # Dutch and English, in full and abbreviated
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec"
    "|january|february|march|may|june|july|august|october"
)
_DATE = re.compile(
    r"(?<![\w/-])("
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    rf"|\d{{1,2}}(?:e|ste|de)?\s(?:{MONTHS})\.?\s\d{{4}}"
    rf"|(?:{MONTHS})\.?\s\d{{1,2}},?\s\d{{4}}"
    r")(?:(?=T\d{1,2}:\d{2})|(?![\w/-]|[.:]\d))",  # an ISO time may follow: 2015-01-10T00:00Z
    re.IGNORECASE,
)
_BIRTH_WORDS = (
    "geboren",
    "geb.",
    "geb:",
    "geb ",
    "°",
    "geboorte",
    "born",
    "birth",
    "dob",
    "d.o.b",
    "verjaardag",
    "jarig",
)


def find_birthdates(text: str, hint: Hint) -> Iterator[Detection]:
    birth_field = hint.category == "birthdate"
    for match in _DATE.finditer(text):
        if not (birth_field or near(text, match.start(1), _BIRTH_WORDS, before=50)):
            continue
        if not birth_field and _historical(match.group(1), text):
            continue  # "Rembrandt werd geboren op 15 juli 1606": a lesson, not a pupil
        yield Detection("birthdate", match.start(1), match.end(1), Confidence.HIGH)


def _historical(date: str, text: str) -> bool:
    """A birth year before 1920 (no pupil, parent or teacher), or a famous person named."""
    years = [int(y) for y in _YEAR.findall(date)]
    if years and years[0] < _OLDEST_BIRTH_YEAR:
        return True
    lower = text.lower()
    return any(famous in lower for famous in FAMOUS)


_YEAR = re.compile(r"\d{4}")
_OLDEST_BIRTH_YEAR = 1920
