"""CSV reader: encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252) and delimiter
detected, streamed.

Malformed quoting is an error, never a guess: a quote left open would otherwise swallow every
later row into one cell, and those records would silently go unexamined.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain, groupby
from operator import methodcaller
from typing import IO

from conformance.detect.headerless import first_row_is_data
from conformance.detect.safepath import data_not_name
from conformance.model import records
from conformance.model.errors import InputError
from conformance.model.records import WINDOW_SIZE, RecordWindow
from conformance.readers.limits import MAX_VALUE_BYTES
from conformance.readers.lines import LineChunks

_DELIMITERS = ",;\t|"
# Excel writes (and reads) a first line "sep=;" naming the delimiter of a CSV file.
_SEPARATOR_HINT = re.compile(r"sep=([,;\t|])", re.IGNORECASE)
_CHUNK = 1 << 20
# Text decoded at a time (as TextIOWrapper does): what a window may hold beyond its bound,
# and the most an encoding error can hide of the lines before it.
_TEXT_CHUNK = 8 << 10
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")
_BLANK_LINE = re.compile("\n\n")  # in lines ended by "\n" alone
# Rows read ahead to tell a header row from a pupil's row (see detect.headerless).
_HEADER_SAMPLE = 64
# Bytes that Windows-1252 leaves undefined: a file with them is neither UTF-8 nor Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# Excel's "Unicode text" is UTF-16 with a BOM; UTF-32 BOMs are tested first (they start alike).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What str.strip() strips: the characters str.isspace() holds true (those of ASCII text first,
# which is searched for fewer). Spelled out (tests compare them with every code point's).
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
_SPACE = _ASCII_SPACE + (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
csv.field_size_limit(MAX_VALUE_BYTES)


def detect_encoding(raw: IO[bytes], name: str) -> str:
    """``utf-8-sig`` with a BOM, ``utf-16``/``utf-32`` with theirs; ``utf-8`` if every byte
    decodes; else ``cp1252``.

    Reads until the first byte that is not UTF-8 (so a pure UTF-8 file is read once in full,
    at several GB/s): deciding on a sample alone would misjudge a file whose first accented
    name is past the sample. A NUL byte is refused (binary data, or UTF-16 without its BOM).
    """
    head = raw.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    wide = next((encoding for bom, encoding in _WIDE_BOMS if head.startswith(bom)), None)
    if wide:
        return wide
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, chunk, ascii_so_far = 0, head, True
    while chunk:
        _refuse_nul(chunk, offset, name)
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            start = max(exc.start, 0)  # the decoder may still hold the previous chunk's tail
            ascii_before = ascii_so_far and chunk[:start].isascii()
            return _cp1252_or_fail(name, chunk, offset + start, ascii_before)
        ascii_so_far = ascii_so_far and chunk.isascii()
        offset += len(chunk)
        chunk = raw.read(_CHUNK)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _cp1252_or_fail(name, b"", offset, ascii_so_far)
    return "utf-8"


def _refuse_nul(chunk: bytes, offset: int, name: str) -> None:
    at = chunk.find(b"\x00")
    if at >= 0:
        problem = "a NUL byte: not text (or UTF-16 without its byte order mark)"
        raise InputError(name, f"byte {offset + at}", problem)


def _cp1252_or_fail(name: str, chunk: bytes, offset: int, ascii_before: bool) -> str:
    """Windows-1252, unless the file mixes it with UTF-8 or holds bytes it leaves undefined."""
    if not ascii_before:  # UTF-8 letters earlier, now a byte that is not UTF-8
        problem = "mixed encodings: UTF-8 text before this byte, then a byte that is not UTF-8"
        raise InputError(name, f"byte {offset}", problem)
    undefined = next((i for i, b in enumerate(chunk) if b in _CP1252_UNDEFINED), None)
    if undefined is not None:
        raise InputError(name, f"byte {offset}", "neither UTF-8 nor Windows-1252 text")
    return "cp1252"


_QUOTED = re.compile(r'"(?:[^"]|"")*"')  # a quoted cell, its quotes doubled within


def detect_delimiter(header: str) -> str:
    """The candidate delimiter that occurs most often in the header line, outside quoted
    names (``eckId;"Niveau (A, B, C)"`` is separated by ';', not by ',')."""
    header = _QUOTED.sub("", header)
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(
    stream: IO[bytes], name: str, encoding: str, kind: str = "record", *, size: int = WINDOW_SIZE
) -> Iterator[RecordWindow]:
    """The rows, ``size`` at a time (and at most about :data:`WINDOW_BYTES` of text), as windows
    built column by column (records are made only for the rows a check asks about)."""
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    lines = _Lines(text, name)
    source: _RowSource | None = None
    at = 1  # the header's line
    try:
        header_line = lines.first()
        hint = _SEPARATOR_HINT.fullmatch(header_line.rstrip("\r\n"))
        if hint is not None:  # Excel's "sep=;" line: the delimiter, then the header
            header_line, at = lines.next(), 2
        if not header_line.strip():
            raise InputError(name, f"line {at}", "empty CSV: no header row")
        delimiter = hint.group(1) if hint is not None else detect_delimiter(header_line)
        cells = next(csv.reader([header_line], delimiter=delimiter, strict=True))
        header = _header(cells, name, at)
        source = _RowSource(lines.rest(), delimiter, skipped=at - 1)
        table = _Table(header, name, at, delimiter)
        handed = lines.handed
        for pieces in _gathered(source, lines, size, table.before_error):
            columns, ends = _without_blank_rows(*table.columns(pieces))
            if not ends:  # only blank rows: their bytes go with the next window's
                continue
            window = _window((columns, ends), header, name, kind, at)
            window.input_bytes, handed = lines.handed - handed, lines.handed
            yield window
    except csv.Error as exc:
        line = source.line_num + 1 if source is not None else at  # + 1: the header line
        raise InputError(name, f"line {line}", f"malformed CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(name, None, f"invalid {encoding} text: {exc.reason}") from None
    finally:
        text.detach()  # the caller owns the byte stream (and still hashes what is left)


class _Lines:
    """The text's lines, as texts of whole lines (:meth:`LineChunks.texts`): the header's, then
    the rest's (split into lines only for the csv module, which takes them one by one in C).
    ``handed`` counts the characters handed on, which bounds a window's text."""

    def __init__(self, text: io.TextIOWrapper, name: str) -> None:
        pieces = iter(partial(text.read, _TEXT_CHUNK), "")
        self._split = LineChunks(pieces, name, _whole_lines, _line_split, _ends_in_cr)
        self._texts = self._split.texts(_line_count)
        self._first: list[str] = []

    @property
    def handed(self) -> int:
        return self._split.handed

    def first(self) -> str:
        for text, _ in self._texts:
            lines = _line_split(text)
            if lines:
                self._first = lines[1:]
                return lines[0]
        return ""

    def next(self) -> str:
        """The line after the first ("" at the end of the text)."""
        if not self._first:
            self._first = next((_line_split(text) for text, _ in self._texts if text), [""])
        line, self._first = self._first[0], self._first[1:]
        return line

    def rest(self) -> Iterator[tuple[str, int]]:
        """Every line after the first: texts of whole lines, each with its number of lines."""
        return chain([("".join(self._first), len(self._first))], self._texts)


