"""API-007 on the wire: the API is reached over HTTPS, its host does not serve the API in
plain HTTP as well, and its TLS endpoint refuses versions before 1.2.

The plain-HTTP request carries no credentials (they would cross the network in clear) and
asks for the list endpoint. A host that refuses the connection, redirects to https:// or
refuses the request (400, 403, 421, 426 …) passes. One that answers 2xx, or 401 — which means
it would take a school's credentials over plain HTTP — fails, as does a redirect to http://.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from conformance.model.errors import UserError
from conformance.model.spec import LOOPBACK_HOSTS
from conformance.probes.common import Results
from conformance.probes.config import ProbeConfig
from conformance.probes.deadline import Deadline, tracked_session
from conformance.probes.tls import can_offer_old_tls, old_tls_accepted


def probe_transport(config: ProbeConfig, results: Results) -> None:
    parts = urlsplit(config.base_url)
    secure = parts.scheme == "https" or (parts.hostname or "") in LOOPBACK_HOSTS
    results.check("API-007", secure, f"the API is reached over plain HTTP at {parts.netloc}")
    if parts.scheme != "https" or not parts.hostname:
        return
    served = plain_http_served(parts.hostname, config.plain_http_port, _list_path(config))
    results.check("API-007", served is None, f"{parts.hostname} {served}")
    if can_offer_old_tls():
        try:
            old = old_tls_accepted(parts.hostname, parts.port or 443)
        except OSError as exc:
            problem = f"cannot reach {parts.hostname} for the TLS check ({type(exc).__name__})"
            raise UserError(config.source, "probe.base_url", problem) from None
        results.check("API-007", old is None, f"{parts.netloc} still accepts {old}")


def plain_http_served(host: str, port: int, path: str, timeout: float = 10) -> str | None:
    """How the host serves the API over plain HTTP (a phrase for the finding), or None if it
    does not."""
    url = f"http://{host}:{port}{path}"
    session, sockets = tracked_session()
    # the deadline bounds the headers too: a host trickling them byte by byte defeats the
    # per-read timeout, and one that never finishes its answer does not serve the API
    with Deadline(timeout, sockets) as deadline:
        try:
            with session.get(url, timeout=timeout, allow_redirects=False, stream=True) as reply:
                status, location = reply.status_code, reply.headers.get("Location", "")
        except (requests.RequestException, OSError):  # refused, reset, timed out: not served
            return None
    if deadline.expired:
        return None
    if 300 <= status < 400:
        return None if location.startswith("https://") else f"redirects plain HTTP to {location}"
    if 200 <= status < 300:
        return f"serves the API over plain HTTP on port {port} ({status})"
    if status == 401:
        return f"asks for credentials over plain HTTP on port {port} (401)"
    return None


def _list_path(config: ProbeConfig) -> str:
    base = urlsplit(config.base_url).path.rstrip("/")
    return base + config.endpoints["list"].path
