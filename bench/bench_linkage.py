"""Benchmark for LNK-001, LNK-003 and LNK-004 (issue 4): k-anonymity over 10 million generated
records, the linkage of two 1-million-record exports (beside DuckDB on the same files), and
the --deep search through all BSNs and onderwijsnummers for an SHA-256 preimage.

Run with ``nox -s bench`` (installs DuckDB) or ``python bench/bench_linkage.py [--records N]``.
Each measurement runs the real command in a fresh process; peak memory is that process's
maximum resident set size. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROFILE = """id: bench-analyse
version: "1.0.0"
title: {nl: Bench, en: Bench}
extends: nl-generic
"""


def write_quasi_csv(path: Path, records: int, seed: int = 2026) -> None:
    """eckId; birth year-month; gender; postcode4; year group: realistic, seeded."""
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write("eckId;geboortemaand;geslacht;postcode4;jaargroep\n")
        for i in range(records):
            eck = hashlib.sha512(f"bench\x00{i}".encode()).hexdigest()
            year = rng.randint(2008, 2020)
            out.write(
                f"https://ketenid.nl/201703/{eck};{year}-{rng.randint(1, 12):02d};"
                f"{rng.randint(1, 2)};{rng.randint(1000, 9999)};{min(8, 2026 - year - 4)}\n"
            )


def write_pseudonyms(path: Path, records: int, offset: int) -> None:
    """One JSON object per line; ``offset`` shifts the pupils, so two files overlap."""
    with path.open("w") as out:
        for i in range(offset, offset + records):
            eck = hashlib.sha512(f"bench\x00{i}".encode()).hexdigest()
            out.write(f'{{"eckId": "https://ketenid.nl/201703/{eck}", "jaargroep": "5"}}\n')


_TIMED = Path(__file__).with_name("timed.py")  # peak memory of the child's process tree


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of one command, run by a fresh process that reports the peak
    resident memory of its child's process tree (bench/timed.py)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(_TIMED), *command], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    return seconds, int(done.stdout.split()[1]) / 1024


def duckdb_seconds(sql: str) -> float | None:
    try:
        import duckdb  # noqa: PLC0415  (optional comparison)
    except ImportError:
        return None
    started = time.perf_counter()
    duckdb.sql(sql).fetchall()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--link-records", type=int, default=1_000_000)
    parser.add_argument("--no-deep", action="store_true", help="skip the full --deep search")
    args = parser.parse_args()
    tool = [sys.executable, "-m", "conformance"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        profile = work / "bench.yaml"
        profile.write_text(PROFILE)
        quasi = work / "quasi.csv"
        write_quasi_csv(quasi, args.records)
        size = quasi.stat().st_size / 2**20
        check = [*tool, "check", "--profile", str(profile), "--purpose", "analyse", str(quasi)]
        k_seconds, k_peak = measure(check)
        # pupils per class, as LNK-003 counts them (a pupil's several rows are one pupil)
        k_duck = duckdb_seconds(
            f"select count(*) from (select geboortemaand, geslacht, postcode4, jaargroep, "
            f"count(distinct eckId) c from read_csv('{quasi}', delim=';') group by all) "
            "where c < 5"
        )
        a, b = work / "a.jsonl", work / "b.jsonl"
        write_pseudonyms(a, args.link_records, 0)
        write_pseudonyms(b, args.link_records, args.link_records // 2)
        l_seconds, l_peak = measure([*tool, "link", "--profile", "nl-generic", str(a), str(b)])
        l_duck = duckdb_seconds(
            f"select count(*) from read_json('{a}') x join read_json('{b}') y using (eckId)"
        )
        deep = None
        if not args.no_deep:
            # The last BSN of the space: the search has to go (nearly) all the way.
            target = work / "deep.jsonl"
            digest = hashlib.sha256(b"999999990").hexdigest()
            target.write_text(f'{{"pseudonym": "{digest}", "groep": "6b"}}\n')
            deep = measure(
                [*tool, "check", "--profile", "nl-generic", "--deep", "3600", str(target)]
            )
    print("| what | conformance | peak memory | DuckDB (same files) |")
    print("|---|---|---|---|")
    duck_k = f"{k_duck:.1f} s" if k_duck is not None else "not installed"
    duck_l = f"{l_duck:.1f} s" if l_duck is not None else "not installed"
    print(
        f"| `check` (all checks incl. LNK-003/005), {args.records:,} records, {size:,.0f} MiB CSV "
        f"| {k_seconds:.1f} s | {k_peak:,.0f} MiB | group-by alone: {duck_k} |"
    )
    print(
        f"| `link`, 2 × {args.link_records:,} records | {l_seconds:.1f} s | {l_peak:,.0f} MiB "
        f"| join alone: {duck_l} |"
    )
    if deep is not None:
        print(
            f"| `check --deep`, SHA-256 of the last BSN: all ~91 million BSNs and "
            f"~91 million onderwijsnummers | {deep[0]:.0f} s | {deep[1]:,.0f} MiB | – |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
