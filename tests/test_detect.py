"""Recognisers: pseudonym kinds, the field-name classifier, precision, redaction."""

from __future__ import annotations

import pytest
from conftest import eckid

from conformance.detect.fieldnames import classify_path
from conformance.detect.precision import precision_of
from conformance.detect.pseudonyms import PseudonymKind, classify_pseudonym, malformation
from conformance.detect.redact import redact, redact_pseudonym
from conformance.detect.scan import scan
from conformance.model.profile import FieldClass, Precision

HEX128 = eckid("a")[-128:]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (f"https://ketenid.nl/201703/{HEX128}", PseudonymKind.ECKID),
        (f"https://ketenid.nl/pilot/{HEX128}", PseudonymKind.ECKID_PILOT),
        (f"https://ketenid.nl/sppilot/{HEX128}", PseudonymKind.STAMPSEUDONIEM),
        (f"https://id.school/sppilot/{HEX128}", PseudonymKind.LEGACY_IDSCHOOL),
        (f"https://id.school/pilot/{HEX128}", PseudonymKind.LEGACY_IDSCHOOL),
        ("https://id.school/abcde", PseudonymKind.LEGACY_IDSCHOOL),
        ("9735dfd2235eaeb5f0300886bcc99c82ffc1d6420c4e0bde8de7218def2135fa", PseudonymKind.HPGN),
        (f"https://ketenid.nl/201703/{HEX128.upper()}", PseudonymKind.OTHER),
        (f"https://ketenid.nl/201703/{HEX128[:-1]}", PseudonymKind.OTHER),
        ("https://ketenid.nl/201703/00000000", PseudonymKind.OTHER),
        ("eckid_L1", PseudonymKind.OTHER),
        ("", PseudonymKind.OTHER),
    ],
)
def test_pseudonym_kinds(value: str, kind: PseudonymKind) -> None:
    assert classify_pseudonym(value) is kind


def test_malformation_says_expected_and_found() -> None:
    assert "upper-case" in malformation(f"https://ketenid.nl/201703/{HEX128.upper()}")
    assert "found 8" in malformation("https://ketenid.nl/201703/00000000")
    assert "other characters" in malformation(f"https://ketenid.nl/201703/{'g' * 128}")
    assert "legacy id.school" in malformation("https://id.school/abcde")
    assert "expected the prefix https://ketenid.nl/201703/" in malformation("eckid_L1")


