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
from importlib import import_module

from conformance.detect.spans import Detection, Hint
from conformance.model.verdict import Confidence

_TOKEN = re.compile(r"(?:[A-Z]\.){2,4}|[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]*\.?|\S")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,4}(?:[A-Z]\.?)?$")
_PARTICLES = frozenset(
    "van de der den het 't ter ten te in op aan uit la le du di da d' l' vanden vander".split()
)
# Forms of address and family words directly before a name: after these any capitalised word
# is a name ("juf Mahabier", "meester Tahiri", "fam. Ramlal").
_TITLE_CONTEXT = frozenset(
    "juf juffrouw meester mevrouw mevr. mw. mw dhr. dhr meneer heer fam. fam familie gezin mr. "
    "mrs. ms. mr mrs ms".split()
)
_CONTEXT = frozenset(
    "moeder vader ouder ouders leerling leerlinge mevrouw mevr. mw. mw dhr. dhr heer meneer juf "
    "juffrouw meester mr. mrs. ms. mr mrs ms mother father parent parents oma opa broer zus zoon "
    "dochter broertje zusje pupil student teacher docent mentor voogd pleegmoeder pleegvader "
    "stiefmoeder stiefvader tante oom met vriend vriendje vriendin "
    "vriendinnetje klasgenoot klasgenote buurjongen buurmeisje neef nicht leerplichtambtenaar "
    "klassenouder contactpersoon schoolarts jeugdarts logopedist rt'er ib'er begeleider "
    "wijkagent door aan".split()
)
# A context word that alone is too common ("met") only counts before a known name.
_WEAK_CONTEXT = frozenset({"met", "door", "aan"})
NAME_CONTEXT = _CONTEXT | _TITLE_CONTEXT
_SCHOOL_WORDS = frozenset(
    "school basisschool scholengemeenschap college lyceum gymnasium academie atheneum "
    "kindcentrum ikc obs cbs rkbs pcbs sbo vso so csg montessorischool daltonschool "
    "jenaplanschool vrijeschool stichting".split()
)
FAMOUS = (
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
    "|filips ii|maurits van nassau|frederik hendrik|koningin juliana|koningin wilhelmina"
    "|koningin beatrix|koningin maxima|koningin máxima|prinses amalia|koningin emma"
    "|erasmus|spinoza|multatuli|thorbecke|sinterklaas|jan klaassen|kees de jongen"
    "|max havelaar|willem barentsz|nova zembla|joost van den vondel|gijsbrecht van aemstel"
    "|peter paul rubens|jacques brel|eddy merckx|toon hermans|astrid lindgren|stijn streuvels"
    "|guido gezelle|hendrik conscience|simon stevin|gerardus mercator|theo thijssen"
    "|paul van loon|herman gorter|lodewijk napoleon|guido de brès|jan ligthart|willem de zwijger"
    "|johannes calvijn|jac. p. thijsse|annie m.g. schmidt|koning willem|koningin"
    "|floris v|karel de stoute|maria van bourgondië|jacoba van beieren|jan van eyck"
    "|pieter stuyvesant|michiel de ruijter|tjerk hiddes|jan van schaffelaar|kenau"
    "|hugo grotius|desiderius erasmus|baruch spinoza|constantijn huygens|antoni van leeuwenhoek"
    "|herman boerhaave|cornelis lely|hendrik lorentz|heike kamerlingh onnes|pieter zeeman"
    "|jacobus van 't hoff|vincent willem van gogh|piet hein donner|dick bruna|carry slee"
    "|jan terlouw|thea dubelaar|tonke dragt|jan wolkers|gerard reve|harry mulisch"
    "|hella haasse|godfried bomans|toon tellegen|joke van leeuwen|sjoerd kuyper"
    "|francine oomen|els pelgrom|jacques vriens|anke de vries|marjolijn hof|bart moeyaert"
    "|anne provoost|kitty crowther|jeroen brouwers|willem elsschot|hugo claus|louis paul boon"
    "|paul van ostaijen|felix timmermans|ernest claes|cyriel buysse|hergé|kuifje|suske en wiske"
    "|willy vandersteen|marten toonder|olivier b. bommel|johan huizinga|pim fortuyn"
    "|wim kok|ruud lubbers|mark rutte|dick schoof|koning filip|koningin mathilde"
    "|leopold ii|koning albert|koning boudewijn|koningin fabiola|koning willem i"
    "|mata hari|hannie schaft|corrie ten boom|titus brandsma|johan van oldenbarnevelt"
    "|prins maurits|frederik hendrik van oranje|stadhouder willem|prins bernhard|prinses irene"
).split("|")


