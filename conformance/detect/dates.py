"""Dates of birth: a date is a birth date only where the field or the words before it say so."""

from __future__ import annotations

import re
from collections.abc import Iterator

from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
    "|january|february|march|may|june|july|august|october"
)
_DATE = re.compile(
    r"(?<![\w/-])("
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    rf"|\d{{1,2}}(?:e|ste|de)?\s(?:{_MONTHS})\.?\s\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s\d{{1,2}},?\s\d{{4}}"
    r")(?![\w/-]|[.:]\d)",
    re.IGNORECASE,
)
_BIRTH_WORDS = (
    "geboren",
    "geb.",
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
        if birth_field or near(text, match.start(1), _BIRTH_WORDS, before=30):
            yield Detection("birthdate", match.start(1), match.end(1), Confidence.HIGH)
