"""MIN-001 … MIN-003: only the fields the purpose needs, no more precise than it needs them,
and nothing from a category the sender withheld."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.tally import times
from conformance.detect.precision import DAY_PART_NAME, precision_of
from conformance.detect.redact import redact
from conformance.model.findings import Finding
from conformance.model.profile import FieldClass, Precision, nearest
from conformance.model.records import (
    OUTSIDE,
    Record,
    RecordBatch,
    RecordWindow,
    is_note,
    kind_words,
)
from conformance.model.requirements import CheckDoc
from conformance.model.verdict import Confidence, Severity

_PERSONAL = frozenset({FieldClass.DIRECT, FieldClass.QUASI, FieldClass.SENSITIVE})


@register
class FieldNotAllowed(Check):
    requirement = "MIN-001"
    evidence = frozenset({"export", "spec", "api"})
    doc = CheckDoc(
        what="Every field present in a record is on the purpose's allow-list (or of a class the "
        "purpose allows). The world is closed: a field the profile does not know counts too.",
        why="Data minimisation (AVG art. 5(1)(c)): a supplier receives only what the purpose "
        "needs. Edustandaard codified this for UWLR as the Smalle set and the LVS set.",
        failing='<leerling key="L1"><geslacht>2</geslacht></leerling>   (purpose smalle-set)',
        passing='<leerling key="L1"><jaargroep>5</jaargroep></leerling>   (purpose smalle-set)',
        fix="Stop exporting the field for this purpose. If it carries no personal data, declare "
        "it in a profile that extends this one (class operational) so reviewers can see it.",
    )

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.outside = ShapeCache(self._outside)

    def _outside(self, record: Record) -> tuple[str, ...]:
        """This shape's fields that are not on the purpose's allow-list (an XML comment is a
        note, not a field: NAW-002 reads what it says). Outside the records the world is open:
        a document's version or date, a group's name, is no field of a record, so only the
        fields whose names say they hold a person's data count there (a birth date beside the
        records is still one)."""
        kind = record.kind
        return tuple(
            p
            for p in record.fields
            if not is_note(p)
            and not self.ctx.allowed(kind, p)
            and (kind != OUTSIDE or self._personal(p))
        )

    def _personal(self, path: str) -> bool:
        """Outside the records, whether a field's name says it holds a person's data."""
        rule = self.ctx.rule(path, OUTSIDE)
        return rule is not None and rule.cls in _PERSONAL

    def visit(self, record: Record) -> None:
        self.examined += 1
        for path in self.outside.get(self.ctx.shape(record), record):
            self.tally.add((record.kind, path), record)

    def visit_window(self, window: RecordWindow) -> None:
        """Per shape, in the order the shapes appear (as NAW-001)."""
        self.examined += len(window)
        for batch in window.batches:
            for path in self.outside.get(batch.shape, batch.first):
                self.tally.add_many((batch.kind, path), batch.first, len(batch))

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            self._message,
            severity=Severity.MEDIUM,
            confidence=lambda key: (
                Confidence.HIGH if self.ctx.rule(key[1], key[0]) is not None else Confidence.MEDIUM
            ),
            rule=self.ctx.purpose_rule,
            field_of=lambda key: key[1],
        )

    def _message(self, key: tuple[str, ...], count: int) -> str:
        kind, path = key
        rule = self.ctx.rule(path, kind)
        what = f"{rule.cls.value} field" if rule else "unknown field (not in the profile)"
        return (
            f"{what} '{path}' {kind_words(kind, count)}: not on the allow-list of "
            f"purpose '{self.ctx.purpose.name}'"
        )


@register
class ExcessPrecision(Check):
    requirement = "MIN-002"
    doc = CheckDoc(
        what="Fields the purpose allows only in a coarser form are not sent more precisely: "
        "a birth date where year and month are enough, a six-character postcode where the "
        "four digits are enough (the purpose's 'precision' entries).",
        why="A full birth date with a postcode singles out most pupils; year-month and "
        "postcode4 keep the statistics and lose the identification (AVG art. 5(1)(c)).",
        failing="geboortedatum 2013-04-07   (purpose allows month: 2013-04)",
        passing="geboortedatum 2013-04",
        fix="Truncate the value before export: the year and month of birth, the four digits "
        "of the postcode.",
    )
    nothing_examined = "no field with a precision limit is present in the inputs"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.limits = ctx.purpose.precision
        self.limited = ShapeCache(self._limited)
        self.measured: dict[tuple[str, Precision], _Measured] = {}

    def not_applicable(self) -> str | None:
        if not self.limits:
            return f"purpose '{self.ctx.purpose.name}' sets no precision limits"
        return None

    def _limited(self, record: Record) -> tuple[tuple[str, Precision], ...]:
        """This shape's fields that have a precision limit, with the limit."""
        pairs = ((path, self._limit(path)) for path in record.fields)
        return tuple((path, limit) for path, limit in pairs if limit is not None)

    def visit(self, record: Record) -> None:
        for path, limit in self.limited.get(self.ctx.shape(record), record):
            family = _family(path, limit)
            for value in record.fields[path]:
                self.examined += 1
                found = precision_of(value, family)
                if found is not None and found.rank > limit.rank:
                    self.tally.add((path, limit.value, found.value), record, redact(value))

    def visit_window(self, window: RecordWindow) -> None:
        """Per shape, each limited field's distinct values measured once; a key's count and
        its first record (the earliest row, then field, then value: the order of visiting
        record by record) go to the tally, window by window."""
        first: dict[tuple[str, ...], tuple[tuple[int, int, int], RecordBatch, int, str]] = {}
        counts: dict[tuple[str, ...], int] = {}
        for batch in window.batches:
            limited = self.limited.get(batch.shape, batch.first)
            for order, (path, limit) in enumerate(limited):
                values, rows = batch.values(path)
                self.examined += len(values)
                measured = self.measured.get((path, limit))
                if measured is None:
                    measured = self.measured[(path, limit)] = _Measured(path, limit)
                finer = measured.finer_than(values)
                if not finer:
                    continue
                for index, value in enumerate(values):
                    hit = finer.get(value)
                    if hit is None:
                        continue
                    counts[hit] = counts.get(hit, 0) + 1
                    place = (batch.rows[rows[index]], order, index)
                    if hit not in first or place < first[hit][0]:
                        first[hit] = (place, batch, rows[index], value)
        for hit, (_, batch, row, value) in sorted(first.items(), key=lambda item: item[1][0]):
            self.tally.add_many(hit, batch.record(row), counts[hit], redact(value))

    def _limit(self, path: str) -> Precision | None:
        """The purpose's limit for this field: by path, its own or an enclosing element's (a
        whole BSN in an attribute or child of UWLR's four-digit ``bsn_ondwnr-4`` is as much
        more than the set allows as in its text); by field name or category only where the
        field is a person's (a school's own postcode is not coarsened)."""
        limit = nearest(self.limits, path)
        if limit is not None:
            return limit
        rule = self.ctx.rule(path)
        if rule is not None and rule.cls in _IMPERSONAL:
            return None
        limit = self.limits.get(path.rsplit("/", 1)[-1])
        if limit is None and rule is not None and rule.category is not None:
            limit = self.limits.get(rule.category)
        return limit

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: (
                f"'{key[0]}' more precise than the purpose allows ({times(n)}): "
                f"expected at most {key[1]}, found {key[2]}"
            ),
            severity=Severity.MEDIUM,
            rule=f"purposes.{self.ctx.purpose.name}.precision",
            field_of=lambda key: key[0],
        )


