"""Writing outputs atomically: all or nothing, never a half-written report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from conformance.model.errors import UserError


def write_all(outputs: Mapping[Path, bytes]) -> None:
    """Write every file via a temporary file and a rename; on failure, leave none behind."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in outputs.items():
            staged.append((_stage(target, data), target))
        for temporary, target in staged:
            Path(temporary).replace(target)
    except OSError as exc:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        name = exc.filename or next(iter(outputs), "output")
        raise UserError(str(name), None, f"cannot write: {exc.strerror}") from None


def _stage(target: Path, data: bytes) -> str:
    directory = target.parent if str(target.parent) else Path()
    if not directory.is_dir():
        raise UserError(str(target), None, "cannot write: its folder does not exist")
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
