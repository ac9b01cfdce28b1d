"""Nothing in a JSON export passes unexamined for where it is: values outside the records
(a document's other members, an array's strings) are read as values of kind OUTSIDE, and a key
written twice in one object keeps both values (every parser kept only the last)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks.context import ShapeCache
from conformance.model.records import OUTSIDE, WINDOW_SIZE
from conformance.readers import json as json_reader
from conformance.readers import repeats

BSN = "111222333"  # valid 11-proef
BSN_2 = "123456782"


def _envelope(tmp_path: Path, **outside: Any) -> Path:
    """A document of three records under "leerlingen" and ``outside`` beside them."""
    path = tmp_path / "export.json"
    records = [{"eckId": eckid(f"p{i}"), "groep": str(i % 8 + 1)} for i in range(3)]
    path.write_text(json.dumps({**outside, "leerlingen": records}))
    return path


def _messages(run: Any, rid: str) -> list[str]:
    return [f["message"] for f in run.findings(rid)]


@pytest.mark.parametrize(
    ("outside", "field"),
    [
        ({"contact": BSN}, "contact"),  # a member beside the records
        ({"school": {"beheerder": {"ref": BSN}}}, "school/beheerder/ref"),  # deeper
        ({"notities": ["bel ouder", f"leerling {BSN}"]}, "notities"),  # an array's strings
        ({"rijen": [[BSN]]}, "rijen"),  # arrays in an array
    ],
)
def test_a_bsn_outside_the_records_fails_naw_002(
    tmp_path: Path, cli: Any, outside: dict[str, Any], field: str
) -> None:
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, **outside))
    assert run.code == 1
    assert run.verdict("NAW-002") == "fail"
    messages = _messages(run, "NAW-002")
    assert any(f"in field '{field}' outside the records" in m for m in messages), messages
    assert not run.quoted(BSN)
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 3  # the values outside are no records
    assert run.verdict("PSN-001") == "pass"  # nor persons without a pseudonym


def test_metadata_beside_the_records_is_no_false_alarm(tmp_path: Path, cli: Any) -> None:
    """A document's version, date, source and counts: no field a purpose forbids (outside the
    records the world is open: only names that say what they hold count for MIN-001)."""
    meta = {
        "versie": "2.1",
        "aangemaakt": "2026-11-01T10:00:00Z",
        "bron": "ParnasSys",
        "brin": "12AB",
        "schooljaar": "2026-2027",
        "aantal": 3,
        "compleet": True,
    }
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, **meta))
    assert run.code == 0, run.out
    assert run.verdict("MIN-001") == "pass"


def test_a_named_identifier_outside_the_records_fails_naw_001(tmp_path: Path, cli: Any) -> None:
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, contact={"email": "x"}))
    assert run.verdict("NAW-001") == "fail"
    messages = _messages(run, "NAW-001")
    assert any("'contact/email' (email) outside the records" in m for m in messages)


def test_outside_the_profiles_pointer_is_examined_too(tmp_path: Path, cli: Any) -> None:
    profile = tmp_path / "supplier.yaml"
    profile.write_text(
        'id: supplier\nversion: "1.0.0"\ntitle: {nl: L, en: L}\nextends: nl-generic\n'
        "format: {kind: json, records: {leerling: /leerlingen}}\n"
    )
    path = _envelope(tmp_path, klassen=[{"mentor": {"opmerking": "bel 06-12345678"}}])
    run = cli("check", "--profile", profile, path)
    assert run.verdict("NAW-002") == "fail"
    assert any("outside the records" in m for m in _messages(run, "NAW-002"))
    assert run.report is not None and run.report["inputs"][0]["records"] == 3


def test_values_outside_are_held_a_window_at_a_time() -> None:
    """However many values a document has outside its records, a record of them holds at
    most WINDOW_SIZE: memory stays bounded."""
    data = json.dumps({"waarden": [str(i) for i in range(WINDOW_SIZE * 2 + 5)], "r": [{}]})
    read = list(json_reader.read_json(io.BufferedReader(io.BytesIO(data.encode())), "x", {}))
    outside = [r for w in read if w.kind == OUTSIDE for r in w.records]
    assert [len(r.fields["waarden"]) for r in outside] == [WINDOW_SIZE, WINDOW_SIZE, 5]
    assert [v for r in outside for v in r.fields["waarden"]] == [
        str(i) for i in range(WINDOW_SIZE * 2 + 5)
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("array", '[{{"eckId": "{e}", "groep": "{bsn}", "groep": "7"}}]'),
        ("under a key", '{{"l": [{{"eckId": "{e}", "groep": "{bsn}", "groep": "7"}}]}}'),
        ("spaced", '[{{"eckId": "{e}", "groep"\n : "{bsn}", "groep" : "7"}}]'),
        ("nested", '[{{"eckId": "{e}", "g": {{"n": "{bsn}", "n": "7"}}}}]'),
        ("lines", '{{"eckId": "{e}", "groep": "{bsn}", "groep": "7"}}\n'),
    ],
)
def test_a_bsn_in_the_first_of_two_equal_keys_fails_naw_002(
    tmp_path: Path, cli: Any, name: str, text: str
) -> None:
    path = tmp_path / ("export.jsonl" if name == "lines" else "export.json")
    path.write_text(text.format(e=eckid("p"), bsn=BSN))
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("NAW-002") == "fail", run.out


def test_many_lines_with_one_repeated_key_among_them(tmp_path: Path, cli: Any) -> None:
    """A JSON Lines window is parsed at once; one repeated key in it is still found."""
    lines = [json.dumps({"eckId": eckid(f"p{i}"), "groep": "7"}) for i in range(3000)]
    lines[2500] = '{"groep": "' + BSN_2 + '", ' + lines[2500][1:]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("NAW-002") == "fail"
    assert run.findings("NAW-002")[0]["location"]["line"] == 2501


_KEYS = st.sampled_from(["a", "b", 'c"', "d:", ""])
_VALUES = st.one_of(
    st.text(st.sampled_from(['"', ":", " ", "x", "\\", "\n"]), max_size=6),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
)
_SPACES = st.sampled_from(["", " ", "\n", "\t ", "\r\n  "])


@st.composite
def _written(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, Any]]]:
    """An object written with its pairs as drawn (a key may come back), the white space
    around its colons drawn too, and the pairs."""
    pairs = draw(st.lists(st.tuples(_KEYS, _VALUES), max_size=6))
    members = [
        json.dumps(key) + draw(_SPACES) + ":" + draw(_SPACES) + json.dumps(value)
        for key, value in pairs
    ]
    return ("[{" + ",".join(members) + "}]").encode(), pairs


@given(_written())
@settings(max_examples=300, deadline=None)
def test_every_value_of_a_repeated_key_is_kept(
    written: tuple[bytes, list[tuple[str, Any]]],
) -> None:
    text, pairs = written
    (parsed,) = repeats.loads(text)
    expected: dict[str, list[Any]] = {}
    for key, value in pairs:
        expected.setdefault(key, []).append(value)
    assert list(parsed) == list(expected)
    for key, values in expected.items():
        kept = parsed[key]
        if len(values) == 1:
            assert kept == values[0] and type(kept) is not repeats.Repeated
        else:
            assert type(kept) is repeats.Repeated and list(kept) == values


def test_the_check_passes_orjsons_parse_through_when_no_key_repeats() -> None:
    text = b'[{"a": "x", "b": {"c": [1, {"d": "\\":"}]}}]'
    assert not repeats.may_repeat(b'[{"a":"x"},{"a":"y"}]', 2)
    assert repeats.key_count(json.loads(text)) == 4
    assert repeats.loads(text) == json.loads(text)


def test_personal_data_used_as_a_key_fails_naw_002(tmp_path: Path, cli: Any) -> None:
    """A map keyed by BSN or e-mail address inside a record, or beside the records: the
    names of fields were never examined, only their values."""
    path = tmp_path / "export.json"
    records = [
        {"eckId": eckid("p1"), "resultaten": {BSN: "7,5", "2026-01-05": "8", "12345": "6"}},
        {"eckId": eckid("p2"), "groep": "7"},
    ]
    path.write_text(json.dumps({"ouders": {"jan@example.nl": "vader"}, "leerlingen": records}))
    run = cli("check", "--profile", "nl-generic", path)
    messages = _messages(run, "NAW-002")
    assert any(
        m.startswith("BSN (valid 11-proef) used as a name in field 'resultaten/1********' of")
        for m in messages
    ), messages
    assert any("e-mail address used as a name in field 'ouders/" in m for m in messages)
    assert len(messages) == 2  # a date or a short number as a key is no finding
    assert not run.quoted(BSN)
    assert not run.quoted("jan@example.nl")


def test_a_list_keyed_by_pupils_names_fails_naw_002(tmp_path: Path, cli: Any) -> None:
    """{"Sanne Jansen": "<her ECK iD>"} beside the records is the very key list the law forbids;
    a key that was a name passed (only a BSN, e-mail or phone number in one was found). A
    header that merely starts with a given name ("Max Score", "Emma Score") is no name."""
    koppeling = {"Sanne Jansen": eckid("p0"), "Jan de Vries": eckid("p1")}
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, koppeling=koppeling))
    assert run.verdict("NAW-002") == "fail", run.out
    messages = _messages(run, "NAW-002")
    assert any(m.startswith("person's name used as a name in field 'koppeling/") for m in messages)
    assert not run.quoted("Sanne")
    headers = {"Max Score": "9", "Emma Score": "8", "Vak Engels": "7", "Koen Kampioen": "6"}
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, cijfers=headers))
    assert run.verdict("NAW-002") != "fail", _messages(run, "NAW-002")


@pytest.mark.parametrize(
    "outside",
    [
        {"koppeling": {"eckId": BSN}},  # named like a pseudonym: no PSN check reads it
        {"map": {eckid("p0"): BSN}},  # an ECK iD as a key is a URL, no name of a pseudonym
    ],
    ids=["named-like-a-pseudonym", "eck-id-as-key"],
)
def test_a_bsn_beside_a_pseudonym_outside_the_records_fails_naw_002(
    tmp_path: Path, cli: Any, outside: dict[str, Any]
) -> None:
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, **outside))
    assert run.verdict("NAW-002") == "fail", run.out
    assert not run.quoted(BSN)


def test_a_key_that_is_data_is_redacted_in_an_errors_position(tmp_path: Path, cli: Any) -> None:
    profile = tmp_path / "supplier.yaml"
    profile.write_text(
        'id: supplier\nversion: "1.0.0"\ntitle: {nl: L, en: L}\nextends: nl-generic\n'
        f"format: {{kind: json, records: {{leerling: /{BSN}}}}}\n"
    )
    path = tmp_path / "export.json"
    path.write_text(json.dumps({BSN: [1]}))
    run = cli("check", "--profile", profile, path)
    assert run.code == 2
    assert "/1********/0: a record must be a JSON object" in run.err
    assert not run.quoted(BSN)


def test_values_outside_are_a_window_each_and_their_shapes_are_not_remembered() -> None:
    """A million distinct keys beside the records made ~1,000 records of 1,024 fields each:
    8 MiB of them in one window, each a new shape kept by every check (690 MB). Each record
    of values outside is a window of its own now, and no per-shape cache keeps its shape."""
    meta = {f"k{i}": "v" for i in range(WINDOW_SIZE * 3)}
    data = json.dumps({"meta": meta, "r": [{"a": "b"}]}).encode()
    read = list(json_reader.read_json(io.BufferedReader(io.BytesIO(data)), "x", {}))
    assert [len(w) for w in read if w.kind == OUTSIDE] == [1, 1, 1]
    cache = ShapeCache(lambda record: len(record.fields))
    outside = next(w for w in read if w.kind == OUTSIDE).records[0]
    assert cache.get((OUTSIDE, *outside.fields), outside) == WINDOW_SIZE
    record = next(w for w in read if w.kind == "r").records[0]
    assert cache.get(("r", "a"), record) == 1
    assert list(cache._values) == [("r", "a")]


def test_a_bsn_or_e_mail_address_as_the_key_of_records_fails_naw_002(
    tmp_path: Path, cli: Any
) -> None:
    """{"111222333": [records]}: the key became the records' kind, and no check read it."""
    path = tmp_path / "export.json"
    records = [{"eckId": eckid("p1"), "groep": "7"}]
    path.write_text(json.dumps({BSN: records, "pupil@example.nl": records}))
    run = cli("check", "--profile", "nl-generic", path)
    labels = sorted(m.split(" used as")[0] for m in _messages(run, "NAW-002"))
    assert labels == ["BSN (valid 11-proef)", "e-mail address"]
    assert not run.quoted(BSN)


