"""Precision and recall of the value recognisers on fixtures/pii-corpus, beside Presidio's.

Run with ``nox -s detect-eval`` (which installs Presidio) or ``python bench/detect_eval.py``
(Presidio's column is left out when it is not installed). Prints a Markdown table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from conformance.checks import CheckContext
from conformance.checks.naw import IdentifyingValue
from conformance.detect.evaluate import Example, Score, Span, load, ours, overall, score
from conformance.detect.scan import RECOGNISERS, scan, scan_column
from conformance.detect.spans import Hint
from conformance.engine import resolve_purpose
from conformance.model.records import Record
from conformance.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "tuning corpus (fixtures/pii-corpus)": ROOT / "fixtures" / "pii-corpus" / "corpus.jsonl",
    "held-out corpus (fixtures/pii-heldout)": ROOT / "fixtures" / "pii-heldout" / "heldout.jsonl",
}
sys.path.insert(0, str(ROOT))  # for bench.presidio_baseline when run as a script


def timed(
    detect: Callable[[Sequence[Example]], list[list[Span]]], examples: list[Example]
) -> tuple[list[list[Span]], float]:
    started = time.perf_counter()
    predictions = detect(examples)
    return predictions, time.perf_counter() - started


def presidio() -> Callable[[Sequence[Example]], list[list[Span]]] | None:
    from bench import presidio_baseline  # noqa: PLC0415  (optional)

    if not presidio_baseline.available():
        return None
    presidio_baseline.detect(["warm-up 06-12345678"])  # build the analyzer outside the timing
    return lambda examples: presidio_baseline.detect([e.value for e in examples])


def cell(s: Score) -> str:
    if not s.labelled and not s.predicted:
        return "–"
    precision = f"{s.precision:.3f}" if s.predicted else "–"
    return f"{precision} / {s.recall:.3f} ({s.labelled})"


def main() -> int:
    baseline = presidio()
    # Warm our recognisers up too (name lists, libphonenumber's metadata), as Presidio's
    # analyzer is built before its timing: the first corpus timed would otherwise pay for it.
    scan("Jan de Vries, geb. 07-04-2013, 06-12345678, jan@example.nl, 3511 AB, Kerkstraat 1")
    for title, path in CORPORA.items():
        print(f"## {title}\n")
        evaluate(load(path), baseline)
        print()
    print(f"## values of a licence export ({EXPORT_RECORDS:,} records, bench/generate.py)\n")
    evaluate_export(baseline)
    if baseline is None:
        print("(Presidio is not installed: pip install presidio-analyzer to compare.)")
    return 0


EXPORT_RECORDS = 20_000
PRESIDIO_SAMPLE = 2_000  # Presidio takes ~0.4 ms a value: a sample, its rate scaled


def export_columns(records: int) -> list[tuple[Hint, list[str]]]:
    """The fields NAW-002 scans in the benchmark's licence export (nl-generic), as columns,
    each with the hint `check` gives it."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate  # noqa: PLC0415  (the benchmark's own generator)

    with tempfile.TemporaryDirectory() as folder:
        path = generate.write_export(Path(folder), "jsonl", records)
        rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    profile = load_profile("nl-generic")
    check = IdentifyingValue(CheckContext(profile, resolve_purpose(profile, None), "production"))
    first = Record("record", {k: [v] for k, v in rows[0].items()}, "export", 1, "")
    return [
        (field.hint, [row[field.path] for row in rows])
        for field in check.scanned.get(tuple(rows[0]), first)
    ]


def evaluate_export(baseline: Callable[[Sequence[Example]], list[list[Span]]] | None) -> None:
    """Our recognisers as `check` runs them (NAW-002: a column's distinct values, a window of
    1,024 values at a time, remembered across windows) beside Presidio per value, on the same
    values; every value is a code, a date or a number, none personal data."""
    columns = export_columns(EXPORT_RECORDS)
    values = [value for _, column in columns for value in column]
    started = time.perf_counter()
    ours_found = 0
    for hint, column in columns:
        for at in range(0, len(column), 1024):
            found = scan_column(column[at : at + 1024], hint)
            ours_found += sum(len(found.get(v, ())) for v in column[at : at + 1024])
    ours_rate = len(values) / (time.perf_counter() - started)
    print(f"{len(values):,} values in {len(columns)} fields\n")
    print("| | values per second | detections |")
    print("|---|---:|---:|")
    print(f"| conformance (column by column, as in `check`) | {ours_rate:,.0f} | {ours_found} |")
    if baseline is None:
        return
    sample = values[:: max(1, len(values) // PRESIDIO_SAMPLE)]
    predictions, seconds = timed(baseline, [Example("", v, ()) for v in sample])
    theirs = sum(map(len, predictions))
    print(
        f"| Presidio + Dutch patterns (every value, {len(sample):,} of them) "
        f"| {len(sample) / seconds:,.0f} | {theirs} in the sample |"
    )
    print(f"\n{ours_rate / (len(sample) / seconds):,.0f} × Presidio's rate on these values")


def evaluate(
    examples: list[Example], baseline: Callable[[Sequence[Example]], list[list[Span]]] | None
) -> None:
    columns: list[tuple[str, dict[str, Score], float]] = []
    predictions, seconds = timed(ours, examples)
    columns.append(("conformance", score(examples, predictions, RECOGNISERS), seconds))
    if baseline is not None:
        predictions, seconds = timed(baseline, examples)
        columns.append(
            ("Presidio + Dutch patterns", score(examples, predictions, RECOGNISERS), seconds)
        )
    print(f"corpus: {len(examples)} values, {sum(len(e.entities) for e in examples)} entities")
    print()
    print(
        "| recogniser | "
        + " | ".join(f"{name}: precision / recall (n)" for name, _, _ in columns)
        + " |"
    )
    print("|---|" + "---|" * len(columns))
    for kind in RECOGNISERS:
        print(f"| {kind} | " + " | ".join(cell(scores[kind]) for _, scores, _ in columns) + " |")
    print("| **overall** | " + " | ".join(cell(overall(scores)) for _, scores, _ in columns) + " |")
    print(
        "| values per second | "
        + " | ".join(f"{len(examples) / s:,.0f}" for _, _, s in columns)
        + " |"
    )
    mine = columns[0][1]
    for kind in RECOGNISERS:
        for note in mine[kind].misses[:3]:
            print(f"- missed {kind}: {note}")
        for note in mine[kind].false_alarms[:3]:
            print(f"- false alarm {kind}: {note}")


if __name__ == "__main__":
    sys.exit(main())
