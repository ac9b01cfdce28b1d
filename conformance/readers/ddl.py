"""SQL DDL files parsed with sqlglot into a StorageModel: schemas, tables, columns, foreign keys
(inline, table-level and ALTER TABLE), GRANTs and superuser roles.

Dialects: PostgreSQL, MySQL/MariaDB, SQL Server (T-SQL) and SQLite; the first that parses the
whole file wins. Statements sqlglot keeps as raw commands (GRANT … ON ALL TABLES IN SCHEMA,
CREATE ROLE … SUPERUSER) are read with two small patterns for exactly those forms.

The file is read whole and bounded (``MAX_SQL_BYTES``): sqlglot holds it, and its tree, in memory.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from conformance.model.errors import InputError
from conformance.model.storage import ForeignKey, Grant, StorageModel, Table
from conformance.readers.limits import MAX_SQL_BYTES, parser_words
from conformance.readers.source import read_limited

DIALECTS = ("postgres", "mysql", "tsql", "sqlite")
_DEFAULT_SCHEMA = {"postgres": "public", "tsql": "dbo", "mysql": "main", "sqlite": "main"}
_GRANT_ALL_IN_SCHEMA = re.compile(
    r"GRANT\s+(?:SELECT|ALL(?:\s+PRIVILEGES)?)\b[^;]*?\bON\s+ALL\s+TABLES\s+IN\s+SCHEMA\s+"
    r"(\"?[\w]+\"?)\s+TO\s+([\w\",\s]+)",
    re.IGNORECASE,
)
_SUPERUSER = re.compile(r"CREATE\s+(?:ROLE|USER)\s+(\"?\w+\"?)[^;]*\bSUPERUSER\b", re.IGNORECASE)
logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its warnings quote the statement


def read_ddl(path: Path) -> StorageModel:
    return parse_ddl(read_limited(path, MAX_SQL_BYTES, "the SQL file"), str(path))


def parse_ddl(data: bytes, name: str) -> StorageModel:
    """The storage model of an SQL file's bytes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"byte {exc.start}", "SQL file is not UTF-8") from None
    if "\x00" in text:
        raise InputError(name, f"byte {data.find(bytes(1))}", "a NUL byte: not an SQL text file")
    statements, dialect = _parse(text, name)
    try:
        return _model(statements, dialect, text, name)
    except _MalformedError as exc:
        raise InputError(name, None, f"malformed SQL: {exc}") from None


def _model(statements: list[exp.Expr], dialect: str, text: str, name: str) -> StorageModel:
    tables: dict[tuple[str, str], Table] = {}
    grants: list[Grant] = []
    default = _DEFAULT_SCHEMA[dialect]
    for statement in statements:
        if isinstance(statement, exp.Create) and statement.kind == "TABLE":
            table = _table(statement, default, text)
            tables[(table.schema, table.name)] = table
        elif isinstance(statement, exp.Alter):
            _alter(statement, default, tables)
        elif isinstance(statement, exp.Grant):
            grants += _grants(statement, default)
        elif isinstance(statement, exp.Command):
            grants += _command_grants(statement.sql(dialect=dialect))
    superusers = frozenset(_unquote(m.group(1)) for m in _SUPERUSER.finditer(text))
    if not tables:
        raise InputError(name, None, "no CREATE TABLE statement found")
    return StorageModel(
        source=name,
        kind="ddl",
        database=name,
        tables=tuple(tables.values()),
        grants=tuple(grants),
        superusers=superusers,
        grants_known=bool(grants),
    )


def _parse(text: str, name: str) -> tuple[list[exp.Expr], str]:
    """The dialect that understands most of the file (fewest statements left as raw commands)."""
    problems: list[InputError] = []
    best: tuple[int, list[exp.Expr], str] | None = None
    for dialect in DIALECTS:
        try:
            parsed = _parse_as(text, dialect, name)
        except InputError as exc:  # another dialect may read it
            problems.append(exc)
            continue
        raw = sum(1 for s in parsed if isinstance(s, exp.Command))
        if best is None or raw < best[0]:
            best = (raw, parsed, dialect)
        if raw == 0:
            break
    if best is not None:
        return best[1], best[2]
    raise problems[0]


