"""PSN-001 … PSN-004: the chain pseudonym is present, well-formed, unique and of the right kind."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from itertools import chain, compress
from operator import itemgetter, methodcaller

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.tally import Said, times
from conformance.checks.uniqueness import UniquenessTracker
from conformance.detect.fieldnames import classify_name, names_own_eck_id
from conformance.detect.pseudonyms import (
    ECKID_PRODUCTION_PREFIX,
    PseudonymKind,
    classify_pseudonym,
    contains_stampseudoniem,
    malformation,
)
from conformance.detect.redact import redact, redact_pseudonym
from conformance.model.findings import Finding
from conformance.model.profile import FieldClass
from conformance.model.records import Record, RecordBatch, RecordWindow
from conformance.model.requirements import CheckDoc
from conformance.model.verdict import Confidence

_NO_PSEUDONYM = "the profile declares no pseudonym: this exchange is not pseudonymous"


class _PseudonymCheck(Check):
    """Shared scope: subject records of a profile whose exchange uses the ECK iD."""

    def not_applicable(self) -> str | None:
        spec = self.ctx.profile.pseudonym
        if spec is None or spec.scheme != "eck-id":
            return _NO_PSEUDONYM
        return None

    @property
    def field(self) -> str:
        spec = self.ctx.profile.pseudonym
        assert spec is not None  # guarded by not_applicable
        return spec.field


@register
class PseudonymMissing(_PseudonymCheck):
    requirement = "PSN-001"
    doc = CheckDoc(
        what="Every pupil and teacher record that leaves the school carries the profile's "
        "pseudonym (the ECK iD in the field the profile names, e.g. UWLR's @eckid).",
        why="Outside the school a pupil is known by the chain pseudonym (Wet pseudonimisering "
        "leerlinggegevens; ROSA 'Gebruik pseudoniem waar mogelijk'). A record without it can "
        "only be matched on name or number, which is what the law replaced.",
        failing='<leerling key="L1"><achternaam>…</achternaam><jaargroep>5</jaargroep></leerling>',
        passing='<leerling key="L1" eckid="https://ketenid.nl/201703/3f…(128 hex)">'
        "<jaargroep>5</jaargroep></leerling>",
        fix="Switch on passing the ECK iD in the school's administration (LAS) for this "
        "supplier, and make the export include it on every pupil and teacher.",
    )

    def not_applicable(self) -> str | None:
        reason = super().not_applicable()
        spec = self.ctx.profile.pseudonym
        if reason is None and spec is not None and not spec.required:
            return "the profile does not require a pseudonym on every record"
        return reason

    def visit(self, record: Record) -> None:
        if not self.ctx.profile.is_subject(record.kind):
            return
        self.examined += 1
        if self.ctx.pseudonym(record) is None:
            self.tally.add((record.kind,), record)

    def visit_window(self, window: RecordWindow) -> None:
        if not self.ctx.profile.is_subject(window.kind):
            return
        if all(self.ctx.pseudonym_column(batch) is not None for batch in window.batches):
            self.examined += len(window)  # every record of every shape carries it
        else:
            super().visit_window(window)

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: (
                f"{key[0]} record without pseudonym '{self.field}' ({times(n)}): "
                "expected an ECK iD, found none"
            ),
            rule="pseudonym.field",
            field_of=lambda _: self.field,
        )


def other_eckid_fields(ctx: CheckContext, record: Record) -> tuple[str, ...]:
    """The record's fields named as its own ECK iD besides the one taken for its pseudonym
    (``eckId`` and ``EckId``, ``eckid`` beside ``pseudoniem``): each is the pupil's ECK iD
    too, so it must be one (PSN-002) and the same one (PSN-003) — a placeholder, a legacy
    value or another pupil's ECK iD in the second passed unseen (a review)."""
    found = ctx.pseudonym(record)
    taken = found[0] if found is not None else None
    # only the record's own fields named as a bare ECK iD: a mentorEckId, schoolEckId or a
    # nested teacher's eckId is another person's (a review's false alarm)
    return tuple(
        path
        for path in record.fields
        if path != taken
        and "/" not in path
        and names_own_eck_id(path)
        and (rule := ctx.rule(path, record.kind)) is not None
        and rule.cls is FieldClass.PSEUDONYM
    )


def other_eckid_cache(ctx: CheckContext) -> ShapeCache[tuple[str, ...]]:
    """:func:`other_eckid_fields` per record shape, one cache for PSN-002 and PSN-003."""
    return ctx.shared("other ECK iD fields", lambda: ShapeCache(partial(other_eckid_fields, ctx)))


