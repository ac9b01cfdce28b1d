"""SEP-001 and SEP-002: the pseudonym is stored apart from the other personal data.

Storage checks examine a whole schema (from SQL DDL or a live database) rather than records.
Columns are classified like export fields: the profile's rules, else the field-name classifier.
"""

from __future__ import annotations

from collections.abc import Iterable

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext
from conformance.checks.joins import JoinGraph, show_columns, show_table
from conformance.detect.fieldnames import classify_path, compact_name
from conformance.detect.safepath import safe_path
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass, FieldRule
from conformance.model.requirements import CheckDoc
from conformance.model.storage import Grant, StorageModel, Table
from conformance.model.verdict import Confidence, Severity

# Key columns too generic to join two tables by name alone.
_GENERIC_KEYS = frozenset({"id", "key", "uuid", "guid", "pk", "rowid", "oid"})
_PUBLIC = "public"  # the pseudo-role every role belongs to


class _StorageCheck(Check):
    evidence = frozenset({"ddl", "database"})
    nothing_examined = "no SQL DDL or database among the inputs"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.found: list[Finding] = []
        self.schemas = 0  # storage inputs examined
        # (table name, column) -> rule: asked of every column for each class looked for
        self._rules: dict[tuple[str, str], FieldRule | None] = {}

    def why_nothing_examined(self) -> str:
        if self.schemas:  # storage there was, but no table holds a pseudonym
            return "no table or column of the storage inputs holds a pseudonym"
        return self.nothing_examined

    def rule(self, table: Table, column: str) -> FieldRule | None:
        """The profile's rule for the column, else what its name says, alone and under its
        table's (a view's column under the table it is selected from): a bare ``naam`` is
        whose its table says (``groepen.naam`` a group's, ``leerlingen.naam`` a person's);
        any other column takes the more telling of the two — ``telefoon.nummer`` is a phone
        number, ``pseudoniem.code`` the pseudonym, and ``leerling_klas.leerling_email`` stays
        an e-mail address though the table is named after a class."""
        key = (table.name, column)
        if key not in self._rules:
            self._rules[key] = self._rule(table, column)
        return self._rules[key]

    def _rule(self, table: Table, column: str) -> FieldRule | None:
        found = self.ctx.profile.rule_for(column)
        if found is not None:
            return found
        owner, _, own = column.rpartition("/")
        qualified = classify_path(f"{owner or table.name}/{own}")
        if compact_name(own) in ("naam", "name"):
            return qualified
        alone = classify_path(own)
        ranked = [r for r in (alone, qualified) if r is not None]
        return min(ranked, key=lambda r: _TELLING.index(r.cls), default=None)

    def columns_of(self, table: Table, cls: FieldClass) -> list[str]:
        return [c for c in table.columns if (r := self.rule(table, c)) is not None and r.cls is cls]

    def finish(self) -> Iterable[Finding]:
        return self.found


@register
class PseudonymColocated(_StorageCheck):
    requirement = "SEP-001"
    doc = CheckDoc(
        what="No table (or collection) that stores the pseudonym also stores a direct "
        "identifier: name parts, address, BSN, e-mail, phone, username, photo.",
        why="The Kamer was told suppliers store the pseudonym apart from other personal data "
        "(Kamerstuk 32 034); a table with both is a ready-made code list for whoever reads it.",
        failing="CREATE TABLE pupils (id INT, eck_id TEXT, achternaam TEXT, groep TEXT);",
        passing="CREATE TABLE pupils (id INT, eck_id TEXT, groep TEXT);",
        fix="Move the identity columns to their own table (better: schema), readable only by "
        "the part of the application that needs them.",
    )

    def examine(self, model: StorageModel) -> None:
        self.schemas += 1
        for table in model.tables:
            pseudonyms = self.columns_of(table, FieldClass.PSEUDONYM)
            if not pseudonyms:
                continue
            self.examined += 1
            direct = self.columns_of(table, FieldClass.DIRECT)
            if direct:
                self.found.append(
                    Finding(
                        requirement=self.requirement,
                        message=f"table {show_table(table.qualified)} stores the pseudonym "
                        f"({show_columns(pseudonyms)}) with direct identifiers "
                        f"({show_columns(direct)}): expected them in separate tables",
                        location=Location(model.source, table.line, show_table(table.qualified)),
                        field=safe_path(pseudonyms[0]),
                    )
                )


