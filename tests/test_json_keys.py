"""A JSON key is a field's name, and the readers copy it into the path of every value and the
pointer of every record under it (ijson into the prefix of every event): a key over 4,096
characters is refused with one line, wherever it stands and whichever reader meets it — the
orjson slices, ijson, JSON Lines — and a key of 4,096 is read, however it is written."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from conformance.model.errors import InputError
from conformance.model.records import RecordWindow
from conformance.readers import json as json_reader
from conformance.readers.limits import MAX_KEY_CHARS

ECK = "https://ketenid.nl/201703/" + "a" * 128
REFUSED = f"a key longer than {MAX_KEY_CHARS:,} characters"


def _documents(key: str) -> dict[str, str]:
    """The key in each place a reader meets keys."""
    pupil = {"eckId": ECK, "jaargroep": "5"}
    return {
        "a record's member (slices)": json.dumps([{**pupil, key: "x"}]),
        "a nested record's member (ijson)": json.dumps([{**pupil, "adres": {key: "x"}}]),
        "the array's key": json.dumps({key: [pupil, pupil]}),
        "a group's list of pupils": json.dumps({"groepen": [{"naam": "5a", key: [pupil]}]}),
        "beside the records": json.dumps({"leerlingen": [pupil], "meta": {key: [1, 2]}}),
        "escaped, beside the records": json.dumps(
            {"leerlingen": [pupil], "meta": {key: [1, 2]}}, ensure_ascii=True
        ),
    }


def _read_json(text: str) -> list[RecordWindow]:
    stream = io.BufferedReader(io.BytesIO(text.encode()))  # type: ignore[arg-type]
    return list(json_reader.read_json(stream, "x.json", {}))


def _read_jsonl(text: str) -> list[RecordWindow]:
    return list(json_reader.read_jsonl(io.BytesIO(text.encode()), "x.jsonl"))


def _keys(windows: list[RecordWindow]) -> Iterator[str]:
    for window in windows:
        for record in window.records:
            for path in record.fields:
                yield from path.split("/")


@pytest.mark.parametrize("letter", ["k", "é", "\U0001f600"])
@pytest.mark.parametrize("place", list(_documents("k")))
def test_a_key_of_the_limit_is_read(place: str, letter: str) -> None:
    """A key of 4,096 characters is read — also "é" written as \\u00e9 (6 bytes a character)
    and an emoji as a surrogate pair (12): the guard counts bytes, never fewer than needed."""
    key = (letter * MAX_KEY_CHARS)[:MAX_KEY_CHARS]
    assert len(key) == MAX_KEY_CHARS
    windows = _read_json(_documents(key)[place])
    if place == "the array's key":  # the key is the records' kind, in no path
        assert key in {window.kind for window in windows}
    else:
        assert any(len(name) == MAX_KEY_CHARS for name in _keys(windows))


@pytest.mark.parametrize("place", list(_documents("k")))
@pytest.mark.parametrize("length", [MAX_KEY_CHARS + 1, 1 << 20])
def test_a_longer_key_is_refused_wherever_it_stands(place: str, length: int) -> None:
    with pytest.raises(InputError) as refused:
        _read_json(_documents("k" * length)[place])
    assert refused.value.problem == REFUSED
    assert "kkkk" not in str(refused.value)  # the key may be data: never quoted


def test_a_longer_key_in_a_flat_json_lines_record_is_refused_with_its_line() -> None:
    lines = [json.dumps({"eckId": ECK}), json.dumps({"eckId": ECK, "k" * 5000: "x"})]
    with pytest.raises(InputError) as refused:
        _read_jsonl("\n".join(lines) + "\n")
    assert (refused.value.position, refused.value.problem) == ("line 2", REFUSED)


def test_a_longer_key_over_nested_values_on_a_line_is_refused_with_its_line() -> None:
    line = json.dumps({"eckId": ECK, "k" * 5000: [{"a": "1"}] * 100})
    with pytest.raises(InputError) as refused:
        _read_jsonl(json.dumps({"eckId": ECK}) + "\n" + line + "\n")
    assert (refused.value.position, refused.value.problem) == ("line 2", REFUSED)


def test_a_key_of_the_limit_on_a_line_is_read() -> None:
    line = json.dumps({"eckId": ECK, "k" * MAX_KEY_CHARS: [{"a": "1"}]})
    (window,) = _read_jsonl(line + "\n")
    assert f"{'k' * MAX_KEY_CHARS}/a" in window.record(0).fields


def test_a_long_string_value_is_no_key() -> None:
    """The guard refuses only a long string followed by a colon: a 1 MiB value is read."""
    windows = _read_json(json.dumps({"leerlingen": [{"eckId": ECK, "a": {"b": "v" * (1 << 20)}}]}))
    assert [len(v) for w in windows for r in w.records for v in r.fields.get("a/b", [])] == [
        1 << 20
    ]