class _Plain:
    """Lines of plain cells (see :func:`_plain`), each a row of its own, as text: ``count``
    lines, each ended by "\n" alone (see :func:`_unix_lines`). They wait until their window is
    made, to be split a window at a time (:func:`_plain_columns`)."""

    __slots__ = ("count", "first", "text")

    def __init__(self, text: str, count: int, first: int) -> None:
        self.text = text
        self.count = count  # lines
        self.first = first  # the line the first one is

    def __len__(self) -> int:
        return self.count

    def cut(self, rows: int) -> tuple[_Plain, _Plain]:
        """The first ``rows`` lines (fewer than all), and the rest."""
        at = 0
        for _ in range(rows):  # once a window, in the lines of one read (8 KiB of text)
            at = self.text.index("\n", at) + 1
        head = _Plain(self.text[:at], rows, self.first)
        return head, _Plain(self.text[at:], self.count - rows, self.first + rows)

    def ends(self) -> range:
        return range(self.first, self.first + self.count)

    def split(self, delimiter: str) -> tuple[list[list[str]], list[int]]:
        """The lines' cells, a line at a time, with their lines."""
        lines = self.text[:-1].split("\n")
        return [line.split(delimiter) for line in lines], list(self.ends())


class _Parsed:
    """Rows already made of their cells (by the csv module, or lines split one at a time), each
    with the line it ends on."""

    __slots__ = ("ends", "rows")

    def __init__(self, rows: list[list[str]], ends: list[int]) -> None:
        self.rows = rows
        self.ends = ends

    def __len__(self) -> int:
        return len(self.rows)

    def cut(self, rows: int) -> tuple[_Parsed, _Parsed]:
        head = _Parsed(self.rows[:rows], self.ends[:rows])
        return head, _Parsed(self.rows[rows:], self.ends[rows:])


