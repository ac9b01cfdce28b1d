"""SARIF 2.1.0 for GitHub code scanning: the catalogue as rules, every finding as a result.

Waived findings stay in the log as suppressed results (``kind: external``, with the waiver's
justification), so code scanning shows them as dismissed rather than forgetting them. Nothing
here links to a web page: the project has no public URL, so ``informationUri`` and
``helpUri`` are left out rather than invented.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from fnmatch import fnmatchcase
from pathlib import PurePath, PurePosixPath
from typing import Any
from urllib.parse import quote

from conformance.model.findings import Finding
from conformance.model.report import Report, RequirementResult, WaiverRecord
from conformance.model.requirements import CATALOGUE, Requirement
from conformance.model.verdict import Confidence, Severity, Verdict

SCHEMA_URI = (  # the OASIS schema's own id (errata01), which validates these logs in the tests
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT = "conformanceFinding/v2"  # versioned: a new hash recipe gets a new key
_NUMBERS = re.compile(r"\d[\d,.]*")

_LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub's rule metadata: problem.severity and precision (how sure the rule's results are).
_PROBLEM = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "recommendation"}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def render(report: Report) -> bytes:
    document = to_dict(report)
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def to_dict(report: Report) -> dict[str, Any]:
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [_run(report)]}


def _run(report: Report) -> dict[str, Any]:
    results = {r.id: r for r in report.requirements}
    index = {rid: i for i, rid in enumerate(CATALOGUE)}
    return {
        "tool": {"driver": _driver(report, results)},
        # GitHub keeps one set of alerts per category: one per profile and purpose.
        "automationDetails": {"id": f"conformance/{report.profile.id}/{report.profile.purpose}/"},
        "invocations": [_invocation(report, index)],
        "results": _fingerprinted(
            [
                *((f, _result(f, index)) for r in report.requirements for f in r.findings),
                *((f, _waived(report, f, index)) for r in report.requirements for f in r.waived),
            ]
        ),
        "properties": _run_properties(report),
    }


def _driver(report: Report, results: dict[str, RequirementResult]) -> dict[str, Any]:
    return {
        "name": "conformance",
        "version": report.tool_version,
        "rules": [_rule(req, results.get(rid)) for rid, req in CATALOGUE.items()],
    }


def _rule(requirement: Requirement, result: RequirementResult | None) -> dict[str, Any]:
    problem, precision = _rule_metadata(result)
    properties: dict[str, Any] = {"tags": [requirement.family, "privacy"]}
    properties["problem.severity"] = _PROBLEM[problem]
    if precision is not None:
        properties["precision"] = _PRECISION[precision]
    return {
        "id": requirement.id,
        "name": requirement.name,
        "shortDescription": {"text": requirement.title_en},
        "fullDescription": {"text": _capitalised(_sentence(requirement.fails_when))},
        "defaultConfiguration": {"level": _LEVEL[problem]},
        "help": _help(requirement, result.fix if result is not None else None),
        "properties": properties,
    }


def _rule_metadata(result: RequirementResult | None) -> tuple[Severity, Confidence | None]:
    """The worst severity and the least confidence among this run's findings of the rule.

    Without findings a rule is as severe as a finding's default (high) and claims no precision:
    nothing was found to be sure or unsure about.
    """
    findings = (*result.findings, *result.waived) if result is not None else ()
    if not findings:
        return Severity.HIGH, None
    severity = max((f.severity for f in findings), key=list(Severity).index)
    confidence = min((f.confidence for f in findings), key=list(Confidence).index)
    return severity, confidence


def _help(requirement: Requirement, fix: str | None) -> dict[str, str]:
    basis = [b.value for b in requirement.basis]
    text = [f"Fails when {_sentence(requirement.fails_when)}", f"Basis: {'; '.join(basis)}."]
    markdown = [
        f"**Fails when** {_sentence(requirement.fails_when)}",
        "**Basis**\n\n" + "\n".join(f"- {b}" for b in basis),
    ]
    if fix:
        text.append(f"Fix: {fix}")
        markdown.append(f"**Fix** {fix}")
    return {"text": "\n".join(text), "markdown": "\n\n".join(markdown)}


def _sentence(text: str) -> str:
    return text if text.endswith(".") else f"{text}."


def _capitalised(text: str) -> str:
    """The catalogue's ``fails_when`` is a clause; standing alone it reads as a sentence."""
    return text[:1].upper() + text[1:]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.requirement}
    if finding.requirement in index:
        result["ruleIndex"] = index[finding.requirement]
    result |= {
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding)],
        "properties": _finding_properties(finding),
    }
    return result


