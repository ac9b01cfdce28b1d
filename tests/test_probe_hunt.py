"""Wrong verdicts, crashes and hangs found by probing suppliers that behave lawfully but
unusually (410 Gone, a 404 without credentials, escaped JSON, ids in a Location header, paged
lists …) or leak in ways the lifecycle did not ask about. The bundled supplier, with a quirk or
two switched on in a subclass, plays each one in-process."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_probes import (  # noqa: F401  (tokens: a fixture)
    OAUTH2,
    PROBED,
    _config,
    _verdicts,
    tokens,
)
from test_suppliers import supplier

from conformance.model.errors import UserError
from conformance.probes.client import BudgetExhaustedError, Client, Response, _codec, _text
from conformance.probes.common import (
    Results,
    contains,
    holds_id,
    list_pages,
    next_link,
    pupil_id_of,
)
from conformance.probes.config import load_config
from conformance.probes.deadline import Deadline
from conformance.probes.stateful import probe_sequences
from conformance.probes.transport import plain_http_served

APP = Path(__file__).resolve().parent.parent / "fixtures" / "suppliers" / "app.py"
_spec = importlib.util.spec_from_file_location("bundled_supplier", APP)
assert _spec is not None and _spec.loader is not None
bundled = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundled)

_PAGE = 5  # items per page of a paged list


def _uescape(value: Any) -> str:
    """JSON with every letter of every string written as a \\u escape (valid, if unusual)."""
    if isinstance(value, str):
        return '"' + "".join(f"\\u{ord(c):04x}" if c.isalpha() else c for c in value) + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_uescape(k)}: {_uescape(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_uescape(v) for v in value) + "]"
    return json.dumps(value)


class Quirky(bundled.Supplier):
    """The bundled supplier with quirks (class attribute ``quirks``) on top of its mistakes."""

    quirks: frozenset[str] = frozenset()
    erased: dict[str, tuple[str, Any]]  # id -> its school and the pupil before its DELETE
    served: list[str]  # the paths of the list requests, queries included

    def _parts(self) -> list[str]:
        return urlsplit(self.path).path.strip("/").split("/")

    def _owner_of(self, pupil_id: str) -> str | None:
        rows = self.store.run("SELECT school FROM pupils WHERE id = ?", pupil_id)
        return str(rows[0][0]) if rows else None

    def school(self) -> str | None:
        """Without credentials, the quirk's route acts for the pupil's own school."""
        found: str | None = super().school()
        if found or self.headers.get("Authorization") or self.headers.get("X-Api-Key"):
            return found
        parts = self._parts()
        if "anonymous_list" in self.quirks and self.command == "GET" and len(parts) == 2:
            return "99ZZ"
        route = {"anonymous_delete": ("DELETE", 3), "anonymous_export": ("GET", 4)}
        for quirk, (method, length) in route.items():
            if quirk in self.quirks and self.command == method and len(parts) == length:
                return self._owner_of(parts[2])
        return None

    def body(self) -> tuple[dict[str, Any] | None, str]:
        data, raw = super().body()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        # a wrongly typed field reaches code that assumes its type
        typed = isinstance(parsed, list) or (
            isinstance(parsed, dict) and not isinstance(parsed.get("eckId", ""), str)
        )
        self.crash = "wrong_types_500" in self.quirks and typed
        return data, raw

    def do_DELETE(self) -> None:  # noqa: N802  (the handler's name)
        parts = self._parts()
        school = self.school()
        if len(parts) == 3 and school and (kept := self.pupil(parts[2], school)):
            self.erased[parts[2]] = (school, kept)
        super().do_DELETE()

    def do_GET(self) -> None:  # noqa: N802
        parts = self._parts()
        if len(parts) == 2:
            self.served.append(self.path)
        if "export_after_delete" in self.quirks and len(parts) == 4 and parts[2] in self.erased:
            owner, kept = self.erased[parts[2]]
            if self.school() == owner:
                return self.send(200, kept)
        if "list_all" in self.quirks and len(parts) == 2 and self.school() is not None:
            rows = self.store.run("SELECT id, school FROM pupils")
            found = [self.pupil(i, owner) for i, owner in rows]
            return self.send(200, [bundled._public(p) for p in found if p])
        self.path = urlsplit(self.path).path  # the page is read from the query in send
        return super().do_GET()

    def send(self, status: int, body: Any = None) -> None:
        status, body, headers = self._quirked(status, body)
        data = b"" if body is None else self._serialised(body)
        self.send_response(status)
        kind = "application/json; charset=utf8mb4" if "charset" in self.quirks else None
        for name, value in {"Content-Type": kind or "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _serialised(self, body: Any) -> bytes:
        if "uescape" in self.quirks:
            return _uescape(body).encode()
        data = json.dumps(body).encode()
        return data.replace(b"/", b"\\/") if "php_slashes" in self.quirks else data

    def _quirked(self, status: int, body: Any) -> tuple[int, Any, dict[str, str]]:
        parts = self._parts()
        if "anonymous_404" in self.quirks and status == 401:
            status = 404
        if "gone_410" in self.quirks and status == 404 and len(parts) > 2:
            # to the pupil's own school only: to another one, 410 would say the id existed
            owner = self.erased.get(parts[2], ("", None))[0]
            status = 410 if owner and self.school() == owner else status
        if getattr(self, "crash", False) and status == 400:
            status = 500
        if self.command == "POST" and status == 201:
            return self._provisioned(body)
        if "no_pseudonym_on_read" in self.quirks and len(parts) == 3 and status == 200:
            body = {k: v for k, v in body.items() if k != "eckId"}
        if "list_erased" in self.quirks and len(parts) == 2 and isinstance(body, list):
            mine = self.school()
            body = body + [kept for owner, kept in self.erased.values() if owner == mine]
        if "nested_ids" in self.quirks and len(parts) == 2 and isinstance(body, list):
            body = [p | {"school": {"id": 1}, "group": {"id": 7}} for p in body]
        if "paged" in self.quirks and isinstance(body, list):
            body = self._page(body)
        return status, body, {}

    def _provisioned(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        if "location" in self.quirks:
            return 201, None, {"Location": f"/v1/pupils/{body['id']}"}
        if "wrapped" in self.quirks:
            return 201, {"data": body}, {}
        return 201, [body] if "array" in self.quirks else body, {}

    def _page(self, items: list[Any]) -> dict[str, Any]:
        """Five padding items first, so that every real pupil is on page two or later."""
        items = [{"id": f"padding-{n}", "group": "0"} for n in range(_PAGE)] + items
        page = int(parse_qs(urlsplit(self.requestline.split()[1]).query).get("page", ["1"])[0])
        more = len(items) > page * _PAGE
        return {
            "items": items[(page - 1) * _PAGE : page * _PAGE],
            "next": f"/v1/pupils?page={page + 1}" if more else None,
        }


@contextmanager
def quirky(tmp_path: Path, quirks: str, mistakes: str = "") -> Iterator[tuple[str, type]]:
    chosen = frozenset(q for q in quirks.split(",") if q)
    wrong = frozenset(m for m in mistakes.split(",") if m)
    handler = type(
        "Handler",
        (Quirky,),
        {
            "quirks": chosen,
            "mistakes": wrong,
            "erased": {},
            "served": [],
            "store": bundled.Store(
                str(tmp_path / "q.db"), identity=bool(wrong & bundled.KEEPS_IDENTITY)
            ),
        },
    )
    with serving(handler) as base:
        yield base, handler


@contextmanager
def serving(handler: type) -> Iterator[str]:
    """A handler served on a free loopback port, in a thread, for the length of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _messages(run: Any) -> list[str]:
    return [f["message"] for r in run.report["requirements"] for f in r["findings"]]


