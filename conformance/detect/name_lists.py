"""Word lists the name recogniser uses: tussenvoegsels, context words, famous people, the
Faker locales names are taken from, and the capitalised words of school life that are no name.

Kept apart from the logic in :mod:`conformance.detect.names` so reviewers can read and extend
the lists without reading the code.
"""

from __future__ import annotations

PARTICLES = frozenset(
    "van de der den het 't ter ten te in op aan uit la le du di da d' l' vanden vander".split()
)
# Forms of address and family words directly before a name: after these any capitalised word
# is a name ("juf Mahabier", "meester Tahiri", "fam. Ramlal").
TITLE_CONTEXT = frozenset(
    "juf juffrouw meester mevrouw mevr. mw. mw dhr. dhr meneer heer fam. fam familie gezin mr. "
    "mrs. ms. mr mrs ms".split()
)
CONTEXT = frozenset(
    "moeder vader ouder ouders leerling leerlinge mevrouw mevr. mw. mw dhr. dhr heer meneer juf "
    "juffrouw meester mr. mrs. ms. mr mrs ms mother father parent parents oma opa broer zus zoon "
    "dochter broertje zusje pupil student teacher docent mentor voogd pleegmoeder pleegvader "
    "stiefmoeder stiefvader tante oom met vriend vriendje vriendin "
    "vriendinnetje klasgenoot klasgenote buurjongen buurmeisje neef nicht leerplichtambtenaar "
    "klassenouder contactpersoon schoolarts jeugdarts logopedist rt'er ib'er begeleider "
    "wijkagent door aan".split()
)
# A context word that alone is too common ("met") only counts before a known name.
WEAK_CONTEXT = frozenset({"met", "door", "aan"})
NAME_CONTEXT = CONTEXT | TITLE_CONTEXT
SCHOOL_WORDS = frozenset(
    "school basisschool scholengemeenschap college lyceum gymnasium academie atheneum "
    "kindcentrum ikc obs cbs rkbs pcbs sbo vso so csg montessorischool daltonschool "
    "jenaplanschool vrijeschool stichting".split()
)
# Words that begin an organisation's name, never a person's ("Uitgeverij Zwijsen", "Stichting
# Jansen"); beside a name they say nothing ("Sanne Jansen bibliotheek boete").
ORGANISATION_STARTS = SCHOOL_WORDS | frozenset(
    "uitgeverij uitgevers publisher publishers bibliotheek museum vereniging".split()
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
    "|max verstappen|fanny blankers-koen|dik trom|pippi langkous|karel v"
    "|kaatje en kaatje|aap noot mies|matthew, mark, luke|máxima|amalia|sint-nicolaas"
    "|filips ii|maurits van nassau|frederik hendrik|koningin juliana|koningin wilhelmina"
    "|koningin beatrix|koningin maxima|koningin máxima|prinses amalia|koningin emma"
    "|erasmus|spinoza|multatuli|thorbecke|sinterklaas|jan klaassen|kees de jongen"
    "|max havelaar|willem barentsz|nova zembla|joost van den vondel|gijsbrecht van aemstel"
    "|peter paul rubens|jacques brel|eddy merckx|toon hermans|astrid lindgren|stijn streuvels"
    "|guido gezelle|hendrik conscience|simon stevin|gerardus mercator|theo thijssen"
    "|paul van loon|herman gorter|lodewijk napoleon|guido de brès|jan ligthart|willem de zwijger"
    "|johannes calvijn|jac. p. thijsse|koning willem|koningin"
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
# Famous pairs of given names (stories, cartoons, the royal family, companies), as a list of
# names joins them, either way round: "Romeo and Juliet", "Tom & Jerry", "Eva en Adam",
# "Anna, Elsa en Olaf".
_FAMOUS_PAIRS = (
    "romeo juliet|romeo julia|hans grietje|hansel gretel|max moritz|bert ernie|tom jerry"
    "|adam eva|adam eve|jack jill|sam moos|ot sien|jip janneke|anna elsa|elsa olaf"
    "|maria jozef|harry ron|ron hermione|máxima amalia|simon schuster"
    "|johnson johnson|marks spencer"
).split("|")
FAMOUS += list(
    dict.fromkeys(
        f"{first}{joint}{second}"
        for one, other in map(str.split, _FAMOUS_PAIRS)
        for first, second in ((one, other), (other, one))
        for joint in (" en ", " and ", " & ", ", ")
    )
)


# Faker locales whose names Dutch and Flemish classrooms carry: Dutch, Flemish and the largest
# communities of other origin (Turkish, Moroccan and Arabic, Surinamese and Indian, Indonesian,
# Polish, German, French, English, Spanish, Italian, Portuguese, Nigerian, Ukrainian).
LOCALES = (
    "nl_NL nl_BE fr_BE tr_TR ar_AA fr_DZ en_IN id_ID pl_PL de_DE fr_FR en_GB en_US es_ES it_IT "
    "pt_PT pt_BR en_NG ig_NG yo_NG ro_RO hr_HR"
).split()
# Surnames believed after a given name the lists lack: those of the Low Countries and the
# largest communities of other origin only. Other languages' surnames are too often ordinary
# words ("France", "Golden", "Haag") to stand without a known given name before them.
CORE_LOCALES = frozenset({"nl_NL", "nl_BE", "tr_TR", "ar_AA", "fr_DZ"})


# Words that end a school's or a street's name, never a surname ("Jan Ligthartschool").
NOT_SURNAME_ENDINGS = (
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
NOT_NAMES = frozenset(
    "Laan Plein Sporthal Thema Verhuisd Woonachtig Bezoekadres "
    "Adres Groep Klas Les Toets School Gezin Familie Taxi Betaling Post Leerling Moeder Vader "
    "Mevrouw Meneer Juf Meester Docent Mentor Nieuw Nieuwe Oude Grote Kleine Dr Mr Ir "
    "Drs Prof".split()
)
# Written as initials are, dots left out: a company's legal form after its name ("Jansen,
# B.V.", "Bakker, U.A."), and common abbreviations, provinces, school types and carriers after
# a word that is no surname ("Opmerking, N.B.;", "Amsterdam, N.H.;", "Fase, H.A.V.O.;").
LEGAL_FORMS = frozenset("BV NV CV VOF UA BA".split())
LETTER_ABBREVIATIONS = LEGAL_FORMS | frozenset(
    "NB OK AUB SVP TAV IVM IPV DWZ MBT ZSM EV EA ENZ ED BVD PS NH ZH NL BE DHL HAVO VWO VMBO "
    "MAVO KB BB GL TL CD DVD".split()
)
# Given names that are as often words: colours, flowers, stones, months, seasons, virtues
# ("Kleuren: Roos, Jade"): alone in a list they are not taken for names.
WORDLIKE_GIVEN_NAMES = frozenset(
    "Roos Iris Jade Amber Merel Fleur Lelie Lotus Storm Hazel April Mei Juni Juli Augustus "
    "Sterre Ster Zon Maan Parel Robijn Saffier Olijf Lente Zomer Winter Herfst Hoop Liefde Vrede "
    "Rose Lily Daisy Ivy Holly Grace Hope Faith Joy May June Dawn Summer Autumn Crystal Ruby "
    "Pearl Jasmine Violet Olive Rosa Flora Dahlia Esmee Bloem Sky Sunny Honey Coco Kiki Mees "
    "Vink Valk Dean Frans Duits Engels China India Jordan Chad Georgia Paris Alfa Bravo "
    "Charlie Delta Echo Golf Hotel Juliett Juliet Kilo Lima Mike Oscar Papa Romeo Sierra Tango "
    "Victor Whiskey Yankee Zulu".split()
)
# Titles that open a famous or a street's name ("Koning Willem", "Sint Jan"): never a given
# name, though several are common surnames (De Koning, De Graaf, Prins).
TITLES = frozenset("Koning Koningin Prins Prinses Graaf Hertog Keizer Paus Heilige Sint".split())
# Capitalised words that follow a given name without being a surname ("Sanne Heeft" never
# occurs, but "Emma Groep 5", "Daan Rekenen" do in exports).
COMMON_CAPITALISED = frozenset(
    "groep klas les toets rekenen taal lezen spelling begrijpend wereldoriëntatie engels "
    "nederlands wiskunde biologie geschiedenis aardrijkskunde gym muziek tekenen en of "
    "januari februari maart april mei juni juli augustus september oktober november december "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split()
)
