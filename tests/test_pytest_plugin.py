"""The pytest plugin: a supplier's `pytest --conformance-config conformance.toml` shows every
requirement × input as a test item, runs the checks once, respects -k/-m (and does not run at
all when they leave nothing), and without the option changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from conformance import certify
from conformance.model.findings import Finding, Location
from conformance.model.report import Certification, Report, WaiverRecord
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FAILING = FIXTURES / "NAW-001" / "fail_generic_parent_email_phone.json"
PASSING = FIXTURES / "sample-supplier" / "licenties.jsonl"
NO_INPUT = "—"


def _plugin_args() -> list[str]:
    """The installed entry point loads the plugin; a checkout whose venv predates it (no
    `pip install -e .` since) gets it with -p instead (both at once would register it twice)."""
    loaded = any(ep.value == "conformance.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if loaded else ["-p", "conformance.pytest_plugin"]


def _config_text(*exports: Path) -> str:
    listed = ", ".join(json.dumps(str(p)) for p in exports)
    return f'profile = "nl-generic"\n\n[inputs]\nexports = [{listed}]\n'


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """A supplier's project: one test of its own and a config naming a failing and a passing
    export (no [probe]: nothing leaves this machine)."""
    pytester.makepyfile(test_own="def test_own():\n    assert True\n")
    return pytester.makefile(".toml", conformance=_config_text(FAILING, PASSING))


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[certify.CertifyConfig]:
    """Every certify run the plugin starts (the real one, counted)."""
    seen: list[certify.CertifyConfig] = []
    real = certify.certify

    def counted(config: certify.CertifyConfig, *args: Any, **kwargs: Any) -> certify.Outcome:
        seen.append(config)
        return real(config, *args, **kwargs)

    monkeypatch.setattr(certify, "certify", counted)
    return seen


def _run(pytester: pytest.Pytester, *args: str) -> pytest.HookRecorder:
    return pytester.inline_run(*_plugin_args(), "-p", "no:cacheprovider", *args)


def _reports(recorder: pytest.HookRecorder) -> dict[str, pytest.TestReport]:
    """Per node id the report that decides its outcome (setup for skips and errors)."""
    decided: dict[str, pytest.TestReport] = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        if report.when == "call" or report.outcome != "passed":
            decided.setdefault(report.nodeid, report)
    return decided


def _item(rid: str, name: str | Path) -> str:
    return f"conformance.toml::{rid}[{name}]"


def _expected(config: Path) -> Report:
    """The same run as the plugin's, made directly: what the items must show."""
    loaded = certify.load(config)
    return certify.certify(loaded, Certification(eligible=False), command="test").report


def test_failing_requirement_is_a_failed_item_with_its_findings(
    pytester: pytest.Pytester, project: Path
) -> None:
    reports = _reports(_run(pytester, "--conformance-config", str(project)))
    naw = next(r for r in _expected(project).requirements if r.id == "NAW-001")
    assert naw.findings, "the fixture must fail NAW-001"
    failed = reports[_item("NAW-001", FAILING)]
    assert failed.failed
    text = failed.longreprtext
    for finding in naw.findings:
        assert finding.message in text
        assert f"at {finding.location}" in text
        assert finding.evidence is not None
        assert f"evidence (redacted): {finding.evidence}" in text
    assert f"fix: {naw.fix}" in text
    assert "Traceback" not in text
    assert "NotMetError" not in text  # repr_failure: the message, not the exception
    raw = json.loads(FAILING.read_text(encoding="utf-8"))[0]["ouder"]
    assert raw["email"] not in text
    assert raw["telefoon"] not in text


def test_every_requirement_is_an_item_per_input(pytester: pytest.Pytester, project: Path) -> None:
    reports = _reports(_run(pytester, "--conformance-config", str(project)))
    assert reports["test_own.py::test_own"].passed
    assert reports[_item("NAW-001", PASSING)].passed
    assert not [n for n, r in reports.items() if str(PASSING) in n and r.failed]
    expected = _expected(project)
    for result in expected.requirements:
        names = [NO_INPUT] if not result.checked else [FAILING, PASSING]
        for name in names:
            report = reports.pop(_item(result.id, name))
            assert {result.id.split("-")[0].lower(), "conformance"} <= set(report.keywords)
            if result.verdict is Verdict.NOT_APPLICABLE:
                assert report.skipped
                assert f"{result.id}: {result.reason}" in str(report.longrepr)
    assert list(reports) == ["test_own.py::test_own"]  # nothing but requirement × input