def _family(path: str, limit: Precision) -> str:
    """How a limited field's values are measured: by the limit's family, except that a date's
    day field (its day number alone) is measured as one."""
    if limit.family == "date" and DAY_PART_NAME.search(path.rsplit("/", 1)[-1]):
        return "day-part"
    return limit.family


class _Measured:
    """A limited field's distinct values, each measured once per run: a field with a precision
    limit holds dates and postcodes, a few thousand distinct values however many records, so
    after the first windows a window's values are set lookups in C, not regex matches."""

    _MAX_VALUES = 1 << 16  # remembered per field (~5 MiB); beyond, measured window by window
    _MAX_LENGTH = 64  # longer values are not dates or postcodes worth remembering

    def __init__(self, path: str, limit: Precision) -> None:
        self.path = path
        self.limit = limit
        self.family = _family(path, limit)
        self.rank = limit.rank
        self.seen: set[str] = set()
        self.finer: dict[str, tuple[str, ...]] = {}  # the seen values too precise, with key

    def finer_than(self, values: list[str]) -> dict[str, tuple[str, ...]]:
        """Each distinct value of ``values`` more precise than the limit, with its tally key."""
        distinct = set(values)
        finer = self.finer
        found = {value: finer[value] for value in distinct if value in finer} if finer else {}
        for value in distinct.difference(self.seen):  # never seen: measured now
            hit = self._measure(value)
            if hit is not None:
                found[value] = hit
            if len(self.seen) < self._MAX_VALUES and len(value) <= self._MAX_LENGTH:
                self.seen.add(value)
                if hit is not None:
                    self.finer[value] = hit
        return found

    def _measure(self, value: str) -> tuple[str, ...] | None:
        precision = precision_of(value, self.family)
        if precision is None or precision.rank <= self.rank:
            return None
        return (self.path, self.limit.value, precision.value)


_WITHHELD = frozenset({"VERBODEN", "OPT-UIT"})