_Piece = _Plain | _Parsed


class _RowSource:
    """The rows after the header, a text of whole lines at a time, each row with the line it
    ends on. Lines without a quote character (or NUL) that start between rows are split at the
    delimiter, in C: the same cells the csv module gives, in a fraction of its time and without
    its buffer of four bytes a character (a 15 MiB value took 60 MiB). Any other lines go
    through one csv reader, which keeps its state from text to text (a quoted value may span
    them)."""

    def __init__(self, texts: Iterator[tuple[str, int]], delimiter: str, skipped: int = 0) -> None:
        self._feed = _Feed(texts)
        self._reader = csv.reader(self._feed, delimiter=delimiter, strict=True)
        self._split = methodcaller("split", delimiter)
        self._split_lines = skipped  # lines before the header (Excel's "sep=" line)
        # the rows of a text read before the csv module failed on its next row
        self.partial: tuple[list[list[str]], list[int]] = ([], [])

    @property
    def line_num(self) -> int:
        """The lines read so far (after the header)."""
        return self._split_lines + self._reader.line_num

    def pieces(self) -> Iterator[_Piece]:
        feed = self._feed
        for text, count in feed.texts:  # the csv reader may take texts from it too, mid-row
            if not text:
                continue
            if _plain(text):
                yield self._plain_piece(text, count)
                continue
            feed.give(_line_split(text))
            rows: list[list[str]] = []
            row_ends: list[int] = []
            try:
                while feed.left():
                    row = next(self._reader)
                    if row:  # [] is a blank line: no row
                        rows.append(row)
                        row_ends.append(self.line_num + 1)
            except Exception:  # the csv module's error, or reading the next text failed
                self.partial = (rows, row_ends)
                raise
            yield _Parsed(rows, row_ends)

    def _plain_piece(self, text: str, count: int) -> _Piece:
        """Lines without quotes: kept as text when each is a row of its own (the common case,
        split a window at a time), else split now, a line at a time."""
        lines = _unix_lines(text)
        if lines is None:
            return _Parsed(*self._split_rows(_line_split(text), text))
        first = self.line_num + 2  # the line after the last read, the header counted
        self._split_lines += count
        return _Plain(lines, count, first)

    def _split_rows(self, chunk: list[str], text: str) -> tuple[list[list[str]], list[int]]:
        """The cells of lines without quotes (``text``: the lines joined), each row with its
        line; a blank line is no row (as csv.DictReader has it): no pupil to check."""
        first = self.line_num + 2  # the line after the last read, the header counted
        self._split_lines += len(chunk)
        if "\r" in text:
            parts = [line.rstrip("\r\n") for line in chunk]
        else:  # lines end in "\n" alone (splitlines would also split at \x0c, \x1c, \u2028)
            parts = text.split("\n")
            if text.endswith("\n"):
                parts.pop()
        ends = list(range(first, first + len(parts)))
        if "" in parts:
            ends = [end for end, part in zip(ends, parts, strict=True) if part]
            parts = [part for part in parts if part]
        return list(map(self._split, parts)), ends


