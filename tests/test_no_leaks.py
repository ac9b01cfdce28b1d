"""No raw personal value reaches any output: terminal, JSON, HTML, JUnit, SARIF, Markdown, the
report bundle, error lines, log records and pytest's own output.

Every verb runs on inputs seeded with canaries (fixtures/leaks/: names, BSNs, e-mail addresses,
phone numbers, IBANs, addresses, postcodes, birth dates, ECK iDs) and against the leaky bundled
supplier, which echoes the probes' own generated canaries back. Everything a run produces —
stdout, stderr, every file it writes, every log record at DEBUG — is searched for the canaries,
for four-letter pieces of the name canaries in any letter case, for digit runs taken from the
numbers, and for the shapes the probes' canaries have (a BSN-valid nine-digit number, a name
ending in five tag consonants …). Redaction may show a value's initials and length and nothing
more; the evidence the reports carry is checked to be exactly ``redact(value)``.

A failing assertion names the canary by its label and its redacted form, never raw: the rule
holds for this test's own failure messages too.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import unquote

import pytest
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer
from test_probes import PROBE_TABLE
from test_suppliers import SCHOOL_A, SCHOOL_B, supplier

from conformance import selfcheck
from conformance.detect.redact import redact
from conformance.model.requirements import CATALOGUE
from conformance.probes.config import load_config
from conformance.probes.run import _draw as drawn_pupils  # the probe's own seeded draw
from conformance.profiles import shipped_dir

pytest_plugins = ["pytester"]

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"

# Canary values: each unique enough that finding it anywhere proves a leak.
CANARIES = {
    "achternaam": "Kanariepietersen",
    "voornamen": "Zwaluwina Merelien",
    "roepnaam": "Zwaluwina",
    "emailadres": "zwaluwina.kanarie@voorbeeldschool.nl",
    "bsn": "111222333",
    "postcodenl": "9999ZZ",
    "geboortedatum": "2014-02-29",
}


def _export(tmp_path: Path) -> Path:
    pupil = (
        f'<leerling key="K-{{n}}" eckid="https://id.school/Kanarie{{n}}">'
        f"<achternaam>{CANARIES['achternaam']}</achternaam>"
        f"<voornamen>{CANARIES['voornamen']}</voornamen><roepnaam>{CANARIES['roepnaam']}</roepnaam>"
        f"<geboortedatum>{CANARIES['geboortedatum']}</geboortedatum>"
        f"<emailadres>{CANARIES['emailadres']}</emailadres><bsn>{CANARIES['bsn']}</bsn>"
        f"<postcodenl>{CANARIES['postcodenl']}</postcodenl>"
        f"<toevoegingen><blok><notitie>gesprek met moeder {CANARIES['achternaam']}</notitie>"
        f"</blok></toevoegingen>"
        f"</leerling>"
    )
    path = tmp_path / "canaries.xml"
    body = "".join(pupil.format(n=n) for n in range(3))
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}"><leerlingen>{body}</leerlingen></leerlinggegevens>'
    )
    return path


@pytest.mark.parametrize("purpose", ["pseudoniem", "smalle-set", "lvs-set"])
def test_no_canary_in_any_output(tmp_path: Path, cli, purpose: str) -> None:
    page = tmp_path / "r.html"
    run = cli(
        "check",
        "--profile",
        "uwlr-2.2",
        "--purpose",
        purpose,
        "--html",
        page,
        "--all",
        _export(tmp_path),
    )
    assert run.code == 1
    outputs = {
        "stdout": run.out,
        "stderr": run.err,
        "json": json.dumps(run.report),
        "html": page.read_text(),
    }
    for name, text in outputs.items():
        for field, value in CANARIES.items():
            assert value not in text, f"raw {field} in {name}"
            for part in value.replace("@", " ").replace(".", " ").split():
                if len(part) > 3:
                    assert part not in text, f"part of raw {field} in {name}"
        assert "Kanarie0" not in text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.json", b'[{"eckId": "Kanariepietersen \xfc Zwaluwina"}]'),
        ("b.json", b'[{"eckId": "Kanariepietersen" "Zwaluwina"}]'),
        ("c.jsonl", b'{"eckId": "Kanariepietersen \xfc Zwaluwina"}\n'),
        ("d.jsonl", b'{"eckId": "Kanariepietersen Zwaluwina\n'),
        ("e.xml", b"<r><p><n>Kanariepietersen \xfc Zwaluwina</n></p><p/></r>"),
        ("f.xml", b"<r><p><n>Kanariepietersen Zwaluwina</m></p></r>"),
        ("g.csv", b"eckId,naam\nx,Kanariepietersen,Zwaluwina\n"),
        ("h.csv", b"eckId,naam\nx,Kanariepietersen \x81 Zwaluwina\n"),
        # PyYAML quotes a tag, sqlglot a token, in their messages
        ("i.yaml", b"openapi: 3.0.0\nx: !Kanariepietersen Zwaluwina\n"),
        ("j.sql", b"CREATE TABLE t (id INT);\nSELECT * FROM t |> Kanariepietersen;\n"),
    ],
    ids=lambda value: value if isinstance(value, str) else "bytes",  # no canary in a test's id
)
def test_input_errors_quote_no_data(tmp_path: Path, cli, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    run = cli("check", "--profile", "nl-generic", path)
    assert run.code == 2, run.err
    assert "Kanarie" not in run.err
    assert "Zwaluw" not in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_findings_carry_redacted_evidence(tmp_path: Path, cli) -> None:
    run = cli("check", "--profile", "uwlr-2.2", _export(tmp_path))
    evidence = {f["field"]: f["evidence"] for f in run.findings("NAW-001")}
    assert evidence["achternaam"] == "K***************"
    assert evidence["bsn"] == "1********"
    assert evidence["emailadres"].startswith("z********.k******@")


def test_no_canary_from_free_text_in_any_output(tmp_path: Path, cli) -> None:
    """NAW-002's findings quote nothing of what they found."""
    canaries = {
        "name": "Zwaluwina Kanariepietersen",
        "phone": "06-98765432",
        "bsn": "111222333",
        "email": "kanarie.zwaluw@voorbeeldmail.nl",
        "iban": "NL91ABNA0417164300",
        "address": "Kanariestraat 77b",
    }
    note = (
        f"moeder van {canaries['name']} belt via {canaries['phone']}, mail "
        f"{canaries['email']}, woont {canaries['address']}; BSN {canaries['bsn']}, "
        f"rekening {canaries['iban']}"
    )
    path = tmp_path / "export.jsonl"
    path.write_text(
        json.dumps({"eckId": "https://ketenid.nl/201703/" + "a" * 128, "opmerking": note}) + "\n"
    )
    page = tmp_path / "r.html"
    run = cli("check", "--profile", "nl-generic", "--html", page, "--all", path)
    assert run.verdict("NAW-002") == "fail"
    assert len(run.findings("NAW-002")) == 6
    outputs = run.out + run.err + json.dumps(run.report) + page.read_text()
    for kind, value in canaries.items():
        for part in re.split(r"[\s.@-]+", value):
            if len(part) > 3:
                assert part not in outputs, f"part of the {kind} canary in the output"


