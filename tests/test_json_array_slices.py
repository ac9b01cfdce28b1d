"""The top-level JSON array read in orjson slices gives what ijson alone gives: the same
records (kinds, fields, pointers) in the same order, or the same error — however the slices
fall, whatever the items hold (numbers, nesting, "}," inside strings, escapes, lone
surrogates, invalid UTF-8) and whatever follows the array."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conformance.model.errors import InputError
from conformance.model.records import RecordWindow, windows
from conformance.readers import json as json_reader
from conformance.readers import jsonslices
from conformance.readers.jsonguard import GuardedStream
from conformance.readers.limits import (
    MAX_DEPTH,
    MAX_KEY_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_VALUE_BYTES,
)

_TEXT = st.text(
    st.sampled_from(["a", "é", " ", '"', "\\", "}", ",", "{", "]", "\n", "\u20ac", "\U0001f600"]),
    max_size=8,
)
_SCALAR = st.one_of(
    _TEXT,
    st.sampled_from(["1.10", "0", "-2e3", "true", "false", "null", "12345678901234567890123"]),
)


def _string(text: str, ascii_only: bool) -> str:
    return json.dumps(text, ensure_ascii=ascii_only)


@st.composite
def _item(draw: st.DrawFn) -> str:
    """An item as written: mostly a flat object of strings, now and then something else."""
    shape = draw(st.sampled_from(["flat"] * 6 + ["scalar", "nested", "number", "odd"]))
    ascii_only = draw(st.booleans())
    keys = draw(st.lists(st.sampled_from(["eckId", "naam", "a}", 'q"', "x"]), max_size=4))
    if shape == "flat":
        values = [_string(draw(_TEXT), ascii_only) for _ in keys]
    elif shape == "number":
        values = [draw(_SCALAR) if draw(st.booleans()) else '"v"' for _ in keys]
    elif shape == "nested":
        values = ['{"b": ' + _string(draw(_TEXT), ascii_only) + "}" for _ in keys]
    elif shape == "scalar":
        return draw(st.sampled_from(['"oops"', "1", "null", "[]", "[{}]"]))
    else:  # text the parser may refuse: a lone surrogate, a raw control byte, a bad escape
        return draw(st.sampled_from(['{"a": "\\ud800"}', '{"a": "\x01"}', '{"a": "\\x"}']))
    members = [f"{_string(k, ascii_only)}: {v}" for k, v in zip(keys, values, strict=True)]
    return "{" + ", ".join(members) + "}"


@st.composite
def _document(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(_item(), max_size=12))
    separators = [draw(st.sampled_from([",", ", ", ",\n", "\n,", " , "])) for _ in items]
    body = "".join(item + sep for item, sep in zip(items, separators, strict=True))
    ending = draw(st.sampled_from(["strip", "strip", "trailing-comma", "garbage", "cut", "space"]))
    if ending != "trailing-comma" and items:
        body = body[: -len(separators[-1])]
    text = "[" + draw(st.sampled_from(["", " ", "\n"])) + body + "]"
    if ending == "garbage":
        text += draw(st.sampled_from([" x", "[]", ",", "}"]))
    elif ending == "space":
        text += "\n  "
    data = text.encode()
    if ending == "cut" and data:
        data = data[: draw(st.integers(1, len(data)))]
    if draw(st.integers(0, 9)) == 0 and len(data) > 2:  # a byte that is not UTF-8
        at = draw(st.integers(1, len(data) - 1))
        data = data[:at] + b"\xff" + data[at:]
    return data


@st.composite
def _object_document(draw: st.DrawFn) -> bytes:
    """A top-level object: arrays of such items under keys (one repeated, one with a "."
    or an escape), and members that are no array; now and then something malformed."""
    members = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(["leerlingen", "leerlingen", "a.b", "k\\u00e9y", "", "x"]))
        if draw(st.integers(0, 4)) == 0:
            value = draw(st.sampled_from(['"s"', "1.10", '{"a": [{"b": "c"}]}', "null", "[1, 2]"]))
        else:
            items = draw(st.lists(_item(), max_size=8))
            value = "[" + draw(st.sampled_from([",", ", ", ",\n"])).join(items) + "]"
        members.append(f'"{key}"' + draw(st.sampled_from([":", " : ", ":\n"])) + value)
    text = "{" + draw(st.sampled_from([",", ", ", "\n,"])).join(members)
    text += draw(st.sampled_from(["}", "}", "}\n", ",}", "} x", ""]))
    data = text.encode()
    if draw(st.integers(0, 9)) == 0 and len(data) > 2:
        at = draw(st.integers(1, len(data) - 1))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"", b"]"])) + data[at:]
    return data


def _events_only(
    stream: io.BufferedReader, name: str, consumed: Callable[[], int] | None
) -> Iterator[RecordWindow]:
    """The reader before the slices: the whole object through ijson's events."""
    guarded: Any = GuardedStream(
        stream, MAX_DEPTH, MAX_VALUE_BYTES, MAX_NUMBER_DIGITS, MAX_KEY_CHARS
    )
    return windows(json_reader._walk(guarded, name, None), consumed=consumed)


