"""Who may read which table, from an SQL file's GRANTs, REVOKEs, T-SQL DENYs and role
memberships (PostgreSQL, MySQL/MariaDB, SQL Server), for SEP-002: a role reading both the
pseudonyms and the identities they stand for can join them.

Statements sqlglot parses (GRANT and REVOKE on a table) come as expressions; the rest (a
schema's every table, default privileges, roles, T-SQL's forms) as their SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlglot import exp

from conformance.model.storage import Grant, Table

# (T-SQL's "AS grantor" after the roles names who grants, not who is granted)
_GRANT = re.compile(
    r"^\s*GRANT\s+(.+?)\s+TO\s+(.+?)(?:\s+(?:WITH|GRANTED\s+BY|AS)\b.*)?\s*;?\s*$", re.I | re.S
)
# REVOKE GRANT OPTION FOR … takes only the right to pass a privilege on: not matched
_REVOKE = re.compile(
    r"^\s*REVOKE\s+(?!GRANT\s+OPTION\b)(.+?)\s+FROM\s+(.+?)"
    r"(?:\s+(?:CASCADE|RESTRICT|GRANTED\s+BY)\b.*)?\s*;?\s*$",
    re.I | re.S,
)
_DENIAL = re.compile(
    r"^\s*DENY\s+(.+?)\s+TO\s+(.+?)(?:\s+(?:CASCADE|AS)\b.*)?\s*;?\s*(?:--.*)?$", re.I | re.S
)
# A role made a member of another in T-SQL: ALTER ROLE r ADD MEMBER m, sp_addrolemember 'r', 'm'
_ADD_MEMBER = re.compile(r"^\s*ALTER\s+ROLE\s+(\S+)\s+ADD\s+MEMBER\s+(\S+)", re.IGNORECASE)
_ADD_ROLE_MEMBER = re.compile(
    r"^\s*EXEC(?:UTE)?\s+(?:\S+\.)?sp_addrolemember\s+(?:@rolename\s*=\s*)?N?'([^']+)'\s*,"
    r"\s*(?:@membername\s*=\s*)?N?'([^']+)'",
    re.IGNORECASE,
)
# PostgreSQL's CREATE ROLE (USER, GROUP) may name memberships at once: after IN ROLE or
# IN GROUP the roles it joins; after ROLE, ADMIN or USER the roles that join it
# (and CREATE or ALTER ROLE may make it a superuser, or no longer one: NOSUPERUSER)
_ROLE_STATEMENT = re.compile(
    r"""^\s*(CREATE|ALTER)\s+(?:ROLE|USER|GROUP)\s+("[^"]*"|[^\s;]+)(.*)$""", re.I | re.S
)
_ROLE_LIST = r"""((?:"[^"]*"|[^\s,;"]+)(?:\s*,\s*(?:"[^"]*"|[^\s,;"]+))*)"""
# one pattern for both directions, so "IN ROLE" is never also read as "ROLE" (over a line
# break it was, and the member's grants went to the role it joined)
_MEMBERSHIP = re.compile(r"\b(IN\s+(?:ROLE|GROUP)|ROLE|ADMIN|USER)\s+" + _ROLE_LIST, re.I)
_SUPERUSER = re.compile(r"\b(NO)?SUPERUSER\b", re.I)
_QUOTED_TEXT = re.compile(r"'(?:[^']|'')*'")  # a password or a date: no role names in it
# Built-in roles that read every table: a member of one reads both sides
# (not db_owner: the database's owner, a deployment's account — as a superuser, no ordinary role)
_READ_ALL_ROLES = frozenset({"pg_read_all_data", "db_datareader"})
_DEFAULT_PRIVILEGES = re.compile(
    r"^\s*ALTER\s+DEFAULT\s+PRIVILEGES(?:\s+FOR\s+(?:ROLE|USER)\s+.+?)?(?:\s+IN\s+SCHEMA\s+(.+?))?"
    r"\s+GRANT\s+(.+?)\s+ON\s+"
    r"TABLES\s+"
    r"TO\s+(.+?)(?:\s+WITH\s+\w+\s+OPTION)?\s*;?\s*$",
    re.I | re.S,
)
_SCHEMA_WIDE = re.compile(
    r"\s*(?:ALL\s+TABLES\s+IN\s+SCHEMA\s+|SCHEMA\s*::\s*)(.+)$", re.IGNORECASE | re.DOTALL
)
_NAME_PART = re.compile(r'"[^"]*"|`[^`]*`|\[[^\]]*\]|\*|[^\s."`\[\]]+')
_READING = frozenset({"SELECT", "ALL", "ALL PRIVILEGES"})
_PRIVILEGES = _READING | frozenset(
    "INSERT UPDATE DELETE TRUNCATE REFERENCES TRIGGER USAGE CREATE CONNECT TEMPORARY TEMP "
    "EXECUTE ALTER CONTROL VIEW DEFINITION".split()
)


