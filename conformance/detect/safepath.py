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
