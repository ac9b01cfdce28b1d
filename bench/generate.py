"""Seeded synthetic exports of N pupil records, for the format benchmark (bench_formats.py).

Every format is written from the same seeded stream of pupils, so the files carry the same
pupils (ECK iD, key, year group, group) and differ only in what their profile lets them carry:

- ``xml``: UWLR 2.2 leerlinggegevens as the Smalle set delivers it (checked with
  ``--profile uwlr-2.2 --purpose smalle-set``): names and birth date are allowed there, so the
  NAW checks have real values to look at. Valid against the Smalle set XSD.
- ``jsonl``, ``json``, ``json-object`` (``{"leerlingen": [...]}``), ``csv``: a licence
  export of 11 pseudonymous and operational fields
  (checked with ``--profile nl-generic``): the verdict is pass, so every check runs to the end
  instead of stopping at a finding.

Writing is streamed in batches: ten million records are never held in memory. Names come from
Faker's Dutch lists (a dependency of the toolkit) so the values have a realistic spread; a
benchmark over forty distinct surnames would flatter any per-value cache.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

import orjson

FORMATS = ("xml", "jsonl", "json", "json-object", "csv")
SUFFIX = {
    "xml": ".xml",
    "jsonl": ".jsonl",
    "json": ".json",
    "json-object": "-object.json",
    "csv": ".csv",
}
ECK_PREFIX = "https://ketenid.nl/201703/"
NAMESPACE = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"
SCHOOL_YEAR = "2024-2025"
GROUP_LETTERS = "ABC"
BATCH = 5_000
SEED = 2026

# The 11 fields of the flat formats, in column order. All are pseudonymous or operational
# under nl-generic (eckId → pseudonym, leerlingId → key, the rest operational).
FLAT_FIELDS = (
    "eckId",
    "leerlingId",
    "brin",
    "vestiging",
    "schooljaar",
    "jaargroep",
    "groep",
    "productId",
    "ean",
    "startdatum",
    "status",
)
PRODUCTS = (
    ("WIZ-REK", "Wizwijs rekenen"),
    ("STL-SPL", "Staal spelling"),
    ("NLS-TAAL", "Taal actief"),
    ("BLINK-WO", "Blink wereld"),
    ("ENG-GROOVE", "Groove.me"),
    ("LEES-EST", "Estafette lezen"),
)
STATUSES = ("actief", "actief", "actief", "actief", "verlopen", "opgezegd")
PREFIXES = ("van", "de", "van der", "van den", "van de", "den", "ter", "in 't")


@cache
def dutch_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Faker's Dutch surnames and given names (about 1,100 and 500), loaded on first use: the
    benchmark's bare-parser child imports this module and must not pay for Faker."""
    from faker.providers.person.nl_NL import Provider  # noqa: PLC0415  (generating only)

    given = tuple(Provider.first_names_male) + tuple(Provider.first_names_female)
    return tuple(Provider.last_names), given


@dataclass(frozen=True, slots=True)
class Pupil:
    """One pupil, with every field any of the formats writes."""

    key: str
    eck_id: str
    surname: str
    prefix: str | None
    given_name: str
    birth_date: str
    year_group: int
    group: str
    brin: str
    product: str
    ean: str
    start_date: str
    status: str


def eck_id(index: int, seed: int) -> str:
    """A production-shaped ECK iD: the fixed prefix and 128 hex digits (154 characters)."""
    digest = hashlib.sha512(f"bench\x00{seed}\x00{index}".encode()).hexdigest()
    return ECK_PREFIX + digest


def ean13(rng: random.Random) -> str:
    """A 978-ISBN/EAN-13 with a correct check digit, as on method licences."""
    body = "9789" + "".join(str(rng.randrange(10)) for _ in range(8))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def birth_date(rng: random.Random, year_group: int) -> str:
    """A birth date that fits the year group (groep 3 is about six years old)."""
    first = date(2024 - 4 - year_group, 10, 1)
    return (first + timedelta(days=rng.randrange(365))).isoformat()


