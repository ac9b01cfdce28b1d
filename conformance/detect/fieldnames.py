"""The field-name classifier: what a field is, from its name, in Dutch and English.

Used where a profile does not list a field (``classify_names: true``, as in ``nl-generic``).
Names are compared in a compact form (lower case, separators and trailing digits removed), then
by their last one or two words (``parentEmail`` → ``email``), then by Dutch compound endings
(``leerlingachternaam`` → ``achternaam``). A field inside a non-person object (``school/naam``,
``groep/email``) is operational: it names the school, not a pupil.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from conformance.model.profile import FieldClass, FieldRule, Precision

_D, _Q, _S, _P, _K, _O = (
    FieldClass.DIRECT,
    FieldClass.QUASI,
    FieldClass.SENSITIVE,
    FieldClass.PSEUDONYM,
    FieldClass.KEY,
    FieldClass.OPERATIONAL,
)


def _entries(
    cls: FieldClass, category: str | None, names: str, precision: Precision | None = None
) -> dict[str, FieldRule]:
    rule = FieldRule(cls, category, precision)
    return dict.fromkeys(names.split(), rule)


# A pupil's number at the school, as LASes and suppliers abbreviate it: a key, and a person's
_PUPIL_NUMBERS = "leerlingnr llnr stamnummer stamnr studentnr studentno studentnummer pupilnumber"

NAMES: dict[str, FieldRule] = {
    **_entries(
        _P,
        "eck-id",
        "eckid eckidentifier ketenid ketenpseudoniem pseudonym pseudoniem pseudonymid chainid",
    ),
    **_entries(
        _D,
        "name",
        "achternaam voornaam voornamen roepnaam voorvoegsel tussenvoegsel "
        "voorletters voorletter naam volledigenaam geslachtsnaam achternaamouder lastname "
        "surname familyname firstname givenname middlename fullname displayname name "
        "nickname initials sn cn commonname contactpersoon verzorger aangemaaktdoor createdby "
        "auteur author docent teacher leerling student pupil mentor ouder vader moeder "
        "guardian parent "
        # a pupil's name as administrations sort, show or register it, and Flemish
        "sorteernaam weergavenaam familienaam bijnaam meisjesnaam geboortenaam aanspreeknaam "
        "officielenaam partnernaam sortname preferredname legalname birthname "
        "maidenname "
        # plurals and spellings seen in supplier schemas (DUO's voorvoegsels)
        "achternamen initialen tussenvoegsels voorvoegsels naamvolledig",
    ),
    **_entries(
        _D,
        "address",
        "adres straat straatnaam huisnummer huisnummertoevoeging woonadres "
        "postadres address street streetname housenumber homeaddress addressline "
        "streetaddress huisnr adresregel straatadres addr",
    ),
    **_entries(
        _D,
        "postcode",
        "postcode postcodenl zipcode zip postalcode postnummer postcode6",
        Precision.POSTCODE6,
    ),
    # postcode4adres: OSO's anonymous four-digit postcode (FACTS §5), not an address
    **_entries(
        _Q,
        "postcode4",
        "postcode4 pc4 postcodecijfers postcode4cijfers postcode4adres",
        Precision.POSTCODE4,
    ),
    **_entries(_D, "residence", "woonplaats city town residence"),
    **_entries(_Q, "place", "plaats plaatsnaam gemeente municipality"),
    **_entries(
        _D, "bsn", "bsn bsnnr burgerservicenummer citizenservicenumber socialsecuritynumber ssn"
    ),
    **_entries(_D, "onderwijsnummer", "onderwijsnummer onderwijsnr ondwnr ondnr"),
    **_entries(_D, "sofinummer", "sofinummer sofi"),
    **_entries(
        _D, "national-id", "rijksregisternummer nationalid pgn persoonsgebondennummer fiscaalnummer"
    ),
    **_entries(_D, "email", "email emailadres emailaddress emailaddr mailadres mail"),
    **_entries(
        _D,
        "phone",
        "telefoon telefoonnummer tel mobiel mobielnummer gsm phone phonenumber "
        "mobile telephone mobilephone telnr telefoonnr mobielnr gsmnummer mobilenumber mobileno "
        "cellphone cellphonenumber",
    ),
    **_entries(
        _D,
        "username",
        "gebruikersnaam username login loginnaam upn userprincipalname nledupersonrealid "
        "inlognaam loginname accountnaam accountname samaccountname "
        # a login is the name one logs in with, however it ends (loginId: not a record key)
        "loginid inlogid usernameid userlogin",
    ),
    **_entries(_D, "photo", "foto fotourl photo photourl avatar picture"),
    **_entries(
        _D, "iban", "iban rekeningnummer bankrekening bankrekeningnummer banknummer bankaccount"
    ),
    **_entries(_D, "birthplace", "geboorteplaats placeofbirth birthplace"),
    **_entries(
        _Q,
        "birthdate",
        "geboortedatum dateofbirth birthdate dob birthday geboortedag gebdat gebdatum gebdt "
        # the names that say birth without 'datum' ('geboren_op': its values are birth dates)
        "geboren geborenop datumgeboorte verjaardag born bornon birth",
        Precision.DAY,
    ),
    **_entries(_Q, "birthdate", "geboortemaand birthmonth", Precision.MONTH),
    **_entries(_Q, "birthdate", "geboortejaar birthyear yearofbirth", Precision.YEAR),
    # an age in years says the birth year within one: as identifying in combination
    **_entries(_Q, "birthdate", "leeftijd age", Precision.YEAR),
    **_entries(_Q, "gender", "geslacht gender sex"),
    **_entries(_Q, "nationality", "nationaliteit nationality"),
    **_entries(_Q, "country", "land country geboorteland countryofbirth landvader landmoeder"),
    **_entries(_S, "ethnicity", "etniciteit ethnicity"),
    **_entries(_S, "weight", "gewicht leerlinggewicht weight"),
    **_entries(
        _S,
        "support",
        "zorg zorgbehoefte ondersteuning ondersteuningsbehoefte dyslexie "
        "dyscalculie lwoo opp arrangement "
        # a pupil's behaviour, well-being, home and absence: what a school's care file holds
        # (welbevindenScore, gedragScore passed as operational by their endings)
        "gedrag gedragsproblemen behaviour behavior sociaalemotioneel sociaalemotionele "
        "welbevinden wellbeing thuissituatie gezinssituatie verzuim ontwikkelingsperspectief "
        "pesten",
    ),
    **_entries(
        _S,
        "health",
        "diagnose diagnosis medicatie medicijngebruik allergie handicap gezondheid health medical "
        "medisch medische adhd autisme ggz",
    ),
    **_entries(_S, "religion", "religie religion godsdienst"),
    **_entries(_S, "other", "verblijfsstatus verblijfsvergunning verblijf asielzoeker vluchteling"),
    **_entries(
        _S,
        "free-text",
        "notitie notities opmerking opmerkingen toelichting notes note "
        "comment comments remarks memo toevoegingen",
    ),
    **_entries(
        _K,
        None,
        "id key leerlingid leerlingnummer studentid studentnumber pupilid userid "
        "externalid sourcedid lasid laskey uuid guid recordid identifier " + _PUPIL_NUMBERS,
    ),
    **_entries(_O, "yeargroup", "jaargroep leerjaar yeargroup gradelevel grades"),
    # an order's, invoice's or product's own number: nine digits there are its own, not a BSN
    # (one random number in eleven passes the 11-proef: a column of product ids had 59 in 600)
    **_entries(
        _O,
        "order-number",
        "ordernummer orderid ordernumber bestelnummer factuurnummer invoicenumber invoiceid "
        "productid productnummer productnumber productcode artikelnummer artikelid artikelcode "
        "itemid itemnumber sku ean isbn licentienummer licentiecode licenseid licensekey "
        # as exports abbreviate them ('ordernr', 'licentienr', 'licentie_id')
        "ordernr bestelnr factuurnr productnr artikelnr licentienr licentieid licenseno",
    ),
    **_entries(
        _O,
        "school",
        "school schoolnaam schoolname brin brincode vestiging vestigingnaam vestigingsnaam "
        "schooladres instelling orgname organisationname organizationname organisatienaam",
    ),
    **_entries(
        _O,
        None,
        "groep group groepnaam groepsnaam groupname klas klasnaam classname "
        "niveau level schooljaar schoolyear score cijfer resultaat result grade datum date "
        "created createdat updatedat timestamp status type methode method product "
        "licentie license toets test toetscode vak subject les lesson "
        "course cursus rol role active actief startdatum einddatum mutatiedatum tijdstip "
        "duur duration percentage aantal count samengesteldegroepen groepen groups "
        # a licence's or a test's own fields (closed-world MIN-001 called them unknown)
        "prijs price bedrag amount valuta currency afname afnamedatum voortgang progress "
        "uitgever publisher editie edition toetsnaam vaknaam methodenaam productnaam "
        "cursusnaam lesnaam omschrijving description opdracht opdrachten assignment "
        "activiteit activity aanwezig aanwezigheid attendance afgenomen leerpad leerlijn "
        "domein domain onderdeel categorie category hoofdstuk chapter versie version "
        "bladzijden paginas pages gelezen gelezenop",
    ),
    # when and how often one logged in: a date or a count, not the account
    **_entries(
        _O,
        None,
        "lastlogin laatstelogin laatsteinlog eerstelogin eersteinlog firstlogin logindatum "
        "inlogdatum logindate logintime inlogtijd aantalinlog aantallogins logincount "
        "loginaantal aantalkeeringelogd lastloginat lastlogindate",
    ),
    # a book's, a lesson's or a work's title: a name in it ("Mees Kees") is the title's
    **_entries(_O, "title", "titel title boektitel booktitle boek book leesboek"),
    # not a pupil's age: the didactic age (months of schooling, an LVS measure) and the age
    # range a product is for
    **_entries(
        _O,
        None,
        "didactischeleeftijd dle minimumleeftijd maximumleeftijd minleeftijd maxleeftijd "
        "doelgroepleeftijd leeftijdsgroep leeftijdscategorie minage maxage minimumage "
        "maximumage agerange agegroup targetage",
    ),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words before "name" that make it a person's name; any other ("product name") is unknown.
_PERSON_QUALIFIERS = _words(
    "first last given family full middle sur nick display user student pupil parent teacher "
    "child guardian mother father leerling ouder moeder vader docent"
)
# Dutch compound endings, longest first, that classify a compound on their own.
_SUFFIXES = tuple(
    sorted(
        _words(
            "achternaam voornaam roepnaam tussenvoegsel emailadres email telefoonnummer telefoon "
            "mobielnummer postcode woonplaats geboortedatum geboorteplaats adres straat bsn "
            "onderwijsnummer gebruikersnaam"
        ),
        key=lambda s: (-len(s), s),
    )
)
# Words that classify a compound field name wherever they stand in it.
_STRONG_WORDS = _words(
    "bsn burgerservicenummer onderwijsnummer sofinummer email emailadres mail telefoon "
    "telefoonnummer tel mobiel gsm phone iban rekeningnummer postcode geboortedatum gebdat "
    "gebdatum achternaam voornaam roepnaam adres address woonplaats"
)
# Schools, groups and the organisations above them: never a person's record.
_GROUP_CONTEXTS = _words(
    "school schools scholen groep groepen group groups klas klassen class classes vestiging "
    "vestigingen samengesteldegroep samengesteldegroepen lesgroep lesgroepen locatie locaties "
    "organisation organisations organization organizations organisatie organisaties instelling "
    "instellingen bestuur besturen schoolbestuur schoolgegevens organisatiegegevens "
    "course courses cursus cursussen"  # a learning platform's course: a group with members
)
# Things a school uses: a list of them may be a list of a pupil's (licences, test results).
_THING_CONTEXTS = _words(
    "product products producten methode methodes methoden vak vakken subject subjects "
    "licentie licenties license licenses toets toetsen test tests"
)
# Who sends, sells or supports, and what describes the export itself: their details are an
# organisation's (a supplier's help desk, the sender's address, an order's delivery address);
# a person's data in them is still found by value (NAW-002).
_SENDER_CONTEXTS = _words(
    "afzender sender leverancier supplier vendor uitgever publisher support helpdesk "
    "bestelling bestellingen order orders factuur facturen invoice invoices"
)
# Compounds that name a group all the same: subgroepen, stamgroep, rekengroep, plusklas.
_GROUP_ENDINGS = ("groep", "groepen", "klas", "klassen")
# A person's key, by name (a product's or a test's "id" is its own).
_PERSON_KEYS = _words(
    "leerlingid leerlingnummer studentid studentnumber pupilid userid lasid laskey "
    "leerlingkey persoonid personid " + _PUPIL_NUMBERS
)
_PERSONAL_CLASSES = frozenset({FieldClass.DIRECT, FieldClass.QUASI, FieldClass.SENSITIVE})
# What a list of persons is called: nested in a group or a wrapper, its items are records.
_PERSON_COLLECTIONS = _words(
    "leerlingen leerling students student pupils pupil deelnemers deelnemer users members leden "
    "kinderen docenten leerkrachten teachers medewerkers personen persons people gebruikers "
    "studenten scholieren cursisten groepsleden leerlingenlijst learners"
)
# The school's staff: teachers and other employees (a teacher's key 17 is no pupil's).
_STAFF = _words("docent docenten leerkracht leerkrachten teacher teachers medewerkers")
# Of those, the words for a group's members: pupils, not its teachers, parents or users.
_PUPIL_LISTS = (
    _PERSON_COLLECTIONS
    - _STAFF
    - _words("leerling student pupil deelnemer kinderen personen persons people gebruikers users")
)
# Of those, the words for many (an object under one is a map of persons by their keys).
_PERSON_MAPS = _PERSON_COLLECTIONS - _words("leerling student pupil deelnemer leerlingenlijst")
# What no school, group or product has of its own: under one, a field so named is a person's.
_NEVER_AN_ORGANISATIONS = frozenset(
    {"bsn", "onderwijsnummer", "sofinummer", "national-id", "birthdate", "gender", "eck-id"}
)
# Nor, under an element a profile gives a group's class (UWLR's ``groep``, ``jaargroep``),
# a place of birth or residence, a nationality, an ethnicity or an account: there they are a
# person's. (Not said of every organisation a name classifies: a school's "woonplaats" may
# loosely name its town, and one such field made a JSON list of groups a list of pupils.)
_NEVER_A_GROUPS = _NEVER_AN_ORGANISATIONS | {
    "birthplace",
    "ethnicity",
    "nationality",
    "residence",
    "username",
}
# The parts of a person's name (by compact field name): a group has a "naam", never a
# surname, so ``klas/achternaam`` is a person's (a mentor's) however it got there.
_PERSON_NAME_PARTS = _words(
    "achternaam voornaam voornamen roepnaam voorletter voorletters tussenvoegsel voorvoegsel "
    "geslachtsnaam firstname lastname surname givenname familyname middlename nickname "
    "initials fullname volledigenaam achternaamouder familienaam meisjesnaam geboortenaam "
    "bijnaam"
)
# Wrappers between an organisation and its fields that hold no person of their own: a group's
# extension block (EDEXML ``groep/toevoegingen/blok/code``), a school's address or contact
# details. Any other level stops the search for whose field it is (``school/mentor/email``
# is the mentor's).
_CONTAINERS = _words(
    "toevoegingen toevoeging blok blokken extensie extensies extension extensions adres "
    "adressen address addresses bezoekadres postadres vestigingsadres correspondentieadres "
    "contact contactgegevens contactinfo contactinformatie gegevens details kenmerken"
)
_ADDRESS_ENDINGS = ("adres", "adressen", "address", "addresses")  # afleveradres, factuuradres
# A flag or setting about an identifier, not the identifier: emailNotificaties, hasEmail.
_FLAG_WORDS = _words(
    "notificaties notificatie notifications notification verified geverifieerd bekend known "
    "gewijzigd changed updated optin optout enabled disabled ingeschakeld toestemming consent "
    "status type aantal count"
)
_FLAG_PREFIXES = ("has", "heeft", "is")
# Compounds ending so are a result or a date of the school's work (after the person's own
# endings: geboortedatum is a birth date).
_OPERATIONAL_ENDINGS = ("score", "datum", "date", "niveau", "level", "status", "percentage")


# Sensitive topics (not a remark's: "opmerking_product" is about a product): as a word of a
# compound (opp_datum), or as a stem of four letters or more inside one (zorg in zorgniveau,
# diagnose in diagnosedatum), longest first.
def _names_a_topic(rule: FieldRule | None) -> bool:
    """A sensitive topic (health, support, religion …), not a remark's free text."""
    return rule is not None and rule.cls is FieldClass.SENSITIVE and rule.category != "free-text"


