"""The JSON report (DESIGN.md §7): the contract fields, validated against the shipped schema."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from conformance.model.findings import Finding, Location
from conformance.model.report import (
    Certification,
    InputInfo,
    ProfileRef,
    Report,
    RequirementResult,
    Signature,
    WaiverRecord,
)
from conformance.model.verdict import Confidence, Severity, Verdict

REPORT_VERSION = "1"


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "conformance", "version": report.tool_version},
        "generated_at": report.generated_at,
        "subject": report.subject,
        "environment": report.environment,
        "profile": {
            "id": report.profile.id,
            "version": report.profile.version,
            "purpose": report.profile.purpose,
            "sha256": report.profile.sha256,
            "source": report.profile.source,
        },
        "inputs": [
            {
                "kind": i.kind,
                "name": i.name,
                "sha256": i.sha256,
                "format": i.format,
                "records": i.records,
            }
            for i in report.inputs
        ],
        "verdict": report.verdict.value,
        "summary": dict(Counter(r.verdict.value for r in report.requirements)),
        "requirements": [_requirement(r) for r in report.requirements],
        "waivers": [_waiver(w) for w in report.waivers],
        "certification": _certification(report.certification),
        "reproduce": {"seed": report.seed, "command": report.command},
        "signature": _signature(report.signature),
    }


def _waiver(waiver: WaiverRecord) -> dict[str, Any]:
    return {
        "requirement": waiver.requirement,
        "scope": waiver.scope,
        "justification": waiver.justification,
        "owner": waiver.owner,
        "expires": waiver.expires,
        "approved_by": waiver.approved_by,
        "status": waiver.status,
        "waived": waiver.waived,
    }


def _certification(certification: Certification | None) -> dict[str, Any] | None:
    if certification is None:
        return None
    return {
        "eligible": certification.eligible,
        "reasons": list(certification.reasons),
        "build": certification.build,
    }


def _signature(signature: Signature | None) -> dict[str, Any] | None:
    if signature is None:
        return None
    return {
        "algorithm": signature.algorithm,
        "key_fingerprint": signature.key_fingerprint,
        "public_key": signature.public_key,
        "value": signature.value,
    }


def _requirement(result: RequirementResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title["en"],
        "titles": result.title,
        "verdict": result.verdict.value,
        "reason": result.reason,
        "examined": result.examined,
        "finding_count": result.finding_count,
        "checked": result.checked,
        "fix": result.fix,
        "findings": [_finding(f) for f in result.findings],
        "waived_findings": [_finding(f) for f in result.waived],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "requirement": finding.requirement,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "message": finding.message,
        "location": {
            "input": finding.location.input,
            "line": finding.location.line,
            "path": finding.location.path,
        },
        "evidence": finding.evidence,
        "rule": finding.rule,
        "field": finding.field,
        "occurrences": finding.occurrences,
    }


def from_dict(document: dict[str, Any]) -> Report:
    """The inverse of :func:`to_dict`: every member it writes is read back (one it does not
    write is not rendered again, so ``verify`` sees the bytes differ). Kept beside to_dict:
    a member added there must be read back here."""
    certification = document["certification"]
    signature = document["signature"]
    return Report(
        tool_version=document["tool"]["version"],
        generated_at=document["generated_at"],
        subject=document["subject"],
        profile=ProfileRef(**document["profile"]),
        environment=document["environment"],
        inputs=tuple(InputInfo(**entry) for entry in document["inputs"]),
        verdict=Verdict(document["verdict"]),
        requirements=tuple(map(_requirement_of, document["requirements"])),
        command=document["reproduce"]["command"],
        seed=document["reproduce"]["seed"],
        waivers=tuple(WaiverRecord(**entry) for entry in document["waivers"]),
        certification=None
        if certification is None
        else Certification(
            certification["eligible"], tuple(certification["reasons"]), certification["build"]
        ),
        signature=None if signature is None else Signature(**signature),
    )


def _requirement_of(entry: dict[str, Any]) -> RequirementResult:
    return RequirementResult(
        id=entry["id"],
        title=entry["titles"],  # "title" is its English entry
        verdict=Verdict(entry["verdict"]),
        findings=tuple(map(_finding_of, entry["findings"])),
        finding_count=entry["finding_count"],
        examined=entry["examined"],
        reason=entry["reason"],
        checked=entry["checked"],
        waived=tuple(map(_finding_of, entry["waived_findings"])),
        fix=entry["fix"],
    )


def _finding_of(entry: dict[str, Any]) -> Finding:
    return Finding(
        requirement=entry["requirement"],
        message=entry["message"],
        location=Location(**entry["location"]),
        severity=Severity(entry["severity"]),
        confidence=Confidence(entry["confidence"]),
        evidence=entry["evidence"],
        rule=entry["rule"],
        field=entry["field"],
        occurrences=entry["occurrences"],
    )


@cache
def schema() -> dict[str, Any]:
    text = resources.files("conformance.schemas").joinpath("report.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if the document breaks the report contract."""
    jsonschema.Draft202012Validator(schema()).validate(document)


def render(report: Report) -> bytes:
    document = to_dict(report)
    validate(document)
    return dumps(document)


def dumps(document: dict[str, Any]) -> bytes:
    """The file's bytes: deterministic for a document, so a verifier can tell a reformatted or
    altered file from the one that was written (every byte counts, not only the signed data)."""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
