"""Streaming, hardened XML reader.

``lxml.etree.iterparse`` fires only for record elements (the ``tag`` filter keeps the per-element
work in C); each record is flattened to field paths, then cleared, and everything already parsed
before it is dropped, so memory stays flat whatever the file size; what is dropped that is no
record is read first, as values outside the records (``_Outside``). The parser never loads a DTD,
never expands an entity, never touches the network, and keeps libxml2's default limits (depth
256, text nodes of 10 MB, entity amplification).

A document with a DTD of its own (entity declarations, or an external DTD) is refused before
its first record: an unexpanded entity would hide its value from the checks (a false pass), and
expanding one is XXE or an entity bomb. A bare ``<!DOCTYPE leerlingen>`` is harmless and read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree

from conformance.detect.fieldnames import names_pseudonym
from conformance.detect.redact import redact
from conformance.model.errors import InputError
from conformance.model.records import MARKUP_PREFIXES, NOTE_FIELDS, OutsideValues, Record
from conformance.readers.limits import MAX_KEY_CHARS, parser_words

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    # Comments and processing instructions are kept: what they hold leaves the school too
    # (<!-- leerling 111222333 -->), so it is examined (:data:`NOTE_PATHS`).
    "remove_comments": False,
    "remove_pis": False,
}
_DISCOVERY_BYTES = 1 << 20
# The field of a record's own text, outside its child elements (mixed content): a value
# written there is examined as any other.
RECORD_TEXT = "text()"
# The fields of a comment's and a processing instruction's text, under the element they are in.
NOTE_PATHS: dict[object, str] = dict(
    zip((etree.Comment, etree.ProcessingInstruction), NOTE_FIELDS, strict=True)
)
_ANY_DEPTH = "//"
# Names and field paths remembered at most: a hostile file of ever new element names must not
# grow the caches without end (they are rebuilt as needed).
_CACHED_NAMES = 1 << 16


@dataclass(frozen=True, slots=True)
class RecordRule:
    """Where one record kind is: a Clark-notation tag, and its ancestors' tags for ``/a/b/c``."""

    kind: str
    tag: str
    ancestors: tuple[str, ...] | None  # None: at any depth

    def matches(self, element: etree._Element) -> bool:
        if self.ancestors is None:
            return True
        actual = tuple(a.tag for a in element.iterancestors())
        return actual == tuple(reversed(self.ancestors))


def compile_rules(records: dict[str, str], namespaces: dict[str, str]) -> list[RecordRule]:
    """Turn the profile's ``//p:name`` and ``/p:a/p:b`` locations into matching rules."""
    rules = []
    for kind, location in records.items():
        anywhere = location.startswith(_ANY_DEPTH)
        steps = [_clark(step, namespaces) for step in location.strip("/").split("/")]
        rules.append(RecordRule(kind, steps[-1], None if anywhere else tuple(steps[:-1])))
    return rules


def _clark(step: str, namespaces: dict[str, str]) -> str:
    prefix, sep, local = step.rpartition(":")
    return f"{{{namespaces[prefix]}}}{local}" if sep else local


def read_xml(stream: IO[bytes], name: str, rules: list[RecordRule]) -> Iterator[Record]:
    """Yield one :class:`Record` per element matching a rule, in document order."""
    try:
        yield from _read_records(stream, name, rules)
    except etree.XMLSyntaxError as exc:
        raise InputError(name, _position(exc), syntax_problem(exc)) from None
    except _NameLengthError:
        problem = f"an element or attribute name longer than {MAX_KEY_CHARS:,} characters"
        raise InputError(name, None, problem) from None


