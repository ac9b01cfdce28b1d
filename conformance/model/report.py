"""The Report: plain immutable data that every reporter renders and nothing else computes."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.model.findings import Finding
from conformance.model.verdict import Verdict


@dataclass(frozen=True, slots=True)
class InputInfo:
    kind: str  # export | spec | ddl | database | api
    name: str
    sha256: str
    format: str
    records: int

    def unit(self) -> str:
        """What the input's count counts, in the number it takes: "record" or "records",
        "table(s)" for a schema or database, "request(s)" for a live API."""
        one = _UNITS.get(self.kind, "record")
        return one if self.records == 1 else f"{one}s"

    def counted(self) -> str:
        """What the input gave, counted in English: "1 record", "2 tables", "3 requests sent"."""
        sent = " sent" if self.kind == "api" else ""
        return f"{self.records:,} {self.unit()}{sent}"


_UNITS = {"ddl": "table", "database": "table", "api": "request"}


@dataclass(frozen=True, slots=True)
class RequirementResult:
    id: str
    title: dict[str, str]
    verdict: Verdict
    findings: tuple[Finding, ...]
    finding_count: int  # all findings, also those beyond the per-requirement cap
    examined: int  # how many items the check examined; 0 means not applicable
    reason: str | None = None  # why not_applicable or error
    checked: bool = True  # False: no check for this requirement ran on these inputs
    waived: tuple[Finding, ...] = ()  # findings a valid waiver covers (not in ``findings``)
    fix: str | None = None  # how to fix a failure (English, from the check's documentation)


@dataclass(frozen=True, slots=True)
class ProfileRef:
    id: str
    version: str
    purpose: str
    sha256: str
    source: str


@dataclass(frozen=True, slots=True)
class WaiverRecord:
    """One entry of the waivers file and what became of it in this run."""

    requirement: str
    scope: str  # the input / location pattern, as written ("*" for everything)
    justification: str
    owner: str
    expires: str  # ISO date
    approved_by: str | None  # the certifier's approval (required in a certification run)
    status: str  # applied | expired | unmatched | unapproved
    waived: int  # findings it covered


@dataclass(frozen=True, slots=True)
class Certification:
    """Whether the run may serve a certification: ``reasons`` say why not (a development
    build, a modified shipped profile, a draft run …); empty when it may."""

    eligible: bool
    reasons: tuple[str, ...] = ()
    build: str | None = None  # SHA-256 of the installed build's RECORD, to compare with a release

    def describe(self) -> str:
        if self.eligible:
            return "for certification"
        return "NOT FOR CERTIFICATION: " + "; ".join(self.reasons)


@dataclass(frozen=True, slots=True)
class Signature:
    """An Ed25519 signature over the canonical JSON of the report with ``signature`` null."""

    algorithm: str
    key_fingerprint: str  # SHA-256 of the raw public key, hex
    public_key: str  # the raw public key, base64 (a verifier still pins its own copy)
    value: str  # base64


NO_INPUT = "—"  # the input of a requirement no check examined (and of an input-less run)


@dataclass(frozen=True, slots=True)
class Report:
    tool_version: str
    generated_at: str
    subject: dict[str, str]
    profile: ProfileRef
    environment: str
    inputs: tuple[InputInfo, ...]
    verdict: Verdict
    requirements: tuple[RequirementResult, ...]
    command: str
    seed: int | None = None
    waivers: tuple[WaiverRecord, ...] = field(default=())
    certification: Certification | None = None  # None: not a `certify` run
    signature: Signature | None = None

    def input_names(self) -> list[str]:
        """The inputs read, then any other input a finding names (a probe's base URL); for a
        run without either, :data:`NO_INPUT`. What the JUnit report and the pytest plugin each
        give a case per requirement for."""
        names = [info.name for info in self.inputs]
        for result in self.requirements:
            for finding in (*result.findings, *result.waived):
                if finding.location.input not in names:
                    names.append(finding.location.input)
        return names or [NO_INPUT]
