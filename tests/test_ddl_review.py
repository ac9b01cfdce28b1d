"""DDL the reader missed (a review's findings): T-SQL's IF … BEGIN … END blocks (EF Core's
idempotent scripts), CREATE TABLE … AS SELECT, LIKE, PARTITION OF, MySQL's CHANGE COLUMN,
T-SQL's sp_rename and tables moved to another schema."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conformance.model.storage import StorageModel
from conformance.readers.ddl import parse_ddl


def _model(sql: str) -> StorageModel:
    return parse_ddl(sql.encode(), "review.sql")


def _columns(model: StorageModel) -> dict[str, tuple[str, ...]]:
    return {table.qualified: table.columns for table in model.tables}


def _keys(model: StorageModel) -> dict[str, list[str]]:
    return {
        table.qualified: [f"{k.schema}.{k.table}" for k in table.foreign_keys]
        for table in model.tables
    }


def test_a_table_created_inside_an_if_block_is_read() -> None:
    model = _model(
        "CREATE TABLE dbo.resultaten (id INT PRIMARY KEY, eck_id NVARCHAR(154))\nGO\n"
        "IF NOT EXISTS (SELECT * FROM sys.tables WHERE name = 'leerlingen')\nBEGIN\n"
        "    CREATE TABLE dbo.leerlingen (id INT, eck_id NVARCHAR(154), achternaam NVARCHAR(100))\n"
        "END\nGO\n"
    )
    assert _columns(model)["dbo.leerlingen"] == ("id", "eck_id", "achternaam")
    assert model.tables[1].line == 5


# As `dotnet ef migrations script --idempotent` writes it (EF Core), with an ELSE branch and a
# nested block after it, whose END END ELSE T-SQL's tokenizer reads as one string
_EF_CORE = """\
IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO
BEGIN TRANSACTION;
GO
IF NOT EXISTS (SELECT * FROM [__EFMigrationsHistory] WHERE [MigrationId] = N'1_Init')
BEGIN
    CREATE TABLE [Pupils] (
        [Id] int NOT NULL IDENTITY,
        [EckId] nvarchar(154) NULL,
        CONSTRAINT [PK_Pupils] PRIMARY KEY ([Id])
    );
END;
GO
IF NOT EXISTS (SELECT * FROM [__EFMigrationsHistory] WHERE [MigrationId] = N'2_Name')
BEGIN
    ALTER TABLE [Pupils] ADD [LastName] nvarchar(max) NULL;
    EXEC(N'CREATE UNIQUE INDEX [IX_Pupils_EckId] ON [Pupils] ([EckId]) WHERE [EckId] IS NOT NULL');
    EXEC(N'CREATE VIEW [PupilNames] AS SELECT [EckId], [LastName] FROM [Pupils]');
END;
GO
IF 1 = 1
BEGIN
    IF 2 = 2
    BEGIN
        CREATE TABLE dbo.Notes (Id int, Body nvarchar(max));
    END
END
ELSE
BEGIN
    CREATE TABLE dbo.Contacts (EckId nvarchar(154), Email nvarchar(200));