def _read_records(stream: IO[bytes], name: str, rules: list[RecordRule]) -> Iterator[Record]:
    by_tag: dict[str, list[RecordRule]] = {}
    for rule in rules:
        by_tag.setdefault(rule.tag, []).append(rule)
    # The common rule, ``//name``, matches every element with its tag: no per-record test.
    anywhere = {tag: found[0].kind for tag, found in by_tag.items() if found[0].ancestors is None}

    def kind_of(element: etree._Element) -> str | None:
        return anywhere.get(element.tag) or _first_match(by_tag[element.tag], element)

    flattener = _Flattener(frozenset(by_tag))
    outside = _Outside(name, flattener)
    builder = _RecordBuilder(name, flattener, kind_of, outside)
    # Comments and PIs are reported too, to count those outside the root element: nothing
    # frees them, so a file of ever more of them would fill memory.
    watched = [*by_tag, etree.Comment, etree.PI]
    etree.clear_error_log()  # (this thread's: _first_error reads this document's errors)
    events = etree.iterparse(stream, events=_EVENTS, tag=watched, **_PARSER_OPTIONS)
    checked = False
    notes = 0  # comments and PIs outside the root element
    for event, element in events:
        if event != "end":  # a comment or PI: a record's are read with it
            if element.getparent() is None:
                notes += 1
                if notes > _OUTSIDE_NOTES:
                    raise InputError(name, _line(element), _TOO_MANY_NOTES)
                outside.note(element)
            continue
        if not checked:
            refuse_doctype(element.getroottree(), name)
            checked = True
        kind = kind_of(element)
        if kind is not None:
            yield builder.record(element, kind)
            builder.drop(element)
            if outside.full():
                yield outside.take()
    if not checked and events.root is not None:  # no record: still say what is wrong
        refuse_doctype(events.root.getroottree(), name)
    if events.root is not None:
        yield from outside.rest(events.root)
    if outside.held():
        yield outside.take()


class _NameLengthError(Exception):
    """A name longer than :data:`MAX_KEY_CHARS` (met where names are first looked up)."""


_EVENTS = ("end", "comment", "pi")
_OUTSIDE_NOTES = 1000
_TOO_MANY_NOTES = (
    f"more than {_OUTSIDE_NOTES:,} comments or processing instructions outside the root "
    "element; refused to keep memory bounded"
)


def _sourceline(element: etree._Element) -> int | None:
    line = element.sourceline  # lxml-stubs type it as Ellipsis; it is an int or None
    return line if isinstance(line, int) else None


def _line(element: etree._Element) -> str | None:
    line = _sourceline(element)
    return None if line is None else f"line {line}"


def _first_match(rules: list[RecordRule], element: etree._Element) -> str | None:
    return next((rule.kind for rule in rules if rule.matches(element)), None)


