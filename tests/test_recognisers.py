"""Value recognisers: every written form found, the usual school-export numbers and names not."""

from __future__ import annotations

import pytest

from conformance.detect.fieldnames import classify_name
from conformance.detect.scan import might_contain, scan, scan_column
from conformance.detect.spans import Hint


def found(text: str, hint: Hint | None = None) -> list[tuple[str, str]]:
    return [(d.recogniser, text[d.start : d.end]) for d in scan(text, hint or Hint())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("111222333", [("bsn", "111222333")]),
        ("BSN: 1112.22.333", [("bsn", "1112.22.333")]),
        # after the word that names it, any grouping (a review found these passed)
        ("bsn: 111.22.2333", [("bsn", "111.22.2333")]),
        ("BSN 11122 2333", [("bsn", "11122 2333")]),
        ("bsn 111/222/333", [("bsn", "111/222/333")]),
        ("BSN\t1234\t56\t782", [("bsn", "1234\t56\t782")]),
        ("Burgerservicenummer: 1112 22333", [("bsn", "1112 22333")]),
        ("bsn 111.22.2334", []),  # the 11-proef still decides
        ("ordernr 11122 2333", []),  # no word that names a BSN: a grouping nobody writes
        ("bsn 111 222 333 bekend", [("bsn", "111 222 333")]),
        # a spreadsheet's grouping: no-break spaces (they hid the BSN)
        ("111\u00a0222\u00a0333", [("bsn", "111\u00a0222\u00a0333")]),
        ("1112\u202f22\u202f333", [("bsn", "1112\u202f22\u202f333")]),
        # a list in one cell, joined by commas alone: each number is one (both were missed)
        ("111222333,123456782", [("bsn", "111222333"), ("bsn", "123456782")]),
        ("7B,111222333", [("bsn", "111222333")]),  # a comma after a letter is no decimal's
        ("klas 7B,111222333,groep 7", [("bsn", "111222333")]),
        ("111222333,7B", [("bsn", "111222333")]),
        ("111\u2009222\u2009333", [("bsn", "111\u2009222\u2009333")]),  # thin spaces
        # a list of grouped numbers: the comma after a whole one is no decimal's (missed)
        ("111 222 333,123 456 782", [("bsn", "111 222 333"), ("bsn", "123 456 782")]),
        ("1112.22.333,1234.56.782", [("bsn", "1112.22.333"), ("bsn", "1234.56.782")]),
        ("111222333,123-456-782", [("bsn", "111222333"), ("bsn", "123-456-782")]),
        # a spreadsheet's number format, a word processor's hyphens, a URL's path (all missed)
        ("246263738.0", [("bsn", "246263738")]),
        ("1112-22-333", [("bsn", "1112-22-333")]),
        ("111\u2011222\u2011333", [("bsn", "111\u2011222\u2011333")]),
        ("111\u2013222\u2013333", [("bsn", "111\u2013222\u2013333")]),
        ("https://api.example.nl/v1/leerlingen/111222333", [("bsn", "111222333")]),
        ("/leerlingen/111222333/rapport", [("bsn", "111222333")]),
        # glued to the word that names it (missed): "bsn111222333" as a key or a file's name
        ("bsn111222333", [("bsn", "111222333")]),
        ("BSN_111222333", [("bsn", "111222333")]),
        ("dossier-Bsn-111222333.pdf", [("bsn", "111222333")]),
        ("sofi111222333", [("bsn", "111222333")]),
        (
            "broers: 111222333,123456782,101222331",
            [("bsn", "111222333"), ("bsn", "123456782"), ("onderwijsnummer", "101222331")],
        ),
        ("ref 123456782", [("bsn", "123456782")]),
        ("onderwijsnummer 101222331", [("onderwijsnummer", "101222331")]),
        ("IBAN NL91 ABNA 0417 1643 00", [("iban", "NL91 ABNA 0417 1643 00")]),
        ("BE71096123456769", [("iban", "BE71096123456769")]),
        ("mail s.de.vries@school.nl graag", [("email", "s.de.vries@school.nl")]),
        # written so that harvesters miss it (missed)
        ("mail p.devries[at]ziggo.nl graag", [("email", "p.devries[at]ziggo.nl")]),
        ("sanne (at) school (dot) nl", [("email", "sanne (at) school (dot) nl")]),
        ("Sanne [AT] Gmail [DOT] com", [("email", "Sanne [AT] Gmail [DOT] com")]),
        ("sanne at school (dot) nl", [("email", "sanne at school (dot) nl")]),
        ("sanne at school [punt] nl", [("email", "sanne at school [punt] nl")]),
        ("p.devries{at}ziggo.nl", [("email", "p.devries{at}ziggo.nl")]),
        ("bel 06-12345678", [("phone", "06-12345678")]),
        ("+31 6 12345678", [("phone", "+31 6 12345678")]),
        ("tel. 020-1234567", [("phone", "020-1234567")]),
        ("0031612345678", [("phone", "0031612345678")]),
        ("+32 470 12 34 56", [("phone", "+32 470 12 34 56")]),
        ("1234 AB", [("postcode", "1234 AB")]),
        ("postcode 1234ab", [("postcode", "1234ab")]),  # lower case, said to be a postcode
        # review of today's recognisers: what they lost, found again
        ("bsn\u2013111222333", [("bsn", "111222333")]),
        ("111222333\u2010123456782", [("bsn", "111222333"), ("bsn", "123456782")]),
        ("terugbellen vader 084 123 4567", [("phone", "084 123 4567")]),  # 084: a person's
        ("Schoolplein 5", [("address", "Schoolplein 5")]),
        ("Kerkstraat 2012 Utrecht", [("address", "Kerkstraat 2012")]),
        ("Sanne Jansen bibliotheek boete betaald", [("name", "Sanne Jansen")]),
        ("Lid vereniging: Sanne Jansen", [("name", "Sanne Jansen")]),
        ("bel 06\u201312345678", [("phone", "06\u201312345678")]),  # an en dash
        ("06\u201112345678", [("phone", "06\u201112345678")]),  # a non-breaking hyphen
        ("1234\u00a0AB", [("postcode", "1234\u00a0AB")]),
        ("Kerkstraat 12a, 1234AB Utrecht", [("address", "Kerkstraat 12a"), ("postcode", "1234AB")]),
        ("Laan van Meerdervoort 1024", [("address", "Laan van Meerdervoort 1024")]),
        ("Van der Helststraat 3-II", [("address", "Van der Helststraat 3-II")]),
        ("geboren op 7 april 2013", [("birthdate", "7 april 2013")]),
        ("DOB: 2013-04-07", [("birthdate", "2013-04-07")]),
        ("gesprek met moeder van Sanne de Vries", [("name", "Sanne de Vries")]),
        ("P.J. Jansen", [("name", "P.J. Jansen")]),
        ("mevrouw De Vries belde", [("name", "De Vries")]),
        (
            "https://ketenid.nl/sppilot/" + "a" * 128,
            [("stampseudoniem", "https://ketenid.nl/sppilot/" + "a" * 128)],
        ),
    ],
)
def test_positives(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected
    assert might_contain(text)


@pytest.mark.parametrize(
    "text",
    [
        "111222334",  # fails the 11-proef
        "ISBN 978-90-01-12345-6",
        "9789001123456",  # EAN-13
        "90-01-12345-6",  # ISBN-10
        "ordernummer 123456789",  # fails the 11-proef
        "99ZZ",
        "12AB00",
        "groep 7b",
        "klas H3",
        "toets op 7 april 2013",
        "lesdatum 2013-04-07",
        "schooljaar 2024-2025",
        "In het jaar 2000 AD",
        "1234 SS",
        "1000 kg",
        "Willem van Oranje was de vader des vaderlands",
        "Anne Frank schreef een dagboek",
        "CBS Willem van Oranje",
        "Pieter Zandt Scholengemeenschap",
        "Malmberg, Noordhoff en ThiemeMeulenhoff",
        "Kerkstraat",
        "cijfer 7,5 en 85%",
        "bedrag 111222333,50",  # decimals, however their digits add up
        "7,111222333",
        "111222333,75 euro",
        "0,111222333",
        "111222333,1234567820",
        "7,111 222 333",
        "111 222 333,12",
        "111 222 333,1234567820",
        "111222333.05",  # a decimal still
        "2024-111222333",  # a code's part
        "L-111222333",
        "L111222333",  # glued to a letter that names no number: a pupil key's
        "kijk at home",  # an "at" that is no address's (a review's finds among them)
        "we zijn (at) school",
        "meet at school.nl",
        "zie [at] 12",
        "Joris at weinig punt van aandacht",  # Dutch "at" (ate), "punt" (point)
        "Hij at brood punt uit",
        "Buy it at bol dot com",
        "Look at this dot com",
        "sanne at school dot nl",  # spaced, dots spelled bare: prose as often
        "verslag(at)home.docx",  # a file's name: no top-level domain
        "foto (at) strand.jpg",
        "werk (at) thuis.pdf",
        "Lesmateriaal [AT] Groep.Acht",
        "Score (at) Toets.Eind",
        "absn111222333",  # "bsn" inside a word
        "jobsn111222333",
        "ebsn-111222333",
        "id111222333",
        "bsn1112223334",  # ten digits
        # a school's words that end like a street, a year after a word, a publisher
        "Leerpad 3",
        "Kerstmarkt 2026",
        "Kring 2",
        "Uitgeverij Zwijsen",
        "Stichting Jansen",
        "code 1234ab",  # lower case without a word that says postcode
        # lines only a business has: a help desk's 088, 0800 and 0900 numbers
        "helpdesk 088-1234567",
        "bel gratis 0800-1234",
        "0900-1234567",
        "+32 78 15 15 15",
        "https://ketenid.nl/201703/00000000",
    ],
)
def test_negatives(text: str) -> None:
    assert found(text) == []


def test_an_order_numbers_own_field_holds_order_numbers() -> None:
    """One nine-digit order number in eleven passes the 11-proef: in a field named for order
    numbers it is the order's (a false alarm a week), unless words say it is a BSN."""
    order = Hint("ordernummer", "order-number")
    assert found("123456782", order) == []
    assert found("bsn 123456782", order) == [("bsn", "123456782")]
    assert found("123456782", Hint("referentie")) == [("bsn", "123456782")]


@pytest.mark.parametrize("isbn", ["0199522987", "0145921042", "0521062241"])
def test_an_isbn10_in_a_field_named_isbn_is_no_phone_number(isbn: str) -> None:
    """Oxford (0-19), Penguin (0-14) and Cambridge (0-521) ISBN-10s have a Belgian or Dutch
    area code's shape; a valid check digit in a field named for ISBNs says they are books'."""
    assert found(isbn, Hint("isbn", "order-number")) == []
    assert found(isbn, Hint("ISBN10")) == []
    assert found(isbn) == [("phone", isbn)]  # in free text ten digits can be either


@pytest.mark.parametrize("number", ["0612345678", "0201234567"])
def test_a_phone_number_in_a_field_named_isbn_is_still_one(number: str) -> None:
    assert found(number, Hint("isbn")) == [("phone", number)]  # no valid ISBN-10


def test_a_phone_number_passing_the_isbn_check_is_one_outside_a_bare_isbn() -> None:
    """About 1 in 11 mobile numbers passes the ISBN-10 check: in a note about an ISBN, or
    written as a phone number, it is still a phone number."""
    number = "0612345688"  # passes the ISBN-10 check
    assert found(number, Hint("isbn")) == []
    text = f"moeder bellen: {number[:2]}-{number[2:]}"
    assert found(text, Hint("isbn_notitie")) == [("phone", f"{number[:2]}-{number[2:]}")]
    assert found(number, Hint("isbn_notitie")) == [("phone", number)]
    assert found(f"06-{number[2:]}", Hint("isbn")) == [("phone", f"06-{number[2:]}")]


def test_a_hyphenated_isbn10_is_no_phone_number() -> None:
    for isbn in ("0-19-952298-7", "0-521-06224-1", "0-14-059201-3"):
        assert found(isbn) == []


@pytest.mark.parametrize(
    "field", ["geboren", "geboren_op", "verjaardag", "datumGeboorte", "born", "birth", "DOB"]
)
def test_a_date_in_a_field_whose_name_says_birth_is_a_birth_date(field: str) -> None:
    rule = classify_name(field)  # the field-name rules say birth date, as for geboortedatum
    assert rule is not None and rule.category == "birthdate"
    hint = Hint(field, rule.category)
    assert found("2015-10-12", hint) == [("birthdate", "2015-10-12")]
    assert found("12-10-2015", hint) == [("birthdate", "12-10-2015")]
    # a date-time as a serialiser writes it: the date is the birth date
    assert found("2015-10-12T00:00:00Z", hint) == [("birthdate", "2015-10-12")]


@pytest.mark.parametrize("field", ["toetsdatum", "aanmaakdatum", "gebruiker", "gd", "dobbelsteen"])
def test_a_date_in_another_field_is_none(field: str) -> None:
    assert found("2015-10-12", Hint(field)) == []


def test_context_turns_eight_digits_and_dates_into_personal_data() -> None:
    assert found("12345611") == []
    assert found("12345611", Hint("bsn", "bsn")) == [("bsn", "12345611")]
    assert found("2013-04-07") == []
    assert found("2013-04-07", Hint("geboortedatum", "birthdate")) == [("birthdate", "2013-04-07")]


def test_a_number_satisfies_at_most_one_check() -> None:
    for digits in ("111222333", "101222331", "100252333"):
        kinds = {d.recogniser for d in scan(digits)}
        assert len(kinds) <= 1


def test_digits_inside_an_iban_or_eckid_are_not_a_bsn() -> None:
    assert [r for r, _ in found("NL91ABNA0417164300")] == ["iban"]
    assert found("https://ketenid.nl/201703/" + "1" * 128) == [
        ("eckid", "https://ketenid.nl/201703/" + "1" * 128)
    ]


def test_the_prefilter_lets_plain_values_through_cheaply() -> None:
    for value in ("L1", "7b", "rekenen", "85", "ja", "L12345\x1f5\x1fG1", "2024-2025"):
        assert not might_contain(value)
    assert scan("Sanne") == []  # looser prefilter, exact recogniser


JOINED_NAMES = [
    "jansen.sanne",
    "sanne_jansen",
    "SanneJansen",
    "daan.devries",
    "sanne-vanderberg",
    "sanne jansen",  # a whole value in lower case
    "jansen lotte",
]


@pytest.mark.parametrize("text", JOINED_NAMES)
def test_a_name_joined_into_a_key_or_login_is_a_name(text: str) -> None:
    """A key or login made of the pupil's name (missed)."""
    for field in ("leerlingId", "userId", "gebruikersnaam", "login"):
        assert [(d.recogniser, d.start, d.end) for d in scan(text, Hint(field))] == [
            ("name", 0, len(text))
        ]
    assert might_contain(text)


@pytest.mark.parametrize("text", [*JOINED_NAMES[:3], "hazel noot", "koning willem", "MaxKlein"])
def test_joined_words_elsewhere_are_no_name(text: str) -> None:
    """The name lists hold many words ("roos", "jade", "groen", "koning"): in a description,
    a product or a category two of them joined are a theme, a colour or a king (a review's
    false alarms), so only a key's or a login's field is read this way."""
    for field in ("omschrijving", "categorie", "methode", "groepnaam", ""):
        assert scan(text, Hint(field)) == []


@pytest.mark.parametrize(
    "text",
    [
        "taal.lezen",  # joined words that are no given name and surname
        "groep acht",
        "actief status",
        "groep.acht",
        "NLS-TAAL",
        "test.user",
        "info.school",
        "noord.holland",
        "TaalRijk",
        "BasisVak",
        "a.jansen.sanne",
        "sanne.jansen.extra",  # not two parts: a path, not a login
    ],
)
def test_joined_codes_in_a_key_are_no_name(text: str) -> None:
    """Read where the joined-name recogniser runs (a key's field): without a hint it never
    does, and these cases could not fail among the plain negatives."""
    assert scan("jansen.sanne", Hint("leerlingId"))  # the recogniser runs for this field
    assert scan(text, Hint("leerlingId")) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Vries, A. de", "Vries, A. de"),  # a known surname: initials at the end do
        ("Bakker, P.J.", "Bakker, P.J."),
        ("Wójcik, N.R.M.;2852DZ;Gouda", "Wójcik, N.R.M."),  # an unknown one: a cell's end
        ("Kalloe, Ming - groep 5b", None),  # no known surname, nothing closes it
        ("Tekle, Warre;8A", "Tekle, Warre"),
    ],
)
def test_a_surname_first_then_initials_is_a_name(text: str, name: str | None) -> None:
    """The administration's sort order, "Surname, initials": missed where a given name was
    read. Initials are weaker evidence, so an unknown surname needs a CSV cell to end there."""
    assert [value for kind, value in found(text) if kind == "name"] == ([name] if name else [])