END
GO
COMMIT;
GO
"""


def test_ef_core_idempotent_script_is_read_whole() -> None:
    columns = _columns(_model(_EF_CORE))
    assert columns["dbo.Pupils"] == ("Id", "EckId", "LastName")
    assert columns["dbo.PupilNames"] == ("Pupils/EckId", "Pupils/LastName")
    assert columns["dbo.Notes"] == ("Id", "Body")
    assert columns["dbo.Contacts"] == ("EckId", "Email")


def test_single_statement_branches_and_clauses_named_if() -> None:
    model = _model(
        "CREATE TABLE dbo.a (id int, eck_id nvarchar(154))\nGO\n"
        "DROP TABLE IF EXISTS dbo.tmp\nGO\n"
        "CREATE PROCEDURE dbo.p AS\nBEGIN\n    IF 1 = 1\n    BEGIN\n"
        "        SELECT CASE WHEN 1 = 1 THEN 1 ELSE 2 END\n    END\nEND\nGO\n"
        "IF NOT EXISTS (SELECT * FROM sys.tables WHERE name = 'b')\n"
        "    CREATE TABLE dbo.b (id int, eck_id nvarchar(154), achternaam nvarchar(100))\n"
        "ELSE\n    ALTER TABLE dbo.a ADD voornaam nvarchar(100)\nGO\n"
        "IF @@TRANCOUNT = 0 BEGIN TRANSACTION\nGO\n"
        "IF (SELECT COUNT(*) FROM sys.tables) > 0\nBEGIN\n"
        "    GRANT SELECT ON dbo.a TO lezer;\n    GRANT SELECT ON dbo.b TO lezer;\nEND\nGO\n"
    )
    assert _columns(model) == {
        "dbo.a": ("id", "eck_id", "voornaam"),
        "dbo.b": ("id", "eck_id", "achternaam"),
    }
    assert {(g.role, g.table) for g in model.grants} == {("lezer", "a"), ("lezer", "b")}


def test_create_table_as_select_has_the_selected_columns() -> None:
    model = _model(
        "CREATE TABLE identity.persons (id BIGINT PRIMARY KEY, achternaam TEXT, bsn CHAR(9));\n"
        "CREATE TABLE public.pupils (id BIGINT, eck_id VARCHAR(154), person_id BIGINT);\n"
        "CREATE TABLE public.export AS SELECT p.eck_id, i.achternaam, i.bsn AS burgerservicenummer"
        " FROM public.pupils p JOIN identity.persons i ON i.id = p.person_id;\n"
    )
    assert _columns(model)["public.export"] == (
        "pupils/eck_id",
        "persons/achternaam",
        "persons/bsn",
    )


def test_a_table_made_like_another_has_its_columns() -> None:
    postgres = _model(
        "CREATE TABLE pupils (id INTEGER PRIMARY KEY, eck_id VARCHAR(154));\n"
        "CREATE TABLE pupils_archive (LIKE pupils INCLUDING ALL);\n"
        "ALTER TABLE pupils_archive ADD COLUMN achternaam VARCHAR(200);\n"
    )
    assert _columns(postgres)["public.pupils_archive"] == ("id", "eck_id", "achternaam")
    mysql = _model(
        "CREATE TABLE `pupils` (`id` int NOT NULL, `eck_id` varchar(154)) ENGINE=InnoDB;\n"
        "CREATE TABLE `pupils_archive` LIKE `pupils`;\n"
    )
    assert _columns(mysql)["main.pupils_archive"] == ("id", "eck_id")


def test_a_partition_has_its_parents_columns_and_foreign_keys() -> None:
    model = _model(
        "CREATE TABLE identity.persons (id BIGINT PRIMARY KEY, achternaam TEXT);\n"
        "CREATE TABLE pseudo.pupils (id BIGINT, jaar INT, eck_id VARCHAR(154),"
        " person_id BIGINT REFERENCES identity.persons (id)) PARTITION BY LIST (jaar);\n"
        "CREATE TABLE pseudo.pupils_2025 PARTITION OF pseudo.pupils FOR VALUES IN (2025);\n"
    )
    assert _columns(model)["pseudo.pupils_2025"] == ("id", "jaar", "eck_id", "person_id")
    assert _keys(model)["pseudo.pupils_2025"] == ["identity.persons"]


def test_mysql_change_column_renames() -> None:
    model = _model(
        "CREATE TABLE `holders` (`id` int, `eckId` varchar(154), `contact` varchar(255))"
        " ENGINE=InnoDB;\n"
        "ALTER TABLE `holders` CHANGE COLUMN `contact` `email` varchar(255) DEFAULT NULL;\n"
    )
    assert _columns(model)["main.holders"] == ("id", "eckId", "email")


def test_sp_rename_renames_a_column_or_a_table() -> None:
    model = _model(
        "CREATE TABLE dbo.leerlingen (id INT, eck_id NVARCHAR(154), veld1 NVARCHAR(100))\nGO\n"
        "EXEC sp_rename 'dbo.leerlingen.veld1', 'achternaam', 'COLUMN'\nGO\n"
        "EXEC sp_rename @objname = N'[dbo].[leerlingen]', @newname = N'pupils'\nGO\n"
    )
    assert _columns(model) == {"dbo.pupils": ("id", "eck_id", "achternaam")}


def test_a_table_moved_to_another_schema_takes_its_foreign_keys_along() -> None:
    model = _model(
        "CREATE SCHEMA identity;\n"
        "CREATE TABLE persons (id BIGINT PRIMARY KEY, achternaam TEXT);\n"
        "CREATE TABLE pupils (id BIGINT, eck_id VARCHAR(154), person_id BIGINT"
        " REFERENCES persons (id));\n"
        "ALTER TABLE persons SET SCHEMA identity;\n"
    )
    assert set(_columns(model)) == {"identity.persons", "public.pupils"}
    assert _keys(model)["public.pupils"] == ["identity.persons"]
    tsql = _model(
        "CREATE TABLE dbo.persons (id INT, achternaam NVARCHAR(100))\nGO\n"
        "ALTER SCHEMA identiteit TRANSFER dbo.persons\nGO\n"
    )
    assert set(_columns(tsql)) == {"identiteit.persons"}


# --- a second review's findings --------------------------------------------------------------

# As SSMS's "Generate Scripts" writes a procedure: its own GO batch, statements without a
# semicolon after it, and a body whose "; END END" T-SQL's tokenizer read as one string up to
# the next semicolon — here the rest of the file, so the GRANTs were never read
_PROCEDURE_THEN_GRANTS = """\
CREATE SCHEMA identiteit
GO
CREATE SCHEMA pseudo
GO
CREATE TABLE identiteit.Personen (PersoonId int NOT NULL PRIMARY KEY, Achternaam nvarchar(100))
GO
CREATE TABLE pseudo.Leerlingen (Id int NOT NULL PRIMARY KEY, EckId nvarchar(154) NOT NULL,
    PersoonId int REFERENCES identiteit.Personen (PersoonId))