class _RecordBuilder:
    """Turns a record element into a :class:`Record` with its line and XPath.

    The XPath is exact: a step is numbered where its element is not the first of its name
    under its parent (``/school/klas[2]/leerling[1]``); a record step always is. Names are
    local names, as the steps are written: in a document mixing namespaces, ``p:g`` and
    ``q:g`` are both steps ``g``. What was parsed before a record is dropped to keep memory
    flat, so the elements dropped are counted by local name per parent, for the positions of the
    siblings that come after them.
    """

    def __init__(
        self,
        name: str,
        flattener: _Flattener,
        kind_of: Callable[[etree._Element], str | None],
        outside: _Outside | None = None,
    ) -> None:
        self.name = name
        self.flattener = flattener
        # reads what is dropped that is no record
        self.outside = outside if outside is not None else _Outside(name, flattener)
        # which elements with a record's tag are records (a rule may name their ancestors)
        self.kind_of = kind_of
        # The open elements above the records being read (the current parent and its
        # ancestors), each with its exact path. Only those: records come in runs under one
        # parent, and a dict of every parent ever seen would keep them all alive.
        self.chain: dict[etree._Element, str] = {}
        self.dropped: dict[str, dict[str, int]] = {}  # parent's path -> local name -> dropped
        self.here: dict[str, int] = {}  # those of the current parent
        self.last_parent: etree._Element | None = None
        # record tag -> its unnumbered step's path under the current parent, and its local name
        self.last_steps: dict[str, tuple[str, str]] = {}
        self.last_parent_pruned = False  # its ancestors' earlier siblings dropped: a plain parent
        # Records read inside an enclosing record and not dropped yet: at most one per open
        # parent and name.
        self.nested: set[etree._Element] = set()
        # open parent -> its children counted by local name up to the last one asked about:
        # the next count goes on from there, not from the parent's first child
        self.counted: dict[etree._Element, _ChildCounts] = {}

    def record(self, element: etree._Element, kind: str) -> Record:
        tag = element.tag
        parent = element.getparent()
        if parent is not self.last_parent:
            self._enter(parent)
        known = self.last_steps.get(tag)
        if known is None:
            parent_path = self.chain[parent] if parent is not None else ""
            local = self.flattener.local(tag)
            known = self.last_steps[tag] = (f"{parent_path}/{local}", local)
        step, local = known
        if self.last_parent_pruned and parent is not None:
            # Under this parent only the record before (cleared) and what came after it
            # precede this one: drop them, and the count of those dropped is its position.
            _drop_before(element, parent, self.here, self.outside)
            before = self.here.get(local, 0)
        else:
            before = self._count_before(element, step.rpartition("/")[0])
        fields: dict[str, list[str]] = {}
        self.flattener.flatten(element, "", fields)
        return Record(kind, fields, self.name, _sourceline(element), f"{step}[{before + 1}]")

    def drop(self, element: etree._Element) -> None:
        """Clear a record that was read, and drop what was parsed before it. Under the same
        parent as the record before, that was done when it was read: the ancestors' earlier
        siblings went with the first record under this parent. Under an enclosing record (at
        any depth) only the record itself goes: the enclosing one still needs its other
        children."""
        element.clear(keep_tail=True)  # type: ignore[call-arg]  # not in lxml-stubs
        parent = self.last_parent  # set by record(): this element's parent
        if self.last_parent_pruned or parent is None:
            return
        enclosing = element.iterancestors(*self.flattener.record_tags)
        if any(self.kind_of(above) is not None for above in enclosing):
            self._drop_nested(element, parent)
            return
        self.nested.clear()  # no enclosing record open: those read inside one went with it
        node = element
        while (above := node.getparent()) is not None:
            counts = self.dropped.setdefault(self.chain[above], {})
            _drop_before(node, above, counts, self.outside)
            # what was counted there is gone: the counts carry on from `dropped`, and a
            # remembered element would keep its whole dropped subtree alive
            self.counted.pop(above, None)
            node = above
        self.last_parent_pruned = True

    def _drop_nested(self, element: etree._Element, parent: etree._Element) -> None:
        """Inside an enclosing record, which needs its other children, drop the records read
        before this one under the same parent: cleared, they hold none of its fields. Not
        this one: its tail may not be parsed yet, and libxml2 would go on writing it into
        whatever precedes it (a wrong field, or a corrupted heap); theirs are complete, as
        is all of those under a parent that has ended since."""
        for earlier in list(self.nested):
            above = earlier.getparent()
            if above is not parent and above in self.chain:
                continue  # under a parent still open, where more may come after it
            counts = self.counted.get(parent)
            if above is parent and counts is not None and counts.last is earlier:
                continue  # where the next count under its parent goes on from
            self.nested.discard(earlier)
            if above is None:
                continue  # cleared with a record read since
            _keep_tail(earlier, above)
            above.remove(earlier)  # its parent is this one's, or has ended: all parsed
            if above is parent:  # counted for the positions of those after it
                name = self.flattener.local(earlier.tag)
                self.here[name] = self.here.get(name, 0) + 1
        self.nested.add(element)

    def _enter(self, parent: etree._Element | None) -> None:
        """Records under another parent: the exact paths of it and its ancestors (those known
        kept), and the counts of elements closed since forgotten."""
        self.last_parent = parent
        self.last_steps = {}
        self.last_parent_pruned = False
        fresh: list[etree._Element] = []  # the elements above not known yet, bottom up
        known = parent
        while known is not None and known not in self.chain:
            fresh.append(known)
            known = known.getparent()
        chain: dict[etree._Element, str] = {}
        if known is not None:  # the known chain from the root down to it (in that order)
            for node, node_path in self.chain.items():
                chain[node] = node_path
                if node is known:
                    break
        path = chain[known] if known is not None else ""
        for node in reversed(fresh):
            before = self._count_before(node, path)
            step = f"{path}/{self.flattener.local(node.tag)}"
            path = chain[node] = f"{step}[{before + 1}]" if before else step
        self.chain = chain
        still_open = {"", *chain.values()}
        self.dropped = {key: n for key, n in self.dropped.items() if key in still_open}
        self.here = self.dropped.setdefault(path, {})
        self.counted = {node: memo for node, memo in self.counted.items() if node in chain}

    def _count_before(self, node: etree._Element, parent_path: str) -> int:
        """How many elements of the node's local name precede it under its parent: those
        dropped, and those still there. Its parent's children are counted by name once, on
        from the last one asked about: under an enclosing record nothing is pruned, and
        counting from the first child each time — for each record, or each wrapper of a new
        name — would take the square of the parent's length."""
        parent = node.getparent()
        if parent is None:
            return 0  # the root
        local = self.flattener.local
        counts = self.counted.get(parent)
        before = None if counts is None else counts.before(node, local)
        if before is None:  # first asked here, or the last one counted is gone: from the start
            counts = self.counted[parent] = _ChildCounts(parent, self.dropped.get(parent_path))
            before = counts.before(node, local)
        return before or 0


