"""Whether a CSV's first row is a pupil rather than column names.

A file exported without its header row makes the first pupil's values the column names: they
would then be printed in every finding that names a field, and the first pupil would go
unexamined. Values a recogniser reads whole as personal data (an ECK iD, a BSN, an e-mail
address) are never column names (:func:`conformance.detect.safepath.data_not_name`); names and
dates can be ("Naam ouder", "20240902"), so for those the first row is compared with the rows
below it: a first cell that is the same kind of personal value as the cells under it — a given
name above given names, a full name above full names, a date above dates — is data, not a
name. (A surname alone is not enough: the surname lists hold ordinary words.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from conformance.detect.names import name_kinds

# Full dates as exports write them, a time of day allowed after; compact 20240902 is left out
# (columns are named so).
_DATE = re.compile(
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# A column is of a kind when at least this share of its non-blank cells below the first row
# are (the name lists do not know every pupil's name, so not all of them need to be), and at
# least _AT_LEAST of them (all, in a shorter column): one cell proves little.
_SHARE = 0.5
_AT_LEAST = 3
# Surnames alone are not a kind here: the surname lists hold words that name columns and fill
# them ("Wijk" above "West", "House" above "Tudor", "Doctor" above "Jansen").
_KINDS = frozenset({"given name", "full name"})


def kinds_of(cell: str) -> frozenset[str]:
    """The kinds of personal value a whole cell is (possibly several: "Roos" is a given name and
    a surname)."""
    bare = cell.strip()
    if _DATE.fullmatch(bare):
        return frozenset({"date"})
    return name_kinds(bare) & _KINDS


def first_row_is_data(
    first: Sequence[str], below: Sequence[Sequence[str]]
) -> tuple[int, str] | None:
    """The first column (1-based) whose first-row cell is the same kind of personal value as
    most of the cells below it, with that kind; None when every first-row cell may be a name."""
    for number, cell in enumerate(first, start=1):
        kinds = kinds_of(cell)
        if not kinds:
            continue
        column = [row[number - 1] for row in below if number <= len(row)]
        shared = _column_kind(column, kinds)
        if shared is not None:
            return number, shared
    return None


def _column_kind(column: list[str], kinds: frozenset[str]) -> str | None:
    """The one of ``kinds`` that at least half of the column's non-blank cells are."""
    cells = [cell for cell in column if cell.strip()]
    counts = dict.fromkeys(sorted(kinds), 0)
    for cell in cells:
        for kind in kinds_of(cell) & kinds:
            counts[kind] += 1
    for kind, count in counts.items():
        if cells and count >= _SHARE * len(cells) and count >= min(_AT_LEAST, len(cells)):
            return kind
    return None
