"""What each live probe does, for ``conformance explain`` and docs/requirements.md.

The probes are not registered checks (they need a running API, not an export), so their pages
name the bundled leaky supplier's mistake that shows each one failing instead of a fixture folder.
"""

from __future__ import annotations

from conformance.model.requirements import CheckDoc

# requirement -> the leaky supplier's mistakes (fixtures/suppliers/app.py) that fail it
EVIDENCE: dict[str, tuple[str, ...]] = {
    "API-001": ("echo_names",),
    "API-002": (),
    "API-003": ("ignore_school", "unscoped_reads", "update_any_school"),
    "API-004": ("keep_after_delete", "partial_inzage"),
    "API-005": ("error_echo",),
    "API-006": ("accept_bsn",),
    "API-007": ("pseudonym_in_url",),
    "LNK-001": ("derive_pseudonym", "id_from_name"),
}

PROBE_DOCS = {
    "API-001": CheckDoc(
        what=(
            "Provisions generated pupils whose names, address and contact details are unique "
            "canary values, then searches every response (provision, read, list pages, update, "
            "delete, and the answers to other schools and to no credentials) and its headers "
            "for each canary; a number also written with separators (1234.56.782). A leak is "
            "a match of a value sent, never a guess."
        ),
        why=(
            "Outside the school a pupil is known by the ECK iD. A supplier that repeats the name "
            "it was sent keeps NAW data beside the pseudonym, which the covenant forbids."
        ),
        failing='POST /v1/pupils {"eckId": "…", "firstName": "Zq7Anouk"} -> '
        '200 {"id": "…", "firstName": "Zq7Anouk"}',
        passing='POST /v1/pupils {"eckId": "…", "firstName": "Zq7Anouk"} -> 200 {"id": "…"}',
        fix="Drop identifying fields on intake; answer with the pseudonym and the id only.",
    ),
    "API-002": CheckDoc(
        what=(
            "Compares the pseudonym in every answer about a pupil (provision, every read, the "
            "pupil's entry in list answers, a later read, in fixed and in random sequences) "
            "with the distinct ECK iD that pupil was given; with no answer showing it, "
            "not applicable."
        ),
        why=(
            "A pseudonym that changes or is shared breaks the link the school relies on, and "
            "a shared one mixes two pupils' data."
        ),
        failing='GET /v1/pupils/1 -> {"eckId": "https://ketenid.nl/201703/aa…"}, then "…/bb…"',
        passing='GET /v1/pupils/1 -> the same "eckId" every time',
        fix="Store the ECK iD the school sends and return it unchanged.",
    ),
    "API-003": CheckDoc(
        what=(
            "Reads, lists, updates, exports and deletes school A's pupil with school B's "
            "credentials and with none; any answer other than 401/403/404, or school A's pupil "
            "in school B's list, fails. Then reads the ids in school A's list as school B, and "
            "guesses the neighbours of numbered ids (41 -> 40, 42): no guessed id may be "
            "readable by both schools."
        ),
        why="A supplier processes each school's data for that school only (AVG art. 32).",
        failing="GET /v1/pupils/{A's pupil} with school B's token -> 200",
        passing="GET /v1/pupils/{A's pupil} with school B's token -> 404",
        fix="Scope every query by the authenticated school.",
    ),
    "API-004": CheckDoc(
        what=(
            "Checks that the inzage (access) export contains every value a read of the pupil "
            "shows (and the pseudonym), then deletes the pupil and checks that read, list "
            "(every linked page), update and export no longer return it (404 or 410)."
        ),
        why="Schools must be able to honour access and erasure requests through the supplier.",
        failing="DELETE /v1/pupils/1 -> 204; GET /v1/pupils/1 -> 200",
        passing="DELETE /v1/pupils/1 -> 204; GET /v1/pupils/1 -> 404",
        fix="Delete (or irreversibly anonymise) the record; do not only flag it.",
    ),
    "API-005": CheckDoc(
        what=(
            "Sends generated malformed bodies (truncated JSON, wrong types, huge and empty "
            "values) to provisioning and, where the map has one, to the update of a pupil, and "
            "one truncated body carrying canary values; every answer must be below 500 and "
            "must not echo any identifying value sent."
        ),
        why="Error pages and logs that repeat input spread personal data where nobody looks.",
        failing='POST {"firstName": "Zq7Anouk", -> 500 "cannot process {\\"firstName\\"…"',
        passing='POST {"firstName": "Zq7Anouk", -> 400 "expected a JSON object"',
        fix="Validate input and answer 4xx with a fixed message; never echo the payload.",
    ),
    "API-006": CheckDoc(
        what=(
            "Provisions pupils with a BSN (forbidden by the profile) and checks whether the "
            "read response or the inzage export shows it was stored."
        ),
        why="The law forbids suppliers to receive the BSN; a pseudonym is the only identifier.",
        failing='inzage export -> {"eckId": "…", "bsn": "1********"}',
        passing='POST with "bsn" -> 422 "this service does not accept a BSN"',
        fix="Refuse requests carrying a BSN or onderwijsnummer, or drop the field on intake.",
    ),
    "API-007": CheckDoc(
        what=(
            "Checks that the configured API is reached over HTTPS (loopback is exempt), that "
            "its host does not also serve it in plain HTTP (a request without credentials to "
            "port 80 must be refused or redirected to https://; 2xx or 401 fails), that it "
            "refuses a TLS 1.0/1.1 handshake, and that the pupil ids it hands out — which go "
            "into every read and delete URL — hold neither the pseudonym (nor 16 hexadecimal "
            "characters of it) nor any canary value."
        ),
        why=(
            "Pupil data in transit must be encrypted, and URLs are logged by servers, proxies "
            "and browsers where no pseudonym or personal data belongs."
        ),
        failing='base_url = "http://api.example.nl"; GET /v1/pupils/{hex of the ECK iD}',
        passing='base_url = "https://api.example.nl"; GET /v1/pupils/{random UUID}',
        fix="Serve the API over HTTPS only; give pupils random ids of their own.",
    ),
    "LNK-001": CheckDoc(
        what=(
            "Compares the supplier's own pupil id with digests and encodings of the BSN it was "
            "sent (SHA-1/256/512, MD5, hex, base64 …)."
        ),
        why="An id computed from the BSN is a code list anyone with the BSN can rebuild.",
        failing='POST {"bsn": "…"} -> {"id": sha256(bsn)}',
        passing='POST {"bsn": "…"} -> {"id": "a random UUID"}',
        fix="Give pupils random ids; never derive them from personal numbers.",
    ),
}