class _ChildCounts:
    """The children of one open parent counted by local name, from its first (those dropped
    before it included) up to the last one asked about."""

    __slots__ = ("dropped", "last", "last_before", "names", "parent")

    def __init__(self, parent: etree._Element, dropped: dict[str, int] | None) -> None:
        self.parent = parent
        self.last: etree._Element | None = None
        self.last_before = 0
        # Those dropped before its first child still there, by name: looked up as a name is
        # first met, not copied (a parent whose records each sat in a wrapper of a new name
        # has as many names as records, and a copy for each would take the square of them).
        # What is dropped later was counted here already.
        self.dropped = dropped or {}
        self.names: dict[str, int] = {}

    def before(self, node: etree._Element, local: Callable[[str], str]) -> int | None:
        """How many of the node's local name precede it; None where it does not come after
        the last one counted (that one was removed since). Steps by ``getnext``: lxml's
        filtered sibling iterator takes time growing with the parent's children while
        parsing."""
        if node is self.last:  # asked again: a parent of records, itself a record
            return self.last_before
        names = self.names
        sibling = self.parent[0] if self.last is None else self.last.getnext()
        while sibling is not None:
            name = local(sibling.tag)  # "" for a comment or PI: no element's name
            seen = names.get(name)
            if seen is None:
                seen = self.dropped.get(name, 0)
            names[name] = seen + 1
            if sibling is node:
                self.last, self.last_before = node, seen
                return seen
            sibling = sibling.getnext()
        return None


def _keep_tail(element: etree._Element, parent: etree._Element) -> None:
    """Leave the text after an element in its parent before the element is removed (lxml's
    ``remove`` takes it along): text between two nested records is the enclosing record's."""
    tail = element.tail
    if not tail or tail.isspace():
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = f"{previous.tail or ''} {tail}"
    else:
        parent.text = f"{parent.text or ''} {tail}"


def _drop_before(
    node: etree._Element, parent: etree._Element, counts: dict[str, int], outside: _Outside
) -> None:
    """Delete the node's earlier siblings, each counted by local name (``counts``: its
    parent's) and read first if it holds anything outside the records."""
    local = outside.flattener.local
    while (first := parent[0]) is not node:
        name = local(first.tag)
        counts[name] = counts.get(name, 0) + 1
        outside.dropped(first, parent)
        del parent[0]


_READ_WHOLE = 64  # children an element left at the end may have to be read in one piece


class _Outside(OutsideValues):
    """What a document holds outside its records — the elements, text and comments around
    them, their ancestors' attributes — read as it is dropped (and what is left at the end),
    by path of local names from the root (``school/groepen/groep/naam``). A BSN in a group's
    name or a school's contact passed unexamined."""

    def __init__(self, name: str, flattener: _Flattener) -> None:
        super().__init__(name)
        self.flattener = flattener

    def dropped(self, element: etree._Element, parent: etree._Element) -> None:
        """Read an element, comment or PI about to be deleted from ``parent``, and the text
        after it (its parent's own); at once for a cleared record with blank text after it."""
        tail = element.tail
        if (
            element.text is None
            and not len(element)
            and (tail is None or tail.isspace())
            and not element.keys()
        ):
            return
        path = self._path(parent)
        fresh: dict[str, list[str]] = {}
        self._element(element, path, fresh)
        _add(fresh, path, tail)
        self.extend(fresh)

    def note(self, element: etree._Element) -> None:
        """A comment or PI outside the root element."""
        fresh: dict[str, list[str]] = {}
        _add(fresh, NOTE_PATHS.get(element.tag, NOTE_FIELDS[0]), element.text)
        self.extend(fresh)

    def rest(self, element: etree._Element, above: str = "") -> Iterator[Record]:
        """What is left of the document once read — the root and the elements above the last
        records (their attributes and text), and what came after those records — a record
        whenever one is full: an element with many children is read child by child."""
        local = self.flattener.local(element.tag)
        own = f"{above}/{local}" if above else local
        fresh: dict[str, list[str]] = {}
        if not above:  # the root's namespaces: a URI is the file's own words too
            for uri in element.nsmap.values():
                _add(fresh, f"{own}/namespace()", uri)
        _add(fresh, own, element.text)
        for attr, value in element.items():
            _add(fresh, f"{own}/@{self.flattener.local(str(attr))}", str(value))
        self.extend(fresh)
        for child in element:
            if isinstance(child.tag, str) and len(child) > _READ_WHOLE:
                yield from self.rest(child, own)
                fresh = {}
            else:
                fresh = {}
                self._element(child, own, fresh)
            _add(fresh, own, child.tail)
            self.extend(fresh)
            if self.full():
                yield self.take()

    def _element(self, element: etree._Element, above: str, fresh: dict[str, list[str]]) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # a comment or PI
            note = NOTE_PATHS.get(tag)
            if note is not None:
                _add(fresh, f"{above}/{note}" if above else note, element.text)
            return
        local = self.flattener.local(tag)
        own = f"{above}/{local}" if above else local
        added = _add(fresh, own, element.text)
        if len(element) or element.keys():
            self.flattener.flatten(element, own + "/", fresh, own, added)

    def _path(self, parent: etree._Element) -> str:
        """The parent's path of local names (not remembered: a dropped element kept alive
        would keep all it held)."""
        steps = [parent, *parent.iterancestors()]
        return "/".join(self.flattener.local(a.tag) for a in reversed(steps))


