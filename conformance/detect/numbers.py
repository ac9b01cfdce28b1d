"""Dutch personal numbers and bank accounts: BSN, onderwijsnummer, IBAN.

BSN and onderwijsnummer share the 11-proef weights 9,8,7,6,5,4,3,2,-1 (FACTS.md §2): the sum is
0 (mod 11) for a BSN and 5 for an onderwijsnummer, so one number satisfies at most one.
python-stdnum computes the checksum and the IBAN mod-97.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

# Nine digits as written: plain, 4.2.3 dotted, 3-3-3 with spaces/dots/hyphens — a space may be
# a no-break, thin or figure one, as spreadsheets group digits, a hyphen a non-breaking one or
# an en dash, as word processors write it; or eight digits (a BSN whose leading zero was
# dropped, only believed with context). A spreadsheet's number format may add ".0". A whole
# step of a URL's path is one ("/leerlingen/111222333"). Not inside longer numbers, decimals,
# dates or codes (a plain hyphen joins a code's parts; a dash, "bsn–111222333", does not). A
# comma makes a decimal only between digits: in a list ("7B,111222333",
# "111222333,123456782", "111 222 333,123 456 782", "111222333,7B") each number is one.
_SPACES = " .\u00a0\u202f\u2009\u2007"  # between groups: a space of any width, or a dot
_DASHES = "\\-\u2010\u2011\u2012\u2013"  # hyphens (plain, non-breaking) and dashes
_GAP_OR_DASH = f"[{_SPACES}{_DASHES}]"
_GROUPED_423 = rf"\d{{4}}{_GAP_OR_DASH}\d{{2}}{_GAP_OR_DASH}\d{{3}}"
_GROUPED_333 = rf"\d{{3}}{_GAP_OR_DASH}\d{{3}}{_GAP_OR_DASH}\d{{3}}"
# a whole personal number ends just before this comma (its last digit is the one before it):
# the comma joins a list
_NUMBER_BEFORE_COMMA = (
    rf"(?<!\d{{8}})(?<!\d{{3}}{_GAP_OR_DASH}\d{{3}}{_GAP_OR_DASH}\d{{2}})"
    rf"(?<!\d{{4}}{_GAP_OR_DASH}\d{{2}}{_GAP_OR_DASH}\d{{2}})"
)
# Not glued to a word, code or name before it ("L111222333", "ORD-111222333", "1.111222333",
# "app.111222333.js", "art.nr.111222333"), but after "nr." standing alone ("bsn nr.111222333");
# not glued to one after it either, but before an underscore ("111222333_rapport.pdf", a scan
# named by the number).
PERSONAL_NUMBER = re.compile(
    rf"(?:(?<![\w.-])|(?<=(?<![\w.])[Nn][Rr]\.))(?<!{_NUMBER_BEFORE_COMMA}\d,)"
    rf"({_GROUPED_423}|{_GROUPED_333}|\d{{9}}|\d{{8}})"
    rf"(?![^\W_]|(?!\.0+(?![\w.,]))[.:-]\d"
    rf"|,(?!(?:\d{{8,9}}|{_GROUPED_423}|{_GROUPED_333})(?!\d))\d+(?!\w))"
)
# Nine digits right after the word that names them, glued or not, in any grouping ("bsn
# 111222333", "BSN_111222333", "bsn.nr.111222333", "Burgerservicenr.111222333", "bsn:
# 111.22.2333", "BSN 11122 2333", "bsn 111/222/333"): the word says what the digits are, so a
# grouping no writer of numbers uses is read too (the 11-proef still decides); a number after
# any other letter is a code's ("L111222333"). A pattern of its own: as lookbehinds in the one
# above, it doubled the cost of every search for digits.
NAMED_NUMBER = re.compile(
    r"(?<![A-Za-z])(?:[bB][sS][nN]|[sS][oO][fF][iI]|[bB]urgerservice(?:nummer|nr)?)"
    r"(?:[ _.:-]*(?:[nN][rR]|[nN]ummer))?[\s_.:#=-]{0,3}((?:\d[\s./-]?){8}\d)(?![\d.,/-]\d|\d)"
)
_NUMBER_WORDS = (
    "bsn",
    "burgerservice",
    "sofi",
    "onderwijsnummer",
    "ondwnr",
    "pgn",
    "persoonsgebonden",
    "citizen service",
    "social security",
)
_NUMBER_CATEGORIES = frozenset({"bsn", "onderwijsnummer", "sofinummer", "national-id"})
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?)"
    r"(?![A-Za-z0-9])"
)


def find_personal_numbers(text: str, hint: Hint) -> Iterator[Detection]:
    found: set[tuple[int, int]] = set()  # a number two patterns match is one detection
    for match in _number_matches(text):
        span = match.span(1)
        if span in found:
            continue
        found.add(span)
        digits = re.sub(r"\D", "", match.group(1))
        if not digits.strip("0"):
            continue
        context = hint.category in _NUMBER_CATEGORIES or near(text, match.start(), _NUMBER_WORDS)
        if len(digits) == 8 and not context:
            continue  # eight bare digits are a date or an order number far more often
        if hint.category == "order-number" and not context:
            continue  # an order's number in its own field: one in eleven passes the 11-proef
        remainder = stdnum_bsn.checksum(digits.zfill(9))
        if remainder == 0:
            kind = "bsn"
        elif remainder == 5 and len(digits) == 9:  # a dropped leading zero is only a BSN's
            kind = "onderwijsnummer"
        else:
            continue
        if kind == "onderwijsnummer" and not (context or digits.startswith("10")):
            continue  # DUO's onderwijsnummers start with 10; others are order numbers
        confidence = Confidence.HIGH if context else Confidence.MEDIUM
        yield Detection(kind, match.start(1), match.end(1), confidence)


def _number_matches(text: str) -> Iterator[re.Match[str]]:
    yield from PERSONAL_NUMBER.finditer(text)
    yield from NAMED_NUMBER.finditer(text)


def find_ibans(text: str, hint: Hint) -> Iterator[Detection]:  # noqa: ARG001  (uniform signature)
    for match in _IBAN.finditer(text):
        # The pattern may take a following word ("… 2640 graag"): shorten group by group.
        candidate = match.group(1)
        while candidate:
            # Mod-97 and the country's length; not the national check digits, which some
            # banks' numbering (and test data) does not follow: a valid IBAN is personal data.
            if _valid_iban(candidate):
                start = match.start(1)
                yield Detection("iban", start, start + len(candidate), Confidence.HIGH)
                break
            candidate = candidate.rpartition(" ")[0]


def _valid_iban(candidate: str) -> bool:
    try:
        stdnum_iban.validate(candidate.upper(), check_country=False)
    except ValueError:
        return False
    return True
