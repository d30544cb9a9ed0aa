"""Reading tips out of the index: every list, count and lookup.

All filtering goes through `where_for`, so the same filters mean the same rows in every
command, and rows are read by column name (`row_to_tip`), never by position.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import Any

from tipweek.index.schema import unpack, without_waiting
from tipweek.library import Problem
from tipweek.model import JSON_KEYS, Tip
from tipweek.store import Category, Filters, canonical_name, newest_bound, oldest_bound

#: A tip's columns, as `row_to_tip` reads them: `t` is `tips`, `f` its file and `x` its
#: packed text (`TEXT` joins them).
COLUMNS = (
    ", ".join(f"t.{c}" for c in JSON_KEYS if c not in ("summary", "body")) + ", f.path AS path, x.z AS z"
)
TEXT = "JOIN files f ON f.rowid = t.rowid JOIN texts x ON x.rowid = t.rowid"


def row_to_tip(row: sqlite3.Row) -> Tip:
    summary, _, body, _ = unpack(row["z"])
    return Tip(
        id=row["id"],
        title=row["title"],
        date=dt.date.fromisoformat(row["date"]) if row["date"] else None,
        categories=tuple(json.loads(row["categories"])),
        summary=summary,
        takeaway=row["takeaway"],
        body=body,
        tags=tuple(json.loads(row["tags"])),
        source=row["source"],
        author=row["author"],
        excerpt=bool(row["excerpt"]),
        path=row["path"],
    )


def tables_for(filters: Filters) -> tuple[str, str]:
    """What to read tips passing `filters` from (tips as `t`), and the alias whose `ord`
    orders them: a category's own rows when there is a category, so lists read in index order."""
    if filters.category:
        return "tip_categories c JOIN tips t ON t.rowid = c.tip", "c"
    return "tips t", "t"


def where_for(
    filters: Filters, *, on: str = "t", eligible_on: dt.date | None = None, exclude: str | None = None
) -> tuple[str, list[Any]]:
    """The WHERE condition and its arguments for the shown tips passing `filters`.

    `on` is the alias of the rows read: `c` (a category's rows, see `tables_for`) or `t`.
    Date ranges become ranges of the order key, so every list is read in index order."""
    if on == "c":
        sql, args = "c.key = ? AND c.visible = 1", [filters.category]
    else:
        sql, args = "t.visible = 1", []
        if filters.category:
            sql += " AND t.rowid IN (SELECT tip FROM tip_categories WHERE key = ? AND visible = 1)"
            args.append(filters.category)
    # One range of the order key: its lower bound, and one upper bound (the start of the
    # undated keys, '1', when there is no `since`), so the index is read from one end.
    if filters.until:
        sql += f" AND {on}.ord >= ?"
        args.append(newest_bound(filters.until))
    if filters.since:
        sql += f" AND {on}.ord < ?"
        args.append(oldest_bound(filters.since))
    elif filters.until:
        sql += f" AND {on}.ord < '1'"
    if eligible_on:
        sql += f" AND {on}.ord >= ?"
        args.append(newest_bound(eligible_on))
    if exclude:
        sql += " AND t.id != ?"
        args.append(exclude)
    return sql, args


def rows(
    db: sqlite3.Connection,
    filters: Filters,
    tail: str,
    args: Sequence[Any],
    eligible_on: dt.date | None = None,
) -> list[Tip]:
    """Tips passing `filters`, in order, with `tail` (LIMIT/OFFSET) applied."""
    tables, on = tables_for(filters)
    where, where_args = where_for(filters, on=on, eligible_on=eligible_on)
    found = db.execute(
        f"SELECT {COLUMNS} FROM {tables} {TEXT} WHERE {where} ORDER BY {on}.ord {tail}",
        [*where_args, *args],
    )
    return [row_to_tip(r) for r in found]


def nth(db: sqlite3.Connection, filters: Filters, position: int, eligible_on: dt.date | None) -> Tip:
    """The tip at `position` in order: counted in the narrow order index alone (a category's
    own rows when there is one), then only that one row is read."""
    on = "c" if filters.category else "t"
    where, args = where_for(filters, on=on, eligible_on=eligible_on)
    table, key = ("tip_categories c", "c.tip") if on == "c" else ("tips t", "t.rowid")
    (rowid,) = db.execute(
        f"SELECT {key} FROM {table} WHERE {where} ORDER BY {on}.ord LIMIT 1 OFFSET ?", [*args, position]
    ).fetchone()
    row = db.execute(f"SELECT {COLUMNS} FROM tips t {TEXT} WHERE t.rowid = ?", (rowid,)).fetchone()
    return row_to_tip(row)


def count(db: sqlite3.Connection, filters: Filters, eligible_on: dt.date | None = None) -> int:
    # With a category, its own rows answer alone: no need to visit the tips.
    tables = "tip_categories c" if filters.category else "tips t"
    where, args = where_for(filters, on="c" if filters.category else "t", eligible_on=eligible_on)
    return int(db.execute(f"SELECT count(*) FROM {tables} WHERE {where}", args).fetchone()[0])


def problems(db: sqlite3.Connection) -> list[Problem]:
    return [
        Problem(r["path"], r["line"], r["problem"])
        for r in db.execute("SELECT path, problem, line FROM files WHERE problem IS NOT NULL ORDER BY path")
    ]


def categories(db: sqlite3.Connection) -> list[Category]:
    spellings: dict[str, Counter[str]] = {}
    for r in db.execute("SELECT key, name, count FROM category_counts WHERE count > 0"):
        spellings.setdefault(r["key"], Counter())[r["name"]] = r["count"]
    return [Category(k, canonical_name(v), sum(v.values())) for k, v in spellings.items() if k]


def ids(db: sqlite3.Connection) -> list[str]:
    return [r["id"] for r in db.execute("SELECT id FROM tips WHERE visible = 1")]


def ids_with_prefix(db: sqlite3.Connection, prefix: str, limit: int) -> list[str]:
    return [
        r["id"]
        for r in db.execute(
            "SELECT id FROM tips WHERE +visible = 1 AND id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit),
        )
    ]


def get_exact(db: sqlite3.Connection, tip_id: str) -> Tip | None:
    row = db.execute(
        f"SELECT {COLUMNS} FROM tips t {TEXT} WHERE +t.visible = 1 AND t.id = ?", (tip_id,)
    ).fetchone()
    return row_to_tip(row) if row else None


def blocks(db: sqlite3.Connection, tip: Tip) -> list[Any]:
    """The parsed body, cached in the index the first time a tip is shown."""
    row = db.execute(
        "SELECT b.parsed FROM files f JOIN blocks b ON b.rowid = f.rowid WHERE f.path = ?", (tip.path,)
    ).fetchone()
    if row:
        return list(json.loads(row["parsed"]))
    from tipweek.mdblocks import parse

    parsed = parse(tip.body)
    with without_waiting(db):  # only a cache: never wait for another process's write lock
        db.execute(
            "INSERT OR REPLACE INTO blocks(rowid, parsed) "
            "SELECT t.rowid, ? FROM files f JOIN tips t ON t.rowid = f.rowid WHERE f.path = ?",
            (json.dumps(parsed), tip.path),
        )
    return parsed
