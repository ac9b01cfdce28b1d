"""LNK-001: pseudonyms that anyone holding the personal number can recompute or guess."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from conformance.checks.base import Check, CheckDoc, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.tally import times
from conformance.detect.derivation import derivation_of, normalise, public_scrypt
from conformance.detect.pseudonyms import PseudonymKind, classify_pseudonym
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass
from conformance.model.records import Record
from conformance.model.verdict import Confidence, Severity

# Fields whose values could have been turned into the pseudonym.
_SECRET_CATEGORIES = frozenset(
    {"bsn", "onderwijsnummer", "sofinummer", "national-id", "email", "username"}
)
_PGN_CATEGORIES = frozenset({"bsn", "onderwijsnummer"})
_SCRYPT_BUDGET = 3  # records checked against the public-salt scrypt (1.4 s each)
_SAMPLE = 100_000  # pseudonyms kept for the sequence and length analysis
_GUESSABLE_LENGTH = 16
_SEQUENTIAL_SHARE = 0.8


@register
class DerivablePseudonym(Check):
    requirement = "LNK-001"
    doc = CheckDoc(
        what="No pseudonym equals a transform of a personal number or identity value in the "
        "same record — the value itself, its hex or base64 encoding, an unsalted MD5, SHA-1, "
        "SHA-256 or SHA-512 digest (hex or base64, truncated or not), or the first-level "
        "scrypt hash with the salt Kennisnet once published — and pseudonyms are not short, "
        "numeric or consecutive.",
        why="A pseudonym that anyone holding the BSN can recompute is the BSN in disguise: the "
        "Kamer was told the ECK iD is not derived one-to-one from the personal number. Short "
        "or consecutive pseudonyms can be guessed and enumerated.",
        failing='{"bsn": "…", "pseudonym": "<sha256 of that bsn>"}  or  pseudonyms 1001, 1002, '
        "1003 …",
        passing='{"eckId": "https://ketenid.nl/201703/<128 hex from the Nummervoorziening>"}',
        fix="Use the ECK iD from the Nummervoorziening; never make pseudonyms by hashing or "
        "numbering pupils yourself.",
    )
    nothing_examined = "no record carries a pseudonym"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.secret_fields = ShapeCache(self._secret_fields)
        self.scrypt_budget = _SCRYPT_BUDGET
        self.sample: list[tuple[str, Location]] = []

    def not_applicable(self) -> str | None:
        if self.ctx.profile.pseudonym is None:
            return "the profile declares no pseudonym: this exchange is not pseudonymous"
        return None

    def _secret_fields(self, record: Record) -> tuple[tuple[str, bool], ...]:
        """(path, is a personal number) of the fields in this shape a pseudonym could be
        derived from: personal numbers, e-mail, username and the sender's own key."""
        found = []
        for path in record.fields:
            rule = self.ctx.rule(path)
            if rule is None:
                continue
            if rule.cls is FieldClass.KEY or rule.category in _SECRET_CATEGORIES:
                found.append((path, rule.category in _PGN_CATEGORIES))
        return tuple(found)

    def visit(self, record: Record) -> None:
        if not self.ctx.profile.is_subject(record.kind):
            return
        found = self.ctx.pseudonym(record)
        if found is None:
            return
        field, values = found
        secrets = [
            (path, pgn)
            for path, pgn in self.secret_fields.get(self.ctx.shape(record), record)
            if path != field
        ]
        for value in values:
            self.examined += 1
            tail = normalise(value)
            if len(tail) < _GUESSABLE_LENGTH and len(self.sample) < _SAMPLE:
                self.sample.append((tail, Location(record.input, record.line, record.path)))
            for path, pgn in secrets:
                self._compare(record, field, value, path, pgn)

    def _compare(self, record: Record, field: str, value: str, path: str, pgn: bool) -> None:
        secrets = record.fields[path]
        how = derivation_of(value, secrets)
        hpgn = classify_pseudonym(normalise(value)) is PseudonymKind.HPGN
        if how is None and pgn and hpgn and self.scrypt_budget > 0:
            self.scrypt_budget -= 1
            if any(public_scrypt(s.strip()) == normalise(value) for s in secrets):
                how = "the first-level scrypt hash with Kennisnet's published salt"
        if how is not None:
            self.tally.add((field, path, how), record)

    def finish(self) -> Iterable[Finding]:
        findings = self.tally.findings(
            lambda key, n: (
                f"pseudonym '{key[0]}' is {key[2]} of '{key[1]}' ({times(n)}): "
                "anyone holding that value can recompute it"
            ),
            field_of=lambda key: key[0],
        )
        return findings + _guessable(self.requirement, self.sample, self.examined)


def _guessable(requirement: str, short: list[tuple[str, Location]], total: int) -> list[Finding]:
    """Short and consecutive pseudonyms (``short`` holds those under 16 characters)."""
    if total < 2 or not short:
        return []
    tails = [t for t, _ in short]
    findings = []
    if len(short) * 2 >= total:
        findings.append(
            Finding(
                requirement=requirement,
                message=f"{len(short):,} of {total:,} pseudonyms have fewer than "
                f"{_GUESSABLE_LENGTH} characters: short pseudonyms can be guessed "
                "(an ECK iD has 128)",
                location=short[0][1],
                severity=Severity.MEDIUM,
                confidence=Confidence.HIGH,
                occurrences=len(short),
            )
        )
    numbers = sorted(int(t) for t in tails if t.isdigit())
    steps = [b - a for a, b in pairwise(numbers)]
    if len(numbers) >= 3 and sum(1 for s in steps if s == 1) >= _SEQUENTIAL_SHARE * len(steps):
        findings.append(
            Finding(
                requirement=requirement,
                message=f"{len(numbers):,} pseudonyms are consecutive numbers: one pupil's "
                "pseudonym reveals the others'",
                location=short[0][1],
                severity=Severity.HIGH,
                confidence=Confidence.HIGH,
                occurrences=len(numbers),
            )
        )
    return findings
