"""Which reader an input needs: the profile's format, else the extension, else the first bytes."""

from __future__ import annotations

import codecs
import re
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
SNIFF_BYTES = 4096
# Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE): the head is decoded with
# its own encoding, so a UTF-16 XML or JSON file is not taken for CSV.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_format(path: Path, declared: str, head: bytes) -> str:
    """The input's format, from its name and ``head`` (its first bytes); a profile for XML
    given a CSV file is a usage error, not a guess."""
    text = _decoded(head)
    found = _BY_EXTENSION.get(path.suffix.lower()) or _from_content(path, text, len(head))
    if found == "json" and _looks_like_lines(text):
        found = "jsonl"
    if declared not in ("auto", found) and not (declared in _JSONS and found in _JSONS):
        raise InputError(str(path), None, f"the profile expects {declared} input; this is {found}")
    return found


_JSONS = frozenset({"json", "jsonl"})


def _decoded(head: bytes) -> str:
    """The head as text, after its BOM; bytes that do not decode are replaced, never fatal:
    the reader itself says what is wrong with them."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, "replace")
    return head.decode("utf-8", "replace")


def _from_content(path: Path, head: str, size: int) -> str:
    stripped = head.lstrip()
    if not stripped and size < SNIFF_BYTES:
        raise InputError(str(path), None, "the file is empty")
    if not stripped:
        problem = "no content in the first 4 KiB; name the file .xml, .json, .jsonl or .csv"
        raise InputError(str(path), None, problem)
    first = stripped[:1]
    if first == "<":
        return "xml"
    if first in ("[", "{"):
        return "json"
    return "csv"


def _looks_like_lines(head: str) -> bool:
    """A ``{...}`` first line followed by another line starting with ``{`` is JSON Lines."""
    lines = head.lstrip().split("\n", 2)
    return (
        len(lines) >= 2
        and lines[0].rstrip().startswith("{")
        and lines[0].rstrip().endswith("}")
        and lines[1].lstrip().startswith("{")
    )


def is_database_url(text: str) -> bool:
    """``scheme://…`` with a plain scheme (``postgresql+psycopg``): a database, not a file.
    Here, not beside the database reader, so telling inputs apart needs no SQLAlchemy."""
    return "://" in text and text.split("://", 1)[0].replace("+", "").isalnum()


# Query parameters that carry a secret in the URLs drivers accept (libpq's password and
# sslpassword, ODBC's PWD, tokens of cloud drivers)
_SECRET_PARAMETERS = frozenset(
    {"password", "passwd", "pwd", "pass", "sslpassword", "secret", "token", "access_token"}
)
# a password may hold '/', '?' or '#' (SQLAlchemy takes everything up to the '@' raw)
_USERINFO_PASSWORD = re.compile(r"(://[^/@:?#\s]*):[^@\s]*@")
_SECRET_QUERY = re.compile(
    r"([?&;](?:" + "|".join(sorted(_SECRET_PARAMETERS)) + r")=)[^&;#\s]*", re.IGNORECASE
)
HIDDEN = "***"


def without_secrets(argument: str) -> str:
    """A command-line argument as a report may repeat it: the password of anything written as
    a URL hidden, by its form alone (it need not parse as a database URL to hold one)."""
    if "://" not in argument:
        return argument
    hidden = _USERINFO_PASSWORD.sub(rf"\1:{HIDDEN}@", argument)
    return _SECRET_QUERY.sub(rf"\1{HIDDEN}", hidden)
