"""The five-minute set-up, done: a supplier's own project (fixtures/supplier-project: its
pyproject with [tool.conformance], the template nox session unchanged) runs `nox -s
conformance` green — nox builds its own virtualenv, installs the toolkit from
CONFORMANCE_TOOLKIT (this checkout) and certifies — and leaves the report bundle behind."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "fixtures" / "supplier-project"
BUNDLE = {"report.json", "report.html", "report.junit.xml", "report.sarif", "summary.md"}


def test_the_project_uses_the_documented_session_unchanged() -> None:
    assert (PROJECT / "noxfile.py").read_text() == (ROOT / "templates" / "noxfile.py").read_text()


def test_nox_s_conformance_is_green_in_a_suppliers_project(tmp_path: Path) -> None:
    pytest.importorskip("nox", reason="nox is in the test extra")
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    env = {
        **os.environ,
        "CONFORMANCE_TOOLKIT": str(ROOT),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("CI", None)  # nox's own CI handling is not under test
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "conformance", "--envdir", str(tmp_path / "envs")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reports = project / "conformance-reports"
    assert {p.name for p in reports.iterdir()} == BUNDLE
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "pass"
    assert report["subject"]["product"] == "Rekenroute licenties"
    # an installed release build: this run may certify
    certification = report["certification"]
    assert (certification["eligible"], certification["reasons"]) == (True, [])
    # the build's fingerprint, to compare with the release's: the RECORD nox installed
    record = next(
        (tmp_path / "envs" / "conformance").glob(
            "lib/python*/site-packages/conformance-*.dist-info/RECORD"
        )
    )
    assert certification["build"] == hashlib.sha256(record.read_bytes()).hexdigest()
    assert {i["kind"] for i in report["inputs"]} == {"export", "ddl"}
