"""Microsoft Presidio as a baseline for the Dutch value recognisers.

This is the peer that ``shared/PERFORMANCE.md`` compares against: Presidio's
``AnalyzerEngine`` with pattern recognisers only, and the Dutch recognisers that
Presidio does not ship added by hand, the way a fair, competent user would add them.
It is a benchmark helper, not part of the ``conformance`` package, and Presidio is
not a dependency of the project: the module imports without it, and
``available()`` says whether the baseline can run.

How it is built (``build_analyzer``)
------------------------------------
* NLP engine: no spaCy model is downloaded (Presidio's default engine would fetch
  ``en_core_web_lg``, and models come from a hub, not from PyPI). Instead a
  ``SpacyNlpEngine`` is given blank spaCy pipelines (``spacy.blank("nl")`` and
  ``spacy.blank("en")``: the rule-based tokenizer only) plus a one-line component that
  sets each token's lemma to its lower-cased text, so Presidio's
  ``LemmaContextAwareEnhancer`` can still raise scores on context words such as
  "bsn" or "telefoon". ``nlp="noop"`` uses Presidio's own ``NoOpNlpEngine`` instead
  (no tokens, no context words from the text; a little faster).
* Recognisers, each registered for "nl" and "en":

  =================  ================================================  ===============
  our type           Presidio recogniser                               entity
  =================  ================================================  ===============
  bsn                PatternRecognizer, 9 digits (or 4.2.3 / 3 3 3     NL_BSN
                     groups), 11-proef: sum of digits x (9..2, -1)
                     is 0 mod 11 (and not all zeros)
  onderwijsnummer    same patterns, 11-proef remainder 5               NL_ONDERWIJSNUMMER
  postcode           ``\\b[1-9][0-9]{3}\\s?[A-Z]{2}\\b``, case-sensitive   NL_POSTCODE
                     (Presidio's default IGNORECASE would take
                     "2019 en" for a postcode)
  phone              PatternRecognizer, NL/BE mobile and landline      PHONE_NUMBER
                     regexes with a digit-count check, plus Presidio's
                     PhoneRecognizer (python-phonenumbers) for NL, BE
  eckid              ``https://ketenid\\.nl/(201703|pilot)/[0-9a-f]{128}``  NL_ECK_ID
  iban               Presidio IbanRecognizer (regex + mod-97, offline)  IBAN_CODE
  email              Presidio EmailRecognizer; its ``tldextract`` check  EMAIL_ADDRESS
                     is pointed at the bundled suffix-list snapshot
  birthdate          Presidio DateRecognizer plus one Dutch pattern     DATE_TIME
                     ("3 maart 2012"); every date counts as birthdate
  =================  ================================================  ===============

What it cannot detect
---------------------
* ``name`` and ``address``: Presidio finds PERSON and LOCATION only through an NER
  model (spaCy ``nl_core_news_*``, stanza, transformers), and none can be downloaded
  here. They are mapped (PERSON -> name, LOCATION/ADDRESS -> address) but never
  produced; the baseline reports no names and no street addresses. Nothing is faked.
* Dates are not told apart: any date Presidio finds is reported as ``birthdate``.
* BSN and onderwijsnummer are told apart by the 11-proef alone, so about one random
  9-digit number in eleven passes as each; 8-digit BSNs (leading zero dropped) are missed.

Install (all from PyPI; no model download)::

    pip install presidio-analyzer

which pulls in spaCy, phonenumbers, tldextract, regex, pyyaml and their
dependencies (about 390 MB in a fresh venv). Nothing else is needed. Built and
checked with presidio-analyzer 2.2.366, spaCy 3.8.18, phonenumbers 9.0.43 and
tldextract 5.4.0 on Python 3.11: about 4,000 short values/s on one core.

Use::

    from bench import presidio_baseline as pb
    if pb.available():
        pb.detect(["BSN 111222333", "1234 AB"])
        # [[("bsn", 4, 13)], [("postcode", 0, 7)]]

``python bench/presidio_baseline.py`` runs a few sample strings and a throughput
measurement.
"""

# Presidio must stay optional, so every import of it (and of spaCy) is inside a function.
# ruff: noqa: PLC0415

from __future__ import annotations

