"""Person names in Dutch school text: given names and surnames with tussenvoegsels and initials.

The name lists come from Faker's nl_NL and nl_BE person providers (a maintained public data set),
not from a hand-typed list. A name is recognised as

* a known given name followed by an optional second given name, tussenvoegsels and a capitalised
  surname ("Sanne de Vries", "Anna Maria van den Berg");
* initials, tussenvoegsels and a capitalised surname ("P.J. Jansen", "J. de Boer");
* a context word (moeder, vader, leerling, mevrouw, dhr., juf, meester …) followed by a given
  name or a surname ("moeder van Sanne", "mevrouw De Vries", "dhr. Jansen").

Famous people in lesson texts (Willem van Oranje, Anne Frank) and names that are part of a
school's name (CBS Willem van Oranje, Pieter Zandt Scholengemeenschap) are not a pupil's name.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import import_module

from conformance.detect import name_lists as lists
from conformance.detect.fieldnames import classify_name
from conformance.detect.spans import Detection, Hint
from conformance.model.profile import FieldClass
from conformance.model.verdict import Confidence

# initials ("P.J.", "B.V" too: a last letter without its dot), a word, or any other character
_TOKEN = re.compile(
    r"(?:[A-Z]\.){1,4}[A-Z](?![.\w])|(?:[A-Z]\.){2,4}|[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]*\.?|\S"
)
_INITIALS = re.compile(r"(?:[A-Z]\.){1,4}(?:[A-Z]\.?)?$")
_LATIN_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’]+")


@cache
def _core_surnames() -> frozenset[str]:
    return _surnames_of(lists.CORE_LOCALES)


def _surnames_of(locales: frozenset[str]) -> frozenset[str]:
    surnames: set[str] = set()
    for locale in locales:
        provider = _provider(locale)
        for name in _as_names(provider, "last_names") if provider else ():
            surnames.update(w for w in re.split(r"[\s-]+", name) if _LATIN_NAME.fullmatch(w))
    return frozenset(surnames - lists.NOT_NAMES)


def _provider(locale: str) -> type | None:
    try:
        provider: type = import_module(f"faker.providers.person.{locale}").Provider
    except ImportError:  # an older Faker without this locale
        return None
    return provider


@cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and surname words from Faker's person providers (Latin script only)."""
    given: set[str] = set()
    for locale in lists.LOCALES:
        provider = _provider(locale)
        names = _as_names(provider, "first_names") if provider else []
        given.update(n for n in names if _LATIN_NAME.fullmatch(n))
    return frozenset(given - lists.NOT_NAMES), _surnames_of(frozenset(lists.LOCALES))


def _as_names(provider: type, attribute: str) -> list[str]:
    names = getattr(provider, attribute, ())
    return list(names.keys() if isinstance(names, dict) else names)


def is_full_name(text: str) -> bool:
    """Whether the text is wholly a person's name in the strictest form: a known given name,
    particles or further given names, and a known surname ("Sanne Jansen", "Jan de Vries") —
    for a field's name, where "Max Score" or "Vak Engels" must stay a header."""
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    given, surnames = _names()
    first, *middle, last = words
    return (
        first in given
        and last in surnames
        and all(word in lists.PARTICLES or word in given for word in middle)
    )


def find_names(text: str, hint: Hint) -> Iterator[Detection]:
    if hint.category == "school":
        return  # a school's name is not a pupil's
    if (
        len(text) <= JOINED_MAX
        and JOINED.fullmatch(text)
        and _names_a_login(hint.field)
        and _joined_name(text)
    ):
        yield Detection("name", 0, len(text), Confidence.MEDIUM)
        return
    if not _HAS_CAPITAL.search(text):
        return
    if hint.category == "name":
        whole = _whole_value_name(text)
        if whole is not None:
            yield whole
            return
    found = list(_names_in(text))
    yield from found
    recased = _recased(text)
    if recased is not None:
        yield from _names_in_capitals(text, recased, found)


