"""`conformance certify`: everything the supplier's config names — exports, storage, interface
specs and the live API — checked in one run, waivers applied, one Report.

The config is ``conformance.toml`` (or ``[tool.conformance]`` in pyproject.toml)::

    profile = "uwlr-2.2"
    purpose = "smalle-set"
    waivers = "waivers.toml"           # optional

    [subject]
    supplier = "Voorbeeld Leermiddelen BV"
    product = "Rekenroute"
    version = "4.2.0"

    [inputs]                           # paths relative to the config file; globs allowed
    exports = ["exports/*.xml"]
    storage = ["schema.sql"]           # DDL files or database URLs
    specs = ["openapi.yaml"]

    [probe]                            # optional: the live API (docs/probes.md)

A certification run checks the toolkit itself first (selfcheck) and refuses (exit 2) when it may
not certify; ``draft`` runs anyway and marks every format "not for certification".
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from conformance import engine, selfcheck, waivers
from conformance.model.errors import UserError
from conformance.model.report import (
    Certification,
    InputInfo,
    Report,
    RequirementResult,
    WaiverRecord,
)
from conformance.model.selection import Selection
from conformance.model.verdict import Verdict, summarise
from conformance.probes.config import (
    ProbeConfig,
    config_string,
    load_config,
    read_toml,
    shown,
)
from conformance.profiles import load_profile
from conformance.readers.sniff import is_database_url

Progress = Callable[[str, float, float], None]
_INPUT_KEYS = ("specs", "storage", "exports")
_TOP_KEYS = ("profile", "purpose", "environment", "waivers", "subject", "inputs", "probe")
_SUBJECT_KEYS = ("supplier", "product", "version")


@dataclass(frozen=True, slots=True)
class CertifyConfig:
    source: Path
    profile: str
    purpose: str | None
    environment: str
    subject: dict[str, str]
    inputs: tuple[str, ...]  # files (resolved) and database URLs, in reading order
    waivers: Path | None
    probe: ProbeConfig | None


def load(path: Path, with_probe: bool = True) -> CertifyConfig:
    """The config at ``path``; without ``with_probe`` the [probe] table is not read (static
    runs such as the pre-commit hook need no API credentials). Every value is checked for its
    type before use: ``exports = 5`` or ``profile = {}`` is one clear line, never a crash."""
    name = str(path)
    raw = _toml(path)
    if path.name == "pyproject.toml":
        tool = raw.get("tool") or {}
        if not isinstance(tool, dict):
            raise UserError(name, "tool", "expected a table")
        raw = tool.get("conformance") or {}
    known_keys(raw, _TOP_KEYS, "", name)
    profile = config_string(raw, "profile", name)
    if not profile:
        raise UserError(name, "profile", "name the profile (e.g. uwlr-2.2; `conformance profiles`)")
    base = path.parent
    listed = raw.get("inputs") or {}
    if not isinstance(listed, dict):
        raise UserError(name, "inputs", "expected a table with exports, storage and specs")
    known_keys(listed, _INPUT_KEYS, "inputs.", name)
    subject = raw.get("subject") or {}
    known_keys(subject, _SUBJECT_KEYS, "subject.", name)
    for key, value in subject.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise UserError(name, f"subject.{key}", "expected a string")
        if waivers.hidden_characters(str(value)):
            # a right-to-left override or a zero-width joiner would make the signed report's
            # supplier or product read as another's
            raise UserError(
                name, f"subject.{key}", "holds control or invisible formatting characters"
            )
    environment = config_string(raw, "environment", name) or "production"
    if environment not in ("production", "test"):
        raise UserError(name, "environment", f"{shown(environment)!r}: use production or test")
    inputs = tuple(i for key in _INPUT_KEYS for i in _expand(listed.get(key, []), key, base, name))
    waiver_name = config_string(raw, "waivers", name)
    if not inputs and "probe" not in raw:
        raise UserError(name, "inputs", "nothing to certify: no inputs and no [probe]")
    return CertifyConfig(
        source=path,
        profile=_profile_ref(profile, base),
        purpose=config_string(raw, "purpose", name) or None,
        environment=environment,
        subject={str(k): str(v) for k, v in subject.items()},
        inputs=inputs,
        waivers=base / waiver_name if waiver_name else None,
        probe=load_config(path) if with_probe and "probe" in raw else None,
    )


def known_keys(table: Any, allowed: tuple[str, ...], where: str, name: str) -> None:
    """A key the config does not know is a typo that would silently drop what it meant to say
    (an input, a purpose): an error, never ignored."""
    if not isinstance(table, dict):
        raise UserError(name, where.rstrip(".") or None, "expected a table")
    for key in table:
        if key not in allowed:
            raise UserError(
                name, f"{where}{shown(key)}", f"unknown key; expected one of {', '.join(allowed)}"
            )


def _toml(path: Path) -> dict[str, Any]:
    """Bounded, regular file only, UTF-8 (probes.config.read_toml: the probe map is the same
    file, read the same way)."""
    return read_toml(path)


def _profile_ref(ref: str, base: Path) -> str:
    """A shipped id stays an id; a path is taken relative to the config file."""
    looks_like_path = ref.endswith((".yaml", ".yml")) or "/" in ref
    return str(base / ref) if looks_like_path else ref


def _expand(patterns: Any, key: str, base: Path, name: str) -> list[str]:
    """Each pattern's files, sorted; a pattern that matches nothing is an error (an input that
    cannot be read must never silently shrink what was certified)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise UserError(name, f"inputs.{key}", "expected a list of paths")
    found: list[str] = []
    for pattern in patterns:
        if is_database_url(pattern):
            found.append(pattern)
            continue
        matches = _glob(base, pattern, f"inputs.{key}", name)
        if not matches:
            raise UserError(name, f"inputs.{key}", f"{shown(pattern)} matches no file")
        found += matches
    return found


