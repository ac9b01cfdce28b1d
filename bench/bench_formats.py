"""Format benchmark: ``conformance check`` beside the bare parser pass over the same file, for
XML (UWLR 2.2), JSON Lines, CSV, a JSON array and the same array under a key of an object,
at 10k, 100k and 1M pupil records.

PERFORMANCE.md sets the targets as ratios to the bare parse, because absolute figures drift
±30 % on shared machines while two passes measured side by side in one run drift together. So
each file is generated once, then the bare pass and the check run alternately, each in a fresh
process, and the medians are compared. Peak memory is that of the child's process tree (the
check may hash on a worker process), sampled every 50 ms (bench/timed.py).

Run with ``nox -s bench`` or ``python bench/bench_formats.py [--quick | --records 10000 ...]
[--max] [--repeat 3]``. Prints the machine and one Markdown table per format.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

try:
    from bench import generate
except ImportError:  # run as a script: bench/ itself is on sys.path
    import generate  # type: ignore[no-redef]

DEFAULT_RECORDS = (10_000, 100_000, 1_000_000)
QUICK_RECORDS = (10_000, 100_000)
MAX_RECORDS = 10_000_000
FLAT_FROM = 100_000
PEAK_LIMIT_MIB = 200
FLAT_TOLERANCE = 0.10
CHECK_ARGS = {
    "xml": ["--profile", "uwlr-2.2", "--purpose", "smalle-set"],
    "jsonl": ["--profile", "nl-generic"],
    "csv": ["--profile", "nl-generic"],
    "json": ["--profile", "nl-generic"],
    "json-object": ["--profile", "nl-generic"],
}
TITLES = {
    "xml": "XML, UWLR 2.2 Smalle set (bare: lxml iterparse + clear(), child texts into a dict)",
    "jsonl": "JSON Lines, nl-generic (bare: orjson.loads per line)",
    "csv": "CSV, nl-generic (bare: csv.reader over the file)",
    "json": "JSON array, nl-generic (bare: ijson.items, streamed)",
    "json-object": 'JSON array under a key, {"leerlingen": [...]}, nl-generic (bare: ijson.items)',
}


@dataclass(frozen=True)
class Target:
    """A PERFORMANCE.md target: check/bare at least ``ratio``, or check at least ``mb_s``."""

    ratio: float | None = None
    mb_s: float | None = None

    def met(self, ratio: float, check_mb_s: float) -> bool:
        if self.ratio is not None:
            return ratio >= self.ratio
        return check_mb_s >= (self.mb_s or 0.0)

    def label(self) -> str:
        return f"≥ {self.ratio} ×" if self.ratio is not None else f"≥ {self.mb_s:.0f} MB/s"


TARGETS = {
    "xml": Target(ratio=0.5),
    "jsonl": Target(ratio=0.4),
    "csv": Target(ratio=1.0),
    "json": Target(mb_s=100),
    "json-object": Target(mb_s=100),
}


@dataclass(frozen=True)
class Run:
    """One measured process: wall seconds and peak resident memory."""

    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Row:
    """One format at one size: both passes, and what the check concluded."""

    fmt: str
    records: int
    size_bytes: int
    bare: Run
    check: Run
    verdict: str
    seen: int

    @property
    def megabytes(self) -> float:
        return self.size_bytes / 1e6

    @property
    def bare_mb_s(self) -> float:
        return self.megabytes / self.bare.seconds

    @property
    def check_mb_s(self) -> float:
        return self.megabytes / self.check.seconds

    @property
    def ratio(self) -> float:
        return self.bare.seconds / self.check.seconds


# --- the bare parser passes (run in the child process) ---------------------------------------


def bare_xml(path: Path) -> int:
    """lxml iterparse over the record elements, each record's attributes and child texts pulled
    into a dict, then cleared (and its emptied predecessors dropped) so memory stays flat."""
    from lxml import etree  # noqa: PLC0415  (the child imports only its own parser)

    tags = [f"{{{generate.NAMESPACE}}}{kind}" for kind in ("leerling", "leerkracht")]
    count = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag=tags):
        record = dict(element.attrib)
        for child in element:
            record[child.tag] = child.text
        count += len(record) > 0
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count


def bare_jsonl(path: Path) -> int:
    """orjson, one object per line."""
    import orjson  # noqa: PLC0415  (the child imports only its own parser)

    with path.open("rb") as lines:
        return sum(1 for line in lines if orjson.loads(line))


def bare_csv(path: Path) -> int:
    """The standard library's csv.reader, every row (header included) split into fields."""
    import csv  # noqa: PLC0415  (the child imports only its own parser)

    with path.open(newline="", encoding="utf-8") as rows:
        return sum(1 for row in csv.reader(rows, delimiter=";") if row) - 1


