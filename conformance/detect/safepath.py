"""Field paths as they may appear in a report: a path is normally schema (``leerling/groep``),
but an export can turn data into names — a CSV without its header row makes the first pupil's
values the column names, JSON keyed by BSN makes each BSN a key. A path segment that holds
personal data is redacted like any value; the others stay as they are, because a reader needs
them to find the field."""

from __future__ import annotations

import re
from functools import lru_cache

from conformance.detect.names import person_name
from conformance.detect.redact import redact
from conformance.detect.scan import scan

_LONG_NUMBER = re.compile(r"\d{6,}")
_HEX = re.compile(r"[0-9a-fA-F]{16,}")


@lru_cache(maxsize=4096)
def safe_path(path: str) -> str:
    """The path with every segment that could be personal data redacted."""
    return "/".join(_safe_segment(segment) for segment in path.split("/"))


# An item's index has at most this many digits (10**8 items: ten times the largest export
# measured); a last step of more — a BSN, an onderwijsnummer, a phone number made a key — is
# data, not a position.
INDEX_DIGITS = 8


def safe_record_path(path: str) -> str:
    """A record's path as it may be shown: :func:`safe_path`, but a record's own position is no
    data — a JSON pointer's last step that is an index (``/leerlingen/150000``), an XPath
    step's ``[N]``, a CSV's ``row N`` — and stays readable however many digits it has."""
    if path.startswith("row ") and path[4:].isdecimal():
        return path
    base, slash, last = path.rpartition("/")
    if slash and last.isdecimal() and len(last) <= INDEX_DIGITS:
        return f"{safe_path(base)}/{last}"
    return safe_path(path)


_POSITION = re.compile(r"\[\d+\]$")  # an XPath step's position: never data


def _safe_segment(segment: str) -> str:
    if not segment.isprintable():  # a key's escape sequence is not sent to a terminal
        segment = segment.encode("unicode_escape").decode("ascii")
    position = _POSITION.search(segment)
    if position is not None and position.start() > 0:
        return _safe_segment(segment[: position.start()]) + position.group()
    bare = segment.lstrip("@")
    if not bare:
        return segment
    if _LONG_NUMBER.search(bare) or _HEX.search(bare) or "://" in bare or scan(bare):
        return redact(segment)
    if person_name(bare):  # a table with a column per pupil ("Sanne", …)
        return redact(segment)
    return segment


# What a column name never is, whole: a header may *mention* a phone number or a postcode
# ("Telefoon (bijv. 0612345678)"), and dates or codes ("20240902", "vak_100200") name columns
# in real exports, but a header cell that is an ECK iD, a valid BSN or an e-mail address is the
# first pupil's data.
_VALUE_KINDS = frozenset(
    {
        "eckid",
        "stampseudoniem",
        "idschool",
        "hpgn",
        "bsn",
        "onderwijsnummer",
        "email",
        "phone",
        "iban",
        "postcode",
    }
)


def data_not_name(cell: str) -> str | None:
    """What a would-be column name holds if the whole of it is a personal value — an ECK iD,
    a BSN or onderwijsnummer (11-proef), an e-mail address, a phone number, an IBAN, a
    postcode — and None for anything a header may say, including names of people (a header
    such as "Naam ouder" may look like one) and text that only mentions such a value."""
    bare = cell.strip()
    whole = {d.recogniser for d in scan(bare) if d.start == 0 and d.end == len(bare)}
    kinds = sorted(whole & _VALUE_KINDS)
    return f"a value a recogniser reads as {kinds[0]}" if kinds else None
