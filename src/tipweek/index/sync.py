"""Bringing the index up to date with the tip files.

`watch` finds the folders that changed (cheaply, before every command); this module lists
them again, reads the files that differ, and writes the changes. A first build reads the
files in worker processes and fills the full-text indexes a batch at a time, reporting
progress as it goes.

Writers take SQLite's write lock (`BEGIN IMMEDIATE`) and the database runs in WAL mode, so
concurrent commands neither block readers nor corrupt it. Progress is reported through a
callback: what it looks like is the caller's business.
"""

from __future__ import annotations

import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from tipweek.errors import TipFileError
from tipweek.fsutil import list_visible
from tipweek.index import watch
from tipweek.index.schema import DDL, FTS_TRIGGERS, pack, reset, statements, writing
from tipweek.index.where import HIDDEN, SHOWN, hidden_ids
from tipweek.order import order_key
from tipweek.text import category_key, clean
from tipweek.tipfile import Fields, read_fields_stat, tip_files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tipweek.categories import Aliases
    from tipweek.library import LibrarySource
    from tipweek.store import Curation

BULK = 1000  # files to read at once from which a first build bulk-loads and parses in parallel
CHUNK = 250  # files parsed per task
PROGRESS_THRESHOLD = 500  # fewer files than this are read without reporting progress
FTS_BATCH = 10_000  # tips indexed per full-text statement in a first build
BUILT_AFTER = ("tips_id", "tips_order", "tip_categories_order", "tip_categories_tip")

#: Called with (files read so far, files to read) while many files are read.
Progress = Callable[[int, int], None]


class Queued:
    """A file to read: its layer, its folder's id in `dirs`, its path."""

    __slots__ = ("dir", "layer", "path")

    def __init__(self, layer: int, dir: int, path: str) -> None:
        self.layer, self.dir, self.path = layer, dir, path


class Parsed:
    """One file as read: its (mtime_ns, size), the tip's fields or the problem (message,
    line), and the indexed text (`schema.FIELDS`), packed in the worker on a first build."""

    __slots__ = ("packed", "problem", "stat", "text", "tip")

    def __init__(
        self,
        stat: tuple[int, int],
        tip: Fields | None,
        problem: tuple[str, int | None] | None,
        text: tuple[str, str, str, str] | None = None,
        packed: bytes | None = None,
    ) -> None:
        self.stat, self.tip, self.problem, self.text, self.packed = stat, tip, problem, text, packed

    def __reduce__(self) -> tuple[type[Parsed], tuple[object, ...]]:
        # Sent back from the worker processes of a first build: positional, not per slot.
        return Parsed, (self.stat, self.tip, self.problem, self.text, self.packed)


class Changes:
    """What differs between the files and the index: files to (re)read, file paths to forget."""

    __slots__ = ("gone", "read")

    def __init__(self) -> None:
        self.read: list[Queued] = []
        self.gone: list[str] = []


def refresh(
    db: sqlite3.Connection,
    sources: Sequence[LibrarySource],
    *,
    full: bool = False,
    progress: Progress | None = None,
    curation: Curation,
) -> int:
    """Bring the index up to date with the files and the user's curation; returns how many
    files were re-read or forgotten. New category aliases rebuild the index (they change the
    categories stored for every tip); a new hidden list only changes which tips are shown."""
    if aliases_in(db) != curation.aliases.fingerprint:
        return rebuild(db, sources, progress=progress, curation=curation)
    roots = [str(s.path) for s in sources]
    found = watch.scan(db, roots, full=full)
    if not found and hidden_ids(db) == curation.hidden:
        return 0
    with writing(db):
        # Another process may have applied the same changes meanwhile: every step is idempotent.
        return apply(db, roots, found, progress, curation)


def rebuild(
    db: sqlite3.Connection,
    sources: Sequence[LibrarySource],
    *,
    progress: Progress | None = None,
    curation: Curation,
) -> int:
    """Empty the index and read every file again, in one transaction: until it commits, other
    commands keep reading the old index."""
    with writing(db):
        reset(db)
        db.execute("INSERT INTO meta(key, value) VALUES ('aliases', ?)", (curation.aliases.fingerprint,))
        roots = [str(s.path) for s in sources]
        found = watch.scan(db, roots, full=True)
        return apply(db, roots, found, progress, curation)