@pytest.mark.parametrize(
    "eckid",
    [
        "https://las.voorbeeld.nl/leerling/111222333/",
        "https://las.voorbeeld.nl/Zwaluwina.Kanariepietersen/",
        "https://ketenid.nl/201703/111222333/" + "c" * 128,
        "https://ketenid.nl/201703/" + "e0a1" * 32 + "/",
    ],
    ids=["bsn-in-path", "name-in-path", "bsn-after-the-chain-prefix", "eckid-with-a-slash"],
)
def test_a_pseudonym_url_shows_no_more_than_its_public_prefix(
    tmp_path: Path, cli, eckid: str
) -> None:
    """PSN-002 quotes a malformed pseudonym: of a URL only the chain's own prefix, or else the
    scheme and host, may be shown — a supplier's path may hold a BSN or a name (every path
    segment ending in '/' was once kept as a "public prefix")."""
    pupil = f'<leerling key="K-1" eckid="{eckid}"><jaargroep>5</jaargroep></leerling>'
    path = tmp_path / "export.xml"
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}"><leerlingen>{pupil}</leerlingen></leerlinggegevens>'
    )
    out = tmp_path / "out"
    run = cli("check", "--profile", "uwlr-2.2", *formats(out), "--all", path)
    assert "PSN-002" in _failed(_report(out))
    outputs = run.out + run.err + "".join(p.read_text() for p in sorted(out.iterdir()))
    assert "ketenid.nl/201703/" in outputs or "las.voorbeeld.nl/" in outputs  # the prefix shown
    for part in ("111222333", "2223", "Zwaluw", "Kanarie", "e0a1e0a1"):
        assert part not in outputs, f"a piece of the pseudonym ({part[:1]}…) in the output"


def test_a_malformed_eckids_message_shows_the_expected_prefix_whole(tmp_path: Path, cli) -> None:
    """Why a value is malformed is the toolkit's own words: shown through the field-name
    filter, the prefix's "201703" was taken for a date and read "https://ketenid.nl/2*****/"."""
    path = tmp_path / "export.jsonl"
    path.write_text('{"eckId": "eckid_L1001"}\n')
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("PSN-002")
    assert "expected the prefix https://ketenid.nl/201703/ and 128" in finding["message"]
    assert "L1001" not in json.dumps(run.report)


# --- the canaries of fixtures/leaks/ ---------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
LEAKS = ROOT / "fixtures" / "leaks"
ECK_PREFIX = "https://ketenid.nl/201703/"
ECK_TAILS = (
    "f55e1a256450de4e49bd1af5f8dbf8b3c0c5ae7f91a8036fb64ed1a205224a20"
    "ce2936ec180b97d6ecd36239e534ba7220173e4a8310751a46f69ce24d8f6cb0",
    "0aa1bfae411323d8765defdde950d7c71a0674342da58ad8aa200b8f98f528b4"
    "61cdaacc31b9fa2c9b1366436126c3d15da112c565f7e734c6b7697c3e01703e",
    "ac6aff755273d169d8a7d5e2f8d31477aa9734add0c9cc52602bf2d62e835805"
    "751f934358966a03c3ec376fb3f1ce36dbb8e1549f213d2bb0be95d2adaa01cf",
)
DERIVED_FROM = ("693581426", "928374658")  # afgeleid.jsonl: pseudonym = SHA-256 of the BSN
DIGESTS = tuple(hashlib.sha256(b.encode()).hexdigest() for b in DERIVED_FROM)
# The distinctive word of every name, street and place (not its "straat" or "laan"): no
# four-letter piece of these may appear, in any letter case.
NAMES = (
    "Zyqxmarlo",
    "Zwyqxulbeek",
    "Qwaxzindre",
    "Jyqxhof",
    "Jyqxhofje",
    "Qxzylvia",
    "Qxzwoldt",
    "Xyqzoldt",
    "Qyxzwart",
)
VALUES = {
    "bsn 1": "736492811",
    "bsn 2": "582947315",
    "bsn in a note": "847152637",
    "derived bsn 1": DERIVED_FROM[0],
    "derived bsn 2": DERIVED_FROM[1],
    "onderwijsnummer 1": "105739280",
    "onderwijsnummer 2": "108462918",
    "e-mail 1": "zyqxmarlo.zwyqxulbeek@qyxzwart.nl",
    "e-mail 2": "qwaxzindre.jyqxhof@qyxzwart.nl",
    "e-mail in a note": "qxzylvia@qyxzwart.nl",
    "phone 1": "06-73915284",
    "phone 2": "+31 6 19283746",
    "phone in a note": "06-48273915",
    "iban 1": "NL65ZQXB0739284615",
    "iban 2": "NL58KNRY0739284615",
    "address in a note": "Qxzwoldtlaan 27",
    "postcode 1": "9734 QX",
    "postcode 1 compact": "9734QX",
    "postcode 2": "8261ZW",
    "birth date 1": "2013-07-19",
    "birth date 1 (nl)": "19-07-2013",
    "birth date 2": "2012-11-23",
    "birth date 2 (nl)": "23-11-2012",
    "parent in a note": "Sanne Qxzwoldt",
    "sender's key": "Zyqxmarlo-1",
}
VARIANTS = {  # other spellings of the same values, as an output might write them
    "iban 1 spaced": "NL65 ZQXB 0739 2846 15",
    "address 1": "Zwyqxelstraat 913",
    "postcode 2 spaced": "8261 ZW",
}
# The numbers as digit runs: no run of six or more of their digits may stand anywhere.
NUMBERS = (
    *(v for v in VALUES.values() if v.isdigit()),
    "0673915284",
    "31619283746",
    "0648273915",
    "0739284615",
    "20130719",
    "19072013",
    "20121123",
    "23112012",
)
SECRET_DB = "SECRETcanaryQzx7"  # noqa: S105  (a made-up database password)
SECRET_ENV_DB = "SECRETenvcanaryQzx8"  # noqa: S105
TOKEN_A = "TOKENcanaryAqzx19f"  # noqa: S105  (bearer tokens and secrets the API refuses)
TOKEN_B = "TOKENcanaryBqzx27c"  # noqa: S105
CLIENT_SECRET = "CLIENTSECRETcanaryQzx3"  # noqa: S105
SECRETS = {
    "database password": SECRET_DB,
    "database password from the environment": SECRET_ENV_DB,
    "bearer token A": TOKEN_A,
    "API key B": TOKEN_B,
    "OAuth client secret": CLIENT_SECRET,
    "school A's token": SCHOOL_A,
    "school B's token": SCHOOL_B,
}

