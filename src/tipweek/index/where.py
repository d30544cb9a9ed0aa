"""Every filter as SQL, and the statements every list, count and pick is read with.

All filtering goes through `where_for`, so the same filters mean the same rows in every
command, the fast route's included: this module imports nothing but `order`, so the fast
route (`tipweek.cli.fast`) reads with exactly these statements.
"""

from __future__ import annotations

import datetime as dt

from tipweek.order import newest_bound, oldest_bound

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from tipweek.store import Filters

#: The columns of a whole tip: `t` is `tips`, `f` its file, `d` the file's folder and `x` its
#: packed text (`TEXT` joins them). `queries.row_to_tip` and the fast route read rows by these
#: names; `z` unpacks with the index's dictionary (`schema.unpack`, `schema.zdict`).
COLUMNS = (
    "t.id, t.title, t.date, t.categories, t.takeaway, t.tags, t.source, t.author, t.excerpt, "
    "t.publisher, t.added, d.path || f.name AS path, x.z AS z"
)
SHOWN, HIDDEN = 1, 2  # values of `tips.visible`; 0: replaced by a tip with the same id
TEXT = "JOIN files f ON f.rowid = t.rowid JOIN dirs d ON d.id = f.dir JOIN texts x ON x.rowid = t.rowid"
#: The row id of the file at a path (?1): its folder is the one whose path starts it.
FILE_AT = (
    "SELECT f.rowid FROM dirs d JOIN files f ON f.dir = d.id AND f.name = substr(?1, length(d.path) + 1) "
    "WHERE substr(?1, 1, length(d.path)) = d.path"
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
    """The WHERE condition and its arguments for the shown tips passing `filters`: the one
    place that decides what every list, count, search and pick may see.

    `on` is the alias of the rows read: `c` (a category's rows, see `tables_for`) or `t`.
    Date ranges become ranges of the order key, so every list is read in index order.
    `filters.hidden` reads the hidden tips instead; `filters.whole` leaves excerpts out; and
    `eligible_on` keeps what the rotation may deliver in a period starting that day (see
    `store.deliverable_on`): whole tips, dated by then, added before then."""
    state = HIDDEN if filters.hidden else SHOWN
    if on == "c":
        sql, args = "c.key = ? AND c.visible = ?", [filters.category, state]
    else:
        sql, args = "t.visible = ?", [state]
        if filters.category:
            sql += " AND t.rowid IN (SELECT tip FROM tip_categories WHERE key = ? AND visible = ?)"
            args += [filters.category, state]
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
    if filters.whole or eligible_on:
        sql += f" AND {on}.excerpt = 0"
    if eligible_on and not filters.new_too:
        sql += f" AND {on}.added < ?"
        args.append(eligible_on.isoformat())
    if exclude:
        sql += " AND t.id != ?"
        args.append(exclude)
    return sql, args


def rows_sql(filters: Filters, tail: str, eligible_on: dt.date | None = None) -> tuple[str, list[Any]]:
    """Whole tips passing `filters`, in order, with `tail` (its LIMIT) appended."""
    tables, on = tables_for(filters)
    where, args = where_for(filters, on=on, eligible_on=eligible_on)
    return f"SELECT {COLUMNS} FROM {tables} {TEXT} WHERE {where} ORDER BY {on}.ord {tail}", args


def count_sql(filters: Filters, eligible_on: dt.date | None = None) -> tuple[str, list[Any]]:
    """How many tips pass: with a category, its own rows answer alone (no tip is visited)."""
    on = "c" if filters.category else "t"
    where, args = where_for(filters, on=on, eligible_on=eligible_on)
    return f"SELECT count(*) FROM {'tip_categories c' if on == 'c' else 'tips t'} WHERE {where}", args


def nth_sql(filters: Filters, position: int, eligible_on: dt.date | None) -> tuple[str, list[Any]]:
    """The row id of the tip at `position` in order, counted in the narrow order index alone
    (a category's own rows when there is one); `tip_sql` then reads that one row."""
    on = "c" if filters.category else "t"
    where, args = where_for(filters, on=on, eligible_on=eligible_on)
    table, key = ("tip_categories c", "c.tip") if on == "c" else ("tips t", "t.rowid")
    return f"SELECT {key} FROM {table} WHERE {where} ORDER BY {on}.ord LIMIT 1 OFFSET ?", [*args, position]


TIP_SQL = f"SELECT {COLUMNS} FROM tips t {TEXT} WHERE t.rowid = ?"


def hidden_ids(db: sqlite3.Connection) -> frozenset[str]:
    """The ids on the hidden list the index holds (`tips.visible` is `HIDDEN` for them)."""
    return frozenset(r[0] for r in db.execute("SELECT id FROM hidden"))
