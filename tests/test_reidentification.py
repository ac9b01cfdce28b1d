"""LNK-003 / LNK-005 scope: identified-by-design exports are not judged on anonymity."""

from __future__ import annotations

from pathlib import Path

from conftest import eckid

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"


def test_not_applicable_where_the_purpose_allows_names(tmp_path: Path, cli) -> None:
    pupils = "".join(
        f'<leerling key="L{i}" eckid="{eckid(str(i))}"><achternaam>Vries</achternaam>'
        f"<geboortedatum>2015-03-0{i}</geboortedatum><jaargroep>5</jaargroep></leerling>"
        for i in range(1, 4)
    )
    path = tmp_path / "smalle.xml"
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}"><leerlingen>{pupils}</leerlingen></leerlinggegevens>'
    )
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    lnk003 = next(r for r in run.report["requirements"] if r["id"] == "LNK-003")
    assert lnk003["verdict"] == "not_applicable"
    assert "identified by design" in lnk003["reason"]


def test_a_pseudonymous_export_with_birth_dates_is_judged(tmp_path: Path, cli) -> None:
    path = tmp_path / "x.csv"
    rows = "".join(f"{eckid(str(i))};2015-03-{i:02d};5\n" for i in range(1, 8))
    path.write_text("eckId;geboortedatum;jaargroep\n" + rows)
    run = cli("check", "--profile", "nl-generic", path)
    (finding,) = run.findings("LNK-003")
    assert "k-anonymity over (geboortedatum, jaargroep) is 1" in finding["message"]
    assert "7 of 7 records (100.0%) are unique" in finding["message"]
    assert run.verdict("LNK-005") == "not_applicable"