# The shapes of the probes' generated canaries (conformance/probes/strategies.py): a given name
# or surname with a five-consonant tag, a street named after the tag, a birth date in 2010-2019.
_TAG = "[bcdfghjklmnpqrstvwxz]{5}"
_GIVEN = "sanne|daan|noor|sem|emma|lucas|fatima|yusuf|anouk|bram"
_SURNAMES = "vries|jansen|bakker|visser|smit|meijer|bulut|amrani"
SHAPES = {
    "a probe's given name": re.compile(rf"(?<![a-z])(?:{_GIVEN}){_TAG}(?![a-z])", re.IGNORECASE),
    "a probe's surname": re.compile(rf"(?:{_SURNAMES})-{_TAG}(?![a-z])", re.IGNORECASE),
    "a probe's address": re.compile(rf"(?<![a-z]){_TAG}laan\b", re.IGNORECASE),
}
# Only where probes ran: the requirements' documented examples carry dates of this shape too.
PROBE_DATE = re.compile(r"(?<!\d)201\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d)(?!\d)")
_NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{9}(?![0-9A-Za-z])")
_IBAN_SHAPE = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}\d{2}[A-Z0-9]{11,30}(?![0-9A-Za-z])")
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])\d{6,}(?![0-9A-Za-z])")
_WINDOW = 12  # hex characters of an ECK iD or digest that may not appear together


def _grams(word: str) -> list[str]:
    word = word.casefold()
    return [word[i : i + 4] for i in range(len(word) - 3)]


def _hex_windows() -> set[str]:
    return {t[i : i + _WINDOW] for t in (*ECK_TAILS, *DIGESTS) for i in range(len(t) - _WINDOW + 1)}


HEX_WINDOWS = _hex_windows()


def _variants(text: str) -> set[str]:
    """The text as written and as a reader would see it (entities and %-escapes decoded)."""
    return {text, html.unescape(text), unquote(text)}


def leaks(
    texts: dict[str, str], extra: dict[str, str] | None = None, probed: bool = False
) -> list[str]:
    """Every raw canary, piece of one or canary-shaped value in the texts, each described by
    its label and redacted form (never raw) and the outputs it is in; ``probed``: also any
    birth date a probe may have drawn."""
    values = {**VALUES, **VARIANTS, **SECRETS, **(extra or {})}
    found: dict[str, set[str]] = {}
    for where, written in texts.items():
        for text in _variants(written):
            folded = text.casefold()
            what = {
                f"{label} ({redact(v)})" for label, v in values.items() if v.casefold() in folded
            }
            what |= {
                f"a four-letter piece of the name {redact(name)}"
                for name in NAMES
                if any(gram in folded for gram in _grams(name))
            }
            if any(w in folded for w in HEX_WINDOWS):
                what.add("12 hex digits of an ECK iD or digest")
            what |= _shaped(text)
            if probed and PROBE_DATE.search(text):
                what.add("a birth date a probe may have drawn")
            for description in what:
                found.setdefault(description, set()).add(where)
    return [f"{what} in: {', '.join(sorted(where))}" for what, where in sorted(found.items())]


def _shaped(text: str) -> set[str]:
    found = {
        f"{kind} ({redact(m.group())})"
        for kind, pattern in SHAPES.items()
        for m in pattern.finditer(text)
    }
    for m in _NINE_DIGITS.finditer(text):
        if stdnum_bsn.is_valid(m.group()) or stdnum_onderwijsnummer.is_valid(m.group()):
            found.add(f"an 11-proef-valid number ({redact(m.group())})")
    for m in _IBAN_SHAPE.finditer(text):
        if stdnum_iban.is_valid(m.group()):
            found.add(f"a valid IBAN ({redact(m.group())})")
    for m in _DIGIT_RUN.finditer(text):
        if any(m.group() in n or n in m.group() for n in NUMBERS):
            found.add(f"digits of a canary number ({redact(m.group())})")
    return found


def assert_no_leaks(
    texts: dict[str, str], extra: dict[str, str] | None = None, probed: bool = False
) -> None:
    assert texts, "nothing was captured"
    found = leaks(texts, extra, probed)
    assert not found, "raw personal data in the output:\n" + "\n".join(found)


def beyond_initials(evidence: str) -> list[str]:
    """What a redacted evidence string shows beyond a first character per word: ``redact``
    keeps initials, separators and a length; ``redact_pseudonym`` also the public URL prefix."""
    shown = re.sub(r"… \(\d+ chars\)$| \(\d+ chars\)$", "", evidence)
    # the public prefix: the chain's own, or a URL's scheme and host (not the path after it)
    shown = re.sub(r"^https://ketenid\.nl/(?:201703|pilot|sp[a-z]*)/|^https?://[^/\s]+/", "", shown)
    return re.findall(r"[^\W_]{2,}", shown)


def _evidence(report: dict) -> list[tuple[str, str | None, str]]:
    return [
        (r["id"], f.get("field"), f["evidence"])
        for r in report["requirements"]
        for f in (*r["findings"], *r.get("waived_findings", []))
        if f.get("evidence")
    ]


def assert_redacted_exactly(report: dict, expected: Iterable[tuple[str, str, str]] = ()) -> None:
    """Every evidence string shows initials and lengths only, and each expected (requirement,
    field, raw value) appears as exactly ``redact(value)``."""
    evidence = _evidence(report)
    for rid, field, shown in evidence:
        assert not beyond_initials(shown), f"{rid} {field}: evidence shows more than initials"
    for rid, field, raw in expected:
        wanted = redact(raw)
        assert (rid, field, wanted) in evidence, f"{rid} {field}: no evidence {wanted!r}"


# --- capturing a run ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record at DEBUG and above, whoever logs it, is an output too."""
    caplog.set_level(logging.DEBUG)
    return caplog


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    form = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(form.format(r) for r in caplog.records)


def _snapshot(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def written(root: Path, before: set[Path], skip: Iterable[Path] = ()) -> dict[str, str]:
    """Every file under ``root`` a run wrote (not there before, not a skipped folder's)."""
    skipped = tuple(skip)
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(_snapshot(root) - before)
        if not any(p.is_relative_to(s) for s in skipped)
    }


def captured(run, caplog: pytest.LogCaptureFixture, **files: str) -> dict[str, str]:
    """One run's terminal, the log records and the files it wrote."""
    return {"stdout": run.out, "stderr": run.err, "log": _logged(caplog), **files}


