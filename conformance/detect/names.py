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
from collections.abc import Iterator
from functools import cache

from conformance.detect.spans import Detection, Hint
from conformance.model.verdict import Confidence

_TOKEN = re.compile(r"(?:[A-Z]\.){2,4}|[A-Za-zÀ-ÖØ-öø-ÿ'’][A-Za-zÀ-ÖØ-öø-ÿ'’-]*\.?|\S")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,4}(?:[A-Z]\.?)?$")
_PARTICLES = frozenset(
    "van de der den het 't ter ten te in op aan uit la le du di da d' l' vanden vander".split()
)
_CONTEXT = frozenset(
    "moeder vader ouder ouders leerling leerlinge mevrouw mevr. mw. mw dhr. dhr heer meneer juf "
    "juffrouw meester mr. mrs. ms. mr mrs ms mother father parent parents oma opa broer zus zoon "
    "dochter broertje zusje pupil student teacher docent mentor voogd pleegmoeder pleegvader "
    "stiefmoeder stiefvader tante oom met".split()
)
# A context word that alone is too common ("met") only counts before a known name.
_WEAK_CONTEXT = frozenset({"met"})
_SCHOOL_WORDS = frozenset(
    "school basisschool scholengemeenschap college lyceum gymnasium academie atheneum "
    "kindcentrum ikc obs cbs rkbs pcbs sbo vso so csg montessorischool daltonschool "
    "jenaplanschool vrijeschool stichting".split()
)
_FAMOUS = (
    "willem van oranje|willem-alexander|willem alexander|rembrandt van rijn|rembrandt|anne frank"
    "|vincent van gogh|michiel de ruyter|annie m.g. schmidt|annie schmidt|johan cruijff"
    "|hugo de groot|johan de witt|piet hein|jan pieterszoon coen|abel tasman|aletta jacobs"
    "|anton van leeuwenhoek|christiaan huygens|johannes vermeer|piet mondriaan|karel appel"
    "|m.c. escher|maria montessori|jan steen|frans hals|jeroen bosch|hieronymus bosch"
    "|pieter bruegel|jan van riebeeck|willem drees|paul biegel|thea beckman|guus kuijer"
    "|roald dahl|harry potter|napoleon bonaparte|karel de grote|julius caesar"
    "|martin luther king|nelson mandela|albert einstein|isaac newton|charles darwin|marie curie"
    "|leonardo da vinci|wolfgang amadeus mozart|ludwig van beethoven|johann sebastian bach"
    "|max verstappen|fanny blankers-koen|dik trom|jip en janneke|pippi langkous|karel v"
    "|filips ii|maurits van nassau|frederik hendrik|juliana|wilhelmina|beatrix|maxima|amalia"
    "|erasmus|spinoza|multatuli|thorbecke|sinterklaas|jan klaassen|kees de jongen"
).split("|")


@cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and surname words from Faker's Dutch and Flemish providers."""
    from faker.providers.person.nl_BE import Provider as Flemish  # noqa: PLC0415  (lazy: data)
    from faker.providers.person.nl_NL import Provider as Dutch  # noqa: PLC0415

    given: set[str] = set()
    surnames: set[str] = set()
    for provider in (Dutch, Flemish):
        given.update(n for n in provider.first_names if n[:1].isupper())
        for name in provider.last_names:
            surnames.update(w for w in re.split(r"[\s-]+", name) if w[:1].isupper())
    return frozenset(given), frozenset(surnames)


def find_names(text: str, hint: Hint) -> Iterator[Detection]:  # noqa: ARG001
    if not _HAS_CAPITAL.search(text):
        return
    given, surnames = _names()
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
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


_HAS_CAPITAL = re.compile(r"[A-Z][a-zà-ÿ]|[A-Z]\.")


def _name_at(
    tokens: list[tuple[str, int, int]], i: int, given: frozenset[str], surnames: frozenset[str]
) -> tuple[int, Confidence] | None:
    """The index of the last token of a name starting at token ``i``, and the confidence."""
    word = tokens[i][0]
    if _INITIALS.match(word):
        end = _surname_after(tokens, i + 1, surnames, need_known=False)
        return (end, Confidence.HIGH) if end is not None else None
    if not _capitalised(word):
        return None
    context = i > 0 and _context_before(tokens, i)
    if word in given:
        return _after_given_name(tokens, i, given, surnames, context)
    end = _surname_after(tokens, i, surnames, need_known=True) if context else None
    return (end, Confidence.MEDIUM) if end is not None else None


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
    return (j - 1, Confidence.MEDIUM) if context else None


def _surname_after(
    tokens: list[tuple[str, int, int]], j: int, surnames: frozenset[str], need_known: bool
) -> int | None:
    """Tussenvoegsels then a capitalised surname starting at token ``j``: its last index."""
    particles = 0
    while j < len(tokens) and tokens[j][0].lower() in _PARTICLES and particles < 4:
        j += 1
        particles += 1
    if j >= len(tokens):
        return None
    word = tokens[j][0].rstrip(".")
    if not _capitalised(word) or word.lower() in _SCHOOL_WORDS:
        return None
    known = word in surnames or word.split("-")[0] in surnames
    if need_known and not known and not particles:
        return None
    if not known and not particles and word.lower() in _COMMON_CAPITALISED:
        return None
    # A double surname: "Jansen-de Vries", "Smit Bakker" when both are known surnames.
    if j + 1 < len(tokens) and tokens[j + 1][0] in surnames and known:
        j += 1
    return j


def _context_before(tokens: list[tuple[str, int, int]], i: int) -> bool:
    for back in (1, 2, 3):
        if i - back < 0:
            return False
        word = tokens[i - back][0].lower()
        if word in _CONTEXT and word not in _WEAK_CONTEXT:
            return True
        if word not in _PARTICLES and word not in _CONTEXT:
            return False
    return False


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _excluded(text: str, tokens: list[tuple[str, int, int]], i: int, end: int) -> bool:
    span = text[tokens[i][1] : tokens[end][2]].lower()
    if any(famous in span or span in famous for famous in _FAMOUS if len(span) > 3):
        return True
    around = [
        t[0].lower().rstrip(".") for t in tokens[max(0, i - 2) : i] + tokens[end + 1 : end + 3]
    ]
    return any(w in _SCHOOL_WORDS or w.endswith("school") for w in around)


# Capitalised words that follow a given name without being a surname ("Sanne Heeft" never
# occurs, but "Emma Groep 5", "Daan Rekenen" do in exports).
_COMMON_CAPITALISED = frozenset(
    "groep klas les toets rekenen taal lezen spelling begrijpend wereldoriëntatie engels "
    "nederlands wiskunde biologie geschiedenis aardrijkskunde gym muziek tekenen en of".split()
)
