"""Hypothesis strategies for realistic Dutch school data, every identifying value a canary:
unique enough that finding it in a response proves a leak by exact match."""

from __future__ import annotations

import json
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
canary_tags = st.text("bcdfghjklmnpqrstvwxz", min_size=5, max_size=5)
eck_ids = st.binary(min_size=64, max_size=64).map(lambda b: "https://ketenid.nl/201703/" + b.hex())


@st.composite
def pupils(draw: st.DrawFn, payload: dict[str, str]) -> dict[str, Any]:
    """One pupil as the payload map asks (field -> a kind of config.PAYLOAD_KINDS)."""
    tag = draw(canary_tags)
    values = {
        "eckid": draw(eck_ids),
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
