"""The cheap conditions in front of the recognisers (detect.scan's gates, and the one search
over a column that marks values worth scanning) may only skip work, never findings: every
value on which a recogniser run unconditionally finds something passes them. Hypothesis builds
values from the pieces personal data is made of (digits, separators, letters before digits,
'+', '(', '@', lower-case IBANs) around real BSNs, phone numbers and IBANs."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conformance.detect import scan as scan_module
from conformance.detect.evaluate import load
from conformance.detect.scan import (
    _ANY,
    _GATES,
    _SEPARATOR,
    _SKELETON,
    _clean_skeletons,
    _marked,
    _memory,
    _search_for,
    _skeletons,
    _without_contained,
    candidates,
    scan,
    scan_column,
)
from conformance.detect.spans import NO_HINT, Detection

PIECES = st.sampled_from(
    [
        "111222333",
        "111 222 333",
        "1112.22.333",
        "0612345678",
        "06-12345678",
        "06\t12345678",
        "06 1 2 3 4 5 6 7 8",
        "010 2 3 4 5 6 7 8",
        "+31 6 12345678",
        "(020) 1234567",
        "0032 2 123 45 67",
        "nl91abna0417164300",
        "NL91 ABNA 0417 1643 00",
        "3511 AB",
        "Kerkstraat 12",
        "J. de Vries",
        "geb. 07-04-2013",
        "a@b.nl",
        "2013-04-07",
        "ean 8712345678901",
        "L00000017",
        "tel.",
        "L",
        "ABC",
        "-",
        "+",
        "(",
        "/",
        ".",
        ",",
        " ",
        "0",
        "9",
        "x",
    ]
)
VALUES = st.lists(PIECES, min_size=1, max_size=6).map("".join)


def _every_recogniser(value: str) -> list[Detection]:
    found: list[Detection] = []
    for _, _, finder in _GATES:
        found += finder(value, NO_HINT)
    return _without_contained(found)


@settings(max_examples=1500, deadline=None)
@given(value=VALUES)
def test_gates_skip_no_finding(value: str) -> None:
    everything = _every_recogniser(value)
    assert scan(value) == everything
    if everything:
        assert candidates([value]) == {0}, "a value with personal data was not marked"
        assert scan_column([value, "plain"], NO_HINT)[value] == everything


@settings(max_examples=1500, deadline=None)
@given(value=VALUES, other=VALUES)
def test_a_column_search_narrowed_to_its_characters_marks_what_the_full_one_marks(
    value: str, other: str
) -> None:
    """The column search drops the alternatives a text's kinds of character cannot match
    (no letters, no lower case …): it must mark exactly the values the full search marks."""
    values = [value, other, "9789939494821", "L00000017"]
    joined = "\x1f".join(values)
    full = {i for i, v in enumerate(values) if _ANY.search(v)}
    assert candidates(values) >= full
    assert (_search_for(joined).search(joined) is None) == (_ANY.search(joined) is None)


# The pieces names are written with: given names and surnames (the lists' and others),
# particles, initials, context words, capitals with accents, commas and every kind of space.
NAME_PIECES = st.sampled_from(
    [
        "Sanne",
        "Anna",
        "Mees",
        "Elin",
        "Ömer",
        "Łukasz",
        "Jansen",
        "Vries",
        "Visser",
        "Öztürk",
        "Çelik",
        "Nowak",
        "Tekle",
        "PIET",  # names in capitals (an administration's surnames)
        "JANSEN",
        "VAN",
        "ÖZTÜRK",
        "de",
        "van",
        "'t",
        "vAN",
        "dE",
        "McD",
        "Jan-",
        "J.",
        "P.J.",
        "mw",
        "mw.",
        "moeder",
        "ll.",
        "en",
        " en ",
        "&",
        " & ",
        "/",
        "+",
        ",",
        ", ",
        " ",
        "\n",
        "\t",
        "\xa0",
        "\x1e",
        "\x1f",
        ";",
        ":",
        '"',
        "(",
        ")",
        "-",
        "x",
        "5",
    ]
)
NAME_VALUES = st.lists(NAME_PIECES, min_size=1, max_size=7).map("".join)


@settings(max_examples=2000, deadline=None)
@given(value=NAME_VALUES)
@example(value="PIET JANSEN")  # names in capitals, which no gate let through
@example(value="JANSEN,PIET")
@example(value="ÖZTÜRK,\tPIET")
@example(value="mw JANSEN")
@example(value="mw.PIET")
@example(value="PIET en Sanne")
@example(value="PIET&Sanne")
def test_gates_skip_no_name(value: str) -> None:
    """The names gate and the column search let through every name the finder reads:
    "Vries, Anna de" (a comma), "Elin Öztürk" and "Łukasz Nowak" (capitals with accents),
    "mw Jansen" (a context word of two letters), "Sanne\nJansen" and "Sanne\x1eJansen" (any
    white space, control characters too), "McD Jansen", "Sanne vAN Jansen"."""
    everything = _every_recogniser(value)
    assert scan(value) == everything
    if everything:
        assert candidates([value]) == {0}, "a value with a name was not marked"
        assert scan_column([value, "plain"], NO_HINT)[value] == everything


CORPORA = [
    Path(__file__).resolve().parent.parent / "fixtures" / folder / name
    for folder, name in (("pii-corpus", "corpus.jsonl"), ("pii-heldout", "heldout.jsonl"))
]


def test_gates_skip_nothing_the_recognisers_find_in_the_corpora() -> None:
    """Every value of both evaluation corpora: what the recognisers find unconditionally the
    gates let through ("Visser, Mees", "Verbeek, Lieke" in a CSV row were skipped)."""
    values = [example.value for corpus in CORPORA for example in load(corpus)]
    assert len(values) > 3000
    skipped = sum(scan(v) != _every_recogniser(v) for v in values)  # a count: no value shown
    assert skipped == 0, "values lost findings to the gates"


DIGITS_AND_MARKS = st.text(alphabet="0123456789+()-. /:@LlAaBbZ\u0663", max_size=16)


@settings(max_examples=1500, deadline=None)
@given(value=VALUES | DIGITS_AND_MARKS)
def test_a_value_is_marked_exactly_when_its_skeleton_is(value: str) -> None:
    """No pattern of the column search tells the digits 1, 2, 4 … 9 apart, so the values of a
    skeleton seen unmarked are not searched again: that holds only if this does."""
    assert candidates([value]) == candidates([value.translate(_SKELETON)])


@settings(max_examples=500, deadline=None)
@given(
    values=st.lists(VALUES | DIGITS_AND_MARKS, min_size=1, max_size=8, unique=True),
    seen=st.lists(VALUES | DIGITS_AND_MARKS, max_size=8, unique=True),
)
def test_what_skeletons_remember_changes_no_marking(values: list[str], seen: list[str]) -> None:
    _clean_skeletons.clear()
    _marked(seen)  # the skeletons of other values, some of them the same, remembered
    assert _marked(values) == [values[i] for i in sorted(candidates(values))]


def test_long_values_are_not_remembered() -> None:
    """What scan_column remembers is bounded in bytes: a file of distinct 16 MiB values kept
    65,536 of them (1.3 GB for forty of 15 MiB). Values of more than 256 characters, and their
    skeletons, are scanned each time instead."""
    short, long = "Groep 7C", "x" * 257
    _clean_skeletons.clear()
    assert scan_column([short, long], NO_HINT) == {}
    clean, held = _memory.of(NO_HINT)
    assert short in clean and long not in clean and long not in held
    assert long.translate(_SKELETON) not in _clean_skeletons


def test_long_values_seen_clean_are_known_by_their_digest() -> None:
    """A long text repeated in every record is scanned once (remembered by a 16-byte digest,
    not as itself); one that holds personal data is found every time."""
    clean, dirty = "Standaardtekst " * 40, "Standaardtekst " * 40 + " mail a@b.nl"
    assert scan_column([clean], NO_HINT) == {}
    with patch("conformance.detect.scan._marked", side_effect=AssertionError("scanned again")):
        assert scan_column([clean], NO_HINT) == {}
    for _ in range(2):
        assert [d.recogniser for d in scan_column([dirty], NO_HINT)[dirty]] == ["email"]


@given(st.lists(st.text(alphabet=st.sampled_from(["1", "7", "0", "3", "a", _SEPARATOR, "é"]))))
def test_skeletons_of_a_column_are_each_values_own(values: list[str]) -> None:
    """One translate over the column joined, also when a value holds the separator."""
    assert _skeletons(values) == [value.translate(_SKELETON) for value in values]


def test_every_finder_says_what_it_finds() -> None:
    """scan_column's ``only`` picks finders by what they find: a finder added to the gates
    without its kinds would be a KeyError in NAW-002, and one listed with the wrong kinds
    would be skipped where its kind is asked for."""
    finders = {finder for _, _, finder in scan_module._GATES}
    assert set(scan_module._FINDS) == finders
    samples = {
        "email": "jan@example.nl",
        "bsn": "111222333",
        "iban": "NL91ABNA0417164300",
        "phone": "06-12345678",
        "postcode": "1234 AB",
        "address": "Kerkstraat 12",
        "birthdate": "geboren 7 april 2013",
        "name": "Sanne de Vries",
    }
    for kind, text in samples.items():
        (finder,) = [f for f, kinds in scan_module._FINDS.items() if kind in kinds]
        assert kind in {d.recogniser for d in finder(text, scan_module.NO_HINT)}, kind