# Faker locales whose names Dutch and Flemish classrooms carry: Dutch, Flemish and the largest
# communities of other origin (Turkish, Moroccan and Arabic, Surinamese and Indian, Indonesian,
# Polish, German, French, English, Spanish, Italian, Portuguese, Nigerian, Ukrainian).
_LOCALES = (
    "nl_NL nl_BE fr_BE tr_TR ar_AA fr_DZ en_IN id_ID pl_PL de_DE fr_FR en_GB en_US es_ES it_IT "
    "pt_PT pt_BR en_NG ig_NG yo_NG ro_RO hr_HR"
).split()
_LATIN_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’]+")


# Surnames believed after a given name the lists lack: those of the Low Countries and the
# largest communities of other origin only. Other languages' surnames are too often ordinary
# words ("France", "Golden", "Haag") to stand without a known given name before them.
_CORE_LOCALES = frozenset({"nl_NL", "nl_BE", "tr_TR", "ar_AA", "fr_DZ"})


@cache
def _core_surnames() -> frozenset[str]:
    return _surnames_of(_CORE_LOCALES)


def _surnames_of(locales: frozenset[str]) -> frozenset[str]:
    surnames: set[str] = set()
    for locale in locales:
        provider = _provider(locale)
        for name in _as_names(provider, "last_names") if provider else ():
            surnames.update(w for w in re.split(r"[\s-]+", name) if _LATIN_NAME.fullmatch(w))
    return frozenset(surnames - _NOT_NAMES)


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
    for locale in _LOCALES:
        provider = _provider(locale)
        names = _as_names(provider, "first_names") if provider else []
        given.update(n for n in names if _LATIN_NAME.fullmatch(n))
    return frozenset(given - _NOT_NAMES), _surnames_of(frozenset(_LOCALES))


def _as_names(provider: type, attribute: str) -> list[str]:
    names = getattr(provider, attribute, ())
    return list(names.keys() if isinstance(names, dict) else names)


def find_names(text: str, hint: Hint) -> Iterator[Detection]:
    if hint.category == "school" or not _HAS_CAPITAL.search(text):
        return  # a school's name is not a pupil's
    if hint.category == "name":
        whole = _whole_value_name(text)
        if whole is not None:
            yield whole
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


_HAS_CAPITAL = re.compile(r"[A-Z][a-zà-ÿ]|[A-Z]\.|[A-Z]{2}")
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
    if not _capitalised(word) or word in _TITLES:
        return None
    context = i > 0 and _context_before(tokens, i)
    inverted = _surname_comma_given(tokens, i, given, surnames)
    if inverted is not None:
        return inverted, Confidence.HIGH
    if word in given or ("-" in word and all(p in given for p in word.split("-"))):
        return _after_given_name(tokens, i, given, surnames, context)
    if context:
        end = _after_context(tokens, i, surnames)
        return (end, Confidence.MEDIUM) if end is not None else None
    return _unknown_given_name(tokens, i)


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
    while j >= 0 and tokens[j][0].lower() in _PARTICLES:
        j -= 1
    return j >= 0 and tokens[j][0].lower() in _TITLE_CONTEXT and not tokens[j][0].isupper()


