"""Temporary: the store without an index (replaced by the SQLite index)."""
from __future__ import annotations
from collections.abc import Callable
from pathlib import Path
from tipweek.library import LibrarySource, load
from tipweek.store import MemoryStore

def open_store(sources: list[LibrarySource], cache_dir: Path, *, warn: Callable[[str], None], progress: bool = False) -> MemoryStore:
    loaded = load(sources)
    return MemoryStore(loaded.tips, loaded.problems)