def test_a_schools_own_contact_details_are_no_finding_a_bsn_there_is(
    tmp_path: Path, cli: Any
) -> None:
    """A school's name, address, phone number and e-mail address in an export's header are
    the school's: no false alarm (every one was a finding). A BSN there, and a parent's
    phone number in a group's description, are still found."""
    school = {
        "naam": "OBS De Regenboog",
        "adres": "Schoolstraat 1, 1234 AB Utrecht",
        "telefoon": "030-1234567",
        "email": "info@regenboog.nl",
    }
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, school=school))
    assert run.code == 0, run.out
    groep = {"omschrijving": "moeder belt 06-12345678"}
    run = cli(
        "check",
        "--profile",
        "nl-generic",
        _envelope(tmp_path, school={**school, "ref": BSN}, groep=groep),
    )
    assert sorted(
        (f["field"], f["message"].split(" in field")[0]) for f in run.findings("NAW-002")
    ) == [
        ("groep/omschrijving", "phone number"),
        ("school/ref", "BSN (valid 11-proef)"),
    ]


@pytest.mark.parametrize(
    "key",
    ["mailto:pupil@example.nl", "pupil@example.nl|2024", "123456782.pdf", "bsn_123456782"],
)
def test_personal_data_within_a_key_fails_naw_002(tmp_path: Path, cli: Any, key: str) -> None:
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, cijfers={key: "8"}))
    assert run.verdict("NAW-002") == "fail", run.out
    assert not run.quoted("123456782", "pupil@")


