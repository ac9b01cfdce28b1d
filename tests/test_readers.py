"""Readers: the same normalised record from every format; one clear error for bad input."""

from __future__ import annotations

import hashlib
import inspect
import io
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from faker.providers.person.nl_NL import Provider as NlNames
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conformance.detect.names import person_name
from conformance.model.errors import InputError
from conformance.model.records import OUTSIDE, Record
from conformance.profiles import load_profile
from conformance.readers import open_export
from conformance.readers import xml as xml_reader
from conformance.readers.limits import parser_words
from conformance.readers.xml import (
    RecordRule,
    _Flattener,
    _RecordBuilder,
    compile_rules,
    read_xml,
)

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"


def read(path: Path, profile: str = "nl-generic", *, outside: bool = False) -> list:
    """The records read; with ``outside``, the values outside them too (kind OUTSIDE)."""
    loaded = load_profile(profile)
    found = open_export(path, loaded).records(loaded)
    return [r for r in found if outside or r.kind != OUTSIDE]


def test_uwlr_records_are_flattened_with_attributes_and_nested_paths(tmp_path: Path) -> None:
    path = tmp_path / "uwlr.xml"
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}"><school><brincode>99ZZ</brincode></school>\n'
        "<leerlingen>\n"
        '<leerling key="L1" eckid="E1"><achternaam>Vries</achternaam>'
        '<groep key="G1"/><samengestelde_groepen><samengestelde_groep key="S1"/>'
        '<samengestelde_groep key="S2"/></samengestelde_groepen></leerling>\n'
        '<leerling key="L2"><roepnaam> </roepnaam><jaargroep>5</jaargroep></leerling>\n'
        "</leerlingen></leerlinggegevens>"
    )
    records = read(path, "uwlr-2.2")
    assert [r.kind for r in records] == ["leerling", "leerling"]
    first, second = records
    assert first.fields == {
        "@key": ["L1"],
        "@eckid": ["E1"],
        "achternaam": ["Vries"],
        "groep/@key": ["G1"],
        "samengestelde_groepen/samengestelde_groep/@key": ["S1", "S2"],
    }
    assert first.line == 3
    assert first.path == "/leerlinggegevens/leerlingen/leerling[1]"
    assert second.path == "/leerlinggegevens/leerlingen/leerling[2]"
    assert second.fields == {"@key": ["L2"], "jaargroep": ["5"]}  # blank roepnaam is absent


def test_xml_in_the_wrong_namespace_yields_no_records(tmp_path: Path) -> None:
    path = tmp_path / "edex.xml"
    path.write_text('<EDEX><leerlingen><leerling key="1"/></leerlingen></EDEX>')
    assert read(path, "uwlr-2.2") == []


def test_nested_records_are_separate_and_excluded_from_the_outer_record(tmp_path: Path) -> None:
    ns = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier"
    path = tmp_path / "dossier.xml"
    path.write_text(
        f'<dossier xmlns="{ns}"><metadata><datum>2019-01-01</datum></metadata>'
        "<huidigeschool><naam>School</naam><leerling><achternaam>Jansen</achternaam></leerling>"
        "<brincode>99ZZ</brincode></huidigeschool></dossier>"
    )
    records = {r.kind: r.fields for r in read(path, "oso-2019.1")}
    assert records["leerling"] == {"achternaam": ["Jansen"]}
    assert records["huidigeschool"] == {"naam": ["School"], "brincode": ["99ZZ"]}
    assert records["metadata"] == {"datum": ["2019-01-01"]}


def test_generic_xml_discovers_repeated_structured_siblings(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(
        "<export><meta><v>1</v></meta><pupils>"
        '<pupil id="1"><eckId>E1</eckId></pupil><pupil id="2"><eckId>E2</eckId></pupil>'
        "</pupils></export>"
    )
    records = read(path)
    assert [r.fields for r in records] == [
        {"@id": ["1"], "eckId": ["E1"]},
        {"@id": ["2"], "eckId": ["E2"]},
    ]
    assert {r.kind for r in records} == {"pupil"}


def test_a_cut_off_xml_is_a_syntax_error_where_records_are_discovered(tmp_path: Path) -> None:
    """Cut off before its second record, a file read with no profile's record elements said
    'no repeated record elements found; use a profile': the parser was never told the file
    had ended, so the cut went unseen. It is the syntax error, with its position."""
    path = tmp_path / "export.xml"
    path.write_text('<export><pupils><pupil id="1"><eckId>E1</eckId></pupil><pupil id="2"><ec')
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.position == "line 1 column 73"
    assert caught.value.problem.startswith("malformed XML: ")


def test_generic_xml_takes_the_element_with_the_pseudonym_for_the_record(tmp_path: Path) -> None:
    """Results listed under each pupil repeat more often than the pupils: the pupil, which
    carries the ECK iD, was no record, and each result was a record without a pseudonym (a
    false alarm of PSN-001 on a clean export)."""
    path = tmp_path / "export.xml"
    results = "".join(
        f"<resultaat><toets>t{n}</toets><score>5</score></resultaat>" for n in range(4)
    )
    pupils = "".join(
        f"<leerling><eckId>E{n}</eckId><resultaten>{results}</resultaten></leerling>"
        for n in range(3)
    )
    path.write_text(f"<export>{pupils}</export>")
    records = read(path)
    assert {r.kind for r in records} == {"leerling"}
    assert [r.fields["eckId"] for r in records] == [["E0"], ["E1"], ["E2"]]
    assert records[0].fields["resultaten/resultaat/score"] == ["5"] * 4
    blocked = tmp_path / "blocked.xml"  # the ECK iD in a block of identifiers: still the pupil's
    wrapped = pupils.replace("<eckId>", "<identificatie><eckId>")
    wrapped = wrapped.replace("</eckId>", "</eckId><bron>LAS</bron></identificatie>")
    blocked.write_text(f"<export>{wrapped}</export>")
    assert {r.kind for r in read(blocked)} == {"leerling"}
    # two blocks a pupil (one per chain) outnumber the pupils: the blocks were the records,
    # and the pupil's name no longer stood beside its ECK iDs (LNK-002 passed)
    twice = tmp_path / "twice.xml"
    two = "".join(
        f"<leerling><naam>N{n}</naam><identificaties>"
        + "".join(f"<identificatie><eckId>E{n}{c}</eckId></identificatie>" for c in "ab")
        + "</identificaties></leerling>"
        for n in range(3)
    )
    twice.write_text(f"<export><leerlingen>{two}</leerlingen></export>")
    records = read(twice)
    assert {r.kind for r in records} == {"leerling"}
    assert [len(r.fields["identificaties/identificatie/eckId"]) for r in records] == [2, 2, 2]


def test_xml_entities_are_never_expanded_and_no_dtd_is_loaded(tmp_path: Path) -> None:
    """Entities are refused, not silently skipped: a value behind one would go unchecked."""
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM-123")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y "expanded">]>'
        "<r><p><eckId>&x;</eckId><name>&y;</name></p><p><eckId>E2</eckId></p></r>"
    )
    with pytest.raises(InputError, match="declares entities") as raised:
        read(path)
    assert "GEHEIM-123" not in str(raised.value)


