"""Streaming JSON readers: arrays and objects (ijson; arrays of flat objects of strings in
orjson slices, :mod:`jsonslices`), and JSON Lines (orjson per line).

Records are found without a profile: the items of a top-level array; the object items of each
array directly under a top-level object (the array's key is the record kind) — of a list named
for groups or things only those that are a pupil's (``_things_apart``), and a group's pupils
listed in its items, one at a time (``_listing_item``) — and those of an array of persons
(``leerlingen``, ``deelnemers``) nested in a wrapper object; the persons filed by their keys in
an object named for many (``{"leerlingen": {"L1": {…}}}``); one object per line. What a
document holds outside its records is read too, as values of kind ``OUTSIDE`` (``_walk``) — or,
where it holds no records and is an API's response about one person (a pseudonym in an object
at the top or in envelopes such as ``data``), that object as the one record (``_one_person``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import suppress
from decimal import Decimal
from functools import partial
from itertools import chain, islice, repeat
from typing import IO, Any, cast

import ijson
import orjson

from conformance.detect.fieldnames import (
    classify_name,
    compact_name,
    names_organisation,
    names_person_key,
    names_person_map,
    names_persons,
    names_pseudonym,
    names_pupils,
    of_a_person,
)
from conformance.detect.names import find_names
from conformance.detect.pseudonyms import PseudonymKind, classify_pseudonym
from conformance.detect.redact import redact
from conformance.detect.safepath import safe_path  # keys may be pupils' data
from conformance.detect.spans import NO_HINT
from conformance.model import records
from conformance.model.errors import InputError
from conformance.model.profile import FieldClass
from conformance.model.records import (
    OUTSIDE,
    WINDOW_SIZE,
    OutsideValues,
    Record,
    RecordWindow,
    WindowBound,
    runs,
    windows,
)
from conformance.readers import jsonslices, repeats
from conformance.readers.jsonguard import (
    GuardedStream,
    KeyLengthError,
    NestingError,
    NumberLengthError,
    StringLengthError,
    within_limits,
)
from conformance.readers.limits import (
    MAX_DEPTH,
    MAX_KEY_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_VALUE_BYTES,
    mib,
    parser_words,
)
from conformance.readers.lines import LineChunks

_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 (and UTF-32 LE) byte order marks
_WIDE = "UTF-16 or UTF-32 text; JSON must be UTF-8"
_JSONL_CHUNK = 64 << 10  # bytes read at a time: what a window may hold beyond its bound
_KEY_TOO_LONG = f"a key longer than {MAX_KEY_CHARS:,} characters"
_TOO_DEEP = f"values nested deeper than {MAX_DEPTH} levels"


class _TooDeepError(Exception):
    pass


def flatten(value: Any, prefix: str, fields: dict[str, list[str]], depth: int = 0) -> None:
    """Flatten parsed JSON into ``path -> values``; arrays are transparent, nulls are absent;
    a list of typed identifiers is read as fields named by their types (:func:`_typed`)."""
    if depth > MAX_DEPTH:
        raise _TooDeepError
    if isinstance(value, list) and (typed := _typed(value)) is not None:
        for kind, text in typed:
            fields.setdefault(f"{prefix}/{kind}" if prefix else kind, []).append(text)
    elif isinstance(value, dict):
        for key, item in value.items():
            if len(key) > MAX_KEY_CHARS:
                raise KeyLengthError
            flatten(item, f"{prefix}/{key}" if prefix else str(key), fields, depth + 1)
    elif isinstance(value, list):
        for item in value:
            flatten(item, prefix, fields, depth + 1)
    elif value is None:
        return
    else:
        text = _scalar(value)
        if text:
            fields.setdefault(prefix, []).append(text)


# A list of identifiers each named by its type, as OneRoster and SCIM write them:
# "userIds": [{"type": "eckId", "identifier": "https://ketenid.nl/…"}, {"type": "LAS", …}].
# Read as the fields "userIds/eckId" and "userIds/identifier", a pupil's ECK iD is found where
# it is (PSN-001 failed for want of it) and a BSN by its name, not only by its checksum. Only
# a type that names an identifier's scheme (a pseudonym, a key, a personal number) names the
# field: in {"type": "student", "id": "1000"} the type says what the id refers to, and
# "relationships/student" was read as a pupil's name (a review's false alarm).
_TYPE_KEYS = frozenset({"type", "soort", "idtype", "scheme", "system", "kind"})
_VALUE_KEYS = frozenset({"identifier", "id", "value", "waarde", "code", "nummer", "number"})
_TYPE_NAME = re.compile(r"[A-Za-z][\w .:-]{0,63}")


def _typed(items: list[Any]) -> list[tuple[str, str]] | None:
    """The (type, identifier) of each item where every item of the list is an object of just
    a type and an identifier, both strings, the type fit to be a field's name; else None."""
    typed = []
    for item in items:
        if item is None:
            continue
        if not isinstance(item, dict) or len(item) != 2:
            return None
        kind = text = own = None
        for key, found in item.items():
            lowered = key.lower()
            if lowered in _TYPE_KEYS and isinstance(found, str):
                kind = found.strip()
            elif lowered in _VALUE_KEYS and isinstance(found, str | int | Decimal):
                own, text = key, _scalar(found)  # a LAS number may be written as one
        if kind is None or text is None or own is None or not _TYPE_NAME.fullmatch(kind):
            return None
        if text:
            typed.append((kind if _names_a_scheme(kind) else own, text))
    return typed if items else None


_SCHEMES = frozenset({FieldClass.PSEUDONYM, FieldClass.KEY})
_NUMBERS = frozenset({"bsn", "onderwijsnummer", "sofinummer", "national-id"})


def _names_a_scheme(kind: str) -> bool:
    rule = classify_name(kind)
    return rule is not None and (rule.cls in _SCHEMES or rule.category in _NUMBERS)


def flatten_object(item: dict[str, Any], fields: dict[str, list[str]]) -> None:
    """:func:`flatten` of a record object: its plain string members (most of them in a flat
    export) go straight in, only nested or non-string members take the general way."""
    for key, value in item.items():
        if len(key) > MAX_KEY_CHARS:
            raise KeyLengthError
        if type(value) is str:
            text = value.strip()
            if text:
                found = fields.get(key)
                if found is None:
                    fields[key] = [text]
                else:  # "a/b" beside {"a": {"b": …}}: one path, both values, in order
                    found.append(text)
        else:
            flatten(value, str(key), fields, 1)


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal | float | int):
        return str(value)
    return str(value).strip()


def read_json(
    stream: io.BufferedReader,
    name: str,
    locations: dict[str, str],
    consumed: Callable[[], int] | None = None,
) -> Iterator[RecordWindow]:
    """Records of a JSON document (array or object), streamed.

    ``locations`` maps a record kind to the JSON pointer of the array holding its records
    (``/`` for a top-level array). Without locations, records are found automatically.
    """
    first = _skip_bom_and_space(stream, name)
    guarded: Any = GuardedStream(
        stream, MAX_DEPTH, MAX_VALUE_BYTES, MAX_NUMBER_DIGITS, MAX_KEY_CHARS
    )
    try:
        top_kind = _top_level_kind(locations) if first == b"[" else None
        if top_kind is not None:
            # found without a profile: an item may be a group's listing its pupils
            groups = not locations
            yield from _top_array_items(stream, name, top_kind, consumed, groups=groups)
        elif locations and first == b"{" and (keys := _top_level_keys(locations)) is not None:
            yield from _object_members(stream, name, consumed, keys)
        elif locations:
            yield from _located(guarded, name, locations, consumed)
        elif first == b"{":
            yield from _things_apart(_object_members(stream, name, consumed))
        else:
            raise InputError(name, "byte 0", "JSON input must be an array or an object")
    except NestingError:
        raise InputError(name, None, _TOO_DEEP) from None
    except StringLengthError:
        raise InputError(name, None, f"a string longer than {mib(MAX_VALUE_BYTES)}") from None
    except NumberLengthError:
        problem = f"a number of more than {MAX_NUMBER_DIGITS} digits"
        raise InputError(name, None, problem) from None
    except KeyLengthError as exc:
        raise InputError(name, exc.where, _KEY_TOO_LONG) from None
    except ijson.IncompleteJSONError as exc:
        raise InputError(
            name, None, f"malformed or truncated JSON: {_ijson_problem(exc)}"
        ) from None
    except ijson.JSONError as exc:
        raise InputError(name, None, f"malformed JSON: {_ijson_problem(exc)}") from None
    except UnicodeDecodeError as exc:
        raise InputError(name, f"byte {exc.start}", "invalid UTF-8") from None


