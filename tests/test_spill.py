"""Rows spilled to disk by key partition: the same results as one in-memory sort, in bounded
memory (conformance.checks.spill, and PSN-003 / LNK-003 / LNK-005 on top of it)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conformance import crosslink, engine
from conformance.checks import spill
from conformance.checks.spill import PartitionedRows, SpillError
from conformance.checks.uniqueness import UniquenessTracker, _digest
from conformance.model.findings import Finding
from conformance.model.records import Record
from conformance.model.verdict import Verdict
from conformance.profiles import load_profile

ROW = np.dtype([("key", np.uint64), ("value", np.uint64), ("row", np.uint64)])


def random_rows(count: int, seed: int) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 2**64 - 1, count, dtype=np.uint64, endpoint=True)
    keys[:3] = (0, 2**63, 2**64 - 1)  # the edges of the key range
    keys[3:40] = keys[40:77]  # repeated keys, which must stay in one partition
    return {
        "key": keys,
        "value": rng.integers(0, 5, count, dtype=np.uint64),
        "row": np.arange(count, dtype=np.uint64),
    }


def filled(columns: dict[str, np.ndarray[Any, Any]], batch: int, **options: int) -> PartitionedRows:
    rows = PartitionedRows(ROW, "key", **options)
    for start in range(0, len(columns["key"]), batch):
        rows.extend(**{name: values[start : start + batch] for name, values in columns.items()})
    return rows


@pytest.mark.parametrize("partitions", [1, 2, 64, 256])
def test_partition_order_equals_one_global_sort(partitions: int) -> None:
    columns = random_rows(5_000, seed=partitions)
    with filled(columns, batch=333, partitions=partitions, buffer_rows=1_000) as rows:
        parts = list(rows.partitions())
        assert rows.spilled > 0
    assert len(parts) == partitions
    in_order = np.concatenate([np.sort(p["key"]) for p in parts])
    assert np.array_equal(in_order, np.sort(columns["key"]))


def test_rows_keep_insertion_order_inside_a_partition() -> None:
    columns = random_rows(3_000, seed=7)
    with filled(columns, batch=100, partitions=8, buffer_rows=250) as rows:
        for part in rows.partitions():
            assert np.all(np.diff(part["row"].astype(np.int64)) > 0)


def test_spilled_and_never_spilled_give_identical_partitions() -> None:
    columns = random_rows(20_000, seed=3)
    with (
        filled(columns, batch=1_000, partitions=16, buffer_rows=7) as small,
        filled(columns, batch=1_000, partitions=16, buffer_rows=1 << 20) as large,
    ):
        assert small.spilled > 0
        assert large.spilled == 0
        assert large.directory is None  # never spilled: never touched the disk
        assert len(small) == len(large) == 20_000
        for a, b in zip(small.partitions(), large.partitions(), strict=True):
            assert np.array_equal(a, b)


def test_extend_takes_numpy_arrays_arrays_and_lists() -> None:
    with PartitionedRows(ROW, "key", partitions=4, buffer_rows=2) as rows:
        rows.extend(key=array("Q", [5, 2**64 - 1]), value=[1, 2], row=np.array([0, 1]))
        rows.extend(key=[7], value=array("Q", [3]), row=[2])
        (low, *_, high) = rows.partitions()
    assert low.tolist() == [(5, 1, 0), (7, 3, 2)]
    assert high.tolist() == [(2**64 - 1, 2, 1)]


def test_extend_wants_every_field_once_and_columns_of_one_length() -> None:
    with PartitionedRows(ROW, "key") as rows:
        with pytest.raises(ValueError, match="exactly the fields"):
            rows.extend(key=[1], value=[1])
        with pytest.raises(ValueError, match="one length"):
            rows.extend(key=[1, 2], value=[1], row=[0])


def test_the_key_must_be_uint64_and_partitions_a_power_of_two() -> None:
    with pytest.raises(ValueError, match="uint64"):
        PartitionedRows(np.dtype([("key", np.uint32)]), "key")
    with pytest.raises(ValueError, match="power of two"):
        PartitionedRows(ROW, "key", partitions=48)


def test_every_spill_appends_one_run_to_one_file(tmp_path: Path) -> None:
    """A file per partition cost an open per partition at every spill (256 of them, ~1 ms
    each here): the runs go to one file, each partition read back from every run."""
    rows = filled(random_rows(2_000, seed=4), batch=300, buffer_rows=100, directory=tmp_path)
    assert rows.directory is not None
    assert [p.name for p in rows.directory.iterdir()] == ["rows"]
    assert (rows.directory / "rows").stat().st_size == rows.spilled * ROW.itemsize
    rows.close()


def test_close_removes_the_temporary_directory(tmp_path: Path) -> None:
    rows = filled(random_rows(2_000, seed=1), batch=500, buffer_rows=100, directory=tmp_path)
    directory = rows.directory
    assert directory is not None
    assert any(directory.iterdir())
    rows.close()
    assert not directory.exists()
    assert rows.directory is None
    with pytest.raises(ValueError, match="closed"):
        rows.extend(key=[1], value=[1], row=[1])


def test_leaving_a_with_block_on_an_error_removes_the_directory(tmp_path: Path) -> None:
    with (
        pytest.raises(RuntimeError),
        filled(random_rows(500, seed=2), batch=50, buffer_rows=10, directory=tmp_path) as rows,
    ):
        assert rows.spilled > 0
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_raises_and_loses_nothing_silently(tmp_path: Path) -> None:
    """A file-size limit makes the spill's write fail as a full disk would; the process ends
    with the temporary directory gone."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        import numpy as np
        from conformance.checks.spill import PartitionedRows, SpillError
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        dtype = np.dtype([("key", np.uint64), ("value", np.uint64), ("row", np.uint64)])
        rows = PartitionedRows(
            dtype, "key", partitions=1, buffer_rows=1000, directory={str(tmp_path)!r}
        )
        keys = np.arange(5000, dtype=np.uint64)
        try:
            rows.extend(key=keys, value=keys, row=keys)
        except SpillError as exc:
            print("spill failed:", exc)
        else:
            sys.exit("no error")
        try:
            list(rows.partitions())
        except SpillError:
            print("refused")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "spill failed: could not spill 1,000 rows" in done.stdout
    assert "refused" in done.stdout
    assert list(tmp_path.iterdir()) == []