@pytest.mark.parametrize(
    ("content", "position"),
    [
        ('<EDEX><leerlingen><leerling key="1">', "line 1"),
        ("<EDEX><leerlingen>\n<leerling></leerlingen>", "line 2"),
    ],
)
def test_malformed_xml_is_one_clear_error_with_position(
    tmp_path: Path, content: str, position: str
) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        read(path, "edexml-2.1")
    assert caught.value.source == str(path)
    assert caught.value.position is not None
    assert caught.value.position.startswith(position)
    assert "malformed XML" in caught.value.problem


def test_xml_nesting_depth_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "deep.xml"
    path.write_text("<r><p><v>1</v></p><p><v>2</v></p>" + "<a>" * 300 + "</a>" * 300 + "</r>")
    with pytest.raises(InputError, match="nested deeper than 256 levels"):
        read(path)


def test_json_nesting_depth_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"a": ' + "[" * 300 + "]" * 300 + "}\n")
    with pytest.raises(InputError, match="nested deeper than 256 levels"):
        read(path)


def test_json_array_and_object_of_arrays(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text(
        '[{"eckId": "E1", "address": {"street": "Kerkstraat", "nr": 1}}, {"eckId": null}]'
    )
    records = read(array)
    assert [r.fields for r in records] == [
        {"eckId": ["E1"], "address/street": ["Kerkstraat"], "address/nr": ["1"]},
        {},
    ]
    assert [r.path for r in records] == ["/0", "/1"]
    obj = tmp_path / "o.json"
    obj.write_text(
        '{"school": "X", "leerlingen": [{"id": 1}], "docenten": [{"id": 2, "tags": [{"a": 1}]}]}'
    )
    records = read(obj, outside=True)
    assert [(r.kind, r.path, r.fields) for r in records] == [
        ("leerlingen", "/leerlingen/0", {"id": ["1"]}),
        ("docenten", "/docenten/0", {"id": ["2"], "tags/a": ["1"]}),
        ("", "", {"school": ["X"]}),  # outside the records, examined all the same
    ]


def test_json_lines_with_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"eckId": "E1"}\n\n{"eckId": "E2", "ok": true}\n')
    records = read(path)
    assert [(r.line, r.fields) for r in records] == [
        (1, {"eckId": ["E1"]}),
        (3, {"eckId": ["E2"], "ok": ["true"]}),
    ]


def test_truncated_json_and_jsonl_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{"eckId": "E1"}, {"eckId": "E')
    with pytest.raises(InputError, match="truncated"):
        read(path)
    lines = tmp_path / "t.jsonl"
    lines.write_text('{"a": 1}\n{"a": \n')
    with pytest.raises(InputError) as caught:
        read(lines)
    assert caught.value.position is not None
    assert caught.value.position.startswith("line 2")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("eckId;achternaam\nE1;Müller\n".encode(), "Müller"),
        (b"\xef\xbb\xbfeckId,achternaam\nE1,M\xc3\xbcller\n", "Müller"),
        ("eckId\tachternaam\nE1\tMüller\n".encode("cp1252"), "Müller"),
        (("eckId;achternaam\n" + "E0;x\n" * 70000 + "E1;Müller\n").encode("cp1252"), "Müller"),
    ],
    ids=["utf8-semicolon", "utf8-bom-comma", "cp1252-tab", "cp1252-late-accent"],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    records = read(path)
    assert records[-1].fields == {"eckId": ["E1"], "achternaam": [expected]}


