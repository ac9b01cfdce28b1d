"""LNK-001 and LNK-002: pseudonyms anyone can recompute or guess, and code lists that pair
pseudonyms with identities."""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import pairwise
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np

from conformance.checks.base import Check, Progress, document, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.offload import Offload, SpawnPool
from conformance.checks.pseudonym import production_pseudonyms
from conformance.checks.spill import PartitionedRows, digest64, digests64
from conformance.checks.tally import record_location, safe_location, times
from conformance.detect.derivation import (
    COMMON_DIGESTS,
    EVERY_ROW_BEFORE,
    SAMPLED_ROWS,
    derivation_of,
    eckids_disjoint,
    normalise,
    public_scrypt,
    tail_derivation,
)
from conformance.detect.fieldnames import compact_name, names_persons, names_staff
from conformance.detect.preimage import Hit, deep_search, digest_of
from conformance.detect.pseudonyms import (
    ECKID_PRODUCTION_PREFIX,
    PseudonymKind,
    classify_pseudonym,
)
from conformance.detect.redact import redact
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass
from conformance.model.records import Record, RecordBatch, RecordWindow
from conformance.model.requirements import CheckDoc
from conformance.model.verdict import Confidence, Severity

# Fields whose values could have been turned into the pseudonym.
_SECRET_CATEGORIES = frozenset(
    {"bsn", "onderwijsnummer", "sofinummer", "national-id", "email", "username"}
)
_PGN_CATEGORIES = frozenset({"bsn", "onderwijsnummer"})
_SCRYPT_BUDGET = 3  # records checked against the public-salt scrypt (1.4 s each)
_SAMPLE = 100_000  # pseudonyms kept for the sequence and length analysis
_GUESSABLE_LENGTH = 16
_DEEP_TARGETS = 10_000
# Production ECK iDs given to --deep: a sample, since one preimage shows how they all were made
# (an ECK iD the supplier made as the SHA-512 of the BSN has an issued one's form)
_DEEP_ECKIDS = 1_000
_SEQUENTIAL_SHARE = 0.8
# Pseudonyms compared record by record are tried in every form derivation_of knows (twelve
# digests, a digest inside a UUID or after a prefix, name-based UUIDs) in the first records;
# then in the common digests' forms only, unless a pseudonym there needed more (each form costs
# per record — a UUID's inner form five times a random UUID's check — and a supplier hashing
# pupils hashes them all alike)
_EVERY_DIGEST_RECORDS = 1_000
# Pseudonyms looked at for how they were made rather than from what: a run of equal characters
# (zero padding, a counter), a long head shared with another (a constant and a counter), a key
# in clear at either end. A scheme makes every pupil's alike, so the first records of every
# batch tell (a few string tests a record, on a sample: the first records, then one in every
# _WEAK_STRIDE, where a scheme begun later is met too).
_WEAK_FIRST = 4_096
_WEAK_STRIDE = 1_024
_INNER_FIRST = 1_024  # a digest inside: the first records only, then the stride's
_WEAK_HEADS = 50_000  # heads remembered at most
_RUN = re.compile(r"(.)\1{15}")  # 16 equal characters: 16^-15 at a place in random hex
_SHARED_HEAD = 32  # two random hex tails share 32 leading characters with chance 16^-32
_HEX = re.compile(r"[0-9a-fA-F]+")
_IN_CLEAR_MIN = 8  # a shorter key at either end of random hex is chance (2 in 16^len)
_IN_CLEAR = "built around the value (in clear at one end)"
# A shorter digest's hex inside a longer pseudonym (SHA-256 of the key twice over, or after 64
# random characters, makes 128 hex): looked for on the sample, whole digests only
_INNER_DIGESTS = ("md5", "sha1", "sha256")
_SHORTEST_INNER = 32  # an MD5's hex: a pseudonym must be longer to hold one among more
_DIGEST_INSIDE = "built around an MD5, SHA-1 or SHA-256 digest (hex) of the value"


