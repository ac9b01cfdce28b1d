"""The check protocol and its registry.

A check is a small class registered with ``@register``: the engine creates one per run, shows it
every record (``visit``, or ``visit_window`` for a run of records of one kind), then asks for
its findings (``finish``). Checks abstain from records outside their scope, count what they
``examined`` (0 means not applicable), and never format personal data: evidence goes through
:mod:`conformance.detect.redact` before it is stored.
Third-party checks register through the same decorator (entry point group
``conformance.checks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar, TypeVar

from conformance.checks.context import CheckContext
from conformance.checks.tally import Tally
from conformance.model.findings import Finding
from conformance.model.records import Record, RecordWindow
from conformance.model.requirements import CATALOGUE, CheckDoc
from conformance.model.spec import SpecModel
from conformance.model.storage import StorageModel

Progress = Callable[[str, float, float], None]  # (what, share done, seconds) -> None


class Check:
    """Base class: subclasses set ``requirement`` and ``doc`` and override what they need."""

    requirement: ClassVar[str]
    doc: ClassVar[CheckDoc]
    evidence: ClassVar[frozenset[str]] = frozenset({"export"})
    # Said when the inputs held nothing this check looks at.
    nothing_examined: ClassVar[str] = "the inputs hold no records this requirement applies to"

    def why_nothing_examined(self) -> str:
        """Why the check examined nothing (its verdict is not applicable)."""
        return self.nothing_examined

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "visit" in cls.__dict__ and "visit_window" not in cls.__dict__:
            # A subclass that changes visit (a plugin refining a shipped check) must be
            # visited record by record, not through the parent's column shortcut.
            cls.visit_window = Check.visit_window  # type: ignore[method-assign]

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.examined = 0
        self.tally = Tally(self.requirement)

    def not_applicable(self) -> str | None:
        """Why this check has nothing to examine under this profile and purpose, if so."""
        return None

    def start_input(self, name: str) -> None:
        """Called before the first record of every input."""

    def visit(self, record: Record) -> None:
        """Look at one record; note what is wrong in ``self.tally``."""

    def visit_window(self, window: RecordWindow) -> None:
        """Look at consecutive records of one kind (grouped by shape in ``window.batches``).
        Checks whose per-record work can be done per shape and per column override this; the
        result must equal visiting each record in order, which is what this default does."""
        if type(self).visit is Check.visit:
            return  # nothing to see per record (a storage or spec check): make no records
        for record in window.records:
            self.visit(record)

    def inspect_spec(self, spec: SpecModel) -> None:
        """Look at an interface spec as a whole (servers, URL parameters)."""

    def examine(self, model: StorageModel) -> None:
        """Look at a storage schema (checks whose evidence is ddl or database)."""

    def deepen(self, budget_seconds: float, progress: Progress | None) -> None:
        """Optional slow work after all records (``check --deep``), within a time budget."""

    def finish(self) -> Iterable[Finding]:
        """The findings, once every record has been seen."""
        return ()


REGISTRY: dict[str, type[Check]] = {}
# Requirements verified outside the per-record pipeline (a verb of their own, e.g. LNK-004 by
# `conformance link`) document themselves here, so every requirement has its page.
DOCS: dict[str, CheckDoc] = {}


def document(rid: str, doc: CheckDoc) -> CheckDoc:
    if rid not in CATALOGUE:
        raise ValueError(f"documentation for unknown requirement {rid}")
    DOCS[rid] = doc
    return doc


C = TypeVar("C", bound=type[Check])


def register(cls: C) -> C:
    """Register a check class under its requirement ID (one check per requirement)."""
    rid = cls.requirement
    if rid not in CATALOGUE:
        raise ValueError(f"check {cls.__name__} names unknown requirement {rid}")
    if rid in REGISTRY and REGISTRY[rid] is not cls:
        raise ValueError(f"requirement {rid} already has a check: {REGISTRY[rid].__name__}")
    REGISTRY[rid] = cls
    return cls