def _probe(tmp_path: Path, cli: Any, quirks: str, mistakes: str = "", requests: int = 400) -> Any:
    with quirky(tmp_path, quirks, mistakes) as (base, handler):
        path = _config(tmp_path, base)
        path.write_text(
            path.read_text().replace("max_requests = 400", f"max_requests = {requests}")
        )
        run = cli("probe", "--config", path)
    run.served = handler.served
    return run


@pytest.mark.parametrize(
    "quirks",
    [
        "",
        "anonymous_404",  # (10) the requirement allows 401, 403 and 404
        "gone_410",  # (11) 410 Gone returns no data
        "php_slashes",  # (13) "https:\/\/ketenid.nl\/…" is the stored ECK iD
        "uescape",  # (13) so is "\u0068\u0074…"
        "location",  # (14, 16) the id in the Location header, no body
        "charset",  # (18) charset=utf8mb4 is UTF-8
        "no_pseudonym_on_read",  # (15) an absent pseudonym is not a changed one
    ],
)
def test_a_lawful_but_unusual_supplier_passes_every_probe(
    tmp_path: Path, cli: Any, quirks: str
) -> None:
    run = _probe(tmp_path, cli, quirks)
    assert run.code == 0, run.err
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), _messages(run)


def test_sequential_ids_are_compared_as_values_not_substrings(tmp_path: Path, cli: Any) -> None:
    """(12) id 7 is not school A's pupil because school B's ECK iDs hold the digit 7."""
    with supplier(tmp_path, "", "sequential") as base:
        run = cli("probe", "--config", _config(tmp_path, base))
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), _messages(run)