def _skip_bom_and_space(stream: io.BufferedReader, name: str) -> bytes:
    """Leave the stream at its first significant byte (after a BOM and white space, however
    much of it) and return that byte."""
    stream.read(_bom_length(stream.peek(4)[:4], name, "byte 0"))
    while head := stream.peek(1 << 16):
        stripped = head.lstrip()
        if stripped:
            stream.read(len(head) - len(stripped))
            return stripped[:1]
        stream.read(len(head))
    raise InputError(name, None, "empty JSON input")


def _array_items(
    stream: IO[bytes],
    name: str,
    prefix: str,
    kind: str,
    pointer: str,
    *,
    consumed: Callable[[], int] | None,
    start: int = 0,
    skip: int = 0,
    groups: bool = False,
) -> Iterator[RecordWindow]:
    """The items of one array, a window at a time (its records all of one kind), the first
    numbered ``start``, after ``skip`` items that stand in for those read already; where
    ``groups``, an item that is a group's listing its pupils gives their records (a school's
    export may be a list of its classes), as a JSON Lines line does."""

    def window(items: list[Any]) -> RecordWindow:
        lines = [None] * len(items)
        return _objects_window(
            items, kind, name, lines, pointer=f"{pointer}/", first=start, groups=groups
        )

    def made_first(items: list[Any]) -> None:  # (without a problem: the item's comes now)
        with suppress(_GroupLinesError):
            window(items)

    parsed = ijson.items(stream, prefix, use_float=False, map_type=repeats.RepeatMap)
    items = islice(parsed, skip, None)
    bound = WindowBound(WINDOW_SIZE, consumed)
    for run in runs(items, bound, before_error=made_first):
        try:
            made = [window(run)]
        except _GroupLinesError as split:  # groups listing their pupils
            made = _split_windows(split, kind)
        made[0].input_bytes = bound.taken()
        yield from made
        start += len(run)


def _top_level_kind(locations: dict[str, str]) -> str | None:
    """The record kind of a top-level array: "record" without a profile's locations, or the
    one kind a profile places at ``/``; None where records are elsewhere."""
    if not locations:
        return "record"
    if len(locations) == 1:
        ((kind, pointer),) = locations.items()
        return kind if _ijson_prefix(pointer) == "item" else None
    return None


def _top_array_items(
    stream: io.BufferedReader,
    name: str,
    kind: str,
    consumed: Callable[[], int] | None,
    *,
    groups: bool,
) -> Iterator[RecordWindow]:
    """The items of a top-level array: in orjson slices while they are flat objects of
    strings (:class:`jsonslices.ArrayReader`); from the first slice that is anything else,
    and after the array for what may follow it, :func:`_array_items` reads on (ijson, its
    limits, its errors) after a stand-in for what was read."""
    stream.read(1)  # the "["
    held = jsonslices.Held(stream)
    reading = jsonslices.ArrayReader(held, kind, name, "", 0)
    yield from reading.windows()
    start = reading.start
    null = start > 0 and not reading.ended  # a null stands in for the last item read
    rest = jsonslices.Prefixed(_array_stand_in(reading.ended, start > 0) + held.data, stream)
    yield from _array_items(
        _guarded(rest),
        name,
        "item",
        kind,
        "",
        consumed=consumed,
        start=start,
        skip=int(null),
        groups=groups,
    )


def _array_stand_in(ended: bool, read: bool) -> bytes:
    """What stands in, for ijson, for an array read up to where ``held`` goes on: all of it
    (an empty array), or its "[" and, where items were read, a null for the last of them
    ("held" then starts with the "," after it)."""
    if ended:
        return b"[]"
    return b"[null" if read else b"["


def _object_members(
    stream: io.BufferedReader,
    name: str,
    consumed: Callable[[], int] | None,
    wanted: dict[str, str] | None = None,
) -> Iterator[RecordWindow]:
    """The records of a top-level object: the object items of the arrays directly under it
    that ``wanted`` names (key -> kind), or without it of every such array, the array's key
    their kind. Arrays of flat objects of strings are read in orjson slices
    (:class:`jsonslices.ArrayReader`); from the first member, item or separator that is
    anything else, :func:`_walk` reads the rest after a stand-in for what was read (an object
    opened; a key and its array, opened; or a member before the separator), the items counted
    so far carried over."""
    stream.read(1)  # the "{"
    held = jsonslices.Held(stream)
    counters: dict[str, int] = {}
    stand_in = b"{"
    after_member = False
    stood_in: str | None = None  # the key of the array a null stands in for an item of
    while True:
        if after_member:
            stand_in = b'{"":null'  # a member with no value to examine, before the separator
            if held.first() != b",":
                break  # the "}" (the rest says whether anything follows it) or not JSON
        found = jsonslices.member_key(held, 1 if after_member else 0)
        if found is None:
            break
        written, key = found
        stand_in = b"{" + written + b":"
        kind = (key or "record") if wanted is None else wanted.get(key)
        if kind is None or held.first() != b"[":
            break  # a value that is no array, or no records: values outside them
        held.data = held.data[1:]
        start = counters.get(key, 0)
        reading = jsonslices.ArrayReader(held, kind, name, "/" + _escape(key), start)
        yield from reading.windows()
        read = reading.start > start
        counters[key] = reading.start - (read and not reading.ended)  # the null takes a place
        if not reading.ended:
            stand_in += _array_stand_in(False, read)
            stood_in = key if read else None
            break
        after_member = True
    rest = _guarded(jsonslices.Prefixed(stand_in + held.data, stream))
    if wanted is None:
        yield from windows(_walk(rest, name, None, counters), consumed=consumed)
        return
    # with a profile's pointers, ijson's prefixes: those of /key are "key.item"
    prefixes = {f"{key}.item": kind for key, kind in wanted.items()}
    counted = {f"{key}.item": count for key, count in counters.items()}
    stand_ins = {f"{stood_in}.item"} if stood_in is not None else set()
    yield from windows(_walk(rest, name, prefixes, counted, stand_ins), consumed=consumed)


