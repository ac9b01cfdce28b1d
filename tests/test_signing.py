"""Ed25519 signing of reports: a signed report verifies with the signer's public key; a
one-byte change to the report, another key or a missing signature does not."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conformance import engine, signing
from conformance.model.errors import UserError
from conformance.model.report import InputInfo
from conformance.profiles import load_profile
from conformance.reporters import json as json_report

SAMPLE = Path(__file__).parent.parent / "fixtures" / "sample-supplier" / "uwlr-smalle-set.xml"


def _report():
    request = engine.RunRequest(load_profile("uwlr-2.2"), "smalle-set", (str(SAMPLE),))
    return engine.run(request)


def _signed_document(key: Ed25519PrivateKey) -> dict:
    return json.loads(json_report.render(signing.sign(_report(), key)))


def _written(path: Path, report, key: Ed25519PrivateKey) -> Path:
    """The report signed and written as ``certify`` writes it."""
    path.write_bytes(json_report.render(signing.sign(report, key)))
    return path


@contextlib.contextmanager
def _within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a FIFO opened for reading blocks until a writer comes)."""

    def expire(signum, frame):  # not an OSError, which a reader could take for a read error
        pytest.fail(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_signed_report_verifies_and_is_valid_against_the_schema() -> None:
    key = Ed25519PrivateKey.generate()
    document = _signed_document(key)
    json_report.validate(document)
    result = signing.verify(document, key.public_key())
    assert result.valid, result.problem
    assert result.fingerprint == document["signature"]["key_fingerprint"]
    assert len(result.fingerprint) == 64


def test_a_one_byte_change_to_a_signed_report_breaks_the_signature() -> None:
    key = Ed25519PrivateKey.generate()
    data = json.dumps(_signed_document(key)).encode()
    for marker in (b'"generated_at": "', b'"sha256": "', b'"purpose": "'):
        at = data.index(marker) + len(marker)
        changed = data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]  # one bit of one byte
        outcome = signing.verify(json.loads(changed), key.public_key())
        assert (outcome.valid, outcome.problem) == (
            False,
            "the report was changed after it was signed",
        ), marker
    assert signing.verify(json.loads(data), key.public_key()).valid


def test_a_report_signed_by_another_key_or_not_at_all_fails() -> None:
    document = _signed_document(Ed25519PrivateKey.generate())
    other = Ed25519PrivateKey.generate().public_key()
    assert signing.verify(document, other).problem == "signed with another key"
    document["signature"] = None
    assert signing.verify(document, other).problem == "the report is not signed"


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(
    tmp_path: Path,
) -> None:
    private, public = tmp_path / "k.key", tmp_path / "k.pub"
    printed = signing.generate(private, public)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = signing.load_private_key(private)
    assert signing.fingerprint(signing.load_public_key(public)) == printed
    assert signing.fingerprint(key.public_key()) == printed
    with pytest.raises(UserError, match="exists already"):
        signing.generate(private, tmp_path / "other.pub")


def test_a_file_that_is_not_a_key_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    with pytest.raises(UserError, match="not an unencrypted PEM private key"):
        signing.load_private_key(junk)
    with pytest.raises(UserError, match="not a PEM public key"):
        signing.load_public_key(junk)


def test_the_signature_object_must_tell_the_truth_about_its_key() -> None:
    key = Ed25519PrivateKey.generate()
    for field, value in (("key_fingerprint", "0" * 64), ("algorithm", "RSA")):
        document = _signed_document(key)
        document["signature"][field] = value
        outcome = signing.verify(document, key.public_key())
        assert outcome.problem == "the signature's algorithm or fingerprint is wrong", field


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('"verdict": "pass"', '"verdict": NaN', 1),
        lambda text: text.replace('"inputs": [', '"inputs": [1, ', 1),
        lambda text: text.replace('"tool_version"', '"\\ud800"', 1),
        lambda text: text[: len(text) // 2],
        lambda text: "[]",
    ],
)
def test_a_damaged_or_hostile_report_fails_verification_without_a_crash(
    tmp_path: Path, damage
) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "report.json"
    path.write_text(damage(json.dumps(_signed_document(key), indent=2)), encoding="utf-8")
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert not checked.valid
    assert checked.changed_inputs == ()  # nothing named by an unauthentic file was opened


