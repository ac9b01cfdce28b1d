"""nl-generic on supplier exports of every shape: records found, fields classified by name."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import eckid

from conformance.readers.json import flatten


def test_object_of_arrays_is_checked_for_pseudonyms(tmp_path: Path, cli) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps(
            {
                "school": "99ZZ",
                "leerlingen": [
                    {"leerlingId": "1", "eckId": eckid("1")},
                    {"leerlingId": "2"},
                    {"leerlingId": "3", "eck_id": "https://id.school/abc"},
                ],
            }
        )
    )
    run = cli("check", "--profile", "nl-generic", path)
    assert [(f["field"], f["location"]["path"]) for f in run.findings("PSN-001")] == [
        ("eckId", "/leerlingen/1")
    ]
    assert [f["field"] for f in run.findings("PSN-002")] == ["eck_id"]


def test_one_pupil_on_several_rows_is_not_a_shared_pseudonym(tmp_path: Path, cli) -> None:
    path = tmp_path / "licences.csv"
    path.write_text(f"eckId;product\n{eckid('a')};rekenen\n{eckid('a')};taal\n{eckid('b')};taal\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("PSN-003") == "not_applicable"
    assert run.verdict("PSN-002") == "pass"
    keyed = tmp_path / "keyed.csv"
    keyed.write_text(f"leerlingId;eckId\n1;{eckid('a')}\n1;{eckid('a')}\n2;{eckid('a')}\n")
    shared = cli("check", "--profile", "nl-generic", keyed)
    (finding,) = shared.findings("PSN-003")
    assert (finding["location"]["line"], finding["occurrences"]) == (2, 3)


def test_a_schools_postcode_is_not_held_to_a_pupils_precision(tmp_path: Path, cli) -> None:
    profile = tmp_path / "regio.yaml"
    profile.write_text(
        'id: regio\nversion: "1.0.0"\ntitle: {nl: R, en: R}\nextends: nl-generic\n'
        "purposes:\n  analyse:\n    allow_classes: [pseudonym, key, operational, quasi]\n"
        "    precision: {postcode4: postcode4, birthdate: month}\n"
    )
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"eckId": eckid("a"), "school": {"postcode": "7311AA"}, "pc4": "7311AA"}) + "\n"
    )
    run = cli("check", "--profile", profile, "--purpose", "analyse", path)
    assert [(f["field"], f["evidence"]) for f in run.findings("MIN-002")] == [("pc4", "7*****")]


def test_a_full_postcode_in_a_postcode4_field_fails_naw_002(tmp_path: Path, cli) -> None:
    """A field named postcode4 holds four digits: "1234 AB" there passed under analyse, whose
    limits name only the birth date (MIN-002 never looked, NAW-002 took it for the field's own
    content)."""
    rows = [{"eckId": eckid(f"p{i}"), "groep": "5a", "postcode4": "1234 AB"} for i in range(5)]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(rows))
    run = cli("check", "--profile", "nl-generic", "--purpose", "analyse", path)
    assert [(f["field"], f["evidence"]) for f in run.findings("NAW-002")] == [
        ("postcode4", "1*** A*")
    ]
    assert "of the records (in 5 records)" in run.findings("NAW-002")[0]["message"]
    path.write_text(json.dumps([{**row, "postcode4": "1234"} for row in rows]))
    assert cli("check", "--profile", "nl-generic", "--purpose", "analyse", path).code == 0


def test_pupil_keys_made_of_their_names_fail_naw_002(tmp_path: Path, cli) -> None:
    """A sender's key built from the pupil's name ("jansen.sanne") is the name outside the
    school: it passed, CONFORMANT. Redacted in the report like any name."""
    keys = ["jansen.sanne", "devries.daan", "bakker.emma", "visser.lotte"]
    rows = "".join(f"{eckid(k)};{k};5\n" for k in keys)
    path = tmp_path / "x.csv"
    path.write_text("eckId;leerlingId;jaargroep\n" + rows)
    run = cli("check", "--profile", "nl-generic", path)
    assert [(f["field"], f["occurrences"]) for f in run.findings("NAW-002")] == [("leerlingId", 4)]
    assert not run.quoted(*keys)
    codes = ["L0001", "taal.lezen", "groep.acht", "NLS-TAAL"]
    path.write_text("eckId;leerlingId;jaargroep\n" + "".join(f"{eckid(k)};{k};5\n" for k in codes))
    assert cli("check", "--profile", "nl-generic", path).code == 0


def test_names_written_surname_first_fail_naw_002(tmp_path: Path, cli) -> None:
    """ "Verbeek, Lieke" and "Öztürk, Elin" in a free-text or code column — the way a
    school's administration sorts its pupils — passed, CONFORMANT: the recogniser read them,
    but the cheap test in front of it wanted two capitalised words with a space between."""
    names = ["Verbeek, Lieke", "Visser, Mees", "Vries, Anna de", "Łukasz Nowak"]
    rows = "".join(f"{eckid(str(n))};L{n};{name}\n" for n, name in enumerate(names))
    path = tmp_path / "x.csv"
    path.write_text("eckId;leerlingId;kenmerk\n" + rows, encoding="utf-8")
    run = cli("check", "--profile", "nl-generic", path)
    assert [(f["field"], f["occurrences"]) for f in run.findings("NAW-002")] == [("kenmerk", 4)]
    assert not run.quoted(*names)
    codes = ["Groep 7C", "Rekenen, blok 3", "Taal: Lezen", "NLS, TAAL"]
    rows = "".join(f"{eckid(str(n))};L{n};{code}\n" for n, code in enumerate(codes))
    path.write_text("eckId;leerlingId;kenmerk\n" + rows, encoding="utf-8")
    assert cli("check", "--profile", "nl-generic", path).verdict("NAW-002") == "pass"


@pytest.mark.parametrize("column", ["sorteernaam", "weergavenaam", "familienaam", "Officiële naam"])
def test_a_column_of_names_as_administrations_head_it_fails_naw_001(
    tmp_path: Path, cli, column: str
) -> None:
    """A pupil's sort name, display name or (Flemish) family name is their name: the column
    passed NAW-001 as an unknown field."""
    path = tmp_path / "x.csv"
    path.write_text(f"eckId;leerlingId;{column}\n{eckid('a')};L1;Kees\n", encoding="utf-8")
    run = cli("check", "--profile", "nl-generic", path)
    assert [f["field"] for f in run.findings("NAW-001")] == [column]


def test_several_names_in_one_record_count_that_record_once(tmp_path: Path, cli) -> None:
    """Two names in one note, or in two notes of one record, said "in 2 records" (one count
    per name found): the count is of records, column by column and record by record alike."""
    path = tmp_path / "x.csv"
    notes = ["Sanne Jansen en Piet de Vries", "niets bijzonders", "Afwezig: Isa, Kenan en Bilal"]
    rows = "".join(f"{eckid(str(n))};L{n};{note}\n" for n, note in enumerate(notes))
    path.write_text("eckId;leerlingId;opmerking\n" + rows, encoding="utf-8")
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("NAW-002")
    assert finding["occurrences"] == 2 and "in 2 records" in finding["message"]
    lines = tmp_path / "x.jsonl"
    record = {
        "eckId": eckid("a"),
        "leerlingId": "L1",
        "notities": ["Sanne Jansen", "Piet de Vries"],
    }
    lines.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (finding,) = cli("check", "--profile", "nl-generic", lines).findings("NAW-002")
    assert finding["occurrences"] == 1 and "(once)" in finding["message"]


def _oneroster(extra_ids: list[dict[str, str]]) -> dict[str, object]:
    users = [
        {
            "sourcedId": f"u{i}",
            "role": "student",
            "userIds": [
                {"type": "eckId", "identifier": eckid(f"u{i}")},
                {"type": "LAS", "identifier": f"L{i}"},
                *(extra_ids if i == 0 else []),
            ],
            "grades": ["05"],
        }
        for i in range(4)
    ]
    return {"users": users}


def test_a_list_of_typed_identifiers_is_read_as_fields_named_by_type(tmp_path: Path, cli) -> None:
    """OneRoster's userIds: the ECK iD under {"type": "eckId", "identifier": …} failed PSN-001
    (no field named for it); a BSN typed "BSN" that fails the 11-proef passed unseen. A type
    that names no field (LAS) keeps the identifier's own key."""
    path = tmp_path / "users.json"
    path.write_text(json.dumps(_oneroster([])))
    run = cli("check", "--profile", "nl-generic", path)
    assert run.code == 0, run.report
    assert run.verdict("PSN-001") == "pass"
    path.write_text(json.dumps(_oneroster([{"type": "BSN", "identifier": "111222334"}])))
    run = cli("check", "--profile", "nl-generic", path)
    assert [f["field"] for f in run.findings("NAW-001")] == ["userIds/BSN"]
    assert not run.quoted("111222334")