def terminals(runs: Iterable, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Several runs' terminals and the log records."""
    texts = {"log": _logged(caplog)}
    for number, run in enumerate(runs):
        texts |= {f"run {number} stdout": run.out, f"run {number} stderr": run.err}
    return texts


def formats(folder: Path) -> list[str | Path]:
    """check, link and probe: every report format at once."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {
        "--json": "report.json",
        "--html": "report.html",
        "--junit": "report.junit.xml",
        "--sarif": "report.sarif",
        "--markdown": "summary.md",
    }
    return [part for option, name in names.items() for part in (option, folder / name)]


# --- the checker itself can fail ----------------------------------------------------------------


def test_the_canaries_are_in_the_fixtures() -> None:
    """What the tests look for is what the fixtures feed in."""
    fed = "\n".join(p.read_text(encoding="utf-8") for p in LEAKS.iterdir() if p.name != "README.md")
    missing = [label for label, value in VALUES.items() if value not in fed]
    missing += [redact(name) for name in NAMES if name not in fed]
    missing += [redact(tail) for tail in ECK_TAILS if tail not in fed]
    missing += [redact(digest) for digest in DIGESTS if digest not in fed]
    assert not missing


def test_no_piece_of_a_name_canary_is_the_toolkits_own_word() -> None:
    """A four-letter piece found in an output must be a leak, never a word of the toolkit's own
    (a message, a requirement's fix, the HTML's text): else the canary needs changing."""
    own = "\n".join(
        p.read_text(encoding="utf-8", errors="replace").casefold()
        for pattern in ("conformance/**/*.py", "conformance/**/*.json", "profiles/*.yaml")
        for p in ROOT.glob(pattern)
    )
    shared = [redact(n) for n in NAMES for gram in _grams(n) if gram in own]
    assert not shared


SAMPLES = {  # id (no canary in a test's name): a text holding a leak, what the finder says
    "bsn": ("bsn: 736492811", "11-proef"),
    "digits": ("evidence 7364928** of …", "digits of a canary number"),
    "upper-case": ("naam ZWYQXULBEEK", "piece of the name"),
    "html-escaped-piece": ("naam &#x27;Qxzwo&#x27;", "piece of the name"),
    "url-escaped": ("mail zyqxmarlo.zwyqxulbeek%40qyxzwart.nl", "e-mail 1"),
    "probe-given-name": ("pupil SanneBdfgh came back", "a probe's given name"),
    "probe-surname": ("pupil van der Vries-XKCDT came back", "a probe's surname"),
    "probe-address": ("woont Qwrtzlaan 12", "a probe's address"),
    "probe-bsn": ("bsn 429624529 stored", "11-proef"),
    "iban": ("NL91ABNA0417164300", "a valid IBAN"),
    "eck-id": (f"{ECK_PREFIX}{ECK_TAILS[1][:20]}", "hex digits"),
    "token": (f"Authorization: Bearer {SCHOOL_A}", "school A"),
}


@pytest.mark.parametrize("case", SAMPLES)
def test_the_leak_finder_finds_leaks(case: str) -> None:
    text, what = SAMPLES[case]
    found = leaks({"output": text})
    assert any(what in f for f in found), found


def test_the_leak_finder_knows_a_probes_birth_dates_where_probes_ran() -> None:
    assert leaks({"output": "born 2016-08-21"}, probed=True)
    assert not leaks({"output": "born 2016-08-21"})


def test_the_leak_finder_lets_redacted_forms_pass() -> None:
    shown = [redact(v) for v in (*VALUES.values(), *VARIANTS.values(), *NAMES, *SECRETS.values())]
    shown += [f"{ECK_PREFIX}{t[0]}******** ({len(t)} chars)" for t in ECK_TAILS]
    assert leaks({"output": "\n".join(shown)}) == []
    assert all(not beyond_initials(s) for s in shown)
    assert beyond_initials("Zw*********") == ["Zw"]


# --- check: every format, every kind of input ---------------------------------------------------

NOTE = {  # NAW-002: what the free-text notes hold
    "Sanne Qxzwoldt",
    "06-48273915",
    "qxzylvia@qyxzwart.nl",
    "847152637",
}
PUPIL_1 = {
    "voornaam": "Zyqxmarlo",
    "achternaam": "Zwyqxulbeek",
    "bsn": "736492811",
    "emailadres": "zyqxmarlo.zwyqxulbeek@qyxzwart.nl",
    "telefoon": "06-73915284",
    "iban": "NL65ZQXB0739284615",
}


def _expected_jsonl() -> list[tuple[str, str, str]]:
    fields = {**PUPIL_1, "onderwijsnummer": "105739280", "adres/straat": "Zwyqxelstraat"}
    fields |= {"adres/postcode": "9734 QX", "adres/woonplaats": "Qyxzwart"}
    notes = {*NOTE, "Qxzwoldtlaan 27", "NL58KNRY0739284615"}
    return [("NAW-001", f, v) for f, v in fields.items()] + [
        ("NAW-002", "opmerking", v) for v in notes
    ]


def _expected_csv() -> list[tuple[str, str, str]]:
    fields = {**PUPIL_1, "straat": "Zwyqxelstraat", "postcode": "9734 QX"}
    return [("NAW-001", f, v) for f, v in fields.items()] + [
        ("NAW-002", "opmerking", v) for v in NOTE
    ]


UWLR_PUPIL = {
    "achternaam": "Zwyqxulbeek",
    "voornamen": "Zyqxmarlo Qxzylvia",
    "roepnaam": "Zyqxmarlo",
    "emailadres": "zyqxmarlo.zwyqxulbeek@qyxzwart.nl",
    "bsn": "736492811",
    "postcodenl": "9734QX",
}
CHECKS = {  # id: profile, purpose, input, requirements that must fail, evidence expected
    "jsonl": ("nl-generic", None, "leerlingen.jsonl", {"NAW-001", "NAW-002"}, _expected_jsonl()),
    "csv": ("nl-generic", None, "leerlingen.csv", {"NAW-001", "NAW-002"}, _expected_csv()),
    "uwlr-pseudoniem": (
        "uwlr-2.2",
        "pseudoniem",
        "uwlr.xml",
        {"NAW-001", "NAW-002", "PSN-003"},
        [("NAW-001", f, v) for f, v in UWLR_PUPIL.items()]
        + [("NAW-002", "toevoegingen/blok/notitie", v) for v in ("Sanne Qxzwoldt", "06-48273915")],
    ),
    "uwlr-lvs": ("uwlr-2.2", "lvs-set", "uwlr.xml", {"PSN-003"}, []),
    "derived": (
        "nl-generic",
        None,
        "afgeleid.jsonl",
        {"LNK-001", "PSN-004"},
        [("PSN-004", "pseudoniem", DIGESTS[0])],
    ),
    "openapi": ("nl-generic", None, "openapi.yaml", {"NAW-001", "API-007"}, []),
    "ddl": ("nl-generic", None, "schema.sql", {"SEP-001"}, []),
}


def _report(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def _failed(report: dict) -> set[str]:
    return {r["id"] for r in report["requirements"] if r["verdict"] == "fail"}


@pytest.mark.parametrize("case", CHECKS)
def test_check_writes_no_canary_in_any_format(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, case: str
) -> None:
    profile, purpose, name, failing, expected = CHECKS[case]
    chosen = ["--purpose", purpose] if purpose else []
    before = _snapshot(tmp_path)
    out = tmp_path / "out"
    run = cli("check", "--profile", profile, *chosen, *formats(out), "--all", LEAKS / name)
    assert run.code == 1, run.err
    report = _report(out)
    assert failing <= _failed(report)
    assert_redacted_exactly(report, expected)
    assert_no_leaks(captured(run, debug_logs, **written(tmp_path, before)))


def test_check_of_a_database_writes_no_canary(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture
) -> None:
    """A live database holding canary rows (only its schema is read)."""
    path = tmp_path / "leerlingen.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE leerlingen (id INTEGER PRIMARY KEY, eck_id TEXT, "
            "achternaam TEXT DEFAULT 'Zwyqxulbeek', bsn TEXT, emailadres TEXT)"
        )
        db.execute(
            "INSERT INTO leerlingen VALUES (1, ?, 'Zwyqxulbeek', '736492811', ?)",
            (ECK_PREFIX + ECK_TAILS[0], VALUES["e-mail 1"]),
        )
    db.close()
    before = _snapshot(tmp_path)
    out = tmp_path / "out"
    run = cli("check", "--profile", "nl-generic", *formats(out), "--all", f"sqlite:///{path}")
    assert run.code == 1, run.err
    assert "SEP-001" in _failed(_report(out))
    assert_no_leaks(captured(run, debug_logs, **written(tmp_path, before)))


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("zonder-kopregel.csv"),  # refused: its first row holds data (exit 2)
        pytest.param("zonder-kopregel-dubbel.csv"),  # the duplicate is named by position
        pytest.param(
            "cijfers-per-bsn.json",  # JSON keyed by BSN: the keys are redacted (detect/safepath)
        ),
        # pupils under a BSN: every finding that names a record names its pointer, redacted
        pytest.param("lijsten-per-bsn.json"),
    ],
)
def test_personal_values_in_field_names_are_not_quoted(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, name: str
) -> None:
    before = _snapshot(tmp_path)
    out = tmp_path / "out"
    run = cli("check", "--profile", "nl-generic", *formats(out), "--all", LEAKS / name)
    assert run.code in (1, 2), run.err
    if name == "lijsten-per-bsn.json":  # the findings that name a record are there to leak
        assert {"PSN-003", "LNK-001", "LNK-003"} <= _failed(_report(out))
    assert_no_leaks(captured(run, debug_logs, **written(tmp_path, before)))


def test_link_writes_no_canary_in_any_format(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture
) -> None:
    before = _snapshot(tmp_path)
    out = tmp_path / "out"
    a, b = LEAKS / "koppeling_a.jsonl", LEAKS / "koppeling_b.jsonl"
    run = cli("link", "--profile", "nl-generic", *formats(out), a, b)
    assert run.code == 1, run.err
    report = _report(out)
    assert _failed(report) == {"LNK-004"}
    assert_redacted_exactly(report)
    assert_no_leaks(captured(run, debug_logs, **written(tmp_path, before)))


# --- malformed inputs: the error quotes nothing near the error position ------------------------


def _cut(name: str, canary: str, after: bool) -> bytes:
    data = (LEAKS / name).read_bytes()
    at = data.index(canary.encode())
    return data[: at + (len(canary) if after else 4)]


def _broken(name: str, old: str, new: str) -> bytes:
    text = (LEAKS / name).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8", "surrogateescape")


_ARRAY = "[" + ",\n".join((LEAKS / "leerlingen.jsonl").read_text().splitlines()) + "]"
MALFORMED = {  # id (never a canary: it names the temporary folder): file name, bytes
    **{
        f"{ext}-cut-{label}-{'after' if after else 'inside'}": (
            f"cut.{ext}",
            _cut(source, canary, after),
        )
        for ext, source in (("jsonl", "leerlingen.jsonl"), ("xml", "uwlr.xml"))
        for label, canary in (
            ("name", "Zwyqxulbeek"),
            ("bsn", "736492811"),
            ("note", "Qxzwoldt"),
            ("email", "zyqxmarlo.zwyqxulbeek@"),
        )
        for after in (False, True)
    },
    **{
        f"csv-cut-{label}": ("cut.csv", _cut("leerlingen.csv", canary, after=False))
        for label, canary in (("name", "Zwyqxulbeek"), ("bsn", "736492811"), ("note", "Qxzwoldt"))
    },
    "json-array-cut": ("cut.json", _ARRAY[: _ARRAY.index("Qwaxzindre") + 5].encode()),
    "json-bare-word": ("bare.json", _ARRAY.replace('"Qwaxzindre"', "Qwaxzindre").encode()),
    "jsonl-bare-word": ("bare.jsonl", _broken("leerlingen.jsonl", '"Jyqxhof"', "Jyqxhof")),
    "jsonl-bad-byte": (
        "byte.jsonl",
        _broken("leerlingen.jsonl", "Zwyqxulbeek", "Zwyq\udcffxulbeek"),
    ),
    "xml-bad-byte": ("byte.xml", _broken("uwlr.xml", "Zwyqxulbeek", "Zwyq\udcffxulbeek")),
    "csv-bad-byte": ("byte.csv", _broken("leerlingen.csv", "Zwyqxulbeek", "Zwyq\udcffxulbeek")),
    "xml-mismatch": ("tag.xml", _broken("uwlr.xml", "Zwyqxulbeek</achternaam>", "Zwyqxulbeek</x>")),
    "xml-entity": ("entity.xml", _broken("uwlr.xml", "Zwyqxulbeek<", "Zwyqxulbeek&Jyqxhof;<")),
    "xml-attribute": ("attr.xml", _broken("uwlr.xml", 'key="Zyqxmarlo-1"', "key=Zyqxmarlo-1")),
    "csv-open-quote": ("quote.csv", _broken("leerlingen.csv", ";Zwyqxulbeek;", ';"Zwyqxulbeek;')),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_inputs_quote_no_canary(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, case: str
) -> None:
    name, content = MALFORMED[case]
    path = tmp_path / name
    path.write_bytes(content)
    profile = "uwlr-2.2" if name.endswith(".xml") else "nl-generic"
    before = _snapshot(tmp_path)
    runs = [
        cli("check", "--profile", profile, *formats(tmp_path / "check"), "--all", path),
        cli("link", "--profile", profile, *formats(tmp_path / "link"), path, path),
    ]
    files = written(tmp_path, before)
    for run in runs:
        assert run.code in (1, 2), run.err  # a cut CSV is still CSV: checked, not refused
        if run.code == 2:  # one line, and nothing written
            assert len(run.err.strip().splitlines()) == 1
    if all(run.code == 2 for run in runs):
        assert not files
    assert_no_leaks(terminals(runs, debug_logs) | files)


# --- a bad profile, a bad config ---------------------------------------------------------------

PROFILE_LEAK = (
    "leak: a profile value that fails the schema is quoted raw in the one-line error — "
    "conformance/profiles.py _schema_message returns jsonschema's error.message, which holds "
    "repr(instance) ('<value>' is not one of [...], <value> is not of type 'string')"
)
PROFILE_ERRORS = {  # id: the line of nl-generic.yaml changed, what it becomes
    "yaml-open-string": ("classify_names: true", 'classify_names: "Zyqxmarlo Zwyqxulbeek\n  x: ['),
    "yaml-mapping": ("classify_names: true", "classify_names: Zyqxmarlo: Zwyqxulbeek 736492811"),
    "yaml-tab": ("classify_names: true", "classify_names: \tZyqxmarlo 736492811"),
    "yaml-flow": ("fields: {}", "fields: {achternaam: Zwyqxulbeek, bsn: [736492811}"),
    "schema-enum": (
        "allow_classes: [pseudonym, key, operational]\n",
        "allow_classes: [pseudonym, Zyqxmarlo Zwyqxulbeek]\n",
    ),
    "schema-type": ('version: "1.0.0"', "version: 736492811"),
}
_LEAKING_PROFILES: tuple[str, ...] = ()  # schema messages no longer quote the value


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=PROFILE_LEAK))
        if c in _LEAKING_PROFILES
        else c
        for c in PROFILE_ERRORS
    ],
)
def test_an_invalid_profile_quotes_no_canary(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, case: str
) -> None:
    old, new = PROFILE_ERRORS[case]
    text = (shipped_dir() / "nl-generic.yaml").read_text(encoding="utf-8")
    assert old in text
    profile = tmp_path / "profiel.yaml"
    profile.write_text(text.replace(old, new, 1), encoding="utf-8")
    config = tmp_path / "conformance.toml"
    config.write_text(
        f'profile = "profiel.yaml"\n[inputs]\nexports = ["{LEAKS / "leerlingen.jsonl"}"]\n'
    )
    runs = [
        cli("check", "--profile", profile, LEAKS / "leerlingen.jsonl", report=False),
        cli("certify", "--config", config, "--output", tmp_path / "out", "--draft"),
    ]
    for run in runs:
        assert (run.code, len(run.err.strip().splitlines())) == (2, 1), run.err
    assert not (tmp_path / "out").exists()
    assert_no_leaks(terminals(runs, debug_logs))


BAD_TOML = {  # id: how the supplier line is broken (a canary in a string)
    "open-string": 'supplier = "Zyqxmarlo Zwyqxulbeek',
    "bad-escape": 'supplier = "Zyqxmarlo \\q Zwyqxulbeek 736492811"',
    "newline": 'supplier = "Zyqxmarlo\nZwyqxulbeek 736492811"',
    "trailing": 'supplier = "Zyqxmarlo Zwyqxulbeek" 736492811',
    "bare-word": "supplier = Zyqxmarlo-Zwyqxulbeek",
    "twice": 'supplier = "Zyqxmarlo"\nsupplier = "Zwyqxulbeek 736492811"',
    "bad-table": '[subject.Zyqxmarlo Zwyqxulbeek]\nsupplier = "x"',
}


@pytest.mark.parametrize("case", BAD_TOML)
def test_a_bad_config_quotes_no_canary(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, case: str
) -> None:
    config = tmp_path / "conformance.toml"
    config.write_text(
        f'profile = "nl-generic"\n[subject]\n{BAD_TOML[case]}\n[inputs]\n'
        f'exports = ["{LEAKS / "leerlingen.jsonl"}"]\n',
        encoding="utf-8",
    )
    runs = [
        cli("certify", "--config", config, "--output", tmp_path / "out", "--draft"),
        cli("hook", "--config", config, LEAKS / "leerlingen.jsonl"),
        cli("probe", "--config", config, report=False),
    ]
    for run in runs:
        assert (run.code, len(run.err.strip().splitlines())) == (2, 1), run.err
        assert "invalid TOML" in run.err
    assert_no_leaks(terminals(runs, debug_logs))


# --- secrets: a database password, bearer tokens, API keys, an OAuth client secret -------------

DATABASE_URLS = {
    "postgresql": f"postgresql://u:{SECRET_DB}@127.0.0.1:1/db",
    "psycopg": f"postgresql+psycopg://u:{SECRET_DB}@127.0.0.1:1/db",
    "from-env": "postgresql://u@127.0.0.1:1/db",
    "no-driver": f"mysql+pymysql://u:{SECRET_DB}@127.0.0.1:1/db",
    "sqlite": f"sqlite://u:{SECRET_DB}@//nonexistent/x.db",
    "bad-port": f"postgresql://u:{SECRET_DB}@127.0.0.1:notaport/db",
    "bad-host": f"postgresql://u:{SECRET_DB}@[::1/db",
}


@pytest.mark.parametrize("case", DATABASE_URLS)
def test_a_database_password_is_never_shown(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, monkeypatch, case: str
) -> None:
    monkeypatch.setenv("CONFORMANCE_DATABASE_PASSWORD", SECRET_ENV_DB)
    url = DATABASE_URLS[case]
    config = tmp_path / "conformance.toml"
    config.write_text(
        f'profile = "nl-generic"\n[inputs]\nexports = ["{LEAKS / "leerlingen.jsonl"}"]\n'
        f'storage = ["{url}"]\n',
        encoding="utf-8",
    )
    before = _snapshot(tmp_path)
    runs = [
        cli("check", "--profile", "nl-generic", *formats(tmp_path / "check"), url),
        cli("certify", "--config", config, "--output", tmp_path / "out", "--draft"),
        cli("hook", "--config", config, LEAKS / "leerlingen.jsonl"),
    ]
    # The database cannot be read: never a pass (the hook checks the changed export only).
    assert [r.code != 0 for r in runs] == [True, True, True], [r.err for r in runs]
    assert_no_leaks(terminals(runs, debug_logs) | written(tmp_path, before))


# Every identifying field the bundled suppliers take, so each canary is sent.
PAYLOAD = """eckId = "eckid"
firstName = "given_name"
lastName = "surname"
birthDate = "birthdate"
street = "address"
bsn = "bsn"
onderwijsnummer = "onderwijsnummer"
group = "group"
"""
BEARER_AND_KEY = """school_a = {bearer_env = "PROBE_SCHOOL_A"}
school_b = {header = "X-Api-Key", value_env = "PROBE_SCHOOL_B"}"""
OAUTH_AND_KEY = """school_a = {token_url = "/oauth/token", client_id_env = "PROBE_CLIENT_A", \
client_secret_env = "PROBE_SECRET_A"}
school_b = {header = "X-Api-Key", value_env = "PROBE_SCHOOL_B"}"""


def _probe_map(path: Path, base: str, credentials: str = BEARER_AND_KEY, head: str = "") -> Path:
    path.write_text(
        head
        + '[subject]\nsupplier = "Voorbeeld Leermiddelen BV"\n'
        + "\n"
        + PROBE_TABLE.format(base=base, credentials=credentials, payload=PAYLOAD),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def schools(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled supplier's test schools (fixtures/suppliers/schools.json): bearer token or
    API key, or OAuth2 with the school's code as client id and its token as secret."""
    monkeypatch.setenv("PROBE_SCHOOL_A", SCHOOL_A)
    monkeypatch.setenv("PROBE_SCHOOL_B", SCHOOL_B)
    monkeypatch.setenv("PROBE_CLIENT_A", "99ZZ")
    monkeypatch.setenv("PROBE_SECRET_A", SCHOOL_A)


@pytest.mark.usefixtures("schools")
def test_refused_credentials_are_never_shown(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, monkeypatch
) -> None:
    """Wrong tokens, keys and client secrets from the environment: exit 2, and not a word of
    them; nor of a password written into the base URL."""
    api = tmp_path / "api"
    api.mkdir()
    runs = []
    with supplier(api) as base:
        cases = {
            "bearer": ({"PROBE_SCHOOL_A": TOKEN_A}, BEARER_AND_KEY, base),
            "api-key": ({"PROBE_SCHOOL_B": TOKEN_B}, BEARER_AND_KEY, base),
            "oauth": ({"PROBE_SECRET_A": CLIENT_SECRET}, OAUTH_AND_KEY, base),
            "url-password": ({}, BEARER_AND_KEY, base.replace("//", f"//u:{SECRET_DB}@")),
            "unreachable": ({"PROBE_SCHOOL_A": TOKEN_A}, BEARER_AND_KEY, "http://127.0.0.1:1"),
        }
        for case, (env, credentials, url) in cases.items():
            with monkeypatch.context() as patched:
                for name, value in env.items():
                    patched.setenv(name, value)
                config = _probe_map(tmp_path / f"{case}.toml", url, credentials)
                run = cli("probe", "--config", config, *formats(tmp_path / case))
            assert (run.code, len(run.err.strip().splitlines())) == (2, 1), (case, run.err)
            runs.append(run)
    assert_no_leaks(terminals(runs, debug_logs))


# --- probe: the probes' own canaries, echoed back by the leaky supplier ------------------------

LEAKY = "echo_names,accept_bsn,error_echo"


def _sent(config: Path) -> dict[str, str]:
    """The identifying values the lifecycle probe sent: the same seeded draw."""
    pupils = drawn_pupils(load_config(config))
    return {
        f"probe pupil {number} {field}": value
        for number, pupil in enumerate(pupils, start=1)
        for field, value in pupil.items()
        if field != "group"
    }


@pytest.mark.usefixtures("schools")
def test_probe_writes_no_canary_the_api_echoed(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, monkeypatch
) -> None:
    api = tmp_path / "api"
    api.mkdir()
    monkeypatch.chdir(tmp_path)  # anything written to the working folder is seen too
    before = _snapshot(tmp_path)
    with supplier(api, LEAKY) as base:
        config = _probe_map(tmp_path / "probe.toml", base, OAUTH_AND_KEY)
        run = cli("probe", "--config", config, *formats(tmp_path / "out"), report=False)
    assert run.code == 1, run.err
    report = _report(tmp_path / "out")
    assert {"API-001", "API-005", "API-006"} <= _failed(report)
    sent = _sent(config)
    messages = " ".join(f["message"] for r in report["requirements"] for f in r["findings"])
    # The canaries did come back, and the report names them redacted: the draw is the probe's.
    for label in ("probe pupil 1 firstName", "probe pupil 1 lastName", "probe pupil 1 bsn"):
        assert redact(sent[label]) in messages, label
    assert_redacted_exactly(report)
    texts = captured(run, debug_logs, **written(tmp_path, before, skip=[api]))
    assert_no_leaks(texts, extra=sent, probed=True)


# --- certify: the whole bundle, nl and en, waivers, a baseline, a signature; verify ------------

WAIVERS = """[[waiver]]
requirement = "NAW-002"
scope = "leerlingen.jsonl"
location = "opmerking"
justification = "Notes are screened by the school before export (ticket 4411)."
owner = "privacy@voorbeeld.nl"
expires = 2099-03-31
approved_by = "Ketenplatform, J. de Boer, 2026-11-20"

[[waiver]]
requirement = "API-005"
scope = "*"
justification = "Error handling is being rebuilt (ticket 4412)."
owner = "privacy@voorbeeld.nl"
expires = 2099-03-31
approved_by = "Ketenplatform, J. de Boer, 2026-11-20"

[[waiver]]
requirement = "MIN-002"
scope = "uwlr.xml"
justification = "Stale on purpose: it matches nothing and is reported."
owner = "privacy@voorbeeld.nl"
expires = 2099-03-31
approved_by = "Ketenplatform, J. de Boer, 2026-11-20"
"""
BUNDLE = {"report.json", "report.html", "report.junit.xml", "report.sarif", "summary.md"}


def _certify_config(folder: Path, base: str) -> Path:
    (folder / "waivers.toml").write_text(WAIVERS, encoding="utf-8")
    inputs = (
        f'exports = ["{LEAKS}/leerlingen.jsonl", "{LEAKS}/leerlingen.csv", '
        f'"{LEAKS}/afgeleid.jsonl"]\n'
        f'specs = ["{LEAKS}/openapi.yaml"]\nstorage = ["{LEAKS}/schema.sql"]\n'
    )
    head = f'profile = "nl-generic"\nwaivers = "waivers.toml"\n\n[inputs]\n{inputs}\n'
    return _probe_map(folder / "conformance.toml", base, head=head)


@contextmanager
def _certified(tmp_path: Path, cli, *args: str | Path) -> Iterator[tuple]:
    api = tmp_path / "api"
    api.mkdir()
    before = _snapshot(tmp_path)
    with supplier(api, LEAKY) as base:
        config = _certify_config(tmp_path, base)
        run = cli("certify", "--config", config, "--output", tmp_path / "out", *args)
    yield run, config, before, api


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.usefixtures("schools")
def test_certify_bundle_holds_no_canary(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture, monkeypatch, lang: str
) -> None:
    """nl: a certification run, signed, with waivers (one of them stale); en: a draft with a
    baseline written and applied. Every file of the bundle, the baseline and the terminal."""
    monkeypatch.chdir(tmp_path)
    keys = tmp_path / "keys"
    keys.mkdir()
    assert cli("keygen", "--out", keys / "certifier").code == 0
    if lang == "nl":
        monkeypatch.setattr(selfcheck, "build_problems", list)
        extra = ["--sign-key", keys / "certifier.key"]
    else:
        extra = ["--draft", "--baseline", tmp_path / "known.json", "--update-baseline"]
    with _certified(tmp_path, cli, "--lang", lang, *extra) as (run, config, before, api):
        assert run.code == 1, run.err  # the stale waiver fails the run
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} == BUNDLE
    report = _report(out)
    assert report["certification"]["eligible"] is (lang == "nl")
    statuses = {w["status"] for w in report["waivers"]}
    assert {"applied", "unmatched"} <= statuses
    assert lang == "nl" or "baseline" in statuses
    waived = {r["id"] for r in report["requirements"] if r.get("waived_findings")}
    assert {"NAW-002", "API-005"} <= waived
    assert lang == "en" or {"API-001", "API-006", "NAW-001", "LNK-001"} <= _failed(report)
    # (fields the spec also names are tallied at the spec, which carries no evidence)
    exported = {"iban": VALUES["iban 1"], "onderwijsnummer": VALUES["onderwijsnummer 1"]}
    exported |= {"adres/postcode": VALUES["postcode 1"], "naam": "Qxzylvia Jyqxhof"}
    assert_redacted_exactly(report, [("NAW-001", f, v) for f, v in exported.items()])
    texts = captured(run, debug_logs, **written(tmp_path, before, skip=[api, keys]))
    assert {f"out/{name}" for name in BUNDLE} <= set(texts)
    assert lang == "nl" or "known.json" in texts
    assert_no_leaks(texts, extra=_sent(config), probed=True)
    if lang == "nl":
        _verify_says_nothing_personal(tmp_path, cli, debug_logs, keys)


