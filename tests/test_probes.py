"""conformance probe against the bundled suppliers: the reference passes every probe; each of
the leaky supplier's mistakes fails exactly its own requirement; no host or bad credentials
end with exit 2, never a pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_suppliers import SCHOOL_A, SCHOOL_B, supplier

PROBED = ("API-001", "API-002", "API-003", "API-004", "API-005", "API-006", "API-007", "LNK-001")


def _config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "conformance.toml"
    path.write_text(
        f"""[subject]
supplier = "Voorbeeld Leermiddelen BV"
product = "Rekenroute"

[probe]
base_url = "{base}"
max_requests = 400
max_seconds = 60
seed = 20261129

[probe.credentials]
school_a = {{bearer_env = "PROBE_SCHOOL_A"}}
school_b = {{bearer_env = "PROBE_SCHOOL_B"}}

[probe.endpoints]
provision = {{method = "POST", path = "/v1/pupils"}}
read = {{method = "GET", path = "/v1/pupils/{{id}}"}}
list = {{method = "GET", path = "/v1/pupils"}}
delete = {{method = "DELETE", path = "/v1/pupils/{{id}}"}}
access = {{method = "GET", path = "/v1/pupils/{{id}}/inzage"}}

[probe.fields]
id = "id"
pseudonym = "eckId"

[probe.payload]
eckId = "eckid"
firstName = "given_name"
lastName = "surname"
bsn = "bsn"
group = "group"
"""
    )
    return path


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_SCHOOL_A", SCHOOL_A)
    monkeypatch.setenv("PROBE_SCHOOL_B", SCHOOL_B)


def _verdicts(run) -> dict[str, str]:
    return {rid: run.verdict(rid) for rid in PROBED}


def test_the_reference_supplier_passes_every_probe(tmp_path: Path, cli) -> None:
    with supplier(tmp_path) as base:
        run = cli("probe", "--config", _config(tmp_path, base))
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), run.err
    assert run.code == 0
    assert run.report["reproduce"]["seed"] == 20261129
    assert run.report["subject"]["supplier"] == "Voorbeeld Leermiddelen BV"
    assert SCHOOL_A not in run.err and SCHOOL_A not in str(run.report)


@pytest.mark.parametrize(
    ("mistake", "caught_by"),
    [
        ("echo_names", "API-001"),
        ("derive_pseudonym", "LNK-001"),
        ("ignore_school", "API-003"),
        ("keep_after_delete", "API-004"),
        ("error_echo", "API-005"),
        ("accept_bsn", "API-006"),
    ],
)
def test_each_mistake_is_caught_by_its_own_requirement(
    tmp_path: Path, cli, mistake: str, caught_by: str
) -> None:
    with supplier(tmp_path, mistake) as base:
        run = cli("probe", "--config", _config(tmp_path, base))
    expected = dict.fromkeys(PROBED, "pass") | {caught_by: "fail"}
    assert _verdicts(run) == expected, [
        f["message"] for r in run.report["requirements"] for f in r["findings"]
    ]
    assert run.code == 1
    for finding in run.findings(caught_by):
        assert "reproduce with seed 20261129" in finding["message"]


def test_an_unreachable_host_or_wrong_credentials_are_errors_not_passes(
    tmp_path: Path, cli, monkeypatch
) -> None:
    run = cli("probe", "--config", _config(tmp_path, "http://127.0.0.1:9"))
    assert run.code == 2
    assert "cannot reach 127.0.0.1:9" in run.err
    with supplier(tmp_path) as base:
        monkeypatch.setenv("PROBE_SCHOOL_B", "not-a-token")
        run = cli("probe", "--config", _config(tmp_path, base))
    assert run.code == 2
    assert "refused school B's credentials (401)" in run.err
    assert "not-a-token" not in run.err
