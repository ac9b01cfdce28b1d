"""The stateful probe: random interleavings of provision / read / update / list / export /
delete across two schools (``hypothesis.stateful``), the privacy properties checked after
every step.

The lifecycle probe walks one pupil through its life in a fixed order; real mistakes hide in
orders it never tries — a list after another pupil's delete, a read by school B of a pupil
provisioned after B's own. The machine keeps a model of what each school may see and fails
on the first step the API disagrees with it.

A failing sequence is shrunk by hypothesis, within a bounded number of requests (every shrink
attempt is more traffic to a supplier's test environment): once the allowance is spent, further
attempts are skipped without a request, and the smallest failing sequence found — replayed once
more — is the finding's reproduction.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.errors import Flaky, FlakyFailure
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    get_state_machine_test,
    precondition,
    rule,
)

from conformance.detect.redact import redact
from conformance.model.errors import UserError
from conformance.probes.client import BudgetExhaustedError, Client, Response
from conformance.probes.common import (
    GONE,
    REFUSED,
    Results,
    contains,
    field_of,
    forbidden_fields,
    identifying,
    list_pages,
    listed_pseudonyms,
    pupil_body,
    pupil_id_of,
    shows_pupil,
)
from conformance.probes.config import ProbeConfig
from conformance.probes.strategies import pupils

_SEQUENCES = 6
_STEPS = 10
SHRINK_REQUESTS = 150  # the most a failing sequence may cost to shrink, beyond its first run
_RESERVE = 80  # requests kept for the final replay and the probes after the sequences
_SCHOOLS = ("A", "B")
_UNSTABLE = (
    "the API answered a replayed sequence differently (rate limiting, or state shared between "
    "runs?); lower probe.max_rate or use a fresh test environment"
)


class ViolationError(Exception):
    """The API disagreed with the model: ``rid`` is the requirement, ``message`` says how,
    ``steps`` are the requests of the sequence up to it."""

    def __init__(self, rid: str, message: str, steps: list[str] | None = None) -> None:
        super().__init__(rid, message)
        self.rid = rid
        self.message = message
        self.steps = steps or []


@dataclass
class _Pupil:
    id: str
    school: int
    pseudonym: str
    canaries: list[str]
    deleted: bool = False


@dataclass
class _Tally:
    """Counts each examination in the run's results; a violation stops the sequence (so that
    hypothesis sees it). ``steps`` are the current sequence's requests; ``failed_at`` the
    request count when the first violation was seen (shrinking began then); ``shortest`` the
    fewest requests that showed each requirement failing. Hypothesis shrinks towards the
    simplest rule choices, which is not always the fewest requests; every attempt is replayed
    by the same seed, so the shortest one is as good a reproduction and easier to read."""

    results: Results
    exhausted: bool = False  # the run's budget ran out inside a sequence
    first: ViolationError | None = None  # the first violation seen
    steps: list[str] = field(default_factory=list)
    failed_at: int | None = None
    shortest: dict[str, list[str]] = field(default_factory=dict)

    def expect(self, rid: str, ok: bool, message: str) -> None:
        self.results.examined[rid] += 1
        if ok:
            return
        if self.failed_at is None:
            self.failed_at = self.results.client.sent
            self.first = ViolationError(rid, message, list(self.steps))
        if rid not in self.shortest or len(self.steps) < len(self.shortest[rid]):
            self.shortest[rid] = list(self.steps)
        raise ViolationError(rid, message, list(self.steps))

    def reproduction(self, violation: ViolationError) -> list[str]:
        return min(violation.steps, self.shortest.get(violation.rid, violation.steps), key=len)

    def shrink_spent(self) -> bool:
        """Whether this sequence is a shrink attempt beyond the allowance (requests, and the
        run's budget less what the replay and the later probes need). The final replay of the
        smallest failing sequence always runs: it is the reproduction."""
        if self.exhausted:  # no request can be sent any more
            return True
        if self.failed_at is None or current_build_context().is_final:
            return False
        client, config = self.results.client, self.results.config
        allowance = min(SHRINK_REQUESTS, config.max_requests - self.failed_at - _RESERVE)
        late = client.elapsed() > config.max_seconds * 0.75
        return late or client.sent - self.failed_at >= allowance


@contextmanager
def _spending(tally: _Tally) -> Iterator[None]:
    """Requests of a sequence; the budget running out is noted, so that what hypothesis makes
    of the exception is not taken for the API's behaviour."""
    try:
        yield
    except BudgetExhaustedError:
        tally.exhausted = True
        raise


def probe_sequences(client: Client, config: ProbeConfig, results: Results) -> None:
    """Run the seeded sequences; the first violation becomes a finding with its sequence."""
    tally = _Tally(results)
    machine = _machine(client, config, tally)
    test = get_state_machine_test(
        machine,
        settings=settings(
            max_examples=_SEQUENCES,
            stateful_step_count=_STEPS,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,
            suppress_health_check=list(HealthCheck),
        ),
    )
    recorded = False
    try:
        recorded = _outcome(test, config, results, tally)
    except Exception:
        if not tally.exhausted:
            raise
    if tally.exhausted:
        # Inside hypothesis the exhausted budget is a failing sequence, then one that passes
        # on its replay (nothing can be sent): a "flaky" API it is not. A violation seen
        # before it is real; the run then ends on the budget, as everywhere else.
        if tally.first is not None and not recorded:
            results.fail(tally.first.rid, tally.first.message, tally.reproduction(tally.first))
        raise BudgetExhaustedError


def _outcome(
    test: Callable[[], None], config: ProbeConfig, results: Results, tally: _Tally
) -> bool:
    """Run the sequences; the first violation becomes a finding with its sequence (True)."""
    try:
        seed(config.seed)(test)()
    except ViolationError as violation:
        results.fail(violation.rid, violation.message, tally.reproduction(violation))
        return True
    except FlakyFailure as flaky:  # it failed once and not on the replay: still a failure
        first = next((e for e in flaky.exceptions if isinstance(e, ViolationError)), None)
        if tally.exhausted:  # the replay was skipped, not passed
            return False
        if first is None:
            raise UserError(config.source, None, _UNSTABLE) from None
        message = f"{first.message} (once; the replay of the sequence behaved)"
        results.fail(first.rid, message, tally.reproduction(first))
        return True
    except Flaky:
        if tally.exhausted:
            return False
        raise UserError(config.source, None, _UNSTABLE) from None
    return False


def _machine(client: Client, config: ProbeConfig, tally: _Tally) -> type[RuleBasedStateMachine]:
    forbidden = forbidden_fields(config)
    serials = itertools.count(config.seed % 100_000 * 1_000)  # fresh canaries in every attempt
    updates = "update" in config.endpoints

    class PupilLives(RuleBasedStateMachine):
        provisioned = Bundle("provisioned")

        def __init__(self) -> None:
            super().__init__()
            self.known: list[_Pupil] = []
            # a no-op attempt: it draws as usual (hypothesis insists) but sends nothing, so passes
            self.skipped = tally.shrink_spent()
            tally.steps = []

        def _call(
            self,
            role: str,
            school: int | None,
            pupil: _Pupil | None = None,
            body: bytes | None = None,
        ) -> Response:
            credential = None if school is None else config.credentials[school]
            with _spending(tally):
                reply = client.call(role, credential, None if pupil is None else pupil.id, body)
            who = "no credentials" if school is None else f"school {_SCHOOLS[school]}"
            tally.steps.append(f"{reply.line} as {who}")
            return reply

        def _no_canary(self, reply: Response) -> None:
            canaries = [c for p in self.known for c in p.canaries]
            if not canaries:
                return
            leaked = [c for c in canaries if contains(reply, c)]
            tally.expect(
                "API-001",
                not leaked,
                "identifying data sent in came back: " + ", ".join(redact(c) for c in leaked),
            )

        @rule(
            target=provisioned,
            school=st.sampled_from((0, 1)),
            data=pupils(config.payload, serials),
        )
        def provision(self, school: int, data: dict[str, str]) -> _Pupil:
            if self.skipped:
                return _Pupil("", school, "", [], deleted=True)
            reply = self._call("provision", school, body=pupil_body(data, without=forbidden))
            if reply.status >= 300:
                raise UserError(
                    config.source,
                    "probe.endpoints.provision",
                    f"provisioning failed ({reply.status})",
                )
            pupil = _Pupil(
                id=pupil_id_of(reply, config, [str(v) for v in data.values()]),
                school=school,
                pseudonym=str(data.get(config.pseudonym_field, "")),
                canaries=identifying(config, data),
            )
            self.known.append(pupil)
            self._no_canary(reply)
            shown = field_of(reply, config.pseudonym_field)
            if shown is not None:
                tally.expect(
                    "API-002",
                    shown == pupil.pseudonym,
                    "the API answered with another pseudonym than it was sent",
                )
            return pupil

        @rule(pupil=provisioned)
        def read(self, pupil: _Pupil) -> None:
            """The pupil as its school, the other school and no one sees it."""
            if self.skipped:
                return
            other = 1 - pupil.school
            for school in (pupil.school, other, None):
                reply = self._call("read", school, pupil)
                self._no_canary(reply)
                if school is None:
                    tally.expect(
                        "API-003",
                        reply.status in REFUSED,
                        f"a read without credentials got {reply.status}",
                    )
                elif school == other:
                    tally.expect(
                        "API-003",
                        reply.status in REFUSED,
                        f"another school read the pupil ({reply.status})",
                    )
                elif pupil.deleted:
                    tally.expect(
                        "API-004",
                        reply.status in GONE,
                        f"a deleted pupil is still returned ({reply.status})",
                    )
                else:
                    self._same_pseudonym(pupil, reply)

        def _same_pseudonym(self, pupil: _Pupil, reply: Response) -> None:
            """API-002 where an answer shows the pseudonym (one that omits it has not changed
            it, and is nothing examined)."""
            shown = field_of(reply, config.pseudonym_field) if reply.status < 300 else None
            if shown is not None:
                tally.expect(
                    "API-002",
                    shown == pupil.pseudonym,
                    "the pupil's pseudonym changed between calls",
                )

        @precondition(lambda _: updates)
        @rule(pupil=provisioned, data=pupils(config.payload, serials))
        def update(self, pupil: _Pupil, data: dict[str, str]) -> None:
            """New identifying data for the same pupil: another school may not change it, the
            new values are not echoed, the pseudonym stays and a deleted pupil stays gone."""
            if self.skipped:
                return
            body = pupil_body(data | {config.pseudonym_field: pupil.pseudonym}, without=forbidden)
            other = self._call("update", 1 - pupil.school, pupil, body)
            tally.expect(
                "API-003",
                other.status in REFUSED,
                f"another school updated the pupil ({other.status})",
            )
            pupil.canaries = [*pupil.canaries, *identifying(config, data)]
            reply = self._call("update", pupil.school, pupil, body)
            self._no_canary(reply)
            if pupil.deleted:
                tally.expect(
                    "API-004",
                    reply.status in GONE,
                    f"a deleted pupil could still be updated ({reply.status})",
                )
                return
            if reply.status >= 500:
                tally.expect("API-002", False, f"an update of the pupil failed ({reply.status})")
            elif reply.status >= 300:
                return  # a refused update (405, or 422 for names it does not take) kept it
            self._same_pseudonym(pupil, reply)

        @rule()
        def list_pupils(self) -> None:
            if self.skipped:
                return
            for school in (0, 1):
                pages = self._pages(school)
                for page in pages:
                    self._no_canary(page)
                listed = [
                    p
                    for p in self.known
                    if any(shows_pupil(page, config, p.id, p.pseudonym) for page in pages)
                ]
                foreign = [p for p in listed if p.school != school]
                tally.expect("API-003", not foreign, "a school's list holds another school's pupil")
                gone = [p for p in listed if p.deleted]
                tally.expect("API-004", not gone, "a list still holds a deleted pupil")
                for pupil in listed:
                    for shown in listed_pseudonyms(pages, config, pupil.id):
                        tally.expect(
                            "API-002",
                            shown == pupil.pseudonym,
                            "the pupil's pseudonym in a list is another than it was given",
                        )

        def _pages(self, school: int) -> list[Response]:
            """Every page of the school's list, each request in the sequence's steps (those
            not asked again, as nothing changed since, too: a replay asks for them)."""
            with _spending(tally):
                pages = list_pages(client, config.credentials[school])
            who = f"school {_SCHOOLS[school]}"
            tally.steps.extend(f"{page.line} as {who}" for page in pages)
            return pages

        @rule(pupil=provisioned)
        def export(self, pupil: _Pupil) -> None:
            if self.skipped:
                return
            other = self._call("access", 1 - pupil.school, pupil)
            tally.expect(
                "API-003",
                other.status in REFUSED,
                f"another school got the pupil's inzage export ({other.status})",
            )
            reply = self._call("access", pupil.school, pupil)
            if pupil.deleted:
                tally.expect(
                    "API-004",
                    reply.status in GONE,
                    f"a deleted pupil's inzage export is still served ({reply.status})",
                )
            else:
                tally.expect(
                    "API-004",
                    reply.status == 200 and contains(reply, pupil.pseudonym),
                    f"the inzage export misses the pupil's stored data ({reply.status})",
                )

        @rule(pupil=provisioned)
        def delete(self, pupil: _Pupil) -> None:
            if self.skipped:
                return
            if pupil.deleted:
                return
            self._no_canary(self._call("delete", 1 - pupil.school, pupil))  # changes nothing
            kept = self._call("read", pupil.school, pupil)
            self._no_canary(kept)
            tally.expect(
                "API-003",
                kept.status == 200,
                f"another school's DELETE removed the pupil ({kept.status})",
            )
            self._same_pseudonym(pupil, kept)
            self._no_canary(self._call("delete", pupil.school, pupil))  # nor what it deletes
            pupil.deleted = True
            reply = self._call("read", pupil.school, pupil)
            self._no_canary(reply)
            tally.expect(
                "API-004",
                reply.status in GONE,
                f"after DELETE the pupil is still returned ({reply.status})",
            )

    return PupilLives
