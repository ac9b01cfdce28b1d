"""LNK-001's derivations: every way a supplier might turn a number into a 'pseudonym'."""

from __future__ import annotations

import base64
import hashlib

import pytest

from conformance.detect.derivation import derivation_of, normalise, public_scrypt

BSN = "111222333"


def _sha256(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


@pytest.mark.parametrize(
    ("pseudonym", "expected"),
    [
        (BSN, "the value itself"),
        (BSN.encode().hex(), "hex-encoded"),
        (base64.b64encode(BSN.encode()).decode(), "base64-encoded"),
        (hashlib.md5(BSN.encode()).hexdigest(), "MD5 (hex)"),  # noqa: S324  (what we detect)
        (hashlib.sha1(BSN.encode()).hexdigest().upper(), "SHA1 (hex)"),  # noqa: S324
        (_sha256(BSN).hex(), "SHA256 (hex)"),
        (base64.b64encode(_sha256(BSN)).decode().rstrip("="), "SHA256 (base64)"),
        (base64.urlsafe_b64encode(_sha256(BSN)).decode(), "SHA256 (base64)"),
        (hashlib.sha512(BSN.encode()).hexdigest(), "SHA512 (hex)"),
        (_sha256(BSN).hex()[:24], "truncated to 24 characters"),
        (f"https://pseudo.example/{_sha256(BSN).hex()}", "SHA256 (hex)"),
    ],
)
def test_derivations_of_a_bsn(pseudonym: str, expected: str) -> None:
    how = derivation_of(pseudonym, [BSN])
    assert how is not None
    assert expected in how


def test_a_written_bsn_is_compared_as_written_and_by_its_digits() -> None:
    assert derivation_of(_sha256(BSN).hex(), ["1112.22.333"]) is not None
    assert derivation_of(_sha256("1112.22.333").hex(), ["1112.22.333"]) is not None


def test_salted_or_unrelated_values_are_not_derivations() -> None:
    salted = hashlib.sha256(b"secret-salt" + BSN.encode()).hexdigest()
    assert derivation_of(salted, [BSN]) is None
    assert derivation_of(_sha256("123456782").hex(), [BSN]) is None
    assert derivation_of("abc", [BSN]) is None
    assert derivation_of(_sha256(BSN).hex()[:8], [BSN]) is None  # too short to call truncated


def test_normalise_takes_the_last_url_segment() -> None:
    assert normalise(" https://ketenid.nl/201703/abc/ ") == "abc"
    assert normalise("abc") == "abc"


def test_public_scrypt_matches_kennisnets_test_vector() -> None:
    expected = "9735dfd2235eaeb5f0300886bcc99c82ffc1d6420c4e0bde8de7218def2135fa"
    assert public_scrypt("063138219") == expected