def _things_apart(found: Iterator[RecordWindow]) -> Iterator[RecordWindow]:
    """Records of a list named for groups or things (``groepen``, ``licenties``, ``toetsen``,
    ``producten``) are a pupil's only where they carry a pseudonym, a pupil's key or a
    person's data (a licence of a pupil, a result, a class's list of its pupils); otherwise
    (``{"naam": "Staal taal groep 6", "ean": …}``) they are values outside the records under
    the list's key: a product or a group has no ECK iD (PSN-001 failed) and its name is no
    person's (NAW-001). A list is one kind of thing: once any of its items is a pupil's
    (decided per shape), all of them are records — a licence without its ECK iD too. Windows
    of a list not yet decided are held (at most :data:`_HELD_WINDOWS`) until one is: a list
    whose pupils have ECK iDs only from its 1,025th item on is still the pupils'."""
    persons: set[str] = set()
    things: set[str] = set()
    held: dict[str, list[RecordWindow]] = {}
    for window in found:
        kind = window.kind
        if kind == OUTSIDE or kind in persons or not names_organisation(kind):
            yield window
        elif any(any(of_a_person(kind, path) for path in b.paths) for b in window.batches):
            persons.add(kind)
            yield from held.pop(kind, [])  # the items before it: the same list's, a pupil's
            yield window
        elif kind in things:
            yield _set_apart(window)
        else:
            waiting = held.setdefault(kind, [])
            waiting.append(window)
            if len(waiting) > _HELD_WINDOWS:  # a long list of things: memory stays bounded
                things.add(kind)
                yield from map(_set_apart, held.pop(kind))
    for waiting in held.values():
        yield from map(_set_apart, waiting)


_HELD_WINDOWS = 4


def _set_apart(window: RecordWindow) -> RecordWindow:
    """A window of a group's or a thing's items as values outside the records."""
    values: dict[str, list[str]] = {}
    for record in window.records:
        for path, found in record.fields.items():
            values.setdefault(f"{window.kind}/{path}", []).extend(found)
    source = window.record(0).input
    return RecordWindow(OUTSIDE, [Record(OUTSIDE, values, source, None, "")])


def _group_members(
    item: dict[str, Any], kind: str, name: str, pointer: str, *, line: int | None = None
) -> Iterator[Record] | None:
    """The records in a group's or a thing's item that lists its pupils (``{"naam": "Groep
    5a", "leerlingen": [...]}``, a school's groups' pupils, a product's licences, a test's
    results), and its own values (a mentor's too) outside the records; None where it lists
    none."""
    keys = _member_keys(item)
    return _split_group(item, keys, kind, name, pointer, line=line) if keys else None


def _split_group(
    item: dict[str, Any],
    keys: list[str],
    kind: str,
    name: str,
    pointer: str,
    *,
    line: int | None = None,
    within: str | None = None,
) -> Iterator[Record]:
    """A group's item whose arrays under ``keys`` list its members: their records, its own
    values outside the records (under ``within``, else its kind)."""
    fields: dict[str, list[str]] = {}
    flatten_object({key: value for key, value in item.items() if key not in keys}, fields)
    if fields:
        yield _own_values(fields, within or kind, name)
    for key in keys:
        array = _MemberArray(key, kind, pointer, name, line)
        members = item[key]
        if isinstance(members, dict):  # a map of persons by their keys
            for filed_as, member in members.items():
                yield from array.filed(member, filed_as)
            continue
        for index, member in enumerate(members):
            yield from array.records_of(member, index)


def _own_values(fields: dict[str, list[str]], kind: str, name: str) -> Record:
    """A group's or a thing's own values, under its kind, as values outside the records."""
    own = {f"{kind}/{path}": values for path, values in fields.items()}
    return Record(OUTSIDE, own, name, None, "")


def _top_level_keys(locations: dict[str, str]) -> dict[str, str] | None:
    """Key -> kind where every pointer names an array directly under the top-level object
    (``/leerlingen``), whose keys no "." makes ambiguous in ijson's prefixes; else None."""
    keys: dict[str, str] = {}
    for kind, pointer in locations.items():
        steps = pointer.strip("/").split("/")
        if len(steps) != 1 or not steps[0] or "." in steps[0]:
            return None
        keys[steps[0].replace("~1", "/").replace("~0", "~")] = kind
    return keys


def _guarded(stream: jsonslices.Prefixed) -> Any:
    return within_limits(cast(IO[bytes], stream))


def _located(
    stream: IO[bytes],
    name: str,
    locations: dict[str, str],
    consumed: Callable[[], int] | None,
) -> Iterator[RecordWindow]:
    """Records at the profile's JSON pointers, and the values outside them, from events."""
    wanted = {_ijson_prefix(pointer): kind for kind, pointer in locations.items()}
    yield from windows(_walk(stream, name, wanted), consumed=consumed)


def _ijson_prefix(pointer: str) -> str:
    """``/leerlingen`` -> ``leerlingen.item``; ``/`` (the top-level array) -> ``item``."""
    keys = [k.replace("~1", "/").replace("~0", "~") for k in pointer.strip("/").split("/") if k]
    return ".".join([*keys, "item"])


# The events an item of an array starts with (a map or an array item ends with an event of
# the array's prefix too, which is no item).
_ITEM_STARTS = frozenset({"start_map", "start_array", "string", "number", "boolean", "null"})


def _walk(
    stream: IO[bytes],
    name: str,
    wanted: dict[str, str] | None,
    counters: dict[str, int] | None = None,
    stand_ins: set[str] | None = None,
) -> Iterator[Record]:
    """The records of a JSON document, and every value outside them, from parser events.

    Records are the objects in the arrays ``wanted`` names (ijson prefix -> kind: anything
    else there is refused), or without it the objects in the arrays directly under the
    top-level object, each array's key their kind ("record" for the empty key), and the
    persons filed under their keys in an object named for persons (:func:`_filed_person`). A
    record's pointer has its index among all its array's items; ``counters``: the items read
    already, by prefix (by key without ``wanted``), the next null item of those ``stand_ins``
    names one standing for the last of them (not refused). Every other string, number or
    boolean — the document's other members, an array's strings, arrays in arrays — is a value
    of a record of kind :data:`OUTSIDE`, under its path of keys: a BSN beside the records
    passed unexamined.
    Keys are told by depth, not by ijson's prefix, which joins them with "." and so cannot tell
    the key "a.b" from "b" inside "a"."""
    items = _RecordItems(name, wanted, {} if counters is None else counters, stand_ins or set())
    # a list of pupils or groups begun before (an empty one is no pupil's)
    listed = any(n or _a_list(key) for key, n in items.counters.items())
    outside = OutsideValues(name)
    made = False  # a record or values outside them given
    for record in _walked(ijson.parse(stream, use_float=False), items, outside):
        made = True
        yield record
    if outside.held():
        values = outside.take()
        alone = wanted is None and not (listed or items.listed or made)
        yield from _response_record(values) if alone else [values]


def _walked(
    events: Iterator[tuple[str, str, Any]], items: _RecordItems, outside: OutsideValues
) -> Iterator[Record]:
    """:func:`_walk`'s records and values outside them, from the parser's events, but the
    values still held at the end."""
    wanted = items.wanted
    at = _Containers()
    for prefix, event, value in events:
        if at.arrays and at.arrays[-1] and event in _ITEM_STARTS:
            at.counts[-1] += 1
            placed = items.place(prefix, at, event)
            if isinstance(placed, tuple):  # built up to its end: the containers are unchanged
                kind, pointer = placed
                if wanted is None and items.listing(kind):
                    yield from _listing_item(events, kind, pointer, outside)
                else:
                    yield _record(_build(events), kind, items.name, None, pointer)
                continue
            if placed:
                continue
        if event == "start_map" and wanted is None and at.in_a_map_of_persons():
            yield from _filed_person(events, at, outside)
            continue
        if at.follow(event, value):
            if event == "start_array" and len(at.arrays) == 2 and not at.arrays[0]:
                # an array under the top-level object, maybe read in part already and stood
                # in for by a null: its items are counted on from there (their pointers)
                at.counts[-1] = items.counters.get(at.keys[0], 0)
                items.listed = items.listed or _a_list(at.keys[0])
            continue  # a container's start or end, a key
        if value is None or not (text := _scalar(value)):
            continue  # a null, white space
        outside.add(at.path(), text)
        if outside.full():
            yield outside.take()


