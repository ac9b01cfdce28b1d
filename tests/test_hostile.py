"""Hostile inputs through the CLI: malformed input is one clear line and exit 2, odd but valid
input gets its plain twin's verdict, and nothing crashes, hangs, swells, phones home or quotes
/etc/passwd. The corpus and the expected outcomes are fixtures/hostile (its README, make.py).

Every case runs in a process of its own with a 1 GiB address-space limit and a 60 s timeout. So
that ~120 runs take seconds rather than minutes, they are forked from a server that imported the
package once (tests/cli_forkserver.py; two of them, one per core); a few cases also run through
``python -m conformance`` itself, as a user would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "fixtures" / "hostile"
MEMORY = 1 << 30
TIMEOUT = 60.0
PASSWD_MARKS = ("root:x:0:0", "root:*:0:0", "/bin/bash", "/usr/sbin/nologin")


def _load_make() -> Any:
    spec = importlib.util.spec_from_file_location("hostile_make", HOSTILE / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_make"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


make = _load_make()
CASES = {case.name: case for case in make.CASES}


class Listener:
    """A TCP listener on a random loopback port, standing in for 127.0.0.1:9 in the corpus:
    any connection to it is an input making conformance reach the network."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@dataclass
class Outcome:
    code: int
    seconds: float
    max_rss_mib: float
    timed_out: bool
    out: str
    err: str
    report: str  # every report file written, concatenated

    def verdicts(self) -> dict[str, str]:
        data = json.loads(self.report)
        return {r["id"]: r["verdict"] for r in data["requirements"]}


def _prepare(folder: Path, port: int) -> None:
    """The corpus in one folder: committed files, the network files with the listener's port,
    the big files, and the links, FIFOs and folders."""
    for path in HOSTILE.iterdir():
        if path.suffix not in (".py", ".md"):
            shutil.copy(path, folder / path.name)
    make.write_network(folder, port)
    make.write_big(folder)
    (folder / "link_to_passwd.csv").symlink_to("/etc/passwd")
    (folder / "link_to_passwd.yaml").symlink_to("/etc/passwd")
    (folder / "link_to_folder.csv").symlink_to(folder)
    (folder / "link_loop.csv").symlink_to(folder / "link_loop.csv")
    (folder / "folder.csv").mkdir()
    for name in ("fifo.jsonl", "fifo.json", "fifo.sql", "fifo.xsd", "fifo.yaml", "fifo.toml"):
        os.mkfifo(folder / name)
    (folder / "zero.toml").symlink_to("/dev/zero")
    escape = folder / "escape"
    escape.mkdir()
    (escape / "data").symlink_to("/etc")
    (escape / "escape.toml").write_text('profile = "nl-generic"\n[inputs]\nexports = ["data/*"]\n')
    shutil.copy(folder / "json_deep.json", folder / "link_deep.json")


def _argv(case: Any, folder: Path, report: Path) -> list[str]:
    target = case.name if case.name.startswith("/") else str(folder / case.name)
    profile = ["--profile", case.profile] + (["--purpose", case.purpose] if case.purpose else [])
    if case.verb == "profile":
        return ["check", "--profile", target, "--json", str(report), str(folder / "csv_plain.csv")]
    if case.verb == "link":
        return ["link", *profile, "--json", str(report), str(folder / "json_plain.json"), target]
    if case.verb == "certify":
        if case.name == "escape.toml":
            target = str(folder / "escape" / "escape.toml")
        return ["certify", "--config", target, "--output", str(report.parent / "bundle"), "--draft"]
    if case.verb == "probe":
        return ["probe", "--config", target, "--json", str(report)]
    return ["check", *profile, "--json", str(report), target]


class ForkServer:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "cli_forkserver.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "CONFORMANCE_DEBUG": "0"},
        )

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def _run_all(folder: Path, work: Path) -> dict[str, Outcome]:
    servers = [ForkServer(), ForkServer()]
    lock = threading.Lock()
    free = list(servers)

    def one(case: Any) -> tuple[str, Outcome]:
        place = work / case.name.replace("/", "_")
        place.mkdir()
        job = {
            "argv": _argv(case, folder, place / "report.json"),
            "cwd": str(place),
            "stdout": str(place / "out"),
            "stderr": str(place / "err"),
            "timeout": TIMEOUT,
            "memory": MEMORY,
            "env": {"A": "secret-a", "B": "secret-b"},
        }
        with lock:
            server = free.pop()
        try:
            answer = server.run(job)
        finally:
            with lock:
                free.append(server)
        reports = sorted(
            p for p in place.rglob("*") if p.is_file() and p.name not in ("out", "err")
        )
        return case.name, Outcome(
            answer["code"],
            answer["seconds"],
            answer["max_rss_mib"],
            answer["timed_out"],
            (place / "out").read_text(errors="replace"),
            (place / "err").read_text(errors="replace"),
            "".join(p.read_text(errors="replace") for p in reports),
        )

    try:
        # Longest first, so the two servers finish together.
        ordered = sorted(CASES.values(), key=lambda c: c.made != "big")
        with ThreadPoolExecutor(len(servers)) as pool:
            return dict(pool.map(one, ordered))
    finally:
        for server in servers:
            server.close()


