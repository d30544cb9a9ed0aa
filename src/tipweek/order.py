"""The one order of every list, as a string the index keeps in a B-tree: newest first, ties
by id, then undated tips by title. Only `datetime`: the fast route computes bounds too."""

from __future__ import annotations

import datetime as dt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tipweek.model import Tip
    from tipweek.tipfile import Fields


def _inverted(day: dt.date) -> int:
    return 99991231 - (day.year * 10000 + day.month * 100 + day.day)


def order_key(tip: Tip | Fields) -> str:
    """The order of every list, as one string (so the index can keep it in a B-tree): newest
    first, ties by id, then undated tips by title."""
    if tip.date:
        return f"0{_inverted(tip.date):08d}{tip.id}"
    return f"1{tip.title.casefold()}\x00{tip.id}"


def newest_bound(day: dt.date) -> str:
    """Keys at or above this one belong to tips dated `day` or earlier, or undated."""
    return f"0{_inverted(day):08d}"


def oldest_bound(day: dt.date) -> str:
    """Keys below this one belong to tips dated `day` or later."""
    return f"0{_inverted(day) + 1:08d}"
