"""CSV and JSON Lines exports are read into windows column by column: a record is made only for
a row a check asks about. The windows must be exactly those of reading the same rows record by
record — the same records (fields, line, path), the same shapes in the same order, the same
columns — and the checks must find in them what they find record by record."""

from __future__ import annotations

import csv
import gc
import io
import json
from pathlib import Path
from unittest.mock import patch

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.model.errors import InputError
from conformance.model.records import Record, RecordWindow
from conformance.profiles import load_profile
from conformance.readers import open_export
from conformance.readers.csv import read_csv
from conformance.readers.json import _record, read_json, read_jsonl

HEADER = ("eckId", "leerlingId", "groep", "opmerking", "Kolom 5")
CELLS = st.sampled_from(["", " ", "x", " y ", "Groep 7C", "L00000001", "a\nb", ';"', "é"])
SIZES = st.integers(1, 5)  # windows of a few rows: splits fall everywhere


def _comparable(window: RecordWindow) -> tuple[object, ...]:
    """A window as the checks see it: its records, then per batch its shape, rows and
    columns (what ``single`` gives for each of its fields)."""
    batches = tuple(
        (b.shape, tuple(b.rows), tuple((p, tuple(b.single(p) or ())) for p in b.paths))
        for b in window.batches
    )
    return tuple(window.records), batches, tuple(window.lines)


def _by_records(window: RecordWindow) -> tuple[object, ...]:
    """The same window built the record-by-record way, from its own records."""
    return _comparable(RecordWindow(window.kind, list(window.records)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=len(HEADER)), max_size=14), size=SIZES)
def test_csv_windows_are_the_records_the_rows_hold(rows: list[list[str]], size: int) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    data = text.getvalue().encode()
    got = list(read_csv(io.BytesIO(data), "in.csv", "utf-8", "leerling", size=size))

    # The oracle: the csv module row by row, line numbers counted from the text itself; an
    # empty row is written as a blank line, which is no record (as csv.DictReader has it), and
    # nor is a row of blank cells (a spreadsheet's ";;;;").
    expected = []
    line = 1
    for row in rows:
        encoded = io.StringIO()
        csv.writer(encoded, delimiter=";", lineterminator="\n").writerow(row)
        line += encoded.getvalue().count("\n")
        fields = {
            name: [cell.strip()] for name, cell in zip(HEADER, row, strict=False) if cell.strip()
        }
        if not fields:
            continue
        expected.append(Record("leerling", fields, "in.csv", line, f"row {line - 1}"))
    assert [r for w in got for r in w.records] == expected
    # at most ``size`` rows each, none empty (rows of blank cells leave a window short)
    assert all(0 < len(w) <= size for w in got)
    for window in got:
        assert _comparable(window) == _by_records(window)


JSON_VALUES = st.one_of(
    CELLS,
    st.sampled_from([None, 7, 2.5, True, ["a", "b"], {"x": "y"}, [], {}]),
)
OBJECTS = st.lists(
    st.dictionaries(st.sampled_from(HEADER), JSON_VALUES, max_size=len(HEADER)), max_size=14
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects=OBJECTS, size=SIZES)
def test_jsonl_windows_are_the_records_the_lines_hold(objects: list[dict], size: int) -> None:
    """Flat all-string objects of one member order go column by column; any other mix (nested
    values, numbers, other orders) record by record: both give the records a line holds."""
    data = "".join(json.dumps(o) + "\n" for o in objects).encode()
    got = list(read_jsonl(io.BytesIO(data), "in.jsonl", "leerling", size=size))
    for window in got:
        assert _comparable(window) == _by_records(window)
    flat = [r for w in got for r in w.records]
    assert [r.line for r in flat] == list(range(1, len(objects) + 1))
    # the reader's own record-at-a-time function, which windows of other items still use
    assert flat == [_record(o, "leerling", "in.jsonl", n, "") for n, o in enumerate(objects, 1)]
    for record, item in zip(flat, objects, strict=True):
        if all(type(v) is str for v in item.values()):
            assert record.fields == {k: [v.strip()] for k, v in item.items() if v.strip()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects=OBJECTS, size=SIZES)
def test_json_array_windows_are_the_records_the_items_hold(objects: list[dict], size: int) -> None:
    data = json.dumps(objects).encode()
    with patch("conformance.readers.json.WINDOW_SIZE", size):
        got = list(read_json(io.BufferedReader(io.BytesIO(data)), "in.json", {}))
    for window in got:
        assert _comparable(window) == _by_records(window)
    flat = [r for w in got for r in w.records]
    assert [r.path for r in flat] == [f"/{index}" for index in range(len(objects))]
    assert flat == [_record(o, "record", "in.json", None, f"/{n}") for n, o in enumerate(objects)]
    assert all(r.line is None and r.kind == "record" for r in flat)
    for record, item in zip(flat, objects, strict=True):
        if all(type(v) is str for v in item.values()):
            assert record.fields == {k: [v.strip()] for k, v in item.items() if v.strip()}


