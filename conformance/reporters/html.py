"""The HTML report: one self-contained page for three audiences, in Dutch or English.

Part 1 is for a school administrator: the verdict in plain words, what data the product gets,
what for, under which pseudonym, and what does not conform. Part 2 is for the supplier: each
requirement's findings with their locations, redacted evidence and the fix. Part 3 is the
certifier's dossier: hashes, profile, reproduce command, waivers and signature.

The page has no external assets and no script (a certifier archives it; a school opens it
offline), prints on A4 with each part on its own page, and carries every verdict in words and a
symbol, never in colour alone. Every value from the report is escaped; the report's evidence is
already redacted, and nothing here adds a raw value. The words live in ``html_text``.
"""

from __future__ import annotations

from html import escape

from conformance.model.findings import Finding
from conformance.model.report import InputInfo, Report, RequirementResult
from conformance.model.verdict import Verdict
from conformance.reporters.html_text import (
    INPUT_KIND,
    LANGUAGES,
    PROFILE_NAME,
    PURPOSE_FALLBACK,
    PURPOSES,
    REQUIREMENTS,
    SEVERITY,
    UI,
    VERDICT_SYMBOL,
    VERDICT_WORD,
    WAIVER_STATUS,
    PurposeText,
)

VERIFY_COMMAND = "conformance verify REPORT.json --key KEY"
_PSEUDONYM_CHECKS = ("PSN-001", "PSN-002", "PSN-003")

_STYLE = """
:root{color-scheme:light}
body{font:16px/1.5 "DejaVu Sans","Liberation Sans",system-ui,sans-serif;color:#111;
background:#fff;max-width:62rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.7rem;margin:.2rem 0 .5rem}
h2{font-size:1.35rem;border-bottom:2px solid #333;padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.1rem;margin:1.4rem 0 .4rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.5rem}
.intro{color:#333}
.banner{border:4px double #b42318;padding:.6rem 1rem;margin:1rem 0}
.banner .title{font-size:1.3rem;font-weight:700;letter-spacing:.05em;margin:0}
.verdict{border:3px solid #555;border-left-width:14px;padding:.6rem 1rem;margin:1rem 0}
.verdict .word{font-size:1.5rem;font-weight:700;letter-spacing:.04em;margin:.2rem 0}
.verdict .sentence{font-size:1.15rem;font-weight:600}
.v-pass{border-color:#1a7f37}.v-fail{border-color:#b42318}.v-error{border-color:#9a6700}
.caveat{font-weight:600}
.r{font-weight:700;white-space:nowrap}
.r-pass{color:#1a7f37}.r-fail{color:#b42318}.r-error{color:#9a6700}
.r-waived{color:#6639ba}.r-not_applicable{color:#555;font-weight:400}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #999;padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{background:#eee}
table.kv th{width:16rem}
table.overview th[scope=row]{white-space:nowrap}
table.findings th[scope=row],table.waived th[scope=row]{width:36%;font-weight:400;
overflow-wrap:anywhere}
code.path{color:#333}
.nowrap{white-space:nowrap}
code{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.85em;
overflow-wrap:anywhere}
ul.cols{columns:2;column-gap:2rem}
.req{border-top:1px solid #bbb;margin-top:1.2rem}
.fix{border-left:4px solid #555;padding-left:.6rem}
footer{margin-top:2.5rem;border-top:1px solid #999;font-size:.85rem;color:#333}
@page{size:A4;margin:18mm 15mm 20mm}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
nav{display:none}
#supplier,#dossier{break-before:page;page-break-before:always}
h2,h3{break-after:avoid;page-break-after:avoid}
tr,.verdict,.banner,.fix{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
a{color:inherit;text-decoration:none}
}
"""


