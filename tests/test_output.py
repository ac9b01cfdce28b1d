"""Reports and bundles are written atomically: an interrupted run leaves the previous bundle
whole (or nothing), never half a report or a mix of old and new files; a folder holding other
files is never swapped away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conformance import output
from conformance.model.errors import UserError

NEW = {"report.json": b'{"new": 1}\n', "report.html": b"<html>new</html>\n"}


def _fail_on_second_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_bundle_replaces_the_previous_one_whole(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    output.write_bundle(folder, {"report.json": b"old\n", "report.html": b"old\n"})
    output.write_bundle(folder, NEW)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == NEW
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]  # nothing staged left behind


def test_a_failed_write_leaves_the_previous_bundle_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    old = {"report.json": b"old\n", "report.html": b"old\n"}
    output.write_bundle(folder, old)
    _fail_on_second_fsync(monkeypatch)
    with pytest.raises(UserError, match="No space left on device"):
        output.write_bundle(folder, NEW)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == old
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]


def test_a_first_bundle_that_fails_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_on_second_fsync(monkeypatch)
    with pytest.raises(UserError):
        output.write_bundle(tmp_path / "reports", NEW)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_with_other_files_is_written_into_not_swapped(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    output.write_bundle(tmp_path, NEW)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "report.json").read_bytes() == NEW["report.json"]


def test_the_terminal_summary_sends_no_control_characters_of_a_file_name(tmp_path: Path) -> None:
    """A certify glob takes the supplier's file names: one holding an escape code, a line break
    and a forged verdict line must print as one escaped line, on the input line and in every
    finding's location."""
    from conformance import engine  # noqa: PLC0415
    from conformance.profiles import load_profile  # noqa: PLC0415
    from conformance.reporters import text  # noqa: PLC0415

    source = Path(__file__).parent.parent / "fixtures" / "LNK-001" / "fail_consecutive_numbers.csv"
    hostile = tmp_path / "evil\x1b[2J\x07\nverdict: CONFORMANT (0 fail)\r.csv"
    hostile.write_bytes(source.read_bytes())
    request = engine.RunRequest(load_profile("nl-generic"), None, (str(hostile),))
    shown = text.render(engine.run(request)).decode("utf-8")
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
    assert not any(line.startswith("verdict: CONFORMANT") for line in shown.splitlines())
    assert shown.count("evil\\x1b[2J\\x07\\nverdict: CONFORMANT (0 fail)\\r.csv") >= 2