def _names_in(text: str) -> Iterator[Detection]:
    given, surnames = _names()
    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        found = _name_at(tokens, i, given, surnames)
        if found is None:
            i += 1
            continue
        end_index, confidence = found
        start, end = tokens[i][1], tokens[end_index][2]
        if not _excluded(text, tokens, i, end_index):
            yield Detection("name", start, end, confidence)
        i = end_index + 1


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# A word of letters (hyphens and apostrophes within it): "JANSEN", "JAN-WILLEM", "D'HONDT".
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _recased(text: str) -> str | None:
    """The text with its words in capitals written as a name is ("JANSEN, PIET" as "Jansen,
    Piet", "VAN DEN" as "van den"), or None where it has none. A word whose case mapping
    would change its length ("ÇELİK": the dotted capital I lowers to two characters) is left
    as it is: the positions must stay those of the text."""
    changed = False

    def written_as_a_name(found: re.Match[str]) -> str:
        nonlocal changed
        word = found.group()
        recased = _as_name(word)
        if recased == word or len(recased) != len(word):
            return word
        changed = True
        return recased

    recased = _WORD.sub(written_as_a_name, text)
    return recased if changed else None


def _names_in_capitals(text: str, recased: str, found: list[Detection]) -> Iterator[Detection]:
    """Names with a word in capitals ("PIET JANSEN", "JANSEN, Piet", "P.J. JANSEN"), read
    in the text recased. Capitals carry no sign of a name (codes, levels and statuses are
    written so: "HAVO", "MAX SCORE"), so every word must be on the lists: a given name that
    is no common word, or initials, and a known Dutch surname that is none either."""
    tokens = _tokens(recased)
    at_start = {start: index for index, (_, start, _) in enumerate(tokens)}
    given = _names()[0]
    before = iter(found)  # in text order, as the names below: one pass over both, not a
    other = next(before, None)  # search of each (a long note of names was quadratic)
    for name in _names_in(recased):
        if text[name.start : name.end] == recased[name.start : name.end]:
            continue  # no word in capitals: read in the text itself already
        while other is not None and other.end <= name.start:
            other = next(before, None)
        if other is not None and other.start < name.end:
            continue  # read in the text itself already
        at = at_start[name.start]
        inside = _tokens_within(tokens, at, name.end)
        context = at > 0 and _context_before(tokens, at)
        listed = _listed_with_another(tokens, at, given)
        end = _end_on_the_lists([word for word, _, _ in inside], context, listed)
        if end is not None:  # "MOEDER VAN SANNE BELT": the name is SANNE, BELT a verb
            yield Detection("name", name.start, inside[end][2], name.confidence)


def _tokens_within(
    tokens: list[tuple[str, int, int]], first: int, end: int
) -> list[tuple[str, int, int]]:
    """The tokens from index ``first`` on that end by ``end`` (a name's)."""
    last = first
    while last < len(tokens) and tokens[last][2] <= end:
        last += 1
    return tokens[first:last]


def _end_on_the_lists(words: list[str], context: bool, listed: bool) -> int | None:
    """The last word of the longest run of the words, from the first, that is a name on the
    lists (:func:`_all_on_the_lists`; in a list of given names, a given name alone); None if
    no run is."""
    for end in range(len(words) - 1, -1, -1):
        run = words[: end + 1]
        if words[end] != "," and _all_on_the_lists(run, context, listed):
            return end
    return None


def _all_on_the_lists(words: list[str], context: bool = False, listed: bool = False) -> bool:
    """Every word a listed name (or initials, or a particle), among them a given name or
    initials and a surname — after a word of context ("mevrouw JANSEN", "ouders van DAAN")
    one of the two, in a list of given names (``listed``) a given name, and a double surname
    ("JANSEN-DE VRIES") is one on its own. A word that is as often a common word is no
    evidence ("OM WIEL", "DAN HEUVEL" are words of a sentence), except as a surname after
    particles ("DE JONG", "VAN DEN BERG")."""
    given, surnames = _names()
    common = _common_words()
    names = [word for word in words if word != ","]
    first = last = False
    surnames_found = 0
    for k, word in enumerate(names):
        if word.lower() in lists.PARTICLES:
            continue
        if _INITIALS.match(word):
            first = True
            continue
        parts = word.split("-")
        if not all(p in given or p in surnames or p.lower() in lists.PARTICLES for p in parts):
            return False
        # after particles, or a hyphen and particles: "de JONG", "JANSEN-DE VRIES"
        after_particles = k > 0 and names[k - 1].lower().split("-")[-1] in lists.PARTICLES
        for part in parts:
            first = first or _plain_given_name(part, given, common)
            surname = _surname(part, (given, surnames), common, after_particles)
            surnames_found += surname
            last = last or surname
    double = surnames_found > 1 and any("-" in word for word in names)
    return (first and last) or double or (context and (first or last)) or (listed and first)