def test_ids_in_a_list_are_values_and_a_canary_may_be_escaped() -> None:
    listed = Response(200, json.dumps([{"id": "17", "eckId": "https://x/a7f3"}]), {})
    assert holds_id(listed, "id", "17") and not holds_id(listed, "id", "7")
    assert holds_id(Response(200, json.dumps({"data": [{"id": 7}]}), {}), "id", "7")
    assert not holds_id(Response(200, "ids: 17, 27", {}), "id", "7")
    escaped = Response(400, '{"error": "\\u0053anne van \\/ Vries"}', {})
    assert contains(escaped, "sanne van / vries")


def test_names_echoed_in_unicode_escapes_are_still_a_leak(tmp_path: Path, cli: Any) -> None:
    """(13) the mirror of the false alarm: a false pass of API-001."""
    run = _probe(tmp_path, cli, "uescape", mistakes="echo_names")
    assert run.verdict("API-001") == "fail", run.err


@pytest.mark.parametrize("quirks", ["wrapped", "array"])
def test_a_provisioning_answer_without_a_usable_id_is_a_config_error(
    tmp_path: Path, cli: Any, quirks: str
) -> None:
    """(14, 17) never a run on with id "" that invents failures, nor a crash."""
    run = _probe(tmp_path, cli, quirks)
    assert run.code == 2, run.err
    assert "probe.fields.id" in run.err and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("quirks", "caught", "message"),
    [
        ("anonymous_list", "API-003", "a list without credentials got 200"),  # (1)
        ("anonymous_export", "API-003", "an inzage export without credentials got 200"),  # (2)
        ("anonymous_delete", "API-003", "a DELETE without credentials got 204 and removed"),
        ("export_after_delete", "API-004", "inzage export 200"),  # (4)
        ("wrong_types_500", "API-005", "wrong JSON types got 500"),  # (8)
        ("paged,list_all", "API-003", "school B's list contains school A's pupil"),  # (6)
        ("paged,list_erased", "API-004", "inzage export 404, and listed"),  # (5)
    ],
)
def test_leaks_the_lifecycle_did_not_ask_about_fail(
    tmp_path: Path, cli: Any, quirks: str, caught: str, message: str
) -> None:
    run = _probe(tmp_path, cli, quirks, requests=2000)
    assert run.verdict(caught) == "fail", run.err
    assert any(message in m for m in _messages(run)), _messages(run)
    others = {rid for rid in PROBED if rid != caught and run.verdict(rid) == "fail"}
    assert not others - {"API-003", "API-004"}, _messages(run)


def test_every_page_of_a_paged_list_is_searched(tmp_path: Path, cli: Any) -> None:
    """(5, 6) a lawful paged list passes, and its later pages are asked for."""
    run = _probe(tmp_path, cli, "paged", requests=2000)
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), _messages(run)
    assert any(path.endswith("?page=2") for path in run.served)


