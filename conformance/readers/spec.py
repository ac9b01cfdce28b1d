"""Interface specs as the fields they let flow: OpenAPI 3.0/3.1 and Swagger 2.0 (YAML or JSON),
and JSON Schema.

Each operation's request (body and parameters) and each response becomes a *synthetic* record:
its field paths are the schema's properties (``$ref`` resolved with ``referencing``), its values
the declared types. The checks that accept spec evidence (NAW-001, MIN-001) judge them like an
export; API-007 looks at servers and URL parameters. Locations are the file, the line and the
JSON pointer of the operation. Every operation counts: of the paths (a path item by $ref too),
the webhooks and their callbacks; and every server: the document's, a path's, an operation's,
each as its variables may make it, and Swagger 2's schemes with its host.

A spec is the supplier's own document, so its shape is never trusted: the file is bounded,
YAML tags beyond plain data are refused, aliases are followed only up to a node budget (an
alias "billion laughs" is a few lines), and the fields collected through $refs are bounded too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from conformance.detect.safepath import safe_path
from conformance.model.errors import InputError
from conformance.model.records import Record
from conformance.model.spec import SpecModel, UrlField
from conformance.readers.limits import MAX_SPEC_BYTES, MAX_SPEC_FIELDS, MAX_SPEC_NODES
from conformance.readers.source import peek_regular, read_limited

# libyaml when present: fast, and it refuses nesting past 1,000 levels by itself.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_MAX_DEPTH = 12
_URI = "urn:conformance:spec"


def is_spec(path: Path) -> bool:
    """An OpenAPI document or a JSON Schema, by extension and first bytes."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return False
    head = peek_regular(path, 4096)  # a FIFO, device or link is left to the export reader
    if head is None:
        return False
    text = head.decode("utf-8", "replace")
    markers = ("openapi:", '"openapi"', "swagger:", '"swagger"', '"$schema"', "$schema:")
    return any(marker in text for marker in markers)


def read_spec(path: Path, kinds: frozenset[str]) -> SpecModel:
    return spec_from_bytes(read_limited(path, MAX_SPEC_BYTES, "the spec"), str(path), kinds)


def spec_from_bytes(data: bytes, name: str, kinds: frozenset[str]) -> SpecModel:
    """The spec model of a spec file's bytes."""
    document, lines = _load(data, name)
    if not isinstance(document, dict):
        raise InputError(name, "line 1", "a spec must be a mapping")
    walker = _Walker(name, lines, _resolver(document), kinds)
    if "openapi" in document or "swagger" in document:  # OpenAPI 3, or 2 (Swagger)
        return walker.openapi(document)
    return SpecModel(name, (walker.record("schema", document, "", "record"),))


