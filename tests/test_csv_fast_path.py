"""Lines of plain cells are split a window at a time (the lines joined, split once at the
delimiter, the columns taken as slices) and a column is stripped only when a cell needs it. That
must read every cell as the csv module reads it, each row with its line, in windows of the same
rows, with the same errors: a cell read differently can hide a pupil's BSN. The oracle here is
the csv module itself, over the whole text; the helpers are pinned on their own as well."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conformance.model.errors import InputError
from conformance.readers import csv as csv_reader
from conformance.readers import lines as lines_module
from conformance.readers.json import read_jsonl
from conformance.readers.lines import LineChunks

_SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
_CHARS = st.sampled_from(["a", "1", "é", "€", "x y", "\x0c", "\x1c", "\u2028", *_SPACES])
_PLAIN = st.lists(_CHARS, max_size=4).map("".join)
_QUOTED = st.lists(st.sampled_from(["a", ",", ";", '""', "\n", "\r\n", " "]), max_size=4).map(
    lambda parts: '"' + "".join(parts) + '"'
)
_BREAK = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
_SIZE = st.integers(1, 6)  # rows a window: cuts fall inside the texts the lines come in


@st.composite
def _document(draw: st.DrawFn) -> tuple[str, str, int]:
    """A CSV text: mostly rows as wide as the header (the fast way), with now and then a blank
    line, a short or a long row (its extra cells blank or not), a quoted cell, a lone "\r"."""
    width = draw(st.integers(1, 5))
    # (the reader takes the delimiter from the header: "," where it has none)
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"])) if width > 1 else ","
    lines = [delimiter.join(f"kolom{n}" for n in range(width))]
    crlf = draw(st.booleans())  # a file of "\r\n" throughout, or of "\n"
    for _ in range(draw(st.integers(0, 24))):
        odd = draw(st.integers(0, 14))
        if odd == 0:
            lines.append("")  # a blank line: no row
            continue
        cells = draw(st.lists(_PLAIN, min_size=width, max_size=width))
        if odd == 1:
            cells = cells[: draw(st.integers(1, width))]  # a short row: padded
        elif odd == 2:
            cells += draw(st.lists(st.sampled_from(["", " ", "\u3000", "x"]), min_size=1))
        elif odd == 3:
            cells[draw(st.integers(0, width - 1))] = draw(_QUOTED)
        lines.append(delimiter.join(cells))
    breaks = [draw(_BREAK) if draw(st.integers(0, 9)) == 0 else "\r\n" if crlf else "\n"]
    breaks += ["\r\n" if crlf else "\n" for _ in lines[1:]]
    breaks[1:] = [draw(_BREAK) if draw(st.integers(0, 19)) == 0 else b for b in breaks[1:]]
    text = "".join(line + brk for line, brk in zip(lines, breaks, strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no break after the last line
    return text, delimiter, width


def _read(data: bytes, size: int) -> tuple[object, ...]:
    """Per window its rows' (line, path, fields); or the error's position and problem."""
    try:
        windows = list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8", size=size))
    except InputError as exc:
        return ("error", exc.position, exc.problem)
    return tuple(
        tuple((record.line, record.path, record.fields) for record in window.records)
        for window in windows
    )


def _oracle(text: str, delimiter: str, width: int, size: int) -> tuple[object, ...]:
    """The csv module over the whole text: rows of ``size`` (a blank line no row), each cell
    stripped and a blank one left out, then rows of blank cells; a long row with a non-blank
    extra cell refused."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = next(reader)
    rows: list[tuple[int, str, dict[str, list[str]]]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                return (
                    "error",
                    f"line {line}",
                    f"row has {len(row)} cells but the header has {width}",
                )
            fields = {h: [c.strip()] for h, c in zip(header, row, strict=False) if c.strip()}
            rows.append((line, f"row {line - 1}", fields))
    except csv.Error as exc:
        return ("error", f"line {reader.line_num}", f"malformed CSV: {exc}")
    # Windows are cut from the rows, then a row of blank cells (a spreadsheet's ";;;") is left
    # out: no record, and a window of only those no window.
    windows = (rows[at : at + size] for at in range(0, len(rows), size))
    kept = (tuple(row for row in window if row[2]) for window in windows)
    return tuple(window for window in kept if window)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(document=("a;b\n1;2\n3\n4;5\n", ";", 2), chunk=3, size=1)
@example(document=("a;b\n0;0\n1;1\n3\n4;5;6\n", ";", 2), chunk=64, size=2)  # 3 + 3 cells
@example(document=("a;b;c\n0;0;0\n1\n2\n3;4;5\n", ";", 3), chunk=64, size=1)
@example(document=("a;b\n1;2\n3;4\n5;6\n\n7;8\n", ";", 2), chunk=4, size=2)  # lines 5, 7
@example(document=("a;b\n1;2\n0;0\nx ;y\nz;w\n", ";", 2), chunk=64, size=2)  # "x " not last
@example(document=("a;b\n1;2\n\u3000x;y\n", ";", 2), chunk=64, size=1)
@example(document=("a;b;c\n1\n2\n3;4;5\n6;7;8\n", ";", 3), chunk=40, size=2)
@example(document=("a\n1\n\n2\n", ";", 1), chunk=40, size=5)
@example(document=("a,b\r\n \u3000x ,y\x85\r\n1,2\r\n", ",", 2), chunk=40, size=1)
@example(document=("a,b\n1,2\r3,4\n5,6\n", ",", 2), chunk=40, size=2)
@given(document=_document(), chunk=st.integers(1, 64), size=_SIZE)
def test_windows_are_the_csv_modules_rows(
    document: tuple[str, str, int], chunk: int, size: int
) -> None:
    """Cells, lines, paths and window by window the same rows as the csv module reads them, or
    the same error at the same line: however the text is chunked and the windows cut."""
    text, delimiter, width = document
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_TEXT_CHUNK", chunk)
        got = _read(text.encode(), size)
    assert got == _oracle(text, delimiter, width, size)


_CELL = st.text(st.sampled_from(["a", "é", " ", "\t", "\u3000", "\x85", "\x0c", "€"]), max_size=3)


@settings(max_examples=400, deadline=None)
@example(rows=[["a"], ["b", "c", "d"]], width=2)  # as many cells in all as two rows of two
@example(rows=[["a", "b", "c"], ["d"], ["e"]], width=3)  # a mark where a row of three should be
@example(rows=[[""], ["x"]], width=1)  # a blank line among rows of one cell
@given(
    rows=st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=8),
    width=st.integers(1, 4),
)
def test_plain_columns_are_the_cells_or_nothing(rows: list[list[str]], width: int) -> None:
    """The columns when every line has ``width`` cells (and none is blank); else None, never
    columns of cells moved from one row to another."""
    text = "".join(";".join(row) + "\n" for row in rows)
    got = csv_reader._plain_columns(text, ";", width, len(rows))
    if all(len(row) == width for row in rows) and not (width == 1 and [""] in rows):
        assert got == [list(column) for column in zip(*rows, strict=True)]
    else:
        assert got is None