def test_csv_error_cases(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2,3\n")
    with pytest.raises(InputError, match="3 cells but the header has 2"):
        read(path)
    path.write_bytes(b"a,b\n1,\x81\n")
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252"):
        read(path)
    path.write_bytes(b"a,a\n1,2\n")
    with pytest.raises(InputError, match="duplicate column"):
        read(path)


def test_csv_tolerates_trailing_empty_cells_and_names_blank_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("eckId,,b\nE1,hidden,2,,\n")
    assert read(path)[0].fields == {"eckId": ["E1"], "column 2": ["hidden"], "b": ["2"]}


@pytest.mark.parametrize(
    ("first_row", "column", "held"),
    [
        ("https://ketenid.nl/201703/" + "ab" * 64 + ";Zyqx;Qwert", 1, "eckid"),
        ("L17;Zyqx;736492811", 3, "bsn"),
        ("L17;zyqx@example.nl;Qwerty", 2, "email"),
    ],
    ids=["eck-id", "bsn", "e-mail"],
)
def test_csv_whose_first_row_is_data_is_refused_without_quoting_it(
    tmp_path: Path, first_row: str, column: int, held: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(first_row + "\n" + first_row + "\n")
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert f"line 1 column {column}" in message
    assert "the first row holds data" in message and held in message
    assert not any(cell in message for cell in first_row.split(";"))


def test_csv_headers_that_only_mention_personal_data_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    header = (
        "leerling_id;Naam ouder;e-mail;telefoon 2;geboortedatum (dd-mm-jjjj);cijfer 2024;"
        "20240902;202324;score_20240901;Toets 100234;vak_code_100200;"
        "Telefoon (bijv. 0612345678);Postcode (1234 AB);Email (naam@domein.nl);"
        "Geboortedatum (bijv. 01-01-2015);Kerkweg 1 locatie"
    )
    cells = header.count(";") + 1
    path.write_text(header + "\n" + ";".join(["x"] * cells) + "\n")
    assert len(read(path)[0].fields) == cells


HEADERLESS_ROWS = {
    # Sanne and Daan are on the given-name lists; the dates are birth dates: either kind of
    # column says the first row is a pupil when the rows below hold the same kind.
    "given names": ("Sanne;de Vries;groep 5", "Daan;Jansen;groep 6", "Emma;Bakker;groep 5"),
    "full names": ("Sanne de Vries;groep 5", "Daan Jansen;groep 6", "Emma Bakker;groep 5"),
    "birth dates": ("L17;02-03-2014;groep 5", "L18;09-01-2013;groep 6", "L19;21-07-2014;5"),
    "times": ("L17;2014/03/02 10:00;7B", "L18;2013/01/09 09:30;6", "L19;2014/07/21T08:00Z;5"),
    # a name the lists do not know above known ones, and a number above numbers beside it
    # (the first pupil's name was printed as an unknown field's)
    "unknown full names": ("Xandrijn Kwakkelstein;5", "Piet Jansen;6", "Anna de Vries;7"),
}
REAL_HEADERS = {
    "given names": "Roepnaam;Achternaam;Groep",
    "full names": "Naam Leerling;Groep",
    "birth dates": "leerlingnummer;Geboortedatum;Groep",
    "times": "leerlingnummer;Aangemeld op;Groep",
    "unknown full names": "Intern Begeleider;Jaargroep",
}


@pytest.mark.parametrize("table", sorted(HEADERLESS_ROWS))
def test_csv_without_its_header_row_is_refused_by_comparing_with_the_rows_below(
    tmp_path: Path, table: str
) -> None:
    rows = HEADERLESS_ROWS[table]
    path = tmp_path / "x.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value).removeprefix(str(path))  # the temporary path holds digits
    kinds = {
        "given names": "given name",
        "full names": "full name",
        "unknown full names": "full name",
        "birth dates": "date",
    }
    kind = kinds.get(table, "date")
    column = 2 if kind == "date" else 1
    assert f"line 1 column {column}: the first row holds data (a {kind}," in message
    assert not any(cell in message for cell in rows[0].split(";"))
    # the same rows under a header row are read, every pupil a record
    path.write_text(REAL_HEADERS[table] + "\n" + "\n".join(rows) + "\n")
    assert len(read(path)) == len(rows)


@pytest.mark.parametrize(
    "table",
    [
        # a date above marks, a column per pupil above grades
        "leerling;2024-09-02;Sanne;Daan\nL17;aanwezig;7,5;6\nL18;afwezig;8;5,5\n",
        # words on the surname lists above words on them: surnames alone are no evidence
        "Leerlingnummer;Wijk;Groep\nL001;;5\nL002;West;6\nL003;;5\n",
        "Leerlingnummer;House;Groep\nL001;Nelson;5\nL002;Tudor;6\nL003;Stuart;5\n",
        "Leerling;Doctor\nL1;Bakker\nL2;Jansen\nL3;de Vries\n",
        # one given name among many other values is no column of given names
        "vak;Roos;Jan\nrekenen;7;Mark\ntaal;8;6\nlezen;6;5\nspelling;7;6\n",
        "maand;Jan\nwinnaar;Mark\npunten;7\n",  # half the column, but one cell
        # a header no rule reads, shaped like a name, above names: a name only with a number
        # above numbers beside it
        "Intern Begeleider;Leerlingnummer\nPiet Jansen;123\nAnna de Vries;124\nDaan Smit;125\n",
        "Coach Naam;Groep\nPiet Jansen;6\nAnna de Vries;7\nDaan Smit;8\n",
    ],
    ids=[
        "date-and-pupils",
        "wijk",
        "house",
        "doctor",
        "one-name-below",
        "one-of-two",
        "unknown-header-beside-a-word",
        "unknown-header-beside-group",
    ],
)
def test_csv_a_name_or_date_alone_in_the_first_row_is_still_a_column_name(
    tmp_path: Path, table: str
) -> None:
    """A first-row cell that could be a name or a date is data only above at least three (or
    all) cells of its kind, and at least half of the column: a false alarm costs a week."""
    path = tmp_path / "x.csv"
    path.write_text(table)
    assert len(read(path)) == table.count("\n") - 1


def test_csv_without_header_is_reported_before_a_later_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Sanne;de Vries\nDaan;Jansen\nEmma;Bakker;groep 5;extra\n")
    with pytest.raises(InputError, match="line 1 column 1: the first row holds data"):
        read(path)
    path.write_text("Roepnaam;Achternaam\nDaan;Jansen\nEmma;Bakker;groep 5;extra\n")
    with pytest.raises(InputError, match="line 3: row has 4 cells"):
        read(path)


def _faker_given_names() -> list[str]:
    """Faker's Dutch given names that the recognisers' lists hold (a few are left out there)."""
    names = NlNames.first_names
    listed = names.keys() if isinstance(names, dict) else names
    return [n for n in listed if n.isalpha() and person_name(n) == "given name"]


@given(
    pupils=st.lists(
        st.tuples(
            st.sampled_from(sorted(_faker_given_names())),
            st.dates(min_value=date(2005, 1, 1), max_value=date(2020, 12, 31)),
        ),
        min_size=2,
        max_size=40,
    ),
    header=st.sampled_from(
        ["Voornaam;Geboortedatum", "roepnaam;geboortedatum", "Name;Date of birth"]
    ),
    dated=st.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_csv_of_pupils_is_refused_without_its_header_and_read_with_it(
    tmp_path_factory: pytest.TempPathFactory,
    pupils: list[tuple[str, date | None]],
    header: str,
    dated: bool,
) -> None:
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    if not dated:  # the given names alone must tell
        header, pupils = header.split(";", maxsplit=1)[0] + ";Groep", [(n, None) for n, _ in pupils]
    rows = [f"{name};{born:%d-%m-%Y}" if born else f"{name};groep 5" for name, born in pupils]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    assert len(read(path)) == len(rows)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError, match=r"line 1 column [12]: the first row holds data"):
        read(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "absent.xml")
    with pytest.raises(InputError, match="directory"):
        read(tmp_path)


def test_profile_format_mismatch_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(InputError, match="expects xml input; this is csv"):
        read(path, "uwlr-2.2")


def test_hash_covers_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text('<r><p a="1"/><p a="2"/></r>\n<!-- trailing comment -->\n' + " " * 100000)
    profile = load_profile("nl-generic")
    export = open_export(path, profile)
    list(export.records(profile))
    assert export.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def _json_profile(tmp_path: Path, records: str, kind: str = "json") -> str:
    path = tmp_path / "supplier.yaml"
    path.write_text(
        f'id: supplier\nversion: "1.0.0"\ntitle: {{nl: L, en: L}}\nextends: nl-generic\n'
        f"format: {{kind: {kind}, records: {records}}}\n"
    )
    return str(path)


def test_json_records_at_the_profiles_pointers(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        '{"meta": {"items": [{"x": 1}]}, "school": {"klassen": [{"naam": "7b"}]},'
        ' "leerlingen": [{"eckId": "E1"}, {"eckId": "E2"}], "docenten": [{"eckId": "D1"}]}'
    )
    profile = _json_profile(
        tmp_path, '{leerling: /leerlingen, docent: /docenten, klas: "/school/klassen"}'
    )
    records = read(path, profile, outside=True)
    assert [(r.kind, r.path, r.fields) for r in records] == [
        ("klas", "/school/klassen/0", {"naam": ["7b"]}),
        ("leerling", "/leerlingen/0", {"eckId": ["E1"]}),
        ("leerling", "/leerlingen/1", {"eckId": ["E2"]}),
        ("docent", "/docenten/0", {"eckId": ["D1"]}),
        ("", "", {"meta/items/x": ["1"]}),  # what no pointer names is still examined
    ]
    one = _json_profile(tmp_path, "{leerling: /leerlingen}")
    assert [(r.path, r.fields) for r in read(path, one, outside=True)] == [
        ("/leerlingen/0", {"eckId": ["E1"]}),
        ("/leerlingen/1", {"eckId": ["E2"]}),
        ("", {"meta/items/x": ["1"], "school/klassen/naam": ["7b"], "docenten/eckId": ["D1"]}),
    ]


def test_json_top_level_array_and_named_row_kinds(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text('[{"eckId": "E1"}]')
    assert [(r.kind, r.path) for r in read(array, _json_profile(tmp_path, '{leerling: "/"}'))] == [
        ("leerling", "/0")
    ]
    rows = tmp_path / "r.csv"
    rows.write_text("eckId\nE1\n")
    assert [r.kind for r in read(rows, _json_profile(tmp_path, '{leerling: "/"}', "csv"))] == [
        "leerling"
    ]


def test_the_first_problem_in_a_json_lines_file_is_the_one_reported(tmp_path: Path) -> None:
    """Lines are read a window at a time: a problem of an earlier line (nested too deep) must
    still come before a later line's malformed JSON, as when each line was read alone."""
    deep = "[" * 300 + "]" * 300
    path = tmp_path / "x.jsonl"
    path.write_text(f'{{"a": "b"}}\n{{"a": {deep}}}\n{{"a": "c"}}\n{{"naam": bad}}\n')
    with pytest.raises(InputError) as caught:
        read(path)
    assert (caught.value.position, caught.value.problem) == (
        "line 2",
        "values nested deeper than 256 levels",
    )


def test_the_first_problem_in_a_json_array_is_the_one_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"naam": "Jan"}, "oops", {"naam": "Piet"}, {"naam": bad}]')
    with pytest.raises(InputError) as caught:
        read(path)
    assert (caught.value.position, caught.value.problem) == ("/1", "a record must be a JSON object")


def _by_tag(element: etree._Element) -> str:
    """Every element with a record's tag is a record, of the kind its tag names (rules
    without ancestors)."""
    return str(element.tag)


def test_xml_reader_drops_everything_parsed_before_each_record() -> None:
    """What keeps memory flat: after a record is read, nothing before it is left in the tree —
    not the records before it, not other elements between them, not what precedes its
    ancestors, also when records move to another parent — except inside an enclosing record,
    which still needs its children."""
    ns = "urn:x"
    root = etree.fromstring(
        f'<r xmlns="{ns}"><head><a>1</a></head><list>'
        '<p k="1"/><note>n</note><p k="2"/><p k="3"/></list><between/><list>'
        '<p k="4"/><extra/><extra/><p k="5"/></list>'
        '<p k="6"><p k="7"/></p></r>'
    )
    tag = f"{{{ns}}}p"
    builder = _RecordBuilder("x.xml", _Flattener(frozenset({tag})), _by_tag)
    # iterparse's order: a nested record ends (and is read) before its enclosing one
    order = [e for e in root.iter(tag) if e.get("k") != "6"] + [root[-1]]
    read = []
    for element in order:
        record = builder.record(element, "p")
        read.append((record.fields.get("@k"), record.path))
        builder.drop(element)
        node = element
        while (parent := node.getparent()) is not None:
            if parent.tag == tag:
                break  # inside a record: its earlier children are kept
            assert node.getprevious() is None, etree.tostring(root)
            node = parent
    assert read == [
        (["1"], "/r/list/p[1]"),
        (["2"], "/r/list/p[2]"),
        (["3"], "/r/list/p[3]"),
        (["4"], "/r/list[2]/p[1]"),
        (["5"], "/r/list[2]/p[2]"),
        (["7"], "/r/p/p[1]"),
        (["6"], "/r/p[1]"),
    ]


def _parents_of(children: st.SearchStrategy[tuple]) -> st.SearchStrategy[tuple]:
    # a named function: hypothesis reads a lambda's source to see that it recurses, and
    # beside another lambda it read the wrong one (a deprecation warning, an error here)
    return st.tuples(st.sampled_from(["a", "b", "rec"]), st.lists(children, max_size=4))


_TREE = st.recursive(
    st.sampled_from(["a", "b", "rec"]).map(lambda tag: (tag, [])), _parents_of, max_leaves=40
)


def _build(parent: etree._Element, node: tuple, ids: list[int]) -> None:
    tag, children = node
    element = etree.SubElement(parent, tag)
    if tag == "rec":
        ids.append(len(ids))
        element.set("id", str(ids[-1]))
    else:
        element.text = f"{tag}{len(ids)}"
    for child in children:
        _build(element, child, ids)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TREE, min_size=1, max_size=5))