def aliases_in(db: sqlite3.Connection) -> str:
    """The fingerprint of the category aliases the index was built with ("" for none)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'aliases'").fetchone()
    return str(row["value"]) if row else ""


def _store_hidden(db: sqlite3.Connection, hidden: frozenset[str] | None) -> set[str]:
    """Record the hidden list (None keeps the one recorded); returns the ids whose state changed."""
    before = hidden_ids(db)
    if hidden is None:
        return set()
    db.executemany("DELETE FROM hidden WHERE id = ?", [(i,) for i in before - hidden])
    db.executemany("INSERT OR IGNORE INTO hidden(id) VALUES (?)", [(i,) for i in hidden - before])
    return set(before ^ hidden)


# -- what changed -----------------------------------------------------------------------


def _diff(db: sqlite3.Connection, roots: Sequence[str], found: watch.Found) -> Changes:
    """Record the changed folders and list them again: the files that differ from the index
    are to be read, the ones no longer there forgotten."""
    changes = Changes()
    for folder in found.gone:
        changes.gone += [r[0] for r in db.execute(
            "SELECT path FROM files WHERE dir = (SELECT id FROM dirs WHERE path = ?)", (folder,)
        )]  # fmt: skip
        db.execute("DELETE FROM dirs WHERE path = ?", (folder,))
    for look in found.changed:
        (dir_id,) = db.execute(
            "INSERT INTO dirs(path, layer, mtime_ns, sig, files, subdirs) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET layer = excluded.layer, mtime_ns = excluded.mtime_ns, "
            "sig = excluded.sig, files = excluded.files, subdirs = excluded.subdirs RETURNING id",
            look.row(),
        ).fetchone()
        listing = list_visible(look.folder, watch.SUFFIX)
        stored = {
            r["path"]: (r["layer"], r["mtime_ns"], r["size"])
            for r in db.execute("SELECT path, layer, mtime_ns, size FROM files WHERE dir = ?", (dir_id,))
        }
        present = tip_files(roots[look.layer], listing)
        for file in present:
            if stored.get(file.path) != (look.layer, file.mtime_ns, file.size):
                changes.read.append(Queued(look.layer, dir_id, file.path))
        names = {f.path for f in present}
        changes.gone += [p for p in stored if p not in names]
    return changes


# -- applying changes -------------------------------------------------------------------


def apply(
    db: sqlite3.Connection,
    roots: Sequence[str],
    found: watch.Found,
    progress: Progress | None,
    curation: Curation | None = None,
) -> int:
    """Write what `found` says changed (and the hidden list) into the index, inside the
    caller's write transaction; returns how many files were read or forgotten. Without
    `curation` (the fast route), the hidden list recorded is kept and no aliases apply: the
    caller has checked the index was built without any."""
    changes = _diff(db, roots, found)
    bulk = len(changes.read) >= BULK and not db.execute("SELECT 1 FROM tips LIMIT 1").fetchone()
    if bulk:
        # A first build: fill the tables, and both full-text indexes a batch at a time; the
        # order indexes are built once at the end (sorting beats 100,000 random inserts).
        db.execute("DROP TRIGGER fts_ai")
        db.execute("DROP TRIGGER fts_ad")
        for name in BUILT_AFTER:
            db.execute(f"DROP INDEX {name}")
    touched = _store_hidden(db, curation.hidden if curation else None)
    aliases = curation.aliases if curation and curation.aliases.table else None
    for path in changes.gone:
        touched |= _forget(db, path)
    read = len(changes.read)
    _read_and_store(db, changes.read, roots, bulk, progress, touched, aliases)
    if bulk:
        for statement in statements(DDL):
            if any(f"INDEX {name} " in statement for name in BUILT_AFTER):
                db.execute(statement)
        for statement in statements(FTS_TRIGGERS):
            db.execute(statement)
        _show_winners(db)
    else:
        _update_visibility(db, touched)
    return read + len(changes.gone)


def _read_and_store(
    db: sqlite3.Connection,
    queue: list[Queued],
    roots: Sequence[str],
    bulk: bool,
    progress: Progress | None,
    touched: set[str],
    aliases: Aliases | None,
) -> None:
    """Read the queued files a chunk at a time and store each, its categories under their
    alias targets (adding the ids whose winner may change to `touched`); a first build fills
    the full-text indexes chunk by chunk too."""
    done = 0
    total = len(queue)  # `_parse_all` empties the queue as it goes
    report = progress if progress is not None and total >= PROGRESS_THRESHOLD else None
    if report:
        report(0, total)
    first = None  # the first row not yet in the full-text indexes (a first build)
    for chunk, results in _parse_all(queue, roots):
        for queued, parsed in zip(chunk, results, strict=True):
            if not bulk:
                touched |= _forget(db, queued.path)
            rowid = _store_file(db, queued, parsed)
            first = first or rowid
            if parsed.tip is not None:
                _insert(db, _aliased(parsed.tip, aliases), queued.layer, rowid, parsed.packed)
                if bulk:  # every id's winner is chosen at the end
                    _stage_fts(db, parsed, rowid)
                else:
                    touched.add(parsed.tip.id)
        done += len(chunk)
        # Each statement writes a new segment that FTS5 then merges: few, large batches.
        if bulk and first is not None and (rowid - first >= FTS_BATCH or done == total):
            _fill_fts(db)
            first = None
        if report:
            report(done, total)


def _aliased(tip: Fields, aliases: Aliases | None) -> Fields:
    """The tip with its categories under their alias targets (None: the fast route, which
    leaves an index built with aliases to the full CLI)."""
    return tip if aliases is None else aliases.tip(tip)


def _stage_fts(db: sqlite3.Connection, parsed: Parsed, rowid: int) -> None:
    """Keep a tip's text, as read, for the next `_fill_fts` (a first build): the full-text
    indexes are filled from it without unpacking what was just packed."""
    assert parsed.tip is not None and parsed.text is not None
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS fts_load(rowid INTEGER PRIMARY KEY, title, takeaway, blurb, "
        "body, tag_text)"
    )
    db.execute(
        "INSERT INTO temp.fts_load VALUES (?, ?, ?, ?, ?, ?)",
        (rowid, parsed.tip.title, parsed.tip.takeaway, *parsed.text[1:]),
    )


def _fill_fts(db: sqlite3.Connection) -> None:
    """Index the staged tips in both full-text indexes, one statement each (a first build,
    with the triggers dropped)."""
    for table in ("fts", "words"):
        db.execute(
            f"INSERT INTO {table}(rowid, title, takeaway, blurb, body, tag_text) "
            "SELECT rowid, title, takeaway, blurb, body, tag_text FROM temp.fts_load"
        )
    db.execute("DROP TABLE temp.fts_load")


def _store_file(db: sqlite3.Connection, queued: Queued, parsed: Parsed) -> int:
    message, line = parsed.problem or (None, None)
    cur = db.execute(
        "INSERT OR REPLACE INTO files(path, layer, dir, mtime_ns, size, problem, line) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (queued.path, queued.layer, queued.dir, *parsed.stat, message, line),
    )
    return int(cur.lastrowid or 0)


def _forget(db: sqlite3.Connection, path: str) -> set[str]:
    row = db.execute("SELECT rowid FROM files WHERE path = ?", (path,)).fetchone()
    if row is None:
        return set()
    found = {r["id"] for r in db.execute("SELECT id FROM tips WHERE rowid = ?", (row[0],))}
    db.execute("DELETE FROM tips WHERE rowid = ?", (row[0],))
    db.execute("DELETE FROM files WHERE rowid = ?", (row[0],))
    return found


def indexed_text(tip: Fields) -> tuple[str, str, str, str]:
    """The long text the index keeps of a tip (`schema.FIELDS`)."""
    return (tip.summary, clean(tip.blurb), tip.body, ", ".join(tip.tags))


def json_strings(items: Iterable[str]) -> str:
    """`json.dumps(list(items), ensure_ascii=False)` for strings, without importing `json`
    (its C string encoder is the one `json.dumps` uses)."""
    from _json import encode_basestring

    return f"[{', '.join(map(encode_basestring, items))}]"


def _insert(db: sqlite3.Connection, tip: Fields, layer: int, rowid: int, packed: bytes | None) -> None:
    """One tip's rows, derived from its file's checked fields: the one place they are, for a
    first build, a sync and the fast route's re-read of an edited file alike. `packed` is its
    text as `_parse_one` packed it (in a worker process, on a first build)."""
    if packed is None:
        packed = pack(indexed_text(tip))
    order = order_key(tip)
    added = tip.added.isoformat() if tip.added else ""
    db.execute(
        "INSERT INTO tips(rowid, id, layer, ord, title, date, categories, takeaway, tags, source, author, "
        f"excerpt, publisher, added) VALUES ({', '.join('?' * 14)})",
        (
            rowid,
            tip.id,
            layer,
            order,
            tip.title,
            tip.iso_date,
            json_strings(tip.categories),
            tip.takeaway,
            json_strings(tip.tags),
            tip.source,
            tip.author,
            int(tip.excerpt),
            tip.publisher,
            added,
        ),
    )
    db.execute("INSERT INTO texts(rowid, z) VALUES (?, ?)", (rowid, packed))
    db.executemany(
        "INSERT INTO tip_categories(tip, key, name, ord, excerpt, added) VALUES (?, ?, ?, ?, ?, ?)",
        [(rowid, category_key(c), c, order, int(tip.excerpt), added) for c in tip.categories],
    )


def _update_visibility(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Of the tips sharing an id, only the one in the highest layer (first path) is shown, or
    marked hidden when the id is on the hidden list."""
    hidden = hidden_ids(db)
    for tip_id in ids:
        winner = db.execute(
            "SELECT t.rowid FROM tips t JOIN files f ON f.rowid = t.rowid WHERE t.id = ? "
            "ORDER BY t.layer DESC, f.path LIMIT 1",
            (tip_id,),
        ).fetchone()
        rowid = winner[0] if winner else 0
        state = HIDDEN if tip_id in hidden else SHOWN
        db.execute(
            "UPDATE tips SET visible = CASE WHEN rowid = ? THEN ? ELSE 0 END "
            "WHERE id = ? AND visible != CASE WHEN rowid = ? THEN ? ELSE 0 END",
            (rowid, state, tip_id, rowid, state),
        )