@register
class PseudonymJoinable(_StorageCheck):
    requirement = "SEP-002"
    doc = CheckDoc(
        what="No join path — foreign keys in either direction, of any length, or a shared key "
        "column — links a table with the pseudonym to a table with direct identifiers, "
        "unless an access boundary separates them: a different schema or database AND no "
        "ordinary (non-superuser) role that may read both.",
        why="Separate tables are no separation if one query joins them: whoever may read both "
        "holds the code list. The boundary must be in the database's own access rights.",
        failing="pupils.person_id REFERENCES persons(id), both in schema public, one app role",
        passing="identity.persons readable only by role identity_svc; public.pupils only by "
        "app_reader",
        fix="Put identities in their own schema or database and grant no role both; join only "
        "inside the school or in a separate service that returns no pseudonyms.",
    )

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.listed = 0  # pairs of this input reported, up to _MAX_PAIRS
        self.cut_short = False  # more there were in this input, and that was said

    def examine(self, model: StorageModel) -> None:
        self.schemas += 1
        self.listed, self.cut_short = 0, False  # each input its own list
        graph = JoinGraph(model, self._key_columns)
        access = _Access(model)
        identities = [t for t in model.tables if self.columns_of(t, FieldClass.DIRECT)]
        exposed = _Exposure(model, identities, graph, access)
        for table in model.tables:
            if not self.columns_of(table, FieldClass.PSEUDONYM):
                continue
            self.examined += 1
            unguarded = exposed.unguarded(table) if not self.cut_short else None
            if unguarded:
                self._list(model, table, unguarded, graph, access)

    def _list(
        self,
        model: StorageModel,
        table: Table,
        unguarded: set[str],
        graph: JoinGraph,
        access: _Access,
    ) -> None:
        """A finding for each identity table the pseudonym table joins to unguarded, nearest
        first, up to :data:`_MAX_PAIRS` for the input (then one saying there are more)."""
        tables = graph.tables
        for target, steps in graph.reachable(table.qualified):
            if target not in unguarded:
                continue
            if self.listed >= _MAX_PAIRS:
                self.found.append(self._more(model))
                self.cut_short = True
                return
            barrier = _boundary(model, access, table, tables[target])
            if barrier is not None:  # (always: the index found it has none)
                path = _shortened(steps())
                self.found.append(self._finding(model, table, tables[target], path, barrier))
                self.listed += 1

    def _key_columns(self, table: Table) -> set[str]:
        return {
            c.lower()
            for c in table.columns
            if c.lower() not in _GENERIC_KEYS
            and (r := self.rule(table, c)) is not None
            and r.cls is FieldClass.KEY
        }

    def _more(self, model: StorageModel) -> Finding:
        return Finding(
            requirement=self.requirement,
            message=f"more pseudonym tables can be joined to identity tables than the first "
            f"{_MAX_PAIRS} pairs listed; fix those, then check again",
            location=Location(model.source, None, None),
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            rule="SEP-002",
        )

    def _finding(
        self, model: StorageModel, start: Table, target: Table, path: list[str], why: str
    ) -> Finding:
        return Finding(
            requirement=self.requirement,
            message=f"pseudonym table {show_table(start.qualified)} can be joined to identity "
            f"table {show_table(target.qualified)}: {' → '.join(path)}; no access boundary: {why}",
            location=Location(model.source, start.line, show_table(start.qualified)),
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            rule="SEP-002",
        )


# Which class of a column's two readings wins (the first that says it holds a person's data)
_TELLING = (
    FieldClass.PSEUDONYM,
    FieldClass.DIRECT,
    FieldClass.KEY,
    FieldClass.QUASI,
    FieldClass.SENSITIVE,
    FieldClass.OPERATIONAL,
)


_MAX_PAIRS = 100  # (pseudonym table, identity table) pairs listed; a schema may have millions
_MAX_STEPS = 12  # of a join path shown: its first and last six, and how many between


def _shortened(steps: list[str]) -> list[str]:
    """A join path as a finding shows it: a long one (a chain of thousands of tables) with its
    middle left out, said how long."""
    if len(steps) <= _MAX_STEPS:
        return steps
    half = _MAX_STEPS // 2
    return [*steps[:half], f"… {len(steps) - _MAX_STEPS:,} more steps …", *steps[-half:]]


