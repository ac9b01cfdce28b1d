"""Checks that work per window (a run of records of one kind, grouped by shape into batches
searched per column) must find exactly what they find visiting the same records one by one:
the same findings (message, first location, evidence, count) and the same number examined.
Hypothesis draws exports whose shapes interleave and whose values hit every fast path and every
way out of it: production, pilot and malformed ECK iDs, HPgn-shaped and stampseudoniem values,
pseudonyms that are the SHA-512 of the pupil's key, BSNs, phone numbers, names, blanks and
repeated values."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import astuple
from functools import cache
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.checks import REGISTRY, Check, CheckContext
from conformance.checks.minimisation import _Measured
from conformance.checks.naw import IdentifyingValue
from conformance.checks.pseudonym import all_production_eckids
from conformance.detect.pseudonyms import PseudonymKind, classify_pseudonym
from conformance.engine import RunRequest, resolve_purpose, run
from conformance.model.findings import Finding
from conformance.model.profile import Profile
from conformance.model.records import Record, RecordWindow, windows
from conformance.profiles import load_profile

PREFIX = "https://ketenid.nl/201703/"
KEYS = [f"L{n:08d}" for n in range(1, 9)] + ["111222333", " l00000003 "]


def _eckid(seed: int) -> str:
    return PREFIX + hashlib.sha512(str(seed).encode()).hexdigest()


def _pseudonyms() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 40).map(_eckid),  # production, some shared between records
        st.sampled_from(KEYS).map(
            lambda key: PREFIX + hashlib.sha512(key.strip().encode()).hexdigest()
        ),  # derived from a key
        st.sampled_from(
            [
                _eckid(1) + "\n" + _eckid(2),  # two in one cell: malformed, not two ECK iDs
                _eckid(3) + "\n" + PREFIX + hashlib.sha512(b"L00000001").hexdigest(),
                "https://ketenid.nl/pilot/" + "ab" * 64,
                PREFIX + "AB" * 64,  # upper case
                PREFIX + "ab" * 60,  # short
                "c" * 64,  # HPgn-shaped
                "https://ketenid.nl/sppilot/d0f5e1",  # stampseudoniem
                "1001",
                "1002",
                "1003",
                "",  # blank: the field is absent
            ]
        ),
    )


OTHER_VALUES = st.sampled_from(
    [
        "Groep 7C",
        "9789939494821",
        "2024-2025",
        "actief",
        "belt 06-12345678 terug",
        "moeder S. de Vries",
        "111222333",  # a valid BSN (11-proef)
        "bestand https://ketenid.nl/sppilot/abc123",
        "c" * 64,
        "Jan Jansen",
        "3511 AB",
        "",
        # a name alone: a column of them is one of names (checks.namecolumns)
        "Sanne",
        "DAAN",
        "Jansen",
        "DE VRIES",
        "Mohamed",
    ]
)
_LONG_DAY = "2013-04-08T" + "0" * 60
FIELDS = ("eckId", "leerlingId", "groep", "opmerking", "ean", "bsn", "geboortedatum", "naam")


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    shapes = draw(
        st.lists(st.lists(st.sampled_from(FIELDS), min_size=1, unique=True), min_size=1, max_size=3)
    )
    rows = []
    for line in range(2, draw(st.integers(1, 60)) + 2):
        fields: dict[str, list[str]] = {}
        for name in draw(st.sampled_from(shapes)):
            if name == "eckId":
                value = draw(_pseudonyms())
            elif name == "leerlingId":
                value = draw(st.sampled_from(KEYS))
            elif name == "geboortedatum":
                # day precision, month precision, and a day too long to be remembered
                value = draw(st.sampled_from(["2013-04-07", "2013-04", _LONG_DAY, "2013-05", ""]))
            else:
                value = draw(OTHER_VALUES)
            values = [value.strip()] if value.strip() else []
            if values and draw(st.integers(0, 9)) == 0:
                values.append(draw(OTHER_VALUES) or "x")  # now and then two values
            if values:
                fields[name] = values
        rows.append(Record("record", fields, "input.jsonl", line, f"line {line}"))
    return rows


@cache
def _profile(profile_id: str) -> Profile:
    return load_profile(profile_id)


def _run(
    profile_id: str,
    purpose: str,
    rows: list[Record],
    batched: bool,
    given: list[RecordWindow] | None = None,
) -> dict[str, tuple]:
    """The checks' findings over the rows: record by record, or per window (``given``, else
    windows of 7 records cut from the rows)."""
    profile = _profile(profile_id)
    ctx = CheckContext(profile, resolve_purpose(profile, purpose), "production")
    checks: list[Check] = []
    for cls in REGISTRY.values():
        if "export" in cls.evidence:
            check = cls(ctx)
            if check.not_applicable() is None:
                checks.append(check)
    for check in checks:
        check.start_input("input.jsonl")
    if batched:
        # small windows: runs split mid-shape too
        for window in windows(rows, size=7) if given is None else given:
            for check in checks:
                check.visit_window(window)
    else:
        for record in rows:
            for check in checks:
                check.visit(record)
    return {c.requirement: (c.examined, _comparable(c.finish())) for c in checks}


def _small_name_columns() -> Any:
    """A column of names judged on a few values, its sample cut short mid-window."""
    return patch.multiple("conformance.checks.namecolumns", SAMPLE=10, AT_LEAST=3, DISTINCT=2)


def _cheap_scrypt(pgn: str) -> str:
    return hashlib.sha256(pgn.lower().encode()).hexdigest()


def _comparable(findings: object) -> list[str]:
    """The findings, each whole, in an order of their own: a report orders them by severity,
    input and line, and two findings of one line may come in either order."""
    assert isinstance(findings, list | tuple)
    return sorted(repr(astuple(f)) for f in findings if isinstance(f, Finding))


@pytest.mark.parametrize(
    ("profile_id", "purpose"), [("nl-generic", "pseudoniem"), ("nl-generic", "analyse")]
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records(), remembered=st.sampled_from([1, 1 << 16]))
def test_windows_find_what_records_find(
    profile_id: str, purpose: str, rows: list[Record], remembered: int
) -> None:
    # The public-salt scrypt takes 1.4 s a value; a cheap stand-in keeps its code path.
    with (
        patch("conformance.checks.linkage.public_scrypt", _cheap_scrypt),
        patch("conformance.checks.reidentification._SAMPLE", 5),  # the column path too
        _small_name_columns(),
        # MIN-002 remembering every distinct value, or one (then measuring the rest each time)
        patch.object(_Measured, "_MAX_VALUES", remembered),
    ):
        one_by_one = _run(profile_id, purpose, rows, batched=False)
        per_batch = _run(profile_id, purpose, rows, batched=True)
    for rid in one_by_one:
        # Only the requirement and the counts in the message: the values are test data, but a
        # failure message should not print more than it needs.
        assert per_batch[rid] == one_by_one[rid], f"{rid} differs between batch and record visits"


def _tabular(rows: list[Record], size: int = 7) -> tuple[list[Record], list[RecordWindow]]:
    """The rows as a CSV export gives them (one value a field, the fields in the header's
    order), and as its reader's windows: built column by column, records made on demand."""
    flat = [
        Record(
            r.kind, {f: r.fields[f][:1] for f in FIELDS if f in r.fields}, r.input, r.line, r.path
        )
        for r in rows
    ]
    built = []
    for start in range(0, len(flat), size):
        part = flat[start : start + size]
        columns = [[r.fields[f][0] if f in r.fields else "" for r in part] for f in FIELDS]
        lines = [r.line for r in part]
        built.append(
            RecordWindow.from_columns(
                "record",
                "input.jsonl",
                FIELDS,
                columns,
                lines=lines,
                pointer=lambda row, part=part: part[row].path,
            )
        )
    return flat, built


