"""The HTML report: the school's page, the supplier's details, the certifier's dossier, in Dutch
and English; self-contained, accessible, printable; and rendered by a real headless Chromium."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import struct
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
import pytest

from conformance import __version__, engine
from conformance.model.report import (
    Certification,
    Report,
    RequirementResult,
    Signature,
    WaiverRecord,
)
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.profiles import load_profile, shipped_profiles
from conformance.reporters import html, html_text

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "sample-supplier" / "uwlr-smalle-set.xml"
# Fails NAW-001 (names and BSN under purpose pseudoniem), and with it MIN-001 and LNK-002.
NAMES_BSN = ROOT / "fixtures" / "NAW-001" / "fail_uwlr_pseudoniem_names_bsn.xml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _check(profile: str, purpose: str, path: Path) -> Report:
    request = engine.RunRequest(profile=load_profile(profile), purpose=purpose, inputs=(path,))
    return engine.run(request)


@pytest.fixture(scope="module")
def passing() -> Report:
    return _check("uwlr-2.2", "smalle-set", SAMPLE)


@pytest.fixture(scope="module")
def failing() -> Report:
    return _check("uwlr-2.2", "pseudoniem", NAMES_BSN)


def _page(report: Report, lang: str = "nl") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html.render(report, lang))


_BLOCKS = {"p", "li", "div", "section", "header", "footer", "nav", "br", "caption", "td", "th"}
_BLOCKS |= {"h1", "h2", "h3", "ul", "table", "tr"}


def _words(element: lxml.html.HtmlElement) -> str:
    """An element's visible text as a reader sees it: blocks apart, whitespace collapsed."""
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        gap = " " if node.tag in _BLOCKS else ""
        parts.append(gap + (node.text or ""))
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        parts.append(gap)

    walk(element)
    return " ".join("".join(parts).split())


def _text(doc: lxml.html.HtmlElement, ident: str) -> str:
    return _words(doc.get_element_by_id(ident))


def _rows(table: lxml.html.HtmlElement) -> list[list[str]]:
    return [[_words(cell) for cell in row] for row in table.xpath("./tbody/tr")]


def _result(report: Report, rid: str) -> RequirementResult:
    return next(r for r in report.requirements if r.id == rid)


def _replace_result(report: Report, rid: str, **changes: object) -> Report:
    requirements = tuple(replace(r, **changes) if r.id == rid else r for r in report.requirements)
    return replace(report, requirements=requirements)


def _examined(report: Report) -> int:
    return sum(r.verdict is not Verdict.NOT_APPLICABLE for r in report.requirements)


def _waived(report: Report) -> Report:
    """MIN-001's findings all covered by an applied waiver, as the waivers module leaves it."""
    result = _result(report, "MIN-001")
    waived = _replace_result(
        report, "MIN-001", verdict=Verdict.WAIVED, findings=(), waived=result.findings
    )
    record = WaiverRecord(
        requirement="MIN-001",
        scope="fail_uwlr_*.xml",
        justification="Namen staan in het contract tot eind 2026",
        owner="privacy@leverancier.example",
        expires="2026-12-31",
        approved_by="Certificeerder X",
        status="applied",
        waived=len(result.findings),
    )
    return replace(waived, waivers=(record,))


# ---- language -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "EN", "", "nl-NL"])
def test_an_unknown_language_is_a_value_error(passing: Report, lang: str) -> None:
    with pytest.raises(ValueError, match="unknown report language"):
        html.render(passing, lang)


def test_dutch_is_the_default_and_the_lang_attribute_follows(passing: Report) -> None:
    assert html.render(passing) == html.render(passing, "nl")
    assert _page(passing).get("lang") == "nl"
    assert _page(passing, "en").get("lang") == "en"
    assert html.render(passing, "en") != html.render(passing, "nl")


# ---- part 1: the school -------------------------------------------------------------------------


