"""The published reference files get the verdicts the issue names (skip where they are absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CliRun, eckid
from lxml import etree

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"


def test_edexml_example_fails_psn002_and_naw001(reference: Path, cli) -> None:
    run: CliRun = cli(
        "check",
        "--profile",
        "edexml-2.1",
        reference / "edexml/2.1/examples/EDEXML.Voorbeeld.2.1.xml",
    )
    assert run.code == 1
    assert run.verdict("PSN-002") == "fail"
    psn002 = run.findings("PSN-002")
    assert [(f["field"], f["occurrences"]) for f in psn002] == [("@eckid", 3)]
    assert "legacy id.school prefix" in psn002[0]["message"]
    assert psn002[0]["evidence"].startswith("https://id.school/")
    naw = {f["field"] for f in run.findings("NAW-001")}
    assert {"achternaam", "roepnaam", "bsn"} <= naw
    assert "133456785" not in run.err + str(run.report)


def test_edexml_flemish_example_fails_psn001(reference: Path, cli) -> None:
    run = cli(
        "check",
        "--profile",
        "edexml-2.1",
        reference / "edexml/2.1/examples/EDEXML.Voorbeeld.2.1-Vla.xml",
    )
    assert run.code == 1
    assert run.verdict("PSN-001") == "fail"
    assert sorted((f["message"].split()[0], f["occurrences"]) for f in run.findings("PSN-001")) == [
        ("leerkracht", 3),
        ("leerling", 3),
    ]
    assert run.verdict("PSN-002") == "not_applicable"


OSO_EXAMPLES = sorted(
    (Path(__file__).resolve().parents[2] / "shared/reference/oso/2019.1/examples").glob("*.xml")
)


@pytest.mark.parametrize("name", [p.name for p in OSO_EXAMPLES] or ["(reference absent)"])
def test_every_oso_example_passes_min003_under_overstap(reference: Path, cli, name: str) -> None:
    run = cli(
        "check",
        "--profile",
        "oso-2019.1",
        "--purpose",
        "overstap",
        reference / "oso/2019.1/examples" / name,
    )
    assert run.verdict("MIN-003") == "pass"
    assert run.verdict("NAW-001") == "pass"
    assert run.verdict("MIN-001") == "pass"
    assert run.code == 0


def test_oso_opt_out_dossier_with_withheld_data_fails_min003(
    reference: Path, tmp_path: Path, cli
) -> None:
    source = (reference / "oso/2019.1/examples/Voorbeelddossier_OV_POVO_opt_out.xml").read_text()
    assert "<cat_verzuim>OPT-UIT</cat_verzuim>" in source
    injected = source.replace(
        "</leerling>",
        "<verzuim><verzuimsoort>ongeoorloofd</verzuimsoort></verzuim></leerling>",
        1,
    )
    path = tmp_path / "dossier.xml"
    path.write_text(injected)
    run = cli("check", "--profile", "oso-2019.1", path)
    assert run.verdict("MIN-003") == "fail"
    assert [(f["field"], f["occurrences"]) for f in run.findings("MIN-003")] == [("verzuim", 1)]


def _smalle_set_export(pupils: int = 3) -> str:
    leerlingen = "".join(
        f'<leerling key="L{i}" eckid="{eckid(f"L{i}")}"><achternaam>Vries</achternaam>'
        f"<voorvoegsel>de</voorvoegsel><roepnaam>Sanne</roepnaam>"
        f"<geboortedatum>2015-03-0{i}</geboortedatum><jaargroep>5</jaargroep>"
        f'<groep key="G1"/></leerling>'
        for i in range(1, pupils + 1)
    )
    return (
        f'<leerlinggegevens xmlns="{UWLR_NS}"><school><schooljaar>2024-2025</schooljaar>'
        f"<brincode>99ZZ</brincode><dependancecode>00</dependancecode></school>"
        f'<groepen><groep key="G1"><naam>5a</naam><jaargroep>5</jaargroep></groep></groepen>'
        f"<leerlingen>{leerlingen}</leerlingen></leerlinggegevens>"
    )


@pytest.mark.parametrize(
    "xsd",
    [
        "UWLR_Leerlinggegevens_v2p2.xsd",
        "Profiel smalle set/Profiel_Smalle_set_UWLR_Leerlinggegevens_v2p2.xsd",
    ],
)
def test_the_smalle_set_export_used_below_is_valid_uwlr(reference: Path, xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(reference / "uwlr/v2.2/Schemas" / xsd)))
    assert schema.validate(etree.fromstring(_smalle_set_export().encode())), schema.error_log


def test_smalle_set_export_passes_min001_and_fails_naw001_under_pseudoniem(
    tmp_path: Path, cli
) -> None:
    path = tmp_path / "smalle.xml"
    path.write_text(_smalle_set_export())
    smalle = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert smalle.verdict("MIN-001") == "pass"
    assert smalle.verdict("NAW-001") == "pass"
    assert smalle.code == 0
    pseudo = cli("check", "--profile", "uwlr-2.2", "--purpose", "pseudoniem", path)
    assert pseudo.code == 1
    assert sorted(f["field"] for f in pseudo.findings("NAW-001")) == [
        "achternaam",
        "roepnaam",
        "voorvoegsel",
    ]
    assert all(f["occurrences"] == 3 for f in pseudo.findings("NAW-001"))


@pytest.mark.parametrize(
    ("block", "fails"),
    [
        ("", False),
        ("<onderwijsondersteuning/>", False),  # an empty element holds no data
        ("<onderwijsondersteuning>Diagnose ADHD</onderwijsondersteuning>", True),
        ("<onderwijsondersteuning><toelichting>ADHD</toelichting></onderwijsondersteuning>", True),
        ('<onderwijsondersteuning diagnose="F90"/>', True),
    ],
)
def test_support_withheld_in_both_its_categories_is_withheld_whatever_it_holds(
    reference: Path, tmp_path: Path, cli, block: str, fails: bool
) -> None:
    """onderwijsondersteuning is shared out: handelingsplan to one category, its listed other
    children to another. With both OPT-UIT, text, an attribute or an unlisted child in it is
    withheld data too (it passed as belonging to no category)."""
    source = (reference / "oso/2019.1/examples/Voorbeelddossier_OV_POPO_full.xml").read_text()
    block_in_source = re.compile(r"<onderwijsondersteuning>.*?</onderwijsondersteuning>", re.S)
    source = block_in_source.sub("__OO__", source)
    for flag in ("cat_onderwijsondersteuning", "cat_handelingsplannen"):
        source = re.sub(rf"<{flag}>[^<]*</{flag}>", f"<{flag}>OPT-UIT</{flag}>", source)
    path = tmp_path / "dossier.xml"
    path.write_text(source.replace("__OO__", block))
    run = cli("check", "--profile", "oso-2019.1", path)
    assert run.verdict("MIN-003") == ("fail" if fails else "pass")