def test_an_xml_records_path_selects_that_record(forest: list[tuple]) -> None:
    """Whatever the nesting, repeated parents and elements between records: the XPath a record
    is reported at finds that record in the document (its first match, in document order,
    where an unnumbered step stands for the first element of its name), though the reader
    dropped everything before it; and the record has all its fields, those beside or above a
    nested record too, and none of the nested record's."""
    root = etree.Element("root")
    ids: list[int] = []
    for node in forest:
        _build(root, node, ids)
    data = etree.tostring(root)
    found = read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)])
    records = [r for r in found if r.kind != OUTSIDE]
    assert len(records) == len(ids)
    for record in records:
        found = root.xpath(record.path)
        assert found, record.path
        assert found[0].get("id") == record.fields["@id"][0], record.path
        expected: dict[str, list[str]] = {"@id": [found[0].get("id")]}
        _own_fields(found[0], "", expected)
        assert record.fields == expected, record.path


def _own_fields(element: etree._Element, prefix: str, fields: dict[str, list[str]]) -> None:
    for child in element:
        if child.tag != "rec":  # a nested record is a record of its own
            fields.setdefault(prefix + child.tag, []).append(child.text)
            _own_fields(child, f"{prefix}{child.tag}/", fields)


def _records(data: bytes, rules: list[RecordRule]) -> list[tuple[str, dict, str]]:
    """The records read (not the values outside them)."""
    read = read_xml(io.BytesIO(data), "t.xml", rules)
    return [(r.kind, r.fields, r.path) for r in read if r.kind != OUTSIDE]