@pytest.mark.parametrize(
    "text",
    [
        "Jansen, B.V.",  # a company's legal form, written as initials are
        "Leveranciers: Jansen, B.V., Utrecht",
        "Amsterdam, N.H.",  # a province
        "Hoofdstuk, B.",
        "Zie bijlage, A.",
        "Vogels: Merel, Mees, Kievit",  # given names in a list, no surname before them
        "Vogels: Merel, Mees",  # a given name is no unknown surname
        "Toetsweken: Mei, Juni, Juli",
        "Leverancier: Jansen, B.V",  # the legal form without its last dot
        "Bakker, U.A.",
        "Niveau, A.; Wiskunde, B.",  # one initial after an unknown word: too weak
        "Status, O.K.;",  # abbreviations written as initials are
        "Opmerking, N.B.;",
        "Leiden, Utrecht, U.;",  # the last two of a list
        "Rooster: maandag, Dinsdag, Juni",
    ],
)
def test_a_word_a_comma_and_capitals_is_no_name(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Afwezig: Isa, Kenan en Bilal", ["Isa", "Kenan", "Bilal"]),
        ("Siem en Bilal hebben ruzie gehad", ["Siem", "Bilal"]),
        # the lists lack Sietse and Filmon: believed in a list with two known given names
        ("Tafelgroep 4: Sietse, Siem, Bilal en Filmon", ["Sietse", "Siem", "Bilal", "Filmon"]),
        ("Gemist: Sietse, Filmon", []),  # no known given name among them
        ("Visser, Mees", ["Visser, Mees"]),  # a surname before a word-like given name
        ("Isa en Roos", ["Isa", "Roos"]),  # one of the two no word
        ("Isa/Bilal ruzie op het plein", ["Isa", "Bilal"]),
        ("Kenan & Bilal", ["Kenan", "Bilal"]),
        ("Isa+Kenan samen", ["Isa", "Kenan"]),
        ("Smit, N.B.", ["Smit, N.B."]),  # after a known surname initials, not an abbreviation
        ("Mulder, E.A.; belt terug", ["Mulder, E.A."]),
    ],
)
def test_given_names_listed_together_are_names(text: str, names: list[str]) -> None:
    """A note's list of pupils by their given names alone was missed: a given name needed a
    surname or a context word. Two known given names side by side, a comma or "en" between."""
    assert [value for kind, value in found(text) if kind == "name"] == names