def test_mark_selects_a_family_under_strict_markers(
    pytester: pytest.Pytester, project: Path
) -> None:
    recorder = _run(pytester, "--conformance-config", str(project), "--strict-markers", "-m", "naw")
    reports = _reports(recorder)
    naw = sorted(rid for rid in CATALOGUE if rid.startswith("NAW-"))
    assert sorted(reports) == sorted(_item(rid, n) for rid in naw for n in (FAILING, PASSING))
    assert recorder.ret == pytest.ExitCode.TESTS_FAILED  # NAW-001 fails; no marker error


def test_keyword_selects_by_name(pytester: pytest.Pytester, project: Path) -> None:
    reports = _reports(_run(pytester, "--conformance-config", str(project), "-k", "PSN-002"))
    assert sorted(reports) == sorted(_item("PSN-002", n) for n in (FAILING, PASSING))


def test_the_checks_run_once(
    pytester: pytest.Pytester, project: Path, runs: list[certify.CertifyConfig]
) -> None:
    result = pytester.runpytest(*_plugin_args(), "--conformance-config", str(project))
    assert len(runs) == 1
    assert runs[0].source == project
    result.stdout.fnmatch_lines(
        [
            "conformance: ran once: nl-generic/pseudoniem over 2 input(s): fail",
            "conformance: NOT FOR CERTIFICATION: *a draft run (--draft)",
            f"conformance: full report: conformance certify --config {project} --draft *",
        ]
    )


@pytest.mark.parametrize(
    "selection",
    [
        ("-m", "not conformance"),
        ("-k", "test_own"),
        ("-m", "naw and psn"),
        ("--co", "-k", "not conformance.toml"),
        ("--deselect", "conformance.toml"),
    ],
)
def test_nothing_selected_runs_nothing(
    pytester: pytest.Pytester,
    project: Path,
    runs: list[certify.CertifyConfig],
    selection: tuple[str, ...],
) -> None:
    result = pytester.runpytest(*_plugin_args(), "--conformance-config", str(project), *selection)
    assert runs == []
    result.stdout.fnmatch_lines(["conformance: not run (every conformance item deselected)"])


def test_a_selection_that_keeps_an_unchecked_item_runs(
    pytester: pytest.Pytester, project: Path, runs: list[certify.CertifyConfig]
) -> None:
    """-m api: without [probe] no API requirement is examined, but each is still an item (at
    "—"), so the run must happen to say so."""
    reports = _reports(_run(pytester, "--conformance-config", str(project), "-m", "api"))
    assert len(runs) == 1
    api = [rid for rid in CATALOGUE if rid.startswith("API-")]
    assert set(reports) <= {_item(rid, n) for rid in api for n in (NO_INPUT, FAILING, PASSING)}
    assert _item("API-001", NO_INPUT) in reports


def test_inert_without_a_config(
    pytester: pytest.Pytester, project: Path, runs: list[certify.CertifyConfig]
) -> None:
    """A conformance.toml beside the tests changes nothing unless the option names it."""
    recorder = _run(pytester, "--strict-markers")
    assert list(_reports(recorder)) == ["test_own.py::test_own"]
    assert runs == []
    result = pytester.runpytest(*_plugin_args(), "--markers")
    assert "conformance" not in result.stdout.str()
    assert "naw:" not in result.stdout.str()


def test_ini_option_is_relative_to_the_ini_file(
    pytester: pytest.Pytester, project: Path, runs: list[certify.CertifyConfig]
) -> None:
    pytester.makeini("[pytest]\nconformance_config = conformance.toml\n")
    reports = _reports(_run(pytester, "-m", "naw"))
    assert reports[_item("NAW-001", FAILING)].failed
    assert [c.source for c in runs] == [project]


