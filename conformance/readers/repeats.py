"""Keys written twice in one JSON object keep both values.

RFC 8259 only says an object's names SHOULD be unique, and every parser here keeps the last
value of a repeated name (orjson, ijson, Python's json): ``{"groep": "111222333", "groep": "7"}``
was read as group 7, and the BSN passed unexamined. Here a repeated key's values are kept, in
order, as a :class:`Repeated` list — arrays are transparent when records are flattened, so they
become one field with both values.

orjson cannot be told to keep them, so :func:`loads` checks its result cheaply: with no key
repeated, an object's keys are as many as the parsed values have, and every key is a string
followed (after any white space) by a ":". The text with its white space dropped has at least
as many '":' as it has keys — more only where a string holds one — so where it has no more
than the parsed keys, no key was lost. Anything else is parsed again by Python's json, which
hands over every pair.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import chain
from typing import Any

import numpy as np
import orjson

_WHITE_SPACE = b" \t\r\n"
_QUOTE = ord('"')
_SCALARS = frozenset({str, int, float, bool, type(None)})


class Repeated(list[Any]):
    """The values of a key written more than once in one object, in the order written."""


class RepeatMap(dict[str, Any]):
    """A JSON object (``map_type`` of ijson's builders) that keeps a repeated key's values."""

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self:
            held = dict.__getitem__(self, key)
            if type(held) is Repeated:
                held.append(value)
                return
            value = Repeated([held, value])
        dict.__setitem__(self, key, value)


def keep_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object from its pairs (``object_pairs_hook``), a repeated key's values kept."""
    made = RepeatMap()
    for key, value in pairs:
        made[key] = value
    return made


def loads(text: bytes) -> Any:
    """The JSON value of ``text`` (orjson's errors for malformed text), every value of a
    repeated key kept."""
    value = orjson.loads(text)
    if not may_repeat(text, key_count(value)):
        return value
    return json.loads(text, object_pairs_hook=keep_repeats)


def may_repeat(text: bytes, keys: int) -> bool:
    """Whether JSON text whose parse has ``keys`` keys may have written more of them."""
    return text.translate(None, _WHITE_SPACE).count(b'":') > keys


def flat_written_twice(text: bytes, items: list[dict[str, str]]) -> bool:
    """Whether a key was written twice in ``text``, which parsed to ``items``, flat objects
    of strings (the common export). Told by a count in C: written, each key and each string
    value has two quotes and an escaped quote in a string one more, so the text has four per
    key parsed exactly where no key was lost — and no escaped quote made up for one. Any other
    count is settled by Python's json, pair by pair."""
    if _quotes(text) == 4 * sum(map(len, items)):
        return False
    return written_twice(text)


def _quotes(text: bytes) -> int:
    """The double quotes in ``text``, counted by numpy (a few times quicker than bytes.count,
    which goes a byte at a time); a bool per byte is held meanwhile."""
    return int(np.count_nonzero(np.frombuffer(text, np.uint8) == _QUOTE))


def written_twice(text: bytes) -> bool:
    """Whether an object in the JSON ``text`` has a key twice (text that Python's json cannot
    read is taken to: the caller then reads it the careful way)."""
    try:
        json.loads(text, object_pairs_hook=_refuse_repeats)
    except (_RepeatedKeyError, ValueError, RecursionError):
        return True
    return False


class _RepeatedKeyError(Exception):
    pass


def _refuse_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    if len(made) != len(pairs):
        raise _RepeatedKeyError
    return made


def key_count(value: Any) -> int:
    """The keys of the objects in a parsed JSON value, at every depth; quick for the common
    array of flat objects (the counting in C)."""
    if (
        type(value) is list
        and set(map(type, value)) == {dict}
        and set(map(type, chain.from_iterable(map(dict.values, value)))) <= _SCALARS
    ):
        return sum(map(len, value))
    return _nested_keys(value)


def _nested_keys(value: Any) -> int:
    """Counted with a stack of containers, not by recursion: nesting deeper than Python's
    stack crashed the reader (the depth limit is the flattener's, which comes after)."""
    total = 0
    stack = [value]
    while stack:
        container = stack.pop()
        if type(container) is dict:
            total += len(container)
            inner: Iterable[Any] = container.values()
        elif type(container) is list:
            inner = container
        else:
            continue
        stack.extend(v for v in inner if type(v) is dict or type(v) is list)
    return total
