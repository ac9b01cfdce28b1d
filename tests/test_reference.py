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


# What the Smalle and LVS sets keep of the message around the pupils (Profiel_*_UWLR_
# Leerlinggegevens_v2p2.xsd and its elementen.xsd): no vestigingen; a group's naam, jaargroep
# and @key; a composite group's also omschrijving. A message of the full standard that goes
# beyond that is valid UWLR 2.2 but not the set.
_SET_XSDS = {
    "smalle-set": "Profiel smalle set/Profiel_Smalle_set_UWLR_Leerlinggegevens_v2p2.xsd",
    "lvs-set": "Profiel LVS set/Profiel_LVS_set_UWLR_Leerlinggegevens_v2p2.xsd",
}
_BEYOND_THE_SETS = {
    "vestigingen": (
        {
            "vestigingen": '<vestigingen><vestiging key="V1"><naam>Hoofdgebouw</naam>'
            "</vestiging></vestigingen>"
        },
        ["vestigingen/vestiging/@key", "vestigingen/vestiging/naam"],
    ),
    "groep-omschrijving": (
        {"groep": "<omschrijving>Groep 5a, zorgleerlingen met dyslexie</omschrijving>"},
        ["groepen/groep/omschrijving"],
    ),
    "groep-mutatiedatum": (
        {"groep": "<mutatiedatum>2024-09-01T08:00:00</mutatiedatum>"},
        ["groepen/groep/mutatiedatum"],
    ),
    "samengestelde-groep-mutatiedatum": (
        {"samengesteld": "<mutatiedatum>2024-09-01T08:00:00</mutatiedatum>"},
        ["groepen/samengestelde_groep/mutatiedatum"],
    ),
}


def _set_message(purpose: str, extra: dict[str, str], root: str = "leerlinggegevens") -> str:
    """A message the set allows (``extra`` empty), every part the set keeps filled in, with
    ``extra`` put in its places. ``root``: ``EDEX`` for an EDEXML 2.1 file (no namespace),
    ``leerlinggegevens_antwoord`` for UWLR's answer around it."""
    lvs = purpose == "lvs-set"
    leerlingen = "".join(
        f'<leerling key="L{i}" eckid="{eckid(f"L{i}")}"><achternaam>Vries</achternaam>'
        f"<voorvoegsel>de</voorvoegsel><roepnaam>Sanne</roepnaam>"
        f"<geboortedatum>2015-03-0{i}</geboortedatum>{'<geslacht>2</geslacht>' * lvs}"
        f'<jaargroep>5</jaargroep><groep key="G1"/>'
        f'<samengestelde_groepen><samengestelde_groep key="S1"/></samengestelde_groepen>'
        f"{f'<bsn_ondwnr-4>123{i}</bsn_ondwnr-4>' * lvs}</leerling>"
        for i in range(1, 4)
    )
    body = (
        "<school><schooljaar>2024-2025</schooljaar><peildatum>2024-10-01</peildatum>"
        "<brincode>99ZZ</brincode><dependancecode>00</dependancecode>"
        "<aanmaakdatum>2024-10-01T08:15:00</aanmaakdatum><auteur>LAS-export</auteur>"
        "<xsdversie>2.2</xsdversie><commentaar>Herfstlevering</commentaar></school>"
        f"{extra.get('vestigingen', '')}"
        f'<groepen><groep key="G1"><naam>5a</naam><jaargroep>5</jaargroep>'
        f"{extra.get('groep', '')}</groep>"
        f'<samengestelde_groep key="S1"><naam>Plusklas</naam>'
        f"<omschrijving>Verrijking rekenen</omschrijving>{extra.get('samengesteld', '')}"
        f"</samengestelde_groep></groepen><leerlingen>{leerlingen}</leerlingen>"
    )
    if root == "EDEX":
        return f"<EDEX>{body}</EDEX>"
    message = f'<leerlinggegevens xmlns="{UWLR_NS}">{body}</leerlinggegevens>'
    if root == "leerlinggegevens_antwoord":
        return f'<leerlinggegevens_antwoord xmlns="{UWLR_NS}">{message}</leerlinggegevens_antwoord>'
    return message


@pytest.mark.parametrize("purpose", sorted(_SET_XSDS))
@pytest.mark.parametrize("beyond", [None, *_BEYOND_THE_SETS])
def test_the_set_messages_below_are_valid_uwlr_and_edexml_as_intended(
    reference: Path, purpose: str, beyond: str | None
) -> None:
    """Each message is valid UWLR 2.2 and EDEXML 2.1; the set's XSD takes it only as it is."""
    extra = _BEYOND_THE_SETS[beyond][0] if beyond else {}
    schemas = reference / "uwlr/v2.2/Schemas"
    full = etree.XMLSchema(etree.parse(str(schemas / "UWLR_Leerlinggegevens_v2p2.xsd")))
    the_set = etree.XMLSchema(etree.parse(str(schemas / _SET_XSDS[purpose])))
    edexml = etree.XMLSchema(etree.parse(str(reference / "edexml/2.1/EDEXML.structuur.xsd")))
    message = etree.fromstring(_set_message(purpose, extra).encode())
    assert full.validate(message), full.error_log
    assert the_set.validate(message) is (beyond is None), the_set.error_log
    edex = etree.fromstring(_set_message(purpose, extra, "EDEX").encode())
    assert edexml.validate(edex), edexml.error_log


@pytest.mark.parametrize("purpose", sorted(_SET_XSDS))
@pytest.mark.parametrize(
    "where",
    [
        ("uwlr-2.2", "leerlinggegevens"),
        ("uwlr-2.2", "leerlinggegevens_antwoord"),
        ("edexml-2.1", "EDEX"),
    ],
    ids=["uwlr", "uwlr-antwoord", "edexml"],
)
@pytest.mark.parametrize("beyond", [None, *_BEYOND_THE_SETS])
def test_the_sets_keep_only_their_part_of_the_school_and_its_groups(
    tmp_path: Path, cli, purpose: str, where: tuple[str, str], beyond: str | None
) -> None:
    """The sets' allow-lists covered only the pupil and teacher records: a message with the
    school's vestigingen and a group described as 'zorgleerlingen met dyslexie', which the
    set's XSD refuses, was CONFORMANT under smalle-set. The groups and the school are no
    persons: no ECK iD is missing on them."""
    profile, root = where
    extra, fields = _BEYOND_THE_SETS[beyond] if beyond else ({}, [])
    path = tmp_path / "message.xml"
    path.write_text(_set_message(purpose, extra, root))
    run = cli("check", "--profile", profile, "--purpose", purpose, path)
    assert sorted(f["field"] for f in run.findings("MIN-001")) == fields
    assert run.code == (1 if beyond else 0), run.out
    for rid in ("PSN-001", "NAW-001", "NAW-002", "LNK-002"):
        assert run.verdict(rid) == "pass", rid
