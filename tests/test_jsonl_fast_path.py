"""The JSON Lines fast path (a window's lines parsed as one JSON array, its values taken
column by column) pinned to the careful reading: every line parsed alone, a repeated key's
values kept (:func:`json._checked_lines`). Records, their fields in order, their lines, the
windows and the first error must be the same whatever the lines hold."""

from __future__ import annotations

import io
import json as jsonlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.model.errors import InputError
from conformance.model.records import RecordWindow
from conformance.readers import json as json_reader
from conformance.readers import jsonslices, repeats
from conformance.readers.limits import MAX_KEY_CHARS

# White space str.strip takes (Unicode's), and a few characters it leaves.
_SPACES = " \t\u00a0\u1680\u2000\u2003\u200a\u2028\u2029\u202f\u205f\u3000\u0085\x1c\x1f"
_TEXT = st.text(alphabet=st.sampled_from('aZ9é"\\/}{,:[]\n' + _SPACES + "\u200b"), max_size=6)
_KEYS = st.sampled_from(["bsn", "naam", "groep", "a", "a/b", "é", 'k"q'])


def _window_view(window: RecordWindow) -> tuple[Any, ...]:
    records = [(r.kind, list(r.fields.items()), r.line, r.path) for r in window.records]
    batches = [(b.shape, list(b.rows)) for b in window.batches]
    return window.input_bytes, records, batches


def _read(data: bytes, size: int) -> tuple[list[tuple[Any, ...]], str | None]:
    """The windows read (as plain values), and the error that ended the reading, if any."""
    seen = []
    windows: Iterator[RecordWindow] = json_reader.read_jsonl(io.BytesIO(data), "x", size=size)
    try:
        for window in windows:
            seen.append(_window_view(window))
    except InputError as exc:
        return seen, str(exc)
    return seen, None


