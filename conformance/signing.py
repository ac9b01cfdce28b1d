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

from conformance.model.errors import InputError, UserError
from conformance.model.report import (
    Report,
    Signature,
)
from conformance.readers import read_storage
from conformance.readers.limits import MIB
from conformance.readers.source import read_limited
from conformance.reporters.json import dumps, from_dict, to_dict

ALGORITHM = "Ed25519"
# The signature object is not itself signed: it may hold these members and nothing else, or a
# note riding along in it ("approved by …") would pass as part of an authentic report.
_SIGNATURE_MEMBERS = frozenset({"algorithm", "key_fingerprint", "public_key", "value"})
# A PEM Ed25519 key is about 120 bytes; a report of thousands of inputs a few MiB. Both are read
# whole, so anything far larger (``/dev/zero`` is refused as a device anyway) is refused first.
_MAX_KEY_BYTES = 64 * 1024
_MAX_REPORT_BYTES = 64 * MIB


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
        key = serialization.load_pem_private_key(_read_key(path), password=None)
    except (ValueError, TypeError):  # not PEM, or protected by a passphrase
        raise UserError(str(path), None, "not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(str(path), None, "not an Ed25519 private key (make one with keygen)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read_key(path))
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
        embedded, value = _decoded(signature)
    except (TypeError, ValueError):
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


def _decoded(signature: dict[str, Any]) -> tuple[Ed25519PublicKey, bytes]:
    """The public key and the value of a signature object, which holds exactly what
    :func:`sign` writes there (ValueError otherwise)."""
    if signature.keys() != _SIGNATURE_MEMBERS:
        raise ValueError("a member too many or too few")
    key = Ed25519PublicKey.from_public_bytes(_strict_base64(signature["public_key"]))
    return key, _strict_base64(signature["value"])


def _strict_base64(text: Any) -> bytes:
    """Base64 in the one spelling :func:`sign` writes: the unsigned signature object must not
    say the same key or value in other characters (junk the decoder would skip, other padding
    bits)."""
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return data


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _read_key(path: Path) -> bytes:
    """A key file, which must be a small regular file: a device or a FIFO given as a key
    would be read forever or block."""
    return read_limited(path, _MAX_KEY_BYTES, "the key file", follow_link=True)


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
    data = read_limited(path, _MAX_REPORT_BYTES, "the report", follow_link=True)
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
        if not isinstance(document, dict) or "report_version" not in document:
            return _damaged("not a conformance report")
        signature = verify(document, public_key)
        exact = _as_written(document) == data
        standing = _standing(document)
    # hostile JSON is a failed check; RecursionError: arrays nested 100,000 deep
    except (UnicodeError, ValueError, TypeError, RecursionError) as exc:
        return _damaged(f"not a JSON report ({type(exc).__name__})")
    if not signature.valid:  # nothing the file names is opened before it is authentic
        return FileCheck(signature, exact, (), ())
    changed, absent = _inputs(document, root)
    return FileCheck(signature, exact, tuple(changed), tuple(absent), standing)


def _as_written(document: dict[str, Any]) -> bytes | None:
    """The bytes the toolkit writes for the document, rendered again from the Report it
    describes: ``dumps(document)`` alone would keep the file's own member order, so a
    reordered file would pass as written. None if no Report renders to this document."""
    try:
        return dumps(to_dict(from_dict(document)))
    except (KeyError, TypeError, ValueError):
        return None


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
        digest = _digest_at_hand(entry.get("kind"), name, root)
        if digest is None:
            absent.append(name)
        elif digest != entry.get("sha256"):
            changed.append(name)
    return changed, absent


def _digest_at_hand(kind: Any, name: str, root: Path) -> str | None:
    """The input's SHA-256 computed as the toolkit computed it, or None when it is not at hand:
    not a file (a server's database, an API) or no file of that name under ``root`` (an
    absolute name stays itself: pathlib's ``/``)."""
    if kind == "database":
        sqlite = _sqlite_file(name)
        return _schema_digest(root / sqlite) if sqlite and (root / sqlite).is_file() else None
    path = root / name
    return _file_digest(path) if kind in ("export", "spec", "ddl") and path.is_file() else None


def _file_digest(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:  # in chunks: an export may be larger than memory
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:  # unreadable (permissions): its hash cannot be checked
        return None


def _sqlite_file(name: str) -> str | None:
    """The file an SQLite database input names (``sqlite:///db.sqlite``), else None."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415  (SQLAlchemy: only for a database)
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    try:
        url = make_url(name)
    except (ArgumentError, ValueError):
        return None
    return url.database if url.get_backend_name() == "sqlite" and url.database else None


def _schema_digest(path: Path) -> str:
    """A database's SHA-256 is over the schema it holds (tables, columns, foreign keys), not
    over the file's bytes: read it as certify did."""
    try:
        return read_storage(path)[1]
    except InputError as exc:  # no longer a database with tables: not what was certified
        return f"unreadable ({exc.problem})"