@pytest.mark.parametrize(
    ("name", "cls", "category"),
    [
        ("achternaam", FieldClass.DIRECT, "name"),
        ("lastName", FieldClass.DIRECT, "name"),
        ("last_name", FieldClass.DIRECT, "name"),
        ("surname", FieldClass.DIRECT, "name"),
        ("geboortedatum", FieldClass.QUASI, "birthdate"),
        ("dateOfBirth", FieldClass.QUASI, "birthdate"),
        ("postcode", FieldClass.DIRECT, "postcode"),
        ("zipCode", FieldClass.DIRECT, "postcode"),
        ("postcode4", FieldClass.QUASI, "postcode4"),
        ("emailadres", FieldClass.DIRECT, "email"),
        ("email", FieldClass.DIRECT, "email"),
        ("parentEmail", FieldClass.DIRECT, "email"),
        ("bsn", FieldClass.DIRECT, "bsn"),
        ("BSN", FieldClass.DIRECT, "bsn"),
        ("eckId", FieldClass.PSEUDONYM, "eck-id"),
        ("eck_id", FieldClass.PSEUDONYM, "eck-id"),
        ("@eckid", FieldClass.PSEUDONYM, "eck-id"),
        ("leerlingAchternaam", FieldClass.DIRECT, "name"),
        ("telefoonnummer", FieldClass.DIRECT, "phone"),
        ("guardians/phone", FieldClass.DIRECT, "phone"),
        ("address/number", FieldClass.DIRECT, "address"),
        ("nlEduPersonRealId", FieldClass.DIRECT, "username"),
        ("groupName", FieldClass.OPERATIONAL, None),
        ("school/naam", FieldClass.OPERATIONAL, None),
        ("jaargroep", FieldClass.OPERATIONAL, "yeargroup"),
        ("score", FieldClass.OPERATIONAL, None),
        ("leerlingId", FieldClass.KEY, None),
        ("opmerking", FieldClass.SENSITIVE, "free-text"),
        # whose field: the nearest level above it that is no mere wrapper says
        ("EDEX/groepen/groep/toevoegingen/blok/code", FieldClass.OPERATIONAL, None),
        ("groep/toevoegingen/blok/opmerking", FieldClass.OPERATIONAL, None),
        ("school/adres/straat", FieldClass.OPERATIONAL, None),
        ("school/contactgegevens/telefoon", FieldClass.OPERATIONAL, None),
        ("leerling/adres/straat", FieldClass.DIRECT, "address"),
        ("school/mentor/email", FieldClass.DIRECT, "email"),
        ("school/medewerker/telefoon", FieldClass.DIRECT, "phone"),
        ("klas/achternaam", FieldClass.DIRECT, "name"),
        ("groep/toevoegingen/roepnaam", FieldClass.DIRECT, "name"),
        ("groep/toevoegingen/blok/bsn", FieldClass.DIRECT, "bsn"),
        ("school/afleveradres/straat", FieldClass.OPERATIONAL, None),
        # the ECK iD column however a spreadsheet heads it (it was a "name", or missing)
        ("ECK iD leerling", FieldClass.PSEUDONYM, "eck-id"),
        ("eckIdLeerling", FieldClass.PSEUDONYM, "eck-id"),
        ("Leerling ECK-iD", FieldClass.PSEUDONYM, "eck-id"),
        # a flag about an identifier is no identifier (its values are searched all the same)
        ("emailNotificaties", FieldClass.OPERATIONAL, None),
        ("hasEmail", FieldClass.OPERATIONAL, None),
        ("telefoonBekend", FieldClass.OPERATIONAL, None),
        ("email_ouder", FieldClass.DIRECT, "email"),
        # a licence's and a test's own fields (closed-world MIN-001 called them unknown)
        ("prijs", FieldClass.OPERATIONAL, None),
        ("Datum afname", FieldClass.OPERATIONAL, None),
        ("toetsNaam", FieldClass.OPERATIONAL, None),
        ("Vaardigheidsscore", FieldClass.OPERATIONAL, None),
        ("inschrijfdatum", FieldClass.OPERATIONAL, None),
        ("Niveau (I-V)", FieldClass.OPERATIONAL, None),  # a header's qualifier left aside
        ("Telefoon (bijv. 0612345678)", FieldClass.DIRECT, "phone"),
        ("geboortedatum", FieldClass.QUASI, "birthdate"),  # a person's ending comes first
        ("ordernummer", FieldClass.OPERATIONAL, "order-number"),
        # review of today's names: an identifier word wins over eckid, a qualifier that
        # names one counts, and a sensitive stem over an operational ending
        ("eckid_achternaam", FieldClass.DIRECT, "name"),
        ("eckid_bsn", FieldClass.DIRECT, "bsn"),
        ("Leerlingnummer (BSN)", FieldClass.DIRECT, "bsn"),
        ("verblijfsstatus", FieldClass.SENSITIVE, "other"),
        ("zorgniveau", FieldClass.SENSITIVE, "support"),
        ("medicatie_status", FieldClass.SENSITIVE, "health"),
        ("diagnosedatum", FieldClass.SENSITIVE, "health"),
        ("opmerking_product", FieldClass.OPERATIONAL, None),  # a remark about a product
        ("opp_status", FieldClass.SENSITIVE, "support"),  # a topic word of any length
        ("oppDatum", FieldClass.SENSITIVE, "support"),
        ("medischeStatus", FieldClass.SENSITIVE, "health"),
        ("licenties/eckId", FieldClass.PSEUDONYM, "eck-id"),  # a pupil's under a product too
        ("leesboek/titel", FieldClass.OPERATIONAL, "title"),
        ("afzender/telefoon", FieldClass.OPERATIONAL, None),  # the sender's, an organisation
        ("bestelling/afleveradres/postcode", FieldClass.OPERATIONAL, None),
        ("support/email", FieldClass.OPERATIONAL, None),
        # behaviour, well-being, home situation, absence: a care file's (they passed as
        # operational by their endings)
        ("gedragScore", FieldClass.SENSITIVE, "support"),
        ("verzuimDatum", FieldClass.SENSITIVE, "support"),
        ("sociaalEmotioneleStatus", FieldClass.SENSITIVE, "support"),
        ("thuissituatie", FieldClass.SENSITIVE, "support"),
        ("welbevindenScore", FieldClass.SENSITIVE, "support"),
        ("ontwikkelingsperspectiefScore", FieldClass.SENSITIVE, "support"),
        ("adhd", FieldClass.SENSITIVE, "health"),
        ("gezinssituatieScore", FieldClass.SENSITIVE, "support"),
        ("pesten/status", FieldClass.SENSITIVE, "support"),
        # an operational field under a sensitive topic is the topic's (zorg/score passed)
        ("zorg/score", FieldClass.SENSITIVE, "support"),
        ("diagnose/datum", FieldClass.SENSITIVE, "health"),
        ("leerling/zorg/niveau/datum", FieldClass.SENSITIVE, "support"),
        ("opmerking/datum", FieldClass.OPERATIONAL, None),  # a note's date: no topic
        ("zorg/leerlingId", FieldClass.KEY, None),
        # the name as an administration sorts or shows it, Flemish surnames, login names
        ("sorteernaam", FieldClass.DIRECT, "name"),
        ("weergavenaam", FieldClass.DIRECT, "name"),
        ("Weergave naam", FieldClass.DIRECT, "name"),
        ("familienaam", FieldClass.DIRECT, "name"),
        ("bijnaam", FieldClass.DIRECT, "name"),
        ("officiële naam", FieldClass.DIRECT, "name"),
        ("sortName", FieldClass.DIRECT, "name"),
        ("preferredName", FieldClass.DIRECT, "name"),
        ("legal_name", FieldClass.DIRECT, "name"),
        ("inlognaam", FieldClass.DIRECT, "username"),
        ("loginName", FieldClass.DIRECT, "username"),
        ("sAMAccountName", FieldClass.DIRECT, "username"),
        ("klas/familienaam", FieldClass.DIRECT, "name"),  # a group has no surname
        ("groep/weergavenaam", FieldClass.OPERATIONAL, None),  # but a display name
        # the owner last, as Dutch writes it: the pupil's gender, not the pupil's name
        ("geslacht_leerling", FieldClass.QUASI, "gender"),
        ("score_leerling", FieldClass.OPERATIONAL, None),
        ("voornaam_leerling", FieldClass.DIRECT, "name"),
        ("naam_ouder", FieldClass.DIRECT, "name"),
        ("leerling", FieldClass.DIRECT, "name"),
        # an age is the birth year within one; a didactic age or a product's age range is not
        ("leeftijd", FieldClass.QUASI, "birthdate"),
        ("pupil_age", FieldClass.QUASI, "birthdate"),
        ("didactische_leeftijd", FieldClass.OPERATIONAL, None),
        ("min_age", FieldClass.OPERATIONAL, None),
        ("doelgroepLeeftijd", FieldClass.OPERATIONAL, None),
        # names a review found unread or read as a record key (loginId passed as a key)
        ("loginId", FieldClass.DIRECT, "username"),
        ("inlog_id", FieldClass.DIRECT, "username"),
        ("accountId", FieldClass.KEY, None),
        ("stamnummer", FieldClass.KEY, None),
        ("leerling_nr", FieldClass.KEY, None),
        ("llnr", FieldClass.KEY, None),
        ("student_no", FieldClass.KEY, None),
        ("pupil_number", FieldClass.KEY, None),
        ("mobile_number", FieldClass.DIRECT, "phone"),
        ("telnr", FieldClass.DIRECT, "phone"),
        ("onderwijs_nr", FieldClass.DIRECT, "onderwijsnummer"),
        ("bsnnr", FieldClass.DIRECT, "bsn"),
        ("huis_nr", FieldClass.DIRECT, "address"),
        ("adresregel1", FieldClass.DIRECT, "address"),
        ("initialen", FieldClass.DIRECT, "name"),
        ("tussenvoegsels", FieldClass.DIRECT, "name"),
        ("fiscaal_nummer", FieldClass.DIRECT, "national-id"),
        ("emailaddr", FieldClass.DIRECT, "email"),
        ("plaatsnaam", FieldClass.QUASI, "place"),
        # when or how often one logged in: no account (a bare "inlog" made these usernames)
        ("Laatste inlog", FieldClass.OPERATIONAL, None),
        ("Laatste inlog (datum)", FieldClass.OPERATIONAL, None),
        ("aantal inlog", FieldClass.OPERATIONAL, None),
        ("lastLogin", FieldClass.OPERATIONAL, None),
        # a nationality under a group is no pupil's when the name alone is classified (it
        # made a JSON list of groups a list of pupils); under a profile's group it is (MIN-001)
        ("groepen/nationaliteit", FieldClass.OPERATIONAL, None),
    ],
)
def test_field_name_classifier(name: str, cls: FieldClass, category: str | None) -> None:
    rule = classify_path(name)
    assert rule is not None, name
    assert (rule.cls, rule.category) == (cls, category)


