"""The engine: run every applicable check over the inputs and decide a verdict per requirement.

One pass over each input; every record is shown to every active check, in windows of up to 1,024
records of one kind, grouped by shape inside (batches). A check that crashes
becomes an ``error`` verdict for its requirement (never a crash of the run), with only the
exception's type in the reason, since an exception's text may quote a value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from conformance import __version__
from conformance.checks import DOCS, REGISTRY, Check, CheckContext, load_plugins
from conformance.checks.base import Progress
from conformance.model.errors import InputError, UserError
from conformance.model.findings import Finding
from conformance.model.profile import Profile, Purpose
from conformance.model.report import InputInfo, ProfileRef, Report, RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.selection import Selection
from conformance.model.verdict import Severity, Verdict, overall
from conformance.probes.docs import PROBE_DOCS
from conformance.readers import input_kind, open_export, read_interface, read_storage

log = logging.getLogger(__name__)

MAX_FINDINGS_PER_REQUIREMENT = 100
_SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True, slots=True)
class RunRequest:
    profile: Profile
    purpose: str | None
    inputs: Sequence[Path | str]  # export and SQL files, or database URLs
    environment: str = "production"
    subject: tuple[tuple[str, str], ...] = ()
    command: str = ""
    deep_seconds: float | None = None  # check --deep: time budget for the slow searches
    seed: int | None = None  # probe: the hypothesis seed, for the replay
    progress: Progress | None = None
    selection: Selection = field(default_factory=Selection)  # --select / --ignore


@dataclass
class _Outcome:
    check: Check | None
    findings: list[Finding]
    error: str | None = None
    skipped: str | None = None


def resolve_purpose(profile: Profile, name: str | None) -> Purpose:
    chosen = name or profile.default_purpose
    purpose = profile.purposes.get(chosen)
    if purpose is None:
        known = ", ".join(sorted(profile.purposes))
        raise UserError(
            "--purpose", None, f"profile {profile.id} has no purpose '{chosen}'; it has: {known}"
        )
    return purpose


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the checks made of the inputs, before it becomes a Report."""

    purpose: Purpose
    inputs: tuple[InputInfo, ...]
    results: dict[str, RequirementResult]


def run(request: RunRequest) -> Report:
    """Check the exports against the profile and purpose; build the Report."""
    evaluation = evaluate(request)
    return assemble(request, evaluation.purpose, evaluation.inputs, evaluation.results)


def evaluate(request: RunRequest) -> Evaluation:
    """Run every applicable check over the inputs: a result per catalogue requirement."""
    purpose = resolve_purpose(request.profile, request.purpose)
    ctx = CheckContext(request.profile, purpose, request.environment)
    outcomes = _instantiate(ctx, request.selection)
    active = [o for o in outcomes.values() if o.check is not None and o.skipped is None]
    inputs = [info for name in request.inputs for info in _read_any(name, request.profile, active)]
    if request.deep_seconds is not None:
        budget, progress = request.deep_seconds, request.progress
        for outcome in active:
            _guard(outcome, lambda check: check.deepen(budget, progress))
    for outcome in active:
        _finish(outcome)
    results = {rid: _result(rid, outcomes.get(rid)) for rid in CATALOGUE}
    return Evaluation(purpose, tuple(inputs), results)


def assemble(
    request: RunRequest,
    purpose: Purpose,
    inputs: Sequence[InputInfo],
    results: dict[str, RequirementResult],
) -> Report:
    """The Report: every catalogue requirement (those without a result as not examined), each
    with the documented fix."""
    chosen = request.selection
    ordered = tuple(
        _with_fix(results.get(rid) or unchecked(rid))
        if chosen.wants(rid)
        else unchecked(rid, f"not selected ({chosen.describe()})")
        for rid in CATALOGUE
    )
    return Report(
        tool_version=__version__,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        subject=dict(request.subject),
        profile=ProfileRef(
            request.profile.id,
            request.profile.version,
            purpose.name,
            request.profile.sha256,
            request.profile.source,
        ),
        environment=request.environment,
        inputs=tuple(inputs),
        verdict=overall(r.verdict for r in ordered),
        requirements=ordered,
        command=request.command,
        seed=request.seed,
    )


def _with_fix(result: RequirementResult) -> RequirementResult:
    """The documented fix: the registered check's, else a verb's own, else the live probe's."""
    check = REGISTRY.get(result.id)
    doc = (check.doc if check is not None else DOCS.get(result.id)) or PROBE_DOCS.get(result.id)
    return result if doc is None or result.fix else replace(result, fix=doc.fix)


def unchecked(rid: str, reason: str | None = None) -> RequirementResult:
    req = CATALOGUE[rid]
    title = {"nl": req.title_nl, "en": req.title_en}
    why = reason or _unchecked_reason(rid)
    return RequirementResult(rid, title, Verdict.NOT_APPLICABLE, (), 0, 0, why, checked=False)


def _instantiate(ctx: CheckContext, selection: Selection) -> dict[str, _Outcome]:
    load_plugins()
    outcomes: dict[str, _Outcome] = {}
    for rid, cls in REGISTRY.items():
        if not cls.evidence & {"export", "ddl", "database", "spec"} or not selection.wants(rid):
            continue
        outcome = outcomes[rid] = _Outcome(None, [])
        try:
            outcome.check = cls(ctx)
            outcome.skipped = outcome.check.not_applicable()
        except Exception as exc:  # a broken check is an error verdict, not a crashed run
            _crashed(outcome, exc, rid)
    return outcomes


