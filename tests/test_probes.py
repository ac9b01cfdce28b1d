"""conformance probe against the bundled suppliers: the reference passes every probe; each of
the leaky supplier's mistakes fails exactly its own requirement; no host or bad credentials
end with exit 2, never a pass."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer
from test_suppliers import SCHOOL_A, SCHOOL_B, supplier

from conformance.docs import explain
from conformance.model.errors import UserError
from conformance.probes import stateful
from conformance.probes.client import Client, Pace, Response
from conformance.probes.common import Results, contains
from conformance.probes.config import PAYLOAD_KINDS, load_config
from conformance.probes.docs import EVIDENCE, PROBE_DOCS
from conformance.probes.openapi import seed_map
from conformance.probes.run import PROBED as RUN_PROBED
from conformance.probes.stateful import probe_sequences
from conformance.probes.strategies import bsns, onderwijsnummers, pupils
from conformance.readers.spec import load_document

PROBED = ("API-001", "API-002", "API-003", "API-004", "API-005", "API-006", "API-007", "LNK-001")


BEARER = """school_a = {bearer_env = "PROBE_SCHOOL_A"}
school_b = {bearer_env = "PROBE_SCHOOL_B"}"""
API_KEY = """school_a = {header = "X-Api-Key", value_env = "PROBE_SCHOOL_A"}
school_b = {header = "X-Api-Key", value_env = "PROBE_SCHOOL_B"}"""
OAUTH2 = """school_a = {token_url = "/oauth/token", client_id_env = "CLIENT_A", \
client_secret_env = "PROBE_SCHOOL_A"}
school_b = {token_url = "/oauth/token", client_id_env = "CLIENT_B", \
client_secret_env = "PROBE_SCHOOL_B"}"""


# The probe map of the bundled suppliers (docs/probes.md); test_no_leaks fills it too.
PROBE_TABLE = """[probe]
base_url = "{base}"
max_requests = 400
max_seconds = 60
max_rate = 0
seed = 20261129

[probe.credentials]
{credentials}

[probe.endpoints]
provision = {{method = "POST", path = "/v1/pupils"}}
read = {{method = "GET", path = "/v1/pupils/{{id}}"}}
list = {{method = "GET", path = "/v1/pupils"}}
delete = {{method = "DELETE", path = "/v1/pupils/{{id}}"}}
update = {{method = "PUT", path = "/v1/pupils/{{id}}"}}
access = {{method = "GET", path = "/v1/pupils/{{id}}/inzage"}}

[probe.fields]
id = "id"
pseudonym = "eckId"

