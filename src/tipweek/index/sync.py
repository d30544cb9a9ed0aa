"""Bringing the index up to date with the tip files.

`watch` finds the folders that changed (cheaply, before every command); this module lists
them again, reads the files that differ, and writes the changes. A first build reads the
files in worker processes and fills the full-text index a batch at a time, reporting
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
from tipweek.index.schema import (
    COUNT_WORDS_IN,
    DDL,
    FTS_TRIGGERS,
    pack,
    reset,
    statements,
    train,
    writing,
    zdict,
)
from tipweek.index.where import HIDDEN, SHOWN, hidden_ids
from tipweek.order import order_key
from tipweek.text import category_key, clean
from tipweek.tipfile import Fields, read_fields_stat, tip_files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tipweek.categories import Aliases
    from tipweek.library import LibrarySource
    from tipweek.store import Curation

    #: A worker's task: the files (path, library root, layer), the aliases, what to pack with.
    Task = tuple[list[tuple[str, str | None, int]], Aliases | None, tuple[bytes | None] | None]

BULK = 1000  # files to read at once from which a first build bulk-loads and parses in parallel
CHUNK = 250  # files parsed per task
PROGRESS_THRESHOLD = 500  # fewer files than this are read without reporting progress
FTS_BATCH = 10_000  # tips indexed per full-text statement in a first build
BUILT_AFTER = ("tips_id", "tips_order")  # indexes a first build creates once, at the end
#: Dropped in a first build: it would look up each tip's categories as its winner is shown
#: (the category rows are inserted after the winners are chosen instead).
VISIBLE_TRIGGER = "tips_visible"

#: Called with (files read so far, files to read) while many files are read.
Progress = Callable[[int, int], None]


class Queued:
    """A file to read: its layer, its folder's id in `dirs`, its path, and the length of its
    folder's path (`files.name` is the rest)."""

    __slots__ = ("cut", "dir", "layer", "path")

    def __init__(self, layer: int, dir: int, path: str, cut: int) -> None:
        self.layer, self.dir, self.path, self.cut = layer, dir, path, cut

    @property
    def name(self) -> str:
        return self.path[self.cut :]


class Folder:
    """Files of one folder to read: names only (`files.name`), so that a first build's
    100,000 entries take a few MB, not 20."""

    __slots__ = ("dir", "layer", "names", "path")

    def __init__(self, layer: int, dir: int, path: str, names: list[str]) -> None:
        self.layer, self.dir, self.path, self.names = layer, dir, path, names

    def queued(self) -> Iterator[Queued]:
        cut = len(self.path)
        return (Queued(self.layer, self.dir, self.path + name, cut) for name in self.names)


#: The columns of `tips` after its rowid, in the order of `Derived.row`.
TIP_COLUMNS = (
    "id", "layer", "ord", "title", "date", "categories", "takeaway", "tags", "source", "author",
    "excerpt", "publisher", "added",
)  # fmt: skip


class Derived:
    """A tip as the index stores it (`derive`): its `tips` row after the rowid, its
    categories as (key, name), its summary, blurb and body (as `schema.pack` takes them), the
    tags as the full-text index reads them, and the text packed once the index's dictionary
    is known (in a worker process, on a first build)."""

    __slots__ = ("categories", "packed", "row", "tag_text", "text")

    def __init__(
        self,
        row: tuple[Any, ...],
        categories: list[tuple[str, str]],
        text: tuple[str, str, str],
        tag_text: str,
        packed: bytes | None,
    ) -> None:
        self.row, self.categories, self.text, self.tag_text, self.packed = (
            row,
            categories,
            text,
            tag_text,
            packed,
        )

    def __reduce__(self) -> tuple[type[Derived], tuple[object, ...]]:
        # Sent back from the worker processes of a first build: positional, not per slot.
        return Derived, (self.row, self.categories, self.text, self.tag_text, self.packed)


class Packer:
    """The index's dictionary once known: trained on the first tips read into an empty index
    (`schema.train`), then handed to each task; tasks sent before that leave the packing to
    `_store_chunk`."""

    __slots__ = ("known", "zdict")

    def __init__(self, db: sqlite3.Connection) -> None:
        self.known = db.execute("SELECT 1 FROM meta WHERE key = 'zdict'").fetchone() is not None
        self.zdict = zdict(db) if self.known else None

    def packing(self) -> tuple[bytes | None] | None:
        """What a task packs with: (the dictionary or None,), or None for not yet."""
        return (self.zdict,) if self.known else None

    def learn(self, db: sqlite3.Connection, results: Sequence[Parsed]) -> None:
        """Train the dictionary on these tips and record it (unless there are none yet)."""
        texts = [f"{p.tip.text[0]} {p.tip.text[2]}" for p in results if p.tip is not None]
        if self.known or not texts:
            return
        trained = train(texts)
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('zdict', ?)", (trained,))
        self.known, self.zdict = True, trained or None


