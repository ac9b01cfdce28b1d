"""PSN-003 over whole exports: shared pseudonyms, split identities, duplicates of one pupil."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid

from conformance.checks.uniqueness import UniquenessTracker, _Places
from conformance.detect.safepath import safe_record_path
from conformance.model.findings import Location
from conformance.model.records import WHOLE, Record, RecordWindow, array_place

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"


def export(tmp_path: Path, pairs: list[tuple[str, str]], name: str = "x.xml") -> Path:
    body = "\n".join(
        f'<leerling key="{k}" eckid="{eckid(e)}"><jaargroep>5</jaargroep></leerling>'
        for k, e in pairs
    )
    path = tmp_path / name
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}">\n<leerlingen>\n{body}\n'
        "</leerlingen></leerlinggegevens>"
    )
    return path


def test_distinct_pupils_pass(tmp_path: Path, cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L2", "b"), ("L3", "c")])
    )
    assert run.verdict("PSN-003") == "pass"


def test_the_same_pupil_listed_twice_is_not_a_finding(tmp_path: Path, cli) -> None:
    run = cli("check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L1", "a")]))
    assert run.verdict("PSN-003") == "pass"


def test_two_pupils_sharing_a_pseudonym(tmp_path: Path, cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L2", "b"), ("L3", "a")])
    )
    (finding,) = run.findings("PSN-003")
    assert "two persons share one pseudonym" in finding["message"]
    assert finding["location"]["line"] == 3
    assert "x.xml:5)" in finding["message"]
    assert finding["occurrences"] == 2


def test_one_pupil_with_two_pseudonyms(tmp_path: Path, cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L1", "b"), ("L2", "c")])
    )
    (finding,) = run.findings("PSN-003")
    assert "one person (same key) has 2 different pseudonyms" in finding["message"]
    assert finding["rule"] == "pseudonym.identity_key"


def test_sharing_across_two_inputs(tmp_path: Path, cli) -> None:
    first = export(tmp_path, [("L1", "a")], "one.xml")
    second = export(tmp_path, [("L9", "a")], "two.xml")
    run = cli("check", "--profile", "uwlr-2.2", first, second)
    (finding,) = run.findings("PSN-003")
    assert finding["location"]["input"] == str(first)
    assert str(second) in finding["message"]


# JSON array items have no line: a finding names each record by its JSON pointer (it named
# only the file, and a supplier could not tell which of a million records were meant).

BSN = "111222333"  # valid 11-proef


def _json(tmp_path: Path, document: object, name: str = "x.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def _pupils(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"leerlingId": k, "eckId": eckid(e), "groep": "5a"} for k, e in pairs]


@pytest.mark.parametrize(
    ("document", "first", "second"),
    [
        # a top-level array (read in orjson slices, a window of columns)
        (_pupils([("L1", "a"), ("L2", "b"), ("L3", "a")]), "/0", "/2"),
        # under a key
        ({"leerlingen": _pupils([("L1", "a"), ("L2", "b"), ("L3", "a")])}, "/leerlingen/0", None),
        # a school's groups, each listing its pupils (records made one by one)
        (
            {
                "groepen": [
                    {"naam": "5a", "leerlingen": _pupils([("L1", "a"), ("L2", "b")])},
                    {"naam": "5b", "leerlingen": _pupils([("L3", "c"), ("L4", "a")])},
                ]
            },
            "/groepen/0/leerlingen/0",
            "/groepen/1/leerlingen/1",
        ),
    ],
)
def test_json_records_are_named_by_their_pointer(
    tmp_path: Path, cli: Any, document: object, first: str, second: str | None
) -> None:
    path = _json(tmp_path, document)
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("PSN-003")
    assert "two persons share one pseudonym" in finding["message"]
    assert finding["location"] == {"input": str(path), "line": None, "path": first}
    second = second or first.replace("/0", "/2")
    assert f"(also at {path} {second})" in finding["message"]


def test_a_second_pseudonym_far_into_a_json_array_is_found_where_it_is(
    tmp_path: Path, cli: Any
) -> None:
    """Past the first slices and windows: the index counts on across them."""
    pairs = [(f"L{i}", f"p{i}") for i in range(3000)] + [("L7", "other")]
    path = _json(tmp_path, _pupils(pairs))
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("PSN-003")
    assert "one person (same key) has 2 different pseudonyms" in finding["message"]
    assert finding["location"]["path"] == "/7"
    assert f"(also at {path} /3000)" in finding["message"]


def test_a_key_that_is_data_is_redacted_in_a_records_pointer(tmp_path: Path, cli: Any) -> None:
    path = _json(tmp_path, {BSN: _pupils([("L1", "a"), ("L2", "a")])})
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("PSN-003")
    assert finding["location"]["path"] == "/1********/0"
    assert not run.quoted(BSN)


def test_records_without_a_line_or_place_are_named_by_their_input() -> None:
    """JSON Lines and CSV have lines; a record with neither (one whose path is no array's
    item) still gives a finding, naming its input."""
    tracker = UniquenessTracker()
    tracker.add_input("x.json")
    for key in ("L1", "L2"):
        tracker.add("p", key, Record("record", {}, "x.json", None, ""))
    (finding,) = tracker.findings("PSN-003", "eckId")
    assert finding.location == Location("x.json", None, None)
    assert finding.message.endswith("(also at x.json)")


def test_places_beyond_the_limit_are_left_out_not_wrong() -> None:
    """Arrays past the limit give their items no place (memory stays bounded); those
    before keep theirs."""
    places = _Places(limit=2)
    codes = list(map(places.code, [("/a", 1), ("/b", 2), ("/c", 3), ("/a", 4), None]))
    assert codes[2] == 0 and codes[4] == 0
    assert [places.location("x", code).path for code in (codes[0], codes[1], codes[3])] == [
        "/a/1",
        "/b/2",
        "/a/4",
    ]


def test_a_window_gives_its_records_places_without_making_them() -> None:
    columns = RecordWindow.from_columns(
        "record", "x.json", ["a"], [["1", "2"]], lines=[None, None], pointer=str, items=("/k", 5)
    )
    assert columns.places() == [("/k", 5), ("/k", 6)]
    assert columns._made.built == [None, None]  # no record was made for it
    rows = RecordWindow.from_columns(
        "record", "x.csv", ["a"], [["1", "2"]], lines=[2, 3], pointer=lambda r: f"row {r}"
    )
    assert rows.places() == [None, None]
    given = RecordWindow(
        "leerling",
        [
            Record("leerling", {"a": ["1"]}, "x.json", None, "/groepen/0/leerlingen/12"),
            Record("leerling", {"a": ["1"]}, "x.xml", 4, "/school/leerling[1]"),
        ],
    )
    assert given.places() == [("/groepen/0/leerlingen", 12), None]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/leerlingen/150000", "/leerlingen/150000"),  # an item's index is no data
        ("/111222333/150000", "/1********/150000"),  # a key that is a BSN is
        ("/school/klas[2]/leerling[150000]", "/school/klas[2]/leerling[150000]"),
        ("row 150000", "row 150000"),  # a CSV's row
        ("/Sanne Jansen/0", "/S**** J*****/0"),
        ("/leerlingen/111222333", "/leerlingen/1********"),  # nine digits: a key, no index
        ("/a/0612345678", "/a/0*********"),
    ],
)
def test_a_records_position_is_shown_its_data_is_not(path: str, shown: str) -> None:
    """Indices of 100,000 and more were redacted as if they were numbers of a pupil's, which
    made every location in a large export useless (a review)."""
    assert safe_record_path(path) == shown


def _given(records: list[Record]) -> RecordWindow:
    return RecordWindow("record", records)


def test_a_large_exports_duplicate_is_named_by_its_whole_index() -> None:
    tracker = UniquenessTracker()
    tracker.add_input("x.json")
    given = _given(
        [
            Record("record", {}, "x.json", None, "/leerlingen/150000"),
            Record("record", {}, "x.json", None, ""),  # no place
        ]
    )
    tracker.add_many(["p", "p"], ["L1", "L2"], tracker.positions(given))
    (finding,) = tracker.findings("PSN-003", "eckId")
    assert finding.location == Location("x.json", None, "/leerlingen/150000")
    assert "(also at x.json)" in finding.message  # the second had no place


def test_a_column_windows_places_are_counted_on_from_its_first() -> None:
    """A JSON array's window of columns: one code worked out, the rest counted on from it."""
    tracker = UniquenessTracker()
    tracker.add_input("x.json")
    window = RecordWindow.from_columns(
        "record",
        "x.json",
        ["eckId"],
        [["a", "b", "a"]],
        lines=[None] * 3,
        pointer=str,
        items=("/leerlingen", 2048),
    )
    tracker.add_many(["a", "b", "a"], ["L1", "L2", "L3"], tracker.positions(window))
    (finding,) = tracker.findings("PSN-003", "eckId")
    assert finding.location == Location("x.json", None, "/leerlingen/2048")
    assert finding.message.endswith("(also at x.json /leerlingen/2050)")


