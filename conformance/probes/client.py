"""The probes' HTTP client: one host, bounded in requests and seconds, paced to a rate, no
redirects, and a log of what was sent (method, path, status) for the reproduction in a
finding — never the bodies."""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from conformance.model.errors import UserError
from conformance.probes.config import Credential, ProbeConfig
from conformance.probes.deadline import Deadline, Sockets, tracked_session

MAX_BODY = 16 * 2**20  # bytes of one response; a pupil API answers in kilobytes


class BudgetExhaustedError(Exception):
    """The run reached max_requests or max_seconds."""


@dataclass
class Response:
    status: int
    text: str
    headers: dict[str, str]
    line: str = ""  # what was sent and answered ("GET /v1/pupils -> 200"), as in Client.log

    def json(self) -> Any:
        return self.parsed

    @cached_property
    def parsed(self) -> Any:
        try:
            return json.loads(self.text)
        except (ValueError, RecursionError):  # nested deeper than the parser goes: not JSON
            return None

    @cached_property
    def strings(self) -> list[str]:
        """Every string of the decoded JSON body, keys included: a serialiser that writes
        ``\\/`` or ``\\u0053`` still returns the same characters."""
        return list(_strings(self.parsed))


def _strings(value: Any) -> Iterator[str]:
    # a stack, not recursion: a document nested nearly as deep as the parser allows would
    # exhaust Python's stack in a recursive walk
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield str(key)
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)


@dataclass
class Listing:
    """The pages of one school's list fetched so far, the links followed, and whether the
    last page has been reached."""

    pages: list[Response]
    links: set[str] = field(default_factory=set)
    complete: bool = False


@dataclass
class Pace:
    """At most ``rate`` requests per second (0: unpaced), so a probe run never floods a
    supplier's test environment."""

    rate: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    next_at: float = 0.0

    def wait(self) -> None:
        if self.rate <= 0:
            return
        now = self.clock()
        if self.next_at > now:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + 1 / self.rate