@pytest.mark.parametrize(
    ("profile_id", "purpose"), [("nl-generic", "pseudoniem"), ("nl-generic", "analyse")]
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records())
def test_tabular_windows_find_what_records_find(
    profile_id: str, purpose: str, rows: list[Record]
) -> None:
    flat, tabular = _tabular(rows)
    assert [r for w in tabular for r in w.records] == flat
    with (
        patch("conformance.checks.linkage.public_scrypt", _cheap_scrypt),
        patch("conformance.checks.reidentification._SAMPLE", 5),  # the column path too
        _small_name_columns(),
    ):
        one_by_one = _run(profile_id, purpose, flat, batched=False)
        per_window = _run(profile_id, purpose, flat, batched=True, given=_tabular(rows)[1])
    for rid in one_by_one:
        assert per_window[rid] == one_by_one[rid], f"{rid} differs between tabular and records"


def test_windows_split_on_kind_and_size_and_group_shapes_in_order() -> None:
    def row(line: int, *names: str, kind: str = "record") -> Record:
        return Record(kind, {n: ["x"] for n in names}, "in", line, "")

    rows = [
        row(1, "a"),
        row(2, "a", "b"),
        row(3, "a"),
        row(4, "a", "b"),
        row(5, "a"),
        row(6, "a", kind="other"),
        row(7, "a", kind="other"),
    ]
    got = [
        [(b.paths, [r.line for r in b.records], b.rows) for b in w.batches]
        for w in windows(rows, size=4)
    ]
    assert got == [
        [(("a",), [1, 3], [0, 2]), (("a", "b"), [2, 4], [1, 3])],
        [(("a",), [5], [0])],
        [(("a",), [6, 7], [0, 1])],
    ]
    (first, *_) = windows(rows, size=4)
    assert first.ordered([["one", "three"], ["two", "four"]]) == ["one", "two", "three", "four"]


