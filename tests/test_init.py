"""`conformance init`: a starter conformance.toml and nox session from what a project holds,
confirmed on a terminal; the config it writes certifies; no file is ever overwritten."""

from __future__ import annotations

import ast
import shutil
import tomllib
from pathlib import Path

import pytest

from conformance import scaffold, selfcheck

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A supplier's repository: an export, a schema, an API spec, and things that are none."""
    (tmp_path / "exports").mkdir()
    shutil.copy(FIXTURES / "sample-supplier" / "uwlr-smalle-set.xml", tmp_path / "exports")
    (tmp_path / "db").mkdir()
    shutil.copy(FIXTURES / "SEP-001" / "pass_separate_tables.sql", tmp_path / "db" / "schema.sql")
    shutil.copy(FIXTURES / "suppliers" / "openapi.yaml", tmp_path / "openapi.yaml")
    (tmp_path / "package.json").write_text('{"name": "frontend"}')
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "export.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_proposes_what_the_project_holds(project: Path, cli, monkeypatch) -> None:
    monkeypatch.setattr(selfcheck, "build_problems", list)
    run = cli("init", "--yes")
    assert run.code == 0, run.err
    config = tomllib.loads((project / "conformance.toml").read_text())
    assert config["profile"] == "uwlr-2.2"  # from the export's namespace
    assert config["inputs"] == {
        "exports": ["exports/uwlr-smalle-set.xml"],
        "storage": ["db/schema.sql"],
        "specs": ["openapi.yaml"],
    }
    assert "probe" not in config  # no URL was given: never the spec's (production) server
    noxfile = ast.parse((project / "noxfile.py").read_text())
    sessions = [f.name for f in noxfile.body if isinstance(f, ast.FunctionDef)]
    assert sessions == ["conformance"]
    certified = cli("certify", "--output", project / "out")
    assert certified.code in (0, 1), certified.err  # a real run, not a config error


def test_on_a_terminal_init_asks(project: Path, cli, monkeypatch) -> None:
    answers = iter(["", "n", "", "", "https://test.api.example.nl"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda question: next(answers))
    assert cli("init").code == 0
    config = tomllib.loads((project / "conformance.toml").read_text())
    assert config["inputs"]["storage"] == []  # declined
    assert config["probe"]["base_url"] == "https://test.api.example.nl"
    assert config["probe"]["openapi"] == "openapi.yaml"


def test_init_never_overwrites(project: Path, cli) -> None:
    (project / "conformance.toml").write_text("# mine\n")
    (project / "noxfile.py").write_text("import nox\n")
    run = cli("init", "--yes")
    assert run.code == 2
    assert "conformance.toml: exists already; init never overwrites a file" in run.err
    assert (project / "conformance.toml").read_text() == "# mine\n"


def test_an_existing_noxfile_gets_the_session_to_add(project: Path, cli) -> None:
    (project / "noxfile.py").write_text("import nox\n")
    run = cli("init", "--yes")
    assert run.code == 0
    assert (project / "noxfile.py").read_text() == "import nox\n"
    snippet = run.out.split("add this session to your noxfile.py:\n\n", 1)[1]
    ast.parse(snippet)
    assert "def conformance(session: nox.Session)" in snippet


def test_the_session_it_writes_is_the_documented_template() -> None:
    assert scaffold.nox_session(standalone=True) == (ROOT / "templates" / "noxfile.py").read_text()


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda nox: nox.mkdir(), "not a file"),
        (lambda nox: nox.write_bytes(b"# caf\xe9\nimport nox\n"), "not UTF-8 text"),
        (lambda nox: nox.symlink_to("elsewhere.py"), "a broken symbolic link"),
    ],
    ids=["folder", "not-utf-8", "broken-link"],
)
def test_a_noxfile_init_cannot_read_stops_it_before_it_writes(
    project: Path, cli, make, problem: str
) -> None:
    make(project / "noxfile.py")
    run = cli("init", "--yes")
    assert run.code == 2
    assert run.err.startswith(f"conformance: error: noxfile.py: {problem}")
    assert len(run.err.strip().splitlines()) == 1
    assert not (project / "conformance.toml").exists()  # a re-run is not refused
