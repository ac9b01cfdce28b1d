"""A Markdown summary for CI job pages (GitHub job summaries, GitLab merge-request notes).

Short by design: the verdict, what was checked against what, one table row per requirement
that examined something, the first findings of each failed requirement, the waivers, and how
to reproduce the run. The JSON report stays the record; this is what a person reads first.

Every piece of report text is escaped before it is written, so a ``|`` in a message cannot
split a table cell and a ``*`` in redacted evidence (``B***``) cannot turn into emphasis.
"""

from __future__ import annotations

import re

from conformance.model.findings import Finding
from conformance.model.report import Report, RequirementResult, WaiverRecord
from conformance.model.verdict import Verdict

FINDINGS_SHOWN = 5
_TROUBLE = (Verdict.FAIL, Verdict.ERROR)  # the verdicts whose findings or reason are listed

_HEADING = {
    Verdict.PASS: "✅ Conformant",
    Verdict.FAIL: "❌ Not conformant",
    Verdict.ERROR: "⚠️ No verdict (error)",
}
_MARK = {
    Verdict.PASS: "✅ pass",
    Verdict.FAIL: "❌ fail",
    Verdict.ERROR: "⚠️ error",
    Verdict.WAIVED: "☑️ waived",
    Verdict.NOT_APPLICABLE: "➖ not applicable",
}
# CommonMark lets any ASCII punctuation be escaped; these are the ones that mean something in
# a table cell or a paragraph. Backslash first, so the escapes added are not escaped again.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def render(report: Report) -> bytes:
    blocks = [
        _header(report),
        _certification(report),
        _requirements(report),
        _findings(report),
        _waivers(report.waivers),
        _reproduce(report),
    ]
    return ("\n\n".join(b for b in blocks if b) + "\n").encode("utf-8")


def escape(text: str) -> str:
    """Report text made inert in Markdown: special characters escaped, line breaks as
    ``<br>`` (a raw newline would end a table row)."""
    return _NEWLINES.sub("<br>", _SPECIAL.sub(r"\\\1", text))


def _header(report: Report) -> str:
    heading = _HEADING.get(report.verdict, escape(report.verdict.value))
    profile = report.profile
    subject = " · ".join(f"{escape(k)}: {escape(v)}" for k, v in report.subject.items())
    inputs = ", ".join(
        f"{escape(i.name)} ({escape(i.format)}, {i.counted()})" for i in report.inputs
    )
    lines = [
        f"## {heading}",
        "",
        f"- **Subject:** {subject or 'not stated'}",
        f"- **Profile:** {escape(profile.id)} {escape(profile.version)} · "
        f"purpose {escape(profile.purpose)} · environment {escape(report.environment)}",
        f"- **Inputs:** {inputs or 'none (live probes)'}",
        f"- **Tool:** conformance {escape(report.tool_version)} · "
        f"generated {escape(report.generated_at)}",
    ]
    return "\n".join(lines)


def _certification(report: Report) -> str:
    """Loud when a certify run may not serve a certification; silent outside certify runs."""
    certification = report.certification
    if certification is None or certification.eligible:
        return ""
    lines = ["> **⚠️ Not for certification.** This run cannot serve a certification:"]
    lines += [f"> - {escape(reason)}" for reason in certification.reasons]
    return "\n".join(lines)


def _requirements(report: Report) -> str:
    """One row per requirement that examined something; the rest on one line of IDs."""
    examined = [r for r in report.requirements if r.verdict is not Verdict.NOT_APPLICABLE]
    rows = ["| Requirement | Title | Verdict | Findings |", "|---|---|---|---|"]
    rows += [_row(r) for r in examined]
    lines = ["### Requirements", "", *rows] if examined else ["### Requirements"]
    idle = [r.id for r in report.requirements if r.verdict is Verdict.NOT_APPLICABLE]
    if idle:
        lines += ["", f"Not applicable ({len(idle)}): {', '.join(idle)}"]
    return "\n".join(lines)


def _row(result: RequirementResult) -> str:
    count = f"{result.finding_count:,}"
    if result.waived:
        count += f" ({len(result.waived):,} waived)"
    cells = [result.id, escape(result.title["en"]), _MARK[result.verdict], count]
    return "| " + " | ".join(cells) + " |"


def _findings(report: Report) -> str:
    shown = [_failed(r) for r in report.requirements if r.verdict in _TROUBLE]
    return "\n\n".join(["### Findings", *shown]) if shown else ""


def _failed(result: RequirementResult) -> str:
    lines = [f"#### {result.id} {escape(result.title['en'])}"]
    if result.verdict is Verdict.ERROR:
        lines += ["", f"The check could not finish: {escape(result.reason or 'no reason given')}"]
    if result.findings:
        lines += ["", "| Finding | Location |", "|---|---|"]
        lines += [_finding_row(f) for f in result.findings[:FINDINGS_SHOWN]]
    more = result.finding_count - min(len(result.findings), FINDINGS_SHOWN) - len(result.waived)
    if more > 0:
        lines += ["", f"… and {more:,} more in the full report."]
    return "\n".join(lines)


def _finding_row(finding: Finding) -> str:
    message = escape(finding.message)
    if finding.evidence is not None:
        message += f" (evidence, redacted: {escape(finding.evidence)})"
    return f"| {message} | {_where(finding)} |"


def _where(finding: Finding) -> str:
    return escape(str(finding.location))


def _waivers(waivers: tuple[WaiverRecord, ...]) -> str:
    if not waivers:
        return ""
    rows = [
        "| Requirement | Scope | Status | Findings waived | Owner | Expires | Justification |",
        "|---|---|---|---|---|---|---|",
    ]
    rows += [_waiver_row(w) for w in waivers]
    return "\n".join(["### Waivers", "", *rows])


def _waiver_row(waiver: WaiverRecord) -> str:
    status = waiver.status if waiver.status == "applied" else f"**{waiver.status}**"
    cells = [
        escape(waiver.requirement),
        escape(waiver.scope),
        status,
        f"{waiver.waived:,}",
        escape(waiver.owner),
        escape(waiver.expires),
        escape(waiver.justification),
    ]
    return "| " + " | ".join(cells) + " |"


def _reproduce(report: Report) -> str:
    lines = ["### Reproduce", ""]
    if report.command:
        fence = "`" * max(3, _longest_backtick_run(report.command) + 1)
        lines += [f"{fence}sh", report.command, fence]
    else:
        lines.append("The command was not recorded.")
    if report.seed is not None:
        lines += ["", f"Seed: {report.seed}"]
    return "\n".join(lines)


def _longest_backtick_run(text: str) -> int:
    """A fence longer than any run of backticks inside keeps the command in its block."""
    return max((len(run) for run in re.findall("`+", text)), default=0)
