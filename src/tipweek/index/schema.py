"""The index's tables, its version, connecting, and replacing an older or damaged file.

The index is a cache, so its only migration is to start again: a file from another version
is emptied and rebuilt from the tip files.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

SCHEMA_VERSION = 6
BUSY_MS = 15_000

DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE dirs(path TEXT PRIMARY KEY, layer INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                  subdirs TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, layer INTEGER NOT NULL, dir TEXT NOT NULL,
                   mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, problem TEXT, line INTEGER);
CREATE INDEX files_dir ON files(dir);
CREATE INDEX files_problems ON files(path) WHERE problem IS NOT NULL;
-- Narrow rows (many to a page), so ranking and filtering thousands of tips stays fast;
-- the long text lives in `texts`, which is also the full-text indexes' content.
CREATE TABLE tips(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, layer INTEGER NOT NULL, path TEXT NOT NULL UNIQUE,
    visible INTEGER NOT NULL DEFAULT 0, ord TEXT NOT NULL, title TEXT, date TEXT, categories TEXT,
    summary TEXT, takeaway TEXT, tags TEXT, source TEXT, author TEXT, excerpt INTEGER);
CREATE TABLE texts(rowid INTEGER PRIMARY KEY, title TEXT, takeaway TEXT, blurb TEXT, body TEXT,
                   tag_text TEXT, blocks TEXT);
CREATE INDEX tips_id ON tips(id, layer);
CREATE INDEX tips_order ON tips(visible, ord);
CREATE TABLE tip_categories(tip INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,
                            visible INTEGER NOT NULL DEFAULT 0, ord TEXT NOT NULL);
CREATE INDEX tip_categories_order ON tip_categories(key, visible, ord);
CREATE INDEX tip_categories_tip ON tip_categories(tip);
CREATE TABLE category_counts(key TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL,
                             PRIMARY KEY (key, name));
CREATE VIRTUAL TABLE fts USING fts5(title, takeaway, blurb, body, tag_text, content='texts',
    content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE words USING fts5(title, takeaway, blurb, body, tag_text, content='texts',
    content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', detail='none');
CREATE VIRTUAL TABLE words_vocab USING fts5vocab(words, 'row');
CREATE TRIGGER tips_visible AFTER UPDATE OF visible ON tips WHEN old.visible != new.visible BEGIN
    UPDATE tip_categories SET visible = new.visible WHERE tip = new.rowid;
END;
CREATE TRIGGER tips_ad AFTER DELETE ON tips BEGIN
    DELETE FROM tip_categories WHERE tip = old.rowid;
    DELETE FROM texts WHERE rowid = old.rowid;
END;
CREATE TRIGGER counts_au AFTER UPDATE OF visible ON tip_categories WHEN old.visible != new.visible BEGIN
    INSERT INTO category_counts(key, name, count)
        VALUES (new.key, new.name, CASE WHEN new.visible THEN 1 ELSE -1 END)
        ON CONFLICT (key, name) DO UPDATE SET count = count + excluded.count;
END;
CREATE TRIGGER counts_ad AFTER DELETE ON tip_categories WHEN old.visible BEGIN
    UPDATE category_counts SET count = count - 1 WHERE key = old.key AND name = old.name;
END;
"""
# Kept apart so that a first build can drop them, bulk-insert, and rebuild both indexes at once.
FTS_TRIGGERS = """
CREATE TRIGGER fts_ai AFTER INSERT ON texts BEGIN
    INSERT INTO fts(rowid, title, takeaway, blurb, body, tag_text)
        VALUES (new.rowid, new.title, new.takeaway, new.blurb, new.body, new.tag_text);
    INSERT INTO words(rowid, title, takeaway, blurb, body, tag_text)
        VALUES (new.rowid, new.title, new.takeaway, new.blurb, new.body, new.tag_text);
END;
CREATE TRIGGER fts_ad AFTER DELETE ON texts BEGIN
    INSERT INTO fts(fts, rowid, title, takeaway, blurb, body, tag_text)
        VALUES ('delete', old.rowid, old.title, old.takeaway, old.blurb, old.body, old.tag_text);
    INSERT INTO words(words, rowid, title, takeaway, blurb, body, tag_text)
        VALUES ('delete', old.rowid, old.title, old.takeaway, old.blurb, old.body, old.tag_text);
END;
"""


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) whose rows read by name."""
    db = sqlite3.connect(str(path), timeout=15, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
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
    db.execute("PRAGMA busy_timeout = 50")
    try:
        with suppress(sqlite3.Error):
            yield
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")


def reset(db: sqlite3.Connection) -> None:
    """Drop every table and create the current schema, inside the caller's transaction."""
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
