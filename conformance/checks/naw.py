"""NAW-001 and NAW-002: direct identifiers where forbidden, and identifying values anywhere else."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import itemgetter

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.namecolumns import NameColumns
from conformance.detect.contact import is_personal_contact
from conformance.detect.fieldnames import compact_name, of_organisation
from conformance.detect.names import is_full_name
from conformance.detect.redact import redact
from conformance.detect.scan import HINTED, candidates, scan, scan_column
from conformance.detect.spans import Detection, Hint
from conformance.model.findings import Finding
from conformance.model.profile import FieldClass
from conformance.model.records import OUTSIDE, Record, RecordWindow, kind_words
from conformance.model.requirements import CheckDoc
from conformance.model.verdict import Confidence


@register
class IdentifyingField(Check):
    requirement = "NAW-001"
    evidence = frozenset({"export", "spec", "api"})
    doc = CheckDoc(
        what="No field classified as a direct identifier — name parts, address, postcode, "
        "residence, BSN, onderwijsnummer, sofinummer, e-mail, phone, username, photo — is "
        "present in a record unless the purpose's allow-list names it.",
        why="Direct identifiers make the pseudonym pointless: with a name or a BSN next to the "
        "ECK iD, the supplier knows who the pupil is (AVG art. 5(1)(c); Privacyconvenant; "
        "Kamerstuk 32 034). Under the UWLR Smalle set only the name parts it lists may go.",
        failing='<leerling key="L1" eckid="…"><achternaam>Jansen</achternaam>'
        "<bsn>…</bsn></leerling>   (purpose pseudoniem)",
        passing='<leerling key="L1" eckid="…"><jaargroep>5</jaargroep></leerling>',
        fix="Remove the field from the export for this purpose, or choose the purpose the "
        "privacybijsluiter actually agrees on (e.g. smalle-set) and justify it there.",
    )

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.forbidden = ShapeCache(self._forbidden)

    def _forbidden(self, record: Record) -> tuple[tuple[str, str], ...]:
        """The direct identifiers among this shape's fields that the purpose forbids."""
        found = []
        for path in record.fields:
            rule = self.ctx.rule(path, record.kind)
            direct = rule is not None and rule.cls is FieldClass.DIRECT
            if direct and not self.ctx.allowed(record.kind, path):
                found.append((path, rule.category or "other"))  # type: ignore[union-attr]
        return tuple(found)

    def visit(self, record: Record) -> None:
        self.examined += 1
        for path, category in self.forbidden.get(self.ctx.shape(record), record):
            evidence = None if record.synthetic else redact(record.fields[path][0])
            self.tally.add((record.kind, path, category), record, evidence)

    def visit_window(self, window: RecordWindow) -> None:
        """Per shape, in the order the shapes appear: what a shape forbids, it forbids in every
        record of it, and the shape that appears first has the first such record."""
        self.examined += len(window)
        for batch in window.batches:
            first = batch.first
            for path, category in self.forbidden.get(batch.shape, first):
                evidence = None if first.synthetic else redact(first.fields[path][0])
                self.tally.add_many((batch.kind, path, category), first, len(batch), evidence)

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: (
                f"direct identifier '{key[1]}' ({key[2]}) {kind_words(key[0], n)}: "
                f"purpose '{self.ctx.purpose.name}' does not allow it"
            ),
            rule=self.ctx.purpose_rule,
            field_of=lambda key: key[1],
        )


def _in_record_order(
    parts: list[tuple[list[str], Sequence[int]]],
) -> tuple[list[str], Sequence[int]]:
    """One field's values from several batches, merged into record order (stable: a record's
    own values keep their order)."""
    if len(parts) == 1:
        return parts[0]
    rows = chain.from_iterable(r for _, r in parts)
    values = chain.from_iterable(v for v, _ in parts)
    merged = sorted(zip(rows, values, strict=True), key=itemgetter(0))
    return [value for _, value in merged], [row for row, _ in merged]


def _concatenated(parts: list[tuple[list[str], Sequence[int]]]) -> list[str]:
    """One field's values from several batches, batch after batch: not in record order."""
    return list(chain.from_iterable(values for values, _ in parts))


