"""NAW-001: direct identifiers (naam, adres, woonplaats, numbers, contact) where forbidden."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.checks.base import Check, CheckDoc, register
from conformance.checks.context import CheckContext, ShapeCache
from conformance.checks.tally import times
from conformance.detect.redact import redact
from conformance.model.findings import Finding
from conformance.model.profile import FieldClass
from conformance.model.records import Record


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
            rule = self.ctx.rule(path)
            direct = rule is not None and rule.cls is FieldClass.DIRECT
            if direct and not self.ctx.allowed(record.kind, path):
                found.append((path, rule.category or "other"))  # type: ignore[union-attr]
        return tuple(found)

    def visit(self, record: Record) -> None:
        self.examined += 1
        for path, category in self.forbidden.get(self.ctx.shape(record), record):
            values = record.fields[path]
            self.tally.add((record.kind, path, category), record, redact(values[0]))

    def finish(self) -> Iterable[Finding]:
        return self.tally.findings(
            lambda key, n: (
                f"direct identifier '{key[1]}' ({key[2]}) in {key[0]} records "
                f"({times(n)}): purpose '{self.ctx.purpose.name}' does not allow it"
            ),
            rule=self.ctx.purpose_rule,
            field_of=lambda key: key[1],
        )