def _surname_comma_given(
    tokens: list[tuple[str, int, int]], i: int, given: frozenset[str], surnames: frozenset[str]
) -> int | None:  # "Visser, Mees"
    """ "Benali, Jolien" and "Heijden, Rob van der": a known surname, a comma, a given name."""
    if i + 2 >= len(tokens) or tokens[i + 1][0] != "," or tokens[i + 2][0] not in given:
        return None
    closes = i + 3 >= len(tokens) or tokens[i + 3][0] in (":", ")", ";")
    if tokens[i][0] not in surnames and not closes:
        return None
    end = i + 2
    while end + 1 < len(tokens) and tokens[end + 1][0].lower() in _PARTICLES:
        end += 1
    return end


def _unknown_given_name(
    tokens: list[tuple[str, int, int]], i: int
) -> tuple[int, Confidence] | None:
    """A given name the lists lack ("Anouar", "Sietske") is believed before tussenvoegsels
    and a capitalised surname, or directly before a known surname."""
    word = tokens[i][0]
    lower = word.lower()
    if (
        word in _NOT_NAMES
        or lower in _COMMON_CAPITALISED
        or lower in _PARTICLES
        or word.endswith(".")
        or lower.endswith(_NOT_SURNAME_ENDINGS)
    ):
        return None
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
    lower = word.lower()
    if not _capitalised(word) or lower in _SCHOOL_WORDS or lower.endswith(_NOT_SURNAME_ENDINGS):
        return None
    if word in _NOT_NAMES:
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
        if word in NAME_CONTEXT and word not in _WEAK_CONTEXT and not tokens[i - back][0].isupper():
            return True
        if word not in _PARTICLES and word not in NAME_CONTEXT:
            return False
    return False


def _famous(lower: str, start: int, end: int) -> bool:
    """Whether a famous name stands in the text where the name was found ("M.G. Schmidt" in
    "Annie M.G. Schmidt"), as whole words."""
    for famous in FAMOUS:
        at = lower.find(famous)
        while at >= 0:
            after = at + len(famous)
            whole = (at == 0 or not lower[at - 1].isalnum()) and (
                after == len(lower) or not lower[after].isalnum()
            )
            if whole and at < end and start < after:
                return True
            at = lower.find(famous, at + 1)
    return False


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _excluded(text: str, tokens: list[tuple[str, int, int]], i: int, end: int) -> bool:
    if _famous(text.lower(), tokens[i][1], tokens[end][2]):
        return True
    around = [
        t[0].lower().rstrip(".") for t in tokens[max(0, i - 2) : i] + tokens[end + 1 : end + 3]
    ]
    return any(w in _SCHOOL_WORDS or w.endswith("school") for w in around)


# Words that end a school's or a street's name, never a surname ("Jan Ligthartschool").
_NOT_SURNAME_ENDINGS = (
    "school",
    "college",
    "lyceum",
    "gymnasium",
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "singel",
    "kade",
    "dijk",
    "park",
    "markt",
)
# Capitalised words of school life that name lists contain (as rare names) but that, next to
# a name, almost always are ordinary words.
_NOT_NAMES = frozenset(
    "Laan Plein Sporthal Thema Verhuisd Woonachtig Bezoekadres "
    "Adres Groep Klas Les Toets School Gezin Familie Taxi Betaling Post Leerling Moeder Vader "
    "Mevrouw Meneer Juf Meester Docent Mentor Nieuw Nieuwe Oude Grote Kleine Dr Mr Ir "
    "Drs Prof".split()
)
# Titles that open a famous or a street's name ("Koning Willem", "Sint Jan"): never a given
# name, though several are common surnames (De Koning, De Graaf, Prins).
_TITLES = frozenset("Koning Koningin Prins Prinses Graaf Hertog Keizer Paus Heilige Sint".split())
# Capitalised words that follow a given name without being a surname ("Sanne Heeft" never
# occurs, but "Emma Groep 5", "Daan Rekenen" do in exports).
_COMMON_CAPITALISED = frozenset(
    "groep klas les toets rekenen taal lezen spelling begrijpend wereldoriëntatie engels "
    "nederlands wiskunde biologie geschiedenis aardrijkskunde gym muziek tekenen en of".split()
)