class Parsed:
    """One file as read: its (mtime_ns, size), and its tip's rows or the problem (message, line)."""

    __slots__ = ("problem", "stat", "tip")

    def __init__(
        self, stat: tuple[int, int], tip: Derived | None, problem: tuple[str, int | None] | None
    ) -> None:
        self.stat, self.tip, self.problem = stat, tip, problem

    def __reduce__(self) -> tuple[type[Parsed], tuple[object, ...]]:
        return Parsed, (self.stat, self.tip, self.problem)


def json_strings(items: Iterable[str]) -> str:
    """`json.dumps(list(items), ensure_ascii=False)` for strings, without importing `json`
    (its C string encoder is the one `json.dumps` uses)."""
    from _json import encode_basestring

    return f"[{', '.join(map(encode_basestring, items))}]"


def derive(tip: Fields, layer: int, aliases: Aliases | None, packing: tuple[bytes | None] | None) -> Derived:
    """Everything the index stores for a tip, its categories under their alias targets (None:
    the fast route, which leaves an index built with aliases to the full CLI): the one place
    rows are made from a tip's checked fields, for a first build (in a worker process), a
    sync and the fast route's re-read of an edited file alike."""
    if aliases is not None:
        tip = aliases.tip(tip)
    text = (tip.summary, clean(tip.blurb), tip.body)
    row = (
        tip.id,
        layer,
        order_key(tip),
        tip.title,
        tip.iso_date,
        json_strings(tip.categories),
        tip.takeaway,
        json_strings(tip.tags),
        tip.source,
        tip.author,
        int(tip.excerpt),
        tip.publisher,
        tip.added.isoformat() if tip.added else "",
    )
    packed = pack(*text, packing[0]) if packing is not None else None
    categories = [(category_key(c), c) for c in tip.categories]
    return Derived(row, categories, text, ", ".join(tip.tags), packed)


class Changes:
    """What differs between the files and the index: files to (re)read, by folder, and the
    rowids of files to forget."""

    __slots__ = ("gone", "read")

    def __init__(self) -> None:
        self.read: list[Folder] = []
        self.gone: list[int] = []

    @property
    def count(self) -> int:
        return sum(len(f.names) for f in self.read)


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
            "SELECT rowid FROM files WHERE dir = (SELECT id FROM dirs WHERE path = ?)", (folder,)
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
            r["name"]: (r["rowid"], (r["layer"], r["mtime_ns"], r["size"]))
            for r in db.execute(
                "SELECT rowid, name, layer, mtime_ns, size FROM files WHERE dir = ?", (dir_id,)
            )
        }
        present = tip_files(roots[look.layer], listing)
        cut = len(look.folder)
        names = []
        for file in present:
            name = file.path[cut:]
            known = stored.pop(name, None)
            if known is None or known[1] != (look.layer, file.mtime_ns, file.size):
                names.append(name)
        if names:
            changes.read.append(Folder(look.layer, dir_id, look.folder, names))
        changes.gone += [rowid for rowid, _ in stored.values()]
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
    read = changes.count
    bulk = read >= BULK and not db.execute("SELECT 1 FROM tips LIMIT 1").fetchone()
    if bulk:
        # A first build: fill the tables, the full-text index and the word counts a batch at a time; the
        # order indexes and the category rows come once at the end (sorting beats 100,000
        # random inserts).
        db.execute("DROP TRIGGER fts_ai")
        db.execute("DROP TRIGGER fts_ad")
        db.execute(f"DROP TRIGGER {VISIBLE_TRIGGER}")
        for name in BUILT_AFTER:
            db.execute(f"DROP INDEX {name}")
        db.execute(
            "CREATE TEMP TABLE category_load(tip INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL)"
        )
    touched = _store_hidden(db, curation.hidden if curation else None)
    aliases = curation.aliases if curation and curation.aliases.table else None
    for rowid in changes.gone:
        touched |= _forget(db, rowid)
    _read_and_store(db, changes.read, roots, bulk, progress, touched, aliases)
    if bulk:
        _finish_bulk(db)
    else:
        _update_visibility(db, touched)
    return read + len(changes.gone)