def test_inputs_in_the_project_are_named_as_the_config_names_them(
    pytester: pytest.Pytester,
) -> None:
    exports = pytester.mkdir("exports")
    (exports / PASSING.name).write_bytes(PASSING.read_bytes())
    config = pytester.makefile(".toml", conformance=_config_text(Path("exports/*.jsonl")))
    reports = _reports(_run(pytester, "--conformance-config", str(config), "-k", "NAW-001"))
    assert list(reports) == [_item("NAW-001", "exports/licenties.jsonl")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[inputs]\nexports = []\n", "conformance.toml:profile: name the profile"),
        ('profile = "nl-generic"\n[inputs]\nexports = ["nope/*.json"]\n', "matches no file"),
        ('profile = "no-such-profile"\n[inputs]\nexports = ["x.json"]\n', "no-such-profile"),
    ],
)
def test_a_bad_config_is_a_usage_error(
    pytester: pytest.Pytester, text: str, problem: str, runs: list[certify.CertifyConfig]
) -> None:
    pytester.makefile(".json", x="[]")
    config = pytester.makefile(".toml", conformance=text)
    result = pytester.runpytest(*_plugin_args(), "--conformance-config", str(config))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR: conformance: ")]
    assert len(errors) == 1
    assert problem in errors[0]
    assert "Traceback" not in result.stderr.str()
    assert runs == []


def test_a_missing_config_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*_plugin_args(), "--conformance-config", "absent.toml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: conformance: *absent.toml: no such file"])


def _altered(change: Callable[[certify.Outcome], certify.Outcome]) -> Callable[..., Any]:
    real = certify.certify

    def run(*args: Any, **kwargs: Any) -> certify.Outcome:
        return change(real(*args, **kwargs))

    return run


def _set(report: Report, rid: str, **changes: Any) -> Report:
    results = tuple(replace(r, **changes) if r.id == rid else r for r in report.requirements)
    return replace(report, requirements=results)


def test_errors_waivers_and_stale_waivers(
    pytester: pytest.Pytester, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crashed check is an error (at setup, with its reason, no traceback); waived findings
    only are skipped with the justification; a stale waiver is a failing item of its own; a
    finding at an input the report does not list (a probe's URL) gets items of its own."""
    url = "https://api.example"
    waived = Finding("NAW-002", "free text", Location(str(PASSING), 3, "/note"))
    probed = Finding("API-003", "read as school B", Location(url, None, "GET /v1/pupils/1"))
    waiver = WaiverRecord(
        "NAW-002", "*", "screened by the school", "o@x", "2099-01-01", None, "applied", 1
    )

    def change(outcome: certify.Outcome) -> certify.Outcome:
        report = _set(outcome.report, "NAW-002", verdict=Verdict.WAIVED, waived=(waived,))
        report = _set(report, "PSN-001", verdict=Verdict.ERROR, reason="check crashed: KeyError")
        report = _set(
            report, "API-003", checked=True, verdict=Verdict.FAIL, findings=(probed,), examined=1
        )
        report = replace(report, waivers=(waiver,))
        return certify.Outcome(report, ("waiver 2 (MIN-001, scope *, owner o@x) expired",))

    monkeypatch.setattr(certify, "certify", _altered(change))
    reports = _reports(_run(pytester, "--conformance-config", str(project)))
    error = reports[_item("PSN-001", PASSING)]
    assert error.when == "setup"
    assert error.failed
    assert "check crashed: KeyError" in error.longreprtext
    assert "Traceback" not in error.longreprtext
    skipped = reports[_item("NAW-002", PASSING)]
    assert skipped.skipped
    assert "waived: 1 finding (screened by the school)" in str(skipped.longrepr)
    assert reports[_item("NAW-002", FAILING)].passed
    stale = reports["conformance.toml::waivers[1]"]
    assert stale.failed
    assert "expired" in stale.longreprtext
    assert reports[_item("API-003", url)].failed
    assert reports[_item("NAW-001", url)].passed  # the URL is an input of every requirement


def test_an_unreadable_input_is_one_collection_error_line(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    broken = pytester.makefile(".json", broken='[{"eckId": ')
    config = pytester.makefile(".toml", conformance=_config_text(broken))
    result = pytester.runpytest(*_plugin_args(), "--conformance-config", str(config))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["*ERROR collecting conformance.toml*", "conformance: *broken.json*"]
    )
    assert "Traceback" not in result.stdout.str()


def test_in_a_fresh_process(pytester: pytest.Pytester, project: Path) -> None:
    """What a supplier runs: a separate pytest process, the plugin found by its entry point."""
    help_text = pytester.runpytest_subprocess(*_plugin_args(), "--help").stdout.str()
    assert "--conformance-config=FILE" in help_text
    result = pytester.runpytest_subprocess(
        *_plugin_args(), "--conformance-config", "conformance.toml", "-rf", "-q"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"FAILED conformance.toml::NAW-001?{FAILING}?*"])
