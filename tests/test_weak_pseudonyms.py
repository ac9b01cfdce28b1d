"""LNK-001 on how pseudonyms were made, not only from what: zero padding, a counter, a constant
head, a pupil's own number in clear at one end (each passed as a well-formed ECK iD: a
review's finding). Real ECK iDs are 128 random hexadecimal characters and never look so."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from pathlib import Path

import pytest

from conformance.checks import linkage

PREFIX = "https://ketenid.nl/201703/"


def _random_hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _export(path: Path, tails: list[str], keys: list[str]) -> Path:
    rows = [
        {"eckId": PREFIX + tail, "leerlingnummer": key, "jaargroep": "5"}
        for tail, key in zip(tails, keys, strict=True)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return path


def _keys(n: int) -> list[str]:
    return [f"L{n:08d}" for n in range(n)]


def _lnk001(cli, path: Path) -> list[str]:
    run = cli("check", "--profile", "nl-generic", "--select", "LNK-001", path)
    return [f["message"] for f in run.findings("LNK-001")]


@pytest.mark.parametrize(
    "make",
    [
        lambda n, rng: f"{n + 1:0128x}",  # a counter, zero-padded
        lambda n, rng: "a" * 120 + _random_hex(rng, 8),  # padding, then randomness
        lambda n, rng: "3f" * 16 + _random_hex(rng, 96),  # a constant head
    ],
    ids=["counter", "padded", "constant-head"],
)
def test_pseudonyms_without_randomness_fail(tmp_path: Path, cli, make) -> None:
    rng = random.Random(7)
    tails = [make(n, rng) for n in range(50)]
    messages = _lnk001(cli, _export(tmp_path / "e.jsonl", tails, _keys(50)))
    assert any("are not random" in m for m in messages), messages


def test_a_scheme_that_starts_later_in_the_file_is_seen(tmp_path: Path, cli) -> None:
    """Real ECK iDs for the first 6,000 pupils, a counter after: past the first rows all are
    looked at (4,096), every 1,024th is, so the counter's are seen (with 3,000 random ones
    first the counter began within those first rows, and the test held without the stride)."""
    assert linkage._WEAK_FIRST < 6000  # the counter starts past the rows looked at whole
    rng = random.Random(8)
    tails = [_random_hex(rng, 128) for _ in range(6000)] + [f"{n:0128x}" for n in range(4000)]
    messages = _lnk001(cli, _export(tmp_path / "e.jsonl", tails, _keys(10000)))
    assert any("are not random" in m for m in messages), messages


def test_a_pupils_number_in_clear_at_one_end_is_a_derivation(tmp_path: Path, cli) -> None:
    rng = random.Random(9)
    keys = [f"{100000000 + 7 * n}" for n in range(40)]
    tails = [_random_hex(rng, 119) + key for key in keys]
    messages = _lnk001(cli, _export(tmp_path / "e.jsonl", tails, keys))
    assert any("built around the value (in clear at one end)" in m for m in messages), messages


def test_random_eckids_pass(tmp_path: Path, cli) -> None:
    rng = random.Random(10)
    tails = [_random_hex(rng, 128) for _ in range(5000)]
    assert _lnk001(cli, _export(tmp_path / "e.jsonl", tails, _keys(5000))) == []


@pytest.mark.parametrize("digest", ["sha3_512", "blake2b"])
def test_a_rarer_64_byte_digest_past_the_first_rows_is_found(tmp_path: Path, cli, digest) -> None:
    """Real ECK iDs for most pupils and a home-made one for record 50 (SHA3-512 or BLAKE2b of
    its key): these digests were tried on each window's first 32 rows only (a review)."""
    rng = random.Random(11)
    keys = _keys(400)
    tails = [_random_hex(rng, 128) for _ in keys]
    tails[50] = hashlib.new(digest, keys[50].encode()).hexdigest()
    messages = _lnk001(cli, _export(tmp_path / "e.jsonl", tails, keys))
    assert any("of 'leerlingnummer'" in m for m in messages), messages


@pytest.mark.parametrize(
    "make",
    [
        lambda key, rng: hashlib.sha256(key.encode()).hexdigest() * 2,
        lambda key, rng: _random_hex(rng, 64) + hashlib.sha256(key.encode()).hexdigest(),
        lambda key, rng: hashlib.md5(key.lower().encode()).hexdigest() * 4,  # noqa: S324
    ],
    ids=["sha256-twice", "random-then-sha256", "md5-four-times"],
)
def test_a_shorter_digest_inside_the_pseudonym_is_a_derivation(tmp_path: Path, cli, make) -> None:
    """128 hex characters made of a key's SHA-256 or MD5: not found, even with --deep, as
    only a whole pseudonym was compared with a digest (a review)."""
    rng = random.Random(12)
    keys = _keys(60)
    tails = [make(key, rng) for key in keys]
    messages = _lnk001(cli, _export(tmp_path / "e.jsonl", tails, keys))
    assert any("digest (hex) of the value of 'leerlingnummer'" in m for m in messages), messages


def test_pseudonyms_after_a_fixed_prefix_are_not_called_padded(tmp_path: Path, cli) -> None:
    """A URN's prefix is the same for every pupil; only a hex pseudonym's head is judged (a
    review: 'share their first 32 characters' on urn:…:pupil:<uuid4>)."""
    rng = random.Random(13)
    tails = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(20)]
    rows = [
        {"eckId": f"urn:nl:leermiddel:tenant:99XW00:pupil:{t}", "leerlingnummer": k}
        for t, k in zip(tails, _keys(20), strict=True)
    ]
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    assert not any("are not random" in m for m in _lnk001(cli, path))


def test_short_pseudonyms_of_other_digits_are_judged_not_a_crash(tmp_path: Path, cli) -> None:
    """'²' is a digit to str.isdigit but no number to int(): pseudonyms of superscripts ended
    LNK-001 with an internal error. Short they are; consecutive numbers they are not, and
    Arabic-Indic digits counting up are."""
    superscripts = ["¹", "²", "³", "¹²", "¹³", "²³"]
    path = tmp_path / "e.jsonl"
    rows = [{"eckId": s, "leerlingnummer": k} for s, k in zip(superscripts, _keys(6), strict=True)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    run = cli("check", "--profile", "nl-generic", "--select", "LNK-001", path)
    assert run.verdict("LNK-001") == "fail"
    messages = [f["message"] for f in run.findings("LNK-001")]
    assert any("fewer than" in m for m in messages)
    assert not any("consecutive" in m for m in messages)
    arabic = ["".join(chr(0x660 + int(d)) for d in str(n)) for n in range(10, 16)]
    rows = [{"eckId": s, "leerlingnummer": k} for s, k in zip(arabic, _keys(6), strict=True)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    assert any("consecutive" in m for m in _lnk001(cli, path))