def _filed_person(
    events: Iterator[tuple[str, str, Any]], at: _Containers, outside: OutsideValues
) -> Iterator[Record]:
    """An object filed under its key in a map of persons (``{"leerlingen": {"L1": {…}}}``),
    its start read, built whole (as a JSON Lines line is: a pupil's own lists of tests or
    teachers may come before their ECK iD) and then :func:`_filed_records` — but a list of
    persons or groups in it longer than :data:`_OWN_LIST` items is no person's own: a class's
    pupils, given as records one at a time (memory stays bounded however large the class)."""
    kind, key = at.keys[-2], at.keys[-1]
    pointer = _filed_pointer(at.object_pointer(), key)
    member = repeats.RepeatMap()
    listed = False
    for field, event, value in _member_starts(events):
        if event == "start_array" and _a_list(field):
            array = _MemberArray(field, kind, pointer, outside.name, None)
            held = yield from _apart_when_long(events, array, outside)
            if held is None:
                listed = True
            else:
                member[field] = held
        else:
            member[field] = _built(events, (event, value))
    made = _filed_records(
        member, kind, key, outside.name, pointer=pointer, within=at.path(), listed=listed
    )
    yield from _apart(made, outside)


_OWN_LIST = 1024  # items of a person's own list (tests, teachers) at most: more, a class's


def _apart_when_long(
    events: Iterator[tuple[str, str, Any]], array: _MemberArray, outside: OutsideValues
) -> Generator[Record, None, list[Any] | None]:
    """An array in a filed member, its start read: its items, held (None once more than
    :data:`_OWN_LIST` came: those and the rest were given as records, one at a time)."""
    held: list[Any] | None = []
    index = 0
    _, event, value = _next(events)
    while event != "end_array":
        item = _built(events, (event, value))
        if held is not None and len(held) < _OWN_LIST:
            held.append(item)
        else:
            if held is not None:  # a class's list: the items held so far first
                for at, earlier in enumerate(held):
                    yield from _apart(array.records_of(earlier, at), outside)
                held = None
            yield from _apart(array.records_of(item, index), outside)
        index += 1
        _, event, value = _next(events)
    return held


def _filed_records(
    member: Any,
    kind: str,
    key: str,
    name: str,
    *,
    pointer: str,
    within: str,
    line: int | None = None,
    listed: bool = False,
) -> list[Record]:
    """A member of a map of persons filed under ``key``: its person's record where it is filed
    under a chain id, or one of its own fields names a pseudonym or a person's key (their lists
    of tests, groups or teachers theirs), with the key as one of its fields (:func:`_with_key`);
    else, where it lists pupils (a class), their records and its own values outside them; else
    (translations, statistics, settings filed under "leerlingen": neither) its values outside
    the records, under ``within``."""
    if not isinstance(member, dict):
        values: dict[str, list[str]] = {}
        flatten(member, within, values)
        return [Record(OUTSIDE, values, name, None, "")] if values else []
    record = _record(member, kind, name, line, pointer)
    lists = _member_keys(member)
    own = [path for path in record.fields if path.split("/", 1)[0] not in lists]
    chain_id = classify_pseudonym(key) is not PseudonymKind.OTHER
    if chain_id or any(map(_names_whose, own)):
        return [_with_key(record, key, chain_id)]
    if lists or listed:  # (listed: a class's long list given already, its own values left)
        split = list(_split_group(member, lists, kind, name, pointer, line=line))
        if listed or any(map(_a_persons, split)):
            return split
    beside = {f"{within}/{path}": found for path, found in record.fields.items()}
    return [Record(OUTSIDE, beside, name, None, "")] if beside else []


# A key shaped like an id — a number, a few letters and a number (L00000017, LL-42), a class
# (5a), a UUID, a digest — is shown as safe_path shows it (six digits and more redacted). Any
# other is redacted whole: names and dates are written too many ways to find them all
# ("j.jansen", "vanDijk", "1-3-2014"), and a pointer is printed in every report.
_ID_SHAPED = re.compile(
    r"[A-Za-z]{0,4}[-_]?\d{1,12}|\d{1,2}[A-Za-z]{0,2}"
    r"|[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"
    r"|[0-9A-Fa-f]{16,}"
)
_INDEX_DIGITS = 6  # a decimal key shorter than this is an index (PHP writes arrays so)


def _filed_pointer(container: str, key: str) -> str:
    """The pointer of a member filed under ``key``, the key as it may be shown: a BSN's nine
    digits are no item's index, and a name no field's."""
    shown = safe_path(key) if _ID_SHAPED.fullmatch(key) else redact(key)
    return f"{container}/{_escape(shown)}"


def _with_key(record: Record, key: str, chain_id: bool) -> Record:
    """The record with the key it is filed under as one of its fields (``@key``; ``@pseudonym``
    for a chain id): the sender's key PSN-003 tells persons apart by, and a BSN or a name made
    a key is found there — not an index (``{"0": …}``, as PHP writes a list, would make the
    first pupils of two classes one person)."""
    filed = key.strip()
    if filed and not (filed.isdecimal() and len(filed) < _INDEX_DIGITS):
        record.fields = {"@pseudonym" if chain_id else "@key": [filed], **record.fields}
    return record


def _names_whose(path: str) -> bool:
    """Whether a field says whose the record is: it names a pseudonym or a person's key, on the
    record itself or in an envelope (``leerling/eckId``) — not another role's (a class's
    ``mentor/eckId`` does not make the class a person)."""
    *above, last = path.split("/")
    if not all(compact_name(step) in _ENVELOPES for step in above):
        return False
    return names_pseudonym(last) or names_person_key(last)


def _response_record(values: Record) -> list[Record]:
    """The values of a document that holds no records: the record of the one person an API's
    response is about and the values beside it, where it is one (:func:`_one_person`)."""
    person = _one_person(values.fields)
    if person is None:
        return [values]
    steps, own, rest = person
    pointer = "".join(f"/{_escape(step)}" for step in steps)
    record = Record("record", own, values.input, None, pointer)
    return [record, Record(OUTSIDE, rest, values.input, None, "")] if rest else [record]


def _a_list(key: str) -> bool:
    """Whether an array's key says it lists persons, groups or things."""
    return names_persons(key) or names_organisation(key)


# What may stand around one person's object in an API's response: {"data": {…}},
# {"leerling": {…}}, {"result": {"user": {…}}}. A key that is anything else (an id, "rows",
# "velden", "error") says the object is not simply the person the response is about.
_ENVELOPES = frozenset(
    "data result results resultaat response antwoord payload body content item record "
    "attributes leerling leerlinggegevens gegevens student learner pupil user gebruiker me "
    "person persoon deelnemer profile profiel".split()
)
# Beside a person's object at the top of a response: the response's own members, not theirs.
_RESPONSE_MEMBERS = frozenset(
    "links _links meta _meta jsonapi paging pagination error errors".split()
)
_SHORTEST_PSEUDONYM = 16  # characters of a value that is no ECK iD: a count, a flag, a name