class _Flattener:
    """Flattens an element to ``path -> values`` with attribute paths as ``@name``."""

    def __init__(self, record_tags: frozenset[str]) -> None:
        self.record_tags = record_tags
        self.local_names: dict[str, str] = {}  # Clark tag -> local name
        # prefix -> (tag or attribute name -> field path): one lookup per node in the hot loop
        self._paths: dict[str, dict[str, str]] = {}

    def local(self, tag: str) -> str:
        name = self.local_names.get(tag)
        if name is None:
            if len(self.local_names) >= _CACHED_NAMES:  # a file of ever new names: start over
                self.local_names.clear()
            name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
            if len(name) > MAX_KEY_CHARS:
                raise _NameLengthError
            self.local_names[tag] = name
        return name

    def _path(self, paths: dict[str, str], prefix: str, name: str, attribute: bool) -> str:
        """The field path of a child element or attribute; cached under the name as looked up
        (attributes with a leading '@', so an attribute and an element never share an entry)."""
        local = self.local(name)
        if len(paths) >= _CACHED_NAMES:  # ever new field names under one prefix: start over
            paths.clear()
        if attribute:
            markup = MARKUP_PREFIXES.get(name[1:].partition("}")[0]) if name[:1] == "{" else None
            path = paths["@" + name] = f"{prefix}@{markup or ''}{local}"
        else:
            path = paths[name] = f"{prefix}{local}"
        return path

    def flatten(
        self,
        element: etree._Element,
        prefix: str,
        fields: dict[str, list[str]],
        own: str = RECORD_TEXT,
        run: bool = False,
    ) -> None:
        """Add the element's attributes and children to ``fields`` under ``prefix`` ("" for the
        record itself); ``own`` is the path of the element's own text between its children
        (mixed content: ``<a>5<b/>B</a>`` gives ``a`` both 5 and B) — for the record, its text
        anywhere, before its first child too, under :data:`RECORD_TEXT`. Comments and
        processing instructions are values of their own (:data:`NOTE_PATHS`), and the text
        around one is one value, as if it were not there (``111<!--x-->222333``); ``run`` says
        whether the last value of ``own`` is the text just before the first child."""
        if not prefix:
            run = _add(fields, own, element.text)
        paths = self._paths.get(prefix)
        if paths is None:
            if len(self._paths) >= _CACHED_NAMES:
                self._paths.clear()
            paths = self._paths[prefix] = {}
        for attr, value in element.items():
            key = str(attr)
            path = paths.get("@" + key) or self._path(paths, prefix, key, attribute=True)
            _add(fields, path, str(value))
        found_in = fields.get
        for child in element:  # elements, comments and processing instructions
            tag = child.tag
            if tag.__class__ is not str:
                run = _add_note(child, fields, prefix, own, run)
                continue
            path = paths.get(tag) or self._path(paths, prefix, tag, attribute=False)
            # _add inlined: this loop runs for every child of every record
            text = child.text
            if text and (text := text.strip()):
                found = found_in(path)
                if found is None:
                    fields[path] = [text]
                else:
                    found.append(text)
                text_added = True
            else:
                text_added = False
            # (a nested record, read before its enclosing one ends, was cleared: no children,
            # no attributes, nothing to add here; the text after it is its parent's)
            if len(child) or child.keys():
                self.flatten(child, path + "/", fields, path, text_added)
            tail = child.tail  # indentation, nearly always: no strip, no call
            run = tail is not None and not tail.isspace() and _add(fields, own, tail)


