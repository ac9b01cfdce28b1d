"""Load, validate and inherit profiles.

A profile is YAML (see docs/profiles.md for the format and why YAML), validated against
``schemas/profile.schema.json`` and then against the rules a schema cannot express (a purpose
names record kinds that exist, ``extends`` only tightens). The result is an immutable
:class:`~conformance.model.profile.Profile`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from conformance.model.errors import ProfileError
from conformance.model.profile import (
    FieldClass,
    FieldRule,
    FormatSpec,
    Precision,
    Profile,
    PseudonymSpec,
    Purpose,
    Reidentification,
    ReleaseCategories,
)

MAX_PROFILE_BYTES = 2 * 1024 * 1024
MAX_EXTENDS_DEPTH = 8
# Classes a profile that extends another may not weaken: they are what NAW and PSN rest on.
_PROTECTED_CLASSES = frozenset({"direct", "pseudonym"})

Document = dict[str, Any]


def shipped_dir() -> Path:
    """The folder of the shipped profiles: installed with the package, or the checkout's."""
    try:
        installed = Path(str(resources.files("conformance.profiledata")))
    except ModuleNotFoundError:
        installed = None
    if installed is not None and any(installed.glob("*.yaml")):
        return installed
    return Path(__file__).resolve().parent.parent / "profiles"


def shipped_ids() -> list[str]:
    return sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def shipped_profiles() -> Iterator[Profile]:
    for pid in shipped_ids():
        yield load_profile(pid)


def load_profile(ref: str) -> Profile:
    """Load a profile by shipped id or by path to a YAML file."""
    path = _resolve(ref, base=None)
    return _load_path(path)


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("conformance.schemas").joinpath("profile.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _resolve(ref: str, base: Path | None) -> Path:
    candidate = Path(ref) if base is None else base.parent / ref
    if candidate.suffix in {".yaml", ".yml"}:
        if not os.path.lexists(candidate):  # what is there but no file, _read_bytes refuses
            raise ProfileError(str(candidate), None, "profile file not found")
        return candidate
    if _is_file(candidate):
        return candidate
    shipped = shipped_dir() / f"{ref}.yaml"
    if _is_file(shipped):
        return shipped
    known = ", ".join(shipped_ids())
    raise ProfileError(ref, None, f"no such profile; shipped profiles: {known}")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system is simply no such file
        return False


def _load_path(path: Path) -> Profile:
    chain = _read_chain(path)
    merged: Document = {}
    for source, doc, _ in chain:
        merged = _merge(merged, doc, source) if merged else dict(doc)
    digest = hashlib.sha256()
    for _, _, file_digest in chain:  # of the bytes that were parsed, not a second read
        digest.update(file_digest)
    shipped = Path(os.path.realpath(path)).parent == Path(os.path.realpath(shipped_dir()))
    return _build(merged, f"shipped:{path.stem}" if shipped else str(path), digest.hexdigest())


def _read_chain(path: Path) -> list[tuple[str, Document, bytes]]:
    """The profile and its ancestors, root first, each with the SHA-256 of its file."""
    chain: list[tuple[str, Document, bytes]] = []
    seen: set[str] = set()
    current: Path | None = path
    while current is not None:
        resolved = os.path.realpath(current)  # never raises on a symlink loop (Path.resolve does)
        if resolved in seen or len(chain) >= MAX_EXTENDS_DEPTH:
            raise ProfileError(str(current), "$.extends", "extends forms a cycle or is too deep")
        seen.add(resolved)
        data = _read_bytes(current)
        doc = parse_document(data, current)
        validate_document(doc, str(current))
        chain.append((str(current), doc, hashlib.sha256(data).digest()))
        parent = doc.get("extends")
        current = _resolve(parent, base=current) if isinstance(parent, str) else None
    chain.reverse()
    return chain


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: profiles never need them, and they enable 'billion laughs'."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ProfileError(
                str(self.name), f"line {mark.line + 1}", "YAML aliases are not allowed in profiles"
            )
        return super().compose_node(parent, index)


