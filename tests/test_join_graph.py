"""SEP-002 on schemas of any size: the join graph and the access index give the findings the
pairwise graph gave (which did not finish on 40,000 tables sharing a key column)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks import CheckContext
from conformance.checks.joins import JoinGraph, show_columns, show_table
from conformance.checks.separation import _MAX_PAIRS, PseudonymJoinable
from conformance.engine import resolve_purpose
from conformance.model.findings import Finding
from conformance.model.profile import FieldClass
from conformance.model.storage import ForeignKey, Grant, StorageModel, Table
from conformance.profiles import load_profile

_KEYS = ["leerlingnummer", "persoon_id", "stamnummer"]  # key columns two tables can share
_COLUMNS = ["eck_id", "achternaam", "groep", *_KEYS]
_SCHEMAS = ["public", "identity", "Identity", "pseudo"]
_ROLES = ["app", "svc", "public", "admin"]


def _check() -> PseudonymJoinable:
    profile = load_profile("nl-generic")
    return PseudonymJoinable(CheckContext(profile, resolve_purpose(profile, None), "production"))


def _findings(model: StorageModel) -> list[str]:
    check = _check()
    check.examine(model)
    return [_said(f) for f in check.finish()]


def _said(finding: Finding) -> str:
    return f"{finding.location.line} {finding.message}"


# The pairwise graph and boundary test SEP-002 used before (the reference these tests hold
# the indexed one to): every pair of tables tested for shared key columns, every grant
# searched for every pair. The foreign keys' steps are the join graph's own (they were made
# the same way before), so the pairs' order and the search are what is compared.
def _pairwise(model: StorageModel, keys: Callable[[Table], set[str]]) -> dict[str, list]:
    references = JoinGraph(model, keys).references
    edges: dict[str, list[tuple[str, str]]] = {q: list(steps) for q, steps in references.items()}
    for a in model.tables:
        for b in model.tables:
            if a.qualified < b.qualified:
                for column in sorted(keys(a) & keys(b)):
                    shown = show_columns([column])
                    step = f"{show_table(a.qualified)}.{shown} = {show_table(b.qualified)}.{shown}"
                    edges[a.qualified].append((b.qualified, step))
                    edges[b.qualified].append((a.qualified, step))
    return edges


def _reachable(start: str, edges: dict[str, list]) -> list[tuple[str, list[str]]]:
    paths: dict[str, list[str]] = {start: []}
    queue, found = deque([start]), []
    while queue:
        current = queue.popleft()
        for neighbour, step in edges[current]:
            if neighbour not in paths:
                paths[neighbour] = [*paths[current], step]
                queue.append(neighbour)
                found.append((neighbour, paths[neighbour]))
    return found


def _readers(model: StorageModel, table: Table) -> set[str]:
    def on(grant: Grant) -> bool:
        return grant.schema.casefold() == table.schema.casefold() and (
            grant.table is None or grant.table.casefold() == table.name.casefold()
        )

    denied = {g.role for g in model.denied if on(g)}
    if "public" in denied:
        return set()
    return {g.role for g in model.grants if on(g)} - denied


def _reference(model: StorageModel) -> list[str]:
    """SEP-002's findings as the pairwise code made them (before any cap)."""
    check = _check()
    tables = {t.qualified: t for t in model.tables}
    edges = _pairwise(model, check._key_columns)
    identities = {q for q, t in tables.items() if check.columns_of(t, FieldClass.DIRECT)}
    found = []
    for start, table in tables.items():
        if not check.columns_of(table, FieldClass.PSEUDONYM):
            continue
        for target, path in _reachable(start, edges):
            if target not in identities or target == start:
                continue
            other = tables[target]
            if table.schema.casefold() == other.schema.casefold():
                why = f"both are in schema {table.schema}"
            elif not model.grants_known:
                why = "the inputs declare no GRANTs, so nothing shows that no role reads both"
            else:
                first, second = _readers(model, table), _readers(model, other)
                if "public" in first and "public" in second:
                    common = first | second
                elif "public" in first or "public" in second:
                    common = second if "public" in first else first
                else:
                    common = first & second
                ordinary = sorted(common - model.superusers)
                if not ordinary:
                    continue
                why = f"role {', '.join(ordinary)} may read both"
            found.append(
                f"{table.line} pseudonym table {show_table(start)} can be joined to identity "
                f"table {show_table(target)}: {' → '.join(path)}; no access boundary: {why}"
            )
    return found


@st.composite
def _models(draw: st.DrawFn) -> StorageModel:
    count = draw(st.integers(1, 9))
    names = [f"t{i}" for i in range(count)]
    tables = []
    for line, name in enumerate(names, 1):
        schema = draw(st.sampled_from(_SCHEMAS))
        columns = tuple(draw(st.lists(st.sampled_from(_COLUMNS), unique=True, max_size=5)))
        fks = tuple(
            ForeignKey(("ref",), draw(st.sampled_from(_SCHEMAS)), target, ("id",))
            for target in draw(st.lists(st.sampled_from(names), max_size=2))
        )
        tables.append(Table(schema, name, ("id", *columns), fks, line))
    places = st.tuples(st.sampled_from(_SCHEMAS), st.one_of(st.none(), st.sampled_from(names)))
    grants = [
        Grant(role, schema, table)
        for role, (schema, table) in draw(
            st.lists(st.tuples(st.sampled_from(_ROLES), places), max_size=8)
        )
    ]
    denied = [
        Grant(role, schema, table)
        for role, (schema, table) in draw(
            st.lists(st.tuples(st.sampled_from(_ROLES), places), max_size=2)
        )
    ]
    return StorageModel(
        source="schema.sql",
        kind="ddl",
        database="schema.sql",
        tables=tuple(tables),
        grants=tuple(grants),
        superusers=frozenset(draw(st.lists(st.sampled_from(_ROLES), max_size=1))),
        grants_known=draw(st.booleans()),
        denied=tuple(denied),
    )