GO
SET ANSI_NULLS ON
GO
CREATE PROCEDURE pseudo.usp_Jaargroep @Id int
AS
BEGIN
    SET NOCOUNT ON;
    CREATE TABLE #werk (EckId nvarchar(154), Achternaam nvarchar(100));
    IF @Id > 0
    BEGIN
        UPDATE pseudo.Leerlingen SET EckId = EckId WHERE Id = @Id;
    END
END
GO
CREATE ROLE app_lezer
GO
CREATE ROLE id_dienst
GO
GRANT SELECT ON SCHEMA::pseudo TO app_lezer
GO
GRANT SELECT ON SCHEMA::identiteit TO id_dienst
GO
"""


def test_statements_after_a_procedure_batch_are_read_and_its_body_is_not(cli, tmp_path) -> None:
    """The GRANTs after the procedure keep the schemas apart (SEP-002 said the file declared
    none), and the procedure's temporary table is no table (SEP-001 read it as dbo.werk)."""
    path = tmp_path / "ssms.sql"
    path.write_text(_PROCEDURE_THEN_GRANTS)
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("SEP-001") == "pass", run.findings("SEP-001")
    assert run.verdict("SEP-002") == "pass", run.findings("SEP-002")


def test_a_grant_after_a_procedure_batch_is_not_lost(cli, tmp_path) -> None:
    path = tmp_path / "ssms.sql"
    path.write_text(
        _PROCEDURE_THEN_GRANTS + "GRANT SELECT ON SCHEMA::identiteit TO app_lezer\nGO\n"
    )
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("SEP-002") == "fail"