def _add(fields: dict[str, list[str]], path: str, text: str | None) -> bool:
    """The text, stripped, as a value of the path (none for white space); whether it was."""
    if text and (text := text.strip()):
        found = fields.get(path)
        if found is None:
            fields[path] = [text]
        else:
            found.append(text)
        return True
    return False


def _add_note(
    note: etree._Element, fields: dict[str, list[str]], prefix: str, own: str, run: bool
) -> bool:
    """A comment or PI among an element's children: its text a value of its own, and the text
    around it one value of the element's (``run``: whether the text before it was added)."""
    path = NOTE_PATHS.get(note.tag)
    if path is not None:
        _add(fields, prefix + path, note.text)
    if run:
        _go_on(fields, own, note.tail)
        return True
    return _add(fields, own, note.tail)


def _go_on(fields: dict[str, list[str]], path: str, text: str | None) -> None:
    """Text that goes on from the path's last value, a comment or PI between the two."""
    if text and not text.isspace():
        fields[path][-1] += text.rstrip()


def discover_rules(stream: IO[bytes], name: str) -> list[RecordRule]:
    """Find the records of an XML file without a profile: the most repeated structured sibling.

    Reads at most the first MiB. A structured element (with child elements or attributes) that
    repeats under the same parent is a record; of those, one that carries a pseudonym (an
    element or attribute within it named like the ECK iD: a pupil, not the results listed
    under each pupil) wins, then the most frequent (parent, tag), then the shallower one on a
    tie (the pupil, not its block of identifiers).
    """
    counts: dict[tuple[tuple[str, ...], str], int] = {}
    carriers: set[tuple[tuple[str, ...], str]] = set()  # those seen with a pseudonym
    etree.clear_error_log()
    parser = etree.XMLPullParser(events=("end",), **_PARSER_OPTIONS)
    seen, ended = 0, False
    try:
        while seen < _DISCOVERY_BYTES and not ended:
            chunk = stream.read(1 << 16)
            seen += len(chunk)
            if chunk:
                parser.feed(chunk)
            else:  # the whole file was read: a cut-off document is a syntax error, not
                ended = True  # a file without repeated records
                parser.close()
            for _, element in parser.read_events():
                if not isinstance(element, etree._Element):
                    continue
                if not counts:
                    refuse_doctype(element.getroottree(), name)
                if len(element) or element.attrib:
                    ancestors = tuple(a.tag for a in element.iterancestors())
                    key = (tuple(reversed(ancestors)), element.tag)
                    counts[key] = counts.get(key, 0) + 1
                    if key not in carriers and _carries_a_pseudonym(element):
                        carriers.add(key)
    except etree.XMLSyntaxError as exc:
        raise InputError(name, _position(exc), syntax_problem(exc)) from None
    repeated = [
        ((a, t) in carriers, n, -len(a), a, t) for (a, t), n in counts.items() if n > 1 and a
    ]
    if not repeated:
        raise InputError(name, None, "no repeated record elements found; use a profile")
    *_, ancestors, tag = max(repeated)
    ancestors, tag = _holder_of_identifiers(ancestors, tag, carriers, counts)
    local = tag.rpartition("}")[2]
    return [RecordRule(local, tag, ancestors)]


# Elements named for a block of identifiers (<identificaties><identificatie>, <ids><id>):
# repeated within a pupil when it has several (one per chain), so more frequent than pupils
_IDENTIFIER_BLOCK = re.compile(
    r"(?:identificatie|identifier|identiteit|identity|pseudoniem|pseudonym|eckid|ketenid|"
    r"sleutel|koppeling|externalid|userid|id)s?|ids|identificaties|identiteiten|sleutels",
)


def _holder_of_identifiers(
    ancestors: tuple[str, ...],
    tag: str,
    carriers: set[tuple[tuple[str, ...], str]],
    counts: dict[tuple[tuple[str, ...], str], int],
) -> tuple[tuple[str, ...], str]:
    """The record for a block of identifiers taken for one: its nearest repeated ancestor that
    carries a pseudonym too (the pupil, whose name then stands beside its ECK iDs), else the
    block itself."""
    if not any(map(_names_identifiers, (tag, *ancestors[-1:]))):
        return ancestors, tag
    for depth in range(len(ancestors) - 1, 0, -1):
        outer = (ancestors[:depth], ancestors[depth])
        if _names_identifiers(outer[1]):
            continue  # <identificaties> around the <identificatie>s: the block's, too
        if outer in carriers and counts.get(outer, 0) > 1:
            return outer
    return ancestors, tag