@register
class PseudonymMalformed(_PseudonymCheck):
    requirement = "PSN-002"
    doc = CheckDoc(
        what="Every pseudonym value is a production ECK iD: https://ketenid.nl/201703/ followed "
        "by 128 lower-case hexadecimal characters (154 characters). The pilot prefix "
        "https://ketenid.nl/pilot/ is accepted only with --environment test; the legacy "
        "https://id.school/ prefix never.",
        why="A value in another format is not an ECK iD from the Nummervoorziening: a "
        "placeholder, a home-made code or a pre-2018 identifier. It cannot be trusted to be "
        "the sector-bound, non-derivable pseudonym the law requires.",
        failing='<leerling key="L1" eckid="https://id.school/abcde"/>',
        passing='<leerling key="L1" eckid="https://ketenid.nl/201703/1a5c…(128 hex)"/>',
        fix="Export the ECK iD exactly as the Nummervoorziening returned it; do not shorten, "
        "re-case or replace it with test values in production exports.",
    )

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.others = other_eckid_cache(ctx)

    def visit(self, record: Record) -> None:
        found = self.ctx.pseudonym(record) if self.ctx.profile.is_subject(record.kind) else None
        if found is None:
            return
        self._judge(record, *found)
        for path in self.others.get(self.ctx.shape(record), record):
            self._judge(record, path, record.fields[path])

    def _judge(self, record: Record, field: str, values: list[str]) -> None:
        for value in values:
            self.examined += 1
            kind = classify_pseudonym(value)
            if kind is PseudonymKind.ECKID:
                continue
            if kind is PseudonymKind.ECKID_PILOT:
                if self.ctx.environment != "test":
                    self.tally.add(("pilot", field), record, redact_pseudonym(value))
            elif kind in (PseudonymKind.OTHER, PseudonymKind.LEGACY_IDSCHOOL):
                self.tally.add((Said(malformation(value)), field), record, redact_pseudonym(value))

    def visit_window(self, window: RecordWindow) -> None:
        if self.ctx.profile.is_subject(window.kind) and all(
            production_pseudonyms(self.ctx, batch) and not self.others.get(batch.shape, batch.first)
            for batch in window.batches
        ):
            self.examined += len(window)
            return
        super().visit_window(window)

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: _malformed_message(key[0], key[1], n),
            rule="pseudonym.scheme",
            field_of=lambda key: key[1],
        )


def _malformed_message(reason: str, field: str, count: int) -> str:
    if reason == "pilot":
        return (
            f"pilot ECK iD in '{field}' ({times(count)}): expected the production prefix "
            "https://ketenid.nl/201703/, found https://ketenid.nl/pilot/ "
            "(allowed only with --environment test)"
        )
    return f"malformed ECK iD in '{field}' ({times(count)}): {reason}"


@register
class PseudonymNotUnique(_PseudonymCheck):
    requirement = "PSN-003"
    doc = CheckDoc(
        what="No two persons share a pseudonym, and no person (the sender's own key, e.g. "
        "UWLR's @key) carries two different pseudonyms. Checked over all inputs together; "
        "records without such a key are not judged, since one pupil may fill several rows.",
        why="The ECK iD is one per person per chain and sector. A shared pseudonym mixes two "
        "pupils' results; two pseudonyms for one pupil mean one of them is not the chain's.",
        failing='<leerling key="L1" eckid="https://ketenid.nl/201703/aa…"/>'
        '<leerling key="L2" eckid="https://ketenid.nl/201703/aa…"/>',
        passing='<leerling key="L1" eckid="https://ketenid.nl/201703/aa…"/>'
        '<leerling key="L2" eckid="https://ketenid.nl/201703/bb…"/>',
        fix="Find where pseudonyms are copied between records or generated locally; take each "
        "person's ECK iD from the Nummervoorziening.",
    )
    nothing_examined = (
        "no record carries both a pseudonym and the sender's own key (pseudonym.identity_key, "
        "or a field named like leerlingId), so persons cannot be told apart"
    )

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.tracker = UniquenessTracker()
        self.input_index = -1
        self.others = other_eckid_cache(ctx)

    def start_input(self, name: str) -> None:
        self.input_index = self.tracker.add_input(name)

    def visit(self, record: Record) -> None:
        found = self.ctx.pseudonym(record) if self.ctx.profile.is_subject(record.kind) else None
        if found is None:
            return
        key = self.ctx.identity(record)
        if key is None:
            return  # without the sender's own key, two records cannot be told apart as persons
        identity = f"{record.kind}\x1f{key}"
        others = self.others.get(self.ctx.shape(record), record)
        for value in chain(found[1], *(record.fields[path] for path in others)):
            self.examined += 1
            self.tracker.add(value, identity, record)

    def visit_window(self, window: RecordWindow) -> None:
        """Every shape with the pseudonym and the sender's key, one each: the pairs go to the
        tracker in record order (its examples name the first records of a group). A shape
        without either field pairs nothing (its records are not judged)."""
        if not self.ctx.profile.is_subject(window.kind):
            return
        batches = window.batches
        paired = [
            self.ctx.pseudonym_path(b) is not None and self.ctx.identity_path(b) is not None
            for b in batches
        ]
        if not any(paired):
            return
        if any(
            self.others.get(b.shape, b.first) for b, p in zip(batches, paired, strict=True) if p
        ):
            super().visit_window(window)  # a second ECK iD field: record by record
            return
        found = [
            keyed_columns(self.ctx, b) if p else None for b, p in zip(batches, paired, strict=True)
        ]
        if any(p and keyed is None for p, keyed in zip(paired, found, strict=True)):
            super().visit_window(window)  # a record with no or several values: one by one
            return
        # shapes that pair nothing hold a place ("") until their records are left out
        pseudonyms = window.ordered(
            [k[1] if k else [""] * len(b) for b, k in zip(batches, found, strict=True)]
        )
        keys = window.ordered(
            [k[2] if k else [""] * len(b) for b, k in zip(batches, found, strict=True)]
        )
        lines = self.tracker.positions(window)  # a line, or a JSON array item's place
        if not all(paired):
            kept = window.spread(paired)
            pseudonyms, keys = list(compress(pseudonyms, kept)), list(compress(keys, kept))
            lines = list(compress(lines, kept))
        identities = [f"{window.kind}\x1f{key}" for key in keys]
        self.examined += len(identities)
        self.tracker.add_many(pseudonyms, identities, lines)

    def finish(self) -> Iterable[Finding]:
        return self.tracker.findings(self.requirement, self.field)