@pytest.mark.parametrize(
    ("items", "fields"),
    [
        # a LAS number written as one, a null among them (PSN-001 still failed)
        ([{"type": "eckId", "identifier": "E"}, {"type": "LAS", "identifier": 1234}, None],
         {"ids/eckId": ["E"], "ids/identifier": ["1234"]}),
        # the type says what the id refers to, not its scheme: no pupil's name (false alarm)
        ([{"type": "student", "id": "1000"}, {"type": "parent", "id": "p-1"}],
         {"ids/id": ["1000", "p-1"]}),
        ([{"type": "leerlingnummer", "id": "5"}], {"ids/leerlingnummer": ["5"]}),
    ],
)  # fmt: skip
def test_only_an_identifiers_scheme_names_the_field(
    items: list[object], fields: dict[str, list[str]]
) -> None:
    read: dict[str, list[str]] = {}
    flatten({"ids": items}, "", read)
    assert read == fields


def test_a_list_of_other_objects_is_not_read_as_typed() -> None:
    """Three members, or a type that is no name: the list is flattened as it is."""
    fields: dict[str, list[str]] = {}
    items = [{"type": "eckId", "identifier": "x", "status": "a"}, {"type": "a b/c", "id": "y"}]
    flatten({"ids": items}, "", fields)
    assert fields == {
        "ids/type": ["eckId", "a b/c"],
        "ids/identifier": ["x"],
        "ids/status": ["a"],
        "ids/id": ["y"],
    }


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "x.jsonl",
            "".join(
                json.dumps(
                    {"eckId": eckid(str(i)), "geboortedatum": {"jaar": "2014", "maand": "03",
                     "dag": f"{i + 1:02d}"}, "jaargroep": "5"}
                ) + "\n"
                for i in range(10)
            ),
        ),
        (
            "x.csv",
            "eckId;geboortejaar;geboortemaand;geboortedag;jaargroep\n"
            + "".join(f"{eckid(str(i))};2014;03;{i + 1};5\n" for i in range(10)),
        ),
    ],
)  # fmt: skip
def test_a_birth_date_split_into_fields_is_as_precise_as_a_whole_one(
    tmp_path: Path, cli, name: str, text: str
) -> None:
    """Its day's own field beside month and year passed a month's limit."""
    path = tmp_path / name
    path.write_text(text)
    run = cli("check", "--profile", "nl-generic", "--purpose", "analyse", path)
    (finding,) = run.findings("MIN-002")
    assert "expected at most month, found day" in finding["message"]


