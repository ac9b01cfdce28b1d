"""E-mail addresses and Dutch and Belgian phone numbers (validated by libphonenumber)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from conformance.detect.spans import Detection, Hint
from conformance.model.verdict import Confidence

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
# International (+31/+32/0031/0032, optional (0)) or national (0…) numbers with the separators
# people type; libphonenumber then decides whether it is a real Dutch or Belgian number.
_PHONE = re.compile(
    r"(?<![\w+])("
    r"(?:\+|00)3[12][ -]?(?:\(0\)[ -]?)?\d(?:[ -]?\d){7,9}"
    r"|0\d{1,3}(?:\s?[-/]\s?|\s)?\d(?:[ -]?\d){5,8}"
    r"|\(0\d{1,3}\)\s?\d(?:[ -]?\d){5,8}"
    r")(?![\w-]|[.,]\d)"
)


def find_emails(text: str, hint: Hint) -> Iterator[Detection]:  # noqa: ARG001
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        yield Detection("email", match.start(), match.end(), Confidence.HIGH)


def find_phones(text: str, hint: Hint) -> Iterator[Detection]:  # noqa: ARG001
    for match in _PHONE.finditer(text):
        if _is_phone(match.group(1)):
            yield Detection("phone", match.start(1), match.end(1), Confidence.HIGH)


def _is_phone(candidate: str) -> bool:
    for region in ("NL", "BE"):
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if number.country_code in (31, 32) and phonenumbers.is_valid_number(number):
            return True
    return False