@settings(max_examples=400, deadline=None)
@given(model=_models())
def test_the_indexed_check_finds_what_the_pairwise_one_found(model: StorageModel) -> None:
    """Same pairs, same order, same shortest paths, same reasons: every way to join (foreign
    keys either way, key columns shared by name, in one schema or across), every access
    case (schema grants, table grants, PUBLIC, denials, superusers, no grants declared)."""
    assert _findings(model) == _reference(model)


def _wide(count: int, grants: tuple[Grant, ...] = ()) -> StorageModel:
    """``count`` tables in two schemas, each with the pseudonym and a name, all sharing one
    key column: every pair joins."""
    tables = tuple(
        Table(
            "pseudo" if i % 2 else "identity",
            f"t{i}",
            ("id", "eck_id", "achternaam", "leerlingnummer"),
            (),
            i + 1,
        )
        for i in range(count)
    )
    return StorageModel(
        "schema.sql", "ddl", "schema.sql", tables, grants, grants_known=bool(grants)
    )


def test_forty_thousand_tables_sharing_a_key_column_are_judged_in_seconds() -> None:
    """1.6 billion pairs: the pairwise graph never finished. The findings stop at the cap,
    with one saying there are more."""
    started = time.process_time()
    found = _findings(_wide(40_000))
    assert time.process_time() - started < 60  # (a generous bound on a hang, not a timing)
    assert len(found) == _MAX_PAIRS + 1
    assert "more pseudonym tables can be joined" in found[-1]
    assert found[:3] == _reference(_wide(30))[:3]


def test_separated_tables_of_a_large_schema_are_no_finding() -> None:
    """Every pair joins, but each schema has its own reader: no pair is exposed, and finding
    that takes no test per pair."""
    grants = (Grant("pseudo_svc", "pseudo", None), Grant("identity_svc", "identity", None))
    tables = tuple(
        Table(
            "pseudo" if i % 2 else "identity",
            f"t{i}",
            ("id", "eck_id" if i % 2 else "achternaam", "leerlingnummer"),
            (),
            i + 1,
        )
        for i in range(40_000)
    )
    model = StorageModel("schema.sql", "ddl", "schema.sql", tables, grants, grants_known=True)
    started = time.process_time()
    assert _findings(model) == []
    assert time.process_time() - started < 60
    small = StorageModel("s.sql", "ddl", "s.sql", tables[:40], grants, grants_known=True)
    assert _reference(small) == []
    shared = (*grants, Grant("app", "pseudo", None), Grant("app", "identity", "t0"))
    exposed = StorageModel("s.sql", "ddl", "s.sql", tables[:40], shared, grants_known=True)
    assert _findings(exposed) == _reference(exposed)
    assert len(_findings(exposed)) == 20  # each pseudonym table to t0, through the key column


def test_the_cap_is_said_once_after_exactly_the_first_pairs() -> None:
    found = _findings(_wide(16))  # 8 pseudonym tables x 15 others: 120 pairs
    reference = _reference(_wide(16))
    assert len(reference) > _MAX_PAIRS
    assert found[:-1] == reference[:_MAX_PAIRS]
    assert found[-1].startswith("None more pseudonym tables")


def test_a_chain_of_twenty_thousand_tables_is_one_finding_with_its_path_shortened() -> None:
    """Each table kept a copy of its whole path (200 million steps for this chain), and the
    finding printed all 19,999 of them."""
    count = 20_000
    tables = [Table("public", "t0", ("id", "eck_id"), (), 1)]
    tables += [
        Table(
            "public",
            f"t{i}",
            ("id", "ref"),
            (ForeignKey(("ref",), "public", f"t{i - 1}", ("id",)),),
            i + 1,
        )
        for i in range(1, count - 1)
    ]
    last = ForeignKey(("ref",), "public", f"t{count - 2}", ("id",))
    tables.append(Table("public", f"t{count - 1}", ("id", "ref", "achternaam"), (last,), count))
    model = StorageModel("schema.sql", "ddl", "schema.sql", tuple(tables))
    started = time.process_time()
    (found,) = _findings(model)
    assert time.process_time() - started < 60  # (a bound on a hang, not a timing)
    assert f"… {count - 1 - 12:,} more steps …" in found
    assert found.count("→") == 12 + 12  # six steps each side of the gap, two arrows a step
    short = StorageModel(
        "s.sql",
        "ddl",
        "s.sql",
        (
            tables[0],
            tables[1],
            Table(
                "public",
                "t2",
                ("id", "ref", "achternaam"),
                (ForeignKey(("ref",), "public", "t1", ("id",)),),
                3,
            ),
        ),
    )
    assert _findings(short) == _reference(short)
    assert "more steps" not in _findings(short)[0]


def test_each_storage_input_lists_its_own_pairs() -> None:
    """The cap counted pairs across inputs: a second schema's pairs were never listed once a
    first had a hundred."""
    check = _check()
    first, second = _wide(16), _wide(4)
    check.examine(first)
    check.examine(StorageModel("live.db", "database", "live.db", second.tables))
    found = list(check.finish())
    assert [f.location.input for f in found].count("schema.sql") == _MAX_PAIRS + 1
    assert len([f for f in found if f.location.input == "live.db"]) == len(_reference(second))