def granted_by(statement: exp.Grant | exp.Revoke, default: str) -> list[Grant]:
    """The reading a GRANT gives (or a REVOKE takes): its roles on its table. A grant on a
    schema, database, function or sequence gives no reading of a table, and REVOKE GRANT
    OPTION FOR takes only the right to pass it on."""
    # A privilege's name, without the columns of a column grant (SELECT (id, achternaam)):
    # a reader of some columns is a reader of the table here — it can join on them, and which
    # columns carry what is not told apart.
    listed = statement.args.get("privileges") or []
    privileges = _privileges(", ".join(p.sql(copy=False) for p in listed))
    if not privileges & _READING:
        return []
    if isinstance(statement, exp.Revoke) and statement.args.get("grant_option"):
        return []
    if statement.args.get("kind") not in (None, "TABLE", "VIEW"):
        return []
    securable = statement.args.get("securable")
    if not isinstance(securable, exp.Table):
        return []
    schema, table = securable.db or default, securable.name
    principals = statement.args.get("principals", [])  # (sql without a copy: read only)
    return [Grant(unquote(p.sql(copy=False)), schema, table) for p in principals]


# The marker a DENY line is replaced with before sqlglot reads the file (no dialect parses
# DENY): a SET every dialect parses, so the DENY is read where it stands among the GRANTs.
DENY_MARK = "SET conformance_deny = {};"
_DENY_MARK = re.compile(r"^\s*SET\s+conformance_deny\s*=?\s*(\d+)", re.IGNORECASE)
# What a GRANT, REVOKE or DENY may name that holds no table to read (T-SQL's SCHEMA:: and
# DATABASE:: forms are read before: they grant reading of every table in them).
_NO_TABLE = re.compile(
    r"\s*(?:SCHEMA|DATABASE|FUNCTION|PROCEDURE|ROUTINE|SEQUENCE|TYPE|DOMAIN|LANGUAGE|"
    r"TABLESPACE|FOREIGN|LARGE\s+OBJECT|ALL\s+(?:FUNCTIONS|PROCEDURES|ROUTINES|SEQUENCES))\b",
    re.IGNORECASE,
)
_WHOLE_DATABASE = re.compile(r"\s*(?:\*(?:\.\*)?|DATABASE\s*::.*)\s*$", re.IGNORECASE | re.DOTALL)
_EACH_TABLE = re.compile(r"\s*ALL\s+TABLES\s+IN\s+SCHEMA\b", re.IGNORECASE)