class _Words:
    """The chosen language's texts: filled in, then escaped (templates hold no markup)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._ui = UI[lang]

    def __call__(self, key: str, **values: object) -> str:
        return escape(self._ui[key].format(**values))

    def pick(self, texts: dict[str, str]) -> str:
        """One language's entry of a ``{nl, en}`` dict (unescaped), English if it lacks one."""
        return texts.get(self.lang) or texts.get("en") or ""

    def number(self, n: int) -> str:
        grouped = f"{n:,}"
        return grouped.replace(",", ".") if self.lang == "nl" else grouped

    def verdict(self, verdict: Verdict) -> str:
        """A verdict as a symbol and a word; the colour class only repeats what they say."""
        word = escape(VERDICT_WORD[self.lang][verdict])
        symbol = VERDICT_SYMBOL[verdict]
        return (
            f'<span class="r r-{verdict.value}"><span aria-hidden="true">{symbol}</span> '
            f"{word}</span>"
        )


def render(report: Report, lang: str = "nl") -> bytes:
    """The report as one HTML page in ``lang`` ("nl", the default, or "en")."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    t = _Words(lang)
    body = "\n".join(
        (
            _header(report, t),
            _school(report, t),
            _supplier(report, t),
            _dossier(report, t),
            _footer(report, t),
        )
    )
    return _document(report, t, body).encode("utf-8")


def _document(report: Report, t: _Words, body: str) -> str:
    title = f"{t('doc_title')} — {escape(_subject_line(report, t))}"
    return (
        f'<!DOCTYPE html>\n<html lang="{t.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head>\n<body>{body}</body></html>\n"
    )


# ---- helpers over the report ------------------------------------------------------------------


def _subject_line(report: Report, t: _Words) -> str:
    """Who the report is about: product, version and supplier, or else the purpose."""
    product = " ".join(
        v for v in (report.subject.get("product"), report.subject.get("version")) if v
    )
    supplier = report.subject.get("supplier")
    if product and supplier:
        return f"{product} ({supplier})"
    return product or supplier or _purpose_label(report, t)


def _purpose_text(report: Report) -> PurposeText:
    return PURPOSES.get(report.profile.purpose, PURPOSE_FALLBACK)


def _purpose_label(report: Report, t: _Words) -> str:
    """The purpose as a school knows it, with the standard: "de Smalle set (UWLR 2.2)"."""
    name = t.pick(_purpose_text(report).name).format(purpose=report.profile.purpose)
    profile = PROFILE_NAME.get(report.profile.id)
    return f"{name} ({t.pick(profile) if profile else report.profile.id})"


def _examined(report: Report) -> list[RequirementResult]:
    return [r for r in report.requirements if r.verdict is not Verdict.NOT_APPLICABLE]


def _with(report: Report, *verdicts: Verdict) -> list[RequirementResult]:
    return [r for r in report.requirements if r.verdict in verdicts]


def _title(result: RequirementResult, t: _Words) -> str:
    return t.pick(result.title) or result.id


def _outcome(report: Report) -> str:
    """pass, fail, crash or nothing. Decided from the parts as well as the overall verdict, so
    the page can never read "conforms" where a part failed or nothing was examined."""
    if not _examined(report):
        return "nothing"
    if report.verdict is Verdict.ERROR or _with(report, Verdict.ERROR):
        return "crash"
    if report.verdict is not Verdict.PASS or _with(report, Verdict.FAIL):
        return "fail"
    return "pass"


def _table(head: list[str], rows: list[list[str]], caption: str = "", cls: str = "") -> str:
    """A table of already-escaped cells; each row's first cell is its header."""
    cap = f"<caption>{caption}</caption>" if caption else ""
    heads = "".join(f'<th scope="col">{h}</th>' for h in head)
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>{"".join(f"<td>{c}</td>" for c in row[1:])}</tr>'
        for row in rows
    )
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}>{cap}<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>"


def _pairs(rows: list[tuple[str, str]], ident: str) -> str:
    """A key/value table (the dossier's facts): keys are row headers."""
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="kv" id="{ident}"><tbody>{body}</tbody></table>'


def _code(value: str) -> str:
    return f"<code>{escape(value)}</code>"


def _breakable(value: str) -> str:
    """Escaped, with a line-break opportunity after each slash: file paths and XPaths wrap at
    their separators instead of mid-name."""
    return escape(value).replace("/", "/<wbr>")


# ---- page 1: the school -----------------------------------------------------------------------


