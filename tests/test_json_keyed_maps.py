"""Pupils filed by their keys, ``{"leerlingen": {"L1": {…}, "L2": {…}}}`` — a map, as many
JSON exports keep them — are records, each with the key it is filed under as its ``@key``
(the sender's key PSN-003 tells persons apart by; a BSN or a name made a key is found there).
Before, such an export gave "no records found"."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid, read_streamed

from conformance.model.records import OUTSIDE
from conformance.readers import json as json_reader

BSN = "111222333"  # valid 11-proef


def _read(document: Any) -> list[tuple[str, str, dict[str, list[str]]]]:
    stream = io.BufferedReader(io.BytesIO(json.dumps(document).encode()))  # type: ignore[arg-type]
    return [
        (r.kind, r.path, r.fields)
        for w in json_reader.read_json(stream, "export.json", {})
        for r in w.records
    ]


def _check(tmp_path: Path, cli: Any, document: Any) -> Any:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return cli("check", "--profile", "nl-generic", path)


def test_pupils_filed_by_their_keys_are_records() -> None:
    document = {
        "leerlingen": {
            "L1": {"eckId": eckid("a"), "groep": "5a"},
            "L2": {"eckId": eckid("b"), "groep": "5b"},
        }
    }
    assert _read(document) == [
        ("leerlingen", "/leerlingen/L1", {"@key": ["L1"], "eckId": [eckid("a")], "groep": ["5a"]}),
        ("leerlingen", "/leerlingen/L2", {"@key": ["L2"], "eckId": [eckid("b")], "groep": ["5b"]}),
    ]


def test_a_map_of_pupils_is_checked_as_its_pupils(tmp_path: Path, cli: Any) -> None:
    pupils = {f"L{i}": {"eckId": eckid(f"p{i}"), "groep": "5a"} for i in range(5)}
    run = _check(tmp_path, cli, {"school": {"naam": "De Regenboog"}, "leerlingen": pupils})
    assert run.code == 0, run.err
    assert run.report is not None and run.report["inputs"][0]["records"] == 5
    assert run.verdict("PSN-003") == "pass"  # examined: the key tells persons apart


def test_two_pupils_filed_under_two_keys_with_one_eck_id_fail_psn_003(
    tmp_path: Path, cli: Any
) -> None:
    pupils = {"L1": {"eckId": eckid("a")}, "L2": {"eckId": eckid("a")}}
    run = _check(tmp_path, cli, {"leerlingen": pupils})
    (finding,) = run.findings("PSN-003")
    assert "two persons share one pseudonym" in finding["message"]
    assert finding["location"]["path"] == "/leerlingen/L1"


def test_a_bsn_made_a_key_is_found_and_not_shown(tmp_path: Path, cli: Any) -> None:
    run = _check(tmp_path, cli, {"leerlingen": {BSN: {"eckId": eckid("a"), "groep": "5a"}}})
    assert run.code == 1
    assert run.verdict("NAW-002") == "fail"
    assert any("'@key'" in f["message"] for f in run.findings("NAW-002"))
    assert all(f["location"]["path"] == "/leerlingen/1********" for f in run.findings("NAW-002"))
    assert not run.quoted(BSN)


def test_an_eck_id_made_a_key_is_the_pupils_pseudonym(tmp_path: Path, cli: Any) -> None:
    """Filed by their ECK iD and holding no other: the key is their pseudonym (PSN-001 would
    have failed on '@key', and LNK-001 taken an eckId equal to its key for a derived one)."""
    pupils = {eckid("a"): {"groep": "5a"}, eckid("b"): {"groep": "5b", "eckId": eckid("b")}}
    read = _read({"leerlingen": pupils})
    assert [list(fields) for _, _, fields in read] == [
        ["@pseudonym", "groep"],
        ["@pseudonym", "groep", "eckId"],
    ]
    run = _check(tmp_path, cli, {"leerlingen": pupils})
    assert run.code == 0, run.err


def test_what_a_map_holds_beside_its_pupils_is_outside_the_records() -> None:
    document = {"leerlingen": {"meta": {"totaal": 1}, "L1": {"eckId": eckid("a")}, "n": 1}}
    read = _read(document)
    assert [(kind, path) for kind, path, _ in read if kind != OUTSIDE] == [
        ("leerlingen", "/leerlingen/L1")
    ]
    outside = [fields for kind, _, fields in read if kind == OUTSIDE]
    assert outside == [{"leerlingen/meta/totaal": ["1"], "leerlingen/n": ["1"]}]


@pytest.mark.parametrize(
    ("document", "records", "field"),
    [
        # one pupil's nested objects: values outside (no records in a document of one pupil
        # but the API response it is)
        (
            {"leerling": {"adres": {"straat": "Dorpsstraat 1"}, "eckId": eckid("a")}},
            [("record", "/leerling")],
            "adres/straat",
        ),
        # a map named for anything else: values outside the records
        ({"instellingen": {"L1": {"eckId": eckid("a")}}}, [], "instellingen/L1/eckId"),
        # what nests inside a record stays the record's
        (
            {"leerlingen": [{"eckId": eckid("a"), "ouders": {"vader": {"naam": "Jan"}}}]},
            [("leerlingen", "/leerlingen/0")],
            "ouders/vader/naam",
        ),
    ],
)
def test_objects_not_filed_in_a_map_of_persons_are_not_split(
    document: Any, records: list[tuple[str, str]], field: str
) -> None:
    """A single pupil's nested objects, a map named for anything else, and what nests inside
    a record stay as they were: no @key, nothing dropped."""
    read = _read(document)
    assert [(kind, path) for kind, path, _ in read if kind != OUTSIDE] == records
    assert any(field in fields for _, _, fields in read)
    assert all("@key" not in fields and "@pseudonym" not in fields for _, _, fields in read)


def test_a_map_of_pupils_nested_in_groups() -> None:
    document = {"groepen": {"5a": {"leerlingen": {"L1": {"eckId": eckid("a")}}}}}
    assert [(kind, path) for kind, path, _ in _read(document) if kind != OUTSIDE] == [
        ("leerlingen", "/groepen/5a/leerlingen/L1")
    ]


def _jsonl(lines: list[Any]) -> list[tuple[str, int | None, str, dict[str, list[str]]]]:
    text = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return [
        (r.kind, r.line, r.path, r.fields)
        for w in json_reader.read_jsonl(io.BytesIO(text), "export.jsonl")
        for r in w.records
    ]


@pytest.mark.parametrize(
    ("document", "pointers"),
    [
        # a school's groups (read item by item)
        (
            {"groepen": [{"naam": "5a", "leerlingen": {"L1": {"eckId": eckid("a")}}}]},
            ["/groepen/0/leerlingen/L1"],
        ),
        # a top-level array of groups
        ([{"naam": "5a", "leerlingen": {"L1": {"eckId": eckid("a")}}}], ["/0/leerlingen/L1"]),
    ],
)
def test_a_groups_map_of_pupils_gives_their_records(document: Any, pointers: list[str]) -> None:
    """A group's item listing its pupils in a map was one record holding all of them."""
    read = _read(document)
    assert [path for kind, path, _ in read if kind != OUTSIDE] == pointers
    (fields,) = [fields for kind, _, fields in read if kind != OUTSIDE]
    assert fields["@key"] == ["L1"]
    assert {"groep/naam", "groepen/naam"} & {p for k, _, f in read if k == OUTSIDE for p in f}


