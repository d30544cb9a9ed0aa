"""Finding what changed on disk since the index last looked, cheaply enough for every command.

Each folder's row in `dirs` keeps its modification time and a *signature* of its tip files
(names, inodes, times and sizes). A folder whose time changed (a file added, removed, renamed, or
saved by atomic replace, as most editors and git do) is listed again at any library size.
A file rewritten in place changes only its own time, so the files' times are compared too:
every folder's, when the library has up to `FULL_CHECK` files (an edit is seen by the very
next command), otherwise folders holding about `CHECK_BUDGET` files per command, in turn.

Only `os`, `sqlite3` and `zlib` are imported: this runs before every command, and when nothing
changed it is all that runs (`sync` applies changes).
"""

from __future__ import annotations

import os
import sqlite3
import zlib

FULL_CHECK = 10_000  # up to this many files, every command compares every file's time
CHECK_BUDGET = 2_500  # above that, each command compares the folders holding about this many
SUFFIX = ".toml"


class Look:
    """What one folder looks like now: its subfolders and the signature of its tip files."""

    __slots__ = ("files", "folder", "layer", "mtime_ns", "sig", "subdirs")

    def __init__(self, folder: str, layer: int, mtime_ns: int) -> None:
        self.folder, self.layer, self.mtime_ns = folder, layer, mtime_ns
        self.subdirs: list[str] = []
        self.sig = 0
        self.files = 0

    def row(self) -> tuple[str, int, int, int, int, str]:
        return (self.folder, self.layer, self.mtime_ns, self.sig, self.files, "\x00".join(self.subdirs))


class Found:
    """The folders to list again (`changed`), every folder's current row, and folders gone."""

    __slots__ = ("changed", "gone", "looks")

    def __init__(self) -> None:
        self.changed: list[Look] = []
        self.looks: list[Look] = []
        self.gone: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.changed or self.gone)


def look(folder: str, layer: int, mtime_ns: int) -> Look:
    """List one folder: visible subfolders (a link to a folder is not followed) and the
    signature of its visible `*.toml` files, which changes when any of them is edited."""
    seen = Look(folder, layer, mtime_ns)
    if os.stat not in os.supports_dir_fd or os.scandir not in os.supports_fd:  # Windows
        seen.sig = _sign(folder, None, seen) % (1 << 63)
    else:
        try:
            # Listed through a descriptor, each file is looked at by name in it (no path walk).
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return seen
        try:
            seen.sig = _sign(folder, fd, seen) % (1 << 63)
        finally:
            os.close(fd)
    seen.subdirs.sort()
    return seen


def _sign(folder: str, fd: int | None, seen: Look) -> int:
    """A sum of a hash of each tip file's inode, time and size, plus a checksum of their names;
    notes subfolders and the count. This is the loop every command runs over every file (up
    to `FULL_CHECK`): one `stat` each, and as little Python around it as will do."""
    try:
        entries = os.scandir(folder if fd is None else fd)
    except OSError:
        return 0
    stat = os.stat
    names: list[str] = []
    sig = 0
    with entries:
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    seen.subdirs.append(os.path.join(folder, name))
                    continue
                if not name.endswith(SUFFIX):
                    continue
                # DirEntry.stat is free on Windows; elsewhere it is a stat by path.
                st = entry.stat() if fd is None else stat(name, dir_fd=fd)
                # hash() of a tuple of ints is the same in every process (str hashing is salted).
                sig += hash((st.st_ino, st.st_mtime_ns, st.st_size))
            except OSError:
                sig += hash((0, 0, -1))
            names.append(name)
    seen.files = len(names)
    # The names once per folder, not per file (a new order only means one more listing).
    return sig + zlib.crc32("\x00".join(names).encode("utf-8", "surrogateescape"))


def _to_check(db: sqlite3.Connection, known: dict[str, sqlite3.Row], full: bool) -> set[str] | None:
    """The folders whose files are compared this time; None for all of them."""
    total = sum(row["files"] for row in known.values())
    if full or total <= FULL_CHECK:
        return None
    order = sorted(known, key=lambda path: known[path]["id"])
    row = db.execute("SELECT value FROM meta WHERE key = 'next_dir'").fetchone()
    start = int(row[0]) % len(order) if row and isinstance(row[0], int) else 0
    chosen: set[str] = set()
    files = 0
    at = start
    while files < CHECK_BUDGET and len(chosen) < len(order):
        chosen.add(order[at])
        files += known[order[at]]["files"]
        at = (at + 1) % len(order)
    from tipweek.index.schema import without_waiting

    with without_waiting(db):
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('next_dir', ?)", (at,))
    return chosen


def scan(db: sqlite3.Connection, roots: list[str], *, full: bool = False) -> Found:
    """Compare the library folders `roots` (lowest layer first) with the index."""
    rows = db.execute("SELECT id, path, layer, mtime_ns, sig, files, subdirs FROM dirs")
    known = {r["path"]: r for r in rows}
    checked = _to_check(db, known, full)
    found = Found()
    seen: set[str] = set()
    for layer, root in enumerate(roots):
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                mtime = os.stat(folder).st_mtime_ns
            except OSError:
                continue  # gone (or unreadable): its tips leave the index
            seen.add(folder)
            stack.extend(reversed(_visit(folder, layer, mtime, known.get(folder), checked, full, found)))
    found.gone = [path for path in known if path not in seen]
    return found


def _visit(
    folder: str,
    layer: int,
    mtime: int,
    old: sqlite3.Row | None,
    checked: set[str] | None,
    full: bool,
    found: Found,
) -> list[str]:
    """Look at one folder, unless its time is unchanged and it is not this command's turn to
    have its files compared; returns its subfolders."""
    same = old is not None and old["layer"] == layer and old["mtime_ns"] == mtime and not full
    if same and checked is not None and folder not in checked:
        assert old is not None
        return old["subdirs"].split("\x00") if old["subdirs"] else []
    now = look(folder, layer, mtime)
    found.looks.append(now)
    if not same or old is None or old["sig"] != now.sig or old["files"] != now.files:
        found.changed.append(now)
    return now.subdirs