def _header(report: Report, t: _Words) -> str:
    intro = t(
        "intro",
        generated=report.generated_at,
        what=_subject_line(report, t),
        version=report.tool_version,
    )
    nav = "".join(
        f'<li><a href="#{ident}">{t(key)}</a></li>'
        for ident, key in (("school", "part1"), ("supplier", "part2"), ("dossier", "part3"))
    )
    return (
        f"<header><h1>{t('doc_title')}: {escape(_subject_line(report, t))}</h1>"
        f'<p class="intro">{intro}</p>{_banner(report, t)}'
        f'<nav aria-label="{t("nav_label")}"><ul>{nav}</ul></nav></header>'
    )


def _banner(report: Report, t: _Words) -> str:
    """NOT FOR CERTIFICATION, with the reasons, on a certify run that may not certify."""
    cert = report.certification
    if cert is None or cert.eligible:
        return ""
    reasons = "".join(f"<li>{escape(r)}</li>" for r in cert.reasons)
    return (
        f'<div class="banner" id="banner" role="note"><p class="title">{t("banner_title")}</p>'
        f"<p>{t('banner_lead')}</p><ul>{reasons}</ul></div>"
    )


def _school(report: Report, t: _Words) -> str:
    purpose = _purpose_text(report)
    fill = {"purpose": report.profile.purpose, "profile": report.profile.id}
    return "".join(
        (
            f'<section id="school" aria-labelledby="h-school"><h2 id="h-school">{t("part1")}</h2>',
            _verdict_box(report, t),
            f'<h3>{t("h_data")}</h3><p id="data">{escape(t.pick(purpose.data).format(**fill))}</p>',
            f'<h3>{t("h_why")}</h3><p id="why">{escape(t.pick(purpose.why).format(**fill))}</p>',
            _pseudonym(report, t, purpose),
            _inputs_plain(report, t),
            _failing(report, t),
            _unexamined(report, t),
            "</section>",
        )
    )


def _verdict_box(report: Report, t: _Words) -> str:
    outcome = _outcome(report)
    purpose = _purpose_label(report, t)
    crashed = len(_with(report, Verdict.ERROR))
    word, sentence, shown = {
        "pass": ("word_pass", t("verdict_pass", purpose=purpose), Verdict.PASS),
        "fail": ("word_fail", t("verdict_fail", purpose=purpose), Verdict.FAIL),
        "crash": ("word_error", t("verdict_crash", purpose=purpose, count=crashed), Verdict.ERROR),
        "nothing": ("word_error", t("verdict_nothing", purpose=purpose), Verdict.ERROR),
    }[outcome]
    scope = _scope(report, t) if outcome != "nothing" else ""
    return (
        f'<div class="verdict v-{shown.value}" id="verdict">'
        f'<p class="word"><span aria-hidden="true">{VERDICT_SYMBOL[shown]}</span> {t(word)}</p>'
        f'<p class="sentence" id="verdict-sentence">{sentence}</p>'
        f"{scope}{_waived_note(report, t)}</div>"
    )


def _scope(report: Report, t: _Words) -> str:
    """How much the verdict covers: the page must not let a pass over a few checks read as a
    pass over all of them."""
    examined, total = len(_examined(report)), len(report.requirements)
    if examined == total:
        return f'<p id="scope">{t("scope_all", total=t.number(total))}</p>'
    scope = t(
        "scope",
        examined=t.number(examined),
        total=t.number(total),
        rest=t.number(total - examined),
    )
    caveat = f'<p class="caveat" id="caveat">{t("caveat")}</p>' if 2 * examined < total else ""
    return f'<p id="scope">{scope}</p>{caveat}'


def _waived_note(report: Report, t: _Words) -> str:
    waived = _with(report, Verdict.WAIVED)
    if not waived:
        return ""
    titles = ", ".join(f"{_title(r, t)} ({r.id})" for r in waived)
    return f'<p id="waived-note">{t("waived_note", count=len(waived), titles=titles)}</p>'