def _one_person(
    fields: dict[str, list[str]],
) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]] | None:
    """Where a document with no records is an API's response about one person, the steps to
    that person's object, the object's fields (paths from it: as its items' fields in a list
    would be) and the other values (``links``, ``meta``: outside the record, as beside a list).
    One field in it names a pseudonym and holds one value that could be one (no count, flag or
    template), in an object at the top or in envelopes (``data``, ``leerling`` …); no other
    field names a person's key but the object's own; no key is data. None otherwise: a document
    of counts or settings, an error, a school's data, persons keyed by an id or listed as rows
    (two reviews found each of these made into one record, some of them passing)."""
    if any(safe_path(path) != path for path in fields):
        return None
    named = [path for path in fields if names_pseudonym(path.rsplit("/", 1)[-1])]
    if len(named) != 1 or len(fields[named[0]]) != 1 or not _could_be_one(fields[named[0]][0]):
        return None
    steps = named[0].split("/")[:-1]
    if not all(compact_name(step) in _ENVELOPES for step in steps):
        return None
    within = "".join(f"{step}/" for step in steps)
    own: dict[str, list[str]] = {}
    rest: dict[str, list[str]] = {}
    for path, values in fields.items():
        inside = path.startswith(within) and not (
            not steps and path.split("/", 1)[0].lower() in _RESPONSE_MEMBERS
        )
        if inside:
            own[path.removeprefix(within)] = values
        else:
            rest[path] = values
    if any(names_person_key(path.rsplit("/", 1)[-1]) for path in rest):
        return None  # another person's key beside the object: more persons than one
    keys = [path for path in own if names_person_key(path.rsplit("/", 1)[-1])]
    if any("/" in path or len(own[path]) != 1 for path in keys):
        return None  # a person's key in a nested object or list: another person's
    return steps, own, rest


def _could_be_one(value: str) -> bool:
    """Whether a pseudonym field's value could be a pseudonym: a chain id of any kind, or a
    token of 16 characters or more with a digit in it (a UUID, a digest) — not a count, a flag,
    a template's "leerling.eck_id" or a bare "https://ketenid.nl/201703/"."""
    if classify_pseudonym(value) is not PseudonymKind.OTHER:
        return True
    token = value.strip().rstrip("/").rsplit("/", 1)[-1] if "://" in value else value.strip()
    return (
        len(token) >= _SHORTEST_PSEUDONYM
        and not any(c.isspace() for c in token)
        and any(c.isdigit() for c in token)
    )


def _listing_item(
    events: Iterator[tuple[str, str, Any]], kind: str, pointer: str, outside: OutsideValues
) -> Iterator[Record]:
    """A group's or a thing's item, its start read: where it lists pupils (an array of
    persons, or of groups, with an object among its items) their records, one at a time (a
    school's item may list all its 800,000 pupils), its own values joining the others outside
    the records; else the record it is (a licence of a pupil)."""
    item = repeats.RepeatMap()
    listed = False
    for key, event, value in _member_starts(events):
        if event == "start_array" and _a_list(key):
            members = _MemberList(key, kind, pointer, outside.name)
            yield from _apart(members.records(events), outside)
            if members.listed:
                listed = True
            else:  # strings, numbers or nothing: values of the item
                item[key] = members.held
        else:
            built = _built(events, (event, value))
            if key in item or not _a_person_map(key, built):
                item[key] = built
                continue
            # a map of its pupils by their keys: read whole, as a JSON Lines line is
            array = _MemberArray(key, kind, pointer, outside.name, None)
            for filed_as, member in built.items():
                yield from _apart(array.filed(member, filed_as), outside)
            listed = True
    if not listed:
        yield _record(item, kind, outside.name, None, pointer)
        return
    fields: dict[str, list[str]] = {}
    flatten_object(item, fields)
    yield from _apart([_own_values(fields, kind, outside.name)], outside)


def _member_starts(events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, str, Any]]:
    """An object's members, its start read: each one's key and first event, up to its end (the
    caller reads the rest of each member from ``events`` before asking for the next)."""
    key = ""
    for _, event, value in events:
        if event == "end_map":
            return
        if event == "map_key":
            if len(value) > MAX_KEY_CHARS:
                raise KeyLengthError
            key = value
        else:
            yield key, event, value


class _MemberArray:
    """An array of persons or groups (under ``key``) in a group's item: its items' records."""

    def __init__(self, key: str, kind: str, pointer: str, name: str, line: int | None) -> None:
        self.key = key
        self.kind = kind
        self.base = f"{pointer}/{_escape(key)}/"
        self.name = name
        self.line = line
        self.groups = names_organisation(key)  # whose items may list pupils of their own

    def records_of(self, member: Any, index: int) -> Iterator[Record]:
        """An item's records: an object is one (or a group's, listing its own); a string or
        a list among the members gives values outside the records."""
        if not isinstance(member, dict):
            loose: dict[str, list[str]] = {}
            flatten(member, f"{self.kind}/{self.key}", loose)
            if loose:
                yield Record(OUTSIDE, loose, self.name, None, "")
            return
        at = f"{self.base}{index}"
        line = self.line
        nested = _group_members(member, self.key, self.name, at, line=line) if self.groups else None
        if nested is not None:
            yield from nested
        else:
            yield _record(member, self.key, self.name, line, at)

    def filed(self, member: Any, key: str) -> Iterator[Record]:
        """A member of a map of persons filed under ``key`` (:func:`_filed_records`)."""
        pointer = _filed_pointer(self.base.removesuffix("/"), key)
        within = f"{self.kind}/{self.key}/{key}"
        yield from _filed_records(
            member, self.key, key, self.name, pointer=pointer, within=within, line=self.line
        )