@pytest.mark.parametrize(
    "name", ["productName", "foo", "x1", "lesson_plan_ref", "eckIdHash", "ketenid.nl"]
)
def test_unknown_names_stay_unknown(name: str) -> None:
    assert classify_path(name) is None


@pytest.mark.parametrize(
    ("value", "family", "expected"),
    [
        ("2013-04-07", "date", Precision.DAY),
        ("07-04-2013", "date", Precision.DAY),
        ("2013-04-07T00:00:00", "date", Precision.DAY),
        ("2013-04", "date", Precision.MONTH),
        ("04-2013", "date", Precision.MONTH),
        ("2013", "date", Precision.YEAR),
        ("april", "date", None),
        # written out, or a Unix time: as precise as the ISO date (they passed a month's limit)
        ("1 maart 2014", "date", Precision.DAY),
        ("1 mrt. 2014", "date", Precision.DAY),
        ("March 1, 2014", "date", Precision.DAY),
        ("1st March 2014", "date", Precision.DAY),
        ("1393632000", "date", Precision.DAY),
        ("1393632000000", "date", Precision.DAY),
        ("maart 2014", "date", Precision.MONTH),
        ("March 2014", "date", Precision.MONTH),
        ("1234 AB", "postcode", Precision.POSTCODE6),
        ("1234ab", "postcode", Precision.POSTCODE6),
        ("1234", "postcode", Precision.POSTCODE4),
        ("0234", "postcode", None),
        # as Excel, SQL Server and other LASes write a date (they passed a month's limit)
        ("12-03-14", "date", Precision.DAY),
        ("12/3/14", "date", Precision.DAY),
        ("12.03.14", "date", Precision.DAY),
        ("12 03 2014", "date", Precision.DAY),
        ("2014.03.12", "date", Precision.DAY),
        ("12-03-2014 00:00:00", "date", Precision.DAY),
        ("12/03/2014 0:00:00", "date", Precision.DAY),
        ("12-mrt-2014", "date", Precision.DAY),
        ("12-Mar-2014", "date", Precision.DAY),
        ("Mar 12 2014", "date", Precision.DAY),
        ("41710", "date", Precision.DAY),  # Excel's day number
        ("03-2014", "date", Precision.MONTH),
        # national numbers: the last four digits, or the whole number
        ("6782", "number", Precision.DIGITS4),
        ("123456782", "number", Precision.NUMBER),
        ("1234.56.782", "number", Precision.NUMBER),
        ("abcd", "number", None),
        # a time zone as xs:date allows, .NET's JSON date, spaces, other dashes (all passed)
        ("2014-03-05+01:00", "date", Precision.DAY),
        ("2014-03-05Z", "date", Precision.DAY),
        ("/Date(1394000000000)/", "date", Precision.DAY),
        ("2014 03 05", "date", Precision.DAY),
        ("2014\u201303\u201305", "date", Precision.DAY),
        ("2014\u201303", "date", Precision.MONTH),
        # a day field's number beside its month and year fields (geboortedatum/dag)
        ("05", "day-part", Precision.DAY),
        ("31", "day-part", Precision.DAY),
        ("32", "day-part", None),
        ("2014-03", "day-part", Precision.MONTH),
        # a country prefix, a dash or two spaces, a house number after it (all passed)
        ("7311-KT", "postcode", Precision.POSTCODE6),
        ("7311  KT", "postcode", Precision.POSTCODE6),
        ("NL-7311 KT", "postcode", Precision.POSTCODE6),
        ("7311KT 12", "postcode", Precision.POSTCODE6),
        ("7311 KT 12-a", "postcode", Precision.POSTCODE6),
        ("NL-7311", "postcode", Precision.POSTCODE4),
        ("7311 KT 12 bis", "postcode", Precision.POSTCODE6),
        ("7311 en 7312", "postcode", None),  # two four-digit postcodes: no house number
        ("3511 of 3512", "postcode", None),
    ],
)
def test_precision(value: str, family: str, expected: Precision | None) -> None:
    assert precision_of(value, family) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jan de Vries", "J** d* V****"),
        ("133456785", "1********"),
        ("ab", "**"),
        ("s.de.vries@example.nl", "s.d*.v****@e******.n*"),
    ],
)
def test_redact_keeps_only_first_characters(value: str, expected: str) -> None:
    assert redact(value) == expected


