"""Run the conformance CLI many times, each run in a process of its own, without paying the
interpreter's and the package's start-up (about a second) every time.

Started once with ``python tests/cli_forkserver.py``, it imports ``conformance.cli`` and then
reads one JSON job a line on stdin: ``{"argv", "cwd", "stdout", "stderr", "timeout",
"memory"}``. For each it forks a child that limits its address space (``RLIMIT_AS``), points
file descriptors 0, 1 and 2 at /dev/null and the two given files, and runs what
``python -m conformance ARGV`` runs: ``main(argv)``, an uncaught exception printing its
traceback and exiting 1 as the interpreter would. The parent kills the child at the timeout and
answers one JSON line: ``{"code", "seconds", "max_rss_mib", "timed_out"}`` (``code`` is
negative for a signal: -11 is a crash).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
import traceback
from typing import Any


def _child(job: dict[str, Any], cli_main: Any) -> None:
    code = 1
    try:
        os.chdir(job["cwd"])
        resource.setrlimit(resource.RLIMIT_AS, (job["memory"], job["memory"]))
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for source, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(source, target)
        os.environ.update(job.get("env", {}))
        try:
            code = cli_main(job["argv"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a child on its way out: nobody to tell
                stream.flush()
        os._exit(code)


def _wait(pid: int, timeout: float) -> dict[str, Any]:
    start = time.monotonic()
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            os.kill(pid, 9)
            timed_out = True
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    return {
        "code": os.waitstatus_to_exitcode(status),
        "seconds": round(time.monotonic() - start, 3),
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "timed_out": timed_out,
    }


def main() -> None:
    from conformance.cli import main as cli_main  # noqa: PLC0415  (once, before any fork)

    for line in sys.stdin:
        job = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(job, cli_main)
        print(json.dumps(_wait(pid, job["timeout"])), flush=True)


if __name__ == "__main__":
    main()
