"""The normalised record every reader produces and every export check reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Record:
    """One record of an export, flattened to field paths.

    ``fields`` maps a field path (``achternaam``, ``@eckid``, ``groep/@key``,
    ``address/street``) to the values found there, in document order. Only non-blank values are
    kept: a field is *present* in a record when it carries data.
    ``kind`` is the profile's record kind (``leerling``, ``metadata``; ``record`` for generic
    inputs). ``line`` is 1-based; ``path`` is an XPath, a JSON pointer or ``row N``.
    """

    kind: str
    fields: dict[str, list[str]]
    input: str
    line: int | None
    path: str
    synthetic: bool = False  # from an interface spec: the fields exist, the values are types