# Chain identifiers are the PSN family's: in NAW-002 only data that identifies a person outright.
_NAW_RECOGNISERS = frozenset(
    {"bsn", "onderwijsnummer", "postcode", "address", "phone", "email", "iban", "birthdate", "name"}
)
# What a field of a category holds as its own, and is no finding there: a birth-date field's
# birth date is MIN-001/MIN-002's; the number, the address or the login in a field allowed to
# hold one. A postcode4 field holds four digits: a full postcode there is a finding whatever
# the purpose's precision limits (with none, MIN-002 never looked, and "1234 AB" passed).
_NUMBERS = frozenset({"bsn", "onderwijsnummer"})
_OWN = {
    "birthdate": frozenset({"birthdate"}),
    "postcode": frozenset({"postcode"}),
    "bsn": _NUMBERS,
    "onderwijsnummer": _NUMBERS,
    "sofinummer": _NUMBERS,
    "national-id": _NUMBERS,
    "email": frozenset({"email"}),
    "username": frozenset({"email"}),  # a login is often the e-mail address
    "phone": frozenset({"phone"}),
    "iban": frozenset({"iban"}),
    "title": frozenset({"name"}),  # a book's title names its characters ("Mees Kees")
}
# What a typed field of a category is searched for besides the hard identifiers: more than
# its own content (a postcode4 field's full postcode, a name field's address).
_WHERE = frozenset({"postcode", "address"})
_BEYOND = {
    "postcode4": _WHERE,
    # a name allowed (the Smalle set) holds no address: "Jansen, Kerkstraat 12" passed
    "name": _WHERE,
    # a place, country or nationality is no street address ("Kerkstraat 12, 3511 AB Utrecht"
    # as plaats passed under analyse); a gender code or a birth date holds no name either
    "place": _WHERE,
    "country": _WHERE,
    "nationality": _WHERE,
    "gender": _WHERE | {"name", "birthdate"},
    "birthdate": _WHERE | {"name"},
}
_LABELS = {
    "bsn": "BSN (valid 11-proef)",
    "onderwijsnummer": "onderwijsnummer (valid 11-proef)",
    "postcode": "postcode",
    "address": "street address",
    "phone": "phone number",
    "email": "e-mail address",
    "iban": "IBAN (valid check digits)",
    "birthdate": "date of birth",
    "name": "person's name",
}


