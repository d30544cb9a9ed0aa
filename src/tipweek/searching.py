"""A search from start to end: read the query, plan its concepts against the library's words
and the thesaurus, rank them in the index, and say what was corrected or what might help.

The CLI prints what this returns; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tipweek.library import SYNONYMS_FILE
from tipweek.store import Filters

if TYPE_CHECKING:
    from tipweek.config import Config
    from tipweek.index import Index, SearchHit
    from tipweek.library import LibrarySource
    from tipweek.understand.plan import Plan
    from tipweek.understand.thesaurus import Thesaurus


class Found(NamedTuple):
    hits: list[SearchHit]
    plan: Plan
    suggestions: list[str]  # "did you mean" words, when nothing matched


def bundled_thesaurus() -> Path:
    return Path(__file__).resolve().parent / "data" / SYNONYMS_FILE


def thesaurus_files(sources: Sequence[LibrarySource], config: Config | None = None) -> list[Path]:
    """The bundled thesaurus, then the config's `synonyms` files, then the `synonyms.toml` at
    the top of each library folder (see docs/synonyms.md)."""
    files = [bundled_thesaurus()]
    if config is not None:
        files += list(config.synonyms)
    files += [s.path / SYNONYMS_FILE for s in sources]
    return list(dict.fromkeys(files))


def load_thesaurus(files: Sequence[Path], cache_dir: Path | None, warn: Callable[[str], None]) -> Thesaurus:
    from tipweek.understand.thesaurus import load

    return load(files, cache_dir, warn=warn)


def search(
    index: Index,
    words: Sequence[str],
    thesaurus: Thesaurus | None,
    *,
    filters: Filters = Filters(),
    limit: int | None = 10,
    every: bool = False,
    snippets: bool = True,
) -> Found:
    """Ranked hits for a query typed as `words`; raises `BadInput` for a malformed query."""
    from tipweek.understand.language import parse
    from tipweek.understand.plan import plan

    planned = plan(parse(" ".join(words)), index.vocabulary(), thesaurus, every=every)
    hits = index.rank(planned, filters, limit, snippets=snippets) if planned.concepts else []
    suggestions = [] if hits else index.suggest([*planned.unknown, *(c.label for c in planned.concepts)])
    return Found(hits, planned, suggestions)
