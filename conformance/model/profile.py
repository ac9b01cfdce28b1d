"""A loaded, validated and fully inherited profile: what a standard or a supplier allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

V = TypeVar("V")


class FieldClass(Enum):
    PSEUDONYM = "pseudonym"
    DIRECT = "direct"
    QUASI = "quasi"
    SENSITIVE = "sensitive"
    KEY = "key"
    OPERATIONAL = "operational"


class Precision(Enum):
    """How precise a value is. Within one family, a higher rank is more precise."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    POSTCODE4 = "postcode4"
    POSTCODE6 = "postcode6"
    DIGITS4 = "digits4"  # of a national number, the last four digits (bsn_ondwnr-4)
    NUMBER = "number"  # the whole number

    @property
    def family(self) -> str:
        return _PRECISIONS[self][0]

    @property
    def rank(self) -> int:
        return _PRECISIONS[self][1]


_PRECISIONS = {  # each precision's family, and its rank within it
    Precision.YEAR: ("date", 1),
    Precision.MONTH: ("date", 2),
    Precision.DAY: ("date", 3),
    Precision.POSTCODE4: ("postcode", 1),
    Precision.POSTCODE6: ("postcode", 2),
    Precision.DIGITS4: ("number", 1),
    Precision.NUMBER: ("number", 2),
}


@dataclass(frozen=True, slots=True)
class FieldRule:
    cls: FieldClass
    category: str | None = None
    precision: Precision | None = None


@dataclass(frozen=True, slots=True)
class Purpose:
    name: str
    title: dict[str, str]
    allow: dict[str, frozenset[str]]  # record kind ('*' for all kinds) -> allowed paths
    allow_classes: frozenset[FieldClass] = frozenset()
    precision: dict[str, Precision] = field(default_factory=dict)

    def allowed_paths(self, kind: str) -> frozenset[str]:
        return self.allow.get(kind, frozenset()) | self.allow.get("*", frozenset())


@dataclass(frozen=True, slots=True)
class PseudonymSpec:
    field: str
    scheme: str  # "eck-id" or "none"
    required: bool = True
    identity_key: str | None = None


@dataclass(frozen=True, slots=True)
class FormatSpec:
    kind: str  # xml | json | jsonl | csv | auto
    namespaces: dict[str, str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)  # record kind -> location


@dataclass(frozen=True, slots=True)
class ReleaseCategories:
    """OSO ``categorie_uitlevering``: where the flags are and which fields each category covers."""

    flags_record: str
    flags_field: str
    categories: dict[str, dict[str, tuple[str, ...]]]  # flag -> record kind -> field paths


@dataclass(frozen=True, slots=True)
class Reidentification:
    """Thresholds for LNK-003 and LNK-005. Without listed fields, the fields classified quasi
    (resp. sensitive) are used."""

    quasi_identifiers: tuple[str, ...] = ()
    k: int = 5
    max_unique_share: float = 0.05
    l: int = 2  # noqa: E741  (ℓ of ℓ-diversity, as the literature names it)
    sensitive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    version: str
    title: dict[str, str]
    standard: dict[str, str]
    format: FormatSpec
    subjects: frozenset[str]  # empty: every record kind
    pseudonym: PseudonymSpec | None
    fields: dict[str, FieldRule]
    purposes: dict[str, Purpose]
    default_purpose: str
    reidentification: Reidentification
    release_categories: ReleaseCategories | None
    classify_names: bool  # unknown fields are classified by the field-name classifier
    source: str  # the file it was loaded from
    sha256: str  # of the file's bytes, and of every profile it extends, in order

    def is_subject(self, kind: str) -> bool:
        """Whether records of this kind describe a person. Without declared record kinds
        (records found automatically) every record is taken to be one; the values outside
        the records (kind ``""``, :data:`conformance.model.records.OUTSIDE`) never are."""
        return bool(kind) and (not self.subjects or kind in self.subjects)

    def rule_for(self, path: str) -> FieldRule | None:
        """The most specific rule for a field path: its own, else its nearest ancestor's."""
        return nearest(self.fields, path)


def nearest(by_path: Mapping[str, V], path: str) -> V | None:
    """What the mapping holds for the path (``a/b/c``), else for its nearest enclosing one
    (``a/b``, then ``a``)."""
    while True:
        found = by_path.get(path)
        if found is not None:
            return found
        cut = path.rfind("/")
        if cut < 0:
            return None
        path = path[:cut]