import functools
import importlib.util
import re
from typing import Any

LANGUAGES = ("nl", "en")

# Presidio entity name -> our type name. Entities not listed are dropped.
ENTITY_TO_TYPE: dict[str, str] = {
    "NL_BSN": "bsn",
    "NL_ONDERWIJSNUMMER": "onderwijsnummer",
    "NL_ECK_ID": "eckid",
    "NL_POSTCODE": "postcode",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "IBAN_CODE": "iban",
    "DATE_TIME": "birthdate",
    # Only an NER model yields these; none is loaded, so they never occur.
    "PERSON": "name",
    "LOCATION": "address",
    "ADDRESS": "address",
}

_ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_NINE_DIGITS = (
    ("9 digits", r"\b[0-9]{9}\b"),
    ("9 digits, 4.2.3", r"\b[0-9]{4}[. ][0-9]{2}[. ][0-9]{3}\b"),
    ("9 digits, 3.3.3", r"\b[0-9]{3}[. ][0-9]{3}[. ][0-9]{3}\b"),
)
# Case-sensitive flags for patterns whose letters matter (Presidio's default adds IGNORECASE).
_CASE_FLAGS = re.DOTALL | re.MULTILINE

_PHONE_PATTERNS = (
    # NL mobile: 06-12345678, 06 1234 5678, +31 6 12345678, +31 (0)6 12345678, 0031612345678
    (
        "NL mobile",
        r"(?<![\w+])(?:(?:\+31|0031)[\s-]?(?:\(0\)[\s-]?)?|0)6[\s-]?[1-9](?:[\s-]?[0-9]){7}(?!\w)",
        0.6,
    ),
    # NL landline: 020-1234567, (010) 123 4567, 0318-123456, +31 20 123 4567
    (
        "NL landline",
        r"(?<![\w+])(?:(?:\+31|0031)[\s-]?(?:\(0\)[\s-]?)?|\(?0)[1-57-9][0-9]{1,2}\)?[\s-]?"
        r"[0-9]{2,3}[\s-]?[0-9]{2}[\s-]?[0-9]{2,3}(?!\w)",
        0.4,
    ),
    # BE mobile: 0470 12 34 56, +32 470 12 34 56, 0470/12.34.56
    (
        "BE mobile",
        r"(?<![\w+])(?:(?:\+32|0032)[\s-]?(?:\(0\)[\s-]?)?|0)4[0-9]{2}[\s./-]?"
        r"[0-9]{2}[\s./-]?[0-9]{2}[\s./-]?[0-9]{2}(?!\w)",
        0.6,
    ),
    # BE landline: 02 123 45 67, 09/123.45.67, +32 3 123 45 67
    (
        "BE landline",
        r"(?<![\w+])(?:(?:\+32|0032)[\s-]?(?:\(0\)[\s-]?)?|0)[1-35-9][0-9]?[\s./-]?"
        r"[0-9]{2,3}[\s./-]?[0-9]{2}[\s./-]?[0-9]{2}(?!\w)",
        0.4,
    ),
)

_DUTCH_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DUTCH_DATE = rf"\b(?:[1-9]|0[1-9]|[12][0-9]|3[01])\s(?:{_DUTCH_MONTHS})\.?\s[0-9]{{4}}\b"
_ECKID = r"https://ketenid\.nl/(201703|pilot)/[0-9a-f]{128}"
_POSTCODE = r"\b[1-9][0-9]{3}\s?[A-Z]{2}\b"


def available() -> bool:
    """Whether Presidio's analyzer (and spaCy, which it needs) can be imported."""
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("presidio_analyzer", "spacy", "tldextract")
        )
    except (ImportError, ValueError):
        return False


def elfproef_remainder(text: str) -> int | None:
    """The 11-proef sum mod 11 of a 9-digit number (dots and spaces ignored), else None."""
    digits = [int(ch) for ch in text if ch.isdigit()]
    if len(digits) != 9 or not any(digits):
        return None
    return sum(w * d for w, d in zip(_ELFPROEF_WEIGHTS, digits, strict=True)) % 11


