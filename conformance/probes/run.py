"""Run the probes against a live supplier API and build the Report.

Pupils are drawn from hypothesis strategies (seeded: the seed is in the report and the replay
command), every identifying value a canary. Each pupil goes through its life — provision, read,
list, read as another school, access export, delete, read again — and the responses are
examined for the properties API-001 … API-007 (and LNK-001 for the supplier's own ids). Then
come random sequences (stateful), enumerated and guessed ids (guessing), malformed input, and
the transport (transport: HTTPS, no plain HTTP beside it, TLS ≥ 1.2).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conformance.detect.derivation import derivation_of
from conformance.detect.redact import redact
from conformance.model.errors import UserError
from conformance.model.report import RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.probes.client import BudgetExhaustedError, Client, Response
from conformance.probes.common import (
    GONE,
    PROBED,
    REFUSED,
    Results,
    contains,
    field_of,
    forbidden_fields,
    holds_id,
    identifying,
    list_pages,
    pupil_body,
    pupil_id_of,
)
from conformance.probes.config import ProbeConfig
from conformance.probes.guessing import probe_other_ids
from conformance.probes.stateful import probe_sequences
from conformance.probes.strategies import malformed_bodies, pupils
from conformance.probes.transport import probe_transport

Progress = Callable[[str, float, float], None]  # (what, share done, seconds), as in checks
T = TypeVar("T")
_PUPILS = 4
_MALFORMED = 12


@dataclass(frozen=True, slots=True)
class ProbeRun:
    results: dict[str, RequirementResult]  # the probed requirements' verdicts
    requests: int  # how many requests the run sent


def probe(config: ProbeConfig, progress: Progress | None = None) -> ProbeRun:
    """The verdicts of the probed requirements (the engine turns them into a Report)."""
    client = Client(config)
    host = urlsplit(config.base_url).netloc

    def report(share: float) -> None:
        if progress is not None:
            progress(f"probing {host} ({client.sent} requests)", share, client.elapsed())

    results = Results(config, client)
    probe_transport(config, results)
    drawn = _draw(config)
    try:
        _preflight(client, config)
        for done, pupil in enumerate(drawn, start=1):
            _lifecycle(client, config, results, pupil)
            report(done / (len(drawn) + 1))
        probe_sequences(client, config, results)
        probe_other_ids(client, config, results)
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
    return ProbeRun({rid: _result(rid, results) for rid in PROBED}, client.sent)


def _draw(config: ProbeConfig) -> list[dict[str, str]]:
    """Distinct seeded pupils (hypothesis as the generator of realistic data)."""
    drawn: list[dict[str, str]] = []
    for pupil in _examples(pupils(config.payload), _PUPILS * 3, config.seed):
        if len(drawn) < _PUPILS and pupil not in drawn:
            drawn.append(pupil)
    return drawn


def _examples(strategy: st.SearchStrategy[T], count: int, run_seed: int) -> list[T]:
    """Up to ``count`` examples of ``strategy``, the same ones for the same seed."""
    found: list[T] = []

    @seed(run_seed)
    @settings(
        max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def collect(example: T) -> None:
        found.append(example)

    collect()
    return found


def _preflight(client: Client, config: ProbeConfig) -> None:
    """Credentials that do not work end the run with a clear error, never with a pass."""
    for school, credential in zip("AB", config.credentials, strict=True):
        reply = client.call("list", credential)
        if reply.status in (401, 403):
            problem = f"the API refused school {school}'s credentials ({reply.status})"
            raise UserError(config.source, "probe.credentials", problem)


def _lifecycle(
    client: Client, config: ProbeConfig, results: Results, pupil: dict[str, str]
) -> None:
    a = config.credentials[0]
    canaries = identifying(config, pupil)
    forbidden = forbidden_fields(config)
    created = refused = client.call("provision", a, body=pupil_body(pupil))
    if created.status >= 300 and forbidden:  # refusing a BSN is right: send the rest
        created = client.call("provision", a, body=pupil_body(pupil, without=forbidden))
    if created.status >= 300:
        raise UserError(
            config.source, "probe.endpoints.provision", f"provisioning failed ({created.status})"
        )
    pupil_id = pupil_id_of(created, config)
    _identifiers_in_urls(results, config, pupil, pupil_id)
    read = client.call("read", a, pupil_id)
    # the pupil's own entry is what could echo its canaries: the pages up to it suffice
    listed = list_pages(client, a, until=lambda page: holds_id(page, config.id_field, pupil_id))
    replies = (refused, created, read, *listed)  # a refusal must not echo what it refused
    leaked = [c for c in canaries if any(contains(r, c) for r in replies)]
    if canaries:  # nothing identifying sent: nothing examined, never a pass
        results.check(
            "API-001",
            not leaked,
            "identifying data sent in came back in responses: "
            + ", ".join(redact(c) for c in leaked),
        )
    access = client.call("access", a, pupil_id)
    _personal_numbers(results, config, pupil, pupil_id, (access, read))
    anonymous_delete = client.call("delete", None, pupil_id)
    again = client.call("read", a, pupil_id)
    _anonymous_delete(results, anonymous_delete, read, again)
    _pseudonym_kept(results, config, pupil, (created, read, again))
    sent = str(pupil.get(config.pseudonym_field, ""))
    missing = _missing_from_export(access, read, sent, config.pseudonym_field)
    results.check(
        "API-004",
        access.status == 200 and not missing,
        f"the access (inzage) export ({access.status}) lacks stored data that reads show: "
        + ", ".join(missing),
    )
    _other_school_and_no_one(client, config, results, pupil_id)
    _erased(client, config, results, pupil_id)


def _personal_numbers(
    results: Results,
    config: ProbeConfig,
    pupil: dict[str, str],
    pupil_id: str,
    shown: tuple[Response, ...],
) -> None:
    """LNK-001 and API-006: the id is not derived from a personal number or an identity value
    (a name, the name in full, an address: sha256("Sanne de Vries") is as recomputable), and
    the personal numbers are not stored."""
    secrets = [pupil[f] for f in forbidden_fields(config) if f in pupil]
    identity = identifying(config, pupil)
    named = [
        pupil[f]
        for part in _NAME_PARTS
        for f, kind in config.payload.items()
        if kind == part and f in pupil
    ]
    if len(named) > 1:
        identity.append(" ".join(named))  # the name in full, given name first
    if identity:  # the personal numbers sent are among the identifying values
        how = derivation_of(pupil_id, identity)
        what = "a personal number or identity value"
        results.check("LNK-001", how is None, f"the pupil id is {how} of {what}")
    if not secrets:
        return
    stored = [s for s in secrets if any(contains(r, s) for r in shown)]
    results.check(
        "API-006",
        not stored,
        "the API accepted and stored a personal number (BSN or onderwijsnummer): "
        + ", ".join(redact(s) for s in stored),
    )


_NAME_PARTS = ("given_name", "surname")  # the payload kinds a full name is made of, in order


def _anonymous_delete(
    results: Results, refused: Response, before: Response, after: Response
) -> None:
    """A DELETE without credentials is refused and leaves the pupil readable by its school
    (removed only when that read says gone: a 429 or 503 proves nothing)."""
    removed = before.status == 200 and after.status in GONE
    how = f" and removed the pupil (its school's read then got {after.status})"
    results.check(
        "API-003",
        refused.status in REFUSED and not removed,
        f"a DELETE without credentials got {refused.status}" + (how if removed else ""),
    )


def _pseudonym_kept(
    results: Results, config: ProbeConfig, pupil: dict[str, str], replies: tuple[Response, ...]
) -> None:
    """Every answer that shows the pseudonym shows the one sent; an answer that omits it (a
    minimal read) has not changed it, and none showing it is nothing examined."""
    shown = [
        value
        for reply in replies
        if reply.status < 300 and (value := field_of(reply, config.pseudonym_field)) is not None
    ]
    if shown:
        results.check(
            "API-002",
            all(value == pupil.get(config.pseudonym_field) for value in shown),
            "the same pupil read twice did not keep the pseudonym it was given",
        )


def _other_school_and_no_one(
    client: Client, config: ProbeConfig, results: Results, pupil_id: str
) -> None:
    """School B and a request without credentials get nothing of school A's pupil."""
    b = config.credentials[1]
    asked = {
        "school B's read of school A's pupil": client.call("read", b, pupil_id),
        "a read without credentials": client.call("read", None, pupil_id),
        "a list without credentials": client.call("list", None),
        "an inzage export without credentials": client.call("access", None, pupil_id),
    }
    for what, reply in asked.items():
        results.check("API-003", reply.status in REFUSED, f"{what} got {reply.status}")
    other_list = list_pages(client, b)
    results.check(
        "API-003",
        not any(holds_id(page, config.id_field, pupil_id) for page in other_list),
        "school B's list contains school A's pupil",
    )


