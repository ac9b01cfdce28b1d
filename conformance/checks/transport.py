"""API-007 insecure-transport, as far as an interface spec shows it: plain-HTTP servers, and
personal data or pseudonyms in URLs (paths and query strings end up in logs and proxies).
The live part (TLS versions, plain HTTP refused) belongs to the probes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from conformance.checks.base import Check, register
from conformance.checks.context import CheckContext
from conformance.detect.safepath import safe_path
from conformance.model.findings import Finding, Location
from conformance.model.profile import FieldClass
from conformance.model.requirements import CheckDoc
from conformance.model.spec import LOOPBACK_HOSTS, SpecModel
from conformance.model.verdict import Severity

_LOCAL = LOOPBACK_HOSTS | {""}  # "" : a relative server URL, served wherever the spec is
# A URL's scheme and its authority's host, for a URL urlsplit refuses ("http://[::1").
_AUTHORITY = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@]*@)?(?:\[([^\]/?#]*)|([^/?#:]*))")


def _scheme_and_host(url: str) -> tuple[str, str]:
    """A server URL's scheme and host, lower case; the host alone is shown (the user and
    password before an "@", the path and the query may hold a person's name or number)."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "")
    except ValueError:  # a bracket left open: no valid IPv6 host, yet the scheme is plain
        found = _AUTHORITY.match(url.strip())
        return (found[1].lower(), (found[2] or found[3] or "").lower()) if found else ("", "")


@register
class InsecureTransport(Check):
    requirement = "API-007"
    evidence = frozenset({"spec", "api"})
    doc = CheckDoc(
        what="The API is served over HTTPS only (no http:// server outside localhost), and no "
        "personal data or pseudonym travels in a URL (path or query parameter).",
        why="Plain HTTP exposes pupil data on the wire; URLs are written to access logs, "
        "browser histories and proxies, where a BSN or an ECK iD does not belong (AVG art. 32).",
        failing="servers: [{url: http://api.example.nl}]   GET /pupils/{bsn}",
        passing="servers: [{url: https://api.example.nl}]   GET /pupils/{id} (an opaque key)",
        fix="Serve HTTPS only; send identifiers in the request body or headers, or address "
        "records by an opaque key.",
    )
    nothing_examined = "no OpenAPI document (servers, URL parameters) among the inputs"

    def __init__(self, ctx: CheckContext) -> None:
        super().__init__(ctx)
        self.found: list[Finding] = []

    def inspect_spec(self, spec: SpecModel) -> None:
        for url, line in spec.servers:
            self.examined += 1
            scheme, host = _scheme_and_host(url)
            if scheme == "http" and host not in _LOCAL:
                self.found.append(
                    Finding(
                        requirement=self.requirement,
                        message=f"server http://{safe_path(host)}/… is plain HTTP: "
                        "expected https://",
                        location=Location(spec.source, line, "/servers"),
                    )
                )
        for field in spec.url_fields:
            self.examined += 1
            rule = self.ctx.rule(field.name)
            if rule is not None and rule.cls in (FieldClass.DIRECT, FieldClass.PSEUDONYM):
                what = "pseudonym" if rule.cls is FieldClass.PSEUDONYM else "personal data"
                self.found.append(
                    Finding(
                        requirement=self.requirement,
                        message=f"{field.operation}: {field.place} parameter "
                        f"'{safe_path(field.name)}' "
                        f"puts {what} in the URL",
                        location=Location(spec.source, field.line, field.operation),
                        severity=Severity.MEDIUM if what == "pseudonym" else Severity.HIGH,
                        field=safe_path(field.name),
                    )
                )

    def finish(self) -> Iterable[Finding]:
        return self.found
