"""JUnit XML for CI test tabs: one test case per requirement and input.

The layout follows the Apache Ant JUnit schema that CI systems read (Jenkins, GitLab, GitHub
test reporters): one ``<testsuite>`` with ``<properties>``, the test cases, ``<system-out>`` and
``<system-err>``. ``<skipped>`` (and the suite's ``skipped`` count) is the Surefire/Jenkins
extension every one of those readers understands; the Ant schema predates it.

A test case fails only on findings at its input, so a CI tab points at the input to fix; a
waived requirement is skipped, never failed (the waiver is the supplier's documented exception).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from lxml import etree

from conformance.model.findings import Finding
from conformance.model.report import NO_INPUT, Report, RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict

# Characters XML 1.0 cannot carry; lxml refuses them, so they become U+FFFD instead.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> bytes:
    suite = etree.Element("testsuite")
    suite.append(_properties(report))
    cases = [case for result in report.requirements for case in _cases(report, result)]
    suite.extend(cases)
    etree.SubElement(suite, "system-out").text = _xml(_reproduce(report))
    etree.SubElement(suite, "system-err")
    _set_suite_attributes(suite, report, cases)
    return etree.tostring(suite, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _set_suite_attributes(
    suite: etree._Element, report: Report, cases: list[etree._Element]
) -> None:
    outcomes = [case[0].tag if len(case) else "pass" for case in cases]
    profile = report.profile
    suite.set("name", _xml(f"conformance {profile.id} {profile.purpose}"))
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(outcomes.count("failure")))
    suite.set("errors", str(outcomes.count("error")))
    suite.set("skipped", str(outcomes.count("skipped")))
    suite.set("time", "0")  # the report keeps no durations; the schema wants a number
    suite.set("timestamp", _timestamp(report.generated_at))
    suite.set("hostname", "localhost")  # what the schema asks for when the host is not known


def _timestamp(generated_at: str) -> str:
    """The schema's timestamp carries no time zone: the UTC time, without the ``Z``."""
    moment = datetime.fromisoformat(generated_at).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _properties(report: Report) -> etree._Element:
    """What a CI reader needs to tie the tab to the report: never a personal value."""
    values = {
        "generated_at": report.generated_at,  # with its time zone, unlike ``timestamp``
        "tool_version": report.tool_version,
        "verdict": report.verdict.value,
        "environment": report.environment,
        "profile.id": report.profile.id,
        "profile.version": report.profile.version,
        "profile.purpose": report.profile.purpose,
        "profile.sha256": report.profile.sha256,
        **{f"subject.{key}": value for key, value in report.subject.items()},
    }
    if report.seed is not None:
        values["seed"] = str(report.seed)
    if report.certification is not None:
        values["certification"] = report.certification.describe()
    properties = etree.Element("properties")
    for name, value in values.items():
        etree.SubElement(properties, "property", name=_xml(name), value=_xml(value))
    return properties


def _reproduce(report: Report) -> str:
    return f"reproduce: {report.command}" if report.command else ""


def _cases(report: Report, result: RequirementResult) -> Iterator[etree._Element]:
    if not result.checked:
        case = _case(result, NO_INPUT)
        _child(case, "skipped", result.reason or "not examined by these inputs")
        yield case
        return
    names = report.input_names()
    unlisted = _fails_without_listed_findings(result)
    for index, name in enumerate(names):
        case = _case(result, name)
        _outcome(case, report, result, name, unlisted=unlisted and index == 0)
        yield case


def _fails_without_listed_findings(result: RequirementResult) -> bool:
    """A failed requirement whose findings all lie beyond the report's cap still fails in CI."""
    return result.verdict is Verdict.FAIL and not result.findings


def _case(result: RequirementResult, input_name: str) -> etree._Element:
    case = etree.Element("testcase")
    case.set("classname", result.id)
    case.set("name", _xml(f"{result.id} {result.title['en']} — {input_name}"))
    case.set("time", "0")
    return case


def _outcome(
    case: etree._Element, report: Report, result: RequirementResult, name: str, *, unlisted: bool
) -> None:
    """One of failure, error, skipped or nothing (a pass), in that order of precedence."""
    found = [f for f in result.findings if f.location.input == name]
    waived = [f for f in result.waived if f.location.input == name]
    if found or unlisted:
        _failure(case, result, found)
    elif result.verdict is Verdict.ERROR:
        _child(case, "error", result.reason or "the check failed", kind="error")
    elif result.verdict is Verdict.NOT_APPLICABLE:
        _child(case, "skipped", result.reason or "nothing to examine")
    elif waived:
        _child(case, "skipped", f"waived: {_count(len(waived))} ({_justification(report, result)})")


def _failure(case: etree._Element, result: RequirementResult, found: list[Finding]) -> None:
    if found:
        message, text = _count(len(found)), "\n\n".join(map(_describe, found))
    else:
        message = _count(result.finding_count - len(result.waived))
        text = "the findings lie beyond the report's cap; see the JSON report's finding_count"
    failure = _child(case, "failure", message, kind=_rule_name(result))
    failure.text = _xml(text)


def _describe(finding: Finding) -> str:
    where = str(finding.location)
    lines = [
        finding.message,
        f"  at {where}",
        f"  severity {finding.severity.value}, confidence {finding.confidence.value}",
    ]
    if finding.evidence is not None:
        lines.append(f"  evidence (redacted): {finding.evidence}")
    return "\n".join(lines)


def _justification(report: Report, result: RequirementResult) -> str:
    mine = [w for w in report.waivers if w.requirement == result.id and w.status == "applied"]
    texts = [w.justification for w in mine]
    return "; ".join(dict.fromkeys(texts)) or "waiver"


def _rule_name(result: RequirementResult) -> str:
    """The failure's ``type``: the requirement's stable slug (``identifying-field``)."""
    requirement = CATALOGUE.get(result.id)
    return requirement.name if requirement is not None else result.id


def _child(case: etree._Element, tag: str, message: str, kind: str | None = None) -> etree._Element:
    element = etree.SubElement(case, tag, message=_xml(message))
    if kind is not None:
        element.set("type", _xml(kind))
    return element


def _count(n: int) -> str:
    return f"{n} finding" if n == 1 else f"{n} findings"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
