"""Ed25519 signatures over reports, and their verification.

What is signed is the report's canonical JSON with ``signature`` set to null: keys sorted, no
insignificant whitespace, UTF-8 (RFC 8785's canonical form for the strings, integers, booleans
and nulls a report holds — it has no floats). The signature object carries the public key and
its SHA-256 fingerprint so a reader can see who signed; a verifier pins its own copy of the
public key (``--key``), because a key inside the signed file proves nothing about its owner.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from conformance.model.errors import UserError
from conformance.model.report import Report, Signature
from conformance.reporters.json import dumps, to_dict

ALGORITHM = "Ed25519"


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes that are signed: the document with ``signature`` null, canonically encoded."""
    unsigned = {**document, "signature": None}
    return json.dumps(
        unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def fingerprint(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(public_key)).hexdigest()


def sign(report: Report, private_key: Ed25519PrivateKey) -> Report:
    """The report with its signature (every format rendered from it shows the same one)."""
    unsigned = replace(report, signature=None)
    public = private_key.public_key()
    value = private_key.sign(canonical(to_dict(unsigned)))
    signature = Signature(
        algorithm=ALGORITHM,
        key_fingerprint=fingerprint(public),
        public_key=base64.b64encode(_raw(public)).decode("ascii"),
        value=base64.b64encode(value).decode("ascii"),
    )
    return replace(report, signature=signature)


def generate(private_path: Path, public_path: Path) -> str:
    """A new key pair as PEM files (the private one readable by its owner only); returns the
    fingerprint. Existing files are never overwritten."""
    for path in (private_path, public_path):
        if path.exists():
            raise UserError(str(path), None, "exists already; keygen never overwrites a key")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:  # created owner-only: never readable by others, not even for a moment
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem)
        public_path.write_bytes(public_pem)
    except OSError as exc:
        where = str(exc.filename or private_path)
        raise UserError(where, None, f"cannot write: {exc.strerror}") from None
    return fingerprint(key.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError):  # not PEM, or protected by a passphrase
        raise UserError(str(path), None, "not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(str(path), None, "not an Ed25519 private key (make one with keygen)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path))
    except ValueError:
        raise UserError(str(path), None, "not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UserError(str(path), None, "not an Ed25519 public key")
    return key


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    problem: str  # empty when valid
    fingerprint: str  # of the key that was checked against


def verify(document: dict[str, Any], public_key: Ed25519PublicKey | None) -> Verification:
    """Whether the document's signature holds — against ``public_key`` when given, else
    against the key the document names (which only shows it was not altered since)."""
    signature = document.get("signature")
    if not isinstance(signature, dict):
        return Verification(False, "the report is not signed", "")
    try:
        embedded = Ed25519PublicKey.from_public_bytes(base64.b64decode(signature["public_key"]))
        value = base64.b64decode(signature["value"], validate=True)
    except (KeyError, TypeError, ValueError):
        return Verification(False, "the signature is malformed", "")
    key = public_key or embedded
    if public_key is not None and _raw(public_key) != _raw(embedded):
        return Verification(False, "signed with another key", fingerprint(key))
    # the signature object itself is not signed: what it says about the key must be true
    if signature.get("algorithm") != ALGORITHM or signature.get("key_fingerprint") != fingerprint(
        embedded
    ):
        return Verification(False, "the signature's algorithm or fingerprint is wrong", "")
    try:
        key.verify(value, canonical(document))
    except InvalidSignature:
        return Verification(False, "the report was changed after it was signed", fingerprint(key))
    return Verification(True, "", fingerprint(key))


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(str(path), None, f"cannot read: {exc.strerror}") from None


@dataclass(frozen=True, slots=True)
class FileCheck:
    """``conformance verify``: the signature, the file's bytes and the inputs at hand."""

    signature: Verification
    exact: bool  # the bytes are those the toolkit wrote for this document
    changed_inputs: tuple[str, ...]  # inputs at hand whose SHA-256 differs from the report's
    absent_inputs: tuple[str, ...]  # inputs not at hand (or not files: databases, APIs)
    standing: str = ""  # what the authentic report says: its verdict and whether it certifies

    @property
    def valid(self) -> bool:
        return self.signature.valid and self.exact and not self.changed_inputs


def check_file(path: Path, public_key: Ed25519PublicKey | None, root: Path) -> FileCheck:
    """Check a report file (UserError only if it cannot be read: a damaged file is a failed
    verification, not a usage error)."""
    data = _read(path)
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
        if not isinstance(document, dict) or "report_version" not in document:
            return _damaged("not a conformance report")
        signature = verify(document, public_key)
        exact = dumps(document) == data
    except (UnicodeError, ValueError, TypeError) as exc:  # hostile JSON is a failed check
        return _damaged(f"not a JSON report ({type(exc).__name__})")
    if not signature.valid:  # nothing the file names is opened before it is authentic
        return FileCheck(signature, exact, (), ())
    changed, absent = _inputs(document, root)
    return FileCheck(signature, exact, tuple(changed), tuple(absent), _standing(document))


def _standing(document: dict[str, Any]) -> str:
    """An authentic report is not a conformant one: say what it concluded."""
    verdict = str(document.get("verdict"))
    certification = document.get("certification")
    if not isinstance(certification, dict):
        return f"verdict {verdict}; not a certification run"
    if certification.get("eligible") is True:
        return f"verdict {verdict}; a certification run"
    reasons = "; ".join(map(str, certification.get("reasons") or []))
    return f"verdict {verdict}; NOT for certification ({reasons})"


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _damaged(problem: str) -> FileCheck:
    return FileCheck(Verification(False, problem, ""), False, (), ())


def _inputs(document: dict[str, Any], root: Path) -> tuple[list[str], list[str]]:
    changed: list[str] = []
    absent: list[str] = []
    for entry in document.get("inputs") or []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("name", ""))
        path = Path(name) if Path(name).is_absolute() else root / name
        if entry.get("kind") not in ("export", "spec", "ddl") or not path.is_file():
            absent.append(name)
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            changed.append(name)
    return changed, absent