@contextmanager
def _trickling_headers() -> Iterator[int]:
    """A server that sends its status line, then one header byte every 0.2 s for ever."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=trickle, args=(connection,), daemon=True).start()

    def trickle(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(0.2):
                    connection.sendall(b"x")
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


@pytest.mark.parametrize(
    ("credentials", "sent"),
    [("", 1), (OAUTH2, 0)],  # (19), and review 8: the token request ran before any deadline
    ids=["api", "token-endpoint"],
)
def test_trickled_headers_cannot_stretch_the_time_budget(
    tmp_path: Path, cli: Any, credentials: str, sent: int
) -> None:
    """requests' timeout bounds each read, and each byte arrives in time: only the run's
    deadline ends the exchange. (The bound on the wall time is a hang guard, far above the
    1 s budget, not a speed target: without the deadline the run went on for minutes.)"""
    with _trickling_headers() as port:
        path = _config(
            tmp_path, f"http://127.0.0.1:{port}", *([credentials] if credentials else [])
        )
        path.write_text(path.read_text().replace("max_seconds = 60", "max_seconds = 1"))
        started = time.monotonic()
        run = cli("probe", "--config", path)
        took = time.monotonic() - started
    assert run.code == 2, run.err
    assert f"the budget (400 requests, 1 s) ran out after {sent} requests" in run.err
    assert took < 30


def test_a_plain_http_port_trickling_its_headers_is_not_waited_on(tmp_path: Path) -> None:
    """(20) the plain-HTTP check of API-007 is bounded as a whole, not per read."""
    with _trickling_headers() as port:
        started = time.monotonic()
        assert plain_http_served("127.0.0.1", port, "/v1/pupils", timeout=1) is None
        assert time.monotonic() - started < 5


def test_an_unknown_charset_is_read_as_utf8() -> None:
    assert _codec("utf8mb4") == "utf-8" and _codec(None) == "utf-8"
    assert _codec("latin-1") == "iso8859-1"
    assert re.fullmatch(r"utf-8", _codec("UTF-8"))


def test_a_budget_spent_inside_the_sequences_is_named_as_such(tmp_path: Path) -> None:
    """Review 1a: hypothesis saw the exhausted budget as a failure that went away on its
    replay, and the run blamed the API ("answered a replayed sequence differently")."""
    with supplier(tmp_path) as base:
        config = load_config(_config(tmp_path, base))
        client = Client(dataclasses.replace(config, max_requests=25))
        with pytest.raises(BudgetExhaustedError):
            probe_sequences(client, client.config, Results(client.config, client))
    assert client.sent == 25


def test_a_budget_spent_in_the_sequences_ends_the_run_on_one_line(tmp_path: Path, cli: Any) -> None:
    with supplier(tmp_path) as base:
        path = _config(tmp_path, base)
        path.write_text(path.read_text().replace("max_requests = 400", "max_requests = 120"))
        run = cli("probe", "--config", path)
    assert run.code == 2, run.err
    errors = [line for line in run.err.splitlines() if "error" in line]
    assert errors == [errors[0]] and "the budget (120 requests" in errors[0], run.err
    assert "ran out after 120 requests" in errors[0] and "replayed" not in run.err


class _Pages:
    """A fake list of ``count`` pages of one item each, ``p1`` … (linked by ``next``), as
    Client._send would answer; ``asked`` the URLs requested."""

    def __init__(self, client: Client, count: int) -> None:
        self.count = count
        self.asked: list[str] = []
        client._send = self.send  # type: ignore[method-assign]

    def send(self, method: str, url: str, shown: str, *_: Any) -> Response:
        self.asked.append(f"{method} {url}")
        number = int(parse_qs(urlsplit(url).query).get("page", ["1"])[0])
        more = f"/v1/pupils?page={number + 1}" if number < self.count else None
        page = {"items": [{"id": f"p{number}"}], "next": more}
        return Response(200, json.dumps(page), {}, f"{method} {shown} -> 200")


def _client(tmp_path: Path) -> Client:
    return Client(load_config(_config(tmp_path, "http://127.0.0.1:9")))


def test_a_pupil_that_should_be_listed_stops_the_paging_where_it_is_found(
    tmp_path: Path,
) -> None:
    """Review 1b: every page was asked for every list, present or absent."""
    client = _client(tmp_path)
    pages = _Pages(client, 5)
    a = client.config.credentials[0]
    found = list_pages(client, a, until=lambda page: holds_id(page, "id", "p2"))
    assert len(found) == 2 and len(pages.asked) == 2
    assert len(list_pages(client, a)) == 5  # absence needs every page: the rest are fetched
    assert len(pages.asked) == 5


def test_a_list_asked_again_without_a_change_between_is_not_fetched_again(
    tmp_path: Path,
) -> None:
    client = _client(tmp_path)
    pages = _Pages(client, 3)
    a, b = client.config.credentials
    first = list_pages(client, a)
    assert list_pages(client, a) == first and len(pages.asked) == 3
    list_pages(client, b)  # another school's list is its own
    assert len(pages.asked) == 6
    client.call("delete", a, "p1")  # the API may have changed: asked again
    list_pages(client, a)
    assert len(pages.asked) == 10


@pytest.mark.parametrize("depth", [900, 5000])
def test_deeply_nested_json_is_never_a_crash(depth: int) -> None:
    """Review 2: json.loads raised RecursionError past ~1000 levels, and the id search
    recursed through what it did parse."""
    for text in ("[" * depth + "]" * depth, '{"a": ' * depth + "1" + "}" * depth):
        reply = Response(200, text, {})
        assert not holds_id(reply, "id", "7") and not contains(reply, "zz")


def test_a_long_link_header_is_parsed_in_linear_time() -> None:
    """Review 3: a regex backtracked for 25 s on 64 kB of Link header without commas."""
    started = time.monotonic()
    assert next_link(Response(200, "[]", {"Link": "<a>;" * 16_000})) is None
    assert time.monotonic() - started < 1
    many = ", ".join(f'</v1/pupils?page={i}>; rel="prev"' for i in range(1000))
    assert next_link(Response(200, "[]", {"Link": many + ', </p2>; rel="next"'})) == "/p2"
    assert next_link(Response(200, "[]", {"Link": '</p2>; rel="prev next"'})) == "/p2"
    assert next_link(Response(200, "[]", {"Link": '</p2>; rel="next-archive"'})) is None


def test_max_seconds_beyond_a_day_is_a_config_error(tmp_path: Path, cli: Any) -> None:
    """Review 4: max_seconds = 1e10 passed, and each request's timer thread died of it."""
    path = _config(tmp_path, "http://127.0.0.1:9")
    path.write_text(path.read_text().replace("max_seconds = 60", "max_seconds = 1e10"))
    run = cli("probe", "--config", path)
    assert run.code == 2 and "probe.max_seconds: must be at most 86400" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_a_deadline_past_what_a_timer_can_wait_still_arms() -> None:
    died: list[BaseException | None] = []
    hook = threading.excepthook
    threading.excepthook = lambda args: died.append(args.exc_value)
    try:
        with Deadline(1e10, weakref.WeakSet()) as deadline:
            time.sleep(0.05)
            assert deadline.timer.is_alive()
    finally:
        threading.excepthook = hook
    assert died == [] and not deadline.expired


