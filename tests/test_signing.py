"""Ed25519 signing of reports: a signed report verifies with the signer's public key; a
one-byte change to the report, another key or a missing signature does not."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conformance import engine, signing
from conformance.model.errors import UserError
from conformance.profiles import load_profile
from conformance.reporters import json as json_report

SAMPLE = Path(__file__).parent.parent / "fixtures" / "sample-supplier" / "uwlr-smalle-set.xml"


def _report():
    request = engine.RunRequest(load_profile("uwlr-2.2"), "smalle-set", (str(SAMPLE),))
    return engine.run(request)


def _signed_document(key: Ed25519PrivateKey) -> dict:
    return json.loads(json_report.render(signing.sign(_report(), key)))


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
