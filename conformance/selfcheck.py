"""Before a certification run, the toolkit checks itself: a verdict is only as good as the code
and the profile that reached it.

A run may certify only from an installed build whose files are exactly those its wheel
recorded (RECORD's SHA-256 per file: a changed check, reporter or shipped profile shows up),
with a shipped profile. A source checkout, an editable install or a development version can
produce reports, but never ones for certification.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib.metadata import (
    Distribution,
    PackageNotFoundError,
    PackagePath,
    distribution,
    entry_points,
)
from pathlib import Path

import conformance
from conformance.model.profile import Profile

_DEVELOPMENT_VERSION = re.compile(r"dev|\+")
_SHOWN = 3  # changed files named in the reason


def build_problems() -> list[str]:
    """Why this build may not certify (empty: it may)."""
    try:
        dist = distribution("conformance")
    except PackageNotFoundError:
        return ["conformance is not installed: running from a source tree"]
    problems = []
    if _editable(dist):
        problems.append("an editable (development) install")
    if _DEVELOPMENT_VERSION.search(dist.version):
        problems.append(f"a development version ({dist.version})")
    problems += _integrity(dist)
    return problems + plugin_problems()


def build_digest() -> str | None:
    """SHA-256 of the installed build's RECORD (every file's own hash): the fingerprint a
    certifier compares with the published release's, or None when not installed."""
    try:
        dist = distribution("conformance")
    except PackageNotFoundError:
        return None
    listed = (f for f in dist.files or () if f.name == "RECORD" and f.parent.suffix == ".dist-info")
    record = next(listed, None)
    if record is None:
        return None
    try:  # the bytes as written (read_text would translate the CSV's line endings)
        data = Path(str(dist.locate_file(record))).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()


def plugin_problems() -> list[str]:
    """Third-party check plugins (entry point group ``conformance.checks``) run inside the
    engine and can change any verdict — even drop a check — without touching our files: a
    certified verdict must come from the toolkit's own checks alone."""
    found = sorted(
        f"{entry.name} ({entry.dist.name if entry.dist else 'unknown distribution'})"
        for entry in entry_points(group="conformance.checks")
        if entry.dist is None or entry.dist.name != "conformance"
    )
    return [f"third-party check plugins are installed: {', '.join(found)}"] if found else []


def profile_problems(profile: Profile) -> list[str]:
    """A profile certifies only when it is one of the shipped ones (whose files the build's
    RECORD vouches for)."""
    if not profile.source.startswith("shipped:"):  # profiles.py marks those from shipped_dir()
        return [f"profile {profile.id} is not a shipped profile ({profile.source})"]
    return []


def _editable(dist: Distribution) -> bool:
    text = dist.read_text("direct_url.json")
    if not text:
        return False
    try:
        info = json.loads(text)
    except ValueError:
        return False
    return bool(isinstance(info, dict) and (info.get("dir_info") or {}).get("editable"))


def _integrity(dist: Distribution) -> list[str]:
    package = Path(conformance.__file__).resolve().parent
    files = [f for f in dist.files or () if f.parts and f.parts[0] == "conformance"]
    hashed = [f for f in files if f.hash is not None and f.hash.mode == "sha256"]
    if not hashed:
        return ["not an installed build: no file hashes to check (a source tree)"]
    if Path(str(dist.locate_file("conformance/__init__.py"))).resolve().parent != package:
        return [f"the code running ({package}) is not the installed build"]
    changed = [str(f) for f in hashed if not _intact(dist, f)]
    added = _unrecorded_profiles(package, files)
    problems = []
    if changed:
        problems.append(
            f"{len(changed)} installed file(s) changed since the build: " + _few(changed)
        )
    if added:
        problems.append(f"profile file(s) not from the build: {_few(added)}")
    return problems


def _intact(dist: Distribution, recorded: PackagePath) -> bool:
    assert recorded.hash is not None
    try:
        data = Path(str(dist.locate_file(recorded))).read_bytes()
    except OSError:
        return False
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return digest == recorded.hash.value


def _unrecorded_profiles(package: Path, files: list[PackagePath]) -> list[str]:
    recorded = {str(f) for f in files}
    found = (package / "profiledata").glob("*.yaml")
    return [
        f"conformance/profiledata/{p.name}"
        for p in sorted(found)
        if f"conformance/profiledata/{p.name}" not in recorded
    ]


def _few(names: list[str]) -> str:
    return ", ".join(names[:_SHOWN]) + (
        f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    )