def test_a_tabular_window_makes_records_only_when_asked(tmp_path: Path) -> None:
    data = b"eckId;groep\n" + b"".join(b"e%d;Groep 7C\n" % n for n in range(10))
    (window,) = read_csv(io.BytesIO(data), "in.csv", "utf-8")
    (batch,) = window.batches
    assert batch.single("groep") == ["Groep 7C"] * 10
    assert window._made.built == [None] * 10  # columns and shapes, no record yet
    assert batch.record(3) == Record(
        "record", {"eckId": ["e3"], "groep": ["Groep 7C"]}, "in.csv", 5, "row 4"
    )
    assert window._made.built.count(None) == 9
    assert window.record(3) is batch.record(3)  # made once


def test_windows_are_freed_without_the_cyclic_collector() -> None:
    """A window and its batches must not refer to each other: a cycle waits for the cyclic
    collector, which runs by object counts, not bytes — columns of strings then piled up
    (a 1M-record JSON Lines check peaked at 494 MiB instead of ~130)."""
    data = b"eckId;groep\n" + b"".join(b"e%d;%s\n" % (n, b"G" * (n % 2)) for n in range(50))
    gc.collect()
    gc.disable()
    try:
        for window in read_csv(io.BytesIO(data), "in.csv", "utf-8", size=8):
            for batch in window.batches:
                assert batch.first.fields["eckId"]
        del window, batch
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_a_window_holds_a_bounded_amount_of_input(tmp_path: Path, fmt: str) -> None:
    """A line may be 16 MiB: a window is cut at WINDOW_BYTES of input as well as at 1,024
    records, or 1,024 long lines would be held at once (lowered here to 256 KiB)."""
    note = "x" * 20_000  # 20 kB a record
    rows = [{"eckId": f"e{n}", "opmerking": note} for n in range(100)]
    path = tmp_path / f"x.{fmt}"
    if fmt == "csv":
        path.write_text("eckId;opmerking\n" + "".join(f"e{n};{note}\n" for n in range(100)))
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        path.write_text(json.dumps(rows))
    profile = load_profile("nl-generic")
    with patch("conformance.model.records.WINDOW_BYTES", 256 << 10):
        sizes = [len(w) for w in open_export(path, profile).windows(profile)]
    assert sum(sizes) == 100
    # 256 KiB, plus what the readers' buffers read ahead (64 KiB each), over 20 kB a record
    assert len(sizes) > 1
    assert max(sizes) <= (256 + 3 * 64) * 1024 // 20_000 + 1


RAW_PIECES = st.sampled_from(
    ["a", " b ", ";", '"', '""', "\n", "\r\n", "\r", "\x0c", "\x1e", "\x85", "\u2028", "é", ""]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(RAW_PIECES, max_size=60).map("".join), chunk=st.integers(1, 9))
def test_csv_lines_split_as_a_file_opened_with_newline_blank(body: str, chunk: int) -> None:
    """The reader splits the text into lines itself, a chunk at a time: its rows and their line
    numbers (or its first problem's line) are those of the csv module reading the file opened
    with ``newline=""`` — line breaks "\\n", "\\r\\n" and "\\r", also split across chunks; form
    feeds, "\\x1e", "\\x85" and "\\u2028" are not line breaks, though ``str.splitlines`` says so."""
    text = "h1;h2;h3\n" + body
    oracle = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    next(oracle)
    expected, problem = [], None
    try:
        for row in oracle:
            if not row:
                continue  # a blank line: no record
            if len(row) > 3 and any(cell.strip() for cell in row[3:]):
                problem = oracle.line_num
                break
            fields = {
                h: [c.strip()] for h, c in zip(("h1", "h2", "h3"), row, strict=False) if c.strip()
            }
            if fields:  # a row of blank cells is no record either
                expected.append((oracle.line_num, fields))
    except csv.Error:
        problem = oracle.line_num
    with patch("conformance.readers.csv._TEXT_CHUNK", chunk):
        windows = read_csv(io.BytesIO(text.encode()), "in.csv", "utf-8", size=3)
        if problem is None:
            got = [(r.line, r.fields) for w in windows for r in w.records]
            assert got == expected
        else:
            with pytest.raises(InputError, match=f"^in.csv:line {problem}: "):
                list(windows)