def _glob(base: Path, pattern: str, where: str = "inputs", name: str = "") -> list[str]:
    """The files a pattern matches. A relative pattern without ``..`` stays inside the config's
    folder: a match reached through a symbolic link to a folder elsewhere (``exports`` ->
    ``/etc``) is refused, or a supplier's config could put a host file into the report."""
    path = Path(pattern)
    root, relative = (
        (Path(path.anchor), str(path.relative_to(path.anchor)))
        if path.is_absolute()
        else (base, pattern)
    )
    if not Path(relative).parts:  # "/", ".", "./": a folder itself (pathlib's glob crashes)
        raise UserError(name, where, f"{shown(pattern)} names a folder, not a file pattern")
    try:
        matches = sorted(str(p) for p in root.glob(relative) if p.is_file())
    except (OSError, ValueError):  # a name too long for the file system; pathlib refusing it
        raise UserError(name, where, f"{shown(pattern)} cannot be matched") from None
    if path.is_absolute() or ".." in path.parts:
        return matches  # the config names a place outside its folder itself
    inside = os.path.realpath(base)
    for match in matches:
        if os.path.commonpath([inside, os.path.realpath(match)]) != inside:
            problem = f"{shown(pattern)} leads out of the config's folder through a symbolic link"
            raise UserError(name, where, problem)
    return matches


@dataclass(frozen=True, slots=True)
class Options:
    """How a run narrows what it reports: never in a certification run (draft only)."""

    selection: Selection = field(default_factory=Selection)
    baseline: Path | None = None  # known findings: only new ones fail
    update_baseline: bool = False  # write the baseline from this run instead of reading it

    def narrowing(self) -> list[str]:
        """Why a run with these options cannot certify."""
        reasons = [f"a selection of requirements ({self.selection.describe()})"]
        reasons = reasons if self.selection.active else []
        if self.baseline is not None:
            reasons.append(f"a baseline of known findings ({self.baseline})")
        return reasons


@dataclass(frozen=True, slots=True)
class Outcome:
    report: Report
    problems: tuple[str, ...]  # waiver problems: each fails the run
    notes: tuple[str, ...] = ()  # worth saying, failing nothing (fixed baseline entries …)
    baseline: bytes | None = None  # the baseline to write (--update-baseline)