_SENSITIVE_WORDS = frozenset(key for key, rule in NAMES.items() if _names_a_topic(rule))
_PERSONAL_STEMS = tuple(
    sorted((w for w in _SENSITIVE_WORDS if len(w) >= 4), key=lambda w: (-len(w), w))
)
_DERIVED_WORDS = ("hash", "sha", "md5", "digest", "versleuteld", "encrypted")  # eckIdHash
_HEADER_LIKE = re.compile(r"[\w -]+")  # words, not a URL or a value made a key
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")


def compact_name(name: str) -> str:
    """A field name in lower case without separators ("E-mail adres" -> "emailadres")."""
    return re.sub(r"[^a-z0-9]", "", _unaccented(name).lower())


def _unaccented(name: str) -> str:
    """The name with its letters' accents left off ("Officiële naam" -> "Officiele naam"):
    a header written with them is the same word, not two split at the accented letter."""
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def classify_name(name: str) -> FieldRule | None:
    """Classify one field name (a single path segment); None when it is not recognised. A
    header's qualifier in brackets is left aside ("Niveau (I-V)", "Telefoon (bijv. 06…)")
    unless it names an identifier itself ("Leerlingnummer (BSN)")."""
    name = _unaccented(name)
    start, end = name.find("("), name.rfind(")")
    if 0 <= start < end:  # from the first "(" to the last ")": no recursion, however nested
        said = _strong_rule(name[start + 1 : end])
        if said is not None:
            return said
        bare = f"{name[:start]} {name[end + 1 :]}".strip()
        if bare:
            return _classify_plain(bare)
    return _classify_plain(name)


