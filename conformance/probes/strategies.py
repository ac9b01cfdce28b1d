"""Hypothesis strategies for realistic Dutch school data, every identifying value a canary:
unique enough that finding it in a response proves a leak by exact match."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

_GIVEN = ("Sanne", "Daan", "Noor", "Sem", "Emma", "Lucas", "Fatima", "Yusuf", "Anouk", "Bram")
_SURNAMES = ("Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Bulut", "El Amrani")
_PARTICLES = ("", "de ", "van ", "van der ", "van den ")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def _bsn(digits: list[int]) -> str | None:
    last = sum(w * d for w, d in zip(_WEIGHTS, digits, strict=True)) % 11
    return "".join(map(str, digits)) + str(last) if last <= 9 and any(digits) else None


def _onderwijsnummer(digits: list[int]) -> str | None:
    """DUO's onderwijsnummer: 11-proef with remainder 5 (FACTS.md §2), starting with 10."""
    digits = [1, 0, *digits]
    last = (sum(w * d for w, d in zip(_WEIGHTS, digits, strict=True)) - 5) % 11
    return "".join(map(str, digits)) + str(last) if last <= 9 else None


bsns = st.lists(st.integers(0, 9), min_size=8, max_size=8).map(_bsn).filter(lambda b: b is not None)
onderwijsnummers = (
    st.lists(st.integers(0, 9), min_size=6, max_size=6)
    .map(_onderwijsnummer)
    .filter(lambda n: n is not None)
)
_TAG_LETTERS = "bcdfghjklmnpqrstvwxz"
canary_tags = st.text(_TAG_LETTERS, min_size=5, max_size=5)
_ECK_PREFIX = "https://ketenid.nl/201703/"
eck_ids = st.binary(min_size=64, max_size=64).map(lambda b: _ECK_PREFIX + b.hex())


def serial_tag(serial: int) -> str:
    """Five tag letters spelling ``serial`` in base 20: distinct for the first 3.2 million."""
    letters = []
    for _ in range(5):
        serial, digit = divmod(serial, len(_TAG_LETTERS))
        letters.append(_TAG_LETTERS[digit])
    return "".join(reversed(letters))


@st.composite
def pupils(
    draw: st.DrawFn, payload: dict[str, str], serials: Iterator[int] | None = None
) -> dict[str, Any]:
    """One pupil as the payload map asks (field -> a kind of config.PAYLOAD_KINDS).

    With ``serials`` the canary tag and the ECK iD come from the next serial number instead of
    the draw: shrinking drives draws towards the same simplest values, and two pupils sharing a
    pseudonym or canary would make a shrunk sequence prove something else than it claims."""
    if serials is None:
        tag, eck = draw(canary_tags), draw(eck_ids)
    else:
        serial = next(serials)
        tag = serial_tag(serial)
        eck = _ECK_PREFIX + hashlib.sha512(f"probe pupil {serial}".encode()).hexdigest()
    values = {
        "eckid": eck,
        "given_name": f"{draw(st.sampled_from(_GIVEN))}{tag.capitalize()}",
        "surname": (
            f"{draw(st.sampled_from(_PARTICLES))}{draw(st.sampled_from(_SURNAMES))}-{tag.upper()}"
        ),
        "bsn": draw(bsns),
        "onderwijsnummer": draw(onderwijsnummers),
        "address": f"{tag.capitalize()}laan {draw(st.integers(1, 250))}",
        "group": draw(st.sampled_from(("5a", "6b", "7c", "8a"))),
        "birthdate": (
            f"20{draw(st.integers(10, 19))}-{draw(st.integers(1, 12)):02d}"
            f"-{draw(st.integers(1, 28)):02d}"
        ),
    }
    return {field: values[kind] for field, kind in payload.items() if kind in values}


IDENTIFYING = frozenset({"given_name", "surname", "bsn", "onderwijsnummer", "address", "birthdate"})
FORBIDDEN = frozenset({"bsn", "onderwijsnummer"})  # personal numbers no supplier may receive
malformed_bodies = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64).map(str.encode),
    st.dictionaries(
        st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(max_size=16)), max_size=4
    ).map(lambda d: json.dumps(d).encode()),
)