def _verify_says_nothing_personal(tmp_path: Path, cli, caplog, keys: Path) -> None:
    signed = tmp_path / "out" / "report.json"
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(signed.read_bytes().replace(b'"verdict": "fail"', b'"verdict": "pass"'))
    public = keys / "certifier.pub"
    runs = [
        cli("verify", signed, "--key", public, "--inputs-root", LEAKS),
        cli("verify", signed),  # the signer is not verified
        cli("verify", tampered, "--key", public),
    ]
    assert [r.code for r in runs] == [0, 1, 1], [r.err for r in runs]
    assert "verdict fail" in runs[0].err and "INVALID" in runs[2].err
    assert_no_leaks(terminals(runs, caplog))


# --- hook, init, explain, profiles, keygen ----------------------------------------------------

STATIC_INPUTS = (
    "leerlingen.jsonl",
    "leerlingen.csv",
    "afgeleid.jsonl",
    "openapi.yaml",
    "schema.sql",
)


def _static_config(folder: Path, waivers: bool = False) -> Path:
    listed = [str(LEAKS / n) for n in STATIC_INPUTS]
    config = folder / "conformance.toml"
    waiver = 'waivers = "waivers.toml"\n' if waivers else ""
    config.write_text(
        f'profile = "nl-generic"\n{waiver}[inputs]\nexports = {json.dumps(listed[:3])}\n'
        f"specs = {json.dumps(listed[3:4])}\nstorage = {json.dumps(listed[4:])}\n",
        encoding="utf-8",
    )
    if waivers:
        (folder / "waivers.toml").write_text(WAIVERS.partition("\n\n")[0] + "\n", encoding="utf-8")
    return config