def test_redact_cuts_long_values_to_a_shape() -> None:
    shown = redact("Kerkstraat 12a, 1234 AB Utrecht, Nederland")
    assert shown.endswith("(42 chars)")
    assert "erkstraat" not in shown


def test_redact_pseudonym_keeps_only_the_public_prefix() -> None:
    shown = redact_pseudonym(f"https://ketenid.nl/201703/{HEX128}")
    assert shown == f"https://ketenid.nl/201703/{HEX128[0]}******** (128 chars)"
    assert HEX128[1:9] not in shown
    assert redact_pseudonym("111222333") == "1********"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("https://ketenid.nl/sppilot/abcdef", "https://ketenid.nl/sppilot/a***** (6 chars)"),
        ("https://id.school/0123abcd", "https://id.school/0******* (8 chars)"),
        (
            "https://las.example.nl/leerling/111222333/",
            "https://las.example.nl/l******** (19 chars)",
        ),
        ("https://ketenid.nl/201703/111222333/", "https://ketenid.nl/201703/1******** (10 chars)"),
        # a user and password before the host, or a number in the host, are not public
        ("https://111222333:Kwakkelstein@ketenid.nl/x", "h****://1********:K*****… (43 chars)"),
        ("https://kwakkelstein-111222333.example/abc", "h****://k***********-1**… (42 chars)"),
        ("https://10.0.0.1:8443/abc", "https://10.0.0.1:8443/a** (3 chars)"),
    ],
)
def test_redact_pseudonym_keeps_the_chain_prefix_or_the_host_only(value: str, shown: str) -> None:
    assert redact_pseudonym(value) == shown