def _waived(report: Report, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    suppression = {
        "kind": "external",
        "status": "accepted",
        "justification": _justification(report.waivers, finding),
    }
    return _result(finding, index) | {"suppressions": [suppression]}


def _justification(waivers: tuple[WaiverRecord, ...], finding: Finding) -> str:
    """The applied waiver of the requirement whose scope names the finding's input (the
    record keeps the scope as written, ``pattern`` or ``pattern @ location``); failing a
    scope match, every applied waiver of the requirement."""
    mine = [w for w in waivers if w.requirement == finding.requirement and w.status == "applied"]
    where = finding.location.input
    scoped = [w for w in mine if _scope_matches(w.scope.split(" @ ", 1)[0], where)]
    texts = [w.justification for w in scoped or mine]
    return "; ".join(dict.fromkeys(texts)) or "waived"


def _scope_matches(pattern: str, where: str) -> bool:
    return fnmatchcase(where, pattern) or fnmatchcase(PurePath(where).name, pattern)


def _location(finding: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.location.input)}}
    if finding.location.line is not None and finding.location.line >= 1:
        physical["region"] = {"startLine": finding.location.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.location.path:
        # An XPath, a JSON pointer or a CSV row: a place inside the artifact, not a file.
        location["logicalLocations"] = [{"fullyQualifiedName": finding.location.path}]
    return location


def artifact_uri(name: str) -> str:
    """A URL stays as it is; a relative path stays relative (GitHub resolves it against the
    repository), escaped to a valid URI reference; an absolute path becomes a file URI."""
    if _URL.match(name):
        return name
    if PurePosixPath(name).is_absolute():
        return PurePosixPath(name).as_uri()
    return quote(name.replace("\\", "/"), safe="/")


def fingerprint(finding: Finding) -> str:
    """Stable across runs for the same problem: a hash of the requirement, input, field, rule
    and message with its numbers masked, so a count, a line or a seed that changes with the
    data does not make code scanning close the alert and open a new one."""
    message = _NUMBERS.sub("#", finding.message)
    key = [finding.requirement, finding.location.input, finding.field, finding.rule, message]
    return _sha256(json.dumps(key, ensure_ascii=False))


def _fingerprinted(pairs: list[tuple[Finding, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each result with its fingerprint; findings that differ only in numbers (PSN-003's
    examples) are told apart by their order: the n-th such gets its own hash."""
    seen: Counter[str] = Counter()
    results = []
    for finding, result in pairs:
        base = fingerprint(finding)
        seen[base] += 1
        unique = base if seen[base] == 1 else _sha256(f"{base}/{seen[base]}")
        results.append(result | {"partialFingerprints": {FINGERPRINT: unique}})
    return results


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _finding_properties(finding: Finding) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "occurrences": finding.occurrences,
    }
    optional = {"field": finding.field, "rule": finding.rule, "evidence": finding.evidence}
    properties |= {k: v for k, v in optional.items() if v is not None}
    return properties


def _invocation(report: Report, index: dict[str, int]) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": report.verdict is not Verdict.ERROR}
    notes = [_notification(r, index) for r in report.requirements if r.verdict is Verdict.ERROR]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _notification(result: RequirementResult, index: dict[str, int]) -> dict[str, Any]:
    """A requirement whose check failed: code scanning shows it as a tool error."""
    rule: dict[str, Any] = {"id": result.id}
    if result.id in index:
        rule["index"] = index[result.id]
    return {
        "level": "error",
        "message": {"text": result.reason or "the check failed"},
        "associatedRule": rule,
    }


def _run_properties(report: Report) -> dict[str, Any]:
    profile = report.profile
    certification = report.certification
    marked = {} if certification is None else {"certification": certification.describe()}
    return marked | {
        "verdict": report.verdict.value,
        "generatedAt": report.generated_at,
        "environment": report.environment,
        "profile": {
            "id": profile.id,
            "version": profile.version,
            "purpose": profile.purpose,
            "sha256": profile.sha256,
        },
    }
