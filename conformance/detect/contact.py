"""E-mail addresses and Dutch and Belgian phone numbers (validated by libphonenumber)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from conformance.detect.spans import Detection, Hint, near
from conformance.model.verdict import Confidence

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
# An address written so that harvesters miss it — and so did we: "s.jansen[at]school.nl",
# "s.jansen (at) school (dot) nl", "s.jansen at school (dot) nl". The "at" is bracketed, or
# spaced where a dot is bracketed too ("Joris at weinig punt", "look at this dot com" are
# prose), and the address ends in a top-level domain people have ("verslag(at)home.docx" is a
# file's name). The local part starts after no character it may hold and runs possessively:
# each "%" of a long run started a new attempt over the rest of it (40 KB: 16 s).
_BRACKETED = r"[\[({<] ?(?:at|apenstaartje) ?[\])}>]"
_BRACKETED_DOT = r" ?[\[({<] ?(?:dot|punt) ?[\])}>] ?"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_TOP_LEVEL = "nl|be|com|org|net|eu|info|nu|edu|de|uk|fr|io|me|biz|online|email|school|frl|amsterdam"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?i)(?<![\w.%+-])[a-z0-9][a-z0-9._%+-]*+"
    rf"(?: ?{_BRACKETED} ?{_LABEL}(?:(?:\.|{_BRACKETED_DOT}){_LABEL})*(?:\.|{_BRACKETED_DOT})"
    rf"| at {_LABEL}(?:(?:\.|{_BRACKETED_DOT}){_LABEL})*{_BRACKETED_DOT})"
    rf"(?:{_TOP_LEVEL})(?![\w-])"
)
# What every obfuscated address holds (in lower case): the cheap test before the search.
OBFUSCATED_AT = re.compile(rf"{_BRACKETED}| at \S+?{_BRACKETED_DOT}")
# The same in any case, for a search of text not lowered (no (?i:): case-blind classes are
# cheaper in the union of every recogniser's quick form)
OBFUSCATED_AT_ANY_CASE = r"[\[({<] ?(?:[aA][tT]|[aA]penstaartje) ?[\])}>]| [aA][tT] "
# International (+31/+32/0031/0032, optional (0)) or national (0…) numbers with the separators
# people type — a hyphen may be a word processor's non-breaking one or an en dash ("06–1234…");
# libphonenumber then decides whether it is a real Dutch or Belgian number.
_DASH = "\\-\u2010\u2011\u2012\u2013"
_PHONE = re.compile(
    rf"(?<![\w+])("
    rf"(?:\+|00)3[12][ {_DASH}]?(?:\(0\)[ {_DASH}]?)?\d(?:[ {_DASH}]?\d){{7,9}}"
    rf"|0\d{{1,3}}(?:\s?[{_DASH}/.]\s?|\s)?\d(?:[ .{_DASH}]?\d){{5,8}}"
    rf"|\(0\d{{1,3}}\)\s?\d(?:[ .{_DASH}]?\d){{5,8}}"
    rf")(?![\w{_DASH}]|[.,]\d)"
)


# Words before a number that make it a product, order or batch code rather than a phone number.
_CODE_WORDS = (
    "art.",
    "artikel",
    "nr.",
    "code",
    "lot",
    "batch",
    "bestel",
    "order",
    "product",
    "ean",
    "isbn",
    "serie",
    "factuur",
    "klantnummer",
    "dossier",
)
_DATE_SHAPE = re.compile(r"\d{1,2}\s?[-./]\s?\d{1,2}\s?[-./]\s?\d{2,4}")
# A date and a time, as Excel and SQL Server write them in Dutch ("01-09-2024 08:30:00"): the
# date with the time's hour reads as a phone number (010-9202408)
_DATE_TIME = re.compile(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}[ T]+\d{1,2}[:.hu]\d{2}\b")


def find_emails(text: str, hint: Hint) -> Iterator[Detection]:  # noqa: ARG001
    if "@" in text:
        for match in _EMAIL.finditer(text):
            yield Detection("email", match.start(), match.end(), Confidence.HIGH)
    if OBFUSCATED_AT.search(text.lower()):
        for match in _OBFUSCATED_EMAIL.finditer(text):
            yield Detection("email", match.start(), match.end(), Confidence.HIGH)


def find_phones(text: str, hint: Hint) -> Iterator[Detection]:
    for match in _PHONE.finditer(text):
        candidate = match.group(1)
        if (
            _DATE_SHAPE.fullmatch(candidate)
            or _DATE_TIME.match(text, match.start(1))
            or near(text, match.start(1), _CODE_WORDS, before=20)
            or _isbn10(candidate, hint)
        ):
            continue
        if _is_phone(candidate):
            yield Detection("phone", match.start(1), match.end(1), Confidence.HIGH)


def _isbn10(candidate: str, hint: Hint) -> bool:
    """Whether ten digits in a field named for ISBNs are a book's ISBN-10 ("0199522987":
    Oxford University Press, 0-19; 0-521 is Cambridge's, 0-14 Penguin's) rather than a Dutch
    or Belgian number of the same shape (0521 is Steenwijk's area code, 014 Turnhout's): its
    check digit holds (weights 10 to 1, 0 mod 11). Elsewhere the word "ISBN" says so
    (_CODE_WORDS); written with its hyphens ("0-19-952298-7") it is no phone number's shape."""
    field = hint.field.rsplit("/", 1)[-1] if hint.field else ""
    if _ISBN_FIELD.fullmatch(field) is None or not candidate.isdigit() or len(candidate) != 10:
        return False  # ('isbn_notitie' is a note: a phone number written in it is one)
    return sum(w * int(d) for w, d in zip(range(10, 0, -1), candidate, strict=True)) % 11 == 0