def _ijson_only(
    stream: io.BufferedReader,
    name: str,
    kind: str,
    consumed: Callable[[], int] | None,
    *,
    groups: bool,
) -> Iterator[RecordWindow]:
    """The reader before the slices: the whole array through ijson."""
    guarded: Any = GuardedStream(
        stream, MAX_DEPTH, MAX_VALUE_BYTES, MAX_NUMBER_DIGITS, MAX_KEY_CHARS
    )
    return json_reader._array_items(
        guarded, name, "item", kind, "", consumed=consumed, groups=groups
    )


# The hypothesis runs comparing the slices with ijson alone: slow per example, many examples.
_SLICE_RUNS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _sliced_and_whole(
    data: bytes, locations: dict[str, str], read: int, limit: int, without: tuple[str, Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What the reader gives with slices of ``read`` bytes (at most ``limit`` held), and with
    ``without`` (a function of the JSON reader and its stand-in) in place: the ijson way."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonslices, "SLICE_READ", read)
        patch.setattr(jsonslices, "SLICE_LIMIT", limit)
        sliced = _outcome(data, locations)
        patch.setattr(json_reader, *without)
        return sliced, _outcome(data, locations)


def _outcome(data: bytes, locations: dict[str, str]) -> tuple[Any, ...]:
    """The records read, or the error (what is read before an error is never reported)."""
    stream = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    try:
        windows = list(json_reader.read_json(stream, "x.json", locations))
    except InputError as exc:
        return ("error", exc.position, exc.problem)
    return tuple(
        (record.kind, record.path, record.line, record.fields)
        for window in windows
        for record in window.records
    )


_FLAT = b'[{"a": "x"},{"b": "y"}'


@_SLICE_RUNS
@example(data=_FLAT + b",]", read=8, limit=500, located=False)  # a trailing comma
@example(data=_FLAT + b"] []", read=8, limit=500, located=True)  # more after the array
@example(data=_FLAT + b",\xff]", read=8, limit=500, located=False)  # not UTF-8 after a slice
@example(data=b'[{"a": "},},},},"}, {"b": "y"}]', read=64, limit=500, located=False)
@given(
    data=_document(),
    read=st.integers(1, 80),
    limit=st.integers(8, 600),
    located=st.booleans(),
)
def test_sliced_reading_gives_what_ijson_gives(
    data: bytes, read: int, limit: int, located: bool
) -> None:
    locations = {"leerling": "/"} if located else {}
    sliced, whole = _sliced_and_whole(
        data, locations, read, limit, ("_top_array_items", _ijson_only)
    )
    assert sliced == whole


def _given_by_ijson(function: str, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What ijson's ``function`` (items or parse) gives the reader from now on."""
    given: list[Any] = []
    original = getattr(json_reader.ijson, function)

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for made in original(*args, **kwargs):
            given.append(made)
            yield made

    monkeypatch.setattr(json_reader.ijson, function, counted)
    return given


def test_flat_items_are_read_by_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast way is taken (the test of equal outcomes passes without it too): of fifty flat
    objects of strings ijson reads none (only that nothing follows the array), and the records
    are numbered on across the slices."""
    monkeypatch.setattr(jsonslices, "SLICE_READ", 64)
    items_by_ijson = _given_by_ijson("items", monkeypatch)
    items = [{"eckId": f"e{i}", "naam": "a},{b"} for i in range(50)]
    data = json.dumps(items).encode()
    windows = list(json_reader.read_json(io.BufferedReader(io.BytesIO(data)), "x.json", {}))
    records = [record for window in windows for record in window.records]
    assert [(r.path, r.fields) for r in records] == [
        (f"/{i}", {"eckId": [f"e{i}"], "naam": ["a},{b"]}) for i in range(50)
    ]
    assert items_by_ijson == []


@_SLICE_RUNS
@example(data=b'{"a": [{"b": "c"},{"b": "d"}], "a": [{"b": "e"}]}', read=8, limit=500)
@example(data=b'{"a": [{"b": "c"},{"b": "d"}],}', read=8, limit=500)
@example(data=b'{"a": [{"b": "c"}, 1, {"b": "d"}]}', read=64, limit=500)
@example(data=b'{"a": [], "m": {"a": [{"b": "c"}]}, "b": [{"c": "d"}]} ', read=5, limit=500)
@example(data=b'{\x0c"a":\x0b[{"b": "c"}\x0c]}', read=64, limit=500)  # \f, \v: no JSON space
@given(data=_object_document(), read=st.integers(1, 80), limit=st.integers(8, 600))
def test_sliced_object_arrays_give_what_ijson_events_give(
    data: bytes, read: int, limit: int
) -> None:
    sliced, whole = _sliced_and_whole(data, {}, read, limit, ("_object_members", _events_only))
    assert sliced == whole


@_SLICE_RUNS
@example(data=b'{"leerlingen": [{"b": "c"},{"b": "d"}, 1]}', read=8, limit=500, two=False)
@example(data=b'{"leerlingen": [{"b": "c"},{"b": "d"}, {"b": 1}, 2]}', read=8, limit=500, two=True)
@example(
    data=b'{"x": 1, "leerlingen": [{"b": "c"}], "y": [{"b": "111222333"}]}',
    read=8,
    limit=500,
    two=True,
)
@given(
    data=_object_document(),
    read=st.integers(1, 80),
    limit=st.integers(8, 600),
    two=st.booleans(),
)
def test_sliced_located_arrays_give_what_ijson_events_give(
    data: bytes, read: int, limit: int, two: bool
) -> None:
    """With a profile's pointers to arrays directly under the top-level object, the slices
    give what the event walker gives: the same records and values outside them, or the same
    error (a located item that is no object is refused, a null standing in for one is not)."""
    locations = {"leerling": "/leerlingen", **({"ander": "/x"} if two else {})}
    walker_only = ("_top_level_keys", lambda _: None)
    sliced, whole = _sliced_and_whole(data, locations, read, limit, walker_only)
    assert sliced == whole


def test_arrays_under_an_object_are_read_by_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast way is taken for {"key": [...]} too: ijson reads only the end of the object,
    and the items of a key met twice are numbered on."""
    monkeypatch.setattr(jsonslices, "SLICE_READ", 64)
    events = _given_by_ijson("parse", monkeypatch)
    items = [{"eckId": f"e{i}", "naam": "a},{b]"} for i in range(30)]
    data = orjson.dumps({"leerlingen": items[:20], "leerkrachten": [], "x": items[20:]})
    data = data.replace(b'"x"', b'"leerlingen"')
    read = list(json_reader.read_json(io.BufferedReader(io.BytesIO(data)), "x.json", {}))
    records = [record for window in read for record in window.records]
    assert [(r.kind, r.path, r.fields) for r in records] == [
        ("leerlingen", f"/leerlingen/{i}", {"eckId": [f"e{i}"], "naam": ["a},{b]"]})
        for i in range(30)
    ]
    assert len(events) <= 5  # the stand-in member and the object's end


def test_arrays_at_a_profiles_pointers_are_read_by_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a profile's pointer to an array under the top-level object the slices are taken
    too (the event walker took 24 s for a million records): ijson reads only the end."""
    monkeypatch.setattr(jsonslices, "SLICE_READ", 64)
    events = _given_by_ijson("parse", monkeypatch)
    items = [{"eckId": f"e{i}", "naam": "a},{b]"} for i in range(30)]
    data = orjson.dumps({"leerlingen": items})
    stream = io.BufferedReader(io.BytesIO(data))
    read = list(json_reader.read_json(stream, "x.json", {"leerling": "/leerlingen"}))
    records = [record for window in read for record in window.records]
    assert [(r.kind, r.path) for r in records] == [
        ("leerling", f"/leerlingen/{i}") for i in range(30)
    ]
    assert len(events) <= 5  # the stand-in member and the object's end


@pytest.mark.parametrize("sliced", [True, False], ids=["sliced", "events"])
def test_records_under_any_key_are_found_and_pointed_at_by_their_index(
    sliced: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key with a "." (ijson's prefixes join keys with one) or no name at all still holds
    records — they went unexamined — and an object's pointer counts the scalars before it in
    its array (it said /k/0 for the object at /k/1)."""
    if not sliced:
        monkeypatch.setattr(json_reader, "_object_members", _events_only)
    data = b'{"a.b": [{"bsn": "1"}], "": [{"c": "2"}], "k": [1, {"x": "y"}, [], {"x": "z"}]}'
    read = list(json_reader.read_json(io.BufferedReader(io.BytesIO(data)), "x.json", {}))
    records = [(r.kind, r.path, r.fields) for window in read for r in window.records]
    assert records == [
        ("a.b", "/a.b/0", {"bsn": ["1"]}),
        ("record", "//0", {"c": ["2"]}),
        ("k", "/k/1", {"x": ["y"]}),
        ("k", "/k/3", {"x": ["z"]}),
        ("", "", {"k": ["1"]}),  # the scalar among them: a value outside the records
    ]


@pytest.mark.parametrize(
    "locations",
    [
        pytest.param({"leerling": "/leerlingen"}, id="one"),
        pytest.param({"leerling": "/leerlingen", "leerkracht": "/leerkrachten"}, id="two"),
    ],
)
def test_an_item_at_a_profiles_location_that_is_no_object_is_refused(
    locations: dict[str, str],
) -> None:
    """With two locations a scalar item was skipped, its value unexamined (with one it was
    refused); both now name it by its index among all items."""
    data = b'{"leerlingen": [{"a": "b"}, "111222333"], "leerkrachten": [{"c": "d"}]}'
    with pytest.raises(InputError) as caught:
        list(json_reader.read_json(io.BufferedReader(io.BytesIO(data)), "x.json", locations))
    assert (caught.value.position, caught.value.problem) == (
        "/leerlingen/1",
        "a record must be a JSON object",
    )


@pytest.mark.parametrize("wrapped", [False, True], ids=["array", "under-a-key"])
def test_items_written_comma_first_are_cut_into_slices_too(
    wrapped: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items written "}\\n," (the comma starting the next line) have no "},": the slice grew to
    its limit and was parsed at once (4 MiB of small items took 180 MiB); such ends are found
    too, so a slice stays about a read long."""
    monkeypatch.setattr(jsonslices, "SLICE_READ", 1024)
    parsed: list[int] = []
    flat_windows = jsonslices.flat_windows

    def counted(items: list[Any], *args: Any) -> Any:
        parsed.append(len(items))
        return flat_windows(items, *args)

    monkeypatch.setattr(jsonslices, "flat_windows", counted)
    array = b"[" + b"\n,".join(b'{"a": "b%d"}' % i for i in range(5000)) + b"\n]"
    data = b'{"leerlingen": ' + array + b"}" if wrapped else array
    windows = list(json_reader.read_json(io.BufferedReader(io.BytesIO(data)), "x.json", {}))
    assert sum(map(len, windows)) == 5000
    assert max(parsed) <= 120  # a read of 1,024 bytes holds ~80 items of 13
