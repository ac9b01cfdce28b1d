"""Interface specs as the fields they let flow: OpenAPI 3.0/3.1 (YAML or JSON) and JSON Schema.

Each operation's request (body and parameters) and each response becomes a *synthetic* record:
its field paths are the schema's properties (``$ref`` resolved with ``referencing``), its values
the declared types. The checks that accept spec evidence (NAW-001, MIN-001) judge them like an
export; API-007 looks at servers and URL parameters. Locations are the file, the line and the
JSON pointer of the operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from conformance.model.errors import InputError
from conformance.model.records import Record
from conformance.model.spec import SpecModel, UrlField

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_MAX_DEPTH = 12
_URI = "urn:conformance:spec"


def is_spec(path: Path) -> bool:
    """An OpenAPI document or a JSON Schema, by extension and first bytes."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return False
    try:
        with path.open("rb") as raw:
            head = raw.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return any(marker in head for marker in ("openapi:", '"openapi"', '"$schema"', "$schema:"))


def read_spec(path: Path, kinds: frozenset[str]) -> SpecModel:
    name = str(path)
    document, lines = _load(path)
    if not isinstance(document, dict):
        raise InputError(name, "line 1", "a spec must be a mapping")
    walker = _Walker(name, lines, _resolver(document), kinds)
    if "openapi" in document:
        return walker.openapi(document)
    return SpecModel(name, (walker.record("schema", document, "", "record"),))


