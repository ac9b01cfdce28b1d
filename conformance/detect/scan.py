"""Run every value recogniser over a value: the entry point for NAW-002 and the evaluation.

Each recogniser is a generator ``(text, hint) -> Detection``. A cheap look at the value first
decides which can possibly match (digits, '@', '://', capitals), so plain codes, scores and
words cost almost nothing.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import accumulate

from conformance.detect.contact import (
    OBFUSCATED_AT,
    OBFUSCATED_AT_ANY_CASE,
    find_emails,
    find_phones,
)
from conformance.detect.dates import find_birthdates
from conformance.detect.name_lists import NAME_CONTEXT
from conformance.detect.names import JOINED, find_names
from conformance.detect.numbers import (
    NAMED_NUMBER,
    PERSONAL_NUMBER,
    find_ibans,
    find_personal_numbers,
)
from conformance.detect.places import find_addresses, find_postcodes
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

# Each recogniser runs only where its necessary condition holds. The conditions are chosen to
# be cheap (a substring test or a short regex without big alternations: ~1 µs on a record's
# values joined together), so plain codes, keys, scores, dates and words cost almost nothing.
# A field's hint stands in for the condition where the field itself is the context (eight
# digits in a field called bsn, a date in a field called geboortedatum).
Gate = Callable[[str, str], bool]  # (value, value in lower case) -> may match

# The personal-number and phone finders only match where no letter (or the like) comes just
# before the digits; their gates say the same, so "L00000017" or "ABC0612" cost one search.
_IBAN_START = re.compile(r"[A-Za-z]{2}\d\d")
_PHONE_START = re.compile(r"\+3|\(0|(?<![\w+])0\d")
_POSTCODE_LIKE = re.compile(r"[1-9]\d{3}[ \xa0\u202f]?[A-Za-z]{2}(?![A-Za-z])")
_WORD_THEN_NUMBER = re.compile(r"[a-z] \d")
_HEX64 = re.compile(r"[0-9a-f]{64}")
# The letters a name's words are made of (detect.names reads them): Latin capitals with
# their accents (Öztürk, Łukasz, Çelik: the range Ā-Ž holds small letters too, which only
# loosens the gate), then small letters, apostrophes and hyphens.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOWER = "a-zß-öø-ÿĀ-ž'’-"


# A word in capitals, a space or a comma, any words, and a capital ("PIET JANSEN", "JANSEN,
# PIET", "PIET en Sanne"); or
# a word in capitals after a word ("mevrouw JANSEN", "ouders van DAAN", "mw.JANSEN").
# A word is at most WORD_MAX letters, taken whole (possessive): a run of 20,000 capitals
# without a space was searched again from each of its letters (30 s for 20 KB).
WORD_MAX = 64
_IN_CAPITALS = (
    rf"[{_UPPER}]{{{{2}}}}(?:[^\W\d_]|['’-]){{{{0,{WORD_MAX}}}}}+"
    rf"(?:{{space}}*[,&/+]{{space}}*|{{space}}+)"
    rf"(?:(?:[^\W\d_]|['’-]){{{{1,{WORD_MAX}}}}}+{{space}}+){{{{0,4}}}}[{_UPPER}]"
    rf"|(?<=[^\W\d_])(?:{{space}}+|\.{{space}}*)[{_UPPER}]{{{{2}}}}"
)


def _names_gate_with(space: str) -> Gate:
    """What every name :func:`find_names` reads needs: two capitalised words (any words
    between: "van dE", "McD"; or "&", "/", "+": "Isa/Bilal"), initials, a name joined into one
    word, a capitalised word after a comma, or a capitalised word and a word of context
    ("moeder", "mw"). ``space`` is what separates words: in one value any white space the
    finder splits on (control characters too), across values joined for the column search
    anything but its separator."""
    word = r"(?:[^\W\d_]|['’-])"  # any letter, an apostrophe or a hyphen
    two_capitalised = re.compile(  # (a word: see WORD_MAX)
        rf"[{_UPPER}][{_LOWER}]{word}{{0,{WORD_MAX}}}+{space}+"
        rf"(?:{word}{{1,{WORD_MAX}}}+{space}+){{0,4}}[{_UPPER}]|[A-Z]\."
    )
    comma_then_capital = re.compile(rf",{space}*[{_UPPER}]")  # "Vries, Anna de", "Jansen, P."
    paired = re.compile(rf"[{_UPPER}][{_LOWER}]+{space}*[&/+]{space}*[{_UPPER}]")  # "Isa/Bilal"
    in_capitals = re.compile(_IN_CAPITALS.format(space=space))

    def gate(value: str, lower: str) -> bool:
        if (
            two_capitalised.search(value)
            or paired.search(value)
            or in_capitals.search(value)
            or _JOINED_VALUE.search(value)
        ):
            return True
        if _CAPITALISED.search(value) is None:
            return False
        return comma_then_capital.search(value) is not None or any(
            w in lower for w in _NAME_CONTEXT
        )

    return gate


_CAPITALISED = re.compile(f"[{_UPPER}][{_LOWER}]")
_BIRTH_WORDS = ("geb", "born", "birth", "dob", "d.o.b", "jarig", "verjaardag", "°")
_NAME_CONTEXT = tuple(w.rstrip(".") for w in NAME_CONTEXT)  # "mw", "mr" too


# A whole value that may be a name joined into one word ("sanne.jansen"), alone or among
# values joined with "\x1f" (the column search's separator).
_JOINED_VALUE = re.compile(rf"(?:^|(?<=\x1f))(?:{JOINED.pattern})(?=\x1f|$)")


_names_gate = _names_gate_with(r"\s")
_SEPARATOR = "\x1f"  # in no pattern of _ANY: a match never spans two values
# The gates a column's values, joined by the separator, are asked through where it differs
_ACROSS_VALUES: dict[Gate, Gate] = {_names_gate: _names_gate_with(r"[^\S\x1f]")}


# The words NAMED_NUMBER starts with, lowered: looked for as substrings first (in C).
_NUMBER_NAMES = ("bsn", "sofi", "burgerservice")


def _names_a_number(low: str) -> bool:
    """Whether the lowered text holds a word that names a personal number (substring tests in
    C, before the named-number pattern is asked)."""
    return any(word in low for word in _NUMBER_NAMES)


_GATES: tuple[tuple[Gate, frozenset[str], Finder], ...] = (
    (lambda v, low: "@" in v or OBFUSCATED_AT.search(low) is not None, frozenset(), find_emails),
    (
        lambda v, _: "://" in v or (len(v) >= 64 and _HEX64.search(v) is not None),
        frozenset({"eck-id"}),
        find_chain_ids,
    ),
    (
        # the finder's own pattern: eight or nine digits as written, not inside a longer
        # number, so a column of EANs or order numbers is not scanned value by value
        lambda v, low: (
            PERSONAL_NUMBER.search(v) is not None
            or (_names_a_number(low) and NAMED_NUMBER.search(v) is not None)
        ),
        frozenset({"bsn", "onderwijsnummer", "sofinummer", "national-id"}),
        find_personal_numbers,
    ),
    (lambda v, _: _IBAN_START.search(v) is not None, frozenset(), find_ibans),
    (lambda v, _: _PHONE_START.search(v) is not None, frozenset(), find_phones),
    (
        lambda v, _: _POSTCODE_LIKE.search(v) is not None,
        frozenset({"postcode", "postcode4", "address"}),
        find_postcodes,
    ),
    (lambda v, _: _WORD_THEN_NUMBER.search(v) is not None, frozenset(), find_addresses),
    (lambda _, low: any(w in low for w in _BIRTH_WORDS), frozenset({"birthdate"}), find_birthdates),
    (_names_gate, frozenset({"name"}), find_names),
)


# The union of the gates' quick forms, for whole records: a single search with no large
# alternation (those defeat the regex engine's scanning), looser than the gates themselves.
# Each alternative with the kinds of character it cannot match without: a column with no
# letters (EANs, dates) or no lower case (pupil numbers) is searched with only those that
# could match it, two or three times faster.
_ALTERNATIVES: tuple[tuple[str, frozenset[str]], ...] = (
    ("@", frozenset()),
    (OBFUSCATED_AT_ANY_CASE, frozenset({"at-word"})),
    ("://", frozenset()),
    (PERSONAL_NUMBER.pattern, frozenset({"digit"})),
    (NAMED_NUMBER.pattern, frozenset({"named-number", "digit"})),
    (_IBAN_START.pattern, frozenset({"letter", "digit"})),
    (_PHONE_START.pattern, frozenset({"digit"})),
    (_POSTCODE_LIKE.pattern, frozenset({"letter", "digit"})),
    (_WORD_THEN_NUMBER.pattern, frozenset({"lower", "digit"})),
    (rf"{_CAPITALISED.pattern}|[A-Z]\.|DOB", frozenset({"upper"})),
    (_IN_CAPITALS.format(space=r"[^\S\x1f]"), frozenset({"upper"})),
    (_JOINED_VALUE.pattern, frozenset({"letter"})),
    (r"[Gg]eb|[Bb]orn|[Bb]irth|dob|[Jj]arig|[Vv]erjaardag", frozenset({"lower"})),
)
# \d, not [0-9]: the number patterns' \d matches every script's digits too
_PRESENT = (
    ("digit", re.compile(r"\d")),
    ("upper", re.compile(f"[{_UPPER}]")),
    ("lower", re.compile("[a-z]")),
)
# Rare words, looked for in the text lowered (substring tests in C: as alternatives of one
# pattern they cost 30 times more): an alternative that needs them costs the search nothing
# where they are absent. An obfuscated "at" needs a space or a bracket first (a test per
# character, cheaper still: a column of ECK iDs has neither).
_RARE_WORDS = (
    ("named-number", "", _NUMBER_NAMES),
    ("at-word", " [({<", ("at]", "at)", "at}", "at>", "apenstaartje", " at ")),
)


@lru_cache(maxsize=64)
def _search_with(present: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(p for p, needs in _ALTERNATIVES if needs <= present))


def _search_for(text: str) -> re.Pattern[str]:
    """The column search for this text: the alternatives its kinds of character allow."""
    present = {name for name, pattern in _PRESENT if pattern.search(text)}
    if "upper" in present or "lower" in present:
        present.add("letter")
        lowered = text.lower()
        present.update(
            kind
            for kind, first, words in _RARE_WORDS
            if (not first or any(c in text for c in first)) and any(w in lowered for w in words)
        )
    return _search_with(frozenset(present))


_ANY = _search_with(
    frozenset([name for name, _ in _PRESENT] + [kind for kind, _, _ in _RARE_WORDS] + ["letter"])
)


def might_contain(text: str) -> bool:
    """Whether any recogniser could find something (without field hints), so a caller can test
    a whole record's values, joined, at once."""
    if _ANY.search(text) is not None:
        return True
    return len(text) >= 64 and _HEX64.search(text) is not None


