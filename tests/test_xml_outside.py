"""What an XML export holds outside its records — a school's contact, a group's name, text
between records, the root's attributes, comments outside the root, what follows the last record,
elements named like a record that are none — is examined as values outside the records: a BSN
there gave CONFORMANT."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from conftest import eckid

from conformance.model.records import OUTSIDE, WINDOW_SIZE
from conformance.readers.xml import RecordRule, read_xml

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"
BSN = "111222333"  # valid 11-proef


def _uwlr(around: dict[str, str]) -> str:
    """A Smalle-set-like UWLR message of two pupils, with ``around`` put in its places."""
    pupils = "".join(
        f'<leerling key="L{i}" eckid="{eckid(f"p{i}")}"><jaargroep>5</jaargroep></leerling>'
        + around.get("between", "")
        for i in (1, 2)
    )
    return (
        f'{around.get("prolog", "")}<leerlinggegevens_antwoord xmlns="{UWLR_NS}"'
        f"{around.get('root', '')}><school><brincode>99ZZ</brincode>{around.get('school', '')}"
        f'</school><groepen><groep key="G1"><naam>{around.get("groep", "5a")}</naam></groep>'
        f"</groepen><leerlingen>{pupils}</leerlingen>{around.get('after', '')}"
        "</leerlinggegevens_antwoord>"
    )


@pytest.mark.parametrize(
    ("around", "field"),
    [
        ({"school": f"<contact>{BSN}</contact>"}, "leerlinggegevens_antwoord/school/contact"),
        ({"groep": f"5a ({BSN})"}, "leerlinggegevens_antwoord/groepen/groep/naam"),
        ({"between": f" los {BSN} "}, "leerlinggegevens_antwoord/leerlingen"),
        ({"root": f' ref="{BSN}"'}, "leerlinggegevens_antwoord/@ref"),
        ({"prolog": f"<!-- voor {BSN} -->"}, "comment()"),
        ({"after": f"<opmerking>{BSN}</opmerking>"}, "leerlinggegevens_antwoord/opmerking"),
    ],
    ids=["school", "group", "between-records", "root-attribute", "prolog-comment", "after"],
)
def test_a_bsn_outside_the_records_fails_naw_002(
    tmp_path: Path, cli: Any, around: dict[str, str], field: str
) -> None:
    path = tmp_path / "uwlr.xml"
    path.write_text(_uwlr(around))
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert run.verdict("NAW-002") == "fail", run.out
    messages = [f["message"] for f in run.findings("NAW-002")]
    assert any(f"in field '{field}' outside the records" in m for m in messages), messages
    assert not run.quoted(BSN)
    assert run.report is not None and run.report["inputs"][0]["records"] == 2
    # counted in records of a thousand values: no count a reader could find
    assert not any("outside the records (" in m for m in messages), messages


def test_the_same_message_without_a_bsn_around_is_conformant(tmp_path: Path, cli: Any) -> None:
    """The school's BRIN, a group's name, the schema's own elements: no false alarm."""
    path = tmp_path / "uwlr.xml"
    path.write_text(_uwlr({}))
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert run.code == 0, run.out


def test_a_second_repeated_structure_beside_the_discovered_records_is_examined(
    tmp_path: Path, cli: Any
) -> None:
    """Without a profile the most repeated element is the record: the others were unread."""
    pupils = "".join(
        f'<leerling eckId="{eckid(f"p{i}")}"><groep>5</groep></leerling>' for i in range(5)
    )
    path = tmp_path / "export.xml"
    path.write_text(
        f"<export><leerlingen>{pupils}</leerlingen><ouders>"
        f"<ouder><telefoon_werk>x</telefoon_werk><notitie>bel 06-12345678</notitie></ouder>"
        f"<ouder><notitie>-</notitie></ouder></ouders></export>"
    )
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("NAW-002") == "fail", run.out
    assert any(
        "'export/ouders/ouder/notitie' outside the records" in f["message"]
        for f in run.findings("NAW-002")
    )


def test_values_outside_are_held_about_a_window_at_a_time() -> None:
    """However much lies between the records, a record of it holds about WINDOW_SIZE values."""
    between = b"<x>v</x>" * (WINDOW_SIZE * 3)
    data = b"<root>" + b"".join(b"<rec a='1'/>" + between for _ in range(3)) + b"</root>"
    read = list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    assert [r.kind for r in read if r.kind != OUTSIDE] == ["rec"] * 3
    sizes = [len(r.fields["root/x"]) for r in read if r.kind == OUTSIDE]
    assert sum(sizes) == WINDOW_SIZE * 9
    assert max(sizes) <= WINDOW_SIZE * 4  # one run between two records, and what was held


def test_names_outside_the_records_are_classified_under_a_standard_profile(
    tmp_path: Path, cli: Any
) -> None:
    """uwlr-2.2 classifies no names itself (its rules name its records' fields), so a parent's
    name and birth date beside the pupils had no class and passed NAW-001 and MIN-001; a
    composite group's name is still no person's."""
    parent = (
        "<ouders><ouder><voornaam>Piet</voornaam><achternaam>Jansen</achternaam>"
        "<geboortedatum>1985-03-12</geboortedatum></ouder></ouders>"
    )
    groups = (
        "<samengestelde_groepen><samengestelde_groep key='S1'><naam>Plusklas</naam>"
        "</samengestelde_groep></samengestelde_groepen>"
    )
    path = tmp_path / "uwlr.xml"
    path.write_text(_uwlr({"after": groups}))
    assert cli("check", "--profile", "uwlr-2.2", path).code == 0
    path.write_text(_uwlr({"after": parent + groups}))
    run = cli("check", "--profile", "uwlr-2.2", path)
    assert run.verdict("NAW-001") == "fail"
    fields = {f["field"] for f in run.findings("NAW-001")}
    assert fields == {
        "leerlinggegevens_antwoord/ouders/ouder/voornaam",
        "leerlinggegevens_antwoord/ouders/ouder/achternaam",
    }
    assert any("geboortedatum" in f["message"] for f in run.findings("MIN-001"))


