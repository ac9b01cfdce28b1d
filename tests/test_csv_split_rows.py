"""Lines without quotes split at the delimiter give what the csv module gives: the same
records (fields, rows, lines) and the same error, however the text chunks fall and whatever
the file mixes in (quoted values with delimiters, quotes and line breaks, blank lines, CR,
LF and CRLF, line breaks of splitlines' own, NUL, ragged rows, an unterminated quote)."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conformance.model.errors import InputError
from conformance.readers import csv as csv_reader

_PLAIN = st.text(
    st.sampled_from(["a", "é", " ", "1", "x", "\u2028", "\x1c", "\x0c", "€"]), max_size=6
)
_QUOTED = st.lists(st.sampled_from(["a", ",", ";", '""', "\n", "\r\n", " ", "é"]), max_size=6).map(
    lambda parts: '"' + "".join(parts) + '"'
)
_ODD = st.sampled_from(['ab"c', '"open', "\x00", '"a"b', ""])
_CELL = st.one_of(_PLAIN, _PLAIN, _PLAIN, _QUOTED, _ODD)
_BREAK = st.sampled_from(["\n", "\n", "\r\n", "\r"])


@st.composite
def _document(draw: st.DrawFn) -> tuple[str, str]:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(1, 4))
    header = delimiter.join(f"kolom{n}" for n in range(width))
    lines = [header]
    for _ in range(draw(st.integers(0, 14))):
        if draw(st.integers(0, 9)) == 0:
            lines.append("")  # a blank line
            continue
        cells = draw(st.lists(_CELL, min_size=max(1, width - 1), max_size=width + 1))
        lines.append(delimiter.join(cells))
    breaks = [draw(_BREAK) for _ in lines]
    text = "".join(line + brk for line, brk in zip(lines, breaks, strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no break after the last line
    return text, delimiter


def _outcome(data: bytes) -> tuple[object, ...]:
    try:
        windows = list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
    except InputError as exc:
        return ("error", exc.position, exc.problem)
    return tuple(
        (record.path, record.line, record.fields) for window in windows for record in window.records
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(document=('kolom0,kolom1\na,b\n"c\nd",e\nf,g\n', ","), chunk=6)
@example(document=("kolom0,kolom1\na,b\n\nc,d\r\ne\u2028f,g\r", ","), chunk=4)
@example(document=('kolom0\na\nb"c\n', ","), chunk=3)
@given(document=_document(), chunk=st.integers(1, 40))
def test_split_lines_give_what_the_csv_module_gives(document: tuple[str, str], chunk: int) -> None:
    text, _ = document
    data = text.encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_TEXT_CHUNK", chunk)
        split = _outcome(data)
        patch.setattr(csv_reader, "_plain", lambda text: False)
        whole = _outcome(data)
    assert split == whole


def test_plain_lines_never_reach_the_csv_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast way is taken (the test of equal outcomes passes without it too): of rows
    without quotes, no line is fed to the csv module; the one quoted row is."""
    fed: list[str] = []
    feed_next = csv_reader._Feed.__next__

    def counted(self: csv_reader._Feed) -> str:
        fed.append(feed_next(self))
        return fed[-1]

    monkeypatch.setattr(csv_reader._Feed, "__next__", counted)
    monkeypatch.setattr(csv_reader, "_TEXT_CHUNK", 64)
    rows = [f"e{i};n{i}\r\n" for i in range(3000)]
    rows[2000] = 'e2000;"n2000"\r\n'
    data = "eckId;naam\n" + "".join(rows)
    windows = list(csv_reader.read_csv(io.BytesIO(data.encode()), "x.csv", "utf-8"))
    records = [record for window in windows for record in window.records]
    assert [(r.line, r.fields) for r in records] == [
        (i + 2, {"eckId": [f"e{i}"], "naam": [f"n{i}"]}) for i in range(3000)
    ]
    assert [len(window) for window in windows] == [1024, 1024, 952]
    assert 'e2000;"n2000"\r\n' in fed
    assert len(fed) <= 8  # the lines of the quoted one's 64 characters of text


def test_a_rows_problem_comes_before_an_encoding_error_in_a_quoted_value_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows read before reading fails are checked first, also when the failure comes
    while the csv module reads on for a quoted value (here: a byte that is not UTF-8 in it)."""
    monkeypatch.setattr(csv_reader, "_TEXT_CHUNK", 64)
    data = b'a,b\n1,2,3\n"x\n' + b"y" * 20_000 + b'\xff"\n'  # past the 8 KiB decoded at once
    with pytest.raises(InputError) as caught:
        list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
    assert (caught.value.position, caught.value.problem) == (
        "line 2",
        "row has 3 cells but the header has 2",
    )


@pytest.mark.parametrize("quoted", [False, True], ids=["split", "csv-module"])
def test_a_blank_line_is_no_record(quoted: bool) -> None:
    """A blank line holds no pupil: it was a record without a pseudonym (PSN-001 failed on a
    file with an empty line at its end or between rows)."""
    value = '"1"' if quoted else "1"
    data = f"eckId;x\ne1;{value}\n\ne2;2\r\n\r\n".encode()
    windows = list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
    records = [(r.line, r.fields) for window in windows for r in window.records]
    assert records == [(2, {"eckId": ["e1"], "x": ["1"]}), (4, {"eckId": ["e2"], "x": ["2"]})]


@pytest.mark.parametrize("quoted", [False, True], ids=["split", "csv-module"])
def test_excels_separator_line_names_the_delimiter(quoted: bool) -> None:
    """Excel's first line "sep=;" was read as the header: with a header of three columns the
    file was refused (the rows wider than "sep=;"), with two its columns were 'sep=' and
    'column 2' (PSN-001 and MIN-001 failed). Lines are counted from the file's first."""
    value = '"7,5"' if quoted else "7"
    data = f"sep=,\r\neckId,groep,score\r\ne1,5a,{value}\r\ne2,5b,8\r\n".encode()
    windows = list(csv_reader.read_csv(io.BytesIO(data), "x.csv", "utf-8"))
    records = [(r.line, r.fields) for window in windows for r in window.records]
    score = "7,5" if quoted else "7"
    pointers = [r.path for window in windows for r in window.records]
    assert pointers == ["row 1", "row 2"]  # counted from the header, not the sep line
    assert records == [
        (3, {"eckId": ["e1"], "groep": ["5a"], "score": [score]}),
        (4, {"eckId": ["e2"], "groep": ["5b"], "score": ["8"]}),
    ]
    with pytest.raises(InputError) as caught:
        list(csv_reader.read_csv(io.BytesIO(b"SEP=;\na;b\n1;2;3\n"), "x.csv", "utf-8"))
    assert caught.value.position == "line 3"
    with pytest.raises(InputError) as caught:
        list(csv_reader.read_csv(io.BytesIO(b"sep=;\na;a\n"), "x.csv", "utf-8"))
    assert caught.value.position == "line 2 column 2"  # a duplicate column name
    with pytest.raises(InputError) as caught:
        list(csv_reader.read_csv(io.BytesIO(b'sep=;\n"a"b;c\n1;2\n'), "x.csv", "utf-8"))
    assert caught.value.position == "line 2"  # a malformed header after the sep line