def bare_json(path: Path) -> int:
    """ijson's streaming items of the top-level array (its fastest backend, yajl2_c if built)."""
    import ijson  # noqa: PLC0415  (the child imports only its own parser)

    with path.open("rb") as data:
        return sum(1 for _ in ijson.items(data, "item"))


def bare_json_object(path: Path) -> int:
    """ijson's streaming items of the array under the key "leerlingen"."""
    import ijson  # noqa: PLC0415  (the child imports only its own parser)

    with path.open("rb") as data:
        return sum(1 for _ in ijson.items(data, "leerlingen.item"))


BARE: dict[str, Callable[[Path], int]] = {
    "xml": bare_xml,
    "jsonl": bare_jsonl,
    "csv": bare_csv,
    "json": bare_json,
    "json-object": bare_json_object,
}


# --- measuring fresh processes ----------------------------------------------------------------

# Run by a fresh interpreter: times its only child and reports the peak memory of the child's
# process tree (KiB) and its exit status (the check exits 1 on a fail verdict, a result).
_TIMED = Path(__file__).with_name("timed.py")


class MeasureError(RuntimeError):
    """A measured command did not do its job; the message carries its error output."""


def measure(command: Sequence[str], ok: Callable[[int], bool] = lambda code: code == 0) -> Run:
    """Wall seconds and peak MiB of one command in a fresh process. The timer runs in the
    wrapper around the command, so the wrapper's own start-up is not counted."""
    done = subprocess.run(
        [sys.executable, str(_TIMED), *command], check=True, capture_output=True, text=True
    )
    seconds, peak_kib, code = done.stdout.split()
    if not ok(int(code)):
        raise MeasureError(f"{' '.join(command)} exited {code}:\n{done.stderr[-2000:]}")
    return Run(float(seconds), int(peak_kib) / 1024)


def median(runs: Sequence[Run]) -> Run:
    """Median wall time; the highest peak, since a memory limit is about the worst run."""
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs))


