"""Governed waivers: a supplier's documented, owned, expiring exceptions to a requirement.

A waivers file (TOML) holds ``[[waiver]]`` entries: ``requirement``, ``scope`` (a pattern on the
input's name, ``*`` for all), optionally ``location`` (a pattern on the finding's path or
field), ``justification``, ``owner``, ``expires`` (a date) and, for a certification run,
``approved_by`` (the certifier's approval). A finding a waiver covers moves out of the
requirement's findings; a requirement whose every finding is covered is ``waived``.

Waivers rot: the OpenID Foundation's suite is the only one we know that fails on stale ones,
and so does this. An expired waiver, one that no longer matches any finding, or (in a
certification run) one without approval is never applied and fails the run, saying which.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path, PurePath
from typing import Any

from conformance.model.errors import UserError
from conformance.model.findings import Finding, Location
from conformance.model.report import RequirementResult, WaiverRecord
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.readers.source import read_limited

_REQUIRED = ("requirement", "scope", "justification", "owner", "expires")
_OPTIONAL = ("location", "approved_by")
_MAX_BYTES = 2**20


@dataclass(frozen=True, slots=True)
class Waiver:
    requirement: str
    scope: str
    location: str | None
    justification: str
    owner: str
    expires: datetime.date
    approved_by: str | None

    def covers(self, finding: Finding, root: Path | None = None) -> bool:
        """Whether the waiver covers the finding; ``scope`` matches the input's name as
        reported, its file name, or its path relative to ``root`` (the config's folder, so a
        waiver means the same from whichever folder the run starts)."""
        if finding.requirement != self.requirement:
            return False
        names = _names(finding.location.input, root)
        if not any(fnmatchcase(name, self.scope) for name in names):
            return False
        if self.location is None:
            return True
        spots = (finding.location.path or "", finding.field or "")
        return any(fnmatchcase(spot, self.location) for spot in spots if spot)


def _names(where: str, root: Path | None) -> list[str]:
    names = [where, PurePath(where).name]
    if root is not None and "://" not in where:
        relative = os.path.relpath(Path(where).resolve(), root.resolve())
        names.append(PurePath(relative).as_posix())
    return names


@dataclass(frozen=True, slots=True)
class Outcome:
    results: dict[str, RequirementResult]
    records: tuple[WaiverRecord, ...]
    problems: tuple[str, ...]  # each fails the run


def load(path: Path) -> list[Waiver]:
    name = str(path)
    data = read_limited(path, _MAX_BYTES, "the waivers file", follow_link=True)
    try:  # bounded and regular files only: a FIFO would block, /dev/zero never end
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UserError(name, f"byte {exc.start}", "the waivers file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(name, None, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise UserError(name, None, "invalid TOML: nested too deeply") from None
    entries = raw.get("waiver", [])
    if not isinstance(entries, list) or set(raw) - {"waiver"}:
        raise UserError(name, "waiver", "expected [[waiver]] entries only")
    return [_waiver(entry, f"waiver[{i}]", name) for i, entry in enumerate(entries)]


# Only a justification may run over lines (a TOML multi-line string), and hold tabs.
_LINE_BREAKS = {"justification": "\n\t"}


def hidden_characters(text: str, allowed: str = "") -> bool:
    """Whether a text holds a control or invisible formatting character (Unicode Cc, Cf)
    other than those ``allowed``."""
    return any(unicodedata.category(c) in ("Cc", "Cf") and c not in allowed for c in text)


def _waiver(entry: Any, where: str, name: str) -> Waiver:
    if not isinstance(entry, dict):
        raise UserError(name, where, "expected a table")
    unknown = sorted(set(entry) - {*_REQUIRED, *_OPTIONAL})
    if unknown:  # a misspelt `location` would widen the waiver to the whole requirement
        known = ", ".join((*_REQUIRED, *_OPTIONAL))
        raise UserError(name, f"{where}.{unknown[0]}", f"unknown key; expected one of {known}")
    for key in (*_REQUIRED, *_OPTIONAL):
        if key != "expires" and key in entry and not isinstance(entry[key], str):
            raise UserError(name, f"{where}.{key}", "expected a string")
    for key in (*_REQUIRED, *_OPTIONAL):
        value = entry.get(key)
        if isinstance(value, str) and hidden_characters(value, _LINE_BREAKS.get(key, "")):
            # A line break or an escape code in an owner's name printed on stderr forges a
            # "verdict: CONFORMANT" line or hides the rest; a right-to-left override makes the
            # signed report's owner read as another's.
            raise UserError(
                name, f"{where}.{key}", "holds control or invisible formatting characters"
            )
    if "location" in entry and not entry["location"].strip():
        # read as 'no location', it would widen the waiver to every finding of the requirement
        raise UserError(
            name, f"{where}.location", "empty; leave the key out to waive every finding"
        )
    missing = [key for key in _REQUIRED if not str(entry.get(key, "")).strip()]
    if missing:
        raise UserError(name, where, f"missing {', '.join(missing)}")
    rid = str(entry["requirement"]).upper()
    if rid not in CATALOGUE:
        raise UserError(name, f"{where}.requirement", f"no requirement {rid}")
    expires = entry["expires"]
    if not isinstance(expires, datetime.date) or isinstance(expires, datetime.datetime):
        raise UserError(name, f"{where}.expires", "expected a date (2027-03-31, unquoted)")
    approved = str(entry.get("approved_by") or "").strip() or None
    location = entry["location"].strip() if "location" in entry else None
    text = {key: str(entry[key]).strip() for key in ("scope", "justification", "owner")}
    return Waiver(
        rid, text["scope"], location, text["justification"], text["owner"], expires, approved
    )


def apply(
    results: dict[str, RequirementResult],
    waivers: list[Waiver],
    today: datetime.date,
    certification: bool,
    root: Path | None = None,
) -> Outcome:
    """Move covered findings out of the results; report every waiver's status. ``root`` is
    the folder scopes are relative to (the config's)."""
    results = dict(results)
    records: list[WaiverRecord] = []
    problems: list[str] = []
    for number, waiver in enumerate(waivers, start=1):
        covers = partial(waiver.covers, root=root)
        status, covered = _status(waiver, results.get(waiver.requirement), covers, today)
        if status == "applied" and certification and waiver.approved_by is None:
            status, covered = "unapproved", 0
        if status == "applied":
            results[waiver.requirement] = _waive(results[waiver.requirement], covers)
        else:
            problems.append(_problem(number, waiver, status))
        records.append(_record(waiver, status, covered))
    return Outcome(results, tuple(records), tuple(problems))


def _status(
    waiver: Waiver,
    result: RequirementResult | None,
    covers: Callable[[Finding], bool],
    today: datetime.date,
) -> tuple[str, int]:
    """Only findings no earlier waiver took count: a waiver made redundant by another one is
    unmatched, and said to be."""
    covered = sum(1 for f in result.findings if covers(f)) if result is not None else 0
    if waiver.expires < today:
        return "expired", 0
    if covered == 0:
        return "unmatched", 0
    return "applied", covered


def _waive(result: RequirementResult, covers: Callable[[Finding], bool]) -> RequirementResult:
    kept = tuple(f for f in result.findings if not covers(f))
    moved = tuple(f for f in result.findings if covers(f))
    waived = (*result.waived, *moved)
    # findings beyond the per-requirement cap were not seen here: they stay failures
    unseen = result.finding_count - len(result.findings) - len(result.waived)
    remaining = len(kept) + max(unseen, 0)
    verdict = result.verdict
    if result.verdict is Verdict.FAIL and remaining == 0:
        verdict = Verdict.WAIVED
    if remaining and not kept:  # a failure must show a finding: say what was not reviewed
        kept = (_beyond_cap(moved[0], remaining),)
    return replace(result, findings=kept, waived=waived, verdict=verdict)


def _beyond_cap(example: Finding, unseen: int) -> Finding:
    return Finding(
        requirement=example.requirement,
        message=f"{unseen} more finding(s) beyond the report's cap per requirement were not "
        "reviewed by any waiver; they still fail",
        location=Location(example.location.input),
        severity=example.severity,
    )


def _problem(number: int, waiver: Waiver, status: str) -> str:
    what = f"waiver {number} ({waiver.requirement}, scope {waiver.scope}, owner {waiver.owner})"
    return {
        "expired": f"{what} expired on {waiver.expires.isoformat()}: renew or remove it",
        "unmatched": f"{what} matches no finding (fixed, or another waiver covers it): remove it",
        "unapproved": f"{what} has no certifier's approval (approved_by)",
    }[status]


def _record(waiver: Waiver, status: str, covered: int) -> WaiverRecord:
    scope = waiver.scope + (f" @ {waiver.location}" if waiver.location else "")
    return WaiverRecord(
        requirement=waiver.requirement,
        scope=scope,
        justification=waiver.justification,
        owner=waiver.owner,
        expires=waiver.expires.isoformat(),
        approved_by=waiver.approved_by,
        status=status,
        waived=covered,
    )


# --- baselines ---------------------------------------------------------------------------------
# A supplier starting with known findings records them once (`certify --update-baseline FILE`)
# and from then on fails only on new ones (`--baseline FILE`). Baselined findings stay visible
# as waived, under a record whose status is "baseline"; a baseline run is never a certification
# run. A finding is known by requirement, input and field (or its message with every number
# masked): counts, lines and ports change between runs, what was found does not.

BASELINE_VERSION = 1
_NUMBER = re.compile(r"\d+")


def baseline_key(finding: Finding) -> str:
    detail = finding.field or _NUMBER.sub("#", finding.message)
    return f"{finding.requirement} {_NUMBER.sub('#', finding.location.input)} {detail}"


def baseline_document(results: dict[str, RequirementResult], today: datetime.date) -> bytes:
    keys = sorted({baseline_key(f) for r in results.values() for f in (*r.findings, *r.waived)})
    document = {
        "baseline_version": BASELINE_VERSION,
        "created": today.isoformat(),
        "findings": keys,
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def load_baseline(path: Path) -> frozenset[str]:
    try:
        return baseline_keys(path.read_bytes(), str(path))
    except OSError as exc:
        raise UserError(str(path), None, f"cannot read: {exc.strerror}") from None


def baseline_keys(data: bytes, name: str = "baseline") -> frozenset[str]:
    try:
        document = json.loads(data.decode("utf-8"))
    except ValueError as exc:  # also UnicodeDecodeError
        raise UserError(name, None, f"not a baseline (invalid JSON: {exc})") from None
    keys = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(keys, list) or document.get("baseline_version") != BASELINE_VERSION:
        raise UserError(name, None, "not a conformance baseline (make one with --update-baseline)")
    return frozenset(map(str, keys))


def apply_baseline(
    results: dict[str, RequirementResult], known: frozenset[str], source: str
) -> tuple[dict[str, RequirementResult], tuple[WaiverRecord, ...], int]:
    """Known findings move out of the results; returns the results, a record per requirement
    with baselined findings, and how many baseline entries no longer occur (fixed)."""
    results = dict(results)
    records = []
    seen: set[str] = set()
    for rid, result in results.items():
        keys = {baseline_key(f) for f in result.findings}
        seen |= keys
        covered = sum(1 for f in result.findings if baseline_key(f) in known)
        if covered:
            results[rid] = _waive(result, lambda f: baseline_key(f) in known)
            records.append(_baseline_record(rid, source, covered))
    return results, tuple(records), len(known - seen)


def _baseline_record(rid: str, source: str, covered: int) -> WaiverRecord:
    return WaiverRecord(
        requirement=rid,
        scope=f"baseline {source}",
        justification="known when the baseline was taken",
        owner="baseline",
        expires="",
        approved_by=None,
        status="baseline",
        waived=covered,
    )