class Access:
    """Who may read what, from GRANTs, REVOKEs and T-SQL's DENYs in the order they stand,
    and role membership: a member may read what its roles may, at any depth, and may not what
    a DENY to one of them forbids (until a GRANT or REVOKE of the same replaces it). A grant
    on ALL TABLES IN SCHEMA (or a schema's default privileges) is one grant per table, so a
    REVOKE can take one table from it; a grant on a schema or database as such (T-SQL's
    SCHEMA::, MySQL's db.*) outlasts a REVOKE on one of its tables."""

    # Kept by (role, schema) and table, names folded: a REVOKE or DENY finds what it takes in
    # one lookup (a file of 10,000 GRANTs and REVOKEs took a minute compared pair by pair).
    def __init__(self, denials: Sequence[str] = ()) -> None:
        self.grants: dict[tuple[str, str], dict[str | None, Grant]] = {}
        self.everything: set[str] = set()  # roles that may read every table (T-SQL GRANT SELECT TO)
        self.members: dict[tuple[str, str], None] = {}  # (role, member), in order
        self.superusers: set[str] = set()  # as the statements read so far leave them
        self.each_table: set[tuple[str, str]] = set()  # (role, schema): granted table by table
        self.revoked: dict[tuple[str, str], set[str]] = {}  # tables taken from such a grant
        self.denied: dict[tuple[str, str, str | None], Grant] = {}  # T-SQL DENY (None: all)
        self.denied_everywhere: set[str] = set()
        self.declared = False  # whether any reading of a table was granted
        self._denials = list(denials)  # the DENY lines, by the number of their marker

    def read(self, sql: str, default: str) -> None:
        if mark := _DENY_MARK.match(sql):
            self.deny(self._denials[int(mark.group(1))], default)
            return
        if member := _ADD_MEMBER.match(sql) or _ADD_ROLE_MEMBER.match(sql):
            self.members[unquote(member.group(1)), unquote(member.group(2))] = None
            return
        if role := _ROLE_STATEMENT.match(sql):
            self._role_options(role.group(1).upper(), unquote(role.group(2)), role.group(3))
            return
        if defaults := _DEFAULT_PRIVILEGES.match(sql):
            if not _privileges(defaults.group(2)) & _READING:
                return
            roles = _roles(defaults.group(3))
            if defaults.group(1) is None:  # in every schema the tables are created in
                self._everywhere(roles)
            for schema in names(defaults.group(1) or ""):
                self.add((Grant(r, unquote(schema), None) for r in roles), each_table=True)
        elif grant := _GRANT.match(sql):
            self._grant(grant.group(1), _roles(grant.group(2)), default)
        elif revoke := _REVOKE.match(sql):
            self._revoke(revoke.group(1), _roles(revoke.group(2)), default)

    def _role_options(self, verb: str, role: str, options: str) -> None:
        """What a CREATE or ALTER ROLE says, in file order: SUPERUSER or NOSUPERUSER; and the
        memberships a CREATE names — ``IN ROLE app_reader`` makes the new role a member of
        app_reader, ``ROLE pupil_app`` makes pupil_app a member of the new role."""
        options = _QUOTED_TEXT.sub("''", options)  # a password says nothing of roles
        for power in _SUPERUSER.finditer(options):
            (self.superusers.discard if power.group(1) else self.superusers.add)(role)
        if verb != "CREATE":
            return  # (ALTER ROLE … ADD MEMBER is read above)
        for named in _MEMBERSHIP.finditer(options):
            joins = named.group(1).upper().startswith("IN")
            for other in map(unquote, names(named.group(2))):
                self.members[(other, role) if joins else (role, other)] = None

    def add(self, grants: Iterable[Grant], each_table: bool = False) -> None:
        """Grants, in order: one given again after a REVOKE holds again, and one replaces a
        DENY of the same."""
        for grant in grants:
            self.declared = True
            key = _folded(grant)
            self.grants.setdefault(key[:2], {}).setdefault(key[2], grant)
            if key[2] is None:
                if each_table:
                    self.each_table.add(key[:2])
                self.revoked.pop(key[:2], None)
            else:
                self.revoked.get(key[:2], set()).discard(key[2])
            self.denied.pop(key, None)

    def take(self, taken: Grant, each_table: bool = False) -> None:
        """A REVOKE's reading of a table, or of a schema's every table (table None; with
        ``each_table``, ALL TABLES IN SCHEMA: every grant on a table of it too). It removes a
        DENY of the same as well."""
        key = _folded(taken)
        self.denied.pop(key, None)
        held = self.grants.get(key[:2], {})
        if key[2] is None:
            if each_table:  # every table's grant in the schema goes too
                held.clear()
                self.revoked.pop(key[:2], None)
            else:
                held.pop(None, None)
            return
        if key[:2] in self.each_table and None in held:
            self.revoked.setdefault(key[:2], set()).add(key[2])
        held.pop(key[2], None)

    def deny(self, sql: str, default: str) -> None:
        denial = _DENIAL.match(sql)
        if denial is None:
            return
        privileges, target = _split_on(denial.group(1))
        roles = _roles(denial.group(2))
        if not _privileges(privileges) & _READING:
            return
        found = self._on(target, roles, default) if target is not None else None
        if found is None:  # DENY SELECT TO r: on the whole database
            self.denied_everywhere.update(roles)
        else:
            self.denied.update((_folded(grant), grant) for grant in found)

    def _everywhere(self, roles: Iterable[str]) -> None:
        """Reading of every table granted to the roles (a database-level DENY replaced)."""
        roles = list(roles)
        self.declared = self.declared or bool(roles)
        self.everything.update(roles)
        self.denied_everywhere.difference_update(roles)

    def _grant(self, what: str, roles: list[str], default: str) -> None:
        privileges, target = _split_on(what)
        if target is None:  # GRANT role TO member, or (T-SQL) a privilege on the whole database
            if granted := _privileges(what) & _PRIVILEGES:
                self._everywhere(roles if granted & _READING else ())
            else:
                self.members.update(((r, member), None) for r in _roles(what) for member in roles)
        elif _privileges(privileges) & _READING:
            found = self._on(target, roles, default)
            if found is None:
                self._everywhere(roles)
            else:
                self.add(found, each_table=_EACH_TABLE.match(target) is not None)

    def _revoke(self, what: str, roles: list[str], default: str) -> None:
        privileges, target = _split_on(what)
        if target is None:  # REVOKE role FROM member, or a privilege on the whole database
            if taken := _privileges(what) & _PRIVILEGES:
                self._nowhere(roles if taken & _READING else ())
            else:
                for pair in ((role, member) for role in _roles(what) for member in roles):
                    self.members.pop(pair, None)
        elif _privileges(privileges) & _READING:
            found = self._on(target, roles, default)
            if found is None:
                self._nowhere(roles)
            else:
                each_table = _EACH_TABLE.match(target) is not None
                for grant in found:
                    self.take(grant, each_table)

    def _nowhere(self, roles: Iterable[str]) -> None:
        """Reading of every table revoked from the roles (and a database-level DENY with it)."""
        roles = list(roles)
        self.everything.difference_update(roles)
        self.denied_everywhere.difference_update(roles)

    def _on(self, target: str, roles: list[str], default: str) -> list[Grant] | None:
        """The tables a GRANT, REVOKE or DENY names, for each role (table None: a schema's
        every table); None for every table of the database (MySQL's ``*.*``, T-SQL's
        ``DATABASE::``); none for an object that holds no table (a schema's own rights, a
        function, a sequence)."""
        if _WHOLE_DATABASE.match(target):
            return None
        schema_wide = _SCHEMA_WIDE.match(target)  # ALL TABLES IN SCHEMA a, b; T-SQL SCHEMA::a
        if schema_wide:
            schemas = map(unquote, names(schema_wide.group(1)))
            return [Grant(role, schema, None) for schema in schemas for role in roles]
        if _NO_TABLE.match(target):
            return []
        target = re.sub(r"^\s*(?:TABLE\s+|OBJECT\s*::\s*)", "", target, flags=re.IGNORECASE)
        found = []
        for name in names(target):
            parts = [unquote(part) for part in _NAME_PART.findall(name)]
            schema = parts[-2] if len(parts) > 1 else default
            table = None if parts[-1] == "*" else parts[-1]
            found += [Grant(role, schema, table) for role in roles]
        return found

    def resolved(self, tables: Iterable[Table]) -> list[Grant]:
        """Every grant, those of a whole database per schema, and those through roles; a
        schema-wide grant a REVOKE took tables from, as a grant on each of the others."""
        tables = list(tables)
        schemas = {t.schema for t in tables}
        direct = [
            given
            for held in self.grants.values()
            for grant in held.values()
            for given in self._left_of(grant, tables)
        ]
        direct += [Grant(r, s, None) for r in self.everything for s in schemas]
        below = self._members_below()
        through = _through_roles(direct, below)
        readers_of_all = _all_below(_READ_ALL_ROLES | self.everything, below)
        _count(len(through) + len(readers_of_all) * len(schemas))
        through += [Grant(member, schema, None) for member in readers_of_all for schema in schemas]
        return direct + through

    def _left_of(self, grant: Grant, tables: list[Table]) -> list[Grant]:
        """A grant as it stands after the REVOKEs: a schema-wide one they took tables from
        is one on each table of the schema they left."""
        role, schema, table = _folded(grant)
        taken = self.revoked.get((role, schema))
        if table is not None or not taken:
            return [grant]
        return [
            Grant(grant.role, t.schema, t.name)
            for t in tables
            if t.schema.casefold() == schema and t.name.casefold() not in taken
        ]

    def denials(self, schemas: set[str]) -> list[Grant]:
        """What roles may not read whatever is granted: T-SQL's DENYs, to each member of a
        denied role too."""
        denied = list(self.denied.values())
        denied += [Grant(r, s, None) for r in self.denied_everywhere for s in schemas]
        return denied + _through_roles(denied, self._members_below())

    def _members_below(self) -> dict[str, list[str]]:
        """Each role's members (those made members of it directly)."""
        below: dict[str, list[str]] = {}
        for role, member in self.members:
            below.setdefault(role, []).append(member)
        return below