def test_a_pass_says_so_in_plain_words_and_says_how_much_it_covers(passing: Report) -> None:
    examined, total = _examined(passing), len(passing.requirements)
    assert passing.verdict is Verdict.PASS
    assert 0 < examined < total / 2  # exports say nothing about storage and live APIs
    nl, en = _page(passing), _page(passing, "en")
    assert _words(nl.find_class("word")[0]) == "✔ VOLDOET"
    assert _text(nl, "verdict-sentence") == (
        "Dit product voldoet aan de privacyeisen voor de Smalle set (UWLR 2.2)."
    )
    assert _text(nl, "scope") == (
        f"Gecontroleerd: {examined} van de {total} eisen. Niet gecontroleerd, omdat deze "
        f"gegevens er geen bewijs voor bevatten: {total - examined}; daarover zegt dit oordeel "
        "niets."
    )
    assert _text(nl, "caveat") == (
        "Let op: de meeste eisen zijn niet gecontroleerd. Dit oordeel geldt alleen voor de eisen "
        "die wel zijn gecontroleerd."
    )
    assert _words(en.find_class("word")[0]) == "✔ CONFORMANT"
    assert _text(en, "verdict-sentence") == (
        "This product meets the privacy requirements for the Smalle set (narrow set) (UWLR 2.2)."
    )
    assert _text(en, "caveat").startswith("Note: most requirements were not examined.")
    assert nl.get_element_by_id("failing", None) is None


def test_the_caveat_goes_when_most_requirements_were_examined(passing: Report) -> None:
    everything = replace(
        passing,
        requirements=tuple(
            replace(r, verdict=Verdict.PASS, examined=1) for r in passing.requirements
        ),
    )
    doc = _page(everything)
    assert _text(doc, "scope") == f"Gecontroleerd: alle {len(passing.requirements)} eisen."
    assert doc.get_element_by_id("caveat", None) is None
    assert doc.get_element_by_id("unexamined", None) is None
    assert "Wat is niet gecontroleerd? Alle eisen zijn gecontroleerd." in _text(doc, "school")


def test_the_school_page_says_what_data_for_what_and_under_which_pseudonym(
    passing: Report,
) -> None:
    doc = _page(passing)
    assert _text(doc, "data") == (
        "Per leerling: het ECK iD, een interne sleutel van de school, de naam (achternaam, "
        "voorvoegsel, roepnaam), de geboortedatum en de groep. Per leraar: het ECK iD, de naam, "
        "het e-mailadres en de groepen."
    )
    assert _text(doc, "why") == (
        "Om leerlingen en leraren toegang te geven tot een digitaal leermiddel en hen in de "
        "juiste groep te plaatsen."
    )
    assert _text(doc, "pseudonym").startswith(
        "Buiten de school mag een leerling alleen bekend zijn onder het ECK iD"
    )
    assert _text(doc, "pseudonym-status") == (
        "Gecontroleerd: elke leerling en leraar in de gegevens heeft een geldig en uniek ECK iD."
    )
    (info,) = passing.inputs
    assert _text(doc, "examined") == f"{SAMPLE} — export, {info.records} records"
    assert _text(_page(passing, "en"), "pseudonym-status") == (
        "Examined: every pupil and teacher in the data has a valid and unique ECK iD."
    )


def test_a_broken_pseudonym_is_not_called_valid(passing: Report) -> None:
    broken = _replace_result(passing, "PSN-002", verdict=Verdict.FAIL)
    assert _text(_page(broken), "pseudonym-status") == (
        "Het ECK iD is niet in orde; zie hieronder wat niet voldoet."
    )
    unexamined = _replace_result(passing, "PSN-003", verdict=Verdict.NOT_APPLICABLE)
    assert _text(_page(unexamined), "pseudonym-status") == (
        "Het ECK iD is in dit onderzoek niet (volledig) gecontroleerd."
    )


def test_an_unknown_purpose_falls_back_and_a_named_dossier_promises_no_pseudonym(
    passing: Report,
) -> None:
    custom = replace(passing, profile=replace(passing.profile, purpose="maatwerk"))
    doc = _page(custom)
    assert _text(doc, "verdict-sentence") == (
        "Dit product voldoet aan de privacyeisen voor het doel 'maatwerk' (UWLR 2.2)."
    )
    assert _text(doc, "data").startswith(
        "De gegevens die het doel 'maatwerk' van profiel uwlr-2.2 toestaat."
    )
    oso = replace(passing, profile=replace(passing.profile, id="oso-2019.1", purpose="overstap"))
    assert _text(_page(oso), "pseudonym").startswith(
        "Deze gegevens worden bewust niet onder pseudoniem uitgewisseld"
    )
    assert _page(oso).get_element_by_id("pseudonym-status", None) is None


