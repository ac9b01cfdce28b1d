"""LNK-001's digests on a worker process (conformance.checks.offload): the same findings, in the
same order, with the same first locations as computed in process; a worker that dies, or cannot
start, costs speed, never a finding; small inputs never start one."""

from __future__ import annotations

import fcntl
import gc
import hashlib
import os
import random
import signal
import sys
import time
from pathlib import Path
from threading import Thread
from unittest.mock import patch

import pytest

from conformance.checks import offload
from conformance.checks.offload import Offload, usable_cores
from conformance.engine import RunRequest, run
from conformance.profiles import load_profile

PREFIX = "https://ketenid.nl/201703/"
needs_two_cores = pytest.mark.skipif(
    usable_cores() < 2, reason="this machine gives the process one core: nothing to offload to"
)


def _square(work: int) -> int:
    return work * work


def _square_where(work: int) -> tuple[int, int]:
    """The square, and the process that computed it."""
    return work * work, os.getpid()


def _dies_in_a_worker(work: tuple[int, int]) -> int:
    """Kills the worker process it runs in (the process given computes it normally)."""
    number, parent = work
    if os.getpid() != parent:
        os._exit(3)
    return number * number


def _export(path: Path, count: int, derived: set[int]) -> None:
    """``count`` pupils, those in ``derived`` with an ECK iD that is the SHA-512 of their key
    (alternately of the key as written and of its digits), the rest with an issued one."""
    lines = ["eckId;leerlingId;groep"]
    for n in range(count):
        key = f"L{n:08d}"
        if n in derived:
            secret = key if n % 2 else key[1:]
            tail = hashlib.sha512(secret.encode()).hexdigest()
        else:
            tail = hashlib.sha512(f"issued {n}".encode()).hexdigest()
        lines.append(f"{PREFIX}{tail};{key};{'7C' if n % 3 else ''}")
    path.write_text("\n".join(lines) + "\n")


def _ready_worker() -> offload.PipeWorker:
    """The worker, once it has said it is ready: work submitted before then is computed in
    process (as in a run, while the worker starts)."""
    worker = offload._worker()
    deadline = time.monotonic() + 60
    while not worker.started():
        assert time.monotonic() < deadline, "the worker never said it was ready"
        time.sleep(0.01)
    return worker


def _lnk001(path: Path) -> list[tuple[str, int | None, int | None]]:
    report = run(RunRequest(load_profile("nl-generic"), "pseudoniem", (path,)))
    (result,) = [r for r in report.requirements if r.id == "LNK-001"]
    return [(f.message, f.location.line, f.occurrences) for f in result.findings]


@needs_two_cores
def test_findings_are_those_of_computing_in_process(tmp_path: Path) -> None:
    _ready_worker()
    path = tmp_path / "x.csv"
    derived = set(random.Random(7).sample(range(6000), 40))
    _export(path, 6000, derived)  # six windows: the first in process, five offloaded
    in_process = _lnk001(path)
    sent, discarded = [], []
    send = Offload._send
    with (
        patch.object(offload, "START_AFTER", 1),
        patch.object(offload, "_IN_FLIGHT", 2),
        patch.object(Offload, "_send", lambda self, work: sent.append(1) or send(self, work)),
        patch.object(offload, "_discard_worker", lambda: discarded.append(1)),
    ):
        offloaded = _lnk001(path)
    assert len(sent) == 5
    assert not discarded, "the worker failed: everything was computed in process"
    assert in_process == offloaded
    assert sum(count for *_, count in in_process) == len(derived)
    assert in_process[0][1] == min(derived) + 2  # the first derived pupil's line


@needs_two_cores
def test_results_come_back_in_submission_order() -> None:
    _ready_worker()
    done = Offload(_square_where, start_after=1)
    results = []
    for n in range(40):
        results += done.submit(f"payload {n}", n)
    results += done.drain()
    assert [(p, square) for p, (square, _) in results] == [
        (f"payload {n}", n * n) for n in range(40)
    ]
    assert {pid for _, (_, pid) in results[1:]} - {os.getpid()}, "nothing ran on the worker"


