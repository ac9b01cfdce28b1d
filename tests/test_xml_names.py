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
