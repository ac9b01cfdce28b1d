"""`conformance certify`: the bundled reference supplier certifies, the leaky one does not, each
with every format written; reports sign and verify, a one-byte change does not; the toolkit
refuses to certify where it may not; waivers are governed; bad config is exit 2 with nothing
written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from lxml import etree
from test_suppliers import SCHOOL_A, SCHOOL_B, supplier

from conformance import selfcheck
from conformance.reporters import json as json_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "sample-supplier"
BUNDLE = {"report.json", "report.html", "report.junit.xml", "report.sarif", "summary.md"}


@pytest.fixture(autouse=True)
def schools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_SCHOOL_A", SCHOOL_A)
    monkeypatch.setenv("PROBE_SCHOOL_B", SCHOOL_B)


@pytest.fixture
def certifiable(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test run's own build may be a source tree; the self-check is tested on a real
    installed build in test_selfcheck.py, and here it is taken as passed."""
    monkeypatch.setattr(selfcheck, "build_problems", list)


def _config(tmp_path: Path, base: str, extra: str = "") -> Path:
    """The sample supplier's config, its paths made absolute and the API at ``base``."""
    text = (SAMPLE / "conformance.toml").read_text(encoding="utf-8")
    text = text.replace('"http://127.0.0.1:8080"', json.dumps(base))
    text = text.replace("sqlite:///reports/sample-supplier.db", f"sqlite:///{tmp_path / 's.db'}")
    text = text.replace('"licenties.jsonl"', json.dumps(str(SAMPLE / "licenties.jsonl")))
    text = text.replace(
        '"../suppliers/openapi.yaml"', json.dumps(str(ROOT / "fixtures/suppliers/openapi.yaml"))
    )
    path = tmp_path / "conformance.toml"
    path.write_text(extra + text, encoding="utf-8")
    return path


@contextmanager
def _certified(tmp_path: Path, cli, mistakes: str = "", *args: str) -> Iterator[tuple]:
    out = tmp_path / "out"
    with supplier(tmp_path, mistakes) as base:
        run = cli("certify", "--config", _config(tmp_path, base), "--output", out, *args)
    yield run, out


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _verdicts(report: dict) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in report["requirements"]}


def test_the_reference_supplier_certifies_with_every_format(
    tmp_path: Path, cli, certifiable
) -> None:
    with _certified(tmp_path, cli) as (run, out):
        assert run.code == 0, run.err
    assert {p.name for p in out.iterdir()} == BUNDLE
    report = _report(out)
    json_report.validate(report)
    assert report["verdict"] == "pass"
    certification = report["certification"]
    assert (certification["eligible"], certification["reasons"]) == (True, [])
    verdicts = _verdicts(report)
    for rid in ("API-001", "API-003", "API-004", "NAW-001", "SEP-001", "SEP-002", "API-007"):
        assert verdicts[rid] == "pass", rid
    kinds = {i["kind"] for i in report["inputs"]}
    assert kinds == {"export", "spec", "database", "api"}
    (api,) = [i for i in report["inputs"] if i["kind"] == "api"]
    config_hash = hashlib.sha256((tmp_path / "conformance.toml").read_bytes()).hexdigest()
    assert (api["format"], api["sha256"]) == ("live-api", config_hash)
    assert 100 < api["records"] <= 400  # the requests sent, within max_requests
    assert report["reproduce"]["seed"] == 20261129
    assert report["reproduce"]["command"].startswith("conformance certify --config ")
    assert f"reports in {out}/" in run.err


def test_the_leaky_supplier_fails_with_every_format(tmp_path: Path, cli, certifiable) -> None:
    with _certified(tmp_path, cli, "echo_names") as (run, out):
        assert run.code == 1, run.err
    assert {p.name for p in out.iterdir()} == BUNDLE
    report = _report(out)
    assert report["verdict"] == "fail"
    assert _verdicts(report)["API-001"] == "fail"
    assert _verdicts(report)["SEP-001"] == "fail"  # it keeps the names beside the pseudonym
    junit = etree.parse(str(out / "report.junit.xml"))
    assert junit.xpath("count(//testcase[@classname='API-001']/failure)") >= 1
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    assert "API-001" in {r["ruleId"] for r in sarif["runs"][0]["results"]}


