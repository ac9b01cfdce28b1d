"""Found without a profile, a JSON export's records are its persons, not its groups: an array
under a key that names a school, group or product (``groepen``, ``vestigingen``, ``cursussen``)
holds no person's records — its members are values outside the records, its name a group's —
and an array of persons nested in one of those or in a wrapper (``leerlingen``, ``deelnemers``)
holds the records. Groups read as records failed PSN-001 (a group has no ECK iD), NAW-001 and
MIN-001 on the group's name, and LNK-002 (a "code list" of a group name beside its pupils')."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid, read_streamed

from conformance.model.errors import InputError
from conformance.model.records import OUTSIDE
from conformance.readers import json as json_reader

BSN = "111222333"  # valid 11-proef


def _pupils(group: str, count: int = 3) -> list[dict[str, str]]:
    return [{"eckId": eckid(f"{group}{i}"), "leerlingId": f"{group}-{i}"} for i in range(count)]


def _read(document: Any) -> list[tuple[str, str, dict[str, list[str]]]]:
    stream = io.BufferedReader(io.BytesIO(json.dumps(document).encode()))  # type: ignore[arg-type]
    windows = json_reader.read_json(stream, "export.json", {})
    return [(r.kind, r.path, r.fields) for w in windows for r in w.records]


def _check(tmp_path: Path, cli: Any, document: Any) -> Any:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    return cli("check", "--profile", "nl-generic", path)


def test_pupils_nested_in_groups_are_the_records() -> None:
    document = {
        "groepen": [
            {"naam": "Groep 5a", "leerlingen": _pupils("a", 2)},
            {"naam": "Groep 5b", "leerlingen": _pupils("b", 1)},
        ]
    }
    read = _read(document)
    records = [(kind, path) for kind, path, _ in read if kind != OUTSIDE]
    assert records == [
        ("leerlingen", "/groepen/0/leerlingen/0"),
        ("leerlingen", "/groepen/0/leerlingen/1"),
        ("leerlingen", "/groepen/1/leerlingen/0"),
    ]
    outside = [fields for kind, _, fields in read if kind == OUTSIDE]
    assert outside == [{"groepen/naam": ["Groep 5a", "Groep 5b"]}]


@pytest.mark.parametrize(
    "document",
    [
        {"groepen": [{"naam": "Groep 5a", "leerlingen": _pupils("a")}]},
        {"klassen": [{"naam": "H3b", "mentor": "HVR", "leerlingen": _pupils("a")}]},
        {"scholen": [{"naam": "OBS De Linde", "groepen": [{"leerlingen": _pupils("a")}]}]},
        {"cursussen": [{"id": "c1", "naam": "Wiskunde 2B", "deelnemers": _pupils("a")}]},
        {"data": {"groep": {"naam": "Groep 5a"}, "leerlingen": _pupils("a")}},
        {
            "groepen": [{"id": "g5a", "naam": "Groep 5a", "jaargroep": "5"}],
            "vestigingen": [{"naam": "De Linde", "telefoon": "020-1234567"}],
            "leerlingen": _pupils("a"),
        },
        {"leerlingen": [{**p, "subgroepen": [{"naam": "Rekengroep"}]} for p in _pupils("a")]},
    ],
    ids=["nested", "classes", "schools", "courses", "wrapper", "beside", "subgroups"],
)
def test_a_groups_name_beside_its_pupils_is_conformant(
    tmp_path: Path, cli: Any, document: Any
) -> None:
    run = _check(tmp_path, cli, document)
    assert run.code == 0, run.out
    assert run.report["inputs"][0]["records"] == 3


def test_a_pupils_name_in_a_group_and_a_bsn_in_a_groups_name_still_fail(
    tmp_path: Path, cli: Any
) -> None:
    pupils = _pupils("a")
    pupils[1]["achternaam"] = "Jansen"
    run = _check(tmp_path, cli, {"groepen": [{"naam": "Groep 5a", "leerlingen": pupils}]})
    assert run.verdict("NAW-001") == "fail"
    assert [f["field"] for f in run.findings("NAW-001")] == ["achternaam"]
    assert run.findings("NAW-001")[0]["location"]["path"] == "/groepen/0/leerlingen/1"

    groups = [{"naam": f"Groep 5a ({BSN})", "leerlingen": _pupils("a")}]
    run = _check(tmp_path, cli, {"groepen": groups})
    assert run.verdict("NAW-002") == "fail"
    messages = [f["message"] for f in run.findings("NAW-002")]
    assert any("'groepen/naam' outside the records" in m for m in messages), messages
    assert not run.quoted(BSN)


def test_a_groups_list_alone_has_no_records(tmp_path: Path, cli: Any) -> None:
    """Groups without pupils in them are no export of pupils: said, not passed."""
    run = _check(tmp_path, cli, {"groepen": [{"naam": "Groep 5a"}, {"naam": "Groep 5b"}]})
    assert run.code == 2
    assert "no records found" in run.err


def test_a_list_of_things_holds_records_only_where_they_are_a_pupils(
    tmp_path: Path, cli: Any
) -> None:
    """Licences and results are a pupil's (an ECK iD, a pupil's key): records. Products
    beside them carry neither: values outside the records (PSN-001 failed on every product,
    NAW-001 on its name)."""
    products = [{"productId": "P1", "naam": "Staal taal groep 6", "ean": "8712345678906"}]
    licences = [{"eckId": eckid(f"p{i}"), "productId": "P1"} for i in range(3)]
    document = {"producten": products * 2, "licenties": licences}
    read = _read(document)
    # the products are held until their list is decided (at its end here): read last
    assert [kind for kind, _, _ in read] == ["licenties"] * 3 + [OUTSIDE]
    assert read[-1][2]["producten/naam"] == ["Staal taal groep 6"] * 2
    run = _check(tmp_path, cli, document)
    assert run.code == 0, run.out
    assert run.report["inputs"][0]["records"] == 3

    results = [{"leerlingId": "L1", "toets": "Rekenen M5", "score": "7"}]
    run = _check(tmp_path, cli, {"toetsen": results})  # a pupil's key: a pupil's result
    assert run.verdict("PSN-001") == "fail"


@pytest.mark.parametrize(
    "document",
    [
        # a class's or a stamgroep's list of its pupils: records, their data examined
        {"klas": [{"eckId": eckid("a"), "voornaam": "Sanne", "bsn": BSN}]},
        {
            "leerlingen": _pupils("a"),
            "stamgroep": [{"eckId": eckid("s"), "email": "sanne@jansen.nl"}],
        },
        # a licence's or a result's person data: the item is a person's
        {"leerlingen": _pupils("a"), "licenties": [{"product": "Staal", "adres": "Kerkstraat 12"}]},
        {"leerlingen": _pupils("a"), "toetsen": [{"toets": "M6", "naam": "Sanne Jansen"}]},
        # a product's licences with their ECK iDs
        {"producten": [{"ean": "9789012345678", "licenties": [{"eckId": "leerling-42"}]}]},
    ],
    ids=["klas", "stamgroep", "licence-address", "test-name", "product-licences"],
)
def test_a_list_named_like_a_group_or_thing_still_holds_its_pupils(
    tmp_path: Path, cli: Any, document: Any
) -> None:
    """Review of d024c84..17070c6: each passed (or found no records), the old reader failed
    them. A list is a pupil's wherever its items carry a pupil's data."""
    run = _check(tmp_path, cli, document)
    assert run.code == 1, run.out
    assert not run.quoted(BSN)


def test_a_licence_without_its_eck_id_is_still_a_licence(tmp_path: Path, cli: Any) -> None:
    """Items of one list are one kind: a licence with a blank ECK iD is no product."""
    licences = [
        {"eckId": eckid("a"), "product": "X"},
        {"eckId": "", "product": "X"},
        {"eckId": None, "product": "X"},
    ]
    run = _check(tmp_path, cli, {"licenties": licences})
    assert run.report["inputs"][0]["records"] == 3
    assert run.findings("PSN-001")[0]["occurrences"] == 2


def test_a_pointer_after_a_stand_in_counts_the_items_read_before(tmp_path: Path) -> None:
    """Items read in orjson slices are stood in for by a null: a record nested after them
    was placed at index 1 instead of 3."""
    document = {"data": [{"a": "b"}, {"a": "c"}, {"a": "d"}, [{"leerlingen": [{"eckId": "x"}]}]]}
    pointers = [path for kind, path, _ in _read(document) if kind == "leerlingen"]
    assert pointers == ["/data/3/0/leerlingen/0"]


def test_a_list_is_a_pupils_when_its_ecks_come_after_its_first_window(
    tmp_path: Path, cli: Any
) -> None:
    """Review of a246baf: 1,024 licences with a blank ECK iD, then five with one: the first
    window was set apart as a product list, and PSN-001 passed."""
    licences = [{"product": "Staal", "ean": "8712345678906", "eckId": ""}] * 1024
    licences += [{"product": "Staal", "eckId": eckid(f"p{i}")} for i in range(5)]
    run = _check(tmp_path, cli, {"licenties": licences})
    assert run.report["inputs"][0]["records"] == 1029
    assert run.findings("PSN-001")[0]["occurrences"] == 1024


@pytest.mark.parametrize(
    "document",
    [
        # pupils in a list among a group's members: not the repr of a Python list
        {"groepen": [{"naam": "5a", "leerlingen": [{"eckId": eckid("a")}, [{"achternaam": "X"}]]}]},
        # a mentor's ECK iD does not make the class a pupil: its pupils are records
        {
            "klassen": [
                {
                    "klasnaam": "5a",
                    "mentor": {"eckId": eckid("m")},
                    "leerlingen": [{"leerlingId": "L1"}, {"leerlingId": "L2"}],
                }
            ]
        },
        # a test's results, a product's licences: split like a group's pupils
        {"toetsen": [{"toets": "M5", "leerlingen": [{"eckId": eckid("a")}, {"leerlingId": "L2"}]}]},
        {
            "producten": [
                {"ean": "9789012345678", "licenties": [{"eckId": eckid("a")}, {"eckId": ""}]}
            ]
        },
        {"klas": [{"naam": "5a", "studenten": [{"eckId": eckid("a")}, {"leerlingId": "L2"}]}]},
    ],
    ids=["list-among-pupils", "mentor", "test-results", "product-licences", "studenten"],
)
def test_pupils_listed_by_a_group_or_thing_are_records(
    tmp_path: Path, cli: Any, document: Any
) -> None:
    run = _check(tmp_path, cli, document)
    assert run.code == 1, run.out
    assert run.verdict("PSN-001") == "fail" or run.verdict("NAW-001") == "fail", run.out


def test_a_schools_item_listing_all_its_pupils_is_read_a_window_at_a_time() -> None:
    """One school's item may list every pupil of a supplier (800,000 of them were built as one
    object: 580 MiB): the first window of its pupils comes before the rest of the file is
    read, and the school's own values, before and after its list, are outside the records."""
    pupils = _pupils("s", 5000)
    document = {"scholen": [{"naam": "OBS De Linde", "leerlingen": pupils, "brin": "12AB"}]}
    early, records, outside = read_streamed(document)
    assert early
    assert [r.path for r in records] == [f"/scholen/0/leerlingen/{i}" for i in range(5000)]
    assert records[4999].fields["eckId"] == [pupils[4999]["eckId"]]
    assert outside == [{"scholen/naam": ["OBS De Linde"], "scholen/brin": ["12AB"]}]


