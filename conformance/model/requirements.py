"""The requirement catalogue (a contract: IDs never change meaning and are never reused).

Requirements say what the norm demands; checks (in ``conformance.checks``) say how we verify it.
They are linked by ID only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Basis(Enum):
    """Where a requirement comes from."""

    WP = (
        "Wet pseudonimisering leerlinggegevens (WPO art. 178a lid 11; "
        "Regeling pseudonimisering onderwijsdeelnemers art. 2-3)"
    )
    AVG = "AVG art. 5(1)(c), 25, 32"
    CV = (
        "Privacyconvenant Digitale Onderwijsmiddelen en Privacy 3.0, "
        "model verwerkersovereenkomst, privacybijsluiter"
    )
    ES = "Edustandaard (UWLR Smalle set / LVS set, OSO categorie_uitlevering)"
    ROSA = "Gebruik pseudoniem waar mogelijk; Voorkom ongewenste traceerbaarheid; Privacy by design"
    KS = (
        "Kamerstuk 32 034 (pseudoniem niet 1-op-1 afgeleid, apart opgeslagen, "
        "geen sleutellijst buiten de school)"
    )
    P = "Project policy (stated as such in the report)"


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    name: str
    title_nl: str
    title_en: str
    fails_when: str
    evidence: tuple[str, ...]
    basis: tuple[Basis, ...]

    @property
    def family(self) -> str:
        return self.id.split("-", 1)[0]


def _r(  # noqa: PLR0917  (one positional row of the catalogue table)
    rid: str, name: str, nl: str, en: str, fails: str, evidence: str, basis: str
) -> Requirement:
    return Requirement(
        rid,
        name,
        nl,
        en,
        fails,
        tuple(evidence.split(",")),
        tuple(Basis[b] for b in basis.split()),
    )


CATALOGUE: dict[str, Requirement] = {
    r.id: r
    for r in (
        _r(
            "PSN-001",
            "pseudonym-missing",
            "Pseudoniem ontbreekt",
            "Pseudonym missing",
            "a pupil or teacher record leaving the school lacks the profile's pseudonym",
            "export,api",
            "WP ROSA",
        ),
        _r(
            "PSN-002",
            "pseudonym-malformed",
            "Pseudoniem heeft een ongeldig formaat",
            "Pseudonym malformed",
            "an ECK iD does not match its format (production prefix https://ketenid.nl/201703/ "
            "and 128 lower-case hex; pilot prefix only in test mode; legacy id.school never)",
            "export,api",
            "WP",
        ),
        _r(
            "PSN-003",
            "pseudonym-not-unique",
            "Pseudoniem is niet uniek",
            "Pseudonym not unique",
            "two pupils share a pseudonym, or one pupil has two",
            "export,api",
            "WP",
        ),
        _r(
            "PSN-004",
            "wrong-pseudonym-kind",
            "Verkeerd soort pseudoniem",
            "Wrong kind of pseudonym",
            "a stampseudoniem, a first-level hash (HPgn) or a real-id attribute "
            "(nlEduPersonRealId) appears where only the chain pseudonym may",
            "export,api",
            "WP KS",
        ),
        _r(
            "NAW-001",
            "identifying-field",
            "Direct identificerend veld",
            "Identifying field",
            "a field classified as a direct identifier is present where the purpose forbids it",
            "export,spec,api",
            "AVG CV KS",
        ),
        _r(
            "NAW-002",
            "identifying-value",
            "Identificerende waarde",
            "Identifying value",
            "a value recognised as personal data appears in a field not allowed to carry it",
            "export,api",
            "AVG CV",
        ),
        _r(
            "MIN-001",
            "field-not-allowed-for-purpose",
            "Veld niet toegestaan voor dit doel",
            "Field not allowed for this purpose",
            "a field outside the purpose's allow-list is present "
            "(closed world; unknown fields count)",
            "export,spec,api",
            "AVG ES",
        ),
        _r(
            "MIN-002",
            "excess-precision",
            "Te grote precisie",
            "Excess precision",
            "an allowed field is more precise than the purpose needs",
            "export,api",
            "AVG ES",
        ),
        _r(
            "MIN-003",
            "released-category-withheld",
            "Niet vrijgegeven categorie aanwezig",
            "Withheld category present",
            "data of a category the sender marked VERBODEN or OPT-UIT is present",
            "export",
            "ES",
        ),
        _r(
            "SEP-001",
            "pseudonym-colocated",
            "Pseudoniem samen met identiteit opgeslagen",
            "Pseudonym stored with identity",
            "a table storing the pseudonym also stores direct identifiers",
            "ddl,database",
            "KS P",
        ),
        _r(
            "SEP-002",
            "pseudonym-joinable",
            "Pseudoniem koppelbaar aan identiteit",
            "Pseudonym joinable to identity",
            "a join path links the pseudonym store to identities without an access boundary",
            "ddl,database",
            "KS P",
        ),
        _r(
            "LNK-001",
            "derivable-pseudonym",
            "Afleidbaar pseudoniem",
            "Derivable pseudonym",
            "a pseudonym equals a known transform of a personal number or identity field, "
            "or pseudonyms are sequential or low-entropy",
            "export,api",
            "KS WP",
        ),
        _r(
            "LNK-002",
            "key-list-present",
            "Sleutellijst aanwezig",
            "Key list present",
            "data leaving the school pairs pseudonyms with direct identifiers",
            "export",
            "KS",
        ),
        _r(
            "LNK-003",
            "small-equivalence-class",
            "Te kleine gelijkheidsklasse",
            "Small equivalence class",
            "k-anonymity over the quasi-identifiers is below k, or too many records are unique",
            "export",
            "AVG ROSA",
        ),
        _r(
            "LNK-004",
            "cross-context-linkable",
            "Koppelbaar over contexten",
            "Linkable across contexts",
            "pseudonym values recur across exports that must be unlinkable",
            "export",
            "WP ROSA",
        ),
        _r(
            "LNK-005",
            "sensitive-attribute-disclosure",
            "Onthulling van gevoelig kenmerk",
            "Sensitive attribute disclosure",
            "l-diversity of a sensitive attribute within a quasi-identifier class is below l",
            "export",
            "AVG",
        ),
        _r(
            "API-001",
            "canary-leak",
            "Identificerende gegevens lekken terug",
            "Identifying data leaks back",
            "identifying data sent into the API comes back where it must be pseudonymous",
            "api",
            "CV KS",
        ),
        _r(
            "API-002",
            "unstable-pseudonym",
            "Instabiel pseudoniem",
            "Unstable pseudonym",
            "the same pupil gets different pseudonyms across calls, or two pupils the same one",
            "api",
            "WP",
        ),
        _r(
            "API-003",
            "tenant-breach",
            "Gegevens van andere school leesbaar",
            "Another school's data readable",
            "one school's data is readable with another school's credentials or without any",
            "api",
            "AVG CV",
        ),
        _r(
            "API-004",
            "erasure-not-honoured",
            "Verwijdering niet uitgevoerd",
            "Erasure not honoured",
            "after deletion the pupil's data is still returned, or an access export is incomplete",
            "api",
            "AVG CV",
        ),
        _r(
            "API-005",
            "unsafe-error-handling",
            "Onveilige foutafhandeling",
            "Unsafe error handling",
            "malformed input gives a 5xx, or an error echoes personal data",
            "api",
            "AVG",
        ),
        _r(
            "API-006",
            "identifiers-accepted",
            "Verboden identificatoren geaccepteerd",
            "Forbidden identifiers accepted",
            "the API accepts and stores identifiers the profile forbids it to receive",
            "api",
            "AVG CV",
        ),
        _r(
            "API-007",
            "insecure-transport",
            "Onveilig transport",
            "Insecure transport",
            "plain HTTP accepted, TLS below 1.2, or personal data or pseudonyms in URLs",
            "api",
            "AVG",
        ),
    )
}


def requirement(rid: str) -> Requirement:
    """The requirement with this ID; ``KeyError`` names the unknown ID."""
    return CATALOGUE[rid]


@dataclass(frozen=True, slots=True)
class CheckDoc:
    """How a requirement is verified, in the fixed sections every requirement page has (written
    by a check, a verb of its own, or a live probe)."""

    what: str
    why: str
    failing: str
    passing: str
    fix: str