def test_a_file_with_its_members_reordered_is_not_what_the_toolkit_wrote(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path = _written(tmp_path / "report.json", _report(), key)
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert (checked.valid, checked.exact, checked.absent_inputs) == (True, True, ())
    document = json.loads(path.read_bytes())
    top = dict(reversed(document.items()))
    nested = {
        **document,
        "requirements": [dict(sorted(r.items())) for r in document["requirements"]],
    }
    for reordered in (top, nested):  # the same signed content, in an order never written
        path.write_bytes(json_report.dumps(reordered))
        checked = signing.check_file(path, key.public_key(), tmp_path)
        assert checked.signature.valid
        assert (checked.exact, checked.valid) == (False, False)


def test_nothing_rides_along_in_the_unsigned_signature_object() -> None:
    key = Ed25519PrivateKey.generate()
    document = _signed_document(key)
    document["signature"]["note"] = "Approved by Ketenplatform; verdict: CERTIFIED"
    outcome = signing.verify(document, key.public_key())
    assert (outcome.valid, outcome.problem) == (False, "the signature is malformed")


def test_the_public_key_must_be_strict_base64() -> None:
    key = Ed25519PrivateKey.generate()
    spelt = _signed_document(key)["signature"]["public_key"]
    raw = base64.b64decode(spelt)
    junk = spelt[:10] + "!!!" + spelt[10:]  # skipped by a lenient decoder
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    other_bits = spelt[:-2] + alphabet[alphabet.index(spelt[-2]) ^ 1] + "="  # unused bits set
    assert base64.b64decode(other_bits) == raw
    for variant in (junk, other_bits):
        document = _signed_document(key)
        document["signature"]["public_key"] = variant
        outcome = signing.verify(document, key.public_key())
        assert (outcome.valid, outcome.problem) == (False, "the signature is malformed"), variant


def test_a_report_nested_too_deeply_for_the_parser_is_a_failed_check(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"report_version": ' + "[" * 100_000 + "]" * 100_000 + "}")
    checked = signing.check_file(path, None, tmp_path)
    assert not checked.valid
    assert checked.signature.problem == "not a JSON report (RecursionError)"


def test_a_key_or_report_that_is_a_device_a_fifo_or_too_large_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    large_key = tmp_path / "large.pem"
    large_key.write_bytes(b"-" * 100_000)
    large_report = tmp_path / "large.json"
    with large_report.open("wb") as handle:  # sparse: refused by its size, never read
        handle.truncate(65 * 2**20)
    loaders = (signing.load_private_key, signing.load_public_key)
    # a FIFO, not /dev/zero: the same refusal, but a regression blocks (and fails) rather
    # than filling the memory of the machine that runs the tests
    for load in loaders:
        with _within(5), pytest.raises(UserError, match="not a regular file"):
            load(fifo)
    with _within(5), pytest.raises(UserError, match="not a regular file"):
        signing.check_file(fifo, None, tmp_path)
    for load in loaders:
        with pytest.raises(UserError, match="the key file is larger than"):
            load(large_key)
    with pytest.raises(UserError, match="the report is larger than 64 MiB"):
        signing.check_file(large_report, None, tmp_path)


def test_an_sqlite_database_input_is_checked_against_its_file(tmp_path: Path) -> None:
    database = tmp_path / "school.sqlite"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE leerling (id INTEGER PRIMARY KEY, naam TEXT)")
        connection.commit()
    request = engine.RunRequest(load_profile("uwlr-2.2"), "smalle-set", (str(database),))
    report = engine.run(request)
    name = report.inputs[0].name
    assert (report.inputs[0].kind, name) == ("database", f"sqlite:///{database}")
    key = Ed25519PrivateKey.generate()
    path = _written(tmp_path / "report.json", report, key)
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert (checked.valid, checked.absent_inputs, checked.changed_inputs) == (True, (), ())
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE extra (id INTEGER)")
        connection.commit()
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert (checked.valid, checked.changed_inputs) == (False, (name,))


_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{body}</xs:schema>
"""


def test_a_file_an_xsd_includes_is_hashed_and_checked(tmp_path: Path) -> None:
    """The verdict on an XSD rests on its includes too: a name added to an included type
    after signing must make the report fail verification, as a change to the XSD does."""
    types = tmp_path / "types.xsd"
    fields = (
        '<xs:element name="eckId" type="xs:string"/><xs:element name="jaargroep" type="xs:string"/>'
    )
    typed = f'<xs:complexType name="L"><xs:sequence>{fields}</xs:sequence></xs:complexType>'
    types.write_text(_XSD.format(body=typed), encoding="utf-8")
    main = tmp_path / "main.xsd"
    root = '<xs:include schemaLocation="types.xsd"/><xs:element name="leerling" type="L"/>'
    main.write_text(_XSD.format(body=root), encoding="utf-8")
    request = engine.RunRequest(load_profile("nl-generic"), "pseudoniem", (str(main),))
    report = engine.run(request)
    digest = hashlib.sha256(types.read_bytes()).hexdigest()
    assert [(i.name, i.sha256, i.format) for i in report.inputs[1:]] == [
        (str(types), digest, "xsd include")
    ]
    key = Ed25519PrivateKey.generate()
    path = _written(tmp_path / "report.json", report, key)
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert (checked.valid, checked.changed_inputs) == (True, ())
    leaky = fields + '<xs:element name="achternaam" type="xs:string"/>'
    types.write_text(_XSD.format(body=typed.replace(fields, leaky)), encoding="utf-8")
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert (checked.valid, checked.changed_inputs) == (False, (str(types),))


def test_inputs_are_hashed_in_chunks_not_read_whole(tmp_path: Path, monkeypatch) -> None:
    export = tmp_path / "export.csv"
    data = bytearray(os.urandom(3 * 2**20))  # beyond any single read of a chunked digest
    export.write_bytes(data)
    info = InputInfo("export", str(export), hashlib.sha256(data).hexdigest(), "csv", 1)
    key = Ed25519PrivateKey.generate()
    path = _written(tmp_path / "report.json", replace(_report(), inputs=(info,)), key)
    whole = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self != export, "the input was read whole into memory"
        return whole(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert (checked.valid, checked.changed_inputs) == (True, ())
    data[-1] ^= 1  # the last byte, far past the first chunk
    export.write_bytes(data)
    checked = signing.check_file(path, key.public_key(), tmp_path)
    assert checked.changed_inputs == (str(export),)


def test_a_report_read_back_from_its_json_is_the_same_report() -> None:
    """verify renders a report again from its JSON (from_dict beside to_dict): a member to_dict
    writes and from_dict does not read would fail every authentic report. Signed, and with
    findings of every kind of location."""
    failing = Path(__file__).resolve().parent.parent / "fixtures/NAW-001"
    request = engine.RunRequest(
        load_profile("nl-generic"), None, tuple(map(str, sorted(failing.glob("fail_*"))))
    )
    with_findings = engine.run(request)
    assert any(r.findings for r in with_findings.requirements)
    signed = signing.sign(_report(), Ed25519PrivateKey.generate())
    for report in (signed, with_findings):
        assert json_report.from_dict(json_report.to_dict(report)) == report