@pytest.mark.parametrize(
    ("members", "kinds"),
    [
        ([], [OUTSIDE]),  # an empty list: the school is a thing, outside the records
        (["Sanne", "Piet"], [OUTSIDE]),  # names, no objects: values of the school
        ([{"eckId": eckid("x")}, "Piet"], ["leerlingen", OUTSIDE]),  # a loose name outside
    ],
)
def test_a_list_of_no_objects_gives_no_records(members: list[Any], kinds: list[str]) -> None:
    read = _read({"scholen": [{"naam": "OBS De Linde", "leerlingen": members}]})
    assert sorted({kind for kind, _, _ in read}) == sorted(kinds)


@pytest.mark.parametrize("first", [None, "Sanne de Vries", 1, ["x"], {}])
def test_a_groups_pupils_are_records_whatever_comes_first_in_its_list(first: Any) -> None:
    """An object anywhere in the list makes it the group's pupils (a review found a null or
    a name first merged them into one group record: PSN-003, NAW-001 and MIN-001 failed)."""
    pupils = _pupils("f", 2)
    read = _read({"groepen": [{"naam": "Groep 5a", "leerlingen": [first, *pupils]}]})
    records = [(kind, path) for kind, path, _ in read if kind != OUTSIDE]
    assert records[-2:] == [
        ("leerlingen", "/groepen/0/leerlingen/1"),
        ("leerlingen", "/groepen/0/leerlingen/2"),
    ]
    assert all(kind == "leerlingen" for kind, _ in records)