def _careful(data: bytes, size: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The reading with every window read line by line."""
    with monkeypatch.context() as patched:
        patched.setattr(json_reader, "_flat_window", lambda *_: None)
        patched.setattr(json_reader, "_mapped_window", json_reader._checked_lines)
        return _read(data, size)


def _same_as_careful(data: bytes, size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _read(data, size) == _careful(data, size, monkeypatch)


# -- lines as an exporter may write them ---------------------------------------------------


def _dumped(pairs: list[tuple[str, Any]], ascii_only: bool, spaced: bool) -> str:
    """An object written from its pairs as written (a key may come twice)."""
    colon, comma = (": ", ", ") if spaced else (":", ",")
    members = [
        jsonlib.dumps(key, ensure_ascii=ascii_only)
        + colon
        + jsonlib.dumps(value, ensure_ascii=ascii_only)
        for key, value in pairs
    ]
    return "{" + comma.join(members) + "}"


_VALUES = st.one_of(
    _TEXT,
    _TEXT,
    _TEXT,
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.lists(_TEXT, max_size=2),
    st.dictionaries(_KEYS, _TEXT, max_size=2),
)


@st.composite
def _object_line(draw: st.DrawFn) -> str:
    keys = draw(st.lists(_KEYS, min_size=0, max_size=4))  # repeats: a key written twice
    values = [draw(_VALUES if draw(st.integers(0, 4)) == 0 else _TEXT) for _ in keys]
    return _dumped(list(zip(keys, values, strict=True)), draw(st.booleans()), draw(st.booleans()))


_REGULAR = ['{"bsn":"123456782","naam":"Jan"}', '{"bsn":" 1 ","naam":"\\u00a0Piet\\u3000"}']
_ODD_LINES = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "\u00a0",
        "\ufeff{}",
        "{",
        "}",
        '{"a":',
        '{"a":"1",',
        '{"a":"1"',
        '"b":"2"}',
        '{"a":"1"},{"b":"2"}',
        '{"a":"1"}{"b":"2"}',
        '{"a":"1"}}',
        '{"a":"1"} ,',
        '[{"a":"1"}]',
        '"text"',
        "5",
        "null",
        '{"a":"1"}\f',
        '{"a":"1"}\x0b',
        '{"a":"}',
        '{"a":"\\"}',
        '{"a":1.50}',
        '{"a":{"b":[{}',
        "{}]}}",
        '{"c":[{"d":{}}',
        "{}]}",
        '{"a":"1","a":"2"}',
        '{"bsn":"123456782","bsn":"7"}',
    ]
)


@st.composite
def _jsonl(draw: st.DrawFn) -> bytes:
    regular = st.sampled_from(_REGULAR)
    lines = draw(st.lists(st.one_of(_object_line(), regular, regular, _ODD_LINES), max_size=12))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n", " \n", "\t\r\n"]), min_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, ends, strict=False))
    if lines and draw(st.booleans()):
        text = text.rstrip("\r\n")  # no line break after the last line
    head = "\ufeff" if draw(st.booleans()) else ""
    return (head + text).encode()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_jsonl(), size=st.integers(1, 5))
def test_any_lines_read_as_line_by_line(data: bytes, size: int) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_as_careful(data, size, monkeypatch)


# -- lines the one parse of an array could misread ----------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        # as many objects as lines: one line holds two, two lines hold one between them
        # (joined by ",": '{"c":"3"' and '"d":"4"}' make one object)
        ['{"a":"1"},{"b":"2"}', '{"c":"3"', '"d":"4"}'],
        ['{"a":"1"},{"b":"2"}', '{"c":"3","e":"5"', '"d":"4"}'],
        ['{"a":"1"}', '{"c":"3"', '"d":"4"},{"a":"2"}'],
        # the same with objects in an array that spans lines (not flat)
        ['{"a":"1"},{"b":"2"}', '{"c":[{"d":{}}', "{}]}"],
        ['{"a":"1"},{"b":"2"}', '{"c":[{"d":"x"}', '{"e":"y"}]}'],
        # a line of two objects alone
        ['{"a":"1"},{"b":"2"}'],
        ['{"a":"1"}', '{"a":"1"},{"a":"2"}', '{"a":"3"}'],
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 1024])
def test_objects_across_lines_are_malformed(
    lines: list[str], size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for first in ([], ['{"x":"0"}']):  # (a window is read fast only after a flat first line)
        data = "\n".join(first + lines).encode() + b"\n"
        careful = _careful(data, size, monkeypatch)
        assert careful[1] is not None and "malformed JSON" in careful[1]
        assert _read(data, size) == careful


def test_a_key_written_twice_keeps_both_values() -> None:
    data = b'{"bsn":"1","naam":"x"}\n{"bsn":"123456782","naam":"y","bsn":"7"}\n'
    [(_, records, _)], error = _read(data, 1024)
    assert error is None
    assert records[1][1] == [("bsn", ["123456782", "7"]), ("naam", ["y"])]


def test_unicode_white_space_is_stripped() -> None:
    data = '{"a":"\u00a0x\u3000","b":"\\u2003y\\t"}\n{"a":"z","b":" "}\n'.encode()
    [(_, records, _)], error = _read(data, 1024)
    assert error is None
    assert [r[1] for r in records] == [[("a", ["x"]), ("b", ["y"])], [("a", ["z"])]]


def test_keys_in_another_order_keep_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'{"a":"1","b":"2"}\n{"b":"3","a":"4"}\n{"a":"5","b":"6"}\n'
    read = _read(data, 1024)
    assert read == _careful(data, 1024, monkeypatch)
    assert [r[1] for r in read[0][0][1]][1] == [("b", ["3"]), ("a", ["4"])]


@pytest.mark.parametrize("blank", [b"", b" ", b"\r"])
@pytest.mark.parametrize("at", [0, 1, 2, 3, 4])
def test_errors_at_window_boundaries(
    blank: bytes, at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [b'{"a":"%d"}' % n for n in range(5)]
    for bad in (blank, b'{"a":', b"[1]", b'{"a":"1"},{"a":"2"}'):
        data = b"\n".join([*lines[:at], bad, *lines[at:]]) + b"\n"
        for size in (1, 2, 3):
            _same_as_careful(data, size, monkeypatch)


def test_a_malformed_line_is_named_with_its_column() -> None:
    data = b'{"a":"1"}\n{"a":"1"}\n{"a" "2"}\n'
    assert _read(data, 1024) == (
        [],
        "x:line 3 column 6: malformed JSON: unexpected character, expected ':' after key",
    )


def test_line_numbers_after_a_bom_and_blank_lines() -> None:
    data = b'\xef\xbb\xbf{"a":"1"}\r\n\r\n{"a":"2"}\r\n{"a":"3"}'
    windows, error = _read(data, 2)
    assert error is None
    assert [[r[2] for r in records] for _, records, _ in windows] == [[1], [3, 4]]


# -- the parts the fast path is made of ----------------------------------------------------


def _string_columns_spec(items: list[Any]) -> list[list[str]] | None:
    """string_columns as first written: item by item, column by column."""
    if not items or not all(type(item) is dict for item in items):
        return None
    first = list(items[0])
    if any(list(item) != first for item in items) or any(len(k) > MAX_KEY_CHARS for k in first):
        return None
    columns = [[item[key] for item in items] for key in first]
    if any(type(value) is not str for column in columns for value in column):
        return None
    return [[value.strip() for value in column] for column in columns]


_ITEM = st.one_of(
    st.dictionaries(_KEYS, _TEXT, max_size=4),
    st.dictionaries(_KEYS, st.one_of(_TEXT, st.integers(), st.none()), max_size=3),
    st.just({"a": "1", "b": "2"}),
    st.just({"b": "2", "a": "1"}),
    st.just({"a": "1"}),
    st.just({"a": " x ", "b": "\u2003"}),
    st.just({"k" * (MAX_KEY_CHARS + 1): "x"}),
    st.just([]),
    st.just("text"),
)


@settings(max_examples=400, deadline=None)
@given(items=st.lists(_ITEM, max_size=6))
def test_string_columns_as_specified(items: list[Any]) -> None:
    assert jsonslices.string_columns(items) == _string_columns_spec(items)


@given(
    st.lists(
        st.sampled_from([{"a": "1", "b": "2"}, {"b": "2", "a": "1"}, {"a": "1"}, {"b": "2"}]),
        min_size=1,
        max_size=6,
    )
)
def test_string_columns_tells_key_order_apart(items: list[dict[str, str]]) -> None:
    assert jsonslices.string_columns(items) == _string_columns_spec(items)


@given(st.binary(max_size=200), st.lists(st.dictionaries(_KEYS, _TEXT), max_size=3))
def test_quotes_are_counted_exactly(text: bytes, items: list[dict[str, str]]) -> None:
    assert repeats._quotes(text) == text.count(b'"')
    written = orjson.dumps(items)
    assert repeats.flat_written_twice(written, items) is False
    twice = written.replace(b'{"', b'{"bsn":"1","bsn":"2","', 1)
    if twice != written:
        parsed = orjson.loads(twice)
        assert repeats.flat_written_twice(twice, parsed) is True