def test_long_free_text_finds_every_name_once() -> None:
    """The sweep that made long notes linear (they took a minute) must keep every name and
    drop none twice: four times the text, four times the detections (speed itself is measured
    in the benchmark, never asserted here)."""
    note = "Vandaag belde Jan de Vries over Sanne Bakker en Piet Jansen. "
    small, large = scan(note * 500), scan(note * 2000)
    assert len(large) == 4 * len(small) > 0
    assert [d.recogniser for d in large[:3]] == ["name", "name", "name"]


def test_a_name_of_nested_brackets_is_classified_without_recursion() -> None:
    """500 nested brackets in a CSV header raised RecursionError in nine checks (exit 3)."""
    assert classify_path("x" + "(" * 5000 + ")" * 5000) is None


@pytest.mark.parametrize(
    "name",
    ["Leerlingnaam", "studentnaam", "kindnaam", "deelnemernaam", "naamLeerling", "childName"],
)
def test_a_persons_name_written_as_one_word(name: str) -> None:
    """LNK-002 passed an ECK iD beside 'Leerlingnaam': the one-word compound had no class
    (NAW-002 and MIN-001 still failed the export, on its values)."""
    rule = classify_path(name)
    assert rule is not None and rule.cls is FieldClass.DIRECT and rule.category == "name"


@pytest.mark.parametrize("name", ["klasnaam", "groepsnaam", "productnaam", "bestandsnaam"])
def test_a_things_name_written_as_one_word_stays_a_things(name: str) -> None:
    rule = classify_path(name)
    assert rule is None or rule.cls is not FieldClass.DIRECT