def _jsonl(lines: list[Any]) -> list[tuple[str, int | None, str, dict[str, list[str]]]]:
    text = "".join(json.dumps(line) + "\n" for line in lines).encode()
    windows = json_reader.read_jsonl(io.BytesIO(text), "export.jsonl")
    return [(r.kind, r.line, r.path, r.fields) for w in windows for r in w.records]


def test_json_lines_of_groups_give_their_pupils() -> None:
    """A line per group listing its pupils was one record: PSN-003 saw one person with three
    ECK iDs. Its pupils are the records now (with the line they are on), the group's own
    values outside them; a pupil's line listing its teachers stays the pupil's record."""
    pupil = {"eckId": eckid("p"), "docenten": [{"naam": "Jansen"}]}
    read = _jsonl([{"groep": "5a", "leerlingen": _pupils("a", 2)}, pupil])
    assert [(kind, line, path) for kind, line, path, _ in read if kind != OUTSIDE] == [
        ("leerlingen", 1, "/leerlingen/0"),
        ("leerlingen", 1, "/leerlingen/1"),
        ("record", 2, ""),
    ]
    assert [fields for kind, _, _, fields in read if kind == OUTSIDE] == [{"groep/groep": ["5a"]}]


def test_a_bad_line_after_lines_of_groups_is_still_refused() -> None:
    good = json.dumps({"groep": "5a", "leerlingen": _pupils("a", 2)})
    text = f"{good}\n{{not json\n".encode()
    with pytest.raises(InputError) as refused:
        list(json_reader.read_jsonl(io.BytesIO(text), "export.jsonl"))
    assert refused.value.position.startswith("line 2")


