"""`conformance hook` (the pre-commit hook): the static checks run on the changed files that the
config names as inputs, and on nothing else; no probe, no credentials needed."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "fixtures" / "NAW-001" / "fail_generic_parent_email_phone.json"
PASSING = ROOT / "fixtures" / "sample-supplier" / "licenties.jsonl"
CONFIG = """profile = "nl-generic"
[inputs]
exports = ["exports/*.json*"]
[probe]
base_url = "https://api.example.nl"
[probe.credentials]
school_a = {bearer_env = "UNSET_IN_THIS_TEST_A"}
school_b = {bearer_env = "UNSET_IN_THIS_TEST_B"}
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "exports").mkdir()
    shutil.copy(FAILING, tmp_path / "exports" / "leerlingen.json")
    shutil.copy(PASSING, tmp_path / "exports" / "licenties.jsonl")
    (tmp_path / "notes.json").write_text('{"naam": "Jan de Vries"}')
    config = tmp_path / "conformance.toml"
    config.write_text(CONFIG)
    return config


def test_the_hook_checks_only_changed_inputs(tmp_path: Path, cli) -> None:
    config = _project(tmp_path)
    exports = tmp_path / "exports"
    passing = cli("hook", "--config", config, exports / "licenties.jsonl", tmp_path / "notes.json")
    assert passing.code == 0, passing.err
    assert "licenties.jsonl" in passing.err and "notes.json" not in passing.err
    failing = cli("hook", "--config", config, exports / "leerlingen.json")
    assert failing.code == 1
    assert "NAW-001" in failing.err


def test_the_hook_passes_when_no_input_changed(tmp_path: Path, cli) -> None:
    config = _project(tmp_path)
    run = cli("hook", "--config", config, tmp_path / "notes.json")
    assert (run.code, run.err.strip()) == (0, "conformance: no changed file is a conformance input")
