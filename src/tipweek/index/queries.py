"""Reading tips out of the index: every list, count and lookup.

Every statement comes from `where` (so the same filters mean the same rows in every command
and in the fast route), and rows are read by column name (`row_to_tip`), never by position.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tipweek.index.schema import unpack, without_waiting, zdict
from tipweek.index.where import COLUMNS, FILE_AT, TEXT, TIP_SQL, count_sql, nth_sql, rows_sql
from tipweek.model import Tip

if TYPE_CHECKING:  # the fast route draws a tip with this module: not the library's modules
    from tipweek.library import Problem
    from tipweek.store import Category, Filters


def row_to_tip(row: sqlite3.Row, packed_with: bytes | None) -> Tip:
    """A whole tip from a row of `COLUMNS`; `packed_with` is the index's `zdict`."""
    summary, _, body = unpack(row["z"], packed_with)
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
        publisher=row["publisher"] or "",
        added=dt.date.fromisoformat(row["added"]) if row["added"] else None,
        path=row["path"],
    )


def rows(
    db: sqlite3.Connection,
    filters: Filters,
    tail: str,
    args: Sequence[Any],
    eligible_on: dt.date | None = None,
) -> list[Tip]:
    """Tips passing `filters`, in order, with `tail` (LIMIT/OFFSET) applied."""
    sql, where_args = rows_sql(filters, tail, eligible_on)
    packed_with = zdict(db)
    return [row_to_tip(r, packed_with) for r in db.execute(sql, [*where_args, *args])]


def nth(db: sqlite3.Connection, filters: Filters, position: int, eligible_on: dt.date | None) -> Tip:
    """The tip at `position` in order: found in the narrow order index, then one row read."""
    (rowid,) = db.execute(*nth_sql(filters, position, eligible_on)).fetchone()
    return row_to_tip(db.execute(TIP_SQL, (rowid,)).fetchone(), zdict(db))


def count(db: sqlite3.Connection, filters: Filters, eligible_on: dt.date | None = None) -> int:
    return int(db.execute(*count_sql(filters, eligible_on)).fetchone()[0])


def problems(db: sqlite3.Connection) -> list[Problem]:
    from tipweek.library import Problem

    return [
        Problem(r["path"], r["line"], r["problem"])
        for r in db.execute(
            "SELECT d.path || f.name AS path, f.problem, f.line FROM files f JOIN dirs d ON d.id = f.dir "
            "WHERE f.problem IS NOT NULL ORDER BY path"
        )
    ]


def categories(db: sqlite3.Connection) -> list[Category]:
    from tipweek.store import Category, canonical_name

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


def holders(db: sqlite3.Connection, tip_id: str) -> list[tuple[int, str]]:
    """Every (layer, path) holding a tip with this id, in reading order (the last one wins)."""
    return [
        (r["layer"], r["path"])
        for r in db.execute(
            "SELECT t.layer, d.path || f.name AS path FROM tips t JOIN files f ON f.rowid = t.rowid "
            "JOIN dirs d ON d.id = f.dir WHERE t.id = ? ORDER BY t.layer, path DESC",
            (tip_id,),
        )
    ]


def get_exact(db: sqlite3.Connection, tip_id: str) -> Tip | None:
    row = db.execute(
        f"SELECT {COLUMNS} FROM tips t {TEXT} WHERE +t.visible = 1 AND t.id = ?", (tip_id,)
    ).fetchone()
    return row_to_tip(row, zdict(db)) if row else None


def blocks(db: sqlite3.Connection, tip: Tip) -> list[Any]:
    """The parsed body, cached in the index the first time a tip is shown."""
    row = db.execute(f"SELECT b.parsed FROM blocks b WHERE b.rowid = ({FILE_AT})", (tip.path,)).fetchone()
    if row:
        return list(json.loads(row["parsed"]))
    from tipweek.mdblocks import parse

    parsed = parse(tip.body)
    with without_waiting(db):  # only a cache: never wait for another process's write lock
        db.execute(
            f"INSERT OR REPLACE INTO blocks(rowid, parsed) SELECT t.rowid, ?2 FROM tips t "
            f"WHERE t.rowid = ({FILE_AT})",
            (tip.path, json.dumps(parsed)),
        )
    return parsed
