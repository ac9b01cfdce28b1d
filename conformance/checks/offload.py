"""Work a check can hand to a second core, its results taken back in the order it was handed.

LNK-001 hashes the variants of every pupil's key with SHA-512 (``L00000017``, ``l00000017``,
``00000017``, ``000000017``, ``L00000017\n``): 4.6 s of a worker's CPU per million records
(measured 2026-12-07 with CPython's own SHA-512; 5.8 s with OpenSSL's through hashlib), where
the call, not the hash, is the cost, and the largest single cost of checking an export. The
digests depend on nothing else a check does, so on a machine with a second core a worker
process computes them while the main process reads on.

The worker is started only once an input has proved large (small exports never pay for a
process), with ``spawn`` (no fork of a process that may hold threads), one per process of
the toolkit, shared by every check that offloads, and fed down a pipe by the reading thread
itself (:class:`PipeWorker`). Results come back in submission order, so the
findings, their order and their first locations are those of computing in process — which is
what happens, transparently, on one core, before the worker starts, and if it breaks.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import types
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from itertools import count
from multiprocessing.connection import Connection
from typing import Generic, TypeVar, cast

log = logging.getLogger(__name__)

P = TypeVar("P")  # what the caller keeps to use the results with
A = TypeVar("A")  # the work handed over (picklable)
R = TypeVar("R")  # its result (picklable)

START_AFTER = 16  # submissions computed in process before a worker is worth starting
# Out at once, at most: the caller keeps what it needs to use each result (for LNK-001 a
# window), so the count is bounded, and the input those windows were read from (a window may
# hold 8 MiB of input: files of large records keep one or two out, not eight).
_IN_FLIGHT = 8
_IN_FLIGHT_BYTES = 16 << 20


def usable_cores() -> int:
    """The cores this process may run on (not those of the machine: containers limit them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


class _Worker:
    """The one worker process of this run of the toolkit, once started."""

    pipe: PipeWorker | None = None


def _worker(warm: str = __name__) -> PipeWorker:
    """The worker, started (importing ``warm``, the module of the work) if there is none."""
    if _Worker.pipe is None or _Worker.pipe.broken:
        _Worker.pipe = PipeWorker(warm)
    return _Worker.pipe


class PipeWorker:
    """A spawned process computing ``function(work)`` for each ticket sent down a pipe, the
    results coming back up it in the order sent. No threads of its own: a process pool's
    manager and queue-feeder threads take the GIL from the reading thread on every submission
    (its wake-up write waited ~2 ms for it: 0.4 s of a 200,000-row CSV's 2.5 s); here the
    reading thread writes the pickled work itself (a lock keeps runs in threads apart). The
    pipe out holds several windows' work until the worker reads it, and results are small
    (LNK-001's: a flag per column), so neither side waits on the other's full pipe.

    Starting takes ~0.3 s (spawn, then importing ``warm`` and what it needs); the worker says
    when it is ready (:meth:`started`), and until then the caller computes in process rather
    than wait."""

    def __init__(self, warm: str = __name__) -> None:
        context = multiprocessing.get_context("spawn")
        # Two one-way pipes rather than a socket pair: a pipe's buffer can be enlarged
        # (F_SETPIPE_SZ, unprivileged up to /proc/sys/fs/pipe-max-size) to hold the work out.
        self._results, results_end = context.Pipe(duplex=False)
        work_end, self._connection = context.Pipe(duplex=False)
        _enlarge(self._connection)
        with _children_started():
            self._process = context.Process(
                target=_serve, args=(work_end, results_end, warm), daemon=True
            )
            self._process.start()
        work_end.close()
        results_end.close()
        self._tickets = count()
        self._awaited: set[int] = set()  # tickets sent whose results someone will take
        self._arrived: dict[int, tuple[bool, object]] = {}
        # runs in threads share the worker: one message at a time (reentrant: a finalizer may
        # forget an offload's tickets while this thread is receiving)
        self._lock = threading.RLock()
        self.broken = False
        self._started = False

    def started(self) -> bool:
        """Whether the worker has said it is ready (without waiting)."""
        with self._lock:
            while not self._started and self._results.poll():
                self._receive()
            return self._started

    def send(self, function: Callable[[A], R], work: A) -> int:
        with self._lock, self._whole():
            ticket = next(self._tickets)
            self._awaited.add(ticket)
            self._connection.send((ticket, function, work))
        return ticket

    def ready(self, ticket: int) -> bool:
        """Whether the ticket's result is in (without waiting)."""
        with self._lock:
            while ticket not in self._arrived and self._results.poll():
                self._receive()
            return ticket in self._arrived

    def result(self, ticket: int) -> object:
        """The ticket's result, waiting for it; the worker's exception re-raised as a
        RuntimeError (its type only: the work is pupils' data), a dead worker's EOFError."""
        with self._lock:
            while ticket not in self._arrived:
                self._receive()
            self._awaited.discard(ticket)
            ok, value = self._arrived.pop(ticket)
        if not ok:
            raise RuntimeError(value)
        return value

    def forget(self, tickets: set[int]) -> None:
        """Tickets whose results no one will take (an offload let go with work out): dropped
        as they arrive, so what is kept is bounded by the work out."""
        with self._lock:
            self._awaited.difference_update(tickets)
            for ticket in tickets:
                self._arrived.pop(ticket, None)

    def _receive(self) -> None:
        with self._whole():
            ticket, ok, value = self._results.recv()
        if ticket == _READY:
            self._started = True
        elif ticket in self._awaited:
            self._arrived[ticket] = (ok, value)

    @contextmanager
    def _whole(self) -> Iterator[None]:
        """A message sent or received whole, or this worker given up: one cut short (Ctrl-C,
        a dead worker) leaves the pipe out of step, and a later run of the toolkit in this
        process (the pytest plugin) would wait for an answer that never comes."""
        try:
            yield
        except BaseException:
            self.broken = True
            with suppress(OSError):
                self.close()
            raise

    def close(self) -> None:
        self._connection.close()
        self._results.close()
        self._process.join(timeout=1)
        if self._process.is_alive():
            self._process.kill()


_READY = -1  # the ticket of the worker's word that it has started


def _serve(work: Connection, results: Connection, warm: str) -> None:
    """The worker's loop: ready once ``warm`` is imported, then each ticket's result sent back,
    until the pipe closes. Ctrl-C reaches the whole process group: the main process reports it
    and stops this one, which must not print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        importlib.import_module(warm)
        results.send((_READY, True, None))
    except Exception:  # (an import that fails here fails in process too, and is reported there)
        return
    while True:
        try:
            ticket, function, given = work.recv()
        except Exception:  # the pipe closed, or work that cannot be read here: the main
            return  # process sees the pipe close and computes the work itself
        try:
            answer: tuple[int, bool, object] = (ticket, True, function(given))
        except Exception as exc:  # the caller computes it again in process
            answer = (ticket, False, type(exc).__name__)
        try:
            results.send(answer)
        except OSError:  # the main process gave this worker up: nothing to tell
            return


_PIPE_BYTES = 1 << 20  # Linux's default pipe-max-size: six windows of LNK-001's work


def _enlarge(connection: Connection) -> None:
    """Let the pipe hold several messages (one window's work is ~170 KiB; a pipe holds 64 KiB
    by default), so the reading thread writes the next while the worker still computes the
    last, rather than wait for it to read (15 % of a JSON Lines check's time)."""
    with suppress(ImportError, AttributeError, OSError):  # not Linux, or a lower limit
        import fcntl  # noqa: PLC0415  (POSIX only: the module imports on Windows too)

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


class SpawnPool(ProcessPoolExecutor):
    """A process pool that never forks. ``fork`` copies a process that may hold threads (this
    module's pool has two) in whatever state their locks are, which can hang the child; so
    workers are spawned, import only what they run (no main script), and ignore Ctrl-C, which
    reaches the whole process group: the main process reports it and stops them, and they
    must not print a traceback. (signal.signal itself, not a function of this module: the
    worker would import the checks to find that.)"""

    def __init__(self, max_workers: int) -> None:
        super().__init__(
            max_workers=max_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=signal.signal,
            initargs=(signal.SIGINT, signal.SIG_IGN),
        )

    def submit(self, fn: Callable[..., R], /, *args: object, **kwargs: object) -> Future[R]:
        with _children_started():  # workers start here
            return super().submit(fn, *args, **kwargs)


def _discard_worker() -> None:
    """Forget a broken worker: a later run in this process (a test session, the pytest plugin)
    starts a fresh one."""
    pipe, _Worker.pipe = _Worker.pipe, None
    if pipe is not None:
        with suppress(OSError):
            pipe.close()


@contextmanager
def _children_started() -> Iterator[None]:
    """Around starting worker processes: no main script, Ctrl-C ignored from their start."""
    with _main_script_hidden(), _interrupts_ignored_by_children():
        yield


@contextmanager
def _interrupts_ignored_by_children() -> Iterator[None]:
    """While processes are started, Ctrl-C ignored, so that they start ignoring it: a child
    inherits an ignored signal across exec, and Python then installs no KeyboardInterrupt
    handler — one that came while the child was still importing printed its traceback. (Only
    the main thread may set a handler; elsewhere the child ignores it from its first line.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """While the worker is spawned, no main script: ``spawn`` re-runs the parent's main script
    in the child (for functions defined there), and the ``conformance`` script imports the
    whole CLI (+45 MiB, 0.4 s); what the worker runs is imported by its module's name."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _forget(pending: Iterable[tuple[object, object, tuple[PipeWorker, int] | None, int]]) -> None:
    """An offload let go of with work out (a run stopped early): its tickets are forgotten by
    the workers they were sent to."""
    out = [sent for _, _, sent, _ in pending if sent is not None]
    for worker in {worker for worker, _ in out}:
        worker.forget({ticket for held, ticket in out if held is worker})


class Offload(Generic[P, A, R]):
    """``function(work)`` for each submission, on a worker process once there have been
    ``start_after`` submissions and a second core exists; each result with its payload, in
    submission order."""

    def __init__(self, function: Callable[[A], R], start_after: int | None = None) -> None:
        self._function = function
        self._start_after = START_AFTER if start_after is None else start_after
        self._submitted = 0
        # (payload, work, where it was sent: the worker and the ticket there, weight)
        self._pending: deque[tuple[P, A, tuple[PipeWorker, int] | None, int]] = deque()
        self._weight = 0  # of the submissions out
        self._in_process_only = usable_cores() < 2  # no second core, or no worker
        weakref.finalize(self, _forget, self._pending)

    def submit(self, payload: P, work: A, weight: int = 0) -> Iterator[tuple[P, R]]:
        """Hand ``work`` over (``weight``: the bytes of input the payload stands for); the
        submissions whose results are in by now (this one too when computed in process),
        oldest first."""
        self._submitted += 1
        sent = self._send(work) if self._submitted > self._start_after else None
        self._pending.append((payload, work, sent, weight))
        self._weight += weight
        if sent is None:
            return self.drain()
        return self._settled()

    def drain(self) -> Iterator[tuple[P, R]]:
        """Every submission's result, oldest first, waiting for those still out."""
        while self._pending:
            yield self._take()

    def _settled(self) -> Iterator[tuple[P, R]]:
        """The results in by now, oldest first, waiting while too many are out."""
        while self._pending:
            sent = self._pending[0][2]
            too_many = len(self._pending) > _IN_FLIGHT or self._weight > _IN_FLIGHT_BYTES
            if sent is not None and not too_many and not self._ready(*sent):
                return
            yield self._take()

    def _ready(self, worker: PipeWorker, ticket: int) -> bool:
        try:
            return self._in_process_only or worker.ready(ticket)
        except Exception:  # a worker that died: _take computes it here
            return True

    def _take(self) -> tuple[P, R]:
        payload, work, sent, weight = self._pending.popleft()
        self._weight -= weight
        if sent is not None and not self._in_process_only:
            worker, ticket = sent
            try:
                return payload, cast(R, worker.result(ticket))
            except Exception as exc:  # a worker that died: compute here from now on
                log.debug("offloaded work failed (%s): computing in process", type(exc).__name__)
                self._in_process_only = True
                _discard_worker()
        return payload, self._function(work)

    def _send(self, work: A) -> tuple[PipeWorker, int] | None:
        if self._in_process_only:
            return None
        try:
            worker = _worker(self._function.__module__)
            if not worker.started():
                return None  # computed here while the worker starts
            return worker, worker.send(self._function, work)
        except Exception as exc:  # no process could be started, or the pipe broke
            log.debug("cannot offload (%s): computing in process", type(exc).__name__)
            self._in_process_only = True
            _discard_worker()
            return None
