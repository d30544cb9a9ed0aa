"""Files and folders: walking a tree the same way everywhere, and reading a file with a bound
on the bytes and on the wait (only regular files; never a pipe or a device). Writing is
`safewrite`'s.

Only `os`, `stat` and `errno` are imported: the fast route lists a changed folder and reads
an edited tip file with this module (no `pathlib`, no `typing`)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


class FileStat:
    """A file's path, modification time and size (-1 when the file cannot be looked at: a
    dangling link, a file that vanished)."""

    __slots__ = ("mtime_ns", "path", "size")

    def __init__(self, path: str, mtime_ns: int, size: int) -> None:
        self.path, self.mtime_ns, self.size = path, mtime_ns, size


class Listing:
    """One folder's visible contents, each list sorted by name."""

    __slots__ = ("files", "folder", "folders")

    def __init__(self, folder: str, folders: list[str], files: list[FileStat]) -> None:
        self.folder, self.folders, self.files = folder, folders, files


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


# --- bounded reading ------------------------------------------------------------------------

_KINDS = {
    stat.S_IFDIR: "folder",
    stat.S_IFIFO: "named pipe",
    stat.S_IFCHR: "device",
    stat.S_IFBLK: "device",
    stat.S_IFSOCK: "socket",
}
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 16


class NotRegularFile(Exception):
    """A path that must not be read as a file: a folder, pipe, device or socket, or a link
    that leads out of the folder it must stay in. `kind` names it ("named pipe", "link")."""

    def __init__(self, kind: str, message: str = "") -> None:
        super().__init__(message or f"is a {kind}, not a regular file")
        self.kind = kind


class TooLarge(Exception):
    """A file over the limit; `size` is what `stat` said (a lower bound when it lied)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:g} MB)")
        self.size = size
        self.limit = limit


def inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it (both already real, absolute paths)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _open_for_reading(path: str, root: str | None) -> int:
    """Open without blocking (a FIFO opens at once); inside a library, a link is followed only
    when its real path stays inside the library."""
    if root is None:
        return os.open(path, _READ_FLAGS)
    try:
        return os.open(path, _READ_FLAGS | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK) or not os.path.islink(path):
            raise
    real = os.path.realpath(path)
    if not inside(real, os.path.realpath(root)):
        raise NotRegularFile("link", "is a link to a file outside the library") from None
    return os.open(real, _READ_FLAGS)


def read_limited_stat(
    path: str | Path, limit: int, *, root: str | Path | None = None
) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and its `fstat`, never more than `limit` bytes whatever `stat`
    says (`/proc` files say 0): one open, one fstat and, for a file whose size is right, one
    read. Raises `NotRegularFile`, `TooLarge` or `OSError`."""
    fd = _open_for_reading(os.fspath(path), None if root is None else os.fspath(root))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(_KINDS.get(stat.S_IFMT(st.st_mode), "special file"))
        if st.st_size > limit:
            raise TooLarge(st.st_size, limit)
        wanted = st.st_size + 1
        data = os.read(fd, wanted)
        if len(data) == wanted:  # bigger than `stat` said: read on, up to the limit
            parts = [data]
            total = len(data)
            while total <= limit:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
            data = b"".join(parts)
            if len(data) > limit:
                raise TooLarge(max(st.st_size, len(data)), limit)
        return data, st
    finally:
        os.close(fd)


def read_limited(path: str | Path, limit: int, *, root: str | Path | None = None) -> bytes:
    """`read_limited_stat` without the stat."""
    return read_limited_stat(path, limit, root=root)[0]