@pytest.mark.parametrize(
    "text",
    [
        "Kleuren: Amber en Jade",  # given names that are as often words, both of them
        "Bloemen: Iris en Lelie",
        "Amber/Jade",
        "Tom & Jerry",
        "Romeo, Sierra, Tango",
        "Shakespeare - Romeo and Juliet, act 2",  # a famous pair
        "Prentenboek Frozen: Anna, Elsa en Olaf",
        "Kerstviering: Maria en Jozef in de stal",
        "Verhaal van Eva & Adam in het paradijs",  # a famous pair the other way round
        "Musical: Juliet and Romeo",
        "Thema Koningsdag: Willem-Alexander, Máxima en Amalia",
        "Amsterdam, N.H.;",  # abbreviations after a word that is no surname
        "Fase, H.A.V.O.;",
        "Leerweg: Vmbo, K.B.; leerjaar 3",
        "Voorlezen: Jip en Janneke",
        "Emma",  # one given name alone is no list
    ],
)
def test_lists_of_words_or_a_famous_pair_are_no_names(text: str) -> None:
    assert [value for kind, value in found(text) if kind == "name"] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Licentie overgezet naar Sanne van Dijk", ["Sanne van Dijk"]),
        ("Daan van der Laan, groep 7", ["Daan van der Laan"]),
        ("S. van Dijk", ["S. van Dijk"]),
        ("Emma van de Weg", ["Emma van de Weg"]),
        ("Lotte Overdijk", ["Lotte Overdijk"]),  # a known surname ending as a street's name
        ("Bezoekadres: Jan van Nassaustraat 12", []),  # streets named after people
        ("Willem de Zwijgerlaan 4", []),
        ("Anna Paulownalaan 3", []),
        ("Sanne Laan", []),
        ("Aan de Dijk 12, Utrecht", []),
        ("Juf van Dijk belt terug", ["Dijk"]),
        ("Lotte ter Laan, groep 5", ["Lotte ter Laan"]),  # other surname particles
        ("Sanne op den Dijk", ["Sanne op den Dijk"]),
        ("Anna ten Dijk", ["Anna ten Dijk"]),
        ("Sanne Dijk", ["Sanne Dijk"]),  # a known surname with no particle
        ("James Park", ["James Park"]),
        # places and titles: only "van" makes the bare word a surname (review of e13d4a3)
        ("Langs de Dijk fietsen we naar het zwembad.", []),
        ("Boekbespreking: Het Huis aan de Dijk", []),
        ("Kermis op de Dijk", []),
        ("Wolf op de Weg", []),
        ("Project Achter de Dijk", []),
    ],
)
def test_surnames_that_end_as_streets_do(text: str, names: list[str]) -> None:
    """ "van Dijk", "van der Laan" were never surnames: a word ending in dijk, laan, weg …
    was taken for a street's name, and the name went unread (a false pass of NAW-002)."""
    assert [value for kind, value in found(text) if kind == "name"] == names