def test_an_element_named_like_a_record_but_not_one_is_a_field_with_its_attributes() -> None:
    """A <leerling> under <groep> is no record where the profile places them under <school>:
    its text and its attributes belong to the groep record, or a BSN there goes unseen."""
    data = (
        b'<school><groep><naam>G1</naam><leerling bsn="123456782">Jan Jansen</leerling></groep>'
        b"<leerling><naam>Piet</naam></leerling></school>"
    )
    rules = compile_rules({"groep": "/school/groep", "leerling": "/school/leerling"}, {})
    assert _records(data, rules) == [
        (
            "groep",
            {"naam": ["G1"], "leerling": ["Jan Jansen"], "leerling/@bsn": ["123456782"]},
            "/school/groep[1]",
        ),
        ("leerling", {"naam": ["Piet"]}, "/school/leerling[1]"),
    ]


def test_an_enclosing_record_keeps_its_fields_beside_a_nested_record_further_down() -> None:
    """Reading the nested <adres> must not drop what precedes it inside <adressen>: those are
    the enclosing leerling's fields, read when it ends."""
    data = (
        b"<school><leerling><adressen><soort>woon</soort><naam>Jan Jansen</naam>"
        b'<adres s="x"/><plaats>Ede</plaats></adressen></leerling></school>'
    )
    rules = [RecordRule("leerling", "leerling", None), RecordRule("adres", "adres", None)]
    assert _records(data, rules) == [
        ("adres", {"@s": ["x"]}, "/school/leerling/adressen/adres[1]"),
        (
            "leerling",
            {
                "adressen/soort": ["woon"],
                "adressen/naam": ["Jan Jansen"],
                "adressen/plaats": ["Ede"],
            },
            "/school/leerling[1]",
        ),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(  # parents: p:g and q:g under one parent are g[1] and g[2]
            b'<root xmlns:p="urn:p" xmlns:q="urn:q"><p:g><rec id="1"/><rec id="2"/></p:g>'
            b'<q:g><rec id="3"/></q:g><g><rec id="4"/></g></root>',
            ["/root/g/rec[1]", "/root/g/rec[2]", "/root/g[2]/rec[1]", "/root/g[3]/rec[1]"],
            id="parent-steps",
        ),
        pytest.param(  # records: a <p:rec> that is no record still counts
            b'<root xmlns:p="urn:p"><p:rec/><rec id="1"/><p:g><rec id="2"/></p:g>'
            b'<g><p:rec/><rec id="3"/><p:rec/><rec id="4"/></g></root>',
            ["/root/rec[2]", "/root/g/rec[1]", "/root/g[2]/rec[2]", "/root/g[2]/rec[4]"],
            id="record-steps",
        ),
    ],
)
def test_steps_count_the_elements_of_their_local_name(data: bytes, expected: list[str]) -> None:
    """Steps are written by local name, so ``rec[n]`` is the n-th element of that local name
    under its parent, whatever its namespace, whether a record or not, and whether those
    before it were dropped already or are still in the tree."""
    paths = [path for _, _, path in _records(data, [RecordRule("rec", "rec", None)])]
    assert paths == expected


def test_the_counts_behind_positions_are_forgotten_with_their_parents() -> None:
    """Memory stays flat over many parents: the dropped-element counts and paths of a parent
    that has closed are not kept once records move on to another."""
    groups = b"".join(b"<klas><x/><rec/><rec/></klas>" for _ in range(500))
    data = b"<root><school>" + groups + b"</school><school>" + groups + b"</school></root>"
    tag = "rec"
    builder = _RecordBuilder("t.xml", _Flattener(frozenset({tag})), _by_tag)
    largest = 0
    paths = []
    for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag=tag):
        paths.append(builder.record(element, "rec").path)
        builder.drop(element)
        largest = max(largest, len(builder.dropped), len(builder.here), len(builder.chain))
    assert largest <= 4
    assert paths[-1] == "/root/school[2]/klas[500]/rec[2]"
    assert paths[1001] == "/root/school[2]/klas/rec[2]"