def test_a_signed_report_verifies_and_a_one_byte_change_does_not(
    tmp_path: Path, cli, certifiable
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    assert cli("keygen", "--out", keys / "certifier").code == 0
    with _certified(tmp_path, cli, "", "--sign-key", str(keys / "certifier.key")) as (run, out):
        assert run.code == 0, run.err
    report_file = out / "report.json"
    fingerprint = _report(out)["signature"]["key_fingerprint"]
    assert fingerprint in (out / "report.html").read_text(encoding="utf-8")
    ok = cli("verify", report_file, "--key", keys / "certifier.pub")
    assert ok.code == 0, ok.err
    assert f"valid, signed by key {fingerprint}" in ok.err
    data = report_file.read_bytes()
    at = data.index(b'"generated_at": "') + len(b'"generated_at": "')
    for changed in (data[:at] + b"3" + data[at + 1 :], data.replace(b"\n", b"\r\n", 1)):
        report_file.write_bytes(changed)
        bad = cli("verify", report_file, "--key", keys / "certifier.pub")
        assert bad.code == 1, bad.err
        assert "INVALID" in bad.err
    report_file.write_bytes(data)
    other = tmp_path / "other"
    assert cli("keygen", "--out", other).code == 0
    wrong = cli("verify", report_file, "--key", f"{other}.pub")
    assert (wrong.code, "signed with another key" in wrong.err) == (1, True)


def test_verify_rechecks_the_inputs_at_hand(tmp_path: Path, cli, certifiable) -> None:
    export = tmp_path / "licenties.jsonl"
    export.write_bytes((SAMPLE / "licenties.jsonl").read_bytes())
    keys = tmp_path / "k"
    cli("keygen", "--out", keys)
    out = tmp_path / "out"
    config = tmp_path / "c.toml"
    config.write_text(
        'profile = "nl-generic"\n[subject]\nsupplier = "S"\n'
        '[inputs]\nexports = ["licenties.jsonl"]\n'
    )
    run = cli("certify", "--config", config, "--output", out, "--sign-key", f"{keys}.key")
    assert run.code == 0, run.err
    assert cli("verify", out / "report.json", "--key", f"{keys}.pub").code == 0
    export.write_bytes(export.read_bytes().replace(b"8", b"9", 1))
    changed = cli("verify", out / "report.json", "--key", f"{keys}.pub")
    assert changed.code == 1
    assert f"input {export} changed since the report" in changed.err


def test_it_refuses_to_certify_from_a_development_build(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selfcheck, "build_problems", lambda: ["an editable (development) install"])
    out = tmp_path / "out"
    with supplier(tmp_path) as base:
        refused = cli("certify", "--config", _config(tmp_path, base), "--output", out)
        assert refused.code == 2
        assert "refusing to certify: an editable (development) install" in refused.err
        assert not out.exists()
        draft = cli("certify", "--config", _config(tmp_path, base), "--output", out, "--draft")
    assert draft.code == 0, draft.err
    certification = _report(out)["certification"]
    assert (certification["eligible"], certification["reasons"]) == (
        False,
        ["an editable (development) install", "a draft run (--draft)"],
    )
    assert "NIET VOOR CERTIFICERING" in (out / "report.html").read_text(encoding="utf-8")
    assert "NOT FOR CERTIFICATION" in draft.err


def test_a_custom_profile_never_certifies(tmp_path: Path, cli, certifiable) -> None:
    custom = tmp_path / "mine.yaml"
    custom.write_text((ROOT / "profiles" / "nl-generic.yaml").read_text(encoding="utf-8"))
    config = tmp_path / "c.toml"
    config.write_text(
        'profile = "mine.yaml"\n[inputs]\n'
        f"exports = [{json.dumps(str(SAMPLE / 'licenties.jsonl'))}]\n"
    )
    run = cli("certify", "--config", config, "--output", tmp_path / "out")
    assert run.code == 2
    assert "profile nl-generic is not a shipped profile" in run.err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[inputs]\nexports = ["x.xml"]\n', "profile: name the profile"),
        (
            'profile = "nl-generic"\n[inputs]\nexports = ["nothing-*.xml"]\n',
            "inputs.exports: nothing-*.xml matches no file",
        ),
        *(
            (f'profile = "nl-generic"\n[inputs]\nexports = ["{p}"]\n', "not a file pattern")
            for p in ("/", ".", "./", "//", "/.", ".//")
        ),
        ('profile = "nl-generic"\n', "inputs: nothing to certify"),
        ('profile = "nl-generic"\n[inputs\n', "invalid TOML"),
        ('profile = "nl-generic"\n[inputs]\nexport = ["x.xml"]\n', "inputs.export: unknown key"),
        ('profile = "nl-generic"\npurpse = "x"\n', "purpse: unknown key; expected one of"),
        ('profile = "nl-generic"\n[subject]\nname = "x"\n', "subject.name: unknown key"),
        # a right-to-left override would make the signed report name another supplier
        (
            'profile = "nl-generic"\n[subject]\nsupplier = "Voorbeeld \u202eVB"\n',
            "subject.supplier: holds control or invisible formatting characters",
        ),
        ('profile = "nl-generic"\nenvironment = "Productie"\n', "'Productie': use production or"),
        (
            'profile = "nl-generic"\n[probe]\nmax_request = 5\n',
            "probe.max_request: unknown key",
        ),
    ],
)
def test_bad_config_is_one_line_and_nothing_is_written(
    tmp_path: Path, cli, certifiable, config: str, message: str
) -> None:
    path = tmp_path / "conformance.toml"
    path.write_text(config)
    run = cli("certify", "--config", path, "--output", tmp_path / "out")
    assert run.code == 2
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