def _strong_rule(text: str) -> FieldRule | None:
    words = [w.lower() for w in _CAMEL.split(text) if w]
    return next((NAMES[w] for w in words if w in _STRONG_WORDS), None)


def _classify_plain(name: str) -> FieldRule | None:
    compact = compact_name(name.lstrip("@"))
    rule = NAMES.get(compact) or NAMES.get(compact.rstrip("0123456789"))
    if rule is not None or not compact:
        return rule
    compact = compact.rstrip("0123456789")
    words = [w.lower().rstrip("0123456789") for w in _CAMEL.split(name) if w and not w.isdigit()]
    if len(words) >= 2:
        decided, rule = _by_words(words, compact, name)
        if decided:
            return rule
    elif _names_eck_id(compact, name):
        return NAMES["eckid"]
    found = next((NAMES[s] for s in _SUFFIXES if compact.endswith(s)), None)
    if found is None and _a_persons_compound_name(compact):
        return NAMES["name"]
    if found is None and compact.endswith(_OPERATIONAL_ENDINGS):
        # vaardigheidsscore, toetsdatum, leesniveau; but zorgniveau, diagnosedatum and
        # verblijfsstatus say what they are about first
        return _sensitive_within(compact) or NAMES["score"]
    return found


def _a_persons_compound_name(compact: str) -> bool:
    """ "leerlingnaam", "kindnaam", "studentname", "naamleerling": a person's name written as
    one word, as "leerling naam" is in two (a "klasnaam" or "productnaam" is no person's)."""
    for word in ("naam", "name"):
        if compact.endswith(word) and compact[: -len(word)] in _COMPOUND_PERSONS:
            return True
        if compact.startswith(word) and compact[len(word) :] in _COMPOUND_PERSONS:
            return True
    return False