# A field for an ISBN alone ('isbn', 'ISBN10', 'isbn_nummer', 'boekIsbn'), not a note about one.
_ISBN_FIELD = re.compile(r"(?i)(?:[a-z]*[_-]?)?isbn(?:[_-]?(?:10|13|nr|nummer|number|code))?")


# Numbers only a business has: 0800, 0900, 0906/0909, a Dutch company's one number (088) and
# Belgium's 078 — a supplier's help desk in an export's header is no person's. libphonenumber
# calls 084 and 087 "UAN" too, but those are personal numbers (fax and voicemail services).
_BUSINESS_LINES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
    }
)


def _business_line(number: phonenumbers.PhoneNumber) -> bool:
    kind = phonenumbers.number_type(number)
    if kind is phonenumbers.PhoneNumberType.UAN:
        return number.country_code == 32 or str(number.national_number).startswith("88")
    return kind in _BUSINESS_LINES


def _is_phone(candidate: str) -> bool:
    for region in ("NL", "BE"):
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if _business_line(number):
            return False
        # A number of a possible length for the country with a known type of line; not the
        # check that the range is allocated today (parents' numbers in old records may not be).
        if number.country_code in (31, 32) and _plausible(number):
            return True
    return False


def _plausible(number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.is_valid_number(number):
        return True
    # Dutch numbers have nine digits after the 0, Belgian ones eight or nine.
    if len(str(number.national_number)) not in ((9,) if number.country_code == 31 else (8, 9)):
        return False
    reason = phonenumbers.is_possible_number_with_reason(number)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


# Mailboxes anyone can open: an address there is a person's, whoever's details it stands in.
_FREE_MAIL = frozenset(
    "gmail.com googlemail.com hotmail.com hotmail.nl outlook.com outlook.nl live.nl live.com "
    "msn.com icloud.com me.com mac.com yahoo.com yahoo.nl ziggo.nl kpnmail.nl kpnplanet.nl "
    "planet.nl home.nl xs4all.nl hetnet.nl casema.nl chello.nl upcmail.nl tele2.nl telfort.nl "
    "online.nl quicknet.nl zeelandnet.nl solcon.nl caiway.nl protonmail.com proton.me gmx.com "
    "gmx.net skynet.be telenet.be".split()
)
_LOCAL_WORDS = re.compile(r"[A-Za-z]+(?:[._-][A-Za-z]+)+\d*")  # s.jansen, sanne.jansen2012


def is_personal_contact(kind: str, text: str) -> bool:
    """Whether an e-mail address or phone number is a person's even where an organisation's
    details are expected (a school's e-mail field): a free mailbox under a person's name
    ("s.jansen@gmail.com", not "obsdelinde@gmail.com") or a mobile number."""
    if kind == "email":
        local, _, domain = text.rpartition("@")
        return domain.lower() in _FREE_MAIL and _LOCAL_WORDS.fullmatch(local) is not None
    if kind == "phone":
        return any(_mobile(text, region) for region in ("NL", "BE"))
    return False


def _mobile(text: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) is phonenumbers.PhoneNumberType.MOBILE