def _mapping(value: Any) -> dict[Any, Any]:
    """The value if it is a mapping, else an empty one: a spec of the wrong shape has no fields
    there, rather than crashing the reader."""
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class _Walker:
    def __init__(
        self, name: str, lines: dict[str, int], resolver: Any, kinds: frozenset[str]
    ) -> None:
        self.name = name
        self.lines = lines
        self.resolver = resolver
        self.kinds = kinds
        self.fields_left = MAX_SPEC_FIELDS
        self.records: list[Record] = []
        self.url_fields: list[UrlField] = []
        self.servers: list[tuple[str, int | None]] = []

    def openapi(self, document: dict[str, Any]) -> SpecModel:
        """Every operation: of the paths, of the webhooks (3.1) and of their callbacks, a path
        item given by $ref too; and the servers of the document, a path and an operation."""
        self._servers(document, "")
        self._swagger_servers(document)
        for part in ("paths", "webhooks"):
            for route, item in _mapping(document.get(part)).items():
                self._path_item(str(route), item, f"/{part}/{_escape(str(route))}", 0)
        return SpecModel(
            self.name, tuple(self.records), tuple(self.servers), tuple(self.url_fields)
        )

    def _path_item(self, route: str, item: Any, pointer: str, depth: int) -> None:
        item = self._deref(item)
        if not isinstance(item, dict) or depth > _MAX_DEPTH:
            return
        self._servers(item, pointer)
        shared = _sequence(item.get("parameters"))
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                at = f"{pointer}/{method}"
                label = f"{method.upper()} {route}"
                self._servers(operation, at)
                self.records += self._operation(label, operation, shared, at)
                self.url_fields += self._url_fields(label, operation, shared, at)
                for name, callback in _mapping(operation.get("callbacks")).items():
                    for expression, inner in _mapping(self._deref(callback)).items():
                        inner_at = f"{at}/callbacks/{_escape(str(name))}/{_escape(str(expression))}"
                        self._path_item(str(expression), inner, inner_at, depth + 1)

    def _servers(self, node: dict[str, Any], pointer: str) -> None:
        """The node's servers, each URL as written and as its variables may make it (a
        ``{scheme}`` whose default or choices include http is a plain-HTTP server)."""
        for i, server in enumerate(_sequence(node.get("servers"))):
            if isinstance(server, dict):
                line = self.lines.get(f"{pointer}/servers/{i}")
                url = str(server.get("url", ""))
                self.servers += ((u, line) for u in _expanded(url, server.get("variables")))

    def _swagger_servers(self, document: dict[str, Any]) -> None:
        """Swagger 2's one server: each of its schemes (none given: the spec's own, unknown)
        with the host and base path."""
        if "swagger" not in document or "host" not in document:
            return
        line = self.lines.get("/schemes") or self.lines.get("/host")
        where = f"{document.get('host')}{document.get('basePath') or ''}"
        for scheme in _sequence(document.get("schemes")):
            self.servers.append((f"{scheme}://{where}", line))

    def _operation(
        self, label: str, operation: dict[str, Any], shared: list[Any], pointer: str
    ) -> list[Record]:
        records = []
        request: dict[str, list[str]] = {}
        body = _mapping(self._deref(operation.get("requestBody")))
        bodies = [_mapping(media) for media in _mapping(body.get("content")).values()]
        for param in self._parameters(operation, shared):
            if param.get("in") == "body":  # Swagger 2: the request body is a parameter
                bodies.append(param)
                continue
            declared = _mapping(param.get("schema")).get("type", "parameter")
            request[str(param.get("name"))] = [str(declared)]
        kind = "record"
        for media in bodies:
            schema = _mapping(_mapping(media).get("schema"))
            kind = self._kind(schema, kind)
            request.update(dict(self._fields(schema, "", 0)))
        if request:
            records.append(self._record(f"{label} request", request, f"{pointer}", kind))
        for status, response in _mapping(operation.get("responses")).items():
            resolved = _mapping(self._deref(response))
            content = _mapping(resolved.get("content"))
            if "schema" in resolved:  # Swagger 2: the response's schema itself
                content = {**content, "": resolved}
            for media in content.values():
                schema = _mapping(_mapping(media).get("schema"))
                fields = dict(self._fields(schema, "", 0))
                if fields:
                    where = f"{pointer}/responses/{status}"
                    kind = self._kind(schema, "record")
                    records.append(self._record(f"{label} response {status}", fields, where, kind))
        return records

    def _parameters(self, operation: dict[str, Any], shared: list[Any]) -> Iterator[dict[str, Any]]:
        for param in [*shared, *_sequence(operation.get("parameters"))]:
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
        target = schema.get("$ref") or _mapping(schema.get("items")).get("$ref") or ""
        name = str(target).rsplit("/", 1)[-1].lower()
        return name if name in self.kinds else default

    def _deref(self, node: Any) -> Any:
        return _deref(node, self.resolver, self.name)

    def _scalar_items(self, schema: Any) -> Any:
        """An array of scalars is the field itself (arrays are transparent, as in exports)."""
        for _ in range(_MAX_DEPTH):  # items of items of … a $ref cycle would never end
            if not (isinstance(schema, dict) and "items" in schema) or schema.get("properties"):
                break
            item = self._deref(schema["items"])
            if _has_fields(item):
                return schema
            schema = item
        return schema

    def _fields(self, schema: Any, prefix: str, depth: int) -> Iterator[tuple[str, list[str]]]:
        """(field path, [declared type]) for every property, arrays transparent; no more than
        ``MAX_SPEC_FIELDS`` in all, however the $refs fan out."""
        schema = self._deref(schema)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return
        for key in ("allOf", "anyOf", "oneOf"):
            for part in _sequence(schema.get(key)):
                yield from self._fields(part, prefix, depth + 1)
        if "items" in schema:
            yield from self._fields(schema["items"], prefix, depth + 1)
        if isinstance(schema.get("additionalProperties"), dict):  # a map: its values' fields
            yield from self._fields(schema["additionalProperties"], prefix, depth + 1)
        for name, sub in _mapping(schema.get("properties")).items():
            path = f"{prefix}{name}"
            resolved = self._scalar_items(self._deref(sub))
            if _has_fields(resolved):  # an object (or array of objects): its leaves are fields
                yield from self._fields(resolved, f"{path}/", depth + 1)
            else:
                self._count_field()
                declared = resolved.get("type", "value") if isinstance(resolved, dict) else "value"
                yield path, [str(declared)]

    def _count_field(self) -> None:
        self.fields_left -= 1
        if self.fields_left < 0:
            problem = f"its $refs expand to more than {MAX_SPEC_FIELDS:,} fields; refused"
            raise InputError(self.name, None, problem)