# Who a name written as one word may be of: the person qualifiers, and the other words for a
# pupil or a relative (a deelnemer, cursist, kind, pleegouder …)
_COMPOUND_PERSONS = _PERSON_QUALIFIERS - _words("first last given family full middle sur") | (
    _words("kind deelnemer cursist pupil student verzorger pleegouder contactpersoon mentor")
)


def _names_eck_id(compact: str, name: str) -> bool:
    """ "ECK iD leerling", "Leerling ECK-iD", "eckIdLeerling"; not a URL made a key
    (ketenid.nl) nor a digest of one (eckIdHash)."""
    return (
        ("eckid" in compact or "ketenid" in compact)
        and _HEADER_LIKE.fullmatch(name) is not None
        and not any(word in compact for word in _DERIVED_WORDS)
    )


def _sensitive_within(compact: str) -> FieldRule | None:
    return next((NAMES[stem] for stem in _PERSONAL_STEMS if stem in compact), None)


def _by_words(words: list[str], compact: str, name: str) -> tuple[bool, FieldRule | None]:
    """A compound name's class by its words, and whether they decide it."""
    # "bsn_ouder", "adres_ouder", "geboortedatum_leerling": in Dutch compounds the head
    # comes first; an identifier word anywhere decides (eckid_bsn is a BSN) — unless the
    # name is a flag about it (emailNotificaties, hasEmail: whether there is one).
    rule = next((NAMES[w] for w in words if w in _STRONG_WORDS), None)
    if rule is not None:
        flag = words[-1] in _FLAG_WORDS or words[0] in _FLAG_PREFIXES
        return True, NAMES["status"] if flag else rule
    if _names_eck_id(compact, name):
        return True, NAMES["eckid"]
    rule = _by_last_words(words)
    if rule is not None and rule.cls is FieldClass.OPERATIONAL:
        # medicatie_status is about medication, opp_datum about an OPP
        topic = next((NAMES[w] for w in words if w in _SENSITIVE_WORDS), None)
        rule = topic or _sensitive_within(compact) or rule
    return rule is not None or words[-1] in ("name", "naam"), rule