def test_a_json_lines_groups_map_of_pupils_gives_their_records() -> None:
    line = {"groep": "5a", "leerlingen": {"L1": {"eckId": eckid("a")}, "aantal": 1}}
    read = _jsonl([line])
    assert [(kind, number, path) for kind, number, path, _ in read if kind != OUTSIDE] == [
        ("leerlingen", 1, "/leerlingen/L1")
    ]
    outside = {p: v for kind, _, _, f in read if kind == OUTSIDE for p, v in f.items()}
    assert outside == {"groep/groep": ["5a"], "record/leerlingen/aantal": ["1"]}


def test_a_bsn_made_a_key_in_a_groups_map_is_found(tmp_path: Path, cli: Any) -> None:
    groups = {"groepen": [{"naam": "5a", "leerlingen": {BSN: {"eckId": eckid("a")}}}]}
    run = _check(tmp_path, cli, groups)
    assert run.verdict("NAW-002") == "fail"
    assert run.findings("NAW-002")[0]["location"]["path"] == "/groepen/0/leerlingen/1********"
    assert not run.quoted(BSN)


# --- a review's finds ---------------------------------------------------------------------


def test_a_map_member_that_is_a_class_gives_its_pupils_one_by_one(tmp_path: Path, cli: Any) -> None:
    """Built whole, a class filed under "leerlingen" was one merged pupil (600,000 pupils: one
    record, 728 MB) and its pupil without an ECK iD passed PSN-001."""
    classes = {
        "5a": {"naam": "Groep 5a", "leerlingen": [{"eckId": eckid("a")}, {"eckId": ""}]},
        "5b": {"naam": "Groep 5b", "leerlingen": [{"eckId": eckid("b")}]},
    }
    read = _read({"leerlingen": classes})
    assert [path for kind, path, _ in read if kind != OUTSIDE] == [
        "/leerlingen/5a/leerlingen/0",
        "/leerlingen/5a/leerlingen/1",
        "/leerlingen/5b/leerlingen/0",
    ]
    run = _check(tmp_path, cli, {"leerlingen": classes})
    assert run.verdict("PSN-001") == "fail"
    assert run.findings("PSN-001")[0]["location"]["path"] == "/leerlingen/5a/leerlingen/1"
    assert run.verdict("PSN-003") == "not_applicable"  # no pupil merged with another's ECK iD