def read_document(path: Path) -> Document:
    """Read one YAML profile file into plain data, refusing what a profile never needs."""
    return parse_document(_read_bytes(path), path)


def _read_bytes(path: Path) -> bytes:
    """A profile file's bytes: a regular file (a FIFO would block, ``/dev/zero`` never end)
    of at most ``MAX_PROFILE_BYTES``, checked before it is read."""
    try:
        # Opening a FIFO for reading blocks until a writer comes: never wait, refuse it below.
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0))
        with io.FileIO(descriptor, "rb") as raw:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise ProfileError(str(path), None, "a profile must be a regular file")
            if info.st_size > MAX_PROFILE_BYTES:
                raise ProfileError(str(path), None, "profile is larger than 2 MiB")
            data = raw.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(str(path), None, f"cannot read profile: {exc.strerror}") from None
    if len(data) > MAX_PROFILE_BYTES:  # it grew while being read
        raise ProfileError(str(path), None, "profile is larger than 2 MiB")
    return data


def parse_document(data: bytes, path: Path) -> Document:
    """One YAML profile's bytes as plain data, refusing what a profile never needs."""
    try:
        loader = _NoAliasLoader(data.decode("utf-8"))
        loader.name = str(path)
        try:
            doc = loader.get_single_data()
        finally:
            loader.dispose()
    except UnicodeDecodeError as exc:
        raise ProfileError(str(path), f"byte {exc.start}", "profile is not valid UTF-8") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        raise ProfileError(str(path), where, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError:
        raise ProfileError(str(path), None, "invalid YAML") from None
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        raise ProfileError(str(path), None, "invalid YAML: nested too deeply") from None
    if not isinstance(doc, dict):
        raise ProfileError(str(path), "$", "a profile must be a mapping of keys to values")
    return doc


def validate_document(doc: Document, source: str) -> None:
    """Validate one profile document against the shipped JSON Schema."""
    validator = jsonschema.Draft202012Validator(_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        raise ProfileError(source, error.json_path, _schema_message(error))


def _schema_message(error: jsonschema.ValidationError) -> str:
    """What the schema expects, in the schema's own terms. jsonschema's message quotes the
    offending value (``'Jan Jansen' is not one of [...]``), and a value pasted into a profile
    may be personal data: only key names (which a profile's author chose) and the schema's
    own values are said."""
    rule, expected = error.validator, error.validator_value
    if rule == "additionalProperties":
        message = f"unknown key ({error.message.split('(')[-1].rstrip(')')})"
    elif rule in {"oneOf", "anyOf"}:
        message = "has the wrong form; see docs/profiles.md"
    elif rule == "required":
        message = error.message  # names the missing key, which the schema lists
    elif rule in _EXPECTATIONS:
        message = _EXPECTATIONS[rule].format(expected)
    else:
        message = f"fails the schema's '{rule}' rule ({expected!r})"
    return message if len(message) <= 200 else message[:197] + "..."


_EXPECTATIONS = {
    "type": "is not of type {0!r}",
    "enum": "is not one of {0!r}",
    "const": "is not {0!r}",
    "pattern": "does not match the pattern {0}",
    "propertyNames": "has a key of the wrong form",
    "minProperties": "needs at least {0} entries",
    "minItems": "needs at least {0} items",
    "uniqueItems": "lists an item twice",
    "minLength": "is shorter than {0} characters",
    "minimum": "is less than {0}",
    "maximum": "is more than {0}",
}


def _merge(parent: Document, child: Document, source: str) -> Document:
    """The child's keys over the parent's; fields and purposes merge by name, tightening only."""
    merged = {**parent, **child}
    merged["fields"] = _merge_fields(parent.get("fields", {}), child.get("fields", {}), source)
    merged["purposes"] = _merge_purposes(parent, child, source)
    merged["reidentification"] = _merge_thresholds(
        parent.get("reidentification", {}), child.get("reidentification", {}), source
    )
    return merged


def _merge_fields(parent: Document, child: Document, source: str) -> Document:
    for path, rule in child.items():
        before = _class_of(parent.get(path))
        if before in _PROTECTED_CLASSES and _class_of(rule) != before:
            raise ProfileError(
                source,
                f"$.fields['{path}']",
                f"cannot reclassify a field the extended profile classes as '{before}'",
            )
    return {**parent, **child}


def _class_of(rule: Any) -> str | None:
    if isinstance(rule, dict):
        cls = rule.get("class")
        return cls if isinstance(cls, str) else None
    return rule if isinstance(rule, str) else None


def _merge_purposes(parent: Document, child: Document, source: str) -> Document:
    parents: Document = parent.get("purposes", {})
    purposes = dict(parents)
    for name, purpose in child.get("purposes", {}).items():
        if name in parents:
            _check_tightens(parents[name], purpose, f"$.purposes.{name}", source)
        purposes[name] = purpose
    return purposes


def _check_tightens(parent: Document, child: Document, where: str, source: str) -> None:
    """A purpose redefined by an extending profile may allow less, never more."""
    p_allow, c_allow = _allow_sets(parent), _allow_sets(child)
    kinds = (set(p_allow) | set(c_allow)) - {"*"} or {"*"}
    for kind in sorted(kinds):
        wider = _effective(c_allow, kind) - _effective(p_allow, kind)
        if wider:
            raise ProfileError(
                source, f"{where}.allow", f"allows more than the extended profile: {sorted(wider)}"
            )
    extra_classes = set(child.get("allow_classes", [])) - set(parent.get("allow_classes", []))
    if extra_classes:
        raise ProfileError(
            source, f"{where}.allow_classes", f"allows more classes: {sorted(extra_classes)}"
        )


def _effective(allow: dict[str, set[str]], kind: str) -> set[str]:
    return allow.get(kind, set()) | allow.get("*", set())


def _allow_sets(purpose: Document) -> dict[str, set[str]]:
    allow = purpose.get("allow", [])
    if isinstance(allow, list):
        return {"*": set(allow)}
    return {kind: set(paths) for kind, paths in allow.items()}


def _merge_thresholds(parent: Document, child: Document, source: str) -> Document:
    for key, default in (("k", 5), ("l", 2)):
        if child.get(key, parent.get(key, default)) < parent.get(key, default):
            raise ProfileError(
                source, f"$.reidentification.{key}", f"{key} may not be lower than extended one"
            )
    parent_share = parent.get("max_unique_share", 1.0)
    if child.get("max_unique_share", parent_share) > parent_share:
        raise ProfileError(
            source, "$.reidentification.max_unique_share", "may not be higher than extended one"
        )
    return {**parent, **child}


def _build(doc: Document, source: str, sha256: str) -> Profile:
    fmt = _format(doc.get("format", {"kind": "auto"}))
    purposes = {name: _purpose(name, p) for name, p in doc.get("purposes", {}).items()}
    profile = Profile(
        id=doc["id"],
        version=doc["version"],
        title=doc["title"],
        standard=doc.get("standard", {"name": doc["id"]}),
        format=fmt,
        subjects=frozenset(doc.get("subjects", fmt.records.keys())),
        pseudonym=_pseudonym(doc.get("pseudonym")),
        fields={path: _field_rule(rule) for path, rule in doc.get("fields", {}).items()},
        purposes=purposes,
        default_purpose=doc.get("default_purpose", next(iter(purposes), "")),
        reidentification=_reidentification(doc.get("reidentification", {})),
        release_categories=_release(doc.get("release_categories")),
        classify_names=doc.get("classify_names", False),
        source=source,
        sha256=sha256,
    )
    _check_consistency(profile)
    return profile


def _format(raw: Document) -> FormatSpec:
    return FormatSpec(
        kind=raw["kind"],
        namespaces=dict(raw.get("namespaces", {})),
        records=dict(raw.get("records", {})),
    )


def _purpose(name: str, raw: Document) -> Purpose:
    allow = _allow_sets(raw)
    return Purpose(
        name=name,
        title=raw.get("title", {"nl": name, "en": name}),
        allow={kind: frozenset(paths) for kind, paths in allow.items()},
        allow_classes=frozenset(FieldClass(c) for c in raw.get("allow_classes", [])),
        precision={path: Precision(p) for path, p in raw.get("precision", {}).items()},
    )


def _pseudonym(raw: Document | None) -> PseudonymSpec | None:
    if raw is None or raw["scheme"] == "none":
        return None
    return PseudonymSpec(
        field=raw["field"],
        scheme=raw["scheme"],
        required=raw.get("required", True),
        identity_key=raw.get("identity_key"),
    )


def _field_rule(raw: str | Document) -> FieldRule:
    if isinstance(raw, str):
        return FieldRule(FieldClass(raw))
    precision = raw.get("precision")
    return FieldRule(
        FieldClass(raw["class"]),
        category=raw.get("category"),
        precision=Precision(precision) if precision else None,
    )


def _reidentification(raw: Document) -> Reidentification:
    return Reidentification(
        quasi_identifiers=tuple(raw.get("quasi_identifiers", ())),
        k=raw.get("k", 5),
        max_unique_share=raw.get("max_unique_share", 0.05),
        l=raw.get("l", 2),
        sensitive=tuple(raw.get("sensitive", ())),
    )


def _release(raw: Document | None) -> ReleaseCategories | None:
    if raw is None:
        return None
    return ReleaseCategories(
        flags_record=raw["flags"]["record"],
        flags_field=raw["flags"]["field"],
        categories={
            flag: {kind: tuple(paths) for kind, paths in kinds.items()}
            for flag, kinds in raw["categories"].items()
        },
    )


def _check_consistency(profile: Profile) -> None:
    """What the schema cannot say: names used in one place exist in another."""
    src = profile.source
    if not profile.purposes:
        raise ProfileError(src, "$.purposes", "a profile needs at least one purpose")
    if profile.default_purpose not in profile.purposes:
        raise ProfileError(src, "$.default_purpose", f"no purpose '{profile.default_purpose}'")
    kinds = set(profile.format.records) or {"record"}
    for name, purpose in profile.purposes.items():
        unknown = set(purpose.allow) - kinds - {"*"}
        if unknown:
            raise ProfileError(
                src, f"$.purposes.{name}.allow", f"unknown record kinds {sorted(unknown)}"
            )
    unknown_subjects = profile.subjects - kinds if profile.format.records else set()
    if unknown_subjects:
        raise ProfileError(src, "$.subjects", f"unknown record kinds {sorted(unknown_subjects)}")
    _check_record_locations(profile)
    if profile.release_categories is not None:
        _check_release(profile, profile.release_categories, kinds)


def _check_record_locations(profile: Profile) -> None:
    if profile.format.kind != "xml":
        return  # JSON pointers have no namespace prefixes
    for kind, location in profile.format.records.items():
        for step in location.strip("/").split("/"):
            prefix, sep, _ = step.rpartition(":")
            if sep and prefix not in profile.format.namespaces:
                raise ProfileError(
                    profile.source,
                    f"$.format.records.{kind}",
                    f"namespace prefix '{prefix}' is not declared in format.namespaces",
                )


def _check_release(profile: Profile, release: ReleaseCategories, kinds: set[str]) -> None:
    used = {release.flags_record} | {k for c in release.categories.values() for k in c}
    unknown = used - kinds
    if unknown:
        raise ProfileError(
            profile.source, "$.release_categories", f"unknown record kinds {sorted(unknown)}"
        )