def test_hook_says_nothing_personal(tmp_path: Path, cli, debug_logs) -> None:
    config = _static_config(tmp_path)
    run = cli("hook", "--config", config, *(LEAKS / n for n in STATIC_INPUTS))
    assert run.code == 1, run.err
    assert "NAW-001" in run.err and "SEP-001" in run.err
    assert_no_leaks(captured(run, debug_logs))


def test_init_says_nothing_personal(tmp_path: Path, cli, debug_logs, monkeypatch) -> None:
    """init reads the project's exports (an XML head for the profile): its lines, its questions
    and the files it writes hold nothing of them."""
    project = tmp_path / "project"
    (project / "exports").mkdir(parents=True)
    (project / "db").mkdir()
    for name in ("leerlingen.jsonl", "leerlingen.csv", "uwlr.xml"):
        shutil.copy(LEAKS / name, project / "exports" / name)
    shutil.copy(LEAKS / "schema.sql", project / "db" / "schema.sql")
    shutil.copy(LEAKS / "openapi.yaml", project / "openapi.yaml")
    monkeypatch.chdir(project)
    before = _snapshot(project)
    run = cli("init", "--yes")
    assert run.code == 0, run.err
    texts = captured(run, debug_logs, **written(project, before))
    assert "uwlr-2.2" in texts["conformance.toml"]
    for made in _snapshot(project) - before:
        made.unlink()
    questions: list[str] = []
    answers = iter(["", "", "", "", "https://test.api.example.nl"])

    def ask(question: str) -> str:
        questions.append(question)
        return next(answers)

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", ask)
    asked = cli("init")
    assert asked.code == 0, asked.err
    texts |= {"questions": "\n".join(questions)}
    texts |= {f"asked {k}": v for k, v in captured(asked, debug_logs).items()}
    texts |= {f"asked {k}": v for k, v in written(project, before).items()}
    assert_no_leaks(texts)


