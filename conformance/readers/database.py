"""Live databases by URL (SQLAlchemy's inspector): schemas, tables, columns, foreign keys, and
for PostgreSQL which roles may read which tables and which roles are superusers.

The password comes from the URL or from the environment variable CONFORMANCE_DATABASE_PASSWORD
and never appears in any output: the model's source is the URL with its password hidden.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlalchemy
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from conformance.model.errors import InputError
from conformance.model.storage import ForeignKey, Grant, StorageModel, Table
from conformance.readers.sniff import without_secrets

PASSWORD_VARIABLE = "CONFORMANCE_DATABASE_PASSWORD"  # noqa: S105  (a variable's name)
_SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast"})
_SELECT_GRANTS = sqlalchemy.text(
    "SELECT grantee, table_schema, table_name FROM information_schema.role_table_grants "
    "WHERE privilege_type = 'SELECT' AND table_schema NOT IN ('information_schema', 'pg_catalog')"
)
_SUPERUSERS = sqlalchemy.text("SELECT rolname FROM pg_roles WHERE rolsuper")
_MEMBERS = sqlalchemy.text(
    "SELECT m.rolname, r.rolname FROM pg_auth_members a "
    "JOIN pg_roles m ON m.oid = a.member JOIN pg_roles r ON r.oid = a.roleid"
)


def shown(url: URL) -> str:
    """The URL as every output shows it: password and secret query parameters hidden."""
    return without_secrets(url.render_as_string(hide_password=True))


def read_database(text: str) -> StorageModel:
    url = _url(text)
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            inspector = sqlalchemy.inspect(connection)
            tables = tuple(_tables(inspector))
            grants, superusers = _access(connection, url)
    except SQLAlchemyError as exc:
        raise _unreadable(url, exc) from None
    finally:
        engine.dispose()
    if not tables:
        raise InputError(shown(url), None, "the database has no tables")
    return StorageModel(
        source=shown(url),
        kind="database",
        database=f"{url.host or ''}/{url.database or ''}",
        tables=tables,
        grants=grants,
        superusers=superusers,
        grants_known=url.get_backend_name() == "postgresql",
    )


def _url(text: str) -> URL:
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: a port or host that does not parse
        raise InputError("database URL", None, "not a valid database URL") from None
    if url.password is None and os.environ.get(PASSWORD_VARIABLE):
        url = url.set(password=os.environ[PASSWORD_VARIABLE])
    # Never let SQLAlchemy create an empty SQLite database where the user mistyped a path.
    missing = not url.database or not Path(url.database).is_file()
    if url.get_backend_name() == "sqlite" and missing:
        raise InputError(shown(url), None, "no such SQLite database file")
    return url


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite" and url.database:
        return _read_only_sqlite(Path(url.database))
    try:
        return sqlalchemy.create_engine(url)
    except NoSuchModuleError:
        raise InputError(shown(url), None, f"no driver for {url.drivername} is installed") from None
    except (ArgumentError, ImportError) as exc:
        raise InputError(
            shown(url), None, f"cannot use this database URL ({type(exc).__name__})"
        ) from None


def _read_only_sqlite(path: Path) -> Engine:
    """An SQLite file opened read-only: the evidence is not changed by the run that
    certifies it (a read-write open rolls back an unfinished transaction's journal and
    deletes it). A pending WAL is read, as SQLite reads it."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlalchemy.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def _unreadable(url: URL, exc: SQLAlchemyError) -> InputError:
    if getattr(getattr(exc, "orig", None), "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
        problem = (
            "an unfinished transaction's journal lies beside it (a program writing it stopped): "
            "it is never rolled back here; let SQLite open it once, or copy it with .backup"
        )
        return InputError(shown(url), None, problem)
    return InputError(shown(url), None, f"cannot read the database ({type(exc).__name__})")


def _tables(inspector: sqlalchemy.Inspector) -> list[Table]:
    found = []
    for schema in inspector.get_schema_names():
        if schema in _SYSTEM_SCHEMAS or schema.startswith("pg_"):
            continue
        for name in inspector.get_table_names(schema=schema):
            columns = tuple(c["name"] for c in inspector.get_columns(name, schema=schema))
            keys = tuple(
                ForeignKey(
                    tuple(fk["constrained_columns"]),
                    fk.get("referred_schema") or schema,
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                )
                for fk in inspector.get_foreign_keys(name, schema=schema)
            )
            found.append(Table(schema, name, columns, keys))
        for name in _views(inspector, schema):  # a view joining pseudonyms to names is a code list
            columns = tuple(c["name"] for c in inspector.get_columns(name, schema=schema))
            found.append(Table(schema, name, columns))
    return found


def _views(inspector: sqlalchemy.Inspector, schema: str) -> list[str]:
    """The schema's views, and its materialized views where the database has them."""
    views = list(inspector.get_view_names(schema=schema))
    if inspector.dialect.name == "postgresql":  # SQLite has no materialized views
        views += inspector.get_materialized_view_names(schema=schema)
    return views


def _access(
    connection: sqlalchemy.Connection, url: URL
) -> tuple[tuple[Grant, ...], frozenset[str]]:
    """Who may SELECT what (roles a role is a member of included), and who is superuser."""
    if url.get_backend_name() != "postgresql":
        return (), frozenset()
    direct = [Grant(g, s, t) for g, s, t in connection.execute(_SELECT_GRANTS)]
    members: dict[str, set[str]] = {}
    for member, role in connection.execute(_MEMBERS):
        members.setdefault(role, set()).add(member)
    inherited = [Grant(m, g.schema, g.table) for g in direct for m in members.get(g.role, ())]
    superusers = frozenset(r for (r,) in connection.execute(_SUPERUSERS))
    return tuple(direct + inherited), superusers
