"""Run the probes against a live supplier API and build the Report.

Pupils are drawn from hypothesis strategies (seeded: the seed is in the report and the replay
command), every identifying value a canary. Each pupil goes through its life — provision, read,
list, read as another school, access export, delete, read again — and the responses are
examined for the properties API-001 … API-007 (and LNK-001 for the supplier's own ids).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, seed, settings

from conformance.detect.derivation import derivation_of
from conformance.detect.redact import redact
from conformance.model.errors import UserError
from conformance.model.findings import Finding, Location
from conformance.model.report import RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.probes.client import BudgetExhaustedError, Client, Response
from conformance.probes.config import ProbeConfig
from conformance.probes.strategies import IDENTIFYING, malformed_bodies, pupils

PROBED = ("API-001", "API-002", "API-003", "API-004", "API-005", "API-006", "API-007", "LNK-001")
Progress = Callable[[str, float, float], None]  # (what, share done, seconds), as in checks
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_PUPILS = 4
_MALFORMED = 12


class _Results:
    def __init__(self, config: ProbeConfig, client: Client) -> None:
        self.config = config
        self.client = client
        self.findings: dict[str, list[Finding]] = {rid: [] for rid in PROBED}
        self.examined: dict[str, int] = dict.fromkeys(PROBED, 0)

    def check(self, rid: str, ok: bool, message: str) -> None:
        self.examined[rid] += 1
        if not ok:
            steps = "; ".join(self.client.log[-6:])
            self.findings[rid].append(
                Finding(
                    requirement=rid,
                    message=f"{message} (reproduce with seed {self.config.seed}: {steps})",
                    location=Location(self.config.base_url),
                )
            )


def probe(config: ProbeConfig, progress: Progress | None = None) -> dict[str, RequirementResult]:
    """The verdicts of the probed requirements (the engine turns them into a Report)."""
    client = Client(config)
    host = urlsplit(config.base_url).netloc

    def report(share: float) -> None:
        if progress is not None:
            progress(f"probing {host} ({client.sent} requests)", share, client.elapsed())

    results = _Results(config, client)
    _transport(config, results)
    drawn = _draw(config)
    _preflight(client, config, drawn[0])
    try:
        for done, pupil in enumerate(drawn, start=1):
            _lifecycle(client, config, results, pupil)
            report(done / (len(drawn) + 1))
        _pseudonyms_differ(results, drawn, client, config)
        _malformed(client, config, results, drawn[0])
        report(1.0)
    except BudgetExhaustedError:
        # An unfinished run proves nothing about the probes it did not reach: never a pass.
        failed = sum(len(f) for f in results.findings.values())
        raise UserError(
            config.source,
            "probe.max_requests",
            f"the budget ({config.max_requests} requests, {config.max_seconds:g} s) ran out "
            f"after {client.sent} requests, before every probe ran ({failed} failures so far); "
            "raise max_requests or max_seconds",
        ) from None
    return {rid: _result(rid, results) for rid in PROBED}


def _draw(config: ProbeConfig) -> list[dict[str, str]]:
    """Seeded examples from the strategies (hypothesis as the generator of realistic data)."""
    drawn: list[dict[str, str]] = []

    @seed(config.seed)
    @settings(
        max_examples=_PUPILS, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(pupils(config.payload))
    def collect(pupil: dict[str, str]) -> None:
        if len(drawn) < _PUPILS and all(p != pupil for p in drawn):
            drawn.append(pupil)

    collect()
    return drawn


def _body(pupil: dict[str, str], without: frozenset[str] = frozenset()) -> bytes:
    import json  # noqa: PLC0415

    return json.dumps({k: v for k, v in pupil.items() if k not in without}).encode()


def _preflight(client: Client, config: ProbeConfig, pupil: dict[str, str]) -> None:
    """Credentials that do not work end the run with a clear error, never with a pass."""
    reply = client.call("list", config.tokens[0])
    if reply.status in (401, 403):
        raise UserError(
            config.source,
            "probe.credentials",
            f"the API refused school A's credentials ({reply.status})",
        )
    reply = client.call("list", config.tokens[1])
    if reply.status in (401, 403):
        raise UserError(
            config.source,
            "probe.credentials",
            f"the API refused school B's credentials ({reply.status})",
        )
    del pupil


def _identifying(config: ProbeConfig, pupil: dict[str, str]) -> list[str]:
    return [pupil[f] for f, kind in config.payload.items() if kind in IDENTIFYING and f in pupil]


def _forbidden_fields(config: ProbeConfig) -> frozenset[str]:
    return frozenset(f for f, kind in config.payload.items() if kind == "bsn")


def _lifecycle(
    client: Client, config: ProbeConfig, results: _Results, pupil: dict[str, str]
) -> None:
    a, b = config.tokens
    canaries = _identifying(config, pupil)
    forbidden = _forbidden_fields(config)
    created = client.call("provision", a, body=_body(pupil))
    if created.status >= 300 and forbidden:
        created = client.call("provision", a, body=_body(pupil, without=forbidden))  # refused: fine
    if created.status >= 300:
        raise UserError(
            config.source, "probe.endpoints.provision", f"provisioning failed ({created.status})"
        )
    pupil_id = str((created.json() or {}).get(config.id_field, ""))
    _identifiers_in_urls(results, config, pupil, pupil_id)
    read = client.call("read", a, pupil_id)
    listed = client.call("list", a)
    leaked = [c for c in canaries if any(_contains(r, c) for r in (created, read, listed))]
    results.check(
        "API-001",
        not leaked,
        f"identifying data sent in came back in responses: {', '.join(redact(c) for c in leaked)}",
    )
    secrets = [pupil[f] for f in forbidden if f in pupil]
    how = derivation_of(pupil_id, secrets) if secrets else None
    results.check("LNK-001", how is None, f"the supplier's pupil id is {how} of the BSN")
    access = client.call("access", a, pupil_id)
    stored = [s for s in secrets if _contains(access, s) or _contains(read, s)]
    results.check(
        "API-006",
        not stored,
        f"the API accepted and stored the BSN {', '.join(redact(s) for s in stored)}",
    )
    pseudonym = (read.json() or {}).get(config.pseudonym_field)
    again = (client.call("read", a, pupil_id).json() or {}).get(config.pseudonym_field)
    results.check(
        "API-002",
        pseudonym == again == pupil.get(config.pseudonym_field),
        "the same pupil read twice did not keep the pseudonym it was given",
    )
    results.check(
        "API-004",
        access.status == 200 and _contains(access, str(pupil.get(config.pseudonym_field, ""))),
        "the access (inzage) export does not contain the pupil's stored data",
    )
    other = client.call("read", b, pupil_id)
    anonymous = client.call("read", None, pupil_id)
    other_list = client.call("list", b)
    results.check(
        "API-003",
        other.status in (401, 403, 404),
        f"school B read school A's pupil ({other.status})",
    )
    results.check(
        "API-003",
        anonymous.status in (401, 403),
        f"a request without credentials got {anonymous.status}",
    )
    results.check(
        "API-003", pupil_id not in other_list.text, "school B's list contains school A's pupil"
    )
    client.call("delete", a, pupil_id)
    gone = client.call("read", a, pupil_id)
    after = client.call("list", a)
    results.check(
        "API-004",
        gone.status == 404 and pupil_id not in after.text,
        f"after DELETE the pupil is still returned ({gone.status})",
    )


def _pseudonyms_differ(
    results: _Results, drawn: list[dict[str, str]], client: Client, config: ProbeConfig
) -> None:
    del client
    sent = [p.get(config.pseudonym_field) for p in drawn]
    results.check(
        "API-002", len(set(sent)) == len(sent), "two pupils were given the same pseudonym"
    )


def _malformed(
    client: Client, config: ProbeConfig, results: _Results, pupil: dict[str, str]
) -> None:
    """Malformed and boundary input: never a 5xx, never an echo of what was sent."""
    bodies: list[bytes] = []

    @seed(config.seed)
    @settings(
        max_examples=_MALFORMED,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(malformed_bodies)
    def collect(body: bytes) -> None:
        bodies.append(body)

    collect()
    name = next(iter(_identifying(config, pupil)), "Canary")
    bodies.append(b'{"firstName": "' + name.encode() + b'", ')  # truncated, with a canary
    for body in bodies:
        reply = client.call("provision", config.tokens[0], body=body)
        ok = reply.status < 500 and not _contains(reply, name)
        results.check(
            "API-005",
            ok,
            f"malformed input got {reply.status}"
            + (" and the error echoes it" if _contains(reply, name) else ""),
        )


def _transport(config: ProbeConfig, results: _Results) -> None:
    parts = urlsplit(config.base_url)
    secure = parts.scheme == "https" or (parts.hostname or "") in _LOOPBACK
    results.check("API-007", secure, f"the API is reached over plain HTTP at {parts.netloc}")


def _identifiers_in_urls(
    results: _Results, config: ProbeConfig, pupil: dict[str, str], pupil_id: str
) -> None:
    """The supplier's pupil id goes into every read and delete URL, and URLs end up in access
    logs, proxies and browser histories: it must hold no pseudonym and no personal data."""
    pseudonym = str(pupil.get(config.pseudonym_field, ""))
    parts = {pseudonym, pseudonym.rsplit("/", 1)[-1]}  # the ECK iD and its hex part
    secrets = [*parts, *_identifying(config, pupil)]
    inside = {s for s in secrets if len(s) >= 6 and s.lower() in pupil_id.lower()}
    what = "its pseudonym" if inside & parts else "personal data"
    results.check("API-007", not inside, f"the pupil's URL carries {what} ({redact(pupil_id)})")


def _contains(response: Response, value: str) -> bool:
    return bool(value) and (
        value in response.text or any(value in v for v in response.headers.values())
    )


def _result(rid: str, results: _Results) -> RequirementResult:
    req = CATALOGUE[rid]
    title = {"nl": req.title_nl, "en": req.title_en}
    findings = tuple(results.findings[rid])
    if findings:
        return RequirementResult(
            rid, title, Verdict.FAIL, findings[:20], len(findings), results.examined[rid]
        )
    if results.examined[rid]:
        return RequirementResult(rid, title, Verdict.PASS, (), 0, results.examined[rid])
    return RequirementResult(
        rid, title, Verdict.NOT_APPLICABLE, (), 0, 0, "not reached within the run's budget"
    )
