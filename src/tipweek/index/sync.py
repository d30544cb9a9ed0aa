"""Bringing the index up to date with the tip files.

* Folders are compared by modification time, so added, removed and renamed files (and the
  atomic saves that most editors and git do) are picked up by the next command at any size.
* Files are compared by modification time and size: all of them when the library has up
  to `CHECK_BUDGET` files, otherwise a rotating slice per command, so that an in-place edit
  in a huge library is seen within a few commands (`tip reindex` forces a full check).

Writers take SQLite's write lock (`BEGIN IMMEDIATE`) and the database runs in WAL mode, so
concurrent commands neither block readers nor corrupt it. Progress is reported through a
callback: what it looks like is the caller's business.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tipweek.errors import TipFileError
from tipweek.fsutil import Listing, walk_visible
from tipweek.index.schema import FTS_TRIGGERS, reset, statements, without_waiting, writing
from tipweek.library import LibrarySource, read_tip, tip_files
from tipweek.model import Tip
from tipweek.store import order_key
from tipweek.text import category_key, clean

CHECK_BUDGET = 2500
BULK = 1000  # files to read at once from which a first build bulk-loads and parses in parallel
CHUNK = 250  # files parsed per task
PROGRESS_THRESHOLD = 500  # fewer files than this are read without reporting progress

#: Called with (files read so far, files to read) while many files are read.
Progress = Callable[[int, int], None]


class Queued(NamedTuple):
    layer: int
    dir: str
    path: str


class Parsed(NamedTuple):
    stat: tuple[int, int]  # mtime_ns, size
    tip: Tip | None
    problem: tuple[str, int | None] | None  # message, line


@dataclass
class Changes:
    """What differs between the files and the index."""

    read: list[Queued] = field(default_factory=list)  # files to (re)read
    gone: list[str] = field(default_factory=list)  # file paths to forget
    dirs: list[tuple[str, int, int, str]] = field(default_factory=list)  # (path, layer, mtime_ns, subdirs)
    gone_dirs: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.read or self.gone or self.dirs or self.gone_dirs)


def refresh(
    db: sqlite3.Connection,
    sources: Sequence[LibrarySource],
    *,
    full: bool = False,
    progress: Progress | None = None,
) -> int:
    """Bring the index up to date with the files; returns how many files were re-read or forgotten."""
    changes = find_changes(db, sources, full)
    if not changes:
        return 0
    with writing(db):
        # Another process may have applied the same changes meanwhile: every step is idempotent.
        apply(db, changes, progress)
    return len(changes.read) + len(changes.gone)


def rebuild(
    db: sqlite3.Connection, sources: Sequence[LibrarySource], *, progress: Progress | None = None
) -> int:
    """Empty the index and read every file again, in one transaction: until it commits, other
    commands keep reading the old index."""
    with writing(db):
        reset(db)
        changes = find_changes(db, sources, full=True)
        apply(db, changes, progress)
    return len(changes.read)


# -- finding what changed ---------------------------------------------------------------


def find_changes(db: sqlite3.Connection, sources: Sequence[LibrarySource], full: bool) -> Changes:
    """Find what changed on disk since the index last looked."""
    known = {r["path"]: r for r in db.execute("SELECT path, layer, mtime_ns, subdirs FROM dirs")}
    changes = Changes()
    seen: set[str] = set()
    for layer, source in enumerate(sources):
        _walk_source(db, layer, source.path, known, full, seen, changes)
    changes.gone_dirs = [d for d in known if d not in seen]
    for folder in changes.gone_dirs:
        changes.gone += [r["path"] for r in db.execute("SELECT path FROM files WHERE dir = ?", (folder,))]
    if not full:
        _check_files(db, changes)
    return changes


def _walk_source(
    db: sqlite3.Connection,
    layer: int,
    root: Path,
    known: dict[str, sqlite3.Row],
    full: bool,
    seen: set[str],
    changes: Changes,
) -> None:
    """Compare one library's folders with the index: a folder whose time has not changed is
    not listed again (its files are checked by `_check_files`)."""
    mtimes: dict[str, int] = {}

    def unchanged(folder: str) -> list[str] | None:
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            return []  # gone (or unreadable): its tips leave the index
        seen.add(folder)
        mtimes[folder] = mtime
        old = known.get(folder)
        if old and old["layer"] == layer and old["mtime_ns"] == mtime and not full:
            return list(json.loads(old["subdirs"]))
        return None

    for listing in walk_visible(root, ".toml", known=unchanged):
        _diff_folder(db, layer, listing._replace(files=tip_files(root, listing)), changes)
        changes.dirs.append((listing.folder, layer, mtimes[listing.folder], json.dumps(listing.folders)))


def _diff_folder(db: sqlite3.Connection, layer: int, listing: Listing, changes: Changes) -> None:
    """Queue the files of one listed folder that differ from the index, and forget the ones gone."""
    stored = {
        r["path"]: (r["layer"], r["mtime_ns"], r["size"])
        for r in db.execute("SELECT path, layer, mtime_ns, size FROM files WHERE dir = ?", (listing.folder,))
    }
    for file in listing.files:
        if stored.get(file.path) != (layer, file.mtime_ns, file.size):
            changes.read.append(Queued(layer, listing.folder, file.path))
    present = {f.path for f in listing.files}
    changes.gone += [p for p in stored if p not in present]


def _next_slice(db: sqlite3.Connection, slices: int) -> int:
    """Which slice of the files this command checks: each command takes the next one."""
    row = db.execute("SELECT value FROM meta WHERE key = 'next_slice'").fetchone()
    turn = int(row["value"]) if row and str(row["value"]).isdigit() else 0
    with without_waiting(db):
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('next_slice', ?)", (str(turn + 1),))
    return turn % slices


def _check_files(db: sqlite3.Connection, changes: Changes) -> None:
    """Compare file times and sizes: all files, or a rotating slice of a large library, so
    that an in-place edit is seen within as many commands as there are slices."""
    (last,) = db.execute("SELECT coalesce(max(rowid), 0) FROM files").fetchone()
    slices = max(1, -(-last // CHECK_BUDGET))
    low = _next_slice(db, slices) * CHECK_BUDGET if slices > 1 else 0
    queued = {q.path for q in changes.read} | set(changes.gone)
    rows = db.execute(
        "SELECT path, layer, dir, mtime_ns, size FROM files WHERE rowid > ? AND rowid <= ?",
        (low, low + CHECK_BUDGET),
    )
    for row in rows:
        if row["path"] in queued:
            continue
        try:
            st = os.stat(row["path"])
            current = (st.st_mtime_ns, st.st_size)
        except OSError:
            current = (0, -1)
        if current != (row["mtime_ns"], row["size"]):
            changes.read.append(Queued(row["layer"], row["dir"], row["path"]))


# -- applying changes -------------------------------------------------------------------


def apply(db: sqlite3.Connection, changes: Changes, progress: Progress | None) -> None:
    """Write `changes` into the index, inside the caller's write transaction."""
    bulk = len(changes.read) >= BULK and not db.execute("SELECT 1 FROM tips LIMIT 1").fetchone()
    if bulk:
        # A first build: fill the tables, then build both full-text indexes in one pass each.
        db.execute("DROP TRIGGER fts_ai")
        db.execute("DROP TRIGGER fts_ad")
    touched: set[str] = set()
    for path in changes.gone:
        touched |= _forget(db, path)
    db.executemany("DELETE FROM dirs WHERE path = ?", [(d,) for d in changes.gone_dirs])
    for queued, parsed in _read_files(changes.read, progress):
        if not bulk:
            touched |= _forget(db, queued.path)
        _store_file(db, queued, parsed)
        if parsed.tip is not None:
            _insert(db, parsed.tip, queued.layer)
            touched.add(parsed.tip.id)
    db.executemany(
        "INSERT OR REPLACE INTO dirs(path, layer, mtime_ns, subdirs) VALUES (?, ?, ?, ?)", changes.dirs
    )
    if bulk:
        db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        db.execute("INSERT INTO words(words) VALUES ('rebuild')")
        for statement in statements(FTS_TRIGGERS):
            db.execute(statement)
        _show_winners(db)
    else:
        _update_visibility(db, touched)