class _MemberList(_MemberArray):
    """Such an array read from parser events, item by item: once an object is among its items
    (``listed``) each item gives its records, built alone; the items before the first object
    are ``held`` until then — where none comes, the array is a value of the group's item (a
    list of names)."""

    def __init__(self, key: str, kind: str, pointer: str, name: str) -> None:
        super().__init__(key, kind, pointer, name, None)
        self.listed = False
        self.held: list[Any] = []

    def records(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[Record]:
        _, event, value = _next(events)
        index = 0
        while event != "end_array":
            member = _built(events, (event, value))
            if isinstance(member, dict) and not self.listed:
                self.listed = True
                for held in self.held:  # (no object: its index is in no pointer)
                    yield from self.records_of(held, 0)
                self.held = []
            if self.listed:
                yield from self.records_of(member, index)
            else:
                self.held.append(member)
            index += 1
            _, event, value = _next(events)


def _next(events: Iterator[tuple[str, str, Any]]) -> tuple[str, str, Any]:
    found = next(events, None)
    if found is None:  # (ijson says so first; a generator may not let StopIteration out)
        raise ijson.IncompleteJSONError("truncated array")
    return found


def _apart(records: Iterable[Record], outside: OutsideValues) -> Iterator[Record]:
    """The records, those of kind OUTSIDE joining the other values outside the records."""
    for record in records:
        if record.kind != OUTSIDE:
            yield record
            continue
        for path, values in record.fields.items():
            for text in values:
                outside.add(path, text)
                if outside.full():
                    yield outside.take()


class _Containers:
    """The containers open around a parser event: per object the key of the member being
    read (outermost first), per container whether it is an array, and the keys joined — made
    again only when they change (a key may be megabytes long)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.arrays: list[bool] = []
        self.counts: list[int] = []  # per open array, the items begun in it
        self._path: str | None = None

    def follow(self, event: str, value: Any) -> bool:
        """Take a structural event; False for a value."""
        if event == "map_key":
            if len(value) > MAX_KEY_CHARS:
                raise KeyLengthError(self.object_pointer())
            self.keys[-1] = value
        elif event == "start_map":
            self.keys.append("")
            self.arrays.append(False)
        elif event == "start_array":
            self.arrays.append(True)
            self.counts.append(0)
            return True
        elif event in ("end_map", "end_array"):
            if self.arrays.pop():
                self.counts.pop()
                return True
            self.keys.pop()
        else:
            return False
        self._path = None
        return True

    def path(self) -> str:
        if self._path is None:
            self._path = "/".join(self.keys)
        return self._path

    def pointer(self) -> str:
        """The JSON pointer of the item just begun in the innermost array."""
        return "/" + "/".join(self._steps())

    def in_a_map_of_persons(self) -> bool:
        """Whether the member just begun is one of an object under a key naming persons
        (``{"leerlingen": {"L1": …}}``): both containers objects, the outer key the persons'."""
        arrays = self.arrays
        return (
            len(arrays) >= 2
            and not arrays[-1]
            and not arrays[-2]
            and names_person_map(self.keys[-2])
        )

    def object_pointer(self) -> str:
        """The JSON pointer of the innermost container, an object (its members' key left out),
        as it may be shown (keys may be pupils' data)."""
        return safe_path("/" + "/".join(self._steps()[:-1]))

    def _steps(self) -> list[str]:
        keys, counts = iter(self.keys), iter(self.counts)
        return [str(next(counts) - 1) if array else _escape(next(keys)) for array in self.arrays]


class _RecordItems:
    """Which items of arrays are records (see :func:`_walk`), each counted in its array."""

    def __init__(
        self,
        name: str,
        wanted: dict[str, str] | None,
        counters: dict[str, int],
        stand_ins: set[str],
    ) -> None:
        self.name = name
        self.wanted = wanted
        self.counters = counters
        self.stand_ins = stand_ins
        self.listed = False  # an array of persons or groups begun directly under the top
        # the last array's key or prefix, and what it gave: not made again for every item
        # (a key may be megabytes long)
        self._last: tuple[str, tuple[str, str, str] | None] | None = None
        self._listing: tuple[str, bool] | None = None

    def listing(self, kind: str) -> bool:
        """Whether records of this kind are a group's or a thing's items, which may list
        pupils (asked for every item: the answer is kept for the last kind)."""
        if self._listing is None or self._listing[0] is not kind:
            self._listing = (kind, names_organisation(kind))
        return self._listing[1]

    def place(self, prefix: str, at: _Containers, event: str) -> tuple[str, str] | bool:
        """For an item of an array: its kind and pointer where it is a record object; True
        where it is passed over (a null standing for an item read already); False where it is
        no record (its values are outside the records). Where records are located, any other
        item there is refused: not skipped unexamined."""
        arrays = at.arrays
        if self.wanted is not None:
            name = prefix
        elif len(arrays) == 2 and not arrays[0]:  # an array directly under the top-level object
            name = at.keys[0]
        elif event == "start_map" and not arrays[-2] and names_persons(at.keys[-1]):
            # pupils in a group's (or a wrapper's) array of persons: the group is no record
            return at.keys[-1], at.pointer()
        else:
            return False
        last = self._last
        if last is None or last[0] is not name:
            last = self._last = (name, self._records_in(name))
        found = last[1]
        if found is None:
            return False
        kind, counter, pointer = found
        index = self.counters.get(counter, 0)
        self.counters[counter] = index + 1
        if event == "start_map":
            return kind, f"{pointer}/{index}"
        if event == "null" and counter in self.stand_ins:
            self.stand_ins.discard(counter)
            return True
        if self.wanted is not None:
            where = safe_path(f"{pointer}/{index}")
            raise InputError(self.name, where, "a record must be a JSON object")
        return False

    def _records_in(self, name: str) -> tuple[str, str, str] | None:
        """For the array ``name`` names (its ijson prefix where records are located, else its
        key): the kind of its records, their counter and its pointer; None where it holds
        none."""
        if self.wanted is None:
            return name or "record", name, "/" + _escape(name)
        kind = self.wanted.get(name)
        if kind is None:
            return None
        pointer = "/".join(_escape(k) for k in name.split(".")[:-1])
        return kind, name, f"/{pointer}" if pointer else ""


def _build(events: Iterator[tuple[str, str, Any]]) -> Any:
    """The object whose start was the last event read."""
    return _built(events, ("start_map", None))


def _built(events: Iterator[tuple[str, str, Any]], *head: tuple[str, Any]) -> Any:
    """The value that begins with the events ``head`` and goes on in ``events``, read up to
    its end."""
    builder = ijson.ObjectBuilder(map_type=repeats.RepeatMap)  # a repeated key keeps both
    depth = 0
    for event, value in head:
        builder.event(event, value)
        depth += _DEPTH_STEP.get(event, 0)
    if depth == 0:
        return builder.value
    for _, event, value in events:
        if event == "map_key" and len(value) > MAX_KEY_CHARS:
            raise KeyLengthError
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return builder.value
    raise ijson.IncompleteJSONError("truncated object")


_DEPTH_STEP = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}


def read_jsonl(
    stream: IO[bytes], name: str, kind: str = "record", *, size: int = WINDOW_SIZE
) -> Iterator[RecordWindow]:
    """Records of a JSON Lines file, one object per non-blank line, ``size`` lines at a time
    (and at most about :data:`WINDOW_BYTES`). A window of flat objects of strings (the common
    export) is parsed with one orjson call (:func:`_flat_window`); any other, with one ``map``
    of orjson over its lines (in C); only a window where that fails — a blank or malformed
    line, an item that is not an object — is parsed again line by line, to say which line and
    why."""
    batches = _line_batches(_line_chunks(stream, name), size)
    while True:
        try:
            first, lines, held = next(batches)
        except StopIteration:
            return
        except _ReadFailedError as failed:  # the lines before it first, then the line too long
            with suppress(_GroupLinesError):  # (made without a problem: the line's comes now)
                _checked_lines(failed.first, failed.lines, kind, name)
            raise failed.error from None
        try:
            window = _flat_window(first, lines, kind, name)
            if window is None:
                window = _mapped_window(first, lines, kind, name)
            window.input_bytes = held
            yield window
        except _GroupLinesError as split:  # lines of groups listing their pupils
            made = _split_windows(split, kind)
            made[0].input_bytes += held
            yield from made


# How a line of a flat object ends: its "}", then "\n" (or "\r\n"; none on the last line).
_ITEM_ENDS = (b"}\n", b"}\r\n", b"}")
_CONTAINERS = frozenset({dict, list})


def _flat_window(first: int, lines: list[bytes], kind: str, name: str) -> RecordWindow | None:
    """The window of lines that are each one flat object (no object or array in it), parsed
    with one orjson call (:func:`_flat_items`); None for any other lines, or where a key may
    be written twice in an object (orjson keeps only its last value): nothing is decided here,
    those are read one by one. Objects of strings, all with the same keys in the same order
    (the common export), make the window column by column."""
    parsed = _flat_items(lines)
    if parsed is None:
        return None
    items, text, columns = parsed
    numbers = range(first, first + len(lines))
    if columns is None:
        with suppress(_WrittenTwiceError):
            return _objects_window(items, kind, name, numbers, text=text)
        return None
    if repeats.flat_written_twice(text, items):
        return None
    return RecordWindow.from_columns(
        kind, name, list(items[0]), columns, lines=numbers, pointer=_no_pointer
    )