@pytest.mark.parametrize(
    "document",
    [
        {"nl": {"leerlingen": {"form": {"naam": "Naam", "email": "E-mailadres"}}}},  # labels
        {"leerlingen": {"columns": {"naam": {"visible": True}, "email": {"visible": False}}}},
        {"leerlingen": {"totaal": {"aantal": 312, "geslacht": "alle"}}},  # statistics
        {"leerlingen": {"5a": {"naam": "Groep 5a", "mentor": "Mw. De Vries"}}},  # classes
    ],
)
def test_what_is_filed_under_leerlingen_but_no_pupil_is_no_record(
    tmp_path: Path, cli: Any, document: Any
) -> None:
    """A member is a pupil's where it names a pseudonym or a person's key, or is filed under
    an ECK iD: translations, settings and statistics failed PSN-001 and LNK-003 (a review)."""
    run = _check(tmp_path, cli, document)
    assert run.code == 2, run.err
    assert "no records found" in run.err


def test_index_keys_are_no_pupils_keys(tmp_path: Path, cli: Any) -> None:
    """PHP writes a filtered list as {"0": …, "1": …}: the first pupils of two classes are no
    one person with two ECK iDs (PSN-003 failed)."""
    groups = {
        "5a": {"leerlingen": {"0": {"eckId": eckid("a")}, "1": {"eckId": eckid("b")}}},
        "5b": {"leerlingen": {"0": {"eckId": eckid("c")}}},
    }
    assert not [f for _, _, f in _read({"school": {"groepen": groups}}) if "@key" in f]
    run = _check(tmp_path, cli, {"school": {"groepen": groups}})
    assert run.verdict("PSN-003") == "not_applicable"  # no key: not one person with two
    assert run.report is not None and run.report["inputs"][0]["records"] == 3


@pytest.mark.parametrize("key", ["de Vries, Anna (2014-03-01)", "Vries, Anna de"])
def test_a_key_written_as_a_name_is_not_shown(tmp_path: Path, cli: Any, key: str) -> None:
    """A key that is no id is redacted whole in a record's pointer: it was printed raw in
    PSN-003's message, in every format."""
    pupils = {key: {"eckId": eckid("a")}, "L2": {"eckId": eckid("a")}}
    run = _check(tmp_path, cli, {"leerlingen": pupils})
    (finding,) = run.findings("PSN-003")
    assert "Vries" not in json.dumps(run.report)
    assert "Vries" not in run.err + run.out
    assert finding["location"]["path"].startswith("/leerlingen/")


def test_a_keys_control_characters_are_not_sent_to_a_terminal(tmp_path: Path, cli: Any) -> None:
    pupils = {"L1\u001b[2J": {"eckId": eckid("a")}, "L2": {"eckId": eckid("a")}}
    run = _check(tmp_path, cli, {"leerlingen": pupils})
    (finding,) = run.findings("PSN-003")  # the key reaches a pointer that is printed
    assert finding["location"]["path"].startswith("/leerlingen/")
    assert "\u001b" not in run.err + run.out
    assert "\u001b" not in json.dumps(run.report, ensure_ascii=False)


