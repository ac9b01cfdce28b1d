"""XML Schemas of supplier export formats, read as the fields their elements let flow.

Global elements, named and anonymous complex types, element references and their substitution
groups, groups, attribute groups, extensions, restrictions and ``xs:include``/``xs:import``/
``xs:redefine`` of local files are followed (never the network). Where an element is named like
one of the profile's record kinds (``leerling``), a record is rooted there, so its field paths
are the profile's; otherwise each global element is one record.

Named components live in XSD's separate symbol spaces (types, groups, attribute groups,
elements), each keyed by (target namespace, local name), and a reference is resolved with the
prefixes in scope where it is written: an imported file's ``PersoonType`` must not stand in for
the main file's own. A reference that resolves exactly to nothing falls back to the one
component of that local name, if there is exactly one (schemas that forget a prefix).

Every file is read as an export is (a regular file, bounded, no DTD). The expansion is bounded
without ever being cut short silently: each named type, group and attribute group is expanded
once and its fields reused (a group used 100 times by a group used 100 times …), and past
``MAX_SPEC_FIELDS`` fields, ``MAX_SPEC_NODES`` schema nodes visited or ``_MAX_DEPTH`` levels of
nesting the schema is refused, as is a group or derivation that contains itself (invalid XSD).
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from conformance.detect.safepath import safe_path
from conformance.model.errors import InputError
from conformance.model.records import Record
from conformance.model.spec import SpecModel
from conformance.readers.limits import MAX_SPEC_BYTES, MAX_SPEC_FIELDS, MAX_SPEC_NODES
from conformance.readers.source import read_limited
from conformance.readers.xml import refuse_doctype, syntax_problem

XS_NS = "http://www.w3.org/2001/XMLSchema"
XS = f"{{{XS_NS}}}"
# Levels of schema nodes nested once references are followed. Each level is at most three
# Python frames, so this stays well inside the interpreter's recursion limit; real schemas
# (UWLR, EDEXML, OSO) nest a few dozen.
_MAX_DEPTH = 150
_MAX_FILES = 200
_MAX_SUBSTITUTION_CHAIN = 64
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, huge_tree=False
)

Fields = dict[str, list[str]]
QName = tuple[str, str]  # (namespace, local name); "" is no namespace


@dataclass
class _Space:
    """One XSD symbol space: the named components of one kind, by (namespace, local name)."""

    named: dict[QName, etree._Element] = field(default_factory=dict)
    by_local: dict[str, list[QName]] = field(default_factory=dict)

    def define(self, key: QName, node: etree._Element, replace: bool = False) -> None:
        """The first definition of a name wins (a duplicate is invalid XSD), unless ``replace``
        (``xs:redefine``)."""
        if key not in self.named:
            self.by_local.setdefault(key[1], []).append(key)
        elif not replace:
            return
        self.named[key] = node

    def find(self, key: QName, lenient: bool) -> etree._Element | None:
        exact = self.named.get(key)
        if exact is not None or not lenient:
            return exact
        candidates = self.by_local.get(key[1], [])
        return self.named[candidates[0]] if len(candidates) == 1 else None


@dataclass
class _Schema:
    elements: _Space = field(default_factory=_Space)
    types: _Space = field(default_factory=_Space)  # complex and simple types: one symbol space
    groups: _Space = field(default_factory=_Space)
    attribute_groups: _Space = field(default_factory=_Space)
    roots: list[etree._Element] = field(default_factory=list)  # global elements of the main file
    # Per file (its xs:schema element): the namespace its components are defined in, and the
    # one an unqualified reference in it means (a chameleon include takes its includer's).
    namespace: dict[etree._Element, str] = field(default_factory=dict)
    unqualified: dict[etree._Element, str] = field(default_factory=dict)
    # Inside an xs:redefine, a reference to the component being redefined means the original.
    originals: dict[etree._Element, etree._Element] = field(default_factory=dict)
    main: etree._Element | None = None
    included: list[tuple[str, str]] = field(default_factory=list)  # (file, its SHA-256)

    def qname(self, node: etree._Element, reference: str) -> tuple[QName, bool]:
        """The (namespace, local name) a QName written on ``node`` refers to, with the prefixes
        in scope there, and whether a lenient fallback is allowed: not for a QName whose prefix
        names the XSD namespace itself (``xs:string`` is a built-in, never a user's type)."""
        prefix, _, local = reference.strip().rpartition(":")
        if prefix:
            namespace = node.nsmap.get(prefix)
            if namespace is None:
                return ("", local), True  # an undeclared prefix: by local name only
            return (namespace, local), namespace != XS_NS
        namespace = node.nsmap.get(None) or ""
        if not namespace:
            namespace = self.unqualified.get(node.getroottree().getroot(), "")
        return (namespace, local), True

    def find(self, node: etree._Element, attribute: str, space: _Space) -> etree._Element | None:
        """The component the QName in ``node``'s ``attribute`` names in ``space``."""
        original = self.originals.get(node)
        if original is not None:
            return original
        key, lenient = self.qname(node, node.get(attribute, ""))
        return space.find(key, lenient)

    def key(self, node: etree._Element) -> QName:
        """The (namespace, name) a top-level component is defined under."""
        return (self.namespace.get(node.getroottree().getroot(), ""), node.get("name", ""))


def xsd_from_bytes(data: bytes, path: Path, kinds: frozenset[str]) -> SpecModel:
    """The spec model of an XSD's bytes; its includes are read relative to ``path``."""
    schema = _Schema()
    _load(path, schema, {os.path.realpath(path)}, main=True, data=data, namespace="")
    walker = _Walker(schema, kinds, str(path))
    for element in schema.roots:
        name = element.get("name", "")
        # A global element of a named type (<xs:element name="leerling" type="LeerlingType"/>)
        # has its fields in that type, not below itself.
        body, _ = walker.body(element)
        fields = walker.content(body, 0, via_element=True)
        if fields and (not kinds or name in kinds):
            walker.record(element, name, fields)
    return SpecModel(str(path), tuple(walker.records), included=tuple(schema.included))


_SPACES = {
    f"{XS}complexType": "types",
    f"{XS}simpleType": "types",
    f"{XS}group": "groups",
    f"{XS}attributeGroup": "attribute_groups",
}


def _space(schema: _Schema, tag: str) -> _Space:
    space: _Space = getattr(schema, _SPACES[tag])
    return space


def _load(
    path: Path, schema: _Schema, seen: set[str], *, main: bool, data: bytes, namespace: str
) -> None:
    """Define a file's components. ``namespace`` is the includer's for an include (a file
    without a targetNamespace takes it: a chameleon include), "" for an import."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        where = f"line {line} column {column}"
        raise InputError(str(path), where, syntax_problem(exc, "XSD")) from None
    refuse_doctype(root.getroottree(), str(path))
    declared = root.get("targetNamespace")
    own = declared if declared is not None else namespace
    schema.namespace[root] = own
    schema.unqualified[root] = own if declared is None else ""
    if main:
        schema.main = root
    for child in root:
        tag = child.tag
        if tag in (f"{XS}include", f"{XS}import", f"{XS}redefine"):
            location = child.get("schemaLocation")
            if location:
                imported = tag == f"{XS}import"
                _include(path, location, schema, seen, "" if imported else own)
            if tag == f"{XS}redefine":
                _redefine(schema, child)
        elif tag == f"{XS}element" and child.get("name"):
            schema.elements.define(schema.key(child), child)
            if main:
                schema.roots.append(child)
        elif tag in _SPACES and child.get("name"):
            _space(schema, tag).define(schema.key(child), child)


def _include(path: Path, location: str, schema: _Schema, seen: set[str], namespace: str) -> None:
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
        schema.included.append((str(included), hashlib.sha256(data).hexdigest()))
        _load(included, schema, seen, main=False, data=data, namespace=namespace)
    except InputError as exc:
        if exc.source != str(included):
            raise  # already named by the file that includes it
        shown = safe_path(location[:200])  # a file name may be a pupil's, as a field name may
        where = f"{shown}:{exc.position}" if exc.position else shown
        raise InputError(str(path), None, f"in its include {where}: {exc.problem}") from None


# In a redefinition, the references that mean the component being redefined, by its kind.
_SELF_REFERENCES = {
    f"{XS}complexType": ((f"{XS}extension", "base"), (f"{XS}restriction", "base")),
    f"{XS}simpleType": ((f"{XS}restriction", "base"),),
    f"{XS}group": ((f"{XS}group", "ref"),),
    f"{XS}attributeGroup": ((f"{XS}attributeGroup", "ref"),),
}


def _redefine(schema: _Schema, redefine: etree._Element) -> None:
    """``xs:redefine`` replaces the included file's components of the same name; inside the
    new definition, the name itself still means the old one (``extension base="LeerlingType"``
    in a redefined ``LeerlingType`` extends the original)."""
    for part in redefine:
        tag = part.tag
        if tag not in _SPACES or not part.get("name"):
            continue
        space = _space(schema, tag)
        key = schema.key(part)
        original = space.named.get(key)
        space.define(key, part, replace=True)
        if original is None:
            continue
        for reference_tag, attribute in _SELF_REFERENCES[tag]:
            for reference in part.iter(reference_tag):
                written = reference.get(attribute)
                if written and schema.qname(reference, written)[0] == key:
                    schema.originals[reference] = original


def _local(reference: str) -> str:
    return reference.rpartition(":")[2]


def _flag(value: str | None) -> bool:
    return (value or "").strip() in ("true", "1")


@dataclass
class _Expansion:
    """A component being expanded: what it is, and whether an element was entered to reach
    it (recursion through an element is a valid, recursive type; without one it is a group or
    derivation containing itself)."""

    component: etree._Element
    via_element: bool


class _Walker:
    """Collects field paths below elements; roots a record at every record-kind element."""

    def __init__(self, schema: _Schema, kinds: frozenset[str], source: str) -> None:
        self.schema = schema
        self.kinds = kinds
        self.source = source
        self.records: list[Record] = []
        self.recorded: set[tuple[etree._Element, tuple[tuple[str, tuple[str, ...]], ...]]] = set()
        self.fields_left = MAX_SPEC_FIELDS
        self.nodes_left = MAX_SPEC_NODES
        # The fields of each component expanded so far, whatever the context it is used in.
        self.memo: dict[etree._Element, Fields] = {}
        self.stack: list[_Expansion] = []
        self.position: dict[etree._Element, int] = {}
        # The outermost stack position a recursive element was left out at, in the expansion
        # under way: a component whose expansion left out one of its *callers* depends on
        # where it is used, and is not remembered.
        self.lowest_cut = sys.maxsize
        self.members: dict[etree._Element, list[etree._Element]] | None = None

    # --- bounds ------------------------------------------------------------------------------

    def refuse(self, problem: str, node: etree._Element | None = None) -> InputError:
        in_main = node is not None and node.getroottree().getroot() is self.schema.main
        line = node.sourceline if node is not None and in_main else None
        return InputError(self.source, f"line {line}" if isinstance(line, int) else None, problem)

    def add(self, fields: Fields, path: str, types: list[str]) -> None:
        """One field; past ``MAX_SPEC_FIELDS`` the schema is refused (types fanning out)."""
        self.fields_left -= 1
        if self.fields_left < 0:
            problem = f"its types expand to more than {MAX_SPEC_FIELDS:,} fields; refused"
            raise self.refuse(problem)
        fields[path] = types

    def merge(self, fields: Fields, prefix: str, inner: Fields) -> None:
        for path, types in inner.items():
            self.add(fields, f"{prefix}{path}", types)

    def visit(self, node: etree._Element) -> None:
        """Every schema node visited counts: what adds no field (empty groups referencing each
        other 100 times over) must still end."""
        self.nodes_left -= 1
        if self.nodes_left < 0:
            problem = (
                f"its groups and types expand to more than {MAX_SPEC_NODES:,} schema nodes; refused"
            )
            raise self.refuse(problem, node)

    # --- components --------------------------------------------------------------------------

    def content(self, component: etree._Element, depth: int, via_element: bool) -> Fields:
        """The fields below a component (a type, a group, an attribute group, or an element
        declaration with an anonymous type), relative to it; the caller has checked that it is
        not being expanded already. Remembered unless it depends on where it is used."""
        known = self.memo.get(component)
        if known is not None:
            return known
        index = len(self.stack)
        self.stack.append(_Expansion(component, via_element))
        self.position[component] = index
        outer_cut, self.lowest_cut = self.lowest_cut, sys.maxsize
        fields: Fields = {}
        if component.tag != f"{XS}simpleType":  # a simple type has a value, no fields
            self.walk(component, fields, depth + 1)
        self.stack.pop()
        del self.position[component]
        if self.lowest_cut >= index:  # nothing outside it was left out: the same everywhere
            self.memo[component] = fields
        self.lowest_cut = min(outer_cut, self.lowest_cut)
        return fields

    def reference(self, reference: etree._Element, component: etree._Element, depth: int) -> Fields:
        """The fields of a group, attribute group or base type that ``reference`` uses."""
        index = self.position.get(component)
        if index is None:
            return self.content(component, depth, via_element=False)
        if not any(entry.via_element for entry in self.stack[index + 1 :]):
            raise self.refuse(
                "a group, attribute group or type derivation contains itself (invalid XSD); "
                "refused",
                reference,
            )
        # Recursion through an element (an element whose type uses this group): the element
        # already carries these fields, as a recursive type does.
        self.lowest_cut = min(self.lowest_cut, index)
        return {}

    # --- walking -----------------------------------------------------------------------------

    def walk(self, node: etree._Element, fields: Fields, depth: int) -> None:
        if depth > _MAX_DEPTH:
            problem = f"its elements, groups and types nest more than {_MAX_DEPTH} levels deep"
            raise self.refuse(f"{problem}; refused", node)
        for child in node:
            self.visit(child)
            tag = child.tag
            if not isinstance(tag, str) or not tag.startswith(XS):
                continue  # documentation, appinfo, processing instructions
            if tag == f"{XS}element":
                for declaration in self.declarations(child):
                    self.element(declaration, fields, depth)
            elif tag == f"{XS}attribute" and (child.get("name") or child.get("ref")):
                self.attribute(child, fields)
            elif tag == f"{XS}extension" and child.get("base"):
                self.extension(child, fields, depth)
            elif tag == f"{XS}restriction" and child.get("base"):
                self.restriction(child, fields, depth)
            elif tag in (f"{XS}group", f"{XS}attributeGroup") and child.get("ref"):
                space = self.schema.groups if tag == f"{XS}group" else self.schema.attribute_groups
                group = self.schema.find(child, "ref", space)
                if group is not None:
                    self.merge(fields, "", self.reference(child, group, depth))
            elif tag != f"{XS}annotation":
                self.walk(child, fields, depth + 1)

    def attribute(self, attribute: etree._Element, fields: Fields) -> None:
        if attribute.get("use", "").strip() == "prohibited":
            return  # it cannot appear
        name = attribute.get("name") or _local(attribute.get("ref", ""))
        self.add(fields, f"@{name}", [_local(attribute.get("type", "attribute"))])

    def extension(self, extension: etree._Element, fields: Fields, depth: int) -> None:
        """An extension has everything of its base, then its own."""
        base = self.schema.find(extension, "base", self.schema.types)
        if base is not None:
            self.merge(fields, "", self.reference(extension, base, depth))
        self.walk(extension, fields, depth + 1)

    def restriction(self, restriction: etree._Element, fields: Fields, depth: int) -> None:
        """A restriction restates its content model, so the base's elements are *not* its
        fields; the base's attributes are, unless restated with ``use="prohibited"``."""
        base = self.schema.find(restriction, "base", self.schema.types)
        if base is not None:
            prohibited = {
                child.get("name") or _local(child.get("ref", ""))
                for child in restriction
                if child.tag == f"{XS}attribute" and child.get("use", "").strip() == "prohibited"
            }
            inherited = self.reference(restriction, base, depth)
            for path, types in inherited.items():
                if path.startswith("@") and path[1:] not in prohibited:
                    self.add(fields, path, types)
        self.walk(restriction, fields, depth + 1)

    def declarations(self, element: etree._Element) -> list[etree._Element]:
        """The declarations an element particle lets appear: itself, or for a reference the
        global element and every member of its substitution group (an abstract head never
        appears itself). A reference to nothing known is a field of its local name."""
        if not element.get("ref"):
            return [element]
        head = self.schema.find(element, "ref", self.schema.elements)
        if head is None:
            return [element]
        found = [] if _flag(head.get("abstract")) else [head]
        return found + self.substitutes(head)

    def substitutes(self, head: etree._Element) -> list[etree._Element]:
        """Every element that may stand where ``head`` is written, at any remove, unless the
        head (or its schema's ``blockDefault``) blocks substitution."""
        block = head.get("block")
        if block is None:
            block = head.getroottree().getroot().get("blockDefault", "")
        if {"substitution", "#all"} & set(block.split()):
            return []
        members = self.substitution_members()
        found: list[etree._Element] = []
        seen = {head}
        pending = [head]
        while pending:
            for member in members.get(pending.pop(), []):
                if member not in seen:
                    seen.add(member)
                    pending.append(member)
                    if not _flag(member.get("abstract")):
                        found.append(member)
        return found

    def substitution_members(self) -> dict[etree._Element, list[etree._Element]]:
        """Global elements by the head of the substitution group they name (XSD 1.1: heads)."""
        if self.members is None:
            self.members = {}
            for member in self.schema.elements.named.values():
                for written in member.get("substitutionGroup", "").split():
                    key, lenient = self.schema.qname(member, written)
                    head = self.schema.elements.find(key, lenient)
                    if head is not None and head is not member:
                        self.members.setdefault(head, []).append(member)
        return self.members

    def body(self, declaration: etree._Element) -> tuple[etree._Element, str]:
        """Where a declaration's fields are (its named type, or itself for an anonymous type)
        and its type's name. A member of a substitution group without a type of its own has
        its head's."""
        holder = declaration
        for _ in range(_MAX_SUBSTITUTION_CHAIN):
            own = holder.get("type") or any(
                child.tag in (f"{XS}complexType", f"{XS}simpleType") for child in holder
            )
            written = holder.get("substitutionGroup", "").split()
            if own or not written:
                break
            key, lenient = self.schema.qname(holder, written[0])
            head = self.schema.elements.find(key, lenient)
            if head is None or head is holder:
                break
            holder = head
        else:  # never cut short silently: a cycle of heads, or a chain past the limit
            problem = f"a substitution group chain longer than {_MAX_SUBSTITUTION_CHAIN} heads"
            raise self.refuse(f"{problem} (or a cycle)", declaration)
        if holder.get("type"):
            typed = self.schema.find(holder, "type", self.schema.types)
            return (typed if typed is not None else declaration), _local(holder.get("type", ""))
        return holder, "element"

    def element(self, declaration: etree._Element, fields: Fields, depth: int) -> None:
        name = declaration.get("name") or _local(declaration.get("ref", ""))
        if not name:
            return
        body, type_name = self.body(declaration)
        if declaration.get("ref"):  # a reference to no known element: a field of that name
            self.add(fields, name, [type_name])
            return
        index = self.position.get(body)
        if index is not None:
            # A recursive type: its fields are being collected above; the element itself is a
            # field all the same (left out, its name went unchecked).
            self.lowest_cut = min(self.lowest_cut, index)
            self.add(fields, name, [type_name])
            return
        inner = self.content(body, depth + 1, via_element=True)
        if name in self.kinds and inner:
            self.record(declaration, name, inner)
            return  # a record of its own, not part of the enclosing one
        if inner:
            self.merge(fields, f"{name}/", inner)
        else:
            self.add(fields, name, [type_name])

    def record(self, element: etree._Element, name: str, fields: Fields) -> None:
        """A record rooted at ``element``; the same element with the same fields (a type used
        in several places) is the same evidence, recorded once."""
        identity = (element, tuple((path, tuple(types)) for path, types in fields.items()))
        if identity in self.recorded:
            return
        self.recorded.add(identity)
        self.records.append(_record(element, name, dict(fields), self.kinds, self.source))


def _record(
    element: etree._Element,
    name: str,
    fields: Fields,
    kinds: frozenset[str],
    source: str,
) -> Record:
    kind = name if name in kinds else "record"
    line = element.sourceline if isinstance(element.sourceline, int) else None
    return Record(kind, fields, source, line, f"//xs:element[@name='{name}']", synthetic=True)
