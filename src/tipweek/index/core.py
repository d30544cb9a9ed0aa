"""The `Index`: a `Store` over SQLite, and opening it (or a stand-in when it cannot be used)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tipweek.index import queries, schema, search, sync, where
from tipweek.index.search import SearchHit
from tipweek.index.sync import Progress
from tipweek.library import LibrarySource, Problem
from tipweek.model import Tip
from tipweek.store import Category, Curation, Filters

if TYPE_CHECKING:
    from tipweek.understand.plan import Plan

Warn = Callable[[str], None]


class Index:
    """A `Store` backed by SQLite; construct with `open_store`, and close when done (it is
    a context manager)."""

    def __init__(
        self, db: sqlite3.Connection, sources: Sequence[LibrarySource], curation: Curation = Curation()
    ) -> None:
        self.db = db
        self.sources = list(sources)
        self.curation = curation
        self._problems: list[Problem] | None = None

    def close(self) -> None:
        """Release the database (and its locks); closing twice is harmless."""
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- keeping it current -------------------------------------------------------------

    def refresh(self, *, full: bool = False, progress: Progress | None = None) -> int:
        """Bring the index up to date with the files; returns how many files changed."""
        changed = sync.refresh(self.db, self.sources, full=full, progress=progress, curation=self.curation)
        if changed:
            self._problems = None
        return changed

    def rebuild(self, *, progress: Progress | None = None) -> int:
        """Start afresh from the tip files (what `tip reindex` does); returns how many were read."""
        read = sync.rebuild(self.db, self.sources, progress=progress, curation=self.curation)
        self._problems = None
        return read

    # -- reading ------------------------------------------------------------------------

    @property
    def problems(self) -> list[Problem]:
        if self._problems is None:
            self._problems = queries.problems(self.db)
        return self._problems

    def tips(self, filters: Filters = Filters(), limit: int | None = None) -> list[Tip]:
        return queries.rows(self.db, filters, "LIMIT ?", [-1 if limit is None else limit])

    def count(self, filters: Filters = Filters()) -> int:
        return queries.count(self.db, filters)

    def categories(self) -> list[Category]:
        return queries.categories(self.db)

    def dated_between(self, start: dt.date, end: dt.date, category: str | None) -> list[Tip]:
        return self.tips(Filters(category, start, end, whole=True))

    def eligible_count(self, as_of: dt.date, category: str | None, new_too: bool = False) -> int:
        return queries.count(self.db, Filters(category, new_too=new_too), eligible_on=as_of)

    def eligible_at(self, as_of: dt.date, category: str | None, position: int, new_too: bool = False) -> Tip:
        return queries.nth(self.db, Filters(category, new_too=new_too), position, as_of)

    def ids(self) -> list[str]:
        return queries.ids(self.db)

    def ids_with_prefix(self, prefix: str, limit: int = 50) -> list[str]:
        return queries.ids_with_prefix(self.db, prefix, limit)

    def get_exact(self, tip_id: str) -> Tip | None:
        return queries.get_exact(self.db, tip_id)

    def hidden_ids(self) -> frozenset[str]:
        return where.hidden_ids(self.db)

    def holders(self, tip_id: str) -> list[tuple[LibrarySource, str]]:
        """Every library holding a tip with this id, and the file, in reading order (the last
        one wins)."""
        return [
            (self.sources[layer], path)
            for layer, path in queries.holders(self.db, tip_id)
            if layer < len(self.sources)
        ]

    def blocks(self, tip: Tip) -> list[Any] | None:
        return queries.blocks(self.db, tip)

    # -- searching ----------------------------------------------------------------------

    def rank(
        self, plan: Plan, filters: Filters = Filters(), limit: int | None = 20, *, snippets: bool = True
    ) -> list[SearchHit]:
        """The tips best matching a planned query (see `tipweek.understand.plan`)."""
        ranked = search.rank(self.db, plan.concepts, plan.excluded, filters, limit)
        return search.hits(self.db, ranked, plan.everything(), snippets=snippets)

    def vocabulary(self) -> search.Vocabulary:
        return search.Vocabulary(self.db)

    def similar(self, tip: Tip, limit: int = 3) -> list[Tip]:
        return search.similar(self.db, tip, limit)

    def suggest(self, words: Iterable[str], limit: int = 3) -> list[str]:
        return search.suggest(self.db, words, limit)


def index_path(cache_dir: Path, sources: Sequence[LibrarySource]) -> Path:
    """One index per set of libraries, so `--library` never mixes with the default set."""
    import zlib

    data = "\n".join(f"{s.name}\t{s.path.absolute()}" for s in sources).encode()
    return cache_dir / f"index-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.sqlite3"


def _prepare(db: sqlite3.Connection, warn: Warn) -> None:
    """Check the file is a current index, creating the schema in a new or older one."""
    version = schema.version(db)
    # A cache: after a power cut it may lose its last update (and re-read those files),
    # but it is never corrupted, and commits need no fsync.
    db.execute("PRAGMA synchronous = NORMAL")
    if version != schema.SCHEMA_VERSION:
        if version:
            warn("the search index is from another version of tip; rebuilding it")
        # A new file only (a page size is set before the first table): 8 KB pages fit the
        # packed texts and full-text blobs with less left over than 4 KB ones (3% smaller).
        db.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")
        db.execute("PRAGMA journal_mode = WAL")
        schema.create(db)
    else:
        db.execute("SELECT count(*) FROM meta").fetchone()


def _locked(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def open_index(
    path: Path,
    sources: Sequence[LibrarySource],
    *,
    warn: Warn,
    busy_ms: int = schema.BUSY_MS,
    curation: Curation = Curation(),
) -> Index:
    """Open (creating, upgrading or replacing a damaged file as needed) the index at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        db = schema.connect(path, busy_ms)
        try:
            _prepare(db, warn)
            return Index(db, sources, curation)
        except sqlite3.DatabaseError as error:
            db.close()
            if attempt or _locked(error):
                raise
            warn(f"the search index was damaged ({error}); rebuilding it")
            schema.remove_files(path)
    raise AssertionError("unreachable")