@pytest.mark.parametrize(
    ("column", "verdict"),
    [
        ("productId", "pass"),
        # abbreviated as exports write them (a review's false alarms, 2026-12-08)
        ("ordernr", "pass"),
        ("licentienr", "pass"),
        ("licentie_id", "pass"),
        ("nummer", "fail"),
        ("klantnr", "fail"),  # a customer may be a parent: searched
    ],
)
def test_nine_digit_product_ids_are_not_bsns(
    tmp_path: Path, cli, column: str, verdict: str
) -> None:
    """One random nine-digit number in eleven passes the 11-proef: a column of product ids
    (a licence export's) held 59 'BSNs' in 600 rows (a review's false alarm). A product's own
    number is as an order's; under a name that says nothing, the same digits are still read."""
    rng = random.Random(3)
    eckid = "https://ketenid.nl/201703/" + "9c" * 64
    rows = [f"{eckid};{rng.randrange(100_000_000, 999_999_999)}" for _ in range(600)]
    path = tmp_path / "licenties.csv"
    path.write_text(f"eckId;{column}\n" + "\n".join(rows) + "\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("NAW-002") == verdict


def test_another_persons_eck_id_beside_the_pupils_is_no_second_pseudonym(
    tmp_path: Path, cli
) -> None:
    """A mentor's or a school's ECK iD in the pupil's record is someone else's: PSN-003 read
    every field named as an ECK iD as the pupil's (a review's false alarm)."""
    mentor = "https://ketenid.nl/201703/" + "7d" * 64
    rows = [
        {
            "leerlingId": f"L{n}",
            "eckId": "https://ketenid.nl/201703/" + f"{n:02x}" * 64,
            "mentorEckId": mentor,
            "schoolEckId": "https://ketenid.nl/201703/" + "5a" * 64,
        }
        for n in range(1, 30)
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("PSN-003") == "pass", run.findings("PSN-003")
    assert run.verdict("PSN-002") == "pass", run.findings("PSN-002")


def test_a_nationality_in_a_list_of_groups_keeps_it_a_list_of_groups(tmp_path: Path, cli) -> None:
    groups = [
        {"id": f"G{n}", "naam": f"Groep {n}", "leerjaar": str(n), "nationaliteit": "NL"}
        for n in range(1, 9)
    ]
    pupils = [
        {"eckId": "https://ketenid.nl/201703/" + f"{n:02x}" * 64, "groep": "G5"}
        for n in range(1, 9)
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"groepen": groups, "leerlingen": pupils}))
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("PSN-001") == "pass", run.findings("PSN-001")
    assert run.verdict("NAW-001") == "pass", run.findings("NAW-001")


