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
import re
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
    listed_pseudonyms,
    pupil_body,
    pupil_id_of,
    scalars,
    shown_key,
    shows_pupil,
)
from conformance.probes.config import ProbeConfig
from conformance.probes.guessing import probe_other_ids
from conformance.probes.stateful import probe_sequences
from conformance.probes.strategies import FORBIDDEN, IDENTIFYING, malformed_bodies, pupils
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
    forbidden = forbidden_fields(config)
    created = refused = client.call("provision", a, body=pupil_body(pupil))
    if created.status >= 300 and forbidden:  # refusing a BSN is right: send the rest
        created = client.call("provision", a, body=pupil_body(pupil, without=forbidden))
    if created.status >= 300:
        raise UserError(
            config.source, "probe.endpoints.provision", f"provisioning failed ({created.status})"
        )
    pupil_id = pupil_id_of(created, config, list(pupil.values()))
    _identifiers_in_urls(results, config, pupil, pupil_id)
    read = client.call("read", a, pupil_id)
    # the pupil's own entry is what could echo its canaries: the pages up to it suffice
    listed = list_pages(client, a, until=lambda page: holds_id(page, config.id_field, pupil_id))
    access = client.call("access", a, pupil_id)
    _personal_numbers(results, config, pupil, pupil_id, (access, read))
    anonymous_delete = client.call("delete", None, pupil_id)
    again = client.call("read", a, pupil_id)
    _anonymous_delete(results, anonymous_delete, read, again)
    sent = str(pupil.get(config.pseudonym_field, ""))
    missing = _missing_from_export(access, read, sent, config.pseudonym_field)
    results.check(
        "API-004",
        access.status == 200 and not missing,
        f"the access (inzage) export ({access.status}) lacks stored data that reads show: "
        # the read's own keys: a pupil's name may be one
        + ", ".join(shown_key(name, list(pupil.values())) for name in missing),
    )
    others = _other_school_and_no_one(client, config, results, pupil_id, sent)
    later = client.call("read", a, pupil_id)  # after the other schools' attempts: a third read
    shown = _shown_pseudonyms(config, (created, read, again, later))
    _pseudonym_kept(results, sent, [*shown, *listed_pseudonyms(listed, config, pupil_id)])
    erased = _erased(client, config, results, pupil_id, sent)
    # every answer but the inzage export (which holds what is stored): a refusal must not
    # echo what it refused, nor a DELETE what it deletes
    replies = (refused, created, read, *listed, anonymous_delete, again, *others, later, *erased)
    _no_canaries(results, identifying(config, pupil), replies)


def _no_canaries(results: Results, canaries: list[str], replies: tuple[Response, ...]) -> None:
    """API-001: none of the pupil's identifying values in any of the answers."""
    if not canaries:  # nothing identifying sent: nothing examined, never a pass
        return
    leaked = [c for c in canaries if any(contains(r, c) for r in replies)]
    where = next((r.line for r in replies if any(contains(r, c) for c in leaked)), "")
    results.check(
        "API-001",
        not leaked,
        "identifying data sent in came back in responses: "
        + ", ".join(redact(c) for c in leaked)
        + (f" (first in {where})" if where else ""),
    )


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


def _shown_pseudonyms(config: ProbeConfig, replies: tuple[Response, ...]) -> list[object]:
    """The pseudonyms the successful answers show; an answer that omits it (a minimal read)
    has not changed it."""
    return [
        value
        for reply in replies
        if reply.status < 300 and (value := field_of(reply, config.pseudonym_field)) is not None
    ]


def _pseudonym_kept(results: Results, sent: str, shown: list[object]) -> None:
    """Every answer that shows the pseudonym — created, read, read again and later, each list
    entry — shows the one sent (the first shown, where the map sends none); none showing it is
    nothing examined."""
    if shown:
        kept = sent or shown[0]
        results.check(
            "API-002",
            all(value == kept for value in shown),
            f"the same pupil did not keep the pseudonym it was given ({len(shown)} answers "
            f"showed it, {sum(value != kept for value in shown)} another one)",
        )