def eligibility(
    config: CertifyConfig, draft: bool, options: Options | None = None
) -> Certification:
    """May this run certify? Refuses (exit 2) unless it is a draft."""
    profile = load_profile(config.profile)
    reasons = [*selfcheck.build_problems(), *selfcheck.profile_problems(profile)]
    if config.environment != "production":
        reasons.append(f"environment {config.environment} (pilot ECK iDs are accepted)")
    narrowing = options.narrowing() if options else []
    if (reasons or narrowing) and not draft:
        also = [f"{n} is never allowed in a certification run" for n in narrowing]
        raise UserError(
            str(config.source),
            None,
            "refusing to certify: " + "; ".join(reasons + also) + " (--draft runs anyway, "
            "marked not for certification)",
        )
    if draft:
        reasons += [*narrowing, "a draft run (--draft)"]
    return Certification(not reasons, tuple(reasons), selfcheck.build_digest())


def certify(
    config: CertifyConfig,
    certification: Certification,
    command: str,
    *,
    progress: Progress | None = None,
    today: datetime.date | None = None,
    options: Options | None = None,
) -> Outcome:
    options = options or Options()
    today = today or datetime.datetime.now(datetime.UTC).date()
    request = engine.RunRequest(
        profile=load_profile(config.profile),
        purpose=config.purpose,
        inputs=config.inputs,
        environment=config.environment,
        subject=tuple(config.subject.items()),
        command=command,
        seed=config.probe.seed if config.probe else None,
        progress=progress,
        selection=options.selection,
    )
    evaluation = engine.evaluate(request)
    results, inputs = dict(evaluation.results), list(evaluation.inputs)
    if config.probe is not None:
        from conformance.probes.run import probe  # noqa: PLC0415  (hypothesis, requests: probes only)

        probed = probe(config.probe, progress)
        results.update({rid: _merge(results[rid], r) for rid, r in probed.results.items()})
        inputs.append(_api_input(config.probe, probed.requests))
    entries = waivers.load(config.waivers) if config.waivers else []
    chosen = [w for w in entries if options.selection.wants(w.requirement)]
    applied = waivers.apply(
        results, chosen, today, certification=certification.eligible, root=config.source.parent
    )
    results, records = applied.results, applied.records
    notes: list[str] = []
    written: bytes | None = None
    if options.baseline is not None:
        results, known, notes, written = _baseline(results, options, today)
        records += known
    report = engine.assemble(request, evaluation.purpose, inputs, results)
    report = replace(report, waivers=records, certification=certification)
    if applied.problems and report.verdict is Verdict.PASS:
        report = replace(report, verdict=Verdict.FAIL)  # stale waivers fail the run
    return Outcome(report, applied.problems, tuple(notes), written)


def _baseline(
    results: dict[str, RequirementResult], options: Options, today: datetime.date
) -> tuple[dict[str, RequirementResult], tuple[WaiverRecord, ...], list[str], bytes | None]:
    """Apply the baseline (after the waivers: a waiver keeps its own record), or write it from
    this run's remaining findings and apply that."""
    assert options.baseline is not None
    written = None
    if options.update_baseline:
        written = waivers.baseline_document(results, today)
        known = waivers.baseline_keys(written)
    else:
        known = waivers.load_baseline(options.baseline)
    results, records, fixed = waivers.apply_baseline(results, known, str(options.baseline))
    notes = (
        [f"{fixed} baseline entries no longer occur: --update-baseline shrinks it"] if fixed else []
    )
    return results, records, notes, written


def _merge(static: RequirementResult, probed: RequirementResult) -> RequirementResult:
    """One requirement seen by both the static checks and the probes (LNK-001, API-007)."""
    if not static.checked or (static.examined == 0 and static.verdict is not Verdict.ERROR):
        return probed
    if not probed.checked or probed.examined == 0:
        return static
    worst = summarise((static.verdict, probed.verdict))
    return replace(
        static,
        verdict=worst,
        findings=static.findings + probed.findings,
        finding_count=static.finding_count + probed.finding_count,
        examined=static.examined + probed.examined,
        reason=static.reason or probed.reason,
    )


def _api_input(config: ProbeConfig, requests: int) -> InputInfo:
    """The live API as an input: its URL, the SHA-256 of the config that drove the probes, and
    the requests sent (in the place of an export's records)."""
    digest = hashlib.sha256(Path(config.source).read_bytes()).hexdigest()
    return InputInfo("api", config.base_url, digest, "live-api", requests)