def _pseudonym(report: Report, t: _Words, purpose: PurposeText) -> str:
    head = f"<h3>{t('h_pseudonym')}</h3>"
    if not purpose.pseudonymous:
        return f'{head}<p id="pseudonym">{t("not_pseudonymous")}</p>'
    verdicts = [r.verdict for r in report.requirements if r.id in _PSEUDONYM_CHECKS]
    if any(v in (Verdict.FAIL, Verdict.ERROR) for v in verdicts):
        status = t("eckid_bad")
    elif len(verdicts) == len(_PSEUDONYM_CHECKS) and all(
        v in (Verdict.PASS, Verdict.WAIVED) for v in verdicts
    ):
        status = t("eckid_ok")
    else:
        status = t("eckid_unchecked")
    return f'{head}<p id="pseudonym">{t("eckid")}</p><p id="pseudonym-status">{status}</p>'


def _input_line(info: InputInfo, t: _Words) -> str:
    return t(
        "input_line",
        name=info.name,
        kind=INPUT_KIND[t.lang].get(info.kind, info.kind),
        count=t.number(info.records),
        unit=UI[t.lang][f"unit_{info.unit()}"],  # 1 record, 2 tabellen, 1 verzoek verstuurd
    )


def _inputs_plain(report: Report, t: _Words) -> str:
    items = "".join(f"<li>{_input_line(i, t)}</li>" for i in report.inputs)
    listing = f'<ul id="examined">{items}</ul>' if items else f"<p>{t('examined_none')}</p>"
    return f"<h3>{t('h_examined')}</h3>{listing}"


def _failing(report: Report, t: _Words) -> str:
    """One plain sentence per failing (or crashed) requirement, under its Dutch/English title."""
    items = []
    for result in _with(report, Verdict.FAIL, Verdict.ERROR):
        text = REQUIREMENTS.get(result.id)
        if result.verdict is Verdict.ERROR:
            sentence = t("crash_sentence")
        elif text is None:
            sentence = ""
        else:
            sentence = escape(text.plain_nl if t.lang == "nl" else text.plain_en)
        title = f"<strong>{escape(_title(result, t))}</strong> ({escape(result.id)})"
        items.append(f"<li>{title}{': ' + sentence if sentence else ''}</li>")
    if not items:
        return ""
    return f'<h3>{t("h_failing")}</h3><ul id="failing">{"".join(items)}</ul>'


def _unexamined(report: Report, t: _Words) -> str:
    rest = _with(report, Verdict.NOT_APPLICABLE)
    if not rest:
        return f"<h3>{t('h_unexamined')}</h3><p>{t('unexamined_none')}</p>"
    items = "".join(f"<li>{escape(_title(r, t))} ({escape(r.id)})</li>" for r in rest)
    return (
        f"<h3>{t('h_unexamined')}</h3><p>{t('unexamined_lead')}</p>"
        f'<ul class="cols" id="unexamined">{items}</ul>'
    )


# ---- part 2: the supplier ---------------------------------------------------------------------


def _detailed(result: RequirementResult) -> bool:
    """Whether a requirement gets a detail block: anything to show beyond its verdict."""
    return bool(result.findings or result.waived) or result.verdict in (
        Verdict.FAIL,
        Verdict.ERROR,
    )


def _supplier(report: Report, t: _Words) -> str:
    details = "".join(_detail(r, t) for r in report.requirements if _detailed(r))
    return (
        f'<section id="supplier" aria-labelledby="h-supplier">'
        f'<h2 id="h-supplier">{t("part2")}</h2><h3>{t("h_overview")}</h3>'
        f"{_overview(report, t)}{details or '<p>' + t('no_details') + '</p>'}</section>"
    )


def _overview(report: Report, t: _Words) -> str:
    rows = []
    for r in report.requirements:
        rid = escape(r.id)
        ref = f'<a href="#req-{rid}">{rid}</a>' if _detailed(r) else rid
        note = f'<a href="#req-{rid}">{t("see_details")}</a>' if _detailed(r) else ""
        note = escape(r.reason) if r.reason and not note else note
        cells = [t.number(r.examined), t.number(r.finding_count), note]
        rows.append([ref, escape(_title(r, t)), t.verdict(r.verdict), *cells])
    head = ["col_req", "col_title", "col_verdict", "col_examined", "col_findings", "col_note"]
    return _table([t(h) for h in head], rows, cls="overview")