def _show_winners(db: sqlite3.Connection) -> None:
    """`_update_visibility` for every id at once, after a first build."""
    db.execute(
        f"UPDATE tips SET visible = CASE WHEN id IN (SELECT id FROM hidden) THEN {HIDDEN} ELSE {SHOWN} END "
        "WHERE rowid IN (SELECT rowid FROM (SELECT t.rowid, row_number() "
        "OVER (PARTITION BY t.id ORDER BY t.layer DESC, f.path) AS n FROM tips t "
        "JOIN files f ON f.rowid = t.rowid) WHERE n = 1)"
    )


# -- parsing files ------------------------------------------------------------------------


def _parse_one(path: str, root: str | None) -> Parsed:
    """One file read as the library reads it (bounded, a link only inside its library `root`),
    with the `fstat` of what was read; a `stat` is made only for a file that failed."""
    try:
        tip, st = read_fields_stat(path, root)
        text = indexed_text(tip)
        return Parsed((st.st_mtime_ns, st.st_size), tip, None, text, pack(text))
    except TipFileError as error:
        try:
            st = os.stat(path)
            stat = (st.st_mtime_ns, st.st_size)
        except OSError:
            stat = (0, -1)
        return Parsed(stat, None, (error.problem, error.line))


def _parse_chunk(items: list[tuple[str, str | None]]) -> list[Parsed]:
    return [_parse_one(path, root) for path, root in items]


