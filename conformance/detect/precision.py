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


_FAMILIES: dict[str, tuple[tuple[re.Pattern[str], Precision], ...]] = {
    "date": ((_DAY, Precision.DAY), (_MONTH, Precision.MONTH), (_YEAR, Precision.YEAR)),
    "postcode": ((_POSTCODE6, Precision.POSTCODE6), (_POSTCODE4, Precision.POSTCODE4)),
}


def precision_of(value: str, family: str) -> Precision | None:
    """The precision of ``value`` in a family (``date`` or ``postcode``); None if not of it."""
    for pattern, precision in _FAMILIES[family]:
        if pattern.fullmatch(value):
            return precision
    return None