def _boundary(model: StorageModel, access: _Access, a: Table, b: Table) -> str | None:
    """Why no access boundary separates the two tables (None: one does)."""
    if a.schema.casefold() == b.schema.casefold():
        return f"both are in schema {safe_path(a.schema)}"
    if not model.grants_known:
        return "the inputs declare no GRANTs, so nothing shows that no role reads both"
    common = _common_readers(access.readers(a), access.readers(b))
    ordinary = sorted(common - model.superusers)
    if ordinary:
        return f"role {show_columns(ordinary)} may read both"
    return None


def _common_readers(first: frozenset[str], second: frozenset[str]) -> frozenset[str]:
    """Roles that may read both; a grant to PUBLIC is a grant to every role."""
    if _PUBLIC in first and _PUBLIC in second:
        return first | second
    if _PUBLIC in first:
        return second
    if _PUBLIC in second:
        return first
    return first & second


_Place = tuple[str, str | None]  # (schema, table or None: the schema's every table), casefolded


class _Access:
    """Who may read each table: the grants and denials indexed by schema and table once,
    each table's readers looked up (not every grant searched for every pair of tables)."""

    def __init__(self, model: StorageModel) -> None:
        self.granted = _by_place(model.grants)
        self.denied = _by_place(model.denied)
        self._readers: dict[str, frozenset[str]] = {}

    def readers(self, table: Table) -> frozenset[str]:
        """The roles granted reading of the table and not denied it (a DENY to PUBLIC: none)."""
        found = self._readers.get(table.qualified)
        if found is None:
            found = self._readers[table.qualified] = self._look_up(table)
        return found

    def _look_up(self, table: Table) -> frozenset[str]:
        schema, name = table.schema.casefold(), table.name.casefold()
        denied = self.denied.get((schema, None), set()) | self.denied.get((schema, name), set())
        if _PUBLIC in denied:
            return frozenset()
        granted = self.granted.get((schema, None), set()) | self.granted.get((schema, name), set())
        return frozenset(granted - denied)


def _by_place(grants: Iterable[Grant]) -> dict[_Place, set[str]]:
    places: dict[_Place, set[str]] = {}
    for grant in grants:
        table = None if grant.table is None else grant.table.casefold()
        places.setdefault((grant.schema.casefold(), table), set()).add(grant.role)
    return places


class _Exposure:
    """The identity tables of each connected part of the schema, indexed by what lets a query
    reach them from a pseudonym table with no boundary between (:func:`_boundary`): their
    schema, each role that reads them, a grant to PUBLIC, any ordinary reader at all. A
    pseudonym table's exposed identities are then a few lookups, not a test of every pair."""

    def __init__(
        self, model: StorageModel, identities: list[Table], graph: JoinGraph, access: _Access
    ) -> None:
        self.model, self.graph, self.access = model, graph, access
        self.everyone: dict[int, list[str]] = {}
        self.by_schema: dict[tuple[int, str], list[str]] = {}
        self.by_role: dict[tuple[int, str], list[str]] = {}
        self.by_public: dict[int, list[str]] = {}
        self.by_anyone: dict[int, list[str]] = {}  # read by a role that is no superuser
        for table in identities:
            part, name = graph.component[table.qualified], table.qualified
            readers = access.readers(table)
            self.everyone.setdefault(part, []).append(name)
            self.by_schema.setdefault((part, table.schema.casefold()), []).append(name)
            for role in readers:
                self.by_role.setdefault((part, role), []).append(name)
            if _PUBLIC in readers:
                self.by_public.setdefault(part, []).append(name)
            if readers - model.superusers:
                self.by_anyone.setdefault(part, []).append(name)

    def unguarded(self, table: Table) -> set[str]:
        """The identity tables (but this one) joinable to the table with no access boundary."""
        part = self.graph.component[table.qualified]
        if not self.model.grants_known:
            found = set(self.everyone.get(part, ()))
        else:
            found = set(self.by_schema.get((part, table.schema.casefold()), ()))
            readers = self.access.readers(table)
            ordinary = readers - self.model.superusers
            if _PUBLIC in readers:  # every role reads it: any table another role reads
                found.update(self.by_anyone.get(part, ()))
            if ordinary:  # a table every role reads; one read by a role of these
                found.update(self.by_public.get(part, ()))
                for role in ordinary:
                    found.update(self.by_role.get((part, role), ()))
        found.discard(table.qualified)
        return found