def _flat_items(
    lines: list[bytes],
) -> tuple[list[dict[str, Any]], bytes, list[list[str]] | None] | None:
    """The objects of these lines, one a line, parsed as one JSON array ``[line,line,…]``,
    its text, and their columns where they are objects of strings of the same keys in the same
    order (:func:`jsonslices.string_columns`); None unless every line is a flat object (and
    the first, tried alone, is).

    The array is read as the lines are, each alone, where it holds as many flat objects as
    there are lines and every line ends in a "}" (before white space). A string cannot go on
    past its line (a raw line break is no JSON), so that "}" is no string's: it closes an
    object, and with the objects flat, the line's own — none goes on into the next line; and
    each line closing one, none holds two (``{…},{…}``), or there would be more objects than
    lines. A blank or malformed line fails the parse, or the count."""
    if not _flat_objects([_parsed(lines[0])]) or not _end_objects(lines):
        return None  # lines of another kind: read one by one without a parse wasted first
    parts = lines.copy()  # the brackets put on the first and last line: one copy of all
    parts[0] = b"[" + parts[0]
    parts[-1] += b"]"
    text = b",".join(parts)
    try:
        items = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if len(items) != len(lines):
        return None
    columns = jsonslices.string_columns(items)  # (objects of strings are flat)
    if columns is None and not _flat_objects(items):
        return None
    return items, text, columns


def _parsed(line: bytes) -> Any:
    """The JSON value of a line; None where it is not JSON."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _flat_objects(items: list[Any]) -> bool:
    """Whether every item is an object and none holds an object or an array."""
    if set(map(type, items)) != {dict}:
        return False
    return _CONTAINERS.isdisjoint(set(map(type, chain.from_iterable(map(dict.values, items)))))


def _end_objects(lines: list[bytes]) -> bool:
    """Whether every line ends in a "}" before any white space (tested in C where the "}" ends
    the line or comes just before its line break, as it does in nearly every file)."""
    if all(map(bytes.endswith, lines, repeat(_ITEM_ENDS))):
        return True
    # White space JSON does not allow (a form feed) fails the parse: bytes.rstrip may take it.
    return all(map(bytes.endswith, map(bytes.rstrip, lines), repeat(b"}")))


def _no_pointer(_row: int) -> str:
    """A JSON Lines record's path: none (its line number says where it is)."""
    return ""


def _mapped_window(first: int, lines: list[bytes], kind: str, name: str) -> RecordWindow:
    """The window of lines parsed one by one with a ``map`` of orjson over them (in C); where
    that fails, or an item is no object, or a key may be written twice in one, line by line
    (:func:`_checked_lines`)."""
    try:
        items = list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:
        items = []
    if len(items) == len(lines) and set(map(type, items)) == {dict}:
        numbers = range(first, first + len(items))
        with suppress(_WrittenTwiceError):  # then line by line, every value kept
            return _objects_window(items, kind, name, numbers, text=b"".join(lines))
    return _checked_lines(first, lines, kind, name)


def _checked_lines(first: int, lines: list[bytes], kind: str, name: str) -> RecordWindow:
    """The window of these lines, read one by one: blank lines skipped, the first problem
    reported — after the problems of the items before it (their records are made first)."""
    numbers: list[int] = []
    items: list[dict[str, Any]] = []
    try:
        for number, line in enumerate(lines, first):
            item = _object(number, line, name)
            if item is not None:
                numbers.append(number)
                items.append(item)
    except InputError:
        if items:
            with suppress(_GroupLinesError):  # (made without a problem: the line's comes now)
                _objects_window(items, kind, name, numbers)
        raise
    return _objects_window(items, kind, name, numbers)


def _object(number: int, line: bytes, name: str) -> dict[str, Any] | None:
    """The object on a line; None for a blank line."""
    if not line.strip():
        return None
    try:
        item = repeats.loads(line)
    except orjson.JSONDecodeError as exc:
        where = f"line {number} column {exc.colno}"
        raise InputError(name, where, f"malformed JSON: {exc.msg}") from None
    if not isinstance(item, dict):
        raise InputError(name, f"line {number}", "each JSON Lines line must be an object")
    return item


def _line_chunks(stream: IO[bytes], name: str) -> Iterator[tuple[int, list[bytes]]]:
    """The lines (each with its "\n", but the last if the file does not end in one), a 64 KiB
    chunk at a time (:class:`LineChunks`), each list with the number of its first line. The
    file loses a UTF-8 BOM; UTF-16 and UTF-32 are refused."""
    head = stream.read(4)
    head = head[_bom_length(head, name, "line 1") :]
    pieces = chain([head], iter(partial(stream.read, _JSONL_CHUNK), b""))
    lines = LineChunks(pieces, name, _whole_lines, _split_lines)
    for chunk in lines:
        yield lines.number - len(chunk) + 1, chunk


def _whole_lines(chunk: bytes) -> int:
    return chunk.rfind(b"\n") + 1


def _split_lines(text: bytes) -> list[bytes]:
    """Lines as ``readline`` gives them: each with its "\n", split at "\n" only (a lone "\r"
    is within a line; ``bytes.splitlines``, in C, is used where there is none)."""
    if b"\r" not in text:
        return text.splitlines(keepends=True)
    return [line + b"\n" for line in text[:-1].split(b"\n")] if text else []


def _bom_length(head: bytes, name: str, where: str) -> int:
    """The length of a UTF-8 BOM at the start of the input (0 without one); UTF-16 and UTF-32
    (their BOMs, or a NUL in the first four bytes) are refused."""
    if head.startswith(_BOM):
        return len(_BOM)
    if head.startswith(_WIDE_BOMS) or b"\x00" in head[:4]:
        raise InputError(name, where, _WIDE)
    return 0


class _ReadFailedError(Exception):
    """Reading failed (``error``) after these lines, numbered from ``first``."""

    def __init__(self, first: int, lines: list[bytes], error: InputError) -> None:
        super().__init__(str(error))  # the error's words only: the lines are pupils' data
        self.first = first
        self.lines = lines
        self.error = error


def _line_batches(
    chunks: Iterator[tuple[int, list[bytes]]], size: int
) -> Iterator[tuple[int, list[bytes], int]]:
    """The lines in windows of ``size``, or fewer once they hold :data:`WINDOW_BYTES` (a line
    may be 16 MiB), each with the number of its first line and their bytes. A line too long to
    read raises :class:`_ReadFailedError` with the lines gathered before it, whose problems
    come first."""
    batch: list[bytes] = []
    held = 0
    first = 1
    try:
        for start, lines in chunks:
            at = 0
            while at < len(lines):
                if not batch:
                    first = start + at
                taken = lines[at : at + size - len(batch)]
                batch += taken
                at += len(taken)
                held += sum(map(len, taken))
                if len(batch) >= size or held >= records.WINDOW_BYTES:
                    yield first, batch, held
                    batch, held = [], 0
    except InputError as exc:
        raise _ReadFailedError(first, batch, exc) from None
    if batch:
        yield first, batch, held


def _objects_window(
    items: list[Any],
    kind: str,
    name: str,
    lines: Sequence[int | None],
    *,
    pointer: str | None = None,
    first: int = 0,
    text: bytes | None = None,
    groups: bool = True,
) -> RecordWindow:
    """A window of JSON items (lines of a JSON Lines file, or items of an array: then each
    record's path is ``pointer`` and its index, ``first`` the index of the first). Flat objects
    with the same members in the same order, every value a string (the common export), make
    it column by column; any other mix record by record — where ``groups`` and an item is a
    group's listing its pupils, their records (raises :class:`_GroupLinesError`). Where the
    items were parsed by orjson from ``text``, which keeps only the last value of a key written
    twice, such a key raises :class:`_WrittenTwiceError` (:mod:`repeats`)."""

    def path(row: int) -> str:
        return "" if pointer is None else f"{pointer}{first + row}"

    columns = jsonslices.string_columns(items)
    if text is not None and (
        repeats.flat_written_twice(text, items)
        if columns is not None
        else repeats.may_repeat(text, repeats.key_count(items))
    ):
        raise _WrittenTwiceError
    if columns is None:
        if groups and any(isinstance(i, dict) and _lists_of(i) for i in items):  # groups
            records = [
                record
                for row, item in enumerate(items)
                for record in _line_records(item, kind, name, lines[row], path(row))
            ]
            raise _GroupLinesError(records)
        records = [
            _record(item, kind, name, lines[row], path(row)) for row, item in enumerate(items)
        ]
        return RecordWindow(kind, records)
    places = None if pointer is None else (pointer.removesuffix("/"), first)
    return RecordWindow.from_columns(
        kind, name, list(items[0]), columns, lines=lines, pointer=path, items=places
    )


