"""The CLI contract: verbs, exit codes 0/1/2/3, one-line errors, reports written whole or not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import eckid

from conformance.checks.naw import IdentifyingField
from conformance.reporters.json import schema

UWLR_NS = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"


def uwlr(tmp_path: Path, leerlingen: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<leerlinggegevens xmlns="{UWLR_NS}"><school><schooljaar>2024-2025</schooljaar></school>'
        f"<leerlingen>{leerlingen}</leerlingen></leerlinggegevens>"
    )
    return path


def pupil(key: str, extra: str = "") -> str:
    return f'<leerling key="{key}" eckid="{eckid(key)}"><jaargroep>5</jaargroep>{extra}</leerling>'


def run_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_conformant_export_exits_0_with_a_valid_report(tmp_path: Path, cli) -> None:
    run = cli("check", "--profile", "uwlr-2.2", uwlr(tmp_path, pupil("L1") + pupil("L2")))
    assert run.code == 0
    jsonschema.Draft202012Validator(schema()).validate(run.report)
    assert run.report["verdict"] == "pass"
    assert run.report["profile"]["id"] == "uwlr-2.2"
    assert run.report["profile"]["purpose"] == "pseudoniem"
    (info,) = run.report["inputs"]
    assert (info["kind"], info["format"], info["records"]) == ("export", "xml", 2)
    verdicts = {r["id"]: r["verdict"] for r in run.report["requirements"]}
    assert verdicts["PSN-001"] == "pass"
    assert verdicts["MIN-003"] == "not_applicable"
    assert verdicts["API-001"] == "not_applicable"
    assert "verdict: CONFORMANT" in run.err


def test_non_conformant_export_exits_1(tmp_path: Path, cli) -> None:
    run = cli("check", "--profile", "uwlr-2.2", uwlr(tmp_path, pupil("L1", "<bsn>111222333</bsn>")))
    assert run.code == 1
    assert run.report["verdict"] == "fail"
    assert "FAIL  NAW-001" in run.err
    assert "111222333" not in run.err
    assert "111222333" not in json.dumps(run.report)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "--profile", "uwlr-2.2", "absent.xml"], "absent.xml: no such file"),
        (["check", "--profile", "uwlr-9", "x.xml"], "uwlr-9: no such profile"),
        (
            ["check", "--profile", "uwlr-2.2", "--purpose", "alles", "{export}"],
            "has no purpose 'alles'",
        ),
        (["check", "{export}"], "the following arguments are required: --profile"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["explain", "XYZ-999"], "XYZ-999: unknown requirement"),
        (["check", "--profile", "uwlr-2.2", "{truncated}"], "truncated.xml:line 1 column"),
    ],
)
def test_usage_and_input_errors_are_one_line_and_exit_2(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    export = uwlr(tmp_path, pupil("L1"))
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(f'<leerlinggegevens xmlns="{UWLR_NS}"><leerlingen><leerling key="1"')
    argv = [a.format(export=export, truncated=truncated) for a in args]
    result = run_process(*argv)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("conformance: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_input_error_writes_no_report(tmp_path: Path, cli) -> None:
    good = uwlr(tmp_path, pupil("L1"), "good.xml")
    bad = tmp_path / "bad.xml"
    bad.write_text("<leerlinggegevens><leerlingen>")
    target = tmp_path / "out.json"
    html = tmp_path / "out.html"
    run = cli(
        "check", "--profile", "uwlr-2.2", "--json", target, "--html", html, good, bad, report=False
    )
    assert run.code == 2
    assert not target.exists()
    assert not html.exists()
    assert list(tmp_path.glob(".out*")) == []


def test_no_records_for_the_profile_is_an_input_error(tmp_path: Path, cli) -> None:
    edex = tmp_path / "edex.xml"
    edex.write_text('<EDEX><leerlingen><leerling key="1"/></leerlingen></EDEX>')
    run = cli("check", "--profile", "uwlr-2.2", edex)
    assert run.code == 2
    assert "no records found for profile uwlr-2.2" in run.err
    assert UWLR_NS in run.err


def test_reports_go_to_a_missing_folder_is_a_clear_error(tmp_path: Path, cli) -> None:
    run = cli(
        "check",
        "--profile",
        "uwlr-2.2",
        "--json",
        tmp_path / "no" / "r.json",
        uwlr(tmp_path, pupil("L1")),
        report=False,
    )
    assert run.code == 2
    assert "its folder does not exist" in run.err


def test_html_page_shows_the_verdict(tmp_path: Path, cli) -> None:
    page = tmp_path / "r.html"
    run = cli(
        "check",
        "--profile",
        "uwlr-2.2",
        "--html",
        page,
        uwlr(tmp_path, pupil("L1", "<bsn>111222333</bsn>")),
    )
    assert run.code == 1
    text = page.read_text()
    assert "voldoet niet" in text
    assert "NAW-001" in text
    assert "111222333" not in text


def test_a_crashing_check_is_an_error_verdict_and_exit_3(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: object, record: object) -> None:
        raise KeyError("Jansen")

    monkeypatch.setattr(IdentifyingField, "visit", explode)
    monkeypatch.setattr(IdentifyingField, "visit_window", explode)  # what the engine calls
    run = cli("check", "--profile", "uwlr-2.2", uwlr(tmp_path, pupil("L1")))
    assert run.code == 3
    assert run.verdict("NAW-001") == "error"
    assert run.verdict("PSN-001") == "pass"
    assert run.report["verdict"] == "error"
    assert "Jansen" not in run.err + json.dumps(run.report)
    assert "KeyError" in json.dumps(run.report)


def test_profiles_and_explain(cli) -> None:
    run = cli("profiles")
    assert run.code == 0
    assert "uwlr-2.2 1.0.0" in run.out
    assert "smalle-set, lvs-set, pseudoniem (default)" in run.out
    explained = cli("explain", "psn-002")
    assert explained.code == 0
    assert explained.out.startswith("# PSN-002 pseudonym-malformed")
    assert "## Failing example" in explained.out
    assert "https://ketenid.nl/201703/" in explained.out
    unknown = cli("explain", "X" * 100_000)
    assert unknown.code == 2
    assert len(unknown.err) < 200  # the argument is not echoed whole


def test_python_dash_m_and_version() -> None:
    result = run_process("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("conformance ")


def test_pilot_eckids_pass_only_in_test_environment(tmp_path: Path, cli) -> None:
    pilot = "https://ketenid.nl/pilot/" + eckid("x")[-128:]
    path = uwlr(tmp_path, f'<leerling key="L1" eckid="{pilot}"><jaargroep>5</jaargroep></leerling>')
    production = cli("check", "--profile", "uwlr-2.2", path)
    assert production.verdict("PSN-002") == "fail"
    assert "pilot ECK iD" in production.findings("PSN-002")[0]["message"]
    test = cli("check", "--profile", "uwlr-2.2", "--environment", "test", path)
    assert test.verdict("PSN-002") == "pass"
    assert test.report["environment"] == "test"


def test_check_writes_every_report_format_it_is_asked_for(tmp_path: Path, cli) -> None:
    export = Path(__file__).parent.parent / "fixtures" / "sample-supplier" / "uwlr-smalle-set.xml"
    files = {flag: tmp_path / f"r.{flag}" for flag in ("html", "junit", "sarif", "markdown")}
    flags = [item for flag, path in files.items() for item in (f"--{flag}", str(path))]
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", *flags, export)
    assert run.code == 0, run.err
    assert files["junit"].read_text().startswith("<?xml")
    assert '"version": "2.1.0"' in files["sarif"].read_text()
    assert files["markdown"].read_text().startswith("#")
    assert "<html" in files["html"].read_text()


def test_every_requirement_in_a_report_carries_its_documented_fix(cli) -> None:
    export = Path(__file__).parent.parent / "fixtures" / "sample-supplier" / "uwlr-smalle-set.xml"
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", export)
    fixes = {r["id"]: r["fix"] for r in run.report["requirements"]}
    assert fixes["NAW-001"] == IdentifyingField.doc.fix
    assert all(fixes.values()), [rid for rid, fix in fixes.items() if not fix]


def test_an_error_line_stays_one_line_whatever_the_file_name_holds(tmp_path: Path, cli) -> None:
    odd = tmp_path / "leerlingen\n\x1b[31mrood.json"
    run = cli("check", "--profile", "nl-generic", odd, report=False)
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "\x1b" not in run.err and "\\n" in run.err


def test_checking_an_export_loads_no_database_sql_or_probe_libraries(tmp_path: Path) -> None:
    """Suppliers run `conformance check` on every change: SQLAlchemy, sqlglot, hypothesis and
    requests (a third of the start-up) are loaded only for databases, SQL files and probes."""
    export = tmp_path / "x.jsonl"
    export.write_text(json.dumps({"eckId": eckid("one"), "groep": "7C"}) + "\n")
    code = (
        "import sys\n"
        "from conformance.cli import main\n"
        f"code = main(['check', '--profile', 'nl-generic', {str(export)!r}])\n"
        "heavy = ('sqlalchemy', 'sqlglot', 'hypothesis', 'requests')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 []"


def test_inputs_that_answer_nothing_asked_exit_2_not_3(tmp_path: Path, cli) -> None:
    """Exit 3 is a bug; a selection no input can answer, or a link of an export without
    pseudonyms, is the user's to change: exit 2 with one line saying so."""
    export = tmp_path / "x.csv"
    export.write_text("eckId;groep\n" + "".join(f"{eckid(str(i))};7C\n" for i in range(3)))
    run = cli("check", "--profile", "nl-generic", "--select", "LNK-003", export)
    assert run.code == 2
    assert "nothing could be examined" in run.err
    other = tmp_path / "y.csv"
    other.write_text("groep;jaargroep\n7C;7\n")
    run = cli("link", "--profile", "nl-generic", export, other)
    assert run.code == 2
