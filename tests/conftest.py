"""Shared test helpers: the CLI in-process, the reference folder, small file builders."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.model.records import OUTSIDE, Record
from conformance.readers import json as json_reader

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
REFERENCE = ROOT.parent / "shared" / "reference"

ECKID_PREFIX = "https://ketenid.nl/201703/"


def eckid(label: str) -> str:
    """A well-formed production ECK iD, distinct per label."""
    # Salted, as the Nummervoorziening is: an unsalted digest of the label would be (correctly)
    # flagged by LNK-001 wherever the label is also the record key.
    return ECKID_PREFIX + hashlib.sha512(b"conformance-tests\x00" + label.encode()).hexdigest()


@dataclass
class CliRun:
    code: int
    # Not in the repr: a failing assertion on a run must not print the outputs it holds.
    out: str = field(repr=False)
    err: str = field(repr=False)
    report: dict[str, Any] | None = field(repr=False)

    def quoted(self, *values: str) -> list[int]:
        """Which of the values (their positions, never the values) stand in stdout, stderr or
        the JSON report: ``assert not run.quoted(BSN)`` fails without printing what leaked."""
        text = self.out + self.err + json.dumps(self.report)
        return [n for n, value in enumerate(values) if value in text]

    def verdict(self, rid: str) -> str:
        assert self.report is not None, "no JSON report was written"
        return next(r["verdict"] for r in self.report["requirements"] if r["id"] == rid)

    def findings(self, rid: str) -> list[dict[str, Any]]:
        assert self.report is not None, "no JSON report was written"
        return next(r["findings"] for r in self.report["requirements"] if r["id"] == rid)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run ``conformance`` in-process; for ``check`` a JSON report is written and parsed."""

    def run(*args: str | Path, report: bool = True) -> CliRun:
        argv = [str(a) for a in args]
        target = tmp_path / "report.json"
        if report and argv and argv[0] in ("check", "link", "probe"):
            target.unlink(missing_ok=True)
            argv[1:1] = ["--json", str(target)]
        code = main(argv)
        captured = capsys.readouterr()
        data = json.loads(target.read_text()) if report and target.exists() else None
        return CliRun(code, captured.out, captured.err, data)

    return run


def check_text(cli: Callable[..., CliRun], path: Path, text: str) -> CliRun:
    """``conformance check --profile nl-generic`` of a file written with ``text``."""
    path.write_text(text)
    return cli("check", "--profile", "nl-generic", path)


@pytest.fixture
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(
            f"the shared reference folder is absent ({REFERENCE}); it ships beside the repo"
        )
    return REFERENCE


def read_streamed(document: Any) -> tuple[bool, list[Record], list[dict[str, list[str]]]]:
    """A JSON document read as a stream: whether its first window came before half of it was
    read (memory bounded by a window, not the document), its records and its values outside."""
    data = json.dumps(document).encode()
    raw = io.BytesIO(data)
    windows = json_reader.read_json(io.BufferedReader(raw), "export.json", {})  # type: ignore[arg-type]
    first = next(windows)
    early = first.kind != OUTSIDE and raw.tell() < len(data) // 2
    made = [first, *windows]
    records = [r for w in made if w.kind != OUTSIDE for r in w.records]
    outside = [r.fields for w in made if w.kind == OUTSIDE for r in w.records]
    return early, records, outside
