"""`conformance init`: a starter conformance.toml and nox session for a supplier's project, from
what is found in it (exports, SQL DDL, OpenAPI and other interface specs) and, on a terminal,
what the supplier answers. It never overwrites a file.

Detection is a proposal, not a verdict: every list is shown (and, interactively, confirmed),
and a base URL is never taken from a spec's servers (usually production: the probes provision
pupils), only from the supplier's answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from conformance.model.errors import UserError
from conformance.profiles import shipped_profiles
from conformance.readers import input_kind

Ask = Callable[[str], str]  # a question -> the answer ("" for the default)
_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        ".nox",
        ".tox",
        "node_modules",
        "dist",
        "build",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        "conformance-reports",
    }
)
_EXPORT_SUFFIXES = frozenset({".xml", ".json", ".jsonl", ".ndjson", ".csv"})
_EXPORT_HINTS = (
    "export",
    "sample",
    "voorbeeld",
    "leerling",
    "pupil",
    "student",
    "uwlr",
    "edexml",
    "oso",
    "dossier",
    "licentie",
)
_MAX_DEPTH = 4


@dataclass
class Found:
    exports: list[str] = field(default_factory=list)
    storage: list[str] = field(default_factory=list)
    specs: list[str] = field(default_factory=list)
    profile: str = "nl-generic"
    base_url: str = ""
    nox_session: bool | None = None  # has noxfile.py a conformance session; None: no noxfile


def detect(root: Path) -> Found:
    """What a starter config would name, relative to ``root``. What init reads after writing
    the config (noxfile.py) is read here, before it: a noxfile it cannot read is one line and
    nothing written, never a config and then a crash (a re-run refuses: the config exists)."""
    found = Found(nox_session=_nox_session(root / "noxfile.py"))
    for path in _files(root, 0):
        name = path.relative_to(root).as_posix()
        kind = input_kind(path)
        if kind == "ddl":
            found.storage.append(name)
        elif kind == "spec":
            found.specs.append(name)
        elif path.suffix.lower() in _EXPORT_SUFFIXES and _looks_like_export(name):
            found.exports.append(name)
    found.profile = _profile(root, found.exports)
    return found


def _nox_session(noxfile: Path) -> bool | None:
    """Whether the project's noxfile has a conformance session; None when there is none."""
    if not noxfile.exists():
        if noxfile.is_symlink():  # init would fail to create it, after writing the config
            problem = "a broken symbolic link; init never overwrites a file"
            raise UserError(str(noxfile), None, problem)
        return None
    if not noxfile.is_file():  # a folder, a FIFO (reading would wait for ever)
        raise UserError(str(noxfile), None, "not a file; init reads it for a conformance session")
    try:
        return "def conformance(" in noxfile.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(str(noxfile), None, "not UTF-8 text; a noxfile is Python source") from None
    except OSError as exc:
        raise UserError(str(noxfile), None, f"cannot read: {exc.strerror}") from None


def _files(folder: Path, depth: int) -> Iterator[Path]:
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and entry.name not in _SKIP_DIRS and depth < _MAX_DEPTH:
            yield from _files(entry, depth + 1)
        elif entry.is_file():
            yield entry


def _looks_like_export(name: str) -> bool:
    lowered = name.lower()
    return any(hint in lowered for hint in _EXPORT_HINTS)


def _profile(root: Path, exports: list[str]) -> str:
    """The shipped profile whose XML namespace the exports use, else nl-generic."""
    heads = [_head(root / e) for e in exports if e.lower().endswith(".xml")]
    for profile in shipped_profiles():
        spaces = [ns.encode() for ns in profile.format.namespaces.values()]
        if spaces and any(ns in head for head in heads for ns in spaces):
            return profile.id
    return "nl-generic"


def _head(path: Path) -> bytes:
    """The first 4 KiB, where the root element names its namespace (an export may be GBs)."""
    with path.open("rb") as handle:
        return handle.read(4096)


def confirm(found: Found, ask: Ask) -> Found:
    """The supplier's say on each list and the test environment's URL."""
    for label in ("exports", "storage", "specs"):
        items: list[str] = getattr(found, label)
        if items and ask(f"{label}: {', '.join(items)} — use these? [Y/n] ").lower().startswith(
            "n"
        ):
            items.clear()
    chosen = ask(f"profile [{found.profile}]: ").strip()
    found.profile = chosen or found.profile
    found.base_url = ask("the test environment's API URL for live probes (empty: none): ").strip()
    return found


def config_text(found: Found) -> str:
    lines = [
        "# Made by `conformance init`: check every line (docs/certify.md, docs/probes.md).",
        f"profile = {json.dumps(found.profile)}",
        '# purpose = ""                 # default: the profile\'s; `conformance profiles`',
        "",
        "[subject]",
        'supplier = ""',
        'product = ""',
        'version = ""',
        "",
        "[inputs]                       # relative to this file; globs allowed",
        f"exports = {json.dumps(found.exports)}",
        f"storage = {json.dumps(found.storage)}  # SQL DDL files or database URLs",
        f"specs = {json.dumps(found.specs)}",
    ]
    return "\n".join(lines + _probe_lines(found)) + "\n"


def _probe_lines(found: Found) -> list[str]:
    if not found.base_url:
        return ["", "# [probe]: the live API, see docs/probes.md"]
    seeded = (
        [f"openapi = {json.dumps(found.specs[0])}  # seeds the endpoints"] if found.specs else []
    )
    return [
        "",
        "[probe]",
        f"base_url = {json.dumps(found.base_url)}  # a test environment, never production",
        *seeded,
        "",
        "[probe.credentials]            # two test schools; secrets from the environment",
        'school_a = {bearer_env = "PROBE_SCHOOL_A"}',
        'school_b = {bearer_env = "PROBE_SCHOOL_B"}',
    ]


def write_new(path: Path, text: str) -> None:
    """Create ``path``; an existing file is never touched."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UserError(str(path), None, "exists already; init never overwrites a file") from None
    except OSError as exc:
        raise UserError(str(path), None, f"cannot write: {exc.strerror}") from None


def templates_dir() -> Path:
    """The CI templates: installed with the package (conformance/templates, a data folder
    without __init__, so located by path), or the checkout's templates/."""
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if (installed / "noxfile.py").is_file() else package.parent / "templates"


def nox_session(standalone: bool) -> str:
    """The documented nox session: a whole noxfile, or the part to add to an existing one."""
    text = (templates_dir() / "noxfile.py").read_text(encoding="utf-8")
    if standalone:
        return text
    return "import os\n\nimport nox\n\n" + text[text.index("# PLACEHOLDER") :]
