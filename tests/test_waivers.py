"""Governed waivers: a covered finding makes its requirement `waived`; an expired waiver, one
that matches nothing, or an unapproved one in a certification run fails the run and says which;
a malformed waivers file is one clear error."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pytest

from conformance import engine, waivers
from conformance.model.errors import UserError
from conformance.model.verdict import Verdict
from conformance.profiles import load_profile

FAILING = (
    Path(__file__).parent.parent / "fixtures" / "NAW-001" / "fail_uwlr_pseudoniem_names_bsn.xml"
)
TODAY = datetime.date(2026, 11, 29)


def _results():
    request = engine.RunRequest(load_profile("uwlr-2.2"), "pseudoniem", (str(FAILING),))
    return engine.evaluate(request).results


def _file(tmp_path: Path, *entries: str) -> list[waivers.Waiver]:
    path = tmp_path / "waivers.toml"
    path.write_text("\n".join(f"[[waiver]]\n{e}" for e in entries))
    return waivers.load(path)


ENTRY = """requirement = "NAW-001"
scope = "fail_uwlr_*.xml"
justification = "Names are needed for the teacher's dashboard until the ECK iD rollout."
owner = "privacy@voorbeeld.nl"
expires = 2027-03-31
approved_by = "Ketenplatform, J. de Boer"
"""


def test_a_waiver_covering_every_finding_makes_the_requirement_waived(tmp_path: Path) -> None:
    results = _results()
    before = results["NAW-001"]
    assert before.verdict is Verdict.FAIL
    outcome = waivers.apply(results, _file(tmp_path, ENTRY), TODAY, certification=True)
    after = outcome.results["NAW-001"]
    assert (after.verdict, after.findings, after.waived) == (
        Verdict.WAIVED,
        (),
        before.findings,
    )
    (record,) = outcome.records
    assert (record.status, record.waived, record.expires) == (
        "applied",
        len(before.findings),
        "2027-03-31",
    )
    assert outcome.problems == ()


def test_a_waiver_narrowed_to_some_fields_leaves_the_rest_failing(tmp_path: Path) -> None:
    narrowed = ENTRY + 'location = "bsn"\n'
    outcome = waivers.apply(_results(), _file(tmp_path, narrowed), TODAY, certification=True)
    after = outcome.results["NAW-001"]
    assert after.verdict is Verdict.FAIL
    assert [f.field for f in after.waived] == ["bsn"]
    assert "bsn" not in [f.field for f in after.findings]
    assert outcome.records[0].scope == "fail_uwlr_*.xml @ bsn"


@pytest.mark.parametrize(
    ("change", "status", "problem"),
    [
        (("2027-03-31", "2026-11-28"), "expired", "expired on 2026-11-28: renew or remove it"),
        (('"NAW-001"', '"NAW-002"'), "unmatched", "matches no finding (fixed, or another waiver"),
        (('"fail_uwlr_*.xml"', '"other.xml"'), "unmatched", "matches no finding"),
        (
            ('approved_by = "Ketenplatform, J. de Boer"', ""),
            "unapproved",
            "no certifier's approval",
        ),
    ],
)
def test_stale_or_unapproved_waivers_fail_the_run_and_say_which(
    tmp_path: Path, change: tuple[str, str], status: str, problem: str
) -> None:
    entry = ENTRY.replace(*change)
    outcome = waivers.apply(_results(), _file(tmp_path, entry), TODAY, certification=True)
    (record,) = outcome.records
    assert record.status == status
    (message,) = outcome.problems
    assert message.startswith("waiver 1 (")
    assert problem in message
    assert outcome.results["NAW-001"].verdict is Verdict.FAIL  # never applied


def test_outside_a_certification_run_approval_is_not_required(tmp_path: Path) -> None:
    entry = ENTRY.replace('approved_by = "Ketenplatform, J. de Boer"', "")
    outcome = waivers.apply(_results(), _file(tmp_path, entry), TODAY, certification=False)
    assert outcome.records[0].status == "applied"
    assert outcome.problems == ()


def test_expiry_is_inclusive_of_its_last_day(tmp_path: Path) -> None:
    entry = ENTRY.replace("2027-03-31", "2026-11-29")
    outcome = waivers.apply(_results(), _file(tmp_path, entry), TODAY, certification=True)
    assert outcome.records[0].status == "applied"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[waiver]]\nrequirement = 'NAW-001'\n", "waiver[0]: missing scope, justification"),
        (ENTRY.replace('"NAW-001"', '"NAW-999"'), "waiver[0].requirement: no requirement NAW-999"),
        (ENTRY.replace("2027-03-31", '"soon"'), "waiver[0].expires: expected a date"),
        ("[[waiver]\n", "invalid TOML"),
        (ENTRY + 'loction = "bsn"\n', "waiver[0].loction: unknown key"),
        ("[[waivers]]\n" + ENTRY, "waiver: expected [[waiver]] entries only"),
        # an empty location would waive every finding of the requirement
        (ENTRY + 'location = ""\n', "waiver[0].location: empty; leave the key out"),
        (ENTRY + 'location = "  "\n', "waiver[0].location: empty; leave the key out"),
        (ENTRY + "location = false\n", "waiver[0].location: expected a string"),
        (ENTRY + "location = []\n", "waiver[0].location: expected a string"),
        (ENTRY.replace('"NAW-001"', '["NAW-001"]'), "waiver[0].requirement: expected a string"),
        # printed on stderr, a line break forges a verdict line and an escape code hides the
        # rest; a right-to-left override makes the signed owner read as another's
        (
            ENTRY.replace('nl"', 'nl\\nverdict: CONFORMANT"', 1),
            "waiver[0].owner: holds control or invisible formatting characters",
        ),
        (
            ENTRY.replace('"Ketenplatform', '"\\u001b[8mKetenplatform'),
            "waiver[0].approved_by: holds control or invisible formatting characters",
        ),
        (
            ENTRY.replace('"privacy', '"\\u202eprivacy'),
            "waiver[0].owner: holds control or invisible formatting characters",
        ),
        (
            ENTRY.replace('"fail_uwlr', '"\\tfail_uwlr'),
            "waiver[0].scope: holds control or invisible formatting characters",
        ),
    ],
)
def test_a_malformed_waivers_file_is_one_clear_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "waivers.toml"
    path.write_text(text if text.startswith("[") else "[[waiver]]\n" + text)
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        waivers.load(path)


def test_a_second_waiver_for_the_same_findings_is_unmatched_not_counted_twice(
    tmp_path: Path,
) -> None:
    outcome = waivers.apply(_results(), _file(tmp_path, ENTRY, ENTRY), TODAY, certification=True)
    first, second = outcome.records
    assert (first.status, second.status, second.waived) == ("applied", "unmatched", 0)
    (problem,) = outcome.problems
    assert problem.startswith("waiver 2 (NAW-001")


def test_a_scope_is_relative_to_the_config_folder_from_any_working_folder(tmp_path: Path) -> None:
    entry = ENTRY.replace('"fail_uwlr_*.xml"', '"NAW-001/fail_uwlr_*.xml"')
    fixtures = FAILING.parent.parent
    results = _results()
    assert waivers.apply(results, _file(tmp_path, entry), TODAY, True).problems  # no root
    outcome = waivers.apply(results, _file(tmp_path, entry), TODAY, True, root=fixtures)
    assert outcome.records[0].status == "applied"


def test_findings_beyond_the_cap_keep_a_waived_requirement_failing(tmp_path: Path) -> None:
    results = _results()
    naw = results["NAW-001"]
    results["NAW-001"] = replace(naw, finding_count=len(naw.findings) + 30)
    after = waivers.apply(results, _file(tmp_path, ENTRY), TODAY, True).results["NAW-001"]
    assert after.verdict is Verdict.FAIL
    (shown,) = after.findings
    assert shown.message.startswith("30 more finding(s) beyond the report's cap")


def test_a_waivers_file_that_is_not_utf8_or_not_a_file_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "waivers.toml"
    broken.write_bytes(b'[[waiver]]\nowner = "\xff"\n')
    with pytest.raises(UserError, match="not UTF-8"):
        waivers.load(broken)
    with pytest.raises(UserError):
        waivers.load(tmp_path)  # a folder


def test_a_justification_may_run_over_lines(tmp_path: Path) -> None:
    """Only the justification may hold line breaks and tabs (a TOML multi-line string)."""
    entry = ENTRY.replace('"Names are needed', '"""Names are needed\n\tfor the dashboard;').replace(
        'rollout."', 'rollout."""'
    )
    (waiver,) = _file(tmp_path, entry)
    assert "\n\tfor the dashboard;" in waiver.justification