def _flag(values: list[str]) -> str:
    """A category's flag: withheld if any of its values says so, in any letter case (a flag
    given twice, OPTIONEEL then OPT-UIT, or 'opt-uit' written small, is still the parents'
    objection: OSO's validation would refuse the code, and the data must not travel)."""
    codes = [value.strip().upper() for value in values]
    return next((code for code in codes if code in _WITHHELD), codes[0])


_IMPERSONAL = frozenset({FieldClass.OPERATIONAL, FieldClass.KEY, FieldClass.PSEUDONYM})


@register
class WithheldCategoryPresent(Check):
    requirement = "MIN-003"
    doc = CheckDoc(
        what="In an OSO dossier, no data is present from a category that the sending school "
        "marked VERBODEN or OPT-UIT in metadata/categorie_uitlevering.",
        why="Selective release (selectief uitleveren) is how a school and parents limit what "
        "goes to the next school; a category marked OPT-UIT means the parents objected. "
        "OSO's own validation requires that all data of such a category is absent.",
        failing="<cat_verzuim>OPT-UIT</cat_verzuim> … <leerling>…<verzuim>…</verzuim>",
        passing="<cat_verzuim>OPT-UIT</cat_verzuim> … <leerling>… (no verzuim)",
        fix="Make the sending administration (LAS) leave out every element of a withheld "
        "category when it builds the dossier.",
    )
    nothing_examined = "no dossier in the inputs carries metadata/categorie_uitlevering"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.release = ctx.profile.release_categories
        self.withheld: dict[str, dict[str, str]] = {}  # kind -> category path -> flag name
        self.flags: dict[str, str] = {}

    def not_applicable(self) -> str | None:
        if self.release is None:
            return "the profile has no release categories (only OSO dossiers carry them)"
        return None

    def start_input(self, name: str) -> None:  # noqa: ARG002  (flags are per dossier)
        self.withheld = {}
        self.flags = {}

    def visit(self, record: Record) -> None:
        release = self.release
        assert release is not None  # guarded by not_applicable
        if record.kind == release.flags_record:
            self._read_flags(record)
        paths = self.withheld.get(record.kind)
        if not paths:
            return
        self.examined += 1
        seen: set[str] = set()
        for path, values in record.fields.items():
            found = _category_of(path, paths)
            if found is not None and found[1] not in seen:
                flag, block = found
                seen.add(block)  # one finding per withheld block, however many fields it has
                status = self.flags[flag]
                self.tally.add((flag, status, block, record.kind), record, redact(values[0]))

    def _read_flags(self, record: Record) -> None:
        release = self.release
        assert release is not None
        prefix = f"{release.flags_field}/"
        self.flags = {
            path[len(prefix) :]: _flag(values)
            for path, values in record.fields.items()
            if path.startswith(prefix)
        }
        self.withheld = {}
        for flag, kinds in release.categories.items():
            if self.flags.get(flag) in _WITHHELD:
                for kind, paths in kinds.items():
                    for path in paths:
                        self.withheld.setdefault(kind, {})[path] = flag
        self._withhold_whole_blocks()
        self.examined += 1

    def _withhold_whole_blocks(self) -> None:
        """An element whose children the categories share out (onderwijsondersteuning: its
        handelingsplan to one, the rest to another) is wholly withheld when every category
        with a child in it is: then whatever else it holds — text, an attribute, an unlisted
        child — is of a withheld category too. (With one of them released, unlisted content
        may be the released one's, as OSO's own validation reads it.)"""
        release = self.release
        assert release is not None
        owners: dict[tuple[str, str], set[str]] = {}  # (kind, parent) -> flags with a child
        for flag, kinds in release.categories.items():
            for kind, paths in kinds.items():
                for path in paths:
                    if "/" in path:
                        owners.setdefault((kind, path.rsplit("/", 1)[0]), set()).add(flag)
        for (kind, parent), flags in sorted(owners.items()):
            if all(self.flags.get(flag) in _WITHHELD for flag in flags):
                joint = " + ".join(sorted(flags))
                self.flags[joint] = " / ".join(sorted({self.flags[f] for f in flags}))
                self.withheld.setdefault(kind, {}).setdefault(parent, joint)

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: (
                f"data of category '{key[0]}' marked {key[1]} is present: "
                f"'{key[2]}' in {key[3]} records ({times(n)}); expected it absent"
            ),
            rule="release_categories.categories",
            field_of=lambda key: key[2],
        )


def _category_of(path: str, withheld: dict[str, str]) -> tuple[str, str] | None:
    """The withheld category covering this path and the category's path that covers it."""
    prefix = path
    while True:
        flag = withheld.get(prefix)
        if flag is not None:
            return flag, prefix
        cut = prefix.rfind("/")
        if cut < 0:
            return None
        prefix = prefix[:cut]