def test_a_location_named_by_its_street_is_the_schools_address(tmp_path: Path, cli: Any) -> None:
    """A group or location named "Locatie Julianalaan 12" failed NAW-002 as a street address:
    the school's own, like its adres."""
    path = tmp_path / "uwlr.xml"
    path.write_text(_uwlr({"groep": "Locatie Julianalaan 12"}))
    assert cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path).code == 0
    path.write_text(_uwlr({"groep": f"Locatie Julianalaan 12 ({BSN})"}))
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert run.verdict("NAW-002") == "fail"


def test_the_exports_author_is_a_name_the_sets_keep(tmp_path: Path, cli: Any) -> None:
    """school/auteur is kept by the Smalle and LVS sets, and EDEXML's own example names a
    person there: a Smalle-set message with its author's name failed NAW-002. A BSN or an
    e-mail address in it is still a finding."""
    path = tmp_path / "uwlr.xml"
    path.write_text(_uwlr({"school": "<auteur>Geert Evers</auteur>"}))
    assert cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path).code == 0
    for hidden in (BSN, "g.evers@school.example"):
        path.write_text(_uwlr({"school": f"<auteur>Geert Evers {hidden}</auteur>"}))
        run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
        assert run.verdict("NAW-002") == "fail"
        assert not run.quoted(hidden)


def test_a_groups_extension_block_is_the_groups_not_a_persons(tmp_path: Path, cli: Any) -> None:
    """EDEXML's own example gives its groups ``toevoegingen/blok/code``: classed free text by
    the block's name, it failed MIN-001 as a sensitive field outside the records; it is the
    group's. A person's field inside such a block is still a person's."""
    block = "<toevoegingen><blok><code>Opmerking X</code><opmerking/></blok></toevoegingen>"
    path = tmp_path / "uwlr.xml"
    path.write_text(_uwlr({"groep": f"5a</naam>{block}<naam>5a"}))
    run = cli("check", "--profile", "uwlr-2.2", path)
    assert run.code == 0, run.out
    inner = "<toevoegingen><blok><geboortedatum>2014-03-11</geboortedatum></blok></toevoegingen>"
    path.write_text(_uwlr({"groep": f"5a</naam>{inner}<naam>5a"}))
    run = cli("check", "--profile", "uwlr-2.2", path)
    assert run.verdict("MIN-001") == "fail", run.out
    assert any("toevoegingen/blok/geboortedatum" in f["field"] for f in run.findings("MIN-001"))


@pytest.mark.parametrize("wrapped", [False, True], ids=["direct", "in-a-wrapper"])
def test_text_between_nested_records_stays_with_the_enclosing_one(wrapped: bool) -> None:
    """A nested record read is removed once the next is read, and lxml's remove took the text
    after it along: 'bsn 111222333' between two nested records was never examined."""
    inner = b'<rec k="1"/>bsn ' + BSN.encode() + b'<rec k="2"/>tot ziens<rec k="3"/>'
    body = b"<w>" + inner + b"</w>" if wrapped else inner
    data = b"<root><outer>" + body + b"</outer></root>"
    rules = [RecordRule("rec", "rec", None), RecordRule("outer", "outer", None)]
    read = list(read_xml(io.BytesIO(data), "t.xml", rules))
    (outer,) = [r for r in read if r.kind == "outer"]
    texts = [v for values in outer.fields.values() for v in values]
    assert any(BSN in v for v in texts), outer.fields
    assert any("tot ziens" in v for v in texts), outer.fields


def test_a_namespace_declared_on_the_root_is_examined() -> None:
    data = f'<root xmlns:x="urn:leerling:{BSN}"><rec a="1"/></root>'.encode()
    read = list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    assert [r.fields for r in read if r.kind == OUTSIDE] == [
        {"root/namespace()": [f"urn:leerling:{BSN}"]}
    ]


@pytest.mark.parametrize("surname", ["Jansen 1234 AB", "Jansen, Kerkstraat 12"])
def test_an_address_in_an_allowed_name_fails_naw_002(
    tmp_path: Path, cli: Any, surname: str
) -> None:
    """Under the Smalle set a surname is allowed; an address written into it is not (it was
    searched only for a BSN, e-mail, phone number or IBAN)."""
    pupils = "".join(
        f'<leerling key="L{i}" eckid="{eckid(f"p{i}")}"><achternaam>{name}</achternaam>'
        "<jaargroep>5</jaargroep></leerling>"
        for i, name in enumerate(["de Vries", surname])
    )
    path = tmp_path / "uwlr.xml"
    path.write_text(
        f'<leerlinggegevens_antwoord xmlns="{UWLR_NS}"><leerlingen>{pupils}</leerlingen>'
        "</leerlinggegevens_antwoord>"
    )
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert run.verdict("NAW-002") == "fail", run.out
    assert [f["field"] for f in run.findings("NAW-002")] == ["achternaam"]
    assert not run.quoted("Kerkstraat", "1234 AB")