@register
class DerivablePseudonym(Check):
    requirement = "LNK-001"
    doc = CheckDoc(
        what="No pseudonym equals a transform of a personal number or identity value in the "
        "same record — the value itself, its hex or base64 encoding, an unsalted MD5, SHA-1, "
        "SHA-2, SHA-3 or BLAKE2 digest (hex or base64, truncated or not, written as a UUID or "
        "after a prefix), a name-based UUID, or the first-level "
        "scrypt hash with the salt Kennisnet once published, or built around the value or a "
        "digest of it — and pseudonyms are not short, numeric, consecutive or padded (an ECK "
        "iD's 128 characters are random: no run of 16 equal ones, no head shared with "
        "another's).",
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
        self.every_digest_left = _EVERY_DIGEST_RECORDS
        self.later_everything = False  # a rarer digest or an inner form made one in the sample
        self.sample: list[tuple[str, Location]] = []
        self.digests: dict[bytes, Location] = {}  # digest-shaped pseudonyms, for --deep
        self.eckid_digests = 0  # production ECK iDs among them
        self.deep_findings: list[Finding] = []
        # the digests of every key's variants, column by column, on a second core when there is
        # one (see :func:`eckids_disjoint`)
        self.offload: Offload[list[_Part], list[_Column], list[bool | None]]
        self.offload = Offload(eckids_disjoint)
        self.weak = _WeakTails()

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
            tail = normalise(value)
            if _weak_sampled(self.examined):
                inner = _inner_sampled(self.examined)
                self._look_at(record, field, tail, [path for path, _ in secrets], inner)
            self.examined += 1
            if len(tail) < _GUESSABLE_LENGTH and len(self.sample) < _SAMPLE:
                self.sample.append((tail, record_location(record)))
            for path, pgn in secrets:
                self._compare(record, field, value, path, pgn)
            raw = digest_of(tail) if len(self.digests) < _DEEP_TARGETS else None
            if raw is not None:  # (the pseudonym's kind asked only of a digest-shaped one)
                eckid = classify_pseudonym(value) is PseudonymKind.ECKID
                self._target(raw, eckid, partial(record_location, record))

    def visit_window(self, window: RecordWindow) -> None:
        """A column of production ECK iDs is neither short nor an HPgn (so the scrypt does not
        apply; --deep gets a sample of their digests), and of the derived forms only a 64-byte
        digest in hex has an ECK iD's 128 characters: those digests of each secret are what is
        left to compare, in record order."""
        if not self.ctx.profile.is_subject(window.kind):
            return  # no pseudonym to derive: values outside the records, say
        columns = [production_pseudonyms(self.ctx, batch) for batch in window.batches]
        if None in columns:
            self._settle()  # findings in record order: the windows before this one first
            super().visit_window(window)
            return
        start = self.examined  # the records before this window: where it stands in the input
        self.examined += len(window)
        present = [column for column in columns if column is not None]
        for batch, (_, values) in zip(window.batches, present, strict=True):
            self._sample_eckids(batch, values)
        plans = [  # per batch: its pseudonym field and the fields it could derive from
            (field, [p for p, _ in self.secret_fields.get(b.shape, b.first) if p != field])
            for b, (field, _) in zip(window.batches, present, strict=True)
        ]
        prefix = len(ECKID_PRODUCTION_PREFIX)
        for batch, (field, values), (_, secrets) in zip(
            window.batches, present, plans, strict=True
        ):
            for index in _weak_indices(batch, start, len(window)):
                inner = _inner_sampled(start + batch.rows[index])
                tail = values[index][prefix:]
                self._look_at(batch.record(index), field, tail, secrets, inner)
        if not any(secrets for _, secrets in plans):
            return
        parts = [
            _Part(batch, field, values, order, path)
            for batch, (field, values), (_, secrets) in zip(
                window.batches, present, plans, strict=True
            )
            for order, path in enumerate(secrets)
        ]
        work = [_column(p, prefix, start) for p in parts]
        for done, answers in self.offload.submit(parts, work, window.input_bytes):
            self._tally_window(done, answers)

    def _sample_eckids(self, batch: RecordBatch, values: list[str]) -> None:
        """The first production ECK iDs' digests, for --deep (see :data:`_DEEP_ECKIDS`)."""
        prefix = len(ECKID_PRODUCTION_PREFIX)
        for row, value in enumerate(values):
            if self.eckid_digests >= _DEEP_ECKIDS or len(self.digests) >= _DEEP_TARGETS:
                return
            raw = digest_of(value[prefix:])
            if raw is not None:
                self._target(raw, True, partial(_location_at, batch, row))

    def _target(self, raw: bytes, eckid: bool, where: Callable[[], Location]) -> None:
        """A digest for --deep to search, with where it stands (made only for a new one); of
        production ECK iDs no more than :data:`_DEEP_ECKIDS`."""
        if raw in self.digests or (eckid and self.eckid_digests >= _DEEP_ECKIDS):
            return
        self.digests[raw] = where()
        self.eckid_digests += eckid

    def _tally_window(self, parts: list[_Part], disjoint: list[bool | None]) -> None:
        """The window's derivations, in record order (row, then the field's order): only in
        batches whose ECK iDs may be among their keys' digests, one record at a time."""
        hits: list[tuple[int, int, str, str, str, Record]] = []
        for part, apart in zip(parts, disjoint, strict=True):
            if apart is not True:
                hits += _batch_derivations(part)
        for *_, field, path, how, record in sorted(hits, key=itemgetter(0, 1)):
            self.tally.add((field, path, how), record)

    def deepen(self, budget_seconds: float, progress: Progress | None) -> None:
        """Search all BSNs and onderwijsnummers for a preimage of a digest-shaped pseudonym."""
        self._settle()  # the offload worker idle before the search starts its processes
        if not self.digests:
            return
        report = None
        if progress is not None:
            report = lambda share, seconds: progress("LNK-001 deep search", share, seconds)  # noqa: E731
        hit = deep_search(self.digests, budget_seconds, report, pool=SpawnPool)
        if hit is None:
            return
        where = next(loc for raw, loc in self.digests.items() if _digest_matches(raw, hit))
        where = safe_location(where)
        self.deep_findings.append(
            Finding(
                requirement=self.requirement,
                message=f"a pseudonym is the unsalted {hit.algorithm.upper()} of the "
                f"{hit.kind} {redact(hit.number)}, found by trying every {hit.kind}: anyone "
                "can reverse these pseudonyms",
                location=where,
                evidence=redact(hit.number),
            )
        )

    def _look_at(
        self, record: Record, field: str, tail: str, secrets: list[str], inner: bool
    ) -> None:
        """How a pseudonym was made, on a sample (:func:`_weak_sampled`): a key of the record
        in clear at either end of it, or (``inner``: on a smaller sample, six digests a value)
        a shorter digest of it inside, is a derivation; a run or a shared head, no
        randomness."""
        for path in secrets:
            for secret in map(str.strip, record.fields[path]):
                if _IN_CLEAR_MIN <= len(secret) < len(tail) and (
                    tail.startswith(secret) or tail.endswith(secret)
                ):
                    self.tally.add((field, path, _IN_CLEAR), record)
            if inner and len(tail) > _SHORTEST_INNER and _holds_a_digest(tail, record.fields[path]):
                self.tally.add((field, path, _DIGEST_INSIDE), record)
        self.weak.look_at(tail, record)

    def _compare(self, record: Record, field: str, value: str, path: str, pgn: bool) -> None:
        secrets = record.fields[path]
        sampled = self.every_digest_left > 0
        self.every_digest_left -= 1
        if sampled or self.later_everything:
            how = derivation_of(value, secrets)
            # found, but not by the common digests alone: every form for every record from now
            if sampled and how is not None and not self.later_everything:
                common = derivation_of(value, secrets, COMMON_DIGESTS, inner=False)
                self.later_everything = common is None
        else:
            how = derivation_of(value, secrets, COMMON_DIGESTS, inner=False)
        hpgn = classify_pseudonym(normalise(value)) is PseudonymKind.HPGN
        if how is None and pgn and hpgn and self.scrypt_budget > 0:
            self.scrypt_budget -= 1
            if any(public_scrypt(s.strip()) == normalise(value) for s in secrets):
                how = "the first-level scrypt hash with Kennisnet's published salt"
        if how is not None:
            self.tally.add((field, path, how), record)

    def _settle(self) -> None:
        for parts, answers in self.offload.drain():
            self._tally_window(parts, answers)

    def finish(self) -> Iterable[Finding]:
        self._settle()
        findings = self.tally.findings(
            lambda key, n: (
                f"pseudonym '{key[0]}' is {key[2]} of '{key[1]}' ({times(n)}): "
                "anyone holding that value can recompute it"
            ),
            field_of=lambda key: key[0],
        )
        guessable = _guessable(self.requirement, self.sample, self.examined)
        return findings + guessable + self.weak.findings(self.requirement) + self.deep_findings


class _Part(NamedTuple):
    """One batch's pseudonym column and one of the fields it could be derived from."""

    batch: RecordBatch
    field: str
    values: list[str]
    order: int  # the field's place among the batch's secret fields
    path: str


# (keys, the first rows' keys, the pseudonyms joined by newlines, their common prefix's length)
_Column = tuple[list[str], list[str], str, int]


def _column(part: _Part, prefix: int, start: int) -> _Column:
    """What a worker is handed of a part (see :func:`eckids_disjoint`): its keys, and those
    of its sampled rows — all of them in the input's first windows (``start``: the records
    before this window), else the first :data:`SAMPLED_ROWS`."""
    keys, rows = part.batch.values(part.path)
    first = keys if start < EVERY_ROW_BEFORE else keys[: bisect_left(rows, SAMPLED_ROWS)]
    return keys, first, "\n".join(part.values), prefix


def _location_at(batch: RecordBatch, row: int) -> Location:
    return record_location(batch.record(row))


def _batch_derivations(part: _Part) -> list[tuple[int, int, str, str, str, Record]]:
    """The batch's records whose ECK iD is a 64-byte digest (SHA-512, SHA3-512, BLAKE2b) of the
    field's value, each with its place in the window (row, then the field's order)."""
    hits = []
    for index, value in enumerate(part.values):
        record = part.batch.record(index)
        secrets = record.fields[part.path]
        how = tail_derivation(value[len(ECKID_PRODUCTION_PREFIX) :], secrets)
        if how is not None:
            hits.append((part.batch.rows[index], part.order, part.field, part.path, how, record))
    return hits


def _holds_a_digest(tail: str, secrets: list[str]) -> bool:
    """Whether the pseudonym holds the hex of a shorter digest of the value, as written or
    in lower case (six digests a value: the forms seen, not every variant LNK-001 tries)."""
    lowered = tail.lower()  # (a whole digest is derivation_of's, with its name)
    forms = {form for s in secrets for form in (s.strip(), s.strip().lower()) if form}
    for form in forms:
        raw = form.encode()
        for name in _INNER_DIGESTS:
            digest = hashlib.new(name, raw).hexdigest()
            if len(digest) < len(lowered) and digest in lowered:
                return True
    return False


def _weak_indices(batch: RecordBatch, start: int, window: int) -> Iterator[int]:
    """The batch's records :func:`_weak_sampled` picks (``start``: the records before its
    window of ``window`` rows). A window of one shape, the common one, holds its rows in
    order: they are picked without a test per row."""
    if len(batch) != window:
        return (i for i, row in enumerate(batch.rows) if _weak_sampled(start + row))
    first = range(min(window, max(0, _WEAK_FIRST - start)))
    strided = range(-start % _WEAK_STRIDE, window, _WEAK_STRIDE)
    return iter(sorted({*first, *strided}))


def _inner_sampled(index: int) -> bool:
    """Of those, whether its pseudonym is searched for a shorter digest of its keys."""
    return index < _INNER_FIRST or index % _WEAK_STRIDE == 0


def _weak_sampled(index: int) -> bool:
    """Whether the pseudonym of the input's ``index``-th record is looked at for how it was
    made (the same records whether the records are visited one by one or a window at a time)."""
    return index < _WEAK_FIRST or index % _WEAK_STRIDE == 0


class _WeakTails:
    """Sampled pseudonyms with no randomness in them: a run of 16 equal characters, or a head
    of :data:`_SHARED_HEAD` characters another sampled one has too (an ECK iD is 128 random
    hexadecimal characters; two share such a head with a chance of 16^-32)."""

    def __init__(self) -> None:
        self.seen = 0
        self.heads: dict[str, str] = {}  # a head -> the first tail seen with it
        self.runs = self.shared = 0
        self.first: Location | None = None

    def look_at(self, tail: str, record: Record) -> None:
        self.seen += 1
        if len(tail) < _GUESSABLE_LENGTH:
            return  # short ones are judged as such (_guessable)
        run = _RUN.search(tail) is not None
        shared = False
        if len(tail) >= 2 * _SHARED_HEAD and _HEX.fullmatch(tail):  # (a URN's prefix is fixed)
            head = tail[:_SHARED_HEAD]
            first = self.heads.get(head)
            shared = first is not None and first != tail  # one pupil twice is PSN-003's
            if first is None and len(self.heads) < _WEAK_HEADS:
                self.heads[head] = tail
        self.runs += run
        self.shared += shared and not run
        if (run or shared) and self.first is None:
            self.first = record_location(record)

    def findings(self, requirement: str) -> list[Finding]:
        if self.first is None:
            return []
        weak = self.runs + self.shared
        return [
            Finding(
                requirement=requirement,
                message=f"{weak:,} of {self.seen:,} pseudonyms looked at are not random: "
                f"{self.runs:,} hold a run of 16 or more equal characters, {self.shared:,} "
                f"share their first {_SHARED_HEAD} characters with another; such "
                "pseudonyms were made by padding or numbering and can be guessed (an ECK iD "
                "is 128 random hexadecimal characters)",
                location=safe_location(self.first),
                severity=Severity.HIGH,
                confidence=Confidence.HIGH,
                occurrences=weak,
            )
        ]


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
                location=safe_location(short[0][1]),
                severity=Severity.MEDIUM,
                confidence=Confidence.HIGH,
                occurrences=len(short),
            )
        )
    # isdecimal: what int() takes (every script's decimal digits), not isdigit's "²"
    numbers = sorted(int(t) for t in tails if t.isdecimal())
    steps = [b - a for a, b in pairwise(numbers)]
    if len(numbers) >= 3 and sum(1 for s in steps if s == 1) >= _SEQUENTIAL_SHARE * len(steps):
        findings.append(
            Finding(
                requirement=requirement,
                message=f"{len(numbers):,} pseudonyms are consecutive numbers: one pupil's "
                "pseudonym reveals the others'",
                location=safe_location(short[0][1]),
                severity=Severity.HIGH,
                confidence=Confidence.HIGH,
                occurrences=len(numbers),
            )
        )
    return findings