class _WrittenTwiceError(Exception):
    """A key may be written twice in one of the objects parsed at once."""


def _split_windows(split: _GroupLinesError, kind: str) -> list[RecordWindow]:
    """The windows of groups' records, a group's list of things (its subjects) apart: no
    pupil's. Where the groups had no records (classes without pupils, nor values of their own)
    one empty window, to carry the bytes read."""
    return list(_things_apart(windows(iter(split.records)))) or [RecordWindow(kind, [])]


class _GroupLinesError(Exception):
    """Lines of groups that list their pupils: their records, of several kinds."""

    def __init__(self, records: list[Record]) -> None:
        super().__init__(len(records))  # a count only: the records are pupils' data
        self.records = records


def _lists_of(item: dict[str, Any]) -> bool:
    """Whether an item lists members (persons, groups, things), or has an empty list of
    pupils (a class without any)."""
    return bool(_member_keys(item) or _empty_pupil_lists(item))


def _member_keys(item: dict[str, Any]) -> list[str]:
    """The keys of an item's arrays of persons or groups with an object among their items, and
    of its maps of persons by key (``{"leerlingen": {"L1": {…}}}``) with an object among them."""
    return [
        key
        for key, value in item.items()
        if (isinstance(value, list) and _a_list(key) and any(isinstance(v, dict) for v in value))
        or _a_person_map(key, value)
    ]


def _a_person_map(key: str, value: Any) -> bool:
    """Whether ``value`` under ``key`` is a map of persons by their keys: an object under a
    name for many persons with an object among its members."""
    return (
        isinstance(value, dict)
        and names_person_map(key)
        and any(isinstance(v, dict) for v in value.values())
    )


def _line_records(
    item: dict[str, Any], kind: str, name: str, line: int | None, pointer: str = ""
) -> list[Record]:
    """A line's (or a top-level array's item's) records: where it is a group's — it lists
    persons, and nothing of its own, at any depth, is a person's (a pupil's line listing its
    teachers is the pupil's record) — its pupils, its own values outside the records; else the
    item itself. It is read whole first, so its depth and keys are held to the limits however
    it is split."""
    whole = _record(item, kind, name, line, pointer)
    members = _member_keys(item)
    lists = members or _empty_pupil_lists(item)
    own = [path for path in whole.fields if path.split("/", 1)[0] not in members]
    if not lists or any(of_a_person("groepen", path) for path in own):
        return [whole]
    # A class (its list names pupils, and it has nothing of its own a group has not: a
    # "naam", a "jaargroep", an id) keeps its own values as a group's; an empty class gives
    # no record. Anything else keeps them under its kind: nothing says whose they are (a
    # parent's name, address and phone beside their "kinderen", a mentor's e-mail beside
    # "leerlingen": judged as a person's, not let pass as a group's own). Where no person's
    # record comes of it (a user's "groups", a pupil's "toetsen" without a pupil in them), it
    # is the record it was.
    a_class = all(map(names_pupils, lists)) and all(_a_groups_own(p, whole.fields[p]) for p in own)
    within = _CLASS if a_class else kind
    split = list(_split_group(item, members, kind, name, pointer, line=line, within=within))
    return split if a_class or any(map(_a_persons, split)) else [whole]


_CLASS = "groep"  # the kind a class's own values are filed under (groep/naam: operational)


def _a_groups_own(path: str, values: list[str]) -> bool:
    """Whether a field of an item listing pupils is one any group has: unknown, operational, a
    group's id, or a "naam" that is a class's name (:func:`_a_class_name`: "5a", "Groep 7";
    not "Jansen" or "Bilal Yilmaz groep 7", a mentor's object listing their pupils)."""
    last = path.rsplit("/", 1)[-1]
    rule = classify_name(last.lstrip("@"))
    if rule is None or rule.cls in (FieldClass.OPERATIONAL, FieldClass.KEY):
        return True
    named = compact_name(last) in ("naam", "name")
    return named and all(map(_a_class_name, values))


# What a class's name is made of: words for a group or a school type, short codes with a number
# ("5a", "H3B", "3/4", "2HAVO"), and letters ("B"): "Groep 7", "Kleuters", "Brugklas 1C".
_CLASS_WORDS = frozenset(
    "groep groepen group class klas klassen kleuters instroom unit leerjaar jaar combinatie "
    "havo vwo vmbo mavo atheneum gymnasium tto tl kb bb gl lwoo pro isk".split()
)
_CLASS_WORD_ENDINGS = ("groep", "klas", "bouw")
_WORDS = re.compile(r"[^\W_]+")


def _a_class_name(value: str) -> bool:
    """Whether a "naam" is a class's: only words for a group, short codes with a number and
    single letters, with a number or such a word among them. Any other word may be part of a
    person's name the recogniser does not read ("ANOUK VAN DIJK 2B", "Bilal Yilmaz groep
    7"): then the item is judged as a person's, a false alarm at worst ("Stamgroep Zon")."""
    marked = False
    for word in _WORDS.findall(value):
        lower = word.lower()
        if any(c.isdigit() for c in word):
            if len(word) > 6:
                return False  # a long number or a date written together: no class's code
            marked = True
        elif lower in _CLASS_WORDS or lower.endswith(_CLASS_WORD_ENDINGS):
            marked = True
        elif len(word) > 1:
            return False
    return marked and next(find_names(value, NO_HINT), None) is None


def _empty_pupil_lists(item: dict[str, Any]) -> list[str]:
    """The keys of an item's empty lists of pupils (a class without pupils this year)."""
    return [key for key, value in item.items() if value == [] and names_pupils(key)]


def _a_persons(record: Record) -> bool:
    """Whether a record split from a group's item is a person's: of a list of persons, or of a
    list of groups or things with a field of a person's (as :func:`_things_apart` decides)."""
    kind = record.kind
    if kind == OUTSIDE:
        return False
    return not names_organisation(kind) or any(of_a_person(kind, p) for p in record.fields)


def _record(item: Any, kind: str, name: str, line: int | None, pointer: str) -> Record:
    if not isinstance(item, dict):
        raise InputError(name, safe_path(pointer) or None, "a record must be a JSON object")
    fields: dict[str, list[str]] = {}
    try:
        flatten_object(item, fields)
    except (_TooDeepError, KeyLengthError) as exc:
        where = f"line {line}" if line else safe_path(pointer) or None
        deep = isinstance(exc, _TooDeepError)
        raise InputError(name, where, _TOO_DEEP if deep else _KEY_TOO_LONG) from None
    return Record(kind, fields, name, line, pointer)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _ijson_problem(exc: Exception) -> str:
    """The parser's own words, first line only: yajl quotes the offending input after it."""
    message = exc.args[0] if exc.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return parser_words(str(message)) or type(exc).__name__