def _read_files(queue: list[Queued], progress: Progress | None) -> Iterator[tuple[Queued, Parsed]]:
    report = progress if progress is not None and len(queue) >= PROGRESS_THRESHOLD else None
    done = 0
    if report:
        report(done, len(queue))
    for chunk, results in _parse_all(queue):
        yield from zip(chunk, results, strict=True)
        done += len(chunk)
        if report:
            report(done, len(queue))


def _store_file(db: sqlite3.Connection, queued: Queued, parsed: Parsed) -> None:
    message, line = parsed.problem or (None, None)
    db.execute(
        "INSERT OR REPLACE INTO files(path, layer, dir, mtime_ns, size, problem, line) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (queued.path, queued.layer, queued.dir, *parsed.stat, message, line),
    )


def _forget(db: sqlite3.Connection, path: str) -> set[str]:
    found = {r["id"] for r in db.execute("SELECT id FROM tips WHERE path = ?", (path,))}
    db.execute("DELETE FROM tips WHERE path = ?", (path,))
    db.execute("DELETE FROM files WHERE path = ?", (path,))
    return found


def _insert(db: sqlite3.Connection, tip: Tip, layer: int) -> None:
    order = order_key(tip)
    cur = db.execute(
        "INSERT INTO tips(id, layer, path, ord, title, date, categories, summary, takeaway, tags, "
        f"source, author, excerpt) VALUES ({', '.join('?' * 13)})",
        (
            tip.id,
            layer,
            tip.path,
            order,
            tip.title,
            tip.iso_date,
            json.dumps(list(tip.categories)),
            tip.summary,
            tip.takeaway,
            json.dumps(list(tip.tags)),
            tip.source,
            tip.author,
            int(tip.excerpt),
        ),
    )
    db.execute(
        "INSERT INTO texts(rowid, title, takeaway, blurb, body, tag_text) VALUES (?, ?, ?, ?, ?, ?)",
        (cur.lastrowid, tip.title, tip.takeaway, clean(tip.blurb), tip.body, ", ".join(tip.tags)),
    )
    db.executemany(
        "INSERT INTO tip_categories(tip, key, name, ord) VALUES (?, ?, ?, ?)",
        [(cur.lastrowid, category_key(c), c, order) for c in tip.categories],
    )


