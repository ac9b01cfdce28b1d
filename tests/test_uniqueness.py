"""PSN-003 over whole exports: shared pseudonyms, split identities, duplicates of one pupil."""

from __future__ import annotations

from pathlib import Path

from conftest import eckid

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"


def export(tmp_path: Path, pairs: list[tuple[str, str]], name: str = "x.xml") -> Path:
    body = "\n".join(
        f'<leerling key="{k}" eckid="{eckid(e)}"><jaargroep>5</jaargroep></leerling>'
        for k, e in pairs
    )
    path = tmp_path / name
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}">\n<leerlingen>\n{body}\n'
        "</leerlingen></leerlinggegevens>"
    )
    return path


def test_distinct_pupils_pass(tmp_path: Path, cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L2", "b"), ("L3", "c")])
    )
    assert run.verdict("PSN-003") == "pass"


def test_the_same_pupil_listed_twice_is_not_a_finding(tmp_path: Path, cli) -> None:
    run = cli("check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L1", "a")]))
    assert run.verdict("PSN-003") == "pass"


def test_two_pupils_sharing_a_pseudonym(tmp_path: Path, cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L2", "b"), ("L3", "a")])
    )
    (finding,) = run.findings("PSN-003")
    assert "two persons share one pseudonym" in finding["message"]
    assert finding["location"]["line"] == 3
    assert "line 5" in finding["message"]
    assert finding["occurrences"] == 2


def test_one_pupil_with_two_pseudonyms(tmp_path: Path, cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", export(tmp_path, [("L1", "a"), ("L1", "b"), ("L2", "c")])
    )
    (finding,) = run.findings("PSN-003")
    assert "one person (same key) has 2 different pseudonyms" in finding["message"]
    assert finding["rule"] == "pseudonym.identity_key"


def test_sharing_across_two_inputs(tmp_path: Path, cli) -> None:
    first = export(tmp_path, [("L1", "a")], "one.xml")
    second = export(tmp_path, [("L9", "a")], "two.xml")
    run = cli("check", "--profile", "uwlr-2.2", first, second)
    (finding,) = run.findings("PSN-003")
    assert finding["location"]["input"] == str(first)
    assert str(second) in finding["message"]
