"""An interface spec as the fields it lets flow (synthetic records), its servers and the
parameters it puts in URLs."""

from __future__ import annotations

from dataclasses import dataclass

from conformance.model.records import Record

# Hosts where plain HTTP never leaves the machine (the static and the live API-007 agree on it).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True, slots=True)
class UrlField:
    operation: str
    place: str  # path | query
    name: str
    line: int | None


@dataclass(frozen=True, slots=True)
class SpecModel:
    source: str
    records: tuple[Record, ...]
    servers: tuple[tuple[str, int | None], ...] = ()
    url_fields: tuple[UrlField, ...] = ()
    # The other files read for it (an XSD's includes, imports, redefines) and each one's
    # SHA-256: the verdict rests on them too, so the report names and hashes each.
    included: tuple[tuple[str, str], ...] = ()