@cache
def _common_words() -> frozenset[str]:
    """The commonest Dutch and English words (Faker's lorem word lists), lower case."""
    words: set[str] = set()
    for locale in ("nl_NL", "en_US"):
        try:
            provider = import_module(f"faker.providers.lorem.{locale}").Provider
        except ImportError:  # an older Faker without this locale
            continue
        words.update(word.lower() for word in getattr(provider, "word_list", ()))
    return frozenset(words)


# A value that is a name joined into one word, as a login or a key is made of it:
# "sanne.jansen", "jansen_sanne", "SanneJansen", "sanne.devries" — a key derived from the name
# (a pupil known by it outside the school) — or written in lower case ("sanne jansen"). Whole
# values only, a given name and a Dutch surname both known, each of three letters or more,
# and only in a key's or a login's field: the lists hold many words ("roos", "jade", "groen",
# "koning"), and in a description "hazel noot" or "koning willem" is no pupil.
JOINED = re.compile(
    r"[A-Za-z]{3,}[._-][A-Za-z]{3,}|[A-Z][a-z]{2,}[A-Z][a-z]{2,}|[a-z]{3,} [a-z]{3,}"
)
JOINED_MAX = 40
_CAMEL_PARTS = re.compile(r"[A-Z][a-z]+")


@lru_cache(maxsize=4096)
def _names_a_login(field: str) -> bool:
    """Whether the field holds a person's key or login (``leerlingId``, ``gebruikersnaam``)."""
    rule = classify_name(field) if field else None
    return rule is not None and (rule.cls is FieldClass.KEY or rule.category == "username")


def _joined_name(text: str) -> bool:
    parts = re.split(r"[._ -]", text) if not text.isalnum() else _CAMEL_PARTS.findall(text)
    if len(parts) != 2:
        return False
    first, second = (p.capitalize() for p in parts)
    given = _names()[0]
    return (first in given and _dutch_surname(second)) or (
        second in given and _dutch_surname(first)
    )


def _dutch_surname(word: str) -> bool:
    """A known Dutch surname, its particles glued to it or not ("Devries", "Vanderberg")."""
    core = _core_surnames()
    if word in core and word not in _names()[0] and word.lower() not in lists.COMMON_CAPITALISED:
        return True
    lower = word.lower()
    for particle in _GLUED_PARTICLES:  # the longest first
        rest = lower.removeprefix(particle)
        if rest != lower and len(rest) >= 3 and rest.capitalize() in core:
            return True
    return False


_GLUED_PARTICLES = ("vander", "vanden", "vande", "van", "der", "den", "ter", "ten", "de", "te")
# A capital before a small letter (Öztürk and Łukasz too), initials, or a word in capitals
_HAS_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿĀ-ž]|[A-Z]\.|[A-ZÀ-ÖØ-ÞĀ-Ž]{2}")
_NAME_LIKE = re.compile(r"[A-Za-zÀ-ÿĀ-ž]*[a-zà-ÿ]{2}|[A-ZÀ-ÞĀ-Ž]{3,}")
_NAME_VALUE = re.compile(r"[^\W\d_][\w'’.,\- ]*[\w.]")


def _whole_value_name(text: str) -> Detection | None:
    """In a field that holds a name, the value is the name in whatever form: "Visser, Mees",
    "PUCK DE JONG", "Heijden, Rob van der"."""
    match = _NAME_VALUE.search(text)
    if match is None or len(match.group().split()) > 8 or not _NAME_LIKE.search(text):
        return None
    return Detection("name", match.start(), match.end(), Confidence.HIGH)


