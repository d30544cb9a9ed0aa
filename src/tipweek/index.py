"""The search index: a SQLite FTS5 cache of every library, kept in the user's cache folder.

It is a cache, never the source of truth: any command may rebuild it from the tip files.
Each command brings it up to date before reading:

* Folders are compared by modification time, so added, removed and renamed files (and the
  atomic saves that most editors and git do) are picked up by the next command at any size.
* Files are compared by modification time and size: all of them when the library has up
  to `CHECK_BUDGET` files, otherwise a rotating slice per command, so that an in-place edit
  in a huge library is seen within a few commands (`tip reindex` forces a full check).

Writers take SQLite's write lock (`BEGIN IMMEDIATE`) and the database runs in WAL mode, so
concurrent commands neither block readers nor corrupt it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from tipweek.errors import TipFileError
from tipweek.library import LibrarySource, Problem, read_tip
from tipweek.model import JSON_KEYS, Tip
from tipweek.store import Category, Filters, canonical_name, newest_bound, oldest_bound, order_key
from tipweek.text import category_key, clean

SCHEMA_VERSION = 6
CHECK_BUDGET = 2500
BULK = 1000  # files to read at once from which a first build bulk-loads and parses in parallel
BUSY_MS = 15_000
PROGRESS_THRESHOLD = 500
BATCH = 500
WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0)  # title, takeaway, summary, body, tags
HIT_START, HIT_END = "\ue000", "\ue001"  # snippet markers; `clean` strips them from tip text

Warn = Callable[[str], None]

_SCHEMA = """
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
_FTS_TRIGGERS = """
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
# The order `_row_to_tip` reads; `t` is `tips`, `x` its row of `texts` (for the body).
_COLUMNS = ", ".join("x.body" if c == "body" else f"t.{c}" for c in (*JSON_KEYS, "path"))
_TEXT = "JOIN texts x ON x.rowid = t.rowid"


def _row_to_tip(row: Sequence[Any]) -> Tip:
    return Tip(
        id=row[0],
        title=row[1],
        date=dt.date.fromisoformat(row[2]) if row[2] else None,
        categories=tuple(json.loads(row[3])),
        summary=row[4],
        takeaway=row[5],
        body=row[6],
        tags=tuple(json.loads(row[7])),
        source=row[8],
        author=row[9],
        excerpt=bool(row[10]),
        path=row[11],
    )


def _index_text(value: str) -> str:
    return clean(value)


class SearchHit(NamedTuple):
    tip: Tip
    score: float
    snippet: str  # with HIT_START/HIT_END around matched words


@dataclass
class _Changes:
    read: list[tuple[int, str, str]]  # (layer, dir, path) to (re)read
    gone: list[str]  # file paths to forget
    dirs: list[tuple[str, int, int, str]]  # (path, layer, mtime_ns, subdirs json) to store
    gone_dirs: list[str]

    def __bool__(self) -> bool:
        return bool(self.read or self.gone or self.dirs or self.gone_dirs)


class Index:
    """A `Store` backed by SQLite; construct with `open_store`."""

    def __init__(self, db: sqlite3.Connection, sources: Sequence[LibrarySource]) -> None:
        self.db = db
        self.sources = list(sources)
        self._problems: list[Problem] | None = None

    # -- keeping it current -------------------------------------------------------------

    def _walk(self, full: bool) -> _Changes:
        """Find what changed on disk since the index last looked."""
        known = {
            row[0]: (row[1], row[2], row[3])
            for row in self.db.execute("SELECT path, layer, mtime_ns, subdirs FROM dirs")
        }
        changes = _Changes([], [], [], [])
        seen: set[str] = set()
        for layer, source in enumerate(self.sources):
            stack = [str(source.path)]
            while stack:
                folder = stack.pop()
                try:
                    mtime = os.stat(folder).st_mtime_ns
                except OSError:
                    continue  # gone (or unreadable): its tips leave the index
                seen.add(folder)
                old = known.get(folder)
                if old and old[0] == layer and old[1] == mtime and not full:
                    stack.extend(json.loads(old[2]))
                    continue
                subdirs = self._diff_folder(layer, folder, changes)
                changes.dirs.append((folder, layer, mtime, json.dumps(subdirs)))
                stack.extend(subdirs)
        changes.gone_dirs = [d for d in known if d not in seen]
        for folder in changes.gone_dirs:
            changes.gone += [r[0] for r in self.db.execute("SELECT path FROM files WHERE dir = ?", (folder,))]
        if not full:
            self._check_files(changes)
        return changes

    def _diff_folder(self, layer: int, folder: str, changes: _Changes) -> list[str]:
        stored = {
            r[0]: (r[1], r[2], r[3])
            for r in self.db.execute("SELECT path, layer, mtime_ns, size FROM files WHERE dir = ?", (folder,))
        }
        subdirs: list[str] = []
        present: set[str] = set()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            entries = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append(entry.path)
                    continue
                if not entry.name.endswith(".toml"):
                    continue
                st = entry.stat()
                stat = (layer, st.st_mtime_ns, st.st_size)
            except OSError:
                stat = (layer, 0, -1)
            present.add(entry.path)
            if stored.get(entry.path) != stat:
                changes.read.append((layer, folder, entry.path))
        changes.gone += [p for p in stored if p not in present]
        return sorted(subdirs)

    def _check_files(self, changes: _Changes) -> None:
        """Compare file times and sizes: all files, or a rotating slice of a large library."""
        (last,) = self.db.execute("SELECT coalesce(max(rowid), 0) FROM files").fetchone()
        slices = max(1, -(-last // CHECK_BUDGET))
        low = 0
        if slices > 1:
            # Each command checks the next slice, so an in-place edit is seen within `slices` commands.
            row = self.db.execute("SELECT value FROM meta WHERE key = 'next_slice'").fetchone()
            turn = int(row[0]) if row and str(row[0]).isdigit() else 0
            low = (turn % slices) * CHECK_BUDGET
            self.db.execute("PRAGMA busy_timeout = 50")  # never wait for this bookkeeping
            with suppress(sqlite3.Error):
                self.db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('next_slice', ?)", (str(turn + 1),)
                )
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        queued = {p for _, _, p in changes.read} | set(changes.gone)
        rows = self.db.execute(
            "SELECT path, layer, dir, mtime_ns, size FROM files WHERE rowid > ? AND rowid <= ?",
            (low, low + CHECK_BUDGET),
        )
        for path, layer, folder, mtime, size in rows:
            if path in queued:
                continue
            try:
                st = os.stat(path)
                current = (st.st_mtime_ns, st.st_size)
            except OSError:
                current = (0, -1)
            if current != (mtime, size):
                changes.read.append((layer, folder, path))

    def refresh(self, *, full: bool = False, progress: bool = False) -> int:
        """Bring the index up to date with the files; returns how many files were re-read."""
        changes = self._walk(full)
        if not changes:
            return 0
        with self._write():
            # Another process may have applied the same changes meanwhile: every step is idempotent.
            self._apply(changes, progress)
        self._problems = None
        return len(changes.read) + len(changes.gone)

    @contextmanager
    def _write(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    def _apply(self, changes: _Changes, progress: bool) -> None:
        bulk = len(changes.read) >= BULK and not self.db.execute("SELECT 1 FROM tips LIMIT 1").fetchone()
        if bulk:
            # A first build: fill the tables, then build both full-text indexes in one pass each.
            self.db.execute("DROP TRIGGER fts_ai")
            self.db.execute("DROP TRIGGER fts_ad")
        touched: set[str] = set()
        for path in changes.gone:
            touched |= self._forget(path)
        self.db.executemany("DELETE FROM dirs WHERE path = ?", [(d,) for d in changes.gone_dirs])
        for layer, folder, path, stat, tip, problem in self._read_files(changes.read, progress):
            if not bulk:
                touched |= self._forget(path)
            self.db.execute(
                "INSERT OR REPLACE INTO files(path, layer, dir, mtime_ns, size, problem, line) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    path,
                    layer,
                    folder,
                    stat[0],
                    stat[1],
                    problem[0] if problem else None,
                    problem[1] if problem else None,
                ),
            )
            if tip is not None:
                self._insert(tip, layer)
                if not bulk:
                    touched.add(tip.id)
        self.db.executemany(
            "INSERT OR REPLACE INTO dirs(path, layer, mtime_ns, subdirs) VALUES (?, ?, ?, ?)", changes.dirs
        )
        if bulk:
            self.db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
            self.db.execute("INSERT INTO words(words) VALUES ('rebuild')")
            for statement in _statements(_FTS_TRIGGERS):
                self.db.execute(statement)
            self._show_winners()
        else:
            self._update_visibility(touched)

    def _read_files(
        self, queue: list[tuple[int, str, str]], progress: bool
    ) -> Iterator[tuple[int, str, str, tuple[int, int], Tip | None, tuple[str, int | None] | None]]:
        bar = _progress(len(queue)) if progress and len(queue) >= PROGRESS_THRESHOLD else None
        done = 0
        try:
            for chunk, results in _parse_all(queue):
                for (layer, folder, path), (stat, tip, problem) in zip(chunk, results, strict=True):
                    yield layer, folder, path, stat, tip, problem
                done += len(chunk)
                if bar:
                    bar.update(done)
        finally:
            if bar:
                bar.stop()

    def _forget(self, path: str) -> set[str]:
        ids = {r[0] for r in self.db.execute("SELECT id FROM tips WHERE path = ?", (path,))}
        self.db.execute("DELETE FROM tips WHERE path = ?", (path,))
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        return ids

    def _insert(self, tip: Tip, layer: int) -> None:
        order = order_key(tip)
        cur = self.db.execute(
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
        self.db.execute(
            "INSERT INTO texts(rowid, title, takeaway, blurb, body, tag_text) VALUES (?, ?, ?, ?, ?, ?)",
            (cur.lastrowid, tip.title, tip.takeaway, _index_text(tip.blurb), tip.body, ", ".join(tip.tags)),
        )
        self.db.executemany(
            "INSERT INTO tip_categories(tip, key, name, ord) VALUES (?, ?, ?, ?)",
            [(cur.lastrowid, category_key(c), c, order) for c in tip.categories],
        )

    def _update_visibility(self, ids: Iterable[str]) -> None:
        """Of the tips sharing an id, only the one in the highest layer (first path) is shown."""
        for tip_id in ids:
            winner = self.db.execute(
                "SELECT rowid FROM tips WHERE id = ? ORDER BY layer DESC, path LIMIT 1", (tip_id,)
            ).fetchone()
            self.db.execute(
                "UPDATE tips SET visible = (rowid = ?) WHERE id = ? AND visible != (rowid = ?)",
                (winner[0] if winner else 0, tip_id, winner[0] if winner else 0),
            )

    def _show_winners(self) -> None:
        """`_update_visibility` for every id at once, after a first build."""
        self.db.execute(
            "UPDATE tips SET visible = 1 WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() "
            "OVER (PARTITION BY id ORDER BY layer DESC, path) AS n FROM tips) WHERE n = 1)"
        )

    # -- reading ------------------------------------------------------------------------

    @property
    def problems(self) -> list[Problem]:
        if self._problems is None:
            self._problems = [
                Problem(p, line, msg)
                for p, msg, line in self.db.execute(
                    "SELECT path, problem, line FROM files WHERE problem IS NOT NULL ORDER BY path"
                )
            ]
        return self._problems

    def _from(self, filters: Filters, *, eligible_on: dt.date | None = None) -> tuple[str, list[Any], str]:
        """FROM and WHERE for tips passing `filters` (as `t`), and the column that orders them.

        Date ranges become ranges of the order key, so every list is read in index order."""
        if filters.category:
            sql, args, order = (
                "tip_categories c JOIN tips t ON t.rowid = c.tip WHERE c.key = ? AND c.visible = 1",
                [filters.category],
                "c.ord",
            )
        else:
            sql, args, order = "tips t WHERE t.visible = 1", [], "t.ord"
        if filters.until:
            sql += f" AND {order} >= ? AND {order} < '1'"
            args.append(newest_bound(filters.until))
        if filters.since:
            sql += f" AND {order} < ?"
            args.append(oldest_bound(filters.since))
        if eligible_on:
            sql += f" AND {order} >= ?"
            args.append(newest_bound(eligible_on))
        return sql, args, order

    def _rows(
        self, filters: Filters, tail: str, args: Sequence[Any], eligible_on: dt.date | None = None
    ) -> list[Tip]:
        sql, where_args, order = self._from(filters, eligible_on=eligible_on)
        sql = sql.replace(" WHERE ", f" {_TEXT} WHERE ", 1)
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM {sql} ORDER BY {order} {tail}", [*where_args, *args])
        return [_row_to_tip(r) for r in rows]

    def _count(self, filters: Filters, eligible_on: dt.date | None = None) -> int:
        sql, args, _ = self._from(filters, eligible_on=eligible_on)
        if filters.category:  # the category table alone answers: no need to visit the tips
            sql = sql.replace("tip_categories c JOIN tips t ON t.rowid = c.tip", "tip_categories c", 1)
        return int(self.db.execute(f"SELECT count(*) FROM {sql}", args).fetchone()[0])

    def tips(self, filters: Filters = Filters(), limit: int | None = None) -> list[Tip]:
        return self._rows(filters, "LIMIT ?", [-1 if limit is None else limit])

    def count(self, filters: Filters = Filters()) -> int:
        return self._count(filters)

    def categories(self) -> list[Category]:
        spellings: dict[str, dict[str, int]] = {}
        for key, name, count in self.db.execute(
            "SELECT key, name, count FROM category_counts WHERE count > 0"
        ):
            spellings.setdefault(key, {})[name] = count
        from collections import Counter

        return [Category(k, canonical_name(Counter(v)), sum(v.values())) for k, v in spellings.items() if k]

    def dated_between(self, start: dt.date, end: dt.date, category: str | None) -> list[Tip]:
        return self.tips(Filters(category, start, end))

    def eligible_count(self, as_of: dt.date, category: str | None) -> int:
        return self._count(Filters(category), eligible_on=as_of)

    def eligible_at(self, as_of: dt.date, category: str | None, position: int) -> Tip:
        return self._rows(Filters(category), "LIMIT 1 OFFSET ?", [position], eligible_on=as_of)[0]

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM tips WHERE visible = 1")]

    def ids_with_prefix(self, prefix: str, limit: int = 50) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM tips WHERE +visible = 1 AND id >= ? AND id < ? ORDER BY id LIMIT ?",
                (prefix, prefix + "\U0010ffff", limit),
            )
        ]

    def get_exact(self, tip_id: str) -> Tip | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM tips t {_TEXT} WHERE +t.visible = 1 AND t.id = ?", (tip_id,)
        ).fetchone()
        return _row_to_tip(row) if row else None

    def blocks(self, tip: Tip) -> list[Any] | None:
        """The parsed body, cached in the index the first time a tip is shown."""
        row = self.db.execute(
            "SELECT x.blocks FROM tips t JOIN texts x ON x.rowid = t.rowid WHERE t.path = ?", (tip.path,)
        ).fetchone()
        if row and row[0]:
            return list(json.loads(row[0]))
        from tipweek.mdblocks import parse

        blocks = parse(tip.body)
        # Only a cache: never wait for another process's write lock to store it.
        self.db.execute("PRAGMA busy_timeout = 50")
        with suppress(sqlite3.Error):
            self.db.execute(
                "UPDATE texts SET blocks = ? WHERE rowid = (SELECT rowid FROM tips WHERE path = ?)",
                (json.dumps(blocks), tip.path),
            )
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        return blocks

    # -- searching ----------------------------------------------------------------------

    def search(
        self,
        expression: str,
        filters: Filters = Filters(),
        limit: int | None = 20,
        exclude: str | None = None,
        weights: Sequence[float] = WEIGHTS,
    ) -> list[SearchHit]:
        """Ranked matches. Ranking sorts only row ids and scores; whole rows and snippets are
        read for the few tips shown."""
        sql = "fts JOIN tips t ON t.rowid = fts.rowid WHERE fts MATCH ? AND t.visible = 1"
        args: list[Any] = [expression]
        if filters.category:
            sql += " AND t.rowid IN (SELECT tip FROM tip_categories WHERE key = ? AND visible = 1)"
            args.append(filters.category)
        if filters.until:
            sql += " AND t.ord >= ? AND t.ord < '1'"
            args.append(newest_bound(filters.until))
        if filters.since:
            sql += " AND t.ord < ?"
            args.append(oldest_bound(filters.since))
        if exclude:
            sql += " AND t.id != ?"
            args.append(exclude)
        bm25 = f"bm25(fts, {', '.join(str(float(w)) for w in weights)})"
        wanted = -1 if limit is None else limit
        if not (filters.category or filters.until or filters.since or exclude) and limit is not None:
            # Fast path: rank inside the full-text index alone, with spare rows in case some are
            # hidden by a tip with the same id in a later library. Exact whenever enough of the
            # fetched rows are shown, or every match was fetched.
            fetch = 2 * limit + 10
            ranked = self.db.execute(
                f"SELECT rowid, {bm25} AS score FROM fts WHERE fts MATCH ? ORDER BY score LIMIT ?",
                (expression, fetch),
            ).fetchall()
            shown = [h for h in self._hits(expression, ranked) if h[0]]
            if len(shown) >= limit or len(ranked) < fetch:
                return [h[1] for h in sorted(shown, key=lambda h: (-h[1].score, h[2]))][:limit]
        ranked = self.db.execute(
            f"SELECT t.rowid, {bm25} AS score FROM {sql} ORDER BY score, t.ord LIMIT ?", [*args, wanted]
        ).fetchall()
        return [h[1] for h in self._hits(expression, ranked)]

    def _hits(
        self, expression: str, ranked: Sequence[tuple[int, float]]
    ) -> list[tuple[bool, SearchHit, str]]:
        """Whole rows and snippets for ranked row ids, in rank order: (visible, hit, order key)."""
        if not ranked:
            return []
        marks = ", ".join("?" * len(ranked))
        details = {
            r[0]: r[1:]
            for r in self.db.execute(
                f"SELECT t.rowid, t.visible, t.ord, {_COLUMNS}, "
                f"snippet(fts, -1, '{HIT_START}', '{HIT_END}', '…', 14) "
                f"FROM fts JOIN tips t ON t.rowid = fts.rowid {_TEXT} "
                f"WHERE fts MATCH ? AND t.rowid IN ({marks})",
                [expression, *(r[0] for r in ranked)],
            )
        }
        return [
            (
                bool(details[rowid][0]),
                SearchHit(_row_to_tip(details[rowid][2:]), -float(score), str(details[rowid][14])),
                str(details[rowid][1]),
            )
            for rowid, score in ranked
            if rowid in details
        ]

    def similar(self, tip: Tip, limit: int = 3, terms: int = 5, candidates: int = 10) -> list[Tip]:
        """More like this: tips sharing this one's most telling words (its tags, its most
        repeated body words, its title), ranked by BM25. Only words that a minority of tips
        use are searched for: they say more, and keep the search small in a large library."""
        counts: dict[str, int] = {}
        for word in _words(tip.body):
            if word not in _STOP and len(word) > 3:
                counts[word] = counts.get(word, 0) + 1
        repeated = sorted(counts, key=lambda w: (-counts[w], w))
        picked: list[str] = []
        for word in [*_words(" ".join(tip.tags)), *repeated[:3], *_words(tip.title), *repeated[3:]]:
            if word not in _STOP and len(word) > 3 and word not in picked:
                picked.append(word)
            if len(picked) == candidates:
                break
        (size,) = self.db.execute("SELECT coalesce(max(rowid), 0) FROM tips").fetchone()
        telling = []
        for word in picked:
            query = f'"{word}"'
            # Counting stops early: all that matters is whether the word is rare enough.
            (used,) = self.db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)", (query, size // 10 + 2)
            ).fetchone()
            if 2 <= used <= size // 10 + 1 or size < 50:
                telling.append(query)
            if len(telling) == terms:
                break
        if not telling:
            return []
        try:
            hits = self.search(" OR ".join(telling), limit=limit, exclude=tip.id, weights=(3, 1, 1, 1, 3))
        except sqlite3.Error:
            return []
        return [h.tip for h in hits]

    def suggest(self, words: Iterable[str], limit: int = 3) -> list[str]:
        """Words the library does contain that are close to ones it does not."""
        import difflib

        found: list[str] = []
        for word in words:
            if self.db.execute("SELECT 1 FROM words_vocab WHERE term = ?", (word,)).fetchone():
                continue
            candidates = [
                r[0]
                for r in self.db.execute(
                    "SELECT term FROM words_vocab "
                    "WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
                    (word[:1], word[:1] + "\U0010ffff", len(word) - 2, len(word) + 3),
                )
            ]
            found += [
                c for c in difflib.get_close_matches(word, candidates, n=limit, cutoff=0.7) if c not in found
            ]
        return found[:limit]


_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
    ]
)


Parsed = tuple[tuple[int, int], Tip | None, tuple[str, int | None] | None]
CHUNK = 250


def _parse_one(path: str) -> Parsed:
    try:
        st = os.stat(path)
        stat = (st.st_mtime_ns, st.st_size)
    except OSError:
        stat = (0, -1)
    try:
        return stat, read_tip(Path(path)), None
    except TipFileError as error:
        return stat, None, (error.problem, error.line)


def _parse_chunk(paths: list[str]) -> list[Parsed]:
    return [_parse_one(p) for p in paths]


Queued = tuple[int, str, str]  # layer, folder, path


def _parse_all(queue: list[Queued]) -> Iterator[tuple[list[Queued], list[Parsed]]]:
    """Parse tip files in order, in chunks; a first build parses in worker processes, as many
    as there are cores, with a bounded number of chunks in flight (memory stays flat)."""
    chunks = [queue[i : i + CHUNK] for i in range(0, len(queue), CHUNK)]
    workers = min(os.cpu_count() or 1, 4)
    if len(queue) < BULK or workers < 2:
        for chunk in chunks:
            yield chunk, _parse_chunk([p for *_, p in chunk])
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        pending: deque[tuple[list[Queued], Future[list[Parsed]]]] = deque()
        todo = iter(chunks)
        for chunk in todo:
            pending.append((chunk, pool.submit(_parse_chunk, [p for *_, p in chunk])))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def _words(text: str) -> list[str]:
    import re

    from tipweek.text import fold

    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 2]


def _progress(total: int) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("indexing tips"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    )
    task = bar.add_task("index", total=total)
    bar.start()

    class _Bar:
        def update(self, n: int) -> None:
            bar.update(task, completed=n)

        def stop(self) -> None:
            bar.stop()

    return _Bar()


def index_path(cache_dir: Path, sources: Sequence[LibrarySource]) -> Path:
    """One index per set of libraries, so `--library` never mixes with the default set."""
    key = "\n".join(f"{s.name}\t{s.path.absolute()}" for s in sources)
    import zlib

    data = key.encode()
    return cache_dir / f"index-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.sqlite3"


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=15, isolation_level=None, check_same_thread=False)
    db.isolation_level = None
    db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    return db


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


def _create(db: sqlite3.Connection) -> None:
    """Create the schema (dropping an older one) in one transaction, unless another process
    already did while this one waited for the lock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall():
                if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone():
                    db.execute(f'DROP TABLE "{name}"')
            for statement in _statements(_SCHEMA + _FTS_TRIGGERS):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def open_index(path: Path, sources: Sequence[LibrarySource], *, warn: Warn) -> Index:
    """Open (creating, upgrading or replacing a corrupt file as needed) the index at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        db = _connect(path)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            # A cache: after a power cut it may lose its last update (and re-read those files),
            # but it is never corrupted, and commits need no fsync.
            db.execute("PRAGMA synchronous = NORMAL")
            if version != SCHEMA_VERSION:
                if version:
                    warn("the search index is from another version of tip; rebuilding it")
                db.execute("PRAGMA journal_mode = WAL")
                _create(db)
            else:
                db.execute("SELECT count(*) FROM meta").fetchone()
            return Index(db, sources)
        except sqlite3.DatabaseError as error:
            db.close()
            if attempt or (isinstance(error, sqlite3.OperationalError) and "locked" in str(error)):
                raise
            warn(f"the search index was damaged ({error}); rebuilding it")
            _remove_db(path)
    raise AssertionError("unreachable")


def open_store(
    sources: Sequence[LibrarySource],
    cache_dir: Path,
    *,
    warn: Warn,
    progress: bool = False,
    full: bool = False,
) -> Any:
    """The index over `sources`, brought up to date; or the files read into memory when the
    cache folder cannot be used (read-only, full, locked for too long)."""
    path = index_path(cache_dir, sources)
    try:
        index = open_index(path, sources, warn=warn)
        try:
            index.refresh(progress=progress, full=full)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and (
                "locked" in str(error) or "readonly" in str(error) or "read-only" in str(error)
            ):
                raise
            index.db.close()
            warn(f"the search index was damaged ({error}); rebuilding it")
            _remove_db(path)
            index = open_index(path, sources, warn=warn)
            index.refresh(progress=progress, full=True)
        return index
    except (sqlite3.Error, OSError) as error:
        warn(f"cannot use the search index in {cache_dir} ({error}); reading the tip files directly")
        return memory_index(sources, progress=progress)


def memory_index(sources: Sequence[LibrarySource], *, progress: bool = False) -> Index:
    """An index held in memory for this one command."""
    db = _connect(":memory:")
    _create(db)
    index = Index(db, sources)
    index.refresh(progress=progress, full=True)
    return index