def _names_identifiers(tag: str) -> bool:
    local = tag.rpartition("}")[2].lower().replace("_", "").replace("-", "")
    return _IDENTIFIER_BLOCK.fullmatch(local) is not None


def _carries_a_pseudonym(element: etree._Element) -> bool:
    """Whether an element within it, or an attribute of one, is named like the pseudonym
    (eckId, ketenId): a pupil's, also where it sits in a block of identifiers
    (``<leerling><identificatie><eckId>``)."""
    names = list(map(str, element.attrib))
    for inner in element.iterdescendants():
        if isinstance(inner.tag, str):
            names += [inner.tag, *map(str, inner.attrib)]
    return any(names_pseudonym(n.rpartition("}")[2]) for n in names)


def _position(exc: etree.XMLSyntaxError) -> str:
    first = _first_error(exc)
    line, column = (first.line, first.column) if first is not None else exc.position
    return f"line {line} column {column}"


def _first_error(exc: etree.XMLSyntaxError) -> Any:
    """The error libxml2 logged last with a line, where the exception itself has none:
    iterparse ends an undefined entity's document with 'line 0: no element found', the
    entity's own error, with its line, in the log before it (the log is the thread's, cleared
    when a document's parse starts)."""
    if exc.position[0] > 0:
        return None
    placed = [entry for entry in exc.error_log if entry.line > 0]  # type: ignore[attr-defined]
    return placed[-1] if placed else None  # iterable; not in lxml-stubs


def refuse_doctype(tree: etree._ElementTree, name: str) -> None:
    """Refuse a document whose DOCTYPE declares entities or names an external DTD (which may
    declare them); element and attribute declarations alone change no value here."""
    info = tree.docinfo
    if info.system_url or info.public_id:  # type: ignore[attr-defined]  # not in lxml-stubs
        problem = "refers to an external DTD, which is never loaded; remove the DOCTYPE"
        raise InputError(name, "line 1", problem)
    dtd = info.internalDTD
    if dtd is not None and dtd.entities():  # type: ignore[attr-defined]  # not in lxml-stubs
        problem = (
            "declares entities, which are never expanded (XXE, entity bombs), so the values "
            "behind them could not be checked; remove the DOCTYPE"
        )
        raise InputError(name, "line 1", problem)


def syntax_problem(exc: etree.XMLSyntaxError, what: str = "XML") -> str:
    """libxml2's message in our words where it names a limit; never the input itself (the
    names it quotes redacted)."""
    first = _first_error(exc)
    said = first.message if first is not None else exc.msg
    message = parser_words((said or "malformed").split(", line ")[0]) or "malformed"
    message = _names_redacted(message)
    if message.startswith("Excessive depth"):
        return "elements nested deeper than 256 levels; refused to keep memory bounded"
    if "huge text node" in message or "too long" in message.lower():
        return "a text or attribute value longer than 10 MB; refused to keep memory bounded"
    if "amplification" in message.lower():
        return "entities expand to far more than the file holds (an entity bomb); refused"
    return f"malformed {what}: {message}"


# libxml2 quotes names it read — of an element, attribute, namespace prefix or entity, a
# namespace URI — and those are the file's own words: a hostile or careless file may put a
# BSN or an e-mail address there. Each follows one of these words in its messages and is shown
# redacted, as any value is; so is any other word that looks like data (five digits in a row,
# or an "@").
_NAMED = re.compile(
    r"(tag mismatch: |line \d+ and |Namespace prefix | for attribute | for | on |Attribute "
    r"|Entity |in tag |Start Tag |xmlns: |encoding: |encoding |PI |xmlns:(?=[^\s:]+: ))"
    r"('[^']*'|[^\s,:]+|[^\s,]+)"
)
_DATA_LIKE = re.compile(r"\S*(?:\d{5}|@)\S*")


def _names_redacted(message: str) -> str:
    message = _NAMED.sub(lambda found: found.group(1) + redact(found.group(2)), message)
    return _DATA_LIKE.sub(lambda found: redact(found.group()), message)
