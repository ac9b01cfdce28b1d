"""Run one command; print its wall seconds, its peak memory in KiB and its exit status.

Peak memory is that of the whole process tree: ``check`` may hash on a worker process
(conformance.checks.offload), and the worker's memory is the tool's memory too. On Linux the
tree's proportional set sizes (PSS: shared libraries counted once, not per process) are summed
from /proc every 50 ms and the highest sum kept; elsewhere, and as a floor, the largest single
process's peak resident set from getrusage.

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


def tree_memory_kib(root: int) -> int:
    """The summed memory of ``root`` and its descendants (0 where /proc is missing)."""
    parents: dict[int, int] = {}
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended meanwhile
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    return sum(_memory_kib(pid) for pid in parents if _descends(pid, root, parents))


def _memory_kib(pid: int) -> int:
    """Its proportional set size, or its resident set where smaps_rollup is not readable."""
    try:
        for line in (_PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int((_PROC / str(pid) / "statm").read_text().split()[1]) * _PAGE_KIB
    except (OSError, ValueError, IndexError):
        return 0


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
    while True:
        try:
            child.wait(timeout=_POLL_SECONDS)  # returns as soon as the child ends
            break
        except subprocess.TimeoutExpired:
            peak = max(peak, tree_memory_kib(child.pid))
    seconds = time.perf_counter() - started
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(seconds, max(peak, largest), child.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
