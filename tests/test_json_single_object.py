"""A JSON document that is one person — an API's response for one pupil, saved — is one
record, not "no records found": a school checking a vendor's sample response gets a verdict.
Only where its values are one person's: a document of counts, persons keyed by a value, or an
empty list of pupils beside a contact still has no records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid

from conformance.model.report import InputInfo
from conformance.reporters import html

BSN = "111222333"  # valid 11-proef


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
    is a direct identifier (NAW-001) paired with the ECK iD (LNK-002)."""
    pupil = {"eckId": eckid("a"), "naam": "Sanne Jansen", "bsn": BSN}
    run = _check(tmp_path, cli, {"data": pupil, "links": {"self": "https://api.example.nl/1"}})
    assert run.code == 1
    assert run.report is not None
    assert run.report["inputs"][0]["records"] == 1
    assert run.verdict("NAW-001") == "fail"
    assert {f["field"] for f in run.findings("NAW-001")} == {"data/naam", "data/bsn"}
    assert run.verdict("LNK-002") == "fail"
    assert not run.quoted(BSN, "Sanne Jansen")


def test_a_response_without_a_pseudonym_fails_psn_001(tmp_path: Path, cli: Any) -> None:
    run = _check(tmp_path, cli, {"leerlingId": "L1", "achternaam": "Jansen"})
    assert run.code == 1
    assert run.verdict("PSN-001") == "fail"
    assert run.verdict("NAW-001") == "fail"


@pytest.mark.parametrize(
    "document",
    [
        {"totaal": 3, "pagina": 1},  # no person's field at all
        {"L1": {"eckId": eckid("a")}, "L2": {"eckId": eckid("b")}},  # persons keyed by a value
        {eckid("a"): {"groep": "5a", "leerlingId": "L1"}},  # keyed by the ECK iD
        {"resultaat": {"lijst": [{"eckId": eckid("a")}, {"eckId": eckid("b")}]}},  # two of them
        {"leerlingen": [], "contact": {"email": "info@school.nl"}},  # an empty list of pupils
        {"contact": {"email": "info@school.nl"}, "leerlingen": []},  # the same, the list last
    ],
)
def test_what_is_no_one_persons_still_has_no_records(
    tmp_path: Path, cli: Any, document: dict[str, Any]
) -> None:
    run = _check(tmp_path, cli, document)
    assert run.code == 2
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
