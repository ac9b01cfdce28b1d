"""What kind of chain identifier a value is (FACTS.md §1.3, Appendix A).

Only the production ECK iD may leave the school in production. The pilot prefix is accepted in
test mode. A stampseudoniem (the legal *pseudoniem*, kept in the school's administration), a
first-level scrypt hash (HPgn) and the legacy ``id.school`` prefix never belong in an exchange.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum

from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

ECKID_PRODUCTION_PREFIX = "https://ketenid.nl/201703/"
ECKID_PILOT_PREFIX = "https://ketenid.nl/pilot/"
_HEX128 = re.compile(r"[0-9a-f]{128}")
_HEX128_ANY_CASE = re.compile(r"[0-9a-fA-F]{128}")
_HPGN = re.compile(r"[0-9a-f]{64}")
# The pilot stampseudoniem prefix is published (sppilot); the production one is not, so any
# ketenid.nl or id.school path starting with "sp" is taken as a stampseudoniem (an inference).
_STAMP = re.compile(r"https?://ketenid\.nl/sp[a-z]*/[0-9a-fA-F]+")
_LEGACY = "https://id.school/"
# The chain's own prefixes, public and the same for every pupil (a stampseudoniem's "sp…" too)
CHAIN_PREFIX = re.compile(r"https://ketenid\.nl/(?:201703|pilot|sp[a-z]*)/|https://id\.school/")


class PseudonymKind(Enum):
    ECKID = "ECK iD"
    ECKID_PILOT = "ECK iD (pilot)"
    STAMPSEUDONIEM = "stampseudoniem"
    HPGN = "first-level hash (HPgn)"
    LEGACY_IDSCHOOL = "legacy id.school identifier"
    OTHER = "other"


def classify_pseudonym(value: str) -> PseudonymKind:
    if value.startswith(ECKID_PRODUCTION_PREFIX):
        tail = value[len(ECKID_PRODUCTION_PREFIX) :]
        return PseudonymKind.ECKID if _HEX128.fullmatch(tail) else PseudonymKind.OTHER
    if value.startswith(ECKID_PILOT_PREFIX):
        tail = value[len(ECKID_PILOT_PREFIX) :]
        return PseudonymKind.ECKID_PILOT if _HEX128.fullmatch(tail) else PseudonymKind.OTHER
    if value.startswith(_LEGACY):  # every id.school value, stampseudoniem or not, is legacy
        return PseudonymKind.LEGACY_IDSCHOOL
    if _STAMP.fullmatch(value):
        return PseudonymKind.STAMPSEUDONIEM
    if _HPGN.fullmatch(value):
        return PseudonymKind.HPGN
    return PseudonymKind.OTHER


def contains_stampseudoniem(text: str) -> bool:
    """Whether a stampseudoniem occurs anywhere in the text (cheap prefilter first)."""
    return "/sp" in text and _STAMP.search(text) is not None


def malformation(value: str) -> str:
    """Why a value that should be a production ECK iD is not one: expected X, found Y."""
    for prefix in (ECKID_PRODUCTION_PREFIX, ECKID_PILOT_PREFIX):
        if value.startswith(prefix):
            tail = value[len(prefix) :]
            if _HEX128_ANY_CASE.fullmatch(tail):
                return "expected lower-case hexadecimal, found upper-case letters"
            if len(tail) == 128:
                return "expected 128 hexadecimal characters, found other characters among them"
            return f"expected 128 hexadecimal characters after the prefix, found {len(tail)}"
    if value.startswith(_LEGACY):
        return "expected the prefix https://ketenid.nl/201703/, found the legacy id.school prefix"
    return f"expected the prefix {ECKID_PRODUCTION_PREFIX} and 128 hexadecimal characters"


# A chain URL ends before trailing punctuation ("…e0c1: foutmelding", "(…)").
_CHAIN_URL = re.compile(r"https?://(?:ketenid\.nl|id\.school)/[^\s\"'<>,;]*[^\s\"'<>,;:.)]")
# In running text an id.school identifier is only believed in its real shape (hex digest).
_LEGACY_SHAPE = re.compile(r"https?://id\.school/(?:[a-z]+/)?[0-9a-f]{64,}")
_HPGN_IN_TEXT = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")
# A 64-hex value is an HPgn only where the field or the words before it say it is a person's
# hash; a file checksum in 'bestand_hash' is not.
_HPGN_FIELD_WORDS = frozenset(
    "hpgn pgn pseudo pseudonym pseudoniem pseudonymid eck eckid keten ketenid".split()
)
_FIELD_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_HPGN_TEXT_WORDS = (
    "hpgn",
    "pgn",
    "gehasht",
    "hash van",
    "hash of",
    "eerste hash",
    "pseudonym",
    "pseudoniem",
    "person hash",
    "persoonshash",
)
# "hashed_bsn", "leerling_hash": a hash word and a person word together.
_HASH_WORDS = frozenset({"hash", "hashed", "gehasht", "digest"})
_PERSON_WORDS = frozenset({"bsn", "pgn", "leerling", "student", "pupil", "person", "persoon"})
_TEXT_KINDS = {
    PseudonymKind.ECKID: "eckid",
    PseudonymKind.ECKID_PILOT: "eckid",
    PseudonymKind.STAMPSEUDONIEM: "stampseudoniem",
    PseudonymKind.LEGACY_IDSCHOOL: "idschool",
}


def find_chain_ids(text: str, hint: Hint) -> Iterator[Detection]:
    """ECK iDs, stampseudoniemen and id.school identifiers anywhere in a value; a bare HPgn
    (64 hex) only where the field's name says it holds a pseudonym or a hash of a person."""
    if "://" in text:
        for match in _CHAIN_URL.finditer(text):
            kind = _TEXT_KINDS.get(classify_pseudonym(match.group()))
            if kind == "idschool" and not _LEGACY_SHAPE.match(match.group()):
                continue
            if kind is not None:
                yield Detection(kind, match.start(), match.end(), Confidence.HIGH)
    words = {w.lower() for w in _FIELD_WORD.findall(hint.field)}
    person_field = (
        hint.category == "eck-id"
        or not words.isdisjoint(_HPGN_FIELD_WORDS)
        or (not words.isdisjoint(_HASH_WORDS) and not words.isdisjoint(_PERSON_WORDS))
    )
    for match in _HPGN_IN_TEXT.finditer(text):
        if person_field or near(text, match.start(), _HPGN_TEXT_WORDS, before=50):
            yield Detection("hpgn", match.start(), match.end(), Confidence.MEDIUM)
