"""What the probe phases share: the results being gathered, the request body of a pupil, its
canary values, and the exact-match test that proves a leak."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from requests.utils import parse_header_links

from conformance.detect.redact import redact
from conformance.detect.safepath import safe_path
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
    that upper-cases a name still returns it); a personal number also written apart
    (``1234.56.782``, ``1234 56 782``) or, stored as a number, without its leading zeros."""
    if not value:
        return False
    wanted = value.casefold()
    texts = (response.text, *response.headers.values())
    if (
        any(wanted in text.casefold() for text in texts)
        # the same value escaped by a JSON serialiser (\/, \u0053) is still the value
        or any(wanted in v.casefold() for v in response.strings)
    ):
        return True
    number = _number_pattern(value)
    return number is not None and any(number.search(t) for t in (*texts, *response.strings))


_APART = r"[\s./-]?"  # what may stand between the digits of a number written for people


@lru_cache(maxsize=1024)
def _number_pattern(value: str) -> re.Pattern[str] | None:
    """A personal number (eight digits or more) with a separator allowed between any two of
    its digits and its leading zeros optional (where _SIGNIFICANT digits remain), never glued
    to other digits: None for any other value."""
    if not (value.isascii() and value.isdigit() and len(value) >= 8):
        return None
    digits = value.lstrip("0")
    if len(digits) < _SIGNIFICANT:  # 000000097: "97" alone is no proof of anything
        digits = value
    zeros = len(value) - len(digits)
    head = f"(?:0{_APART}){{0,{zeros}}}" if zeros else ""
    return re.compile(r"(?<!\d)" + head + _APART.join(digits) + r"(?!\d)")


_SIGNIFICANT = 7  # digits a number keeps without its leading zeros, to be recognised


def field_of(response: Response, name: str) -> Any:
    """A top-level field of a JSON object answer, None if the answer is no object or lacks it."""
    body = response.json()
    return body.get(name) if isinstance(body, dict) else None


_DEPTH = 4  # objects deep an envelope may hold a list's array of pupils


def list_items(body: Any, marks: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The items of a list answer: the objects of the array that holds the pupils. That is the
    first array of objects, breadth first through an envelope's objects (a top-level array,
    ``{"items": [...]}``, HAL's ``{"_embedded": {"pupils": [...]}}``, ``{"links": [...],
    "content": [...]}``), whose objects carry one of ``marks`` (the id field) — the first
    array of objects at all where none does. Only the items themselves: an id nested in an
    item (its school's, its group's) is no pupil's."""
    arrays = _object_arrays(body)
    marked = (a for a in arrays if any(mark in item for item in a for mark in marks))
    return next(marked, arrays[0] if arrays else [])


def _object_arrays(body: Any) -> list[list[dict[str, Any]]]:
    """The arrays of objects in a list answer, shallowest first, searched through objects (an
    array's items are the list's own, never searched for more)."""
    found: list[list[dict[str, Any]]] = []
    level = [body]
    for _ in range(_DEPTH + 1):
        deeper: list[Any] = []
        for value in level:
            if isinstance(value, list):
                objects = [item for item in value if isinstance(item, dict)]
                found.extend([objects] if objects else [])
            elif isinstance(value, dict):
                deeper.extend(v for v in value.values() if isinstance(v, dict | list))
        level = deeper
    return found


def item_ids(body: Any, id_field: str) -> list[str]:
    """Each list item's own ``id_field`` value, as text (a number or a string)."""
    return [
        str(own)
        for item in list_items(body, (id_field,))
        if isinstance(own := item.get(id_field), str | int) and not isinstance(own, bool)
    ]


def same_id(one: str, other: str) -> bool:
    """Whether two ids name the same pupil: in any letter case, a UUID with or without its
    hyphens or braces, a number with or without leading zeros."""
    return _id_form(one) == _id_form(other)


_UUID = re.compile(
    r"(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?"
)


def _id_form(value: str) -> str:
    text = value.strip().casefold()
    if uuid := _UUID.fullmatch(text):
        return "".join(uuid.groups())
    if text.isascii() and text.isdigit() and len(text) <= 30:
        return str(int(text))
    return text


