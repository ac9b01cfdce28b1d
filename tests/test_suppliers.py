"""The bundled supplier API (fixtures/suppliers/app.py) behaves as documented: the reference
makes none of the mistakes, and each of the leaky supplier's mistakes shows when switched on.
The probes of issue 6 rely on these servers; this proves the fixture before the probes do."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

APP = Path(__file__).resolve().parent.parent / "fixtures" / "suppliers" / "app.py"
SCHOOL_A = "school-a-test-token-7f3e9c"
SCHOOL_B = "school-b-test-token-2b81d4"
ECK = "https://ketenid.nl/201703/" + "c" * 128


@contextmanager
def supplier(tmp_path: Path, mistakes: str = "", ids: str = "uuid") -> Iterator[str]:
    command = [sys.executable, str(APP), "--port", "0", "--db", str(tmp_path / "s.db")]
    command += ["--ids", ids]
    process = subprocess.Popen(
        [*command, "--mistakes", mistakes], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def call(
    base: str, method: str, path: str, token: str | None = SCHOOL_A, body: Any = None
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


Provision = Callable[..., tuple[int, Any]]


def provision(base: str, **extra: Any) -> tuple[int, Any]:
    pupil = {"eckId": ECK, "firstName": "Sanne", "lastName": "de Vries", "group": "7b", **extra}
    return call(base, "POST", "/v1/pupils", body=pupil)


def test_reference_supplier(tmp_path: Path) -> None:
    with supplier(tmp_path) as base:
        status, created = provision(base)
        assert status == 201
        assert created.keys() == {"id", "eckId", "group"}
        assert call(base, "GET", f"/v1/pupils/{created['id']}")[1] == created
        assert call(base, "GET", f"/v1/pupils/{created['id']}", token=SCHOOL_B)[0] == 404
        moved = call(base, "PUT", f"/v1/pupils/{created['id']}", body={"group": "8a"})
        assert moved == (200, created | {"group": "8a"})
        other = call(base, "PUT", f"/v1/pupils/{created['id']}", SCHOOL_B, body={"group": "1"})
        assert other[0] == 404
        assert call(base, "GET", "/v1/pupils", token=None)[0] == 401
        assert provision(base, bsn="111222333")[0] == 422
        assert call(base, "POST", "/v1/pupils", body=b"{not json")[0] == 400
        assert call(base, "DELETE", f"/v1/pupils/{created['id']}")[0] == 204
        assert call(base, "GET", f"/v1/pupils/{created['id']}")[0] == 404


@pytest.mark.parametrize(
    ("mistake", "shows"),
    [
        ("echo_names", lambda base, p: p.get("firstName") == "Sanne"),
        ("derive_pseudonym", lambda base, p: p["id"] == hashlib.sha256(b"111222333").hexdigest()),
        ("id_from_name", lambda base, p: p["id"] == hashlib.sha256(b"Sanne de Vries").hexdigest()),
        (
            "ignore_school",
            lambda base, p: call(base, "GET", f"/v1/pupils/{p['id']}", token=SCHOOL_B)[0] == 200,
        ),
        (
            "unscoped_reads",
            lambda base, p: (
                call(base, "GET", f"/v1/pupils/{p['id']}", token=SCHOOL_B)[0] == 200
                and call(base, "GET", "/v1/pupils", token=SCHOOL_B)[1] == []
            ),
        ),
        (
            "update_any_school",
            lambda base, p: (
                call(base, "PUT", f"/v1/pupils/{p['id']}", SCHOOL_B, body={"group": "1"})[0] == 200
                and call(base, "GET", f"/v1/pupils/{p['id']}", token=SCHOOL_B)[0] == 404
            ),
        ),
        (
            "keep_after_delete",
            lambda base, p: (
                call(base, "DELETE", f"/v1/pupils/{p['id']}")[0] == 204
                and call(base, "GET", f"/v1/pupils/{p['id']}")[0] == 200
            ),
        ),
        (
            "partial_inzage",
            lambda base, p: (
                call(base, "GET", f"/v1/pupils/{p['id']}/inzage")[1].keys() == {"id", "eckId"}
            ),
        ),
        (
            "error_echo",
            lambda base, p: call(base, "POST", "/v1/pupils", body=b'{"x": "Sanne"')[0] == 500,
        ),
        (
            "accept_bsn",
            lambda base, p: (
                call(base, "GET", f"/v1/pupils/{p['id']}/inzage")[1].get("_bsn") == "111222333"
            ),
        ),
    ],
)
def test_each_leaky_mistake_shows(
    tmp_path: Path, mistake: str, shows: Callable[[str, Any], bool]
) -> None:
    with supplier(tmp_path, mistake) as base:
        extra = {"bsn": "111222333"} if mistake in ("derive_pseudonym", "accept_bsn") else {}
        status, created = provision(base, **extra)
        assert status == 201
        assert shows(base, created)


def test_sequential_ids_count_up_and_are_never_reused(tmp_path: Path) -> None:
    with supplier(tmp_path, ids="sequential") as base:
        first = provision(base)[1]["id"]
        assert call(base, "DELETE", f"/v1/pupils/{first}")[0] == 204
        assert (first, provision(base)[1]["id"]) == ("1", "2")


@pytest.mark.parametrize(("mistakes", "verdict"), [("", "pass"), ("echo_names", "fail")])
def test_only_the_leaky_suppliers_database_keeps_identity_beside_the_pseudonym(
    tmp_path: Path, cli, mistakes: str, verdict: str
) -> None:
    with supplier(tmp_path, mistakes) as base:
        assert provision(base)[0] == 201
        run = cli("check", "--profile", "nl-generic", f"sqlite:///{tmp_path / 's.db'}")
    assert run.verdict("SEP-001") == verdict, run.err
    if verdict == "pass":
        assert run.verdict("SEP-002") == "pass"
