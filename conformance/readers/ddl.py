"""SQL DDL files parsed with sqlglot into a StorageModel: schemas, tables and views, columns
(also those ALTER TABLE adds and those a table INHERITS), foreign keys (inline, table-level,
named or not, and ALTER TABLE), GRANTs (through role membership too) and superuser roles.

Dialects: PostgreSQL, MySQL/MariaDB, SQL Server (T-SQL, its ``GO`` batch lines too) and SQLite;
the one that leaves the fewest statements unparsed wins. Statements sqlglot keeps as raw
commands are read where they say who may read what: GRANT on several tables, on all tables in
a schema (``ON ALL TABLES IN SCHEMA``, T-SQL ``SCHEMA::``, MySQL ``db.*``), of a role to a role,
ALTER DEFAULT PRIVILEGES, and ``SET search_path``, which says in which schema the tables after
it are.

The file is read whole and bounded (``MAX_SQL_BYTES``): sqlglot holds it and its tokens in
memory, and the trees of a group of statements at a time.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from sqlglot import Token, TokenType, exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.optimizer.scope import Scope, build_scope

from conformance.model.errors import InputError
from conformance.model.storage import ForeignKey, StorageModel, Table
from conformance.readers.grants import (
    DENY_MARK,
    Access,
    TooManyGrantsError,
    granted_by,
    names,
    unquote,
)
from conformance.readers.limits import MAX_SQL_BYTES, parser_words
from conformance.readers.source import read_limited

DIALECTS = ("postgres", "mysql", "tsql", "sqlite")
_DEFAULT_SCHEMA = {"postgres": "public", "tsql": "dbo", "mysql": "main", "sqlite": "main"}
# sqlcmd's and SSMS's batch separator: GO alone on its line, maybe a count, a ';' or a comment
# after it, and a CR before the line break (SSMS writes CRLF: such a script read as one batch)
_GO = re.compile(
    r"^[ \t]*GO(?:[ \t]+\d+)?[ \t]*;?[ \t]*(?:--[^\r\n]*)?\r?$", re.IGNORECASE | re.MULTILINE
)
# T-SQL's DENY, which no dialect of sqlglot parses (a whole SSMS script was refused): found
# among T-SQL's tokens (a "deny" in a comment or a string is none) and replaced by a marker
# every dialect parses (grants.DENY_MARK), read where it stands (:func:`_denials_marked`)
_DENY_WORD = re.compile(r"\bDENY\b", re.IGNORECASE)
# A DENY statement names a permission next ("deny boolean" is a column)
_PERMISSIONS = frozenset(
    "SELECT INSERT UPDATE DELETE ALL EXECUTE EXEC CONTROL ALTER REFERENCES VIEW CONNECT TAKE "
    "IMPERSONATE CREATE BACKUP SHOWPLAN UNMASK SUBSCRIBE SEND RECEIVE".split()
)
_DENY_GOES_ON = frozenset({"ON", "TO", "AS", "CASCADE"})  # words a DENY's next line may begin
# SET [SESSION | LOCAL] search_path TO …, and RESET search_path (back to the dialect's)
_SEARCH_PATH = re.compile(
    r"^\s*(?:SET\s+(?:SESSION\s+|(LOCAL)\s+)?search_path\s*(?:TO|=)\s*(.+?)|RESET\s+search_path)"
    r"\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)

# Statements sqlglot keeps raw that move a table to another schema: PostgreSQL's ALTER TABLE
# … SET SCHEMA and T-SQL's ALTER SCHEMA … TRANSFER
_SET_SCHEMA = re.compile(
    r"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>.+?)\s+SET\s+SCHEMA\s+"
    r"(?P<schema>\S+?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
# MySQL's RENAME TABLE a TO b[, c TO d …] (a table may move to another database with it)
_RENAME_TABLE = re.compile(
    r"^\s*RENAME\s+TABLES?\s+(?P<pairs>.+?)\s*;?\s*$", re.IGNORECASE | re.DOTALL
)
_RENAME_PAIR = re.compile(r"^\s*(?P<old>\S+)\s+TO\s+(?P<new>\S+)\s*$", re.IGNORECASE)
_TRANSFER = re.compile(
    r"^\s*ALTER\s+SCHEMA\s+(?P<schema>\S+)\s+TRANSFER\s+(?:OBJECT\s*::\s*)?(?P<table>.+?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)

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
    text = _GO.sub(";", _code_blanked(text))  # (the lines stay where they were)
    denials: list[str] = []
    text = _denials_marked(text, denials)
    return _model(_read(text, name, denials), name)


def _denials_marked(text: str, denials: list[str]) -> str:
    """The text with each T-SQL DENY statement replaced by a marker (its line breaks kept, so
    the lines after keep their number), the DENYs added to ``denials``. A DENY begins a
    statement (the file's first token, the first after a semicolon or on its line) and names
    a permission; it ends at its semicolon, or with the last of its lines (T-SQL needs no
    semicolon): a line goes on with it if it begins with ON, TO, AS, CASCADE or a comma, or
    the line before ended in a comma. A text T-SQL cannot tokenise is left as it is: its
    parse says what is wrong."""
    if not _DENY_WORD.search(text):
        return text
    try:
        tokens = Dialect.get_or_raise("tsql").tokenize(text)
    except SqlglotError:
        return text
    pieces: list[str] = []
    done = index = 0
    while index < len(tokens):
        if not _begins_denial(tokens, index):
            index += 1
            continue
        last = _denial_end(tokens, index)
        start, end = tokens[index].start, tokens[last].end + 1
        denials.append(text[start:end])
        marker = DENY_MARK.format(len(denials) - 1) + "\n" * text.count("\n", start, end)
        pieces += [text[done:start], marker]
        done, index = end, last + 1
    return "".join([*pieces, text[done:]])


def _begins_denial(tokens: list[Token], index: int) -> bool:
    token = tokens[index]
    if token.text.upper() != "DENY" or index + 1 == len(tokens):
        return False
    if tokens[index + 1].text.upper() not in _PERMISSIONS:
        return False
    before = tokens[index - 1] if index else None
    return before is None or before.token_type is TokenType.SEMICOLON or before.line < token.line


def _denial_end(tokens: list[Token], index: int) -> int:
    """The index of a DENY's last token: its semicolon, or the last token of its lines."""
    last = index
    while last + 1 < len(tokens):
        current, following = tokens[last], tokens[last + 1]
        if following.token_type is TokenType.SEMICOLON:
            return last + 1
        goes_on = (
            following.line == current.line
            or following.text.upper() in _DENY_GOES_ON
            or TokenType.COMMA in (following.token_type, current.token_type)
        )
        if not goes_on:
            return last
        last += 1
    return last


def _model(reading: _Reading, name: str) -> StorageModel:
    tables = {key: reading.moves.table(draft) for key, draft in reading.tables.items()}
    access = reading.access
    if not tables:
        raise InputError(name, None, "no CREATE TABLE statement found")
    schemas = {t.schema for t in tables.values()}
    try:
        grants = access.resolved(tables.values())
        denied = access.denials(schemas)
    except TooManyGrantsError as exc:
        raise InputError(name, None, str(exc)) from None
    return StorageModel(
        source=name,
        kind="ddl",
        database=name,
        tables=tuple(tables.values()),
        grants=tuple(grants),
        superusers=frozenset(access.superusers),
        grants_known=bool(grants) or access.declared,
        denied=tuple(denied),
    )


class _Reading:
    """The statements read in order: the tables so far (by schema and name as the database
    finds them), who may read what, and the schema unqualified names go to — the dialect's,
    a MySQL ``USE``'s, a ``SET search_path``'s, or within a transaction a ``SET LOCAL``'s."""

    def __init__(self, dialect: str, denials: list[str]) -> None:
        self.dialect = dialect
        self.tables: dict[tuple[str, str], _Draft] = {}
        self.moves = _Moves(self.tables)
        self.access = Access(denials)
        self.session = _DEFAULT_SCHEMA[dialect]
        self.local: str | None = None  # until the transaction ends
        self.raw = 0  # statements sqlglot left as raw commands in this dialect
        self.malformed: str | None = None  # what made the statements unreadable, if anything

    def take(self, statement: exp.Expr) -> None:
        """One more statement: read unless an earlier one was malformed, and counted as raw
        where sqlglot left it a command this reading does not understand either."""
        understood = False
        if self.malformed is None:
            try:
                understood = self.read(statement)
            except _MalformedError as exc:
                self.malformed = str(exc)
            except RecursionError:  # a tree sqlglot could build but not walk back
                self.malformed = "nested too deeply to read"
        self.raw += isinstance(statement, exp.Command) and not understood

    def read(self, statement: exp.Expr) -> bool:
        """Read a statement; whether it is a raw command this reading understands all the
        same (MySQL's RENAME TABLE: so a script with one is read as MySQL, whose USE says
        where its tables are)."""
        default = self.local or self.session
        if isinstance(statement, exp.Create) and statement.kind in ("TABLE", "VIEW"):
            table = _table(statement, default, self.tables)
            self.tables[_key(table.schema, table.name)] = _Draft(table)
        elif isinstance(statement, exp.Alter):
            _alter(statement, default, self.moves)
        elif isinstance(statement, exp.Grant):
            self.access.add(granted_by(statement, default))
        elif isinstance(statement, exp.Revoke):
            for taken in granted_by(statement, default):
                self.access.take(taken)
        elif isinstance(statement, exp.Use) and self.dialect == "mysql":  # a database: a schema
            self.session = statement.this.name or self.session
        elif isinstance(statement, (exp.Commit, exp.Rollback, exp.EndStatement)):
            self.local = None
        elif isinstance(statement, (exp.Command, exp.Set, exp.Execute)):  # SET, EXEC …
            sql = statement.sql(dialect=self.dialect, copy=False)  # (no copy: read only)
            if path := _SEARCH_PATH.match(sql):
                self._search(path)
            elif isinstance(statement, exp.Execute):
                _sp_rename(statement, default, self.moves)
            elif moving := _SET_SCHEMA.match(sql) or _TRANSFER.match(sql):
                self._set_schema(moving, default)
            elif self.dialect == "mysql" and (renaming := _RENAME_TABLE.match(sql)):
                self._rename_tables(renaming["pairs"], default)
                return True
            self.access.read(sql, self.local or self.session)
        return False

    def _set_schema(self, moving: re.Match[str], default: str) -> None:
        """A table moved to another schema, its name kept (sqlglot keeps the statement raw)."""
        try:
            table = exp.to_table(moving["table"], dialect=self.dialect)
            schema = exp.parse_identifier(moving["schema"], dialect=self.dialect).name
        except SqlglotError:
            return
        self.moves.move(_key(table.db or default, table.name), schema, table.name)

    def _rename_tables(self, pairs: str, default: str) -> None:
        """MySQL's RENAME TABLE, pair by pair in order (a TO b, b TO c: a is c)."""
        for pair in names(pairs):
            found = _RENAME_PAIR.match(pair)
            if found is None:
                return
            try:
                old = exp.to_table(found["old"], dialect=self.dialect)
                new = exp.to_table(found["new"], dialect=self.dialect)
            except SqlglotError:
                return
            self.moves.move(_key(old.db or default, old.name), new.db or default, new.name)

    def _search(self, path: re.Match[str]) -> None:
        """Where unqualified names go after a search path is set: to its first schema but the
        user's own ("$user": one per role), the dialect's for DEFAULT or RESET; a SET LOCAL's
        until the transaction ends."""
        initial = _DEFAULT_SCHEMA[self.dialect]
        listed = [s for s in map(unquote, names(path.group(2) or "default")) if s != "$user"]
        schema = initial if listed[:1] == ["default"] else next(iter(listed), None)
        if path.group(1):
            self.local = schema or self.local or self.session
        else:
            self.session = schema or self.session


def _key(schema: str, name: str) -> tuple[str, str]:
    """A table as the database looks it up: unquoted names are case-insensitive (and a quoted
    one differing only in case is rare enough to count as the same: a join more, not less)."""
    return schema.casefold(), name.casefold()


def _read(text: str, name: str, denials: list[str]) -> _Reading:
    """The file read in the dialect that understands most of it (fewest statements left as raw
    commands)."""
    problems: list[InputError] = []
    best: _Reading | None = None
    for dialect in DIALECTS:
        reading = _Reading(dialect, denials)
        try:
            for statements in _statement_groups(text, dialect, name):
                for statement in statements:
                    reading.take(statement)
                if best is not None and reading.raw >= best.raw:
                    break  # it cannot leave fewer raw (a tie goes to the dialect read first)
        except InputError as exc:  # another dialect may read it
            problems.append(exc)
            continue
        if best is None or reading.raw < best.raw:
            best = reading
        if reading.raw == 0:
            break
    if best is None:
        raise problems[0]
    if best.malformed is not None:
        raise InputError(name, None, f"malformed SQL: {best.malformed}")
    return best


# Statements parsed at once. A file's every tree held together took 722 MiB for 4 MB of small
# statements; a group's are read and let go before the next group is parsed.
_GROUP = 256


def _statement_groups(text: str, dialect: str, name: str) -> Iterator[list[exp.Expr]]:
    """sqlglot's statements, a group at a time, or the reason it cannot read them as one
    InputError: what it cannot tokenise, or nests past Python's stack (it parses
    recursively), is malformed input, never a crash. Only sqlglot's description is kept: its
    messages also quote the SQL. The whole text is tokenised (a statement's end is a token's
    business: a semicolon in a string, a comment or a function body is none), then parsed
    group by group, cut where :func:`_token_groups` says sqlglot reads the same either way."""
    try:
        reader = Dialect.get_or_raise(dialect)
        tokens = reader.tokenize(text)
        if dialect == "tsql" and _TSQL_BLOCKS.search(text):
            tokens = _Unwrapping(reader, text).run(tokens)
        groups = _token_groups(tokens)
        parser = reader.parser()
        while groups:
            yield [s for s in parser.parse(groups.popleft(), text) if s is not None]
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


# T-SQL: a procedure, function or trigger is its batch's first statement and its body runs to
# the batch's end (the next GO line). A body is code, not storage: read, a temporary table in
# it was a table, and its "; END END" made sqlglot's tokenizer swallow the rest of the script
# as one string (an SSMS script's GRANTs after it were never read).
_BATCH_OF_CODE = re.compile(
    # (possessive: with "\s+" inside the repetition each blank before a batch's first word
    # doubled the time, and a script indented with blank lines ran for minutes)
    r"\A(?:\s|--[^\n]*|/\*.*?\*/|GO\b[^\n]*|SET\s+\w+\s+(?:ON|OFF)\b;?)*+"
    r"((?:CREATE\s+(?:OR\s+ALTER\s+)?|ALTER\s+)(?:PROC|PROCEDURE|FUNCTION|TRIGGER)\b)",
    re.IGNORECASE | re.DOTALL,
)
_CODE_WORDS = re.compile(r"\b(?:PROC|PROCEDURE|FUNCTION|TRIGGER)\b", re.IGNORECASE)
_NOT_A_LINE_BREAK = re.compile(r"[^\n]")


def _code_blanked(text: str) -> str:
    """A script of GO-separated batches with each procedure's, function's and trigger's batch
    blanked from its CREATE or ALTER on (line breaks kept, so every line keeps its number).
    Without a GO line nothing is: a script of one batch, or another dialect's (PostgreSQL's
    CREATE FUNCTION ends at its own semicolon)."""
    if not _CODE_WORDS.search(text) or not _GO.search(text):
        return text
    starts = [0, *(m.start() for m in _GO.finditer(text))]
    parts = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        batch = text[start:end]
        code = _BATCH_OF_CODE.match(batch)
        if code is not None:
            batch = batch[: code.start(1)] + _NOT_A_LINE_BREAK.sub(" ", batch[code.start(1) :])
        parts.append(batch)
    return "".join(parts)


def _token_groups(tokens: list[Token]) -> deque[list[Token]]:
    """The tokens cut into groups of about :data:`_GROUP` statements (the list itself let go:
    each group is freed once parsed). A cut comes only outside any BEGIN … END block or
    CASE, before a statement that plainly stands on its own (CREATE, GRANT, SET …): sqlglot
    reads a block's statements, an END and an ELSE together with what comes before them, and
    a cut there would read them otherwise. After a semicolon once the group is full; and
    always after a block at the top (T-SQL's ``IF … BEGIN … END``), which sqlglot would
    otherwise read to the end of the file, taking every table after it along."""
    groups: deque[list[Token]] = deque()
    start = ends = depth = 0
    block_ended = False  # a block at the top ended since the last cut
    for index, token in enumerate(tokens):
        kind, cut = token.token_type, False
        if kind is TokenType.CASE or (kind is TokenType.BEGIN and _opens_block(tokens, index)):
            depth += 1
        elif kind is TokenType.END:  # (at the top too: T-SQL's tokens hide "END ELSE BEGIN")
            depth = max(depth - 1, 0)
            block_ended = block_ended or depth == 0
            cut = depth == 0 and _stands_alone(tokens, index + 1)
        elif kind is TokenType.SEMICOLON:
            ends += 1
            full = ends >= _GROUP or block_ended
            cut = full and not depth and _stands_alone(tokens, index + 1)
        if cut:
            groups.append(tokens[start : index + 1])
            start, ends, block_ended = index + 1, 0, False
    if start < len(tokens):
        groups.append(tokens[start:])
    return groups


# What may follow BEGIN when it starts a transaction, not a block
_TRANSACTION_WORDS = frozenset(
    {
        "TRANSACTION",
        "TRAN",
        "WORK",
        "DISTRIBUTED",
        "ISOLATION",
        "DEFERRED",
        "IMMEDIATE",
        "EXCLUSIVE",
    }
)
# Statements a cut may come before: none of them continues the one before it
_ALONE = frozenset(
    "CREATE ALTER DROP GRANT REVOKE SET RESET COMMENT INSERT USE TRUNCATE COMMIT ROLLBACK "
    "START".split()
)


def _opens_block(tokens: list[Token], index: int) -> bool:
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is None or following.token_type is TokenType.SEMICOLON:
        return False
    return following.text.upper() not in _TRANSACTION_WORDS


def _stands_alone(tokens: list[Token], index: int) -> bool:
    return index < len(tokens) and tokens[index].text.upper() in _ALONE


# T-SQL's conditional statements and dynamic SQL, worth a pass over the tokens only if present
_TSQL_BLOCKS = re.compile(r"\b(?:IF|EXEC(?:UTE)?\s*\()", re.IGNORECASE)
# Words after which IF [NOT] EXISTS is a clause of the statement (DROP TABLE IF EXISTS …), and
# AS, after which an IF is a procedure's body: neither begins a statement of the script's own
_IF_IS_A_CLAUSE = frozenset(
    "TABLE VIEW INDEX COLUMN CONSTRAINT SCHEMA PROCEDURE PROC FUNCTION TRIGGER TYPE SEQUENCE "
    "DATABASE USER ROLE SYNONYM STATISTICS DEFAULT RULE LOGIN DROP CREATE ALTER AS".split()
)
# Words that begin the statement an IF's condition is followed by (a condition's own SELECT
# stands in parentheses)
_STATEMENT_WORDS = _ALONE | frozenset(
    "BEGIN EXEC EXECUTE SELECT UPDATE DELETE MERGE DECLARE PRINT RAISERROR THROW RETURN IF".split()
)
_STRINGS = frozenset({TokenType.STRING, TokenType.NATIONAL_STRING})


class _Unwrapping:
    """T-SQL's tokens with every IF … BEGIN … END [ELSE …] of the script itself (not of a
    procedure's body) taken apart: its statements read as the script's own, whatever the
    condition, each branch's (EF Core's ``migrations script --idempotent`` wraps every
    statement so, and sqlglot keeps a block's statement without a semicolon as a raw command,
    or reads the next blocks into it). ``EXEC('…')``'s statement is read where the EXEC
    stands. Where an IF, END or ELSE was, a semicolon ends the statement before it.

    T-SQL's tokenizer reads what follows an END after a semicolon, to the next semicolon, as
    one string (``END END ELSE BEGIN CREATE …``): that text is tokenised again, in place."""

    def __init__(self, reader: Dialect, text: str) -> None:
        self.reader, self.text = reader, text
        self.kept = 0  # depth in blocks read as they are: CASE, a procedure's BEGIN … END
        self.opened = 0  # IF blocks open (outside any kept block)

    def run(self, tokens: list[Token]) -> list[Token]:
        pending = deque(tokens)
        out: list[Token] = []
        while pending:
            token = pending.popleft()
            swallowed = _swallowed(token, pending, self.text)
            if swallowed is not None:  # the rest of the END's statement, as tokens
                pending.popleft()
                rest = self._tokens_of(token.end + 1, swallowed.end + 1)
                if self.kept:  # left as T-SQL's parser reads it (a body's END END), counted
                    self.kept = max(self.kept + self._depth_of([token, *rest]), 0)
                    out += (token, swallowed)
                    continue
                pending.extendleft(reversed(rest))
            word = token.text.upper() if token.token_type is not TokenType.IDENTIFIER else ""
            if self.kept:
                self.kept += _depth_change(token, pending)
                out.append(token)
            elif token.token_type is TokenType.END and self.opened:
                self.opened -= 1
                out.append(_semicolon(token))
            elif word == "ELSE" or (  # an IF's (a CASE's is in a kept block): the other branch
                word == "IF" and _begins_statement(token, out) and self._condition(pending)
            ):
                out.append(_semicolon(token))  # (an IF's condition is taken from the tokens)
                self._enter(pending)
            elif token.token_type is not TokenType.EXECUTE or not self._dynamic(pending, out):
                self.kept = max(self.kept + _depth_change(token, pending), 0)
                out.append(token)
        return out

    @staticmethod
    def _skipped(pending: deque[Token], out: list[Token]) -> bool:
        """An EXEC's parenthesised text left out, up to its closing parenthesis (none: kept)."""
        depth = 0
        for count, token in enumerate(pending):
            depth += (token.token_type is TokenType.L_PAREN) - (
                token.token_type is TokenType.R_PAREN
            )
            if depth == 0:
                for _ in range(count + 1):
                    pending.popleft()
                out.append(_semicolon(token))
                return True
        return False

    def _depth_of(self, tokens: list[Token]) -> int:
        """How far the tokens go into blocks (or, below zero, out of them)."""
        pending, depth = deque(tokens), 0
        while pending:
            token = pending.popleft()
            swallowed = _swallowed(token, pending, self.text)
            if swallowed is not None:
                pending.popleft()
                pending.extendleft(reversed(self._tokens_of(token.end + 1, swallowed.end + 1)))
            depth += _depth_change(token, pending)
        return depth

    def _enter(self, pending: deque[Token]) -> None:
        """Into a branch: its BEGIN, if it has one, opens an IF block; else its one statement
        comes next."""
        if pending and pending[0].token_type is TokenType.BEGIN:
            begin = pending.popleft()
            if _depth_change(begin, pending) > 0:
                self.opened += 1
            else:  # BEGIN TRANSACTION: the branch's one statement
                pending.appendleft(begin)

    def _condition(self, pending: deque[Token]) -> bool:
        """Whether an IF's condition was taken from the tokens: up to the BEGIN or the statement
        after it, outside parentheses and CASE. Nothing is taken if neither comes before a
        semicolon."""
        taken: list[Token] = []
        depth = 0
        while pending and pending[0].token_type is not TokenType.SEMICOLON:
            token = pending[0]
            if depth == 0 and taken and token.text.upper() in _STATEMENT_WORDS:
                return True
            if token.token_type in (TokenType.L_PAREN, TokenType.CASE):
                depth += 1
            elif token.token_type in (TokenType.R_PAREN, TokenType.END):
                depth = max(depth - 1, 0)
            taken.append(pending.popleft())
        pending.extendleft(reversed(taken))
        return False

    def _dynamic(self, pending: deque[Token], out: list[Token]) -> bool:
        """``EXEC ('…')`` / ``EXEC (N'…')``: its statement's tokens in its place (where the
        text of the literal is the statement's as written: none of its quotes doubled)."""
        if len(pending) < 3 or pending[0].token_type is not TokenType.L_PAREN:
            return False
        literal, closing = pending[1], pending[2]
        if literal.token_type not in _STRINGS or closing.token_type is not TokenType.R_PAREN:
            # text put together at run time (EF Core's DropColumn: N'ALTER TABLE … [' +
            # @var0 + '];'): its statement cannot be known; left out, as sqlglot cannot parse
            # it and one error lost the whole T-SQL reading
            return self._skipped(pending, out)
        at = self.text.find(literal.text, literal.start, literal.end + 1)
        for _ in range(3):
            pending.popleft()
        out.append(_semicolon(literal))
        if at >= 0:
            pending.extendleft(
                [_semicolon(closing), *reversed(self._tokens_of(at, at + len(literal.text)))]
            )
        return True

    def _tokens_of(self, start: int, end: int) -> list[Token]:
        """The text from ``start`` to ``end`` tokenised, placed where it stands in the file."""
        try:
            tokens = self.reader.tokenize(self.text[start:end])
        except SqlglotError:
            return []
        line = self.text.count("\n", 0, start)
        return [
            Token(
                t.token_type,
                t.text,
                t.line + line,
                t.col,
                t.start + start,
                t.end + start,
                t.comments,
            )
            for t in tokens
        ]


def _swallowed(token: Token, pending: deque[Token], text: str) -> Token | None:
    """The string T-SQL's tokenizer made of what follows this END, if it made one: the text
    after the END as it stands (a string literal's would have its quotes)."""
    if token.token_type is not TokenType.END or not pending:
        return None
    following = pending[0]
    if following.token_type is not TokenType.STRING or following.end <= token.end:
        return None
    return following if text[token.end + 1 : following.end + 1].strip() == following.text else None


def _depth_change(token: Token, pending: deque[Token]) -> int:
    """How a token changes the depth of blocks: a CASE or a block's BEGIN (not a transaction's)
    opens one, an END closes one."""
    kind = token.token_type
    if kind is TokenType.CASE:
        return 1
    if kind is TokenType.BEGIN:
        following = pending[0] if pending else None
        return (
            following is not None
            and following.token_type is not TokenType.SEMICOLON
            and (following.text.upper() not in _TRANSACTION_WORDS)
        )
    return -1 if kind is TokenType.END else 0


def _begins_statement(token: Token, out: list[Token]) -> bool:
    """Whether an IF begins a statement: first, after a semicolon or the end of a block, or on
    a line of its own after anything but a word that makes it a clause (DROP TABLE IF …)."""
    before = out[-1] if out else None
    if before is None or before.token_type in (TokenType.SEMICOLON, TokenType.END):
        return True
    return before.text.upper() not in _IF_IS_A_CLAUSE and before.line < token.line


def _semicolon(token: Token) -> Token:
    return Token(TokenType.SEMICOLON, ";", token.line, token.col, token.start, token.end)


def _table(statement: exp.Create, default: str, tables: dict[tuple[str, str], _Draft]) -> Table:
    """A table (with the columns of the tables it INHERITS, read before it) or a view (its
    columns those it names or selects: a view joining pseudonyms to names is a code list)."""
    target = statement.this
    table_expr = target.this if isinstance(target, exp.Schema) else target
    schema = table_expr.db or default
    name = table_expr.name
    columns: list[str] = []
    keys: list[ForeignKey] = []
    for source, with_keys in _sources(statement):
        copied = tables.get(_key(source.db or default, source.name))
        if copied is not None:
            columns += copied.columns
            keys += copied.foreign_keys if with_keys else ()
    for item in target.expressions if isinstance(target, exp.Schema) else []:
        if isinstance(item, exp.ColumnDef):
            columns.append(item.name)
            for constraint in item.find_all(exp.Reference):
                keys.append(_reference((item.name,), constraint, schema))
        elif isinstance(item, exp.Identifier):  # CREATE VIEW v (a, b) AS …
            columns.append(item.name)
        else:  # FOREIGN KEY (…) REFERENCES …, or CONSTRAINT name FOREIGN KEY …
            keys += (_foreign_key(fk, schema) for fk in item.find_all(exp.ForeignKey))
    query = statement.expression
    if not columns and isinstance(query, exp.Query):  # a view, or CREATE TABLE … AS SELECT
        columns, selected_from = _view_columns(query, default, tables)
        keys += selected_from
    return Table(schema, name, tuple(columns), tuple(keys), _line_of(table_expr))


def _sources(statement: exp.Create) -> Iterator[tuple[exp.Table, bool]]:
    """The tables, read before, whose columns a new table has, and whether their foreign keys
    too: those it INHERITS and those it is made LIKE (PostgreSQL's ``(LIKE t …)``, MySQL's
    ``LIKE t``: no foreign key is copied), and a PostgreSQL partition's parent (whose foreign
    keys hold for every partition)."""
    for inherits in statement.find_all(exp.InheritsProperty):
        yield from ((parent, False) for parent in inherits.expressions)
    for like in statement.find_all(exp.LikeProperty):
        if isinstance(like.this, exp.Table):
            yield like.this, False
    for partition in statement.find_all(exp.PartitionedOfProperty):
        if isinstance(partition.this, exp.Table):
            yield partition.this, True


def _view_columns(
    query: exp.Query, default: str, tables: dict[tuple[str, str], _Draft]
) -> tuple[list[str], list[ForeignKey]]:
    """A view's columns, each under the table it is selected from where that is known
    (``scholen/naam``: a school's name, whatever the view is called), ``*`` as the columns of
    the tables it stands for; an expression's by the name it is given. And a join step to
    each table it selects a column from — its first such column is that table's (SEP-002: a
    view of the identity table granted to the application's role is as joinable as the
    table, by the same key)."""
    sources: dict[str, _Draft] = {}
    for source in query.find_all(exp.Table):
        if _in_a_filter(source, query):
            continue  # WHERE EXISTS (SELECT 1 FROM persons …): no column of the view's
        known = tables.get(_key(source.db or default, source.name))
        if known is not None:
            sources[source.alias_or_name.casefold()] = known
    only = next(iter(sources.values())) if len(set(sources.values())) == 1 else None
    columns: list[str] = []
    steps: dict[_Draft, ForeignKey] = {}  # the first column selected from each table
    derived = _Derived(query, default, tables)
    for selected in query.selects:
        bare = selected.this if isinstance(selected, exp.Alias) else selected
        column = bare if isinstance(bare, exp.Column) else None  # not EXTRACT(YEAR FROM p.…)
        if column is not None and column.table and column.table.casefold() not in sources:
            # d.achternaam FROM (SELECT … FROM persons) d, or from a CTE: the column's table
            found = derived.origin(column)
            if found is not None:
                origin, name = found
                columns.append(f"{origin.name}/{name}")
                steps.setdefault(origin, _selected_from(origin, name))
                continue
        owner = sources.get(column.table.casefold()) if column and column.table else only
        if isinstance(selected, exp.Star) or (column is selected and column.is_star):
            chosen = [owner] if owner is not None and column is not None else sources.values()
            for table in dict.fromkeys(chosen):
                columns += (f"{table.name}/{c}" for c in table.columns)
                if table.columns:
                    steps.setdefault(table, _selected_from(table, table.columns[0]))
        elif column is not None and column.name and owner is not None:
            columns.append(f"{owner.name}/{column.name}")
            steps.setdefault(owner, _selected_from(owner, column.name))
        elif selected.alias_or_name:
            columns.append(selected.alias_or_name)
    return columns, list(steps.values())


MAX_DERIVED_DEPTH = 64  # derived tables and CTEs followed down from a view's column


class _Derived:
    """A view's derived tables and CTEs, to follow a column down to the table it is selected
    from. The scopes are made once, when a column first asks, and each SELECT's columns are
    indexed by name once: a view of 100,000 columns is read in one pass, not one a column."""

    def __init__(
        self, query: exp.Query, default: str, tables: dict[tuple[str, str], _Draft]
    ) -> None:
        self.query, self.default, self.tables = query, default, tables
        self._root: Scope | bool | None = False  # False: not made yet
        self._named: dict[int, dict[str, exp.Column | None]] = {}

    def origin(self, column: exp.Column) -> tuple[_Draft, str] | None:
        """The table and column a view's column is selected from through derived tables and
        CTEs (``SELECT d.achternaam FROM (SELECT achternaam FROM persons) d``), where each
        level selects it as a plain column (an expression is no longer the same values);
        None where that cannot be followed to a table read before."""
        scope, found = self._scope(), column
        for _ in range(MAX_DERIVED_DEPTH):
            source = _source_of(scope, found) if scope is not None else None
            if isinstance(source, exp.Table):
                known = self.tables.get(_key(source.db or self.default, source.name))
                return None if known is None else (known, found.name)
            if not isinstance(source, Scope) or not isinstance(source.expression, exp.Select):
                return None
            inner = self._selected_as(source.expression, found.name)
            if inner is None:
                return None
            scope, found = source, inner
        return None

    def _scope(self) -> Scope | None:
        if self._root is False:
            try:
                self._root = build_scope(self.query)
            except SqlglotError:
                self._root = None
        return self._root if isinstance(self._root, Scope) else None

    def _selected_as(self, select: exp.Select, name: str) -> exp.Column | None:
        """The plain column a SELECT gives under a name (``achternaam``, ``p.naam AS
        achternaam``, or by ``*``: the column of that name of its one source); None for an
        expression."""
        named = self._named.get(id(select))  # (the query keeps every select alive)
        if named is None:
            named = self._named[id(select)] = _plain_columns(select)
        folded = name.casefold()
        if folded in named:
            return named[folded]
        return exp.column(name) if "*" in named else None


def _plain_columns(select: exp.Select) -> dict[str, exp.Column | None]:
    """A SELECT's columns by folded name: the plain column each is, None for an expression;
    ``*`` where it selects all of its sources' columns (the first of a name counts)."""
    named: dict[str, exp.Column | None] = {}
    for selected in select.selects:
        bare = selected.this if isinstance(selected, exp.Alias) else selected
        if isinstance(bare, exp.Star) or (isinstance(bare, exp.Column) and bare.is_star):
            named.setdefault("*", None)
        else:
            plain = bare if isinstance(bare, exp.Column) else None
            named.setdefault(selected.alias_or_name.casefold(), plain)
    return named


def _source_of(scope: Scope, column: exp.Column) -> exp.Table | Scope | None:
    """What a column of a scope is read from: the source its table names, or the scope's one
    source where it names none."""
    if column.table:
        folded = column.table.casefold()
        return next((s for a, s in scope.sources.items() if a.casefold() == folded), None)
    selected = list(scope.selected_sources.values())
    return selected[0][1] if len(selected) == 1 else None


def _in_a_filter(table: exp.Table, query: exp.Query) -> bool:
    """Whether a table is read only in a condition of the query (WHERE, HAVING), so that
    none of its columns is one of the query's."""
    node = table.parent
    while node is not None and node is not query:
        if isinstance(node, (exp.Where, exp.Having)):
            return True
        node = node.parent
    return False


def _selected_from(table: _Draft, column: str) -> ForeignKey:
    """A view's column as a step to the table it is selected from (the same values)."""
    return ForeignKey((f"{table.name}/{column}",), table.schema, table.name, (column,))


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


def _alter(statement: exp.Alter, default: str, moved: _Moves) -> None:
    """Columns (with their inline references) and foreign keys an ALTER TABLE adds, and the
    columns it drops or renames (a column dropped by a migration no longer sits beside the
    pseudonym), and the table's new name."""
    target = statement.this
    key = _key(target.db or default, target.name)
    table = moved.tables.get(key)
    if table is None:
        return
    actions = statement.args.get("actions") or []
    added = [a for a in actions if isinstance(a, exp.ColumnDef)]
    table.foreign_keys += (
        _reference((column.name,), reference, table.schema)
        for column in added
        for reference in column.find_all(exp.Reference)
    )
    table.foreign_keys += (
        _foreign_key(fk, table.schema) for fk in statement.find_all(exp.ForeignKey)
    )
    table.add(column.name for column in added)
    for action in actions:
        if isinstance(action, exp.Drop) and str(action.args.get("kind", "")).upper() == "COLUMN":
            table.drop(c.name for c in action.args.get("tables") or [])
        elif isinstance(action, exp.RenameColumn):
            table.rename(action.this.name, action.args["to"].name)
        elif isinstance(action, exp.ModifyColumn) and action.args.get("rename_from"):
            # MySQL's CHANGE [COLUMN] old new type: a rename too
            table.rename(action.args["rename_from"].name, action.this.name)
        elif isinstance(action, exp.AlterRename) and action.this.name:
            # ALTER TABLE … RENAME TO [db.]name: found by its new name (MySQL's in another
            # database, if it names one)
            key = moved.move(key, action.this.db or table.schema, action.this.name)


class _Moves:
    """The tables by key, and where those renamed or moved to another schema went: a foreign
    key written before the move points where the table went (the database follows the table,
    not its name), unless a table of the old name was made since."""

    def __init__(self, tables: dict[tuple[str, str], _Draft]) -> None:
        self.tables = tables
        self._went: dict[tuple[str, str], tuple[str, str]] = {}  # old key -> schema, name

    def move(self, key: tuple[str, str], schema: str, name: str) -> tuple[str, str]:
        """The table of ``key`` (if there is one) now in ``schema`` as ``name``: its new key."""
        draft = self.tables.pop(key, None)
        if draft is None:
            return key
        draft.schema, draft.name = schema, name
        new = _key(schema, name)
        self.tables[new] = draft
        if new != key:
            self._went[key] = (schema, name)
        return new

    def table(self, draft: _Draft) -> Table:
        table = draft.table()
        if not self._went:
            return table
        keys = tuple(map(self._followed, table.foreign_keys))
        return replace(table, foreign_keys=keys) if keys != table.foreign_keys else table

    def _followed(self, key: ForeignKey) -> ForeignKey:
        seen: set[tuple[str, str]] = set()
        target = _key(key.schema, key.table)
        while target not in self.tables and target in self._went and target not in seen:
            seen.add(target)
            schema, name = self._went[target]
            key = replace(key, schema=schema, table=name)
            target = _key(schema, name)
        return key


# T-SQL's sp_rename, its arguments by position or by name
_RENAME_ARGUMENTS = ("@objname", "@newname", "@objtype")


def _sp_rename(statement: exp.Execute, default: str, moves: _Moves) -> None:
    """``EXEC sp_rename 'schema.table.column', 'new', 'COLUMN'`` renames a column;
    ``EXEC sp_rename 'schema.table', 'new'`` a table (other kinds of object are not read)."""
    if statement.this.name.casefold() != "sp_rename":  # (sys. is the name's schema part)
        return
    given: dict[str, str] = {}
    for position, argument in enumerate(statement.expressions):
        name = _RENAME_ARGUMENTS[position] if position < len(_RENAME_ARGUMENTS) else ""
        value = argument
        if isinstance(argument, exp.EQ):  # @newname = N'…'
            name, value = argument.this.sql(dialect="tsql").casefold(), argument.expression
        if isinstance(value, (exp.Literal, exp.National)):
            given[name] = str(value.this)
    old, new, kind = (given.get(n, "") for n in _RENAME_ARGUMENTS)
    try:
        parts = [p.name for p in exp.to_column(old, dialect="tsql").parts] if old else []
    except SqlglotError:
        return
    if not new or not parts:
        return
    if kind.upper() == "COLUMN" and len(parts) >= 2:
        draft = moves.tables.get(_key(parts[-3] if len(parts) > 2 else default, parts[-2]))
        if draft is not None:
            draft.rename(parts[-1], new)
    elif not kind or kind.upper() == "OBJECT":
        schema = parts[-2] if len(parts) > 1 else default
        moves.move(_key(schema, parts[-1]), schema, new)


class _Draft:
    """A table while the statements are read. Its columns are kept by position, a dropped one
    leaving a gap, and each name's positions indexed: a migration's every ALTER TABLE rebuilt
    the columns (100,000 of them in a 4 MB file took minutes)."""

    def __init__(self, table: Table) -> None:
        self.schema, self.name, self.line = table.schema, table.name, table.line
        self.foreign_keys = list(table.foreign_keys)
        self._slots: list[str | None] = []
        self._where: dict[str, list[int]] = {}  # folded name -> its positions
        self._columns: tuple[str, ...] | None = None  # made when asked, until a change
        self.add(table.columns)

    @property
    def columns(self) -> tuple[str, ...]:
        if self._columns is None:
            self._columns = tuple(c for c in self._slots if c is not None)
        return self._columns

    def add(self, names: Iterable[str]) -> None:
        for name in names:
            self._where.setdefault(name.casefold(), []).append(len(self._slots))
            self._slots.append(name)
            self._columns = None

    def drop(self, names: Iterable[str]) -> None:
        for name in names:
            for position in self._where.pop(name.casefold(), ()):
                self._slots[position] = None
                self._columns = None

    def rename(self, old: str, new: str) -> None:
        positions = self._where.pop(old.casefold(), [])
        for position in positions:
            self._slots[position] = new
            self._columns = None
        if positions:
            self._where.setdefault(new.casefold(), []).extend(positions)

    def table(self) -> Table:
        return Table(self.schema, self.name, self.columns, tuple(self.foreign_keys), self.line)


def _line_of(table: exp.Expr) -> int | None:
    """The line of the table's name in its CREATE, as sqlglot's tokenizer recorded it: the
    statement's own, not a comment's naming the table or another schema's table of that name."""
    name = table.this
    line = name.meta.get("line") if isinstance(name, exp.Identifier) else None
    return line if isinstance(line, int) else None