# Person words a Dutch name puts last, as the owner: geslacht_leerling is the pupil's gender,
# not the pupil's name (the word alone, a column "leerling", holds the name)
_OWNERS = _words("leerling student pupil ouder verzorger docent teacher mentor vader moeder")


def _by_last_words(words: list[str]) -> FieldRule | None:
    if words[-1] in _OWNERS and len(words) >= 2:
        head = words[:-1]
        return NAMES.get(head[0]) if len(head) == 1 else _by_last_words(head)
    if words[-1] in ("name", "naam"):
        qualifier = words[-2]
        if qualifier in _PERSON_QUALIFIERS:
            return NAMES["name"]
        return NAMES.get(qualifier + words[-1])
    for size in (2, 1):
        rule = NAMES.get("".join(words[-size:]))
        if rule is not None:
            return rule
    return None


def names_organisation(name: str) -> bool:
    """Whether a key or element name stands for a school, group, product … (``groepen``,
    ``vestiging``, ``subgroepen``, ``producten``): what it holds is that organisation's or
    thing's, no person's."""
    return _context_of(compact_name(name)) is not None


def names_group(name: str) -> bool:
    """Whether a key names a school, group or organisation above them (not a product or a
    test, whose lists may be a pupil's licences or results)."""
    return _context_of(compact_name(name)) == "group"


