"""The words of the HTML report, in Dutch and English, kept apart from the markup.

Everything here is plain text: ``html.py`` fills the ``{placeholders}`` and escapes the result,
so no entry may contain markup. Three audiences read these words: a school administrator (part 1,
plain language), the supplier's developers (part 2) and a certifier (part 3). The per-requirement
tables must cover every catalogue ID in both languages (``tests/test_html_report.py`` checks it);
the English fix text comes from the report itself (the check's documentation), the Dutch one is
kept here because the checks document themselves in English only.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.model.verdict import Verdict

LANGUAGES = ("nl", "en")

# Words for a verdict, and a symbol beside them so that colour never carries it alone.
VERDICT_WORD: dict[str, dict[Verdict, str]] = {
    "nl": {
        Verdict.PASS: "voldoet",
        Verdict.FAIL: "voldoet niet",
        Verdict.ERROR: "fout in de controle",
        Verdict.WAIVED: "ontheffing",
        Verdict.NOT_APPLICABLE: "niet gecontroleerd",
    },
    "en": {
        Verdict.PASS: "pass",
        Verdict.FAIL: "fail",
        Verdict.ERROR: "check error",
        Verdict.WAIVED: "waived",
        Verdict.NOT_APPLICABLE: "not examined",
    },
}
VERDICT_SYMBOL = {
    Verdict.PASS: "✔",
    Verdict.FAIL: "✘",
    Verdict.ERROR: "!",
    Verdict.WAIVED: "~",
    Verdict.NOT_APPLICABLE: "–",
}

UI: dict[str, dict[str, str]] = {
    "nl": {
        "doc_title": "Privacyrapport",
        "nav_label": "Inhoud",
        "intro": "Rapport van {generated} over {what}, gemaakt met conformance {version}.",
        "part1": "Deel 1 — Voor de school: samenvatting",
        "part2": "Deel 2 — Voor de leverancier: details per eis",
        "part3": "Deel 3 — Voor de certificeerder: dossier",
        "word_pass": "VOLDOET",
        "word_fail": "VOLDOET NIET",
        "word_error": "GEEN OORDEEL",
        "verdict_pass": "Dit product voldoet aan de privacyeisen voor {purpose}.",
        "verdict_fail": "Dit product voldoet niet aan de privacyeisen voor {purpose}.",
        "verdict_crash": "Er is geen oordeel over {purpose}: {count} controle(s) konden niet "
        "worden uitgevoerd. Dat betekent niet dat het product voldoet.",
        "verdict_nothing": "Er is geen oordeel over {purpose}: met deze gegevens kon geen enkele "
        "eis worden gecontroleerd. Dat betekent niet dat het product voldoet.",
        "scope": "Gecontroleerd: {examined} van de {total} eisen. Niet gecontroleerd, omdat deze "
        "gegevens er geen bewijs voor bevatten: {rest}; daarover zegt dit oordeel niets.",
        "scope_all": "Gecontroleerd: alle {total} eisen.",
        "caveat": "Let op: de meeste eisen zijn niet gecontroleerd. Dit oordeel geldt alleen "
        "voor de eisen die wel zijn gecontroleerd.",
        "waived_note": "Voor {count} eis(en) geldt een ontheffing: {titles}. De afspraken "
        "staan in deel 3.",
        "banner_title": "NIET VOOR CERTIFICERING",
        "banner_lead": "Dit rapport mag niet worden gebruikt voor certificering, omdat:",
        "h_data": "Welke leerlinggegevens ontvangt dit product?",
        "h_why": "Waarvoor?",
        "h_pseudonym": "Onder welk pseudoniem?",
        "h_examined": "Wat is onderzocht?",
        "h_failing": "Wat voldoet niet?",
        "h_unexamined": "Wat is niet gecontroleerd?",
        "eckid": "Buiten de school mag een leerling alleen bekend zijn onder het ECK iD: een "
        "lange, willekeurige code (pseudoniem) uit de Nummervoorziening, die per keten van "
        "leveranciers verschilt. Zo kunnen leveranciers een leerling niet herkennen of onderling "
        "koppelen.",
        "eckid_ok": "Gecontroleerd: elke leerling en leraar in de gegevens heeft een geldig en "
        "uniek ECK iD.",
        "eckid_bad": "Het ECK iD is niet in orde; zie hieronder wat niet voldoet.",
        "eckid_unchecked": "Het ECK iD is in dit onderzoek niet (volledig) gecontroleerd.",
        "not_pseudonymous": "Deze gegevens worden bewust niet onder pseudoniem uitgewisseld: "
        "de ontvanger moet weten om welke leerling het gaat. Juist daarom is gecontroleerd dat "
        "er niet meer in staat dan het doel toestaat.",
        "examined_none": "Er zijn geen gegevens onderzocht.",
        "input_line": "{name} — {kind}, {count} {unit}",
        "unit_records": "records",
        "unit_record": "record",
        "unit_tables": "tabellen",
        "unit_table": "tabel",
        "unit_requests": "verzoeken verstuurd",
        "unit_request": "verzoek verstuurd",
        "crash_sentence": "deze controle kon niet worden uitgevoerd, dus hierover is geen oordeel.",
        "unexamined_lead": "Deze eisen konden met deze gegevens niet worden gecontroleerd:",
        "unexamined_none": "Alle eisen zijn gecontroleerd.",
        "h_overview": "Overzicht van alle eisen",
        "col_req": "Eis",
        "col_title": "Titel",
        "col_verdict": "Oordeel",
        "col_examined": "Onderzocht",
        "col_findings": "Bevindingen",
        "col_note": "Toelichting",
        "see_details": "zie details",
        "req_counts": "Onderzocht: {examined} onderdelen. Bevindingen: {count}.",
        "req_waived": "Daarvan onder ontheffing: {count}.",
        "reason": "Reden: {reason}",
        "col_location": "Plaats",
        "col_message": "Melding (Engels)",
        "col_evidence": "Bewijs (afgeschermd)",
        "col_occurrences": "Aantal",
        "col_severity": "Ernst",
        "col_status": "Status",
        "findings_caption": "Bevindingen bij {rid}",
        "more_findings": "Nog {count} bevinding(en) zijn geteld maar niet afzonderlijk opgenomen.",
        "waived_caption": "Onder ontheffing bij {rid} (telt niet mee voor het oordeel)",
        "fix": "Oplossing:",
        "fix_missing": "Dit rapport bevat geen oplossing voor deze eis; zie `conformance explain "
        "{rid}`.",
        "no_details": "Geen bevindingen, ontheffingen of fouten: er zijn geen details.",
        "h_report": "Rapport",
        "h_profile": "Profiel",
        "h_inputs": "Invoer",
        "h_reproduce": "Reproduceren",
        "h_waivers": "Ontheffingen",
        "h_signature": "Handtekening",
        "k_tool": "Versie van conformance",
        "k_generated": "Gemaakt op (UTC)",
        "k_environment": "Omgeving",
        "k_verdict": "Oordeel (JSON)",
        "k_certification": "Certificering",
        "k_supplier": "Leverancier",
        "k_product": "Product",
        "k_version": "Productversie",
        "k_id": "Id",
        "k_profile_version": "Versie",
        "k_purpose": "Doel",
        "k_sha256": "SHA-256",
        "k_source": "Bron",
        "k_seed": "Seed",
        "k_command": "Opdracht",
        "k_algorithm": "Algoritme",
        "k_fingerprint": "Vingerafdruk van de sleutel (SHA-256)",
        "k_public_key": "Publieke sleutel (base64)",
        "cert_none": "geen certificeringsrun (conformance check)",
        "cert_yes": "geschikt voor certificering",
        "cert_no": "niet geschikt voor certificering: {reasons}",
        "cert_build": "build-vingerafdruk (SHA-256 van RECORD)",
        "col_kind": "Soort",
        "col_name": "Naam",
        "col_format": "Formaat",
        "col_records": "Records",
        "col_scope": "Reikwijdte",
        "col_justification": "Onderbouwing",
        "col_owner": "Eigenaar",
        "col_expires": "Verloopt",
        "col_approved": "Goedgekeurd door",
        "col_waived": "Gedekt",
        "not_approved": "niet goedgekeurd",
        "no_waivers": "Geen ontheffingen.",
        "none": "—",
        "signed": "ondertekend — controleer met",
        "unsigned": "niet ondertekend",
        "signature_note": "De handtekening hoort bij het JSON-rapport, niet bij deze pagina.",
        "footer": "Gemaakt met conformance {version} op {generated}. Persoonsgegevens in dit "
        "rapport zijn afgeschermd.",
    },
    "en": {
        "doc_title": "Privacy report",
        "nav_label": "Contents",
        "intro": "Report of {generated} on {what}, made with conformance {version}.",
        "part1": "Part 1 — For the school: summary",
        "part2": "Part 2 — For the supplier: details per requirement",
        "part3": "Part 3 — For the certifier: dossier",
        "word_pass": "CONFORMANT",
        "word_fail": "NOT CONFORMANT",
        "word_error": "NO VERDICT",
        "verdict_pass": "This product meets the privacy requirements for {purpose}.",
        "verdict_fail": "This product does not meet the privacy requirements for {purpose}.",
        "verdict_crash": "There is no verdict on {purpose}: {count} check(s) could not be run. "
        "That does not mean the product conforms.",
        "verdict_nothing": "There is no verdict on {purpose}: none of the requirements could be "
        "examined with this evidence. That does not mean the product conforms.",
        "scope": "Examined: {examined} of the {total} requirements. Not examined, because these "
        "inputs hold no evidence for them: {rest}; this verdict says nothing about those.",
        "scope_all": "Examined: all {total} requirements.",
        "caveat": "Note: most requirements were not examined. This verdict holds only for the "
        "requirements that were.",
        "waived_note": "{count} requirement(s) are covered by a waiver: {titles}. The terms are "
        "in part 3.",
        "banner_title": "NOT FOR CERTIFICATION",
        "banner_lead": "This report may not be used for certification, because:",
        "h_data": "Which pupil data does this product receive?",
        "h_why": "For what purpose?",
        "h_pseudonym": "Under which pseudonym?",
        "h_examined": "What was examined?",
        "h_failing": "What does not conform?",
        "h_unexamined": "What was not examined?",
        "eckid": "Outside the school a pupil may be known only by the ECK iD: a long, random "
        "code (pseudonym) from the Nummervoorziening that differs per chain of suppliers. So "
        "suppliers can neither recognise a pupil nor link one between them.",
        "eckid_ok": "Examined: every pupil and teacher in the data has a valid and unique ECK iD.",
        "eckid_bad": "The ECK iD is not in order; see below what does not conform.",
        "eckid_unchecked": "The ECK iD was not (fully) examined in this run.",
        "not_pseudonymous": "This data is deliberately not exchanged under a pseudonym: the "
        "receiver must know which pupil it is about. That is why it was checked that it holds "
        "no more than the purpose allows.",
        "examined_none": "No data was examined.",
        "input_line": "{name} — {kind}, {count} {unit}",
        "unit_records": "records",
        "unit_record": "record",
        "unit_tables": "tables",
        "unit_table": "table",
        "unit_requests": "requests sent",
        "unit_request": "request sent",
        "crash_sentence": "this check could not be run, so there is no verdict on it.",
        "unexamined_lead": "These requirements could not be examined with this evidence:",
        "unexamined_none": "All requirements were examined.",
        "h_overview": "Overview of all requirements",
        "col_req": "Requirement",
        "col_title": "Title",
        "col_verdict": "Verdict",
        "col_examined": "Examined",
        "col_findings": "Findings",
        "col_note": "Note",
        "see_details": "see details",
        "req_counts": "Examined: {examined} items. Findings: {count}.",
        "req_waived": "Of these, waived: {count}.",
        "reason": "Reason: {reason}",
        "col_location": "Location",
        "col_message": "Message",
        "col_evidence": "Evidence (redacted)",
        "col_occurrences": "Count",
        "col_severity": "Severity",
        "col_status": "Status",
        "findings_caption": "Findings for {rid}",
        "more_findings": "{count} more finding(s) were counted but not listed individually.",
        "waived_caption": "Waived for {rid} (not counted against the verdict)",
        "fix": "Fix:",
        "fix_missing": "This report carries no fix for this requirement; see `conformance explain "
        "{rid}`.",
        "no_details": "No findings, waivers or errors: there are no details.",
        "h_report": "Report",
        "h_profile": "Profile",
        "h_inputs": "Inputs",
        "h_reproduce": "Reproduce",
        "h_waivers": "Waivers",
        "h_signature": "Signature",
        "k_tool": "conformance version",
        "k_generated": "Generated at (UTC)",
        "k_environment": "Environment",
        "k_verdict": "Verdict (JSON)",
        "k_certification": "Certification",
        "k_supplier": "Supplier",
        "k_product": "Product",
        "k_version": "Product version",
        "k_id": "Id",
        "k_profile_version": "Version",
        "k_purpose": "Purpose",
        "k_sha256": "SHA-256",
        "k_source": "Source",
        "k_seed": "Seed",
        "k_command": "Command",
        "k_algorithm": "Algorithm",
        "k_fingerprint": "Key fingerprint (SHA-256)",
        "k_public_key": "Public key (base64)",
        "cert_none": "not a certification run (conformance check)",
        "cert_yes": "eligible for certification",
        "cert_no": "not eligible for certification: {reasons}",
        "cert_build": "build fingerprint (SHA-256 of RECORD)",
        "col_kind": "Kind",
        "col_name": "Name",
        "col_format": "Format",
        "col_records": "Records",
        "col_scope": "Scope",
        "col_justification": "Justification",
        "col_owner": "Owner",
        "col_expires": "Expires",
        "col_approved": "Approved by",
        "col_waived": "Covered",
        "not_approved": "not approved",
        "no_waivers": "No waivers.",
        "none": "—",
        "signed": "signed — verify with",
        "unsigned": "unsigned",
        "signature_note": "The signature covers the JSON report, not this page.",
        "footer": "Made with conformance {version} on {generated}. Personal data in this report "
        "is redacted.",
    },
}

INPUT_KIND: dict[str, dict[str, str]] = {
    "nl": {
        "export": "export",
        "spec": "interfacebeschrijving",
        "ddl": "databaseschema (SQL)",
        "database": "database",
        "api": "draaiende API",
    },
    "en": {
        "export": "export",
        "spec": "interface specification",
        "ddl": "database schema (SQL)",
        "database": "database",
        "api": "running API",
    },
}

WAIVER_STATUS: dict[str, dict[str, str]] = {
    "nl": {
        "applied": "toegepast",
        "expired": "verlopen",
        "unmatched": "dekt niets meer",
        "unapproved": "niet goedgekeurd",
    },
    "en": {
        "applied": "applied",
        "expired": "expired",
        "unmatched": "matches nothing",
        "unapproved": "not approved",
    },
}

SEVERITY: dict[str, dict[str, str]] = {
    "nl": {"low": "laag", "medium": "middel", "high": "hoog"},
    "en": {"low": "low", "medium": "medium", "high": "high"},
}

# How a school knows the standards: "UWLR 2.2" rather than the profile id.
PROFILE_NAME: dict[str, dict[str, str]] = {
    "uwlr-2.2": {"nl": "UWLR 2.2", "en": "UWLR 2.2"},
    "edexml-2.1": {"nl": "EDEXML 2.1", "en": "EDEXML 2.1"},
    "oso-2019.1": {"nl": "OSO 2019.1", "en": "OSO 2019.1"},
    "nl-generic": {"nl": "algemeen profiel", "en": "generic profile"},
}


@dataclass(frozen=True, slots=True)
class PurposeText:
    """A purpose in a school's words: its name, which data it sends, and what for.

    ``pseudonymous`` is False for exchanges that are meant to name the pupil (an OSO transfer
    dossier), so the page does not promise an ECK iD there.
    """

    name: dict[str, str]
    data: dict[str, str]
    why: dict[str, str]
    pseudonymous: bool = True


# Keyed by purpose name, as the shipped profiles name them (the same name means the same
# data set in uwlr-2.2 and edexml-2.1). Derived from each purpose's allow-list.
PURPOSES: dict[str, PurposeText] = {
    "smalle-set": PurposeText(
        name={"nl": "de Smalle set", "en": "the Smalle set (narrow set)"},
        data={
            "nl": "Per leerling: het ECK iD, een interne sleutel van de school, de naam "
            "(achternaam, voorvoegsel, roepnaam), de geboortedatum en de groep. Per leraar: het "
            "ECK iD, de naam, het e-mailadres en de groepen.",
            "en": "Per pupil: the ECK iD, the school's internal key, the name (surname, prefix, "
            "first name), the date of birth and the group. Per teacher: the ECK iD, the name, "
            "the e-mail address and the groups.",
        },
        why={
            "nl": "Om leerlingen en leraren toegang te geven tot een digitaal leermiddel en hen "
            "in de juiste groep te plaatsen.",
            "en": "To give pupils and teachers access to a digital learning product and place "
            "them in the right group.",
        },
    ),
    "lvs-set": PurposeText(
        name={"nl": "de LVS set (leerlingvolgsysteem)", "en": "the LVS set (pupil monitoring)"},
        data={
            "nl": "Per leerling: het ECK iD, een interne sleutel van de school, de naam "
            "(achternaam, voorvoegsel, voorletters, roepnaam), de geboortedatum, het geslacht, "
            "de start in groep 3, de groep en de laatste vier cijfers van het BSN of "
            "onderwijsnummer. Per leraar: het ECK iD, de naam en de groepen.",
            "en": "Per pupil: the ECK iD, the school's internal key, the name (surname, prefix, "
            "initials, first name), the date of birth, the sex, the start of group 3, the group "
            "and the last four digits of the BSN or onderwijsnummer. Per teacher: the ECK iD, "
            "the name and the groups.",
        },
        why={
            "nl": "Om toetsresultaten in een leerlingvolgsysteem aan de juiste leerling en groep "
            "te koppelen.",
            "en": "To link test results in a pupil monitoring system to the right pupil and group.",
        },
    ),
    "pseudoniem": PurposeText(
        name={"nl": "uitwisseling onder pseudoniem", "en": "pseudonymous exchange"},
        data={
            "nl": "Alleen het ECK iD, technische sleutels en gegevens zoals de groep; geen naam, "
            "geboortedatum of ander gegeven waaraan een leerling direct te herkennen is.",
            "en": "Only the ECK iD, technical keys and data such as the group; no name, date of "
            "birth or anything else that identifies a pupil directly.",
        },
        why={
            "nl": "Voor producten die leerlingen niet bij naam hoeven te kennen, zoals "
            "licentiebeheer.",
            "en": "For products that need not know pupils by name, such as licence management.",
        },
    ),
    "analyse": PurposeText(
        name={"nl": "analyse", "en": "analysis"},
        data={
            "nl": "Het ECK iD en grove kenmerken: geboortejaar en -maand en de vier cijfers van "
            "de postcode; geen naam of volledig adres.",
            "en": "The ECK iD and coarse characteristics: year and month of birth and the four "
            "digits of the postcode; no name or full address.",
        },
        why={
            "nl": "Voor onderzoek en analyse waarin geen leerling herkenbaar mag zijn.",
            "en": "For research and analysis in which no pupil may be recognisable.",
        },
    ),
    "overstap": PurposeText(
        name={"nl": "het overstapdossier (OSO)", "en": "the transfer dossier (OSO)"},
        data={
            "nl": "Het dossier van een leerling die van school wisselt: naam, adres en gegevens "
            "van de ouders, en de leer- en begeleidingsgegevens die de school per categorie heeft "
            "vrijgegeven.",
            "en": "The dossier of a pupil who changes school: name, address and the parents' "
            "details, and the learning and support data the school released per category.",
        },
        why={
            "nl": "Om het dossier over te dragen van de huidige school aan de nieuwe school of "
            "het samenwerkingsverband.",
            "en": "To transfer the dossier from the current school to the new school or the "
            "samenwerkingsverband.",
        },
        pseudonymous=False,
    ),
}

# For a purpose this page has no words for: say so rather than guess.
PURPOSE_FALLBACK = PurposeText(
    name={"nl": "het doel '{purpose}'", "en": "the purpose '{purpose}'"},
    data={
        "nl": "De gegevens die het doel '{purpose}' van profiel {profile} toestaat. Voor dit doel "
        "heeft dit rapport geen beschrijving in gewone taal; het profiel staat in deel 3.",
        "en": "The data that purpose '{purpose}' of profile {profile} allows. This report has no "
        "plain description of this purpose; the profile is in part 3.",
    },
    why={
        "nl": "Zoals vastgelegd in profiel {profile} (zie deel 3).",
        "en": "As laid down in profile {profile} (see part 3).",
    },
)


@dataclass(frozen=True, slots=True)
class RequirementText:
    """What a failing requirement means for a school (one sentence per language), and the fix
    in Dutch (the English fix comes from the report)."""

    plain_nl: str
    plain_en: str
    fix_nl: str


REQUIREMENTS: dict[str, RequirementText] = {
    "PSN-001": RequirementText(
        "Niet elke leerling of leraar heeft in de gegevens een ECK iD, zodat leerlingen alleen "
        "op naam of nummer te herkennen zijn.",
        "Not every pupil or teacher in the data has an ECK iD, so pupils can only be recognised "
        "by name or number.",
        "Zet in de leerlingadministratie (LAS) van de school het doorgeven van het ECK iD aan "
        "deze leverancier aan, en zorg dat de export het bij elke leerling en leraar meestuurt.",
    ),
    "PSN-002": RequirementText(
        "Het ECK iD is niet het echte ECK iD uit de Nummervoorziening: het is ingekort, "
        "veranderd of een testwaarde.",
        "The ECK iD is not the genuine one from the Nummervoorziening: it is shortened, altered "
        "or a test value.",
        "Exporteer het ECK iD precies zoals de Nummervoorziening het teruggaf; kort het niet in, "
        "verander geen hoofdletters en gebruik in productie-exports geen testwaarden.",
    ),
    "PSN-003": RequirementText(
        "Leerlingen delen een ECK iD, of één leerling heeft er meer dan één.",
        "Pupils share an ECK iD, or one pupil has more than one.",
        "Zoek waar pseudoniemen tussen records worden gekopieerd of zelf worden gemaakt; neem "
        "het ECK iD van elke persoon uit de Nummervoorziening.",
    ),
    "PSN-004": RequirementText(
        "Er gaat een verkeerd soort pseudoniem mee (zoals een stampseudoniem of een tussenstap) "
        "dat de school niet hoort te verlaten.",
        "A wrong kind of pseudonym is sent (such as a stampseudoniem or an intermediate hash) "
        "that must not leave the school.",
        "Stuur alleen het ECK iD (retrieveEckId), nooit het stampseudoniem of de hash waarmee "
        "het is opgevraagd; verwijder real-id-attributen uit de export.",
    ),
    "NAW-001": RequirementText(
        "Het product ontvangt gegevens waaraan een leerling direct te herkennen is (zoals naam, "
        "adres of BSN), terwijl dat voor dit doel niet mag.",
        "The product receives data that identifies a pupil directly (such as name, address or "
        "BSN) where this purpose does not allow it.",
        "Haal het veld voor dit doel uit de export, of kies het doel waarover de "
        "privacybijsluiter werkelijk afspraken maakt (bijvoorbeeld smalle-set) en onderbouw "
        "het daar.",
    ),
    "NAW-002": RequirementText(
        "In andere velden, zoals opmerkingen of codes, staan persoonsgegevens zoals een naam, "
        "telefoonnummer of BSN.",
        "Other fields, such as notes or codes, contain personal data such as a name, phone "
        "number or BSN.",
        "Haal persoonsgegevens vóór de export uit vrije tekst en codes, of exporteer het veld "
        "niet meer; gebruik een nummerveld nooit voor een BSN.",
    ),
    "MIN-001": RequirementText(
        "Het product ontvangt gegevens die voor dit doel niet nodig zijn.",
        "The product receives data this purpose does not need.",
        "Exporteer het veld niet meer voor dit doel. Bevat het geen persoonsgegevens, leg het "
        "dan vast in een profiel dat dit profiel uitbreidt (klasse operational), zodat "
        "beoordelaars het zien.",
    ),
    "MIN-002": RequirementText(
        "Gegevens zijn preciezer dan nodig, bijvoorbeeld de volledige geboortedatum waar jaar "
        "en maand genoeg zijn.",
        "Data is more precise than needed, for example the full date of birth where year and "
        "month are enough.",
        "Maak de waarde vóór de export minder precies: alleen jaar en maand van geboorte, alleen "
        "de vier cijfers van de postcode.",
    ),
    "MIN-003": RequirementText(
        "Het dossier bevat gegevens die de school juist niet had vrijgegeven.",
        "The dossier contains data the school chose not to release.",
        "Laat de verzendende administratie (LAS) bij het samenstellen van het dossier elk "
        "element van een niet-vrijgegeven categorie weglaten.",
    ),
    "SEP-001": RequirementText(
        "De leverancier bewaart het ECK iD in dezelfde tabel als namen of andere direct "
        "herkenbare gegevens.",
        "The supplier stores the ECK iD in the same table as names or other directly "
        "identifying data.",
        "Zet de identiteitskolommen in een eigen tabel (beter: een eigen schema), alleen "
        "leesbaar voor het deel van de applicatie dat ze nodig heeft.",
    ),
    "SEP-002": RequirementText(
        "In de opslag van de leverancier is het ECK iD zonder afscherming te koppelen aan wie "
        "de leerling is.",
        "In the supplier's storage the ECK iD can be linked to who the pupil is without an "
        "access boundary.",
        "Zet identiteiten in een eigen schema of database en geef geen enkele rol toegang tot "
        "beide; koppel alleen binnen de school of in een aparte dienst die geen pseudoniemen "
        "teruggeeft.",
    ),
    "LNK-001": RequirementText(
        "De pseudoniemen zijn zelf gemaakt en terug te rekenen of te raden, bijvoorbeeld uit "
        "een leerlingnummer.",
        "The pseudonyms are home-made and can be recomputed or guessed, for example from a "
        "pupil number.",
        "Gebruik het ECK iD uit de Nummervoorziening; maak nooit zelf pseudoniemen door "
        "leerlingen te hashen of te nummeren.",
    ),
    "LNK-002": RequirementText(
        "De gegevens zetten het pseudoniem naast naam of nummer; samen vormen ze een sleutellijst.",
        "The data puts the pseudonym beside name or number; together they form a key list.",
        "Lever identiteiten en pseudoniemen van dezelfde leerlingen nooit aan dezelfde partij; "
        "heeft het doel namen nodig, leg dat dan vast in de privacybijsluiter en kies dat doel.",
    ),
    "LNK-003": RequirementText(
        "Door een combinatie van kenmerken, zoals geboortedatum en postcode, zijn leerlingen "
        "toch te herkennen.",
        "A combination of characteristics, such as date of birth and postcode, still singles "
        "pupils out.",
        "Maak de quasi-identificatoren grover (geboortejaar of -maand, viercijferige postcode, "
        "leeftijdsklasse) of laat ze weg, tot elke combinatie minstens k records heeft.",
    ),
    "LNK-004": RequirementText(
        "Hetzelfde pseudoniem komt voor in gegevens die juist niet aan elkaar gekoppeld mogen "
        "worden.",
        "The same pseudonym occurs in data sets that must not be linkable.",
        "Vraag het ECK iD aan voor de juiste keten en sector; geef de pseudoniemen van de ene "
        "leverancier nooit door aan een andere.",
    ),
    "LNK-005": RequirementText(
        "Binnen een groep vergelijkbare leerlingen is een gevoelig gegeven voor iedereen gelijk, "
        "zodat het toch iets over elke leerling verraadt.",
        "Within a group of look-alike pupils a sensitive attribute is the same for all, so it "
        "still reveals something about each pupil.",
        "Laat het gevoelige kenmerk weg, of maak de quasi-identificatoren grover tot elke groep "
        "verschillende waarden bevat.",
    ),
    "API-001": RequirementText(
        "De koppeling van het product geeft namen of andere herkenbare gegevens terug die "
        "pseudoniem hadden moeten blijven.",
        "The product's API returns names or other identifying data that should have stayed "
        "pseudonymous.",
        "Laat identificerende velden bij ontvangst vallen; antwoord alleen met het pseudoniem "
        "en het id.",
    ),
    "API-002": RequirementText(
        "Het product geeft dezelfde leerling niet steeds hetzelfde pseudoniem, of twee "
        "leerlingen hetzelfde.",
        "The product does not give the same pupil the same pseudonym every time, or gives two "
        "pupils the same one.",
        "Bewaar het ECK iD dat de school stuurt en geef het ongewijzigd terug.",
    ),
    "API-003": RequirementText(
        "Met de inloggegevens van een andere school, of zonder in te loggen, zijn "
        "leerlinggegevens van deze school te lezen.",
        "Another school's credentials, or none at all, can read this school's pupil data.",
        "Beperk elke opvraging tot de school waarmee is ingelogd.",
    ),
    "API-004": RequirementText(
        "Na verwijderen zijn de gegevens van een leerling nog op te vragen, of het "
        "inzageoverzicht is onvolledig.",
        "After deletion a pupil's data can still be retrieved, or the access export is incomplete.",
        "Verwijder het record (of anonimiseer het onomkeerbaar); markeer het niet alleen als "
        "verwijderd.",
    ),
    "API-005": RequirementText(
        "Bij foutieve invoer loopt het product vast of stuurt het de ingestuurde "
        "persoonsgegevens terug.",
        "On malformed input the product breaks down or echoes the personal data it was sent.",
        "Controleer de invoer en antwoord met een 4xx-status en een vaste melding; stuur de "
        "ingestuurde gegevens nooit terug.",
    ),
    "API-006": RequirementText(
        "Het product accepteert en bewaart nummers die het niet mag ontvangen, zoals het BSN.",
        "The product accepts and stores numbers it may not receive, such as the BSN.",
        "Weiger verzoeken met een BSN of onderwijsnummer, of laat dat veld bij ontvangst vallen.",
    ),
    "API-007": RequirementText(
        "De verbinding is niet goed beveiligd, of persoonsgegevens of pseudoniemen staan in "
        "webadressen.",
        "The connection is not properly secured, or personal data or pseudonyms appear in web "
        "addresses.",
        "Bied de API alleen via HTTPS aan; stuur identificatoren in de body of headers van het "
        "verzoek, of verwijs naar records met een ondoorzichtige sleutel.",
    ),
}