def holds_id(response: Response, id_field: str, pupil_id: str) -> bool:
    """Whether a list answer holds the pupil: its id as the id field of an item, compared as a
    value (``7`` is not in ``"a7f3"``, an upper-case UUID is the same UUID); an answer that is
    not JSON, as a whole word."""
    body = response.json()
    if body is not None:
        return any(same_id(own, pupil_id) for own in item_ids(body, id_field))
    return re.search(rf"(?<![\w-]){re.escape(pupil_id)}(?![\w-])", response.text) is not None


def shows_pupil(response: Response, config: ProbeConfig, pupil_id: str, pseudonym: str) -> bool:
    """Whether a list answer shows the pupil: by its id (holds_id), or by its pseudonym in an
    item without the id field (or anywhere, in an answer that is not JSON). An item with an
    id of its own is another record: an earlier run's pupil given the same ECK iD (the seed
    fixes them) is not this one, kept after its delete."""
    if holds_id(response, config.id_field, pupil_id):
        return True
    marks = pseudonym_marks(pseudonym)
    body = response.json()
    if body is None:
        return any(contains(response, mark) for mark in marks)
    anonymous = [i for i in list_items(body, (config.id_field,)) if config.id_field not in i]
    shown = [v.casefold() for item in anonymous for v in scalars(item)]
    return any(mark.casefold() in value for mark in marks for value in shown)


def scalars(value: Any) -> list[str]:
    """Every string and number of a JSON document, as text, and every key (an export may key
    the pupil's record by its id: {"pupil": {"<id>": {...}}}). A stack, not recursion: an
    answer nested thousands deep is walked, not a RecursionError."""
    found: list[str] = []
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            found.append(str(value))
    return found


def pseudonym_marks(pseudonym: str) -> list[str]:
    """What shows a pupil's pseudonym beyond doubt: an ECK iD's random part (16 characters or
    more; the whole value holds it), nothing for a shorter one."""
    tail = pseudonym.rsplit("/", 1)[-1]
    return [tail] if len(tail) >= 16 else []


def listed_pseudonyms(pages: list[Response], config: ProbeConfig, pupil_id: str) -> list[Any]:
    """The pseudonyms the list pages show for the pupil: its items' pseudonym field, where
    they have one."""
    return [
        item[config.pseudonym_field]
        for page in pages
        if page.status == 200
        for item in list_items(page.json(), (config.id_field,))
        if item.get(config.pseudonym_field) is not None  # a list view's "eckId": null
        and isinstance(own := item.get(config.id_field), str | int)
        and same_id(str(own), pupil_id)
    ]


def pupil_id_of(created: Response, config: ProbeConfig, sent: Sequence[str] = ()) -> str:
    """The id a provisioning answer gives the pupil: the id field of its JSON object, else the
    last segment of its Location header where that matches the read path. None found ends the
    run: every later request would go to a wrong URL and invent failures. ``sent`` are the
    values of the request: an envelope's key holding one of them is shown redacted."""
    found = field_of(created, config.id_field)
    if isinstance(found, str | int) and not isinstance(found, bool) and str(found):
        return str(found)
    if found := _id_in_location(created, config):
        return found
    wrapper = _wrapper(created.json(), config.id_field)
    hint = (
        f"it wraps the pupil under '{shown_key(wrapper, sent)}', and the probes read the id "
        "at the top level"
        if wrapper is not None
        else "name the field that holds the pupil's id"
    )
    problem = (
        f"the provisioning answer ({created.status}) has no '{config.id_field}' field in a JSON "
        f"object and no Location header with the pupil's read path; {hint}"
    )
    raise UserError(config.source, "probe.fields.id", problem)


def shown_key(key: str, sent: Sequence[str]) -> str:
    """An answer's key as it may be printed: redacted where it holds a value sent (the
    pupil's name made a key), else as any field path (safe_path)."""
    folded = key.casefold()
    if any(value and str(value).casefold() in folded for value in sent):
        return redact(key)
    return safe_path(key)


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