HINTED = frozenset().union(*(categories for _, categories, _ in _GATES))


def candidates(values: list[str]) -> set[int]:
    """The indices of the values any recogniser could find something in (without field
    hints): one search over all of them joined, each hit mapped back to its value, so a record
    costs one regex pass and only the values that hit are scanned."""
    joined = _SEPARATOR.join(values)
    hits: set[int] = set()
    search = _search_for(joined).search
    found = search(joined)
    if found is not None:  # the common record stops here, after one search
        starts = list(accumulate((len(v) + 1 for v in values[:-1]), initial=0))
        while found is not None:  # a hit marks its value; the search resumes at the next one
            index = bisect_right(starts, found.start()) - 1
            hits.add(index)
            following = index + 1
            found = search(joined, starts[following]) if following < len(starts) else None
    if any(len(v) >= 64 for v in values):
        hits |= {i for i, v in enumerate(values) if len(v) >= 64 and _HEX64.search(v)}
    if joined.count(_SEPARATOR) >= len(values):  # a value holds the separator: a name in
        hits |= {i for i, v in enumerate(values) if _SEPARATOR in v}  # it looks cut in two
    return hits


def scan(value: str, hint: Hint = NO_HINT) -> list[Detection]:
    """Every detection in the value, in order of position."""
    return _scan_with(value, hint, list(_GATES))