class _Walker:
    def __init__(
        self, name: str, lines: dict[str, int], resolver: Any, kinds: frozenset[str]
    ) -> None:
        self.name = name
        self.lines = lines
        self.resolver = resolver
        self.kinds = kinds

    def openapi(self, document: dict[str, Any]) -> SpecModel:
        records: list[Record] = []
        url_fields: list[UrlField] = []
        for route, item in (document.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") or []
            for method in _METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    pointer = f"/paths/{_escape(route)}/{method}"
                    label = f"{method.upper()} {route}"
                    records += self._operation(label, operation, shared, pointer)
                    url_fields += self._url_fields(label, operation, shared, pointer)
        servers = tuple(
            (str(s.get("url", "")), self.lines.get(f"/servers/{i}"))
            for i, s in enumerate(document.get("servers") or [])
            if isinstance(s, dict)
        )
        return SpecModel(self.name, tuple(records), servers, tuple(url_fields))

    def _operation(
        self, label: str, operation: dict[str, Any], shared: list[Any], pointer: str
    ) -> list[Record]:
        records = []
        request: dict[str, list[str]] = {}
        for param in self._parameters(operation, shared):
            request[str(param.get("name"))] = [
                str((param.get("schema") or {}).get("type", "parameter"))
            ]
        body = (operation.get("requestBody") or {}).get("content") or {}
        kind = "record"
        for media in body.values():
            schema = (media or {}).get("schema") or {}
            kind = self._kind(schema, kind)
            request.update(dict(self._fields(schema, "", 0)))
        if request:
            records.append(self._record(f"{label} request", request, f"{pointer}", kind))
        for status, response in (operation.get("responses") or {}).items():
            content = self._deref(response).get("content") or {}
            for media in content.values():
                schema = (media or {}).get("schema") or {}
                fields = dict(self._fields(schema, "", 0))
                if fields:
                    where = f"{pointer}/responses/{status}"
                    kind = self._kind(schema, "record")
                    records.append(self._record(f"{label} response {status}", fields, where, kind))
        return records

    def _parameters(self, operation: dict[str, Any], shared: list[Any]) -> Iterator[dict[str, Any]]:
        for param in [*shared, *(operation.get("parameters") or [])]:
            resolved = self._deref(param)
            if isinstance(resolved, dict) and resolved.get("name"):
                yield resolved

    def _url_fields(
        self, label: str, operation: dict[str, Any], shared: list[Any], pointer: str
    ) -> list[UrlField]:
        return [
            UrlField(label, str(p.get("in")), str(p.get("name")), self.lines.get(pointer))
            for p in self._parameters(operation, shared)
            if p.get("in") in ("path", "query")
        ]

    def record(self, label: str, schema: dict[str, Any], pointer: str, kind: str) -> Record:
        return self._record(label, dict(self._fields(schema, "", 0)), pointer, kind)

    def _record(self, label: str, fields: dict[str, list[str]], pointer: str, kind: str) -> Record:
        del label  # the operation is in the pointer
        return Record(
            kind, fields, self.name, self.lines.get(pointer), pointer or "/", synthetic=True
        )

    def _kind(self, schema: dict[str, Any], default: str) -> str:
        """A schema named like one of the profile's record kinds ("Leerling") is that kind."""
        target = schema.get("$ref") or (schema.get("items") or {}).get("$ref") or ""
        name = str(target).rsplit("/", 1)[-1].lower()
        return name if name in self.kinds else default

    def _deref(self, node: Any) -> Any:
        return _deref(node, self.resolver, self.name)

    def _scalar_items(self, schema: Any) -> Any:
        """An array of scalars is the field itself (arrays are transparent, as in exports)."""
        while isinstance(schema, dict) and set(schema) & {"items"} and not schema.get("properties"):
            item = self._deref(schema["items"])
            if _has_fields(item):
                return schema
            schema = item
        return schema

    def _fields(self, schema: Any, prefix: str, depth: int) -> Iterator[tuple[str, list[str]]]:
        """(field path, [declared type]) for every property, arrays transparent."""
        schema = self._deref(schema)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return
        for key in ("allOf", "anyOf", "oneOf"):
            for part in schema.get(key) or []:
                yield from self._fields(part, prefix, depth + 1)
        if "items" in schema:
            yield from self._fields(schema["items"], prefix, depth + 1)
        for name, sub in (schema.get("properties") or {}).items():
            path = f"{prefix}{name}"
            resolved = self._scalar_items(self._deref(sub))
            if _has_fields(resolved):  # an object (or array of objects): its leaves are fields
                yield from self._fields(resolved, f"{path}/", depth + 1)
            else:
                declared = resolved.get("type", "value") if isinstance(resolved, dict) else "value"
                yield path, [str(declared)]


def _has_fields(schema: Any) -> bool:
    """Whether the schema has fields of its own below it (properties, items, combinations)."""
    keys = ("properties", "items", "allOf", "anyOf", "oneOf")
    return isinstance(schema, dict) and any(k in schema for k in keys)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def load_document(path: Path) -> tuple[Any, Callable[[Any], Any]]:
    """The parsed YAML or JSON document and the function that follows its ``$ref``s (the
    same resolution the spec reader uses); malformed input is one InputError line."""
    document = _load(path)[0]
    resolver = _resolver(document if isinstance(document, dict) else {})
    return document, lambda node: _deref(node, resolver, str(path))


def _resolver(document: dict[str, Any]) -> Any:
    return (
        Registry()
        .with_resource(_URI, Resource.from_contents(document, default_specification=DRAFT202012))
        .resolver(base_uri=_URI)
    )


def _deref(node: Any, resolver: Any, name: str) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < _MAX_DEPTH:
        try:
            node = resolver.lookup(node["$ref"]).contents
        except Unresolvable:
            raise InputError(name, None, f"unresolvable $ref {node['$ref']}") from None
        seen += 1
    return node


def _load(path: Path) -> tuple[Any, dict[str, int]]:
    """The document and the line of every JSON pointer in it (YAML nodes keep their marks)."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        raise InputError(name, f"byte {exc.start}", "spec is not UTF-8") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        raise InputError(name, where, f"malformed spec: {exc.problem}") from None
    lines: dict[str, int] = {}
    _marks(node, "", lines)
    return yaml.safe_load(text), lines


def _marks(node: yaml.Node | None, pointer: str, lines: dict[str, int]) -> None:
    if node is None:
        return
    lines[pointer] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _marks(value, f"{pointer}/{_escape(str(key.value))}", lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _marks(value, f"{pointer}/{index}", lines)