@register
class KeyListPresent(Check):
    requirement = "LNK-002"
    doc = CheckDoc(
        what="No data leaving the school pairs pseudonyms with direct identifiers the purpose "
        "does not allow: not in one record, and not across two inputs that share the sender's "
        "own key (one file with key and ECK iD, another with key and name).",
        why="A list that links pseudonyms to names or numbers is exactly the code list the "
        "Kamer was told would not exist outside the school (Kamerstuk 32 034): with it, every "
        "pseudonymous record is identified again.",
        failing='file A: {"leerlingId": 17, "eckId": "…"}   file B: {"leerlingId": 17, '
        '"achternaam": "…"}',
        passing='file A: {"leerlingId": 17, "eckId": "…"} and no file with names',
        fix="Never export identities and pseudonyms for the same pupils to the same party; if "
        "the purpose needs names, agree it in the privacybijsluiter and choose that purpose.",
    )
    nothing_examined = "no record carries a pseudonym"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.forbidden = ShapeCache(self._forbidden)
        self.inputs: list[str] = []
        self.pseudonymous = _KeysPerInput()  # key digests of pseudonym records, per input
        self.identified = _KeysPerInput()  # key digests of identified records, per input
        self.identified_fields: list[set[str]] = []

    def not_applicable(self) -> str | None:
        if self.ctx.profile.pseudonym is None:
            return "the profile declares no pseudonym: this exchange is not pseudonymous"
        return None

    def _forbidden(self, record: Record) -> tuple[str, ...]:
        """Direct identifiers in this shape that the purpose does not allow."""
        return tuple(
            path
            for path in record.fields
            if (rule := self.ctx.rule(path)) is not None
            and rule.cls is FieldClass.DIRECT
            and not self.ctx.allowed(record.kind, path)
        )

    def start_input(self, name: str) -> None:
        self.inputs.append(name)
        self.pseudonymous.start(len(self.inputs) - 1)
        self.identified.start(len(self.inputs) - 1)
        self.identified_fields.append(set())

    def visit(self, record: Record) -> None:
        if not self.ctx.profile.is_subject(record.kind):
            return
        pseudonym = self.ctx.pseudonym(record)
        direct = self.forbidden.get(self.ctx.shape(record), record)
        if pseudonym is not None:
            self.examined += 1
            if direct:
                self.tally.add(("record", pseudonym[0], ", ".join(direct)), record)
        key = self.ctx.identity(record)
        if key is None:
            return
        digest = digest64(f"{self._person(record.kind)}\x1f{key}")
        if pseudonym is not None:
            self.pseudonymous.add([digest])
        elif direct:
            self.identified.add([digest])
            self.identified_fields[-1].update(direct)

    def visit_window(self, window: RecordWindow) -> None:
        """Per shape, in the order the shapes appear (what a shape pairs, it pairs in every
        record of it); the key digests' order does not matter."""
        if not self.ctx.profile.is_subject(window.kind):
            return
        for batch in window.batches:
            field = self.ctx.pseudonym_path(batch)
            direct = self.forbidden.get(batch.shape, batch.first)
            if field is not None:
                self.examined += len(batch)
                if direct:
                    where = ("record", field, ", ".join(direct))
                    self.tally.add_many(where, batch.first, len(batch))
            keyed = self.ctx.identity_column(batch)
            if keyed is None or (field is None and not direct):
                continue  # no key, or a record with neither pseudonym nor identifiers
            person = self._person(window.kind)
            digests = digests64([f"{person}\x1f{key}" for key in keyed[1]])
            if field is not None:
                self.pseudonymous.add(digests)
            else:
                self.identified.add(digests)
                self.identified_fields[-1].update(direct)

    def _person(self, kind: str) -> str:
        """What a key is the key of: the record kind where the profile declares its kinds
        (a pupil's key 17 is not a teacher's), else what the kind the reader found says
        (:func:`_person_of`)."""
        return kind if self.ctx.profile.subjects else _person_of(kind)

    def finish(self) -> Iterable[Finding]:
        findings = self.tally.findings(
            lambda key, n: (
                f"records pair pseudonym '{key[1]}' with direct identifiers "
                f"({key[2]}) ({times(n)}): together they are a code list"
            ),
            field_of=lambda key: key[1],
        )
        return findings + self._across_inputs()

    def _across_inputs(self) -> list[Finding]:
        shared = _shared_keys(self.pseudonymous, self.identified, len(self.inputs))
        findings = []
        for i, j in zip(*np.nonzero(shared), strict=True):
            fields = ", ".join(sorted(self.identified_fields[j]))
            findings.append(
                Finding(
                    requirement=self.requirement,
                    message=f"{shared[i, j]:,} persons appear with their pseudonym in "
                    f"{self.inputs[i]} and with direct identifiers ({fields}) in "
                    f"{self.inputs[j]}, joined by the sender's key: together a code list",
                    location=Location(self.inputs[j]),
                    occurrences=int(shared[i, j]),
                )
            )
        return findings