def pupils(count: int, seed: int = SEED) -> Iterator[Pupil]:
    """The seeded stream of pupils; the same ``count`` and ``seed`` give the same pupils."""
    rng = random.Random(seed)
    surnames, given_names = dutch_names()
    schools = [
        f"{rng.randrange(100):02d}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
        f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
        for _ in range(40)
    ]
    eans = [ean13(rng) for _ in PRODUCTS for _ in range(8)]
    for index in range(count):
        year_group = rng.randint(1, 8)
        product = rng.randrange(len(PRODUCTS))
        yield Pupil(
            key=f"L{index + 1:08d}",
            eck_id=eck_id(index, seed),
            surname=rng.choice(surnames),
            prefix=rng.choice(PREFIXES) if rng.random() < 0.3 else None,
            given_name=rng.choice(given_names),
            birth_date=birth_date(rng, year_group),
            year_group=year_group,
            group=f"{year_group}{rng.choice(GROUP_LETTERS)}",
            brin=rng.choice(schools),
            product=f"{PRODUCTS[product][0]}-{year_group}",
            ean=eans[product * 8 + year_group - 1],
            start_date=f"2024-{rng.randint(8, 10):02d}-{rng.randint(1, 28):02d}",
            status=rng.choice(STATUSES),
        )


def flat_record(pupil: Pupil) -> dict[str, str]:
    """The 11 pseudonymous/operational fields of the flat formats."""
    return {
        "eckId": pupil.eck_id,
        "leerlingId": pupil.key,
        "brin": pupil.brin,
        "vestiging": "00",
        "schooljaar": SCHOOL_YEAR,
        "jaargroep": str(pupil.year_group),
        "groep": f"Groep {pupil.group}",
        "productId": pupil.product,
        "ean": pupil.ean,
        "startdatum": pupil.start_date,
        "status": pupil.status,
    }


def batched(items: Iterable[Pupil], size: int = BATCH) -> Iterator[list[Pupil]]:
    """Fixed-size batches, so writing costs one ``write`` call per batch, not per record."""
    batch: list[Pupil] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- flat formats ---------------------------------------------------------------------------


def write_jsonl(out: IO[bytes], stream: Iterable[Pupil]) -> None:
    """One JSON object per line."""
    for batch in batched(stream):
        out.write(b"".join(orjson.dumps(flat_record(p)) + b"\n" for p in batch))


def write_json(out: IO[bytes], stream: Iterable[Pupil]) -> None:
    """One JSON array of objects, one object per line (how most APIs pretty-print a dump)."""
    out.write(b"[\n")
    first = True
    for batch in batched(stream):
        chunk = b",\n".join(orjson.dumps(flat_record(p)) for p in batch)
        out.write(chunk if first else b",\n" + chunk)
        first = False
    out.write(b"\n]\n")


def write_json_object(out: IO[bytes], stream: Iterable[Pupil]) -> None:
    """The same array under a key of a top-level object, {"leerlingen": [...]}: how many APIs
    wrap a dump."""
    out.write(b'{"leerlingen": ')
    write_json(out, stream)
    out.write(b"}\n")


def csv_line(pupil: Pupil) -> str:
    """One CSV row; no value holds the delimiter or a quote, so none needs quoting."""
    return ";".join(flat_record(pupil).values()) + "\n"


def write_csv(out: IO[bytes], stream: Iterable[Pupil]) -> None:
    """Semicolon-separated with a header row, as Dutch spreadsheet exports are."""
    out.write((";".join(FLAT_FIELDS) + "\n").encode())
    for batch in batched(stream):
        out.write("".join(csv_line(p) for p in batch).encode())


# --- UWLR 2.2 XML ----------------------------------------------------------------------------


def xml_groups() -> list[tuple[str, int]]:
    """The school's groups: key and year group (groep 1A … 8C)."""
    return [(f"G{y}{letter}", y) for y in range(1, 9) for letter in GROUP_LETTERS]