def test_an_example_or_a_help_desk_in_a_column_name_is_no_finding(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f"eckId;Telefoon (bijv. 0612345678);Score (vragen: helpdesk@leverancier.nl)\n"
        f"{eckid('p')};-;7\n"
    )
    assert cli("check", "--profile", "nl-generic", path).verdict("NAW-002") != "fail"


@pytest.mark.parametrize(
    ("school", "fails"),
    [
        ({"email": "sanne.jansen@gmail.com"}, True),  # a free mailbox under a person's name
        ({"telefoon": "06-12345678"}, True),  # a mobile number
        ({"email": "s.jansen@gmail.com"}, True),  # an initial (review of a246baf)
        ({"telefoon": "0470 12 34 56"}, True),  # a Belgian mobile number
        ({"email": "info@obsdelinde.nl", "telefoon": "020-1234567"}, False),
        ({"email": "obsdelinde@gmail.com"}, False),  # a school's free mailbox
    ],
    ids=["gmail", "mobile", "initial", "belgian-mobile", "schools-own", "schools-gmail"],
)
def test_a_persons_contact_in_a_schools_field_fails_naw_002(
    tmp_path: Path, cli: Any, school: dict[str, str], fails: bool
) -> None:
    """A school's own e-mail address and phone number in its header are no finding; a
    person's mailbox or mobile number standing in for them is (they passed)."""
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, school=school))
    assert (run.verdict("NAW-002") == "fail") is fails, run.out


def test_people_under_a_school_or_group_are_still_examined(tmp_path: Path, cli: Any) -> None:
    """Only a school's own name, address, phone and e-mail are its own: a contact person or a
    mentor under it is a person, contact details in a record's class may be a parent's, and a
    group's birth date or BSN is a pupil's (review of a3595d7: all three passed)."""
    school = {"naam": "OBS De Klimop", "contactpersoon": "Geert Evers"}
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, school=school))
    assert [f["field"] for f in run.findings("NAW-002")] == ["school/contactpersoon"]
    lines = [
        json.dumps(
            {"eckId": eckid(f"p{i}"), "klas": {"naam": "4A", "telefoon": f"06123456{i:02d}"}}
        )
        for i in range(3)
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert [f["field"] for f in run.findings("NAW-002")] == ["klas/telefoon"]
    groep = {"naam": "4A", "geboortedatum": "2015-03-14", "leerling_bsn": "x"}
    run = cli("check", "--profile", "nl-generic", _envelope(tmp_path, groep=groep))
    assert {f["field"] for f in run.findings("NAW-001")} == {"groep/leerling_bsn"}
    assert {f["field"] for f in run.findings("MIN-001")} == {
        "groep/geboortedatum",
        "groep/leerling_bsn",
    }
