"""Seed the probe map from the supplier's OpenAPI document: the pupil resource's endpoints by
role, its id and pseudonym fields and the request fields with the kind of value to send.

The pupil resource is the collection that can be created (POST) and listed (GET) and whose item
path can be read (GET), deleted (DELETE) and, where it allows, updated (PUT, else PATCH); where
several qualify, the one whose request body carries a pseudonym (ECK iD) wins. The inzage
export is a GET below the item path whose last segment says so (inzage, export, access,
download, data). The field kinds come from the same name classifier the static checks use.
Whatever the map states itself wins over the seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.detect.fieldnames import classify_name
from conformance.model.profile import FieldClass

Deref = Callable[[Any], Any]  # follows a node's $ref, if it has one
_ITEM = re.compile(r"^(?P<collection>/.*)/\{(?P<param>[^}/]+)\}$")
_ACCESS_WORDS = ("inzage", "export", "access", "download", "data")
_GIVEN_WORDS = ("voor", "first", "given", "roep")
# Identifying data the spec does not ask for is sent anyway: a school's system may send it, and
# API-001/API-006 need canaries to prove that the API drops or refuses it.
_UNASKED = {"firstName": "given_name", "lastName": "surname", "bsn": "bsn"}
_CATEGORY_KINDS = {
    "bsn": "bsn",
    "onderwijsnummer": "onderwijsnummer",
    "birthdate": "birthdate",
    "address": "address",
}


@dataclass(frozen=True, slots=True)
class SeededMap:
    base_url: str
    endpoints: dict[str, tuple[str, str]]  # role -> (method, path with {id})
    id_field: str
    pseudonym_field: str
    payload: dict[str, str]


def seed_map(document: Any, deref: Deref) -> SeededMap | None:
    """The map the document implies, or None if it has no pupil resource (``deref`` follows
    its $refs: readers.spec.load_document gives both)."""
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        return None
    candidates = [c for c in (_resource(paths, p, document, deref) for p in paths) if c is not None]
    if not candidates:
        return None
    candidates.sort(key=lambda c: c.pseudonym_field == "")  # a resource with an ECK iD first
    return candidates[0]


def _resource(paths: dict[str, Any], item: str, document: Any, deref: Deref) -> SeededMap | None:
    match = _ITEM.match(item)
    if match is None:
        return None
    collection = match["collection"]
    ops_item, ops_collection = paths.get(item) or {}, paths.get(collection) or {}
    if not ({"get", "delete"} <= set(ops_item) and {"get", "post"} <= set(ops_collection)):
        return None
    generic = "/{id}"
    endpoints = {
        "provision": ("POST", collection),
        "list": ("GET", collection),
        "read": ("GET", collection + generic),
        "delete": ("DELETE", collection + generic),
    }
    for path, ops in paths.items():
        last = path.rsplit("/", 1)[-1].lower()
        if path.startswith(item + "/") and "get" in ops and last in _ACCESS_WORDS:
            endpoints["access"] = ("GET", collection + generic + path[len(item) :])
    for method in ("put", "patch"):
        if method in ops_item and "update" not in endpoints:
            endpoints["update"] = (method.upper(), collection + generic)
    properties = _request_properties(ops_collection["post"], deref)
    payload = {name: kind for name in properties if (kind := _kind(name)) is not None}
    for name, kind in _UNASKED.items():  # what a school's system may send unasked
        if kind not in payload.values() and name not in properties:
            payload[name] = kind
    pseudonym = next((n for n, k in payload.items() if k == "eckid"), "")
    responses = _response_properties(ops_collection["post"], deref)
    id_field = "id" if "id" in responses else match["param"]
    servers = document.get("servers") or [{}]
    base_url = str((servers[0] or {}).get("url", "")).rstrip("/")
    return SeededMap(base_url, endpoints, id_field, pseudonym, payload)


def _kind(name: str) -> str | None:
    rule = classify_name(name)
    if rule is None:
        return None
    if rule.cls is FieldClass.PSEUDONYM:
        return "eckid"
    if rule.category == "name":
        return "given_name" if any(w in name.lower() for w in _GIVEN_WORDS) else "surname"
    if rule.category in _CATEGORY_KINDS:
        return _CATEGORY_KINDS[rule.category]
    if name.lower() in ("groep", "group", "klas", "class"):
        return "group"
    return None


def _request_properties(operation: Any, deref: Deref) -> dict[str, Any]:
    content = ((operation or {}).get("requestBody") or {}).get("content") or {}
    return _properties(_json_schema(content, deref), deref)


def _response_properties(operation: Any, deref: Deref) -> dict[str, Any]:
    for status, response in ((operation or {}).get("responses") or {}).items():
        if str(status).startswith("2"):
            content = (deref(response) or {}).get("content") or {}
            return _properties(_json_schema(content, deref), deref)
    return {}


def _json_schema(content: dict[str, Any], deref: Deref) -> Any:
    media: Any = content.get("application/json") or next(iter(content.values()), {})
    return deref((media or {}).get("schema"))


def _properties(schema: Any, deref: Deref) -> dict[str, Any]:
    schema = deref(schema)
    if not isinstance(schema, dict):
        return {}
    found = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        found |= _properties(part, deref)
    return found
