"""The search index: a SQLite FTS5 cache of every library, kept in the user's cache folder.

It is a cache, never the source of truth: any command may rebuild it from the tip files.
`schema` owns the tables, `sync` keeps them current with the files, `queries` reads tips
back, `search` ranks matches, and `core` ties them into the `Index` store.
"""

from tipweek.index.core import Index, index_path, memory_index, open_index, open_store
from tipweek.index.search import HIT_END, HIT_START, SearchHit

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