def _read_any(name: Path | str, profile: Profile, active: list[_Outcome]) -> list[InputInfo]:
    """What the checks were shown of an input: the input, and the files it includes."""
    kind = input_kind(name)
    if kind == "export":
        return [_read_input(Path(name), profile, active)]
    if kind == "spec":
        return _read_spec(Path(name), profile, active)
    model, sha256 = read_storage(name)
    for outcome in active:
        if outcome.check is not None and kind in outcome.check.evidence:
            _guard(outcome, lambda check: check.examine(model))
    return [
        InputInfo(kind, model.source, sha256, "sql" if kind == "ddl" else kind, len(model.tables))
    ]


def _read_spec(path: Path, profile: Profile, active: list[_Outcome]) -> list[InputInfo]:
    """The spec and each file it includes, hashed: ``verify`` finds a changed include."""
    spec, sha256 = read_interface(path, profile)
    for outcome in active:
        if outcome.check is not None and "spec" in outcome.check.evidence:
            for record in spec.records:
                _guard(outcome, lambda check, r=record: check.visit(r))  # type: ignore[misc]
            _guard(outcome, lambda check: check.inspect_spec(spec))
    fmt = (
        "xsd"
        if path.suffix.lower() == ".xsd"
        else "openapi"
        if spec.servers or spec.url_fields
        else "json-schema"
    )
    main = InputInfo("spec", str(path), sha256, fmt, len(spec.records))
    return [
        main,
        *(InputInfo("spec", name, digest, f"{fmt} include", 0) for name, digest in spec.included),
    ]


def _read_input(path: Path, profile: Profile, active: list[_Outcome]) -> InputInfo:
    export = open_export(path, profile)
    for outcome in active:
        _guard(outcome, lambda c: c.start_input(str(path)))
    for window in export.windows(profile):
        for outcome in active:
            check = outcome.check
            if check is None:
                continue
            try:
                check.visit_window(window)
            except Exception as exc:  # a bug in one check must not stop the others
                _crashed(outcome, exc)
    if export.records_read == 0:
        raise InputError(str(path), None, _no_records_problem(profile, export.format))
    return InputInfo("export", str(path), export.sha256, export.format, export.records_read)


def _no_records_problem(profile: Profile, fmt: str) -> str:
    if fmt == "xml" and profile.format.records:
        wanted = ", ".join(f"{k} at {v}" for k, v in profile.format.records.items())
        spaces = ", ".join(profile.format.namespaces.values()) or "no namespace"
        return f"no records found for profile {profile.id} (looked for {wanted}; {spaces})"
    return f"no records found for profile {profile.id}"


def _guard(outcome: _Outcome, action: Callable[[Check], None]) -> None:
    check = outcome.check
    if check is None:
        return
    try:
        action(check)
    except Exception as exc:
        _crashed(outcome, exc)


def _crashed(outcome: _Outcome, exc: Exception, rid: str | None = None) -> None:
    rid = rid or (outcome.check.requirement if outcome.check else "?")
    log.debug("check %s crashed with %s", rid, type(exc).__name__)
    outcome.error = f"the check crashed ({type(exc).__name__}); this is a bug in conformance"
    outcome.check = None


def _finish(outcome: _Outcome) -> None:
    check = outcome.check
    if check is None:
        return
    try:
        outcome.findings = list(check.finish())
    except Exception as exc:
        _crashed(outcome, exc)


def _result(rid: str, outcome: _Outcome | None) -> RequirementResult:
    req = CATALOGUE[rid]
    title = {"nl": req.title_nl, "en": req.title_en}
    if outcome is None:
        return unchecked(rid)
    if outcome.error is not None:
        return RequirementResult(rid, title, Verdict.ERROR, (), 0, 0, outcome.error)
    if outcome.skipped is not None:
        return RequirementResult(rid, title, Verdict.NOT_APPLICABLE, (), 0, 0, outcome.skipped)
    check = outcome.check
    assert check is not None
    findings = _ordered(outcome.findings)
    if findings:
        verdict = Verdict.FAIL
    elif check.examined:
        verdict = Verdict.PASS
    else:
        verdict = Verdict.NOT_APPLICABLE
    why = check.why_nothing_examined() if verdict is Verdict.NOT_APPLICABLE else None
    kept = tuple(findings[:MAX_FINDINGS_PER_REQUIREMENT])
    return RequirementResult(rid, title, verdict, kept, len(findings), check.examined, why)


def _unchecked_reason(rid: str) -> str:
    evidence = CATALOGUE[rid].evidence
    if "export" in evidence:
        return f"conformance {__version__} has no export check for this requirement yet"
    needs = " or ".join(sorted(evidence))
    return f"needs {needs} evidence, which `conformance check` on exports does not examine"


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    """By severity, input and line; findings of one line by field and message, so the order
    (and which findings a capped list keeps) does not depend on the order checks tallied in."""
    return sorted(
        findings,
        key=lambda f: (
            _SEVERITY_ORDER[f.severity],
            f.location.input,
            f.location.line or 0,
            f.field or "",
            f.message,
        ),
    )


def probe_report(request: RunRequest, results: dict[str, RequirementResult]) -> Report:
    """A Report of live probe verdicts; everything not probed is marked as not examined."""
    purpose = resolve_purpose(request.profile, request.purpose)
    others = {rid: unchecked(rid, "not examined by `conformance probe`") for rid in CATALOGUE}
    return assemble(request, purpose, (), {**others, **results})
