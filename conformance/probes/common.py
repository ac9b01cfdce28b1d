"""What the probe phases share: the results being gathered, the request body of a pupil, its
canary values, and the exact-match test that proves a leak."""

from __future__ import annotations

import json

from conformance.model.findings import Finding, Location
from conformance.probes.client import Client, Response
from conformance.probes.config import ProbeConfig
from conformance.probes.strategies import FORBIDDEN, IDENTIFYING

PROBED = ("API-001", "API-002", "API-003", "API-004", "API-005", "API-006", "API-007", "LNK-001")


class Results:
    def __init__(self, config: ProbeConfig, client: Client) -> None:
        self.config = config
        self.client = client
        self.findings: dict[str, list[Finding]] = {rid: [] for rid in PROBED}
        self.examined: dict[str, int] = dict.fromkeys(PROBED, 0)

    def check(self, rid: str, ok: bool, message: str) -> None:
        """Count one examination of ``rid``; a failure becomes a finding."""
        self.examined[rid] += 1
        if not ok:
            self.fail(rid, message)

    def fail(self, rid: str, message: str, steps: list[str] | None = None) -> None:
        """A finding carrying the seed and the requests that led to it (given, or the last
        six sent)."""
        shown = "; ".join(self.client.log[-6:] if steps is None else steps)
        self.findings[rid].append(
            Finding(
                requirement=rid,
                message=f"{message} (reproduce with seed {self.config.seed}: {shown})",
                location=Location(self.config.base_url),
            )
        )


def pupil_body(pupil: dict[str, str], without: frozenset[str] = frozenset()) -> bytes:
    return json.dumps({k: v for k, v in pupil.items() if k not in without}).encode()


def identifying(config: ProbeConfig, pupil: dict[str, str]) -> list[str]:
    return [pupil[f] for f, kind in config.payload.items() if kind in IDENTIFYING and f in pupil]


def forbidden_fields(config: ProbeConfig) -> frozenset[str]:
    return frozenset(f for f, kind in config.payload.items() if kind in FORBIDDEN)


def contains(response: Response, value: str) -> bool:
    """Whether the canary comes back in the body or a header, in any letter case (a supplier
    that upper-cases a name still returns it)."""
    if not value:
        return False
    wanted = value.casefold()
    return wanted in response.text.casefold() or any(
        wanted in v.casefold() for v in response.headers.values()
    )