def _detail(result: RequirementResult, t: _Words) -> str:
    rid = escape(result.id)
    counts = t("req_counts", examined=t.number(result.examined), count=result.finding_count)
    if result.waived:
        counts += " " + t("req_waived", count=t.number(len(result.waived)))
    reason = f"<p>{t('reason', reason=result.reason)}</p>" if result.reason else ""
    # finding_count counts every finding, waived ones too, also those beyond the listed cap
    more = result.finding_count - len(result.findings) - len(result.waived)
    shown_more = f"<p>{t('more_findings', count=t.number(more))}</p>" if more > 0 else ""
    return (
        f'<section class="req" id="req-{rid}" aria-labelledby="h-req-{rid}">'
        f'<h3 id="h-req-{rid}">{rid} {escape(_title(result, t))} — {t.verdict(result.verdict)}'
        f"</h3><p>{counts}</p>{reason}{_findings(result, t)}{shown_more}"
        f"{_waived(result, t)}{_fix(result, t)}</section>"
    )


_FINDING_HEAD = ["col_location", "col_message", "col_evidence", "col_occurrences", "col_severity"]


def _finding_cells(finding: Finding, t: _Words) -> list[str]:
    where = finding.location.input
    if finding.location.line:
        where += f":{finding.location.line}"
    # The path goes under the input:line, so the message keeps the width it needs.
    path = f'<br><code class="path">{_breakable(finding.location.path or "")}</code>'
    return [
        _breakable(where) + (path if finding.location.path else ""),
        escape(finding.message),
        _code(finding.evidence) if finding.evidence else t("none"),
        t.number(finding.occurrences),
        escape(SEVERITY[t.lang].get(finding.severity.value, finding.severity.value)),
    ]


def _findings(result: RequirementResult, t: _Words) -> str:
    if not result.findings:
        return ""
    rows = [_finding_cells(f, t) for f in result.findings]
    caption = t("findings_caption", rid=result.id)
    return _table([t(h) for h in _FINDING_HEAD], rows, caption, cls="findings")


def _waived(result: RequirementResult, t: _Words) -> str:
    """Waived findings, each row marked as waived: they stay visible but do not count."""
    if not result.waived:
        return ""
    mark = t.verdict(Verdict.WAIVED)
    rows = [[*_finding_cells(f, t), mark] for f in result.waived]
    head = [t(h) for h in [*_FINDING_HEAD, "col_status"]]
    return _table(head, rows, t("waived_caption", rid=result.id), cls="waived")


def _fix(result: RequirementResult, t: _Words) -> str:
    """The fix: Dutch from our table (the checks document in English), else the report's own."""
    if result.verdict not in (Verdict.FAIL, Verdict.WAIVED):
        return ""
    text = REQUIREMENTS.get(result.id)
    fix = (text.fix_nl if text and t.lang == "nl" else None) or result.fix
    body = escape(fix) if fix else t("fix_missing", rid=result.id)
    return f'<p class="fix"><strong>{t("fix")}</strong> {body}</p>'


# ---- part 3: the certifier --------------------------------------------------------------------


def _dossier(report: Report, t: _Words) -> str:
    return "".join(
        (
            f'<section id="dossier" aria-labelledby="h-dossier">'
            f'<h2 id="h-dossier">{t("part3")}</h2>',
            f"<h3>{t('h_report')}</h3>{_pairs(_report_facts(report, t), 'facts')}",
            f"<h3>{t('h_profile')}</h3>{_pairs(_profile_facts(report, t), 'profile')}",
            f"<h3>{t('h_inputs')}</h3>{_input_table(report, t)}",
            f"<h3>{t('h_reproduce')}</h3>{_pairs(_reproduce_facts(report, t), 'reproduce')}",
            f"<h3>{t('h_waivers')}</h3>{_waiver_table(report, t)}",
            f"<h3>{t('h_signature')}</h3>{_signature(report, t)}",
            "</section>",
        )
    )


_SUBJECT_KEYS = {"supplier": "k_supplier", "product": "k_product", "version": "k_version"}