def _other_school_and_no_one(
    client: Client, config: ProbeConfig, results: Results, pupil_id: str, pseudonym: str
) -> list[Response]:
    """School B and a request without credentials get nothing of school A's pupil (its
    answers are returned, to be searched for the pupil's canaries)."""
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
        not any(shows_pupil(page, config, pupil_id, pseudonym) for page in other_list),
        "school B's list contains school A's pupil",
    )
    return [*asked.values(), *other_list]


def _erased(
    client: Client, config: ProbeConfig, results: Results, pupil_id: str, pseudonym: str
) -> list[Response]:
    """After its school's DELETE, no read, export or list page returns the pupil (the answers
    but the export are returned, to be searched for the pupil's canaries)."""
    a = config.credentials[0]
    deleted = client.call("delete", a, pupil_id)
    gone = client.call("read", a, pupil_id)
    export = client.call("access", a, pupil_id)
    pages = list_pages(client, a)
    listed = any(shows_pupil(page, config, pupil_id, pseudonym) for page in pages)
    results.check(
        "API-004",
        gone.status in GONE and export.status in GONE and not listed,
        f"after DELETE the pupil is still returned (read {gone.status}, inzage export "
        f"{export.status}{', and listed' if listed else ''})",
    )
    return [deleted, gone, *pages]


def _malformed(
    client: Client, config: ProbeConfig, results: Results, pupil: dict[str, str]
) -> None:
    """Malformed and boundary input: never a 5xx, never an echo of what was sent."""
    bodies = _examples(malformed_bodies, _MALFORMED, config.seed)
    canaries = [pupil[f] for f, kind in config.payload.items() if kind in _ECHOED and f in pupil]
    name = next(iter(canaries), "Canary")
    bodies.append(b'{"firstName": "' + name.encode() + b'", ')  # truncated, with a canary
    for body in bodies:
        reply = client.call("provision", config.credentials[0], body=body)
        echoed = _echoed(reply, canaries)
        results.check(
            "API-005",
            400 <= reply.status < 500 and not echoed,
            f"malformed input got {reply.status}" + (" and the error echoes it" if echoed else ""),
        )
    for body in _wrong_types(config, pupil):
        # well-formed JSON an API may accept (a bulk array, a coerced number): only a 5xx, or
        # an error repeating the canary, fails
        reply = client.call("provision", config.credentials[0], body=body)
        _lenient(results, reply, canaries, "the pupil's fields with wrong JSON types")
    if "update" in config.endpoints:
        _malformed_updates(client, config, results, pupil, [*bodies[:3], bodies[-1]])


_ECHOED = IDENTIFYING - FORBIDDEN  # the values a malformed body carries (never a BSN)


def _another(pseudonym: str) -> str:
    """A pseudonym of the same form as one sent, its last hex digit another one."""
    last = pseudonym[-1:]
    if last.lower() in "0123456789abcdef" and last:
        return pseudonym[:-1] + format((int(last, 16) + 1) % 16, "x")
    return pseudonym + "0"


def _malformed_updates(
    client: Client,
    config: ProbeConfig,
    results: Results,
    pupil: dict[str, str],
    bodies: list[bytes],
) -> None:
    """The update endpoint gets malformed bodies too, for a pupil provisioned for them (and
    deleted after): a valid partial update may be accepted, a 5xx or an error repeating a
    canary fails. A bounded few requests: a provisioning, the bodies, a DELETE."""
    a = config.credentials[0]
    fields = {k: v for k, v in pupil.items() if k not in forbidden_fields(config)}
    if config.pseudonym_field in fields:  # its own pseudonym: never the deleted pupil's
        fields[config.pseudonym_field] = _another(fields[config.pseudonym_field])
    created = client.call("provision", a, body=json.dumps(fields).encode())
    if created.status >= 300:
        return  # provisioning worked in the lifecycle: a refusal here proves nothing
    pupil_id = pupil_id_of(created, config, list(fields.values()))
    canaries = [v for f, v in fields.items() if config.payload.get(f) in _ECHOED]
    for body in [*bodies, *_wrong_types(config, fields)]:
        reply = client.call("update", a, pupil_id, body)
        _lenient(results, reply, canaries, "an update with malformed input")
    client.call("delete", a, pupil_id)


