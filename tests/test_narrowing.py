"""What a supplier's CI may narrow, and a certification run may not: --select/--ignore by family
or ID prefix, a baseline of known findings (only new ones fail), and progress that suits the
place it is shown."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from conformance import selfcheck
from conformance.model.errors import UserError
from conformance.model.selection import Selection
from conformance.progress import ProgressBar, ProgressLines, progress_for

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "fixtures" / "NAW-001" / "fail_uwlr_pseudoniem_names_bsn.xml"


def test_selection_by_family_and_prefix() -> None:
    chosen = Selection.parse("naw, PSN-00", "PSN-003")
    assert [
        r for r in ("NAW-001", "NAW-002", "PSN-001", "PSN-003", "LNK-001") if chosen.wants(r)
    ] == [
        "NAW-001",
        "NAW-002",
        "PSN-001",
    ]
    assert chosen.describe() == "--select NAW,PSN-00 --ignore PSN-003"
    assert Selection.parse(None, "LNK").wants("NAW-001") and not Selection.parse(None, "LNK").wants(
        "LNK-004"
    )
    with pytest.raises(UserError, match="XYZ names no requirement"):
        Selection.parse("XYZ", None)


def test_check_reports_only_the_selected_requirements(cli) -> None:
    run = cli(
        "check", "--profile", "uwlr-2.2", "--purpose", "pseudoniem", "--select", "PSN", FAILING
    )
    verdicts = {r["id"]: r for r in run.report["requirements"]}
    assert verdicts["NAW-001"]["verdict"] == "not_applicable"
    assert verdicts["NAW-001"]["reason"] == "not selected (--select PSN)"
    assert verdicts["PSN-001"]["verdict"] == "pass"
    assert run.code == 0  # the NAW-001 failure was not selected
    ignored = cli(
        "check", "--profile", "uwlr-2.2", "--purpose", "pseudoniem", "--ignore", "PSN", FAILING
    )
    assert ignored.code == 1 and ignored.verdict("NAW-001") == "fail"


def _config(tmp_path: Path) -> Path:
    export = tmp_path / "export.xml"
    shutil.copy(FAILING, export)
    config = tmp_path / "conformance.toml"
    config.write_text(
        'profile = "uwlr-2.2"\npurpose = "pseudoniem"\n[inputs]\nexports = ["export.xml"]\n'
    )
    return config


@pytest.fixture
def certifiable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selfcheck, "build_problems", list)


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (("--select", "NAW"), "a selection of requirements (--select NAW) is never allowed"),
        (("--baseline", "b.json", "--update-baseline"), "a baseline of known findings (b.json) is"),
    ],
)
def test_narrowing_is_never_allowed_in_a_certification_run(
    tmp_path: Path, cli, certifiable, args: tuple[str, ...], refusal: str
) -> None:
    run = cli("certify", "--config", _config(tmp_path), "--output", tmp_path / "out", *args)
    assert run.code == 2
    assert refusal in run.err
    assert not (tmp_path / "out").exists()


def test_a_baseline_fails_only_on_new_findings(tmp_path: Path, cli, certifiable) -> None:
    config = _config(tmp_path)
    baseline = tmp_path / "baseline.json"
    out = tmp_path / "out"
    common = ("certify", "--config", config, "--output", out, "--draft", "--baseline", baseline)
    first = cli(*common, "--update-baseline")
    assert first.code == 0, first.err
    keys = json.loads(baseline.read_text())["findings"]
    assert any(k.startswith("NAW-001 ") and k.endswith(" bsn") for k in keys)
    report = json.loads((out / "report.json").read_text())
    naw = next(r for r in report["requirements"] if r["id"] == "NAW-001")
    assert naw["verdict"] == "waived" and naw["waived_findings"]
    assert {w["status"] for w in report["waivers"]} == {"baseline"}
    assert "a baseline of known findings" in " ".join(report["certification"]["reasons"])
    again = cli(*common)
    assert again.code == 0, again.err
    # a new finding: the same export with an e-mail address added to a pupil
    export = tmp_path / "export.xml"
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("</roepnaam>", "</roepnaam><emailadres>a@b.nl</emailadres>", 1))
    new = cli(*common)
    assert new.code == 1, new.err
    # fixed findings leave entries behind: said, not failed
    shutil.copy(ROOT / "fixtures" / "NAW-001" / "pass_uwlr_pseudoniem.xml", export)
    fixed = cli(*common)
    assert "baseline entries no longer occur" in fixed.err


def test_a_missing_baseline_is_a_clear_error(tmp_path: Path, cli, certifiable) -> None:
    run = cli(
        "certify", "--config", _config(tmp_path), "--draft", "--baseline", tmp_path / "nope.json"
    )
    assert run.code == 2
    assert "no such baseline; make it with --baseline FILE --update-baseline" in run.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert isinstance(progress_for(_Terminal()), ProgressBar)
    assert isinstance(progress_for(io.StringIO()), ProgressLines)
    monkeypatch.setenv("CI", "true")
    assert isinstance(progress_for(_Terminal()), ProgressLines)


def test_the_bar_redraws_in_place_and_ends_its_line() -> None:
    ticks = iter([0.0, 0.05, 0.2, 0.3])
    screen = _Terminal()
    bar = ProgressBar(screen, clock=lambda: next(ticks))
    for share in (0.0, 0.1, 0.5, 1.0):
        bar("probing api.example.nl", share, share * 10)
    drawn = screen.getvalue()
    assert drawn.count("\r") == 3  # the draw at 0.05 s came too soon after the first
    assert "50% probing api.example.nl · 5 s" in drawn
    assert drawn.endswith("\033[K\n") and "\n" not in drawn[:-1]


def test_lines_come_once_per_tenth() -> None:
    log = io.StringIO()
    lines = ProgressLines(log)
    for step in range(101):
        lines("reading export.xml", step / 100, step / 10)
    assert log.getvalue().count("\n") == 11
    assert "conformance: reading export.xml: 50% after 5 s\n" in log.getvalue()
