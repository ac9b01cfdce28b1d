"""Dutch postcodes and street addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

# Four digits (no leading zero) and two capitals; SA, SD and SS are never issued.
# The space may be a no-break one (a spreadsheet's, a word processor's).
_POSTCODE = re.compile(r"(?<![\w-])([1-9]\d{3})[ \xa0\u202f]?(?!SA|SD|SS)([A-Z]{2})(?![\w-])")
_POSTCODE_LOWER = re.compile(r"(?<![\w-])[1-9]\d{3}[ \xa0\u202f]?(?!sa|sd|ss)[a-z]{2}(?![\w-])")
# A postcode glued to its house number, as an address's key is written ("3511AB12",
# "3511AB-12"): believed in an address's or postcode's field, or where a word says so.
_POSTCODE_HOUSE = re.compile(
    r"(?<![\w-])[1-9]\d{3}[ \xa0\u202f]?(?!SA|SD|SS|sa|sd|ss)[A-Za-z]{2}-?\d{1,5}[A-Za-z]{0,2}"
    r"(?![\w-])"
)
# "in het jaar 2000 AD", "rond 1500 BC": years, not postcodes.
_POSTCODE_WORDS = ("postcode", "zip", "pc:", "pc.")
_ADDRESS_WORDS = (*_POSTCODE_WORDS, "huisn", "adres", "address")
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
    rf"(?:[A-Z][a-zà-ÿ'’]*(?:-[A-Z]?[a-zà-ÿ'’]+)*(?:{_STREET_SUFFIXES})"
    rf"|(?:Laan|Plein|Weg|Kade|Dijk|Singel|Gracht|Markt|Hof|Oude|Nieuwe)"
    rf"(?:\s(?:{_PARTICLE}|{_CAP_WORD}|\d{{4}}))+)"
)
_HOUSE_NUMBER = (
    r"\d{1,5}(?:\s?-\s?(?:[IVX]{1,4}|\d{1,3}|[A-Za-z]{1,2})(?!\w|\.\w)"
    r"|/\d{1,3}|\sbus\s\d{1,4}"
    r"|\s?[a-zA-Z]{1,2}(?!\w|\.\w)|\s(?:bis|hs|zw|rd)\b)?"
)
# Cheap necessary condition for an address: a street word then a house number.
ADDRESS_GATE = re.compile(
    rf"(?:{_STREET_SUFFIXES}|Laan|Plein|Kade)\b[^\x1f\n]{{0,40}}?\s\d", re.IGNORECASE
)
_ADDRESS = re.compile(rf"(?<![\w-])({_STREET})\s({_HOUSE_NUMBER})(?![\w-]|[.,]\d)")


# Letter pairs that after four digits far more often mean a unit, a school type or an era
# ("1024 MB", "2024 VO", "2000 AD") and placeholders ("1000 XX"): believed only with support.
_AMBIGUOUS = frozenset("MB GB KB TB PB VO PO HO SO HV VW AD BC NC KG CM MM KM ML".split())
_PLACEHOLDER = frozenset({"XX"})
_PLACE_AFTER = re.compile(r",?\s+[A-Z][a-zà-ÿ'’-]+|,?\s+[A-Z]{3,}")
_NUMBER_BEFORE = re.compile(r"\d[a-zA-Z]?(?:-[A-Za-z0-9]+)?,?\s*$")


def find_postcodes(text: str, hint: Hint) -> Iterator[Detection]:
    postcode_field = hint.category in {"postcode", "postcode4", "address"}
    for match in _POSTCODE.finditer(text):
        letters = match.group(2)
        if letters in _PLACEHOLDER or match.group(1) == "9999":
            continue  # the test postcode 9999 and 'XX' placeholders are nobody's address
        if near(text, match.start(), _YEAR_WORDS, before=16) or _ERA.match(text, match.start(2)):
            continue
        if letters in _AMBIGUOUS and not _supported(text, match, postcode_field):
            continue
        yield Detection("postcode", match.start(), match.end(), Confidence.HIGH)
    for match in _POSTCODE_LOWER.finditer(text):  # in a postcode field, or said to be one
        if postcode_field or near(text, match.start(), _POSTCODE_WORDS, before=15):
            yield Detection("postcode", match.start(), match.end(), Confidence.MEDIUM)
    for match in _POSTCODE_HOUSE.finditer(text):
        if postcode_field or near(text, match.start(), _ADDRESS_WORDS, before=20):
            yield Detection("postcode", match.start(), match.end(), Confidence.MEDIUM)


def _supported(text: str, match: re.Match[str], postcode_field: bool) -> bool:
    """Whether a place name follows or a house number precedes, or the field is a postcode."""
    if postcode_field and not text[: match.start()].strip():
        return True
    if near(text, match.start(), _POSTCODE_WORDS, before=15):
        return True
    if _PLACE_AFTER.match(text, match.end()):
        return True
    return _NUMBER_BEFORE.search(text[max(0, match.start() - 30) : match.start()]) is not None


def find_addresses(text: str, hint: Hint) -> Iterator[Detection]:
    found = []
    for match in _ADDRESS.finditer(text):
        start = match.start(1)
        street = match.group(1)
        # Leading particles or capitalised words that start a sentence are not the street.
        while street.split(" ", 1)[0].lower() in _NOT_A_STREET and " " in street:
            head, street = street.split(" ", 1)
            start += len(head) + 1
        if street.split(" ", 1)[0] in _NOT_STREET_NOUNS:
            continue
        if _YEAR.fullmatch(match.group(2)) and not _PLACE_AFTER.match(text, match.end(2)):
            continue  # "Kerstmarkt 2026": a year after a word; "Kerkstraat 2012 Utrecht" is one
        found.append(Detection("address", start, match.end(2), Confidence.HIGH))
    yield from found
    address_field = hint.category in {"address", "residence"}
    for match in _ANY_STREET.finditer(text):
        if any(d.start <= match.start(1) < d.end for d in found):
            continue
        if match.group(1).split(" ", 1)[0] in _NOT_STREET_NOUNS:
            continue
        if _street_context(text, match, address_field):
            yield Detection("address", match.start(1), match.end(2), Confidence.MEDIUM)


def _street_context(text: str, match: re.Match[str], address_field: bool) -> bool:
    """A street without a street word ("Overtoom 17 B") is believed in an address field, before
    a postcode or a place ("…, 1234 AB", "te Hilversum"), or after words about living."""
    if address_field and not text[: match.start(1)].strip():
        return True
    if _PLACE_OR_POSTCODE_AFTER.match(text, match.end(2)):
        return True
    return near(text, match.start(1), _LIVING_WORDS, before=40)


# Any capitalised name (one or two words, hyphens allowed) and a house number: a street only
# with the support of _street_context.
_ANY_STREET = re.compile(
    rf"(?<![\w-])([A-Z][a-zà-ÿ'’-]+(?:\s[A-Z][a-zà-ÿ'’-]+)?)\s({_HOUSE_NUMBER})(?![\w-]|[.,]\d)"
)
_PLACE_OR_POSTCODE_AFTER = re.compile(
    r",?\s*\(?[1-9]\d{3}\s?[A-Z]{2}\b|,\s[A-Z][a-zà-ÿ'’-]+|\s(?:te|in)\s[A-Z][a-zà-ÿ'’-]+"
)
_LIVING_WORDS = (
    "woont",
    "woonachtig",
    "adres",
    "verhuisd",
    "verhuizing",
    "bezorgen",
    "ophalen",
    "haalt op",
    "logeert",
    "i.p.v.",
    "huisbezoek",
    "post voor",
    "vader op",
    "moeder op",
    "bij vader",
    "bij moeder",
    "lives at",
    "address",
    "moved to",
)
# Capitalised nouns of school life that take a number and are no street.
_NOT_STREET_NOUNS = frozenset(
    "Bladzijde Pagina Page Hoofdstuk Chapter Les Lesson Groep Group Klas Toets Test Week Periode "
    "Blok Thema Unit Level Niveau Module Opdracht Vraag Lokaal Jaar Leerjaar Versie Deel "
    "Paragraaf Stap Kamer Bus Lijn Route Tafel Artikel Taak Huiswerk Kaart Dag Rij Item Nummer "
    "Editie Ronde Score Cijfer Jaargroep Schooljaar Lijst Set Doos Pakket Code "
    # a school's words that end like a street: a learning path, a circle time, a fair
    "Leerpad Leerpaden Kring Kringen Leeskring Kerstmarkt Boekenmarkt Jaarmarkt Leerweg "
    "Leerwegen".split()
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
# Words the street pattern may swallow that never begin a street name ("Woont Kerkstraat 1").
_NOT_A_STREET = frozenset(
    "in op aan een woont wonend adres naar bij te verhuisd nieuw nieuwe thuis address lives "
    "at to from the new".split()
)
