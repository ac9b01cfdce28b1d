"""The probes beyond the fixed lifecycle: the update role in random sequences, shrinking a
failing sequence within its request allowance, ids enumerated and guessed, and an https API's
host that also answers in plain HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_probes import _config, tokens  # noqa: F401  (the fixture sets the schools' tokens)
from test_suppliers import supplier

from conformance.probes import stateful, transport
from conformance.probes.client import Client
from conformance.probes.common import Results
from conformance.probes.config import load_config
from conformance.probes.guessing import neighbours, probe_other_ids
from conformance.probes.stateful import probe_sequences
from conformance.probes.strategies import serial_tag
from conformance.probes.transport import plain_http_served


def _run(tmp_path: Path, mistake: str = "", ids: str = "uuid", phase=probe_sequences):
    with supplier(tmp_path, mistake, ids) as base:
        config = load_config(_config(tmp_path, base))
        client = Client(config)
        results = Results(config, client)
        phase(client, config, results)
    return results, client


def _failed(results: Results) -> set[str]:
    return {rid for rid, findings in results.findings.items() if findings}


def test_sequences_update_pupils_and_the_reference_passes(tmp_path: Path) -> None:
    results, client = _run(tmp_path)
    assert _failed(results) == set()
    assert any(line.startswith("PUT /v1/pupils/{id} -> 200") for line in client.log)
    assert any(line.startswith("PUT /v1/pupils/{id} -> 404") for line in client.log)


def test_an_update_by_another_school_is_caught_only_by_the_sequences(tmp_path: Path) -> None:
    results, _ = _run(tmp_path, "update_any_school")
    assert _failed(results) == {"API-003"}
    (finding,) = results.findings["API-003"]
    assert "another school updated the pupil (200)" in finding.message
    assert "PUT /v1/pupils/{id} -> 200 as school" in finding.message


def _steps(message: str) -> list[str]:
    return message.split("20261129: ", 1)[1].rstrip(")").split("; ")


@pytest.mark.parametrize("mistake", ["echo_names", "keep_after_delete", "ignore_school"])
def test_a_failing_sequence_is_shrunk_within_its_allowance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistake: str
) -> None:
    monkeypatch.setattr(stateful, "SHRINK_REQUESTS", 0)
    (tmp_path / "whole").mkdir()
    whole, unshrunk = _run(tmp_path / "whole", mistake)
    monkeypatch.setattr(stateful, "SHRINK_REQUESTS", 150)
    shrunk, shrinking = _run(tmp_path, mistake)
    (rid,) = _failed(whole)
    assert _failed(shrunk) == {rid}
    before, after = _steps(whole.findings[rid][0].message), _steps(shrunk.findings[rid][0].message)
    assert len(after) <= len(before), (before, after)
    # shrinking costs at most its allowance, one attempt running over it, and the replay
    assert unshrunk.sent <= shrinking.sent <= unshrunk.sent + 150 + 70 + len(after)
    if mistake == "echo_names":  # shrunk to the one provisioning that leaked, ending there
        posts = [step for step in after if step.startswith("POST /v1/pupils -> 201")]
        assert posts == [after[-1]], after


def test_serial_tags_are_distinct() -> None:
    tags = [serial_tag(n) for n in range(20**3)]
    assert len(set(tags)) == len(tags) and all(len(t) == 5 for t in tags)


def test_numbered_ids_have_neighbours_and_random_ones_none() -> None:
    assert neighbours("41") == ["40", "42"]
    assert neighbours("LL-0041") == ["LL-0040", "LL-0042"]
    assert neighbours("0") == ["1"]
    assert neighbours("3f2b8c1e-6d1a-4e7b-9c55-123456789012") == []
    assert neighbours("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") == []
    assert neighbours("pupil") == []


def _seed_pupils(client: Client, config) -> None:
    """Pupils of both schools, interleaved, left in place (as a test environment holds):
    school A holds 1, 3, 5, 6, 7, 8 and 9 when ids count up, more than are enumerated."""
    for school in (0, 1, 0, 1, 0, 0, 0, 0, 0):
        eck = f"https://ketenid.nl/201703/{'%0128x' % (school * 1000 + client.sent)}"
        client.call("provision", config.credentials[school], body=f'{{"eckId": "{eck}"}}'.encode())


def _guessing(client: Client, config, results: Results) -> None:
    _seed_pupils(client, config)
    probe_other_ids(client, config, results)


def test_guessed_ids_next_to_a_schools_own_are_examined_and_pass(tmp_path: Path) -> None:
    results, client = _run(tmp_path, ids="sequential", phase=_guessing)
    assert _failed(results) == set()
    # five of A's listed ids read as B, then the guesses 0, 8, 9 and 10, of which 8 and 9 exist
    assert results.examined["API-003"] == 5 + 2
    assert client.log.count("GET /v1/pupils/{id} -> 404") == 5 + 2 + 1 + 1 + 2


def test_an_id_readable_by_both_schools_is_caught_by_enumeration_and_guessing(
    tmp_path: Path,
) -> None:
    results, _ = _run(tmp_path, "unscoped_reads", ids="sequential", phase=_guessing)
    messages = [f.message for f in results.findings["API-003"]]
    assert any("school B read an id from school A's list (200" in m for m in messages)
    assert any("a guessed id is readable by both schools" in m for m in messages), messages


def test_random_ids_are_not_guessed(tmp_path: Path) -> None:
    results, _ = _run(tmp_path, phase=_guessing)
    assert _failed(results) == set()
    assert results.examined["API-003"] == 5  # five of school A's listed ids, nothing guessed


class _Answer(BaseHTTPRequestHandler):
    status = 200
    location = ""

    def do_GET(self) -> None:
        self.send_response(self.status)
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        return


@contextmanager
def _plain(status: int, location: str = "") -> Iterator[int]:
    handler = type("Handler", (_Answer,), {"status": status, "location": location})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "location", "served"),
    [
        (301, "https://api.example.nl/v1/pupils", None),
        (403, "", None),
        (426, "", None),
        (200, "", "serves the API over plain HTTP"),
        (401, "", "asks for credentials over plain HTTP"),
        (302, "http://api.example.nl/v1/pupils", "redirects plain HTTP to http://"),
    ],
)
def test_an_https_apis_host_may_not_serve_it_in_plain_http(
    status: int, location: str, served: str | None
) -> None:
    with _plain(status, location) as port:
        found = plain_http_served("127.0.0.1", port, "/v1/pupils")
    assert (found is None) if served is None else (served in (found or "")), found


def test_a_host_with_nothing_on_its_plain_http_port_passes() -> None:
    with _plain(200) as port:
        pass  # the port is closed again: nothing listens there now
    assert plain_http_served("127.0.0.1", port, "/v1/pupils", timeout=2) is None


def test_the_bundled_supplier_over_plain_http_would_take_credentials(tmp_path: Path) -> None:
    with supplier(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        found = plain_http_served("127.0.0.1", port, "/v1/pupils")
    assert found == f"asks for credentials over plain HTTP on port {port} (401)"


def test_an_https_map_probes_the_hosts_plain_http_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "can_offer_old_tls", lambda: False)  # no TLS server here
    with _plain(200) as port:
        path = _config(tmp_path, "https://127.0.0.1:8443")
        path.write_text(
            path.read_text().replace("[probe]\n", f"[probe]\nplain_http_port = {port}\n")
        )
        config = load_config(path)
        results = Results(config, Client(config))
        transport.probe_transport(config, results)
    (finding,) = results.findings["API-007"]
    assert f"127.0.0.1 serves the API over plain HTTP on port {port} (200)" in finding.message
    assert results.examined["API-007"] == 2


def test_an_unknown_endpoint_role_is_a_config_error(tmp_path: Path, cli) -> None:
    path = _config(tmp_path, "http://127.0.0.1:9")
    path.write_text(path.read_text().replace("update = {", "updates = {"))
    run = cli("probe", "--config", path)
    assert run.code == 2
    assert "probe.endpoints.updates: unknown role" in run.err
