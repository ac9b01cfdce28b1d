"""What the probe phases share: the results being gathered, the request body of a pupil, its
canary values, and the exact-match test that proves a leak."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from conformance.model.errors import UserError
from conformance.model.findings import Finding, Location
from conformance.probes.client import Client, Response
from conformance.probes.config import Credential, ProbeConfig
from conformance.probes.strategies import FORBIDDEN, IDENTIFYING

PROBED = ("API-001", "API-002", "API-003", "API-004", "API-005", "API-006", "API-007", "LNK-001")


class Results:
    def __init__(self, config: ProbeConfig, client: Client) -> None:
        self.config = config
        self.client = client
        self.findings: dict[str, list[Finding]] = {rid: [] for rid in PROBED}
        self.examined: dict[str, int] = dict.fromkeys(PROBED, 0)

    def check(self, rid: str, ok: bool, message: str) -> None:
        """Count one examination of ``rid``; a failure becomes a finding."""
        self.examined[rid] += 1
        if not ok:
            self.fail(rid, message)

    def fail(self, rid: str, message: str, steps: list[str] | None = None) -> None:
        """A finding carrying the seed and the requests that led to it (given, or the last
        six sent)."""
        shown = "; ".join(self.client.log[-6:] if steps is None else steps)
        self.findings[rid].append(
            Finding(
                requirement=rid,
                message=f"{message} (reproduce with seed {self.config.seed}: {shown})",
                location=Location(self.config.base_url),
            )
        )


def pupil_body(pupil: dict[str, str], without: frozenset[str] = frozenset()) -> bytes:
    return json.dumps({k: v for k, v in pupil.items() if k not in without}).encode()


def identifying(config: ProbeConfig, pupil: dict[str, str]) -> list[str]:
    return [pupil[f] for f, kind in config.payload.items() if kind in IDENTIFYING and f in pupil]


def forbidden_fields(config: ProbeConfig) -> frozenset[str]:
    return frozenset(f for f, kind in config.payload.items() if kind in FORBIDDEN)


def contains(response: Response, value: str) -> bool:
    """Whether the canary comes back in the body or a header, in any letter case (a supplier
    that upper-cases a name still returns it)."""
    if not value:
        return False
    wanted = value.casefold()
    return (
        wanted in response.text.casefold()
        or any(wanted in v.casefold() for v in response.headers.values())
        # the same value escaped by a JSON serialiser (\/, \u0053) is still the value
        or any(wanted in v.casefold() for v in response.strings)
    )


def field_of(response: Response, name: str) -> Any:
    """A top-level field of a JSON object answer, None if the answer is no object or lacks it."""
    body = response.json()
    return body.get(name) if isinstance(body, dict) else None


def _ids(value: Any, id_field: str) -> set[str]:
    """Every ``id_field`` value in a JSON document, at any depth (wrapped and paged lists)."""
    if isinstance(value, list):
        return set().union(*(_ids(v, id_field) for v in value))
    if not isinstance(value, dict):
        return set()
    own = value.get(id_field)
    found = {str(own)} if isinstance(own, str | int) and not isinstance(own, bool) else set()
    return found.union(*(_ids(v, id_field) for v in value.values()))


def holds_id(response: Response, id_field: str, pupil_id: str) -> bool:
    """Whether a list answer holds the pupil: its id as the id field of an item, compared as a
    value (``7`` is not in ``"a7f3"``); an answer that is not JSON, as a whole word."""
    body = response.json()
    if body is not None:
        return pupil_id in _ids(body, id_field)
    return re.search(rf"(?<![\w-]){re.escape(pupil_id)}(?![\w-])", response.text) is not None


def pupil_id_of(created: Response, config: ProbeConfig) -> str:
    """The id a provisioning answer gives the pupil: the id field of its JSON object, else the
    last segment of its Location header where that matches the read path. None found ends the
    run: every later request would go to a wrong URL and invent failures."""
    found = field_of(created, config.id_field)
    if isinstance(found, str | int) and not isinstance(found, bool) and str(found):
        return str(found)
    location = next((v for k, v in created.headers.items() if k.lower() == "location"), "")
    head, _, tail = config.endpoints["read"].path.partition("{id}")
    match = re.search(
        re.escape(head) + r"(?P<id>[^/?#]+)" + re.escape(tail) + "$", urlsplit(location).path
    )
    if match:
        return match["id"]
    wrapper = _wrapper(created.json(), config.id_field)
    hint = (
        f"it wraps the pupil under '{wrapper}', and the probes read the id at the top level"
        if wrapper
        else "name the field that holds the pupil's id"
    )
    problem = (
        f"the provisioning answer ({created.status}) has no '{config.id_field}' field in a JSON "
        f"object and no Location header with the pupil's read path; {hint}"
    )
    raise UserError(config.source, "probe.fields.id", problem)


def _wrapper(body: Any, id_field: str) -> str | None:
    """The key of an envelope (``{"data": {"id": …}}``) holding the id, for a clearer error."""
    if not isinstance(body, dict):
        return None
    return next((k for k, v in body.items() if isinstance(v, dict) and id_field in v), None)


_PAGES = 10  # pages of one list followed at most
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)


def next_link(response: Response) -> str | None:
    """The next page a list answer links: a Link header with rel="next", or a ``next`` link
    in the body (``"next": "…"``, ``"links"``/``"_links"`` with ``next`` or ``{"href": …}``)."""
    header = next((v for k, v in response.headers.items() if k.lower() == "link"), "")
    if match := _LINK_NEXT.search(header):
        return match[1]
    body = response.json()
    if not isinstance(body, dict):
        return None
    for holder in (body, body.get("links"), body.get("_links")):
        link = holder.get("next") if isinstance(holder, dict) else None
        if isinstance(link, dict):
            link = link.get("href")
        if isinstance(link, str) and link:
            return link
    return None


def list_pages(client: Client, credential: Credential | None) -> list[Response]:
    """The list as ``credential`` sees it, every page the API links (up to _PAGES): a pupil on
    page two is still listed."""
    pages = [client.call("list", credential)]
    seen: set[str] = set()
    while pages[-1].status == 200 and len(pages) < _PAGES:
        link = next_link(pages[-1])
        if link is None or link in seen:
            break
        seen.add(link)
        page = client.follow("list", link, credential)
        if page is None:
            break
        pages.append(page)
    return pages
