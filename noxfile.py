"""Sessions: tests, lint, typing, conformance (the main job); detect-eval and bench measure
(never run by CI: their figures are published in the README, not asserted).

Every session installs what it needs itself, so a fresh machine with Python 3.11 and pip only
needs ``python3 -m pip install nox``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typing"]
nox.options.reuse_existing_virtualenvs = True

SAMPLE = "fixtures/sample-supplier"


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, against the installed package (not the checkout)."""
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    session.install(
        ".",
        "mypy>=1.10",
        "types-PyYAML",
        "types-jsonschema",
        "types-requests",
        "lxml-stubs",
        "pytest>=8",  # the pytest plugin is typed against pytest's own annotations
    )
    session.run("mypy")


@nox.session(name="detect-eval", default=False)
def detect_eval(session: nox.Session) -> None:
    """Precision and recall of the value recognisers on fixtures/pii-corpus, beside Presidio."""
    session.install(".", "presidio-analyzer")
    session.run("python", "bench/detect_eval.py")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Speed and memory, measured (never asserted in a test): check on XML, JSON Lines, CSV and
    a JSON array at 10k-1M records beside a bare parser pass over the same file (ratios to the
    targets of PERFORMANCE.md), then LNK-003 over 10 million records and LNK-004 over two
    1-million-record exports beside DuckDB. Pass --records N to scale the latter."""
    session.install(".", "duckdb")
    session.run("python", "bench/bench_formats.py")  # check vs the bare parser, per format
    session.run("python", "bench/bench_linkage.py", *session.posargs)


@nox.session
def conformance(session: nox.Session) -> None:
    """The main job: certify the bundled sample supplier — its licence export, API spec,
    database and running API — and write the report bundle to reports/certify/. The Smalle-set
    UWLR export it receives is checked beside it (another profile: a run of its own)."""
    session.install(".")
    Path("reports").mkdir(exist_ok=True)
    session.run(
        "conformance",
        "check",
        "--profile",
        "uwlr-2.2",
        "--purpose",
        "smalle-set",
        "--json",
        "reports/uwlr-smalle-set.json",
        "--html",
        "reports/uwlr-smalle-set.html",
        f"{SAMPLE}/uwlr-smalle-set.xml",
    )
    database = Path("reports/sample-supplier.db").resolve()
    with _bundled_supplier(database) as base_url:
        config = Path(f"{SAMPLE}/conformance.generated.toml")
        template = Path(f"{SAMPLE}/conformance.toml").read_text(encoding="utf-8")
        template = template.replace('"http://127.0.0.1:8080"', json.dumps(base_url))
        template = template.replace("sqlite:///reports/sample-supplier.db", f"sqlite:///{database}")
        config.write_text(template, encoding="utf-8")
        tokens = json.loads(Path("fixtures/suppliers/schools.json").read_text(encoding="utf-8"))
        school_a, school_b = list(tokens)[:2]
        # kept (git ignores it): the report's reproduce command names it
        session.run(
            "conformance",
            "certify",
            "--config",
            str(config),
            "--output",
            "reports/certify",
            *session.posargs,
            env={"PROBE_SCHOOL_A": school_a, "PROBE_SCHOOL_B": school_b},
        )
    session.log("reports written to reports/certify/ (JSON, HTML, JUnit, SARIF, Markdown)")


@contextmanager
def _bundled_supplier(database: Path) -> Iterator[str]:
    """The bundled reference supplier on a free loopback port, stopped afterwards."""
    database.unlink(missing_ok=True)
    command = [sys.executable, "fixtures/suppliers/app.py", "--port", "0", "--db", str(database)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("listening on "):
            raise RuntimeError(f"the bundled supplier did not start: {line!r}")
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
