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


@dataclass(frozen=True, slots=True)
class ProfileRef:
    id: str
    version: str
    purpose: str
    sha256: str
    source: str


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
    waivers: tuple[dict[str, str], ...] = field(default=())
