"""SEP-001/SEP-002 against a real PostgreSQL server, started here in a temporary cluster.

The server binaries come from Debian's postgresql package, which .ci/run installs. Where they
are missing the tests skip with the reason — except under CI (CONFORMANCE_REQUIRE_POSTGRES=1),
where a missing server is a failure, so a green CI means the live checks really ran.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "SEP-002"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Path, int]]:
    if not BIN:
        if os.environ.get("CONFORMANCE_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL server binaries are missing (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries are not installed (Debian package postgresql)")
    pytest.importorskip("psycopg", reason="the PostgreSQL driver (extra 'postgresql')")
    bin_dir = BIN[-1]
    # Its own folder outside pytest's (which only root may enter), owned by the server's user.
    data = Path(tempfile.mkdtemp(prefix="conformance-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    log = data / "server.log"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
    # Not captured: the server inherits the pipes and would hold them open for ever.
    subprocess.run(
        _as_postgres(start),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    try:
        yield data, port
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(_as_postgres(stop), check=False, capture_output=True, timeout=60)
        shutil.rmtree(data, ignore_errors=True)


def _database(server: tuple[Path, int], name: str, sql: str) -> str:
    import psycopg  # noqa: PLC0415  (optional driver)

    _, port = server
    admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/{name}", autocommit=True) as c:
        for role in ("identity_svc", "app_reader", "dba"):
            c.execute(
                f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        c.execute(sql.replace("CREATE ROLE", "-- CREATE ROLE"))
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"


def test_disjoint_grants_pass_and_one_role_reading_both_fails(server, cli) -> None:
    separated = _database(
        server, "separated", (SCHEMA / "pass_identity_schema_disjoint_grants.sql").read_text()
    )
    run = cli("check", "--profile", "nl-generic", separated)
    assert run.verdict("SEP-001") == "pass"
    assert run.verdict("SEP-002") == "pass", run.findings("SEP-002")
    assert run.code == 0

    joined = _database(server, "joined", (SCHEMA / "fail_one_role_reads_both.sql").read_text())
    run = cli("check", "--profile", "nl-generic", joined)
    (finding,) = run.findings("SEP-002")
    assert "public.pupils.person_id → identity.persons.id" in finding["message"]
    assert "role app_reader may read both" in finding["message"]


def test_a_role_that_reads_both_through_membership(server, cli) -> None:
    sql = (SCHEMA / "pass_identity_schema_disjoint_grants.sql").read_text()
    url = _database(server, "membership", sql)
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(
            "DO $$ BEGIN CREATE ROLE analyst; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        connection.execute("GRANT identity_svc TO analyst")
        connection.execute("GRANT app_reader TO analyst")
    run = cli("check", "--profile", "nl-generic", url)
    (finding,) = run.findings("SEP-002")
    assert "role analyst may read both" in finding["message"]


def test_a_password_in_the_url_is_in_no_report(server, cli, tmp_path: Path) -> None:
    """The reports repeat the command and name the database: the password in the URL (as
    user info or as a query parameter) is in none of them, nor on the terminal."""
    url = _database(
        server, "secrets", (SCHEMA / "pass_identity_schema_disjoint_grants.sql").read_text()
    )
    url = url.replace("postgres@", "postgres:Geheim-Wachtwoord-42@") + "?password=Geheim-43"
    out = tmp_path / "out"
    out.mkdir()
    run = cli(
        "check", "--profile", "nl-generic", url,
        "--html", out / "r.html", "--markdown", out / "r.md", "--junit", out / "r.xml",
        "--sarif", out / "r.sarif",
    )  # fmt: skip
    assert run.verdict("SEP-001") == "pass"
    written = "".join(path.read_text() for path in out.iterdir())
    assert "***" in run.report["reproduce"]["command"]
    assert not run.quoted("Geheim-Wachtwoord-42", "Geheim-43")
    assert "Geheim-Wachtwoord-42" not in written and "Geheim-43" not in written