_KEY_ROW = np.dtype([("key", np.uint64), ("input", np.uint32)])
_PENDING = 4096  # digests gathered in a plain array before they go to the partitioned store


class _KeysPerInput:
    """Key digests tagged with the input they came from, in partitioned rows that spill to
    disk (checks/spill.py): memory stays flat however many records the inputs have."""

    def __init__(self) -> None:
        self.rows = PartitionedRows(_KEY_ROW, "key")
        self.pending = array("Q")
        self.input = 0

    def start(self, index: int) -> None:
        self._flush()
        self.input = index

    def add(self, digests: Iterable[int]) -> None:
        self.pending.extend(digests)
        if len(self.pending) >= _PENDING:
            self._flush()

    def partitions(self) -> Iterator[np.ndarray[Any, Any]]:
        self._flush()
        return self.rows.partitions()

    def _flush(self) -> None:
        if self.pending:
            keys = np.frombuffer(self.pending, dtype=np.uint64)
            self.rows.extend(key=keys, input=np.full(len(keys), self.input, dtype=np.uint32))
            self.pending = array("Q")


# Record kinds the readers give that name no kind of person: a CSV's row, an array's item.
_FORMAT_KINDS = frozenset({"record", "records", "item", "items", "data", "rows", "results"})


def _person_of(kind: str) -> str:
    """Whose key a record of a kind the reader found holds, without a profile's kinds: a
    person's ('record', 'leerlingen', 'leerling', 'students', 'users': a JSON and a CSV
    export of the same pupils meet), a teacher's, or — 'licenties', 'scholen' — the kind's
    own (a licence's id 17 is no pupil's key 17)."""
    compact = compact_name(kind)
    if names_staff(kind):
        return "teacher"
    if compact in _FORMAT_KINDS or names_persons(kind):
        return "person"
    return compact


