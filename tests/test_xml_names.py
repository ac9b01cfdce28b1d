"""An XML element or attribute name is part of the path of every value and of the XPath of
every record under it: one over 4,096 characters is refused with one line, as a JSON key is;
one of 4,096 is read."""

from __future__ import annotations

import io

import pytest

from conformance.model.errors import InputError
from conformance.model.records import Record
from conformance.readers.limits import MAX_KEY_CHARS
from conformance.readers.xml import RecordRule, read_xml

RULES = [RecordRule("leerling", "leerling", None)]


def _document(wrapper: str, attribute: str, child: str) -> bytes:
    return (
        f"<export><{wrapper}><leerling {attribute}='1'><{child}>5</{child}></leerling>"
        f"</{wrapper}></export>"
    ).encode()


def _read(data: bytes) -> list[Record]:
    return list(read_xml(io.BytesIO(data), "x.xml", RULES))


@pytest.mark.parametrize("place", ["wrapper", "attribute", "child"])
def test_a_name_of_the_limit_is_read_and_a_longer_one_refused(place: str) -> None:
    names = {"wrapper": "w", "attribute": "a", "child": "c"}
    names[place] = "n" * MAX_KEY_CHARS
    read = [r for r in _read(_document(**names)) if r.kind == "leerling"]
    assert len(read) == 1
    names[place] = "n" * (MAX_KEY_CHARS + 1)
    with pytest.raises(InputError) as refused:
        _read(_document(**names))
    assert refused.value.problem == (
        f"an element or attribute name longer than {MAX_KEY_CHARS:,} characters"
    )


# --- XML's own attributes -------------------------------------------------------------------------

_ECKID = "https://ketenid.nl/201703/" + "ab" * 64
_UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _pupil(attributes: str, inner: str = "<jaargroep>5</jaargroep>") -> str:
    return (
        f'<leerlinggegevens xmlns="{_UWLR_NS}" xmlns:xsi="{_XSI}"><leerlingen>'
        f'<leerling key="L1" eckid="{_ECKID}" {attributes}>{inner}</leerling>'
        "</leerlingen></leerlinggegevens>"
    )


@pytest.mark.parametrize(
    "attributes",
    ['xsi:type="LeerlingType"', 'xml:lang="nl"', 'xml:space="preserve"'],
)
def test_xmls_own_attributes_are_no_fields_a_purpose_forbids(tmp_path, cli, attributes) -> None:
    """An XSD admits xsi:type, xml:lang and xml:space on every element: they were read as
    the data attributes @type, @lang and @space, which the Smalle set does not list."""
    path = tmp_path / "export.xml"
    path.write_text(_pupil(attributes))
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert run.verdict("MIN-001") == "pass", run.findings("MIN-001")
    assert run.code == 0


def test_xmls_own_attributes_are_still_read_for_personal_data(tmp_path, cli) -> None:
    path = tmp_path / "export.xml"
    path.write_text(_pupil('xml:lang="111222333"'))
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert run.verdict("NAW-002") == "fail"


def test_a_data_attribute_beside_xsi_type_keeps_its_own_field(tmp_path, cli) -> None:
    """``type`` is no Smalle set attribute: it still fails, named apart from ``xsi:type``."""
    path = tmp_path / "export.xml"
    path.write_text(_pupil('xsi:type="LeerlingType" type="x"'))
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", path)
    assert [f["field"] for f in run.findings("MIN-001")] == ["@type"]
