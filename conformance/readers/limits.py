"""The bounds every reader keeps, so that no input can exhaust memory or time before it is
refused with one clear line. Each is far beyond what a real school export, schema or spec holds.
"""

from __future__ import annotations

import re

MIB = 1 << 20

# Nesting of elements (XML: libxml2's own limit without XML_PARSE_HUGE) and of JSON values.
MAX_DEPTH = 256
# One value, one JSON Lines line, one CSV line or field. (libxml2 refuses text nodes over 10 MB.)
MAX_VALUE_BYTES = 16 * MIB
# Characters in one JSON key, XML element or attribute name: a name prefixes the path of every
# value, and the pointer of every record, under it — a 1 MiB key over 20,000 pupils was 2.6 GB
# and two minutes; libxml2 allows names of 50,000 (two such wrappers: 100 KB in each record's
# XPath, 100 MB a window).
MAX_KEY_CHARS = 4096
# Digits in one JSON number: ijson's C backend crashes past Python's 4,300-digit limit.
MAX_NUMBER_DIGITS = 1000
# Files a parser holds whole: sqlglot reads about 0.25 MB/s per dialect; specs are YAML or JSON.
MAX_SQL_BYTES = 4 * MIB
MAX_SPEC_BYTES = 16 * MIB
# YAML nodes of a spec once its aliases are followed (an alias "billion laughs" is a few lines),
# and fields collected from one spec once its $refs are followed (a $ref fan-out is the same).
MAX_SPEC_NODES = 1_000_000
MAX_SPEC_FIELDS = 100_000


def mib(size: int) -> str:
    return f"{size / MIB:g} MiB"


_CONTRACTION = re.compile(r"(?<=[a-z])n't ")


def parser_words(message: str | None, limit: int = 100) -> str:
    """A parser's own description of a problem, made safe for one line of output: libxml2
    quotes the comment or CDATA it stopped in (after ": <" or on a second line), sqlglot its
    tokens (``<Token … text: …>``) or a token in quotes ("Unsupported … operator: 'JANSEN'"),
    PyYAML a tag or anchor in quotes, yajl the input (on later lines). Only the first line is
    kept, up to the first such quotation, and no longer than ``limit``."""
    lines = (message or "").strip().splitlines()
    text = lines[0] if lines else ""
    # libxml2's "Couldn't find end of Start Tag": an apostrophe in a word, not a quotation
    text = _CONTRACTION.sub("n’t ", text)
    for cut in (": <", " <", "'", '"'):
        text = text.split(cut)[0]
    text = text.strip().rstrip(":,.;").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