def test_an_exec_of_text_put_together_is_left_out_not_a_refusal() -> None:
    """EF Core's DropColumn: EXEC(N'ALTER TABLE … [' + @var0 + '];') — its statement cannot
    be known; sqlglot's error on it lost the whole T-SQL reading (exit 2)."""
    model = _model(
        "CREATE TABLE [Leerlingen] ([Id] int NOT NULL, [EckId] nvarchar(154) NOT NULL,\n"
        "    [Achternaam] nvarchar(100) NULL);\nGO\n"
        "IF NOT EXISTS (SELECT * FROM [__EFMigrationsHistory] WHERE [MigrationId] = N'2')\n"
        "BEGIN\n"
        "    DECLARE @var0 sysname;\n"
        "    SELECT @var0 = [d].[name] FROM [sys].[default_constraints] [d]\n"
        "    WHERE [d].[parent_object_id] = OBJECT_ID(N'[Leerlingen]');\n"
        "    IF @var0 IS NOT NULL\n"
        "    EXEC(N'ALTER TABLE [Leerlingen] DROP CONSTRAINT [' + @var0 + '];');\n"
        "    ALTER TABLE [Leerlingen] DROP COLUMN [Achternaam];\n"
        "END;\nGO\n"
    )
    assert _columns(model)["dbo.Leerlingen"] == ("Id", "EckId")


def test_a_table_read_only_in_a_views_filter_gives_it_no_columns() -> None:
    """SELECT * FROM pupils WHERE EXISTS (SELECT 1 FROM persons …): the view shows pupils'
    columns only (it was given the persons' names too, and a join step to them)."""
    model = _model(
        "CREATE TABLE identity.persons (id BIGINT PRIMARY KEY, achternaam TEXT, actief BOOLEAN);\n"
        "CREATE TABLE public.pupils (id BIGINT PRIMARY KEY, eck_id VARCHAR(154),\n"
        "    person_id BIGINT REFERENCES identity.persons (id));\n"
        "CREATE VIEW public.active_pupils AS SELECT * FROM public.pupils p\n"
        "    WHERE EXISTS (SELECT 1 FROM identity.persons pe WHERE pe.id = p.person_id);\n"
    )
    assert _columns(model)["public.active_pupils"] == (
        "pupils/id",
        "pupils/eck_id",
        "pupils/person_id",
    )
    assert _keys(model)["public.active_pupils"] == ["public.pupils"]


def test_a_role_unmade_superuser_is_an_ordinary_reader(cli, tmp_path) -> None:
    """CREATE ROLE ops SUPERUSER, later ALTER ROLE ops NOSUPERUSER: ops then reads only what
    it is granted — here both sides (only the CREATE was read: ops stayed a superuser, no
    ordinary role, and the file passed)."""
    path = tmp_path / "roles.sql"
    path.write_text(
        "CREATE SCHEMA identity;\n"
        "CREATE TABLE identity.persons (id BIGINT PRIMARY KEY, achternaam TEXT, bsn CHAR(9));\n"
        "CREATE TABLE public.pupils (id BIGINT PRIMARY KEY, eck_id VARCHAR(154),\n"
        "    person_id BIGINT REFERENCES identity.persons (id));\n"
        "CREATE ROLE ops LOGIN SUPERUSER;\n"
        "ALTER ROLE ops NOSUPERUSER;\n"
        "GRANT SELECT ON identity.persons TO ops;\n"
        "GRANT SELECT ON public.pupils TO ops;\n"
    )
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("SEP-002") == "fail"
    assert "role ops may read both" in run.findings("SEP-002")[0]["message"]


def test_mysqls_rename_table_moves_the_table_and_its_references() -> None:
    """RENAME TABLE a TO b, c TO d (sqlglot keeps it raw: it was not read)."""
    model = _model(
        "CREATE TABLE app.tmp_leerlingen (id INT PRIMARY KEY, eck_id VARCHAR(154));\n"
        "CREATE TABLE app.resultaten (id INT, leerling INT,\n"
        "    FOREIGN KEY (leerling) REFERENCES app.tmp_leerlingen (id));\n"
        "CREATE TABLE app.x (id INT);\n"
        "RENAME TABLE app.tmp_leerlingen TO app.leerlingen, app.x TO archief.y;\n"
    )
    assert set(_columns(model)) == {"app.leerlingen", "app.resultaten", "archief.y"}
    assert _keys(model)["app.resultaten"] == ["app.leerlingen"]