def _plain(text: str) -> bool:
    """Lines (joined) the csv module would read as plain cells between delimiters."""
    return '"' not in text and "\x00" not in text


def _unix_lines(text: str) -> str | None:
    """Lines of plain cells, each ended by "\n" alone ("\r\n" made "\n", and one put after the
    input's last line where it has none), if each line is a row of its own: None where a line is
    blank (no row) or ended by a lone "\r" (it would be left in a cell)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if not text.endswith("\n"):
        text += "\n"
    if text.startswith("\n") or _BLANK_LINE.search(text):  # a regex finds "\n\n" faster than in
        return None
    return text


class _Feed:
    """The csv reader's lines: those of the text it is given, then, where a row goes on past
    its last line (a quoted value with a line break), those of the next texts."""

    def __init__(self, texts: Iterator[tuple[str, int]]) -> None:
        self.texts = texts
        self._lines: list[str] = []
        self._at = 0

    def give(self, lines: list[str]) -> None:
        self._lines, self._at = lines, 0

    def left(self) -> int:
        return len(self._lines) - self._at

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        while self._at == len(self._lines):
            self.give(_line_split(next(self.texts)[0]))  # StopIteration: the end of the input
        line = self._lines[self._at]
        self._at += 1
        return line


def _ends_in_cr(last: str, chunk: str) -> bool:
    """A line waiting on a final "\r" is whole unless the next chunk starts with "\n"."""
    return last.endswith("\r") and not chunk.startswith("\n")


def _whole_lines(text: str) -> int:
    """How much of the text is whole lines: up to its last line break, a final "\r" left out
    (a "\n" may follow it in the next chunk)."""
    end = len(text) - 1 if text.endswith("\r") else len(text)
    return max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1


def _line_split(text: str) -> list[str]:
    """Lines as the csv module reads a file opened with ``newline=""``: ended by "\n", "\r\n"
    or "\r". ``splitlines`` also splits at form feeds, "\x1c" … "\u2029": used when the count
    of lines shows the text has none of those."""
    lines = text.splitlines(keepends=True)
    breaks = _breaks(text) if "\r" in text else text.count("\n")
    return lines if len(lines) == breaks else _LINE.findall(text)


def _line_count(text: str) -> int:
    """The number of lines :func:`_line_split` makes of a text (its last may have no break)."""
    breaks = _breaks(text) if "\r" in text else text.count("\n")
    return breaks if text.endswith(("\n", "\r")) else breaks + 1


def _gathered(
    source: _RowSource,
    lines: _Lines,
    size: int,
    before_error: Callable[[list[_Piece]], None],
) -> Iterator[list[_Piece]]:
    """The rows in runs of ``size`` (a piece cut where a run ends), or fewer once the run's lines
    hold about :data:`WINDOW_BYTES` of text (a line may be 16 MiB)."""
    run: list[_Piece] = []
    held = 0  # rows in the run
    limit = lines.handed + records.WINDOW_BYTES
    try:
        for piece in source.pieces():
            if len(piece):
                run.append(piece)
                held += len(piece)
            while held >= size:
                window, run = _cut(run, size)
                held -= size
                yield window
                limit = lines.handed + records.WINDOW_BYTES
            if run and lines.handed >= limit:
                yield run
                run, held = [], 0
                limit = lines.handed + records.WINDOW_BYTES
    except Exception:
        before_error([*run, _Parsed(*source.partial)])  # the rows before the failing one first
        raise
    if run:
        yield run


def _cut(run: list[_Piece], size: int) -> tuple[list[_Piece], list[_Piece]]:
    """The first ``size`` rows of a run that holds more, and the rest."""
    at = 0
    while size > len(run[at]):
        size -= len(run[at])
        at += 1
    if size == len(run[at]):
        return run[: at + 1], run[at + 1 :]
    head, tail = run[at].cut(size)
    return [*run[:at], head], [tail, *run[at + 1 :]]


class _Table:
    """Rows checked against the header: as wide as it (a short row padded, a long one refused),
    the first ones compared with it (a header row that holds data), each with its line."""

    def __init__(self, header: list[str], name: str, line: int = 1, delimiter: str = ",") -> None:
        self.header = header
        self.name = name
        self.line = line  # the header's
        self.delimiter = delimiter
        self.first = True

    def columns(self, pieces: list[_Piece]) -> tuple[list[list[str]], list[int]]:
        """A window's columns (as wide as the header, stripped), with its rows' lines. Runs of
        plain lines are split a run at a time when each line is as wide as the header; other
        rows (and the first window's, compared with the header) are checked row by row."""
        if self.first:
            return _transposed(self.checked(*_rows(pieces, self.delimiter)))
        parts = [self._part(group) for group in _runs(pieces)]
        if len(parts) == 1:
            return parts[0]
        columns = [
            list(chain.from_iterable(part)) for part in zip(*(c for c, _ in parts), strict=True)
        ]
        return columns, list(chain.from_iterable(ends for _, ends in parts))

    def _part(self, pieces: list[_Piece]) -> tuple[list[list[str]], list[int]]:
        if isinstance(pieces[0], _Parsed):
            return _transposed(self.checked(pieces[0].rows, pieces[0].ends))
        plain = [piece for piece in pieces if isinstance(piece, _Plain)]
        ends = list(chain.from_iterable(piece.ends() for piece in plain))
        text = "".join(piece.text for piece in plain)
        columns = _plain_columns(text, self.delimiter, len(self.header), len(ends))
        if columns is None:  # a row not as wide as the header
            return _transposed(self.checked(*_rows(pieces, self.delimiter)))
        return [_stripped(column) for column in columns], ends

    def checked(self, rows: list[list[str]], ends: list[int]) -> tuple[list[list[str]], list[int]]:
        """The rows as wide as the header, with the lines they end on."""
        if self.first:
            _refuse_data_header(self.header, rows[:_HEADER_SAMPLE], self.name, self.line)
            self.first = False
        width = len(self.header)
        if set(map(len, rows)) != {width}:
            rows = [_fitted(row, width, self.name, at) for row, at in zip(rows, ends, strict=True)]
        return rows, ends

    def before_error(self, pieces: list[_Piece]) -> None:
        rows, ends = _rows(pieces, self.delimiter)
        if rows or self.first:
            self.checked(rows, ends)


def _runs(pieces: list[_Piece]) -> Iterator[list[_Piece]]:
    """The pieces, those of plain lines next to each other as one run (split in one go)."""
    for plain, group in groupby(pieces, key=lambda piece: isinstance(piece, _Plain)):
        if plain:
            yield list(group)
        else:
            yield from ([piece] for piece in group)


def _rows(pieces: list[_Piece], delimiter: str) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    ends: list[int] = []
    for piece in pieces:
        piece_rows, piece_ends = (
            piece.split(delimiter) if isinstance(piece, _Plain) else (piece.rows, piece.ends)
        )
        rows += piece_rows
        ends += piece_ends
    return rows, ends


def _without_blank_rows(
    columns: list[list[str]], ends: list[int]
) -> tuple[list[list[str]], list[int]]:
    """The rows that hold something: a spreadsheet saved as CSV ends in rows of delimiters
    alone (``;;;;``), which are no pupils (a blank line is no row either). Only a blank first
    cell is looked at further, so the common window costs one search."""
    if not columns or "" not in columns[0]:
        return columns, ends
    rest = columns[1:]
    blank = {
        row for row, cell in enumerate(columns[0]) if not cell and not any(c[row] for c in rest)
    }
    if not blank:
        return columns, ends
    kept = [row for row in range(len(ends)) if row not in blank]
    return [[column[row] for row in kept] for column in columns], [ends[row] for row in kept]


def _transposed(checked: tuple[list[list[str]], list[int]]) -> tuple[list[list[str]], list[int]]:
    """Rows (as wide as the header) as stripped columns: the transposition runs in C."""
    rows, ends = checked
    return [_stripped(list(column)) for column in zip(*rows, strict=True)], ends


def _plain_columns(text: str, delimiter: str, width: int, rows: int) -> list[list[str]] | None:
    """The columns of ``rows`` lines of plain cells (``text``: each line ended by "\n" alone),
    split in one go, in C; None unless each line has exactly ``width`` cells.

    Each line break becomes a cell "\n" of its own, between delimiters. No cell of a line holds
    "\n", so those marks are exactly the "\n" cells (their number: two characters added for
    each); when there are (width + 1) cells for each and every (width + 1)-th cell is one, each
    line gave ``width`` cells, in order. (A blank line gives one cell, "": not as wide as two
    columns; one column's blank line is looked for.)"""
    if width == 1 and (text.startswith("\n") or _BLANK_LINE.search(text)):
        return None
    marked = text.replace("\n", f"{delimiter}\n{delimiter}")
    marks = (len(marked) - len(text)) // 2
    cells = marked.split(delimiter)
    cells.pop()  # the "" after the last mark
    stride = width + 1
    if marks != rows or len(cells) != marks * stride or cells[width::stride].count("\n") != marks:
        return None
    return [cells[at::stride] for at in range(width)]


def _stripped(column: list[str]) -> list[str]:
    """The cells stripped (``str.strip``), by a pass in C, unless none needs it (most columns:
    stripping every cell was a tenth of reading a file).

    To tell, the cells are joined with NUL between them, which is no whitespace: a cell that
    starts with a whitespace character is the first or one after a NUL; one that ends with it,
    the last or one before a NUL. A NUL in a cell can only make a column stripped needlessly."""
    joined = "\x00".join(column)
    for space in _ASCII_SPACE if joined.isascii() else _SPACE:
        if space in joined and (
            joined.startswith(space)
            or joined.endswith(space)
            or f"\x00{space}" in joined
            or f"{space}\x00" in joined
        ):
            return list(map(str.strip, column))
    return column


def _breaks(cell: str) -> int:
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


def _header(cells: list[str], name: str, line: int = 1) -> list[str]:
    """Column names; a blank one is named by its position, so its data is still examined."""
    header = [cell.strip().lstrip("\ufeff") or f"column {n}" for n, cell in enumerate(cells, 1)]
    seen: dict[str, int] = {}
    for number, column in enumerate(header, start=1):
        held = data_not_name(column)
        if held is not None:  # a file without its header row: say where, never what
            problem = f"the first row holds data ({held}), not column names: add the header row"
            raise InputError(name, f"line {line} column {number}", problem)
        if column in seen:  # not quoted: a file without its header row has data there
            problem = f"duplicate column name (the same as column {seen[column]})"
            raise InputError(name, f"line {line} column {number}", problem)
        seen[column] = number
    return header


def _refuse_data_header(
    header: list[str], sample: list[list[str]], name: str, line: int = 1
) -> None:
    """A column whose first cell is the same kind of personal value as the cells below it means
    the file lacks its header row (see :mod:`conformance.detect.headerless`)."""
    held = first_row_is_data(header, sample)
    if held is not None:  # say where and what kind, never the value
        number, kind = held
        problem = f"the first row holds data (a {kind}, as in the rows below), not column names"
        raise InputError(name, f"line {line} column {number}", f"{problem}: add the header row")


def _fitted(row: list[str], width: int, name: str, line: int) -> list[str]:
    """A row as wide as the header: a short row's missing cells are blank; a long row is
    refused unless its extra cells are blank (a trailing delimiter)."""
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise InputError(
            name, f"line {line}", f"row has {len(row)} cells but the header has {width}"
        )
    return row[:width] + [""] * (width - len(row))


def _window(
    checked: tuple[list[list[str]], list[int]],
    header: list[str],
    name: str,
    kind: str,
    header_line: int = 1,
) -> RecordWindow:
    columns, lines = checked
    return RecordWindow.from_columns(
        kind,
        name,
        header,
        columns,
        lines=lines,
        pointer=lambda row: f"row {lines[row] - header_line}",  # a row counted from the header
    )
