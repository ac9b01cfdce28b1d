"""The pytest plugin: a supplier's conformance verdicts next to their own tests.

``pytest --conformance-config conformance.toml`` (or ``conformance_config`` in the pytest ini)
runs ``conformance certify --draft`` once and turns its report into test items: one per
requirement × input, named ``NAW-001[exports/leerlingen.json]``, under a node for the config
file, marked ``conformance`` and with the requirement's family (``-m naw``). Without the option
the plugin registers nothing but the option itself: every other project with conformance
installed, our own test suite among them, runs exactly as before.

When it runs: during collection, once. The items cannot be known before the run (which
requirements were examined at all, which inputs the findings name), and pytest fixes the item
set before ``-k``/``-m`` deselect and before the first item runs. So that deselecting every
conformance item (``-m "not conformance"``, ``-m naw`` in a run without NAW …) costs nothing,
stand-in items for every requirement × configured input are matched against ``-k``, ``-m`` and
``--deselect`` first: when none would be selected, the run does not happen. ``--collect-only``
does run it (listing the items is what it asks for).

A pytest run is never a certification run: it is always a draft, and the terminal summary says
so and names the command that writes the full report bundle.
"""

from __future__ import annotations

import shlex
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest

from conformance import certify
from conformance.model.errors import UserError
from conformance.model.findings import Finding
from conformance.model.report import NO_INPUT, Certification, Report, RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict

OPTION = "--conformance-config"
INI = "conformance_config"
MARKER = "conformance"
WAIVERS = "waivers"  # the name of the items for stale waivers (each fails, as in `certify`)

_FAMILIES = {
    "psn": "pseudonyms: present, well-formed, unique, the right kind",
    "naw": "no names, addresses or other direct identifiers",
    "min": "minimisation: only the fields and precision the purpose needs",
    "sep": "identities stored apart from pseudonyms",
    "lnk": "no linking of pseudonyms back to persons",
    "api": "the live API (probes)",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "privacy conformance (conformance certify --draft)")
    group.addoption(
        OPTION,
        metavar="FILE",
        default=None,
        help="run the conformance checks this config names (conformance.toml, or a "
        "pyproject.toml with [tool.conformance]) as test items; without it the plugin is inert",
    )
    parser.addini(
        INI, f"conformance config file, relative to this ini file (as {OPTION})", "string"
    )


def pytest_configure(config: pytest.Config) -> None:
    """Only with a config does anything happen: the config is read (a bad one is a usage error
    before any collection), the markers are registered and the plugin's hooks switched on."""
    path = config_path(config)
    if path is None:
        return
    try:
        loaded = certify.load(path)
        certification = certify.eligibility(loaded, draft=True)
    except UserError as exc:
        raise pytest.UsageError(f"conformance: {exc}") from None
    for name, text in markers().items():
        config.addinivalue_line("markers", f"{name}: {text}")
    config.pluginmanager.register(ConformanceRun(loaded, certification), ConformanceRun.NAME)


def config_path(config: pytest.Config) -> Path | None:
    """The option (relative to where pytest was started) wins over the ini value (relative to
    the ini file, as every path in an ini file is)."""
    given = config.getoption(OPTION)
    if given:
        return Path(config.invocation_params.dir, given).resolve()
    value = str(config.getini(INI) or "").strip()
    if not value:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return (base / value).resolve()


def markers() -> dict[str, str]:
    """``conformance`` and one marker per requirement family, taken from the catalogue (so a
    new family is marked too). Registered only when the plugin is active: ``api`` and ``min``
    are names another project may use for its own markers."""
    families = sorted({r.family.lower() for r in CATALOGUE.values()})
    found = {f: _FAMILIES.get(f, f"requirements {f.upper()}-*") for f in families}
    return {
        MARKER: "a conformance requirement checked on an input (conformance pytest plugin)",
        **{f: f"conformance {f.upper()}-*: {text}" for f, text in found.items()},
    }