@register
class IdentifyingValue(Check):
    requirement = "NAW-002"
    doc = CheckDoc(
        what="No value recognised as personal data — a BSN or onderwijsnummer (11-proef), "
        "an e-mail address, a Dutch or Belgian phone number, an IBAN, a postcode, a street "
        "address, a date of birth, a person's name — appears in a field that is not a direct "
        "identifier: free text, notes, extension blocks, codes, misnamed fields, values outside "
        "the records; no such field's values are, nearly all, persons' given names or surnames "
        "alone (a column of names under another name: 'fn', 'kolom1'); nor is a BSN, e-mail "
        "address, phone number or IBAN a field's name (JSON keyed by pupil), or the content of "
        "a name or a birth date the purpose allows.",
        why="A field's name is no guarantee of its content: a BSN in 'ref', a parent's phone "
        "number in a teacher's note or a name in a group description identifies the pupil as "
        "surely as a name field (AVG art. 5(1)(c); Privacyconvenant).",
        failing='{"eckId": "https://ketenid.nl/201703/…", "opmerking": "moeder S. de Vries '
        'belt terug: 06-…"}',
        passing='{"eckId": "https://ketenid.nl/201703/…", "opmerking": "extra oefenstof breuken"}',
        fix="Remove personal data from free text and codes before export, or stop exporting "
        "the field; never reuse a number field for a BSN.",
    )
    nothing_examined = "no field that is not a direct identifier is present"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.scanned = ShapeCache(self._scanned)
        self.named = ShapeCache(_data_in_names)
        self.name_columns = NameColumns()

    def not_applicable(self) -> str | None:
        if self.ctx.profile.pseudonym is None:
            return "the exchange is not pseudonymous (e.g. a school-to-school dossier)"
        return None

    def _scanned(self, record: Record) -> tuple[_Scanned, ...]:
        """The fields of this shape to scan, each with what to look for: all but the direct
        identifiers the purpose forbids (NAW-001's) and the record's pseudonym (the PSN
        checks'). A direct identifier the purpose allows (a name under the Smalle set) and a
        typed quasi-identifier (a birth date, a gender code: MIN-001 and MIN-002 judge their
        content) are searched only for the identifiers that are never their own content — a
        BSN in `roepnaam` passed unseen. A second field named like a pseudonym is scanned: no
        PSN check reads it (a BSN in `ketenId` beside `eckId` passed unseen)."""
        # Outside the records no field is the record's pseudonym, which the PSN checks read:
        # a BSN in a wrapper's "eckId" passed unexamined.
        found = self.ctx.pseudonym(record) if record.kind != OUTSIDE else None
        pseudonym = found[0] if found else None
        fields = []
        for path in record.fields:
            rule = self.ctx.rule(path, record.kind)
            name = path.rsplit("/", 1)[-1].lstrip("@")
            category = rule.category if rule else None
            own_content = _OWN.get(category or "", frozenset())  # its category's own kinds
            own = _ORGANISATIONS_OWN.get(compact_name(name), frozenset())
            if own and record.kind == OUTSIDE and of_organisation(path):
                # A document's header naming its school (school/telefoon, school/adres): the
                # school's own details, by the field's own name only — a mentor or contact
                # person under it is a person, and in the records such a field may hold a
                # pupil's or a parent's details, so it is searched for everything there.
                # A mobile number or a free mailbox under a person's name is a person's all
                # the same ("sanne.jansen@gmail.com" as a school's e-mail).
                personal = own & _PERSONAL_CONTACTS
                kinds = (_NAW_RECOGNISERS - own) | personal
                fields.append(_Scanned(path, Hint(name), kinds, typed=True, if_personal=personal))
            elif rule is None or not (
                rule.cls is FieldClass.DIRECT
                or (rule.cls is FieldClass.PSEUDONYM and path == pseudonym)
                or (rule.cls is FieldClass.QUASI and category is not None)
            ):
                kinds = _NAW_RECOGNISERS - own_content
                column = category is None and record.kind != OUTSIDE and NameColumns.wanted(name)
                fields.append(_Scanned(path, Hint(name, category), kinds, False, column=column))
            elif rule.cls is not FieldClass.PSEUDONYM and (
                rule.cls is FieldClass.QUASI or self.ctx.allowed(record.kind, path)
            ):
                kinds = (_HARD | _BEYOND.get(category or "", frozenset())) - own_content
                fields.append(_Scanned(path, Hint(name), kinds, typed=True))
        return tuple(fields)

    def visit(self, record: Record) -> None:
        shape = self.ctx.shape(record)
        for kind, path, recogniser, evidence in self.named.get(shape, record):
            self.tally.add((kind, path, recogniser, _AS_NAME), record, evidence)
        scanned = self.scanned.get(shape, record)
        if not scanned:
            return
        self.examined += 1
        fields = record.fields
        for field in scanned:
            if field.column:
                self.name_columns.feed(
                    record.kind, field.path, fields[field.path], lambda _: record
                )
        values = [(field, v) for field in scanned for v in fields[field.path]]
        # One search over the values joined picks the few that could hold personal data (the
        # common record has none); a field whose name is the context is always scanned.
        hits = candidates([v for _, v in values])
        counted: set[tuple[tuple[str, ...], int]] = set()
        for index, (field, value) in enumerate(values):
            if index in hits or field.hint.category in HINTED:
                self._tally(record, field, value, scan(value, field.hint), row=0, counted=counted)

    def visit_window(self, window: RecordWindow) -> None:
        """Per field, each distinct value is scanned once (see scan_column); the findings are
        tallied in record order, so per (field, recogniser) the first record is the one kept,
        as when visiting records one by one."""
        columns: dict[str, tuple[_Scanned, list[tuple[list[str], Sequence[int]]]]] = {}
        alone = len(window.batches) == 1  # then a batch's rows are the window's
        for batch in window.batches:
            for kind, path, recogniser, evidence in self.named.get(batch.shape, batch.first):
                key = (kind, path, recogniser, _AS_NAME)
                self.tally.add_many(key, batch.first, len(batch), evidence)
            scanned = self.scanned.get(batch.shape, batch.first)
            if scanned:
                self.examined += len(batch)
            for field in scanned:
                values, rows = batch.values(field.path)
                placed = rows if alone else [batch.rows[row] for row in rows]
                columns.setdefault(field.path, (field, []))[1].append((values, placed))
        for field, parts in columns.values():
            # Several shapes' values in record order only where order counts: a column of
            # names is judged on its first values, and findings come in record order. The
            # scan itself reads the values as a set (an XML window of two shapes sorted
            # every column for nothing).
            order: Sequence[int] | None = None  # each value's row, where asked for
            if len(parts) == 1 or field.column:
                values, order = _in_record_order(parts)
                if field.column:
                    at = partial(_record_at, window, order)
                    self.name_columns.feed(window.kind, field.path, values, at)
            else:
                values = _concatenated(parts)
            found = scan_column(values, field.hint, field.kinds if field.typed else None)
            if not found:
                continue  # the common column: nothing in any of its values
            if order is None:
                values, order = _in_record_order(parts)
            counted: set[tuple[tuple[str, ...], int]] = set()
            for index, value in enumerate(values):
                detections = found.get(value)
                if detections:
                    row = order[index]
                    record = window.record(row)
                    self._tally(record, field, value, detections, row=row, counted=counted)

    def _tally(
        self,
        record: Record,
        field: _Scanned,
        value: str,
        detections: list[Detection],
        *,
        row: int,
        counted: set[tuple[tuple[str, ...], int]],
    ) -> None:
        """The detections a field's value holds, each kind counted once per record (``row``
        of those ``counted`` so far): two names in one note, or in two values of a repeated
        element, are one record's — its finding said "in 2 records"."""
        for found in detections:
            if found.recogniser in field.kinds:
                text = value[found.start : found.end]
                if found.recogniser in field.if_personal and not is_personal_contact(
                    found.recogniser, text
                ):
                    continue  # the organisation's own e-mail address or phone number
                evidence = redact(text)
                key: tuple[str, ...] = (record.kind, field.path, found.recogniser)
                key = (*key, _IN_TYPED) if field.typed else key
                if (key, row) not in counted:
                    counted.add((key, row))
                    self.tally.add(key, record, evidence)

    def finish(self) -> Iterable[Finding]:
        for column in self.name_columns.judged():
            key = (column.kind, column.path, "name", _IN_COLUMN, *column.kinds, str(column.seen))
            self.tally.add_many(key, column.first, column.names, redact(column.example))
        return self.tally.findings(
            _value_message,
            confidence=lambda key: Confidence.MEDIUM if key[2] == "name" else Confidence.HIGH,
            field_of=lambda key: key[1],
        )