@pytest.mark.parametrize("column", ["postcode4adres", "postcode4", "pc4", "postcode_cijfers"])
def test_the_four_digits_of_the_postcode_are_what_analyse_allows(
    tmp_path: Path, cli, column: str
) -> None:
    """nl-generic's analyse allows 'the four digits of the postcode': OSO's own name for them,
    postcode4adres, read as an address, failed NAW-001, MIN-001 and LNK-002; and with no limit
    on them, '6971 VB' in a postcode4 column was not measured (MIN-002 not applicable).
    Pseudoniem allows no postcode at all."""
    rows = "".join(f"{eckid(f'p{i}')},{{pc}},{i % 2 + 1}\n" for i in range(12))
    path = tmp_path / "x.csv"
    path.write_text(f"eckId,{column},geslacht\n" + rows.format(pc="6971"))
    run = cli("check", "--profile", "nl-generic", "--purpose", "analyse", path)
    assert run.code == 0, run.out
    assert run.verdict("MIN-002") == "pass"
    pseudo = cli("check", "--profile", "nl-generic", "--purpose", "pseudoniem", path)
    assert column in [f["field"] for f in pseudo.findings("MIN-001")]
    path.write_text(f"eckId,{column},geslacht\n" + rows.format(pc="6971 VB"))
    run = cli("check", "--profile", "nl-generic", "--purpose", "analyse", path)
    assert [(f["field"], f["occurrences"]) for f in run.findings("MIN-002")] == [(column, 12)]
    assert "expected at most postcode4, found postcode6" in run.findings("MIN-002")[0]["message"]
    assert not run.quoted("6971 VB")
    for purpose in ("analyse", "pseudoniem"):
        run = cli("check", "--profile", "nl-generic", "--purpose", purpose, path)
        assert run.code == 1
