"""Redaction: the only form in which a personal value may appear in any output.

Every word keeps its first character and loses the rest (``Jan de Vries`` → ``J** d* V****``,
``133456785`` → ``1********``); separators stay so the shape remains recognisable. Long values are
cut to a shape with a length. A pseudonym's public URL prefix is kept, because it is what a reader
needs to see what is wrong: one of the chain's own prefixes (``https://ketenid.nl/201703/``),
else only the scheme and host — a supplier's own path may hold a number or a name
(``https://las.example.nl/leerling/<BSN>/``).
"""

from __future__ import annotations

import re

from conformance.detect.pseudonyms import CHAIN_PREFIX

_WORD = re.compile(r"\w+")
_MAX_SHOWN = 24
# A URL's scheme and host, shown where it holds no user or password (before an "@") and no
# run of five digits (a BSN or a phone number made a host name).
_URL_HOST = re.compile(r"https?://(?![^/\s]*\d{5})[^/\s@]+/")


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
    prefix = public_prefix(value)
    if not prefix:
        return redact(value)
    tail = value[len(prefix) :]
    if not tail:
        return prefix
    return f"{prefix}{tail[0]}{'*' * min(len(tail) - 1, 8)} ({len(tail)} chars)"


def public_prefix(value: str) -> str:
    """The part of a pseudonym that may be shown as it is: a chain prefix it starts with,
    else its URL's scheme and host, else nothing."""
    public = CHAIN_PREFIX.match(value) or _URL_HOST.match(value)
    return public.group() if public is not None else ""