def _unwritable(error: sqlite3.Error) -> bool:
    text = str(error)
    return isinstance(error, sqlite3.OperationalError) and any(
        word in text for word in ("locked", "readonly", "read-only")
    )


def _open_current(
    path: Path,
    sources: Sequence[LibrarySource],
    warn: Warn,
    progress: Progress | None,
    rebuild: bool,
    busy_ms: int = schema.BUSY_MS,
    curation: Curation = Curation(),
) -> Index:
    """The index at `path`, brought up to date; one damaged while reading is replaced."""
    index = open_index(path, sources, warn=warn, busy_ms=busy_ms, curation=curation)
    try:
        if rebuild:
            index.rebuild(progress=progress)
        else:
            index.refresh(progress=progress)
        return index
    except sqlite3.DatabaseError as error:
        index.close()
        if _unwritable(error):
            raise
        warn(f"the search index was damaged ({error}); rebuilding it")
    schema.remove_files(path)
    index = open_index(path, sources, warn=warn, busy_ms=busy_ms, curation=curation)
    try:
        index.refresh(progress=progress, full=True)
    except BaseException:
        index.close()
        raise
    return index


def open_store(
    sources: Sequence[LibrarySource],
    cache_dir: Path,
    *,
    warn: Warn,
    progress: Progress | None = None,
    rebuild: bool = False,
    lock_wait: float = schema.BUSY_MS / 1000,
    curation: Curation = Curation(),
) -> Index:
    """The index over `sources`, brought up to date (or rebuilt); or the files read into
    memory when the cache folder cannot be used (read-only, full), or when another process
    holds the index's write lock for longer than `lock_wait` seconds."""
    busy_ms = int(lock_wait * 1000)
    try:
        path = index_path(cache_dir, sources)
        return _open_current(path, sources, warn, progress, rebuild, busy_ms, curation)
    except (sqlite3.Error, OSError) as error:
        if isinstance(error, sqlite3.Error) and _locked(error):
            warn(
                f"the search index is busy (another tip command has been updating it for over "
                f"{lock_wait:g}s); reading the tip files directly"
            )
        else:
            warn(f"cannot use the search index in {cache_dir} ({error}); reading the tip files directly")
        return memory_index(sources, progress=progress, curation=curation)


def memory_index(
    sources: Sequence[LibrarySource], *, progress: Progress | None = None, curation: Curation = Curation()
) -> Index:
    """An index held in memory for this one command."""
    db = schema.connect(":memory:")
    schema.create(db)
    index = Index(db, sources, curation)
    index.refresh(progress=progress, full=True)
    return index
