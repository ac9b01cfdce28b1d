"""A JSON document that is an API's response about one pupil, saved, is that pupil's record,
not "no records found": a school checking a vendor's sample response gets a verdict. Only
where it plainly is one: a single pseudonym, in an object at the top or in envelopes (`data`,
`leerling` …); what stands beside that object (`links`, `meta`) stays outside the record. A
document of counts, an error, a school's data, persons keyed by an id or listed as rows still
has no records (a review found each of these made into one record, some passing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid

from conformance.model.report import InputInfo
from conformance.reporters import html

BSN = "111222333"  # valid 11-proef
ECK = eckid("z")


def _check(tmp_path: Path, cli: Any, document: Any) -> Any:
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return cli("check", "--profile", "nl-generic", path)


@pytest.mark.parametrize(
    "document",
    [
        {"eckId": eckid("a"), "leerlingId": "L1", "groep": "5a"},
        {"data": {"eckId": eckid("a"), "leerlingId": "L1", "groep": "5a"}},
        {"groep": "5a", "rollen": ["leerling"], "eckId": eckid("a")},  # strings beside it
        {"rollen": ["leerling"], "eckId": eckid("a")},  # the strings first (read in slices)
    ],
)
def test_a_pupils_response_is_one_record_and_may_pass(
    tmp_path: Path, cli: Any, document: dict[str, Any]
) -> None:
    run = _check(tmp_path, cli, document)
    assert run.code in (0, 1), run.err
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 1
    assert run.verdict("PSN-001") == "pass"  # the ECK iD found as the record's pseudonym
    assert run.verdict("PSN-002") == "pass"
    assert run.verdict("NAW-001") == "pass"


def test_one_record_is_said_in_the_singular(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "response.json"
    path.write_text(json.dumps({"eckId": eckid("a"), "groep": "5a"}), encoding="utf-8")
    run = cli("check", "--profile", "nl-generic", path, report=False)
    assert "(json, 1 record)" in run.err  # the summary goes to standard error


def test_a_pupils_name_and_bsn_in_a_response_fail_as_a_records(tmp_path: Path, cli: Any) -> None:
    """As values outside the records a BSN failed NAW-002 only; as a pupil's record its field
    is a direct identifier (NAW-001) paired with the ECK iD (LNK-002), named as in a list."""
    pupil = {"eckId": eckid("a"), "naam": "Sanne Jansen", "bsn": BSN}
    run = _check(tmp_path, cli, {"data": pupil, "links": {"self": "https://api.example.nl/1"}})
    assert run.code == 1
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 1
    assert run.verdict("NAW-001") == "fail"
    assert {f["field"] for f in run.findings("NAW-001")} == {"naam", "bsn"}
    assert run.findings("NAW-001")[0]["location"]["path"] == "/data"
    assert run.verdict("LNK-002") == "fail"
    assert not run.quoted(BSN, "Sanne Jansen")


def test_what_stands_beside_the_pupil_stays_outside_the_record(tmp_path: Path, cli: Any) -> None:
    """Links, paging and a supplier's own contact are the envelope's, as beside a list: not
    fields of the pupil (MIN-001 asked about 'links/self'; NAW-001 took the supplier's e-mail
    for the pupil's)."""
    document = {
        "data": {"eckId": eckid("a"), "groep": "5a"},
        "links": {"self": "https://api.example.nl/leerlingen/1"},
        "meta": {"versie": "2.1"},
        "leverancier": {"naam": "EduSoft BV", "email": "support@edusoft.nl"},
    }
    run = _check(tmp_path, cli, document)
    assert run.code == 0, run.err
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 1


@pytest.mark.parametrize(
    "document",
    [
        {"eckId": ECK, "groep": "5a", "links": {"self": "https://api.example.nl/l/1"}},
        {"eckId": ECK, "groep": "5a", "_links": {"self": {"href": "https://api.example.nl/1"}}},
        {"eckId": ECK, "groep": "5a", "meta": {"gegenereerd": "2026-12-07"}},
        {"eckId": ECK, "groep": "5a", "error": None, "errors": ["waarschuwing"]},
        {"me": {"eckId": ECK, "groep": "5a"}},
        {"result": {"learner": {"eckId": ECK, "groep": "5a"}}},
        {"data": {"id": "4f1c2a6e-9d7b-4c3e-8a51-2b6f0e9d1c44", "eckId": ECK}},
    ],
)
def test_a_responses_own_members_at_the_top_stay_outside_the_record(
    tmp_path: Path, cli: Any, document: dict[str, Any]
) -> None:
    """At the top as in an envelope: links, meta and errors are the response's (MIN-001 asked
    about 'links/self' where the pupil's object was the document itself)."""
    run = _check(tmp_path, cli, document)
    assert run.code == 0, run.err
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 1


def test_a_bsn_beside_the_pupil_is_still_found(tmp_path: Path, cli: Any) -> None:
    document = {"data": {"eckId": eckid("a"), "groep": "5a"}, "meta": {"aanvrager": BSN}}
    run = _check(tmp_path, cli, document)
    assert run.code == 1
    assert run.verdict("NAW-002") == "fail"
    assert any("outside the records" in f["message"] for f in run.findings("NAW-002"))
    assert not run.quoted(BSN)


@pytest.mark.parametrize(
    "document",
    [
        {"totaal": 3, "pagina": 1},  # no person's field at all
        {"leerlingId": "L1", "achternaam": "Jansen"},  # a pupil, but no pseudonym: not said
        {"L1": {"eckId": eckid("a")}, "L2": {"eckId": eckid("b")}},  # persons keyed by a value
        {"L1": {"eckId": ECK, "groep": "5a"}, "L2": {"groep": "5b"}},  # the second without one
        {eckid("a"): {"groep": "5a", "leerlingId": "L1"}},  # keyed by the ECK iD
        {"resultaat": {"lijst": [{"eckId": eckid("a")}, {"eckId": eckid("b")}]}},  # two of them
        {"data": {"rows": [{"eckId": ECK, "groep": "5a"}] + [{"groep": "5a"}] * 49}},  # rows
        {"data": {"eckId": ECK, "broer": {"eckId": eckid("b")}}},  # two pseudonyms
        {"leerlingen": [], "contact": {"email": "info@school.nl"}},  # an empty list of pupils
        {"contact": {"email": "info@school.nl"}, "leerlingen": []},  # the same, the list last
        {"error": {"code": 403, "message": "Forbidden", "userId": "u-123"}},  # an error
        {"school": {"naam": "De Regenboog", "brin": "01AB", "email": "info@regenboog.nl"}},
        {"emailNotificaties": True, "telefoonZichtbaar": False},  # settings
        {"velden": {"eckId": 412, "bsn": 0, "email": 12}},  # counts per field
        {"data": {"leerlingen": []}, "meta": {"aangevraagdDoor": {"userId": "u1"}}},
        {"items": [], "requestedBy": {"userId": "u1", "email": "a@b.nl"}},
        # a second review: more pupils beside the object, or inside it under their own keys
        {"data": {"eckId": ECK}, "meta": {"rows": [{"leerlingId": "L2"}, {"leerlingId": "L3"}]}},
        {"data": {"eckId": ECK, "leerlingId": "L1"}, "L2": {"leerlingId": "L2", "groep": "5b"}},
        {"eckId": ECK, "anderen": {"L2": {"leerlingId": "L2"}}},
        {"data": {"eckId": ECK, "lijst": {"a": {"leerlingId": "L2"}}}},
        # counts, settings and templates under a pseudonym's name
        {"eckId": 412, "bsn": 0, "email": 12},
        {"data": {"eckId": 400, "leerlingen": 412}},
        {"eckIdPrefix": "https://ketenid.nl/201703/", "timeout": 30},
        {"pseudoniem": "aan", "bewaartermijn": 30},
        {"data": {"eckId": True}},
        {"eckId": "leerling.eck_id", "naam": "leerling.naam", "bsn": "leerling.bsn"},
    ],
)
def test_what_is_no_one_persons_response_still_has_no_records(
    tmp_path: Path, cli: Any, document: dict[str, Any]
) -> None:
    run = _check(tmp_path, cli, document)
    assert run.code == 2, run.err
    assert "no records found" in run.err


def test_values_beside_records_stay_outside_them(tmp_path: Path, cli: Any) -> None:
    """A document with records keeps its other values outside them, however few."""
    document = {"contact": {"eckId": eckid("x")}, "leerlingen": [{"eckId": eckid("a")}]}
    run = _check(tmp_path, cli, document)
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 1
    assert run.verdict("PSN-001") == "pass"


def test_a_profiles_pointers_are_not_second_guessed(tmp_path: Path, cli: Any) -> None:
    """Where a profile says where the records are, a document without them has none."""
    profile = tmp_path / "api.yaml"
    profile.write_text(
        'id: api-test\nversion: "1.0.0"\ntitle: {nl: A, en: A}\nextends: nl-generic\n'
        "format: {kind: json, records: {leerling: /leerlingen}}\n",
        encoding="utf-8",
    )
    path = tmp_path / "response.json"
    path.write_text(json.dumps({"eckId": eckid("a"), "groep": "5a"}), encoding="utf-8")
    run = cli("check", "--profile", profile, path)
    assert run.code == 2, run.err
    assert "no records found" in run.err


@pytest.mark.parametrize(
    ("lang", "kind", "count", "said"),
    [
        ("nl", "export", 1, "1 record"),
        ("nl", "database", 1, "1 tabel"),
        ("nl", "api", 1, "1 verzoek verstuurd"),
        ("nl", "api", 2, "2 verzoeken verstuurd"),
        ("en", "export", 1, "1 record"),
        ("en", "export", 3, "3 records"),
        ("en", "ddl", 1, "1 table"),
        ("en", "api", 1, "1 request sent"),
    ],
)
def test_the_html_reports_inputs_are_counted_in_the_right_number(
    lang: str, kind: str, count: int, said: str
) -> None:
    line = html._input_line(InputInfo(kind, "x", "0" * 64, "json", count), html._Words(lang))
    assert line.endswith(said), line


@pytest.mark.parametrize(
    ("kind", "count", "said"),
    [
        ("export", 1, "1 record"),
        ("export", 1200, "1,200 records"),
        ("database", 1, "1 table"),
        ("ddl", 2, "2 tables"),
        ("api", 1, "1 request sent"),
        ("api", 3, "3 requests sent"),
    ],
)
def test_an_inputs_count_is_said_in_the_right_number(kind: str, count: int, said: str) -> None:
    assert InputInfo(kind, "x", "0" * 64, "json", count).counted() == said


def test_the_markdown_summary_says_one_record(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "response.json"
    path.write_text(json.dumps({"eckId": eckid("a"), "groep": "5a"}), encoding="utf-8")
    summary = tmp_path / "summary.md"
    run = cli("check", "--profile", "nl-generic", "--markdown", summary, path)
    assert run.code == 0, run.err
    assert "(json, 1 record)" in summary.read_text(encoding="utf-8")
