"""NAW-002: a false alarm a reviewer found (ISBNs as phone numbers) and a false pass (a birth
date under a field name that says birth), each kept fixed here; and real BSNs in columns of
random order numbers, kept found (a rule that dropped whole nine-digit values passing the
11-proef at chance also dropped real ones beside them, and was reverted)."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from stdnum.nl import bsn as stdnum_bsn

from conformance.engine import RunRequest, run
from conformance.profiles import load_profile

PREFIX = "https://ketenid.nl/201703/"


def _eckid(seed: int) -> str:
    return PREFIX + hashlib.sha512(str(seed).encode()).hexdigest()


def _naw(path: Path, profile: str = "nl-generic", purpose: str = "pseudoniem") -> list[str]:
    """NAW-002's findings as "field: message" (messages hold no raw value)."""
    report = run(RunRequest(load_profile(profile), purpose, (path,)))
    (naw,) = [r for r in report.requirements if r.id == "NAW-002"]
    return [f"{f.field}: {f.message}" for f in naw.findings]


def _random_numbers(count: int, seed: int) -> list[str]:
    """Random nine-digit numbers (order, licence, result ids): about 1 in 11 passes the
    11-proef as a BSN, 1 in 11 as an onderwijsnummer."""
    rng = random.Random(seed)
    return [str(rng.randrange(100_000_000, 1_000_000_000)) for _ in range(count)]


def _bsns(count: int, seed: int) -> list[str]:
    """Valid BSNs (11-proef), none starting with 10."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        number = str(rng.randrange(200_000_000, 1_000_000_000))
        if stdnum_bsn.is_valid(number):
            found.append(number)
    return found


def _passing(numbers: list[str]) -> int:
    return sum(stdnum_bsn.checksum(n) == 0 for n in numbers)


def _jsonl(tmp_path: Path, rows: list[dict[str, str]], name: str = "x.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _export(tmp_path: Path, **columns: list[str]) -> Path:
    count = len(next(iter(columns.values())))
    rows = [
        {"eckId": _eckid(i), **{name: values[i] for name, values in columns.items()}}
        for i in range(count)
    ]
    return _jsonl(tmp_path, rows)


# --- 1. random nine-digit order, licence and result numbers are not BSNs ------------------


def test_a_column_of_real_bsns_is_found_in_every_record(tmp_path: Path) -> None:
    path = _export(tmp_path, ref=_bsns(300, 4))
    (finding,) = _naw(path)
    assert finding.startswith("ref: BSN (valid 11-proef)")
    assert "(in 300 records)" in finding


def test_below_the_minimum_each_passing_number_is_a_finding_as_before(tmp_path: Path) -> None:
    numbers = _random_numbers(40, 8)
    passing = _passing(numbers)
    assert passing
    path = _export(tmp_path, kenmerk=numbers)
    (finding,) = _naw(path)
    assert f"({'once' if passing == 1 else f'in {passing} records'})" in finding


def test_numbers_named_in_text_are_each_a_finding_whatever_the_rate(tmp_path: Path) -> None:
    """The word says what the digits are: no rate decides there."""
    numbers = _random_numbers(300, 10)
    path = _export(tmp_path, opmerking=[f"bsn {n}" for n in numbers])
    (finding,) = [f for f in _naw(path) if "BSN" in f]
    assert f"(in {_passing(numbers)} records)" in finding


# --- 2. a LAS's sequential numeric keys in UWLR are not BSNs or onderwijsnummers -----------


def _uwlr(tmp_path: Path, keys: list[str]) -> Path:
    pupils = "".join(
        f'<leerling key="{key}" eckid="{_eckid(i)}"><achternaam>Jansen</achternaam>'
        f"<roepnaam>Sanne</roepnaam><jaargroep>5</jaargroep></leerling>"
        for i, key in enumerate(keys)
    )
    path = tmp_path / "uwlr.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<leerlinggegevens_antwoord xmlns="http://www.edustandaard.nl/leerresultaten/2/'
        'leerlinggegevens"><leerlinggegevens><school><schooljaar>2024-2025</schooljaar>'
        "<brincode>99XW</brincode><dependancecode>00</dependancecode>"
        "<aanmaakdatum>2024-10-01T08:15:00</aanmaakdatum><auteur>LAS</auteur>"
        f"<xsdversie>2.2</xsdversie></school><leerlingen>{pupils}</leerlingen>"
        "</leerlinggegevens></leerlinggegevens_antwoord>"
    )
    return path


def test_uwlr_keys_that_are_bsns_are_found(tmp_path: Path) -> None:
    (finding,) = _naw(_uwlr(tmp_path, _bsns(300, 11)), "uwlr-2.2", "smalle-set")
    assert "BSN (valid 11-proef) in field '@key'" in finding


# --- 3. ISBN-10s are not phone numbers in a field named isbn ----------------------------------


def test_isbn10s_in_an_isbn_field_are_no_phone_numbers(tmp_path: Path) -> None:
    isbns = ["0145921042", "0199522987", "0521062241"] * 20
    path = _export(tmp_path, isbn=isbns, opmerking=["moeder belt 06-12345678"] * 60)
    assert [f.split(":")[0] for f in _naw(path)] == ["opmerking"]


# --- 6. a birth date under a field name that says birth is found ---------------------------


def test_birth_dates_under_field_names_that_say_birth_are_found(tmp_path: Path) -> None:
    """A full birth date under 'geboren', 'verjaardag', 'born' … passed NAW-001, NAW-002 and
    MIN-002: such names are birth dates' by the field-name rules, as 'geboortedatum' is, so
    the purpose that allows a birth month finds each one a day too precise."""
    names = ["geboren", "geboren_op", "verjaardag", "datumGeboorte", "born", "birth"]
    path = _export(
        tmp_path, **{name: ["2015-10-12"] * 3 for name in names}, toetsdatum=["2024-05-01"] * 3
    )
    report = run(RunRequest(load_profile("nl-generic"), "analyse", (path,)))
    (precision,) = [r for r in report.requirements if r.id == "MIN-002"]
    assert sorted(f.field or "" for f in precision.findings) == sorted(names)
    assert all("expected at most month, found day" in f.message for f in precision.findings)