JSONL_PIECES = st.sampled_from(
    [
        '{"eckId": "e1", "groep": " 7C "}',
        '{"eckId": "e2", "groep": ""}',
        '{"groep": "7C", "eckId": "e3"}',
        '{"eckId": "e4", "n": 7, "x": {"y": "z"}}',
        '{"eckId": "e5",\r "groep": "8A"}',  # a lone CR is whitespace, not a line break
        '{"a": ' * 300 + "1" + "}" * 300,  # deeper than 256 levels
        '{"eckId": ',  # malformed
        "[1, 2]",  # not an object
        "",
        "   ",
        "\r",
        "\n",
        "\n",
        "\n",
    ]
)


def _jsonl_oracle(data: bytes) -> tuple[list[Record], str | None]:
    """What reading line by line gives (as the reader did before it read in chunks): the
    records, or the first problem's message."""
    found: list[Record] = []
    raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    for number, line in enumerate(io.BytesIO(raw).readlines(), 1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            return found, f"in.jsonl:line {number} column {exc.colno}: malformed JSON"
        if not isinstance(item, dict):
            return found, f"in.jsonl:line {number}: each JSON Lines line must be an object"
        try:
            found.append(_record(item, "record", "in.jsonl", number, ""))
        except InputError as exc:
            return found, str(exc)
    return found, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(JSONL_PIECES, max_size=14),
    bom=st.booleans(),
    chunk=st.integers(1, 9),
    size=SIZES,
)
def test_jsonl_read_in_chunks_is_jsonl_read_line_by_line(
    pieces: list[str], bom: bool, chunk: int, size: int
) -> None:
    """The reader reads 64 KiB at a time and parses a window's lines with one map of orjson,
    line by line only where that fails: the records, or the first problem (which line, which
    column), are those of reading line by line — with chunks of 1-9 bytes here."""
    data = (b"\xef\xbb\xbf" if bom else b"") + "\n".join(pieces).encode()
    expected, problem = _jsonl_oracle(data)
    with patch("conformance.readers.json._JSONL_CHUNK", chunk):
        windows = read_jsonl(io.BytesIO(data), "in.jsonl", size=size)
        if problem is None:
            assert [r for w in windows for r in w.records] == expected
        else:
            with pytest.raises(InputError) as caught:
                list(windows)
            assert str(caught.value).startswith(problem)


LONG = "L" * 2100  # longer than the limit patched in below


@pytest.mark.parametrize(
    "pieces",
    [
        ['{"a": "x"}', '{"a": ', LONG],  # malformed, then too long: malformed first
        ['{"a": "x"}', '{"a": ' * 300 + "1" + "}" * 300, LONG],  # nesting first
        ['{"a": "x"}', LONG, '{"a": '],  # too long, then malformed: too long first
        ['{"a": "x"}', LONG],  # an unended line too long at the end of the file
    ],
    ids=["malformed", "nested", "long", "long-unended"],
)
@pytest.mark.parametrize("chunk", [3, 16])
def test_jsonl_line_too_long_is_reported_after_earlier_problems(
    pieces: list[str], chunk: int
) -> None:
    data = "\n".join(pieces).encode()
    lines = io.BytesIO(data).readlines()
    too_long = next(n for n, line in enumerate(lines, 1) if len(line) > 2000)
    _, problem = _jsonl_oracle(b"".join(lines[: too_long - 1]))
    with (
        patch("conformance.readers.json._JSONL_CHUNK", chunk),
        patch("conformance.readers.lines.MAX_VALUE_BYTES", 2000),
        pytest.raises(InputError) as caught,
    ):
        list(read_jsonl(io.BytesIO(data), "in.jsonl", size=4))
    assert str(caught.value).startswith(problem or f"in.jsonl:line {too_long}: longer than")


def test_csv_an_encoding_error_is_reported_after_earlier_row_problems() -> None:
    """The text is decoded 8 KiB at a time: a byte that is not UTF-8 further on does not hide
    a row problem before it."""
    data = b"a;b\nx;y\n1;2;3\n" + b"p;q\n" * 5000 + b"\xff\n"
    with pytest.raises(InputError, match="line 3: row has 3 cells"):
        list(read_csv(io.BytesIO(data), "in.csv", "utf-8-sig"))


def test_a_failed_read_says_nothing_of_the_lines_it_carries() -> None:
    """The JSON Lines reader carries the lines read before a too-long one in an exception: its
    words are the problem's, never the lines (pupils' data)."""
    from conformance.readers.json import _ReadFailedError  # noqa: PLC0415  (internal)

    error = InputError("in.jsonl", "line 3", "longer than 16 MiB")
    failed = _ReadFailedError(2, [b'{"naam": "Qwaxzindre"}\n'], error)
    assert "Qwaxzindre" not in str(failed) + repr(failed)
    assert str(failed) == str(error)
