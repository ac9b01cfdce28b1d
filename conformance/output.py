"""Writing outputs atomically: all or nothing, never a half-written report or bundle.

What a report's path names decides how it is written:

* a regular file, or nothing yet: into a temporary file beside it, then renamed over it, so a
  reader sees the previous report or the new one, never half of one;
* a symbolic link: followed; the file it points to is replaced that way and the link stays;
* anything else that exists (a FIFO, a character device such as /dev/null or /dev/stdout):
  written to directly, never renamed over (that would put a regular file in its place). A
  stream holds no previous report that a half write could spoil; a write error there (ENOSPC
  on /dev/full, a closed pipe) is still one clear line and exit code 2.

No two reports may name one file and no report may name an input of its run: the later would
silently replace the earlier. ``refuse_clashes`` says so before a run, ``write_all`` before it
writes anything.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from conformance.model.errors import UserError

# an existing file by device and inode (whatever the spelling or link), a new one by its
# resolved path; None: a stream, which takes one report after another and loses none
_Identity = tuple[int, int] | str | None


def output_path(text: str) -> Path:
    """An output option's value (argparse ``type=``): an empty one is refused, as Path("")
    would quietly be the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no file or folder")
    return Path(text)


def refuse_clashes(named: Mapping[str, Path | None], inputs: Iterable[str] = ()) -> None:
    """Before anything is written: no two outputs (option -> path) name one file, and none
    names an existing input file of the run (database URLs and missing files are no file)."""
    seen: dict[_Identity, str] = {}
    for option, target in named.items():
        key = None if target is None else _identity(target)
        if key is None:
            continue
        if key in seen:
            problem = f"{seen[key]} and {option} name the same file; each needs its own"
            raise UserError(str(target), None, problem)
        seen[key] = option
    for source in inputs:
        key = _identity(Path(source)) if Path(source).is_file() else None
        if key is not None and key in seen:
            problem = f"{seen[key]} names an input of this run; it would be overwritten"
            raise UserError(source, None, problem)


def _identity(path: Path) -> _Identity:
    if _own_descriptor(path) is not None:
        return None  # the process's own output: a stream, whatever it was redirected to
    try:
        info = path.stat()
    except OSError:  # not there (yet), or not reachable: writing it will say which
        return os.path.realpath(path)
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def write_all(outputs: Mapping[Path, bytes]) -> None:
    """Write every file where its path says (see the module's docstring). On failure no
    regular file is replaced and no temporary file is left; a stream cannot be taken back,
    so streams are written after every regular file is staged and before any is renamed."""
    refuse_clashes({str(target): target for target in outputs})
    # a stream: what has no identity as a file (a descriptor of ours, a FIFO, a device)
    streams = {target: data for target, data in outputs.items() if _identity(target) is None}
    staged: list[tuple[str, Path, Path]] = []  # (temporary file, the file it replaces, as given)
    try:
        for target, data in outputs.items():
            if target not in streams:
                staged.append((*_stage(target, data), target))
        for target, data in streams.items():
            _write_stream(target, data)
        for temporary, real, target in staged:
            with _writing(target):
                Path(temporary).replace(real)
    except BaseException:
        for temporary, _, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """An OS error as one line naming the path the user gave (not a temporary file's)."""
    try:
        yield
    except OSError as exc:
        raise UserError(str(target), None, f"cannot write: {exc.strerror or exc}") from None


# The process's own descriptors by name: /dev/stdout is a link to /proc/self/fd/1, which
# resolves to the file stdout was redirected to; opened or renamed over by that name, the
# file (`>> log.txt`) would be cut or replaced. Written through the descriptor, it is appended
# to as the shell meant.
_DESCRIPTOR = re.compile(
    r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/(self|thread-self|\d+)/fd/(\d+)"
)
_LINK_HOPS = 40  # as the kernel's own limit on a chain of symbolic links


def _own_descriptor(target: Path) -> int | None:
    """The descriptor of this process a path names, by its spelling or through a chain of
    symbolic links to one (``out/report -> /dev/stdout``, ``/dev/../dev/stdout``); None for
    any other path."""
    # normpath, not resolve(): the links are followed here, one at a time, to see each name
    path = os.path.normpath(Path(target).absolute())
    for _ in range(_LINK_HOPS):
        found = _DESCRIPTOR.fullmatch(path)
        if found is not None:
            return _descriptor_of(found)
        try:
            link = Path(path).readlink()
        except OSError:  # not a link, or not there: a file of its own
            return None
        path = os.path.normpath(Path(path).parent / link)
    return None


def _descriptor_of(found: re.Match[str]) -> int | None:
    stdout, stderr, fd, process, proc_fd = found.groups()
    if process is not None and process.isdecimal() and int(process) != os.getpid():
        return None  # another process's descriptor: not ours to write through
    return 1 if stdout else 2 if stderr else int(fd or proc_fd)


def _stage(target: Path, data: bytes) -> tuple[str, Path]:
    """The data in a temporary file beside the file the target names, and that file (resolved
    once: the rename goes where the data was staged, even if a link changes meanwhile)."""
    real = Path(os.path.realpath(target))  # a symbolic link stays; its file is replaced
    if not real.parent.is_dir():
        raise UserError(str(target), None, "cannot write: its folder does not exist")
    with _writing(target):
        fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with _writing(target), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary, real


def _write_stream(target: Path, data: bytes) -> None:
    descriptor = _own_descriptor(target)
    if descriptor is not None:
        with _writing(target):
            sys.stdout.flush()  # what was printed before the report stays before it
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        return
    # no O_CREAT: a stream gone since it was looked at is an error, never a file made here
    # without a rename; a FIFO waits for its reader here, as a shell's `>` does
    with _writing(target), os.fdopen(os.open(target, os.O_WRONLY), "wb") as handle:
        handle.write(data)


def write_bundle(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write a report bundle as one: every file into a fresh sibling folder, then that folder
    swapped in for ``folder`` by renames. An interrupted or failed run leaves the previous
    bundle whole (or none), never a mix of old and new reports. ``folder`` is only replaced
    when it holds nothing but a bundle; a symbolic link to a folder stays, the folder it points
    to is swapped."""
    if folder.is_symlink():
        folder = Path(os.path.realpath(folder))
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