@register
class WrongPseudonymKind(Check):
    requirement = "PSN-004"
    doc = CheckDoc(
        what="No stampseudoniem (https://ketenid.nl/sppilot/… or another ketenid.nl/sp… "
        "prefix), no first-level hash of a personal number (HPgn: 64 lower-case hex) in a "
        "pseudonym field, and no real-id attribute (nlEduPersonRealId) appears anywhere.",
        why="The stampseudoniem is the legal 'pseudoniem' that stays in the school's "
        "administration; the HPgn is the scrypt hash the school sends to the "
        "Nummervoorziening; nlEduPersonRealId is the unencrypted user id. Each links "
        "across chains or back to the person, which the chain pseudonym exists to prevent.",
        failing='<leerling key="L1" eckid="https://ketenid.nl/sppilot/d0f5…"/>',
        passing='<leerling key="L1" eckid="https://ketenid.nl/201703/1a5c…"/>',
        fix="Send only the ECK iD (retrieveEckId), never the stampseudoniem or the hash that "
        "was used to obtain it; remove real-id attributes from the export.",
    )

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        spec = self.ctx.profile.pseudonym
        self.pseudonym_field = spec.field if spec else None
        self.roles = ShapeCache(self._roles)

    def _roles(self, record: Record) -> tuple[tuple[str, str], ...]:
        """This shape's real-id fields and pseudonym fields (where an HPgn would be wrong)."""
        roles = []
        for path in record.fields:
            if _is_real_id(path):
                roles.append((path, _REAL_ID))
            elif path == self.pseudonym_field or _named_pseudonym(path):
                roles.append((path, _PSEUDONYM_FIELD))
        return tuple(roles)

    def visit(self, record: Record) -> None:
        self.examined += 1
        fields = record.fields
        for path, role in self.roles.get(self.ctx.shape(record), record):
            values = fields[path]
            if role is _REAL_ID:
                self.tally.add(("real-id", path), record, redact(values[0]))
                continue
            for value in values:
                if classify_pseudonym(value) is PseudonymKind.HPGN:
                    self.tally.add(("hpgn", path), record, redact(value))
        # One C-level join and search per record; the per-value scan only when it hits.
        if "/sp" in "\x00".join(chain.from_iterable(fields.values())):
            for path, values in fields.items():
                for value in values:
                    if contains_stampseudoniem(value):
                        self.tally.add(("stampseudoniem", path), record, redact_pseudonym(value))

    def visit_window(self, window: RecordWindow) -> None:
        if all(self._nothing_in(batch) for batch in window.batches):
            self.examined += len(window)
            return
        super().visit_window(window)

    def _nothing_in(self, batch: RecordBatch) -> bool:
        """The common batch has no real-id field, no HPgn-shaped value in a pseudonym field
        and no "/sp" anywhere: then nothing can be found, and a few joins tell so."""
        roles = self.roles.get(batch.shape, batch.first)
        return (
            all(role is _PSEUDONYM_FIELD for _, role in roles)
            and not any(
                not production_column(batch, path) and _HPGN_LINE.search(batch.joined(path))
                for path, _ in roles
            )
            and not any("/sp" in batch.joined(path) for path in batch.paths)
        )

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: _KIND_MESSAGES[key[0]].format(field=key[1], times=times(n)),
            confidence=lambda key: Confidence.MEDIUM if key[0] == "hpgn" else Confidence.HIGH,
            field_of=lambda key: key[1],
        )


