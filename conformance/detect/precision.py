"""How precise a date, postcode or national number's value is (MIN-002)."""

from __future__ import annotations

import re

from conformance.detect.dates import MONTHS
from conformance.model.profile import Precision

# Written out too ("1 maart 2014", "March 1, 2014", "maart 2014"), and a Unix time in seconds
# or milliseconds: a birth date so written is as precise as 2014-03-01 (all passed a month's
# limit).
_DAY = re.compile(
    # year first or last, a two-digit year too, any separator, a time after it ("12-03-14",
    # "2014.03.12", "12 03 2014", "12-03-2014 00:00:00": as Excel and SQL Server write them)
    # or a time zone as xs:date allows ("2014-03-05Z", "2014-03-05+01:00")
    r"(?:\d{4}[-/. ]\d{1,2}[-/. ]\d{1,2}|\d{1,2}[-/. ]\d{1,2}[-/. ](?:\d{4}|\d{2}))"
    r"(?:[T ].*|Z|[+-]\d{2}:?\d{2})?"
    r"|\d{8}"
    r"|/Date\(-?\d+(?:[+-]\d{4})?\)/"  # .NET's JSON date: milliseconds since 1970
    rf"|\d{{1,2}}(?:e|ste|de|st|nd|rd|th)?\.?[\s-]+(?:{MONTHS})\.?,?[\s-]+(?:\d{{4}}|\d{{2}})"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    # a Unix time in seconds or milliseconds, and Excel's day number (1 is 1900-01-01; 36526
    # is 2000-01-01): a number of days is a day
    r"|-?\d{9,10}|-?\d{12,13}|[1-9]\d{4}",
    re.IGNORECASE,
)
_MONTH = re.compile(
    rf"\d{{4}}-\d{{1,2}}|\d{{1,2}}[-/.]\d{{4}}|\d{{4}}/\d{{1,2}}|(?:{MONTHS})\.?,?\s+\d{{4}}",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")
# with a country prefix ("NL-7311 KT"), any spacing or a dash between the parts, and a house
# number after it ("7311KT 12-a": more precise still, so at least a six-character postcode)
# ("7311 en 7312", two four-digit postcodes, is no house number: one of up to three digits,
# then at most an addition that starts with a letter or a dash)
_POSTCODE6 = re.compile(
    r"(?:NL[-\s]?)?[1-9]\d{3}[\s-]*[A-Za-z]{2}"
    r"(?:[\s,-]+\d{1,3}(?!\d)(?:[\s-]?[A-Za-z][A-Za-z0-9]{0,3}|-\d{1,3})?)?",
    re.IGNORECASE,
)
_POSTCODE4 = re.compile(r"(?:NL[-\s]?)?[1-9]\d{3}", re.IGNORECASE)
# Dashes other than the hyphen-minus that word processors and Excel put into dates
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"))
# A national number's last four digits, or more of it (a whole BSN, however written)
_DIGITS4 = re.compile(r"\d{1,4}")
_NUMBER = re.compile(r"[\s.-]*(?:\d[\s.-]*){5,}")


_DAY_OF_MONTH = re.compile(r"0?[1-9]|[12]\d|3[01]")
# A field named for a date's day ("geboortedag", "geboortedatum/dag", "birth_day"): beside its
# month and year fields a number of 1 to 31 in it makes the date as precise as a whole one
DAY_PART_NAME = re.compile(r"(?:^|[\W_]|geboorte|birth)(?:dag|day)$", re.IGNORECASE)

_FAMILIES: dict[str, tuple[tuple[re.Pattern[str], Precision], ...]] = {
    "date": ((_DAY, Precision.DAY), (_MONTH, Precision.MONTH), (_YEAR, Precision.YEAR)),
    "day-part": (
        (_DAY, Precision.DAY),
        (_DAY_OF_MONTH, Precision.DAY),
        (_MONTH, Precision.MONTH),
        (_YEAR, Precision.YEAR),
    ),
    "postcode": ((_POSTCODE6, Precision.POSTCODE6), (_POSTCODE4, Precision.POSTCODE4)),
    "number": ((_NUMBER, Precision.NUMBER), (_DIGITS4, Precision.DIGITS4)),
}


def precision_of(value: str, family: str) -> Precision | None:
    """The precision of ``value`` in a family (``date``, ``day-part``: a date's day field,
    ``postcode`` or ``number``); None if not of it."""
    value = value.strip().translate(_DASHES)
    for pattern, precision in _FAMILIES[family]:
        if pattern.fullmatch(value):
            return precision
    return None