def xml_head() -> str:
    """Declaration, school block and the group definitions the pupils refer to."""
    groups = "".join(
        f'      <groep key="{key}">\n        <naam>Groep {key[1:]}</naam>\n'
        f"        <jaargroep>{year}</jaargroep>\n      </groep>\n"
        for key, year in xml_groups()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<leerlinggegevens_antwoord xmlns="{NAMESPACE}">\n  <leerlinggegevens>\n'
        f"    <school>\n      <schooljaar>{SCHOOL_YEAR}</schooljaar>\n"
        "      <brincode>99XW</brincode>\n      <dependancecode>00</dependancecode>\n"
        "      <aanmaakdatum>2024-10-01T08:15:00</aanmaakdatum>\n"
        "      <auteur>LAS-export benchmark</auteur>\n      <xsdversie>2.2</xsdversie>\n"
        f"    </school>\n    <groepen>\n{groups}    </groepen>\n    <leerlingen>\n"
    )


def xml_pupil(pupil: Pupil) -> str:
    """One <leerling> in Smalle set order: names, birth date, year group, group reference."""
    prefix = f"        <voorvoegsel>{escape(pupil.prefix)}</voorvoegsel>\n" if pupil.prefix else ""
    return (
        f'      <leerling key="{pupil.key}" eckid="{pupil.eck_id}">\n'
        f"        <achternaam>{escape(pupil.surname)}</achternaam>\n{prefix}"
        f"        <roepnaam>{escape(pupil.given_name)}</roepnaam>\n"
        f"        <geboortedatum>{pupil.birth_date}</geboortedatum>\n"
        f"        <jaargroep>{pupil.year_group}</jaargroep>\n"
        f'        <groep key="G{pupil.group}"/>\n      </leerling>\n'
    )


def xml_teacher(number: int, group: str) -> str:
    """One <leerkracht> per group, with the school e-mail address the Smalle set allows."""
    rng = random.Random(f"{SEED}-teacher-{number}")
    surnames, given_names = dutch_names()
    surname, given = rng.choice(surnames), rng.choice(given_names)
    mail = f"{given[0]}.{surname}".lower().replace(" ", "").replace("'", "")
    return (
        f'      <leerkracht key="T{number:03d}" eckid="{eck_id(-number, SEED)}">\n'
        f"        <achternaam>{escape(surname)}</achternaam>\n"
        f"        <roepnaam>{escape(given)}</roepnaam>\n"
        f"        <emailadres>{escape(mail)}@school.example</emailadres>\n"
        f'        <groepen>\n          <groep key="{group}"/>\n        </groepen>\n'
        "      </leerkracht>\n"
    )


def xml_tail() -> str:
    """The teachers (one per group) and the closing tags."""
    teachers = "".join(xml_teacher(n, key) for n, (key, _) in enumerate(xml_groups(), 1))
    return (
        f"    </leerlingen>\n    <leerkrachten>\n{teachers}    </leerkrachten>\n"
        "  </leerlinggegevens>\n</leerlinggegevens_antwoord>\n"
    )


def write_xml(out: IO[bytes], stream: Iterable[Pupil]) -> None:
    """A HaalLeerlinggegevens answer holding every pupil of the stream."""
    out.write(xml_head().encode())
    for batch in batched(stream):
        out.write("".join(xml_pupil(p) for p in batch).encode())
    out.write(xml_tail().encode())


WRITERS: dict[str, Callable[[IO[bytes], Iterable[Pupil]], None]] = {
    "xml": write_xml,
    "jsonl": write_jsonl,
    "json": write_json,
    "json-object": write_json_object,
    "csv": write_csv,
}


def write_export(folder: Path, fmt: str, count: int, seed: int = SEED) -> Path:
    """Write ``count`` pupils as ``fmt`` into ``folder``; returns the file's path."""
    path = folder / f"pupils-{count}{SUFFIX[fmt]}"
    with path.open("wb", buffering=1 << 20) as out:
        WRITERS[fmt](out, pupils(count, seed))
    return path
