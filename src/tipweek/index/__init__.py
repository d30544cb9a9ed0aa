"""The search index: a SQLite FTS5 cache of every library, kept in the user's cache folder.

It is a cache, never the source of truth: any command may rebuild it from the tip files.
`schema` owns the tables, `watch` finds what changed on disk, `sync` applies it, `where`
builds every filter, `queries` reads tips back, `search` ranks matches, and `core` ties them
into the `Index` store.

The names below are imported when first used, so that `tipweek.index.watch` (which runs
before every command, the fast route's included) does not pay for the rest.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tipweek.index.core import Index, index_path, memory_index, open_index, open_store
    from tipweek.index.search import HIT_END, HIT_START, SearchHit

_WHERE = {
    "Index": "core",
    "index_path": "core",
    "memory_index": "core",
    "open_index": "core",
    "open_store": "core",
    "HIT_END": "search",
    "HIT_START": "search",
    "SearchHit": "search",
}

__all__ = [
    "HIT_END",
    "HIT_START",
    "Index",
    "SearchHit",
    "index_path",
    "memory_index",
    "open_index",
    "open_store",
]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'tipweek.index' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"tipweek.index.{_WHERE[name]}"), name)