WAIVER = """[[waiver]]
requirement = "NAW-001"
scope = "fail_*.xml"
justification = "Names are needed for the class overview until the ECK iD rollout completes."
owner = "privacy@voorbeeld.nl"
expires = {expires}
approved_by = "Ketenplatform"
"""


def _waived_run(tmp_path: Path, cli, expires: str):
    failing = ROOT / "fixtures" / "NAW-001" / "fail_uwlr_pseudoniem_names_bsn.xml"
    (tmp_path / "waivers.toml").write_text(WAIVER.format(expires=expires))
    config = tmp_path / "c.toml"
    config.write_text(
        'profile = "uwlr-2.2"\npurpose = "pseudoniem"\nwaivers = "waivers.toml"\n'
        f"[inputs]\nexports = [{json.dumps(str(failing))}]\n"
    )
    out = tmp_path / "out"
    return cli("certify", "--config", config, "--output", out), out


def test_a_waived_requirement_is_listed_in_every_format(tmp_path: Path, cli, certifiable) -> None:
    run, out = _waived_run(tmp_path, cli, "2099-12-31")
    report = _report(out)
    assert _verdicts(report)["NAW-001"] == "waived"
    assert report["waivers"][0]["status"] == "applied"
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed and {r["ruleId"] for r in suppressed} == {"NAW-001"}
    junit = (out / "report.junit.xml").read_text(encoding="utf-8")
    assert "waived" in junit
    assert "NAW-001" in (out / "summary.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Names are needed for the class overview" in html
    assert run.code == (0 if report["verdict"] == "pass" else 1)


def test_an_expired_waiver_fails_the_run_and_says_which(tmp_path: Path, cli, certifiable) -> None:
    run, out = _waived_run(tmp_path, cli, "2020-01-31")
    assert run.code == 1
    assert (
        "waiver 1 (NAW-001, scope fail_*.xml, owner privacy@voorbeeld.nl) expired on 2020-01-31"
        in run.err
    )
    report = _report(out)
    assert _verdicts(report)["NAW-001"] == "fail"
    assert report["waivers"][0]["status"] == "expired"


def test_an_unreachable_api_is_exit_2_and_nothing_is_written(
    tmp_path: Path, cli, certifiable
) -> None:
    with supplier(tmp_path):  # leaves its (reference) database behind
        pass
    out = tmp_path / "out"
    run = cli("certify", "--config", _config(tmp_path, "http://127.0.0.1:9"), "--output", out)
    assert run.code == 2
    assert "cannot reach 127.0.0.1:9" in run.err
    assert not out.exists()


def test_a_test_environment_never_certifies(tmp_path: Path, cli, certifiable) -> None:
    config = tmp_path / "c.toml"
    export = json.dumps(str(SAMPLE / "licenties.jsonl"))
    config.write_text(
        f'profile = "nl-generic"\nenvironment = "test"\n[inputs]\nexports = [{export}]\n'
    )
    run = cli("certify", "--config", config, "--output", tmp_path / "out")
    assert run.code == 2
    assert "environment test (pilot ECK iDs are accepted)" in run.err


def test_an_output_that_is_a_file_is_refused_before_the_run(
    tmp_path: Path, cli, certifiable
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    with supplier(tmp_path) as base:
        run = cli("certify", "--config", _config(tmp_path, base), "--output", taken)
    assert (run.code, run.err.strip()) == (
        2,
        f"conformance: error: {taken}: --output must be a folder",
    )


def test_verify_without_the_signers_key_is_not_a_pass(tmp_path: Path, cli, certifiable) -> None:
    keys = tmp_path / "k"
    cli("keygen", "--out", keys)
    with _certified(tmp_path, cli, "", "--sign-key", f"{keys}.key", "--draft") as (run, out):
        assert run.code == 0, run.err
    unpinned = cli("verify", out / "report.json")
    assert unpinned.code == 1
    assert "the signer is NOT verified: pass --key" in unpinned.err
    pinned = cli("verify", out / "report.json", "--key", f"{keys}.pub")
    assert pinned.code == 0
    assert "verdict pass; NOT for certification (a draft run (--draft))" in pinned.err
    junit = (out / "report.junit.xml").read_text(encoding="utf-8")
    assert 'name="certification" value="NOT FOR CERTIFICATION: a draft run (--draft)"' in junit
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["properties"]["certification"].startswith("NOT FOR CERTIFICATION")
