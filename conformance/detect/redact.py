"""Redaction: the only form in which a personal value may appear in any output.

Every word keeps its first character and loses the rest (``Jan de Vries`` → ``J** d* V****``,
``133456785`` → ``1********``); separators stay so the shape remains recognisable. Long values are
cut to a shape with a length. URL prefixes of pseudonyms (scheme, host, version) are public and
kept, because they are what a reader needs to see what is wrong.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
_MAX_SHOWN = 24
_URL_PREFIX = re.compile(r"^(https?://[^/\s]+/(?:[^/\s]+/)*)")


def redact(value: str) -> str:
    """The value with all but the first character of every word masked."""
    if len(value) <= 2:
        return "*" * len(value)
    masked = _WORD.sub(lambda m: m.group()[0] + "*" * (len(m.group()) - 1), value)
    if len(masked) > _MAX_SHOWN:
        return f"{masked[:_MAX_SHOWN]}… ({len(value)} chars)"
    return masked


def redact_pseudonym(value: str) -> str:
    """A pseudonym with its public URL prefix kept and its identifying part masked."""
    match = _URL_PREFIX.match(value)
    if match is None:
        return redact(value)
    prefix = match.group(1)
    tail = value[len(prefix) :]
    if not tail:
        return prefix
    return f"{prefix}{tail[0]}{'*' * min(len(tail) - 1, 8)} ({len(tail)} chars)"