def _record_at(window: RecordWindow, rows: Sequence[int], index: int) -> Record:
    return window.record(rows[index])


def _value_message(key: tuple[str, ...], n: int) -> str:
    kind, path, recogniser = key[:3]
    where = kind_words(kind, n, "of")
    if key[3:4] == (_IN_COLUMN,):
        *kinds, seen = key[4:]
        what = " and ".join(f"{kind}s" for kind in kinds)
        return (
            f"persons' {what} as the values of field '{path}' {where}: {n:,} of the first "
            f"{int(seen):,} values are a name alone; expected no personal data in a field that "
            "is not an identifier"
        )
    if key[3:] == (_IN_TYPED,):
        return (
            f"{_LABELS[recogniser]} in field '{path}' {where}: expected only what the field is for"
        )
    if key[3:] == (_AS_NAME,):
        return (
            f"{_LABELS[recogniser]} used as a name in field '{path}' {where}: "
            "expected no personal data in a field's name either (data made a key)"
        )
    return (
        f"{_LABELS[recogniser]} in field '{path}' {where}: expected no personal "
        "data in a field that is not an identifier"
    )


# The identifiers that are never a name, a date or a code: what a field allowed to hold a name
# or a date is searched for, and what a field's own name must not be or hold (JSON keyed by BSN,
# a map of pupils by e-mail address). Dates and postcodes are left out of the latter (maps
# keyed by date or region are common), and a name counts there only as a whole known full name
# (_value_in_name: "Max Score" is a column's name).
_HARD = frozenset({"bsn", "onderwijsnummer", "email", "phone", "iban"})
_AS_NAME = "as-name"
# An e-mail address has an "@"; a BSN, onderwijsnummer, phone number and IBAN eight digits or
# more, written with at most two other characters between two of them.
_EIGHT_DIGITS = re.compile(r"\d(?:\D{0,2}\d){7}")


