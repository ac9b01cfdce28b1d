"""Which requirements a run reports on: ``--select`` and ``--ignore`` by family (``NAW``) or ID
prefix (``PSN-002``), as ruff selects rules by code prefix."""

from __future__ import annotations

from dataclasses import dataclass

from conformance.model.errors import UserError
from conformance.model.requirements import CATALOGUE


@dataclass(frozen=True, slots=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def parse(cls, select: str | None, ignore: str | None) -> Selection:
        """From the command line's comma-separated lists; a prefix that names no requirement
        is a typo and an error, never a silently empty run."""
        return cls(_prefixes(select, "--select"), _prefixes(ignore, "--ignore"))

    @property
    def active(self) -> bool:
        return bool(self.select or self.ignore)

    def wants(self, rid: str) -> bool:
        if self.select and not rid.startswith(self.select):
            return False
        return not (self.ignore and rid.startswith(self.ignore))

    def describe(self) -> str:
        parts = [f"--select {','.join(self.select)}"] if self.select else []
        return " ".join(parts + ([f"--ignore {','.join(self.ignore)}"] if self.ignore else []))


def _prefixes(text: str | None, option: str) -> tuple[str, ...]:
    items = tuple(p.strip().upper() for p in (text or "").split(",") if p.strip())
    for prefix in items:
        if not any(rid.startswith(prefix) for rid in CATALOGUE):
            families = ", ".join(sorted({rid.split("-")[0] for rid in CATALOGUE}))
            raise UserError(option, None, f"{prefix} names no requirement (families: {families})")
    return items