_CACHE_LIMIT = 1 << 16
_Key = Hint | tuple[Hint, frozenset[str]]  # a column's memory: its hint, and what was asked


class _Memory:
    """What scan_column found per field hint, bounded: the values that hold nothing (a set; a
    long one as its digest) and what the others hold. When full (more than ``limit`` values in
    all) it is forgotten whole rather than tracking recency per lookup."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.by_hint: dict[_Key, tuple[set[str | bytes], dict[str, list[Detection]]]] = {}

    def of(self, hint: _Key) -> tuple[set[str | bytes], dict[str, list[Detection]]]:
        return self.by_hint.setdefault(hint, (set(), {}))

    def room_for(
        self, hint: _Key, count: int
    ) -> tuple[set[str | bytes], dict[str, list[Detection]]]:
        if self.size + count > self.limit:
            self.by_hint.clear()
            self.size = 0
        self.size += count
        return self.of(hint)


_memory = _Memory(_CACHE_LIMIT)


def scan_column(
    values: list[str], hint: Hint = NO_HINT, only: frozenset[str] | None = None
) -> dict[str, list[Detection]]:
    """:func:`scan` of every distinct value of one field, for a column at once: the values
    that hold something, each with what it holds (most columns: none). Values seen before are
    remembered (at most 65,536: a column of product codes or EANs repeats a few values a
    million times; one longer than 256 characters by a 16-byte digest, so that memory is
    bounded in bytes too); the column is compared with them as sets, in C. Of the rest, only
    those one search over them all joined marks are scanned (unless the field's name is the
    context), and a gate that holds for none of them joined is not asked again per value (a
    gate that holds for a value holds for any text containing it). With ``only``, just the
    recognisers of those kinds run (what else they find may be missing). The lists may be
    shared: read them, do not change them."""
    key = hint if only is None else (hint, only)
    clean, held = _memory.of(key)
    distinct = set(values)
    found = {value: held[value] for value in distinct & held.keys()}
    unseen = list(distinct - clean - held.keys())
    long_ones = unseen and max(map(len, unseen)) > _MEMORABLE  # most columns: none, in C
    digests = {v: _digest(v) for v in unseen if len(v) > _MEMORABLE} if long_ones else {}
    if digests:  # a long value seen clean is in the memory as its digest
        unseen = [value for value in unseen if digests.get(value) not in clean]
    if not unseen:
        return found
    marked = unseen if hint.category in HINTED else _marked(unseen)
    live = _live_gates(marked, hint, only) if marked else []
    fresh = {value: hit for value in marked if (hit := _scan_with(value, hint, live))}
    found.update(fresh)
    clean, held = _memory.room_for(key, len(unseen))
    if digests:
        clean.update(digests.get(value, value) for value in unseen if value not in fresh)
        held.update((value, hit) for value, hit in fresh.items() if value not in digests)
    else:  # the common column: in C
        clean.update(unseen)  # a value no recogniser could read finds nothing: scan() gives []
        clean.difference_update(fresh)
        held.update(fresh)
    return found


# Values longer than this are remembered by their digest (and their skeletons not at all): a
# file of distinct 16 MiB values would otherwise keep 65,536 of them; a long text repeated in
# every record is still scanned once.
_MEMORABLE = 256


def _digest(value: str) -> bytes:
    """BLAKE2b of the UTF-8, encoded 64 K characters at a time (a 16 MiB value is not copied
    whole). Not Python's own str hash: it covers code units, so two different strings can share
    it whatever the key. (Bytes never equal a str, so digests and values share one set.)"""
    digest = hashlib.blake2b(digest_size=16)
    for start in range(0, len(value), _PIECE):
        digest.update(value[start : start + _PIECE].encode("utf-8", "surrogatepass"))
    return digest.digest()


_PIECE = 1 << 16


def _marked(values: list[str]) -> list[str]:
    """The values :func:`candidates` marks; those of a skeleton known to be unmarked are not
    searched again (a column of pupil numbers has a million values but some 800
    skeletons)."""
    skeletons = _skeletons(values)
    unknown = dict.fromkeys(skeletons).keys() - _clean_skeletons
    if not unknown:
        return []
    searched = [v for v, skeleton in zip(values, skeletons, strict=True) if skeleton in unknown]
    marked = [searched[i] for i in sorted(candidates(searched))]
    if len(_clean_skeletons) + len(unknown) > _CACHE_LIMIT:
        _clean_skeletons.clear()
    unmarked = unknown.difference(v.translate(_SKELETON) for v in marked)
    _clean_skeletons.update(skeleton for skeleton in unmarked if len(skeleton) <= _MEMORABLE)
    return marked


def _skeletons(values: list[str]) -> list[str]:
    """Each value's skeleton: one translate of them all joined, split again (a value holding
    the separator splits into more parts than there are values: then one at a time)."""
    skeletons = _SEPARATOR.join(values).translate(_SKELETON).split(_SEPARATOR)
    if len(skeletons) != len(values):
        skeletons = [value.translate(_SKELETON) for value in values]
    return skeletons


# A value's skeleton: its digits other than 0 and 3 written as 1. No pattern of the column
# search tells those digits apart (it has \d, [1-9], "0\d" and "\+3"), so a value is marked
# exactly when its skeleton is (tests/test_scan_gates.py holds the two to the same answer).
_SKELETON = str.maketrans("12456789", "11111111")
_clean_skeletons: set[str] = set()


def _live_gates(
    values: list[str], hint: Hint, only: frozenset[str] | None = None
) -> list[tuple[Gate, frozenset[str], Finder]]:
    joined = _SEPARATOR.join(values)
    lower = joined.lower()
    # a value holding the separator itself is asked through its gates one by one
    whole = joined.count(_SEPARATOR) == len(values) - 1
    return [
        (gate, categories, finder)
        for gate, categories, finder in _GATES
        if (only is None or not only.isdisjoint(_FINDS[finder]))
        and (
            not whole
            or hint.category in categories
            or _ACROSS_VALUES.get(gate, gate)(joined, lower)
        )
    ]


# What each finder can find (for scan_column's ``only``).
_FINDS: dict[Finder, frozenset[str]] = {
    find_emails: frozenset({"email"}),
    find_chain_ids: frozenset({"eckid", "stampseudoniem", "idschool", "hpgn"}),
    find_personal_numbers: frozenset({"bsn", "onderwijsnummer"}),
    find_ibans: frozenset({"iban"}),
    find_phones: frozenset({"phone"}),
    find_postcodes: frozenset({"postcode"}),
    find_addresses: frozenset({"address"}),
    find_birthdates: frozenset({"birthdate"}),
    find_names: frozenset({"name"}),
}


def _scan_with(
    value: str, hint: Hint, gates: list[tuple[Gate, frozenset[str], Finder]]
) -> list[Detection]:
    lower = value.lower()
    found: list[Detection] = []
    for gate, categories, finder in gates:
        if hint.category in categories or gate(value, lower):
            found += finder(value, hint)
    return _without_contained(found)


def _without_contained(found: list[Detection]) -> list[Detection]:
    """Drop a detection inside another one's span when it is the weaker reading of the same
    characters (digits of an IBAN or ECK iD read as a BSN, a name inside an e-mail address).
    One sweep in order of position: the kept detection reaching furthest is the container to
    ask (comparing every pair made long free text quadratic)."""
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[Detection] = []
    seen: set[Detection] = set()
    widest: Detection | None = None
    for detection in found:
        inside = widest is not None and detection.end <= widest.end
        if inside and widest is not None and not _may_nest(widest.recogniser, detection.recogniser):
            continue
        if detection not in seen:
            seen.add(detection)
            kept.append(detection)
            if widest is None or detection.end > widest.end:
                widest = detection
    return kept


def _may_nest(outer: str, inner: str) -> bool:
    """A postcode inside an address is its own finding; everything else inside is absorbed."""
    return outer == "address" and inner == "postcode"