@pytest.mark.parametrize(
    "text",
    [
        "01-09-2024 00:00:00",  # Excel's and SQL Server's Dutch date and time
        "01-09-2024 08:30",
        "01.09.2024 00:00",
        "02-09-2024 0:00",
        "ma 02-09-2024 08:30",
    ],
)
def test_a_date_and_time_is_no_phone_number(text: str) -> None:
    """A day 01-09 with the time's hour after the year read as a Rotterdam number
    (010-9202400): a false alarm on every export with such timestamps."""
    assert found(text) == []


@pytest.mark.parametrize(
    "text", ["bel 010-9202400", "06-12345678: bellen", "010-9202408 om 08:30", "01-09: 0612345678"]
)
def test_a_phone_number_beside_a_date_or_time_still_is(text: str) -> None:
    assert [kind for kind, _ in found(text)] == ["phone"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Licentie voor leerling bsn nr.104332189", ["104332189"]),  # after an abbreviation
        ("leerling nr.104332189", ["104332189"]),
        ("104332189_rapport.pdf", ["104332189"]),  # a scan named by the number
        ("1.104332189", []),  # a decimal
        ("L104332189", []),  # a code
        ("ORD-104332189", []),
        ("nr.104332189a", []),
        ("BSN.104332189", ["104332189"]),  # glued to the word that names it
        ("bsn.nr.104332189", ["104332189"]),
        ("Burgerservicenr.104332189", ["104332189"]),
        ("sofinr.104332189", ["104332189"]),
        # a name, file or code glued by a dot (review of 722d764)
        ("Werkboek art.nr.104332189 besteld", []),
        ("Zie bijlage werkblad.111222333.pdf", []),
        ("https://cdn.leverancier.nl/assets/app.104332189.js", []),
        ("bestelnr.104332189", []),
        ("www.104332189.nl", []),
    ],
)
def test_a_bsn_after_an_abbreviation_or_before_an_underscore(
    text: str, expected: list[str]
) -> None:
    """A valid BSN after "nr." or starting a file's name went unread: the number had to stand
    apart from any dot or word character (a false pass of NAW-002)."""
    assert [value for kind, value in found(text) if kind == "bsn"] == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # administrations write the surname, or the whole name, in capitals (all were missed)
        ("PIET JANSEN", ["PIET JANSEN"]),
        ("JANSEN, Piet", ["JANSEN, Piet"]),
        ("JANSEN, PIET", ["JANSEN, PIET"]),
        ("Gesprek met ANNA DE VRIES over rapport", ["ANNA DE VRIES"]),
        ("de VRIES, Anna", ["VRIES, Anna"]),
        ("P.J. JANSEN", ["P.J. JANSEN"]),
        ("Leerling: SANNE VAN DEN BERG;", ["SANNE VAN DEN BERG"]),
        ("JAN-WILLEM BAKKER", ["JAN-WILLEM BAKKER"]),
        ("Sanne VISSER", ["Sanne VISSER"]),
        ("mevrouw JANSEN belde", ["JANSEN"]),  # after a word of context, one name will do
        ("gesprek met ouders van DAAN", ["DAAN"]),
        ("JANSEN-DE VRIES, Anna", ["JANSEN-DE VRIES"]),  # a double surname
        # a note in capitals: the name, not the words after it (each was missed whole)
        ("MOEDER VAN SANNE BELT TERUG", ["SANNE"]),
        ("LEERLING SANNE HEEFT HUISWERK VERGETEN", ["SANNE"]),
        ("AFWEZIG: SANNE, DAAN EN BRAM", ["SANNE", "DAAN"]),
        # a word whose capitals lower to more letters (İ) hid every name in the text
        ("SANNE JANSEN, AYŞE ÇELİK", ["SANNE JANSEN"]),
    ],
)
def test_names_written_in_capitals_are_names(text: str, names: list[str]) -> None:
    assert [value for kind, value in found(text) if kind == "name"] == names


