"""XML Schemas of supplier export formats, read as the fields their elements let flow.

Global elements, named and anonymous complex types, element references, extensions and
``xs:include``/``xs:import`` of local files are followed (never the network). Where an element
is named like one of the profile's record kinds (``leerling``), a record is rooted there, so its
field paths are the profile's; otherwise each global element is one record.

Every file is read as an export is (a regular file, bounded, no DTD), and the fields collected
are bounded: types that each use another type ten times, twelve deep, would be 10^12 fields.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from conformance.model.errors import InputError
from conformance.model.records import Record
from conformance.model.spec import SpecModel
from conformance.readers.limits import MAX_SPEC_BYTES, MAX_SPEC_FIELDS
from conformance.readers.source import read_limited
from conformance.readers.xml import refuse_doctype, syntax_problem

XS = "{http://www.w3.org/2001/XMLSchema}"
_MAX_DEPTH = 12
_MAX_FILES = 200
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, huge_tree=False
)


@dataclass
class _Schema:
    elements: dict[str, etree._Element] = field(default_factory=dict)
    types: dict[str, etree._Element] = field(default_factory=dict)
    roots: list[etree._Element] = field(default_factory=list)  # global elements of the main file


def read_xsd(path: Path, kinds: frozenset[str]) -> SpecModel:
    return xsd_from_bytes(read_limited(path, MAX_SPEC_BYTES, "the schema"), path, kinds)


def xsd_from_bytes(data: bytes, path: Path, kinds: frozenset[str]) -> SpecModel:
    """The spec model of an XSD's bytes; its includes are read relative to ``path``."""
    schema = _Schema()
    _load(path, schema, {os.path.realpath(path)}, main=True, data=data)
    walker = _Walker(schema, kinds, str(path))
    for element in schema.roots:
        name = element.get("name", "")
        fields: dict[str, list[str]] = {}
        # A global element of a named type (<xs:element name="leerling" type="LeerlingType"/>)
        # has its fields in that type, not below itself.
        typed = schema.types.get(_local(element.get("type", "")))
        body = typed if typed is not None else element
        walker.walk(body, "", fields, 0, frozenset({id(body)}))
        if fields and (not kinds or name in kinds):
            walker.records.append(_record(element, name, fields, kinds, str(path)))
    return SpecModel(str(path), tuple(walker.records))


def _load(path: Path, schema: _Schema, seen: set[str], main: bool, data: bytes) -> None:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        where = f"line {line} column {column}"
        raise InputError(str(path), where, syntax_problem(exc, "XSD")) from None
    refuse_doctype(root.getroottree(), str(path))
    for child in root:
        if child.tag in (f"{XS}include", f"{XS}import", f"{XS}redefine") and child.get(
            "schemaLocation"
        ):
            _include(path, child.get("schemaLocation", ""), schema, seen)
        elif child.tag == f"{XS}element" and child.get("name"):
            schema.elements.setdefault(child.get("name", ""), child)
            if main:
                schema.roots.append(child)
        elif child.tag in (f"{XS}complexType", f"{XS}group", f"{XS}attributeGroup") and child.get(
            "name"
        ):
            schema.types.setdefault(child.get("name", ""), child)


def _include(path: Path, location: str, schema: _Schema, seen: set[str]) -> None:
    """Load an included or imported local file once (``realpath``: never a symlink loop, which
    ``Path.resolve`` raises on), and no more than ``_MAX_FILES`` files in all. Its problems
    name the including file too: that is the one the user gave."""
    included = path.parent / location
    real = os.path.realpath(included)
    if "://" in location or real in seen:  # local files only, each once
        return
    if len(seen) >= _MAX_FILES:
        raise InputError(str(path), None, f"includes more than {_MAX_FILES} schema files")
    seen.add(real)
    try:
        data = read_limited(included, MAX_SPEC_BYTES, "the included schema")
        _load(included, schema, seen, main=False, data=data)
    except InputError as exc:
        if exc.source != str(included):
            raise  # already named by the file that includes it
        where = f"{location[:200]}:{exc.position}" if exc.position else location[:200]
        raise InputError(str(path), None, f"in its include {where}: {exc.problem}") from None


def _local(reference: str) -> str:
    return reference.rpartition(":")[2]


class _Walker:
    """Collects field paths below elements; roots a record at every record-kind element."""

    def __init__(self, schema: _Schema, kinds: frozenset[str], source: str) -> None:
        self.schema = schema
        self.kinds = kinds
        self.source = source
        self.records: list[Record] = []
        self.fields_left = MAX_SPEC_FIELDS

    def add(self, fields: dict[str, list[str]], path: str, types: list[str]) -> None:
        """One field; past ``MAX_SPEC_FIELDS`` the schema is refused (types fanning out)."""
        self.fields_left -= 1
        if self.fields_left < 0:
            problem = f"its types expand to more than {MAX_SPEC_FIELDS:,} fields; refused"
            raise InputError(self.source, None, problem)
        fields[path] = types

    def walk(
        self,
        node: etree._Element,
        prefix: str,
        fields: dict[str, list[str]],
        depth: int,
        visiting: frozenset[int],
    ) -> None:
        if depth > _MAX_DEPTH:
            return
        for child in node:
            tag = child.tag
            if tag == f"{XS}element":
                self.element(child, prefix, fields, depth, visiting)
            elif tag == f"{XS}attribute" and (child.get("name") or child.get("ref")):
                name = child.get("name") or _local(child.get("ref", ""))
                self.add(fields, f"{prefix}@{name}", [_local(child.get("type", "attribute"))])
            elif tag in (f"{XS}extension", f"{XS}restriction") and child.get("base"):
                base = self.schema.types.get(_local(child.get("base", "")))
                if base is not None:
                    self.walk(base, prefix, fields, depth + 1, visiting)
                self.walk(child, prefix, fields, depth + 1, visiting)
            elif tag in (f"{XS}group", f"{XS}attributeGroup") and child.get("ref"):
                group = self.schema.types.get(_local(child.get("ref", "")))
                if group is not None:
                    self.walk(group, prefix, fields, depth + 1, visiting)
            elif isinstance(tag, str) and tag.startswith(XS):
                self.walk(child, prefix, fields, depth + 1, visiting)

    def element(
        self,
        element: etree._Element,
        prefix: str,
        fields: dict[str, list[str]],
        depth: int,
        visiting: frozenset[int],
    ) -> None:
        if element.get("ref"):
            element = self.schema.elements.get(_local(element.get("ref", "")), element)
        name = element.get("name", "")
        if not name:
            return
        typed = self.schema.types.get(_local(element.get("type", "")))
        body = typed if typed is not None else element
        if id(body) in visiting:
            return  # a recursive type: its fields are already being collected
        inner: dict[str, list[str]] = {}
        self.walk(body, "", inner, depth + 1, visiting | {id(body)})
        if name in self.kinds and inner:
            self.records.append(_record(element, name, inner, self.kinds, self.source))
            return  # a record of its own, not part of the enclosing one
        if inner:
            for path, types in inner.items():
                self.add(fields, f"{prefix}{name}/{path}", types)
        else:
            self.add(fields, f"{prefix}{name}", [_local(element.get("type", "element"))])


def _record(
    element: etree._Element,
    name: str,
    fields: dict[str, list[str]],
    kinds: frozenset[str],
    source: str,
) -> Record:
    kind = name if name in kinds else "record"
    line = element.sourceline if isinstance(element.sourceline, int) else None
    return Record(kind, fields, source, line, f"//xs:element[@name='{name}']", synthetic=True)