def test_blank_lines_before_a_batchs_first_word_take_linear_time(tmp_path) -> None:
    """The code-batch pattern had "\\s+" inside a repetition: each blank before a batch's
    first word doubled the time (a script with a few indented blank lines after a GO ran for
    minutes). Run apart, so a regression fails instead of hanging the suite."""
    script = (
        "CREATE TABLE dbo.personen (persoon_id INT PRIMARY KEY, achternaam NVARCHAR(100))\nGO\n"
        + "        \n" * 6
        + "        CREATE TABLE dbo.leerlingen (id INT, eck_id NVARCHAR(154))\nGO\n"
        + "CREATE PROCEDURE dbo.p AS SELECT 1\nGO\n"
    )
    path = tmp_path / "indented.sql"
    path.write_text(script)
    code = "import sys; from pathlib import Path; from conformance.readers.ddl import read_ddl; "
    code += "print(sorted(t.qualified for t in read_ddl(Path(sys.argv[1])).tables))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == "['dbo.leerlingen', 'dbo.personen']", done.stderr[-500:]


@pytest.mark.parametrize("separator", ["GO\r\n", "GO -- batch\n", "GO;\n", "go 1\n"])
def test_go_lines_as_ssms_and_sqlcmd_write_them_separate_batches(separator: str) -> None:
    """SSMS writes CRLF; sqlcmd allows a comment or a count after GO: such a line was no
    separator, and the script one batch (a CRLF script was refused: no CREATE TABLE)."""
    newline = "\r\n" if separator.endswith("\r\n") else "\n"
    script = separator.join(
        [
            f"CREATE SCHEMA pseudo{newline}",
            "CREATE TABLE pseudo.leerlingen (id INT, eck_id NVARCHAR(154), achternaam"
            f" NVARCHAR(80)){newline}",
            f"GRANT SELECT ON SCHEMA::pseudo TO app_lezer{newline}",
        ]
    )
    model = _model(script)
    assert _columns(model)["pseudo.leerlingen"] == ("id", "eck_id", "achternaam")
    assert model.tables[0].line == 3


def test_rename_table_is_read_as_mysql_where_use_says_the_database(cli, tmp_path) -> None:
    """A raw RENAME TABLE in every dialect made PostgreSQL's reading win a tie: it ignores
    USE, put the pupils in public and moved the persons, so the account reading both
    databases passed (a review)."""
    path = tmp_path / "mysql.sql"
    path.write_text(
        "CREATE DATABASE school;\nCREATE DATABASE identiteit;\nUSE school;\n"
        "CREATE TABLE personen (id INT PRIMARY KEY, achternaam VARCHAR(100), bsn CHAR(9));\n"
        "CREATE TABLE leerlingen (id INT PRIMARY KEY, eck_id VARCHAR(154), persoon_id INT,\n"
        "    FOREIGN KEY (persoon_id) REFERENCES personen (id));\n"
        "RENAME TABLE personen TO identiteit.personen;\n"
        "CREATE USER 'app'@'%' IDENTIFIED BY 'x';\n"
        "GRANT SELECT ON school.* TO 'app'@'%';\n"
        "GRANT SELECT ON identiteit.* TO 'app'@'%';\n"
    )
    run = cli("check", "--profile", "nl-generic", path)
    assert run.verdict("SEP-002") == "fail"
    assert "identiteit.personen" in run.findings("SEP-002")[0]["message"]


def test_superusers_and_memberships_are_read_from_statements_not_comments() -> None:
    """A comment naming CREATE ROLE … SUPERUSER made that role a superuser (its grants were
    then no ordinary role's: a false pass), as the file's text was searched; and IN ROLE over
    a line break was also read as ROLE, so the role joined gave its member's grants away."""
    model = _model(
        "CREATE TABLE a.p (id INT, eck_id TEXT);\n"
        "-- do not: CREATE ROLE app SUPERUSER\n"
        "CREATE ROLE app LOGIN;\n"
        "CREATE ROLE app2 LOGIN IN\n    ROLE reader;\n"
        "CREATE ROLE ops SUPERUSER;\nALTER ROLE ops NOSUPERUSER;\nCREATE ROLE dba SUPERUSER;\n"
        "GRANT SELECT ON a.p TO app2;\n"
    )
    assert model.superusers == frozenset({"dba"})
    assert {g.role for g in model.grants} == {"app2"}