def _name_at(
    tokens: list[tuple[str, int, int]], i: int, given: frozenset[str], surnames: frozenset[str]
) -> tuple[int, Confidence] | None:
    """The index of the last token of a name starting at token ``i``, and the confidence."""
    word, start, _ = tokens[i]
    if _INITIALS.match(word) and (i == 0 or tokens[i - 1][2] < start):  # not "576A. Adres"
        end = _surname_after(tokens, i + 1, surnames, need_known=False)
        return (end, Confidence.HIGH) if end is not None else None
    if not _capitalised(word) or word in lists.TITLES or word.lower() in lists.ORGANISATION_STARTS:
        return None  # "Stichting Jansen", "Uitgeverij Zwijsen": an organisation's name
    context = i > 0 and _context_before(tokens, i)
    inverted = _surname_comma_given(tokens, i, given, surnames)
    if inverted is not None:
        return inverted, Confidence.HIGH
    if word in given or ("-" in word and all(p in given for p in word.split("-"))):
        return _after_given_name(tokens, i, given, surnames, context)
    if context:
        end = _after_context(tokens, i, surnames)
        return (end, Confidence.MEDIUM) if end is not None else None
    return _unknown_given_name(tokens, i, given)


def _after_context(
    tokens: list[tuple[str, int, int]], i: int, surnames: frozenset[str]
) -> int | None:
    """After a context word: a full name of two capitalised words ("docent Sietske van
    Houten"), else a surname alone, which must be a known one unless a form of address stands
    before it ("juf Mahabier")."""
    end = _surname_after(tokens, i + 1, surnames, need_known=False)
    if end is not None:
        return end
    return _surname_after(tokens, i, surnames, need_known=not _titled(tokens, i))