def test_findings_of_one_line_come_in_field_order(tmp_path: Path) -> None:
    """Record by record, NAW-002 tallies a line's fields in the record's order; per window,
    column by column. The report orders findings of one line by field, so both agree."""
    eck = _eckid(7)
    lines = [
        {"eckId": eck, "opmerking": "prima", "notitie": "rustig"},
        {"eckId": eck, "notitie": "mail q@example.nl", "opmerking": "belt 06-12345678 terug"},
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    report = run(RunRequest(_profile("nl-generic"), "pseudoniem", (path,)))
    (naw,) = [r for r in report.requirements if r.id == "NAW-002"]
    assert [f.field for f in naw.findings] == ["notitie", "opmerking"]


def test_a_subclass_that_changes_visit_is_visited_record_by_record() -> None:
    seen: list[int | None] = []

    class Refined(IdentifyingValue):
        def visit(self, record: Record) -> None:
            seen.append(record.line)
            super().visit(record)

    profile = _profile("nl-generic")
    check = Refined(CheckContext(profile, resolve_purpose(profile, None), "production"))
    rows = [Record("record", {"opmerking": ["x"]}, "in", line, "") for line in (1, 2, 3)]
    for window in windows(rows):
        check.visit_window(window)
    assert seen == [1, 2, 3]
    assert check.examined == 3


ECKID_LIKE = st.one_of(
    st.integers(0, 9).map(_eckid),
    st.sampled_from(
        [
            _eckid(1).upper(),
            _eckid(2)[:-1] + "G",
            _eckid(3)[:-1] + "\n",
            _eckid(4) + "\n",
            " " + _eckid(5)[1:],
            _eckid(6).replace("https", "http_"),
            "https://ketenid.nl/pilot/" + "ab" * 64,
            PREFIX + "ab" * 63 + "a\u0660",  # an Arabic-Indic zero: a digit, not hex
            PREFIX + "ab" * 63 + "  ",  # white space, which bytes.fromhex skips
            PREFIX + "ab" * 31 + " \t" + "ab" * 32,
            PREFIX + "AB" + "ab" * 63,
            _eckid(7)[:-2],
        ]
    ),
)


@settings(max_examples=500, deadline=None)
@given(values=st.lists(ECKID_LIKE, max_size=6))
def test_a_column_is_all_production_eckids_exactly_when_each_value_is(values: list[str]) -> None:
    each = bool(values) and all(classify_pseudonym(v) is PseudonymKind.ECKID for v in values)
    assert all_production_eckids(values) == each


def test_derived_pseudonyms_in_two_shapes_are_tallied_in_record_order(tmp_path: Path) -> None:
    """LNK-001 finds derived ECK iDs per batch; the first location must still be the first
    record, whichever shape (batch) it is in."""
    derived = {key: PREFIX + hashlib.sha512(key.encode()).hexdigest() for key in ("L2", "L3")}
    path = tmp_path / "x.csv"
    path.write_text(
        "eckId;leerlingId;groep\n"
        f"{_eckid(1)};L1;7C\n"  # line 2, shape with groep: not derived
        f"{derived['L2']};L2;\n"  # line 3, shape without groep: derived
        f"{derived['L3']};L3;7C\n"  # line 4, shape with groep: derived
    )
    report = run(RunRequest(_profile("nl-generic"), "pseudoniem", (path,)))
    (lnk,) = [r for r in report.requirements if r.id == "LNK-001"]
    assert [(f.location.line, f.message.count("2 records")) for f in lnk.findings] == [(3, 1)]


@pytest.mark.parametrize("algorithm", ["sha3_512", "blake2b"])
def test_eckids_made_with_another_64_byte_digest_are_found_in_every_window(
    tmp_path: Path, algorithm: str
) -> None:
    """SHA3-512 and BLAKE2b hex digests have an ECK iD's 128 characters too. They are tried on
    each batch's first records; where they made one there, every record of the batch is
    compared, so the count is that of every derived record (3,000: three windows)."""
    path = tmp_path / "x.csv"
    rows = [
        f"{PREFIX}{hashlib.new(algorithm, f'L{n:08d}'.encode()).hexdigest()};L{n:08d}"
        for n in range(3000)
    ]
    path.write_text("eckId;leerlingId\n" + "\n".join(rows) + "\n")
    report = run(RunRequest(_profile("nl-generic"), "pseudoniem", (path,)))
    (lnk,) = [r for r in report.requirements if r.id == "LNK-001"]
    assert lnk.verdict.value == "fail"
    (finding,) = lnk.findings
    assert finding.location.line == 2
    assert finding.occurrences == 3000
    assert ("SHA3-512" if algorithm == "sha3_512" else "BLAKE2b") in finding.message


def test_a_rare_digest_is_tried_on_the_first_records_then_on_every_one(tmp_path: Path) -> None:
    """Record by record (pseudonyms that are no ECK iDs), SHA3-256 and the other rarer digests
    are tried on the first 1,000 records; one found there is tried on all, so the count is of
    every derived record (1,500)."""
    path = tmp_path / "x.csv"
    rows = [f"{hashlib.sha3_256(f'{n:09d}'.encode()).hexdigest()};{n:09d}" for n in range(1500)]
    path.write_text("pseudoniem;leerlingId\n" + "\n".join(rows) + "\n")
    report = run(RunRequest(_profile("nl-generic"), "pseudoniem", (path,)))
    (lnk,) = [r for r in report.requirements if r.id == "LNK-001"]
    (finding,) = [f for f in lnk.findings if "SHA3-256" in f.message]
    assert finding.occurrences == 1500


def test_digests_written_as_uuids_are_counted_in_every_record(tmp_path: Path) -> None:
    """UUID(md5(key)) is tried on the first 1,000 records (the inner forms cost per record) and
    on all once found there: every one of 1,500 is counted, also those whose digest happens to
    look like a random version-4 UUID (about one in 64)."""
    path = tmp_path / "x.csv"
    made = [
        (str(uuid.UUID(hashlib.md5(f"{n:09d}".encode()).hexdigest())), f"{n:09d}")  # noqa: S324
        for n in range(1500)
    ]
    assert any(u[14] == "4" and u[19] in "89ab" for u, _ in made)
    path.write_text("pseudoniem;leerlingId\n" + "".join(f"{u};{k}\n" for u, k in made))
    report = run(RunRequest(_profile("nl-generic"), "pseudoniem", (path,)))
    (lnk,) = [r for r in report.requirements if r.id == "LNK-001"]
    (finding,) = [f for f in lnk.findings if "written as a UUID" in f.message]
    assert finding.occurrences == 1500
