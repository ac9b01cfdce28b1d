"""Progress on long scans and probe runs: a bar that redraws itself on a terminal, plain lines
(one each tenth of the way) in CI logs and files, where a carriage return makes a mess."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, float, float], None]  # (what, share done, seconds)


class ProgressLines:
    """A plain line each tenth of the way."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = -1

    def __call__(self, what: str, share: float, seconds: float) -> None:
        tenth = int(share * 10)
        if tenth != self.last:
            self.last = tenth
            print(f"conformance: {what}: {share:.0%} after {seconds:.0f} s", file=self.stream)


class ProgressBar:
    """One line, redrawn in place at most ten times a second, ended when the work is done."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.drawn_at = -1.0

    def __call__(self, what: str, share: float, seconds: float) -> None:
        done = share >= 1
        now = self.clock()
        if not done and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        width = max(10, min(30, shutil.get_terminal_size().columns - 60))
        filled = round(width * min(max(share, 0.0), 1.0))
        bar = "█" * filled + "·" * (width - filled)
        line = f"\r[{bar}] {share:4.0%} {what} · {seconds:.0f} s"
        self.stream.write(line[: shutil.get_terminal_size().columns + 1] + "\033[K")
        if done:
            self.stream.write("\n")
        self.stream.flush()


def progress_for(stream: TextIO) -> Progress:
    """The bar on an interactive terminal; lines in CI (CI set), on a dumb terminal or in a
    file."""
    interactive = stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
    return ProgressBar(stream) if interactive else ProgressLines(stream)
