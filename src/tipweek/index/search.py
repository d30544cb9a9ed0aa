"""Searching the index: ranked full-text matches, "more like this", and "did you mean".

Ranking lives here alone; keeping the index current is `sync`'s job and choosing the words
to look for is `tipweek.understand`'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from tipweek.index.queries import COLUMNS, TEXT, row_to_tip, where_for
from tipweek.model import Tip
from tipweek.store import Filters

WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0)  # title, takeaway, summary, body, tags
SIMILAR_WEIGHTS = (3.0, 1.0, 1.0, 1.0, 3.0)
HIT_START, HIT_END = "\ue000", "\ue001"  # snippet markers; `clean` strips them from tip text


class SearchHit(NamedTuple):
    tip: Tip
    score: float
    snippet: str  # with HIT_START/HIT_END around matched words

    def to_json(self) -> dict[str, Any]:
        """The tip's JSON, with the score and the snippet as plain text."""
        return {
            **self.tip.to_json(),
            "score": round(self.score, 4),
            "snippet": self.snippet.replace(HIT_START, "").replace(HIT_END, ""),
        }


class _Ranked(NamedTuple):
    visible: bool
    hit: SearchHit
    order: str


def _bm25(weights: Sequence[float]) -> str:
    return f"bm25(fts, {', '.join(str(float(w)) for w in weights)})"


def search(
    db: sqlite3.Connection,
    expression: str,
    filters: Filters = Filters(),
    limit: int | None = 20,
    exclude: str | None = None,
    weights: Sequence[float] = WEIGHTS,
) -> list[SearchHit]:
    """Ranked matches. Ranking sorts only row ids and scores; whole rows and snippets are
    read for the few tips shown."""
    if not (filters.category or filters.until or filters.since or exclude) and limit is not None:
        fast = _search_unfiltered(db, expression, limit, weights)
        if fast is not None:
            return fast
    where, args = where_for(filters, exclude=exclude)
    ranked = db.execute(
        f"SELECT t.rowid, {_bm25(weights)} AS score FROM fts JOIN tips t ON t.rowid = fts.rowid "
        f"WHERE fts MATCH ? AND {where} ORDER BY score, t.ord LIMIT ?",
        [expression, *args, -1 if limit is None else limit],
    ).fetchall()
    return [r.hit for r in _hits(db, expression, ranked)]


def _search_unfiltered(
    db: sqlite3.Connection, expression: str, limit: int, weights: Sequence[float]
) -> list[SearchHit] | None:
    """Rank inside the full-text index alone, with spare rows in case some are hidden by a tip
    with the same id in a later library. None when that cannot be sure of the answer; exact
    whenever enough of the fetched rows are shown, or every match was fetched."""
    fetch = 2 * limit + 10
    ranked = db.execute(
        f"SELECT rowid, {_bm25(weights)} AS score FROM fts WHERE fts MATCH ? ORDER BY score LIMIT ?",
        (expression, fetch),
    ).fetchall()
    shown = [r for r in _hits(db, expression, ranked) if r.visible]
    if len(shown) >= limit or len(ranked) < fetch:
        return [r.hit for r in sorted(shown, key=lambda r: (-r.hit.score, r.order))][:limit]
    return None


def _hits(db: sqlite3.Connection, expression: str, ranked: Sequence[sqlite3.Row]) -> list[_Ranked]:
    """Whole rows and snippets for ranked row ids, in rank order."""
    if not ranked:
        return []
    marks = ", ".join("?" * len(ranked))
    details = {
        r["rowid"]: r
        for r in db.execute(
            f"SELECT t.rowid AS rowid, t.visible AS visible, t.ord AS ord, {COLUMNS}, "
            f"snippet(fts, -1, '{HIT_START}', '{HIT_END}', '…', 14) AS snippet "
            f"FROM fts JOIN tips t ON t.rowid = fts.rowid {TEXT} "
            f"WHERE fts MATCH ? AND t.rowid IN ({marks})",
            [expression, *(r[0] for r in ranked)],
        )
    }
    return [
        _Ranked(
            bool(row["visible"]),
            SearchHit(row_to_tip(row), -float(score), str(row["snippet"])),
            str(row["ord"]),
        )
        for rowid, score in ranked
        if (row := details.get(rowid)) is not None
    ]


def similar(
    db: sqlite3.Connection, tip: Tip, limit: int = 3, terms: int = 5, candidates: int = 10
) -> list[Tip]:
    """More like this: tips sharing this one's most telling words, ranked by BM25. Only words
    that a minority of tips use are searched for: they say more, and keep the search small in
    a large library."""
    from tipweek.understand import telling_words

    picked = telling_words(tip.title, tip.body, tip.tags, candidates)
    telling = _rare(db, [f'"{word}"' for word in picked], terms)
    if not telling:
        return []
    try:
        hits = search(db, " OR ".join(telling), limit=limit, exclude=tip.id, weights=SIMILAR_WEIGHTS)
    except sqlite3.Error:
        return []
    return [h.tip for h in hits]


def _rare(db: sqlite3.Connection, queries: Iterable[str], wanted: int) -> list[str]:
    """The first `wanted` queries that match at least two tips and at most a tenth of them
    (any that match at least two, in a small library)."""
    (size,) = db.execute("SELECT coalesce(max(rowid), 0) FROM tips").fetchone()
    rare: list[str] = []
    for query in queries:
        # Counting stops early: all that matters is whether the word is rare enough.
        (used,) = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)", (query, size // 10 + 2)
        ).fetchone()
        if 2 <= used <= size // 10 + 1 or size < 50:
            rare.append(query)
        if len(rare) == wanted:
            break
    return rare


def suggest(db: sqlite3.Connection, words: Iterable[str], limit: int = 3) -> list[str]:
    """Words the library does contain that are close to ones it does not."""
    import difflib

    found: list[str] = []
    for word in words:
        if db.execute("SELECT 1 FROM words_vocab WHERE term = ?", (word,)).fetchone():
            continue
        candidates = [
            r["term"]
            for r in db.execute(
                "SELECT term FROM words_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
                (word[:1], word[:1] + "\U0010ffff", len(word) - 2, len(word) + 3),
            )
        ]
        found += [
            c for c in difflib.get_close_matches(word, candidates, n=limit, cutoff=0.7) if c not in found
        ]
    return found[:limit]