def _items(chunk: list[Queued], roots: Sequence[str]) -> list[tuple[str, str | None]]:
    return [(q.path, roots[q.layer] if q.layer < len(roots) else None) for q in chunk]


def _parse_all(queue: list[Queued], roots: Sequence[str] = ()) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """Parse tip files in order, in chunks; a first build parses in worker processes."""
    # The queue is emptied into chunks that are dropped once stored: in a first build of
    # 100,000 files, holding every file's entry to the end would cost 20 MB.
    chunks = deque(queue[i : i + CHUNK] for i in range(0, len(queue), CHUNK))
    count = len(queue)
    queue.clear()
    workers = min(os.cpu_count() or 1, 4)
    if count < BULK or workers < 2:
        while chunks:
            chunk = chunks.popleft()
            yield chunk, _parse_chunk(_items(chunk, roots))
    else:
        yield from _parse_in_parallel(chunks, workers, roots)


def _parse_in_parallel(
    chunks: deque[list[Queued]], workers: int, roots: Sequence[str]
) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """As many worker processes as there are cores (up to 4), with a bounded number of chunks
    in flight so that memory stays flat; results come back in order."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        pending: deque[tuple[list[Queued], Future[list[Parsed]]]] = deque()
        while chunks:
            chunk = chunks.popleft()
            pending.append((chunk, pool.submit(_parse_chunk, _items(chunk, roots))))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