_REAL_ID, _PSEUDONYM_FIELD = "real-id", "pseudonym"
# A value classify_pseudonym could call an HPgn is 64 lower-case hex, alone on its line.
_HPGN_LINE = re.compile(r"^[0-9a-f]{64}$", re.MULTILINE)
_ECKID_LENGTH = len(ECKID_PRODUCTION_PREFIX) + 128
_ECKID_TAIL = slice(len(ECKID_PRODUCTION_PREFIX), None)


def all_production_eckids(values: list[str]) -> bool:
    """Whether every value is a production ECK iD (what classify_pseudonym calls ECKID): each
    exactly the prefix and 128 characters, and those characters, every value's together,
    lower-case hex: decoded and encoded again they come back the same (fromhex refuses what
    is not hex and skips white space, hex() writes lower case). Loops in C, no regex."""
    if not values or set(map(len, values)) != {_ECKID_LENGTH}:
        return False
    if not all(map(methodcaller("startswith", ECKID_PRODUCTION_PREFIX), values)):
        return False
    tails = "".join(map(itemgetter(_ECKID_TAIL), values))
    try:
        return bytes.fromhex(tails).hex() == tails
    except ValueError:  # a character that is not hex
        return False


def production_column(batch: RecordBatch, path: str) -> bool:
    """Whether every value of the batch's field is a production ECK iD (asked once a batch)."""
    return batch.holds("production ECK iDs", path, all_production_eckids)


def production_pseudonyms(ctx: CheckContext, batch: RecordBatch) -> tuple[str, list[str]] | None:
    """The batch's pseudonym column when every record has one production ECK iD there."""
    column = ctx.pseudonym_column(batch)
    return column if column is not None and production_column(batch, column[0]) else None


def keyed_columns(ctx: CheckContext, batch: RecordBatch) -> tuple[str, list[str], list[str]] | None:
    """The batch's pseudonym field, its pseudonyms and the sender's keys (one each per
    record), or None: what PSN-003 and LNK-002 read per batch."""
    pseudonyms = ctx.pseudonym_column(batch)
    keys = ctx.identity_column(batch)
    if pseudonyms is None or keys is None:
        return None
    return pseudonyms[0], pseudonyms[1], keys[1]


_KIND_MESSAGES = {
    "real-id": "real-id attribute '{field}' present ({times}): expected only the ECK iD, "
    "found nlEduPersonRealId, the unencrypted user id",
    "stampseudoniem": "stampseudoniem in '{field}' ({times}): expected an ECK iD, found the "
    "school's own stampseudoniem, which must stay in the school's administration",
    "hpgn": "first-level hash (HPgn) in '{field}' ({times}): expected an ECK iD, found 64 "
    "hexadecimal characters, the scrypt hash of a personal number",
}


def _is_real_id(path: str) -> bool:
    return path.rsplit("/", 1)[-1].lstrip("@").lower() == "nledupersonrealid"


def _named_pseudonym(path: str) -> bool:
    rule = classify_name(path.rsplit("/", 1)[-1])
    return rule is not None and rule.cls is FieldClass.PSEUDONYM


_HEX_DIGEST = re.compile(r"[0-9A-Fa-f]{32,}")
_UUID = re.compile(r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}")
# What a pseudonym's value is written after: a URL's scheme and host (or a host without a
# scheme: 'ketenid.nl/201703/…'), then at most the chain's own path ('201703/', 'pilot/',
# 'sp…/'); or a URN's namespace ('urn:eckid:…', 'urn:uuid:…'). Nothing else: a path of the
# supplier's own ('…/100x/<hex>') tells values apart that share their last part.
_PREFIX = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::[0-9]+)?/(?:201703/|pilot/|sp[a-z]*/)?"
    r"|urn:[a-z0-9][a-z0-9-]*:",
    re.IGNORECASE,
)


def linkable(pseudonym: str) -> str:
    """What two exports share when they share the pseudonym: a digest-like value's hex or a
    UUID in lower case (an ECK iD upper-cased, with http://, without its scheme, after a URN
    or without its prefix is the same 512 bits; a UUID's case means nothing), anything else
    as written but for surrounding spaces (base64 and keys are case-sensitive; a prefix is
    only left out before hex: 'https://a.example/17' and 'https://b.example/17' differ, and
    so do 'a.example/100x/<hex>' and 'b.example/200x/<hex>')."""
    value = pseudonym.strip()
    prefix = _PREFIX.match(value)
    tail = value[prefix.end() :].rstrip("/") if prefix else value
    if _HEX_DIGEST.fullmatch(tail) or _UUID.fullmatch(tail):
        return tail.lower()
    return value