@dataclass
class Corpus:
    outcomes: dict[str, Outcome]
    connections: int
    folder: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    folder = tmp_path_factory.mktemp("hostile")
    work = tmp_path_factory.mktemp("runs")
    listener = Listener()
    try:
        _prepare(folder, listener.port)
        outcomes = _run_all(folder, work)
        yield Corpus(outcomes, listener.connections, folder)
    finally:
        listener.close()
        shutil.rmtree(folder, ignore_errors=True)  # ~400 MB of big files: not kept for later


@pytest.mark.parametrize("name", list(CASES))
def test_each_hostile_input_has_its_outcome(corpus: Corpus, name: str) -> None:
    case, outcome = CASES[name], corpus.outcomes[name]
    assert not outcome.timed_out, f"still running after {TIMEOUT:.0f} s"
    assert outcome.code in case.codes, outcome.err[-2000:]
    for text in (outcome.out, outcome.err, outcome.report):
        assert "Traceback" not in text
        assert "internal error" not in text
        assert not any(mark in text for mark in PASSWD_MARKS)
        assert not case.never or case.never not in text
    if outcome.code == 2:
        lines = outcome.err.splitlines()
        assert len(lines) == 1, outcome.err
        assert lines[0].startswith("conformance: error: ")
        assert Path(name).name in lines[0] or name.endswith((".toml", ".yaml"))
        assert case.says in lines[0]
        assert not outcome.report, "a report was written for input that could not be read"


@pytest.mark.parametrize("name", [c.name for c in make.CASES if c.same_as])
def test_odd_but_valid_input_gets_the_verdicts_of_its_plain_twin(corpus: Corpus, name: str) -> None:
    outcome, twin = corpus.outcomes[name], corpus.outcomes[CASES[name].same_as]
    assert outcome.code == twin.code
    assert outcome.verdicts() == twin.verdicts()
    records = [json.loads(o.report)["inputs"][0]["records"] for o in (outcome, twin)]
    assert records[0] == records[1]


def test_no_input_reached_the_network(corpus: Corpus) -> None:
    assert corpus.connections == 0


def test_the_listener_counts_what_connects() -> None:
    """The assertion above can fail: a connection to the port is counted."""
    listener = Listener()
    try:
        socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()
        for _ in range(500):
            if listener.connections:
                break
            threading.Event().wait(0.01)
        assert listener.connections == 1
    finally:
        listener.close()


def test_every_run_stayed_within_its_time_and_memory(corpus: Corpus) -> None:
    slow = {n: o.seconds for n, o in corpus.outcomes.items() if o.seconds > 20}
    assert not slow
    # The limit is 1 GiB of address space; resident memory stays far below it.
    swollen = {n: o.max_rss_mib for n, o in corpus.outcomes.items() if o.max_rss_mib > 700}
    assert not swollen


def test_the_readme_lists_every_case() -> None:
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert readme == make.readme(), "run `python fixtures/hostile/make.py`"


def test_the_committed_files_are_what_make_py_writes(tmp_path: Path) -> None:
    make.write_small(tmp_path)
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {
        p.name: p.read_bytes() for p in HOSTILE.iterdir() if p.suffix not in (".py", ".md")
    }
    stale = sorted(
        n for n in written.keys() | committed.keys() if written.get(n) != committed.get(n)
    )
    assert not stale, f"run `python fixtures/hostile/make.py`: {stale} differ"
    assert max(len(b) for b in committed.values()) < 100_000


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("xml_xxe_network.xml", 2),
        ("xml_billion_laughs.xml", 2),
        ("json_long_number.json", 2),
        ("fifo.jsonl", 2),
        ("/dev/zero", 2),
        ("csv_utf16_bom.csv", 0),
    ],
)
def test_python_m_conformance_itself(corpus: Corpus, tmp_path: Path, name: str, code: int) -> None:
    """The same cases as a user runs them: a fresh interpreter, ``python -m conformance``."""
    listener = Listener()
    try:
        folder = tmp_path / "in"
        folder.mkdir()
        for source in HOSTILE.iterdir():
            if source.name == name:
                shutil.copy(source, folder / name)
        make.write_network(folder, listener.port)
        if name == "fifo.jsonl":
            os.mkfifo(folder / name)
        argv = _argv(CASES[name], folder, tmp_path / "report.json")
        run = subprocess.run(
            [sys.executable, "-m", "conformance", *argv],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            cwd=tmp_path,
            check=False,
        )
    finally:
        listener.close()
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert listener.connections == 0
    if code == 2:
        assert len(run.stderr.splitlines()) == 1
