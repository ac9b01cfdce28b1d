"""No raw personal value reaches any output: terminal, JSON, HTML, error lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

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
    ],
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
