"""Errors the user can fix (exit code 2). Their text never contains a raw personal value."""

from __future__ import annotations


class UserError(Exception):
    """Bad usage, configuration or input: one clear line, exit code 2, never a traceback."""

    def __init__(self, source: str, position: str | None, problem: str) -> None:
        self.source = source
        self.position = position
        self.problem = problem
        where = f"{source}:{position}" if position else source
        super().__init__(f"{where}: {problem}")


class InputError(UserError):
    """An input file cannot be read: missing, malformed, truncated, wrongly encoded."""


class ProfileError(UserError):
    """A profile is invalid; ``position`` is the JSON path of the offending entry."""
