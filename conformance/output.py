"""Writing outputs atomically: all or nothing, never a half-written report or bundle."""

from __future__ import annotations

import os
import shutil
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


def write_bundle(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write a report bundle as one: every file into a fresh sibling folder, then that folder
    swapped in for ``folder`` by renames. An interrupted or failed run leaves the previous
    bundle whole (or none), never a mix of old and new reports. ``folder`` is only replaced
    when it holds nothing but a bundle."""
    if folder.is_dir() and {p.name for p in folder.iterdir()} - set(files):
        # a folder holding more than a bundle is never swapped out (its other files would go):
        # each report is replaced on its own, still all or nothing as far as renames allow
        write_all({folder / name: data for name, data in files.items()})
        return
    parent = folder.parent if str(folder.parent) else Path()
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".new", dir=parent))
    except OSError as exc:
        raise UserError(str(folder), None, f"cannot write: {exc.strerror}") from None
    try:
        write_all({staging / name: data for name, data in files.items()})
        _swap(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(str(folder), None, "cannot write: not a folder")
    retired = None
    if folder.exists():
        retired = Path(
            tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent)
        )
        folder.replace(retired / folder.name)
    try:
        staging.replace(folder)
    except OSError as exc:
        if retired is not None:  # put the previous bundle back
            (retired / folder.name).replace(folder)
        raise UserError(str(folder), None, f"cannot write: {exc.strerror}") from None
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
