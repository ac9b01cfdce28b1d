"""Exact-enough uniqueness over millions of pseudonyms in little memory (PSN-003).

Each pseudonym and identity is kept as a 64-bit BLAKE2b digest in a compact array, not as a
154-character string: 10 million records take about 200 MiB instead of several GiB. Duplicates
are found by sorting once at the end. Two different values share a digest with probability
about n²/2⁶⁵ (3·10⁻⁶ for ten million records), the price of bounded memory; the finding says
where both records are, so a person can confirm it.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b

import numpy as np

from conformance.model.findings import Finding, Location
from conformance.model.records import Record

_MAX_EXAMPLES = 20


def _digest(value: str) -> int:
    return int.from_bytes(blake2b(value.encode(), digest_size=8).digest(), "little")


class UniquenessTracker:
    def __init__(self) -> None:
        self._pseudonyms = array("Q")
        self._identities = array("Q")
        self._inputs = array("H")
        self._lines = array("L")
        self._names: list[str] = []

    def add_input(self, name: str) -> int:
        self._names.append(name)
        return len(self._names) - 1

    def add(self, pseudonym: str, identity: str, record: Record) -> None:
        self._pseudonyms.append(_digest(pseudonym))
        self._identities.append(_digest(identity))
        self._inputs.append(max(len(self._names) - 1, 0))
        self._lines.append(record.line or 0)

    def findings(self, requirement: str, field: str) -> list[Finding]:
        """Shared pseudonyms (one pseudonym, two identities), then split identities (one
        identity, the sender's key, with two pseudonyms); at most 20 examples of each."""
        if not self._pseudonyms:
            return []
        pseudonyms = np.frombuffer(self._pseudonyms, dtype=np.uint64)
        identities = np.frombuffer(self._identities, dtype=np.uint64)
        findings = []
        for how, keys, values in (
            ("shared", pseudonyms, identities),
            ("split", identities, pseudonyms),
        ):
            groups = _groups_with_two_distinct(keys, values)
            findings += [
                self._finding(requirement, field, rows, how, len(groups))
                for rows in groups[:_MAX_EXAMPLES]
            ]
        return findings

    def _finding(
        self, requirement: str, field: str, rows: np.ndarray, how: str, total: int
    ) -> Finding:
        first, second = int(rows[0]), int(rows[1])
        where = self._where(second)
        if how == "shared":
            message = (
                f"two persons share one pseudonym in '{field}': expected one ECK iD per person, "
                f"found the same value on {len(rows)} records (also at {where})"
            )
        else:
            message = (
                f"one person (same key) has {len(rows)} different pseudonyms in '{field}': "
                f"expected one ECK iD per person (also at {where})"
            )
        if total > _MAX_EXAMPLES:
            message += f"; {total:,} such cases in all, the first {_MAX_EXAMPLES} reported"
        line = int(self._lines[first]) or None
        return Finding(
            requirement=requirement,
            message=message,
            location=Location(self._names[self._inputs[first]], line, None),
            rule="pseudonym.identity_key" if how == "split" else "pseudonym.field",
            field=field,
            occurrences=len(rows),
        )

    def _where(self, row: int) -> str:
        name = self._names[self._inputs[row]]
        line = self._lines[row]
        return f"{name} line {line}" if line else name


def _groups_with_two_distinct(keys: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    """Row indices (in file order), grouped by key, of keys seen with two or more values."""
    order = np.lexsort((values, keys))
    sorted_keys = keys[order]
    boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(order)]))
    multi = np.flatnonzero(ends - starts > 1)
    groups = []
    for i in multi:
        rows = order[starts[i] : ends[i]]
        if len(np.unique(values[rows])) > 1:
            groups.append(np.sort(rows))
    return groups
