"""SEP-001 and SEP-002: the pseudonym is stored apart from the other personal data.

Storage checks examine a whole schema (from SQL DDL or a live database) rather than records.
Columns are classified like export fields: the profile's rules, else the field-name classifier.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext
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
                        message=f"table {_table(table.qualified)} stores the pseudonym "
                        f"({_columns(pseudonyms)}) with direct identifiers "
                        f"({_columns(direct)}): expected them in separate tables",
                        location=Location(model.source, table.line, _table(table.qualified)),
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

    def examine(self, model: StorageModel) -> None:
        self.schemas += 1
        tables = {t.qualified: t for t in model.tables}
        edges = _edges(model, self._key_columns)
        identities = {q for q, t in tables.items() if self.columns_of(t, FieldClass.DIRECT)}
        for start, table in tables.items():
            if not self.columns_of(table, FieldClass.PSEUDONYM):
                continue
            self.examined += 1
            for target, path in _reachable(start, edges):
                if target in identities and target != start:
                    barrier = _boundary(model, table, tables[target])
                    if barrier is not None:
                        self.found.append(
                            self._finding(model, table, tables[target], path, barrier)
                        )

    def _key_columns(self, table: Table) -> set[str]:
        return {
            c.lower()
            for c in table.columns
            if c.lower() not in _GENERIC_KEYS
            and (r := self.rule(table, c)) is not None
            and r.cls is FieldClass.KEY
        }

    def _finding(
        self, model: StorageModel, start: Table, target: Table, path: list[str], why: str
    ) -> Finding:
        return Finding(
            requirement=self.requirement,
            message=f"pseudonym table {_table(start.qualified)} can be joined to identity table "
            f"{_table(target.qualified)}: {' → '.join(path)}; no access boundary: {why}",
            location=Location(model.source, start.line, _table(start.qualified)),
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


def _table(qualified: str) -> str:
    """A schema-qualified table name as a report may show it: a name that holds personal data
    (a table named by a BSN, by a pupil) redacted, as a field's name is (safe_path)."""
    return ".".join(map(safe_path, qualified.split(".", 1)))


def _columns(names: Iterable[str], joint: str = ", ") -> str:
    return joint.join(map(safe_path, names))


Edges = dict[str, list[tuple[str, str]]]  # table -> (neighbour, how the step joins)


def _edges(model: StorageModel, keys: Callable[[Table], set[str]]) -> Edges:
    edges: Edges = {t.qualified: [] for t in model.tables}
    # a reference names its table as the database looks it up: without regard to case
    # ("REFERENCES PERSONEN" is table personen, in SQLite too)
    by_folded = {t.qualified.casefold(): t.qualified for t in model.tables}
    for table in model.tables:
        for fk in table.foreign_keys:
            target = by_folded.get(f"{fk.schema}.{fk.table}".casefold())
            if target is None:
                continue
            step = (
                f"{_table(table.qualified)}.{_columns(fk.columns, ',')} → "
                f"{_table(target)}.{_columns(fk.ref_columns, ',')}"
            )
            edges[table.qualified].append((target, step))
            edges[target].append((table.qualified, step))
    key_columns = {t.qualified: keys(t) for t in model.tables}
    for a in model.tables:
        for b in model.tables:
            if a.qualified < b.qualified:
                for column in sorted(key_columns[a.qualified] & key_columns[b.qualified]):
                    shown = _columns([column])
                    step = f"{_table(a.qualified)}.{shown} = {_table(b.qualified)}.{shown}"
                    edges[a.qualified].append((b.qualified, step))
                    edges[b.qualified].append((a.qualified, step))
    return edges


def _reachable(start: str, edges: Edges) -> Iterable[tuple[str, list[str]]]:
    """Every table reachable from ``start``, with the steps of one shortest join path."""
    paths: dict[str, list[str]] = {start: []}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for neighbour, step in edges[current]:
            if neighbour not in paths:
                paths[neighbour] = [*paths[current], step]
                queue.append(neighbour)
                yield neighbour, paths[neighbour]


def _boundary(model: StorageModel, a: Table, b: Table) -> str | None:
    """Why no access boundary separates the two tables (None: one does)."""
    if a.schema.casefold() == b.schema.casefold():
        return f"both are in schema {safe_path(a.schema)}"
    if not model.grants_known:
        return "the inputs declare no GRANTs, so nothing shows that no role reads both"
    common = _common_readers(_readers(model, a), _readers(model, b))
    ordinary = sorted(common - model.superusers)
    if ordinary:
        return f"role {_columns(ordinary)} may read both"
    return None


def _common_readers(first: set[str], second: set[str]) -> set[str]:
    """Roles that may read both; a grant to PUBLIC is a grant to every role."""
    if _PUBLIC in first and _PUBLIC in second:
        return first | second
    if _PUBLIC in first:
        return second
    if _PUBLIC in second:
        return first
    return first & second


def _readers(model: StorageModel, table: Table) -> set[str]:
    """The roles granted reading of the table and not denied it (a DENY to PUBLIC: none)."""
    denied = {g.role for g in model.denied if _on(g, table)}
    if _PUBLIC in denied:
        return set()
    return {g.role for g in model.grants if _on(g, table)} - denied


def _on(grant: Grant, table: Table) -> bool:
    """Whether the grant (or denial) is of this table: of it, or of its schema's every one."""
    return grant.schema.casefold() == table.schema.casefold() and (
        grant.table is None or grant.table.casefold() == table.name.casefold()
    )
