"""The probes' HTTP client: one host, bounded in requests and seconds, no redirects, and a log
of what was sent (method, path, status) for the reproduction in a finding — never the bodies."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from conformance.model.errors import UserError
from conformance.probes.config import ProbeConfig


class BudgetExhaustedError(Exception):
    """The run reached max_requests or max_seconds."""


@dataclass
class Response:
    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        import json  # noqa: PLC0415

        try:
            return json.loads(self.text)
        except ValueError:
            return None


@dataclass
class Client:
    config: ProbeConfig
    session: requests.Session = field(default_factory=requests.Session)
    sent: int = 0
    started: float = field(default_factory=time.monotonic)
    log: list[str] = field(default_factory=list)

    def call(
        self, role: str, token: str | None, pupil_id: str | None = None, body: bytes | None = None
    ) -> Response:
        if (
            self.sent >= self.config.max_requests
            or time.monotonic() - self.started > self.config.max_seconds
        ):
            raise BudgetExhaustedError
        endpoint = self.config.endpoints[role]
        path = endpoint.path.replace("{id}", pupil_id or "")
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.sent += 1
        try:
            reply = self.session.request(
                endpoint.method,
                self.config.base_url + path,
                data=body,
                headers=headers,
                timeout=15,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            host = urlsplit(self.config.base_url).netloc
            raise UserError(
                self.config.source, None, f"cannot reach {host} ({type(exc).__name__})"
            ) from None
        self.log.append(f"{endpoint.method} {endpoint.path} -> {reply.status_code}")
        return Response(reply.status_code, reply.text, dict(reply.headers))
