"""Requirements ↔ checks: every registered check is documented, has pass and fail fixtures whose
findings are asserted exactly, and the generated documentation is current."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT

from conformance.checks import DOCS, REGISTRY
from conformance.docs import catalogue_markdown
from conformance.model.requirements import CATALOGUE

ISSUE_2_CHECKS = {
    "PSN-001",
    "PSN-002",
    "PSN-003",
    "PSN-004",
    "NAW-001",
    "MIN-001",
    "MIN-002",
    "MIN-003",
}


def _cases(rid: str) -> list[dict[str, Any]]:
    path = FIXTURES / rid / "cases.yaml"
    if not path.is_file():
        return []
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text())["cases"]
    return cases


VERIFIED = sorted(set(REGISTRY) | set(DOCS))  # by a check, or by a verb of its own (link)
ALL_CASES = [(rid, case) for rid in VERIFIED for case in _cases(rid)]


def _files(case: dict[str, Any]) -> list[str]:
    """A case checks one file, or several together (``file: [a, b]``)."""
    file = case["file"]
    return list(file) if isinstance(file, list) else [file]


def test_the_checks_of_this_version_are_registered() -> None:
    assert set(REGISTRY) >= ISSUE_2_CHECKS
    assert set(VERIFIED) <= set(CATALOGUE)


@pytest.mark.parametrize("rid", VERIFIED)
def test_every_check_is_documented(rid: str) -> None:
    doc = REGISTRY[rid].doc if rid in REGISTRY else DOCS[rid]
    for section in (doc.what, doc.why, doc.failing, doc.passing, doc.fix):
        assert len(section.strip()) >= 10, rid
    requirement = CATALOGUE[rid]
    assert requirement.title_nl and requirement.title_en


@pytest.mark.parametrize("rid", VERIFIED)
def test_every_check_has_pass_and_fail_fixtures(rid: str) -> None:
    cases = _cases(rid)
    files = {p.name for p in (FIXTURES / rid).iterdir()} - {"cases.yaml", "README.md"}
    described = {f for c in cases for f in _files(c)}
    profiles = {c["profile"] for c in cases if c["profile"].endswith((".yaml", ".yml"))}
    assert files == described | profiles, "cases.yaml must describe (or use) every file"
    assert any(c["verdict"] == "pass" and _files(c)[0].startswith("pass_") for c in cases)
    assert any(c["verdict"] == "fail" and _files(c)[0].startswith("fail_") for c in cases)


@pytest.mark.parametrize(
    ("rid", "case"), ALL_CASES, ids=[f"{rid}/{'+'.join(_files(case))}" for rid, case in ALL_CASES]
)
def test_fixture_gets_exactly_the_expected_findings(rid: str, case: dict[str, Any], cli) -> None:
    folder = FIXTURES / rid
    profile = case["profile"]
    if profile.endswith((".yaml", ".yml")):
        profile = str(folder / profile)
    args = [case.get("verb", "check"), "--profile", profile]
    if case.get("purpose"):
        args += ["--purpose", case["purpose"]]
    if case.get("environment"):
        args += ["--environment", case["environment"]]
    run = cli(*args, *(folder / f for f in _files(case)))
    assert run.report is not None, run.err
    assert run.verdict(rid) == case["verdict"]
    found = sorted(
        ((f["field"], f["location"]["line"], f["occurrences"]) for f in run.findings(rid)),
        key=repr,
    )
    expected = sorted(
        ((f["field"], f.get("line"), f["occurrences"]) for f in case.get("findings") or []),
        key=repr,
    )
    assert found == expected
    for wanted in case.get("findings") or []:
        if "message" in wanted:  # where a folder says which kind of finding it expects
            key = (wanted["field"], wanted.get("line"), wanted["occurrences"])
            messages = [
                f["message"]
                for f in run.findings(rid)
                if (f["field"], f["location"]["line"], f["occurrences"]) == key
            ]
            assert any(wanted["message"] in m for m in messages), messages


def test_generated_requirement_docs_are_current() -> None:
    committed = (ROOT / "docs" / "requirements.md").read_text()
    assert committed == catalogue_markdown(), (
        "run: python -m conformance.docs > docs/requirements.md"
    )