def _finish_bulk(db: sqlite3.Connection) -> None:
    """The end of a first build: the order indexes, the winners, then every category row in
    key order (with its tip's final `visible`) and their counts; the triggers come back."""
    _show_winners(db)  # first: changing `visible` in a built index would leave its pages half full
    for statement in statements(DDL):
        if any(f"INDEX {name} " in statement for name in BUILT_AFTER):
            db.execute(statement)
    db.execute(
        "INSERT INTO tip_categories(key, visible, ord, excerpt, added, tip, name) "
        "SELECT c.key, t.visible, t.ord, t.excerpt, t.added, c.tip, c.name "
        "FROM temp.category_load c JOIN tips t ON t.rowid = c.tip ORDER BY 1, 2, 3, 4, 5, 6, 7"
    )
    db.execute("DROP TABLE temp.category_load")
    db.execute(
        "INSERT INTO category_counts(key, name, count) "
        "SELECT key, name, count(*) FROM tip_categories WHERE visible = 1 GROUP BY key, name "
        "ON CONFLICT (key, name) DO UPDATE SET count = count + excluded.count"
    )
    for statement in statements(DDL + FTS_TRIGGERS):
        if any(f"TRIGGER {name} " in statement for name in ("fts_ai", "fts_ad", VISIBLE_TRIGGER)):
            db.execute(statement)


def _read_and_store(
    db: sqlite3.Connection,
    queue: list[Folder],
    roots: Sequence[str],
    bulk: bool,
    progress: Progress | None,
    touched: set[str],
    aliases: Aliases | None,
) -> None:
    """Read the queued files a chunk at a time and store each (adding the ids whose winner
    may change to `touched`); a first build fills the full-text index a batch at a time.
    The index's dictionary is trained on the first chunk read into an empty index."""
    done = 0
    total = sum(len(f.names) for f in queue)  # `_parse_all` empties the queue as it goes
    report = progress if progress is not None and total >= PROGRESS_THRESHOLD else None
    if report:
        report(0, total)
    packer = Packer(db)
    staged = 0  # tips in the full-text staging table (a first build)
    for chunk, results in _parse_all(queue, roots, aliases, packer):
        packer.learn(db, results)
        if not bulk:
            for queued in chunk:
                touched |= _forget_file(db, queued)
        stored = _store_chunk(db, chunk, results, packer.zdict, bulk)
        if not bulk:
            touched.update(d.row[0] for d in stored)
        staged += len(stored)
        done += len(chunk)
        # Each statement writes a new segment that FTS5 then merges: few, large batches.
        if bulk and staged and (staged >= FTS_BATCH or done == total):
            _fill_fts(db)
            staged = 0
        if report:
            report(done, total)


def _store_chunk(
    db: sqlite3.Connection, chunk: list[Queued], results: list[Parsed], packed_with: bytes | None, bulk: bool
) -> list[Derived]:
    """Store a chunk of read files (a statement per table), and their tips; a first build
    stages their text for `_fill_fts` and their categories for `_finish_bulk`. Returns the
    tips stored."""
    (top,) = db.execute("SELECT coalesce(max(rowid), 0) FROM files").fetchone()
    files, tips, texts, staged = [], [], [], []
    categories: list[tuple[Any, ...]] = []
    for rowid, (queued, parsed) in enumerate(zip(chunk, results, strict=True), top + 1):
        message, line = parsed.problem or (None, None)
        files.append((rowid, queued.dir, queued.name, queued.layer, *parsed.stat, message, line))
        derived = parsed.tip
        if derived is None:
            continue
        tips.append((rowid, derived))
        row = derived.row
        texts.append((rowid, derived.packed or pack(*derived.text, packed_with)))
        if bulk:
            categories += [(rowid, key, name) for key, name in derived.categories]
            staged.append((rowid, row[3], row[6], derived.text[1], derived.text[2], derived.tag_text))
        else:
            categories += [(key, row[2], row[10], row[12], rowid, name) for key, name in derived.categories]
    db.executemany(f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * 8)})", files)
    db.executemany(
        f"INSERT INTO tips(rowid, {', '.join(TIP_COLUMNS)}) VALUES (?{', ?' * len(TIP_COLUMNS)})",
        [(rowid, *d.row) for rowid, d in tips],
    )
    db.executemany("INSERT INTO texts(rowid, z) VALUES (?, ?)", texts)  # after `tips`: see `fts_ai`
    if bulk:
        db.executemany("INSERT INTO temp.category_load VALUES (?, ?, ?)", categories)
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS fts_load(rowid INTEGER PRIMARY KEY, title, takeaway, blurb, "
            "body, tag_text)"
        )
        db.executemany("INSERT INTO temp.fts_load VALUES (?, ?, ?, ?, ?, ?)", staged)
    else:
        db.executemany(
            "INSERT INTO tip_categories(key, ord, excerpt, added, tip, name) VALUES (?, ?, ?, ?, ?, ?)",
            categories,
        )
    return [d for _, d in tips]