@pytest.mark.parametrize(
    "body",
    [
        [{"id": 5, "school": {"id": 1}, "group": {"id": 7}}],
        {"items": [{"id": 5, "school": {"id": 1}}], "meta": {"id": 7}, "next": None},
    ],
)
def test_ids_nested_in_a_listed_item_are_not_pupils(body: Any) -> None:
    """Review 5: the school's and the group's ids counted as listed pupils (a false API-003
    and API-004 for a correct API)."""
    listed = Response(200, json.dumps(body), {})
    assert holds_id(listed, "id", "5")
    assert not holds_id(listed, "id", "1") and not holds_id(listed, "id", "7")


def test_nested_ids_in_a_correct_list_are_no_failure(tmp_path: Path, cli: Any) -> None:
    run = _probe(tmp_path, cli, "nested_ids")
    assert _verdicts(run) == dict.fromkeys(PROBED, "pass"), _messages(run)


@pytest.mark.parametrize(
    ("location", "pupil_id"),
    [
        ("/v1/pupils/abc/", "abc"),
        ("v1/pupils/abc", "abc"),
        ("/v1/pupils/a%20b", "a b"),
        ("/v1/pupils/a%2Fb", "a%2Fb"),  # decoded, the slash would split the id
    ],
)
def test_a_location_with_a_trailing_slash_relative_or_escaped_holds_the_id(
    tmp_path: Path, location: str, pupil_id: str
) -> None:
    """Review 6: a correct API's Location ended the run with "no id"."""
    config = load_config(_config(tmp_path, "https://api.example.nl"))
    assert pupil_id_of(Response(201, "", {"Location": location}), config) == pupil_id


def test_a_location_off_the_read_path_is_still_no_id(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "https://api.example.nl"))
    with pytest.raises(UserError, match=r"probe\.fields\.id"):
        pupil_id_of(Response(201, "", {"Location": "/v1/pupils/abc/inzage"}), config)


@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "idna", "punycode"])
def test_a_charset_that_is_no_text_encoding_is_read_as_utf8(charset: str) -> None:
    """Review 7: codecs.lookup knows these, and decoding with them raised (exit 3)."""
    assert _text('{"a": "é\xff"}'.encode("latin-1"), charset) == '{"a": "\ufffd\ufffd"}'