class TooManyGrantsError(Exception):
    """Role memberships that would give more grants than are read (a hostile file: a chain of
    20,000 roles each granted to the next took 12 GiB as every member's set of roles)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"role memberships give more than {limit:,} grants; refused")


MAX_GRANTS_THROUGH_ROLES = 1_000_000


def _count(grants: int) -> None:
    if grants > MAX_GRANTS_THROUGH_ROLES:
        raise TooManyGrantsError(MAX_GRANTS_THROUGH_ROLES)


def _through_roles(grants: list[Grant], below: dict[str, list[str]]) -> list[Grant]:
    """The grants (or denials) each member has through the roles it is a member of, at any
    depth: from each role granted something down to its members, so a long chain of roles
    costs its length for each grant at its top, not its length for each of its members."""
    by_role: dict[str, list[Grant]] = {}
    for grant in grants:
        by_role.setdefault(grant.role, []).append(grant)
    found: list[Grant] = []
    for role, given in by_role.items():
        for member in _all_below({role}, below):
            found += [replace(grant, role=member) for grant in given]
            _count(len(found))
    return found


def _all_below(roles: Iterable[str], below: dict[str, list[str]]) -> list[str]:
    """The members of the roles at any depth (the roles themselves only where a cycle of
    memberships leads back to them), each once."""
    seen: set[str] = set()
    stack = [member for role in roles for member in below.get(role, ())]
    found = []
    while stack:
        member = stack.pop()
        if member not in seen:
            seen.add(member)
            found.append(member)
            stack += below.get(member, ())
    return found


def _split_on(what: str) -> tuple[str, str | None]:
    """A GRANT's or REVOKE's privileges and what they are on (None: no ON, roles or the whole
    database)."""
    on = re.split(r"\s+ON\s+", what, maxsplit=1, flags=re.IGNORECASE)
    return (on[0], on[1]) if len(on) == 2 else (what, None)


def _folded(grant: Grant) -> tuple[str, str, str | None]:
    """A grant as the database compares it: names case-insensitive."""
    table = grant.table.casefold() if grant.table is not None else None
    return grant.role.casefold(), grant.schema.casefold(), table


def names(text: str) -> list[str]:
    """A comma-separated list, each item stripped."""
    return [item.strip() for item in text.split(",") if item.strip()]


def _privileges(text: str) -> set[str]:
    return {" ".join(item.upper().split()) for item in names(_COLUMN_LISTS.sub(" ", text))}


_COLUMN_LISTS = re.compile(r"\([^()]*\)")  # a column grant's columns: SELECT (id, naam)


def _roles(text: str) -> list[str]:
    """The roles granted to. A MySQL account is a user and a host: 'app'@'%' (or 'app', the
    same) and 'app'@'localhost' are two accounts, and one connection is one of them, so one
    query has the reading of one; an account of any host but '%' keeps it in its name."""
    return [_account(role) for role in names(text)]


# A MySQL account: its user, quoted or not (a quoted one may hold an @), and its host
_ACCOUNT = re.compile(r"""\s*('[^']*'|"[^"]*"|`[^`]*`|[^@'"`\s]+)\s*(?:@\s*(\S+))?\s*$""")


def _account(role: str) -> str:
    account = _ACCOUNT.match(role)
    if account is None:
        return unquote(role)
    user, host = unquote(account.group(1)), unquote(account.group(2) or "%")
    return user if host in ("%", "") else f"{user}@{host}"


def unquote(identifier: str) -> str:
    return identifier.strip().strip("\"`[]'").lower()
