"""Files and folders: walking a tree the same way everywhere, and writing files so that a
crash, a full disk or a kill leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from tipweek.errors import LibraryError


class FileStat(NamedTuple):
    path: str
    mtime_ns: int
    size: int  # -1 when the file cannot be looked at (a dangling link, a file that vanished)


class Listing(NamedTuple):
    """One folder's visible contents, each list sorted by name."""

    folder: str
    folders: list[str]
    files: list[FileStat]


def list_visible(folder: str, suffix: str = "") -> Listing:
    """The entries of one folder whose names do not start with a dot: real folders (a link to
    a folder counts as a file, so no walk ever loops) and files ending in `suffix`."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        entries = []
    listing = Listing(folder, [], [])
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                listing.folders.append(entry.path)
                continue
            if not entry.name.endswith(suffix):
                continue
            st = entry.stat()
            listing.files.append(FileStat(entry.path, st.st_mtime_ns, st.st_size))
        except OSError:
            # Reported by whoever reads the file, when it matters.
            listing.files.append(FileStat(entry.path, 0, -1))
    return listing


Known = Callable[[str], Sequence[str] | None]


def walk_visible(root: Path | str, suffix: str = "", *, known: Known | None = None) -> Iterator[Listing]:
    """Every visible folder below `root` (itself included), parents before children, in name
    order. `known(folder)` may return the subfolders a folder is known to have: it is then
    not listed again, only descended into (the index skips folders that have not changed)."""
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        subfolders = known(folder) if known else None
        if subfolders is None:
            listing = list_visible(folder, suffix)
            yield listing
            subfolders = listing.folders
        stack.extend(reversed(subfolders))


def atomic_write(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to a hidden temporary file beside `path`, then move it into place.

    Without `overwrite`, an existing `path` is never replaced (checked atomically with a hard
    link where the file system has them).
    """
    path = Path(path)
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise LibraryError(f"cannot write {path}: {blocker} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    except FileExistsError:
        raise LibraryError(f"{path} already exists", hint="use --force to overwrite it") from None
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _place_new(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network and FAT file systems): a best-effort check.
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
