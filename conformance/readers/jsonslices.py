"""Arrays of flat JSON objects read in orjson slices: the fast way of the JSON reader.

Most JSON exports are one array of flat objects of strings — at the top level, or under a key
of a top-level object (``{"leerlingen": [...]}``). Item by item through ijson that costs 9 s
(at the top) to 30 s (under a key) for a million records; parsed by orjson a slice of items at
a time it costs about 2. A slice ends after an item's "}" followed by "," (or by "]": the end
of the array), and is taken only where it parses: a cut inside a string leaves the string
open, a cut inside a nested object leaves a brace open, so a slice that parses ends at an
item. A key of the object is read as a JSON string token and decoded by orjson.

Everything here only *finds* what is plain; it never decides on anything else. Where a slice
does not parse, holds anything but flat objects of strings (a number keeps its written form
only in ijson: ``1.10``), or no item ends within :data:`SLICE_LIMIT`, the JSON reader hands the
rest of the input to ijson, after a stand-in for what was read already (:class:`Prefixed`), so
records, limits and errors are those of the general reader.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from functools import partial
from itertools import chain
from typing import IO, Any

import orjson

from conformance.model.records import WINDOW_SIZE, RecordWindow
from conformance.readers import repeats
from conformance.readers.limits import MAX_KEY_CHARS

SLICE_READ = 256 << 10  # input read at a time
SLICE_LIMIT = 1 << 20  # held without an item's end (or a key's): the rest goes the general way
CUT_TRIES = 4  # item ends tried from the last back, before the rest goes the general way
# A key of the top-level object: a string token (escapes and all), then the colon. White
# space is JSON's four characters, not the regex \s (which takes \f and \v too).
_KEY = re.compile(rb'[ \t\n\r]*("(?:[^"\\]++|\\.)*+")[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
_ARRAY_END = re.compile(rb"\}[ \t\n\r]*\]")
_SPACED_ITEM_END = re.compile(rb"\}[ \t\n\r]+,")  # "}\n," where a "," starts the line
_SPACE = b" \t\n\r"


class Held:
    """Input read ahead of the parse: ``data`` (what is not consumed yet) and more on ``fill``."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.data = b""
        self.ended = False

    def fill(self) -> bool:
        """Read on; False at the end of the input, or where too much is held unconsumed."""
        if self.ended or len(self.data) > SLICE_LIMIT:
            return False
        chunk = self.stream.read(SLICE_READ)
        self.ended = not chunk
        self.data += chunk
        return bool(chunk)

    def first(self) -> bytes:
        """The next byte that is not white space (consumed up to it), or b"" at the end."""
        while True:
            stripped = self.data.lstrip(_SPACE)
            if stripped:
                self.data = stripped
                return stripped[:1]
            self.data = b""
            if not self.fill():
                return b""


def member_key(held: Held, skip: int = 0) -> tuple[bytes, str] | None:
    """The next member's key (as written, and decoded), consumed with its colon (and the
    ``skip`` bytes before it: a ","); None where it is not a plain string key followed by a
    colon within :data:`SLICE_LIMIT`."""
    while True:
        found = _KEY.match(held.data, skip)
        if found and found.end() < len(held.data):  # a value follows: the key is whole
            written = found.group(1)
            try:
                key = orjson.loads(written)
            except orjson.JSONDecodeError:
                return None
            if len(key) > MAX_KEY_CHARS:
                return None  # refused where the general way reads it, with its place
            held.data = held.data[found.end() :]
            return written, key
        if not held.fill():
            return None


class ArrayReader:
    """The items of one array, its "[" consumed: ``windows()`` gives them while they come in
    slices of flat objects of strings; then ``ended`` says whether the array's "]" was read
    too (else ``held`` starts where the general reader must go on: at an item, or at the ","
    after one), and ``start`` is the index of the next item."""

    def __init__(self, held: Held, kind: str, name: str, base: str, start: int) -> None:
        self.held = held
        self.kind = kind
        self.name = name
        self.base = base
        self.start = start
        self.ended = False

    def windows(self) -> Iterator[RecordWindow]:
        held = self.held
        if held.first() == b"]":
            held.data = held.data[1:]
            self.ended = True
            return
        skip = 0  # 1 once an item is read: "held" then starts with the "," after it
        while True:
            found = array_end(held.data, skip)
            if found is not None:
                after, items, text = found
                made = self._made(items, after, text)
                if made is not None:
                    held.data = held.data[after:]
                    self.ended = True
                    yield from made
                return
            parsed = parsed_slice(held.data, skip)
            if parsed is not None:
                end, items, text = parsed
                made = self._made(items, end + 1, text) if end >= 0 else None
                if made is None:
                    return
                held.data = after_item(held.data, end)
                skip = 1
                yield from made
            elif not held.fill():
                return

    def _made(self, items: list[Any], read: int, text: bytes) -> list[RecordWindow] | None:
        """The windows of a slice's items (``read`` bytes of input, parsed from ``text``), or
        None — also where a key of an item was written twice: ijson reads on and keeps both
        values (:mod:`repeats`)."""
        made = flat_windows(items, self.kind, self.name, self.base, self.start)
        if made is not None and repeats.flat_written_twice(text, items):
            return None
        if made is not None:
            self.start += len(items)
            for window in made:
                window.input_bytes = read * len(window) // len(items)
        return made


