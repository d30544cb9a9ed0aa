"""The index's tables, its version, connecting, and replacing an older or damaged file.

The index is a cache, so its only migration is to start again: a file from another version
is emptied and rebuilt from the tip files.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager, suppress

TYPE_CHECKING = False
if TYPE_CHECKING:  # the fast route opens the index with this module: no pathlib, no typing
    from collections.abc import Iterable, Iterator
    from pathlib import Path

SCHEMA_VERSION = 10
PAGE_SIZE = 8_192
BUSY_MS = 1_000  # how long to wait for another process's write lock (config: index.lock_wait)

DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
-- Every folder of every library, with the signature of its tip files (see `watch`).
CREATE TABLE dirs(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, layer INTEGER NOT NULL,
                  mtime_ns INTEGER NOT NULL, sig INTEGER NOT NULL, files INTEGER NOT NULL,
                  subdirs TEXT NOT NULL);
-- A file's path is its folder's (`dirs.path`) followed by `name` (the rest of the path, from
-- its separator on): each folder's path is stored once, and (dir, name) is the only index.
CREATE TABLE files(rowid INTEGER PRIMARY KEY, dir INTEGER NOT NULL, name TEXT NOT NULL,
                   layer INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
                   problem TEXT, line INTEGER, UNIQUE (dir, name));
CREATE INDEX files_problems ON files(dir) WHERE problem IS NOT NULL;
-- One row per readable tip file, with the file's rowid. Narrow (what lists show), so that
-- ranking and filtering thousands of tips stays fast; the long text is compressed in `texts`.
-- `visible`: 1 shown (the winner of its id), 2 the winner but hidden (`tip hide`), 0 replaced
-- by a tip with the same id in a later library. `excerpt` and `added` ('' when unknown) decide
-- what may be delivered; the order indexes carry both, so the rotation counts in them alone.
CREATE TABLE tips(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, layer INTEGER NOT NULL,
    visible INTEGER NOT NULL DEFAULT 0, ord TEXT NOT NULL, title TEXT, date TEXT, categories TEXT,
    takeaway TEXT, tags TEXT, source TEXT, author TEXT, excerpt INTEGER NOT NULL,
    publisher TEXT, added TEXT NOT NULL);
-- summary, blurb and body, compressed with the index's own dictionary (see `pack`).
CREATE TABLE texts(rowid INTEGER PRIMARY KEY, z BLOB NOT NULL);
CREATE TABLE blocks(rowid INTEGER PRIMARY KEY, parsed TEXT NOT NULL);
CREATE INDEX tips_id ON tips(id, layer);
CREATE INDEX tips_order ON tips(visible, ord, excerpt, added);
-- A tip's categories, keyed for the lists, counts and picks of one category: a category's
-- n-th deliverable tip is found in the key alone. A tip's rows are found from its own row
-- (keys of `tips.categories`, its `visible` and `ord`): no second index.
CREATE TABLE tip_categories(key TEXT NOT NULL, visible INTEGER NOT NULL DEFAULT 0, ord TEXT NOT NULL,
                            excerpt INTEGER NOT NULL, added TEXT NOT NULL, tip INTEGER NOT NULL,
                            name TEXT NOT NULL,
                            PRIMARY KEY (key, visible, ord, excerpt, added, tip, name)) WITHOUT ROWID;
-- The ids `tip hide` retired, as last read from the user's hidden list.
CREATE TABLE hidden(id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE category_counts(key TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL,
                             PRIMARY KEY (key, name)) WITHOUT ROWID;
-- What the full-text index and the word counts read (external content): the text unpacked on the fly, the
-- tags joined from the row.
CREATE VIEW fts_text(rowid, title, takeaway, blurb, body, tag_text) AS
    SELECT t.rowid, t.title, t.takeaway, tip_text(x.z, 1, (SELECT value FROM meta WHERE key = 'zdict')),
           tip_text(x.z, 2, (SELECT value FROM meta WHERE key = 'zdict')), tip_tags(t.tags)
    FROM tips t JOIN texts x ON x.rowid = t.rowid;
CREATE VIRTUAL TABLE fts USING fts5(title, takeaway, blurb, body, tag_text, content='fts_text',
    content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
-- The library's own words as typed (not stemmed), with how many tips use each, for spelling
-- ("did you mean"). Only counts are kept: an index of which tips use each word would take as
-- much room as a fifth of the main index. A tip's words are counted by passing its text
-- through `word_load` (tokenized as such an index would, kept empty between uses).
CREATE TABLE words(term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIEW words_vocab(term, doc) AS SELECT term, doc FROM words WHERE doc > 0;
CREATE VIRTUAL TABLE word_load USING fts5(title, takeaway, blurb, body, tag_text, content='',
    tokenize='unicode61 remove_diacritics 2', detail='none', columnsize=0);
CREATE VIRTUAL TABLE word_load_vocab USING fts5vocab(word_load, 'row');
CREATE TRIGGER tips_visible AFTER UPDATE OF visible ON tips WHEN old.visible != new.visible BEGIN
    UPDATE tip_categories SET visible = new.visible
        WHERE key IN (SELECT category_key(value) FROM json_each(new.categories))
        AND visible = old.visible AND ord = new.ord AND tip = new.rowid;
END;
-- Before, so that the full-text rows are deleted while the tip's title is still there.
CREATE TRIGGER tips_bd BEFORE DELETE ON tips BEGIN
    DELETE FROM texts WHERE rowid = old.rowid;
    DELETE FROM blocks WHERE rowid = old.rowid;
    DELETE FROM tip_categories WHERE key IN (SELECT category_key(value) FROM json_each(old.categories))
        AND visible = old.visible AND ord = old.ord AND tip = old.rowid;
END;
-- Counts are of shown tips only (visible = 1): hidden ones leave `tip categories` too.
CREATE TRIGGER counts_au AFTER UPDATE OF visible ON tip_categories
    WHEN (old.visible = 1) != (new.visible = 1) BEGIN
    INSERT INTO category_counts(key, name, count)
        VALUES (new.key, new.name, CASE WHEN new.visible = 1 THEN 1 ELSE -1 END)
        ON CONFLICT (key, name) DO UPDATE SET count = count + excluded.count;
END;
CREATE TRIGGER counts_ad AFTER DELETE ON tip_categories WHEN old.visible = 1 BEGIN
    UPDATE category_counts SET count = count - 1 WHERE key = old.key AND name = old.name;
END;
"""
#: Adds the words of the tips in `word_load` to `words` (or, as `COUNT_WORDS_OUT`, takes them
#: away), then empties it.
COUNT_WORDS_IN = """
    INSERT INTO words(term, doc) SELECT term, doc FROM word_load_vocab WHERE true
        ON CONFLICT (term) DO UPDATE SET doc = doc + excluded.doc;
    INSERT INTO word_load(word_load) VALUES ('delete-all');
"""
COUNT_WORDS_OUT = """
    UPDATE words SET doc = doc - (SELECT v.doc FROM word_load_vocab v WHERE v.term = words.term)
        WHERE term IN (SELECT term FROM word_load_vocab);
    DELETE FROM words WHERE doc <= 0 AND term IN (SELECT term FROM word_load_vocab);
    INSERT INTO word_load(word_load) VALUES ('delete-all');
"""
# Kept apart so that a first build can drop them and fill the full-text index and the word
# counts a batch at a time. A tip's row is inserted before its text, and its text deleted
# before its row (`tips_bd`).
FTS_TRIGGERS = f"""
CREATE TRIGGER fts_ai AFTER INSERT ON texts BEGIN
    INSERT INTO fts(rowid, title, takeaway, blurb, body, tag_text)
        SELECT * FROM fts_text WHERE rowid = new.rowid;
    INSERT INTO word_load(rowid, title, takeaway, blurb, body, tag_text)
        SELECT * FROM fts_text WHERE rowid = new.rowid;
    {COUNT_WORDS_IN.strip()}
END;
CREATE TRIGGER fts_ad AFTER DELETE ON texts BEGIN
    INSERT INTO fts(fts, rowid, title, takeaway, blurb, body, tag_text)
        SELECT 'delete', old.rowid, title, takeaway, tip_text(old.z, 1, d.value),
               tip_text(old.z, 2, d.value), tip_tags(tags)
        FROM tips LEFT JOIN meta d ON d.key = 'zdict' WHERE rowid = old.rowid;
    INSERT INTO word_load(rowid, title, takeaway, blurb, body, tag_text)
        SELECT old.rowid, title, takeaway, tip_text(old.z, 1, d.value), tip_text(old.z, 2, d.value),
               tip_tags(tags)
        FROM tips LEFT JOIN meta d ON d.key = 'zdict' WHERE rowid = old.rowid;
    {COUNT_WORDS_OUT.strip()}
END;
"""
#: deflate's level and the dictionary's size: measured on 100,000 synthetic tips, level 2 with
#: 16 KB packs a tip in 757 bytes as fast as level 4 without one packs it in 1,015; level 3
#: with 32 KB saves 7% more but takes three times as long (a dictionary is read per blob).
LEVEL, DICTIONARY = 2, 16_384


