"""Where a report goes: a symbolic link is followed and stays, a FIFO or device is written to
and never replaced by a regular file, a write error there is one line and exit 2; no two
outputs share a file and none replaces an input; an empty output path is refused.

Devices are made under tmp_path (mknod, root only; skipped otherwise): the machine's own
/dev/null and /dev/full are never an output target here."""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance import output
from conformance.model.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "fixtures" / "sample-supplier" / "licenties.jsonl"


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7), in tmp_path."""
    path = tmp_path / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        os.close(os.open(path, os.O_WRONLY))  # a nodev mount refuses to open it
    except OSError:
        pytest.skip("cannot make a device node here (needs root and a dev mount)")
    return path


@contextmanager
def _fifo_reader(fifo: Path) -> Iterator[list[bytes]]:
    """Whatever is written into ``fifo`` while the block runs, read to its end. The test holds
    a writing end itself, so the reader neither sees an early end nor blocks a writer's open;
    if the FIFO is replaced by a file instead, the reader sees nothing (and never hangs)."""
    read_end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    own_end = os.open(fifo, os.O_WRONLY)
    os.set_blocking(read_end, True)
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        yield chunks
    finally:
        os.close(own_end)
        reader.join(timeout=10)
        os.close(read_end)


def test_a_symbolic_link_is_followed_and_stays(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_bytes(b"old\n")
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    output.write_all({link: b"new\n"})
    assert link.is_symlink()
    assert (tmp_path / "real.json").read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_bundle_folder_behind_a_symbolic_link_stays_linked(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    link = tmp_path / "reports"
    link.symlink_to("real")
    output.write_bundle(link, {"report.json": b"new\n"})
    assert link.is_symlink()
    assert (tmp_path / "real" / "report.json").read_bytes() == b"new\n"


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with _fifo_reader(fifo) as chunks:
        output.write_all({fifo: b"report\n", tmp_path / "a.json": b"a\n"})
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"".join(chunks) == b"report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "pipe"]


def test_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    null = _device(tmp_path, "null", 3)
    output.write_all({null: b"report\n"})
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_a_full_device_is_an_error_and_no_file_is_replaced(tmp_path: Path) -> None:
    full = _device(tmp_path, "full", 7)
    (tmp_path / "a.json").write_bytes(b"old\n")
    with pytest.raises(UserError, match=r"full: cannot write: No space left on device"):
        output.write_all({tmp_path / "a.json": b"new\n", full: b"report\n"})
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert (tmp_path / "a.json").read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "full"]


def test_check_into_a_fifo_keeps_it_and_into_a_full_device_is_exit_2(tmp_path: Path, cli) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with _fifo_reader(fifo) as chunks:
        run = cli("check", "--profile", "nl-generic", EXPORT, "--json", fifo, report=False)
    assert run.code in (0, 1), run.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"".join(chunks).startswith(b"{")
    full = _device(tmp_path, "full", 7)
    run = cli("check", "--profile", "nl-generic", EXPORT, "--json", full, report=False)
    assert (run.code, run.err.strip()) == (
        2,
        f"conformance: error: {full}: cannot write: No space left on device",
    )


def test_two_outputs_naming_one_file_are_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    same = tmp_path / "sub" / ".." / "r.json"
    with pytest.raises(UserError, match="name the same file"):
        output.write_all({tmp_path / "r.json": b"json", same: b"html"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]
    with pytest.raises(UserError, match=r"r\.json: --json and --html name the same file"):
        output.refuse_clashes({"--json": tmp_path / "r.json", "--html": tmp_path / "r.json"})


def test_streams_may_take_several_reports(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    output.refuse_clashes({"--json": fifo, "--sarif": fifo, "--html": None})


def test_an_output_naming_an_input_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "licenties.jsonl"
    export.write_bytes(b"{}\n")
    (tmp_path / "alias.jsonl").symlink_to(export)
    for spelling in (export, tmp_path / "alias.jsonl"):
        with pytest.raises(UserError, match="--json names an input of this run"):
            output.refuse_clashes({"--json": spelling}, [str(export), "postgresql://h/db"])
    output.refuse_clashes({"--json": tmp_path / "r.json"}, [str(export)])


@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_output_path_is_refused(empty: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="an empty path names no file"):
        output.output_path(empty)
    assert output.output_path("reports") == Path("reports")


def _check_into(
    stdout: Path, *reports: str, target: str = "/dev/stdout"
) -> subprocess.CompletedProcess[bytes]:
    """A check in its own process whose stdout is appended to ``stdout`` (``>> log``)."""
    targets = [part for report in reports for part in (report, target)]
    command = [sys.executable, "-m", "conformance", "check", "--profile", "nl-generic"]
    with stdout.open("ab") as log:
        return subprocess.run(
            [*command, str(EXPORT), *targets], stdout=log, stderr=subprocess.PIPE, check=False
        )


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc/self/fd")
@pytest.mark.parametrize(
    "target",
    ["/dev/stdout", "/proc/thread-self/fd/1", "/dev/../dev/stdout", "link to /dev/stdout"],
)
def test_dev_stdout_redirected_to_a_file_is_appended_to_not_replaced(
    tmp_path: Path, target: str
) -> None:
    """--json /dev/stdout >> log: /dev/stdout resolves to log, which a rename replaced (what
    the shell had written to it gone); the report is written through the descriptor, however
    the path spells or links to it."""
    if target.startswith("link"):
        (tmp_path / "out").symlink_to("/dev/stdout")
        target = str(tmp_path / "out")
    log = tmp_path / "log.txt"
    log.write_bytes(b"before\n")
    inode = log.stat().st_ino
    run = _check_into(log, "--json", target=target)
    assert run.returncode == 0, run.stderr
    text = log.read_text()
    assert text.startswith("before\n{") and '"report_version"' in text
    assert log.stat().st_ino == inode


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout")
def test_two_reports_to_stdout_are_both_written(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    run = _check_into(log, "--json", "--sarif")
    assert run.returncode == 0, run.stderr
    text = log.read_text()
    assert '"report_version"' in text and '"$schema"' in text