# --- PSN-003 ---


def pupils(seed: int, count: int) -> list[tuple[str, str, int]]:
    """(pseudonym, identity, line): pupils listed more than once, some sharing a pseudonym
    with another pupil, some with a second pseudonym of their own."""
    rng = random.Random(seed)
    rows = []
    for line in range(1, count + 1):
        pupil = rng.randrange(count // 3)
        label = f"p{pupil}"
        chance = rng.random()
        if chance < 0.03:
            label = f"p{rng.randrange(count // 3)}"  # shared with another pupil
        elif chance < 0.06:
            label = f"q{line}"  # a second pseudonym for this pupil
        rows.append((label, f"record\x1fK{pupil}", line if line % 17 else 0))
    return rows


def track(rows: list[tuple[str, str, int]], many: bool) -> list[Finding]:
    tracker = UniquenessTracker()
    half = len(rows) // 2
    for name, part in (("one.csv", rows[:half]), ("two.csv", rows[half:])):
        tracker.add_input(name)
        if many:
            for start in range(0, len(part), 100):
                chunk = part[start : start + 100]
                tracker.add_many(
                    [p for p, _, _ in chunk], [i for _, i, _ in chunk], [n for _, _, n in chunk]
                )
        else:
            for pseudonym, identity, line in part:
                record = Record("record", {}, name, line or None, "")
                tracker.add(pseudonym, identity, record)
    return tracker.findings("PSN-003", "eckId")


def expected_groups(rows: list[tuple[str, str, int]], key: int) -> list[list[int]]:
    """Row numbers of every key seen with two distinct values, in file order (of each
    group's first row): by dicts."""
    members: dict[int, list[int]] = defaultdict(list)
    values: dict[int, set[int]] = defaultdict(set)
    for index, row in enumerate(rows):
        digest = _digest(row[key])
        members[digest].append(index)
        values[digest].add(_digest(row[1 - key]))
    return sorted((members[d] for d in members if len(values[d]) > 1), key=lambda m: m[0])


def test_the_examples_reported_do_not_depend_on_the_digest_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Digests are keyed per run; the 20 examples of PSN-003 must be the same in every run
    (a certification report is reproduced), so they are chosen by file order, not by key."""
    rows = pupils(seed=7, count=4_000)
    monkeypatch.setattr(spill, "_HASH_IS_KEYED", False)  # BLAKE2b under a key set here
    found = []
    for key in (b"one" * 10, b"two" * 10):
        monkeypatch.setattr(spill, "_RUN_KEY", key)
        found.append(track(rows, many=True))
    assert len(found[0]) == 40
    assert found[0] == found[1]


@pytest.fixture
def small_buffers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every store made from now on spills every few rows; the list counts the spills."""
    spills: list[int] = []
    original = PartitionedRows._spill

    def counted(self: PartitionedRows) -> None:
        spills.append(len(self))
        original(self)

    monkeypatch.setattr(spill, "DEFAULT_BUFFER_ROWS", 3)
    monkeypatch.setattr(spill, "DEFAULT_PARTITIONS", 4)
    monkeypatch.setattr(PartitionedRows, "_spill", counted)
    return spills


def test_uniqueness_is_the_same_with_a_tiny_buffer(small_buffers: list[int]) -> None:
    rows = pupils(seed=2026, count=6_000)
    tiny = track(rows, many=False)
    assert small_buffers, "the tiny buffer never spilled"
    spill.DEFAULT_BUFFER_ROWS, spill.DEFAULT_PARTITIONS = 1 << 22, 256
    huge = track(rows, many=False)
    assert len(tiny) == 40  # 20 examples of each kind
    assert tiny == huge


def test_add_many_is_the_same_as_add() -> None:
    rows = pupils(seed=11, count=3_000)
    assert track(rows, many=True) == track(rows, many=False)


def test_uniqueness_findings_match_a_plain_grouping() -> None:
    rows = pupils(seed=5, count=4_000)
    findings = track(rows, many=True)
    half = len(rows) // 2
    for how, key in (("pseudonym.field", 0), ("pseudonym.identity_key", 1)):
        groups = expected_groups(rows, key)
        reported = [f for f in findings if f.rule == how]
        assert len(groups) > 20
        assert len(reported) == 20
        for finding, members in zip(reported, groups, strict=False):
            first, second = members[0], members[1]
            assert finding.occurrences == len(members)
            assert finding.location.input == ("one.csv" if first < half else "two.csv")
            assert finding.location.line == (rows[first][2] or None)
            assert f"{len(groups):,} such cases in all" in finding.message
            where = "one.csv" if second < half else "two.csv"
            if rows[second][2]:
                where += f":{rows[second][2]}"
            assert f"(also at {where})" in finding.message


# --- LNK-003 / LNK-005 through the engine ---


def export(path: Path, count: int, seed: int) -> Path:
    """Look-alike classes of every size; support needs and care needs first appear midway, so
    their columns start after records without them."""
    rng = random.Random(seed)
    with path.open("w") as out:
        for i in range(count):
            pupil = rng.randrange(count // 2)
            record = {
                "eckId": f"https://ketenid.nl/201703/{rng.getrandbits(512):0128x}",
                "leerlingId": f"K{pupil}",
                "geboortejaar": str(2010 + rng.randrange(7)),
                "geslacht": str(1 + rng.randrange(2)),
                "postcode4": str(3500 + rng.randrange(rng.choice((3, 40, 400)))),
            }
            if i > count // 3 and rng.random() < 0.8:
                record["ondersteuningsbehoefte"] = rng.choice(["geen", "geen", "TLV", "OPP"])
            if i > count // 2 and rng.random() < 0.5:
                record["zorgbehoefte"] = rng.choice(["a", "b"])
            out.write(json.dumps(record) + "\n")
    return path


def judged(paths: list[Path]) -> dict[str, Any]:
    request = engine.RunRequest(
        profile=load_profile("nl-generic"), purpose="analyse", inputs=tuple(paths)
    )
    report = engine.run(request)
    return {
        r.id: (r.verdict, r.reason, r.findings)
        for r in report.requirements
        if r.id in ("PSN-003", "LNK-003", "LNK-005")
    }


def test_reidentification_is_the_same_with_a_tiny_buffer(
    tmp_path: Path, small_buffers: list[int]
) -> None:
    paths = [export(tmp_path / "a.jsonl", 3_000, 1), export(tmp_path / "b.jsonl", 500, 2)]
    tiny = judged(paths)
    assert small_buffers, "the tiny buffer never spilled"
    spill.DEFAULT_BUFFER_ROWS, spill.DEFAULT_PARTITIONS = 1 << 22, 256
    huge = judged(paths)
    assert [verdict for verdict, _, _ in tiny.values()] == [Verdict.FAIL] * 3
    (k_finding,) = tiny["LNK-003"][2]
    assert "Pupils per class size: 1: " in k_finding.message
    assert len(tiny["LNK-005"][2]) == 2  # both sensitive fields, though they start midway
    assert tiny == huge


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    for i, record in enumerate(records):
        record.setdefault("eckId", f"https://ketenid.nl/201703/{i:0128x}")
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_class_sizes_are_summed_over_partitions(tmp_path: Path, small_buffers: list[int]) -> None:
    """Classes of 1, 3, 6 and 12 records, spread over partitions and spilled."""
    records = [
        {"geboortejaar": str(year), "postcode4": "3511"}
        for year, size in ((2010, 1), (2011, 3), (2012, 6), (2013, 12))
        for _ in range(size)
    ]
    random.Random(4).shuffle(records)
    (finding,) = judged([write_jsonl(tmp_path / "x.jsonl", records)])["LNK-003"][2]
    assert small_buffers
    assert "is 1, expected at least 5; 1 of 22 pupils (4.5%) are unique" in finding.message
    assert "Pupils per class size: 1: 1, 2–4: 3, 5–9: 6, 10 or more: 12." in finding.message
    assert finding.occurrences == 4


def test_a_record_without_the_sensitive_field_has_a_value_of_its_own(
    tmp_path: Path, small_buffers: list[int]
) -> None:
    """The field first appears midway: records before it, and records after it without it,
    count as one more value ("absent") in their class."""
    before = [{"geboortejaar": "2011", "postcode4": "3511"}] * 4  # class A, all absent
    records = [dict(r) for r in before] + [
        {"geboortejaar": "2012", "postcode4": "3511", "ondersteuningsbehoefte": "TLV"},
        {"geboortejaar": "2012", "postcode4": "3511"},  # class B: TLV and absent
        {"geboortejaar": "2013", "postcode4": "3511", "ondersteuningsbehoefte": "TLV"},
        {"geboortejaar": "2013", "postcode4": "3511", "ondersteuningsbehoefte": "TLV"},
        {"geboortejaar": "2013", "postcode4": "3511", "ondersteuningsbehoefte": "TLV"},
        {"geboortejaar": "2014", "postcode4": "3511", "ondersteuningsbehoefte": "OPP"},
        {"geboortejaar": "2014", "postcode4": "3511", "ondersteuningsbehoefte": "geen"},
        {"geboortejaar": "2015", "postcode4": "3511", "ondersteuningsbehoefte": "TLV"},
    ]
    (finding,) = judged([write_jsonl(tmp_path / "x.jsonl", records)])["LNK-005"][2]
    assert small_buffers
    # Weak: A (4 records, all absent) and 2013 (3 records, all TLV); B and 2014 mix values,
    # and 2015 is a class of one.
    assert finding.message.startswith("2 groups of look-alike records (7 records)")
    assert finding.field == "ondersteuningsbehoefte"


def test_code_lists_across_inputs_are_the_same_with_a_tiny_buffer(
    tmp_path: Path, small_buffers: list[int]
) -> None:
    """LNK-002 across inputs: 700 pupils with pseudonyms in A, names for 250 of them (and for
    200 others) in B, and a third input with both for 50 — counted partition by partition."""
    a = write_jsonl(tmp_path / "a.jsonl", [{"leerlingId": f"K{i}"} for i in range(700)])
    names = [{"leerlingId": f"K{i}", "achternaam": "Qyxzwart"} for i in range(450, 900)]
    b = tmp_path / "b.jsonl"
    b.write_text("".join(json.dumps(r) + "\n" for r in names))
    c = write_jsonl(tmp_path / "c.jsonl", [{"leerlingId": f"K{i}"} for i in range(850, 900)])

    def code_lists() -> list[str]:
        request = engine.RunRequest(load_profile("nl-generic"), "pseudoniem", (a, b, c))
        (result,) = [r for r in engine.run(request).requirements if r.id == "LNK-002"]
        return [f.message for f in result.findings]

    tiny = code_lists()
    assert small_buffers, "the tiny buffer never spilled"
    spill.DEFAULT_BUFFER_ROWS, spill.DEFAULT_PARTITIONS = 1 << 22, 256
    assert tiny == code_lists()
    assert [m.split(" persons")[0] for m in tiny] == ["250", "50"]
    assert "a.jsonl and with direct identifiers (achternaam) in" in tiny[0]
    assert "c.jsonl and with direct identifiers (achternaam) in" in tiny[1]


def test_link_counts_the_same_with_a_tiny_buffer(tmp_path: Path, small_buffers: list[int]) -> None:
    """LNK-004: 900 and 500 distinct pseudonyms, 500 in both (B repeats 50 of its own)."""
    a = write_jsonl(tmp_path / "a.jsonl", [{"n": str(i)} for i in range(900)])
    b = tmp_path / "b.jsonl"
    eckids = [f"https://ketenid.nl/201703/{i:0128x}" for i in range(400, 900)]
    b.write_text("".join(json.dumps({"eckId": e}) + "\n" for e in eckids + eckids[:50]))

    def linked() -> tuple[str, ...]:
        request = engine.RunRequest(load_profile("nl-generic"), "pseudoniem", (a, b))
        (result,) = [r for r in crosslink.link(request).requirements if r.id == "LNK-004"]
        return tuple(f.message for f in result.findings)

    tiny = linked()
    assert small_buffers, "the tiny buffer never spilled"
    spill.DEFAULT_BUFFER_ROWS, spill.DEFAULT_PARTITIONS = 1 << 22, 256
    assert tiny == linked()
    (message,) = tiny
    assert message.startswith("500 pseudonyms occur in both")
    assert "(900 distinct)" in message and "(500 distinct)" in message


def test_digests_that_may_reach_the_disk_are_keyed_per_run() -> None:
    """Equal within a run; another run (process) gets other digests for the same value, so a
    spilled file cannot be reversed by hashing the few values a field takes."""
    assert spill.digest64("ondersteuning: TLV") == spill.digest64("ondersteuning: TLV")
    code = "from conformance.checks.spill import digest64; print(digest64('ondersteuning: TLV'))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(runs) == 2
    assert str(spill.digest64("ondersteuning: TLV")) not in runs


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_digests_stay_keyed_per_run_when_pythonhashseed_fixes_the_string_hash(seed: str) -> None:
    """Python's string hash is keyed per process unless PYTHONHASHSEED fixes its key: then the
    digests must come from the run's own key, or a spilled file could be reversed."""
    code = (
        "from conformance.checks.spill import digest64, digests64; "
        "v = 'ondersteuning: TLV'; assert list(digests64([v])) == [digest64(v)]; print(digest64(v))"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(runs) == 2


def test_a_column_of_digests_is_the_digest_of_each_value() -> None:
    values = ["", "a", "ondersteuning: TLV", "é" * 40, "x\x1fy"]
    assert list(spill.digests64(values)) == [spill.digest64(v) for v in values]
    assert all(0 <= d < 1 << 64 for d in spill.digests64(values))


def test_values_whose_code_units_agree_get_different_digests() -> None:
    """A str hash covers the string's internal code units: "0123…" and the same bytes read
    as UTF-16 ("㄰㌲…") hash alike under any key, which made two pupils share a pseudonym
    (PSN-003) and two exports link (LNK-004). The digests cover the UTF-8 bytes."""
    plain = "0123456789abcdef"
    twin = plain.encode().decode("utf-16-le")
    assert twin != plain
    assert spill.digest64(plain) != spill.digest64(twin)
    one, other = spill.digests64([plain, twin])
    assert one != other


def test_spilled_rows_cut_short_are_a_spill_error_and_the_store_refuses_after(
    tmp_path: Path,
) -> None:
    rows = filled(random_rows(1_000, seed=5), batch=100, buffer_rows=100, directory=tmp_path)
    assert rows.directory is not None
    spilled = rows.directory / "rows"
    spilled.write_bytes(spilled.read_bytes()[: -ROW.itemsize * 10])
    with pytest.raises(SpillError, match="read back"):
        list(rows.partitions())
    with pytest.raises(SpillError):
        list(rows.partitions())  # the rows are incomplete: no answer from part of them
    rows.close()
