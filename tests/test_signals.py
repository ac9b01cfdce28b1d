"""A run cancelled with SIGTERM (how CI cancels a job) cleans up as Ctrl-C does: its spill
folder removed, no report written, exit 2 and one line — not killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_sigterm_removes_the_spill_folder_and_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "x.csv"
    rows = (f"{n:012x};2014-{n % 12 + 1:02d};{1000 + n % 9000}\n" for n in range(600_000))
    export.write_text("pseudoniem;geboortemaand;postcode4\n" + "".join(rows))
    spill = tmp_path / "tmp"
    spill.mkdir()
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "conformance", "check", "--profile", "nl-generic"]
    run = subprocess.Popen(
        [*command, "--purpose", "analyse", export, "--json", report],
        env={**os.environ, "TMPDIR": str(spill)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(spill.glob("conformance-spill-*")) and run.poll() is None:
        assert time.monotonic() < deadline, "no spill folder appeared"
        time.sleep(0.02)
    assert run.poll() is None, "the run ended before it spilled: make the export longer"
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    # (the export holds no personal data: its last line may be shown, to say what went wrong)
    assert run.returncode == 2, err.strip().splitlines()[-1:]
    assert err.strip().splitlines()[-1] == "conformance: interrupted; nothing was written"
    assert not list(spill.glob("conformance-spill-*"))
    assert not report.exists()


class _InterruptedImport:
    """A meta path finder that is interrupted (Ctrl-C) while the CLI module is imported."""

    def find_spec(self, name: str, *_: object) -> None:
        if name == "conformance.cli":
            raise KeyboardInterrupt


def test_ctrl_c_while_the_toolkit_loads_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Ctrl-C in the first tenths of a second, while the console script imports the
    toolkit, printed Python's traceback: now the same line and exit code as later."""
    from conformance.__main__ import main  # noqa: PLC0415

    monkeypatch.delitem(sys.modules, "conformance.cli")
    monkeypatch.setattr(sys, "meta_path", [_InterruptedImport(), *sys.meta_path])
    assert main() == 2
    assert capsys.readouterr().err == "conformance: interrupted; nothing was written\n"


def test_the_console_script_is_the_guarded_entry_point() -> None:
    from importlib.metadata import entry_points  # noqa: PLC0415

    (script,) = entry_points(group="console_scripts", name="conformance")
    assert script.value == "conformance.__main__:main"
