"""Checks: one module per requirement family; each check a small registered class.

Importing this package registers the built-in checks; :func:`load_plugins` registers third-party
checks from the ``conformance.checks`` entry point group through the same decorator.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from conformance.checks import (  # noqa: F401  (registration)
    linkage,
    minimisation,
    naw,
    pseudonym,
    reidentification,
    separation,
    transport,
)
from conformance.checks.base import DOCS, REGISTRY, Check, document, register
from conformance.checks.context import CheckContext
from conformance.model.requirements import CheckDoc

__all__ = [
    "DOCS",
    "REGISTRY",
    "Check",
    "CheckContext",
    "CheckDoc",
    "document",
    "load_plugins",
    "register",
]


def load_plugins() -> None:
    """Import every module that registers checks through the ``conformance.checks`` group."""
    for entry in entry_points(group="conformance.checks"):
        entry.load()