def test_records_inside_an_enclosing_record_are_dropped_once_read() -> None:
    """An enclosing record keeps its own fields until it ends, but not the records inside it:
    in a <groep> of 2,000 pupils no more than one pupil read stays in the tree."""
    pupils = b"".join(b'<leerling key="%d"><naam>N</naam></leerling>' % i for i in range(2000))
    data = b"<root><groep><naam>G</naam><leerlingen>" + pupils + b"</leerlingen></groep></root>"
    tags = frozenset({"groep", "leerling"})
    builder = _RecordBuilder("t.xml", _Flattener(tags), _by_tag)
    largest = 0
    read: list[Record] = []
    for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag=list(tags)):
        if element.tag == "leerling":  # what is left before it: the groep's <naam>, and the
            # pupil read just before (dropped once its tail is surely parsed: now)
            largest = max(largest, int(element.xpath("count(preceding::*)")))
        read.append(builder.record(element, str(element.tag)))
        builder.drop(element)
    assert largest == 2
    assert [r.path for r in read[-2:]] == [
        "/root/groep/leerlingen/leerling[2000]",
        "/root/groep[1]",
    ]
    assert read[-1].fields == {"naam": ["G"]}


def test_an_element_named_like_a_record_but_not_one_does_not_keep_what_is_under_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """<leerling> under <groep> is no record where the profile places them under <school>, so
    it encloses nothing: the <adres> records in it are read with everything before them
    dropped, as anywhere else."""
    groups = b"".join(
        b'<groep><leerling><naam>x</naam><adres s="%d"/></leerling></groep>' % i
        for i in range(1000)
    )
    data = b"<school>" + groups + b"</school>"
    rules = [RecordRule("leerling", "leerling", ("school",)), RecordRule("adres", "adres", None)]
    kept: list[int] = []
    record = _RecordBuilder.record

    def measured(builder: _RecordBuilder, element: etree._Element, kind: str) -> Record:
        kept.append(int(element.xpath("count(preceding::*)")))
        return record(builder, element, kind)

    monkeypatch.setattr(_RecordBuilder, "record", measured)
    read = list(read_xml(io.BytesIO(data), "t.xml", rules))
    assert len([r for r in read if r.kind != OUTSIDE]) == 1000
    # what is under it is no record's, and examined all the same
    assert [r.fields for r in read if r.kind == OUTSIDE] == [
        {"school/groep/leerling/naam": ["x"] * 1000}
    ]
    # the <naam> beside it, and the groep before with what is left of it: <leerling>, the
    # cleared <adres>; not the 999 groeps before
    assert max(kept) == 4


class _CutStream(io.BytesIO):
    """Bytes whose first read ends at ``cut``, wherever the parser's own chunks would end:
    the parser then hands over the records before it with the text after them unread."""

    def __init__(self, data: bytes, cut: int) -> None:
        super().__init__(data)
        self.cut = cut

    def read(self, size: int | None = -1) -> bytes:
        room = self.cut - self.tell()
        if room > 0 and (size is None or size < 0 or size > room):
            size = room
        return super().read(size)


@pytest.mark.parametrize("cut", [0, 20, 36, 40, 41, 44, 50])
def test_text_after_a_nested_record_is_its_parents_wherever_a_chunk_ends(cut: int) -> None:
    """The parser may not have read the text after a nested record when the record is handed
    over; wherever the read ends, that text is the content of the nested record's parent
    (here <sub>, a field of the enclosing record), examined as such — once."""
    head = b"<root><rec><f>F</f><sub><rec><n>x</n></rec>"
    data = head + b"TAIL</sub></rec></root>"
    stream = _CutStream(data, cut or len(head))
    records = list(read_xml(stream, "t.xml", [RecordRule("rec", "rec", None)]))
    assert [(r.path, r.fields) for r in records] == [
        ("/root/rec/sub/rec[1]", {"n": ["x"]}),
        ("/root/rec[1]", {"f": ["F"], "sub": ["TAIL"]}),
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param(b"<j>5</j>B", {"j": ["5"], "text()": ["B"]}, id="after-a-child"),
        pytest.param(b"B<j>5</j>", {"text()": ["B"], "j": ["5"]}, id="before-a-child"),
        pytest.param(b"B", {"text()": ["B"]}, id="text-only"),
        pytest.param(b"<j>5<x/>B</j>", {"j": ["5", "B"]}, id="mixed-in-a-child"),
        pytest.param(
            b'<g k="1"><n>a</n>B</g>', {"g/@k": ["1"], "g/n": ["a"], "g": ["B"]}, id="deeper"
        ),
        pytest.param(b"<j>5</j><![CDATA[B]]>", {"j": ["5"], "text()": ["B"]}, id="cdata-after"),
        pytest.param(b"<j>5</j>\n  <k>6</k>\n", {"j": ["5"], "k": ["6"]}, id="white-space"),
    ],
)
def test_text_between_elements_is_a_value_too(body: bytes, fields: dict[str, list[str]]) -> None:
    """Mixed content — a record's own text, text after a child, text between a child's
    children — is examined like any value (a BSN written there passed unseen)."""
    data = b"<root><rec>" + body + b"</rec></root>"
    records = list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    assert [r.fields for r in records] == [fields]


# A child process reads such files, the read ending right after an entity in the text after
# a nested record, with fields of several lengths before it (the heap's layout decides
# whether a write into freed memory kills the process).
_CRASH = """
import io, inspect
from conformance.readers.xml import RecordRule, read_xml
exec(SOURCE)
paths = set()
for pad in [*range(0, 40, 3), 100, 1000, 32700]:
    head = b"<root><rec><f>" + b"." * pad + b"</f>abc<rec><n>x</n></rec>" + b"T" * 20 + b"&amp;"
    stream = _CutStream(head + b"U" * 10 + b"</rec></root>", len(head))
    paths.add(str([r.path for r in read_xml(stream, "t.xml", [RecordRule("rec", "rec", None)])]))
print(*paths)
"""


def test_text_with_an_entity_after_a_nested_record_does_not_crash_the_reader() -> None:
    """The same, with the read ending after an entity in that text: libxml2 went on writing
    into memory that was freed, and the interpreter died (SIGSEGV)."""
    source = inspect.getsource(_CutStream)
    done = subprocess.run(
        [sys.executable, "-c", f"SOURCE = {source!r}\n{_CRASH}"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, b"['/root/rec/rec[1]', '/root/rec[1]']")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<item><rec/></item>", id="each-in-its-own-wrapper"),
        pytest.param(b"<rec/><other>o</other>", id="fields-between"),
    ],
)
def test_an_enclosing_records_nested_ones_are_not_all_held(body: bytes) -> None:
    """Inside an enclosing record the records read wait to be dropped until their text is
    surely parsed: one per parent still open, not one per record (the loop over them made
    reading take the square of their number)."""
    data = b"<root><rec><a>1</a>" + body * 3000 + b"</rec></root>"
    builder = _RecordBuilder("t.xml", _Flattener(frozenset({"rec"})), _by_tag)
    waiting = 0
    for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag="rec"):
        builder.record(element, "rec")
        builder.drop(element)
        waiting = max(waiting, len(builder.nested))
    assert waiting <= 2