def _context_of(compact: str) -> str | None:
    """What a compact name stands for: a "group" (school, class ...), a "thing" (product,
    test ...), a "sender" (supplier, order ...), or none of them."""
    if compact in _GROUP_CONTEXTS or compact.endswith(_GROUP_ENDINGS):
        return "group"
    if compact in _THING_CONTEXTS:
        return "thing"
    if compact in _SENDER_CONTEXTS:
        return "sender"
    return None


def of_a_person(kind: str, path: str) -> bool:
    """Whether a field makes an item of a list of groups or things (``kind``: ``groepen``,
    ``licenties``) a person's: a pseudonym or a person's key (``leerlingId``, not a product's
    ``id``) by its own name, wherever it sits; in a list of things anything a person has (a
    licence's e-mail address is a pupil's; its "naam" may be the product's); in a list of
    groups only what no group has (a birth date, a surname: a group's e-mail is its own)."""
    last = path.rsplit("/", 1)[-1].lstrip("@")
    own = classify_name(last)
    if own is not None and own.cls is FieldClass.PSEUDONYM:
        return True
    if names_person_key(last):
        return True
    if not names_group(kind) and own is not None and own.cls in _PERSONAL_CLASSES:
        return compact_name(last) not in ("naam", "name")
    owned = classify_path(f"{kind}/{path}")
    return owned is not None and owned.cls in _PERSONAL_CLASSES


# The bare names of an ECK iD field (no other person or thing named in them)
_OWN_ECK_ID_NAMES = frozenset(name for name, rule in NAMES.items() if rule.category == "eck-id")


def names_own_eck_id(name: str) -> bool:
    """Whether a field name is an ECK iD's with no other person or thing named in it
    (``eckId``, ``eck_id``, ``ketenId``, ``pseudoniem``; not ``mentorEckId``,
    ``schoolEckId`` or ``eckIdHash``)."""
    return compact_name(name.lstrip("@")) in _OWN_ECK_ID_NAMES