@pytest.mark.parametrize(
    "text",
    [
        "GROEP 7C ACTIEF",
        "NLS-TAAL-7",
        "HAVO 4 BOVENBOUW",
        "MAX SCORE",  # a given name, then a word that is no known surname
        "ROOD EN GROEN",  # surnames that are words, no given name
        "ROOS EN JADE",
        "OBS JAN LIGTHART",  # a school named after a person
        "ANNE FRANK HUIS",  # a famous name
        "WILLEM DE ZWIJGERLAAN 4",  # a street
        "KONING WILLEM ALEXANDER",
        "NIEUW: MAX PUNTEN",
        "VWO, HAVO, MAVO",
        "STATUS: ACTIEF, INGESCHREVEN",
        "status ACTIEF",
        "niveau HAVO VWO",
        "met DAN HEUVEL",  # a given name and a surname that are common words
        "BAKKER-SMIT",  # a double surname alone, no context: a product's or firm's name
        "DOCENT FRANS",  # a teacher of French: a given name that is as often a word
        "MENTOR ROOS",
        "VAKKEN: FRANS, DUITS EN ENGELS",
    ],
)
def test_words_in_capitals_are_no_names(text: str) -> None:
    assert [value for kind, value in found(text) if kind == "name"] == []


def test_a_column_finds_names_in_capitals() -> None:
    """The column search (values joined, one search) marks names in capitals too."""
    values = ["ACTIEF", "HAVO 4", "PIET JANSEN", "JANSEN,PIET", "GROEP 7C"]
    found_in = scan_column(values, Hint())
    assert sorted(found_in) == ["JANSEN,PIET", "PIET JANSEN"]


@pytest.mark.parametrize(
    ("text", "hint", "postcodes"),
    [
        # a postcode and house number glued, as an address key is written (all were missed)
        ("adres: 3511AB12", None, ["3511AB12"]),
        ("Postcode/huisnr: 3511AB-12", None, ["3511AB-12"]),
        ("huisnummer en postcode: 3511AB 12a", None, ["3511AB"]),  # as before: a space
        ("3511AB12", Hint("adreskey", "address"), ["3511AB12"]),
        ("3511ab12", Hint("postcode_huisnummer", "postcode"), ["3511ab12"]),
        # no word or field that says so: a code of that form is no address
        ("artikel 3511AB12", None, []),
        ("NLS-3511AB12", None, []),
    ],
)
def test_a_postcode_glued_to_its_house_number_is_a_postcode(
    text: str, hint: Hint | None, postcodes: list[str]
) -> None:
    assert [value for kind, value in found(text, hint) if kind == "postcode"] == postcodes
