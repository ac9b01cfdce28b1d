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
from collections.abc import Callable, Sequence
from functools import partial

from conformance.detect.fieldnames import classify_name
from conformance.detect.names import person_name

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


def kind_of(cell: str) -> str | None:
    """The kind of personal value a whole cell is — "date", "given name" or "full name" — if
    any (see :func:`conformance.detect.names.person_name` for why surnames alone are not)."""
    bare = cell.strip()
    return "date" if _DATE.fullmatch(bare) else person_name(bare)


def first_row_is_data(
    first: Sequence[str], below: Sequence[Sequence[str]]
) -> tuple[int, str] | None:
    """The first column (1-based) whose first-row cell is the same kind of personal value as
    most of the cells below it, with that kind; None when every first-row cell may be a name.
    A name the lists do not know ("Xandrijn Kwakkelstein") is data only with a second sign:
    a whole number above a column of whole numbers beside it (no header is both)."""
    for number, cell in enumerate(first, start=1):
        kind = kind_of(cell)
        if kind is not None and _alike(number, below, partial(_of_kind, kind)):
            return number, kind
    unknown = next(
        (n for n, cell in enumerate(first, start=1) if _unknown_name(cell, n, below)), None
    )
    numbered = any(
        _NUMBER.fullmatch(cell.strip()) and _alike(n, below, lambda c: bool(_NUMBER.fullmatch(c)))
        for n, cell in enumerate(first, start=1)
    )
    return (unknown, "full name") if unknown is not None and numbered else None


_NUMBER = re.compile(r"\d{1,12}")
# Two to four words, each capitalised (tussenvoegsels aside): a full name's shape.
_NAME_SHAPE = re.compile(
    r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+(?: (?:(?:van|de|der|den|het|ten|ter|te|in|op|la|le|du|da|"
    r"von|'t) )*[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+){1,3}"
)


def _of_kind(kind: str, cell: str) -> bool:
    return kind_of(cell) == kind


def _unknown_name(cell: str, number: int, below: Sequence[Sequence[str]]) -> bool:
    """A first-row cell shaped like a full name, that no field-name rule reads, above a column
    of full names."""
    bare = cell.strip()
    if not _NAME_SHAPE.fullmatch(bare) or classify_name(bare) is not None:
        return False
    return _alike(number, below, lambda c: kind_of(c) == "full name")


def _alike(number: int, below: Sequence[Sequence[str]], test: Callable[[str], bool]) -> bool:
    """Whether most of the non-blank cells below the first row in a column pass a test."""
    cells = [row[number - 1] for row in below if number <= len(row) and row[number - 1].strip()]
    alike = sum(map(test, (c.strip() for c in cells)))
    return bool(cells) and alike >= _SHARE * len(cells) and alike >= min(_AT_LEAST, len(cells))