@pytest.mark.parametrize(
    ("body", "rules"),
    [
        pytest.param(
            b"<x/><o/><y/>",
            [
                RecordRule("rec", "rec", None),
                RecordRule("x", "x", None),
                RecordRule("y", "y", None),
            ],
            id="two-names-alternating",
        ),
        pytest.param(b"<o/><rec><rec/></rec>", [RecordRule("rec", "rec", None)], id="two-deep"),
        pytest.param(b"<item><o/><rec/></item>", [RecordRule("rec", "rec", None)], id="wrapped"),
        pytest.param(
            b"<w%d><rec/></w%d>", [RecordRule("rec", "rec", None)], id="wrappers-of-new-names"
        ),
        pytest.param(b"<o%d/><rec/>", [RecordRule("rec", "rec", None)], id="siblings-of-new-names"),
    ],
)
def test_positions_inside_an_enclosing_record_take_time_in_proportion_to_its_length(
    body: bytes, rules: list[RecordRule], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside an enclosing record nothing is pruned, so a position counted from the parent's
    first child each time — for each record, or each wrapper of a name not seen before —
    takes the square of its length (70,000 wrappers took two minutes): a parent's children
    are counted once, each count going on from the last. Every path still finds its own
    element."""
    steps = 0

    class Counting(xml_reader._ChildCounts):
        def before(self, node: Any, local: Callable[[str], str]) -> int | None:
            def stepping(tag: str) -> str:
                nonlocal steps
                steps += 1
                return local(tag)

            return super().before(node, stepping)

    monkeypatch.setattr(xml_reader, "_ChildCounts", Counting)
    units = b"".join(body.replace(b"%d", b"%d" % i) for i in range(500))
    data = b"<root><rec><a>1</a>" + units + b"</rec></root>"
    root = etree.fromstring(data)
    records = list(read_xml(io.BytesIO(data), "t.xml", rules))
    selected = {root.xpath(r.path)[0] for r in records}  # each path finds its own element
    assert selected == set(root.iter(*{r.tag for r in rules}))
    assert len(records) == len(selected)
    assert 0 < steps <= 2 * sum(1 for _ in root.iter())  # each child once, not once per record


def test_wrappers_dropped_under_a_parent_are_not_remembered_for_counting() -> None:
    """Each record in a wrapper of its own name: the wrappers before are dropped, and the
    counts remembered under their parent must not keep them (and all under them) alive."""
    data = (
        b"<root>"
        + b"".join(b"<w%d><rec/><junk>%s</junk></w%d>" % (i, b"j" * 100, i) for i in range(2000))
        + b"</root>"
    )
    builder = _RecordBuilder("t.xml", _Flattener(frozenset({"rec"})), _by_tag)
    remembered = 0
    for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag="rec"):
        builder.record(element, "rec")
        builder.drop(element)
        remembered = max(remembered, len(builder.counted))
    assert remembered <= 2  # the root's and the current wrapper's children


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param(b"<p%d><rec/></p%d>", id="parents-of-new-names"),
        pytest.param(b"<o%d/><p><rec/></p>", id="new-names-between-parents"),
    ],
)
def test_counts_under_a_pruned_parent_do_not_copy_every_name_dropped(unit: bytes) -> None:
    """Outside an enclosing record, each new parent's position is counted under its own
    parent, whose earlier children are dropped: their counts by name are looked up, not
    copied for each new parent (80,000 parents of distinct names took 14 s)."""
    data = b"<root>" + b"".join(unit.replace(b"%d", b"%d" % i) for i in range(2000)) + b"</root>"
    root = etree.fromstring(data)
    builder = _RecordBuilder("t.xml", _Flattener(frozenset({"rec"})), _by_tag)
    held = 0
    paths = []
    for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag="rec"):
        paths.append(builder.record(element, "rec").path)
        held = max(held, sum(len(counts.names) for counts in builder.counted.values()))
        builder.drop(element)
    assert [root.xpath(path)[0] for path in paths] == list(root.iter("rec"))
    assert held <= 4


def test_the_name_and_path_caches_stay_bounded_and_right_when_they_start_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hostile file of ever new element names must not grow the reader's caches without
    end; starting them over changes no field."""
    monkeypatch.setattr(xml_reader, "_CACHED_NAMES", 16)
    data = (
        b"<root>"
        + b"".join(b'<w%d><rec a%d="x"><f%d>v</f%d></rec></w%d>' % ((i,) * 5) for i in range(100))
        + b"</root>"
    )
    flattener = _Flattener(frozenset({"rec"}))
    builder = _RecordBuilder("t.xml", flattener, _by_tag)
    largest = 0
    for i, (_, element) in enumerate(etree.iterparse(io.BytesIO(data), events=("end",), tag="rec")):
        record = builder.record(element, "rec")
        builder.drop(element)
        assert (record.fields, record.path) == (
            {f"@a{i}": ["x"], f"f{i}": ["v"]},
            f"/root/w{i}/rec[1]",
        )
        sizes = [
            len(flattener.local_names),
            len(flattener._paths),
            *map(len, flattener._paths.values()),
        ]
        largest = max(largest, *sizes)
    assert largest <= 16


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<root><rec><_111222333>x</_111222334></rec></root>", id="tag-mismatch"),
        pytest.param(b'<root><rec><jan.jansen:x a="1"/></rec></root>', id="undeclared-prefix"),
        pytest.param(b'<root><rec a111222333="1" a111222333="2"/></root>', id="attribute-twice"),
        pytest.param(b'<root><rec xmlns:q="jan@example.nl x"/></root>', id="namespace-uri"),
        pytest.param(b"<root><rec><_111222333>", id="cut-off-in-a-tag"),
        pytest.param(b"<root><rec><x jansen/></rec></root>", id="attribute-without-value"),
        pytest.param(
            b'<?xml version="1.0" encoding="Kwakkelstein"?><root/>', id="unsupported-encoding"
        ),
        pytest.param(b"<root><rec/><?Kwakkelstein x", id="unended-pi"),
        pytest.param(b'<root><rec xmlns:Kwakkelstein=""/></root>', id="empty-namespace-prefix"),
    ],
)
def test_xml_syntax_errors_never_quote_the_names_they_read(data: bytes) -> None:
    """libxml2 quotes the names it read (a tag, an attribute, a namespace prefix): the file's
    own words, which may hold a BSN or an e-mail address; the error line shows them redacted."""
    with pytest.raises(InputError) as caught:
        list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    problem = caught.value.problem
    assert problem.startswith("malformed XML: ")
    for value in ("111222333", "111222334", "jansen", "jan@example", "example.nl", "kwakkel"):
        assert value not in problem.lower(), "a name the file holds is quoted"


