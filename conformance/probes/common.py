"""What the probe phases share: the results being gathered, the request body of a pupil, its
canary values, and the exact-match test that proves a leak."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from requests.utils import parse_header_links

from conformance.model.errors import UserError
from conformance.model.findings import Finding, Location
from conformance.probes.client import Client, Listing, Response
from conformance.probes.config import Credential, ProbeConfig
from conformance.probes.strategies import FORBIDDEN, IDENTIFYING

REFUSED = (401, 403, 404)  # API-003: anything else to another school or no one fails
GONE = (404, 410)  # API-004: a deleted pupil's read or export returns no data
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


def list_items(body: Any) -> list[dict[str, Any]]:
    """The items of a list answer: the objects of a top-level array, or of the first array of
    objects under a top-level object's key (``{"items": [...]}``, ``{"data": [...]}``). Only
    the items themselves: an id nested in an item (its school's, its group's) is no pupil's."""
    if isinstance(body, dict):
        arrays = (v for v in body.values() if isinstance(v, list))
        body = next((v for v in arrays if any(isinstance(i, dict) for i in v)), [])
    return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []


def item_ids(body: Any, id_field: str) -> list[str]:
    """Each list item's own ``id_field`` value, as text (a number or a string)."""
    return [
        str(own)
        for item in list_items(body)
        if isinstance(own := item.get(id_field), str | int) and not isinstance(own, bool)
    ]


def holds_id(response: Response, id_field: str, pupil_id: str) -> bool:
    """Whether a list answer holds the pupil: its id as the id field of an item, compared as a
    value (``7`` is not in ``"a7f3"``); an answer that is not JSON, as a whole word."""
    body = response.json()
    if body is not None:
        return pupil_id in item_ids(body, id_field)
    return re.search(rf"(?<![\w-]){re.escape(pupil_id)}(?![\w-])", response.text) is not None


def pupil_id_of(created: Response, config: ProbeConfig) -> str:
    """The id a provisioning answer gives the pupil: the id field of its JSON object, else the
    last segment of its Location header where that matches the read path. None found ends the
    run: every later request would go to a wrong URL and invent failures."""
    found = field_of(created, config.id_field)
    if isinstance(found, str | int) and not isinstance(found, bool) and str(found):
        return str(found)
    if found := _id_in_location(created, config):
        return found
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


def _id_in_location(created: Response, config: ProbeConfig) -> str | None:
    """The pupil's id as the last segment of the Location header's path, where that path is
    the read path: absolute or relative (resolved against the base URL, as ``v1/pupils/7``
    means the API's own path), a trailing slash allowed, percent-escapes decoded."""
    location = next((v for k, v in created.headers.items() if k.lower() == "location"), "")
    if not location:
        return None
    path = urlsplit(urljoin(config.base_url.rstrip("/") + "/", location)).path
    head, _, tail = config.endpoints["read"].path.partition("{id}")
    match = re.search(re.escape(head) + r"(?P<id>[^/?#]+)" + re.escape(tail) + "/?$", path)
    if match is None:
        return None
    # an escaped slash stays escaped: decoded, it would split the id across two segments
    decoded = unquote(match["id"])
    return decoded if "/" not in decoded else match["id"]


def _wrapper(body: Any, id_field: str) -> str | None:
    """The key of an envelope (``{"data": {"id": …}}``) holding the id, for a clearer error."""
    if not isinstance(body, dict):
        return None
    return next((k for k, v in body.items() if isinstance(v, dict) and id_field in v), None)


_PAGES = 10  # pages of one list followed at most
# characters of the Link header(s) read: http.client's limit for one header line; several
# Link headers arrive joined, and a flood of them is cut short
_LINK_HEADER = 65_536


def next_link(response: Response) -> str | None:
    """The next page a list answer links: a Link header with rel="next", or a ``next`` link
    in the body (``"next": "…"``, ``"links"``/``"_links"`` with ``next`` or ``{"href": …}``)."""
    header = next((v for k, v in response.headers.items() if k.lower() == "link"), "")
    # requests' parser splits on commas and semicolons, linear in the header's length (a
    # regex scanning for "rel" backtracks quadratically on a long header without commas)
    for linked in parse_header_links(header[:_LINK_HEADER]):
        if "next" in linked.get("rel", "").lower().split() and linked.get("url"):
            return linked["url"]
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


def list_pages(
    client: Client,
    credential: Credential | None,
    until: Callable[[Response], bool] | None = None,
) -> list[Response]:
    """The list as ``credential`` sees it, page after page as the API links them (up to
    _PAGES): a pupil on page two is still listed. With ``until``, the pages up to the first
    for which it holds — a pupil that should be listed is found without the pages after it;
    without, every page, as a pupil that must be absent has to be absent from all of them.
    Pages fetched since the API last changed (the client forgets them at any request but a
    GET) are not asked for again."""
    listing = client.lists.get(credential)
    if listing is None:
        listing = Listing([client.call("list", credential)])
        client.lists[credential] = listing
    for shown, page in enumerate(listing.pages, start=1):
        if until is not None and until(page):
            return listing.pages[:shown]
    while not listing.complete:
        link = _unseen_next(listing)
        followed = None if link is None else client.follow("list", link, credential)
        if link is None or followed is None:
            listing.complete = True
            break
        listing.pages.append(followed)
        listing.links.add(link)
        if until is not None and until(followed):
            break
    return list(listing.pages)


def _unseen_next(listing: Listing) -> str | None:
    last = listing.pages[-1]
    if last.status != 200 or len(listing.pages) >= _PAGES:
        return None
    link = next_link(last)
    return None if link in listing.links else link