def _report_facts(report: Report, t: _Words) -> list[tuple[str, str]]:
    facts = [
        (t("k_tool"), escape(report.tool_version)),
        (t("k_generated"), escape(report.generated_at)),
        (t("k_environment"), escape(report.environment)),
    ]
    known = [k for k in _SUBJECT_KEYS if k in report.subject]
    others = sorted(k for k in report.subject if k not in _SUBJECT_KEYS)
    facts += [(t(_SUBJECT_KEYS[k]), escape(report.subject[k])) for k in known]
    facts += [(escape(k), escape(report.subject[k])) for k in others]
    facts += [(t("k_verdict"), _code(report.verdict.value))]
    return [*facts, (t("k_certification"), _certification(report, t))]


def _certification(report: Report, t: _Words) -> str:
    cert = report.certification
    if cert is None:
        return t("cert_none")
    build = f" ({t('cert_build')} {_code(cert.build)})" if cert.build else ""
    if cert.eligible:
        return t("cert_yes") + build
    return t("cert_no", reasons="; ".join(cert.reasons)) + build


def _profile_facts(report: Report, t: _Words) -> list[tuple[str, str]]:
    p = report.profile
    return [
        (t("k_id"), _code(p.id)),
        (t("k_profile_version"), escape(p.version)),
        (t("k_purpose"), f"{_code(p.purpose)} — {escape(_purpose_label(report, t))}"),
        (t("k_sha256"), _code(p.sha256)),
        (t("k_source"), _code(p.source)),
    ]


def _input_table(report: Report, t: _Words) -> str:
    if not report.inputs:
        return f"<p>{t('examined_none')}</p>"
    rows = [
        [
            f"<code>{_breakable(i.name)}</code>",
            escape(INPUT_KIND[t.lang].get(i.kind, i.kind)),
            escape(i.format),
            t.number(i.records),
            _code(i.sha256),
        ]
        for i in report.inputs
    ]
    head = ["col_name", "col_kind", "col_format", "col_records", "k_sha256"]
    return _table([t(h) for h in head], rows, cls="inputs")


def _reproduce_facts(report: Report, t: _Words) -> list[tuple[str, str]]:
    # the seed is copied into a command: no thousands separators
    seed = _code(str(report.seed)) if report.seed is not None else t("none")
    command = _code(report.command) if report.command else t("none")
    return [(t("k_seed"), seed), (t("k_command"), command)]


def _waiver_table(report: Report, t: _Words) -> str:
    if not report.waivers:
        return f'<p id="waivers">{t("no_waivers")}</p>'
    rows = [
        [
            escape(w.requirement),
            _code(w.scope),
            escape(w.justification),
            escape(w.owner),
            f'<span class="nowrap">{escape(w.expires)}</span>',  # a date does not wrap
            escape(w.approved_by) if w.approved_by else t("not_approved"),
            escape(WAIVER_STATUS[t.lang].get(w.status, w.status)),
            t.number(w.waived),
        ]
        for w in report.waivers
    ]
    head = ["col_req", "col_scope", "col_justification", "col_owner", "col_expires"]
    head += ["col_approved", "col_status", "col_waived"]
    return f'<div id="waivers">{_table([t(h) for h in head], rows, cls="waivers")}</div>'


def _signature(report: Report, t: _Words) -> str:
    sig = report.signature
    if sig is None:
        return f'<p id="signature-status"><strong>{t("unsigned")}</strong></p>'
    facts = [
        (t("k_algorithm"), escape(sig.algorithm)),
        (t("k_fingerprint"), _code(sig.key_fingerprint)),
        (t("k_public_key"), _code(sig.public_key)),
    ]
    status = f"<strong>{t('signed')}</strong> {_code(VERIFY_COMMAND)}"
    return (
        f'{_pairs(facts, "signature")}<p id="signature-status">{status}</p>'
        f"<p>{t('signature_note')}</p>"
    )


def _footer(report: Report, t: _Words) -> str:
    text = t("footer", version=report.tool_version, generated=report.generated_at)
    return f"<footer><p>{text}</p></footer>"