def _parse_as(text: str, dialect: str, name: str) -> list[exp.Expr]:
    """sqlglot's statements, or the reason it cannot read them as one InputError: what it
    cannot tokenise, or nests past Python's stack (it parses recursively), is malformed input,
    never a crash. Only sqlglot's description is kept: its messages also quote the SQL."""
    try:
        return [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except ParseError as exc:
        detail = exc.errors[0] if exc.errors else {}
        line = detail.get("line")
        where = f"line {line} column {detail.get('col')}" if line else None
        problem = parser_words(str(detail.get("description") or "cannot parse").split(". ")[0])
        raise InputError(name, where, f"malformed SQL: {problem}") from None
    except SqlglotError:
        raise InputError(name, None, "malformed SQL: cannot split it into tokens") from None
    except RecursionError:
        raise InputError(name, None, "malformed SQL: nested too deeply to parse") from None


def _table(statement: exp.Create, default: str, text: str) -> Table:
    target = statement.this
    table_expr = target.this if isinstance(target, exp.Schema) else target
    schema = table_expr.db or default
    name = table_expr.name
    columns: list[str] = []
    keys: list[ForeignKey] = []
    for item in target.expressions if isinstance(target, exp.Schema) else []:
        if isinstance(item, exp.ColumnDef):
            columns.append(item.name)
            for constraint in item.find_all(exp.Reference):
                keys.append(_reference((item.name,), constraint, schema))
        elif isinstance(item, exp.ForeignKey):
            keys.append(_foreign_key(item, schema))
    return Table(schema, name, tuple(columns), tuple(keys), _line_of(text, name))


def _reference(columns: tuple[str, ...], ref: exp.Reference, default: str) -> ForeignKey:
    target = ref.this
    table_expr = target.this if isinstance(target, exp.Schema) else target
    ref_columns = (
        tuple(c.name for c in target.expressions) if isinstance(target, exp.Schema) else ()
    )
    return ForeignKey(columns, table_expr.db or default, table_expr.name, ref_columns)


class _MalformedError(Exception):
    """A statement sqlglot accepts but no database would (its words are the message)."""


def _foreign_key(item: exp.ForeignKey, default: str) -> ForeignKey:
    columns = tuple(c.name for c in item.expressions)
    reference = item.args.get("reference")
    if not isinstance(reference, exp.Reference):  # FOREIGN KEY (a) with nothing it points to
        raise _MalformedError("a FOREIGN KEY without REFERENCES")
    return _reference(columns, reference, default)


def _alter(statement: exp.Alter, default: str, tables: dict[tuple[str, str], Table]) -> None:
    target = statement.this
    key = (target.db or default, target.name)
    table = tables.get(key)
    if table is None:
        return
    added = [_foreign_key(fk, key[0]) for fk in statement.find_all(exp.ForeignKey)]
    if added:
        tables[key] = Table(
            table.schema, table.name, table.columns, table.foreign_keys + tuple(added), table.line
        )


def _grants(statement: exp.Grant, default: str) -> list[Grant]:
    privileges = {p.sql().upper() for p in statement.args.get("privileges") or []}
    if not privileges & {"SELECT", "ALL", "ALL PRIVILEGES"}:
        return []
    securable = statement.args.get("securable")
    if not isinstance(securable, exp.Table):
        return []
    schema, table = securable.db or default, securable.name
    return [Grant(_unquote(p.sql()), schema, table) for p in statement.args.get("principals", [])]


def _command_grants(sql: str) -> list[Grant]:
    grants = []
    for match in _GRANT_ALL_IN_SCHEMA.finditer(sql):
        schema = _unquote(match.group(1))
        for role in re.split(r"\s*,\s*", match.group(2).strip()):
            grants.append(Grant(_unquote(role), schema, None))
    return grants


def _unquote(identifier: str) -> str:
    return identifier.strip().strip('"`[]').lower()


def _line_of(text: str, table: str) -> int | None:
    match = re.search(
        rf"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\w\".\[\]`]*?\b{re.escape(table)}\b",
        text,
        re.IGNORECASE,
    )
    return text.count("\n", 0, match.start()) + 1 if match else None