def _lenient(results: Results, reply: Response, canaries: list[str], what: str) -> None:
    """API-005 for input a lenient API may accept: only a 5xx, or an error repeating one of
    the canaries, fails."""
    echoed = reply.status >= 400 and _echoed(reply, canaries)
    results.check(
        "API-005",
        reply.status < 500 and not echoed,
        f"{what} got {reply.status}" + (" and the error echoes it" if echoed else ""),
    )


def _echoed(reply: Response, canaries: list[str]) -> bool:
    """Whether an answer repeats any of the canaries (not only the first: an error may quote
    the surname and the address and leave out the given name)."""
    return any(contains(reply, canary) for canary in canaries)


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
    among them. Compared value by value: a value is in the export as one of its values, or as
    a whole word inside one ("5a" in "groep 5a"), never as a part of one ("7" in a hex id)."""
    shown = read.json() if read.status == 200 else None
    values = {
        name: str(value)
        for name, value in (shown.items() if isinstance(shown, dict) else ())
        if isinstance(value, str | int | float)
        and not isinstance(value, bool)
        and value != ""
        and name.casefold() not in _RESOURCE_MARKS
    }
    values.setdefault(field, pseudonym)
    exported = scalars(access.json()) if access.json() is not None else [access.text]
    return [name for name, value in values.items() if not _among(value, exported)][:5]


# What a read says of the resource, not of the pupil ({"object": "pupil", "version": 2}):
# an export need not repeat it.
_RESOURCE_MARKS = frozenset({"object", "type", "kind", "version", "etag"})


def _among(value: str, exported: list[str]) -> bool:
    wanted = value.casefold()
    word = re.compile(rf"(?<![0-9a-z]){re.escape(wanted)}(?![0-9a-z])")
    return any(wanted == text.casefold() or word.search(text.casefold()) for text in exported)


def _identifiers_in_urls(
    results: Results, config: ProbeConfig, pupil: dict[str, str], pupil_id: str
) -> None:
    """The supplier's pupil id goes into every read and delete URL, and URLs end up in access
    logs, proxies and browser histories: it must hold no pseudonym and no personal data — nor
    a part of the pseudonym (16 hex characters or more of an ECK iD, hyphens aside)."""
    pseudonym = str(pupil.get(config.pseudonym_field, ""))
    parts = {pseudonym, pseudonym.rsplit("/", 1)[-1]}  # the ECK iD and its hex part
    secrets = [*parts, *identifying(config, pupil)]
    inside = {s for s in secrets if len(s) >= 6 and s.lower() in pupil_id.lower()}
    cut = _shared_hex(pupil_id, pseudonym.rsplit("/", 1)[-1])
    what = "its pseudonym" if inside & parts or cut else "personal data"
    results.check(
        "API-007", not inside and not cut, f"the pupil's URL carries {what} ({redact(pupil_id)})"
    )


_HEX_PART = 16  # hex characters of a pseudonym that prove it is in an id
_HEX_RUN = re.compile(rf"[0-9a-f]{{{_HEX_PART},}}")


def _shared_hex(pupil_id: str, hexpart: str) -> bool:
    """Whether the id holds _HEX_PART or more consecutive hex characters of the pseudonym's
    (a prefix, or any other part; a UUID's hyphens and other separators left out)."""
    hexpart = hexpart.lower()
    if len(hexpart) < _HEX_PART:
        return False
    for run in _HEX_RUN.findall(re.sub(r"[-_:.{}]", "", pupil_id.lower())):
        windows = (run[i : i + _HEX_PART] for i in range(len(run) - _HEX_PART + 1))
        if any(window in hexpart for window in windows):
            return True
    return False


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
        _NOTHING.get(rid, _NOTHING[""]),
    )


_NOTHING = {
    "": "nothing to examine: probe.payload sends no value of the kind this probe needs",
    "API-002": "nothing to examine: no answer showed the pseudonym field (probe.fields."
    "pseudonym) to compare with the one sent",
}