def bare_command(fmt: str, path: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--bare", fmt, str(path)]


def check_command(fmt: str, path: Path, report: Path) -> list[str]:
    """The installed CLI, as a supplier runs it; the JSON report proves it read every record."""
    return [
        sys.executable,
        *("-m", "conformance", "check"),
        *CHECK_ARGS[fmt],
        *("--json", str(report), str(path)),
    ]


def read_report(report: Path) -> tuple[str, int]:
    """The verdict and the number of records the check read."""
    data = json.loads(report.read_text(encoding="utf-8"))
    return data["verdict"], sum(i.get("records") or 0 for i in data["inputs"])


def measure_check(fmt: str, path: Path, report: Path) -> Run:
    """One check run. Any verdict is a result (exit 0 pass, 1 fail, 3 error), as long as the
    run wrote its report; a usage error (2) or a crash before the report means the run measured
    nothing, and its error output is raised."""
    report.unlink(missing_ok=True)
    return measure(check_command(fmt, path, report), ok=lambda code: code != 2 and report.exists())


def measure_pair(fmt: str, path: Path, repeat: int) -> tuple[Run, Run, str, int]:
    """Bare pass and check alternately (so drift on the machine hits both), ``repeat`` times."""
    report = path.with_suffix(".report.json")
    bare, check = [], []
    for _ in range(repeat):
        bare.append(measure(bare_command(fmt, path)))
        check.append(measure_check(fmt, path, report))
    verdict, seen = read_report(report)
    return median(bare), median(check), verdict, seen


def log(message: str) -> None:
    """Progress on stderr: a 1M-record check can take minutes, the tables go to stdout."""
    print(f"[bench_formats {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_one(fmt: str, records: int, folder: Path, repeat: int) -> Row:
    """Generate one file, measure both passes on it, and delete it (10M files are large)."""
    log(f"{fmt} {records:,}: generating")
    path = generate.write_export(folder, fmt, records)
    log(f"{fmt} {records:,}: {path.stat().st_size / 1e6:,.1f} MB, measuring {repeat} × 2 runs")
    try:
        bare, check, verdict, seen = measure_pair(fmt, path, repeat)
        return Row(fmt, records, path.stat().st_size, bare, check, verdict, seen)
    finally:
        path.unlink()


# --- reporting -----------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "✔" if ok else "✘"


def table_row(row: Row) -> str:
    target = TARGETS[row.fmt]
    met = target.met(row.ratio, row.check_mb_s)
    cells = [
        f"{row.records:,}",
        f"{row.megabytes:,.1f}",
        f"{row.bare.seconds:.2f} s",
        f"{row.bare_mb_s:,.1f}",
        f"{row.check.seconds:.2f} s",
        f"{row.check_mb_s:,.1f}",
        f"{row.ratio:.3f}",
        f"{target.label()} {mark(met)}",
        f"{row.bare.peak_mib:,.0f}",
        f"{row.check.peak_mib:,.0f} {mark(row.check.peak_mib <= PEAK_LIMIT_MIB)}",
        f"{row.verdict} ({row.seen:,})",
    ]
    return "| " + " | ".join(cells) + " |"


def flat_memory(rows: Sequence[Row]) -> str:
    """Whether check's peak stays within 10 % from 100k records to the largest size."""
    start = next((r for r in rows if r.records >= FLAT_FROM), None)
    end = rows[-1] if rows else None
    if start is None or end is None or end.records <= start.records:
        return "memory flat: not measured (needs 100k records and a larger size)"
    growth = end.check.peak_mib / start.check.peak_mib - 1
    return (
        f"memory flat {start.records:,} → {end.records:,} records: "
        f"{start.check.peak_mib:,.0f} → {end.check.peak_mib:,.0f} MiB ({growth:+.0%}) "
        f"{mark(abs(growth) <= FLAT_TOLERANCE)}"
    )


def format_table(fmt: str, rows: Sequence[Row]) -> str:
    header = (
        "| records | MB | bare | bare MB/s | check | check MB/s | check/bare | target "
        f"| bare MiB | check MiB (≤ {PEAK_LIMIT_MIB}) | verdict (records read) |"
    )
    lines = [f"### {TITLES[fmt]}", "", header, "|" + "---:|" * 10 + "---|"]
    lines += [table_row(row) for row in rows]
    return "\n".join([*lines, "", flat_memory(rows), ""])


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> str:
    """Where it ran, so a README table can say so (figures drift ±30 % between machines)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"machine: {cpu_model()}, {cores} cores, {ram_gib():.0f} GiB RAM; "
        f"Python {platform.python_version()}; lxml {version('lxml')}, "
        f"orjson {version('orjson')}, ijson {version('ijson')}, "
        f"conformance {version('conformance')}"
    )


def startup_seconds(repeat: int) -> float:
    """A fresh ``conformance --help``: the fixed start-up every check figure includes."""
    command = [sys.executable, "-m", "conformance", "--help"]
    return median([measure(command) for _ in range(repeat)]).seconds


# --- command line --------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", help="sizes (default 10k 100k 1M)")
    parser.add_argument("--max", action="store_true", help="also 10M records")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per median")
    parser.add_argument("--quick", action="store_true", help="10k and 100k, repeat 1 (smoke)")
    parser.add_argument("--formats", nargs="+", choices=generate.FORMATS, default=generate.FORMATS)
    parser.add_argument("--bare", nargs=2, metavar=("FORMAT", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def sizes(args: argparse.Namespace) -> list[int]:
    chosen = list(QUICK_RECORDS if args.quick else args.records or DEFAULT_RECORDS)
    if args.max and MAX_RECORDS not in chosen:
        chosen.append(MAX_RECORDS)
    return sorted(set(chosen))


def run(args: argparse.Namespace) -> None:
    """Every format at every size; each format's table is printed as soon as it is done, so a
    long run that is cut short still leaves its finished tables."""
    repeat = 1 if args.quick else args.repeat
    print(machine())
    print(f"check start-up (fresh `conformance --help`): {startup_seconds(repeat):.2f} s")
    print(f"medians of {repeat} fresh-process run(s); MB = 10^6 bytes, MiB = peak RSS\n")
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as folder:
        for fmt in args.formats:
            rows = [bench_one(fmt, n, Path(folder), repeat) for n in sizes(args)]
            print(format_table(fmt, rows), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare:
        fmt, path = args.bare
        print(BARE[fmt](Path(path)))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