def test_explain_profiles_and_keygen_say_nothing_personal(tmp_path: Path, cli, debug_logs) -> None:
    runs = [cli("profiles"), cli("keygen", "--out", tmp_path / "k")]
    runs += [cli("explain", rid) for rid in CATALOGUE]
    assert [r.code for r in runs] == [0] * len(runs)
    assert_no_leaks(terminals(runs, debug_logs))


# --- the pytest plugin ----------------------------------------------------------------------------


def _plugin_args() -> list[str]:
    loaded = any(ep.value == "conformance.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if loaded else ["-p", "conformance.pytest_plugin"]


def test_the_pytest_plugin_says_nothing_personal(
    pytester: pytest.Pytester, debug_logs: pytest.LogCaptureFixture
) -> None:
    """Failed items, skipped (waived) items, -rA's summary and --junitxml: no raw canary."""
    pytester.makepyfile(test_own="def test_own():\n    assert True\n")
    config = _static_config(pytester.path, waivers=True)
    junit = pytester.path / "junit.xml"
    before = _snapshot(pytester.path)
    result = pytester.runpytest_inprocess(
        *_plugin_args(),
        "-p",
        "no:cacheprovider",
        "--conformance-config",
        str(config),
        f"--junitxml={junit}",
        "-rA",
        "-vv",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 3 and outcomes.get("skipped", 0) >= 1, outcomes
    output = "\n".join(result.outlines)
    assert f"evidence (redacted): {redact('Zwyqxulbeek')}" in output
    texts = {"stdout": output, "stderr": "\n".join(result.errlines), "log": _logged(debug_logs)}
    texts |= written(pytester.path, before)
    assert "junit.xml" in texts
    assert_no_leaks(texts)


def test_the_pytest_plugin_quotes_no_canary_from_a_bad_config(
    pytester: pytest.Pytester, debug_logs: pytest.LogCaptureFixture
) -> None:
    config = pytester.path / "conformance.toml"
    config.write_text(f'profile = "nl-generic"\n[subject]\n{BAD_TOML["trailing"]}\n')
    result = pytester.runpytest_inprocess(
        *_plugin_args(), "-p", "no:cacheprovider", "--conformance-config", str(config)
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    texts = {"stdout": "\n".join(result.outlines), "stderr": "\n".join(result.errlines)}
    assert "invalid TOML" in texts["stderr"]
    assert_no_leaks(texts | {"log": _logged(debug_logs)})


def test_pupils_named_in_column_names_are_not_quoted(
    tmp_path: Path, cli, debug_logs: pytest.LogCaptureFixture
) -> None:
    """A table with a column per pupil ("Reinhart", "Roswita"), and the same pupils written
    without a header row: the names are field names in the first and data in the second."""
    pupils = {"column 1": "Reinhart", "column 2": "Roswita", "column 3": "Isaline Brouwer"}
    pivot = tmp_path / "cijfers.csv"
    pivot.write_text("vak;Reinhart;Roswita;Isaline Brouwer\nrekenen;7,5;6;8\ntaal;5,5;8;7\n")
    headerless = tmp_path / "namen.csv"
    headerless.write_text("Reinhart;groep 5\nRoswita;groep 6\nIsaline;groep 5\n")
    for source, code in ((pivot, 1), (headerless, 2)):
        before = _snapshot(tmp_path)
        out = tmp_path / f"out-{source.stem}"
        run = cli("check", "--profile", "nl-generic", *formats(out), "--all", source)
        assert run.code == code, run.err
        texts = captured(run, debug_logs, **written(tmp_path, before))
        assert_no_leaks(texts, extra=pupils)