[probe.payload]
{payload}
"""
PAYLOAD = """eckId = "eckid"
firstName = "given_name"
lastName = "surname"
bsn = "bsn"
onderwijsnummer = "onderwijsnummer"
address = "address"
group = "group"
"""


def _config(tmp_path: Path, base: str, credentials: str = BEARER) -> Path:
    path = tmp_path / "conformance.toml"
    path.write_text(
        '[subject]\nsupplier = "Voorbeeld Leermiddelen BV"\nproduct = "Rekenroute"\n\n'
        + PROBE_TABLE.format(base=base, credentials=credentials, payload=PAYLOAD)
    )
    return path


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_SCHOOL_A", SCHOOL_A)
    monkeypatch.setenv("PROBE_SCHOOL_B", SCHOOL_B)
    monkeypatch.setenv("CLIENT_A", "99ZZ")
    monkeypatch.setenv("CLIENT_B", "98YY")


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
    assert "conformance: probing 127.0.0.1:" in run.err and "100% after" in run.err


def test_requests_are_paced_to_the_configured_rate() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = Pace(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pace.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]
    now[0] += 10  # after a pause, no catching up in a burst
    pace.wait()
    pace.wait()
    assert slept[-1] == 0.25 and len(slept) == 5
    unpaced = Pace(0, clock=lambda: now[0], sleep=sleep)
    unpaced.wait()
    assert len(slept) == 5


CAUGHT_BY = [
    ("echo_names", "API-001"),
    ("derive_pseudonym", "LNK-001"),
    ("id_from_name", "LNK-001"),
    ("ignore_school", "API-003"),
    ("unscoped_reads", "API-003"),
    ("update_any_school", "API-003"),
    ("keep_after_delete", "API-004"),
    ("partial_inzage", "API-004"),
    ("error_echo", "API-005"),
    ("accept_bsn", "API-006"),
    ("pseudonym_in_url", "API-007"),
]


def test_the_probe_docs_cover_every_probe_and_name_the_mistake_that_fails_it() -> None:
    assert set(PROBE_DOCS) == set(PROBED) == set(RUN_PROBED)
    assert {(m, rid) for rid, ms in EVIDENCE.items() for m in ms} == set(CAUGHT_BY)
    for rid in PROBED:
        assert "Live probe (`conformance probe`)" in explain(rid), rid


@pytest.mark.parametrize(("mistake", "caught_by"), CAUGHT_BY)
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


@pytest.mark.parametrize("credentials", [API_KEY, OAUTH2], ids=["api-key", "oauth2"])
def test_api_keys_and_oauth2_client_credentials_authenticate(
    tmp_path: Path, cli, credentials: str
) -> None:
    with supplier(tmp_path, "ignore_school") as base:
        run = cli("probe", "--config", _config(tmp_path, base, credentials))
    assert run.verdict("API-003") == "fail", run.err
    assert run.verdict("API-001") == "pass"
    assert SCHOOL_A not in run.err and SCHOOL_A not in str(run.report)


def test_a_refused_oauth2_client_is_an_error(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("CLIENT_B", "99ZZ")  # school B's secret under school A's id
    with supplier(tmp_path) as base:
        run = cli("probe", "--config", _config(tmp_path, base, OAUTH2))
    assert run.code == 2
    assert "the token endpoint refused the client (401)" in run.err
    assert SCHOOL_B not in run.err


def test_the_probe_map_is_found_in_pyproject(tmp_path: Path, cli, monkeypatch) -> None:
    with supplier(tmp_path) as base:
        table = _config(tmp_path, base).read_text()
        table = table.replace("[subject]", "[tool.conformance.subject]")
        table = table.replace("[probe", "[tool.conformance.probe")
        (tmp_path / "conformance.toml").unlink()
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n' + table)
        monkeypatch.chdir(tmp_path)
        run = cli("probe")
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), run.err


def test_a_token_url_on_another_host_is_refused(tmp_path: Path, cli) -> None:
    elsewhere = OAUTH2.replace('"/oauth/token"', '"https://login.example.org/token"')
    with supplier(tmp_path) as base:
        run = cli("probe", "--config", _config(tmp_path, base, elsewhere))
    assert run.code == 2
    assert "token_url must be on the API's host" in run.err


def test_a_payload_kind_typo_is_a_config_error(tmp_path: Path, cli) -> None:
    path = _config(tmp_path, "http://127.0.0.1:9")
    path.write_text(path.read_text().replace('"given_name"', '"givenname"'))
    run = cli("probe", "--config", path)
    assert run.code == 2
    assert "probe.payload.firstName" in run.err and "unknown kind 'givenname'" in run.err


@given(st.data())
@settings(max_examples=5, deadline=None)
def test_every_configurable_payload_kind_is_generated(data: st.DataObject) -> None:
    drawn = data.draw(pupils(dict(zip(PAYLOAD_KINDS, PAYLOAD_KINDS, strict=True))))
    assert set(drawn) == set(PAYLOAD_KINDS)


def test_a_run_cut_short_by_its_budget_is_an_error_not_a_pass(tmp_path: Path, cli) -> None:
    with supplier(tmp_path) as base:
        path = _config(tmp_path, base)
        path.write_text(path.read_text().replace("max_requests = 400", "max_requests = 12"))
        run = cli("probe", "--config", path)
    assert run.code == 2, run.err
    assert "the budget (12 requests, 60 s) ran out after 12 requests" in run.err
    assert run.report is None


def test_the_main_jobs_probe_map_passes_against_the_bundled_supplier(tmp_path: Path, cli) -> None:
    sample = Path(__file__).parent.parent / "fixtures" / "sample-supplier" / "conformance.toml"
    with supplier(tmp_path) as base:
        path = tmp_path / "probe-map.toml"
        path.write_text(sample.read_text().replace('"http://127.0.0.1:8080"', f'"{base}"'))
        run = cli("probe", "--config", path)
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), run.err


def _sequences(tmp_path: Path, mistake: str = "") -> tuple[Results, list[str]]:
    with supplier(tmp_path, mistake) as base:
        config = load_config(_config(tmp_path, base))
        client = Client(config)
        results = Results(config, client)
        probe_sequences(client, config, results)
    return results, client.log


@pytest.mark.parametrize(
    ("mistake", "caught_by"),
    [
        ("", None),
        ("ignore_school", "API-003"),
        ("keep_after_delete", "API-004"),
        ("echo_names", "API-001"),
    ],
)
def test_the_stateful_probe_checks_after_every_step_and_reports_the_sequence(
    tmp_path: Path, mistake: str, caught_by: str | None
) -> None:
    results, _ = _sequences(tmp_path, mistake)
    failed = {rid for rid, findings in results.findings.items() if findings}
    assert failed == ({caught_by} if caught_by else set()), results.findings
    if caught_by is None:
        for rid in ("API-001", "API-002", "API-003", "API-004"):
            assert results.examined[rid] > 0, rid
        return
    (finding,) = results.findings[caught_by]
    assert "reproduce with seed 20261129: " in finding.message
    assert "POST /v1/pupils -> 201 as school " in finding.message
    (tmp_path / "again").mkdir()
    again, _ = _sequences(tmp_path / "again", mistake)
    assert again.findings[caught_by][0].message == finding.message  # the seed replays it


@given(onderwijsnummers, bsns)
@settings(max_examples=50, deadline=None)
def test_generated_personal_numbers_pass_their_official_checks(number: str, bsn: str) -> None:
    assert stdnum_onderwijsnummer.is_valid(number) and not stdnum_bsn.is_valid(number)
    assert stdnum_bsn.is_valid(bsn)


def test_a_stored_onderwijsnummer_fails_like_a_stored_bsn(tmp_path: Path, cli) -> None:
    with supplier(tmp_path, "accept_bsn") as base:
        path = _config(tmp_path, base)
        path.write_text(path.read_text().replace('bsn = "bsn"\n', ""))
        run = cli("probe", "--config", path)
    assert run.verdict("API-006") == "fail", run.err
    assert all("onderwijsnummer" in f["message"] for f in run.findings("API-006"))


SUPPLIER_SPEC = Path(__file__).parent.parent / "fixtures" / "suppliers" / "openapi.yaml"


def _seeded_config(tmp_path: Path, base: str, spec: Path = SUPPLIER_SPEC) -> Path:
    path = tmp_path / "seeded.toml"
    path.write_text(
        f"""[probe]