def test_records_with_lines_keep_them() -> None:
    tracker = UniquenessTracker()
    window = _given([Record("record", {}, "x.jsonl", n, "") for n in (3, 4)])
    assert tracker.positions(window) == [3, 4]


def test_pupils_inside_a_json_lines_line_are_named_by_line_and_pointer(
    tmp_path: Path, cli: Any
) -> None:
    """A group's line listing its pupils: PSN-003 said "line 2 (also at line 2)", which of
    the line's pupils not said. Both records are named by their line and pointer, in every
    report (the text summary too)."""
    lines = [
        {"groep": "5a", "leerlingen": _pupils([("L1", "a"), ("L2", "b")])},
        {"groep": "5b", "leerlingen": _pupils([("L3", "c"), ("L3", "d")])},
    ]
    path = tmp_path / "groepen.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("PSN-003")
    assert finding["location"] == {"input": str(path), "line": 2, "path": "/leerlingen/0"}
    assert finding["message"].endswith(f"(also at {path}:2 /leerlingen/1)")
    text = cli("check", "--profile", "nl-generic", path, report=False).err
    assert f"{path}:2 /leerlingen/0: one person (same key)" in text


def test_a_lines_arrays_are_told_apart_from_another_lines() -> None:
    """The same pointer on two lines is two arrays; past the limit a record keeps its line."""
    places = _Places(limit=2)
    codes = [places.code(("/leerlingen", 1), line) for line in (3, 4, 5)]
    assert [places.location("x", code) for code in codes[:2]] == [
        Location("x", 3, "/leerlingen/1"),
        Location("x", 4, "/leerlingen/1"),
    ]
    assert codes[2] == 5  # no place left: the line alone
    assert places.code(None, 7) == 7


