"""Field paths as they may appear in a report: a path is normally schema (``leerling/groep``),
but an export can turn data into names — a CSV without its header row makes the first pupil's
values the column names, JSON keyed by BSN makes each BSN a key. A path segment that holds
personal data is redacted like any value; the others stay as they are, because a reader needs
them to find the field."""

from __future__ import annotations

import re
from functools import lru_cache

from conformance.detect.redact import redact
from conformance.detect.scan import scan

_LONG_NUMBER = re.compile(r"\d{6,}")
_HEX = re.compile(r"[0-9a-fA-F]{16,}")


@lru_cache(maxsize=4096)
def safe_path(path: str) -> str:
    """The path with every segment that could be personal data redacted."""
    return "/".join(_safe_segment(segment) for segment in path.split("/"))


def _safe_segment(segment: str) -> str:
    bare = segment.lstrip("@")
    if not bare:
        return segment
    if _LONG_NUMBER.search(bare) or _HEX.search(bare) or "://" in bare or scan(bare):
        return redact(segment)
    return segment


def data_not_name(cell: str) -> str | None:
    """What a would-be column name holds if it is plainly a value, not a name: a URL, a long
    number, a hexadecimal code, or something a recogniser other than the name finder reads (an
    ECK iD, a BSN, an e-mail address, a date of birth …); None for anything a header may say.
    Person names are left out: a header such as "Naam ouder" may look like one."""
    bare = cell.strip()
    if "://" in bare:
        return "a URL"
    if _LONG_NUMBER.search(bare):
        return "a long number"
    if _HEX.search(bare):
        return "a hexadecimal code"
    kinds = sorted({d.recogniser for d in scan(bare)} - {"name"})
    return f"a value a recogniser reads as {kinds[0]}" if kinds else None