@pytest.mark.parametrize("own_list", ["toetsen", "groepen", "docenten"])
def test_a_filed_pupils_own_lists_stay_theirs(tmp_path: Path, cli: Any, own_list: str) -> None:
    """A re-review: read as a group's item, a pupil filed with their own tests, groups or
    teachers (before their ECK iD) was split and their ECK iD left outside the records: two
    pupils sharing one passed PSN-003, and malformed ones PSN-002."""

    def pupil(eck: str) -> dict[str, Any]:
        return {own_list: [{"naam": "Rekenen", "code": "R1"}], "eckId": eck}

    shared = {"leerlingen": {"L1": pupil(eckid("a")), "L2": pupil(eckid("a"))}}
    run = _check(tmp_path, cli, shared)
    assert run.verdict("PSN-003") == "fail", run.err
    assert run.report is not None and run.report["inputs"][0]["records"] == 2
    malformed = {"leerlingen": {"L1": pupil("niet-een-eckid")}}
    assert _check(tmp_path, cli, malformed).verdict("PSN-002") == "fail"


@pytest.mark.parametrize(
    "key",
    [
        "jan.jansen",
        "JanJansen",
        "Jansen_Jan_2014-03-01",
        "p.pietersen",
        "anna.de.vries",
        "vanDijk",
        "Sophie.Bakker2014",
        "1-3-2014",
        "2014.3.1",
        "jansen",
    ],
)
def test_a_key_that_holds_a_name_or_a_date_is_not_shown(tmp_path: Path, cli: Any, key: str) -> None:
    pupils = {key: {"eckId": eckid("a")}, "L2": {"eckId": eckid("a")}}
    run = _check(tmp_path, cli, {"leerlingen": pupils})
    assert run.findings("PSN-003")
    assert not run.quoted(key)
    assert key not in json.dumps(run.report)
    assert key not in run.err + run.out


def test_a_class_with_a_mentors_id_is_no_pupil(tmp_path: Path, cli: Any) -> None:
    """A third review: a class filed under "leerlingen" whose mentor has an ECK iD was read as
    one pupil, its pupils' PSN-003, PSN-001 and PSN-002 findings lost (CONFORMANT). Only a
    pseudonym or key on the member itself, or in an envelope, makes it a person's."""
    pupils = [
        {"leerlingnummer": "1001", "eckId": eckid("a")},
        {"leerlingnummer": "1002", "eckId": eckid("a")},
        {"leerlingnummer": "1003"},
    ]
    classes = {"5a": {"naam": "5a", "mentor": {"eckId": eckid("m")}, "leerlingen": pupils}}
    run = _check(tmp_path, cli, {"leerlingen": classes})
    assert run.report is not None and run.report["inputs"][0]["records"] == 3
    assert run.findings("PSN-003")[0]["location"]["path"] == "/leerlingen/5a/leerlingen/0"
    assert run.findings("PSN-001")[0]["location"]["path"] == "/leerlingen/5a/leerlingen/2"
    assert run.verdict("LNK-002") == "pass"  # the class's name is no pupil's beside an ECK iD


def test_a_class_filed_under_leerlingen_is_read_a_window_at_a_time() -> None:
    """Built whole, a class of 200,000 pupils filed in a map took 305 MB: a list longer than a
    person's own ever is (1,024 items) is a class's, its pupils given as records as they come;
    the class's own values, before and after it, stay outside the records."""
    pupils = [{"eckId": eckid(f"k{i}"), "leerlingId": f"K{i}"} for i in range(5000)]
    document = {"leerlingen": {"5a": {"naam": "Groep 5a", "leerlingen": pupils, "jaar": "5"}}}
    early, records, outside = read_streamed(document)
    assert early
    assert [r.path for r in records] == [f"/leerlingen/5a/leerlingen/{i}" for i in range(5000)]
    assert outside == [{"leerlingen/naam": ["Groep 5a"], "leerlingen/jaar": ["5"]}]


def test_a_short_class_and_a_long_one_give_the_same_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Held whole or given as it comes, a class's list gives the same records and values."""
    classes = {
        "5a": {"naam": "5a", "leerlingen": [{"eckId": eckid(f"a{i}")} for i in range(4)]},
        "5b": {"leerlingen": [{"eckId": eckid("b")}, "Piet"], "naam": "5b"},
    }
    whole = _read({"leerlingen": classes})
    monkeypatch.setattr(json_reader, "_OWN_LIST", 1)
    streamed = _read({"leerlingen": classes})
    assert sorted(map(repr, streamed)) == sorted(map(repr, whole))
    assert [p for k, p, _ in whole if k != OUTSIDE] == [p for k, p, _ in streamed if k != OUTSIDE]