def _erased(client: Client, config: ProbeConfig, results: Results, pupil_id: str) -> None:
    """After its school's DELETE, no read, export or list page returns the pupil."""
    a = config.credentials[0]
    client.call("delete", a, pupil_id)
    gone = client.call("read", a, pupil_id)
    export = client.call("access", a, pupil_id)
    listed = any(holds_id(page, config.id_field, pupil_id) for page in list_pages(client, a))
    results.check(
        "API-004",
        gone.status in GONE and export.status in GONE and not listed,
        f"after DELETE the pupil is still returned (read {gone.status}, inzage export "
        f"{export.status}{', and listed' if listed else ''})",
    )


def _malformed(
    client: Client, config: ProbeConfig, results: Results, pupil: dict[str, str]
) -> None:
    """Malformed and boundary input: never a 5xx, never an echo of what was sent."""
    bodies = _examples(malformed_bodies, _MALFORMED, config.seed)
    name = next(iter(identifying(config, pupil)), "Canary")
    bodies.append(b'{"firstName": "' + name.encode() + b'", ')  # truncated, with a canary
    for body in bodies:
        reply = client.call("provision", config.credentials[0], body=body)
        ok = 400 <= reply.status < 500 and not contains(reply, name)
        results.check(
            "API-005",
            ok,
            f"malformed input got {reply.status}"
            + (" and the error echoes it" if contains(reply, name) else ""),
        )
    for body in _wrong_types(config, pupil):
        # well-formed JSON an API may accept (a bulk array, a coerced number): only a 5xx, or
        # an error repeating the canary, fails
        reply = client.call("provision", config.credentials[0], body=body)
        echoed = reply.status >= 400 and contains(reply, name)
        results.check(
            "API-005",
            reply.status < 500 and not echoed,
            f"the pupil's fields with wrong JSON types got {reply.status}"
            + (" and the error echoes them" if echoed else ""),
        )


