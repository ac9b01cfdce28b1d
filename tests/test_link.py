"""LNK-004, `conformance link`: the same pseudonym written two ways is still shared."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance import crosslink, engine
from conformance.checks.pseudonym import linkable
from conformance.profiles import load_profile

PREFIX = "https://ketenid.nl/201703/"
TAILS = [f"{i:0124x}abcd" for i in range(20)]


def _linked(tmp_path: Path, a: list[str], b: list[str]) -> tuple[str, ...]:
    paths = []
    for name, values in (("a.jsonl", a), ("b.jsonl", b)):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"eckId": v}) + "\n" for v in values))
        paths.append(path)
    request = engine.RunRequest(load_profile("nl-generic"), "pseudoniem", tuple(paths))
    (result,) = [r for r in crosslink.link(request).requirements if r.id == "LNK-004"]
    return tuple(f.message for f in result.findings)


@pytest.mark.parametrize(
    "written",
    [
        lambda tail: PREFIX + tail.upper(),
        lambda tail: tail,  # without the prefix
        lambda tail: "http://ketenid.nl/201703/" + tail,
        lambda tail: f" {PREFIX}{tail}/ ",
        lambda tail: "ketenid.nl/201703/" + tail,
        lambda tail: "urn:eckid:" + tail,
        lambda tail: "URN:ECKID:" + tail.upper(),
    ],
    ids=["upper-case", "bare", "http", "spaces-and-slash", "no-scheme", "urn", "urn-upper"],
)
def test_an_eckid_written_another_way_is_shared(
    tmp_path: Path, written: Callable[[str], str]
) -> None:
    a = [PREFIX + tail for tail in TAILS]
    b = [written(tail) for tail in TAILS[:3]] + [PREFIX + f"{i:0128x}" for i in range(100, 117)]
    (message,) = _linked(tmp_path, a, b)
    assert message.startswith("3 pseudonyms occur in both")


def test_case_tells_apart_pseudonyms_that_are_not_hex() -> None:
    assert linkable("aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW") != linkable("Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw")
    assert linkable("https://school.example/leerlingen/17/profiel") != linkable(
        "https://other.example/leerlingen/18/profiel"
    )


UUIDS = [f"{i:08x}-4f89-41d3-9a0c-0305e82c33{i:02x}" for i in range(20)]


@pytest.mark.parametrize(
    "written",
    [str.upper, lambda u: "urn:uuid:" + u, lambda u: "urn:uuid:" + u.upper()],
    ids=["upper-case", "urn", "urn-upper"],
)
def test_a_uuid_written_another_way_is_shared(
    tmp_path: Path, written: Callable[[str], str]
) -> None:
    """A UUID's hex is case-insensitive (RFC 9562): upper-cased it is the same pseudonym."""
    b = [written(u) for u in UUIDS[:3]] + [f"{i:08x}-0000-4000-8000-000000000000" for i in range(9)]
    (message,) = _linked(tmp_path, UUIDS, b)
    assert message.startswith("3 pseudonyms occur in both")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ketenid.nl/leerling/17", "other.nl/leerling/17"),  # a prefix stays before a key
        ("urn:school-a:17", "urn:school-b:17"),  # (the same tail under each pair's prefixes)
        ("ketenid.nl/201703/" + TAILS[0], TAILS[0][:-1] + "e"),
        (UUIDS[0], UUIDS[0].replace("-", "")),  # not written as one another here
        ("aB3dE5fG-7hJ9-kL1m", "Ab3De5Fg-7Hj9-Kl1M"),  # not hex: case matters
        # a supplier's own path (or URN part) before a shared tail tells the values apart
        ("lvs.supplier-a.nl/1001/" + TAILS[0][:40], "urn:supplier-b:2001:" + TAILS[0][:40]),
        ("https://a.example/1001/" + TAILS[0], "https://b.example/2001/" + TAILS[0]),
    ],
)
def test_different_pseudonyms_never_meet(a: str, b: str) -> None:
    assert linkable(a) != linkable(b)


def test_a_field_named_ketenpseudoniem_holds_the_pseudonym(tmp_path: Path) -> None:
    paths = []
    for name, tails in (("a.jsonl", TAILS), ("b.jsonl", TAILS[:3])):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"ketenpseudoniem": PREFIX + t}) + "\n" for t in tails))
        paths.append(path)
    request = engine.RunRequest(load_profile("nl-generic"), "pseudoniem", tuple(paths))
    (result,) = [r for r in crosslink.link(request).requirements if r.id == "LNK-004"]
    (finding,) = result.findings
    assert finding.message.startswith("3 pseudonyms occur in both")