def _titled(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """A form of address right before the name (tussenvoegsels may stand between)."""
    j = i - 1
    while j >= 0 and tokens[j][0].lower() in lists.PARTICLES:
        j -= 1
    return j >= 0 and tokens[j][0].lower() in lists.TITLE_CONTEXT and not tokens[j][0].isupper()


def _surname_comma_given(
    tokens: list[tuple[str, int, int]], i: int, given: frozenset[str], surnames: frozenset[str]
) -> int | None:  # "Visser, Mees"
    """ "Benali, Jolien", "Heijden, Rob van der" and "Wójcik, N.R.M.": a surname, a comma, a
    given name or initials. The surname a known one, or else a word that closes the name (the
    end, a bracket, a colon or semicolon; after initials only a semicolon, a CSV cell's end,
    two of them at least, not ending a list) and could be one: not a given name ("Vogels:
    Merel, Mees") or a common word ("Toetsweken: Mei, Juni")."""
    if i + 2 >= len(tokens) or tokens[i + 1][0] != ",":
        return None
    after = tokens[i + 2][0]
    known = tokens[i][0] in surnames
    initials = _INITIALS.match(after) is not None and not _abbreviation(after, known)
    if after not in given and not initials:
        return None
    if not known and not _closes_unknown_surname(tokens, i, given, initials):
        return None
    end = i + 2
    while end + 1 < len(tokens) and tokens[end + 1][0].lower() in lists.PARTICLES:
        end += 1
    return end


def _abbreviation(word: str, after_a_surname: bool) -> bool:
    """A legal form ("Jansen, B.V", "Bakker, U.A."), or after a word no surname a common
    abbreviation ("Opmerking, N.B.;", "Amsterdam, N.H.;"): written as initials are. After a
    known surname those are initials ("Smit, N.B.", "Mulder, E.A.")."""
    letters = word.replace(".", "")
    return letters in lists.LEGAL_FORMS or (
        not after_a_surname and letters in lists.LETTER_ABBREVIATIONS
    )


def _closes_unknown_surname(
    tokens: list[tuple[str, int, int]], i: int, given: frozenset[str], initials: bool
) -> bool:
    word = tokens[i][0]
    if word in given or word.lower() in lists.COMMON_CAPITALISED:
        return False
    following = tokens[i + 3][0] if i + 3 < len(tokens) else None
    if initials:  # weaker evidence than a given name ("Amsterdam, N.H.", "Hoofdstuk, B.;")
        last_of_list = i > 0 and tokens[i - 1][0] == ","  # "Kerkstraat 1, Utrecht, U.;"
        return following == ";" and not last_of_list and sum(map(str.isupper, tokens[i + 2][0])) > 1
    return following in (None, ":", ")", ";")


def _unknown_given_name(
    tokens: list[tuple[str, int, int]], i: int, given: frozenset[str]
) -> tuple[int, Confidence] | None:
    """A given name the lists lack ("Anouar", "Sietske") is believed before tussenvoegsels
    and a capitalised surname, directly before a known surname, or in a list of given names
    that holds two known ones ("Tafelgroep 4: Sietse, Siem, Bilal en Filmon")."""
    word = tokens[i][0]
    lower = word.lower()
    if (
        word in lists.NOT_NAMES
        or lower in lists.COMMON_CAPITALISED
        or lower in lists.PARTICLES
        or word.endswith(".")
        or lower.endswith(lists.NOT_SURNAME_ENDINGS)
    ):
        return None
    if _in_a_list_of_names(tokens, i, given):
        return i, Confidence.MEDIUM
    core = _core_surnames()
    end = _surname_after(tokens, i + 1, core, need_known=True)
    if end is None or tokens[end][0] not in core or tokens[end][0] in _names()[0]:
        return None  # the surname must be a known one, and not itself a given name
    return end, Confidence.MEDIUM


def _after_given_name(
    tokens: list[tuple[str, int, int]],
    i: int,
    given: frozenset[str],
    surnames: frozenset[str],
    context: bool,
) -> tuple[int, Confidence] | None:
    """A given name at ``i``: with more given names and a surname, or alone after context."""
    j = i + 1
    while j < len(tokens) and tokens[j][0] in given and j - i < 3:
        j += 1
    end = _surname_after(tokens, j, surnames, need_known=False)
    if end is not None:
        return end, Confidence.HIGH
    if context or _listed_with_another(tokens, i, given):
        return j - 1, Confidence.MEDIUM
    return None


_LIST_SEPARATORS = frozenset({",", "en", "and", "&", "/", "+"})


def _in_a_list_of_names(tokens: list[tuple[str, int, int]], i: int, given: frozenset[str]) -> bool:
    """Whether the word at ``i`` is an item of a list of capitalised words (a comma, "en", "&",
    "/" or "+" between each two) in which two known given names stand side by side, as
    :func:`_listed_with_another` reads them."""
    items = []
    for step in (-2, 2):
        n = i + step
        while (
            0 <= n < len(tokens)
            and tokens[n - step // 2][0] in _LIST_SEPARATORS
            and _capitalised(tokens[n][0])
        ):
            items.append(n)
            n += step
    return any(tokens[n][0] in given and _listed_with_another(tokens, n, given) for n in items)


def _listed_with_another(tokens: list[tuple[str, int, int]], i: int, given: frozenset[str]) -> bool:
    """A given name alone in a list of given names ("Afwezig: Isa, Kenan en Bilal", "Isa en
    Roos", "Isa/Bilal", "Kenan & Bilal"): a comma, "en", "&", "/" or "+" between it and another
    known given name — not both of them ones that are as often words ("Kleuren: Amber en
    Jade", "Romeo, Sierra" as colours, code words)."""
    wordlike = tokens[i][0] in lists.WORDLIKE_GIVEN_NAMES
    neighbours = (i - 2, i + 2)
    return any(
        0 <= n < len(tokens)
        and tokens[(i + n) // 2][0] in _LIST_SEPARATORS
        and tokens[n][0] in given
        and not (wordlike and tokens[n][0] in lists.WORDLIKE_GIVEN_NAMES)
        for n in neighbours
    )


def _surname_after(
    tokens: list[tuple[str, int, int]], j: int, surnames: frozenset[str], need_known: bool
) -> int | None:
    """Tussenvoegsels then a capitalised surname starting at token ``j``: its last index."""
    particles = 0
    while j < len(tokens) and tokens[j][0].lower() in lists.PARTICLES and particles < 4:
        j += 1
        particles += 1
    if j >= len(tokens):
        return None
    word = tokens[j][0].rstrip(".")
    lower = word.lower()
    if not _capitalised(word) or lower in lists.SCHOOL_WORDS:
        return None
    known = word in surnames or word.split("-")[0] in surnames
    # A street's or school's name is no surname ("Kerkstraat", "Julianalaan", "Laan 5"); a
    # surname ending alike is: a known one ("Overdijk"; the bare word alone too: "Sanne Dijk",
    # "juf Park"), and the bare word after surname particles ("van Dijk", "ter Laan", "op den
    # Dijk") — not after a place's ("aan de Dijk", "Langs de Dijk", "op de Weg").
    bare = lower in lists.NOT_SURNAME_ENDINGS
    named = bare and _surname_particles(tokens, j)
    known_alike = known and (not bare or not particles)  # "Overdijk"; "Dijk" with no particle
    place = lower.endswith(lists.NOT_SURNAME_ENDINGS) and not known_alike
    if (place or word in lists.NOT_NAMES) and not named:
        return None
    if need_known and not known and not particles:
        return None
    if not known and not particles and word.lower() in lists.COMMON_CAPITALISED:
        return None
    # A double surname: "Jansen-de Vries", "Smit Bakker" when both are known surnames.
    if j + 1 < len(tokens) and tokens[j + 1][0] in surnames and known:
        j += 1
    return j


def _surname_particles(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """Whether the tussenvoegsels right before token ``j`` are a surname's: beginning with
    "van", "ter" or "ten", or holding "den" or "'t" ("op den Dijk"); not "de" alone or after
    "aan", "op" or "in", as a place is written ("aan de Dijk")."""
    k = j
    while k > 0 and tokens[k - 1][0].lower() in lists.PARTICLES:
        k -= 1
    words = [t[0].lower() for t in tokens[k:j]]
    return bool(words) and (words[0] in _SURNAME_FIRST or bool(_SURNAME_INNER & set(words)))


_SURNAME_FIRST = frozenset({"van", "ter", "ten"})
_SURNAME_INNER = frozenset({"den", "'t", "’t"})


def _context_before(tokens: list[tuple[str, int, int]], i: int) -> bool:
    for back in (1, 2, 3):
        if i - back < 0:
            return False
        word = tokens[i - back][0].lower()
        if (
            word in lists.NAME_CONTEXT
            and word not in lists.WEAK_CONTEXT
            and not tokens[i - back][0].isupper()
        ):
            return True
        if word not in lists.PARTICLES and word not in lists.NAME_CONTEXT:
            return False
    return False


def _famous(lower: str, start: int, end: int) -> bool:
    """Whether a famous name stands in the text where the name was found ("M.G. Schmidt" in
    "Annie M.G. Schmidt"), as whole words."""
    return any(at < end and start < after for at, after in _famous_spans(lower))


@lru_cache(maxsize=64)
def _famous_spans(lower: str) -> tuple[tuple[int, int], ...]:
    """Where famous names stand in a text, found once per text: looking them up again for each
    candidate made long free text quadratic (a 160 KB note took a minute)."""
    spans = []
    for famous in lists.FAMOUS:
        at = lower.find(famous)
        while at >= 0:
            after = at + len(famous)
            if (at == 0 or not lower[at - 1].isalnum()) and (
                after == len(lower) or not lower[after].isalnum()
            ):
                spans.append((at, after))
            at = lower.find(famous, at + 1)
    return tuple(spans)


@lru_cache(maxsize=64)
def _lowered(text: str) -> str:
    """The text in lower case, one object for equal results: a text and its recased twin lower
    alike, and :func:`_famous_spans`' cache would compare the two whole on every lookup (a
    note of 80,000 names took 31 s)."""
    return sys.intern(text.lower())


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _excluded(text: str, tokens: list[tuple[str, int, int]], i: int, end: int) -> bool:
    if _famous(_lowered(text), tokens[i][1], tokens[end][2]):
        return True
    around = [
        t[0].lower().rstrip(".") for t in tokens[max(0, i - 2) : i] + tokens[end + 1 : end + 3]
    ]
    return any(w in lists.SCHOOL_WORDS or w.endswith("school") for w in around)


def person_name(cell: str) -> str | None:
    """What a whole cell is if it is a person's name on its own: "given name" ("Sanne",
    "Jan-Willem") or "full name" (a known given name, then capitalised words: "Sanne de
    Vries"). Only the word lists decide: no context, no guessing. A surname alone is never
    enough: the surname lists hold words that name and fill columns ("Date", "Key", "Wijk",
    "House", "Doctor")."""
    words = cell.split()
    if not words or not words[0][:1].isupper():  # a listed given name is capitalised
        return None
    given, _ = _names()
    if not _given(words[0], given):
        return None
    if len(words) == 1:
        return "given name"
    rest = [w for w in words[1:] if w.lower() not in lists.PARTICLES]
    return "full name" if 0 < len(rest) <= 3 and all(_capitalised(w) for w in rest) else None


def _given(word: str, given: frozenset[str]) -> bool:
    return word in given or ("-" in word and all(p in given for p in word.split("-")))


@lru_cache(maxsize=4096)
def lone_name(cell: str) -> str | None:
    """What a whole cell is if it is one part of a person's name alone, in any case: "given
    name" ("Sanne", "JAN-WILLEM") or "surname" ("Jansen", "de Vries", "VAN DEN BERG"); None
    for anything else. Alone such a cell is no evidence (the lists hold many words): a
    column of them is (:mod:`conformance.checks.namecolumns`). A word that is as often a
    common word, or a given name used as one, counts for neither; a surname that is a common
    word only after particles ("de Groot")."""
    words = cell.split()
    if not 1 <= len(words) <= 4 or len(cell) > 40:
        return None
    *particles, last = (_as_name(word) for word in words)
    if (
        not last[:1].isupper()
        or last.lower() in lists.PARTICLES  # "De", "In", "Van In": no name's last word
        or not all(p.lower() in _SURNAME_PREFIXES for p in particles)
    ):
        return None
    given, surnames = _names()
    common = _common_words()
    parts = last.split("-")
    if not particles and all(_plain_given_name(p, given, common) for p in parts):
        return "given name"
    tussenvoegsel = any(p.lower() in lists.PARTICLES for p in particles)  # "de Groot"
    if all(
        _surname(p, (given, surnames), common, tussenvoegsel)
        for p in parts
        if p.lower() not in lists.PARTICLES
    ):
        return "surname"
    return None


def _plain_given_name(word: str, given: frozenset[str], common: frozenset[str]) -> bool:
    """A given name that is neither a common word nor one as often a word ("Roos", "Dan")."""
    return word in given and word.lower() not in common and word not in lists.WORDLIKE_GIVEN_NAMES


def _surname(
    word: str,
    names: tuple[frozenset[str], frozenset[str]],
    common: frozenset[str],
    after_particles: bool,
) -> bool:
    """A listed surname that is no common capitalised word; a given name, a common word or a
    title too only after a tussenvoegsel ("de Groot", "de Koning")."""
    given, surnames = names
    if word not in surnames or word.lower() in lists.COMMON_CAPITALISED:
        return False
    return after_particles or (
        word not in given and word.lower() not in common and word not in lists.TITLES
    )


# What may stand before a surname: Dutch tussenvoegsels, and the Arabic and Berber articles
# and "son of" of Moroccan surnames ("El Amrani", "Ait Taleb", "Ben Ali").
_SURNAME_PREFIXES = lists.PARTICLES | frozenset({"el", "al", "ait", "aït", "ben", "bou", "ou"})


def _as_name(word: str) -> str:
    """A word as a name is written: one in capitals recased ("JANSEN" as "Jansen")."""
    if len(word) > 1 and word.isupper():
        lower = word.lower()
        return lower if lower in lists.PARTICLES else "-".join(map(str.capitalize, word.split("-")))
    return word
