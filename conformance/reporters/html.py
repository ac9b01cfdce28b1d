"""A plain, self-contained HTML page of the Report (the full three-audience report comes later)."""

from __future__ import annotations

from html import escape

from conformance.model.report import Report, RequirementResult
from conformance.model.verdict import Verdict

_VERDICT_NL = {
    Verdict.PASS: "voldoet",
    Verdict.FAIL: "voldoet niet",
    Verdict.ERROR: "fout",
    Verdict.WAIVED: "ontheffing",
    Verdict.NOT_APPLICABLE: "niet van toepassing",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;"
    "text-align:left;vertical-align:top}.fail,.error{color:#a00;font-weight:bold}"
    ".pass{color:#060}"
)


def render(report: Report) -> bytes:
    overall = report.verdict
    rows = "".join(_row(r) for r in report.requirements)
    inputs = "".join(
        f"<li>{escape(i.name)} ({escape(i.format)}, {i.records} records, sha256 "
        f"<code>{i.sha256}</code>)</li>"
        for i in report.inputs
    )
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Conformance: {escape(report.profile.id)}</title><style>{_STYLE}</style></head>
<body><h1>Oordeel: <span class="{overall.value}">{_VERDICT_NL[overall]}</span></h1>
<p>Profiel {escape(report.profile.id)} {escape(report.profile.version)}, doel
{escape(report.profile.purpose)}, omgeving {escape(report.environment)};
conformance {escape(report.tool_version)}, {escape(report.generated_at)}.</p>
<ul>{inputs}</ul>
<table><thead><tr><th>Eis</th><th>Titel</th><th>Oordeel</th><th>Bevindingen</th></tr></thead>
<tbody>{rows}</tbody></table></body></html>
"""
    return page.encode("utf-8")


def _row(result: RequirementResult) -> str:
    items = "".join(
        f"<li>{escape(f.message)}"
        + (f" <code>{escape(f.evidence)}</code>" if f.evidence else "")
        + f" <small>{escape(f.location.input)}"
        + (f":{f.location.line}" if f.location.line else "")
        + "</small></li>"
        for f in result.findings
    )
    detail = f"<ul>{items}</ul>" if items else escape(result.reason or "")
    return (
        f"<tr><td>{result.id}</td><td>{escape(result.title['nl'])}</td>"
        f'<td class="{result.verdict.value}">{_VERDICT_NL[result.verdict]}</td>'
        f"<td>{detail}</td></tr>"
    )
