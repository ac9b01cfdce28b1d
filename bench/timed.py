"""Run one command; print its wall seconds, its peak memory in KiB and its exit status.

Peak memory is that of the whole process tree: ``check`` may hash on a worker process
(conformance.checks.offload), and the worker's memory is the tool's memory too. On Linux the
tree's resident sets are summed from /proc every 50 ms (the highest sum is kept); elsewhere,
and as a floor, the largest single process's peak from getrusage.

Run by a fresh interpreter (``python bench/timed.py CMD ...``), so its own start-up is not timed.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

_PROC = Path("/proc")
_POLL_SECONDS = 0.05
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def tree_rss_kib(root: int) -> int:
    """The summed resident set of ``root`` and its descendants (0 where /proc is missing)."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
        pid = int(entry.name)
        parents[pid] = int(stat[stat.rindex(")") + 2 :].split()[1])
        resident[pid] = pages * _PAGE_KIB
    return sum(kib for pid, kib in resident.items() if _descends(pid, root, parents))


def _descends(pid: int, root: int, parents: dict[int, int]) -> bool:
    while pid != root:
        pid = parents.get(pid, 0)
        if pid <= 1:
            return False
    return True


def main(command: list[str]) -> None:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss_kib(child.pid))
        time.sleep(_POLL_SECONDS)
    seconds = time.perf_counter() - started
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(seconds, max(peak, largest), child.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
