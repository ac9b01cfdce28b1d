"""Interface specs as the fields they let flow: OpenAPI 3.0/3.1 and Swagger 2.0 (YAML or JSON),
and JSON Schema.

Each operation's request (body and parameters) and each response (body and headers) becomes a
*synthetic* record: its field paths are the schema's properties (``$ref`` resolved with
``referencing``, a $ref's sibling keywords read too), its values the declared types. Every
subschema that describes the same value counts (allOf/anyOf/oneOf, if/then/else, items and
prefixItems, dependentSchemas, additionalProperties, patternProperties by their pattern); ``not``
does not. The checks that accept spec evidence (NAW-001, MIN-001) judge them like an
export; API-007 looks at servers and URL parameters. Locations are the file, the line and the
JSON pointer of the operation. Every operation counts: of the paths (a path item by $ref too),
the webhooks and their callbacks; and every server: the document's, a path's, an operation's,
each as its variables may make it, and Swagger 2's schemes with its host.

A spec is the supplier's own document, so its shape is never trusted: the file is bounded,
YAML tags beyond plain data are refused, aliases are followed only up to a node budget (an
alias "billion laughs" is a few lines), and reading the schemas is bounded too: each schema's
fields are read once (a fan-out of $refs costs what its distinct schemas do), and a spec with
more fields, steps or nesting than the limits is refused with one line, never cut short.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ijson
import yaml
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from conformance.detect.fieldnames import classify_name
from conformance.detect.safepath import safe_path
from conformance.model.errors import InputError
from conformance.model.profile import FieldClass
from conformance.model.records import Record
from conformance.model.spec import SpecModel, UrlField
from conformance.readers.jsonguard import (
    KeyLengthError,
    NestingError,
    NumberLengthError,
    StringLengthError,
    within_limits,
)
from conformance.readers.limits import (
    MAX_SPEC_BYTES,
    MAX_SPEC_FIELDS,
    MAX_SPEC_NODES,
    parser_words,
)
from conformance.readers.source import peek_regular, read_limited

# libyaml when present: fast, and it refuses nesting past 1,000 levels by itself.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Schemas nested in schemas (properties, items, allOf … each a level; a $ref alias none): far
# beyond real APIs (a dozen levels is rare), and well inside Python's recursion limit. Deeper is
# refused, never cut off: fields left unread would pass unseen.
_MAX_NESTING = 128
# $refs followed from one node before it is a schema: a chain of aliases is legal, a longer one
# is a spec built to stall the reader.
_MAX_REF_HOPS = 256
_URI = "urn:conformance:spec"


def is_spec(path: Path) -> bool:
    """An OpenAPI document or a JSON Schema, by extension and its marker: ``openapi``,
    ``swagger`` or ``$schema`` as a key of the top-level mapping. A JSON document is read by
    its top-level keys (sorted keys put ``openapi`` after a ``components`` of any size, and a
    record's own ``$schema`` key makes no export a spec); YAML by its first bytes, or a line
    that starts with the key. Never further than ``MAX_SPEC_BYTES``: no spec is larger, so no
    export is read further to tell."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return False
    head = peek_regular(path, 4096)  # a FIFO, device or link is left to the export reader
    if head is None:
        return False
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start == b"[":  # a JSON array: records, never a spec
        return False
    if start != b"{" or path.suffix.lower() != ".json":  # YAML (a flow mapping too)
        text = head.decode("utf-8", "replace")
        if any(marker in text for marker in _MARKERS):
            return True
    window = peek_regular(path, MAX_SPEC_BYTES) if len(head) == 4096 else head
    return window is not None and _top_level_marker(window, len(window) < MAX_SPEC_BYTES)


_MARKERS = ("openapi:", '"openapi"', "swagger:", '"swagger"', '"$schema"', "$schema:")
_QUOTED_MARKERS = (b'"openapi"', b'"swagger"', b'"$schema"')
# A YAML block mapping's top-level key starts a line (a nested key or a block scalar's text is
# indented); plain or quoted.
_YAML_TOP_KEY = re.compile(
    rb"^(?:openapi|swagger|\$schema|(['\"])(?:openapi|swagger|\$schema)\1)[ \t]*:", re.MULTILINE
)


_GUARD_ERRORS = (NestingError, StringLengthError, NumberLengthError, KeyLengthError)


def _top_level_marker(window: bytes, whole: bool) -> bool:
    """Whether ``openapi``, ``swagger`` or ``$schema`` is a key of the document's top-level
    mapping, as far as ``window`` (the document's first bytes; ``whole``: all of it) shows."""
    body = window.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body.startswith(b"{"):
        return _YAML_TOP_KEY.search(body) is not None
    if not any(marker in body for marker in _QUOTED_MARKERS):  # cheap: most exports stop here
        return False
    found = _json_top_level_marker(body)
    if found is None:  # malformed, or past a guard: the spec reader says how, if a marker
        # stands at the start (a document cut off by the window is an export, read on)
        return whole and any(m.encode() in body[:4096] for m in _MARKERS)
    return found


def _json_top_level_marker(body: bytes) -> bool | None:
    """The JSON object's keys at depth 1, read by events (no value is built) through the
    guard the JSON reader uses (ijson's C backend crashes on a 5,000-digit number); None if
    the parser stopped before it could tell."""
    stream = within_limits(io.BytesIO(body))
    depth = 0
    try:
        for event, value in ijson.basic_parse(stream, buf_size=16384):
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            elif event == "map_key" and depth == 1 and value in ("openapi", "swagger", "$schema"):
                return True
    except (ijson.JSONError, ValueError, *_GUARD_ERRORS):  # the window's end, bad JSON, a guard
        return None
    return False


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
    return SpecModel(name, (walker.record(document, "", "record"),))


def _mapping(value: Any) -> dict[Any, Any]:
    """The value if it is a mapping, else an empty one: a spec of the wrong shape has no fields
    there, rather than crashing the reader."""
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# Subschemas that describe the same value as their parent, so their fields are its fields (an
# array is transparent, as in exports; ``not`` is left out: what it names may not be sent).
# Single schemas first, then lists of them, then maps of them, in the order they are read.
_SAME_VALUE_ONE = (
    "items",
    "additionalItems",
    "unevaluatedItems",
    "contains",
    "additionalProperties",
    "unevaluatedProperties",
    "if",
    "then",
    "else",
)
_SAME_VALUE_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
_SAME_VALUE_MAPS = ("dependentSchemas", "dependencies")
# Keywords beside a $ref that carry fields of their own (OpenAPI 3.1, JSON Schema 2019-09 on:
# the siblings apply too; in 3.0 they should be ignored, but reading them is the safe side).
_FIELD_KEYWORDS = frozenset(
    {"properties", "patternProperties", *_SAME_VALUE_ONE, *_SAME_VALUE_LISTS, *_SAME_VALUE_MAPS}
)


class _Walker:
    def __init__(
        self, name: str, lines: dict[str, int], resolver: Any, kinds: frozenset[str]
    ) -> None:
        self.name = name
        self.lines = lines
        self.resolver = resolver
        self.kinds = kinds
        self.fields_left = MAX_SPEC_FIELDS
        self.steps_left = MAX_SPEC_NODES
        self.records: list[Record] = []
        self.url_fields: list[UrlField] = []
        self.servers: list[tuple[str, int | None]] = []
        # A schema's fields (path below it -> declared type), once read: a schema used in many
        # places, or eight times in one allOf, is read once, so no fan-out multiplies the work.
        # by the schema's id, the schema kept with its fields: a schema made on the way (a
        # missing one's {}, a $ref merged with its siblings) is short-lived, and a freed one's
        # id given to the next gave it the first one's fields (a review: bsn lost)
        self._memo: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}
        # The schemas being read, innermost last, and for each the outermost position that a
        # cut-off recursion below it refers to (what it read is then incomplete elsewhere).
        self._stack: list[int] = []
        self._low: list[int] = []
        self._cuts = 0  # recursions cut off so far
        # A $ref with sibling keywords, as one schema: kept, so its identity is stable.
        self._merged: dict[int, dict[str, Any]] = {}
        self._path_items: list[int] = []
        self._targets: dict[str, Any] = {}

    def openapi(self, document: dict[str, Any]) -> SpecModel:
        """Every operation: of the paths, of the webhooks (3.1) and of their callbacks, a path
        item given by $ref too; and the servers of the document, a path and an operation."""
        self._servers(document, "")
        self._swagger_servers(document)
        for part in ("paths", "webhooks"):
            for route, item in _mapping(document.get(part)).items():
                self._path_item(str(route), item, f"/{part}/{_escape(str(route))}")
        return SpecModel(
            self.name, tuple(self.records), tuple(self.servers), tuple(self.url_fields)
        )

    def _path_item(self, route: str, item: Any, pointer: str) -> None:
        item = self._deref(item)
        # A callback whose path item is one being read (by $ref) has its operations read there.
        if not isinstance(item, dict) or id(item) in self._path_items:
            return
        if len(self._path_items) > _MAX_NESTING:
            raise InputError(self.name, None, f"callbacks nested over {_MAX_NESTING} levels")
        self._path_items.append(id(item))
        try:
            self._operations(route, item, pointer)
        finally:
            self._path_items.pop()

    def _operations(self, route: str, item: dict[str, Any], pointer: str) -> None:
        self._servers(item, pointer)
        shared = _sequence(item.get("parameters"))
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                at = f"{pointer}/{method}"
                label = f"{method.upper()} {route}"
                self._servers(operation, at)
                self.records += self._operation(operation, shared, at)
                self.url_fields += self._url_fields(label, operation, shared, at)
                for name, callback in _mapping(operation.get("callbacks")).items():
                    for expression, inner in _mapping(self._deref(callback)).items():
                        inner_at = f"{at}/callbacks/{_escape(str(name))}/{_escape(str(expression))}"
                        self._path_item(str(expression), inner, inner_at)

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
        self, operation: dict[str, Any], shared: list[Any], pointer: str
    ) -> list[Record]:
        records = []
        request: dict[str, str] = {}
        body = _mapping(self._deref(operation.get("requestBody")))
        bodies = [_mapping(media) for media in _mapping(body.get("content")).values()]
        for param in self._parameters(operation, shared):
            if param.get("in") == "body":  # Swagger 2: the request body is a parameter
                bodies.append(param)
                continue
            request.update(self._value(str(param.get("name")), _schema_of(param), "parameter"))
        kind = "record"
        for media in bodies:
            schema = _mapping(_mapping(media).get("schema"))
            kind = self._kind(schema, kind)
            request.update(self._fields(schema))
        if request:
            records.append(self._record(request, pointer, kind))
        for status, response in _mapping(operation.get("responses")).items():
            records += self._response(
                _mapping(self._deref(response)), f"{pointer}/responses/{status}"
            )
        return records

    def _response(self, response: dict[str, Any], pointer: str) -> list[Record]:
        """A record per media type, its headers' fields with its body's; the headers alone
        if it has no body."""
        headers = self._headers(response)
        content = _mapping(response.get("content"))
        if "schema" in response:  # Swagger 2: the response's schema itself
            content = {**content, "": response}
        records = []
        for media in list(content.values()) or [{}]:
            schema = _mapping(_mapping(media).get("schema"))
            fields = {**headers, **self._fields(schema)}
            if fields:
                records.append(self._record(fields, pointer, self._kind(schema, "record")))
        return records

    def _headers(self, response: dict[str, Any]) -> dict[str, str]:
        """A response's headers as fields, as a request's header parameters are (OpenAPI 3: a
        schema or content; Swagger 2: the header is its own schema). Content-Type is the one
        the OpenAPI spec says to ignore: it is the body's, not a value. Only a header named as
        a person's data or a pseudonym counts (X-Leerling-Bsn, X-Achternaam): an API's
        technical headers (X-RateLimit-Limit, ETag, Link) are no field of a pupil's, and
        MIN-001's closed world would call each one unknown."""
        fields: dict[str, str] = {}
        for name, header in _mapping(response.get("headers")).items():
            resolved = _mapping(self._deref(header))
            if _names_personal_data(str(name)):
                schema = _schema_of(resolved) or resolved
                fields.update(self._value(str(name), schema, "header"))
        return fields

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

    def record(self, schema: dict[str, Any], pointer: str, kind: str) -> Record:
        return self._record(self._fields(schema), pointer, kind)

    def _record(self, fields: dict[str, str], pointer: str, kind: str) -> Record:
        """The synthetic record; its fields count against ``MAX_SPEC_FIELDS`` for the spec."""
        self.fields_left -= len(fields)
        if self.fields_left < 0:
            self._too_many_fields()
        values = {path: [declared] for path, declared in fields.items()}
        return Record(
            kind, values, self.name, self.lines.get(pointer), pointer or "/", synthetic=True
        )

    def _kind(self, schema: dict[str, Any], default: str) -> str:
        """A schema named like one of the profile's record kinds ("Leerling") is that kind."""
        target = schema.get("$ref") or _mapping(schema.get("items")).get("$ref") or ""
        name = str(target).rsplit("/", 1)[-1].lower()
        return name if name in self.kinds else default

    def _deref(self, node: Any) -> Any:
        """Follow ``$ref`` aliases to a schema; a $ref with keywords of its own beside it is
        both: the target and the siblings, as an ``allOf`` of the two."""
        seen: set[int] = set()
        while isinstance(node, dict) and "$ref" in node:
            if not _FIELD_KEYWORDS.isdisjoint(node):
                return self._with_siblings(node)
            if id(node) in seen or len(seen) >= _MAX_REF_HOPS:
                raise InputError(self.name, None, _ref_loop(len(seen)))
            seen.add(id(node))
            node = self._target(node["$ref"])
        return node

    def _target(self, reference: Any) -> Any:
        """The node a $ref names, looked up once per reference (``referencing`` takes tens of
        microseconds a lookup; a spec refers to the same few schemas thousands of times)."""
        key = reference if isinstance(reference, str) else None
        if key is None or key not in self._targets:
            found = _lookup(reference, self.resolver, self.name)
            if key is None:
                return found
            self._targets[key] = found
        return self._targets[key]

    def _with_siblings(self, node: dict[str, Any]) -> dict[str, Any]:
        merged = self._merged.get(id(node))
        if merged is None:
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            merged = {"allOf": [{"$ref": node["$ref"]}, siblings]}
            self._merged[id(node)] = merged
        return merged

    def _scalar_items(self, schema: Any) -> Any:
        """An array of scalars is the field itself (arrays are transparent, as in exports)."""
        for _ in range(_MAX_NESTING):  # items of items of … a $ref cycle would never end
            if not (isinstance(schema, dict) and isinstance(schema.get("items"), dict)):
                break
            if schema.get("properties"):
                break
            item = self._deref(schema["items"])
            if _has_fields(item):
                return schema
            schema = item
        return schema

    def _value(self, name: str, schema: Any, default: str) -> dict[str, str]:
        """The fields of one named value (a property, parameter or header): those below it,
        or, if its schema declares none, the value itself with its declared type."""
        resolved = self._scalar_items(self._deref(schema))
        cuts = self._cuts
        below = self._fields(resolved) if _has_fields(resolved) else {}
        if below:
            return {f"{name}/{path}": declared for path, declared in below.items()}
        if self._cuts > cuts:  # a recursion whose fields were read above: nothing of its own
            return {}
        return {name: str(_mapping(resolved).get("type", default))}

    def _fields(self, schema: Any) -> dict[str, str]:
        """Every property below the schema, each schema read once (memoised by identity). A
        recursive schema is read down one repetition of itself: below that it only repeats
        the fields already read. Deeper than ``_MAX_NESTING``, or more work than
        ``MAX_SPEC_NODES`` steps, is refused, never cut short."""
        node = self._deref(schema)
        if not isinstance(node, dict):
            return {}
        key = id(node)
        known = self._memo.get(key)
        if known is not None and known[0] is node:
            return known[1]
        if self._stack.count(key) >= 2:  # a third time round a cycle: nothing new below
            first = self._stack.index(key)
            self._low[-1] = min(self._low[-1], first)
            self._cuts += 1
            return {}
        if len(self._stack) >= _MAX_NESTING:
            problem = f"its schemas nest more than {_MAX_NESTING} levels deep; refused"
            raise InputError(self.name, None, problem)
        position = len(self._stack)
        self._stack.append(key)
        self._low.append(position)
        try:
            fields = self._read(node)
        finally:
            self._stack.pop()
            low = self._low.pop()
        if self._low:
            self._low[-1] = min(self._low[-1], low)
        if low >= position:  # complete: no recursion cut off above it
            self._memo[key] = (node, fields)
        return fields

    def _read(self, node: dict[str, Any]) -> dict[str, str]:
        fields: dict[str, str] = {}
        for part in _same_value(node):
            self._add(fields, self._fields(part))
        for name, sub in _named(node):
            self._add(fields, self._value(name, sub, "value"))
        return fields

    def _add(self, fields: dict[str, str], more: dict[str, str]) -> None:
        """Every field copied is a step: a spec whose schemas fan out is refused, not read
        for ever."""
        self.steps_left -= len(more) + 1
        if self.steps_left < 0:
            problem = f"its schemas take more than {MAX_SPEC_NODES:,} steps to read; refused"
            raise InputError(self.name, None, problem)
        fields.update(more)
        if len(fields) > MAX_SPEC_FIELDS:
            self._too_many_fields()

    def _too_many_fields(self) -> None:
        problem = f"its $refs expand to more than {MAX_SPEC_FIELDS:,} fields; refused"
        raise InputError(self.name, None, problem)