def pack(summary: str, blurb: str, body: str, zdict: bytes | None = None) -> bytes:
    """A tip's long text in one blob: each field as `length:text`, the blurb left out when it
    is the summary (as it is for every tip that has one), then raw deflate primed with the
    index's dictionary (`train`): about 40% of the text's size."""
    import zlib

    fields = (summary, body) if blurb == summary else (summary, body, blurb)
    data = "".join(f"{len(f)}:{f}" for f in fields).encode("utf-8", "surrogatepass")
    if zdict:
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
    else:
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def unpack(z: bytes, zdict: bytes | None = None) -> tuple[str, str, str]:
    """The summary, blurb and body `pack` stored (with the same dictionary)."""
    import zlib

    unpacker = zlib.decompressobj(-15, zdict=zdict) if zdict else zlib.decompressobj(-15)
    text = (unpacker.decompress(z) + unpacker.flush()).decode("utf-8", "surrogatepass")
    fields, at = [], 0
    while at < len(text):
        colon = text.index(":", at)
        size = int(text[at:colon])
        fields.append(text[colon + 1 : colon + 1 + size])
        at = colon + 1 + size
    summary, body = fields[0], fields[1]
    return summary, fields[2] if len(fields) > 2 else summary, body


def zdict(db: sqlite3.Connection) -> bytes | None:
    """The dictionary this index's text is packed with (None: packed without one)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'zdict'").fetchone()
    return bytes(row[0]) if row and row[0] else None


def train(texts: Iterable[str], size: int = DICTIONARY) -> bytes:
    """A deflate dictionary for a library, from a sample of its text: the words that would
    save the most (count x length), seen at least three times, the most valuable last
    (deflate reaches the end of its window most cheaply). Most of what a tip says is in words
    its library keeps using, so each blob refers to them instead of spelling them out: a
    quarter smaller than deflate alone. (Pairs of words as well cost ten times the memory,
    and packed no better in a 16 KB dictionary.)"""
    from collections import Counter

    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text.split(" "))
    chosen, used = [], 0
    for word, seen in sorted(counts.items(), key=lambda kv: kv[1] * (len(kv[0]) + 1), reverse=True):
        if seen < 3:
            break
        data = f" {word}".encode("utf-8", "surrogatepass")
        if used + len(data) <= size:
            chosen.append(data)
            used += len(data)
    return b"".join(reversed(chosen))


class _Unpacked:
    """`tip_text(z, n, zdict)` for SQL (1 the blurb, 2 the body), remembering the last few
    hundred blobs: a row asks for two fields, once per full-text index."""

    KEEP = 300

    def __init__(self) -> None:
        self.seen: dict[bytes, tuple[str, str, str]] = {}

    def __call__(self, z: bytes | None, n: int, zdict: bytes | None) -> str | None:
        if z is None:
            return None
        fields = self.seen.get(z)
        if fields is None:
            if len(self.seen) >= self.KEEP:
                self.seen.clear()
            fields = self.seen[z] = unpack(z, zdict)
        return fields[n]


def _tag_text(tags: str | None) -> str | None:
    """`tip_tags(tags)` for SQL: the tags (a JSON list of strings, as `sync.json_strings`
    writes it) as the full-text index reads them; read without importing `json` (the fast
    route re-reads an edited file with this)."""
    if tags is None:
        return None
    from tipweek.shapes import loads_strings

    return ", ".join(loads_strings(tags))


def _category_key(name: str | None) -> str | None:
    """`category_key(name)` for SQL: a category row's key, from a name in `tips.categories`."""
    from tipweek.text import category_key

    return None if name is None else category_key(name)


