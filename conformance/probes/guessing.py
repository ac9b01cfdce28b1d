"""API-003 beyond the ids a school was given: ids enumerated from school A's list and ids
guessed next to every id either school holds.

A school's credentials must open its own pupils only. Guessing is how that is broken in
practice: an attacker at school B takes an id of its own and tries its neighbours. No
guessed id may be readable by both schools — a pupil belongs to one school, so an id that
both can read proves that one of them reads a pupil that is not its own. Ownership is never
assumed from a list (lists may be paged); it is shown by the two reads. Random ids (UUIDs)
have no neighbours: nothing is guessed, and only the enumerated ids are examined.
"""

from __future__ import annotations

import re

from conformance.detect.redact import redact
from conformance.probes.client import Client, Response
from conformance.probes.common import REFUSED, Results, item_ids, list_pages
from conformance.probes.config import ProbeConfig

_TRAILING_NUMBER = re.compile(r"^(?P<head>.*?)(?P<number>\d{1,18})$")
_ENUMERATED = 5  # of school A's listed ids, read as school B
_GUESSES = 8  # guessed ids, each read as both schools


def probe_other_ids(client: Client, config: ProbeConfig, results: Results) -> None:
    a, b = config.credentials
    ids_a = [i for page in list_pages(client, a) for i in listed_ids(page, config.id_field)]
    ids_b = [i for page in list_pages(client, b) for i in listed_ids(page, config.id_field)]
    for pupil_id in ids_a[:_ENUMERATED]:
        reply = client.call("read", b, pupil_id)
        results.check(
            "API-003",
            reply.status in REFUSED,
            f"school B read an id from school A's list ({reply.status}, {redact(pupil_id)})",
        )
    tried = {*ids_a[:_ENUMERATED], *ids_b}  # read already, or school B's own
    guesses = [g for i in (*ids_b, *ids_a) for g in neighbours(i) if g not in tried]
    for guess in list(dict.fromkeys(guesses))[:_GUESSES]:
        readable = [client.call("read", school, guess).status == 200 for school in (a, b)]
        if any(readable):  # the id exists: one school at most may read it
            results.check(
                "API-003",
                not all(readable),
                f"a guessed id is readable by both schools ({redact(guess)})",
            )


def listed_ids(reply: Response, id_field: str) -> list[str]:
    """The pupil ids in a list response: each item's own id (common.item_ids)."""
    return item_ids(reply.json(), id_field) if reply.status == 200 else []


def neighbours(pupil_id: str) -> list[str]:
    """The ids next to one that ends in a number (``41`` -> ``40``, ``42``; ``LL-0041`` ->
    ``LL-0040``, ``LL-0042``), keeping its zero padding; none for other ids."""
    match = _TRAILING_NUMBER.match(pupil_id)
    if match is None:
        return []
    head, digits = match["head"], match["number"]
    if re.fullmatch(r"[0-9a-fA-F-]{32,}", pupil_id):  # a UUID or digest: not sequential
        return []
    number = int(digits)
    return [f"{head}{n:0{len(digits)}d}" for n in (number - 1, number + 1) if n >= 0]