@needs_two_cores
def test_work_standing_for_much_input_is_not_left_out() -> None:
    """What the caller keeps per submission is bounded in bytes too: a submission standing for
    more input than may be out at once comes back before submit returns."""
    done = Offload(_square, start_after=0)
    assert list(done.submit(1, 3, weight=offload._IN_FLIGHT_BYTES + 1)) == [(1, 9)]
    small = [*done.submit(2, 4, weight=1)]
    assert small in ([], [(2, 16)])
    assert [*small, *done.drain()] == [(2, 16)]


@needs_two_cores
def test_a_worker_that_dies_costs_speed_not_results() -> None:
    _ready_worker()
    done = Offload(_dies_in_a_worker, start_after=0)
    results = []
    for n in range(12):
        results += done.submit(n, (n, os.getpid()))
    results += done.drain()
    assert results == [(n, n * n) for n in range(12)]
    assert offload._Worker.pipe is None  # the broken worker was let go
    again = Offload(_square, start_after=0)  # and a later run starts a fresh one
    assert [*again.submit("x", 3), *again.drain()] == [("x", 9)]


def test_no_worker_for_small_inputs_or_when_none_can_start() -> None:
    started = []
    with patch.object(offload, "_worker", side_effect=lambda *_: started.append(1) or 1 / 0):
        small = Offload(_square, start_after=5)
        assert [r for n in range(5) for r in small.submit(n, n)] == [(n, n * n) for n in range(5)]
        assert not started
        unstartable = Offload(_square, start_after=0)
        assert [*unstartable.submit(1, 4), *unstartable.submit(2, 5)] == [(1, 16), (2, 25)]
    assert started  # it was tried once, then computed in process


def _negated(work: int) -> int:
    return -work


@needs_two_cores
def test_results_left_by_a_stopped_run_never_reach_the_next() -> None:
    """One worker serves every run in a process (the pytest plugin): a run that stopped with
    work out leaves results in the pipe, which the next run must not take for its own."""
    _ready_worker()
    stopped = Offload(_square, start_after=0)
    for n in range(5):
        list(stopped.submit(n, n + 10))  # some results taken, the rest left out
    following = Offload(_negated, start_after=0)
    results = [r for n in range(5) for r in following.submit(n, n)] + list(following.drain())
    assert results == [(n, -n) for n in range(5)]


@needs_two_cores
def test_a_message_cut_short_gives_the_worker_up_instead_of_hanging() -> None:
    """Ctrl-C while work is being written leaves half a message in the pipe: that worker is
    given up, and the next run starts a fresh one rather than wait for an answer forever."""
    _ready_worker()
    done = Offload(_square, start_after=0)
    assert [*done.submit(1, 2), *done.drain()] == [(1, 4)]
    cut = offload._worker()

    def interrupted(message: object) -> None:
        raise KeyboardInterrupt

    with patch.object(cut._connection, "send", interrupted), pytest.raises(KeyboardInterrupt):
        offload._worker().send(_square, 3)
    assert cut.broken
    again = Offload(_square, start_after=0)
    assert [*again.submit("x", 5), *again.drain()] == [("x", 25)]
    assert offload._worker() is not cut


@needs_two_cores
def test_many_runs_with_work_out_at_once_each_get_theirs() -> None:
    """Ten offloads with eight tickets out each, taken back newest first: none waits for a
    result dropped to make room (one was, with more than 64 results held: a hang)."""
    _ready_worker()
    offloads = [Offload(_square_where, start_after=0) for _ in range(10)]
    taken: list[list[tuple[int, int]]] = [[] for _ in offloads]
    for n, done in enumerate(offloads):
        for k in range(8):
            taken[n] += [(p, r[0]) for p, r in done.submit(k, 100 * n + k)]
    finished = Thread(
        daemon=True,
        target=lambda: [
            taken[n].extend((p, r[0]) for p, r in offloads[n].drain()) for n in reversed(range(10))
        ],
    )
    finished.start()
    finished.join(timeout=60)
    assert not finished.is_alive(), "an offload waits for a result that never comes"
    assert taken == [[(k, (100 * n + k) ** 2) for k in range(8)] for n in range(10)]


def _slow_square(work: int) -> int:
    time.sleep(0.1)
    return work * work