def _shared_keys(pseudonymous: _KeysPerInput, identified: _KeysPerInput, inputs: int) -> Any:
    """How many keys input i has on pseudonymous records and input j on identified ones, for
    every pair i != j (a key never spans two partitions, so the counts add up exactly)."""
    shared = np.zeros((inputs, inputs), dtype=np.int64)
    if inputs < 2:
        return shared
    parts = zip(pseudonymous.partitions(), identified.partitions(), strict=True)
    for with_pseudonym, with_identity in parts:
        if not len(with_pseudonym) or not len(with_identity):
            continue
        for i in range(inputs):
            keys = with_pseudonym["key"][with_pseudonym["input"] == i]
            for j in range(inputs):
                if i != j and len(keys):
                    other = with_identity["key"][with_identity["input"] == j]
                    shared[i, j] += len(np.intersect1d(keys, other))
    return shared


CROSS_CONTEXT = document(
    "LNK-004",
    CheckDoc(
        what="`conformance link EXPORT_A EXPORT_B` finds pseudonyms that occur in both of two "
        "exports that must be unlinkable (different suppliers, chains or sectors) and "
        "reports how many and what share, never which.",
        why="The ECK iD is one per chain and sector precisely so that two parties cannot join "
        "their data on it (Regeling pseudonimisering onderwijsdeelnemers art. 2.2; ROSA "
        "'Voorkom ongewenste traceerbaarheid'). The same value in both exports links them.",
        failing="supplier A and supplier B both hold https://ketenid.nl/201703/3f… for one pupil",
        passing="every pupil has a different ECK iD in A than in B",
        fix="Request the ECK iD for the right chain and sector; never pass one supplier's "
        "pseudonyms on to another.",
    ),
)


def _digest_matches(raw: bytes, hit: Hit) -> bool:
    return hashlib.new(hit.algorithm, hit.number.encode()).digest() == raw
