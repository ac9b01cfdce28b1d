"""Run every value recogniser over a value: the entry point for NAW-002 and the evaluation.

Each recogniser is a generator ``(text, hint) -> Detection``. A cheap look at the value first
decides which can possibly match (digits, '@', '://', capitals), so plain codes, scores and
words cost almost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from conformance.detect.contact import find_emails, find_phones
from conformance.detect.dates import find_birthdates
from conformance.detect.names import find_names
from conformance.detect.numbers import find_ibans, find_personal_numbers
from conformance.detect.places import ADDRESS_GATE, find_addresses, find_postcodes
from conformance.detect.pseudonyms import find_chain_ids
from conformance.detect.spans import NO_HINT, Detection, Hint

Finder = Callable[[str, Hint], Iterator[Detection]]

RECOGNISERS: tuple[str, ...] = (
    "bsn",
    "onderwijsnummer",
    "eckid",
    "stampseudoniem",
    "hpgn",
    "idschool",
    "postcode",
    "address",
    "phone",
    "email",
    "iban",
    "birthdate",
    "name",
)

# Necessary conditions, one search each: a value that meets none cannot hold anything the
# recognisers find. "Numeric": a run of four digits or digit groups with separators (every
# number, phone, postcode, IBAN, address and date has one). "Name": two capitalised words with
# at most a few lower-case particles between, initials, or a context word.
_NUMERIC = re.compile(rf"\d{{4}}|\d{{2,3}}[ .-]\d{{2,3}}|{ADDRESS_GATE.pattern}")
_NAME = re.compile(
    r"[A-Z][\w'’-]*\.?[ \t]+(?:[a-z'’]+[ \t]+){0,4}[A-Z]|(?:[A-Z]\.){1,4}[ \t]*[a-zA-Z]"
    r"|(?i:\b(?:moeder|vader|ouders?|leerlinge?|mevr(?:ouw)?|mw|dhr|meneer|juf(?:frouw)?|meester"
    r"|mother|father|parent|mrs?|ms|oma|opa|broer|zus|zoon|dochter|pupil|mentor|voogd)\b)"
)
_ANY = re.compile(f"@|://|[0-9a-f]{{64}}|{_NUMERIC.pattern}|{_NAME.pattern}")


def might_contain(text: str) -> bool:
    """Whether any recogniser could find something: one search, for whole records at once."""
    return _ANY.search(text) is not None


_NUMERIC_FINDERS: tuple[Finder, ...] = (
    find_personal_numbers,
    find_ibans,
    find_phones,
    find_postcodes,
    find_addresses,
    find_birthdates,
)


def scan(value: str, hint: Hint = NO_HINT) -> list[Detection]:
    """Every detection in the value, in order of position."""
    found: list[Detection] = []
    if "@" in value:
        found += find_emails(value, hint)
    if "://" in value or len(value) >= 64:
        found += find_chain_ids(value, hint)
    if _NUMERIC.search(value):
        for finder in _NUMERIC_FINDERS:
            found += finder(value, hint)
    if _NAME.search(value):
        found += find_names(value, hint)
    return _without_contained(found)


def _without_contained(found: list[Detection]) -> list[Detection]:
    """Drop a detection inside another one's span when it is the weaker reading of the same
    characters (digits of an IBAN or ECK iD read as a BSN, a name inside an e-mail address)."""
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[Detection] = []
    for detection in found:
        container = next(
            (k for k in kept if k.start <= detection.start and detection.end <= k.end), None
        )
        if container is not None and not _may_nest(container.recogniser, detection.recogniser):
            continue
        if detection not in kept:
            kept.append(detection)
    return kept


def _may_nest(outer: str, inner: str) -> bool:
    """A postcode inside an address is its own finding; everything else inside is absorbed."""
    return outer == "address" and inner == "postcode"