class ConformanceRun:
    """The active plugin: one per pytest session that names a config; it holds the one run."""

    NAME = "conformance-run"

    def __init__(self, config: certify.CertifyConfig, certification: Certification) -> None:
        self.config = config
        self.certification = certification
        self.outcome: certify.Outcome | None = None
        self.skipped = False  # True: every conformance item was deselected, nothing ran

    @property
    def command(self) -> str:
        """How to get the same run's full report bundle outside pytest (its ``reproduce``)."""
        return shlex.join(
            ["conformance", "certify", "--config", str(self.config.source), "--draft"]
        )

    def run(self) -> certify.Outcome:
        """The certify run, at most once per session (probes send requests and take time)."""
        if self.outcome is None:
            self.outcome = certify.certify(self.config, self.certification, command=self.command)
        return self.outcome

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """The config file joins the session's top-level collectors, wherever it lies: it is
        not a file pytest would collect by walking the test folders."""
        report = yield
        if isinstance(collector, pytest.Session) and report.passed:
            report.result.append(ConformanceFile.from_parent(collector, path=self.config.source))
        return report

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        terminalreporter.write_sep("-", "conformance")
        for line in self.summary():
            terminalreporter.write_line(f"conformance: {line}")

    def summary(self) -> list[str]:
        if self.outcome is None:
            why = "every conformance item deselected" if self.skipped else "not collected"
            return [f"not run ({why})"]
        report = self.outcome.report
        profile = f"{report.profile.id}/{report.profile.purpose}"
        lines = [f"ran once: {profile} over {len(report.inputs)} input(s): {report.verdict.value}"]
        if not self.certification.eligible:
            lines.append("NOT FOR CERTIFICATION: " + "; ".join(self.certification.reasons))
        return [*lines, f"full report: {self.command} --output DIR"]


class NotMetError(Exception):
    """A requirement not met at an input: shown as its message, never as a traceback."""


class ConformanceFile(pytest.File):
    """The node for the config file; its items are the run's requirement × input pairs."""

    def collect(self) -> Iterator[pytest.Item]:
        run: ConformanceRun = self.config.pluginmanager.getplugin(ConformanceRun.NAME)
        if not may_be_selected(self, run.config):
            run.skipped = True
            return
        outcome = run.run()
        base = run.config.source.parent
        for result, name, expected in cases(outcome.report):
            yield ConformanceItem.from_parent(
                self, name=f"{result.id}[{shown(name, base)}]", rid=result.id, expected=expected
            )
        for number, problem in enumerate(outcome.problems, start=1):
            yield ConformanceItem.from_parent(
                self, name=f"{WAIVERS}[{number}]", rid=None, expected=Expected("fail", problem)
            )

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | Any:
        """An input that cannot be read is one line, as on the command line."""
        if isinstance(excinfo.value, UserError):
            return f"conformance: {excinfo.value}"
        return super().repr_failure(excinfo)


@dataclass(frozen=True, slots=True)
class Expected:
    """What one item does: ``pass``, ``fail`` (findings), ``error`` (the check could not run)
    or ``skip``; ``text`` is the failure message or the skip reason."""

    kind: Literal["pass", "fail", "error", "skip"]
    text: str = ""