def _names_personal_data(header: str) -> bool:
    """Whether a response header is named as a person's identifier, a sensitive topic or a
    pseudonym; not HTTP's own headers (``Age`` is a cache's seconds, not a pupil's years) and
    not a quasi-identifier's name alone (``X-Country``: the API's, far more often)."""
    if header.lower() in _HTTP_HEADERS:
        return False
    rule = classify_name(header)
    return rule is not None and rule.cls in _PERSONAL_HEADERS


_PERSONAL_HEADERS = frozenset({FieldClass.DIRECT, FieldClass.SENSITIVE, FieldClass.PSEUDONYM})
# HTTP's registered response headers whose names a classifier could misread
_HTTP_HEADERS = frozenset(
    "age date server via warning location link etag expires allow vary retry-after "
    "last-modified cache-control pragma content-type content-length content-language "
    "content-location content-disposition www-authenticate set-cookie".split()
)


def _schema_of(holder: dict[str, Any]) -> Any:
    """A parameter's or header's schema: its ``schema``, or its ``content``'s (one media type,
    the value serialised that way), or None."""
    if "schema" in holder:
        return holder["schema"]
    for media in _mapping(holder.get("content")).values():
        return _mapping(media).get("schema")
    return None


def _same_value(schema: dict[str, Any]) -> Iterator[Any]:
    """The subschemas whose fields are the schema's own (see :data:`_SAME_VALUE_ONE`)."""
    for key in _SAME_VALUE_LISTS:
        yield from _sequence(schema.get(key))
    for key in _SAME_VALUE_ONE:
        if isinstance(schema.get(key), dict):
            yield schema[key]
    for key in _SAME_VALUE_MAPS:  # draft 7's dependencies: a schema, or a list of names
        yield from (v for v in _mapping(schema.get(key)).values() if isinstance(v, dict))