@needs_two_cores
def test_an_offload_let_go_with_work_out_leaves_nothing_held() -> None:
    """A run stopped with work out: what the worker held for it is let go with it."""
    _ready_worker()
    stopped = Offload(_slow_square, start_after=0)
    for n in range(6):
        list(stopped.submit(n, n))
    worker = offload._worker()
    assert worker._awaited, "all work came back at once: nothing to let go"
    del stopped
    gc.collect()
    assert not worker._awaited
    time.sleep(0.8)  # the rest arrives, and is dropped as it is read
    assert [*Offload(_square, start_after=0).submit("x", 3)] in ([], [("x", 9)])
    assert not worker._arrived


@needs_two_cores
def test_a_worker_given_up_while_it_computes_ends_quietly(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Given up mid-work (Ctrl-C, a broken message), the worker's answer has nowhere to go:
    it ends without a traceback on the user's terminal."""
    worker = offload.PipeWorker()
    worker.send(_slow_square, 3)
    worker._connection.close()
    worker._process.join(timeout=30)
    assert worker._process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


@needs_two_cores
def test_work_is_computed_in_process_while_the_worker_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting a worker takes a while (spawn, imports): the run goes on in process rather
    than wait for it, and hands work over once the worker says it is ready."""
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(3)\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # (a spawned process is given sys.path)
    offload._discard_worker()
    slow = offload._Worker.pipe = offload.PipeWorker("slow_to_import")
    done = Offload(_square_where, start_after=0)
    started = time.monotonic()
    early = [r for n in range(20) for r in done.submit(n, n)]
    assert time.monotonic() - started < 2, "the run waited for the worker to start"
    assert early == [(n, (n * n, os.getpid())) for n in range(20)]
    while not slow.started():
        assert time.monotonic() - started < 60, "the worker never said it was ready"
        time.sleep(0.01)
    late = [r for n in range(20, 30) for r in done.submit(n, n)] + list(done.drain())
    assert [(p, square) for p, (square, _) in late] == [(n, n * n) for n in range(20, 30)]
    assert {pid for _, (_, pid) in late} - {os.getpid()}, "nothing ran on the worker"
    offload._discard_worker()


@pytest.mark.skipif(not Path("/proc/sys/fs/pipe-max-size").exists(), reason="Linux pipes only")
def test_the_pipe_out_holds_several_windows_of_work() -> None:
    """A window's work for LNK-001 is ~170 KiB, more than a pipe holds by default (64 KiB):
    the pipe is enlarged where the system allows, so the reader need not wait for the worker
    to take each window."""
    allowed = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    worker = offload.PipeWorker()
    try:
        size = fcntl.fcntl(worker._connection.fileno(), fcntl.F_GETPIPE_SZ)
    finally:
        worker.close()
    expected = 1 << 20 if allowed >= 1 << 20 else 1 << 16  # (else the default)
    assert size >= expected


class _Unreadable:
    """Work that cannot be unpickled: its reconstruction raises."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_refuse, ())


def _refuse() -> None:
    raise ValueError("not readable here")


@needs_two_cores
def test_work_the_worker_cannot_read_ends_it_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    """Work that fails to unpickle in the worker ends it without a traceback on the user's
    terminal; the caller sees the pipe close and computes in process."""
    worker = offload.PipeWorker()
    ticket = worker.send(_square, _Unreadable())
    with pytest.raises(EOFError):
        worker.result(ticket)
    worker._process.join(timeout=30)
    assert worker._process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


def test_ctrl_c_while_the_worker_starts_prints_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C reaches the whole process group: a worker still importing (before it could
    ignore it) printed a KeyboardInterrupt traceback. It starts ignoring Ctrl-C."""
    # a child slow to start: its interpreter runs sitecustomize before anything of ours
    (tmp_path / "sitecustomize.py").write_text("import time\ntime.sleep(2)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    worker = offload.PipeWorker()
    try:
        time.sleep(0.5)  # spawned, still starting
        os.kill(worker._process.pid, signal.SIGINT)
        deadline = time.monotonic() + 60
        while not worker.started():
            assert time.monotonic() < deadline, "the worker never said it was ready"
            time.sleep(0.01)
    finally:
        worker.close()
    assert "Traceback" not in capfd.readouterr().err
