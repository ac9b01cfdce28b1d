"""How precise a date or postcode value is (MIN-002)."""

from __future__ import annotations

import re

from conformance.model.profile import Precision

_DAY = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{8}|\d{4}/\d{1,2}/\d{1,2}"
)
_MONTH = re.compile(r"\d{4}-\d{1,2}|\d{1,2}[-/.]\d{4}|\d{4}/\d{1,2}")
_YEAR = re.compile(r"\d{4}")
_POSTCODE6 = re.compile(r"[1-9]\d{3}\s?[A-Za-z]{2}")
_POSTCODE4 = re.compile(r"[1-9]\d{3}")


def precision_of(value: str, family: str) -> Precision | None:
    """The precision of ``value`` in a family (``date`` or ``postcode``); None if not of it."""
    if family == "date":
        if _DAY.fullmatch(value):
            return Precision.DAY
        if _MONTH.fullmatch(value):
            return Precision.MONTH
        if _YEAR.fullmatch(value):
            return Precision.YEAR
        return None
    if _POSTCODE6.fullmatch(value):
        return Precision.POSTCODE6
    if _POSTCODE4.fullmatch(value):
        return Precision.POSTCODE4
    return None