def test_plain_columns_refuse_a_wrong_count_of_lines() -> None:
    assert csv_reader._plain_columns("a;b\nc;d\n", ";", 2, 1) is None
    assert csv_reader._plain_columns("a;b\nc;d\n", ";", 2, 2) == [["a", "c"], ["b", "d"]]


@settings(max_examples=400, deadline=None)
@given(column=st.lists(st.text(st.sampled_from(["a", "é", "ł", "\x00", *_SPACES]), max_size=4)))
def test_a_column_is_stripped_exactly_as_str_strip_does(column: list[str]) -> None:
    assert csv_reader._stripped(list(column)) == [cell.strip() for cell in column]


def test_a_bare_column_is_not_copied() -> None:
    """The point of it: a column no cell of which needs stripping is handed on as it is."""
    column = ["Groep 7C", "é", "", "a\x0cb"]
    assert csv_reader._stripped(column) is column
    assert csv_reader._stripped([*column, "x\u3000"]) == [*column, "x"]


def test_the_whitespace_is_what_str_strip_strips() -> None:
    assert csv_reader._SPACE == _SPACES
    assert "".join(c for c in _SPACES if c.isascii()) == csv_reader._ASCII_SPACE
    assert all(not c.strip() for c in _SPACES)


_LINE_TEXT = st.lists(st.sampled_from(["a", ";", "\n", "\r", "\r\n", "\x0c", "\u2028", " "])).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(text=_LINE_TEXT)
def test_unix_lines_keep_each_row_and_its_count(text: str) -> None:
    """Lines kept as text end in "\n" alone, one for each line the csv module would read, none
    blank; lines with a blank one or a lone "\r" are left to be split one by one."""
    if not text:  # no text is handed on empty
        return
    lines = csv_reader._line_split(text)
    alone = not any(line in ("\n", "\r\n") or line.endswith("\r") for line in lines)
    unix = csv_reader._unix_lines(text)
    if not alone:
        assert unix is None
        return
    assert unix == "".join(line.removesuffix("\n").removesuffix("\r") + "\n" for line in lines)
    assert unix.count("\n") == csv_reader._line_count(text) == len(lines)


_CHUNKS = st.lists(
    st.lists(st.sampled_from(["a", "\n", "\r", "\r\n", ";"]), max_size=6).map("".join)
)


