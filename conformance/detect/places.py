"""Dutch postcodes and street addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

# Four digits (no leading zero) and two capitals; SA, SD and SS are never issued.
_POSTCODE = re.compile(r"(?<![\w-])([1-9]\d{3}) ?(?!SA|SD|SS)([A-Z]{2})(?![\w-])")
_POSTCODE_LOWER = re.compile(r"(?<![\w-])[1-9]\d{3} ?(?!sa|sd|ss)[a-z]{2}(?![\w-])")
# "in het jaar 2000 AD", "rond 1500 BC": years, not postcodes.
_YEAR_WORDS = ("jaar", "year", "rond ", "circa", "ca.", "anno", "eeuw", "century")
_ERA = re.compile(r"\s?(?:AD|BC|NC)\b")

_STREET_SUFFIXES = (
    "straat|laan|weg|plein|gracht|singel|kade|dijk|hof|pad|steeg|dreef|park|ring|markt|baan"
    "|plantsoen|dam|wal|veld|erf|burg|haven|boulevard|allee|hoek|zijde|oord|pleintje|straatje"
    "|kamp|akker|wei|weide|berg|heuvel|bosch|bos|dal|meer|polder|vaart|tuin|dries|lei|steenweg"
)
_PARTICLE = r"(?:van|de|der|den|het|'t|ter|ten|te|la|le|du|op|aan|in|bij|onder|over)"
_CAP_WORD = r"(?:[A-Z][a-zà-ÿ'’.-]+)"
# "Kerkstraat 12a", "Van der Helststraat 3-II", "Prins Hendriklaan 1", "Laan van Meerdervoort
# 1024", "Plein 1944 5", "Oude Gracht 33 bis": a street (one word ending in a street suffix,
# or Laan/Plein/... followed by words) and a house number with an optional addition.
_STREET = (
    rf"(?:(?:{_CAP_WORD}|{_PARTICLE})\s)*"
    rf"(?:[A-Z][a-zà-ÿ'’-]*(?:{_STREET_SUFFIXES})"
    rf"|(?:Laan|Plein|Weg|Kade|Dijk|Singel|Gracht|Markt|Hof|Oude|Nieuwe)"
    rf"(?:\s(?:{_PARTICLE}|{_CAP_WORD}|\d{{4}}))+)"
)
_HOUSE_NUMBER = (
    r"\d{1,5}(?:\s?-\s?(?:[IVX]{1,4}|\d{1,3}|[A-Za-z]{1,2})"
    r"|\s?[a-zA-Z]{1,2}\b|\s(?:bis|hs|zw|rd)\b)?"
)
# Cheap necessary condition for an address: a street word then a house number.
ADDRESS_GATE = re.compile(
    rf"(?:{_STREET_SUFFIXES}|Laan|Plein|Kade)\b[^\x1f\n]{{0,40}}?\s\d", re.IGNORECASE
)
_ADDRESS = re.compile(rf"(?<![\w-])({_STREET})\s({_HOUSE_NUMBER})(?![\w-]|[.,]\d)")


def find_postcodes(text: str, hint: Hint) -> Iterator[Detection]:
    postcode_field = hint.category in {"postcode", "postcode4", "address"}
    for match in _POSTCODE.finditer(text):
        if near(text, match.start(), _YEAR_WORDS, before=16) or _ERA.match(text, match.start(2)):
            continue
        yield Detection("postcode", match.start(), match.end(), Confidence.HIGH)
    if postcode_field:
        for match in _POSTCODE_LOWER.finditer(text):
            yield Detection("postcode", match.start(), match.end(), Confidence.MEDIUM)


def find_addresses(text: str, hint: Hint) -> Iterator[Detection]:  # noqa: ARG001
    for match in _ADDRESS.finditer(text):
        start = match.start(1)
        street = match.group(1)
        # Leading particles or capitalised words that start a sentence are not the street.
        while street.split(" ", 1)[0].lower() in _NOT_A_STREET and " " in street:
            head, street = street.split(" ", 1)
            start += len(head) + 1
        yield Detection("address", start, match.end(2), Confidence.HIGH)


# Words the street pattern may swallow that never begin a street name ("Woont Kerkstraat 1").
_NOT_A_STREET = frozenset(
    "in op aan een woont wonend adres naar bij te verhuisd nieuw nieuwe thuis address lives "
    "at to from the new".split()
)