openapi = "{spec}"
base_url = "{base}"
max_rate = 0
seed = 20261129

[probe.credentials]
{BEARER}
"""
    )
    return path


def test_an_openapi_document_seeds_the_probe_map() -> None:
    seeded = seed_map(*load_document(SUPPLIER_SPEC))
    assert seeded is not None
    assert seeded.endpoints == {
        "provision": ("POST", "/v1/pupils"),
        "list": ("GET", "/v1/pupils"),
        "read": ("GET", "/v1/pupils/{id}"),
        "delete": ("DELETE", "/v1/pupils/{id}"),
        "access": ("GET", "/v1/pupils/{id}/inzage"),
        "update": ("PUT", "/v1/pupils/{id}"),
    }
    assert (seeded.id_field, seeded.pseudonym_field) == ("id", "eckId")
    assert seeded.base_url == "https://api.rekenroute.example"
    # the spec asks for the ECK iD and group; names and a BSN are sent unasked, as canaries
    assert seeded.payload == {
        "eckId": "eckid",
        "group": "group",
        "firstName": "given_name",
        "lastName": "surname",
        "bsn": "bsn",
    }


@pytest.mark.parametrize(("mistake", "caught_by"), [("", None), ("echo_names", "API-001")])
def test_a_map_seeded_from_openapi_probes_like_a_written_one(
    tmp_path: Path, cli, mistake: str, caught_by: str | None
) -> None:
    with supplier(tmp_path, mistake) as base:
        run = cli("probe", "--config", _seeded_config(tmp_path, base))
    expected = dict.fromkeys(PROBED, "pass") | ({caught_by: "fail"} if caught_by else {})
    assert _verdicts(run) == expected, run.err


def test_the_specs_server_is_never_probed_unless_the_map_names_it(tmp_path: Path, cli) -> None:
    path = _seeded_config(tmp_path, "")
    path.write_text(path.read_text().replace('base_url = ""\n', ""))
    run = cli("probe", "--config", path)
    assert run.code == 2
    assert "probe.base_url: state the test environment's URL" in run.err
    assert "(the spec names https://api.rekenroute.example)" in run.err


def test_a_spec_without_a_pupil_resource_is_a_config_error(tmp_path: Path, cli) -> None:
    spec = tmp_path / "other.yaml"
    spec.write_text("openapi: 3.0.3\npaths:\n  /health:\n    get: {responses: {}}\n")
    run = cli("probe", "--config", _seeded_config(tmp_path, "http://127.0.0.1:9", spec))
    assert run.code == 2
    assert "no pupil resource" in run.err


def test_nothing_identifying_sent_is_not_applicable_never_a_pass(tmp_path: Path, cli) -> None:
    with supplier(tmp_path) as base:
        path = _config(tmp_path, base)
        text = path.read_text()
        payload = text[text.index("[probe.payload]") :]
        path.write_text(text.replace(payload, '[probe.payload]\neckId = "eckid"\n'))
        run = cli("probe", "--config", path)
    for rid in ("API-001", "API-006", "LNK-001"):
        assert run.verdict(rid) == "not_applicable", rid
    assert run.verdict("API-003") == "pass"
    reasons = {r["id"]: r.get("reason") for r in run.report["requirements"]}
    assert "probe.payload sends no value" in reasons["API-001"]


def test_a_canary_is_found_in_any_letter_case() -> None:
    reply = Response(200, '{"name": "SANNEBCDFG"}', {"X-Echo": "van vries-bcdfg"})
    assert contains(reply, "Sannebcdfg") and contains(reply, "van Vries-BCDFG")
    assert not contains(reply, "Noorbcdfg") and not contains(reply, "")


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('base_url = "http://', 'base_url = "http://user:hunter2@', "probe.base_url"),
        ('path = "/v1/pupils"}', 'path = "@evil.example/v1/pupils"}', "probe.endpoints."),
        ('path = "/v1/pupils"}', 'path = "//evil.example/v1/pupils"}', "probe.endpoints."),
    ],
)
def test_a_map_that_could_send_credentials_elsewhere_is_refused(
    tmp_path: Path, cli, old: str, new: str, where: str
) -> None:
    path = _config(tmp_path, "http://127.0.0.1:9")
    path.write_text(path.read_text().replace(old, new))
    run = cli("probe", "--config", path)
    assert run.code == 2 and where in run.err
    assert "hunter2" not in run.err


def test_an_oauth2_token_url_in_cleartext_under_an_https_api_is_refused(
    tmp_path: Path,
) -> None:
    cleartext = OAUTH2.replace('"/oauth/token"', '"http://127.0.0.1:9/oauth/token"')
    config = load_config(_config(tmp_path, "https://127.0.0.1:9", cleartext))
    with pytest.raises(UserError, match="token_url must be on the API's host"):
        Client(config).authorise(config.credentials[0])


def test_a_server_that_drips_its_answer_cannot_stretch_the_time_budget(tmp_path: Path, cli) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    dripped: list[int] = []

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            while not stop.wait(0.2):
                try:
                    connection.sendall(b" ")
                except OSError:
                    return
                dripped.append(1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    path = _config(tmp_path, f"http://127.0.0.1:{listener.getsockname()[1]}")
    path.write_text(path.read_text().replace("max_seconds = 60", "max_seconds = 1"))
    try:
        run = cli("probe", "--config", path)
        sent_by_then = len(dripped)
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)
    assert run.code == 2, run.err
    assert "the budget (400 requests, 1 s) ran out after 1 requests" in run.err
    assert sent_by_then < 100  # the client hung up, not after all 1000 bytes (200 s)


def test_a_sequence_that_fails_only_once_is_still_a_finding_and_other_flakiness_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(_config(tmp_path, "http://127.0.0.1:9"))
    once = FlakyFailure("flaky", [stateful.ViolationError("API-003", "school B read it")])
    for raised in (once, FlakyStrategyDefinition("rule choice changed")):

        def test(raised: Exception = raised) -> None:
            raise raised

        monkeypatch.setattr(stateful, "get_state_machine_test", lambda *a, **k: test)
        client = Client(config)
        results = Results(config, client)
        if raised is once:
            stateful.probe_sequences(client, config, results)
            (finding,) = results.findings["API-003"]
            assert "school B read it (once; the replay of the sequence behaved)" in finding.message
        else:
            with pytest.raises(UserError, match="answered a replayed sequence differently"):
                stateful.probe_sequences(client, config, results)
