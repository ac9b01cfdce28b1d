"""Which tables of a schema one query can join (SEP-002), and by which shortest path, in time
linear in the schema.

Two tables join by a foreign key (either way) or by a key column they share by name. Tables
that share a column are never paired one by one: 40,000 tables with a common
``leerlingnummer`` — 4 MB of DDL, under the reader's bound — are 800 million pairs, and the
check that made them did not end. A shared column is expanded once per search instead,
reaching every table that has it, and the paths found are those the pairs gave (the same
neighbours, tried in the same order).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Container, Iterator
from functools import partial

from conformance.detect.safepath import safe_path
from conformance.model.storage import StorageModel, Table


class JoinGraph:
    """The join steps between a model's tables (by qualified name), and which are connected."""

    def __init__(self, model: StorageModel, keys: Callable[[Table], set[str]]) -> None:
        self.tables = {t.qualified: t for t in model.tables}
        self.position = {q: i for i, q in enumerate(self.tables)}
        self.references: dict[str, list[tuple[str, str]]] = {q: [] for q in self.position}
        # a reference names its table as the database looks it up: without regard to case
        # ("REFERENCES PERSONEN" is table personen, in SQLite too)
        by_folded = {t.qualified.casefold(): t.qualified for t in model.tables}
        for table in model.tables:
            for fk in table.foreign_keys:
                target = by_folded.get(f"{fk.schema}.{fk.table}".casefold())
                if target is None:
                    continue
                step = (
                    f"{show_table(table.qualified)}.{show_columns(fk.columns, ',')} → "
                    f"{show_table(target)}.{show_columns(fk.ref_columns, ',')}"
                )
                self.references[table.qualified].append((target, step))
                self.references[target].append((table.qualified, step))
        self.keys = {t.qualified: sorted(keys(t)) for t in model.tables}
        self.sharing: dict[str, list[str]] = {}  # key column -> its tables, in model order
        for qualified, columns in self.keys.items():
            for column in columns:
                self.sharing.setdefault(column, []).append(qualified)
        self.component = self._components()

    def _components(self) -> dict[str, int]:
        """Each table's connected component (a number): tables of one are joinable."""
        parent = {q: q for q in self.position}

        def root(node: str) -> str:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        links = [(q, other) for q, steps in self.references.items() for other, _ in steps]
        links += [(tables[0], other) for tables in self.sharing.values() for other in tables]
        for a, b in links:
            parent[root(a)] = root(b)
        roots: dict[str, int] = {}
        return {q: roots.setdefault(root(q), len(roots)) for q in self.position}

    def reachable(self, start: str) -> Iterator[tuple[str, Callable[[], list[str]]]]:
        """Every table reachable from ``start``, with how to get the steps of one shortest join
        path to it: a breadth-first search in which a table's neighbours are its references,
        then the tables sharing one of its key columns (the first such column alphabetically
        names the step), in the order the pairwise graph listed them. Each table keeps the
        step it was reached by, not a copy of its path: a chain of 20,000 tables would hold
        200 million steps."""
        came_by: dict[str, tuple[str, str] | None] = {start: None}  # table -> (from, step)
        expanded: set[str] = set()  # key columns whose tables are all found
        queue = deque([start])
        while queue:
            current = queue.popleft()
            steps = [*self.references[current], *self._sharing(current, came_by, expanded)]
            for neighbour, step in steps:
                if neighbour not in came_by:
                    came_by[neighbour] = (current, step)
                    queue.append(neighbour)
                    yield neighbour, partial(_path, came_by, neighbour)

    def _sharing(
        self, current: str, found: Container[str], expanded: set[str]
    ) -> list[tuple[str, str]]:
        """The tables not found yet that share a key column with ``current``, each with its
        step. A column expanded before has no such table left: whoever expanded it found
        them all."""
        fresh: dict[str, str] = {}
        for column in self.keys[current]:
            if column in expanded:
                continue
            expanded.add(column)
            for other in self.sharing[column]:
                if other not in found and other != current:
                    fresh.setdefault(other, column)
        here = self.position[current]
        # The pairwise graph appended (a, b) for a < b by name, looping over the tables in
        # model order: a smaller neighbour comes at its own place, a larger one at ours.
        order = sorted(
            fresh,
            key=lambda n: (self.position[n], 0) if n < current else (here, self.position[n]),
        )
        return [(other, _shared_step(current, other, fresh[other])) for other in order]


def _path(came_by: dict[str, tuple[str, str] | None], target: str) -> list[str]:
    """The steps from the search's start to the target, walked back from it."""
    steps = []
    while (came := came_by[target]) is not None:
        target, step = came
        steps.append(step)
    return steps[::-1]


def _shared_step(a: str, b: str, column: str) -> str:
    first, second = sorted((a, b))
    shown = show_columns([column])
    return f"{show_table(first)}.{shown} = {show_table(second)}.{shown}"


def show_table(qualified: str) -> str:
    """A schema-qualified table name as a report may show it: a name that holds personal data
    (a table named by a BSN, by a pupil) redacted, as a field's name is (safe_path)."""
    return ".".join(map(safe_path, qualified.split(".", 1)))


def show_columns(names: list[str] | tuple[str, ...], joint: str = ", ") -> str:
    return joint.join(map(safe_path, names))
