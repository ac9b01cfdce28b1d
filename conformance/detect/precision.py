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
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/. ]\d{1,2}[-/. ](?:\d{4}|\d{2}))(?:[T ].*)?"
    r"|\d{8}"
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
_POSTCODE6 = re.compile(r"[1-9]\d{3}\s?[A-Za-z]{2}")
_POSTCODE4 = re.compile(r"[1-9]\d{3}")
# A national number's last four digits, or more of it (a whole BSN, however written)
_DIGITS4 = re.compile(r"\d{1,4}")
_NUMBER = re.compile(r"[\s.-]*(?:\d[\s.-]*){5,}")


_FAMILIES: dict[str, tuple[tuple[re.Pattern[str], Precision], ...]] = {
    "date": ((_DAY, Precision.DAY), (_MONTH, Precision.MONTH), (_YEAR, Precision.YEAR)),
    "postcode": ((_POSTCODE6, Precision.POSTCODE6), (_POSTCODE4, Precision.POSTCODE4)),
    "number": ((_NUMBER, Precision.NUMBER), (_DIGITS4, Precision.DIGITS4)),
}


def precision_of(value: str, family: str) -> Precision | None:
    """The precision of ``value`` in a family (``date``, ``postcode`` or ``number``); None if
    not of it."""
    for pattern, precision in _FAMILIES[family]:
        if pattern.fullmatch(value):
            return precision
    return None