def test_an_undefined_entity_is_placed_where_it_stands_and_not_named() -> None:
    """iterparse ends such a document with 'line 0 column 0: no element found'; the entity's
    own error, logged before it, says where (and its name is a word of the file's)."""
    data = b"<root>\n<rec>\n&Kwakkelstein;\n</rec></root>"
    with pytest.raises(InputError) as caught:
        list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    assert caught.value.position == "line 3 column 15"
    assert caught.value.problem.startswith("malformed XML: Entity")
    assert "kwakkel" not in str(caught.value).lower()


def test_a_contraction_is_no_quotation() -> None:
    assert (
        parser_words("Couldn't find end of Start Tag rec") == "Couldn’t find end of Start Tag rec"
    )
    assert parser_words("Unsupported operator: 'JANSEN'") == "Unsupported operator"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param(b"<!-- 111222333 -->", {"comment()": ["111222333"]}, id="comment"),
        pytest.param(b"<?note B M?>", {"processing-instruction()": ["B M"]}, id="pi"),
        pytest.param(b"<j>5<!--x--></j>", {"j": ["5"], "j/comment()": ["x"]}, id="in-a-child"),
        pytest.param(
            b"111<!--c-->222333", {"text()": ["111222333"], "comment()": ["c"]}, id="splits-text"
        ),
        pytest.param(
            b"<j>111<?p q?>222333</j>",
            {"j": ["111222333"], "j/processing-instruction()": ["q"]},
            id="splits-a-childs-text",
        ),
        pytest.param(
            b"Jan <!--x--> Jansen", {"text()": ["Jan Jansen"], "comment()": ["x"]}, id="spaces"
        ),
        pytest.param(
            b"<j>5</j><!--c-->7",
            {"j": ["5"], "comment()": ["c"], "text()": ["7"]},
            id="after-a-child",
        ),
    ],
)
def test_comments_and_processing_instructions_are_values(
    body: bytes, fields: dict[str, list[str]]
) -> None:
    """A comment or processing instruction in a record leaves the school with it: what it holds
    is examined (the parser dropped them); text a comment interrupts is still one value."""
    data = (
        b"<!--p--><?pi x?><root><!--before--><rec>" + body + b"</rec><!--x--><rec/></root><!--e-->"
    )
    records = list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    outside = {  # those outside the records, there examined
        "comment()": ["p", "e"],
        "processing-instruction()": ["x"],
        "root/comment()": ["before", "x"],
    }
    assert [(r.path, r.fields) for r in records] == [
        ("/root/rec[1]", fields),
        ("/root/rec[2]", {}),
        ("", outside),
    ]


def test_comments_outside_the_root_are_bounded() -> None:
    """Nothing frees a comment before or after the root element (16 MB of them took 351 MiB):
    past 1,000 of them the file is refused."""
    data = b"<!--c-->" * 1001 + b"<root><rec/></root>"
    with pytest.raises(InputError, match="outside the root element"):
        list(read_xml(io.BytesIO(data), "t.xml", [RecordRule("rec", "rec", None)]))
    fine = b"<!--c-->" * 1000 + b"<root><rec/></root>"
    read = list(read_xml(io.BytesIO(fine), "t.xml", [RecordRule("rec", "rec", None)]))
    assert [r.kind for r in read] == ["rec", OUTSIDE]


# --- spreadsheets saved as CSV --------------------------------------------------------------

_SHEET_ECKIDS = [f"https://ketenid.nl/201703/{n:0>2x}" + "5e" * 63 for n in range(40)]


@pytest.mark.parametrize("rows", [30, 1500])  # within the first window, and across windows
def test_a_spreadsheets_rows_of_delimiters_alone_are_no_records(tmp_path: Path, cli, rows) -> None:
    """Excel ends a sheet saved as CSV in rows of ';' alone: they are no pupils, so no
    'record without its pseudonym' (PSN-001 failed on them), and they are not counted."""
    body = "".join(f"{_SHEET_ECKIDS[n % 40]};{n % 8 + 1};\r\n" for n in range(rows))
    path = tmp_path / "export.csv"
    path.write_text("eckId;jaargroep;opmerking\r\n" + body + ";;\r\n" * 1200 + "\r\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("PSN-001") == "pass", run.findings("PSN-001")
    assert run.report["inputs"][0]["records"] == rows


def test_a_row_with_one_cell_filled_is_still_a_record(tmp_path: Path, cli) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"eckId;jaargroep\r\n{_SHEET_ECKIDS[0]};5\r\n;6\r\n;;\r\n")
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("PSN-001") == "fail"
    assert run.report["inputs"][0]["records"] == 2


def test_the_delimiter_is_counted_outside_quoted_column_names(tmp_path: Path, cli) -> None:
    """``"Niveau (A, B, C)"`` holds commas: the file is still separated by ';'."""
    path = tmp_path / "export.csv"
    body = "".join(f'{_SHEET_ECKIDS[n]};"B"\r\n' for n in range(5))
    path.write_text('eckId;"Niveau (A, B, C, D, E)"\r\n' + body)
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("PSN-001") == "pass", run.findings("PSN-001")
    assert run.verdict("PSN-002") == "pass", run.findings("PSN-002")