def _has_fields(schema: Any) -> bool:
    """Whether the schema has fields of its own below it (properties, items, combinations, or
    a map's values)."""
    keys = ("properties", "items", "allOf", "anyOf", "oneOf")
    return isinstance(schema, dict) and (
        any(k in schema for k in keys) or isinstance(schema.get("additionalProperties"), dict)
    )


_MAX_SERVER_URLS = 64  # the variants of one server's URL looked at (its variables' choices)


def _expanded(url: str, variables: Any) -> list[str]:
    """The URL as written and with its variables filled in, each by its default and each of its
    enum's values (at most :data:`_MAX_SERVER_URLS`)."""
    urls = [url]
    for name, declared in _mapping(variables).items():
        spec = _mapping(declared)
        choices = [str(c) for c in [spec.get("default"), *_sequence(spec.get("enum"))] if c]
        if choices:
            placeholder = "{" + str(name) + "}"
            urls = [u.replace(placeholder, c) for u in urls for c in dict.fromkeys(choices)]
            urls = urls[:_MAX_SERVER_URLS]
    return list(dict.fromkeys([url, *urls]))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def load_document(path: Path) -> tuple[Any, Callable[[Any], Any]]:
    """The parsed YAML or JSON document and the function that follows its ``$ref``s (the
    same resolution the spec reader uses); malformed input is one InputError line."""
    name = str(path)
    document = _load(read_limited(path, MAX_SPEC_BYTES, "the spec"), name)[0]
    resolver = _resolver(document if isinstance(document, dict) else {})
    return document, lambda node: _deref(node, resolver, name)


def _resolver(document: dict[str, Any]) -> Any:
    return (
        Registry()
        .with_resource(_URI, Resource.from_contents(document, default_specification=DRAFT202012))
        .resolver(base_uri=_URI)
    )


def _deref(node: Any, resolver: Any, name: str) -> Any:
    """Follow ``$ref``s (a bounded number, cycles included); only references into the document
    itself resolve: the registry has no retriever, so nothing is fetched."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < _MAX_DEPTH:
        target = node["$ref"]
        if not isinstance(target, str):
            raise InputError(name, None, "a $ref that is not a string")
        try:
            node = resolver.lookup(target).contents
        # referencing raises its own errors, and trips over a document of the wrong shape
        # (a string where it expects a schema): both are this spec's mistake.
        except (Unresolvable, ValueError, TypeError, KeyError, IndexError, AttributeError):
            # (the reference as written, its data-like steps redacted: a name or number typed
            # where a schema's name belongs is still a person's)
            shown = safe_path(target[:200])
            raise InputError(name, None, f"unresolvable $ref {shown}") from None
        seen += 1
    return node


def _load(data: bytes, name: str) -> tuple[Any, dict[str, int]]:
    """The document and the line of every JSON pointer in it (YAML nodes keep their marks)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"byte {exc.start}", "spec is not UTF-8") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines = _marks(node, name)
        document = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        raise InputError(name, where, f"malformed spec: {exc.problem}") from None
    except yaml.YAMLError:
        raise InputError(name, None, "malformed spec: not YAML or JSON") from None
    except RecursionError:
        raise InputError(name, None, "malformed spec: nested too deeply") from None
    finally:
        loader.dispose()
    return document, lines


def _marks(root: yaml.Node | None, name: str) -> dict[str, int]:
    """The line of each JSON pointer, walked without recursion; aliases are followed (a node
    may be reached twice), so the walk stops at ``MAX_SPEC_NODES``: past that, aliases are
    multiplying a few lines into millions of nodes."""
    lines: dict[str, int] = {}
    stack: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    budget = MAX_SPEC_NODES
    while stack:
        node, pointer = stack.pop()
        budget -= 1
        if budget < 0:
            problem = f"more than {MAX_SPEC_NODES:,} nodes once its aliases are expanded"
            raise InputError(name, None, problem)
        lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            stack += [(v, f"{pointer}/{_escape(str(k.value))}") for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(v, f"{pointer}/{i}") for i, v in enumerate(node.value)]
    return lines
