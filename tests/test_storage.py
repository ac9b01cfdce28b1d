"""Storage inputs: SQL DDL in four dialects and live databases (SQLite here; PostgreSQL in
tests/test_postgres.py), classified like exports, judged by SEP-001 and SEP-002."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conformance.model.errors import InputError
from conformance.readers.database import read_database
from conformance.readers.ddl import read_ddl


def test_tsql_and_sqlite_dialects(tmp_path: Path) -> None:
    tsql = tmp_path / "t.sql"
    tsql.write_text(
        "CREATE TABLE [dbo].[Pupils] ([Id] INT IDENTITY(1,1) PRIMARY KEY, [EckId] NVARCHAR(154),"
        " [PersonId] INT FOREIGN KEY REFERENCES [dbo].[Persons]([Id]));\n"
        "CREATE TABLE [dbo].[Persons] ([Id] INT PRIMARY KEY, [LastName] NVARCHAR(200));\n"
    )
    model = read_ddl(tsql)
    assert [(t.qualified, t.columns) for t in model.tables] == [
        ("dbo.Pupils", ("Id", "EckId", "PersonId")),
        ("dbo.Persons", ("Id", "LastName")),
    ]
    assert model.tables[0].foreign_keys[0].table == "Persons"


def test_malformed_ddl_is_one_clear_error(tmp_path: Path, cli) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE pupils (id INT,\n eck_id TEXT,\n FOREIGN KEY (x) REFERENCES\n")
    run = cli("check", "--profile", "nl-generic", bad)
    assert run.code == 2
    assert run.err.startswith(f"conformance: error: {bad}")
    assert len(run.err.strip().splitlines()) == 1
    empty = tmp_path / "empty.sql"
    empty.write_text("-- nothing here\n")
    with pytest.raises(InputError, match="no CREATE TABLE"):
        read_ddl(empty)


def _sqlite(path: Path, statements: list[str]) -> str:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    return f"sqlite:///{path}"


def test_live_sqlite_database(tmp_path: Path, cli) -> None:
    url = _sqlite(
        tmp_path / "supplier.db",
        [
            "CREATE TABLE persons (id INTEGER PRIMARY KEY, achternaam TEXT, bsn TEXT)",
            "CREATE TABLE pupils (id INTEGER PRIMARY KEY, eck_id TEXT, "
            "person_id INTEGER REFERENCES persons(id))",
        ],
    )
    model = read_database(url)
    assert {t.qualified for t in model.tables} == {"main.persons", "main.pupils"}
    run = cli("check", "--profile", "nl-generic", url)
    assert run.code == 1
    assert run.verdict("SEP-001") == "pass"
    (finding,) = run.findings("SEP-002")
    assert "main.pupils.person_id → main.persons.id" in finding["message"]
    (info,) = run.report["inputs"]
    assert (info["kind"], info["records"]) == ("database", 2)


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path, cli) -> None:
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    run = cli("check", "--profile", "nl-generic", url)
    assert run.code == 2
    assert "no such SQLite database file" in run.err
    assert not (tmp_path / "typo.db").exists()


def test_passwords_never_appear(cli) -> None:
    run = cli(
        "check",
        "--profile",
        "nl-generic",
        "postgresql+psycopg://reader:Geheim-Wachtwoord-42@127.0.0.1:1/school",
    )
    assert run.code == 2
    assert "Geheim-Wachtwoord-42" not in run.err
    assert "***" in run.err or "no driver" in run.err


def test_a_grant_to_public_reaches_every_role(tmp_path: Path, cli) -> None:
    source = (
        Path(__file__).resolve().parent.parent
        / "fixtures/SEP-002/pass_identity_schema_disjoint_grants.sql"
    )
    leaked = tmp_path / "public.sql"
    leaked.write_text(source.read_text() + "\nGRANT SELECT ON identity.persons TO PUBLIC;\n")
    run = cli("check", "--profile", "nl-generic", leaked)
    (finding,) = run.findings("SEP-002")
    assert "role app_reader may read both" in finding["message"]


@pytest.mark.parametrize(
    "url", ["postgresql://u:secret@127.0.0.1:notaport/db", "postgresql://u:secret@[::1/db"]
)
def test_a_database_url_that_does_not_parse_is_one_clear_error(cli, url: str) -> None:
    run = cli("check", "--profile", "nl-generic", url, report=False)
    assert run.code == 2
    assert "database URL: not a valid database URL" in run.err
    assert "secret" not in run.err
