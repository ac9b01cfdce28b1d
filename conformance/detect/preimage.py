"""The deep search of LNK-001: is a digest-shaped pseudonym the unsalted digest of some BSN or
onderwijsnummer, even when no personal number is in the export?

Both spaces are small: for every 8-digit prefix the 11-proef fixes the ninth digit (or rules
the prefix out), so each holds about 91 million numbers. They are generated per chunk with
numpy, hashed with hashlib, and searched on all cores; the search stops at the first hit or
when the time budget runs out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_ALGORITHMS = {16: "md5", 20: "sha1", 32: "sha256", 64: "sha512"}
SPACES = {"BSN": 0, "onderwijsnummer": 5}  # the 11-proef remainder of each kind
PREFIXES = range(0, 10**8)
_CHUNK = 200_000
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{20,}={0,2}")


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # BSN or onderwijsnummer
    number: str
    algorithm: str


def digest_of(pseudonym: str) -> bytes | None:
    """The raw digest a pseudonym spells in hex or base64, if it has a common digest's size."""
    value = pseudonym.strip()
    if _HEX.fullmatch(value):
        raw = bytes.fromhex(value)
    elif _BASE64.fullmatch(value):
        try:
            padded = value + "=" * (-len(value) % 4)
            raw = base64.b64decode(padded, altchars=_altchars(value), validate=True)
        except (binascii.Error, ValueError):
            return None
    else:
        return None
    return raw if len(raw) in _ALGORITHMS else None


def _altchars(value: str) -> bytes | None:
    return b"-_" if ("-" in value or "_" in value) else None


def numbers(lo: int, hi: int, remainder: int) -> np.ndarray:
    """All nine-digit numbers with 8-digit prefix in [lo, hi) and the given 11-proef remainder
    (sum of digits times 9..2, minus the last digit, modulo 11)."""
    prefixes = np.arange(lo, hi, dtype=np.int64)
    digits = (prefixes[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    last = (digits @ _WEIGHTS - remainder) % 11
    keep = last <= 9
    return np.asarray(prefixes[keep] * 10 + last[keep])


def search_chunk(lo: int, hi: int, targets: frozenset[bytes]) -> Hit | None:
    """Hash every number of both kinds in one chunk of prefixes under every needed digest."""
    algorithms = sorted({_ALGORITHMS[len(t)] for t in targets})
    constructors = [(name, getattr(hashlib, name)) for name in algorithms]
    for kind, remainder in SPACES.items():
        for number in numbers(lo, hi, remainder).tolist():
            text = b"%09d" % number
            for name, construct in constructors:
                if construct(text).digest() in targets:
                    return Hit(kind, text.decode(), name)
    return None


def deep_search(
    targets: Iterable[bytes],
    budget_seconds: float,
    progress: Callable[[float, float], None] | None = None,
    *,
    prefixes: range | None = None,
    workers: int = 2,
    pool: Callable[[int], Executor] = ProcessPoolExecutor,
) -> Hit | None:
    """Search the prefix range (default: all) on ``workers`` processes; the first hit, or None.
    ``pool`` makes the processes (the check's never forks: it may hold threads)."""
    prefixes = prefixes or PREFIXES
    wanted = frozenset(targets)
    if not wanted:
        return None
    started = time.monotonic()
    chunks = [
        (lo, min(lo + _CHUNK, prefixes.stop)) for lo in range(prefixes.start, prefixes.stop, _CHUNK)
    ]
    done = 0
    if progress is not None:
        progress(0.0, 0.0)
    with pool(workers) as executor:
        pending: set[Future[Hit | None]] = set()
        queue = iter(chunks)
        try:
            while True:
                while len(pending) < workers * 2 and (chunk := next(queue, None)) is not None:
                    pending.add(executor.submit(search_chunk, chunk[0], chunk[1], wanted))
                if not pending:
                    return None
                finished, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in finished:
                    done += 1
                    hit = future.result()
                    if hit is not None:
                        return hit
                elapsed = time.monotonic() - started
                if progress is not None:
                    progress(done / len(chunks), elapsed)
                if elapsed > budget_seconds:
                    return None
        finally:
            for future in pending:
                future.cancel()