def test_a_failure_lists_one_plain_sentence_per_failing_requirement(failing: Report) -> None:
    failed = {r.id for r in failing.requirements if r.verdict is Verdict.FAIL}
    assert failed == {"NAW-001", "MIN-001", "LNK-002"}
    nl, en = _page(failing), _page(failing, "en")
    assert _words(nl.find_class("word")[0]) == "✘ VOLDOET NIET"
    assert _text(nl, "verdict-sentence") == (
        "Dit product voldoet niet aan de privacyeisen voor uitwisseling onder pseudoniem "
        "(UWLR 2.2)."
    )
    items = [_words(li) for li in nl.get_element_by_id("failing")]
    assert items == [
        "Direct identificerend veld (NAW-001): Het product ontvangt gegevens waaraan een leerling "
        "direct te herkennen is (zoals naam, adres of BSN), terwijl dat voor dit doel niet mag.",
        "Veld niet toegestaan voor dit doel (MIN-001): Het product ontvangt gegevens die voor dit "
        "doel niet nodig zijn.",
        "Sleutellijst aanwezig (LNK-002): De gegevens zetten het pseudoniem naast naam of nummer; "
        "samen vormen ze een sleutellijst.",
    ]
    assert _words(en.find_class("word")[0]) == "✘ NOT CONFORMANT"
    assert _words(en.get_element_by_id("failing")[0]) == (
        "Identifying field (NAW-001): The product receives data that identifies a pupil directly "
        "(such as name, address or BSN) where this purpose does not allow it."
    )


def test_the_verdict_never_over_claims(passing: Report) -> None:
    nothing = replace(
        passing,
        verdict=Verdict.PASS,  # forged: a report that examined nothing must still not read pass
        requirements=tuple(
            replace(r, verdict=Verdict.NOT_APPLICABLE, examined=0) for r in passing.requirements
        ),
    )
    doc = _page(nothing)
    assert _words(doc.find_class("word")[0]) == "! GEEN OORDEEL"
    assert _text(doc, "verdict-sentence") == (
        "Er is geen oordeel over de Smalle set (UWLR 2.2): met deze gegevens kon geen enkele eis "
        "worden gecontroleerd. Dat betekent niet dat het product voldoet."
    )
    assert "voldoet aan" not in _text(doc, "school")
    contradicted = _replace_result(passing, "NAW-002", verdict=Verdict.FAIL)
    assert _words(_page(contradicted).find_class("word")[0]) == "✘ VOLDOET NIET"


def test_a_crashed_check_gives_no_verdict(passing: Report) -> None:
    crashed = replace(
        _replace_result(passing, "NAW-001", verdict=Verdict.ERROR, reason="KeyError: 'x'"),
        verdict=Verdict.ERROR,
    )
    doc, en = _page(crashed), _page(crashed, "en")
    assert _words(doc.find_class("word")[0]) == "! GEEN OORDEEL"
    assert _text(doc, "verdict-sentence") == (
        "Er is geen oordeel over de Smalle set (UWLR 2.2): 1 controle(s) konden niet worden "
        "uitgevoerd. Dat betekent niet dat het product voldoet."
    )
    assert _text(doc, "failing") == (
        "Direct identificerend veld (NAW-001): deze controle kon niet worden uitgevoerd, dus "
        "hierover is geen oordeel."
    )
    assert _words(en.find_class("word")[0]) == "! NO VERDICT"
    assert "Reden: KeyError: 'x'" in _text(doc, "req-NAW-001")