def _update_visibility(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Of the tips sharing an id, only the one in the highest layer (first path) is shown."""
    for tip_id in ids:
        winner = db.execute(
            "SELECT rowid FROM tips WHERE id = ? ORDER BY layer DESC, path LIMIT 1", (tip_id,)
        ).fetchone()
        rowid = winner[0] if winner else 0
        db.execute(
            "UPDATE tips SET visible = (rowid = ?) WHERE id = ? AND visible != (rowid = ?)",
            (rowid, tip_id, rowid),
        )


def _show_winners(db: sqlite3.Connection) -> None:
    """`_update_visibility` for every id at once, after a first build."""
    db.execute(
        "UPDATE tips SET visible = 1 WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() "
        "OVER (PARTITION BY id ORDER BY layer DESC, path) AS n FROM tips) WHERE n = 1)"
    )


# -- parsing files ------------------------------------------------------------------------


def _parse_one(path: str) -> Parsed:
    try:
        st = os.stat(path)
        stat = (st.st_mtime_ns, st.st_size)
    except OSError:
        stat = (0, -1)
    try:
        return Parsed(stat, read_tip(Path(path)), None)
    except TipFileError as error:
        return Parsed(stat, None, (error.problem, error.line))


def _parse_chunk(paths: list[str]) -> list[Parsed]:
    return [_parse_one(p) for p in paths]


def _parse_all(queue: list[Queued]) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """Parse tip files in order, in chunks; a first build parses in worker processes."""
    chunks = [queue[i : i + CHUNK] for i in range(0, len(queue), CHUNK)]
    workers = min(os.cpu_count() or 1, 4)
    if len(queue) < BULK or workers < 2:
        for chunk in chunks:
            yield chunk, _parse_chunk([q.path for q in chunk])
    else:
        yield from _parse_in_parallel(chunks, workers)


def _parse_in_parallel(
    chunks: list[list[Queued]], workers: int
) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """As many worker processes as there are cores (up to 4), with a bounded number of chunks
    in flight so that memory stays flat; results come back in order."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        pending: deque[tuple[list[Queued], Future[list[Parsed]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_parse_chunk, [q.path for q in chunk])))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
