"""A field whose values are persons' given names or surnames alone, whatever it is called
("fn", "kolom1"), holds names (NAW-002): one such value is no evidence, a column of them is.
Before, `{"fn": "Sanne", "ln": "Jansen", "eckId": …}` passed NAW-001 and NAW-002."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_text

from conformance.detect.names import lone_name

ECKID = "https://ketenid.nl/201703/{:0128x}"
GIVEN = "Sanne Daan Lotte Jesse Emma Lucas Julia Noah Tess Finn Mila Levi Saar Thijs Nora".split()
SURNAMES = [
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
]  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("Sanne", "given name"),
        ("SANNE", "given name"),
        ("Jan-Willem", "given name"),
        ("Jansen", "surname"),
        ("JANSEN", "surname"),
        ("de Vries", "surname"),
        ("VAN DEN BERG", "surname"),
        ("de Groot", "surname"),  # a word, but after particles a surname
        ("de Koning", "surname"),
        ("Groot", None),  # a word alone
        ("Roos", None),  # a given name that is as often a word
        ("Dan", None),
        ("Utrecht", None),
        ("Groep 7", None),
        ("actief", None),
        ("Sanne Jansen", None),  # a full name: the value recognisers read those
        ("De", None),  # particles alone
        ("El Amrani", "surname"),  # a Moroccan surname's article (was missed)
        ("AIT TALEB", "surname"),
        ("El Groot", None),  # an article before a common word
        ("Van In", None),
    ],
)
def test_a_name_alone(cell: str, kind: str | None) -> None:
    assert lone_name(cell) == kind


def _csv(column: list[str], header: str = "kolom1") -> str:
    rows = [f"{ECKID.format(n)};{value};{n % 8 + 1}" for n, value in enumerate(column)]
    return f"eckId;{header};jaargroep\n" + "\n".join(rows) + "\n"


def _column_findings(run) -> list[str]:
    return [
        f["message"] for f in run.findings("NAW-002") if "as the values of field" in f["message"]
    ]


@pytest.mark.parametrize(
    "column",
    [
        pytest.param([GIVEN[n % len(GIVEN)] for n in range(60)], id="given-names"),
        pytest.param([SURNAMES[n % len(SURNAMES)].upper() for n in range(60)], id="surnames-caps"),
        pytest.param(  # names with a quarter of other values (and Bos, Vos: words too)
            [SURNAMES[n % len(SURNAMES)] if n % 4 else "onbekend" for n in range(60)],
            id="mostly-surnames",
        ),
    ],
)
def test_a_column_of_names_under_any_header_is_found(
    tmp_path: Path, cli, column: list[str]
) -> None:
    run = check_text(cli, tmp_path / "export.csv", _csv(column, "fn"))
    found = _column_findings(run)
    assert len(found) == 1, found
    assert "field 'fn'" in found[0]
    assert not run.quoted(*GIVEN, *SURNAMES)  # redacted: the evidence shows a first letter


@pytest.mark.parametrize(
    ("column", "header"),
    [
        pytest.param(["Utrecht", "Amsterdam", "Zwolle", "Breda", "Delft"] * 12, "kolom1",
                     id="cities"),
        pytest.param(["Rekenen", "Taal", "Lezen", "Spelling", "Engels"] * 12, "vak", id="subjects"),
        pytest.param([SURNAMES[n % len(SURNAMES)] for n in range(60)], "auteur",
                     id="authors-of-materials"),
        pytest.param(["Sanne"] * 60, "kolom1", id="one-name-repeated"),  # a label, no column
        pytest.param(GIVEN[:12], "kolom1", id="too-few-values"),
        pytest.param(
            [GIVEN[n % 12] if n % 2 else f"product {n}" for n in range(60)], "kolom1",
            id="half-names",
        ),
    ],
)  # fmt: skip
def test_other_columns_are_no_names(tmp_path: Path, cli, column: list[str], header: str) -> None:
    run = check_text(cli, tmp_path / "export.csv", _csv(column, header))
    assert _column_findings(run) == []


def test_only_the_first_values_are_read(tmp_path: Path, cli) -> None:
    """A field's first 1,000 values decide: names after them are not looked at (the cost stays
    fixed), and a column of names that starts after them is not one."""
    late = ["product"] * 1000 + [GIVEN[n % len(GIVEN)] for n in range(1000)]
    assert _column_findings(check_text(cli, tmp_path / "late.csv", _csv(late))) == []
    early = [GIVEN[n % len(GIVEN)] for n in range(1000)] + ["product"] * 1000
    found = _column_findings(check_text(cli, tmp_path / "early.csv", _csv(early)))
    assert len(found) == 1
    assert "1,000 of the first 1,000 values" in found[0]
