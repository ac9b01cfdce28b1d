"""Profiles: shipped ones load; invalid ones are refused with file, JSON path and problem."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conformance.model.errors import ProfileError
from conformance.model.profile import FieldClass, Precision
from conformance.profiles import load_profile, shipped_ids

SHIPPED = ["edexml-2.1", "nl-generic", "oso-2019.1", "uwlr-2.2"]


def test_the_four_profiles_ship_and_load() -> None:
    assert shipped_ids() == SHIPPED
    for pid in SHIPPED:
        profile = load_profile(pid)
        assert profile.id == pid
        assert profile.source == f"shipped:{pid}"
        assert len(profile.sha256) == 64
        assert profile.default_purpose in profile.purposes


def test_uwlr_profile_shape() -> None:
    profile = load_profile("uwlr-2.2")
    assert profile.format.namespaces == {
        "u": "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"
    }
    assert set(profile.format.records) == {"leerling", "leerkracht"}
    assert profile.pseudonym is not None and profile.pseudonym.field == "@eckid"
    assert set(profile.purposes) == {"smalle-set", "lvs-set", "pseudoniem"}
    assert profile.purposes["pseudoniem"].allowed_paths("leerling") == {
        "@key",
        "@eckid",
        "jaargroep",
        "groep",
        "samengestelde_groepen",
    }
    rule = profile.rule_for("geboortedatum")
    assert rule is not None and rule.cls is FieldClass.QUASI and rule.precision is Precision.DAY
    nested = profile.rule_for("groep/@key")
    assert nested is not None and nested.cls is FieldClass.OPERATIONAL
    bsn = profile.rule_for("bsn")
    assert bsn is not None and (bsn.cls, bsn.category) == (FieldClass.DIRECT, "bsn")


def test_uwlr_and_edexml_profiles_carry_the_same_rules() -> None:
    uwlr, edexml = load_profile("uwlr-2.2"), load_profile("edexml-2.1")
    assert uwlr.fields == edexml.fields
    assert uwlr.purposes == edexml.purposes
    assert edexml.format.namespaces == {}


def _xsd_children(xsd: Path, type_name: str) -> set[str]:
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    tree = etree.parse(str(xsd))
    (complex_type,) = tree.xpath(f"//xs:complexType[@name='{type_name}']", namespaces=ns)
    names = {
        e.get("name") or e.get("ref") for e in complex_type.xpath(".//xs:element", namespaces=ns)
    }
    attributes = {f"@{a.get('name')}" for a in complex_type.xpath("./xs:attribute", namespaces=ns)}
    nested = complex_type.xpath(".//xs:element//xs:element", namespaces=ns)
    names -= {e.get("name") or e.get("ref") for e in nested}
    return {n for n in names if n} | attributes


@pytest.mark.parametrize(
    ("purpose", "folder", "file"),
    [
        ("smalle-set", "Profiel smalle set", "Profiel_Smalle_set_EDEXML.elementen.xsd"),
        ("lvs-set", "Profiel LVS set", "Profiel_LVS_set_EDEXML.elementen.xsd"),
    ],
)
def test_uwlr_sets_are_exactly_edustandaards_profile_xsds(
    reference: Path, purpose: str, folder: str, file: str
) -> None:
    xsd = reference / "uwlr" / "v2.2" / "Schemas" / folder / file
    profile = load_profile("uwlr-2.2")
    for kind, type_name in (("leerling", "LeerlingType"), ("leerkracht", "LeerkrachtType")):
        assert profile.purposes[purpose].allowed_paths(kind) == _xsd_children(xsd, type_name)


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


MINIMAL = """id: mine
version: "1.0.0"
title: {nl: Mijn, en: Mine}
purposes:
  basis: {allow: [eckId]}
