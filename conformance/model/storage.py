"""A storage schema, from SQL DDL or a live database: what SEP-001 and SEP-002 examine."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ForeignKey:
    columns: tuple[str, ...]
    schema: str
    table: str  # the referenced table
    ref_columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    line: int | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Grant:
    """A role may SELECT from a table (``table`` None: every table of the schema)."""

    role: str
    schema: str
    table: str | None


@dataclass(frozen=True, slots=True)
class StorageModel:
    source: str  # a file name, or a database URL without its password
    kind: str  # ddl | database
    database: str  # tables in different databases cannot be joined by the database itself
    tables: tuple[Table, ...]
    grants: tuple[Grant, ...] = ()
    superusers: frozenset[str] = field(default_factory=frozenset)
    grants_known: bool = False  # whether the source says anything about access at all
    # Reading a role may not do whatever is granted, T-SQL's DENY (table None: the schema's
    # every table).
    denied: tuple[Grant, ...] = ()