def _phone_digits_ok(text: str) -> bool:
    """A national significant number of 8 or 9 digits (9 for a +31 number)."""
    text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("+"):
        country, nsn = digits[:2], digits[2:]
    elif digits.startswith("00"):
        country, nsn = digits[2:4], digits[4:]
    else:
        country, nsn = "", digits[1:]
    if country == "31":
        return len(nsn) == 9
    return len(nsn) in (8, 9)


def _nlp_engine(kind: str) -> Any:
    """An NLP engine that needs no downloaded model."""
    if kind == "noop":
        from presidio_analyzer.nlp_engine import NoOpNlpEngine

        engine = NoOpNlpEngine(
            models=[{"lang_code": lang, "model_name": "none"} for lang in LANGUAGES]
        )
        engine.load()
        return engine
    if kind != "blank":
        raise ValueError(f"unknown nlp kind {kind!r}: use 'blank' or 'noop'")

    import spacy
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from spacy.language import Language

    if "lower_lemma" not in Language.factories:

        @Language.component("lower_lemma")
        def lower_lemma(doc: Any) -> Any:
            for token in doc:
                token.lemma_ = token.lower_
            return doc

    engine = SpacyNlpEngine(
        models=[{"lang_code": lang, "model_name": f"blank:{lang}"} for lang in LANGUAGES]
    )
    pipelines = {}
    for lang in LANGUAGES:
        nlp = spacy.blank(lang)
        nlp.add_pipe("lower_lemma")
        pipelines[lang] = nlp
    # Set before AnalyzerEngine sees it: is_loaded() is then True and load(), which
    # would try to download a model, is never called.
    engine.nlp = pipelines
    return engine


def _recognizers(lang: str) -> list[Any]:
    """The recognisers for one language (Presidio binds each recogniser to one)."""
    import tldextract
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import (
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
    )

    class ElfproefRecognizer(PatternRecognizer):
        """9-digit numbers that pass the 11-proef with a given remainder."""

        def __init__(self, entity: str, remainder: int, context: list[str]) -> None:
            self.remainder = remainder
            super().__init__(
                supported_entity=entity,
                name=f"{entity.title()}Recognizer",
                patterns=[Pattern(name, regex, 0.3) for name, regex in _NINE_DIGITS],
                context=context,
                supported_language=lang,
            )

        def validate_result(self, pattern_text: str) -> bool:
            return elfproef_remainder(pattern_text) == self.remainder

    class DutchPhoneRecognizer(PatternRecognizer):
        """NL and BE phone numbers in their usual written forms."""

        def validate_result(self, pattern_text: str) -> bool | None:
            return None if _phone_digits_ok(pattern_text) else False

    # Snapshot only: the default extractor first tries to fetch the Public Suffix List.
    offline_tlds = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's EmailRecognizer, with its domain check kept offline."""

        def validate_result(self, pattern_text: str) -> bool:
            return offline_tlds(pattern_text).fqdn != ""

    date_patterns = [*DateRecognizer.PATTERNS, Pattern("d maand yyyy (nl)", _DUTCH_DATE, 0.6)]
    return [
        ElfproefRecognizer("NL_BSN", 0, ["bsn", "burgerservicenummer", "sofinummer"]),
        ElfproefRecognizer("NL_ONDERWIJSNUMMER", 5, ["onderwijsnummer"]),
        PatternRecognizer(
            supported_entity="NL_POSTCODE",
            name="NlPostcodeRecognizer",
            patterns=[Pattern("postcode", _POSTCODE, 0.4)],
            context=["postcode", "adres", "woonplaats"],
            supported_language=lang,
            global_regex_flags=_CASE_FLAGS,
        ),
        DutchPhoneRecognizer(
            supported_entity="PHONE_NUMBER",
            name="DutchPhoneRecognizer",
            patterns=[Pattern(name, regex, score) for name, regex, score in _PHONE_PATTERNS],
            context=["telefoon", "telefoonnummer", "tel", "mobiel", "gsm", "phone"],
            supported_language=lang,
        ),
        PhoneRecognizer(supported_language=lang, supported_regions=("NL", "BE")),
        PatternRecognizer(
            supported_entity="NL_ECK_ID",
            name="EckIdRecognizer",
            patterns=[Pattern("ECK iD", _ECKID, 0.9)],
            context=["eckid", "ketenid", "pseudoniem"],
            supported_language=lang,
        ),
        IbanRecognizer(supported_language=lang),
        OfflineEmailRecognizer(supported_language=lang),
        DateRecognizer(
            patterns=date_patterns,
            context=["datum", "geboortedatum", "geboren", "date", "birthday"],
            supported_language=lang,
        ),
    ]


