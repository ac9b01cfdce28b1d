"""Which reader an input needs: the profile's format, else the extension, else the first bytes."""

from __future__ import annotations

from pathlib import Path

from conformance.model.errors import InputError

_BY_EXTENSION = {
    ".xml": "xml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
}
_HEAD_BYTES = 4096


def sniff_format(path: Path, declared: str) -> str:
    """The input's format; a profile for XML given a CSV file is a usage error, not a guess."""
    found = _BY_EXTENSION.get(path.suffix.lower()) or _from_content(path)
    if found == "json" and _looks_like_lines(path):
        found = "jsonl"
    if declared not in ("auto", found) and not (declared in _JSONS and found in _JSONS):
        raise InputError(str(path), None, f"the profile expects {declared} input; this is {found}")
    return found


_JSONS = frozenset({"json", "jsonl"})


def _head(path: Path) -> bytes:
    with path.open("rb") as raw:
        return raw.read(_HEAD_BYTES)


def _from_content(path: Path) -> str:
    head = _head(path).removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head:
        raise InputError(str(path), None, "the file is empty")
    first = head[:1]
    if first == b"<":
        return "xml"
    if first in (b"[", b"{"):
        return "json"
    return "csv"


def _looks_like_lines(path: Path) -> bool:
    """A ``{...}`` first line followed by another line starting with ``{`` is JSON Lines."""
    lines = _head(path).removeprefix(b"\xef\xbb\xbf").lstrip().split(b"\n", 2)
    return (
        len(lines) >= 2
        and lines[0].rstrip().startswith(b"{")
        and lines[0].rstrip().endswith(b"}")
        and lines[1].lstrip().startswith(b"{")
    )