def connect(path: Path | str, busy_ms: int = BUSY_MS) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) whose rows read by name,
    waiting at most `busy_ms` for another process's lock (a reader then reads the files)."""
    db = sqlite3.connect(str(path), timeout=busy_ms / 1000, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    # The full-text index reads the text through `fts_text`, which unpacks it with these;
    # a tip's category rows are found from its categories' keys.
    db.create_function("tip_text", 3, _Unpacked(), deterministic=True)
    db.create_function("tip_tags", 1, _tag_text, deterministic=True)
    db.create_function("category_key", 1, _category_key, deterministic=True)
    return db


def statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def writing(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taking the write lock at once (`BEGIN IMMEDIATE`)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()


@contextmanager
def without_waiting(db: sqlite3.Connection) -> Iterator[None]:
    """For writes that are only bookkeeping: skipped, not waited for, while another process
    holds the write lock."""
    (waited,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute("PRAGMA busy_timeout = 50")
    try:
        with suppress(sqlite3.Error):
            yield
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(waited)}")


def reset(db: sqlite3.Connection) -> None:
    """Drop every table and create the current schema, inside the caller's transaction."""
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        db.execute(f'DROP VIEW "{name}"')
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        # Dropping a full-text table drops its shadow tables too: check each is still there.
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone():
            db.execute(f'DROP TABLE "{name}"')
    for statement in statements(DDL + FTS_TRIGGERS):
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def create(db: sqlite3.Connection) -> None:
    """Create the schema (dropping an older one) in one transaction, unless another process
    already did while this one waited for the lock."""
    with writing(db):
        if version(db) != SCHEMA_VERSION:
            reset(db)


def remove_files(path: Path) -> None:
    """Delete an index file and the files SQLite keeps beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
