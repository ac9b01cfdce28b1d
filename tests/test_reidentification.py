"""LNK-003 / LNK-005 scope: identified-by-design exports are not judged on anonymity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
    assert "7 of 7 pupils (100.0%) are unique" in finding["message"]
    assert run.verdict("LNK-005") == "not_applicable"


def _analyse(cli, path: Path, text: str):
    path.write_text(text)
    return cli("check", "--profile", "nl-generic", "--purpose", "analyse", path)


@pytest.mark.parametrize("pupils", [24, 4000])  # 24,000 records: past the sample, by column
def test_a_pupils_several_records_are_one_look_alike_not_six(
    tmp_path: Path, cli, pupils: int
) -> None:
    """Pupils each alone on (birth month, gender, postcode4), with six test results each:
    every class holds one pupil, however many rows."""
    rows = "".join(
        f"{eckid(str(p))};2015-{p % 12 + 1:02d};{p % 2 + 1};{1000 + p};T{t};{40 + t}\n"
        for p in range(pupils)
        for t in range(6)
    )
    run = _analyse(
        cli, tmp_path / "x.csv", "eckId;geboortemaand;geslacht;postcode4;toets;toetsscore\n" + rows
    )
    (finding,) = run.findings("LNK-003")
    share = f"{pupils:,} of {pupils:,} pupils (100.0%) are unique"
    assert f"is 1, expected at least 5; {share}" in finding["message"]


def test_every_value_of_a_several_valued_quasi_identifier_counts(tmp_path: Path, cli) -> None:
    lines = [
        {"eckId": eckid(str(i)), "geboortejaar": "2014", "nationaliteit": ["NL"]} for i in range(5)
    ] + [
        {"eckId": eckid(str(i)), "geboortejaar": "2014", "nationaliteit": ["NL", f"X{i}"]}
        for i in range(5, 10)
    ]
    run = _analyse(cli, tmp_path / "x.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    (finding,) = run.findings("LNK-003")
    assert "5 of 10 pupils (50.0%) are unique" in finding["message"]


def test_look_alikes_compare_values_regardless_of_case(tmp_path: Path, cli) -> None:
    """'M' and 'm' are one gender (k = 5, not 2); 'TLV', 'tlv' and 'Tlv' one support need
    (ℓ = 1: everyone in the group shares it)."""
    genders = ["m", "m", "M", "M", "M"]
    rows = "".join(f"{eckid(str(i))};2014;{g};50\n" for i, g in enumerate(genders))
    run = _analyse(cli, tmp_path / "k.csv", "eckId;geboortejaar;geslacht;toetsscore\n" + rows)
    assert run.verdict("LNK-003") == "pass"
    needs = ["TLV", "TLV", "TLV", "TLV", "tlv", "Tlv"]
    rows = "".join(f"{eckid(str(i))};2015;6;{n}\n" for i, n in enumerate(needs))
    run = _analyse(
        cli, tmp_path / "l.csv", "eckId;geboortejaar;jaargroep;ondersteuningsbehoefte\n" + rows
    )
    assert run.verdict("LNK-005") == "fail"


def test_a_field_named_by_a_pupil_is_redacted_in_the_k_anonymity_message(
    tmp_path: Path, cli
) -> None:
    names = ["Piet Jansen", "Sanne de Vries", "Bilal Yilmaz", "Emma Bakker", "Daan Visser"]
    lines = [
        {"eckId": eckid(str(i)), "geboortejaar": "2014", "geslacht": {name: "1"}}
        for i, name in enumerate(names)
    ]
    run = _analyse(cli, tmp_path / "x.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    (finding,) = run.findings("LNK-003")
    assert "k-anonymity over (geboortejaar, geslacht/" in finding["message"]
    assert not run.quoted(*(part for name in names for part in name.split() if len(part) > 3))


def test_an_age_is_a_quasi_identifier(tmp_path: Path, cli) -> None:
    """'leeftijd' says the birth year within one: unique ages single pupils out (it passed
    LNK-003 unclassified, and failed MIN-001 under analyse as an unknown field)."""
    rows = "".join(f"{eckid(str(i))};{i % 2 + 1};{6 + i};50\n" for i in range(8))
    run = _analyse(cli, tmp_path / "x.csv", "eckId;geslacht;leeftijd;toetsscore\n" + rows)
    (finding,) = run.findings("LNK-003")
    assert "k-anonymity over (geslacht, leeftijd) is 1" in finding["message"]
    assert run.verdict("MIN-001") == "pass"


def _support(rows: list[tuple[int, str, str]]) -> str:
    """(pupil, year group, support need or '') rows, all born in 2015."""
    lines = "".join(f"{eckid(str(p))};2015;{g};{need}\n" for p, g, need in rows)
    return "eckId;geboortejaar;jaargroep;ondersteuningsbehoefte\n" + lines


@pytest.mark.parametrize("groups", [1, 2500])  # 30,000 records: past the sample, by column
def test_a_pupils_other_record_without_the_attribute_is_not_another_value(
    tmp_path: Path, cli, groups: int
) -> None:
    """Six look-alikes, each with a 'TLV' row and a test row without the field: everyone
    shares TLV (a pupil's record without it does not make 'absent' a second value)."""
    rows = [(g * 6 + p, g, need) for g in range(groups) for p in range(6) for need in ("TLV", "")]
    run = _analyse(cli, tmp_path / "x.csv", _support(rows))
    (finding,) = run.findings("LNK-005")
    records = f"({12 * groups:,} records)"
    assert (
        f"{groups:,} group{'s' if groups > 1 else ''} of look-alike records {records}"
        in (finding["message"])
    )


def test_a_pupil_without_the_attribute_is_a_value_of_its_own(tmp_path: Path, cli) -> None:
    """Five with 'TLV' and one who has none: the group does not tell that everyone has TLV."""
    rows = [(p, 6, "TLV") for p in range(5)] + [(5, 6, "")]
    assert _analyse(cli, tmp_path / "x.csv", _support(rows)).verdict("LNK-005") == "pass"
    unknown = "".join(f"2015;6;{'TLV' if p < 5 else ''}\n" for p in range(6))  # no pseudonyms
    run = _analyse(
        cli, tmp_path / "y.csv", "geboortejaar;jaargroep;ondersteuningsbehoefte\n" + unknown
    )
    assert run.verdict("LNK-005") == "pass"


def test_a_several_valued_attribute_is_compared_as_a_set(tmp_path: Path, cli) -> None:
    """Six look-alikes all with TLV and dyslexie (in either order, in one record or a record
    each) share both; with one of them holding only TLV the sets differ."""
    both = [["TLV", "dyslexie"], ["dyslexie", "TLV"]]
    lines = [
        {
            "eckId": eckid(str(i)),
            "geboortejaar": "2015",
            "jaargroep": "6",
            "ondersteuningsbehoefte": both[i % 2],
        }
        for i in range(6)
    ]
    path = tmp_path / "x.jsonl"
    run = _analyse(cli, path, "".join(json.dumps(x) + "\n" for x in lines))
    (finding,) = run.findings("LNK-005")
    assert "1 group of look-alike records (6 records)" in finding["message"]
    rows = [(p, 6, need) for p in range(6) for need in ("TLV", "dyslexie")]  # long format
    (finding,) = _analyse(cli, tmp_path / "y.csv", _support(rows)).findings("LNK-005")
    assert "1 group of look-alike records (12 records)" in finding["message"]
    lines[0]["ondersteuningsbehoefte"] = ["TLV"]
    assert (
        _analyse(cli, path, "".join(json.dumps(x) + "\n" for x in lines)).verdict("LNK-005")
        == "pass"
    )
    unknown = [{k: v for k, v in x.items() if k != "eckId"} for x in lines[1:]]  # no pseudonyms
    (finding,) = _analyse(cli, path, "".join(json.dumps(x) + "\n" for x in unknown)).findings(
        "LNK-005"
    )
    assert "1 group of look-alike records (5 records)" in finding["message"]


def _school(path: Path, school: str, classes: int, needs: str = "TLV", pupils: bool = True) -> Path:
    """A school's export: ``classes`` groups of three look-alikes (k = 3), all with ``needs``."""
    rows = "".join(
        (f"{eckid(f'{school}-{c}-{p}')};" if pupils else "")
        + f"{2010 + c % 8};{c % 2 + 1};{1000 + c // 8};{needs}\n"
        for c in range(classes)
        for p in range(3)
    )
    head = "eckId;" if pupils else ""
    path.write_text(f"{head}geboortejaar;geslacht;postcode4;ondersteuningsbehoefte\n" + rows)
    return path


def _check(cli, *paths: Path):
    return cli("check", "--profile", "nl-generic", "--purpose", "analyse", *paths)


@pytest.mark.parametrize("classes", [4, 7000])  # 21,000 records a school: by column
def test_each_input_is_judged_as_an_export_of_its_own(tmp_path: Path, cli, classes: int) -> None:
    """Two schools with the same look-alike groups of three: whoever holds one school's file
    singles its pupils out within it (k = 3), though the two together make groups of six;
    and each group shares its support need, though the two schools' needs differ."""
    a = _school(tmp_path / "a.csv", "a", classes, "TLV")
    b = _school(tmp_path / "b.csv", "b", classes, "geen")
    run = _check(cli, a, b)
    (finding,) = run.findings("LNK-003")
    assert f"is 3, expected at least 5; 0 of {6 * classes:,} pupils" in finding["message"]
    (finding,) = run.findings("LNK-005")
    assert (
        f"{2 * classes:,} groups of look-alike records ({6 * classes:,} records)"
        in (finding["message"])
    )


@pytest.mark.parametrize("classes", [4, 7000])
def test_an_input_without_the_sensitive_field_discloses_nothing_of_it(
    tmp_path: Path, cli, classes: int
) -> None:
    """The pupils' file without their support needs, beside a file with them: judged each as
    its own export, the first's groups were all 'absent', one value each, and failed ℓ."""
    rows = "".join(
        f"{eckid(f'{c}-{p}')};{2010 + c % 8};{c % 2 + 1};{1000 + c // 8}\n"
        for c in range(classes)
        for p in range(6)
    )
    plain = tmp_path / "leerlingen.csv"
    plain.write_text("eckId;geboortejaar;geslacht;postcode4\n" + rows)
    needs = ("geen", "TLV", "OPP")
    with_needs = tmp_path / "zorg.csv"
    with_needs.write_text(
        "eckId;geboortejaar;geslacht;postcode4;ondersteuningsbehoefte\n"
        + "".join(f"{line};{needs[n % 3]}\n" for n, line in enumerate(rows.splitlines()))
    )
    run = _check(cli, plain, with_needs)
    assert run.verdict("LNK-005") == "pass", run.findings("LNK-005")
    assert run.verdict("LNK-003") == "pass", run.findings("LNK-003")


@pytest.mark.parametrize("pupils", [True, False], ids=["pseudonymous", "no-pseudonyms"])
def test_the_same_input_given_twice_is_judged_once(tmp_path: Path, cli, pupils: bool) -> None:
    """Its records are not look-alikes of themselves (without pseudonyms they were counted
    twice: k = 6)."""
    path = _school(tmp_path / "a.csv", "a", 4, pupils=pupils)
    once = _check(cli, path)
    twice = _check(cli, path, path)
    for rid in ("LNK-003", "LNK-005"):
        (finding,) = twice.findings(rid)
        assert [finding["message"]] == [f["message"] for f in once.findings(rid)]
    unit = "pupils" if pupils else "records"
    (finding,) = twice.findings("LNK-003")
    assert f"is 3, expected at least 5; 0 of 12 {unit}" in finding["message"]


@pytest.mark.parametrize("classes", [4, 7000])
def test_the_finding_is_at_the_input_that_fails(tmp_path: Path, cli, classes: int) -> None:
    """A first input with groups of six and varied needs passes; the second fails, and the
    findings point at it (at its first record, or by name where it was counted by column)."""
    a = _school(tmp_path / "a.csv", "a", classes)
    six = a.read_text().splitlines()
    needs = ("TLV", "geen")
    rows = [line.rsplit(";", 1)[0] + f";{needs[i % 2]}" for i, line in enumerate(six[1:] * 2)]
    a.write_text("\n".join([six[0], *(f"{i}{r}" for i, r in enumerate(rows))]) + "\n")
    b = _school(tmp_path / "b.csv", "b", classes)
    run = _check(cli, a, b)
    for rid in ("LNK-003", "LNK-005"):
        (finding,) = run.findings(rid)
        line = 2 if classes == 4 else None
        assert (finding["location"]["input"], finding["location"]["line"]) == (str(b), line)