@dataclass
class Client:
    config: ProbeConfig
    session: requests.Session = field(init=False)
    sockets: Sockets = field(init=False)  # the session's, for the deadline to cut
    sent: int = 0
    started: float = field(default_factory=time.monotonic)
    log: list[str] = field(default_factory=list)

    tokens: dict[Credential, str] = field(default_factory=dict)  # OAuth2 access tokens
    # each credential's list pages (common.list_pages), valid until the API may have changed
    lists: dict[Credential | None, Listing] = field(default_factory=dict)
    pace: Pace = field(init=False)

    def __post_init__(self) -> None:
        self.pace = Pace(self.config.max_rate)
        self.session, self.sockets = tracked_session()  # no proxies or .netrc: one host only

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def authorise(self, credential: Credential) -> dict[str, str]:
        """The header that authenticates this school (an OAuth2 token fetched once)."""
        if not credential.token_url:
            return {credential.header: credential.value}
        if credential not in self.tokens:
            self.tokens[credential] = self._oauth2(credential)
        return {"Authorization": f"Bearer {self.tokens[credential]}"}

    def _oauth2(self, credential: Credential) -> str:
        base = urlsplit(self.config.base_url)
        url = credential.token_url
        if url.startswith("/"):
            url = f"{base.scheme}://{base.netloc}{url}"
        if urlsplit(url)[:2] != base[:2]:  # same scheme and host: no secret in cleartext
            raise UserError(
                self.config.source, "probe.credentials", "token_url must be on the API's host"
            )
        if self.elapsed() > self.config.max_seconds:
            raise BudgetExhaustedError
        # under the run's deadline like every request: a token endpoint trickling its
        # headers would otherwise hold the run for ever, each byte inside the read timeout
        reply, text = self._exchange(
            "cannot reach the token endpoint",
            "POST",
            url,
            data={"grant_type": "client_credentials"},
            auth=(credential.client_id, credential.client_secret),
        )
        token = _access_token(Response(reply.status_code, text, {})) if reply.ok else None
        if token is None:
            problem = f"the token endpoint refused the client ({reply.status_code})"
            raise UserError(self.config.source, "probe.credentials", problem)
        return token

    def call(
        self,
        role: str,
        credential: Credential | None,
        pupil_id: str | None = None,
        body: bytes | None = None,
    ) -> Response:
        endpoint = self.config.endpoints[role]
        path = endpoint.path.replace("{id}", pupil_id or "")
        url = self.config.base_url + path
        if endpoint.method not in ("GET", "HEAD"):  # the API may change: lists are asked anew
            self.lists.clear()
        return self._send(endpoint.method, url, endpoint.path, credential, body)

    def follow(self, role: str, link: str, credential: Credential | None) -> Response | None:
        """GET a link a ``role`` answer gave (a list's next page), or None when it leads off
        the API's host: credentials go to the configured host only."""
        endpoint = self.config.endpoints[role]
        url = urljoin(self.config.base_url + endpoint.path, link)
        if urlsplit(url)[:2] != urlsplit(self.config.base_url)[:2]:
            return None
        return self._send("GET", url, f"{endpoint.path} (next page)", credential, None)

    def _send(
        self, method: str, url: str, shown: str, credential: Credential | None, body: bytes | None
    ) -> Response:
        if self.sent >= self.config.max_requests or self.elapsed() > self.config.max_seconds:
            raise BudgetExhaustedError
        headers = {"Content-Type": "application/json"}
        if credential is not None:
            headers.update(self.authorise(credential))
        self.sent += 1
        self.pace.wait()
        host = urlsplit(self.config.base_url).netloc
        reply, text = self._exchange(
            f"cannot reach {host}", method, url, data=body, headers=headers
        )
        line = f"{method} {shown} -> {reply.status_code}"
        self.log.append(line)
        return Response(reply.status_code, text, dict(reply.headers), line)

    def _exchange(
        self, unreachable: str, method: str, url: str, **options: Any
    ) -> tuple[requests.Response, str]:
        """One request and its body under the run's deadline: it bounds the whole exchange, as
        a server trickling its headers or body byte by byte defeats the per-read timeout. Cut
        short, it is the budget's end (what arrived is not the answer); unreachable, one line."""
        with Deadline(self.config.max_seconds - self.elapsed(), self.sockets) as deadline:
            try:
                reply = self.session.request(
                    method, url, timeout=15, allow_redirects=False, stream=True, **options
                )
                with reply:
                    text = self._bounded_body(reply)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                if deadline.expired:
                    raise BudgetExhaustedError from None
                problem = f"{unreachable} ({type(exc).__name__})"
                raise UserError(self.config.source, None, problem) from None
        if deadline.expired:
            raise BudgetExhaustedError
        return reply, text

    def _bounded_body(self, reply: requests.Response) -> str:
        """The body, read within the run's time budget and MAX_BODY bytes: a server that
        drips or floods cannot stretch a bounded run (the timeout only bounds each pause)."""
        chunks: list[bytes] = []
        size = 0
        # read1 returns what has arrived (iter_content would wait for a whole chunk)
        while chunk := reply.raw.read1(65536, decode_content=True):
            size += len(chunk)
            if size > MAX_BODY:
                raise UserError(
                    self.config.source, None, f"a response exceeded {MAX_BODY // 2**20} MiB"
                )
            if self.elapsed() > self.config.max_seconds:
                raise BudgetExhaustedError
            chunks.append(chunk)
        return _text(b"".join(chunks), reply.encoding)


_NO_REPLACE = frozenset({"idna", "punycode"})  # text codecs that fail on undecodable bytes


def _text(data: bytes, charset: str | None) -> str:
    """The body decoded by its charset, or as UTF-8 where that codec cannot replace what it
    does not decode (idna and punycode refuse the "replace" handler or raise regardless)."""
    try:
        return data.decode(_codec(charset), "replace")
    except UnicodeError:
        return data.decode("utf-8", "replace")


def _codec(charset: str | None) -> str:
    """The response's charset, or UTF-8 (JSON's own) when it names no text encoding Python
    knows (``charset=utf8mb4`` is MySQL's name for UTF-8)."""
    try:
        codec = codecs.lookup(charset or "utf-8")
    except LookupError:
        return "utf-8"
    # rot13, base64, hex, idna …: codecs Python knows that do not decode bytes to text
    text = getattr(codec, "_is_text_encoding", True) and codec.name not in _NO_REPLACE
    return codec.name if text else "utf-8"


def _access_token(reply: Response) -> str | None:
    """The access_token of an RFC 6749 token response, or None if the reply is not one."""
    body = reply.json()
    token = body.get("access_token") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token else None