def test_not_for_certification_banner_with_reasons(passing: Report) -> None:
    reasons = ("a development build (0.1.0.dev3)", "a draft run (--draft)")
    draft = replace(passing, certification=Certification(eligible=False, reasons=reasons))
    assert _text(_page(draft), "banner") == (
        "NIET VOOR CERTIFICERING Dit rapport mag niet worden gebruikt voor certificering, omdat: "
        "a development build (0.1.0.dev3) a draft run (--draft)"
    )
    assert _text(_page(draft, "en"), "banner") == (
        "NOT FOR CERTIFICATION This report may not be used for certification, because: "
        "a development build (0.1.0.dev3) a draft run (--draft)"
    )
    # the banner is on the first page: before part 1 ends, before part 2 begins
    text = _words(_page(draft))
    assert text.index("NIET VOOR CERTIFICERING") < text.index("Deel 2 — Voor de leverancier")
    eligible = replace(passing, certification=Certification(eligible=True))
    for report, expected in (
        (eligible, "geschikt voor certificering"),
        (passing, "geen certificeringsrun (conformance check)"),
    ):
        doc = _page(report)
        assert doc.get_element_by_id("banner", None) is None
        assert _rows(doc.get_element_by_id("facts"))[-1] == ["Certificering", expected]


def test_waivers_are_named_on_the_school_page(failing: Report) -> None:
    assert _text(_page(_waived(failing)), "waived-note") == (
        "Voor 1 eis(en) geldt een ontheffing: Veld niet toegestaan voor dit doel (MIN-001). De "
        "afspraken staan in deel 3."
    )


# ---- part 2: the supplier -----------------------------------------------------------------------


def test_findings_show_location_redacted_evidence_and_the_dutch_fix(failing: Report) -> None:
    result = _result(failing, "NAW-001")
    doc = _page(failing)
    block = doc.get_element_by_id("req-NAW-001")
    assert _words(block.xpath(".//h3")[0]) == "NAW-001 Direct identificerend veld — ✘ voldoet niet"
    (table,) = block.xpath(".//table")
    assert _words(table.xpath("./caption")[0]) == "Bevindingen bij NAW-001"
    rows = _rows(table)
    assert len(rows) == len(result.findings) == 7
    first = result.findings[0]
    assert rows[0] == [
        f"{NAMES_BSN}:28 {first.location.path}",
        first.message,
        "B***",
        "4",
        "hoog",
    ]
    assert (
        first.location.path == "/leerlinggegevens_antwoord/leerlinggegevens/leerlingen/leerling[1]"
    )
    assert [row[2] for row in rows] == [f.evidence or "—" for f in result.findings]
    assert _words(block.find_class("fix")[0]) == (
        "Oplossing: " + html_text.REQUIREMENTS["NAW-001"].fix_nl
    )
    assert "Fix:" not in _words(doc)


def test_the_english_fix_comes_from_the_report(failing: Report) -> None:
    with_fix = _replace_result(failing, "NAW-001", fix="Remove the field from the export.")
    block = _page(with_fix, "en").get_element_by_id("req-NAW-001")
    assert _words(block.find_class("fix")[0]) == "Fix: Remove the field from the export."
    without = _replace_result(failing, "NAW-001", fix=None)
    block = _page(without, "en").get_element_by_id("req-NAW-001")
    assert _words(block.find_class("fix")[0]) == (
        "Fix: This report carries no fix for this requirement; see `conformance explain NAW-001`."
    )