class ConformanceItem(pytest.Item):
    """One requirement at one input. The verdict is already known from the run; the item only
    reports it, so running, re-running or ordering items never runs a check again."""

    def __init__(self, *, rid: str | None, expected: Expected, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expected = expected
        self.add_marker(MARKER)
        if rid is not None:
            self.add_marker(CATALOGUE[rid].family.lower())
        if expected.kind == "skip":
            # A skip marker (not pytest.skip in runtest) so the skip is reported at the config
            # file, not at a line of this plugin.
            self.add_marker(pytest.mark.skip(reason=expected.text))

    def setup(self) -> None:
        """A check that crashed is an error (the requirement could not be judged), not a
        failure (the requirement is not met), as in the JUnit report."""
        if self.expected.kind == "error":
            pytest.fail(self.expected.text, pytrace=False)

    def runtest(self) -> None:
        if self.expected.kind == "fail":
            raise NotMetError(self.expected.text)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, NotMetError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


# --- which items, with which outcome -------------------------------------------------------


def cases(report: Report) -> Iterator[tuple[RequirementResult, str, Expected]]:
    """Every requirement × input with what its item does; a requirement no check examined is
    one skipped item at ``—`` (it has nothing to say about any input)."""
    names = report.input_names()
    for result in report.requirements:
        if not result.checked:
            why = result.reason or "not examined"
            yield result, NO_INPUT, Expected("skip", f"{result.id}: {why}")
            continue
        # A failure whose findings all lie beyond the report's cap still fails, at one input.
        unlisted = result.verdict is Verdict.FAIL and not result.findings
        for index, name in enumerate(names):
            yield result, name, expected(report, result, name, unlisted=unlisted and index == 0)


def expected(
    report: Report, result: RequirementResult, name: str, *, unlisted: bool = False
) -> Expected:
    """Findings at this input fail it (so a red item points at the input to fix); then an error
    verdict, not applicable, waived findings only (skipped, with the justification: a waiver
    is a documented exception, neither a pass nor a failure), else a pass."""
    found = [f for f in result.findings if f.location.input == name]
    if found or unlisted:
        return Expected("fail", failure_text(result, name, found))
    if result.verdict is Verdict.ERROR:
        why = result.reason or "no reason recorded"
        return Expected("error", f"{result.id}: the check could not run: {why}")
    if result.verdict is Verdict.NOT_APPLICABLE:
        return Expected("skip", f"{result.id}: {result.reason or 'nothing to examine'}")
    waived = [f for f in result.waived if f.location.input == name]
    if waived:
        why = justification(report, result)
        return Expected("skip", f"{result.id}: waived: {_count(len(waived))} ({why})")
    return Expected("pass")


def failure_text(result: RequirementResult, name: str, found: list[Finding]) -> str:
    """The findings (message, place, redacted evidence: a finding never holds a raw value) and
    the documented fix."""
    title = result.title.get("en") or result.id
    if found:
        head = f"{result.id} {title}: {_count(len(found))} at {name}"
        body = [_describe(f) for f in found]
    else:
        head = f"{result.id} {title}: {_count(result.finding_count)}"
        body = ["the findings lie beyond the report's cap; see the JSON report's finding_count"]
    fix = [f"fix: {result.fix}"] if result.fix else []
    return "\n".join([head, *body, *fix])


def _describe(finding: Finding) -> str:
    lines = [f"- {finding.message}", f"  at {finding.location}"]
    if finding.evidence is not None:
        lines.append(f"  evidence (redacted): {finding.evidence}")
    return "\n".join(lines)


def justification(report: Report, result: RequirementResult) -> str:
    texts = [
        w.justification
        for w in report.waivers
        if w.requirement == result.id and w.status == "applied"
    ]
    return "; ".join(dict.fromkeys(texts)) or "waiver"


def shown(name: str, base: Path) -> str:
    """An input as the config names it: relative to the config's folder when inside it."""
    try:
        return Path(name).relative_to(base).as_posix()
    except ValueError:
        return name


def _count(n: int) -> str:
    return f"{n} finding" if n == 1 else f"{n} findings"


# --- deselection before the run ------------------------------------------------------------


def may_be_selected(parent: ConformanceFile, config: certify.CertifyConfig) -> bool:
    """Would ``-k``, ``-m`` or ``--deselect`` leave any conformance item? Asked of stand-ins
    for every requirement at every configured input (and at ``—``), which carry the real
    items' names and markers. pytest offers no public matcher, so its internal ones are used;
    should they change, the answer is yes (a run too many, never a run missing)."""
    base = config.source.parent
    names = [shown(n, base) for n in config.inputs] + [NO_INPUT]
    if config.probe is not None:
        names.append(config.probe.base_url)
    stand_ins = [
        ConformanceItem.from_parent(parent, name=f"{rid}[{n}]", rid=rid, expected=Expected("pass"))
        for rid in CATALOGUE
        for n in names
    ]
    if config.waivers is not None:
        stand_ins.append(
            ConformanceItem.from_parent(
                parent, name=f"{WAIVERS}[1]", rid=None, expected=Expected("pass")
            )
        )
    return any(_selected(parent.config, stand_ins))


def _selected(config: pytest.Config, items: list[ConformanceItem]) -> Iterable[bool]:
    prefixes = tuple(config.getoption("deselect") or ())
    kept = [i for i in items if not (prefixes and i.nodeid.startswith(prefixes))]
    try:
        return _matching(config, kept)
    except Exception:  # pytest's internals changed: run rather than guess
        return [bool(kept)]


def _matching(config: pytest.Config, items: list[ConformanceItem]) -> list[bool]:
    from _pytest.mark import KeywordMatcher, MarkMatcher  # noqa: PLC0415  (private, guarded)
    from _pytest.mark.expression import Expression  # noqa: PLC0415

    keyword = str(config.option.keyword or "").strip()
    mark = str(config.option.markexpr or "").strip()
    by_keyword = Expression.compile(keyword) if keyword else None
    by_mark = Expression.compile(mark) if mark else None
    return [
        (by_keyword is None or by_keyword.evaluate(KeywordMatcher.from_item(item)))
        and (by_mark is None or by_mark.evaluate(MarkMatcher.from_markers(item.iter_markers())))
        for item in items
    ]
