"""The terminal summary: each requirement with its verdict and its first findings (redacted)."""

from __future__ import annotations

from conformance.model.findings import Location
from conformance.model.records import is_json_pointer
from conformance.model.report import Report, RequirementResult
from conformance.model.verdict import Verdict

FINDINGS_SHOWN = 3
_MARK = {
    Verdict.PASS: "pass",
    Verdict.FAIL: "FAIL",
    Verdict.ERROR: "ERROR",
    Verdict.WAIVED: "waived",
    Verdict.NOT_APPLICABLE: "n/a",
}


def render(report: Report, show_unchecked: bool = False) -> bytes:
    lines = [
        f"conformance {report.tool_version} · profile {report.profile.id} "
        f"{report.profile.version} · purpose {report.profile.purpose} · {report.environment}",
    ]
    lines += [f"  input {i.name} ({i.format}, {i.counted()})" for i in report.inputs]
    lines.append("")
    unchecked = [r for r in report.requirements if not r.checked]
    for result in report.requirements:
        if result.checked or show_unchecked:
            lines += _requirement_lines(result)
    if unchecked and not show_unchecked:
        ids = ", ".join(r.id for r in unchecked)
        lines.append(f"     -  not examined by these inputs: {ids}")
    lines.append("")
    lines.append(_verdict_line(report))
    # An input's name is the user's (or a glob's: a supplier's file), and so is what a
    # finding quotes of it: no line break or escape code in it reaches the terminal.
    return ("\n".join(map(printable, lines)) + "\n").encode("utf-8")


def printable(text: str) -> str:
    """Control characters shown escaped: a line stays one line and sends no terminal codes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _requirement_lines(result: RequirementResult) -> list[str]:
    head = f"{_MARK[result.verdict]:>6}  {result.id}  {result.title['en']}"
    if result.verdict is Verdict.NOT_APPLICABLE and result.reason:
        head += f" — {result.reason}"
    if result.verdict is Verdict.ERROR and result.reason:
        head += f" — {result.reason}"
    lines = [head]
    for finding in result.findings[:FINDINGS_SHOWN]:
        where = str(_shown(finding.location))
        evidence = f" [{finding.evidence}]" if finding.evidence else ""
        lines.append(f"          {where}: {finding.message}{evidence}")
    more = result.finding_count - len(result.waived) - min(len(result.findings), FINDINGS_SHOWN)
    if more > 0:
        lines.append(f"          … and {more:,} more finding(s) in the report")
    return lines


def _shown(at: Location) -> Location:
    """input:line, and the path where there is no line or it is a JSON pointer (a pupil inside
    a JSON Lines line); an XPath or a CSV's "row N" beside a line says nothing more."""
    pointer = at.path is not None and is_json_pointer(at.path)
    return at if not at.line or pointer else Location(at.input, at.line, None)


def _verdict_line(report: Report) -> str:
    counts: dict[str, int] = {}
    for r in report.requirements:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    tally = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    word = {
        Verdict.PASS: "CONFORMANT",
        Verdict.FAIL: "NOT CONFORMANT",
        Verdict.ERROR: "NO VERDICT (error)",
    }.get(report.verdict, report.verdict.value)
    return f"verdict: {word} ({tally})"