def test_xml_records_and_plain_lines_have_no_place() -> None:
    """Their lines are what names them: no place is looked up for them."""
    tracker = UniquenessTracker()
    xml = _given([Record("leerling", {}, "x.xml", n, f"/a/leerling[{n}]") for n in (3, 4)])
    assert not xml.pointed() and tracker.positions(xml) == [3, 4]
    grouped = _given([Record("leerling", {}, "x.jsonl", 2, f"/leerlingen/{n}") for n in (0, 1)])
    assert grouped.pointed()
    assert all(code & (1 << 63) for code in tracker.positions(grouped))


def test_places_hold_at_most_so_many_characters_of_pointers() -> None:
    """Keys may be 4,096 characters and arrays nested: 66,000 arrays held 1.2 GB (a review)."""
    places = _Places(chars=10)
    assert places.code(("/abcd", 1)) != 0
    assert places.code(("/efgh", 1)) != 0
    assert places.code(("/ijkl", 1)) == 0  # 15 characters would be over the 10
    assert places.code(("/abcd", 2)) != 0  # one held already costs nothing more


def test_the_text_summary_names_a_json_record_by_its_pointer(tmp_path: Path, cli: Any) -> None:
    path = _json(tmp_path, {"leerlingen": _pupils([("L1", "a"), ("L2", "a")])})
    run = cli("check", "--profile", "nl-generic", path, report=False)
    assert f"{path} /leerlingen/0: two persons share one pseudonym" in run.err


def test_a_last_step_of_nine_digits_or_more_is_no_index() -> None:
    """A BSN or a phone number as the last key of a pointer would have been shown as an
    item's index (a review): it is the whole place, shown redacted."""
    assert array_place("/leerlingen/12345678") == ("/leerlingen", 12345678)
    assert array_place("/a/0612345678") == ("/a/0612345678", WHOLE)
    places = _Places()
    assert places.location("x", places.code(array_place("/a/111222333"))).path == "/a/1********"