def _named(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The named subschemas: properties, and patternProperties under their pattern (``^bsn$``
    names ``bsn``; any other pattern stands for itself: a field nonetheless)."""
    for name, sub in _mapping(schema.get("properties")).items():
        yield str(name), sub
    for pattern, sub in _mapping(schema.get("patternProperties")).items():
        yield str(pattern).removeprefix("^").removesuffix("$") or str(pattern), sub


def _has_fields(schema: Any) -> bool:
    """Whether the schema has fields of its own below it (properties, items, combinations, or
    a map's values)."""
    if not isinstance(schema, dict):
        return False
    keys = ("properties", "patternProperties", *_SAME_VALUE_LISTS, *_SAME_VALUE_MAPS)
    return any(k in schema for k in keys) or any(
        isinstance(schema.get(k), dict) for k in _SAME_VALUE_ONE
    )


def _ref_loop(hops: int) -> str:
    if hops >= _MAX_REF_HOPS:
        return f"a chain of more than {_MAX_REF_HOPS} $refs; refused"
    return "a $ref that leads back to itself without reaching a schema"


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
    """Follow ``$ref``s (a bounded number: an alias cycle ends as the $ref it is stuck on),
    for the probes, which look at parameters and bodies themselves; the reader's own
    :meth:`_Walker._deref` refuses a cycle and reads a $ref's siblings too."""
    for _ in range(_MAX_REF_HOPS):
        if not (isinstance(node, dict) and "$ref" in node):
            break
        node = _lookup(node["$ref"], resolver, name)
    return node


def _lookup(target: Any, resolver: Any, name: str) -> Any:
    """The node a ``$ref`` names; only references into the document itself resolve: the
    registry has no retriever, so nothing is fetched."""
    if not isinstance(target, str):
        raise InputError(name, None, "a $ref that is not a string")
    try:
        return resolver.lookup(target).contents
    # referencing raises its own errors, and trips over a document of the wrong shape
    # (a string where it expects a schema): both are this spec's mistake.
    except (Unresolvable, ValueError, TypeError, KeyError, IndexError, AttributeError):
        # (the reference as written, its data-like steps redacted: a name or number typed
        # where a schema's name belongs is still a person's)
        shown = safe_path(target[:200])
        raise InputError(name, None, f"unresolvable $ref {shown}") from None


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
        raise InputError(name, where, f"malformed spec: {parser_words(exc.problem)}") from None
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