def test_lines_of_groups_are_checked_as_their_pupils(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "groepen.jsonl"
    lines = [{"groep": g, "leerlingen": _pupils(g, 3)} for g in ("5a", "5b", "6a")]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    run = cli("check", "--profile", "nl-generic", path)
    assert run.code == 0, run.report
    assert run.verdict("PSN-003") == "pass"


def test_a_line_with_a_persons_data_nested_stays_the_persons_record() -> None:
    """A review's finds: a pupil's ECK iD one level down made the line a 'group' and its
    pseudonym went unchecked (a malformed one passed)."""
    line = {"persoon": {"eckId": "https://ketenid.nl/201703/ABC"}, "docenten": [{"x": "1"}]}
    assert [(kind, path) for kind, _, path, _ in _jsonl([line])] == [("record", "")]


def test_a_group_lines_things_and_empty_groups_are_outside_the_records() -> None:
    lines = [
        {"groep": "5a", "leerlingen": _pupils("a", 1), "vakken": [{"naam": "Rekenen"}]},
        {"groepen": [{"naam": "5b", "leerlingen": _pupils("b", 1)}, {"naam": "5c"}]},
    ]
    read = _jsonl(lines)
    assert [kind for kind, _, _, _ in read if kind != OUTSIDE] == ["leerlingen", "leerlingen"]
    outside = {p: v for kind, _, _, f in read if kind == OUTSIDE for p, v in f.items()}
    assert outside["vakken/naam"] == ["Rekenen"]  # kept, outside the records
    assert "5c" in outside["groepen/naam"]


@pytest.mark.parametrize(
    "text",
    [
        '{"groep": "a", "x": ' + "[" * 300 + "]" * 300 + ', "leerlingen": [{}]}\n',
        '{"groepen": [' * 200 + '{"leerlingen": [{"a": "1"}]}' + "]}" * 200 + "\n",
    ],
)
def test_a_group_line_is_held_to_the_depth_limit_however_it_is_split(text: str) -> None:
    with pytest.raises(InputError) as refused:
        list(json_reader.read_jsonl(io.BytesIO(text.encode()), "export.jsonl"))
    assert (refused.value.position, refused.value.problem) == (
        "line 1",
        "values nested deeper than 256 levels",
    )


def test_a_name_among_a_nested_groups_pupils_is_a_value_outside_the_records() -> None:
    """A string among the members of a school's group (a document) or of a group's line (JSON
    Lines) is a value outside the records, under the group's list: not dropped, not made a
    record, and not a Python repr of it."""
    group = {"naam": "5a", "leerlingen": [*_pupils("n", 1), "Piet", [{"achternaam": "X"}]]}
    read = _read({"scholen": [{"naam": "OBS", "groepen": [group]}]})
    outside = [fields for kind, _, fields in read if kind == OUTSIDE]
    assert outside == [
        {
            "scholen/naam": ["OBS"],
            "groepen/naam": ["5a"],
            "groepen/leerlingen": ["Piet"],
            "groepen/leerlingen/achternaam": ["X"],
        }
    ]
    lines = _jsonl([group])
    assert [fields for kind, _, _, fields in lines if kind == OUTSIDE] == [
        {"groep/naam": ["5a"]},
        {"record/leerlingen": ["Piet"]},
        {"record/leerlingen/achternaam": ["X"]},
    ]


@pytest.mark.parametrize(
    "item",
    [
        # a parent's line, listing their children: their own details are a person's
        {
            "naam": "Jan Jansen",
            "adres": "Kerkstraat 12",
            "telefoon": "030-2345678",
            "kinderen": [{"eckId": eckid("k"), "groep": "5a"}],
        },
        # a teacher listing their pupils
        {
            "naam": "Mw. A. de Vries",
            "email": "a.devries@school.nl",
            "leerlingen": [{"eckId": eckid("l")}],
        },
    ],
)
def test_a_listing_persons_own_details_are_still_judged(
    tmp_path: Path, cli: Any, item: dict[str, Any]
) -> None:
    """A review: kept as a group's own ("groep/naam"), a parent's or a teacher's name, address,
    phone and e-mail passed (CONFORMANT). Under the line's kind they are judged as a person's."""
    for document, name in (([item], "export.json"), (None, "export.jsonl")):
        path = tmp_path / name
        text = json.dumps(document) if document is not None else json.dumps(item) + "\n"
        path.write_text(text, encoding="utf-8")
        run = cli("check", "--profile", "nl-generic", path)
        assert run.code == 1, (name, run.err)
        assert run.verdict("NAW-001") == "fail", name


@pytest.mark.parametrize("lines", [False, True])
def test_an_item_listing_no_person_stays_the_record_it_is(
    tmp_path: Path, cli: Any, lines: bool
) -> None:
    """A user listing their "groups" (no person in them) was split into values outside the
    records: "no records found", every finding lost. It is a record again."""
    item = {"displayName": "Jan Jansen", "mail": "j.jansen@school.nl", "groups": [{"id": "5a"}]}
    path = tmp_path / ("export.jsonl" if lines else "export.json")
    path.write_text(json.dumps(item) + "\n" if lines else json.dumps([item]), encoding="utf-8")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.code == 1, run.err
    assert run.report is not None and run.report["inputs"][0]["records"] == 1
    assert run.verdict("NAW-001") == "fail"


def test_a_top_level_array_of_groups_gives_their_pupils(tmp_path: Path, cli: Any) -> None:
    """A school's export as a list of its classes, each listing its pupils: each class was one
    record (PSN-003 'one person has 2 pseudonyms', NAW-001 on the class's name, LNK-002).
    Its pupils are the records, named by their pointer; the class's values outside them."""
    groups = [
        {"naam": "5a", "leerlingen": _pupils("a", 2)},
        {"naam": "5b", "leerlingen": [*_pupils("b", 1), {"eckId": eckid("z"), "achternaam": "X"}]},
    ]
    read = _read(groups)
    assert [(kind, path) for kind, path, _ in read if kind != OUTSIDE] == [
        ("leerlingen", "/0/leerlingen/0"),
        ("leerlingen", "/0/leerlingen/1"),
        ("leerlingen", "/1/leerlingen/0"),
        ("leerlingen", "/1/leerlingen/1"),
    ]
    run = _check(tmp_path, cli, groups)
    assert run.report is not None and run.report["inputs"][0]["records"] == 4
    assert run.verdict("PSN-003") == "pass"
    naw = {f["field"]: f["location"]["path"] for f in run.findings("NAW-001")}
    assert naw["achternaam"] == "/1/leerlingen/1"
    # a class's own name is a group's: its list names pupils, and "5a" reads as no person's
    # (a parent's name beside their "kinderen" is judged: see the test below)
    assert set(naw) == {"achternaam"}


@pytest.mark.parametrize("name", ["5a", "Groep 7", "Kleuters", "Brugklas 1C", "Havo 4", "3/4"])
def test_a_class_by_its_name_is_no_person(tmp_path: Path, cli: Any, name: str) -> None:
    run = _check(tmp_path, cli, [{"naam": name, "leerlingen": _pupils("c", 2)}])
    assert run.verdict("NAW-001") == "pass", run.findings("NAW-001")


def test_an_empty_class_is_no_pupil(tmp_path: Path, cli: Any) -> None:
    """A class without pupils this year (``"leerlingen": []``) was a record: PSN-001 (no ECK
    iD), NAW-001 and MIN-001 on its "naam" — NOT CONFORMANT for a sound export of classes, in
    a top-level array and in JSON Lines alike."""
    groups = [{"naam": "5a", "leerlingen": _pupils("a", 2)}, {"naam": "5b", "leerlingen": []}]
    run = _check(tmp_path, cli, groups)
    assert run.code == 0, [r["id"] for r in run.report["requirements"] if r["verdict"] == "fail"]
    assert run.report["inputs"][0]["records"] == 2
    path = tmp_path / "groepen.jsonl"
    path.write_text("".join(json.dumps(group) + "\n" for group in groups))
    assert cli("check", "--profile", "nl-generic", path).code == 0


@pytest.mark.parametrize(
    "groups",
    [
        [{"leerlingen": []}],
        [{"naam": None, "leerlingen": []}],
        [{"naam": "", "leerlingen": [], "students": []}],
        [{"naam": f"{n}a", "leerlingen": []} for n in range(2500)],  # windows of none
    ],
)
def test_classes_without_pupils_or_values_are_no_records(
    tmp_path: Path, cli: Any, groups: list[dict[str, Any]]
) -> None:
    """Classes that give no record at all: an internal error (exit 3) where a window came out
    empty; now one clear line, in a top-level array and in JSON Lines alike."""
    for path in (tmp_path / "groepen.json", tmp_path / "groepen.jsonl"):
        write = json.dumps(groups) if path.suffix == ".json" else _lines(groups)
        path.write_text(write)
        run = cli("check", "--profile", "nl-generic", path)
        assert run.code == 2 and "no records found" in run.err, run.err


def test_empty_classes_before_a_class_of_pupils(tmp_path: Path, cli: Any) -> None:
    """A window of classes without pupils, then a class with: its pupils are the records."""
    groups = [{"naam": f"{n}a", "leerlingen": []} for n in range(2500)]
    groups.append({"naam": "8b", "leerlingen": _pupils("v", 2)})
    for path in (tmp_path / "groepen.json", tmp_path / "groepen.jsonl"):
        path.write_text(json.dumps(groups) if path.suffix == ".json" else _lines(groups))
        run = cli("check", "--profile", "nl-generic", path)
        assert run.code == 0 and run.report is not None, run.err
        assert run.report["inputs"][0]["records"] == 2


def _lines(items: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        # a parent beside their children: their name and phone are a person's
        ({"naam": "Jan de Vries", "telefoon": "0612345678", "kinderen": []}, "adres"),
        ({"naam": "Jan de Vries", "kinderen": _pupils("k", 1)}, "record/naam"),
        # a mentor listing their pupils: an e-mail address is no class's
        ({"naam": "5a", "email": "anna@school.nl", "leerlingen": _pupils("m", 1)}, "record/email"),
        # a person's name as the list's own "naam": the mentor's, not a class's
        ({"naam": "Anna de Vries", "leerlingen": _pupils("n", 1)}, "record/naam"),
        ({"naam": "5a", "mentor": "Anna de Vries", "leerlingen": _pupils("o", 1)}, "record/mentor"),
        # names the recogniser does not read as a person's, yet no class's name either: a
        # surname or a given name alone, in capitals or in small letters
        ({"naam": "Jansen", "leerlingen": _pupils("p", 1)}, "record/naam"),
        ({"naam": "Sanne", "leerlingen": _pupils("q", 1)}, "record/naam"),
        ({"naam": "SANNE DE VRIES", "leerlingen": _pupils("r", 1)}, "record/naam"),
        ({"naam": "anna de vries", "members": _pupils("s", 1)}, "record/naam"),
        ({"name": "Jaarsma", "students": _pupils("t", 1)}, "record/name"),
        # a number beside a name the recogniser does not read: no class's name either
        ({"naam": "ANOUK VAN DIJK 2B", "leerlingen": _pupils("w", 1)}, "record/naam"),
        ({"naam": "Bilal Yilmaz groep 7", "leerlingen": _pupils("x", 1)}, "record/naam"),
        ({"naam": "A. van Dijk (mentor 2B)", "leerlingen": _pupils("y", 1)}, "record/naam"),
        ({"naam": "Noah 2012-05-03", "leden": _pupils("z", 1)}, "record/naam"),
        # a pupil listing their teachers: no class's list
        ({"naam": "Sanne", "groep": "5a", "docenten": _pupils("u", 1)}, "record/naam"),
    ],
)
def test_what_lists_pupils_but_is_no_class_keeps_its_own_values_judged(
    tmp_path: Path, cli: Any, item: dict[str, Any], field: str
) -> None:
    """Only a class's own values (an id, a "naam" like "5a", a jaargroep) are let pass as a
    group's: a person's details beside a list of pupils or children are still findings."""
    if field == "adres":  # (the empty list: the parent's object stays a record of its own)
        item = {**item, "adres": "Kerkstraat 1"}
    run = _check(tmp_path, cli, [item])
    assert field in {f["field"] for f in run.findings("NAW-001")}


def test_a_top_level_arrays_pupils_and_groups_side_by_side() -> None:
    """A pupil listing their teachers stays the pupil's record; a group beside it is split."""
    pupil = {"eckId": eckid("p"), "leerlingId": "P", "docenten": [{"naam": "Jansen"}]}
    read = _read([pupil, {"naam": "5a", "leerlingen": _pupils("a", 1)}])
    assert [(kind, path) for kind, path, _ in read if kind != OUTSIDE] == [
        ("record", "/0"),
        ("leerlingen", "/1/leerlingen/0"),
    ]


def test_a_profile_that_places_its_records_at_the_top_is_taken_at_its_word(
    tmp_path: Path,
) -> None:
    """Where a profile says the items of the top-level array are its pupils, they are."""
    document = [{"naam": "5a", "leerlingen": _pupils("a", 2)}]
    stream = io.BufferedReader(io.BytesIO(json.dumps(document).encode()))  # type: ignore[arg-type]
    windows = json_reader.read_json(stream, "export.json", {"leerling": "/"})
    assert [(r.kind, r.path) for w in windows for r in w.records] == [("leerling", "/0")]
