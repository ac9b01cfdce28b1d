"""XML Schemas of supplier export formats, read as the fields their elements let flow.

Global elements, named and anonymous complex types, element references, extensions and
``xs:include``/``xs:import`` of local files are followed (never the network). Where an element
is named like one of the profile's record kinds (``leerling``), a record is rooted there, so its
field paths are the profile's; otherwise each global element is one record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from conformance.model.errors import InputError
from conformance.model.records import Record
from conformance.model.spec import SpecModel

XS = "{http://www.w3.org/2001/XMLSchema}"
_MAX_DEPTH = 12
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
)


@dataclass
class _Schema:
    elements: dict[str, etree._Element] = field(default_factory=dict)
    types: dict[str, etree._Element] = field(default_factory=dict)
    roots: list[etree._Element] = field(default_factory=list)  # global elements of the main file


def read_xsd(path: Path, kinds: frozenset[str]) -> SpecModel:
    schema = _Schema()
    _load(path, schema, set(), main=True)
    walker = _Walker(schema, kinds, str(path))
    for element in schema.roots:
        name = element.get("name", "")
        fields: dict[str, list[str]] = {}
        walker.walk(element, "", fields, 0, frozenset())
        if fields and (not kinds or name in kinds):
            walker.records.append(_record(element, name, fields, kinds, str(path)))
    return SpecModel(str(path), tuple(walker.records))


def _load(path: Path, schema: _Schema, seen: set[Path], main: bool) -> None:
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except OSError:
        raise InputError(str(path), None, "cannot read the schema file") from None
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise InputError(str(path), f"line {line} column {column}", "malformed XSD") from None
    for child in root:
        if child.tag in (f"{XS}include", f"{XS}import", f"{XS}redefine") and child.get(
            "schemaLocation"
        ):
            location = child.get("schemaLocation", "")
            if "://" not in location:  # local files only
                _load(path.parent / location, schema, seen, main=False)
        elif child.tag == f"{XS}element" and child.get("name"):
            schema.elements.setdefault(child.get("name", ""), child)
            if main:
                schema.roots.append(child)
        elif child.tag in (f"{XS}complexType", f"{XS}group", f"{XS}attributeGroup") and child.get(
            "name"
        ):
            schema.types.setdefault(child.get("name", ""), child)


def _local(reference: str) -> str:
    return reference.rpartition(":")[2]


class _Walker:
    """Collects field paths below elements; roots a record at every record-kind element."""

    def __init__(self, schema: _Schema, kinds: frozenset[str], source: str) -> None:
        self.schema = schema
        self.kinds = kinds
        self.source = source
        self.records: list[Record] = []

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
                fields[f"{prefix}@{name}"] = [_local(child.get("type", "attribute"))]
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
                fields[f"{prefix}{name}/{path}"] = types
        else:
            fields[f"{prefix}{name}"] = [_local(element.get("type", "element"))]


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