def parsed_slice(held: bytes, skip: int) -> tuple[int, list[Any], bytes] | None:
    """The items before the last "}," in ``held`` (past its first ``skip`` bytes) that ends a
    slice orjson parses, where that "}" is, and the text parsed; None where no "}," does yet
    (more input may end the item a "}," inside a string left open), and -1 where none of the
    last :data:`CUT_TRIES` does (values holding "}," may; a malformed item)."""
    end = len(held)
    for _ in range(CUT_TRIES):
        end = _item_end(held, skip, end)
        if end < 0:
            return None
        text = b"[" + held[skip : end + 1] + b"]"
        try:
            return end, orjson.loads(text), text
        except orjson.JSONDecodeError:
            continue
    return -1, [], b""


def _item_end(held: bytes, skip: int, before: int) -> int:
    """Where the last "}" followed by a "," before ``before`` is; -1 where there is none. White
    space between the two is looked for only where no "}," is (a file writing the comma at the
    start of the next line): that search makes a match object an item."""
    end = held.rfind(b"},", skip, before)
    if end >= 0:
        return end
    last = deque(_SPACED_ITEM_END.finditer(held, skip, before), maxlen=1)
    return last[0].start() if last else -1


def after_item(held: bytes, end: int) -> bytes:
    """What follows the item whose "}" is at ``end``: from the "," on (white space dropped)."""
    return held[end + 1 :].lstrip(_SPACE)


def array_end(held: bytes, skip: int) -> tuple[int, list[Any], bytes] | None:
    """Where the array ends — just after its "]" — the items before it and the text parsed,
    where one of the first :data:`CUT_TRIES` "}" followed by "]" in ``held`` ends a slice
    that parses."""
    for tried, found in enumerate(_ARRAY_END.finditer(held, skip)):
        if tried == CUT_TRIES:
            break
        text = b"[" + held[skip : found.start() + 1] + b"]"
        try:
            items = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        return found.end(), items, text
    return None


def string_columns(items: list[Any]) -> list[list[str]] | None:
    """The members' values as stripped columns, or None unless every item is an object, all
    with the same members in the same order, and every value is a string."""
    if set(map(type, items)) != {dict}:
        return None
    first = list(items[0])
    # Every item's keys, one after the other, are the first item's over and over exactly where
    # each item has them all in order: no item has a key twice, so none can take in more than
    # one round of them. Compared in C, most keys by identity (orjson reuses its key strings).
    if list(chain.from_iterable(items)) != first * len(items):
        return None
    if any(len(k) > MAX_KEY_CHARS for k in first):
        return None  # (a key too long is refused where the general way reads it)
    try:  # str.strip takes only a str: a value of another type ends the columns
        values = list(map(str.strip, chain.from_iterable(map(dict.values, items))))
    except TypeError:
        return None
    width = len(first)  # the values row by row: a column is every width-th of them
    return [values[column::width] for column in range(width)]


def flat_windows(
    items: list[Any], kind: str, name: str, base: str, start: int
) -> list[RecordWindow] | None:
    """The windows of items parsed from a slice, the first numbered ``start`` under the JSON
    pointer ``base``; None unless every item is a flat object of strings."""
    made: list[RecordWindow] = []
    for at in range(0, len(items), WINDOW_SIZE):
        part = items[at : at + WINDOW_SIZE]
        columns = string_columns(part)
        if columns is None:
            return None
        made.append(
            RecordWindow.from_columns(
                kind,
                name,
                list(part[0]),
                columns,
                lines=[None] * len(part),
                pointer=partial(_item_pointer, f"{base}/", start + at),
                items=(base, start + at),
            )
        )
    return made


def _item_pointer(base: str, first: int, row: int) -> str:
    return f"{base}{first + row}"


class Prefixed:
    """A readable stream: ``head``, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            head, self._head = self._head, b""
            return head + self._stream.read()
        head, self._head = self._head[:size], self._head[size:]
        return head