def _wrong_types(config: ProbeConfig, pupil: dict[str, str]) -> list[bytes]:
    """The real payload with wrong JSON types: a number for the pseudonym, the pupil inside an
    array, every field an array (the personal numbers left out: an API that accepts these
    would store them)."""
    fields = {k: v for k, v in pupil.items() if k not in forbidden_fields(config)}
    return [
        json.dumps(fields | {config.pseudonym_field: 20261129}).encode(),
        json.dumps([fields]).encode(),
        json.dumps({k: [v] for k, v in fields.items()}).encode(),
    ]


def _missing_from_export(access: Response, read: Response, pseudonym: str, field: str) -> list[str]:
    """The fields whose values a read of the pupil shows but its inzage export does not (the
    export must hold everything stored, and what a read shows is stored), the pseudonym always
    among them."""
    shown = read.json() if read.status == 200 else None
    values = {
        name: str(value)
        for name, value in (shown.items() if isinstance(shown, dict) else ())
        if isinstance(value, str | int | float) and not isinstance(value, bool) and value != ""
    }
    values.setdefault(field, pseudonym)
    return [name for name, value in values.items() if not contains(access, value)][:5]


def _identifiers_in_urls(
    results: Results, config: ProbeConfig, pupil: dict[str, str], pupil_id: str
) -> None:
    """The supplier's pupil id goes into every read and delete URL, and URLs end up in access
    logs, proxies and browser histories: it must hold no pseudonym and no personal data."""
    pseudonym = str(pupil.get(config.pseudonym_field, ""))
    parts = {pseudonym, pseudonym.rsplit("/", 1)[-1]}  # the ECK iD and its hex part
    secrets = [*parts, *identifying(config, pupil)]
    inside = {s for s in secrets if len(s) >= 6 and s.lower() in pupil_id.lower()}
    what = "its pseudonym" if inside & parts else "personal data"
    results.check("API-007", not inside, f"the pupil's URL carries {what} ({redact(pupil_id)})")


def _result(rid: str, results: Results) -> RequirementResult:
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
        rid,
        title,
        Verdict.NOT_APPLICABLE,
        (),
        0,
        0,
        "nothing to examine: probe.payload sends no value of the kind this probe needs",
    )