def build_analyzer(nlp: str = "blank") -> Any:
    """A Presidio AnalyzerEngine for "nl" and "en" that needs no model download.

    ``nlp`` is "blank" (spaCy tokenizer, lower-cased lemmas, context words work)
    or "noop" (Presidio's NoOpNlpEngine).
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    for lang in LANGUAGES:
        for recognizer in _recognizers(lang):
            registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=_nlp_engine(nlp),
        supported_languages=list(LANGUAGES),
    )


@functools.cache
def _analyzer() -> Any:
    """The analyzer, built once per process."""
    return build_analyzer()


@functools.cache
def _batch_analyzer() -> Any:
    from presidio_analyzer import BatchAnalyzerEngine

    return BatchAnalyzerEngine(analyzer_engine=_analyzer())


def _to_spans(results: list[Any]) -> list[tuple[str, int, int]]:
    spans = {
        (ENTITY_TO_TYPE[r.entity_type], r.start, r.end)
        for r in results
        if r.entity_type in ENTITY_TO_TYPE
    }
    # Two recognisers of one type (the phone ones) may report nested spans: keep the outer.
    kept = [
        s
        for s in spans
        if not any(o != s and o[0] == s[0] and o[1] <= s[1] and s[2] <= o[2] for o in spans)
    ]
    return sorted(kept, key=lambda s: (s[1], s[2], s[0]))


def detect(values: list[str], language: str = "nl") -> list[list[tuple[str, int, int]]]:
    """For each value, the (type, start, end) spans Presidio finds, in our type names."""
    analyzer = _analyzer()
    # entities=None runs every registered recogniser: exactly the ones built above.
    return [_to_spans(analyzer.analyze(text=value, language=language)) for value in values]


def detect_batch(
    values: list[str], language: str = "nl", batch_size: int = 1000
) -> list[list[tuple[str, int, int]]]:
    """As ``detect``, through Presidio's BatchAnalyzerEngine (spaCy ``pipe``)."""
    results = _batch_analyzer().analyze_iterator(values, language=language, batch_size=batch_size)
    return [_to_spans(r) for r in results]


SAMPLES = (
    "BSN 111222333",
    "111222334",
    "onderwijsnummer 101010108",
    "Postcode 1234 AB Amsterdam",
    "Bel 06-12345678 of +32 470 12 34 56",
    "jan.devries@school.nl",
    "IBAN NL91ABNA0417164300",
    "https://ketenid.nl/201703/" + "0123456789abcdef" * 8,
    "geboren 12-03-2010, 3 maart 2012",
    "Jan de Vries, Kerkstraat 12",
)


def _throughput(n: int = 10_000) -> None:
    import time

    base = [
        "111222333",
        "1234 AB",
        "06-12345678",
        "j.jansen@school.nl",
        "NL91ABNA0417164300",
        "2010-03-12",
        "Jan de Vries",
        "Kerkstraat 12",
        "Amsterdam",
        "groep 7",
    ]
    values = [base[i % len(base)] for i in range(n)]
    size = sum(len(v.encode()) for v in values)
    detect(values[:10])  # warm up
    for label, fn in (("detect", detect), ("detect_batch", detect_batch)):
        start = time.perf_counter()
        fn(values)
        elapsed = time.perf_counter() - start
        print(
            f"{label}: {n} values ({size / 1e6:.2f} MB) in {elapsed:.2f} s: "
            f"{n / elapsed:,.0f} values/s, {size / elapsed / 1e6:.3f} MB/s"
        )


if __name__ == "__main__":
    if not available():
        raise SystemExit("Presidio is not installed: pip install presidio-analyzer")
    for sample, spans in zip(SAMPLES, detect(list(SAMPLES)), strict=True):
        shown = [(kind, sample[start:end]) for kind, start, end in spans]
        print(f"{sample[:60]!r}: {shown}")
    _throughput()
