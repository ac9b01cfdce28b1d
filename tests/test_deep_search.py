"""LNK-001 --deep: a digest of a BSN is found with no BSN in the export (small ranges here;
the full 91-million-number spaces are for the benchmark)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conformance.checks import offload
from conformance.detect import preimage
from conformance.detect.preimage import Hit, deep_search, digest_of, numbers


def test_the_eleven_proef_fixes_the_last_digit() -> None:
    bsns = numbers(11122200, 11122300, 0).tolist()
    assert 111222333 in bsns
    assert len(bsns) == 91  # one in eleven prefixes has no valid last digit
    onderwijsnummers = numbers(10122200, 10122300, 5).tolist()
    assert 101222331 in onderwijsnummers
    assert not set(bsns) & set(numbers(11122200, 11122300, 5).tolist())


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256", "sha512"])
def test_finds_an_unsalted_digest_of_a_bsn(algorithm: str) -> None:
    target = hashlib.new(algorithm, b"111222333").digest()
    hit = deep_search([target], 60, prefixes=range(11000000, 11200000))
    assert hit == Hit("BSN", "111222333", algorithm)


def test_finds_an_onderwijsnummer_and_misses_a_salted_digest() -> None:
    target = hashlib.sha256(b"101222331").digest()
    assert deep_search([target], 60, prefixes=range(10100000, 10200000)) == Hit(
        "onderwijsnummer", "101222331", "sha256"
    )
    salted = hashlib.sha256(b"salt" + b"111222333").digest()
    assert deep_search([salted], 60, prefixes=range(11100000, 11200000)) is None


def test_digest_shapes() -> None:
    assert digest_of(hashlib.md5(b"x").hexdigest()) is not None  # noqa: S324
    assert digest_of(hashlib.sha256(b"x").hexdigest().upper()) is not None
    assert digest_of("https://ketenid.nl/201703/abc") is None
    assert digest_of("1234") is None


def test_check_deep_reports_the_bsn_redacted(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preimage, "PREFIXES", range(11100000, 11200000))
    path = tmp_path / "export.jsonl"
    rows = [{"pseudonym": hashlib.sha256(b"111222333").hexdigest(), "groep": "6b"}]
    rows.append({"pseudonym": hashlib.sha256(b"some-salt-123").hexdigest(), "groep": "6b"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    shallow = cli("check", "--profile", "nl-generic", path)
    assert not any("trying every" in f["message"] for f in shallow.findings("LNK-001"))
    started = []
    real_context = offload.multiprocessing.get_context

    def context(method: str | None = None):
        started.append(method)
        return real_context(method)

    monkeypatch.setattr(offload.multiprocessing, "get_context", context)
    deep = cli("check", "--profile", "nl-generic", "--deep", "60", path)
    # The search's processes are spawned, never forked: the run may hold threads by then
    # (the LNK-001 worker's pool has two), and a fork copies their locks as they are.
    assert started == ["spawn"]
    (finding,) = [f for f in deep.findings("LNK-001") if "trying every" in f["message"]]
    assert "unsalted SHA256 of the BSN 1********" in finding["message"]
    assert finding["location"]["line"] == 1
    assert "111222333" not in deep.err + json.dumps(deep.report)
    assert "LNK-001 deep search: 0% after 0 s" in deep.err


def test_a_spawned_pool_searches_as_the_default_one_does() -> None:
    target = hashlib.sha1(b"111222333").digest()  # noqa: S324
    hit = deep_search([target], 60, prefixes=range(11100000, 11200000), pool=offload.SpawnPool)
    assert hit == Hit("BSN", "111222333", "sha1")


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_check_deep_searches_eck_ids_of_the_issued_form(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """An ECK iD the supplier made itself as the SHA-512 of the BSN has an issued one's form
    (prefix and 128 hex): --deep left production ECK iDs out, and it passed."""
    monkeypatch.setattr(preimage, "PREFIXES", range(11100000, 11200000))
    prefix = "https://ketenid.nl/201703/"
    made = prefix + hashlib.sha512(b"111222333").hexdigest()
    issued = [prefix + hashlib.sha512(f"issued {n}".encode()).hexdigest() for n in range(40)]
    path = tmp_path / f"export.{suffix}"
    if suffix == "csv":
        path.write_text("eckId;groep\n" + "".join(f"{e};6b\n" for e in [*issued, made]))
    else:
        rows = [{"eckId": e, "groep": "6b"} for e in [*issued, made]]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    deep = cli("check", "--profile", "nl-generic", "--deep", "60", path)
    (finding,) = [f for f in deep.findings("LNK-001") if "trying every" in f["message"]]
    assert "unsalted SHA512 of the BSN 1********" in finding["message"]
    assert finding["location"]["line"] == (42 if suffix == "csv" else 41)
    assert "111222333" not in deep.err + json.dumps(deep.report)