def names_pseudonym(name: str) -> bool:
    """Whether a field's (or attribute's) name says it holds the pseudonym (eckId, ketenId)."""
    rule = classify_name(name.lstrip("@"))
    return rule is not None and rule.cls is FieldClass.PSEUDONYM


def names_person_key(name: str) -> bool:
    """Whether a field's name says it holds a person's key (``leerlingId``, ``studentNumber``):
    not a product's or a group's ``id``."""
    return compact_name(name.lstrip("@")) in _PERSON_KEYS


def names_person_map(name: str) -> bool:
    """Whether a key names many persons (``leerlingen``, not ``leerling``): an object under it
    files them by their keys, ``{"leerlingen": {"L1": {…}, "L2": {…}}}``."""
    return compact_name(name) in _PERSON_MAPS


def names_pupils(name: str) -> bool:
    """Whether a key names a group's list of pupils (``leerlingen``, ``members``): not its
    teachers, a parent's children or a platform's users."""
    return compact_name(name) in _PUPIL_LISTS


def names_staff(name: str) -> bool:
    """Whether a key or record kind names the school's staff (``docenten``, ``teacher``)."""
    return compact_name(name) in _STAFF


def names_persons(name: str) -> bool:
    """Whether a key names a list of persons (``leerlingen``, ``deelnemers``)."""
    return compact_name(name) in _PERSON_COLLECTIONS


def of_non_person(path: str) -> bool:
    """Whether the field is one of a school, group, product … (the nearest level above it
    that is no mere wrapper says so): its phone number, address or e-mail address are an
    organisation's, not a pupil's."""
    return _owner(path) is not None


def of_organisation(path: str) -> bool:
    """Whether the field is one of a school, group or sender (not of a product or a test,
    whose "naam" may be a pupil's as well as the thing's): its own name, address, phone
    number and e-mail address are that organisation's."""
    return _owner(path) in ("group", "sender")


def _owner(path: str) -> str | None:
    """What the nearest level above the field that is no mere wrapper names: a "group"
    (school, class ...), a "thing" (product, test ...), a "sender" (supplier, order ...)."""
    for segment in reversed(path.split("/")[:-1]):
        name = compact_name(segment)
        context = _context_of(name)
        if context is not None:
            return context
        if name not in _CONTAINERS and not name.endswith(_ADDRESS_ENDINGS):
            return None
    return None


@lru_cache(maxsize=16384)
def classify_path(path: str) -> FieldRule | None:
    """Classify a field path: its last segment, else its nearest classified ancestor; an
    operational last segment under a sensitive topic is the topic's."""
    segments = path.split("/")
    if of_non_person(path):
        own = classify_name(segments[-1])
        if own is not None and (
            own.category in _NEVER_AN_ORGANISATIONS
            or compact_name(segments[-1]) in _PERSON_NAME_PARTS
        ):
            return own  # a group's "geboortedatum", a school's "bsn", a class's surname
        return NAMES["groep"]  # a field of a school, group or product, not of a person
    for at in range(len(segments) - 1, -1, -1):
        rule = classify_name(segments[at])
        if rule is not None:
            if rule.cls is FieldClass.OPERATIONAL:
                return _sensitive_above(segments[:at]) or rule
            return rule
    return None


def persons_own(path: str) -> FieldRule | None:
    """The rule of a field named as what only a person has, whatever holds it: a part of a
    name, a national number, a birth date, gender, place of birth or residence, an account,
    ethnicity (``groep/achternaam``, ``groep/@bsn``, ``jaargroep/@geslacht``,
    ``groep/woonplaats``): a group has none of these."""
    last = path.rsplit("/", 1)[-1]
    rule = classify_name(last.lstrip("@"))
    if rule is None:
        return None
    if rule.category in _NEVER_A_GROUPS or compact_name(last) in _PERSON_NAME_PARTS:
        return rule
    return None


def _sensitive_above(segments: list[str]) -> FieldRule | None:
    """The nearest ancestor naming a sensitive topic: a care file's score, a diagnosis's date
    (zorg/score, diagnose/datum) are the topic's, as zorgscore and diagnosedatum are."""
    for segment in reversed(segments):
        rule = classify_name(segment)
        if _names_a_topic(rule):
            return rule
    return None