def _fill_fts(db: sqlite3.Connection) -> None:
    """Index the staged tips in the full-text index and count their words, a statement each
    (a first build, with the triggers dropped)."""
    for table in ("fts", "word_load"):
        db.execute(
            f"INSERT INTO {table}(rowid, title, takeaway, blurb, body, tag_text) "
            "SELECT rowid, title, takeaway, blurb, body, tag_text FROM temp.fts_load"
        )
    for statement in statements(COUNT_WORDS_IN):
        db.execute(statement)
    db.execute("DROP TABLE temp.fts_load")


def _forget_file(db: sqlite3.Connection, queued: Queued) -> set[str]:
    """Forget what the index holds for a file about to be read again."""
    row = db.execute(
        "SELECT rowid FROM files WHERE dir = ? AND name = ?", (queued.dir, queued.name)
    ).fetchone()
    return _forget(db, row[0]) if row else set()


def _forget(db: sqlite3.Connection, rowid: int) -> set[str]:
    """Delete a file's rows (its tip's go through `tips_bd`); returns the tip's id, whose
    winner may change."""
    found = {r["id"] for r in db.execute("SELECT id FROM tips WHERE rowid = ?", (rowid,))}
    db.execute("DELETE FROM tips WHERE rowid = ?", (rowid,))
    db.execute("DELETE FROM files WHERE rowid = ?", (rowid,))
    return found


#: Every tip with its file's path, for choosing winners: the highest layer, then the first path.
_BY_PATH = "tips t JOIN files f ON f.rowid = t.rowid JOIN dirs d ON d.id = f.dir"


def _update_visibility(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Of the tips sharing an id, only the one in the highest layer (first path) is shown, or
    marked hidden when the id is on the hidden list."""
    hidden = hidden_ids(db)
    for tip_id in ids:
        winner = db.execute(
            f"SELECT t.rowid FROM {_BY_PATH} WHERE t.id = ? ORDER BY t.layer DESC, d.path || f.name LIMIT 1",
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
        f"OVER (PARTITION BY t.id ORDER BY t.layer DESC, d.path || f.name) AS n FROM {_BY_PATH}) WHERE n = 1)"
    )


# -- parsing files ------------------------------------------------------------------------


def _parse_one(
    path: str, root: str | None, layer: int, aliases: Aliases | None, packing: tuple[bytes | None] | None
) -> Parsed:
    """One file read as the library reads it (bounded, a link only inside its library `root`),
    with the `fstat` of what was read, and its rows derived; a `stat` is made only for a file
    that failed."""
    try:
        tip, st = read_fields_stat(path, root)
        return Parsed((st.st_mtime_ns, st.st_size), derive(tip, layer, aliases, packing), None)
    except TipFileError as error:
        try:
            st = os.stat(path)
            stat = (st.st_mtime_ns, st.st_size)
        except OSError:
            stat = (0, -1)
        return Parsed(stat, None, (error.problem, error.line))


def _parse_chunk(task: Task) -> list[Parsed]:
    items, aliases, packing = task
    return [_parse_one(path, root, layer, aliases, packing) for path, root, layer in items]


def _task(chunk: list[Queued], roots: Sequence[str], aliases: Aliases | None, packer: Packer) -> Task:
    items = [(q.path, roots[q.layer] if q.layer < len(roots) else None, q.layer) for q in chunk]
    return items, aliases, packer.packing()


def _chunks(queue: list[Folder]) -> Iterator[list[Queued]]:
    """The queued files, CHUNK at a time, each folder dropped from the queue once chunked."""
    queue.reverse()
    chunk: list[Queued] = []
    while queue:
        for queued in queue.pop().queued():
            chunk.append(queued)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _parse_all(
    queue: list[Folder], roots: Sequence[str], aliases: Aliases | None, packer: Packer
) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """Parse tip files in order, in chunks; a first build parses in worker processes."""
    count = sum(len(f.names) for f in queue)
    chunks = _chunks(queue)
    workers = min(os.cpu_count() or 1, 4)
    if count < BULK or workers < 2:
        for chunk in chunks:
            yield chunk, _parse_chunk(_task(chunk, roots, aliases, packer))
    else:
        yield from _parse_in_parallel(chunks, workers, roots, aliases, packer)


def _parse_in_parallel(
    chunks: Iterator[list[Queued]],
    workers: int,
    roots: Sequence[str],
    aliases: Aliases | None,
    packer: Packer,
) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """As many worker processes as there are cores (up to 4), with a bounded number of chunks
    in flight so that memory stays flat; results come back in order."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        pending: deque[tuple[list[Queued], Future[list[Parsed]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_parse_chunk, _task(chunk, roots, aliases, packer))))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