@dataclass(frozen=True, slots=True)
class _Scanned:
    """A field to scan: its path, the hint its values are scanned with, the recognisers whose
    detections count there, and whether it is a field with content of its own kind (a direct
    identifier the purpose allows, a typed quasi-identifier)."""

    path: str
    hint: Hint
    kinds: frozenset[str]
    typed: bool
    if_personal: frozenset[str] = frozenset()  # kinds that count only if a person's own
    # read as a column that may be of names alone: an untyped field of no known category, in
    # the records (:mod:`conformance.checks.namecolumns`)
    column: bool = False


_IN_TYPED = "in-typed"
_IN_COLUMN = "in-column"  # a column of given names or surnames alone
_PERSONAL_CONTACTS = frozenset({"email", "phone"})
# What an organisation's field named for its own details holds (a school's name, address,
# phone number), by the field's compacted name: not looked for there.
_ADDRESS = frozenset({"address", "postcode", "name"})
_ORGANISATIONS_OWN = {
    # a location is named by its street ("Locatie Julianalaan 12"): the school's address
    "naam": frozenset({"name"}) | _ADDRESS,
    "name": frozenset({"name"}) | _ADDRESS,
    "schoolnaam": frozenset({"name"}) | _ADDRESS,
    "adres": _ADDRESS,
    "address": _ADDRESS,
    "bezoekadres": _ADDRESS,
    "postadres": _ADDRESS,
    "straat": _ADDRESS,
    "postcode": frozenset({"postcode"}),
    "plaats": _ADDRESS,
    "vestigingsplaats": _ADDRESS,
    "telefoon": frozenset({"phone"}),
    "telefoonnummer": frozenset({"phone"}),
    "phone": frozenset({"phone"}),
    "email": frozenset({"email"}),
    "emailadres": frozenset({"email"}),
    "mail": frozenset({"email"}),
    "website": frozenset({"name"}),
    # the export's author, a field UWLR's and EDEXML's Smalle and LVS sets keep in the school
    # header (the official EDEXML example names a person there): a name is its content; a BSN,
    # an e-mail address or a phone number in it is still a finding
    "auteur": frozenset({"name"}),
    "author": frozenset({"name"}),
}


def _data_in_names(record: Record) -> tuple[tuple[str, str, str, str], ...]:
    """Per field of this shape whose path has a name that is or holds such a value, and for a
    record kind that is one: where (the kind, or OUTSIDE for the kind itself), the path, the
    recogniser and the name redacted."""
    found = []
    for path in record.fields:
        for segment in path.split("/"):
            hit = _value_in_name(segment.lstrip("@").strip())
            if hit is not None:
                found.append((record.kind, path, hit, redact(segment)))
    hit = _value_in_name(record.kind)  # {"111222333": [records]}: the key names their kind
    if hit is not None:  # the name of the array the records are in: outside them
        found.append((OUTSIDE, record.kind, hit, redact(record.kind)))
    return tuple(found)


def _value_in_name(name: str) -> str | None:
    """The kind of personal value a name is, or holds: a BSN, onderwijsnummer or IBAN anywhere
    in it ("123456782.pdf"), an e-mail address in a name without spaces ("mailto:…"); a phone
    number or a person's full name ("Sanne Jansen") only as the whole name. A header may show
    one as an example or point to a help desk: "Telefoon (bijv. 0612345678)", "Score (vragen:
    helpdesk@leverancier.nl)"."""
    if " " in name and is_full_name(name):  # {"Sanne Jansen": "<her ECK iD>"}: a key list
        return "name"
    if "@" not in name and _EIGHT_DIGITS.search(name) is None:  # every such value has one
        return None
    for detection in scan(name.replace("_", " ")):  # "bsn_123456782": "_" joins no number
        kind = detection.recogniser
        whole = (detection.start, detection.end) == (0, len(name))
        if kind in _HARD and (
            whole or kind in _NUMBERS or kind == "iban" or (kind == "email" and " " not in name)
        ):
            return kind
    return None