@settings(max_examples=300, deadline=None)
@given(chunks=_CHUNKS)
def test_line_texts_are_the_lines_joined(chunks: list[str]) -> None:
    """``LineChunks.texts`` gives what iterating gives, each list joined, with its number of
    lines; the counts of lines and characters handed on are the same."""
    split = csv_reader._whole_lines, csv_reader._line_split, csv_reader._ends_in_cr
    listed = LineChunks(iter(chunks), "x.csv", *split)
    lists = list(listed)
    joined = LineChunks(iter(chunks), "x.csv", *split)
    texts = list(joined.texts(csv_reader._line_count))
    assert texts == [("".join(lines), len(lines)) for lines in lists]
    assert (joined.number, joined.handed) == (listed.number, listed.handed)


def test_plain_rows_take_the_fast_way_after_the_first_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every window after the first (whose rows are compared with the header) is split in one
    go; a window with a quoted row is split in one go around it."""
    made: list[bool] = []
    plain_columns = csv_reader._plain_columns

    def counted(text: str, delimiter: str, width: int, rows: int) -> list[list[str]] | None:
        made.append(plain_columns(text, delimiter, width, rows) is not None)
        return plain_columns(text, delimiter, width, rows)

    monkeypatch.setattr(csv_reader, "_plain_columns", counted)
    monkeypatch.setattr(csv_reader, "_TEXT_CHUNK", 64)
    rows = [f"e{i};n{i}\r\n" for i in range(3000)]
    rows[2000] = 'e2000;"n 2000 "\r\n'
    data = ("eckId;naam\n" + "".join(rows)).encode()
    windows = list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
    assert [len(window) for window in windows] == [1024, 1024, 952]
    assert made == [True, True, True]  # the second: the lines before the quoted row, after
    assert windows[1].record(2000 - 1024).fields == {"eckId": ["e2000"], "naam": ["n 2000"]}


def test_a_long_row_after_the_first_window_is_refused_at_its_line() -> None:
    rows = [f"e{i};n{i}\n" for i in range(2000)]
    rows[1500] = "e1500;n1500;x\n"
    with pytest.raises(InputError) as caught:
        list(csv_reader.read_csv(io.BytesIO(("a;b\n" + "".join(rows)).encode()), "x.csv", "utf-8"))
    assert (caught.value.position, caught.value.problem) == (
        "line 1502",
        "row has 3 cells but the header has 2",
    )
    assert "e1500" not in str(caught.value)


@pytest.mark.parametrize("length", [1999, 2000, 2010])
def test_a_line_too_long_is_refused_when_the_chunk_that_ends_it_comes(
    monkeypatch: pytest.MonkeyPatch, length: int
) -> None:
    """Lines are measured only where they could be too long: where the line that waited,
    with the chunk that ends it, is longer than the limit (the last 10 characters here)."""
    monkeypatch.setattr(lines_module, "MAX_VALUE_BYTES", 2000)
    monkeypatch.setattr(csv_reader, "_TEXT_CHUNK", 64)
    long = "z;" + "L" * (length - 3)  # with its "\n": ``length`` characters
    data = ("a;b\n" + "x;y\n" * 3 + long + "\n" + "p;q\n" * 40).encode()
    if length <= 2000:
        windows = list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
        assert sum(map(len, windows)) == 44
    else:
        with pytest.raises(InputError) as caught:
            list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
        assert caught.value.position == "line 5"


@pytest.mark.parametrize("length", [2000, 2010])
def test_a_json_line_too_long_is_refused_as_before(
    monkeypatch: pytest.MonkeyPatch, length: int
) -> None:
    """The JSON Lines reader splits its lines as it did (``LineChunks`` iterated)."""
    monkeypatch.setattr(lines_module, "MAX_VALUE_BYTES", 2000)
    monkeypatch.setattr("conformance.readers.json._JSONL_CHUNK", 64)
    long = b'{"a": "' + b"L" * (length - 10) + b'"}'  # with its "\n": ``length`` bytes
    data = b'{"a": "x"}\n' * 3 + long + b"\n" + b'{"a": "y"}\n' * 40
    if length <= 2000:
        assert sum(map(len, read_jsonl(io.BytesIO(data), "x.jsonl"))) == 44
    else:
        with pytest.raises(InputError) as caught:
            list(read_jsonl(io.BytesIO(data), "x.jsonl"))
        assert caught.value.position == "line 4"


def test_a_file_without_its_header_row_is_refused_as_before() -> None:
    """The first window's rows are compared with the header (the fast way would skip that)."""
    rows = "".join(f"2024-09-{day:02};x{day}\n" for day in range(1, 29)) * 80
    with pytest.raises(InputError) as caught:
        list(csv_reader.read_csv(io.BytesIO(("2024-08-31;x0\n" + rows).encode()), "x.csv", "utf-8"))
    assert caught.value.position == "line 1 column 1"
    assert "2024" not in str(caught.value)