"""


@pytest.mark.parametrize(
    ("text", "json_path", "problem"),
    [
        (MINIMAL.replace('"1.0.0"', "one"), "$.version", "does not match"),
        (MINIMAL + "colour: red\n", "$", "unknown key"),
        (MINIMAL + "fields: {achternaam: nameish}\n", "$.fields.achternaam", "wrong form"),
        (MINIMAL + "default_purpose: other\n", "$.default_purpose", "no purpose 'other'"),
        (MINIMAL.replace("title: {nl: Mijn, en: Mine}", "title: {nl: Mijn}"), "$.title", "'en'"),
        (
            MINIMAL + "format: {kind: xml, records: {leerling: '//x:leerling'}}\n",
            "$.format.records.leerling",
            "prefix 'x' is not declared",
        ),
    ],
)
def test_invalid_profiles_name_file_path_and_problem(
    tmp_path: Path, text: str, json_path: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    assert caught.value.source == str(path)
    assert caught.value.position == json_path
    assert problem in caught.value.problem


def test_yaml_errors_and_aliases_are_refused_with_a_line(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(str(write(tmp_path, "id: [unclosed\n")))
    assert caught.value.position is not None and caught.value.position.startswith("line")
    bomb = MINIMAL + "description: &a {nl: x, en: x}\nstandard: {name: *a}\n"
    with pytest.raises(ProfileError, match="aliases are not allowed"):
        load_profile(str(write(tmp_path, bomb)))


def test_extends_inherits_and_may_only_tighten(tmp_path: Path) -> None:
    child = write(
        tmp_path,
        'id: leverancier\nversion: "1.0.0"\ntitle: {nl: L, en: L}\nextends: uwlr-2.2\n'
        "purposes:\n  pseudoniem: {allow: ['@key', '@eckid']}\n",
    )
    profile = load_profile(str(child))
    assert profile.format.records == load_profile("uwlr-2.2").format.records
    assert profile.purposes["pseudoniem"].allowed_paths("leerling") == {"@key", "@eckid"}
    assert "smalle-set" in profile.purposes
    assert profile.sha256 != load_profile("uwlr-2.2").sha256

    wider = write(
        tmp_path,
        'id: wider\nversion: "1.0.0"\ntitle: {nl: W, en: W}\nextends: uwlr-2.2\n'
        "purposes:\n  pseudoniem: {allow: ['@eckid', achternaam]}\n",
        "wider.yaml",
    )
    with pytest.raises(
        ProfileError, match=r"allows more than the extended profile: \['achternaam'\]"
    ):
        load_profile(str(wider))

    weaker = write(
        tmp_path,
        'id: weaker\nversion: "1.0.0"\ntitle: {nl: W, en: W}\nextends: uwlr-2.2\n'
        "fields: {bsn: operational}\n",
        "weaker.yaml",
    )
    with pytest.raises(ProfileError) as caught:
        load_profile(str(weaker))
    assert caught.value.position == "$.fields['bsn']"

    lower_k = write(
        tmp_path,
        'id: lowk\nversion: "1.0.0"\ntitle: {nl: W, en: W}\nextends: uwlr-2.2\n'
        "reidentification: {k: 2}\n",
        "lowk.yaml",
    )
    with pytest.raises(ProfileError, match="k may not be lower"):
        load_profile(str(lower_k))


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL.replace("id: mine", "id: a") + "extends: b.yaml\n", "a.yaml")
    write(tmp_path, MINIMAL.replace("id: mine", "id: b") + "extends: a.yaml\n", "b.yaml")
    with pytest.raises(ProfileError, match="cycle"):
        load_profile(str(tmp_path / "a.yaml"))


def test_unknown_profile_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match=r"shipped profiles: edexml-2\.1, nl-generic"):
        load_profile("uwlr-9")


def test_a_plain_pip_install_gets_the_profiles(tmp_path: Path) -> None:
    """Build the wheel as `pip install .` would, and look inside it."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("conformance-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for pid in SHIPPED:
        assert f"conformance/profiledata/{pid}.yaml" in names
    assert "conformance/schemas/profile.schema.json" in names
    assert "conformance/schemas/report.schema.json" in names
    assert "conformance/py.typed" in names