def test_dutch_falls_back_to_the_english_fix_only_when_missing(
    failing: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(html_text.REQUIREMENTS, "NAW-001")
    with_fix = _replace_result(failing, "NAW-001", fix="Remove the field from the export.")
    block = _page(with_fix).get_element_by_id("req-NAW-001")
    assert _words(block.find_class("fix")[0]) == "Oplossing: Remove the field from the export."


def test_waived_findings_are_marked_and_the_waiver_is_in_the_dossier(failing: Report) -> None:
    report = _waived(failing)
    result = _result(report, "MIN-001")
    doc, en = _page(report), _page(report, "en")
    block = doc.get_element_by_id("req-MIN-001")
    assert _words(block.xpath(".//h3")[0]) == (
        "MIN-001 Veld niet toegestaan voor dit doel — ~ ontheffing"
    )
    (table,) = block.xpath(".//table")
    assert _words(table.xpath("./caption")[0]) == (
        "Onder ontheffing bij MIN-001 (telt niet mee voor het oordeel)"
    )
    rows = _rows(table)
    assert len(rows) == len(result.waived) == 7
    assert {row[-1] for row in rows} == {"~ ontheffing"}
    assert "Daarvan onder ontheffing: 7." in _words(block)
    assert "geteld maar niet afzonderlijk" not in _words(block)  # waived ones are listed
    waivers = doc.get_element_by_id("waivers").xpath(".//table")[0]
    assert _rows(waivers) == [
        [
            "MIN-001",
            "fail_uwlr_*.xml",
            "Namen staan in het contract tot eind 2026",
            "privacy@leverancier.example",
            "2026-12-31",
            "Certificeerder X",
            "toegepast",
            "7",
        ]
    ]
    assert _rows(en.get_element_by_id("waivers").xpath(".//table")[0])[0][6] == "applied"
    unapproved = replace(report, waivers=(replace(report.waivers[0], approved_by=None),))
    row = _rows(_page(unapproved).get_element_by_id("waivers").xpath(".//table")[0])[0]
    assert row[5] == "niet goedgekeurd"
    assert _text(_page(failing), "waivers") == "Geen ontheffingen."


def test_findings_beyond_the_cap_are_counted(failing: Report) -> None:
    capped = _replace_result(failing, "LNK-002", finding_count=1203)
    block = _page(capped).get_element_by_id("req-LNK-002")
    shown = len(_result(failing, "LNK-002").findings)
    assert f"Nog {1203 - shown:,} bevinding(en) zijn geteld".replace(",", ".") in _words(block)


def test_the_overview_lists_every_requirement_with_its_verdict_in_words(failing: Report) -> None:
    doc = _page(failing)
    (table,) = doc.xpath('//table[@class="overview"]')
    rows = _rows(table)
    assert [row[0] for row in rows] == list(CATALOGUE)
    by_id = {row[0]: row for row in rows}
    assert by_id["NAW-001"][2] == "✘ voldoet niet"
    assert by_id["PSN-001"][2] == "✔ voldoet"
    assert by_id["API-003"][2] == "– niet gecontroleerd"
    assert by_id["API-003"][5] == _result(failing, "API-003").reason


# ---- part 3: the certifier ----------------------------------------------------------------------


def test_the_dossier_has_the_hashes_versions_and_reproduce_command(failing: Report) -> None:
    report = replace(failing, seed=20240917, command="conformance probe --config probe.toml")
    doc = _page(report)
    facts = dict(_rows(doc.get_element_by_id("facts")))
    assert facts["Versie van conformance"] == __version__
    assert facts["Gemaakt op (UTC)"] == report.generated_at
    assert facts["Omgeving"] == "production"
    assert facts["Oordeel (JSON)"] == "fail"
    profile = dict(_rows(doc.get_element_by_id("profile")))
    assert profile == {
        "Id": "uwlr-2.2",
        "Versie": report.profile.version,
        "Doel": "pseudoniem — uitwisseling onder pseudoniem (UWLR 2.2)",
        "SHA-256": report.profile.sha256,
        "Bron": "shipped:uwlr-2.2",
    }
    assert re.fullmatch(r"[0-9a-f]{64}", report.profile.sha256)
    (inputs,) = doc.xpath('//table[@class="inputs"]')
    digest = hashlib.sha256(NAMES_BSN.read_bytes()).hexdigest()
    assert _rows(inputs) == [[str(NAMES_BSN), "export", "xml", "5", digest]]
    reproduce = dict(_rows(doc.get_element_by_id("reproduce")))
    assert reproduce == {"Seed": "20240917", "Opdracht": "conformance probe --config probe.toml"}


def test_subject_appears_in_the_title_and_the_dossier(passing: Report) -> None:
    subject = {"supplier": "Voorbeeld BV", "product": "RekenRoute", "version": "4.2"}
    doc = _page(replace(passing, subject=subject))
    assert _words(doc.xpath("//h1")[0]) == "Privacyrapport: RekenRoute 4.2 (Voorbeeld BV)"
    facts = dict(_rows(doc.get_element_by_id("facts")))
    assert (facts["Leverancier"], facts["Product"], facts["Productversie"]) == (
        "Voorbeeld BV",
        "RekenRoute",
        "4.2",
    )


def test_signature_or_unsigned(passing: Report) -> None:
    signature = Signature(
        algorithm="Ed25519",
        key_fingerprint="3b" * 32,
        public_key="MCowBQYDK2VwAyEA" + "A" * 28,
        value="c2lnbmF0dXJl" * 7,
    )
    signed = replace(passing, signature=signature)
    doc, en = _page(signed), _page(signed, "en")
    assert _rows(doc.get_element_by_id("signature")) == [
        ["Algoritme", "Ed25519"],
        ["Vingerafdruk van de sleutel (SHA-256)", "3b" * 32],
        ["Publieke sleutel (base64)", signature.public_key],
    ]
    assert _text(doc, "signature-status") == (
        "ondertekend — controleer met conformance verify REPORT.json --key KEY"
    )
    assert _text(en, "signature-status") == (
        "signed — verify with conformance verify REPORT.json --key KEY"
    )
    assert _text(_page(passing), "signature-status") == "niet ondertekend"
    assert _text(_page(passing, "en"), "signature-status") == "unsigned"
    assert _page(passing).get_element_by_id("signature", None) is None


# ---- the page as a whole ------------------------------------------------------------------------


def _variants(passing: Report, failing: Report) -> list[Report]:
    draft = Certification(eligible=False, reasons=("a draft run (--draft)",))
    signature = Signature("Ed25519", "ab" * 32, "QUJD", "REVG")
    return [passing, replace(_waived(failing), certification=draft, signature=signature)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_page_is_self_contained(passing: Report, failing: Report, lang: str) -> None:
    for report in _variants(passing, failing):
        doc = _page(report, lang)
        ids = {el.get("id") for el in doc.iter() if el.get("id")}
        assert not doc.xpath("//link | //script | //img | //iframe | //object | //embed | //base")
        for element in doc.iter():
            for attribute in ("src", "srcset", "href", "action", "formaction", "data", "poster"):
                value = element.get(attribute)
                if value is not None:
                    assert value.startswith("#"), f"{element.tag} {attribute}={value}"
                    assert value[1:] in ids, f"{value} points at nothing on the page"
        style = "".join(s.text_content() for s in doc.xpath("//style"))
        assert "url(" not in style
        assert "@import" not in style


def test_everything_from_the_report_is_escaped(failing: Report) -> None:
    hostile = "<script>alert('x')</script>"
    finding = _result(failing, "NAW-001").findings[0]
    report = replace(
        _replace_result(
            failing,
            "NAW-001",
            findings=(replace(finding, message=f"<img src=x onerror=alert(1)> & {hostile}"),),
        ),
        subject={"product": hostile, "supplier": "A & B <i>"},
    )
    page = html.render(report)
    doc = lxml.html.document_fromstring(page)
    assert not doc.xpath("//script | //img | //i")
    assert _words(doc.xpath("//h1")[0]) == f"Privacyrapport: {hostile} (A & B <i>)"
    assert "&lt;script&gt;" in page.decode()
    rows = _rows(doc.get_element_by_id("req-NAW-001").xpath(".//table")[0])
    assert rows[0][1] == f"<img src=x onerror=alert(1)> & {hostile}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_page_is_accessible(passing: Report, failing: Report, lang: str) -> None:
    for report in _variants(passing, failing):
        doc = _page(report, lang)
        assert doc.get("lang") == lang
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1
        assert levels.count(1) == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
        headers = doc.xpath("//th")
        assert headers
        assert {th.get("scope") for th in headers} <= {"col", "row"}
        # the verdict is in words, not only in the colour of the box
        word = _words(doc.find_class("word")[0])
        assert word.split(" ", 1)[1] in {html_text.UI[lang][k] for k in ("word_pass", "word_fail")}


def test_the_page_prints_on_a4_with_a_page_per_audience(passing: Report) -> None:
    doc = _page(passing)
    style = " ".join(doc.xpath("//style")[0].text_content().split())
    assert "@page{size:A4;" in style
    print_rules = style[style.index("@media print{") :]
    assert "#supplier,#dossier{break-before:page;page-break-before:always}" in print_rules
    assert [s.get("id") for s in doc.xpath("//section[not(@class)]")] == [
        "school",
        "supplier",
        "dossier",
    ]


# ---- the texts ----------------------------------------------------------------------------------


def test_every_requirement_has_texts_in_both_languages() -> None:
    assert set(html_text.REQUIREMENTS) == set(CATALOGUE)
    for rid, text in html_text.REQUIREMENTS.items():
        assert text.plain_nl.strip(), rid
        assert text.plain_en.strip(), rid
        assert text.fix_nl.strip(), rid
        assert text.plain_nl != text.plain_en, rid


def test_both_languages_have_the_same_words_and_no_markup() -> None:
    tables = [html_text.UI, html_text.INPUT_KIND, html_text.WAIVER_STATUS, html_text.SEVERITY]
    for table in [*tables, html_text.VERDICT_WORD]:
        assert set(table) == set(html_text.LANGUAGES)
        assert set(table["nl"]) == set(table["en"])
    texts = [v for table in tables for words in table.values() for v in words.values()]
    for purpose in [*html_text.PURPOSES.values(), html_text.PURPOSE_FALLBACK]:
        for entry in (purpose.name, purpose.data, purpose.why):
            assert set(entry) == set(html_text.LANGUAGES)
            texts += entry.values()
    for text in html_text.REQUIREMENTS.values():
        texts += [text.plain_nl, text.plain_en, text.fix_nl]
    assert not [t for t in texts if "<" in t or ">" in t]


def test_every_shipped_purpose_has_a_plain_description() -> None:
    for profile in shipped_profiles():
        assert profile.id in html_text.PROFILE_NAME, profile.id
        for purpose in profile.purposes:
            assert purpose in html_text.PURPOSES, f"{profile.id}: {purpose}"


# ---- a real browser -----------------------------------------------------------------------------


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is absent (Debian's chromium package renders the HTML report)"
    if os.environ.get("CONFORMANCE_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{reason}, and CONFORMANCE_REQUIRE_CHROMIUM=1")
    pytest.skip(reason)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chromium_renders_and_prints_the_page(failing: Report, tmp_path: Path) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only where Chromium is)

    report = replace(
        _waived(failing),
        certification=Certification(eligible=False, reasons=("a draft run (--draft)",)),
    )
    pages = {}
    for lang in ("nl", "en"):
        pages[lang] = tmp_path / f"report-{lang}.html"
        pages[lang].write_bytes(html.render(report, lang))
    expected = {
        "nl": "Dit product voldoet niet aan de privacyeisen voor uitwisseling onder pseudoniem",
        "en": "This product does not meet the privacy requirements for pseudonymous exchange",
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for lang, path in pages.items():
                _render_in_browser(browser, path, expected[lang], tmp_path / lang)
        finally:
            browser.close()


def _render_in_browser(browser: Browser, path: Path, sentence: str, out: Path) -> None:
    """Open the page from disk; no error, no request beyond the file itself; visible, captured
    and printed."""
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    problems: list[str] = []

    def outside(request: Request) -> None:
        if request.url != path.as_uri():
            problems.append(f"request {request.url}")

    page.on("console", lambda m: problems.append(f"console {m.text}") if m.type == "error" else 0)
    page.on("pageerror", lambda e: problems.append(f"page error {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed {r.url}"))
    page.on("request", outside)
    page.goto(path.as_uri(), wait_until="load")
    assert page.get_by_text(sentence).is_visible()
    lang = page.evaluate("document.documentElement.lang")
    assert page.get_by_text(html_text.UI[lang]["banner_title"]).is_visible()
    shot = out.with_suffix(".png")
    page.screenshot(path=str(shot), full_page=True)
    width, height = _png_size(shot.read_bytes())
    assert width >= 1000
    assert height > 2000  # three parts, not a blank or cut-off page
    assert shot.stat().st_size > 50_000
    page.emulate_media(media="print")
    breaks = page.evaluate(
        "['supplier', 'dossier'].map(i => getComputedStyle(document.getElementById(i)).breakBefore)"
    )
    assert breaks == ["page", "page"]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 3  # a page per audience at least
    assert problems == []
    page.close()
